//! The window's import: the chosen file's bytes are staged, previewed with every problem, a bad
//! row is fixed in place (every other row keeps its number), and the commit stores everything or
//! nothing.

use assistid_desktop::import::ImportDesk;
use assistid_desktop::ipc;
use base64::Engine as _;

use crate::boundary::demo_app;

fn csv(rows: &[&str]) -> ipc::ImportFile {
    let text = format!(
        "assistent;person;datum;start;slut;typ;anteckning\n{}\n",
        rows.join("\n")
    );
    ipc::ImportFile {
        file_name: "pass-oktober.csv".to_owned(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(text),
    }
}

fn demo_pair(app: &assistid_app::App) -> (String, String) {
    let assistant = app.assistants().expect("assistants").pop().expect("one");
    let person = app.persons().expect("persons").remove(0);
    (
        assistant.id.digits().to_owned(),
        person.personnummer.digits().to_owned(),
    )
}

#[test]
fn a_bad_row_is_shown_fixed_in_place_and_then_everything_is_stored() {
    let (dir, app) = demo_app();
    let (a, p) = demo_pair(&app);
    let desk = ImportDesk::default();
    let rows = [
        format!("{a};{p};2026-10-12;09:00;12:00;aktiv;"),
        format!("{a};{p};2026-10-32;09:00;12:00;aktiv;fel datum"),
        format!("{a};{p};2026-10-14;20:30;23:00;aktiv;"),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let chosen = desk
        .open(&dir.path().join("data"), &csv(&refs))
        .expect("the file is staged");
    let preview = desk.preview(&app, &chosen.file_token).expect("previews");
    assert!(preview.can_fix_rows, "a CSV can be fixed in the window");
    assert_eq!(
        preview.counts.rows_with_errors, 1,
        "only row 3 is wrong: {preview:?}"
    );
    let bad = preview
        .rows
        .iter()
        .find(|r| r.status == ipc::ImportRowStatus::Error)
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
        desk.commit(&app, &chosen.file_token, &[]).is_err(),
        "with an error left, nothing is stored"
    );

    let mut values = bad.values.clone();
    values[2] = "2026-10-13".to_owned();
    let fixed = desk
        .fix_row(&app, &chosen.file_token, 3, &values)
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
    let result = desk
        .commit(&app, &chosen.file_token, &[])
        .expect("the fixed file commits");
    assert_eq!(result.shifts_added, 3, "all three shifts are stored");
    assert_eq!(result.months, vec!["2026-10".to_owned()]);
    assert!(
        desk.preview(&app, &chosen.file_token).is_err(),
        "a committed file is no longer staged"
    );
}

#[test]
fn a_skipped_row_is_left_out_and_the_others_are_stored() {
    let (dir, app) = demo_app();
    let (a, p) = demo_pair(&app);
    let desk = ImportDesk::default();
    let rows = [
        format!("{a};{p};2026-10-12;09:00;12:00;aktiv;"),
        format!("{a};{p};2026-10-32;09:00;12:00;aktiv;"),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let chosen = desk
        .open(&dir.path().join("data"), &csv(&refs))
        .expect("staged");
    desk.preview(&app, &chosen.file_token).expect("previews");
    let result = desk
        .commit(&app, &chosen.file_token, &[3])
        .expect("with the bad row skipped the file commits");
    assert_eq!(result.shifts_added, 1, "only the good row is stored");
    assert_eq!(result.rows_skipped, 1, "the skipped row is counted");
}

#[test]
fn a_file_too_large_for_the_window_is_refused_with_what_to_do() {
    let (dir, _app) = demo_app();
    let desk = ImportDesk::default();
    let big = ipc::ImportFile {
        file_name: "stor.csv".to_owned(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(vec![
            b'a';
            assistid_desktop::import::MAX_IMPORT_BYTES
                + 1
        ]),
    };
    let err = desk
        .open(&dir.path().join("data"), &big)
        .expect_err("over 20 MB is refused");
    assert!(
        err.message.contains("assistid import"),
        "the message says how to import a large file: {}",
        err.message
    );
}

/// The staged copies in `<data>/import-staging`, by name.
fn staged_files(data: &std::path::Path) -> Vec<String> {
    match std::fs::read_dir(assistid_desktop::import::staging_dir(data)) {
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

#[test]
fn a_staged_copy_lives_only_while_its_import_is_open() {
    let (dir, app) = demo_app();
    let (a, p) = demo_pair(&app);
    let data = dir.path().join("data");
    let desk = ImportDesk::default();
    let row = format!("{a};{p};2026-11-12;09:00;12:00;aktiv;");
    let file = csv(&[&row]);
    let name = |chosen: &ipc::ChosenFile| format!("{}.csv", chosen.file_token);

    let first = desk.open(&data, &file).expect("staged");
    assert_eq!(
        staged_files(&data),
        vec![name(&first)],
        "the chosen file is staged"
    );
    let second = desk.open(&data, &file).expect("staged");
    assert_eq!(
        staged_files(&data),
        vec![name(&second)],
        "choosing another file deletes the copy it replaces"
    );
    assert!(
        desk.preview(&app, &first.file_token).is_err(),
        "and the replaced file is gone from the import"
    );

    desk.preview(&app, &second.file_token).expect("previews");
    desk.cancel(&second.file_token).expect("the import is left");
    assert!(
        staged_files(&data).is_empty(),
        "leaving the preview deletes the copy"
    );
    desk.cancel(&second.file_token)
        .expect("leaving twice does nothing");

    let third = desk.open(&data, &file).expect("staged");
    desk.preview(&app, &third.file_token).expect("previews");
    desk.commit(&app, &third.file_token, &[])
        .expect("the row is stored");
    assert!(staged_files(&data).is_empty(), "a commit deletes the copy");

    desk.open(&data, &file).expect("staged");
    assert_eq!(desk.staged_count(), 1, "one file staged");
    // What the window's closing (and a switch of data folder) does.
    desk.clear();
    assert!(
        staged_files(&data).is_empty() && desk.staged_count() == 0,
        "closing deletes every staged copy"
    );
}

#[test]
fn an_excel_file_changed_on_disk_after_its_preview_is_not_committed() {
    let (dir, app) = demo_app();
    let data = dir.path().join("data");
    let desk = ImportDesk::default();
    let xlsx = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/examples/shifts.xlsx"),
    )
    .expect("the example workbook");
    let chosen = desk
        .open(
            &data,
            &ipc::ImportFile {
                file_name: "pass.xlsx".to_owned(),
                content_base64: base64::engine::general_purpose::STANDARD.encode(&xlsx),
            },
        )
        .expect("staged");
    desk.preview(&app, &chosen.file_token)
        .expect("previews (whatever its rows say: the bytes are checked first)");
    // Someone replaces the staged copy between the preview and the commit.
    let staged =
        assistid_desktop::import::staging_dir(&data).join(format!("{}.xlsx", chosen.file_token));
    let mut changed = xlsx.clone();
    changed.extend_from_slice(b"\0");
    std::fs::write(&staged, &changed).expect("the copy is changed");
    let err = desk
        .commit(&app, &chosen.file_token, &[])
        .expect_err("other bytes than the previewed are refused");
    let refused = ipc::IpcError::from(err);
    assert_eq!(
        refused.code, "import_file_changed",
        "refused because the bytes changed, before anything about its rows: {refused:?}"
    );
}
