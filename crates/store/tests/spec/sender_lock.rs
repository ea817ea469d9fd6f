//! One sender per data folder: the operating-system lock on `sending.lock` (issue 15). Across
//! real processes it is exercised by the CLI's spec (`two_programs_on_one_folder_*`) and the
//! crash suite; here, its rules inside one process (every open file handle counts on its own,
//! as a second program's would).

use assistid_store::{SENDER_LOCK_FILE_NAME, SenderLock};

use crate::support::Fixture;

#[test]
fn the_sender_lock_is_held_by_one_holder_at_a_time_and_freed_on_drop() {
    let fx = Fixture::new();
    let dir = fx.dir.path();
    let first = SenderLock::try_acquire(dir)
        .expect("the lock file can be created")
        .expect("nobody holds the lock of a new folder");
    assert_eq!(first.path(), dir.join(SENDER_LOCK_FILE_NAME));
    assert!(
        SenderLock::try_acquire(dir)
            .expect("the lock file opens")
            .is_none(),
        "a second sender must not get the lock while the first holds it"
    );
    assert!(
        SenderLock::is_held(dir).expect("checkable"),
        "a reader can tell that someone is sending"
    );
    drop(first);
    assert!(
        !SenderLock::is_held(dir).expect("checkable"),
        "dropping the lock frees it at once (no stale lock file blocks the next sender)"
    );
    let again = SenderLock::try_acquire(dir).expect("the lock file opens");
    assert!(again.is_some(), "the next sender gets it");
}

#[cfg(unix)]
#[test]
fn the_lock_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let fx = Fixture::new();
    let lock = SenderLock::try_acquire(fx.dir.path())
        .expect("created")
        .expect("free");
    let mode = std::fs::metadata(lock.path())
        .expect("the lock file exists")
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o077,
        0,
        "the lock file lives in the owner-only data folder and is owner-only itself: {mode:o}"
    );
}

#[test]
fn an_unusable_data_folder_is_a_clear_error() {
    let fx = Fixture::new();
    let missing = fx.dir.path().join("no-such-folder");
    let err = SenderLock::try_acquire(&missing).expect_err("no folder, no lock file");
    assert_eq!(err.code(), "sender_lock");
    assert!(
        err.to_string().contains("låsfilen"),
        "the message names the lock file: {err}"
    );
}
