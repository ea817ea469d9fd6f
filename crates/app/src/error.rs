//! The app layer's errors: what the CLI turns into exit codes and the desktop shell into
//! `{code, message}`.

use std::collections::BTreeMap;

use assistid_core::text::{Lang, Template, Text};
use assistid_store::StoreError;
use assistid_store::backup::BackupError;
use serde::{Deserialize, Serialize};

/// A failure a user can act on. Messages are Swedish and written for coordinators; `code` is
/// stable for the UI and scripts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The database could not be opened or used.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A value the user gave is not valid.
    #[error("{field}: {message}")]
    Invalid {
        /// Which field (Swedish label), e.g. "personnummer".
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Something the operation needs is missing (e.g. no provider registered yet), told as a
    /// Swedish sentence only. Kept for callers not yet moved: build it with
    /// [`AppError::missing_text`] (`missing_data` with a template and parameters) instead,
    /// which renders in the UI's language.
    #[error("{0}")]
    Missing(String),
    /// The data has problems that block the operation (errors in an import or a review).
    #[error("{message}")]
    DataProblems {
        /// How many problems.
        count: usize,
        /// A summary for the user.
        message: String,
    },
    /// Something belongs to another environment than the data folder's (demo, test or
    /// production): the demo's BankID or simulated BankID app in a folder with real data, a
    /// signature made with test BankID on its way to FK's production service, … Nothing was
    /// stored or sent.
    #[error("{message}")]
    WrongEnvironment {
        /// Stable code, e.g. `demo_bankid_in_real_folder`.
        code: &'static str,
        /// What is wrong and what to do, for the coordinator.
        message: String,
    },
    /// The import file's bytes are not the ones previewed (the file changed in between):
    /// nothing was stored.
    #[error("{message}")]
    ImportFileChanged {
        /// What happened and what to do, for the user.
        message: String,
    },
    /// A backup could not be made, read or restored (see [`BackupError`]).
    #[error("{0}")]
    Backup(#[from] BackupError),
    /// A failure told as a [`Text`]: its stable code and parameters, rendered in the user's
    /// language ([`AppError::message_in`]); `Display` is the Swedish text.
    #[error("{text}")]
    Told {
        /// Stable code, e.g. `invalid_input`, `missing_data`, `check_failed`.
        code: &'static str,
        /// What is wrong and what to do.
        text: Text,
        /// True when the user must fix data (as [`AppError::Invalid`] and
        /// [`AppError::Missing`]).
        data_problem: bool,
    },
    /// The vendor's relay could not be reached, refused the enrolment, a report or a
    /// decision, or the folder is not enrolled with it (docs/RELAY.md). Nothing was stored.
    #[error("{message}")]
    Relay {
        /// Stable code, e.g. `relay_unreachable`, `relay_enrolment_refused`.
        code: &'static str,
        /// What is wrong and what to do, for the coordinator (with the relay's own code).
        message: String,
    },
}

impl AppError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Store(e) => e.code(),
            AppError::Invalid { .. } => "invalid_input",
            AppError::Missing(_) => "missing_data",
            AppError::DataProblems { .. } => "data_problems",
            AppError::ImportFileChanged { .. } => "import_file_changed",
            AppError::Backup(e) => e.code(),
            AppError::WrongEnvironment { code, .. } => code,
            AppError::Told { code, .. } => code,
            AppError::Relay { code, .. } => code,
        }
    }

    /// A failure told as a text, with its own code; not a data problem.
    pub fn told(code: &'static str, text: Text) -> Self {
        AppError::Told {
            code,
            text,
            data_problem: false,
        }
    }

    /// The data has problems that block the operation (`data_problems`), told as a text.
    pub fn data_problems(text: Text) -> Self {
        AppError::Told {
            code: "data_problems",
            text,
            data_problem: true,
        }
    }

    /// A value the user gave is not valid (`invalid_input`), told as a text.
    pub fn invalid_text(text: Text) -> Self {
        AppError::Told {
            code: "invalid_input",
            text,
            data_problem: true,
        }
    }

    /// Something the operation needs is missing (`missing_data`), told as a text.
    pub fn missing_text(text: Text) -> Self {
        AppError::Told {
            code: "missing_data",
            text,
            data_problem: true,
        }
    }

    /// The message as a text: the told text, the store's and the backup's own texts, else
    /// the Swedish message (not yet in a catalog).
    pub fn text(&self) -> Text {
        match self {
            AppError::Told { text, .. } => text.clone(),
            AppError::Store(e) => e.text(),
            AppError::Backup(e) => e.text(),
            other => Text::untranslated(other.code(), other.to_string()),
        }
    }

    /// The message in `lang` (Swedish: the `Display` text).
    pub fn message_in(&self, lang: Lang) -> String {
        self.text().render(lang)
    }

    /// True when the database itself could not be opened (key, schema, lock).
    pub fn is_database_access(&self) -> bool {
        matches!(
            self,
            AppError::Store(
                StoreError::WrongKey { .. }
                    | StoreError::KeyMissing { .. }
                    | StoreError::KeyFilePermissions { .. }
                    | StoreError::KeyFileInvalid { .. }
                    | StoreError::KeyFileIo { .. }
                    | StoreError::Keychain { .. }
                    | StoreError::NewerSchema { .. }
                    | StoreError::Locked { .. }
                    | StoreError::Corrupt { .. }
                    | StoreError::DataDir { .. }
            )
        )
    }

    /// True when the data blocks the operation (the user must fix rows or the register).
    pub fn is_data_problem(&self) -> bool {
        matches!(
            self,
            AppError::DataProblems { .. }
                | AppError::Invalid { .. }
                | AppError::Missing(_)
                | AppError::ImportFileChanged { .. }
                | AppError::Told {
                    data_problem: true,
                    ..
                }
        )
    }

    /// A value the user gave is not valid (`invalid_input`): `field` (a Swedish label, told in
    /// the UI's language when it is one of [`crate::invalid::templates`]'s) and what is wrong,
    /// told as it is (Swedish). Prefer [`AppError::invalid_with`] with a template.
    pub(crate) fn invalid(field: &str, message: impl ToString) -> Self {
        AppError::invalid_with(field, message.to_string())
    }

    /// A value the user gave is not valid (`invalid_input`): `field` and what is wrong (a
    /// [`Text`] from a template, or a plain value), rendered in the UI's language; `Display`
    /// is `{field}: {message}` in Swedish.
    pub(crate) fn invalid_with(
        field: &str,
        message: impl Into<assistid_core::text::Param>,
    ) -> Self {
        AppError::invalid_text(crate::invalid::refusal(field, message))
    }
}

