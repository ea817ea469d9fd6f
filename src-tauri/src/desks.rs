//! The window's long-running work, the one piece of state every command may reach besides the
//! [`Shell`](crate::shell::Shell): the import session (the app's own), the BankID signing
//! flows and the submission run. A switch of data folder asks it whether the open folder is in
//! use ([`FolderUsers`]).

use std::sync::Arc;

use assistid_app::import_session::ImportSession;

use crate::ipc::IpcError;
use crate::shell::FolderUsers;
use crate::signing::SigningDesk;
use crate::submission::SubmissionDesk;

/// The long-running work of the window: staged imports, signing flows, the submission run.
#[derive(Debug, Default)]
pub struct Desks {
    /// Files chosen for import.
    pub import: Arc<ImportSession>,
    /// BankID signing flows.
    pub signing: Arc<SigningDesk>,
    /// The submission run.
    pub submission: Arc<SubmissionDesk>,
}

impl Desks {
    /// Why the data folder cannot be switched now, if it cannot: a submission run or a BankID
    /// signing order in progress works on the open folder and must finish (or be cancelled)
    /// first.
    pub fn busy(&self) -> Option<IpcError> {
        let busy = |message: &str| IpcError {
            code: "busy".to_owned(),
            message: message.to_owned(),
            ..Default::default()
        };
        if self.submission.running() {
            return Some(busy(
                "Ett inskick till Försäkringskassan pågår. Vänta tills det är klart och byt \
                 miljö sedan.",
            ));
        }
        if self.signing.in_progress() {
            return Some(busy(
                "En underskrift med BankID pågår. Avsluta eller avbryt den och byt miljö sedan.",
            ));
        }
        None
    }
}

impl FolderUsers for Desks {
    fn busy(&self) -> Option<IpcError> {
        Desks::busy(self)
    }

    fn folder_left(&self) {
        self.import.clear();
    }
}
