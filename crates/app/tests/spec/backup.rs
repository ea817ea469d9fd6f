//! Backups (issue 20): a provider loses the computer and continues on a new one with every
//! record intact, using a backup file and the recovery key; backups happen by themselves after
//! a submission run and daily; the overview warns when they stop; the key follows the folder.

use std::path::{Path, PathBuf};

use assistid_app::backup::{AutomaticReason, RestoreSummary};
use assistid_app::{App, KeySource};
use chrono::{DateTime, Duration, Utc};

use crate::after_sending::{Folder, fake_fk, sent_october, sign_october, submit_with};
use assistid_app::views::SubmissionState as ViewState;

/// The tables that hold what FK, the tax authority or an assistant may ask about later.
const RECORDS: [&str; 7] = [
    "report_versions",
    "signatories",
    "signatures",
    "signed_reports",
    "submissions",
    "submission_attempts",
    "events",
];

/// Every row of the record tables, as text, read with the raw key (`key` is the key file).
fn records(db: &Path, key: &Path) -> Vec<String> {
    let key = std::fs::read_to_string(key).expect("the key file exists");
    let conn = rusqlite::Connection::open(db).expect("the database file opens");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .expect("the key is accepted");
    let mut out = Vec::new();
    for table in RECORDS {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .expect("the table exists");
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
            // The restore's own event is new on the new computer; everything else must match.
            if table == "events" && row.iter().any(|v| v.contains("restored_from_backup")) {
                continue;
            }
            out.push(format!("{table}: {}", row.join(" | ")));
        }
    }
    out
}

fn set_up(app: &App, now: DateTime<Utc>) -> String {
    let key = app
        .prepare_recovery_key(now)
        .expect("a recovery key is made");
    let written_down = key.grouped().expose().clone();
    app.confirm_recovery_key(&written_down, now)
        .expect("typed back, it turns backups on");
    written_down
}

/// A new computer: an empty temporary folder with its own key file.
struct NewComputer {
    dir: tempfile::TempDir,
}

impl NewComputer {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }
    fn data(&self) -> PathBuf {
        self.dir.path().join("Assistid")
    }
    fn key(&self) -> PathBuf {
        self.dir.path().join("new.key")
    }
    fn restore(&self, file: &Path, typed: &str) -> anyhow::Result<(App, RestoreSummary)> {
        App::restore_backup(
            file,
            typed,
            &self.data(),
            KeySource::File(self.key()),
            Utc::now(),
        )
    }
}

#[test]
fn a_lost_computer_is_replaced_by_a_backup_and_the_recovery_key_with_every_record_intact() {
    let (folder, app, summary) = sent_october();
    let now = Utc::now();
    let recovery = set_up(&app, now);
    let backups = tempfile::tempdir().expect("a folder on the network drive");
    let file = backups.path().join("oktober.assistid-backup");
    let before = records(&folder.dir.path().join("assistid.db"), &folder.key());
    app.backup_to(&file, now).expect("the backup is written");
    drop(app);
    // The laptop is gone: the data folder and the key with it.
    drop(folder);

    let computer = NewComputer::new();
    let (restored, shown) = computer
        .restore(&file, &recovery.to_lowercase().replace('-', " "))
        .expect("the backup restores with the written-down key");
    let after = records(&computer.data().join("assistid.db"), &computer.key());
    assert_eq!(
        before, after,
        "every report version's bytes, signature, submission, attempt with FK's raw answer \
         and audit event comes back unchanged"
    );
    assert!(shown.provider.is_some(), "the summary names the provider");
    assert_eq!(
        shown.months,
        vec!["2026-10".to_owned()],
        "October was restored"
    );
    assert_eq!(
        shown.submissions as usize,
        summary.results.len(),
        "every submission is counted"
    );
    assert_eq!(
        shown.accepted as usize,
        summary
            .results
            .iter()
            .filter(|r| r.state == ViewState::Accepted)
            .count(),
        "and the accepted ones"
    );
    assert!(
        shown.last_accepted_at.is_some(),
        "the last submission is shown"
    );
    // The restored folder works as the old one did: the month review and the history.
    let review = restored
        .month_review("2026-10".parse().expect("a month"), now)
        .expect("the review opens");
    assert!(!review.reports().is_empty(), "the reports are there");
    // And keeps making backups that open with the same recovery key.
    let next = backups.path().join("november.assistid-backup");
    restored
        .backup_to(&next, now)
        .expect("the new computer backs up at once");
    assistid_app::backup::verify(&next, &recovery).expect("with the same recovery key");
}

