//! Importing shifts follows the month grid's rules, checked against what is stored at the
//! preview and again at the commit: a report FK is receiving is not changed by an import, a
//! signed report gets a new version to sign again, overlaps with stored shifts show on their
//! rows, an overlong note is refused with its row, column and length, and the commit stores
//! only the bytes that were previewed. (A report FK has accepted, through the fake FK:
//! `after_sending.rs`.)

use std::path::{Path, PathBuf};

use assistid_app::import::{ImportOptions, ImportReport};
use assistid_app::{App, AppError};
use assistid_import::ImportProblem;

use crate::shifts::{
    ASSISTANT, Folder, OTHER_ASSISTANT, OTHER_PERSON, PERSON, month, now, one_report,
};

const HEADER: &str = "assistent;person;datum;start;slut;typ;anteckning";

/// Writes a CSV import file with the given data rows (the header is row 1).
fn csv(dir: &Path, name: &str, rows: &[String]) -> PathBuf {
    let path = dir.join(name);
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    std::fs::write(&path, text).expect("the import file is written");
    path
}

fn row(assistant: &str, person: &str, date: &str, start: &str, end: &str, note: &str) -> String {
    format!("{assistant};{person};{date};{start};{end};aktiv;{note}")
}

/// Every problem of the preview: reading and checks together, as the UI lists them.
fn problems(report: &ImportReport) -> Vec<&ImportProblem> {
    report
        .preview
        .problems
        .iter()
        .chain(&report.validation_problems)
        .collect()
}

fn problem_on<'r>(report: &'r ImportReport, row: u64, code: &str) -> &'r ImportProblem {
    problems(report)
        .into_iter()
        .find(|p| p.row == Some(row) && p.code.as_str() == code)
        .unwrap_or_else(|| {
            panic!(
                "row {row} must have the problem {code}; the preview has {:?}",
                problems(report)
            )
        })
}

/// Shifts of PERSON stored in `m` (what the month grid shows).
fn stored_in(app: &App, person: &str, m: &str) -> usize {
    app.shifts_of_person_in_month(person, month(m))
        .expect("the month's shifts")
        .len()
}

fn app_error(result: anyhow::Result<ImportReport>) -> AppError {
    let err = result.expect_err("the commit must be refused");
    match err.downcast::<AppError>() {
        Ok(app) => app,
        Err(other) => panic!("a refusal the user can act on, not {other:#}"),
    }
}

#[test]
fn a_row_for_a_report_on_its_way_to_fk_is_refused_at_preview_and_again_at_commit() {
    let (folder, app) = Folder::new();
    let (_, report_id) = one_report(&app, "2026-11-10T08:00", "2026-11-10T16:00");
    let dir = folder.dir.path();
    let file = csv(
        dir,
        "november.csv",
        &[
            // Row 2 is the shift already stored: it changes nothing and is not refused.
            row(ASSISTANT, PERSON, "2026-11-10", "08:00", "16:00", ""),
            // Row 3 adds a shift to the same report.
            row(ASSISTANT, PERSON, "2026-11-11", "08:00", "16:00", ""),
            // Row 4 is another person's report, which is free to change.
            row(ASSISTANT, OTHER_PERSON, "2026-11-11", "17:00", "20:00", ""),
        ],
    );
    // Previewed while the report was still open: nothing to say.
    let open = app
        .import_preview(&file, &ImportOptions::default(), now())
        .expect("a preview");
    assert_eq!(
        open.error_count(),
        0,
        "an open report takes new shifts: {:?}",
        problems(&open)
    );

    // Between preview and commit the report is signed and queued for FK.
    drop(app);
    let store = folder.store();
    store
        .freeze_report_version(report_id, now())
        .expect("frozen");
    store
        .enqueue_submission(report_id, "demo", now())
        .expect("queued for FK");
    drop(store);
    let app = folder.open();

    let refused = app_error(app.import_commit(
        &file,
        &ImportOptions {
            previewed_sha256: Some(open.preview.source.sha256.clone()),
            ..ImportOptions::default()
        },
        now(),
    ));
    assert!(
        refused.is_data_problem() && refused.to_string().contains("ingenting importerades"),
        "the commit checks the store again and refuses: {refused}"
    );
    assert_eq!(
        stored_in(&app, PERSON, "2026-11"),
        1,
        "nothing of the file was stored for the person whose report is being sent"
    );
    assert_eq!(
        stored_in(&app, OTHER_PERSON, "2026-11"),
        0,
        "all or nothing: not even the other person's valid row"
    );

    let preview = app
        .import_preview(&file, &ImportOptions::default(), now())
        .expect("a preview");
    let problem = problem_on(&preview, 3, "report_being_sent");
    assert!(problem.is_error(), "a report on its way is not changed");
    assert!(
        problem.message.contains("2026-11 (Ali Berg hos Åsa Öberg)")
            && problem.message.contains("på väg till Försäkringskassan")
            && problem.message.contains("hoppa över"),
        "the grid's words: which report, why, and what to do with the row: {}",
        problem.message
    );
    assert_eq!(
        problem.value.as_deref(),
        Some("2026-11-11 08:00–16:00 (aktiv tid)"),
        "the value names the shift of the row"
    );
    assert!(
        problems(&preview)
            .iter()
            .all(|p| p.row != Some(2) && p.row != Some(4)),
        "the stored shift and the other report's row are fine: {:?}",
        problems(&preview)
    );

    // Skipping the refused row stores the rest.
    let report = app
        .import_commit(
            &file,
            &ImportOptions {
                skip_invalid: true,
                ..ImportOptions::default()
            },
            now(),
        )
        .expect("the other rows import");
    assert_eq!(report.skipped_rows, 1, "the refused row is skipped");
    assert_eq!(
        (
            stored_in(&app, PERSON, "2026-11"),
            stored_in(&app, OTHER_PERSON, "2026-11")
        ),
        (1, 1),
        "the report on its way keeps its one shift; the other person gets theirs"
    );
}