/// The one error shape the desktop UI receives, as it is (every Tauri command rejects with
/// it; its TypeScript is generated with the view types): a stable code, a message for people
/// in the UI's language, and the message's own code and parameters (so the UI renders it again
/// after a language switch).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IpcError {
    /// Stable snake_case code the UI may branch on (`not_available`, `invalid_input`, …).
    pub code: String,
    /// Text for coordinators in the UI's language (Swedish by default): what is wrong and
    /// where.
    pub message: String,
    /// The message's own stable code (see [`assistid_core::text`]); empty when the message is
    /// not built from one.
    #[serde(default)]
    pub message_code: String,
    /// The message's parameters by name, rendered in the same language as `message`; a
    /// parameter that is a message of its own (`what`) also gives its code (`what@code`) and
    /// parameters (`what@name`), see [`Text::params_flat`].
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// The app layer's own templates (see [`assistid_core::text`]).
pub mod templates {
    use assistid_core::text::Template;

    /// An unexpected failure.
    pub static INTERNAL: Template = Template::new(
        "internal",
        "Något gick fel: {detail}",
        "Something went wrong: {detail}",
    );
    /// No provider registered yet.
    pub static NO_PROVIDER: Template = Template::new(
        "no_provider",
        "ingen anordnare är registrerad ännu",
        "no provider has been registered yet",
    );
    /// A submission id that does not exist.
    pub static SUBMISSION_MISSING: Template = Template::new(
        "submission_missing",
        "inskickning {id} finns inte",
        "submission {id} does not exist",
    );
    /// A month without reports.
    pub static NO_REPORTS_IN_MONTH: Template = Template::new(
        "no_reports_in_month",
        "inga tidredovisningar för {month}",
        "no time reports for {month}",
    );
    /// BankID's RP certificate is not in place for an environment.
    pub static BANKID_RP_CERT_MISSING: Template = Template::new(
        "bankid_rp_cert_missing",
        "RP-certifikatet för BankID:s {environment} är inte inlagt; importera det under \
         Inställningar (eller med assistid bankid import-rp-certificate)",
        "The RP certificate for BankID's {environment} has not been added; import it under \
         Settings (or with assistid bankid import-rp-certificate)",
    );
    /// The keychain could not be used.
    pub static KEYCHAIN_UNUSABLE: Template = Template::new(
        "keychain_unusable",
        "nyckelringen kunde inte användas ({reason})",
        "the keychain could not be used ({reason})",
    );
    /// The RP certificate's password is not in the keychain.
    pub static RP_PASSWORD_MISSING: Template = Template::new(
        "rp_password_missing",
        "lösenordet till RP-certifikatet finns inte i nyckelringen ({reason}); ange det i \
         {variable} för körning utan nyckelring",
        "the password of the RP certificate is not in the keychain ({reason}); give it in \
         {variable} to run without a keychain",
    );
    /// A signatory was not saved.
    pub static SIGNATORY_NOT_SAVED: Template = Template::new(
        "signatory_not_saved",
        "firmatecknaren sparades inte",
        "the authorised signatory was not saved",
    );
    /// No person with this personnummer.
    pub static NO_SUCH_PERSON: Template = Template::new(
        "no_such_person",
        "det finns ingen person med assistans med personnumret {personnummer} i registret; \
         registrera personen först",
        "there is no person receiving assistance with the personal identity number \
         {personnummer} in the register; register the person first",
    );
    /// No assistant with this personnummer.
    pub static NO_SUCH_ASSISTANT: Template = Template::new(
        "no_such_assistant",
        "det finns ingen assistent med personnumret {personnummer} i registret; registrera \
         assistenten först",
        "there is no assistant with the personal identity number {personnummer} in the \
         register; register the assistant first",
    );
    /// Neither a person nor an assistant with this personnummer.
    pub static NO_SUCH_SUBJECT: Template = Template::new(
        "no_such_subject",
        "ingen person eller assistent med personnumret {personnummer} finns i registret",
        "no person or assistant with the personal identity number {personnummer} is in the \
         register",
    );
    /// A report version that is not stored.
    pub static REPORT_VERSION_MISSING: Template = Template::new(
        "report_version_missing",
        "rapportversionen {id} saknas",
        "the report version {id} is missing",
    );
    /// A person without reports in a month.
    pub static PERSON_HAS_NO_REPORTS: Template = Template::new(
        "person_has_no_reports",
        "{name} har inga tidredovisningar för {month}",
        "{name} has no time reports for {month}",
    );
    /// BankID's certificate needs the provider first.
    pub static PROVIDER_FIRST_FOR_BANKID_CERT: Template = Template::new(
        "provider_first_for_bankid_cert",
        "registrera anordnaren först: BankID-certifikatet hör till anordnarens \
         organisationsnummer",
        "register the provider first: the BankID certificate belongs to the provider's \
         organisation number",
    );
    /// No provider: add one first.
    pub static NO_PROVIDER_ADD_FIRST: Template = Template::new(
        "no_provider_add_first",
        "ingen anordnare är registrerad; lägg in anordnaren först",
        "no provider has been registered; add the provider first",
    );
    /// The relay needs the provider first.
    pub static PROVIDER_FIRST_FOR_RELAY: Template = Template::new(
        "provider_first_for_relay",
        "Lägg in anordnaren (organisationsnummer) innan du ansluter till leverantören.",
        "Add the provider (organisation number) before you connect to the vendor.",
    );
    /// The register needs the provider first.
    pub static PROVIDER_FIRST: Template = Template::new(
        "provider_first",
        "registrera anordnaren först (assistid provider add)",
        "register the provider first (assistid provider add)",
    );
    /// A folder with real data needs a chosen environment.
    pub static CHOOSE_ENVIRONMENT: Template = Template::new(
        "choose_environment",
        "välj miljö: --env test (Försäkringskassans testmiljö) eller --env prod",
        "choose an environment: --env test (Försäkringskassan's test environment) or --env prod",
    );
    /// No address for the environment.
    pub static NO_ADDRESS: Template = Template::new(
        "no_address",
        "ingen adress för miljön",
        "no address for the environment",
    );
    /// Which server certificates to trust has not been chosen.
    pub static NO_TRUST_CHOSEN: Template = Template::new(
        "no_trust_chosen",
        "det är inte valt vilka servercertifikat Assistid ska lita på för {environment}: \
         välj under Inställningar → Miljö Försäkringskassans certifikatutfärdare (CA-fil) eller \
         datorns rotcertifikat (i kommandoraden: --ca FIL.pem, eller inställningen {setting} med \
         värdet \"{system_roots}\" för datorns rotcertifikat)",
        "it has not been chosen which server certificates Assistid is to trust for \
         {environment}: choose under Settings → Environment Försäkringskassan's certificate \
         authority (CA file) or the computer's root certificates (on the command line: --ca \
         FILE.pem, or the setting {setting} with the value \"{system_roots}\" for the computer's \
         root certificates)",
    );
    /// No client certificate chosen.
    pub static NO_CLIENT_CERT: Template = Template::new(
        "no_client_cert",
        "ingen certifikatfil (e-tjänstelegitimation från Expisoft) är vald: \
         lägg in den under Inställningar, ange --client-cert FIL.p12 eller \
         inställningen {setting}",
        "no certificate file (the e-service certificate from Expisoft) is chosen: add it under \
         Settings, give --client-cert FILE.p12 or the setting {setting}",
    );
    /// No password for the client certificate.
    pub static NO_CLIENT_CERT_PASSWORD: Template = Template::new(
        "no_client_cert_password",
        "lösenordet till certifikatfilen saknas: spara det i nyckelringen eller \
         ange det i miljövariabeln {variable}",
        "the password of the certificate file is missing: save it in the keychain or give it \
         in the environment variable {variable}",
    );
    /// Backups are not set up.
    pub static BACKUP_NOT_SET_UP: Template = Template::new(
        "backup_choose_key_and_folder",
        "välj först en återställningsnyckel och en mapp för säkerhetskopiorna",
        "first choose a recovery key and a folder for the backups",
    );
    /// A person not in the register.
    pub static PERSON_NOT_IN_REGISTER: Template = Template::new(
        "person_not_in_register",
        "personen {person} finns inte i registret",
        "the person {person} is not in the register",
    );

