//! `assistid backup --out` and `assistid restore` killed with SIGKILL at random moments: a
//! killed backup never leaves a file under the backup's name that is not a complete, sound
//! backup (what is left is a `.partial` file that is refused as one), the data folder is
//! untouched; a killed restore never leaves an `assistid.db` that is not the whole restored
//! database, and the restore can simply be run again.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assistid_store::backup::{self, RecoveryKey};
use assistid_store::{KeySource, Store};
use chrono::Utc;
use rand::Rng as _;

use crate::harness::{self, Folder, Running};

/// Kills per scenario.
const KILLS: usize = 8;

fn shift_count(store: &Store) -> usize {
    store
        .shifts_overlapping(i64::MIN / 4, i64::MAX / 4)
        .expect("the shifts must be readable")
        .len()
}

/// A folder with three years of shifts (a few megabytes of database) and backups turned on.
fn prepared() -> (Folder, String, usize) {
    let folder = Folder::new();
    let people = harness::register_people(&folder, 40, 30);
    let mut csv = String::from("assistent;person;datum;start;slut;typ\n");
    let first = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("a date");
    for day in 0..(3 * 365) {
        let date = first + chrono::Days::new(day);
        for (a, assistant) in people.assistants.iter().enumerate() {
            let person = &people.persons[(day as usize + a) % people.persons.len()];
            csv.push_str(&format!("{assistant};{person};{date};08:00;14:00;aktiv\n"));
        }
    }
    let file = folder.path().join("skift.csv");
    std::fs::write(&file, csv).expect("the import file is written");
    let (status, out) = folder.run(&["import", file.to_str().expect("UTF-8")]);
    assert!(status.success(), "the shifts import: {out}");
    let app = folder.app();
    let key = app
        .prepare_recovery_key(Utc::now())
        .expect("a recovery key");
    let key = key.grouped().expose().clone();
    app.confirm_recovery_key(&key, Utc::now())
        .expect("the key is confirmed");
    drop(app);
    let rows = shift_count(&folder.store());
    (folder, key, rows)
}

