//! One sender per data folder: an operating-system lock on `<data folder>/sending.lock`.
//!
//! Whichever process sends reports to Försäkringskassan holds this lock, exclusively, for the
//! whole run (from before its first request is committed as `sending` until its last answer is
//! committed). It is an advisory lock of the operating system (`flock` on Linux and macOS,
//! `LockFileEx` on Windows, through [`std::fs::File::try_lock`]): it belongs to the open file,
//! so it ends when the process ends, however it ends — a crash, a kill, a power cut never leaves
//! a stale lock behind, and there is no process id to check.
//!
//! What follows from it:
//! - A row in `sending` while nobody holds the lock was left by a process that died: its
//!   request may have reached FK, so it becomes `uncertain`
//!   ([`crate::Store::recover_interrupted_submissions`]). Only a process that holds the lock
//!   may do that; a process that only reads (a listing, the desktop window) never touches rows
//!   in flight.
//! - Two programs on one folder (the CLI and the desktop app, or two CLI runs) never send at
//!   the same time: the second one waits for the first to finish, then reads the last request
//!   from the database and keeps FK's interval after it.
//!
//! The file itself holds nothing; it is created owner-only and never deleted (deleting a lock
//! file another process holds open would let a third one lock a new file of the same name).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};

/// The lock file's name inside a data folder.
pub const SENDER_LOCK_FILE_NAME: &str = "sending.lock";

/// The held lock: this process is the data folder's sender until it is dropped.
#[derive(Debug)]
pub struct SenderLock {
    file: File,
    path: PathBuf,
}

impl SenderLock {
    /// Takes the data folder's sender lock if no other process (or other open handle in this
    /// process) holds it: `Ok(None)` when one does. Never waits.
    ///
    /// Errors: [`StoreError::SenderLock`] when the file cannot be created or the operating
    /// system cannot lock it.
    pub fn try_acquire(data_dir: &Path) -> Result<Option<SenderLock>> {
        let path = data_dir.join(SENDER_LOCK_FILE_NAME);
        let failed = |source| StoreError::SenderLock {
            path: path.clone(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(failed)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SenderLock { file, path })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(source)) => Err(failed(source)),
        }
    }

    /// Whether some live process holds the data folder's sender lock right now (a snapshot:
    /// it may change the next moment).
    pub fn is_held(data_dir: &Path) -> Result<bool> {
        Ok(Self::try_acquire(data_dir)?.is_none())
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SenderLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes it immediate even if
        // a duplicated handle were still open somewhere.
        let _ = self.file.unlock();
    }
}
