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
        format!("{a};{p};2026-10-14;09:00;11:30;aktiv;"),
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
