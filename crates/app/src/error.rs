//! The app layer's errors: what the CLI turns into exit codes and the desktop shell into
//! `{code, message}`.

use assistid_store::StoreError;
use assistid_store::backup::BackupError;
use serde::Serialize;

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
    /// Something the operation needs is missing (e.g. no provider registered yet).
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
            AppError::Relay { code, .. } => code,
        }
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
        )
    }

    pub(crate) fn invalid(field: &str, message: impl ToString) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.to_string(),
        }
    }
}

/// The one error shape the desktop UI receives: a stable code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpcError {
    /// Stable snake_case code the UI may branch on.
    pub code: String,
    /// Swedish text for the user.
    pub message: String,
}

impl From<anyhow::Error> for IpcError {
    fn from(err: anyhow::Error) -> Self {
        match err.downcast_ref::<AppError>() {
            Some(app) => IpcError {
                code: app.code().to_owned(),
                message: app.to_string(),
            },
            None => {
                // Unexpected failures: the chain helps support; it never contains personal data
                // because no layer puts personnummer or bodies into error texts.
                tracing::error!(error = %format!("{err:#}"), "unexpected failure");
                IpcError {
                    code: "internal".to_owned(),
                    message: format!("Något gick fel: {err:#}"),
                }
            }
        }
    }
}