#[test]
fn a_wrong_or_mistyped_recovery_key_and_a_damaged_file_restore_nothing() {
    let folder = Folder::demo();
    let app = folder.open();
    let now = Utc::now();
    let recovery = set_up(&app, now);
    let file = folder.dir.path().join("b.assistid-backup");
    app.backup_to(&file, now).expect("written");
    let other = {
        let spare = Folder::demo();
        let spare_app = spare.open();
        set_up(&spare_app, now)
    };
    let mut mistyped: Vec<char> = recovery.chars().collect();
    mistyped[2] = if mistyped[2] == 'X' { 'Y' } else { 'X' };
    let mistyped: String = mistyped.into_iter().collect();
    let bytes = std::fs::read(&file).expect("read");
    let cut = folder.dir.path().join("cut.assistid-backup");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).expect("write");
    for (path, typed, code, why) in [
        (
            &file,
            other.as_str(),
            "recovery_key_wrong",
            "another folder's recovery key",
        ),
        (
            &file,
            mistyped.as_str(),
            "recovery_key_mistyped",
            "one symbol mistyped",
        ),
        (
            &cut,
            recovery.as_str(),
            "backup_truncated",
            "a copy that stopped half-way",
        ),
    ] {
        let computer = NewComputer::new();
        let error = computer
            .restore(path, typed)
            .err()
            .unwrap_or_else(|| panic!("{why}: refused"));
        let code_seen = assistid_app::IpcError::from(error).code;
        assert_eq!(code_seen, code, "{why}");
        assert!(
            !computer.data().join("assistid.db").exists() && !computer.key().exists(),
            "{why}: no database and no key were made"
        );
        let left: Vec<_> = std::fs::read_dir(computer.dir.path())
            .expect("read")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(
            left.is_empty(),
            "{why}: nothing at all was written: {left:?}"
        );
    }
}

#[test]
fn a_backup_taken_during_a_submission_run_restores_to_a_consistent_state() {
    let folder = Folder::demo();
    sign_october(folder.dir.path(), &folder.key(), |_| false);
    let app = folder.open();
    let recovery = set_up(&app, Utc::now());
    let fk = fake_fk();
    let during = folder.dir.path().join("during.assistid-backup");
    // A second connection (the window, while the run has its own) backs up after the first
    // report's answer, while the rest are still on their way.
    let window = folder.open();
    let target = during.clone();
    let mut taken = false;
    let summary = submit_with(&app, &fk, &mut move |done, _total, _view| {
        if done == 1 && !taken {
            window
                .backup_to(&target, Utc::now())
                .expect("a backup during the run succeeds");
            taken = true;
        }
    });
    assert!(summary.results.len() > 1, "the run had several reports");
    assert!(during.exists(), "the backup was taken during the run");

    let computer = NewComputer::new();
    let (restored, shown) = computer
        .restore(&during, &recovery)
        .expect("the backup taken mid-run restores");
    assert!(
        shown.submissions as usize <= summary.results.len() && shown.accepted >= 1,
        "it holds the first answer and no more submissions than the run made"
    );
    let store = assistid_store::Store::open_in_data_dir(
        &computer.data(),
        &assistid_store::KeySource::File(computer.key()),
    )
    .expect("the restored store opens");
    assert!(
        store.integrity_problems().expect("checked").is_empty(),
        "the restored database is sound"
    );
    // Whatever was in flight at the snapshot is never resent by itself: `sending` became
    // `uncertain` when the restored folder was opened.
    for submission in store
        .submissions_in_month("2026-10".parse().expect("a month"))
        .expect("read")
    {
        assert_ne!(
            submission.state.code(),
            "sending",
            "a restored folder has no submission believed to be on its way"
        );
        if submission.state.code() == "accepted" {
            let attempts = store.submission_attempts(submission.id).expect("attempts");
            assert!(
                attempts
                    .iter()
                    .any(|a| a.answer.is_some() && a.tx_id.is_some()),
                "an accepted submission comes with FK's raw answer and tx-id"
            );
        }
    }
    drop(restored);
}

