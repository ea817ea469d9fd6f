//! What can go wrong in the store, with Swedish messages for the coordinator and the underlying
//! SQLite error kept as [`std::error::Error::source`] for developers.

use std::path::PathBuf;

use assistid_core::text::Text;
use thiserror::Error;

/// An error from the store.
///
/// The user-facing variants (key, schema, lock, disk) carry a Swedish message that says what is
/// wrong and what to do; [`StoreError::code`] gives a stable snake_case code for the UI and JSON.
/// Messages never contain personnummer or names.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database file exists but the key it was opened with does not decrypt it. The file
    /// was not changed.
    #[error(
        "databasen {path} kan inte låsas upp med nyckeln som angavs (fel nyckel eller inte en \
         Assistid-databas). Databasen har inte ändrats."
    )]
    WrongKey {
        /// The database file.
        path: PathBuf,
        /// What SQLCipher said.
        #[source]
        source: rusqlite::Error,
    },
    /// The database file exists but its key was not found where it was looked for.
    #[error(
        "nyckeln till databasen {path} finns inte {location}. Databasen har inte ändrats och \
         ingen ny databas har skapats; återställ nyckeln eller ange rätt nyckelfil."
    )]
    KeyMissing {
        /// The database file.
        path: PathBuf,
        /// Where the key was looked for (e.g. "i datorns nyckelring").
        location: Text,
    },
    /// The key file is readable by other users than its owner.
    #[error(
        "nyckelfilen {path} kan läsas av andra än ägaren (rättigheter {mode:o}); ändra till \
         endast ägaren, t.ex. `chmod 600`"
    )]
    KeyFilePermissions {
        /// The key file.
        path: PathBuf,
        /// The file's permission bits.
        mode: u32,
    },
    /// The key file does not hold a key in the expected form (64 hexadecimal characters).
    #[error("nyckelfilen {path} innehåller ingen giltig nyckel (64 hexadecimala tecken väntades)")]
    KeyFileInvalid {
        /// The key file.
        path: PathBuf,
    },
    /// The key file could not be read or created.
    #[error("nyckelfilen {path} kunde inte läsas eller skapas")]
    KeyFileIo {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The OS keychain could not be used (no keychain service, access denied, …).
    #[error(
        "nyckelringen kunde inte användas ({reason}). Använd en nyckelfil via \
         ASSISTID_KEY_FILE om datorn saknar nyckelring."
    )]
    Keychain {
        /// What the keychain said (no secret in it).
        reason: String,
    },
    /// The database was written by a newer Assistid than this one.
    #[error(
        "databasen har schemaversion {found} men det här programmet känner bara till version \
         {supported}. Uppdatera Assistid till den senaste versionen; databasen har inte ändrats."
    )]
    NewerSchema {
        /// The version found in the file.
        found: u32,
        /// The newest version this program knows.
        supported: u32,
    },
    /// Another program (or another Assistid) holds the database locked.
    #[error(
        "databasen används just nu av ett annat program eller ett annat Assistid-fönster. \
         Stäng det och försök igen."
    )]
    Locked {
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The disk is full.
    #[error("disken är full: Assistid kan inte spara. Frigör utrymme och försök igen.")]
    DiskFull {
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The database file or its folder cannot be written.
    #[error(
        "databasen kan inte skrivas (skrivskyddad fil eller mapp, eller saknad behörighet). \
         Kontrollera mappens rättigheter."
    )]
    ReadOnly {
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The database file is damaged.
    #[error("databasfilen är skadad och kan inte läsas. Återställ den från en säkerhetskopia.")]
    Corrupt {
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// An organisation number, personnummer or other unique value is already registered.
    #[error("{what} finns redan registrerad")]
    AlreadyExists {
        /// What already exists, without personal data (e.g. "en person med det
        /// personnumret"; [`texts`]).
        what: Text,
    },
    /// A record that the call refers to does not exist.
    #[error("{what} finns inte i registret")]
    NotFound {
        /// What is missing, with at most a masked identity number ([`texts`]).
        what: Text,
    },
    /// A stored report version is frozen (signed): its bytes can never change.
    #[error("rapportversionen {report_id} är låst (signerad) och kan inte ändras")]
    ReportFrozen {
        /// The report id.
        report_id: uuid::Uuid,
    },
    /// A report id was used again; every report version gets a new id.
    #[error("rapport-id {report_id} används redan; varje rapportversion måste få ett nytt id")]
    ReportIdReused {
        /// The report id.
        report_id: uuid::Uuid,
    },
    /// A value handed to the store breaks one of its rules (a programming error in the caller,
    /// or data the domain should have refused first).
    #[error("ogiltigt värde: {reason}")]
    Invalid {
        /// What is wrong (no personal data).
        reason: String,
    },
    /// A value read back from the database does not parse (the file was changed outside
    /// Assistid, or a bug).
    #[error("databasen innehåller ett oväntat värde i {column}")]
    BadStoredValue {
        /// The table and column.
        column: &'static str,
    },
    /// Any other SQLite error (a bug, most likely); the source says what.
    #[error("databasfel")]
    Sqlite {
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The data folder could not be created, read or made owner-only (`0700`).
    #[error(
        "datamappen {path} kunde inte skapas, läsas eller skyddas så att bara ditt konto kan \
         öppna den: kontrollera att mappen finns på en disk du kan skriva till och att den tillhör \
         ditt konto"
    )]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The data folder's sender lock file (`sending.lock`) could not be created or locked:
    /// the operating system refused, or the folder is on a file system without locks.
    #[error(
        "låsfilen {path} i datamappen kunde inte skapas eller låsas, så Assistid kan inte \
         säkerställa att bara ett program i taget skickar till Försäkringskassan. Kontrollera \
         att datamappen ligger på en lokal disk som ditt konto kan skriva till."
    )]
    SenderLock {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// A stable machine code (snake_case) for the UI and JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::WrongKey { .. } => "wrong_key",
            StoreError::KeyMissing { .. } => "key_missing",
            StoreError::KeyFilePermissions { .. } => "key_file_permissions",
            StoreError::KeyFileInvalid { .. } => "key_file_invalid",
            StoreError::KeyFileIo { .. } => "key_file_io",
            StoreError::Keychain { .. } => "keychain_unavailable",
            StoreError::NewerSchema { .. } => "newer_schema",
            StoreError::Locked { .. } => "database_locked",
            StoreError::DiskFull { .. } => "disk_full",
            StoreError::ReadOnly { .. } => "database_read_only",
            StoreError::Corrupt { .. } => "database_corrupt",
            StoreError::AlreadyExists { .. } => "already_exists",
            StoreError::NotFound { .. } => "not_found",
            StoreError::ReportFrozen { .. } => "report_frozen",
            StoreError::ReportIdReused { .. } => "report_id_reused",
            StoreError::Invalid { .. } => "invalid_value",
            StoreError::BadStoredValue { .. } => "bad_stored_value",
            StoreError::Sqlite { .. } => "database_error",
            StoreError::DataDir { .. } => "data_dir",
            StoreError::SenderLock { .. } => "sender_lock",
        }
    }

    /// The message as a [`Text`]: its stable code and parameters, in Swedish or English. Its
    /// Swedish rendering is the `Display` text, byte for byte.
    pub fn text(&self) -> Text {
        use texts::*;
        let path = |p: &PathBuf| p.display().to_string();
        match self {
            StoreError::WrongKey { path: p, .. } => WRONG_KEY.with("path", path(p)),
            StoreError::KeyMissing { path: p, location } => KEY_MISSING
                .with("path", path(p))
                .with("location", location.clone()),
            StoreError::KeyFilePermissions { path: p, mode } => KEY_FILE_PERMISSIONS
                .with("path", path(p))
                .with("mode", format!("{mode:o}")),
            StoreError::KeyFileInvalid { path: p } => KEY_FILE_INVALID.with("path", path(p)),
            StoreError::KeyFileIo { path: p, .. } => KEY_FILE_IO.with("path", path(p)),
            StoreError::Keychain { reason } => KEYCHAIN_UNAVAILABLE.with("reason", reason),
            StoreError::NewerSchema { found, supported } => NEWER_SCHEMA
                .with("found", *found)
                .with("supported", *supported),
            StoreError::Locked { .. } => DATABASE_LOCKED.text(),
            StoreError::DiskFull { .. } => DISK_FULL.text(),
            StoreError::ReadOnly { .. } => DATABASE_READ_ONLY.text(),
            StoreError::Corrupt { .. } => DATABASE_CORRUPT.text(),
            StoreError::AlreadyExists { what } => ALREADY_EXISTS.with("what", what.clone()),
            StoreError::NotFound { what } => NOT_FOUND.with("what", what.clone()),
            StoreError::ReportFrozen { report_id } => {
                REPORT_FROZEN.with("report_id", report_id.to_string())
            }
            StoreError::ReportIdReused { report_id } => {
                REPORT_ID_REUSED.with("report_id", report_id.to_string())
            }
            StoreError::Invalid { reason } => INVALID_VALUE.with("reason", reason),
            StoreError::BadStoredValue { column } => BAD_STORED_VALUE.with("column", *column),
            StoreError::Sqlite { .. } => DATABASE_ERROR.text(),
            StoreError::DataDir { path: p, .. } => DATA_DIR.with("path", path(p)),
            StoreError::SenderLock { path: p, .. } => SENDER_LOCK.with("path", path(p)),
        }
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        StoreError::Invalid {
            reason: reason.into(),
        }
    }
}

