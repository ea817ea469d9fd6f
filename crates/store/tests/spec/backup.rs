//! Backups: one encrypted file with the whole database, opened only with the recovery key,
//! checked whole before anything is written, restored only into an empty folder under a new
//! key. Altered, truncated, extended and wrong-key files are refused with nothing written.

use std::path::{Path, PathBuf};

use assistid_core::model::ReportMonth;
use assistid_store::backup::{self, BackupError, BackupLabel, RecoveryKey};
use assistid_store::schema::CURRENT_VERSION;
use assistid_store::{AttemptOutcome, AttemptResult, KeySource, NewEvent, NewReportVersion, Store};
use uuid::Uuid;

use crate::support::{Fixture, files_in, instant, register, valid_digits};

fn label() -> BackupLabel {
    BackupLabel {
        app_version: "0.1.0".to_owned(),
        provider: Some("Omsorgsbolaget Trygg Assistans AB".to_owned()),
    }
}

/// A folder with a register, a frozen report version, an accepted submission with FK's raw
/// answer, events and a confirmed recovery key; returns the key.
fn filled(store: &Store) -> RecoveryKey {
    let (p, a) = register(store);
    let report = Uuid::new_v4();
    store
        .save_report_version(&NewReportVersion {
            report_id: report,
            assistant: &a.id,
            person: &p.personnummer,
            month: ReportMonth::new(2026, 10).expect("a month"),
            document: b"<?xml version=\"1.0\"?><Tidredovisning><id>x</id></Tidredovisning>",
            created_at: instant("2026-11-02T09:00:00Z"),
        })
        .expect("a report version is saved");
    let queued = store
        .enqueue_submission(report, "demo", instant("2026-11-03T10:00:00Z"))
        .expect("queued");
    let attempt = store
        .begin_submission_attempt(queued.id, instant("2026-11-03T10:00:00.5Z"))
        .expect("sending");
    store
        .finish_submission_attempt(
            queued.id,
            attempt,
            &AttemptResult {
                finished_at: instant("2026-11-03T10:00:01Z"),
                outcome: AttemptOutcome::Accepted,
                http_status: Some(200),
                answer: Some(b"<receipt>raw answer</receipt>"),
                tx_id: Some("tx-1"),
                error_code: None,
                error_message: None,
                error_text: None,
                fk_message: None,
                next_attempt_at: None,
            },
        )
        .expect("accepted");
    store
        .append_event(&NewEvent {
            at: instant("2026-11-03T10:00:02Z"),
            kind: "report_submitted",
            report_id: Some(report),
            details: &serde_json::json!({"tx_id": "tx-1"}),
        })
        .expect("an event is logged");
    let recovery = store
        .prepare_recovery_key(instant("2026-11-01T08:00:00Z"))
        .expect("a recovery key is made");
    store
        .confirm_recovery_key(&recovery, instant("2026-11-01T08:01:00Z"))
        .expect("the key typed back is confirmed");
    recovery
}

