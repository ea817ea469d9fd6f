//! The relay's errors. `Display` is Swedish, for the vendor's operator (the configuration,
//! the database, the CA) or — through the API — for the installation. Logs carry
//! [`code`](RelayError::code)s only.

use std::path::PathBuf;

use thiserror::Error;

/// What is wrong with the configuration file or the files it names.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file could not be read.
    #[error("Filen {path} kan inte läsas: {reason}")]
    Read {
        /// Which file.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The TOML is not valid or has an unknown or missing key.
    #[error("Konfigurationsfilen är fel: {0}")]
    Syntax(String),
    /// An FK environment other than `test` and `prod`.
    #[error("Okänd FK-miljö [fk.{0}]: använd test eller prod")]
    UnknownEnvironment(String),
    /// A value is out of range.
    #[error("Konfigurationsfilen är fel: {0}")]
    Invalid(String),
    /// The PKCS#12 password is not where the file says.
    #[error("Lösenordet till FK-certifikatet saknas ({0})")]
    PasswordMissing(String),
    /// A certificate or key file is not what it must be.
    #[error("Certifikatet eller nyckeln {path} går inte att använda: {reason}")]
    Certificate {
        /// Which file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// FK's client could not be built (certificate, password, address).
    #[error("FK-klienten för {environment} kan inte byggas: {source}")]
    FkClient {
        /// Which environment.
        environment: String,
        /// The client's error.
        source: assistid_elt::EltError,
    },
    /// BankID's client could not be built (the vendor's RP certificate, password, address).
    #[error("BankID-klienten för {environment} kan inte byggas: {reason}")]
    BankIdClient {
        /// Which environment.
        environment: String,
        /// What is wrong (never the password).
        reason: String,
    },
}

/// PostgreSQL failed or holds something this version cannot use.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DbError {
    /// A query or the connection failed.
    #[error("Databasen svarar inte som väntat ({})", sql_state(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// The database was migrated by a newer relay.
    #[error(
        "Databasen har schemaversion {found}, men denna relay känner bara till {known}: \
         uppgradera relayn"
    )]
    TooNew {
        /// The database's version.
        found: i32,
        /// The newest this build knows.
        known: i32,
    },
    /// The connection that held the vendor-wide turn (the advisory lock) was lost during the
    /// turn; PostgreSQL released the lock with it, so nothing more is written for that turn.
    #[error("Förbindelsen som höll turen att skicka till FK bröts; turen lämnas")]
    TurnLost,
}

fn sql_state(e: &tokio_postgres::Error) -> String {
    e.code()
        .map(|c| c.code().to_owned())
        .unwrap_or_else(|| "ingen förbindelse".to_owned())
}

impl DbError {
    /// A stable code for logs.
    pub fn code(&self) -> &'static str {
        match self {
            DbError::Postgres(_) => "database_error",
            DbError::TooNew { .. } => "database_too_new",
            DbError::TurnLost => "pacer_turn_lost",
        }
    }
}

/// The relay's own CA could not issue or read a certificate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PkiError {
    /// The certificate request is not a PKCS#10 request we accept.
    #[error("Certifikatbegäran (CSR) går inte att använda: {0}")]
    BadRequest(String),
    /// Generating or signing failed.
    #[error("Certifikatet kunde inte skapas: {0}")]
    Generate(String),
    /// The CA files are not a CA made by `assistid-relay init`.
    #[error("Relayns CA går inte att använda: {0}")]
    Ca(String),
    /// Writing a file failed.
    #[error("Filen {path} kan inte skrivas: {reason}")]
    Write {
        /// Which file.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
}

/// Anything that stops the relay from starting or an admin command from finishing.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RelayError {
    /// The configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// PostgreSQL.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The relay's CA.
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// The listener could not be opened.
    #[error("Adressen {addr} kan inte öppnas: {reason}")]
    Listen {
        /// The address.
        addr: String,
        /// The operating system's reason.
        reason: String,
    },
    /// An organisationsnummer that is not one.
    #[error("{0} är inget giltigt organisationsnummer (10 siffror med rätt kontrollsiffra)")]
    OrgNumber(String),
    /// No such installation.
    #[error("Installationen {0} finns inte")]
    UnknownInstallation(uuid::Uuid),
}

impl From<tokio_postgres::Error> for RelayError {
    fn from(e: tokio_postgres::Error) -> Self {
        RelayError::Db(DbError::Postgres(e))
    }
}

impl RelayError {
    /// A stable code for logs.
    pub fn code(&self) -> &'static str {
        match self {
            RelayError::Config(_) => "config_error",
            RelayError::Db(e) => e.code(),
            RelayError::Pki(_) => "pki_error",
            RelayError::Listen { .. } => "listen_failed",
            RelayError::OrgNumber(_) => "invalid_orgnr",
            RelayError::UnknownInstallation(_) => "unknown_installation",
        }
    }
}