/// Maps SQLite's error codes to the user-facing variants; everything else stays
/// [`StoreError::Sqlite`].
impl From<rusqlite::Error> for StoreError {
    fn from(source: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Locked { source }
            }
            Some(ErrorCode::DiskFull) => StoreError::DiskFull { source },
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                StoreError::ReadOnly { source }
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StoreError::Corrupt { source }
            }
            _ => StoreError::Sqlite { source },
        }
    }
}

/// The store's messages in Swedish and English (see [`assistid_core::text`]): the errors' own
/// wordings, and what an [`StoreError::AlreadyExists`] or [`StoreError::NotFound`] is about.
/// The Swedish wordings are the `Display` texts.
pub mod texts {
    use assistid_core::text::Template;

    macro_rules! templates {
        ($($(#[$doc:meta])* $name:ident = ($code:literal, $sv:literal, $en:literal);)*) => {
            $($(#[$doc])* pub static $name: Template = Template::new($code, $sv, $en);)*
            /// Every template of the store.
            pub static CATALOG: &[&Template] = &[$(&$name),*];
        };
    }

    templates! {
        /// [`super::StoreError::WrongKey`].
        WRONG_KEY = ("wrong_key",
            "databasen {path} kan inte låsas upp med nyckeln som angavs (fel nyckel eller inte en Assistid-databas). Databasen har inte ändrats.",
            "the database {path} cannot be unlocked with the key given (wrong key, or not an Assistid database). The database has not been changed.");
        /// [`super::StoreError::KeyMissing`].
        KEY_MISSING = ("key_missing",
            "nyckeln till databasen {path} finns inte {location}. Databasen har inte ändrats och ingen ny databas har skapats; återställ nyckeln eller ange rätt nyckelfil.",
            "the key to the database {path} is not {location}. The database has not been changed and no new database has been created; restore the key or give the right key file.");
        /// Where the key was looked for: the keychain.
        KEY_IN_KEYCHAIN = ("key_in_keychain", "i datorns nyckelring", "in this computer's keychain");
        /// Where the key was looked for: a key file.
        KEY_IN_FILE = ("key_in_file", "i nyckelfilen {path}", "in the key file {path}");
        /// [`super::StoreError::KeyFilePermissions`].
        KEY_FILE_PERMISSIONS = ("key_file_permissions",
            "nyckelfilen {path} kan läsas av andra än ägaren (rättigheter {mode}); ändra till endast ägaren, t.ex. `chmod 600`",
            "the key file {path} can be read by others than its owner (permissions {mode}); make it owner-only, e.g. `chmod 600`");
        /// [`super::StoreError::KeyFileInvalid`].
        KEY_FILE_INVALID = ("key_file_invalid",
            "nyckelfilen {path} innehåller ingen giltig nyckel (64 hexadecimala tecken väntades)",
            "the key file {path} holds no valid key (64 hexadecimal characters were expected)");
        /// [`super::StoreError::KeyFileIo`].
        KEY_FILE_IO = ("key_file_io",
            "nyckelfilen {path} kunde inte läsas eller skapas",
            "the key file {path} could not be read or created");
        /// [`super::StoreError::Keychain`].
        KEYCHAIN_UNAVAILABLE = ("keychain_unavailable",
            "nyckelringen kunde inte användas ({reason}). Använd en nyckelfil via ASSISTID_KEY_FILE om datorn saknar nyckelring.",
            "the keychain could not be used ({reason}). Use a key file through ASSISTID_KEY_FILE if this computer has no keychain.");
        /// [`super::StoreError::NewerSchema`].
        NEWER_SCHEMA = ("newer_schema",
            "databasen har schemaversion {found} men det här programmet känner bara till version {supported}. Uppdatera Assistid till den senaste versionen; databasen har inte ändrats.",
            "the database has schema version {found} but this program only knows version {supported}. Update Assistid to the latest version; the database has not been changed.");
        /// [`super::StoreError::Locked`].
        DATABASE_LOCKED = ("database_locked",
            "databasen används just nu av ett annat program eller ett annat Assistid-fönster. Stäng det och försök igen.",
            "the database is in use by another program or another Assistid window right now. Close it and try again.");
        /// [`super::StoreError::DiskFull`].
        DISK_FULL = ("disk_full",
            "disken är full: Assistid kan inte spara. Frigör utrymme och försök igen.",
            "the disk is full: Assistid cannot save. Free some space and try again.");
        /// [`super::StoreError::ReadOnly`].
        DATABASE_READ_ONLY = ("database_read_only",
            "databasen kan inte skrivas (skrivskyddad fil eller mapp, eller saknad behörighet). Kontrollera mappens rättigheter.",
            "the database cannot be written (a read-only file or folder, or missing permission). Check the folder's permissions.");
        /// [`super::StoreError::Corrupt`].
        DATABASE_CORRUPT = ("database_corrupt",
            "databasfilen är skadad och kan inte läsas. Återställ den från en säkerhetskopia.",
            "the database file is damaged and cannot be read. Restore it from a backup.");
        /// [`super::StoreError::AlreadyExists`].
        ALREADY_EXISTS = ("already_exists", "{what} finns redan registrerad", "{what} is already registered");
        /// [`super::StoreError::NotFound`].
        NOT_FOUND = ("not_found", "{what} finns inte i registret", "{what} is not in the register");
        /// [`super::StoreError::ReportFrozen`].
        REPORT_FROZEN = ("report_frozen",
            "rapportversionen {report_id} är låst (signerad) och kan inte ändras",
            "the report version {report_id} is locked (signed) and cannot be changed");
        /// [`super::StoreError::ReportIdReused`].
        REPORT_ID_REUSED = ("report_id_reused",
            "rapport-id {report_id} används redan; varje rapportversion måste få ett nytt id",
            "the report id {report_id} is already used; every report version must get a new id");
        /// [`super::StoreError::Invalid`] (the reason is a developer's, in Swedish).
        INVALID_VALUE = ("invalid_value", "ogiltigt värde: {reason}", "invalid value: {reason}");
        /// [`super::StoreError::BadStoredValue`].
        BAD_STORED_VALUE = ("bad_stored_value",
            "databasen innehåller ett oväntat värde i {column}",
            "the database holds an unexpected value in {column}");
        /// [`super::StoreError::Sqlite`].
        DATABASE_ERROR = ("database_error", "databasfel", "database error");
        /// [`super::StoreError::DataDir`].
        DATA_DIR = ("data_dir",
            "datamappen {path} kunde inte skapas, läsas eller skyddas så att bara ditt konto kan öppna den: kontrollera att mappen finns på en disk du kan skriva till och att den tillhör ditt konto",
            "the data folder {path} could not be created, read or protected so that only your account can open it: check that the folder is on a disk you can write to and that it belongs to your account");
        /// [`super::StoreError::SenderLock`].
        SENDER_LOCK = ("sender_lock",
            "låsfilen {path} i datamappen kunde inte skapas eller låsas, så Assistid kan inte säkerställa att bara ett program i taget skickar till Försäkringskassan. Kontrollera att datamappen ligger på en lokal disk som ditt konto kan skriva till.",
            "the lock file {path} in the data folder could not be created or locked, so Assistid cannot make sure that only one program at a time sends to Försäkringskassan. Check that the data folder is on a local disk your account can write to.");

        /// What exists already: a person with that personnummer.
        WHAT_PERSON_WITH_PNR = ("what_person_with_pnr", "en person med det personnumret", "a person with that personnummer");
        /// What exists already: an assistant with that identity number.
        WHAT_ASSISTANT_WITH_IDNR = ("what_assistant_with_idnr",
            "en assistent med det person- eller samordningsnumret",
            "an assistant with that personnummer or samordningsnummer");
        /// What exists already: a provider with that organisation number.
        WHAT_PROVIDER_WITH_ORGNR = ("what_provider_with_orgnr",
            "en anordnare med det organisationsnumret",
            "a provider with that organisationsnummer");
        /// What exists already: the same shift.
        WHAT_SAME_SHIFT = ("what_same_shift",
            "ett likadant pass (samma assistent, brukare, tider och slag)",
            "an identical shift (the same assistant, person, times and kind)");
        /// What exists already: such a signature.
        WHAT_SAME_SIGNATURE = ("what_same_signature",
            "en sådan underskrift för rapportversionen",
            "such a signature of the report version");
        /// What exists already: a submission of the version.
        WHAT_ACTIVE_SUBMISSION = ("what_active_submission",
            "en pågående eller avslutad inskickning av rapportversionen",
            "an ongoing or finished submission of the report version");
        /// The provider's signatory.
        WHAT_SIGNATORY = ("what_signatory", "firmatecknaren", "the signatory");
        /// The provider.
        WHAT_PROVIDER = ("what_provider", "anordnaren", "the provider");
        /// The provider by its id.
        WHAT_PROVIDER_ID = ("what_provider_id", "anordnaren med id {id}", "the provider with id {id}");
        /// The person.
        WHAT_PERSON = ("what_person", "personen", "the person");
        /// The person by masked personnummer.
        WHAT_PERSON_NUMBER = ("what_person_number", "personen {person}", "the person {person}");
        /// The person by id.
        WHAT_PERSON_ID = ("what_person_id", "personen med id {id}", "the person with id {id}");
        /// The person or the assistant.
        WHAT_PERSON_OR_ASSISTANT = ("what_person_or_assistant", "personen eller assistenten", "the person or the assistant");
        /// The assistant by masked identity number.
        WHAT_ASSISTANT_NUMBER = ("what_assistant_number", "assistenten {assistant}", "the assistant {assistant}");
        /// The assistant by id.
        WHAT_ASSISTANT_ID = ("what_assistant_id", "assistenten med id {id}", "the assistant with id {id}");
        /// A shift by id.
        WHAT_SHIFT = ("what_shift", "passet {id}", "the shift {id}");
        /// A report version by id.
        WHAT_REPORT_VERSION = ("what_report_version", "rapportversionen {report_id}", "the report version {report_id}");
        /// A submission by id.
        WHAT_SUBMISSION = ("what_submission", "inskickning {id}", "the submission {id}");
        /// A submission left `sending` by a program that stopped (recovered as uncertain).
        SUBMISSION_INTERRUPTED = ("submission_interrupted",
            "Programmet avbröts medan rapporten skickades. Den kan ha kommit fram till \
             Försäkringskassan; skicka inte om den förrän du har kontrollerat med \
             Försäkringskassan.",
            "The program was stopped while the report was being sent. It may have reached \
             Försäkringskassan; do not send it again until you have checked with \
             Försäkringskassan.");
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// True when `e` is a UNIQUE (or primary key) constraint violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// True when `e` was raised by a trigger's `RAISE(ABORT, …)` whose message starts with `prefix`.
pub(crate) fn is_trigger_abort(e: &rusqlite::Error, prefix: &str) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.code == rusqlite::ErrorCode::ConstraintViolation && msg.starts_with(prefix)
    )
}
