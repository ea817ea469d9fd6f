//! Opening a database: created once with its key, reopened with the right key, and never
//! replaced when the key is wrong or missing.

use assistid_store::{KeySource, Store, StoreError, schema};

use crate::support::{Fixture, files_in, provider, snapshot, use_mock_keychain};

#[test]
fn a_new_database_is_created_with_a_new_key_and_reopens_with_it() {
    let fx = Fixture::new();
    let id = {
        let store = fx.open();
        store
            .add_provider(&provider())
            .expect("a provider can be stored in a new database")
    };
    assert!(
        fx.key_path().exists(),
        "the key file is created together with a new database"
    );
    let store = fx.open();
    assert_eq!(
        store
            .provider(id)
            .expect("reading works after reopening")
            .map(|p| p.provider),
        Some(provider()),
        "the data written before closing is there after reopening with the same key"
    );
    assert_eq!(
        store.schema_version().expect("the version is readable"),
        schema::CURRENT_VERSION,
        "a new database is migrated to the current schema"
    );
}

#[test]
fn a_wrong_key_is_refused_and_the_file_is_left_untouched() {
    let fx = Fixture::new();
    drop(fx.open());
    let before = snapshot(&fx.db_path());
    let files_before = files_in(fx.dir.path());

    let other_key = KeySource::File(fx.dir.path().join("other.key"));
    other_key.create().expect("a second key can be created");
    let files_before_open = files_in(fx.dir.path());
    let err = Store::open(&fx.db_path(), &other_key).expect_err("another key must not open it");

    assert!(
        matches!(err, StoreError::WrongKey { .. }),
        "a key that does not decrypt the file is WrongKey, got {err:?}"
    );
    assert_eq!(err.code(), "wrong_key", "the UI branches on this code");
    assert!(
        err.to_string().contains("har inte ändrats"),
        "the message tells the user the database was not changed: {err}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "SQLCipher's error is kept as the source for developers"
    );
    assert_eq!(
        snapshot(&fx.db_path()),
        before,
        "the database file's bytes and modification time are unchanged"
    );
    assert_eq!(
        files_in(fx.dir.path()),
        files_before_open,
        "no -wal or -shm file (or anything else) was created by the failed open"
    );
    assert_eq!(files_before.len() + 1, files_before_open.len());
    drop(fx.open());
}

#[test]
fn a_missing_key_file_is_refused_and_no_new_key_or_database_is_made() {
    let fx = Fixture::new();
    drop(fx.open());
    let before = snapshot(&fx.db_path());
    let missing = fx.dir.path().join("missing.key");

    let err = Store::open(&fx.db_path(), &KeySource::File(missing.clone()))
        .expect_err("an existing database without its key must not open");

    assert!(
        matches!(err, StoreError::KeyMissing { .. }),
        "no key for an existing file is KeyMissing, got {err:?}"
    );
    assert!(
        err.to_string().contains("ingen ny databas har skapats"),
        "the message says no new database was created: {err}"
    );
    assert!(
        !missing.exists(),
        "a key is only created for a database that does not exist yet"
    );
    assert_eq!(snapshot(&fx.db_path()), before, "the database is untouched");
}

#[test]
fn a_key_missing_from_the_keychain_is_refused_and_the_file_is_left_untouched() {
    use_mock_keychain();
    let fx = Fixture::new();
    drop(fx.open());
    let before = snapshot(&fx.db_path());

    let err = Store::open(
        &fx.db_path(),
        &KeySource::keychain_for_data_dir(fx.dir.path()),
    )
    .expect_err("the keychain has no key for this database");

    assert!(matches!(err, StoreError::KeyMissing { .. }), "got {err:?}");
    assert!(
        err.to_string().contains("nyckelring"),
        "the message names the keychain as the place that was searched: {err}"
    );
    assert_eq!(snapshot(&fx.db_path()), before, "the database is untouched");
}

#[test]
fn a_new_database_with_a_keychain_key_saves_the_key_before_creating_the_file() {
    use_mock_keychain();
    let fx = Fixture::new();
    let keys = KeySource::keychain_for_data_dir(fx.dir.path());
    let store = Store::open_in_data_dir(fx.dir.path(), &keys)
        .expect("a new database can be created with a key in the (mock) keychain");
    store
        .add_provider(&provider())
        .expect("the new database is writable");
    assert!(
        !fx.key_path().exists(),
        "with the keychain as source no key file is written"
    );
}

#[test]
fn separate_data_folders_get_separate_keychain_entries() {
    let a = Fixture::new();
    let b = Fixture::new();
    assert_ne!(
        KeySource::keychain_for_data_dir(a.dir.path()),
        KeySource::keychain_for_data_dir(b.dir.path()),
        "two data folders must not share a key"
    );
    match KeySource::keychain_for_data_dir(a.dir.path()) {
        KeySource::Keychain { service, .. } => assert_eq!(service, "se.assistid.app"),
        other => panic!("expected a keychain source, got {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let fx = Fixture::new();
    std::fs::write(
        fx.db_path(),
        b"these are the coordinator's notes, not a database",
    )
    .expect("the file can be written");
    fx.keys().create().expect("a key exists");
    let before = snapshot(&fx.db_path());
    let err = Store::open(&fx.db_path(), &fx.keys()).expect_err("a text file is no database");
    assert!(matches!(err, StoreError::WrongKey { .. }), "got {err:?}");
    assert_eq!(snapshot(&fx.db_path()), before, "the file is untouched");
}

#[test]
fn a_database_another_program_is_writing_gives_a_clear_locked_error() {
    let fx = Fixture::new();
    drop(fx.open());
    let holder = fx.raw();
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("the other program takes the write lock");
    let store = Store::open(&fx.db_path(), &fx.keys())
        .expect("an up-to-date database opens while another program writes (WAL)");
    // Writing waits the busy timeout (a few seconds) for the lock, then gives up.
    let err = store
        .add_provider(&provider())
        .expect_err("the write lock is held elsewhere");
    assert!(matches!(err, StoreError::Locked { .. }), "got {err:?}");
    assert_eq!(err.code(), "database_locked");
    assert!(
        err.to_string().contains("används just nu"),
        "the message says another program is using it: {err}"
    );
    holder
        .execute_batch("ROLLBACK")
        .expect("the other program lets go");
    store
        .add_provider(&provider())
        .expect("once the lock is released, writing works");
}