#[test]
fn automatic_backups_keep_the_chosen_number_and_the_overview_warns_when_they_stop() {
    let demo = Folder::demo();
    let t0: DateTime<Utc> = "2026-11-02T08:00:00Z".parse().expect("an instant");
    assert_eq!(
        demo.open().backup_warning(t0).expect("warning"),
        None,
        "demo data is never nagged about"
    );
    let real = tempfile::tempdir().expect("a real data folder");
    let app = App::open(
        &real.path().join("data"),
        KeySource::File(real.path().join("key")),
        t0,
    )
    .expect("opens");
    assert_eq!(
        app.backup_warning(t0).expect("warning").map(|w| w.code),
        Some("backup_not_set_up"),
        "real data without backups is warned about"
    );
    assert!(
        app.automatic_backup(AutomaticReason::Daily, t0)
            .expect("nothing to do")
            .is_none(),
        "no recovery key: nothing is written"
    );
    set_up(&app, t0);
    assert_eq!(
        app.backup_warning(t0).expect("warning").map(|w| w.code),
        Some("backup_never_made")
    );
    let shared = tempfile::tempdir().expect("a synced folder");
    app.set_backup_folder(shared.path(), 3, t0).expect("chosen");
    // Another data folder's backup in the same shared folder is never pruned.
    let stranger_app = demo.open();
    set_up(&stranger_app, t0);
    let foreign = shared
        .path()
        .join("assistid-backup-2026-01-01-000000.assistid-backup");
    stranger_app.backup_to(&foreign, t0).expect("written");

    let mut at = t0;
    for day in 0..5 {
        let written = app
            .automatic_backup(AutomaticReason::Daily, at)
            .expect("the daily backup");
        assert!(written.is_some(), "day {day}: a day later, a backup is due");
        assert!(
            app.automatic_backup(AutomaticReason::Daily, at + Duration::hours(1))
                .expect("not due")
                .is_none(),
            "day {day}: an hour later, nothing is due"
        );
        at += Duration::hours(25);
    }
    let after_run = app
        .automatic_backup(AutomaticReason::AfterSubmission, at - Duration::hours(20))
        .expect("after a submission run a backup is always made");
    assert!(after_run.is_some());
    let mut names: Vec<String> = std::fs::read_dir(shared.path())
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        4,
        "three of ours are kept, and the stranger's: {names:?}"
    );
    assert!(
        names.contains(&"assistid-backup-2026-01-01-000000.assistid-backup".to_owned()),
        "another folder's backup is never removed"
    );
    assert_eq!(
        app.backup_warning(at).expect("warning"),
        None,
        "fresh backups: no warning"
    );
    assert_eq!(
        app.backup_warning(at + Duration::days(8))
            .expect("warning")
            .map(|w| w.code),
        Some("backup_old"),
        "a week without a good backup is warned about"
    );
    // The folder disappears (an unplugged drive): the failure is remembered and shown.
    let gone = shared.path().join("unplugged");
    app.set_backup_folder(&gone, 3, at).expect("chosen");
    std::fs::remove_dir(&gone).expect("removed");
    std::fs::write(&gone, b"a file where the folder was").expect("blocked");
    let failed = app.automatic_backup(AutomaticReason::Daily, at + Duration::days(2));
    assert!(failed.is_err(), "the backup cannot be written");
    let warning = app
        .backup_warning(at + Duration::days(2))
        .expect("warning")
        .expect("a failure is warned about");
    assert_eq!(warning.code, "backup_failed");
    assert!(
        warning.message.contains("misslyckades") && warning.message.contains("Inställningar"),
        "it says what happened and where to fix it: {}",
        warning.message
    );
}