    /// An own BankID root outside the test environment.
    pub static USER_ROOT_TEST_ONLY: Template = Template::new(
        "user_root_test_only",
        "Ett eget rotcertifikat för BankID kan bara anges när datamappen arbetar i \
         testmiljön; den här datamappen arbetar i {environment}. I produktionsmiljön godtas \
         bara BankID:s eget rotcertifikat, som följer med programmet. Ingenting \
         ändrades.",
        "An own root certificate for BankID can only be given when the data folder works in \
         the test environment; this data folder works in {environment}. In the production \
         environment only BankID's own root certificate, which comes with the program, is \
         accepted. Nothing was changed.",
    );
    /// The folder's environment is not chosen.
    pub static ENVIRONMENT_NOT_CHOSEN: Template = Template::new(
        "environment_not_chosen",
        "Välj först om den här datamappen arbetar mot Försäkringskassans testmiljö eller \
         produktionsmiljö (Inställningar i Assistid-appen, eller assistid environment set \
         test|prod). BankID används alltid i samma miljö som Försäkringskassan.",
        "First choose whether this data folder works with Försäkringskassan's test \
         environment or production environment (Settings in the Assistid app, or assistid \
         environment set test|prod). BankID is always used in the same environment as \
         Försäkringskassan.",
    );
    /// BankID's connection is of another environment than the folder's.
    pub static BANKID_OTHER_ENVIRONMENT: Template = Template::new(
        "bankid_other_environment",
        "Den här datamappen arbetar i {folder}, men BankID-anslutningen gäller {connection}. \
         Ingenting skrevs under; börja om underskriften.",
        "This data folder works in {folder}, but the BankID connection is for {connection}. \
         Nothing was signed; start the signing again.",
    );
    /// The demo's BankID is not running.
    pub static DEMO_BANKID_NOT_STARTED: Template = Template::new(
        "demo_bankid_not_started",
        "Demoläget skriver under med demons egen BankID, som startas av demon. \
         Använd assistid sign i demomappen eller underskriften i Assistid-appen.",
        "The demo signs with the demo's own BankID, which the demo starts. Use assistid sign \
         in the demo folder or the signing in the Assistid app.",
    );
    /// The demo's BankID in a folder with real data.
    pub static DEMO_BANKID_IN_REAL_FOLDER: Template = Template::new(
        "demo_bankid_in_real_folder",
        "Demons BankID kan inte användas i en datamapp med riktiga uppgifter: en \
         underskrift därifrån godtas aldrig av Försäkringskassan. Skriv under med BankID \
         (testmiljön eller produktionsmiljön, som datamappen är inställd på).",
        "The demo's BankID cannot be used in a data folder with real data: a signature from \
         it is never accepted by Försäkringskassan. Sign with BankID (the test environment or \
         the production environment, as the data folder is set).",
    );
    /// The simulated BankID app outside the demo.
    pub static SIMULATED_BANKID_OUTSIDE_DEMO: Template = Template::new(
        "simulated_bankid_outside_demo",
        "Den simulerade BankID-appen finns bara i demoläget. Här skriver den som ska \
         skriva under i sin egen BankID-app.",
        "The simulated BankID app exists only in the demo. Here the one who signs signs in \
         their own BankID app.",
    );
    /// An order prepared in another environment than the connection's.
    pub static ORDER_OTHER_ENVIRONMENT: Template = Template::new(
        "order_other_environment",
        "Underskriften förbereddes i {order}, men BankID-anslutningen gäller {connection}. \
         Ingenting skrevs under; börja om underskriften.",
        "The signing was prepared in {order}, but the BankID connection is for {connection}. \
         Nothing was signed; start the signing again.",
    );
    /// A signature made in another environment than the folder's.
    pub static SIGNATURE_OTHER_ENVIRONMENT: Template = Template::new(
        "signature_other_environment",
        "Underskriften gjordes i {signed}, men datamappen arbetar nu i {folder}; den \
         sparades inte. Skriv under igen i {folder}.",
        "The signature was made in {signed}, but the data folder now works in {folder}; it \
         was not saved. Sign again in {folder}.",
    );
    /// The demo's FK in a folder with real data.
    pub static DEMO_FK_IN_REAL_FOLDER: Template = Template::new(
        "demo_fk_in_real_folder",
        "Demons Försäkringskassa (demo-FK) kan inte användas i en datamapp med riktiga \
         uppgifter: ingenting som skickas dit når Försäkringskassan. Skicka till \
         Försäkringskassans testmiljö eller produktionsmiljö, som datamappen är \
         inställd på.",
        "The demo's Försäkringskassa (demo FK) cannot be used in a data folder with real \
         data: nothing sent there reaches Försäkringskassan. Send to Försäkringskassan's test \
         environment or production environment, as the data folder is set.",
    );
    /// The demo's FK is not running.
    pub static DEMO_FK_NOT_STARTED: Template = Template::new(
        "demo_fk_not_started",
        "Demoläget skickar till demons egen Försäkringskassa (demo-FK), som startas av \
         demon: använd assistid submit i demomappen eller Skicka i Assistid-appen.",
        "The demo sends to the demo's own Försäkringskassa (demo FK), which the demo starts: \
         use assistid submit in the demo folder or Send in the Assistid app.",
    );
    /// Demo data to the vendor's relay.
    pub static DEMO_DATA_TO_RELAY: Template = Template::new(
        "demo_data_to_relay",
        "Demodata kan inte skickas via leverantören. Använd en datamapp med \
         riktiga uppgifter.",
        "Demo data cannot be sent through the vendor. Use a data folder with real data.",
    );
    /// An import file with errors.
    pub static IMPORT_HAS_ERRORS: Template = Template::new(
        "import_has_errors",
        "filen har {count} fel; ingenting importerades. Rätta raderna (se listan) eller \
         importera bara de giltiga raderna med --skip-invalid.",
        "the file has {count} errors; nothing was imported. Correct the rows (see the list) or \
         import only the valid rows with --skip-invalid.",
    );
    /// An import file without valid shifts.
    pub static IMPORT_NO_VALID_SHIFTS: Template = Template::new(
        "import_no_valid_shifts",
        "filen innehåller inga giltiga pass att importera",
        "the file contains no valid shifts to import",
    );
    /// The import file changed after the preview.
    pub static IMPORT_FILE_CHANGED: Template = Template::new(
        "import_file_changed",
        "Filen är inte längre densamma som förhandsgranskades (den har ändrats \
         sedan dess); ingenting importerades. Förhandsgranska filen igen och \
         importera den sedan.",
        "The file is no longer the one that was previewed (it has changed since); nothing was \
         imported. Preview the file again and then import it.",
    );
}

