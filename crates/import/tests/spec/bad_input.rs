//! Every kind of bad input gives a problem at the exact row and column, with a stable code and
//! a Swedish message, and the row is not imported.

use assistid_import::{ImportFormat, ProblemCode, Severity, for_each_shift};

use crate::support::*;

#[test]
fn a_file_without_separators_is_a_wrong_delimiter() {
    let (preview, shifts) = import_csv("assistent|person|datum|start|slut|typ\n1|2|3|4|5|6\n");
    let p = only_problem(&preview, ProblemCode::WrongDelimiter);
    assert_eq!(
        p.row,
        Some(1),
        "the header row is where the delimiter shows"
    );
    assert!(
        p.message
            .contains("filen verkar inte vara semikolon- eller kommaseparerad"),
        "the message says what is wrong: {}",
        p.message
    );
    assert!(
        shifts.is_empty() && !preview.can_commit(),
        "nothing can be imported"
    );
}

#[test]
fn an_empty_file_and_a_blank_file_say_so() {
    for bytes in [&b""[..], b"\n\n  \r\n", b"\xEF\xBB\xBF"] {
        let (preview, _) = import_bytes(bytes, &ImportFormat::Csv);
        let p = only_problem(&preview, ProblemCode::EmptyFile);
        assert_eq!(p.row, None, "an empty file has no row to point at");
        assert!(!preview.can_commit());
    }
}

#[test]
fn a_header_without_rows_has_nothing_to_import() {
    let (preview, _) = import_csv(&format!("{HEADER}\n;;;;;;\n"));
    only_problem(&preview, ProblemCode::NoDataRows);
    assert_eq!(
        preview.counts.rows_read, 0,
        "a row of empty cells is no data row"
    );
}

#[test]
fn missing_columns_are_listed_by_name() {
    let (preview, _) = import_csv("assistent;person;datum;start\n1;2;3;4\n");
    let p = only_problem(&preview, ProblemCode::MissingColumns);
    assert_eq!(p.row, Some(1));
    assert!(
        p.message.contains("slut, typ"),
        "the message lists the missing columns: {}",
        p.message
    );
    assert!(
        !p.message.contains("anteckning"),
        "the note is optional and not listed"
    );
    assert_eq!(
        preview.counts.rows_read, 0,
        "no row is read under a broken header"
    );
}

#[test]
fn a_header_of_unknown_names_is_a_missing_header() {
    let (preview, _) = import_csv(&format!(
        "{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;aktiv\n"
    ));
    let p = only_problem(&preview, ProblemCode::MissingHeader);
    assert_eq!(p.row, Some(1));
}

#[test]
fn two_columns_meaning_the_same_are_refused() {
    let (preview, _) =
        import_csv("assistent;Assistent personnummer;person;datum;start;slut;typ\n1;1;2;3;4;5;6\n");
    assert_problem(
        &preview,
        Some(1),
        Some("Assistent personnummer"),
        ProblemCode::DuplicateColumn,
    );
}

#[test]
fn unknown_assistant_and_person_are_named_masked() {
    let (preview, shifts) = import_csv(&csv_rows(&[
        &format!("{STRANGER};{PERSON};2026-03-02;08:00;16:00;aktiv;"),
        &format!("{ASSISTANT};{STRANGER};2026-03-02;08:00;16:00;aktiv;"),
    ]));
    assert_problem(
        &preview,
        Some(2),
        Some("assistent"),
        ProblemCode::UnknownAssistant,
    );
    assert_problem(
        &preview,
        Some(3),
        Some("person"),
        ProblemCode::UnknownPerson,
    );
    for p in &preview.problems {
        assert!(
            !p.message.contains(STRANGER),
            "messages never carry a full personnummer: {}",
            p.message
        );
        assert_eq!(
            p.value.as_deref(),
            Some(STRANGER),
            "the value carries the cell for the UI"
        );
        assert!(
            !format!("{p:?}").contains(STRANGER) && !p.to_string().contains(STRANGER),
            "Debug and Display mask the number"
        );
    }
    assert!(
        !format!("{preview:?}").contains(STRANGER),
        "the whole preview's Debug is safe to log"
    );
    assert!(shifts.is_empty());
    assert_eq!(preview.counts.rows_with_errors, 2);
}

#[test]
fn invalid_personnummer_checksum_date_and_format() {
    let (preview, _) = import_csv(&csv_rows(&[
        &format!("199001012386;{PERSON};2026-03-02;08:00;16:00;aktiv;"),
        &format!("{ASSISTANT};195013012383;2026-03-02;08:00;16:00;aktiv;"),
        &format!("12345;{PERSON};2026-03-02;08:00;16:00;aktiv;"),
    ]));
    let p = preview
        .problems
        .iter()
        .find(|p| p.row == Some(2))
        .expect("row 2 has a problem");
    assert_eq!(
        (p.column.as_deref(), p.code),
        (Some("assistent"), ProblemCode::InvalidPersonnummer)
    );
    assert!(p.message.contains("kontrollsiffran"), "{}", p.message);
    assert_problem(
        &preview,
        Some(3),
        Some("person"),
        ProblemCode::InvalidPersonnummer,
    );
    assert_problem(
        &preview,
        Some(4),
        Some("assistent"),
        ProblemCode::InvalidPersonnummer,
    );
}

