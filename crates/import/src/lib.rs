//! # assistid-import
//!
//! Importing shifts from a scheduling system's export: CSV (comma, semicolon or tab; UTF-8 with
//! or without BOM, or Windows-1252 as Swedish Excel writes it) and XLSX, in the column format
//! documented in `schemas/import-shifts.md`.
//!
//! Import is two steps, and both read the file the same way:
//! 1. **Preview** — [`preview`] (or [`for_each_shift`] with a callback that asks the store
//!    whether each shift is already there) reads every row and returns an [`ImportPreview`]:
//!    every row's problems ([`ImportProblem`]: row, column, value, code, Swedish message), the
//!    counts, how the file was read (encoding, delimiter) and the file's SHA-256.
//! 2. **Commit** — the app opens a store transaction and calls [`for_each_shift`] again, inserting
//!    each [`ImportedShift`]; it commits only when the returned preview
//!    [`can_commit`](ImportPreview::can_commit) and its SHA-256 equals the previewed one.
//!    The store ignores shifts it already has, so importing the same file twice adds nothing.
//!
//! The crate is pure: it reads from any [`std::io::Read`], checks people against a [`Register`]
//! passed in and takes today's date as a parameter. CSV files stream record by record: memory
//! grows only with the index of distinct shifts used to spot duplicates inside the file (about
//! 100 bytes per shift at peak: 1,000,000 rows peak at ~100 MiB, see `benches/import.rs`) and
//! the first [`MAX_PROBLEMS_KEPT`] problems. An XLSX file is held in memory whole (a zip archive,
//! at most 64 MiB, unpacking to at most 64 MiB) and its sheet is streamed cell by cell under
//! caps (64 columns, Excel's 1,048,576 rows): a workbook past a limit is refused with the
//! problem `xlsx_too_large`, and no file can make the reader allocate by the size it declares.
//!
//! Overlapping and unusually long shifts need every shift and the full register at once, which
//! a streaming pass does not have: [`validate_imported`] runs core's validation over the shifts
//! of [`preview_with_shifts`] and points each finding at its row (see
//! [`ImportPreview::validation_note`]).
//!
//! ```
//! use assistid_core::ids::{IdentityNumber, Personnummer};
//! use assistid_import::{ImportFormat, KnownPeople, preview_with_shifts};
//! use chrono::NaiveDate;
//!
//! let register = KnownPeople::new(
//!     [IdentityNumber::from_digits("199001012385").expect("valid test number")],
//!     [Personnummer::from_digits("195001012383").expect("valid test number")],
//! );
//! let csv = "assistent;person;datum;start;slut;typ\n\
//!            199001012385;195001012383;2026-10-24;22:00;07:00;vänte\n";
//! let today = NaiveDate::from_ymd_opt(2026, 11, 1).expect("a real date");
//! let (preview, shifts) =
//!     preview_with_shifts(csv.as_bytes(), &ImportFormat::Csv, &register, today)
//!         .expect("reading from memory cannot fail");
//! assert!(preview.can_commit());
//! // 22:00 to 07:00 ends the next day, and that night the clock goes back: 10 real hours.
//! assert_eq!(shifts[0].shift.real_minutes(), 10 * 60);
//! ```
#![deny(missing_docs)]

mod cells;
mod columns;
mod csv_source;
mod engine;
pub mod messages;
mod preview;
mod problem;
mod register;
mod validate;
mod xlsx_limits;
mod xlsx_source;

use std::convert::Infallible;
use std::io::{self, Read};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use thiserror::Error;

pub use columns::{Column, MappedColumn};
pub use engine::MAX_PROBLEMS_KEPT;
pub use preview::{
    Delimiter, ImportCounts, ImportPreview, ImportedShift, SourceInfo, SourceKind, TextEncoding,
};
pub use problem::{ImportProblem, ProblemCode, Severity, mask_identity_numbers};
pub use register::{KnownPeople, Register};
pub use validate::{validate_imported, validate_imported_rows};

/// Which kind of file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportFormat {
    /// A CSV or tab-separated text file.
    Csv,
    /// An Excel workbook (.xlsx).
    Xlsx {
        /// The worksheet to read (matched case-insensitively); `None` for the first sheet.
        sheet: Option<String>,
    },
}

