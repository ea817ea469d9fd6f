//! The key file for headless use: created owner-only with a random key, refused when others
//! can read it or when it holds no key.

use assistid_store::{KeySource, Store, StoreError};

use crate::support::{Fixture, snapshot};

#[cfg(unix)]
#[test]
fn a_new_key_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    drop(fx.open());
    let mode = std::fs::metadata(fx.key_path())
        .expect("the key file was created")
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o600,
        "the key file must be rw for the owner only"
    );
    let text = std::fs::read_to_string(fx.key_path()).expect("the key file is text");
    assert_eq!(
        text.trim().len(),
        64,
        "the key is 32 bytes as 64 hex characters"
    );
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    drop(fx.open());
    let before = snapshot(&fx.db_path());
    std::fs::set_permissions(fx.key_path(), std::fs::Permissions::from_mode(0o644))
        .expect("permissions can be changed");
    let err = Store::open(&fx.db_path(), &fx.keys()).expect_err("a readable key is refused");
    assert!(
        matches!(err, StoreError::KeyFilePermissions { mode: 0o644, .. }),
        "got {err:?}"
    );
    assert!(
        err.to_string().contains("chmod 600"),
        "says how to fix it: {err}"
    );
    assert_eq!(snapshot(&fx.db_path()), before, "the database is untouched");
}

#[test]
fn a_key_file_without_a_key_is_refused() {
    let fx = Fixture::new();
    drop(fx.open());
    let before = snapshot(&fx.db_path());
    std::fs::write(fx.key_path(), "not a key\n").expect("the key file can be overwritten");
    let err = Store::open(&fx.db_path(), &fx.keys()).expect_err("garbage is not a key");
    assert!(
        matches!(err, StoreError::KeyFileInvalid { .. }),
        "got {err:?}"
    );
    assert_eq!(snapshot(&fx.db_path()), before, "the database is untouched");
}

#[test]
fn an_existing_key_file_is_used_for_a_new_database() {
    let fx = Fixture::new();
    let key = fx.keys().create().expect("a key file can be made up front");
    drop(fx.open());
    assert_eq!(
        fx.keys().load().expect("the key file is readable"),
        Some(key),
        "the key file made up front was used, not replaced"
    );
}

#[test]
fn creating_a_key_never_overwrites_one() {
    let fx = Fixture::new();
    fx.keys().create().expect("the first key is created");
    let err = fx
        .keys()
        .create()
        .expect_err("a second create must not replace the key");
    assert!(matches!(err, StoreError::KeyFileIo { .. }), "got {err:?}");
}

#[test]
fn the_key_never_shows_in_debug_output() {
    let fx = Fixture::new();
    let key = fx.keys().create().expect("a key");
    let hex = key.to_hex();
    assert!(
        !format!("{key:?}").contains(hex.expose().as_str()),
        "Debug of a key must be redacted"
    );
    let source = KeySource::File(fx.key_path());
    assert!(!format!("{source:?}").contains(hex.expose().as_str()));
}
