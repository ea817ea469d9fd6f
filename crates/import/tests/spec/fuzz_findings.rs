//! Regressions for what fuzzing found (`fuzz/`, `scripts/fuzz.sh`; docs/SECURITY.md). Each
//! input is the one the fuzzer reported, or the smallest form of it.

use assistid_import::{ImportFormat, ProblemCode};

use crate::support::{csv_rows, import_bytes, import_csv};

#[test]
fn two_numbers_run_together_in_a_cell_are_both_masked_in_the_message() {
    // import_csv: the cell "198507152398" + "019451224567" kept its first 12 digits, a whole
    // personnummer, because masking hid only the last four digits of the run.
    let (preview, _) = import_csv(&csv_rows(&[
        "198507152398019451224567;195001012383;2026-03-28;21:00;08:00;beredskap;",
    ]));
    let problem = preview
        .problems
        .iter()
        .find(|p| p.column.as_deref() == Some("assistent"))
        .expect("the run-together cell is a problem in the assistant column");
    for shown in [problem.to_string(), format!("{problem:?}")] {
        for number in ["198507152398", "8507152398", "194512245673", "4512245673"] {
            assert!(
                !shown.contains(number),
                "a problem shown or logged never holds a whole personnummer ({number}): {shown}"
            );
        }
    }
}

#[test]
fn a_workbook_whose_cell_points_past_the_shared_strings_is_unreadable_not_a_crash() {
    // import_xlsx: calamine 0.31 indexes the shared-strings table unchecked and panicked on
    // this file; the importer now reports it as an unreadable workbook.
    let bytes = include_bytes!("fuzz_findings/shared_string_out_of_range.xlsx");
    let (preview, shifts) = import_bytes(bytes, &ImportFormat::Xlsx { sheet: None });
    assert!(shifts.is_empty(), "nothing is read from a broken workbook");
    assert!(
        preview
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::UnreadableXlsx),
        "the user is told the file cannot be read: {:?}",
        preview.problems
    );
    assert!(
        !preview.can_commit(),
        "a broken workbook is never committed"
    );
}

#[test]
fn a_file_that_ends_inside_a_quoted_field_is_read_to_its_end() {
    // import_csv (timeout): at the end of the file inside quotes the reader fed a line break
    // into the still-open field and read again, forever. Now the field ends with the file.
    let (preview, shifts) = import_csv(&csv_rows(&[
        "199001012385;195001012383;2026-03-02;08:00;16:00;aktiv;\"inte avslutad",
    ]));
    assert_eq!(
        preview.counts.rows_read, 1,
        "the unfinished row is read: {:?}",
        preview.problems
    );
    assert_eq!(shifts.len(), 1, "its cells up to the end of the file count");
}

#[test]
fn a_personnummer_in_a_column_header_is_masked_where_problems_are_shown() {
    // import_csv: an unknown column's header is quoted in problems about its cells; the
    // fuzzer wrote a personnummer into the header and Display showed it whole.
    let file = "assistent;person;datum;start;slut;typ;ant4512245673\n\
                199001012385;195001012383;2026-03-02;08:00;16:00;aktiv;börjar\n";
    let mut bytes = file.as_bytes().to_vec();
    // One Windows-1252 byte in an otherwise UTF-8 file: a problem on that cell.
    bytes.extend_from_slice(b"199001012385;195001012383;2026-03-03;08:00;16:00;aktiv;b\xf6rjar\n");
    let (preview, _) = import_bytes(&bytes, &ImportFormat::Csv);
    for problem in &preview.problems {
        for shown in [problem.to_string(), format!("{problem:?}")] {
            assert!(
                !shown.contains("4512245673"),
                "a header is masked like any cell: {shown}"
            );
        }
    }
}
