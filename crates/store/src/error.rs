//! What can go wrong in the store, with Swedish messages for the coordinator and the underlying
//! SQLite error kept as [`std::error::Error::source`] for developers.

use std::path::PathBuf;

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
        /// Where the key was looked for, in Swedish (e.g. "i nyckelringen").
        location: String,
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
        /// What already exists, in Swedish, without personal data (e.g. "personen").
        what: &'static str,
    },
    /// A record that the call refers to does not exist.
    #[error("{what} finns inte i registret")]
    NotFound {
        /// What is missing, in Swedish, with at most a masked identity number.
        what: String,
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
