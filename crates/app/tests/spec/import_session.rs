//! The import session of a window: the chosen file's bytes are staged owner-only, previewed with
//! every problem, a bad row is fixed in place (every other row keeps its number) or skipped,
//! and the commit stores everything or nothing — only the bytes that were previewed. A staged
//! copy holds personnummer and lives only while its import is open.

use std::path::Path;

use assistid_app::App;
use assistid_app::import_session::{
    ChosenFile, ImportFile, ImportRowStatus, ImportSession, MAX_IMPORT_BYTES, staging,
};
use assistid_app::{AppError, IpcError};
use assistid_core::text::Lang;
use base64::Engine as _;

use crate::shifts::{ASSISTANT, Folder, PERSON, now};

fn file(name: &str, bytes: &[u8]) -> ImportFile {
    ImportFile {
        file_name: name.to_owned(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

/// A CSV file with the given data rows (the header is row 1).
fn csv(rows: &[&str]) -> ImportFile {
    let text = format!(
        "assistent;person;datum;start;slut;typ;anteckning\n{}\n",
        rows.join("\n")
    );
    file("pass-oktober.csv", text.as_bytes())
}

fn row(date: &str, start: &str, end: &str, note: &str) -> String {
    format!("{ASSISTANT};{PERSON};{date};{start};{end};aktiv;{note}")
}

/// The staged copies in `<data>/import-staging`, by name.
fn staged_files(data: &Path) -> Vec<String> {
    match std::fs::read_dir(staging::staging_dir(data)) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
        Err(_) => Vec::new(),
    }
}

/// The refusal's IPC error as the UI gets it, in `lang`.
fn ipc(err: anyhow::Error, lang: Lang) -> IpcError {
    IpcError::in_lang(err, lang)
}

fn stored_in_october(app: &App) -> usize {
    app.shifts_of_person_in_month(PERSON, crate::shifts::month("2026-10"))
        .expect("the month's shifts")
        .len()
}

#[test]
fn a_bad_row_is_shown_fixed_in_place_and_then_everything_is_stored() {
    let (_folder, app) = Folder::new();
    let session = ImportSession::default();
    let rows = [
        row("2026-10-12", "09:00", "12:00", ""),
        row("2026-10-32", "09:00", "12:00", "fel datum"),
        row("2026-10-14", "20:30", "23:00", ""),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let chosen = session
        .open(app.data_dir(), &csv(&refs))
        .expect("the file is staged");
    let preview = session
        .preview(&app, &chosen.file_token, Lang::Sv, now())
        .expect("previews");
    assert!(preview.can_fix_rows, "a CSV can be fixed in the window");
    assert_eq!(
        preview.counts.rows_with_errors, 1,
        "only row 3 is wrong: {preview:?}"
    );
    let bad = preview
        .rows
        .iter()
        .find(|r| r.status == ImportRowStatus::Error)
        .expect("the bad row is listed");
    assert_eq!(
        bad.row, 3,
        "row numbers are the file's lines, the header being row 1"
    );
    assert!(
        preview
            .problems
            .iter()
            .any(|p| p.row == Some(3) && p.column.as_deref() == Some("datum")),
        "the problem names its row and column: {:?}",
        preview.problems
    );
    assert!(
        session
            .commit(&app, &chosen.file_token, &[], now())
            .is_err(),
        "with an error left, nothing is stored"
    );
    assert_eq!(stored_in_october(&app), 0, "nothing is half-stored");

    let mut values = bad.values.clone();
    values[2] = "2026-10-13".to_owned();
    let fixed = session
        .fix_row(&app, &chosen.file_token, 3, &values, Lang::Sv, now())
        .expect("the fix is applied");
    assert_eq!(
        fixed.counts.errors, 0,
        "after the fix there are no errors: {fixed:?}"
    );
    assert_eq!(
        fixed.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![2, 3, 4],
        "every row keeps its number"
    );
    let result = session
        .commit(&app, &chosen.file_token, &[], now())
        .expect("the fixed file commits");
    assert_eq!(result.shifts_added, 3, "all three shifts are stored");
    assert_eq!(result.months, vec!["2026-10".to_owned()]);
    assert_eq!(stored_in_october(&app), 3, "the month grid shows them");
    assert!(
        session
            .preview(&app, &chosen.file_token, Lang::Sv, now())
            .is_err(),
        "a committed file is no longer staged"
    );
}

#[test]
fn a_fix_of_a_record_over_two_lines_keeps_every_later_row_number() {
    let (_folder, app) = Folder::new();
    let session = ImportSession::default();
    // Row 3's note is quoted over two lines; row 5 is wrong.
    let rows = [
        row("2026-10-12", "09:00", "12:00", ""),
        row("2026-10-13", "09:00", "12:00", "\"två\nrader\""),
        row("2026-10-32", "09:00", "12:00", ""),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let chosen = session.open(app.data_dir(), &csv(&refs)).expect("staged");
    let preview = session
        .preview(&app, &chosen.file_token, Lang::Sv, now())
        .expect("previews");
    assert_eq!(
        preview.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![2, 3, 5],
        "a record starts on the line the user sees it on"
    );
    let mut values = preview.rows[1].values.clone();
    values[6] = "en; rad\nmed radbrytning".to_owned();
    let fixed = session
        .fix_row(&app, &chosen.file_token, 3, &values, Lang::Sv, now())
        .expect("the two-line record is fixed");
    assert_eq!(
        fixed.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![2, 3, 5],
        "the fixed record keeps its line count, so row 5 is still row 5"
    );
    assert_eq!(
        fixed.rows[1].values[6], "en; rad med radbrytning",
        "a typed value with the delimiter is quoted, and never spans lines"
    );
    assert_eq!(
        fixed.rows.iter().find(|r| r.row == 5).map(|r| r.status),
        Some(ImportRowStatus::Error),
        "the wrong row is still the one the user saw"
    );
}

#[test]
fn a_skipped_row_is_left_out_and_the_others_are_stored() {
    let (_folder, app) = Folder::new();
    let session = ImportSession::default();
    let rows = [
        row("2026-10-12", "09:00", "12:00", ""),
        row("2026-10-32", "09:00", "12:00", ""),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let chosen = session.open(app.data_dir(), &csv(&refs)).expect("staged");
    session
        .preview(&app, &chosen.file_token, Lang::Sv, now())
        .expect("previews");
    let result = session
        .commit(&app, &chosen.file_token, &[3], now())
        .expect("with the bad row skipped the file commits");
    assert_eq!(result.shifts_added, 1, "only the good row is stored");
    assert_eq!(result.rows_skipped, 1, "the skipped row is counted");
}

#[test]
fn a_row_that_is_not_in_the_file_cannot_be_skipped_or_fixed() {
    let (_folder, app) = Folder::new();
    let session = ImportSession::default();
    let good = row("2026-10-12", "09:00", "12:00", "");
    let chosen = session
        .open(app.data_dir(), &csv(&[&good]))
        .expect("staged");
    session
        .preview(&app, &chosen.file_token, Lang::Sv, now())
        .expect("previews");
    let refused = ipc(
        session
            .commit(&app, &chosen.file_token, &[9], now())
            .expect_err("row 9 is not in the file"),
        Lang::En,
    );
    assert_eq!(
        (refused.code.as_str(), refused.message_code.as_str()),
        ("invalid_input", "import_row_missing"),
        "a row that is not there is an error, not a silent no-op: {refused:?}"
    );
    assert_eq!(refused.message, "Row 9 is not in the file.");
    assert_eq!(stored_in_october(&app), 0, "nothing is stored");
    let result = session
        .commit(&app, &chosen.file_token, &[], now())
        .expect("the refused commit left the working copy as it was");
    assert_eq!(result.shifts_added, 1);
}

#[test]
fn a_commit_before_any_preview_is_refused() {
    let (_folder, app) = Folder::new();
    let session = ImportSession::default();
    let good = row("2026-10-12", "09:00", "12:00", "");
    let chosen = session
        .open(app.data_dir(), &csv(&[&good]))
        .expect("staged");
    let refused = ipc(
        session
            .commit(&app, &chosen.file_token, &[], now())
            .expect_err("the user has not seen what would be stored"),
        Lang::Sv,
    );
    assert_eq!(
        (refused.code.as_str(), refused.message_code.as_str()),
        ("invalid_input", "import_not_previewed"),
        "{refused:?}"
    );
    assert_eq!(stored_in_october(&app), 0, "nothing is stored");
}

#[test]
fn a_file_too_large_for_the_window_is_refused_with_what_to_do() {
    let (_folder, app) = Folder::new();
    let session = ImportSession::default();
    let big = file("stor.csv", &vec![b'a'; MAX_IMPORT_BYTES + 1]);
    let err = session
        .open(app.data_dir(), &big)
        .expect_err("over 20 MB is refused");
    assert!(
        err.to_string().contains("assistid import"),
        "the message says how to import a large file: {err}"
    );
    let en = err.message_in(Lang::En);
    assert!(
        en.contains("stor.csv") && en.contains("20 MB") && en.contains("assistid import"),
        "the English text names the file, the limit and the way out: {en}"
    );
    assert!(staged_files(app.data_dir()).is_empty(), "nothing is staged");
}

#[test]
fn bytes_that_did_not_arrive_whole_are_refused() {
    let (_folder, app) = Folder::new();
    let broken = ImportFile {
        file_name: "pass.csv".to_owned(),
        content_base64: "not base64 at all!".to_owned(),
    };
    let err = ImportSession::default()
        .open(app.data_dir(), &broken)
        .expect_err("a broken transfer is not staged");
    assert!(
        matches!(&err, AppError::Told { code: "invalid_input", text, .. } if text.code() == "import_file_incomplete"),
        "{err:?}"
    );
}

#[test]
fn a_staged_copy_lives_only_while_its_import_is_open() {
    let (_folder, app) = Folder::new();
    let data = app.data_dir().to_path_buf();
    let session = ImportSession::default();
    let good = row("2026-11-12", "09:00", "12:00", "");
    let file = csv(&[&good]);
    let name = |chosen: &ChosenFile| format!("{}.csv", chosen.file_token);

    let first = session.open(&data, &file).expect("staged");
    assert_eq!(
        staged_files(&data),
        vec![name(&first)],
        "the chosen file is staged"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(staging::staging_dir(&data).join(name(&first)))
            .expect("the staged copy")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "a staged copy holds personnummer: owner-only ({mode:o})"
        );
    }
    let second = session.open(&data, &file).expect("staged");
    assert_eq!(
        staged_files(&data),
        vec![name(&second)],
        "choosing another file deletes the copy it replaces"
    );
    assert!(
        session
            .preview(&app, &first.file_token, Lang::Sv, now())
            .is_err(),
        "and the replaced file is gone from the import"
    );

    session
        .preview(&app, &second.file_token, Lang::Sv, now())
        .expect("previews");
    session
        .cancel(&second.file_token)
        .expect("the import is left");
    assert!(
        staged_files(&data).is_empty(),
        "leaving the preview deletes the copy"
    );
    session
        .cancel(&second.file_token)
        .expect("leaving twice does nothing");

    let third = session.open(&data, &file).expect("staged");
    session
        .preview(&app, &third.file_token, Lang::Sv, now())
        .expect("previews");
    session
        .commit(&app, &third.file_token, &[], now())
        .expect("the row is stored");
    assert!(staged_files(&data).is_empty(), "a commit deletes the copy");

    session.open(&data, &file).expect("staged");
    assert_eq!(session.staged_count(), 1, "one file staged");
    // What the window's closing (and a switch of data folder) does.
    session.clear();
    assert!(
        staged_files(&data).is_empty() && session.staged_count() == 0,
        "closing deletes every staged copy"
    );

    // What a crash leaves is cleared at the next start.
    session.open(&data, &file).expect("staged");
    staging::clear_staging(&data);
    assert!(
        staged_files(&data).is_empty(),
        "the start clears the staging folder"
    );
}

#[test]
fn an_excel_file_changed_on_disk_after_its_preview_is_not_committed() {
    let (_folder, app) = Folder::new();
    let data = app.data_dir().to_path_buf();
    let session = ImportSession::default();
    let xlsx = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/examples/shifts.xlsx"),
    )
    .expect("the example workbook");
    let chosen = session
        .open(&data, &file("pass.xlsx", &xlsx))
        .expect("staged");
    let preview = session
        .preview(&app, &chosen.file_token, Lang::Sv, now())
        .expect("previews (whatever its rows say: the bytes are checked first)");
    assert!(!preview.can_fix_rows, "an Excel file is fixed in Excel");
    let refused = ipc(
        session
            .fix_row(&app, &chosen.file_token, 2, &[], Lang::Sv, now())
            .expect_err("no fix in the window"),
        Lang::Sv,
    );
    assert_eq!(refused.message_code, "import_excel_row_not_fixable");
    // Someone replaces the staged copy between the preview and the commit.
    let staged = staging::staging_dir(&data).join(format!("{}.xlsx", chosen.file_token));
    let mut changed = xlsx.clone();
    changed.extend_from_slice(b"\0");
    std::fs::write(&staged, &changed).expect("the copy is changed");
    let refused = ipc(
        session
            .commit(&app, &chosen.file_token, &[], now())
            .expect_err("other bytes than the previewed are refused"),
        Lang::Sv,
    );
    assert_eq!(
        refused.code, "import_file_changed",
        "refused because the bytes changed, before anything about its rows: {refused:?}"
    );
}
