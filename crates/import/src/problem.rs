//! What can be wrong with an import file, row by row: [`ImportProblem`] with a stable
//! [`ProblemCode`], a [`Severity`] and a Swedish message written for coordinators.

use std::fmt;

use assistid_core::text::{Lang, Text};
use serde::{Serialize, Serializer};

/// How serious a problem is. Any [`Severity::Error`] blocks the commit; warnings are shown and
/// the file can still be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row (or the whole file) cannot be imported as it stands.
    Error,
    /// Worth a look, but the row is imported.
    Warning,
}

/// A stable machine code for each kind of problem (snake_case in JSON and in the UI), so the UI
/// can branch on it and tests can assert it. The Swedish message is for people; the code is for
/// programs. Codes shared with core's validation (`unknown_assistant`, `time_ambiguous`,
/// `end_not_after_start`, …) are spelled as core spells them (`assistid_core::validation::codes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProblemCode {
    /// The file has no content at all.
    EmptyFile,
    /// The file has a header row but no data rows.
    NoDataRows,
    /// The header row has a single column: the file is not separated by `;`, `,` or tab.
    WrongDelimiter,
    /// The file's text encoding cannot be read (e.g. UTF-16 "Unicode text").
    UnsupportedEncoding,
    /// The file mixes UTF-8 and Windows-1252 text.
    MixedEncoding,
    /// The file is not a CSV or XLSX file (e.g. an old `.xls`), or an Excel file was given as CSV.
    UnsupportedFileType,
    /// The XLSX file is damaged or cannot be opened.
    UnreadableXlsx,
    /// The XLSX file is beyond what the importer reads: too large a file or unpacked content,
    /// a cell with content past column BL or below Excel's last row, a longer cell than Excel
    /// allows, or too many formulas or merged ranges (see `xlsx_limits.rs`).
    XlsxTooLarge,
    /// The named sheet does not exist in the workbook.
    SheetNotFound,
    /// No recognisable header row: none of the column names is known.
    MissingHeader,
    /// Required columns are missing from the header row.
    MissingColumns,
    /// Two columns in the header mean the same thing.
    DuplicateColumn,
    /// A required cell is empty.
    MissingValue,
    /// A personnummer or samordningsnummer is malformed (format, date or checksum).
    InvalidPersonnummer,
    /// A samordningsnummer where a personnummer is required (the person with assistance).
    CoordinationNumberNotAllowed,
    /// The assistant has a samordningsnummer and cannot sign with BankID (warning).
    AssistantCannotSignWithBankid,
    /// The assistant is not in the register.
    UnknownAssistant,
    /// The person with assistance is not in the register.
    UnknownPerson,
    /// The date cannot be read or is not a real date.
    InvalidDate,
    /// The time cannot be read.
    InvalidTime,
    /// The time falls in the hour skipped on the spring DST night.
    NonexistentTime,
    /// The time falls in the hour repeated on the autumn DST night and says not which one.
    AmbiguousTime,
    /// The given UTC offset does not apply to that local time in Sweden.
    WrongOffset,
    /// The end is not after the start (e.g. equal times).
    EndNotAfterStart,
    /// The kind of time is not aktiv, vänte or beredskap.
    UnknownKind,
    /// An XLSX cell holds a formula.
    FormulaCell,
    /// An XLSX range of merged cells.
    MergedCells,
    /// An XLSX cell holds an Excel error value (`#N/A`, `#VALUE!`, …).
    ErrorCell,
    /// The same shift appears more than once in the file (warning; imported once).
    DuplicateInFile,
    /// The note is longer than [`assistid_core::shift::MAX_NOTE_CHARS`] characters.
    NoteTooLong,
    /// The note holds an invisible control character (a NUL byte, a bell, …): not text a
    /// person wrote, and trouble for every export; refused rather than silently removed.
    ControlCharacter,
    /// A finding of core's shift validation (`overlap_same_person`, `overlap_two_persons`,
    /// `long_shift`, `dst_…`), with core's code; see [`crate::validate_imported`].
    Validation(&'static str),
    /// A finding of the app's checks of the file against what is already stored, with the
    /// app's code: a report FK has received or is receiving (`report_already_sent`,
    /// `report_being_sent`, errors) or a signed report whose signatures must be taken again
    /// (`signatures_must_be_retaken`, a warning). The app sets the severity.
    Stored(&'static str),
}

impl ProblemCode {
    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::EmptyFile => "empty_file",
            ProblemCode::NoDataRows => "no_data_rows",
            ProblemCode::WrongDelimiter => "wrong_delimiter",
            ProblemCode::UnsupportedEncoding => "unsupported_encoding",
            ProblemCode::MixedEncoding => "mixed_encoding",
            ProblemCode::UnsupportedFileType => "unsupported_file_type",
            ProblemCode::UnreadableXlsx => "unreadable_xlsx",
            ProblemCode::XlsxTooLarge => "xlsx_too_large",
            ProblemCode::SheetNotFound => "sheet_not_found",
            ProblemCode::MissingHeader => "missing_header",
            ProblemCode::MissingColumns => "missing_columns",
            ProblemCode::DuplicateColumn => "duplicate_column",
            ProblemCode::MissingValue => "missing_value",
            ProblemCode::InvalidPersonnummer => "invalid_personnummer",
            ProblemCode::CoordinationNumberNotAllowed => "coordination_number_not_allowed",
            ProblemCode::AssistantCannotSignWithBankid => "assistant_cannot_sign_bankid",
            ProblemCode::UnknownAssistant => "unknown_assistant",
            ProblemCode::UnknownPerson => "unknown_person",
            ProblemCode::InvalidDate => "invalid_date",
            ProblemCode::InvalidTime => "invalid_time",
            ProblemCode::NonexistentTime => "time_nonexistent",
            ProblemCode::AmbiguousTime => "time_ambiguous",
            ProblemCode::WrongOffset => "time_wrong_offset",
            ProblemCode::EndNotAfterStart => "end_not_after_start",
            ProblemCode::UnknownKind => "unknown_kind",
            ProblemCode::FormulaCell => "formula_cell",
            ProblemCode::MergedCells => "merged_cells",
            ProblemCode::ErrorCell => "error_cell",
            ProblemCode::DuplicateInFile => "duplicate_in_file",
            ProblemCode::NoteTooLong => "note_too_long",
            ProblemCode::ControlCharacter => "control_character",
            ProblemCode::Validation(code) | ProblemCode::Stored(code) => code,
        }
    }

    /// The severity this kind of problem has (for [`ProblemCode::Validation`] the importer
    /// takes core's severity instead, and the app sets the severity of
    /// [`ProblemCode::Stored`]; this says error).
    pub fn severity(self) -> Severity {
        match self {
            ProblemCode::AssistantCannotSignWithBankid | ProblemCode::DuplicateInFile => {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ProblemCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem in an import file.
///
/// `value` is the cell as the user wrote it, so the UI can show it next to the message; it may
/// hold a full personnummer. `Debug` and `Display` therefore mask any identity number in it:
/// log those, never the serialized struct. The `message` itself never contains a full
/// personnummer.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// The row number as the user sees it (Excel's row number, or the line number in a CSV file;
    /// the header is row 1). `None` for problems with the file as a whole.
    pub row: Option<u64>,
    /// The column's header as written in the file; `None` when the problem is not about one cell.
    pub column: Option<String>,
    /// The cell's text as written; `None` when there is no single cell. May contain a full
    /// personnummer (for the UI): never log it.
    pub value: Option<String>,
    /// The stable code.
    pub code: ProblemCode,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong and how to fix it, in Swedish (`text` rendered in Swedish).
    pub message: String,
    /// The message as its code and parameters ([`ImportProblem::message_in`] renders it in
    /// another language). Not serialized: the JSON keeps `message`.
    #[serde(skip)]
    pub text: Text,
}

impl ImportProblem {
    /// A problem with the file as a whole.
    pub(crate) fn file(code: ProblemCode, text: Text) -> Self {
        Self {
            row: None,
            column: None,
            value: None,
            code,
            severity: code.severity(),
            message: text.render(Lang::Sv),
            text,
        }
    }

    /// A problem found outside this crate (the app's checks against the store), with its
    /// location.
    pub fn found(
        row: Option<u64>,
        column: Option<String>,
        value: Option<String>,
        code: ProblemCode,
        severity: Severity,
        text: Text,
    ) -> Self {
        Self {
            row,
            column,
            value,
            code,
            severity,
            message: text.render(Lang::Sv),
            text,
        }
    }

    /// The message in `lang`.
    pub fn message_in(&self, lang: Lang) -> String {
        match lang {
            Lang::Sv => self.message.clone(),
            Lang::En => self.text.render(lang),
        }
    }

    /// A problem with one row (not a single cell).
    pub(crate) fn row(row: u64, code: ProblemCode, message: Text) -> Self {
        Self {
            row: Some(row),
            ..Self::file(code, message)
        }
    }

    /// A problem with one cell.
    pub(crate) fn cell(
        row: u64,
        column: &str,
        value: &str,
        code: ProblemCode,
        message: Text,
    ) -> Self {
        Self {
            row: Some(row),
            column: Some(column.to_owned()),
            value: Some(value.to_owned()),
            ..Self::file(code, message)
        }
    }

    /// True for errors (which block the commit).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The cell value with identity numbers masked (`19900101-****`), safe for logs.
    pub fn masked_value(&self) -> Option<String> {
        self.value.as_deref().map(mask_identity_numbers)
    }
}

impl fmt::Debug for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportProblem")
            .field("row", &self.row)
            .field("column", &self.column.as_deref().map(mask_identity_numbers))
            .field("value", &self.masked_value())
            .field("code", &self.code)
            .field("severity", &self.severity)
            .field("message", &mask_identity_numbers(&self.message))
            .finish()
    }
}

