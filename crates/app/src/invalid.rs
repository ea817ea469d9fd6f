//! The refusals of a value the user gave (`invalid_input`): the field's label and what is
//! wrong, each a template with its parameters (see [`assistid_core::text`]), so the refusal
//! renders in the UI's language. Swedish is the reference: `Display` of the error is
//! `{field}: {message}` as it always was.

use assistid_core::text::{Param, Template, Text};

/// The refusal's templates: the fields' labels and the messages (the frame `{field}:
/// {message}` and the register's own labels are [`crate::register::templates`]).
pub mod templates {
    use assistid_core::text::Template;

    /// Field: the assistant's personnummer.
    pub static FIELD_ASSISTANT_PERSONNUMMER: Template = Template::new(
        "field_assistant_personnummer",
        "assistentens personnummer",
        "the assistant's personal identity number",
    );
    /// Field: a date.
    pub static FIELD_DATE: Template = Template::new("field_date", "datum", "date");
    /// Field: a month.
    pub static FIELD_MONTH: Template = Template::new("field_month", "månad", "month");
    /// Field: a file.
    pub static FIELD_FILE: Template = Template::new("field_file", "fil", "file");
    /// Field: the authorised signatory.
    pub static FIELD_SIGNATORY: Template =
        Template::new("field_signatory", "firmatecknare", "authorised signatory");
    /// Field: BankID's environment.
    pub static FIELD_BANKID_ENVIRONMENT: Template = Template::new(
        "field_bankid_environment",
        "BankID-miljö",
        "BankID environment",
    );
    /// Field: a certificate.
    pub static FIELD_CERTIFICATE: Template =
        Template::new("field_certificate", "certifikat", "certificate");
    /// Field: how many backups to keep.
    pub static FIELD_BACKUP_COUNT: Template = Template::new(
        "field_backup_count",
        "antal säkerhetskopior",
        "number of backups",
    );
    /// Field: the backups' folder.
    pub static FIELD_BACKUP_FOLDER: Template = Template::new(
        "field_backup_folder",
        "mapp för säkerhetskopior",
        "folder for backups",
    );
    /// Field: the relay's CA.
    pub static FIELD_RELAY_CA: Template =
        Template::new("field_relay_ca", "relayns CA", "the relay's CA");
    /// Field: the relay's address.
    pub static FIELD_RELAY_ADDRESS: Template = Template::new(
        "field_relay_address",
        "relayns adress",
        "the relay's address",
    );
    /// Field: the vendor's enrolment code.
    pub static FIELD_ENROLMENT_CODE: Template =
        Template::new("field_enrolment_code", "anslutningskod", "connection code");
    /// Field: the connection to FK.
    pub static FIELD_FK_CONNECTION: Template = Template::new(
        "field_fk_connection",
        "anslutning till Försäkringskassan",
        "connection to Försäkringskassan",
    );
    /// Field: the environment.
    pub static FIELD_ENVIRONMENT: Template =
        Template::new("field_environment", "miljö", "environment");
    /// Field: a CA file.
    pub static FIELD_CA_FILE: Template = Template::new("field_ca_file", "CA-fil", "CA file");
    /// Field: one submission.
    pub static FIELD_SUBMISSION: Template =
        Template::new("field_submission", "inskickning", "submission");
    /// Field: several submissions.
    pub static FIELD_SUBMISSIONS: Template =
        Template::new("field_submissions", "inskickningar", "submissions");
    /// Field: the stored report document.
    pub static FIELD_REPORT_DOCUMENT: Template = Template::new(
        "field_report_document",
        "rapportdokument",
        "report document",
    );
    /// Field: organisation number.
    pub static FIELD_ORG_NUMBER: Template = Template::new(
        "field_org_number",
        "organisationsnummer",
        "organisation number",
    );
    /// Field: the employer's organisation number.
    pub static FIELD_EMPLOYER_ORG_NUMBER: Template = Template::new(
        "field_employer_org_number",
        "arbetsgivarens organisationsnummer",
        "the employer's organisation number",
    );
    /// Field: phone.
    pub static FIELD_PHONE: Template = Template::new("field_phone", "telefon", "phone");
    /// Field: the provider.
    pub static FIELD_PROVIDER: Template = Template::new("field_provider", "anordnare", "provider");
    /// Field: a name.
    pub static FIELD_NAME: Template = Template::new("field_name", "namn", "name");
    /// Field: the calculation period.
    pub static FIELD_CALCULATION_PERIOD: Template = Template::new(
        "field_calculation_period",
        "beräkningsperiod",
        "calculation period",
    );
    /// Field: a decision on granted hours.
    pub static FIELD_DECISION: Template = Template::new("field_decision", "beslut", "decision");