/// Every template of the app layer's errors.
pub static CATALOG: &[&Template] = &[
    &templates::INTERNAL,
    &templates::NO_PROVIDER,
    &templates::SUBMISSION_MISSING,
    &templates::NO_REPORTS_IN_MONTH,
    &templates::BANKID_RP_CERT_MISSING,
    &templates::KEYCHAIN_UNUSABLE,
    &templates::RP_PASSWORD_MISSING,
    &templates::SIGNATORY_NOT_SAVED,
    &templates::NO_SUCH_PERSON,
    &templates::NO_SUCH_ASSISTANT,
    &templates::NO_SUCH_SUBJECT,
    &templates::REPORT_VERSION_MISSING,
    &templates::PERSON_HAS_NO_REPORTS,
    &templates::PROVIDER_FIRST_FOR_BANKID_CERT,
    &templates::NO_PROVIDER_ADD_FIRST,
    &templates::PROVIDER_FIRST_FOR_RELAY,
    &templates::PROVIDER_FIRST,
    &templates::CHOOSE_ENVIRONMENT,
    &templates::NO_ADDRESS,
    &templates::NO_TRUST_CHOSEN,
    &templates::NO_CLIENT_CERT,
    &templates::NO_CLIENT_CERT_PASSWORD,
    &templates::BACKUP_NOT_SET_UP,
    &templates::PERSON_NOT_IN_REGISTER,
    &templates::USER_ROOT_TEST_ONLY,
    &templates::ENVIRONMENT_NOT_CHOSEN,
    &templates::BANKID_OTHER_ENVIRONMENT,
    &templates::DEMO_BANKID_NOT_STARTED,
    &templates::DEMO_BANKID_IN_REAL_FOLDER,
    &templates::SIMULATED_BANKID_OUTSIDE_DEMO,
    &templates::ORDER_OTHER_ENVIRONMENT,
    &templates::SIGNATURE_OTHER_ENVIRONMENT,
    &templates::DEMO_FK_IN_REAL_FOLDER,
    &templates::DEMO_FK_NOT_STARTED,
    &templates::DEMO_DATA_TO_RELAY,
    &templates::IMPORT_HAS_ERRORS,
    &templates::IMPORT_NO_VALID_SHIFTS,
    &templates::IMPORT_FILE_CHANGED,
];

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for IpcError {}

