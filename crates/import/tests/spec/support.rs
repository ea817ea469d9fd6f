//! Shared fixtures: a register with fake but checksum-valid identity numbers, and helpers that
//! import text and find problems.

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_import::{
    ImportFormat, ImportPreview, ImportProblem, ImportedShift, KnownPeople, ProblemCode,
    preview_with_shifts,
};
use chrono::NaiveDate;

/// A known assistant.
pub const ASSISTANT: &str = "199001012385";
/// Another known assistant.
pub const ASSISTANT_2: &str = "198507152398";
/// A known assistant with a samordningsnummer (day + 60).
pub const ASSISTANT_COORD: &str = "199001612382";
/// A known person with assistance.
pub const PERSON: &str = "195001012383";
/// Another known person.
pub const PERSON_2: &str = "194512245673";
/// Valid, but in nobody's register.
pub const STRANGER: &str = "197203141234";

pub const HEADER: &str = "assistent;person;datum;start;slut;typ;anteckning";

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).expect("a real date")
}

pub fn register() -> KnownPeople {
    KnownPeople::new(
        [ASSISTANT, ASSISTANT_2, ASSISTANT_COORD]
            .map(|d| IdentityNumber::from_digits(d).expect("test assistants are valid")),
        [PERSON, PERSON_2].map(|d| Personnummer::from_digits(d).expect("test persons are valid")),
    )
}

pub fn import_bytes(bytes: &[u8], format: &ImportFormat) -> (ImportPreview, Vec<ImportedShift>) {
    preview_with_shifts(bytes, format, &register(), today()).expect("reading memory cannot fail")
}

pub fn import_csv(text: &str) -> (ImportPreview, Vec<ImportedShift>) {
    import_bytes(text.as_bytes(), &ImportFormat::Csv)
}

/// A CSV with the standard header and the given data lines.
pub fn csv_rows(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

/// The single problem with this code; fails with the whole list when there is not exactly one.
pub fn only_problem(preview: &ImportPreview, code: ProblemCode) -> ImportProblem {
    let found: Vec<&ImportProblem> = preview.problems.iter().filter(|p| p.code == code).collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {code} problem, got: {:#?}",
        preview.problems
    );
    found[0].clone()
}

/// Asserts a problem's place: row, column header and code.
pub fn assert_problem(
    preview: &ImportPreview,
    row: Option<u64>,
    column: Option<&str>,
    code: ProblemCode,
) {
    assert!(
        preview
            .problems
            .iter()
            .any(|p| p.row == row && p.column.as_deref() == column && p.code == code),
        "expected {code} at row {row:?}, column {column:?}; problems: {:#?}",
        preview.problems
    );
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test dates are real")
}
