//! The import session's shapes as the front ends show them (the desktop's import screen): the
//! chosen file, its preview with every problem and row, and what a commit stored. Their
//! TypeScript is generated with the other view types (feature `ts`); the JSON field names are
//! the UI's contract.

use serde::{Deserialize, Serialize};

use crate::views::Severity;

/// A file the user chose in the webview's file dialog: its name and its bytes (base64). The
/// shell never opens a path itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportFile {
    /// The file's name (for the preview and to tell CSV from XLSX).
    pub file_name: String,
    /// The file's bytes, base64.
    pub content_base64: String,
}

impl ImportFile {
    /// The file's bytes; `None` when its base64 did not arrive whole.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(self.content_base64.as_bytes())
            .ok()
    }
}

/// A staged import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChosenFile {
    /// Opaque handle to the staged file.
    pub file_token: String,
    /// The file's name.
    pub file_name: String,
}

/// One problem the import found, where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportProblem {
    /// Row in the file (1-based, the header is row 1); none for the file as a whole.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub row: Option<u64>,
    /// The column's header.
    pub column: Option<String>,
    /// The value as written (identity numbers masked).
    pub value: Option<String>,
    /// Stable code.
    pub code: String,
    /// Error (row not imported) or warning.
    pub severity: Severity,
    /// Swedish text: what is wrong and how to fix it.
    pub message: String,
}

/// How the file was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SourceInfo {
    /// One line, e.g. `CSV, avgränsare semikolon, teckenkodning UTF-8`.
    pub description: String,
    /// SHA-256 of the bytes read.
    pub sha256: String,
    /// Bytes read.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
}

/// The numbers the preview shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportCounts {
    /// Data rows read.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows_read: u64,
    /// Rows without errors.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows_valid: u64,
    /// Rows with errors.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows_with_errors: u64,
    /// Rows with warnings.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows_with_warnings: u64,
    /// Distinct shifts in the file.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub shifts: u64,
    /// Shifts the database does not hold yet.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub new_shifts: u64,
    /// Shifts the database already holds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub already_present: u64,
    /// Errors in all (rows and the file's shifts checked together).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub errors: u64,
    /// Warnings in all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub warnings: u64,
}

/// A row's state in the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ImportRowStatus {
    /// No problem.
    Ok,
    /// Imported, with a warning.
    Warning,
    /// Not imported until fixed or skipped.
    Error,
}

/// A data row as read, so the preview can show and fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRow {
    /// Row number in the file.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub row: u64,
    /// The cells as text.
    pub values: Vec<String>,
    /// Its state.
    pub status: ImportRowStatus,
}

/// The preview of a staged file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportPreview {
    /// Opaque handle to the staged file.
    pub file_token: String,
    /// The file's name.
    pub file_name: String,
    /// How it was read.
    pub source: SourceInfo,
    /// Whether rows can be fixed here (CSV) or only skipped (XLSX: fix in Excel).
    pub can_fix_rows: bool,
    /// The header cells.
    pub columns: Vec<String>,
    /// Rows: the first 2 000 and every row with a problem (CSV only).
    pub rows: Vec<ImportRow>,
    /// The counts.
    pub counts: ImportCounts,
    /// The problems (the first 1 000 of the file's, and those of its shifts together).
    pub problems: Vec<ImportProblem>,
    /// How many problems in all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub problems_total: u64,
}

/// What a commit stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportResult {
    /// Shifts added to the database.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub shifts_added: u64,
    /// Rows left out (skipped by the user or with errors).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows_skipped: u64,
    /// The months the file's shifts fall in (`YYYY-MM`).
    pub months: Vec<String>,
}