    /// Field: granted hours.
    pub static FIELD_GRANTED_HOURS: Template =
        Template::new("field_granted_hours", "beviljade timmar", "granted hours");
    /// Field: a decision's period.
    pub static FIELD_PERIOD: Template = Template::new("field_period", "period", "period");
    /// Field: the first day in a team.
    pub static FIELD_TEAM_FROM: Template = Template::new(
        "field_team_from",
        "första dag i teamet",
        "first day in the team",
    );
    /// Field: valid from.
    pub static FIELD_VALID_FROM: Template =
        Template::new("field_valid_from", "gäller från", "valid from");
    /// Field: valid to.
    pub static FIELD_VALID_TO: Template =
        Template::new("field_valid_to", "gäller till", "valid to");
    /// Field: the calculation period's start.
    pub static FIELD_PERIOD_START: Template = Template::new(
        "field_period_start",
        "beräkningsperiodens start",
        "the calculation period's start",
    );
    /// Field: the calculation period's length.
    pub static FIELD_PERIOD_LENGTH: Template = Template::new(
        "field_period_length",
        "beräkningsperiodens längd",
        "the calculation period's length",
    );

    /// A value as typed and why it was refused (the reason a message of its own).
    pub static VALUE_AND_REASON: Template =
        Template::new("value_and_reason", "{value}: {reason}", "{value}: {reason}");
    /// Not a number of hours.
    pub static NOT_HOURS: Template = Template::new(
        "not_hours",
        "{value} är inte ett antal timmar; skriv t.ex. 40, 37,5 eller 37:30",
        "{value} is not a number of hours; write e.g. 40, 37,5 or 37:30",
    );
    /// Hours that are not whole minutes.
    pub static WHOLE_MINUTES: Template = Template::new(
        "whole_minutes",
        "{value}: ange hela minuter, t.ex. 37,5 eller 37:30",
        "{value}: give whole minutes, e.g. 37,5 or 37:30",
    );
    /// A period that is not one of the three.
    pub static NOT_A_GRANT_PERIOD: Template = Template::new(
        "not_a_grant_period",
        "{value}: välj per vecka (week), per månad (month) eller för hela \
         beslutsperioden (decision)",
        "{value}: choose per week (week), per month (month) or for the whole decision \
         period (decision)",
    );
    /// Not a date.
    pub static NOT_A_DATE: Template = Template::new(
        "not_a_date",
        "{value} är inte ett datum (ÅÅÅÅ-MM-DD)",
        "{value} is not a date (YYYY-MM-DD)",
    );
    /// Two decisions for the same days.
    pub static GRANT_OVERLAPS: Template = Template::new(
        "grant_overlaps",
        "{name} har redan ett beslut som gäller samma dagar ({existing}); ta bort det eller \
         registrera det nya från dagen efter att det gamla slutar",
        "{name} already has a decision for the same days ({existing}); remove it or register \
         the new one from the day after the old one ends",
    );
    /// The employer's organisation number is needed.
    pub static EMPLOYER_ORG_REQUIRED: Template = Template::new(
        "employer_org_required",
        "krävs när assistenten har en annan arbetsgivare",
        "is required when the assistant has another employer",
    );
    /// The employer's organisation number is only for another employer.
    pub static EMPLOYER_ORG_ONLY_FOR_OTHER: Template = Template::new(
        "employer_org_only_for_other",
        "anges bara när assistenten har en annan arbetsgivare (--employment other)",
        "is given only when the assistant has another employer (--employment other)",
    );
    /// Start and length of a calculation period go together.
    pub static PERIOD_START_AND_LENGTH: Template = Template::new(
        "period_start_and_length",
        "ange både startdag och längd (t.ex. 2026-01-01 och 4m), eller ingetdera",
        "give both the first day and the length (e.g. 2026-01-01 and 4m), or neither",
    );
    /// Not a period length.
    pub static NOT_A_PERIOD_LENGTH: Template = Template::new(
        "not_a_period_length",
        "{value}: skriv t.ex. 28d (dagar) eller 4m (månader)",
        "{value}: write e.g. 28d (days) or 4m (months)",
    );

