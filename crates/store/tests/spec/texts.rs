//! The store's messages in two languages: every error a coordinator can meet (key, schema,
//! lock, disk, register, backup) is a stable code with named parameters, its Swedish wording
//! exactly the message the store always gave, its English wording complete.

use std::path::PathBuf;

use assistid_core::text::{Lang, check_catalog};
use assistid_store::StoreError;
use assistid_store::backup::BackupError;
use assistid_store::error::texts as store_texts;

#[test]
fn every_store_catalog_has_both_wordings_with_the_same_parameters() {
    for (name, catalog) in assistid_store::text_catalogs() {
        let problems = check_catalog(catalog);
        assert!(
            problems.is_empty(),
            "the store's {name} catalog must be whole: {problems:#?}"
        );
    }
}

fn sqlite_error() -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None)
}

fn every_store_error() -> Vec<StoreError> {
    let path = PathBuf::from("/data/assistid.db");
    vec![
        StoreError::WrongKey {
            path: path.clone(),
            source: sqlite_error(),
        },
        StoreError::KeyMissing {
            path: path.clone(),
            location: store_texts::KEY_IN_FILE.with("path", "/data/key"),
        },
        StoreError::KeyFilePermissions {
            path: path.clone(),
            mode: 0o644,
        },
        StoreError::KeyFileInvalid { path: path.clone() },
        StoreError::KeyFileIo {
            path: path.clone(),
            source: std::io::Error::other("denied"),
        },
        StoreError::Keychain {
            reason: "no service".to_owned(),
        },
        StoreError::NewerSchema {
            found: 40,
            supported: 22,
        },
        StoreError::Locked {
            source: sqlite_error(),
        },
        StoreError::DiskFull {
            source: sqlite_error(),
        },
        StoreError::ReadOnly {
            source: sqlite_error(),
        },
        StoreError::Corrupt {
            source: sqlite_error(),
        },
        StoreError::AlreadyExists {
            what: store_texts::WHAT_PERSON_WITH_PNR.text(),
        },
        StoreError::NotFound {
            what: store_texts::WHAT_PERSON_NUMBER.with("person", "19500101-****"),
        },
        StoreError::ReportFrozen {
            report_id: uuid::Uuid::nil(),
        },
        StoreError::ReportIdReused {
            report_id: uuid::Uuid::nil(),
        },
        StoreError::BadStoredValue {
            column: "shifts.kind",
        },
        StoreError::Sqlite {
            source: sqlite_error(),
        },
        StoreError::DataDir {
            path: path.clone(),
            source: std::io::Error::other("denied"),
        },
        StoreError::SenderLock {
            path,
            source: std::io::Error::other("denied"),
        },
    ]
}

fn every_backup_error() -> Vec<BackupError> {
    let path = PathBuf::from("/backups/assistid-2026-12-05.assistid-backup");
    vec![
        BackupError::NotSetUp,
        BackupError::NothingToConfirm,
        BackupError::RecoveryKeyMistyped,
        BackupError::WrongRecoveryKey {
            what: assistid_store::backup::texts::WHAT_BACKUP_FILE.with("path", "/b/x"),
        },
        BackupError::NotABackup { path: path.clone() },
        BackupError::Truncated { path: path.clone() },
        BackupError::Damaged { path: path.clone() },
        BackupError::Newer {
            path: path.clone(),
            what: assistid_store::backup::texts::WHAT_DATABASE_VERSION.text(),
            found: 40,
            supported: 22,
        },
        BackupError::FolderNotEmpty { path: path.clone() },
        BackupError::OutputExists { path: path.clone() },
        BackupError::Io {
            path,
            action: "skrivas",
            source: std::io::Error::other("disk full"),
        },
        BackupError::Store(StoreError::DiskFull {
            source: sqlite_error(),
        }),
    ]
}

#[test]
fn every_store_and_backup_error_reads_the_same_in_swedish_and_is_told_in_english() {
    let told: Vec<(String, String, assistid_core::text::Text)> = every_store_error()
        .iter()
        .map(|e| (e.code().to_owned(), e.to_string(), e.text()))
        .chain(
            every_backup_error()
                .iter()
                .map(|e| (e.code().to_owned(), e.to_string(), e.text())),
        )
        .collect();
    for (code, display, text) in told {
        assert_eq!(
            text.render(Lang::Sv),
            display,
            "{code}: Swedish is the reference, the text must read as the error always did"
        );
        assert!(
            text.is_translated() && text.missing_params().is_empty(),
            "{code}: every part of the message has an English wording and its parameters: {text:?}"
        );
        assert_ne!(
            text.render(Lang::En),
            display,
            "{code}: English mode must not show the Swedish text"
        );
    }
}

#[test]
fn a_missing_key_says_where_it_was_looked_for_in_the_users_language() {
    let err = StoreError::KeyMissing {
        path: PathBuf::from("/data/assistid.db"),
        location: store_texts::KEY_IN_KEYCHAIN.text(),
    };
    let en = err.text().render(Lang::En);
    assert!(
        en.contains("in this computer's keychain") && en.contains("/data/assistid.db"),
        "the English message names the database and the keychain: {en}"
    );
}
