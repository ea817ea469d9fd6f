//! Files and folders only the user can read: the data folder, the key file, every export
//! (reports with full personnummer, signatures, receipts, assistants' copies, invoice figures,
//! the person export), staged import files and the log folder. Every writer of such a file —
//! the store, the app crate, the CLI and the desktop shell — goes through these functions, so
//! the rule lives in one place.
//!
//! - **Unix** (Linux, macOS): folders are created `0700` and files `0600`, with the mode given
//!   to the system call that creates them, so there is no moment in which others could open
//!   them. [`tighten_dir`] also sets `0700` on a folder that already exists (a data folder
//!   made by an older version, created `0755`). Only folders Assistid owns are tightened; a
//!   folder the user named that already exists keeps its permissions, and the files written
//!   into it are `0600`.
//! - **Windows**: there are no mode bits. The data folder, and with it `exports` and the
//!   staged imports, lies in the user's own profile (`%APPDATA%\Assistid`, the log folder in
//!   `%LOCALAPPDATA%`), whose ACL gives access only to the user, SYSTEM and administrators, and
//!   new files and folders inherit that ACL: the profile is the protection, and these functions
//!   only create. A file the user saves elsewhere (`--out` outside the profile) gets that
//!   folder's ACL. This path is not tested here (CI runs on Linux).

use std::fs::File;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

#[cfg(not(any(unix, windows)))]
compile_error!("owner-only files are implemented for Unix and Windows only");

/// The mode of a folder only the user can open (Unix).
pub const DIR_MODE: u32 = 0o700;
/// The mode of a file only the user can read and write (Unix).
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and any missing parents, each new one owner-only. Folders that already exist
/// are left as they are (use [`tighten_dir`] for Assistid's own folders).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)
    }
    #[cfg(windows)]
    {
        // Inherits the ACL of the folder it is created in (the user's profile).
        std::fs::create_dir_all(dir)
    }
}

/// Creates `dir` like [`create_dir_all`] and makes `dir` itself owner-only even when it
/// already existed: for the folders Assistid owns (the data folder, `exports` and its
/// subfolders, the import staging folder, the log folder).
pub fn tighten_dir(dir: &Path) -> io::Result<()> {
    create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let current = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if current != DIR_MODE {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))?;
        }
    }
    Ok(())
}

/// Creates a new file `path` for writing, owner-only from the start. Refuses to replace an
/// existing file (`io::ErrorKind::AlreadyExists`): use [`write_file`] to replace one.
pub fn create_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(FILE_MODE);
    }
    options.open(path)
}

/// Writes `bytes` to `path` owner-only, through a new temporary file beside it (`<name>.tmp`)
/// that is synced and renamed over `path`: a crash never leaves a half-written file under the
/// final name, and a replaced file gets the owner-only permissions of the new one. The parent
/// folder is created ([`create_dir_all`]) if missing.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_all(parent)?;
    }
    let tmp = temporary_path(path);
    // A leftover of a crash (perhaps with looser permissions) is replaced, never reused.
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let written = create_file(&tmp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// `<path>.tmp` (the whole name kept, so `a.pdf` and `a.json` never share a temporary file).
fn temporary_path(path: &Path) -> PathBuf {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    PathBuf::from(tmp)
}
