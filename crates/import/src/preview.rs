//! What the preview tells the user before anything is saved.

use std::collections::BTreeMap;
use std::fmt;

use assistid_core::model::ReportMonth;
use assistid_core::shift::Shift;
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::columns::MappedColumn;
use crate::problem::{ImportProblem, ProblemCode};

/// Said in every preview: overlaps and long shifts are checked by [`crate::validate_imported`]
/// (which the app runs on a month's shifts) or by the month review, not by the streaming pass.
pub(crate) const VALIDATION_NOTE: &str = "överlappande och ovanligt långa pass kontrolleras i \
     ett eget steg (validate_imported) och i månadsöversikten, inte radvis";

/// A valid shift and the row it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedShift {
    /// The row number as the user sees it.
    pub row: u64,
    /// The shift.
    pub shift: Shift,
}

/// The text encoding a CSV file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8 without byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8WithBom,
    /// Windows-1252, as Swedish Excel's plain "CSV (semikolonavgränsad)" writes it.
    Windows1252,
}

impl TextEncoding {
    /// How the preview names it to the user.
    pub fn label_sv(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8WithBom => "UTF-8 med BOM (Excels \"CSV UTF-8\")",
            TextEncoding::Windows1252 => "Windows-1252 (Excels vanliga CSV-format)",
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_sv())
    }
}

/// The field separator of a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// `;` (Swedish Excel's default).
    Semicolon,
    /// `,`.
    Comma,
    /// A tab character.
    Tab,
}

impl Delimiter {
    /// The byte.
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Semicolon => b';',
            Delimiter::Comma => b',',
            Delimiter::Tab => b'\t',
        }
    }

    /// How the preview names it to the user.
    pub fn label_sv(self) -> &'static str {
        match self {
            Delimiter::Semicolon => "semikolon",
            Delimiter::Comma => "komma",
            Delimiter::Tab => "tabb",
        }
    }
}

/// Which kind of file was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A CSV (or tab-separated) text file.
    Csv,
    /// An Excel XLSX workbook.
    Xlsx,
}

/// How the file was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// CSV or XLSX.
    pub kind: SourceKind,
    /// The text encoding (CSV only), as detected.
    pub encoding: Option<TextEncoding>,
    /// The field separator (CSV only), as detected.
    pub delimiter: Option<Delimiter>,
    /// The worksheet read (XLSX only).
    pub sheet: Option<String>,
    /// Bytes read.
    pub bytes: u64,
    /// SHA-256 of the file's bytes (lowercase hex). The app compares the preview's and the
    /// commit's hash to be sure the file did not change in between.
    pub sha256: String,
}

impl SourceInfo {
    /// One line for the preview: `CSV, semikolon, Windows-1252 (Excels vanliga CSV-format)`.
    pub fn describe_sv(&self) -> String {
        let mut parts = vec![match self.kind {
            SourceKind::Csv => "CSV".to_owned(),
            SourceKind::Xlsx => "Excel (XLSX)".to_owned(),
        }];
        if let Some(d) = self.delimiter {
            parts.push(format!("avgränsare {}", d.label_sv()));
        }
        if let Some(e) = self.encoding {
            parts.push(format!("teckenkodning {}", e.label_sv()));
        }
        if let Some(s) = &self.sheet {
            parts.push(format!("bladet \"{s}\""));
        }
        parts.join(", ")
    }
}

/// The numbers the preview shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    /// Data rows read (blank rows and the header are not counted).
    pub rows_read: u64,
    /// Rows without errors (each gives a shift; duplicates inside the file included).
    pub rows_valid: u64,
    /// Rows with at least one error (not imported).
    pub rows_with_errors: u64,
    /// Rows with at least one warning.
    pub rows_with_warnings: u64,
    /// Distinct shifts the file holds (valid rows minus duplicates inside the file). Whether
    /// they are new or already in the database the app decides with the store.
    pub shifts: u64,
    /// Valid rows that repeat an earlier row of the file.
    pub duplicates_in_file: u64,
    /// Problems of severity error, file-level ones included.
    pub errors: u64,
    /// Problems of severity warning.
    pub warnings: u64,
}

/// The result of reading a file: every row's problems (the first [`crate::MAX_PROBLEMS_KEPT`]
/// kept, all counted), the counts, and how the file was read. The shifts themselves go to the
/// caller's callback (see [`crate::for_each_shift`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportPreview {
    /// How the file was read.
    pub source: SourceInfo,
    /// How each header cell was understood (unknown columns are listed with `column: None` and
    /// ignored).
    pub columns: Vec<MappedColumn>,
    /// The row number of the header row (1 unless blank or title rows come first).
    pub header_row: Option<u64>,
    /// The counts.
    pub counts: ImportCounts,
    /// The problems in row order, file-level ones first; at most [`crate::MAX_PROBLEMS_KEPT`].
    pub problems: Vec<ImportProblem>,
    /// How many problems there are in all (may exceed `problems.len()`).
    pub problems_total: u64,
    /// How many problems of each code, over the whole file.
    pub problems_by_code: BTreeMap<ProblemCode, u64>,
    /// Distinct valid shifts per month (by the month the shift starts in).
    pub shifts_per_month: BTreeMap<ReportMonth, u64>,
    /// The earliest start of a valid shift.
    pub first_start: Option<NaiveDateTime>,
    /// The latest end of a valid shift.
    pub last_end: Option<NaiveDateTime>,
    /// What this preview does not check (so the UI can say so).
    pub validation_note: &'static str,
}

impl ImportPreview {
    /// True when the file can be committed: at least one shift and no errors anywhere.
    pub fn can_commit(&self) -> bool {
        self.counts.errors == 0 && self.counts.shifts > 0
    }

    /// True when some problems were counted but not kept.
    pub fn problems_truncated(&self) -> bool {
        self.problems_total > self.problems.len() as u64
    }
}