    /// A file that is there already.
    pub static FILE_EXISTS: Template = Template::new(
        "file_exists",
        "{path} finns redan; välj ett annat filnamn (Assistid skriver aldrig över en fil)",
        "{path} exists already; choose another file name (Assistid never overwrites a file)",
    );
    /// The diagnostics bundle could not be written.
    pub static DIAGNOSTICS_NOT_SAVED: Template = Template::new(
        "diagnostics_not_saved",
        "felrapporten kunde inte sparas i {path}: {error}; välj en mapp du kan skriva i",
        "the diagnostics report could not be saved in {path}: {error}; choose a folder you can \
         write in",
    );
    /// Field: a certificate file.
    pub static FIELD_CERTIFICATE_FILE: Template = Template::new(
        "field_certificate_file",
        "certifikatfil",
        "certificate file",
    );
    /// Field: a backup.
    pub static FIELD_BACKUP: Template = Template::new("field_backup", "säkerhetskopia", "backup");
    /// Field: a report.
    pub static FIELD_REPORT: Template = Template::new("field_report", "rapport", "report");
    /// Field: the relay's CA file.
    pub static FIELD_RELAY_CA_FILE: Template = Template::new(
        "field_relay_ca_file",
        "relayns CA-fil",
        "the relay's CA file",
    );
    /// A file from the UI that did not arrive whole.
    pub static FILE_INCOMPLETE_UPLOAD: Template = Template::new(
        "file_incomplete_upload",
        "filen kom inte fram hel; välj den igen",
        "the file did not arrive whole; choose it again",
    );
    /// The relay's CA file is not PEM.
    pub static RELAY_CA_FILE_NOT_PEM: Template = Template::new(
        "relay_ca_file_not_pem",
        "{file} är ingen PEM-fil; be leverantören om relayns ca.pem",
        "{file} is not a PEM file; ask the vendor for the relay's ca.pem",
    );
    /// A file to open that Assistid did not write.
    pub static NOT_AN_EXPORT: Template = Template::new(
        "not_an_export",
        "bara filer som Assistid själv har sparat under exports kan öppnas härifrån",
        "only files Assistid itself has saved under exports can be opened from here",
    );
    /// Not a report id.
    pub static NOT_A_REPORT_ID: Template = Template::new(
        "not_a_report_id",
        "{value} är inget rapport-id",
        "{value} is not a report id",
    );
    /// Not a submission id.
    pub static NOT_A_SUBMISSION_ID: Template = Template::new(
        "not_a_submission_id",
        "{value} är inget inskicknings-id",
        "{value} is not a submission id",
    );
    /// A BankID environment that does not exist.
    pub static NO_SUCH_BANKID_ENVIRONMENT: Template = Template::new(
        "no_such_bankid_environment",
        "\"{value}\" finns inte; välj demo, test eller prod",
        "\"{value}\" does not exist; choose demo, test or prod",
    );
    /// A tx-id that is not one.
    pub static NOT_A_TX_ID: Template = Template::new(
        "not_a_tx_id",
        "{what} Ett tx-id från Försäkringskassan är 36 tecken: siffror 0–9 och \
         bokstäver a–f i fem grupper med bindestreck, 8-4-4-4-12, till exempel \
         4a8db4b8-bc29-4406-901c-3f69298cabe3.",
        "{what} A tx-id from Försäkringskassan is 36 characters: digits 0–9 and letters a–f \
         in five groups with hyphens, 8-4-4-4-12, for example \
         4a8db4b8-bc29-4406-901c-3f69298cabe3.",
    );
    /// No tx-id typed.
    pub static TX_ID_EMPTY: Template = Template::new(
        "tx_id_empty",
        "Inget tx-id är ifyllt.",
        "No tx-id has been filled in.",
    );
    /// A tx-id with a character that is not in one.
    pub static TX_ID_BAD_CHARACTER: Template = Template::new(
        "tx_id_bad_character",
        "\"{value}\" innehåller tecknet \"{character}\", som inte finns i ett tx-id.",
        "\"{value}\" contains the character \"{character}\", which is not in a tx-id.",
    );
    /// A tx-id with groups of the wrong lengths.
    pub static TX_ID_BAD_GROUPS: Template = Template::new(
        "tx_id_bad_groups",
        "\"{value}\" har {count} tecken i grupperna {groups} i stället för 8-4-4-4-12.",
        "\"{value}\" has {count} characters in the groups {groups} instead of 8-4-4-4-12.",
    );
    /// A PDF of the invoice figures is for one person.
    pub static PDF_FOR_ONE_PERSON: Template = Template::new(
        "pdf_for_one_person",
        "underlaget som PDF gäller en person; ange vilken ({count} personer har \
         tidredovisningar för {month}), eller ange en mapp för en fil per person",
        "the figures as a PDF are for one person; say which ({count} persons have time \
         reports for {month}), or give a folder for one file per person",
    );
    /// A stored certificate's description cannot be read.
    pub static CERTIFICATE_DESCRIPTION_UNREADABLE: Template = Template::new(
        "certificate_description_unreadable",
        "beskrivningen av {purpose} går inte att läsa; lägg in filen igen",
        "the description of {purpose} cannot be read; add the file again",
    );
    /// A stored certificate cannot be read.
    pub static CERTIFICATE_UNREADABLE: Template = Template::new(
        "certificate_unreadable",
        "{purpose} i databasen går inte att läsa; lägg in filen igen",
        "{purpose} in the database cannot be read; add the file again",
    );
    /// A file to verify that is far too large.
    pub static VERIFY_FILE_TOO_LARGE: Template = Template::new(
        "verify_file_too_large",
        "filen är {megabytes} MB; en tidredovisning är några kilobyte. Välj XML-filen med \
         tidredovisningen",
        "the file is {megabytes} MB; a time report is a few kilobytes. Choose the XML file \
         with the time report",
    );
    /// No backup kept.
    pub static KEEP_AT_LEAST_ONE_BACKUP: Template = Template::new(
        "keep_at_least_one_backup",
        "minst en säkerhetskopia måste sparas",
        "at least one backup must be kept",
    );
    /// A folder name that cannot be stored.
    pub static FOLDER_NAME_UNSTORABLE: Template = Template::new(
        "folder_name_unstorable",
        "mappens namn innehåller tecken som inte kan sparas; välj en annan mapp",
        "the folder's name contains characters that cannot be saved; choose another folder",
    );
    /// The relay's CA is not PEM.
    pub static RELAY_CA_NOT_PEM: Template = Template::new(
        "relay_ca_not_pem",
        "filen är inget PEM-certifikat; be leverantören om relayns CA (ca.pem)",
        "the file is not a PEM certificate; ask the vendor for the relay's CA (ca.pem)",
    );
    /// The relay's CA has no certificate.
    pub static RELAY_CA_EMPTY: Template = Template::new(
        "relay_ca_empty",
        "filen innehåller inget certifikat; be leverantören om relayns CA (ca.pem)",
        "the file contains no certificate; ask the vendor for the relay's CA (ca.pem)",
    );
    /// Not a relay's address.
    pub static NOT_A_RELAY_ADDRESS: Template = Template::new(
        "not_a_relay_address",
        "{address} är ingen adress till en relay; den ska börja med https:// \
         (leverantören ger den)",
        "{address} is not the address of a relay; it starts with https:// (the vendor \
         gives it)",
    );
    /// No enrolment code.
    pub static ENROLMENT_CODE_MISSING: Template = Template::new(
        "enrolment_code_missing",
        "koden saknas; skriv in koden leverantören gav",
        "the code is missing; type in the code the vendor gave",
    );
    /// A file that cannot be read.
    pub static FILE_UNREADABLE: Template = Template::new(
        "file_unreadable",
        "filen {path} kan inte läsas: {error}",
        "the file {path} cannot be read: {error}",
    );
    /// A CA file that is not PEM.
    pub static NOT_A_PEM_FILE: Template = Template::new(
        "not_a_pem_file",
        "{path} är ingen PEM-fil",
        "{path} is not a PEM file",
    );
    /// The data folder belongs to another provider.
    pub static FOLDER_OF_ANOTHER_PROVIDER: Template = Template::new(
        "folder_of_another_provider",
        "den här datamappen tillhör redan {name} ({org_number}); använd en egen datamapp \
         (--data-dir) för en annan anordnare",
        "this data folder already belongs to {name} ({org_number}); use a data folder of its \
         own (--data-dir) for another provider",
    );
    /// No submission given for a receipt.
    pub static AT_LEAST_ONE_SUBMISSION: Template = Template::new(
        "at_least_one_submission",
        "ange minst en inskickning",
        "give at least one submission",
    );
    /// A receipt's submissions of several months.
    pub static RECEIPT_ONE_MONTH: Template = Template::new(
        "receipt_one_month",
        "ett kvitto gäller en månad; inskickningarna hör till olika månader",
        "a receipt is for one month; the submissions belong to different months",
    );
    /// `--sheet` without an Excel file.
    pub static SHEET_ONLY_FOR_EXCEL: Template = Template::new(
        "sheet_only_for_excel",
        "anges bara för Excel-filer (.xlsx)",
        "is given only for Excel files (.xlsx)",
    );
    /// Not a regular file.
    pub static NOT_A_REGULAR_FILE: Template = Template::new(
        "not_a_regular_file",
        "{path} är ingen vanlig fil (utan t.ex. en mapp, en enhet eller en namngiven pipe): \
         välj själva CSV- eller Excel-filen",
        "{path} is not a regular file (but e.g. a folder, a device or a named pipe): choose \
         the CSV or Excel file itself",
    );
    /// A file that cannot be opened.
    pub static FILE_CANNOT_BE_OPENED: Template = Template::new(
        "file_cannot_be_opened",
        "{path} kan inte öppnas: {error}",
        "{path} cannot be opened: {error}",
    );
}

