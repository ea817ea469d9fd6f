//! The events the shell sends the window besides the commands' answers (their names and
//! payloads are in [`crate::ipc`]).

use tauri::{AppHandle, Emitter as _};

use crate::ipc;

/// Sends a progress event; a closed window is no reason to fail the work.
pub fn progress(handle: &AppHandle, task: &str, done: u32, total: u32) {
    let payload = ipc::Progress {
        task: task.to_owned(),
        done,
        total,
    };
    if let Err(e) = handle.emit(ipc::EVENT_PROGRESS, payload) {
        tracing::warn!(error = %e, "progress event not delivered");
    }
}