impl IpcError {
    /// The error `code` with a message not (yet) built from a catalog's template (no message
    /// code, no parameters: the UI shows `message` as it is).
    pub fn coded(code: impl Into<String>, message: impl Into<String>) -> Self {
        IpcError {
            code: code.into(),
            message: message.into(),
            ..IpcError::default()
        }
    }

    /// The answer of a command whose use case does not exist in this version.
    pub fn not_available(what: &str) -> Self {
        IpcError::coded(
            "not_available",
            format!("{what} finns inte i den här versionen av Assistid ännu."),
        )
    }

    /// A value from the UI that is not what the command expects (`invalid_input`): `field`
    /// (its label translated when it is one of [`crate::invalid::templates`]'s) and what is
    /// wrong (a template's text, or a plain value), told in Swedish with the message's code
    /// and parameters (the UI renders it in its language).
    pub fn invalid(field: &str, message: impl Into<assistid_core::text::Param>) -> Self {
        IpcError::told(
            "invalid_input",
            &crate::invalid::refusal(field, message),
            Lang::Sv,
        )
    }

    /// A signing failure as the UI is told it, without going through `anyhow`: a refusal keeps
    /// its own code (`nothing_to_sign`, `not_a_signatory`, …) with its Swedish message; an
    /// error of the app inside ([`crate::signing::SigningError::Other`]) is told as
    /// [`IpcError::in_lang`] tells it, in `lang`.
    pub fn of_signing(err: crate::signing::SigningError, lang: Lang) -> Self {
        match err {
            crate::signing::SigningError::Other(inner) => IpcError::in_lang(inner, lang),
            refusal => refusal.ipc_error(lang),
        }
    }