/// Every row of every table, in a fixed order, as text: what "byte-identical" is checked on.
fn dump(store_path: &Path, key_file: &Path) -> Vec<String> {
    let key = std::fs::read_to_string(key_file).expect("the key file exists");
    let conn = rusqlite::Connection::open(store_path).expect("the file opens");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .expect("the key is accepted");
    let mut out = Vec::new();
    let tables: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name")
        .expect("schema")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("schema rows")
        .collect::<Result<_, _>>()
        .expect("schema read");
    for (name, sql) in &tables {
        out.push(format!("schema {name}: {sql}"));
        if !sql.starts_with("CREATE TABLE") {
            continue;
        }
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY 1, 2"))
            .expect("a table query");
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .expect("rows")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows read");
        for row in rows {
            out.push(format!("{name}: {}", row.join(" | ")));
        }
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    out.push(format!("user_version {version}"));
    out
}

fn backup_of(fx: &Fixture, store: &Store) -> PathBuf {
    let out = fx.dir.path().join("backups").join("first.assistid-backup");
    std::fs::create_dir_all(out.parent().expect("a parent")).expect("a backup folder");
    store
        .write_backup(&out, &label(), instant("2026-11-04T12:00:00Z"))
        .expect("the backup is written");
    out
}

/// An empty folder to restore into, with its own key file outside it.
struct Target {
    dir: tempfile::TempDir,
}

impl Target {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    fn key(&self) -> PathBuf {
        self.dir.path().join("restored.key")
    }
    fn keys(&self) -> KeySource {
        KeySource::File(self.key())
    }
    fn restore(&self, file: &Path, recovery: &RecoveryKey) -> Result<Store, BackupError> {
        backup::restore(file, recovery, &self.data(), &self.keys()).map(|(_, store)| store)
    }
    fn assert_nothing_written(&self, why: &str) {
        let data = self.data();
        let left = if data.exists() {
            files_in(&data)
        } else {
            Vec::new()
        };
        assert!(
            left.is_empty(),
            "{why}: nothing may be left in the folder, found {left:?}"
        );
    }
}

#[test]
fn backup_then_restore_gives_every_row_of_every_table_back_unchanged() {
    let fx = Fixture::new();
    let store = fx.open();
    let recovery = filled(&store);
    let file = backup_of(&fx, &store);
    let before = dump(&fx.db_path(), &fx.key_path());
    drop(store);
    let old_key = std::fs::read_to_string(fx.key_path()).expect("the first key");
    // Everything on the first computer is lost.
    std::fs::remove_file(fx.db_path()).expect("the database is deleted");
    let _ = std::fs::remove_file(fx.key_path());

    let target = Target::new();
    let typed = RecoveryKey::parse(&recovery.grouped().expose().to_lowercase())
        .expect("the written-down key, typed in lower case, parses");
    let restored = target.restore(&file, &typed).expect("the backup restores");
    let contents = restored.contents().expect("contents");
    assert_eq!(
        (
            contents.reports,
            contents.submissions,
            contents.accepted,
            contents.months.clone()
        ),
        (1, 1, 1, vec!["2026-10".to_owned()]),
        "the summary names what came back"
    );
    drop(restored);
    let after = dump(&target.data().join("assistid.db"), &target.key());
    assert_eq!(
        before, after,
        "reports, submissions, attempts with FK's raw answers, events and settings come back \
         byte for byte"
    );
    let new_key = std::fs::read_to_string(target.key()).expect("the new key");
    assert_ne!(
        old_key.trim(),
        new_key.trim(),
        "the restored database has a key of its own"
    );
    // The restored folder keeps backing up with the same recovery key.
    let again = Store::open(&target.data().join("assistid.db"), &target.keys()).expect("opens");
    let second = target.dir.path().join("second.assistid-backup");
    again
        .write_backup(&second, &label(), instant("2026-11-05T12:00:00Z"))
        .expect("a restored folder can make backups at once");
    backup::verify(&second, &recovery).expect("and they open with the same recovery key");
}

#[test]
fn the_backup_file_holds_no_readable_personal_data_and_a_header_without_it() {
    let fx = Fixture::new();
    let store = fx.open();
    filled(&store);
    let file = backup_of(&fx, &store);
    let bytes = std::fs::read(&file).expect("the backup is read");
    let text = String::from_utf8_lossy(&bytes);
    for secret in [
        valid_digits("19750315", 1),
        valid_digits("19900101", 1),
        "Ödmansson".to_owned(),
        "Lindqvistberg".to_owned(),
        "raw answer".to_owned(),
        "SQLite format 3".to_owned(),
        "5566778899".to_owned(),
    ] {
        assert!(
            !text.contains(&secret),
            "the backup must not show {secret:?} in clear"
        );
    }
    let header = backup::read_header(&file).expect("the header reads without the key");
    assert_eq!(
        header.provider.as_deref(),
        Some("Omsorgsbolaget Trygg Assistans AB")
    );
    assert_eq!(header.schema_version, CURRENT_VERSION);
    assert_eq!(header.created_at, instant("2026-11-04T12:00:00Z"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "a backup is owner-only like every personal-data file"
        );
    }
    let left: Vec<String> = files_in(fx.dir.path())
        .into_iter()
        .filter(|f| f.contains("snapshot") || f.contains("partial"))
        .collect();
    assert!(left.is_empty(), "no temporary file stays behind: {left:?}");
}

#[test]
fn backups_wait_for_a_confirmed_recovery_key() {
    let fx = Fixture::new();
    let store = fx.open();
    let out = fx.dir.path().join("x.assistid-backup");
    let refused = store
        .write_backup(&out, &label(), instant("2026-11-04T12:00:00Z"))
        .expect_err("no backup without a recovery key");
    assert_eq!(refused.code(), "backup_not_set_up", "{refused}");
    let shown = store
        .prepare_recovery_key(instant("2026-11-01T08:00:00Z"))
        .expect("made");
    let refused = store
        .write_backup(&out, &label(), instant("2026-11-04T12:00:00Z"))
        .expect_err("a key not yet confirmed is not used");
    assert_eq!(refused.code(), "backup_not_set_up");
    let other = RecoveryKey::generate();
    let refused = store
        .confirm_recovery_key(&other, instant("2026-11-01T08:01:00Z"))
        .expect_err("another key does not confirm");
    assert_eq!(refused.code(), "recovery_key_wrong");
    store
        .confirm_recovery_key(&shown, instant("2026-11-01T08:01:00Z"))
        .expect("the shown key confirms");
    let status = store.backup_key_status().expect("status").expect("set up");
    assert_eq!(status.confirmed_at, Some(instant("2026-11-01T08:01:00Z")));
    assert!(!out.exists(), "refused backups wrote nothing");
    store
        .write_backup(&out, &label(), instant("2026-11-04T12:00:00Z"))
        .expect("now it works");
    let refused = store
        .write_backup(&out, &label(), instant("2026-11-04T12:00:00Z"))
        .expect_err("an existing file is never overwritten");
    assert_eq!(refused.code(), "backup_output_exists");
}

#[test]
fn a_recovery_key_is_typed_forgivingly_but_a_wrong_symbol_is_caught() {
    let key = RecoveryKey::generate();
    let grouped = key.grouped().expose().clone();
    assert_eq!(
        grouped.len(),
        34,
        "seven groups of four with six dashes: {}",
        grouped.len()
    );
    assert_eq!(
        RecoveryKey::parse(&grouped.replace('-', " ")).ok(),
        Some(key.clone()),
        "spaces instead of dashes"
    );
    assert_eq!(
        RecoveryKey::parse(&grouped.replace('0', "o").replace('1', "l")).ok(),
        Some(key.clone()),
        "o for zero and l for one"
    );
    // Change one symbol: the check symbols notice (a mistake in the first 26 changes them).
    let mut changed: Vec<char> = grouped.chars().collect();
    changed[0] = if changed[0] == 'A' { 'B' } else { 'A' };
    let changed: String = changed.into_iter().collect();
    let refused = RecoveryKey::parse(&changed);
    assert!(
        matches!(refused, Err(BackupError::RecoveryKeyMistyped))
            || refused.as_ref().ok() != Some(&key),
        "a changed symbol is never the same key"
    );
    assert_eq!(
        RecoveryKey::parse("ABCD").err().map(|e| e.code()),
        Some("recovery_key_mistyped"),
        "too short"
    );
    assert!(
        !format!("{key:?}").contains(&grouped[..4]) || format!("{key:?}").contains("redacted"),
        "Debug never shows the key"
    );
}

fn refused_with(code: &str, file: &Path, recovery: &RecoveryKey, why: &str) {
    let target = Target::new();
    let error = target
        .restore(file, recovery)
        .err()
        .unwrap_or_else(|| panic!("{why}: the restore must be refused"));
    assert_eq!(error.code(), code, "{why}: {error}");
    assert!(
        error.to_string().contains("Inget har skrivits"),
        "{why}: the message says nothing was written: {error}"
    );
    target.assert_nothing_written(why);
    assert!(!target.key().exists(), "{why}: not even a key is made");
    let checked = backup::verify(file, recovery).expect_err("verify refuses too");
    assert_eq!(checked.code(), code, "{why}");
}

#[test]
fn truncated_altered_extended_and_wrong_key_backups_are_refused_with_nothing_written() {
    let fx = Fixture::new();
    let store = fx.open();
    let recovery = filled(&store);
    let file = backup_of(&fx, &store);
    let bytes = std::fs::read(&file).expect("read");
    let variant = |name: &str, content: &[u8]| -> PathBuf {
        let path = fx.dir.path().join(name);
        std::fs::write(&path, content).expect("write a variant");
        path
    };

    refused_with(
        "recovery_key_wrong",
        &file,
        &RecoveryKey::generate(),
        "another recovery key",
    );
    for cut in [bytes.len() - 1, bytes.len() - 17, bytes.len() / 2, 200] {
        refused_with(
            "backup_truncated",
            &variant("cut", &bytes[..cut]),
            &recovery,
            &format!("the file cut to {cut} bytes"),
        );
    }
    for at in [bytes.len() - 5, bytes.len() / 2, bytes.len() - 40] {
        let mut altered = bytes.clone();
        altered[at] ^= 0x01;
        refused_with(
            "backup_damaged",
            &variant("altered", &altered),
            &recovery,
            &format!("one bit changed at {at}"),
        );
    }
    let mut extended = bytes.clone();
    extended.extend_from_slice(b"more");
    refused_with(
        "backup_damaged",
        &variant("extended", &extended),
        &recovery,
        "bytes appended",
    );
    // The header is authenticated too: a changed provider name is noticed.
    let text = bytes.clone();
    let needle = b"Trygg";
    let at = text
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the provider is in the header");
    let mut renamed = text;
    renamed[at] = b'B';
    refused_with(
        "backup_damaged",
        &variant("renamed", &renamed),
        &recovery,
        "header changed",
    );
    let refused =
        backup::read_header(&variant("other", b"PK\x03\x04 a zip file")).expect_err("not a backup");
    assert_eq!(refused.code(), "backup_not_a_backup");
}

#[test]
fn a_backup_from_a_newer_assistid_is_refused_clearly() {
    let fx = Fixture::new();
    let store = fx.open();
    let recovery = filled(&store);
    let file = backup_of(&fx, &store);
    let bytes = std::fs::read(&file).expect("read");
    for (from, to, why) in [
        ("\"format\":1", "\"format\":2", "a newer file format"),
        (
            &format!("\"schema_version\":{CURRENT_VERSION}"),
            &format!("\"schema_version\":{}", CURRENT_VERSION + 1),
            "a newer database",
        ),
    ] {
        let text = String::from_utf8_lossy(&bytes[..200]).to_string();
        assert!(text.contains(from), "the header has {from}: {text}");
        let mut newer = bytes.clone();
        let at = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .expect("found");
        // Same length, so the rest of the file stays in place.
        newer.splice(at..at + from.len(), to.bytes());
        assert_eq!(newer.len(), bytes.len(), "{why}: same length");
        let path = fx.dir.path().join("newer");
        std::fs::write(&path, &newer).expect("write");
        let refused = backup::read_header(&path).expect_err(why);
        assert_eq!(refused.code(), "backup_newer", "{why}");
        assert!(
            refused.to_string().contains("Uppdatera Assistid"),
            "{why}: {refused}"
        );
        refused_with("backup_newer", &path, &recovery, why);
    }
}

#[test]
fn a_restore_never_writes_over_an_existing_database() {
    let fx = Fixture::new();
    let store = fx.open();
    let recovery = filled(&store);
    let file = backup_of(&fx, &store);
    let before = dump(&fx.db_path(), &fx.key_path());
    let key_before = std::fs::read(fx.key_path()).expect("the key");
    let refused = backup::restore(&file, &recovery, fx.dir.path(), &fx.keys())
        .expect_err("the folder has a database");
    assert_eq!(refused.code(), "restore_folder_not_empty", "{refused}");
    drop(store);
    assert!(
        dump(&fx.db_path(), &fx.key_path()) == before
            && std::fs::read(fx.key_path()).expect("the key") == key_before,
        "the existing database and its key are untouched"
    );
}

#[test]
fn a_backup_taken_while_another_connection_writes_holds_only_committed_rows() {
    let fx = Fixture::new();
    let store = fx.open();
    let recovery = filled(&store);
    let writer = fx.open();
    let out = fx.dir.path().join("during.assistid-backup");
    let committed_before = store.contents().expect("contents").events;
    // The other connection (a submission run) is in the middle of a transaction when the
    // backup is taken: none of its rows may be in the backup, and the backup must not wait
    // for it or break it.
    writer
        .transaction(|w| -> Result<(), BackupError> {
            w.append_event(&NewEvent {
                at: instant("2026-11-04T11:59:59Z"),
                kind: "submission_started",
                report_id: None,
                details: &serde_json::json!({}),
            })?;
            store.write_backup(&out, &label(), instant("2026-11-04T12:00:00Z"))?;
            Ok(())
        })
        .expect("the writer commits after the backup");
    assert_eq!(
        writer.contents().expect("contents").events,
        committed_before + 1,
        "the writer's transaction committed"
    );
    let target = Target::new();
    let restored = target.restore(&out, &recovery).expect("restores");
    assert_eq!(
        restored.contents().expect("contents").events,
        committed_before,
        "the backup holds the state before the writer's uncommitted event"
    );
    assert!(
        restored.integrity_problems().expect("checked").is_empty(),
        "and it is a sound database"
    );
}

#[test]
fn a_named_pipe_or_a_folder_is_no_backup_and_is_refused_at_once() {
    let fx = Fixture::new();
    let pipe = fx.dir.path().join("kopia.assistid-backup");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "the named pipe is made");
    let release = pipe.clone();
    std::thread::spawn(move || {
        // Lets a reader that wrongly waits on the pipe go, instead of hanging the run.
        std::thread::sleep(std::time::Duration::from_secs(4));
        let _ = std::fs::OpenOptions::new().write(true).open(&release);
    });
    let folder = fx.dir.path().join("mapp");
    std::fs::create_dir(&folder).expect("a folder");
    for (name, path) in [("a named pipe", &pipe), ("a folder", &folder)] {
        let started = std::time::Instant::now();
        let err = backup::read_header(path).expect_err("not a backup");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{name}: refused at once, not after waiting for a writer"
        );
        assert_eq!(err.code(), "backup_not_a_backup", "{name}: {err}");
        refused_with("backup_not_a_backup", path, &RecoveryKey::generate(), name);
    }
}
