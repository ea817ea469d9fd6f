//! Where a chosen file waits while its import is open: `<data>/import-staging`, owner-only,
//! one file per token. A staged copy holds personnummer, so each is deleted as soon as it is
//! not needed, and what a crash left is cleared at the next start ([`clear_staging`]).

use std::path::{Path, PathBuf};

/// The staging folder inside the data folder.
pub fn staging_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("import-staging")
}

/// Removes files left from an earlier session (a file the user chose in an earlier session is
/// not kept around). A folder already gone is fine.
pub fn clear_staging(data_dir: &Path) {
    let _ = std::fs::remove_dir_all(staging_dir(data_dir));
}

/// The staging folder, owner-only (tightened if it already existed).
pub(super) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    crate::owner_only::tighten_dir(dir)
}

/// Writes a file only the user can read (the file holds personnummer).
pub(super) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::owner_only::write_file(path, bytes)
}

/// Deletes a staged copy. A copy already gone is what was wanted; another failure is logged
/// (the error only, not the path) and the clearing at the next start removes the file.
pub(super) fn remove_staged(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(error = %e, "a staged import file could not be deleted"),
    }
}