#[test]
fn a_row_for_a_signed_report_warns_and_the_review_makes_a_new_version_to_sign() {
    let (folder, app) = Folder::new();
    let (_, signed_id) = one_report(&app, "2026-11-10T08:00", "2026-11-10T16:00");
    drop(app);
    folder
        .store()
        .freeze_report_version(signed_id, now())
        .expect("signing freezes the version");
    let app = folder.open();
    let file = csv(
        folder.dir.path(),
        "november.csv",
        &[row(ASSISTANT, PERSON, "2026-11-12", "08:00", "16:00", "")],
    );
    let preview = app
        .import_preview(&file, &ImportOptions::default(), now())
        .expect("a preview");
    let warning = problem_on(&preview, 2, "signatures_must_be_retaken");
    assert!(!warning.is_error(), "a signed report may change: a warning");
    assert!(
        warning.message.contains("underskriven") && warning.message.contains("tas igen"),
        "the warning says the signatures must be taken again: {}",
        warning.message
    );
    assert_eq!(preview.error_count(), 0, "nothing blocks the import");

    app.import_commit(&file, &ImportOptions::default(), now())
        .expect("the import is stored");
    let review = app
        .month_review(month("2026-11"), now())
        .expect("the month reviews");
    let report = review
        .reports()
        .iter()
        .find(|r| r.assistant().digits() == ASSISTANT && r.person().digits() == PERSON)
        .expect("the report is in the review");
    assert_ne!(
        report.id(),
        Some(signed_id.to_string().as_str()),
        "the signed version is never changed: a new one is made"
    );
    assert!(
        report
            .warnings()
            .iter()
            .any(|w| w.code == "signatures_must_be_retaken"),
        "the review asks for the signatures again: {:?}",
        report.warnings()
    );
}

#[test]
fn overlaps_with_stored_shifts_show_on_their_rows_and_block_the_commit() {
    let (folder, app) = Folder::new();
    one_report(&app, "2026-11-10T08:00", "2026-11-10T16:00");
    let file = csv(
        folder.dir.path(),
        "november.csv",
        &[
            // The same assistant at the same person, overlapping the stored 08–16: an error.
            row(ASSISTANT, PERSON, "2026-11-10", "15:00", "18:00", ""),
            // The same assistant at another person at the same time: a warning, as in the grid.
            row(ASSISTANT, OTHER_PERSON, "2026-11-10", "09:00", "10:00", ""),
            // Another assistant at the same person at the same time: double staffing is fine.
            row(OTHER_ASSISTANT, PERSON, "2026-11-10", "09:00", "10:00", ""),
        ],
    );
    let preview = app
        .import_preview(&file, &ImportOptions::default(), now())
        .expect("a preview");
    let same = problem_on(&preview, 2, "overlap_same_person");
    assert!(same.is_error(), "an overlap at the same person is an error");
    assert!(
        same.message.contains("2026-11-10 08:00–16:00")
            && same.message.contains("2026-11-10 15:00–18:00")
            && same.message.contains("redan sparat"),
        "the message names both shifts and says the other is stored: {}",
        same.message
    );
    assert!(
        !problem_on(&preview, 3, "overlap_two_persons").is_error(),
        "two persons at once is a warning"
    );
    assert!(
        problems(&preview).iter().all(|p| p.row != Some(4)),
        "another assistant may work at the same time: {:?}",
        problems(&preview)
    );
    assert_eq!(
        preview.error_count(),
        1,
        "one error: {:?}",
        problems(&preview)
    );

    let refused = app_error(app.import_commit(&file, &ImportOptions::default(), now()));
    assert!(refused.is_data_problem(), "refused: {refused}");
    assert_eq!(
        stored_in(&app, PERSON, "2026-11"),
        1,
        "nothing stored: only the shift that was there"
    );

    // The same file again after it was stored is not an overlap with itself.
    let clean = csv(
        folder.dir.path(),
        "clean.csv",
        &[row(ASSISTANT, PERSON, "2026-11-11", "08:00", "16:00", "")],
    );
    app.import_commit(&clean, &ImportOptions::default(), now())
        .expect("a clean file imports");
    let again = app
        .import_preview(&clean, &ImportOptions::default(), now())
        .expect("a preview");
    assert!(
        again.validation_problems.is_empty() && again.already_present == 1,
        "a stored shift does not overlap itself: {:?}",
        again.validation_problems
    );
}