#[test]
fn an_unfinished_backup_left_by_a_stopped_program_is_removed_once_it_is_old() {
    let t0: DateTime<Utc> = "2026-11-02T08:00:00Z".parse().expect("an instant");
    let real = tempfile::tempdir().expect("a real data folder");
    let app = App::open(
        &real.path().join("data"),
        KeySource::File(real.path().join("key")),
        t0,
    )
    .expect("opens");
    set_up(&app, t0);
    let shared = tempfile::tempdir().expect("a synced folder");
    app.set_backup_folder(shared.path(), 3, t0).expect("chosen");
    // What a program killed mid-backup leaves: the first half of the file under `.partial`.
    let cut_short = |app: &App, name: &str, at: DateTime<Utc>| {
        let whole = real.path().join(format!("{name}.whole"));
        app.backup_to(&whole, at).expect("written");
        let bytes = std::fs::read(&whole).expect("read");
        let partial = shared.path().join(format!("{name}.partial"));
        std::fs::write(&partial, &bytes[..bytes.len() / 2]).expect("cut short");
        std::fs::remove_file(&whole).expect("removed");
        partial
    };
    let ours = cut_short(
        &app,
        "assistid-backup-2026-11-02-090000.assistid-backup",
        t0,
    );
    let demo = Folder::demo();
    let stranger_app = demo.open();
    set_up(&stranger_app, t0);
    let theirs = cut_short(
        &stranger_app,
        "assistid-backup-2026-11-02-090001.assistid-backup",
        t0,
    );

    app.automatic_backup(AutomaticReason::AfterSubmission, t0 + Duration::minutes(10))
        .expect("a backup")
        .expect("always made after a run");
    assert!(
        ours.exists(),
        "an unfinished backup ten minutes old may be another program's backup in progress: kept"
    );
    app.automatic_backup(AutomaticReason::AfterSubmission, t0 + Duration::hours(2))
        .expect("a backup")
        .expect("always made after a run");
    assert!(
        !ours.exists(),
        "an unfinished backup of this folder started two hours ago was left behind: removed"
    );
    assert!(
        theirs.exists(),
        "another data folder's unfinished backup is never touched"
    );
}

#[test]
fn the_key_follows_the_folder_when_it_is_moved_and_old_keychain_entries_still_open() {
    crate::register_and_settings::keychain();
    let root = tempfile::tempdir().expect("a home folder");
    let now = Utc::now();
    // A folder made by an older Assistid: its key under the folder's path.
    let old = root.path().join("Assistid");
    {
        let store = assistid_store::Store::open_in_data_dir(
            &old,
            &assistid_store::KeySource::keychain_for_data_dir(&old),
        )
        .expect("an old-style folder");
        drop(store);
    }
    let app = App::open(&old, KeySource::Keychain, now).expect("an old keychain entry still opens");
    assert!(app.load_demo_if_empty(now).expect("demo"), "it was empty");
    drop(app);
    assert!(
        old.join(assistid_store::key::FOLDER_ID_FILE).exists(),
        "the folder got its identity"
    );
    // Moved to another disk / renamed.
    let moved = root.path().join("Flyttad").join("Assistid-data");
    std::fs::create_dir_all(moved.parent().expect("a parent")).expect("parent");
    std::fs::rename(&old, &moved).expect("moved");
    let app = App::open(&moved, KeySource::Keychain, now).expect("the moved folder opens");
    assert!(
        !app.month_review("2026-10".parse().expect("a month"), now)
            .expect("review")
            .reports()
            .is_empty(),
        "with its data"
    );
    drop(app);
    // A new, empty folder at the old path is a new folder, never the moved one's data.
    let fresh = App::open(&old, KeySource::Keychain, now).expect("a new folder");
    assert!(fresh.load_demo_if_empty(now).expect("demo"), "it is empty");
}
