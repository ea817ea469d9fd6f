//! `assistid import` of a large file killed with SIGKILL at random moments: the shifts are
//! either all committed or none are, the database passes its integrity checks, and the file
//! can be imported after the crash.

use std::time::Instant;

use assistid_store::Store;
use rand::Rng as _;

use crate::harness::{self, Ended, Folder, People, Running};

/// Kills per run (each in a fresh data folder).
const KILLS: usize = 6;

/// Three years of shifts: every assistant works 08:00–14:00 every day, for person
/// `(day + assistant) % persons` (one assistant per person and day, 42 h a week).
fn large_csv(people: &People) -> (String, usize) {
    let mut csv = String::from("assistent;person;datum;start;slut;typ\n");
    let mut rows = 0;
    let first = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("a date");
    for day in 0..(3 * 365) {
        let date = first + chrono::Days::new(day);
        for (a, assistant) in people.assistants.iter().enumerate() {
            let person = &people.persons[(day as usize + a) % people.persons.len()];
            csv.push_str(&format!("{assistant};{person};{date};08:00;14:00;aktiv\n"));
            rows += 1;
        }
    }
    (csv, rows)
}

fn shift_count(store: &Store) -> usize {
    store
        .shifts_overlapping(i64::MIN / 4, i64::MAX / 4)
        .expect("the shifts must be readable after a kill")
        .len()
}

/// A folder with the people registered and the file written.
fn prepared() -> (Folder, std::path::PathBuf, usize) {
    let folder = Folder::new();
    let people = harness::register_people(&folder, 40, 30);
    let (csv, rows) = large_csv(&people);
    let file = folder.path().join("stora-filen.csv");
    std::fs::write(&file, csv).expect("the import file is written");
    (folder, file, rows)
}

#[test]
fn an_import_killed_half_way_commits_all_of_the_file_or_nothing() {
    let _alone = harness::one_at_a_time();
    let mut rng = harness::seeded("import");
    // How long an import takes here: one uninterrupted run, so the kills spread over all of
    // it (reading, checking, inserting, committing).
    harness::assistid_binary();
    let (folder, file, rows) = prepared();
    let file_arg = file.to_str().expect("a UTF-8 temporary path");
    let started = Instant::now();
    let (status, out) = folder.run(&["import", file_arg]);
    let full = started.elapsed();
    assert!(status.success(), "the large file imports: {out}");
    assert_eq!(
        shift_count(&folder.store()),
        rows,
        "an uninterrupted import stores every row"
    );
    println!("import: {rows} rows in {full:?} uninterrupted");

    let mut outcomes = (0, 0);
    for round in 0..KILLS {
        let (folder, file, rows) = prepared();
        let file_arg = file.to_str().expect("a UTF-8 temporary path");
        // Spread over the whole import: round k kills somewhere in the k-th slice of it.
        let slice = full.mul_f64(1.1) / KILLS as u32;
        let at = slice * round as u32 + slice.mul_f64(rng.random::<f64>());
        let ended = Running::start(folder.command(&["import", file_arg])).kill_at(at);
        let store = folder.store();
        harness::check_database(
            &store,
            &format!("import round {round} ({ended:?} at {at:?})"),
        );
        let count = shift_count(&store);
        assert!(
            count == 0 || count == rows,
            "import round {round}: killed at {at:?}, {count} of {rows} shifts were stored — an \
             import must commit all of the file or nothing"
        );
        if count == 0 {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
        if ended == Ended::Killed && count == 0 && outcomes.0 == 1 {
            // After a crash the same file imports normally.
            drop(store);
            let (status, out) = folder.run(&["import", file_arg]);
            assert!(
                status.success(),
                "after a killed import the file must import: {out}"
            );
            assert_eq!(shift_count(&folder.store()), rows);
        }
    }
    println!(
        "import: {KILLS} kills, {} left nothing, {} after the commit",
        outcomes.0, outcomes.1
    );
    // Not a timing check: with kills spread over the whole import, at least one lands before
    // the commit (the commit is the last few per cent of the work).
    assert!(
        outcomes.0 > 0,
        "at least one kill must land before the commit, or the test proves nothing"
    );
}