/// The files in `dir` whose names start with `prefix`.
fn leftovers(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

fn timed(mut run: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    assert!(run(), "the uninterrupted run succeeds");
    started.elapsed()
}

#[test]
fn a_backup_killed_half_way_leaves_no_usable_half_backup_and_the_data_untouched() {
    let _alone = harness::one_at_a_time();
    let mut rng = harness::seeded("backup");
    harness::assistid_binary();
    let (folder, key, rows) = prepared();
    let recovery = RecoveryKey::parse(&key).expect("the key parses");
    let out_dir = tempfile::tempdir().expect("a backup folder");
    let full = timed(|| {
        let out = out_dir.path().join("full.assistid-backup");
        let (status, _) = folder.run(&["backup", "--out", out.to_str().expect("UTF-8")]);
        status.success() && backup::verify(&out, &recovery).is_ok()
    });
    println!("backup: {rows} shifts backed up in {full:?} uninterrupted");

    let mut killed_before_the_end = 0;
    for round in 0..KILLS {
        let out = out_dir
            .path()
            .join(format!("round-{round}.assistid-backup"));
        let slice = full.mul_f64(1.1) / KILLS as u32;
        let at = slice * round as u32 + slice.mul_f64(rng.random::<f64>());
        let ended =
            Running::start(folder.command(&["backup", "--out", out.to_str().expect("UTF-8")]))
                .kill_at(at);
        let when = format!("backup round {round} ({ended:?} at {at:?})");
        if out.exists() {
            backup::verify(&out, &recovery).unwrap_or_else(|e| {
                panic!("{when}: a file under the backup's name must be a whole backup: {e}")
            });
        } else {
            killed_before_the_end += 1;
        }
        let partial = out_dir
            .path()
            .join(format!("round-{round}.assistid-backup.partial"));
        if partial.exists() {
            // A kill between the last byte and the rename leaves a `.partial` that is whole
            // (its integrity check covers every byte, so it may verify); any earlier kill
            // leaves one that is refused as cut short. Either way it is never taken for a
            // backup: only the final name counts, and only final names are listed or pruned.
            match backup::verify(&partial, &recovery) {
                Ok(_) => {}
                Err(e) => assert!(
                    matches!(
                        e,
                        backup::BackupError::Truncated { .. }
                            | backup::BackupError::NotABackup { .. }
                    ),
                    "{when}: a half-written backup is refused as cut short, not as something else: {e:?}"
                ),
            }
        }
        // The snapshot a kill leaves in the data folder is encrypted with a key that died
        // with the program: with the folder's key it yields nothing (SQLite takes a file
        // shorter than one page for an empty database, with any key; anything longer does
        // not open).
        for snapshot in leftovers(folder.path(), ".backup-snapshot-") {
            let name = snapshot.to_string_lossy().to_string();
            if !name.ends_with(".db") {
                continue;
            }
            let size = std::fs::metadata(&snapshot).map(|m| m.len()).unwrap_or(0);
            if let Ok(store) = Store::open(&snapshot, &KeySource::File(folder.key())) {
                assert_eq!(
                    shift_count(&store),
                    0,
                    "{when}: a leftover snapshot ({size} bytes) must never yield the data"
                );
            }
        }
        let store = folder.store();
        harness::check_database(&store, &when);
        assert_eq!(
            shift_count(&store),
            rows,
            "{when}: the data folder is untouched"
        );
    }
    // The next backup works and clears what the kills left in the data folder.
    let after = out_dir.path().join("after.assistid-backup");
    let (status, out) = folder.run(&["backup", "--out", after.to_str().expect("UTF-8")]);
    assert!(status.success(), "a backup after the kills works: {out}");
    backup::verify(&after, &recovery).expect("and is whole");
    assert!(
        leftovers(folder.path(), ".backup-snapshot-").is_empty(),
        "the leftovers of killed backups are removed by the next one"
    );
    println!("backup: {KILLS} kills, {killed_before_the_end} before the file was complete");
    assert!(
        killed_before_the_end > 0,
        "at least one kill must land before the backup is complete, or the test proves nothing"
    );
}

#[test]
fn a_restore_killed_half_way_leaves_no_half_database_and_can_be_run_again() {
    let _alone = harness::one_at_a_time();
    let mut rng = harness::seeded("restore");
    harness::assistid_binary();
    let (folder, key, rows) = prepared();
    let file = folder.path().join("all.assistid-backup");
    let (status, out) = folder.run(&["backup", "--out", file.to_str().expect("UTF-8")]);
    assert!(status.success(), "the backup is written: {out}");
    let file_arg = file.to_str().expect("UTF-8").to_owned();
    let restore = |target: &Folder| {
        let mut command = target.command(&["restore", &file_arg]);
        command.env("ASSISTID_RECOVERY_KEY", &key);
        command
    };
    let full = timed(|| {
        let target = Folder::new();
        let status = restore(&target).status().expect("runs");
        status.success() && shift_count(&target.store()) == rows
    });
    println!("restore: {rows} shifts restored in {full:?} uninterrupted");

    let mut left_nothing = 0;
    for round in 0..KILLS {
        let target = Folder::new();
        let slice = full.mul_f64(1.1) / KILLS as u32;
        let at = slice * round as u32 + slice.mul_f64(rng.random::<f64>());
        let ended = Running::start(restore(&target)).kill_at(at);
        let when = format!("restore round {round} ({ended:?} at {at:?})");
        // A temporary file is either still under the backup's one-time key (gone with the
        // program: it yields nothing) or already checked and re-keyed, and then whole; never a
        // half database.
        for temporary in leftovers(target.path(), ".restore-") {
            let name = temporary.to_string_lossy().to_string();
            if !name.ends_with(".db")
                || std::fs::metadata(&temporary).map(|m| m.len()).unwrap_or(0) == 0
            {
                continue;
            }
            if let Ok(store) = Store::open(&temporary, &KeySource::File(target.key())) {
                // Shorter than one page, SQLite takes it for an empty database (with any key).
                let count = shift_count(&store);
                assert!(
                    count == 0 || count == rows,
                    "{when}: a temporary file that opens must yield nothing or the whole \
                     database, not {count} of {rows} shifts"
                );
            }
        }
        if target.path().join("assistid.db").exists() {
            // Renamed into place only when whole: it opens and holds everything.
            let store = target.store();
            harness::check_database(&store, &when);
            assert_eq!(
                shift_count(&store),
                rows,
                "{when}: a restored database is whole"
            );
        } else {
            left_nothing += 1;
            // Nothing usable was left: running the restore again finishes it.
            let status = restore(&target).status().expect("runs");
            assert!(
                status.success(),
                "{when}: the restore runs again after a kill"
            );
            assert_eq!(shift_count(&target.store()), rows, "{when}: and is whole");
            assert!(
                leftovers(target.path(), ".restore-").is_empty(),
                "{when}: the second run removed the first one's temporary file"
            );
        }
    }
    println!("restore: {KILLS} kills, {left_nothing} before the database was in place");
    assert!(
        left_nothing > 0,
        "at least one kill must land before the database is in place, or the test proves nothing"
    );
}