    /// The error `code` with `text` rendered in `lang`.
    pub fn told(code: impl Into<String>, text: &Text, lang: Lang) -> Self {
        IpcError {
            code: code.into(),
            message: text.render(lang),
            message_code: text.code().to_owned(),
            params: text.params_flat(lang),
        }
    }

    /// The IPC error of a failed use case, its message in `lang`: the one conversion of the
    /// app's errors for the UI. A shift refusal and an [`AppError`] keep their code and
    /// parameters (rendered in `lang`); the register's deletion rules, the certificate import,
    /// the environment choice and BankID's test service keep their stable codes
    /// (`delete_blocked`, `wrong_certificate_password`, `demo_data_folder`, …) with their
    /// Swedish message; anything else is `internal`.
    pub fn in_lang(err: anyhow::Error, lang: Lang) -> Self {
        let coded = |code: &str, message: String| IpcError::coded(code, message);
        // An IPC error carried through a use case (the desktop shell's import session, until
        // it is an app use case with its own error) comes back unchanged.
        if let Some(own) = err.downcast_ref::<IpcError>() {
            return own.clone();
        }
        if let Some(refused) = err.downcast_ref::<crate::shifts::ShiftRefused>() {
            return refused.ipc_error(lang);
        }
        if let Some(e) = err.downcast_ref::<crate::deletion::DeletionError>() {
            return coded(e.code(), e.to_string());
        }
        if let Some(e) = err.downcast_ref::<crate::certificates::CertificateError>() {
            return coded(e.code(), e.to_string());
        }
        if let Some(e) = err.downcast_ref::<crate::environments::EnvironmentError>() {
            return coded(e.code(), e.to_string());
        }
        if let Some(e) = err.downcast_ref::<crate::bankid_service::BankIdServiceError>() {
            return coded(e.code(), e.to_string());
        }
        // A signing refusal (`nothing_to_sign`, `not_a_signatory`, …) keeps its own code.
        if let Some(signing) = err.downcast_ref::<crate::signing::SigningError>()
            && !matches!(signing, crate::signing::SigningError::Other(_))
        {
            return signing.ipc_error(lang);
        }
        match err.downcast_ref::<AppError>() {
            Some(app) => IpcError::told(app.code(), &app.text(), lang),
            None => {
                // Unexpected failures: the chain helps support; it never contains personal data
                // because no layer puts personnummer or bodies into error texts.
                tracing::error!(error = %format!("{err:#}"), "unexpected failure");
                IpcError::told(
                    "internal",
                    &templates::INTERNAL.with("detail", format!("{err:#}")),
                    lang,
                )
            }
        }
    }
}

impl From<anyhow::Error> for IpcError {
    /// [`IpcError::in_lang`] in Swedish.
    fn from(err: anyhow::Error) -> Self {
        IpcError::in_lang(err, Lang::Sv)
    }
}
