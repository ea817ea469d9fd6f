//! The encrypted database and its key, as the program handles them.

use crate::support::DataDir;

#[test]
fn a_wrong_key_is_refused_with_exit_4_and_the_database_is_untouched() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let db = data.path().join("assistid.db");
    let before = std::fs::read(&db).expect("the database file exists after the demo");

    let other_key = data.path().join("other.key");
    let out = data.run_with_key(&other_key, &["review", "--month", "2026-10"]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "a wrong key is a database-access failure (exit 4)"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nyckel"),
        "the message talks about the key: {stderr}"
    );
    assert_eq!(
        std::fs::read(&db).expect("database still there"),
        before,
        "the database file is not changed"
    );

    // The right key still works afterwards.
    data.ok(&["review", "--month", "2026-10"]);
}

#[test]
fn the_database_file_holds_no_plaintext_personal_data() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    for name in ["assistid.db", "assistid.db-wal"] {
        let path = data.path().join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        for needle in [
            "197503231115",
            "198503121231",
            "Öberg",
            "Johansson",
            "SQLite format 3",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{name} must be encrypted: found {needle:?} in plain text"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn the_key_file_is_created_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let data = DataDir::new();
    data.ok(&["provider", "list"]);
    let mode = std::fs::metadata(data.key_file())
        .expect("key file created")
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o077,
        0,
        "the key file must be readable by its owner only, was {mode:o}"
    );
}