/// Every template of the refusals.
pub static CATALOG: &[&Template] = &[
    &templates::FIELD_ASSISTANT_PERSONNUMMER,
    &templates::FIELD_DATE,
    &templates::FIELD_MONTH,
    &templates::FIELD_FILE,
    &templates::FIELD_SIGNATORY,
    &templates::FIELD_BANKID_ENVIRONMENT,
    &templates::FIELD_CERTIFICATE,
    &templates::FIELD_BACKUP_COUNT,
    &templates::FIELD_BACKUP_FOLDER,
    &templates::FIELD_RELAY_CA,
    &templates::FIELD_RELAY_ADDRESS,
    &templates::FIELD_ENROLMENT_CODE,
    &templates::FIELD_FK_CONNECTION,
    &templates::FIELD_ENVIRONMENT,
    &templates::FIELD_CA_FILE,
    &templates::FIELD_SUBMISSION,
    &templates::FIELD_SUBMISSIONS,
    &templates::FIELD_REPORT_DOCUMENT,
    &templates::FIELD_ORG_NUMBER,
    &templates::FIELD_EMPLOYER_ORG_NUMBER,
    &templates::FIELD_PHONE,
    &templates::FIELD_PROVIDER,
    &templates::FIELD_NAME,
    &templates::FIELD_CALCULATION_PERIOD,
    &templates::FIELD_DECISION,
    &templates::FIELD_GRANTED_HOURS,
    &templates::FIELD_PERIOD,
    &templates::FIELD_TEAM_FROM,
    &templates::FIELD_VALID_FROM,
    &templates::FIELD_VALID_TO,
    &templates::FIELD_PERIOD_START,
    &templates::FIELD_PERIOD_LENGTH,
    &templates::NOT_HOURS,
    &templates::WHOLE_MINUTES,
    &templates::NOT_A_GRANT_PERIOD,
    &templates::NOT_A_DATE,
    &templates::GRANT_OVERLAPS,
    &templates::EMPLOYER_ORG_REQUIRED,
    &templates::EMPLOYER_ORG_ONLY_FOR_OTHER,
    &templates::PERIOD_START_AND_LENGTH,
    &templates::NOT_A_PERIOD_LENGTH,
    &templates::FILE_EXISTS,
    &templates::DIAGNOSTICS_NOT_SAVED,
    &templates::FIELD_CERTIFICATE_FILE,
    &templates::FIELD_BACKUP,
    &templates::FIELD_REPORT,
    &templates::FIELD_RELAY_CA_FILE,
    &templates::FILE_INCOMPLETE_UPLOAD,
    &templates::RELAY_CA_FILE_NOT_PEM,
    &templates::NOT_AN_EXPORT,
    &templates::NOT_A_REPORT_ID,
    &templates::NOT_A_SUBMISSION_ID,
    &templates::NO_SUCH_BANKID_ENVIRONMENT,
    &templates::NOT_A_TX_ID,
    &templates::TX_ID_EMPTY,
    &templates::TX_ID_BAD_CHARACTER,
    &templates::TX_ID_BAD_GROUPS,
    &templates::PDF_FOR_ONE_PERSON,
    &templates::CERTIFICATE_DESCRIPTION_UNREADABLE,
    &templates::CERTIFICATE_UNREADABLE,
    &templates::VERIFY_FILE_TOO_LARGE,
    &templates::KEEP_AT_LEAST_ONE_BACKUP,
    &templates::FOLDER_NAME_UNSTORABLE,
    &templates::RELAY_CA_NOT_PEM,
    &templates::RELAY_CA_EMPTY,
    &templates::NOT_A_RELAY_ADDRESS,
    &templates::ENROLMENT_CODE_MISSING,
    &templates::FILE_UNREADABLE,
    &templates::NOT_A_PEM_FILE,
    &templates::FOLDER_OF_ANOTHER_PROVIDER,
    &templates::AT_LEAST_ONE_SUBMISSION,
    &templates::RECEIPT_ONE_MONTH,
    &templates::SHEET_ONLY_FOR_EXCEL,
    &templates::NOT_A_REGULAR_FILE,
    &templates::FILE_CANNOT_BE_OPENED,
    &templates::VALUE_AND_REASON,
];

/// The field's label as a parameter: a known Swedish label becomes its template (so it
/// renders in the UI's language); anything else (a setting's key, a command-line option such
/// as `--sheet`, `tx-id`) reads the same in every language.
pub fn field_label(field: &str) -> Param {
    let known: Option<&'static Template> = CATALOG
        .iter()
        .chain(crate::register::CATALOG)
        .copied()
        .filter(|t| t.code.starts_with("field_"))
        .find(|t| t.sv == field);
    match known {
        Some(t) => Param::Text(t.text()),
        None => Param::Plain(field.to_owned()),
    }
}

/// The refusal's text: `field` (its label, see [`field_label`]) and what is wrong.
pub fn refusal(field: &str, message: impl Into<Param>) -> Text {
    crate::register::templates::INVALID_FIELD
        .with("field", field_label(field))
        .with("message", message)
}