#[test]
fn a_person_with_samordningsnummer_is_refused_an_assistant_is_warned() {
    let (preview, shifts) = import_csv(&csv_rows(&[
        &format!("{ASSISTANT};{ASSISTANT_COORD};2026-03-02;08:00;16:00;aktiv;"),
        &format!("{ASSISTANT_COORD};{PERSON};2026-03-02;08:00;16:00;aktiv;"),
    ]));
    assert_problem(
        &preview,
        Some(2),
        Some("person"),
        ProblemCode::CoordinationNumberNotAllowed,
    );
    let warning = only_problem(&preview, ProblemCode::AssistantCannotSignWithBankid);
    assert_eq!(
        (warning.row, warning.severity),
        (Some(3), Severity::Warning)
    );
    assert!(warning.message.contains("BankID"), "{}", warning.message);
    assert_eq!(shifts.len(), 1, "a warning does not stop the row");
    assert_eq!(preview.counts.rows_with_warnings, 1);
}

#[test]
fn invalid_dates_say_which_forms_work() {
    let (preview, _) = import_csv(&csv_rows(&[
        &format!("{ASSISTANT};{PERSON};2026-02-30;08:00;16:00;aktiv;"),
        &format!("{ASSISTANT};{PERSON};29/3/2026;08:00;16:00;aktiv;"),
        &format!("{ASSISTANT};{PERSON};mars;08:00;16:00;aktiv;"),
    ]));
    for row in 2..=4 {
        assert_problem(&preview, Some(row), Some("datum"), ProblemCode::InvalidDate);
    }
    let slash = preview
        .problems
        .iter()
        .find(|p| p.row == Some(3))
        .expect("row 3 has a problem");
    assert!(
        slash.message.contains("dag/månad eller månad/dag"),
        "a slashed date is refused as ambiguous: {}",
        slash.message
    );
}

#[test]
fn invalid_times_point_at_their_column() {
    let (preview, _) = import_csv(&csv_rows(&[
        &format!("{ASSISTANT};{PERSON};2026-03-02;25:00;16:00;aktiv;"),
        &format!("{ASSISTANT};{PERSON};2026-03-02;08:00;kväll;aktiv;"),
        &format!("{ASSISTANT};{PERSON};2026-03-02;24:00;06:00;aktiv;"),
        &format!("{ASSISTANT};{PERSON};2026-03-02;08:00:30;16:00;aktiv;"),
    ]));
    assert_problem(&preview, Some(2), Some("start"), ProblemCode::InvalidTime);
    assert_problem(&preview, Some(3), Some("slut"), ProblemCode::InvalidTime);
    assert_problem(&preview, Some(4), Some("start"), ProblemCode::InvalidTime);
    assert_problem(&preview, Some(5), Some("start"), ProblemCode::InvalidTime);
}

#[test]
fn equal_start_and_end_is_end_not_after_start() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{ASSISTANT};{PERSON};2026-03-02;08:00;08:00;aktiv;"
    )]));
    assert_problem(
        &preview,
        Some(2),
        Some("slut"),
        ProblemCode::EndNotAfterStart,
    );
}

#[test]
fn unknown_kind_and_missing_values() {
    let (preview, _) = import_csv(&csv_rows(&[
        &format!("{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;semester;"),
        &format!("{ASSISTANT};{PERSON};;08:00;;aktiv;"),
        &format!("{ASSISTANT};{PERSON};2026-03-02"),
    ]));
    assert_problem(&preview, Some(2), Some("typ"), ProblemCode::UnknownKind);
    assert_problem(&preview, Some(3), Some("datum"), ProblemCode::MissingValue);
    assert_problem(&preview, Some(3), Some("slut"), ProblemCode::MissingValue);
    for column in ["start", "slut", "typ"] {
        assert_problem(&preview, Some(4), Some(column), ProblemCode::MissingValue);
    }
    assert!(
        !preview
            .problems
            .iter()
            .any(|p| p.column.as_deref() == Some("anteckning")),
        "the note is optional"
    );
}

#[test]
fn every_problem_of_a_row_is_listed_not_just_the_first() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{STRANGER};199001012386;2026-13-01;8:61;x;jour;"
    )]));
    let codes: Vec<ProblemCode> = preview.problems.iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        vec![
            ProblemCode::UnknownAssistant,
            ProblemCode::InvalidPersonnummer,
            ProblemCode::InvalidDate,
            ProblemCode::InvalidTime,
            ProblemCode::InvalidTime,
            ProblemCode::UnknownKind,
        ],
        "one problem per bad cell, in column order"
    );
    assert_eq!(preview.counts.rows_with_errors, 1);
}