/// `rad 7, kolumn "slut" (värde "25:00"): <message>`, with identity numbers masked.
impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(row) = self.row {
            write!(f, "rad {row}")?;
            // The header is the file's text too (fuzzing put a personnummer there).
            if let Some(column) = &self.column {
                write!(f, ", kolumn \"{}\"", mask_identity_numbers(column))?;
            }
            if let Some(value) = self.masked_value() {
                write!(f, " (värde \"{value}\")")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&mask_identity_numbers(&self.message))
    }
}

/// Replaces the last four digits of every run that looks like an identity number (ten to twelve
/// digits, optionally with one `-`, `+` or space separator) with `****`; in a longer run of
/// digits everything after the eighth digit is hidden, since a whole number may sit anywhere in
/// it. Last, any `YYMMDD-NNNN` left whole (its first digits were the end of an earlier run, as
/// in `1+9900101-2385`) has its four last digits hidden too.
pub fn mask_identity_numbers(text: &str) -> String {
    let mut out: Vec<char> = mask_runs(text).chars().collect();
    mask_separated_tails(&mut out);
    out.into_iter().collect()
}

/// Hides the four digits after a separator that follows six digits (`900101-2385`), wherever
/// the run scan left them: a run ends at its second separator, so in `1+9900101-2385` the scan
/// saw `1+9900101` (eight digits, not a number) and then `2385` (found by fuzzing).
fn mask_separated_tails(chars: &mut [char]) {
    for i in 6..chars.len() {
        let separator = matches!(chars[i], '-' | '+' | ' ');
        if separator
            && chars[i - 6..i].iter().all(char::is_ascii_digit)
            && chars
                .get(i + 1..i + 5)
                .is_some_and(|tail| tail.iter().all(char::is_ascii_digit))
        {
            for c in &mut chars[i + 1..i + 5] {
                *c = '*';
            }
        }
    }
}

