//! Hostile CSV files, as an examiner would send them: NUL bytes, a line of many megabytes, mixed
//! line endings, byte order marks, formula-looking cells. Each must end in a bounded, clear
//! answer: the right rows imported, a Swedish problem at the right row, never a crash or a
//! silent change of the text.

use assistid_import::{ImportFormat, ProblemCode};

use crate::support::*;

fn row(day: u32, note: &str) -> String {
    format!("{ASSISTANT};{PERSON};2026-03-{day:02};08:00;16:00;aktiv;{note}")
}

#[test]
fn mixed_line_endings_are_all_line_ends() {
    let text = format!(
        "{HEADER}\r\n{}\n{}\r\n{}\r\n",
        row(2, "a"),
        row(3, "b"),
        row(4, "c")
    );
    let (preview, shifts) = import_csv(&text);
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!(
        shifts.len(),
        3,
        "CRLF and LF mixed in one file: every row is read"
    );
}

#[test]
fn a_nul_or_other_control_character_refuses_its_row_with_row_and_column() {
    // Early in the file (where the encoding is sniffed) and past the first 64 KB alike.
    let padding = "fyllnad ".repeat(25);
    let filler: Vec<String> = (0..600)
        .map(|i| {
            format!(
                "{ASSISTANT};{PERSON_2};2026-04-{:02};{:02}:00;{:02}:30;aktiv;{padding}",
                1 + i % 30,
                i / 30,
                i / 30
            )
        })
        .collect();
    assert!(
        filler.concat().len() > 64 * 1024,
        "the late case is past the sniffed start"
    );
    for (place, bad) in [
        ("early", "ful\0text"),
        ("early", "pling\u{7}"),
        ("late", "ful\0text"),
    ] {
        let mut rows = vec![row(2, "fin")];
        if place == "late" {
            rows.extend(filler.iter().cloned());
        }
        rows.push(row(3, bad));
        let bad_row = u64::try_from(rows.len()).expect("small") + 1;
        let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
        let (preview, shifts) = import_csv(&csv_rows(&refs));
        let problem = only_problem(&preview, ProblemCode::ControlCharacter);
        assert_eq!(
            (problem.row, problem.column.as_deref()),
            (Some(bad_row), Some("anteckning")),
            "{place} {bad:?}: the problem names the row and the column"
        );
        assert!(
            problem.message.contains("styrtecken") && problem.message.contains("U+00"),
            "{place} {bad:?}: the message says what is wrong: {}",
            problem.message
        );
        assert!(
            problem
                .value
                .as_deref()
                .is_some_and(|v| !v.chars().any(char::is_control)),
            "{place} {bad:?}: the value shown holds no control character itself: {:?}",
            problem.value
        );
        assert_eq!(
            shifts.len(),
            rows.len() - 1,
            "{place} {bad:?}: every other row is imported, the refused one is not"
        );
        assert!(
            shifts.iter().all(|s| s
                .shift
                .note
                .as_deref()
                .is_none_or(|n| !n.chars().any(char::is_control))),
            "{place} {bad:?}: no control character reaches the store"
        );
    }
}

#[test]
fn a_line_of_many_megabytes_is_bounded_and_named() {
    let huge = "x".repeat(8 * 1024 * 1024);
    let text = csv_rows(&[&row(2, "fin"), &row(3, &huge), &row(4, "fin")]);
    let (preview, shifts) = import_csv(&text);
    assert!(
        shifts
            .iter()
            .all(|s| s.shift.note.as_ref().is_none_or(|n| n.len() < 10_000)),
        "a huge note is never imported"
    );
    let problem = preview
        .problems
        .iter()
        .find(|p| p.row == Some(3))
        .unwrap_or_else(|| panic!("row 3 has a problem: {:?}", preview.problems));
    assert!(
        problem.message.chars().count() < 1_000,
        "the message quotes only the start of the value: {} chars",
        problem.message.chars().count()
    );
    assert_eq!(shifts.len(), 2, "the rows around it are imported");
}

#[test]
fn formula_looking_notes_are_kept_as_the_text_they_are() {
    let note = "=cmd|' /C calc'!A0";
    let text = csv_rows(&[&row(2, note)]);
    let (preview, shifts) = import_csv(&text);
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!(
        shifts.first().and_then(|s| s.shift.note.as_deref()),
        Some(note),
        "a CSV cell is text, not a formula: it is kept exactly (exports neutralise it)"
    );
}

#[test]
fn a_bom_then_a_sep_line_then_data() {
    let text = format!("\u{feff}sep=;\r\n{HEADER}\r\n{}\r\n", row(2, ""));
    let (preview, shifts) = import_csv(&text);
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!(shifts.len(), 1);
}

#[test]
fn utf16_from_excels_unicode_text_says_what_to_do() {
    let text = csv_rows(&[&row(2, "")]).replace(';', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let (preview, shifts) = import_bytes(&bytes, &ImportFormat::Csv);
    assert!(shifts.is_empty(), "nothing is guessed from UTF-16");
    let problem = only_problem(&preview, ProblemCode::UnsupportedEncoding);
    assert!(
        problem.message.contains("UTF-16") && problem.message.contains("CSV UTF-8"),
        "the message says what the file is and how to save it: {}",
        problem.message
    );
}