#[test]
fn the_same_shift_twice_is_a_warning_and_imported_once() {
    let row = format!("{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;aktiv;");
    let other_kind = format!("{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;vänte;");
    let (preview, shifts) = import_csv(&csv_rows(&[&row, &other_kind, &row]));
    let p = only_problem(&preview, ProblemCode::DuplicateInFile);
    assert_eq!((p.row, p.severity), (Some(4), Severity::Warning));
    assert!(
        p.message.contains("rad 2"),
        "names the first row: {}",
        p.message
    );
    assert_eq!(
        shifts.len(),
        2,
        "the callback gets each distinct shift once"
    );
    assert_eq!(preview.counts.shifts, 2);
    assert_eq!(preview.counts.rows_valid, 3);
    assert_eq!(preview.counts.duplicates_in_file, 1);
    assert!(preview.can_commit(), "warnings do not block the commit");
}

#[test]
fn files_that_are_not_csv_text() {
    let cases: [(&[u8], ProblemCode); 3] = [
        (b"PK\x03\x04rest of a zip", ProblemCode::UnsupportedFileType),
        (b"\xD0\xCF\x11\xE0old xls", ProblemCode::UnsupportedFileType),
        (b"\xFF\xFEa\0s\0s\0", ProblemCode::UnsupportedEncoding),
    ];
    for (bytes, code) in cases {
        let (preview, _) = import_bytes(bytes, &ImportFormat::Csv);
        only_problem(&preview, code);
    }
}

#[test]
fn utf8_letters_followed_by_windows_1252_letters_are_a_mixed_encoding() {
    let mut bytes = format!("{HEADER}\n").into_bytes();
    bytes.extend(format!("{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;aktiv;Åsa\n").as_bytes());
    bytes.extend(format!("{ASSISTANT};{PERSON};2026-03-03;08:00;16:00;aktiv;").as_bytes());
    bytes.extend(b"\xC5sa\n");
    let (preview, shifts) = import_bytes(&bytes, &ImportFormat::Csv);
    assert_problem(
        &preview,
        Some(3),
        Some("anteckning"),
        ProblemCode::MixedEncoding,
    );
    assert_eq!(shifts.len(), 1);
}

#[test]
fn the_problem_list_is_capped_but_every_problem_is_counted() {
    let bad = format!("{STRANGER};{PERSON};2026-03-02;08:00;16:00;aktiv;");
    let rows: Vec<&str> = std::iter::repeat_n(bad.as_str(), 1_500).collect();
    let (preview, _) = import_csv(&csv_rows(&rows));
    assert_eq!(preview.problems.len(), assistid_import::MAX_PROBLEMS_KEPT);
    assert_eq!(preview.problems_total, 1_500);
    assert!(preview.problems_truncated());
    assert_eq!(
        preview.problems_by_code.get(&ProblemCode::UnknownAssistant),
        Some(&1_500)
    );
}

#[test]
fn a_callback_error_stops_the_import() {
    let text = csv_rows(&[&format!(
        "{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;aktiv;"
    )]);
    let result = for_each_shift(
        text.as_bytes(),
        &ImportFormat::Csv,
        &register(),
        today(),
        |_| Err("databasen är låst"),
    );
    assert!(
        matches!(
            result,
            Err(assistid_import::ImportError::Stopped("databasen är låst"))
        ),
        "the caller's error comes back unchanged"
    );
}

#[test]
fn a_note_longer_than_the_limit_is_an_error_that_shows_only_its_start() {
    use assistid_core::shift::MAX_NOTE_CHARS;
    // Characters, not bytes: "ä" is two bytes in UTF-8.
    let fits = "ä".repeat(MAX_NOTE_CHARS);
    let too_long = format!(
        "{}{}",
        "ä".repeat(MAX_NOTE_CHARS),
        "x".repeat(2 * 1024 * 1024)
    );
    let ok = format!("{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;aktiv;{fits}");
    let bad = format!("{ASSISTANT};{PERSON};2026-03-03;08:00;16:00;aktiv;{too_long}");
    let (preview, shifts) = import_csv(&csv_rows(&[&ok, &bad]));
    let p = only_problem(&preview, ProblemCode::NoteTooLong);
    assert_eq!(
        (p.row, p.column.as_deref(), p.severity),
        (Some(3), Some("anteckning"), Severity::Error),
        "the row and the column as written; an error"
    );
    let length = MAX_NOTE_CHARS + 2 * 1024 * 1024;
    assert!(
        p.message.contains(&format!("{length} tecken"))
            && p.message.contains(&format!("högst {MAX_NOTE_CHARS}")),
        "the message gives the length and the limit: {}",
        p.message
    );
    let shown = p.value.as_deref().unwrap_or_default();
    assert!(
        shown.ends_with('…') && shown.chars().count() == 61,
        "the value is the note's start, not two megabytes: {} characters",
        shown.chars().count()
    );
    assert_eq!(shifts.len(), 1, "only the row whose note fits is imported");
    assert_eq!(
        shifts[0].shift.note.as_deref().map(|n| n.chars().count()),
        Some(MAX_NOTE_CHARS),
        "a note of exactly the limit is kept whole"
    );
}