impl ImportFormat {
    /// The format a file name suggests (`.csv`, `.txt`, `.tsv` → CSV; `.xlsx` → XLSX), if any.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let lower = name.to_lowercase();
        if lower.ends_with(".xlsx") {
            Some(ImportFormat::Xlsx { sheet: None })
        } else if [".csv", ".txt", ".tsv"].iter().any(|e| lower.ends_with(e)) {
            Some(ImportFormat::Csv)
        } else {
            None
        }
    }

    /// The format the file's first bytes show: a zip archive is XLSX, anything else is read as
    /// CSV (and refused with a clear problem if it is not text).
    pub fn sniff(first_bytes: &[u8]) -> Self {
        if first_bytes.starts_with(b"PK\x03\x04") {
            ImportFormat::Xlsx { sheet: None }
        } else {
            ImportFormat::Csv
        }
    }
}

/// Why an import could not run at all. Problems *in* the file are not errors: they are
/// [`ImportProblem`]s in the preview.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImportError<E = Infallible> {
    /// The file could not be read (I/O error).
    #[error("filen kunde inte läsas: {0}")]
    Read(#[from] io::Error),
    /// The caller's callback returned an error and the import stopped there.
    #[error("importen avbröts: {0}")]
    Stopped(E),
}

/// Hashes everything read through it, so the commit can prove it read the previewed file.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Reads the whole file, sends every valid shift (each distinct shift once, in file order) to
/// `on_shift`, and returns the preview with every row's problems.
///
/// Rows with errors are not sent. The callback may stop the import by returning an error, which
/// comes back as [`ImportError::Stopped`]. Use it to commit inside a store transaction: insert
/// each shift, then commit only if the returned preview [`can_commit`](ImportPreview::can_commit)
/// and its `source.sha256` equals the previewed one.
pub fn for_each_shift<R, E, F>(
    reader: R,
    format: &ImportFormat,
    register: &dyn Register,
    today: NaiveDate,
    on_shift: F,
) -> Result<ImportPreview, ImportError<E>>
where
    R: Read,
    F: FnMut(ImportedShift) -> Result<(), E>,
{
    let mut hashing = HashingReader {
        inner: reader,
        hasher: Sha256::new(),
        bytes: 0,
    };
    let mut engine = engine::Engine::new(register, today, on_shift);
    let (kind, encoding, delimiter, sheet) = match format {
        ImportFormat::Csv => {
            let facts = csv_source::read(&mut hashing, &mut engine)?;
            (SourceKind::Csv, facts.encoding, facts.delimiter, None)
        }
        ImportFormat::Xlsx { sheet } => {
            let name = xlsx_source::read(&mut hashing, sheet.as_deref(), &mut engine)?;
            (SourceKind::Xlsx, None, None, name)
        }
    };
    // A file refused early is still hashed whole, so the hash always means "this file".
    io::copy(&mut hashing, &mut io::sink())?;
    let source = SourceInfo {
        kind,
        encoding,
        delimiter,
        sheet,
        bytes: hashing.bytes,
        sha256: hex::encode(hashing.hasher.finalize()),
    };
    Ok(engine.finish(source))
}

/// Reads the whole file and returns the preview (problems, counts, how it was read), keeping no
/// shifts: memory stays small however long the file is.
pub fn preview<R: Read>(
    reader: R,
    format: &ImportFormat,
    register: &dyn Register,
    today: NaiveDate,
) -> Result<ImportPreview, ImportError> {
    for_each_shift(reader, format, register, today, |_| Ok(()))
}

/// The preview and every valid shift, for files small enough to hold (a month's schedule):
/// the UI can then show the shifts and the app can compare them with the store.
pub fn preview_with_shifts<R: Read>(
    reader: R,
    format: &ImportFormat,
    register: &dyn Register,
    today: NaiveDate,
) -> Result<(ImportPreview, Vec<ImportedShift>), ImportError> {
    let mut shifts = Vec::new();
    let preview = for_each_shift(reader, format, register, today, |s| {
        shifts.push(s);
        Ok(())
    })?;
    Ok((preview, shifts))
}