#[test]
fn an_overlong_note_is_an_error_naming_row_column_and_length() {
    let (folder, app) = Folder::new();
    let long = "x".repeat(20 * 1024);
    let fits = "å".repeat(1_000);
    let file = csv(
        folder.dir.path(),
        "notes.csv",
        &[
            row(ASSISTANT, PERSON, "2026-11-10", "08:00", "16:00", &fits),
            row(ASSISTANT, PERSON, "2026-11-11", "08:00", "16:00", &long),
        ],
    );
    let preview = app
        .import_preview(&file, &ImportOptions::default(), now())
        .expect("a preview");
    let problem = problem_on(&preview, 3, "note_too_long");
    assert!(problem.is_error(), "an overlong note blocks the row");
    assert_eq!(
        problem.column.as_deref(),
        Some("anteckning"),
        "the column as written"
    );
    assert!(
        problem.message.contains("20480 tecken") && problem.message.contains("högst 1000"),
        "the message gives the length and the limit: {}",
        problem.message
    );
    assert!(
        problem
            .value
            .as_deref()
            .is_some_and(|v| v.chars().count() <= 61),
        "the value shows the start of the note, not 20 KB of it"
    );
    assert_eq!(
        preview.error_count(),
        1,
        "1,000 characters (not bytes) fit: {:?}",
        problems(&preview)
    );
    assert!(
        app.import_commit(&file, &ImportOptions::default(), now())
            .is_err(),
        "the file is refused"
    );
    assert_eq!(stored_in(&app, PERSON, "2026-11"), 0, "nothing is stored");
}

#[test]
fn the_commit_stores_only_the_previewed_bytes() {
    let (folder, app) = Folder::new();
    let dir = folder.dir.path();
    let file = csv(
        dir,
        "november.csv",
        &[row(ASSISTANT, PERSON, "2026-11-10", "08:00", "16:00", "")],
    );
    let preview = app
        .import_preview(&file, &ImportOptions::default(), now())
        .expect("a preview");
    let previewed = ImportOptions {
        previewed_sha256: Some(preview.preview.source.sha256.clone()),
        ..ImportOptions::default()
    };

    // Someone changes the file after the preview: one more row, a valid one.
    csv(
        dir,
        "november.csv",
        &[
            row(ASSISTANT, PERSON, "2026-11-10", "08:00", "16:00", ""),
            row(ASSISTANT, PERSON, "2026-11-11", "08:00", "16:00", ""),
        ],
    );
    let refused = app_error(app.import_commit(&file, &previewed, now()));
    assert_eq!(
        refused.code(),
        "import_file_changed",
        "changed bytes are refused: {refused}"
    );
    assert!(
        refused.to_string().contains("ingenting importerades")
            && refused.to_string().contains("Förhandsgranska filen igen"),
        "the message says nothing was stored and what to do: {refused}"
    );
    assert_eq!(stored_in(&app, PERSON, "2026-11"), 0, "nothing stored");

    // The previewed bytes again: stored, and the event names their hash.
    csv(
        dir,
        "november.csv",
        &[row(ASSISTANT, PERSON, "2026-11-10", "08:00", "16:00", "")],
    );
    let report = app
        .import_commit(&file, &previewed, now())
        .expect("the previewed bytes import");
    assert_eq!(report.new_shifts, 1, "the previewed shift is stored");
    assert_eq!(
        report.preview.source.sha256, preview.preview.source.sha256,
        "the hash of the bytes stored is the previewed one"
    );
}

/// Makes a named pipe, and a thread that opens it for writing after `after` (so a reader that
/// wrongly waits on it is let go instead of hanging the test run).
pub(crate) fn fifo_released_after(path: &Path, after: std::time::Duration) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "the named pipe is made");
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        let _ = std::fs::OpenOptions::new().write(true).open(&path);
    });
}

#[test]
fn a_named_pipe_or_a_folder_is_refused_at_once_as_no_regular_file() {
    let (folder, app) = Folder::new();
    let pipe = folder.dir.path().join("skift.csv");
    fifo_released_after(&pipe, std::time::Duration::from_secs(4));
    let link = folder.dir.path().join("länk.csv");
    std::os::unix::fs::symlink(&pipe, &link).expect("a symlink to the pipe");
    let dir = folder.dir.path().join("mapp.csv");
    std::fs::create_dir(&dir).expect("a folder");
    for (name, path) in [
        ("a named pipe", &pipe),
        ("a link to it", &link),
        ("a folder", &dir),
    ] {
        let started = std::time::Instant::now();
        let err = app_error(app.import_preview(path, &ImportOptions::default(), now()));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{name}: refused at once, not after waiting for a writer"
        );
        assert!(
            err.to_string().contains("ingen vanlig fil"),
            "{name}: the message says what is wrong: {err}"
        );
    }
}