/// The run scan of [`mask_identity_numbers`].
fn mask_runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            let mut digits = 0;
            let mut separators = 0;
            while i < chars.len() {
                let c = chars[i];
                if c.is_ascii_digit() {
                    digits += 1;
                } else if matches!(c, '-' | '+' | ' ')
                    && separators == 0
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    separators += 1;
                } else {
                    break;
                }
                i += 1;
            }
            let run = &chars[start..i];
            if digits >= 10 {
                // A run longer than one number (two cells run together, a number with extra
                // digits) may hold a whole personnummer anywhere in it: keep at most the first
                // eight digits, as much as a masked 12-digit number shows, and hide the rest.
                let shown = if digits > 12 { 8 } else { digits - 4 };
                let mut kept_digits = 0;
                for &c in run {
                    if c.is_ascii_digit() {
                        kept_digits += 1;
                        out.push(if kept_digits > shown { '*' } else { c });
                    } else {
                        out.push(c);
                    }
                }
            } else {
                out.extend(run);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_form_of_identity_number() {
        assert_eq!(mask_identity_numbers("199001012380"), "19900101****");
        assert_eq!(mask_identity_numbers("19900101-2380"), "19900101-****");
        assert_eq!(
            mask_identity_numbers("900101-2380 och x"),
            "900101-**** och x"
        );
        assert_eq!(mask_identity_numbers("2026-03-29"), "2026-03-29");
        assert_eq!(mask_identity_numbers("08:30"), "08:30");
    }

    #[test]
    fn a_longer_run_of_digits_hides_every_number_inside_it() {
        // Found by fuzzing (fuzz/ import_csv): two numbers run together in one cell kept the
        // first one whole, because only the run's last four digits were hidden.
        let masked = mask_identity_numbers("198507152398019451224567");
        assert_eq!(masked, "19850715****************");
        assert!(!masked.contains("198507152398") && !masked.contains("8507152398"));
        assert_eq!(mask_identity_numbers("0199001012380"), "01990010*****");
    }

    #[test]
    fn a_number_whose_first_digits_end_an_earlier_run_is_still_hidden() {
        // Found by fuzzing in CI (fuzz/ import_csv): `1+9900101-2385` is scanned as the run
        // `1+9900101` (ended by its second separator) and then `2385`, which kept
        // `900101-2385` whole.
        for (text, leak) in [
            (":1+9900101-2385", "900101-2385"),
            ("1+19900101-2385", "19900101-2385"),
            ("7 900101+2385", "900101+2385"),
        ] {
            let masked = mask_identity_numbers(text);
            assert!(
                !masked.contains(leak),
                "{text:?} must not show {leak}: {masked}"
            );
            assert!(
                masked.ends_with("****"),
                "{text:?}: the last four digits hidden: {masked}"
            );
        }
        assert_eq!(
            mask_identity_numbers("2026-10-24 22:00–2026-10-25 02:30"),
            "2026-10-24 22:00–2026-10-25 02:30",
            "dates and times are not identity numbers"
        );
    }

    #[test]
    fn debug_never_shows_the_full_number() {
        let p = ImportProblem::cell(
            3,
            "assistent",
            "199001012380",
            ProblemCode::UnknownAssistant,
            Text::untranslated("unknown_assistant", "okänd"),
        );
        let debug = format!("{p:?}");
        assert!(!debug.contains("199001012380"), "Debug leaked: {debug}");
        assert!(!p.to_string().contains("199001012380"));
    }
}
