//! The import session of a window: the file the user chose arrives as bytes (a front end never
//! hands over a path the user did not choose), is staged in the data folder
//! ([`staging`]), previewed with every problem, fixed row by row or skipped, and committed all
//! or nothing by [`App::import_commit`](crate::App::import_commit).
//!
//! Fixes and skips never edit the user's file: a CSV file has a working copy as text
//! (`working_copy.rs`), a fixed record's lines are replaced and a skipped one becomes blank, so
//! every other row keeps the number the user sees. An Excel file cannot be edited that way; its
//! error rows can be skipped (they are left out on commit), and a fix is made in Excel.
//!
//! The commit passes the app the SHA-256 of the bytes it must read: the previewed file's
//! (Excel), or the working copy written for the commit from the previewed text (CSV); other
//! bytes are refused (`import_file_changed`) and nothing is stored.
//!
//! A staged copy holds personnummer, so it lives no longer than it is needed: it is deleted
//! when another file is chosen, when the user leaves the import ([`ImportSession::cancel`]),
//! after a commit, when the window closes or the data folder is switched
//! ([`ImportSession::clear`]), and anything left by a crash at the next start
//! ([`staging::clear_staging`]).
//!
//! The session's refusals are [`AppError`]s told with the texts of [`templates`] (Swedish and
//! English): `invalid_input` for what the user can mend, `internal` when the staging folder
//! cannot be written or read.

mod preview;
pub mod staging;
pub mod views;
mod working_copy;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use assistid_core::text::{Lang, Template};
use chrono::{DateTime, Utc};

pub use preview::ROWS_SHOWN;
pub use views::{
    ChosenFile, ImportCounts, ImportFile, ImportPreview, ImportProblem, ImportResult, ImportRow,
    ImportRowStatus, SourceInfo,
};

use crate::import::{ImportOptions, ImportReport, file_sha256};
use crate::{App, AppError};
use working_copy::WorkingCsv;

/// Largest file a window may hand over (the app's own limit for a whole-file check); the CLI
/// reads larger files from their place.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// The import session's refusals, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    /// The file's bytes did not arrive whole (broken base64).
    pub static FILE_INCOMPLETE: Template = Template::new(
        "import_file_incomplete",
        "Filen kom inte fram hel; välj den igen.",
        "The file did not arrive whole; choose it again.",
    );
    /// The file is larger than a window takes.
    pub static FILE_TOO_LARGE: Template = Template::new(
        "import_file_too_large",
        "Filen {file} är {megabytes} MB; appen tar emot filer upp till 20 MB. Dela upp filen \
         per månad, eller importera den med kommandot `assistid import`.",
        "The file {file} is {megabytes} MB; the app accepts files up to 20 MB. Split the file \
         by month, or import it with the command `assistid import`.",
    );
    /// The token names no staged file (another file was chosen, or the app restarted).
    pub static FILE_GONE: Template = Template::new(
        "import_file_gone",
        "Filen finns inte längre i importen (appen har startats om?); välj den igen.",
        "The file is no longer in the import (was the app restarted?); choose it again.",
    );
    /// A row of an Excel file cannot be fixed in the window.
    pub static EXCEL_ROW_NOT_FIXABLE: Template = Template::new(
        "import_excel_row_not_fixable",
        "Rader i en Excel-fil kan inte rättas här. Rätta raden i Excel och välj filen igen, \
         eller hoppa över raden.",
        "Rows of an Excel file cannot be fixed here. Fix the row in Excel and choose the file \
         again, or skip the row.",
    );
    /// A commit before any preview.
    pub static NOT_PREVIEWED: Template = Template::new(
        "import_not_previewed",
        "Filen har inte förhandsgranskats; förhandsgranska den först.",
        "The file has not been previewed; preview it first.",
    );
    /// A row of an Excel file without errors cannot be skipped.
    pub static EXCEL_ROW_NOT_SKIPPABLE: Template = Template::new(
        "import_excel_row_not_skippable",
        "Rad {row} i Excel-filen har inga fel och kan inte hoppas över här; ta bort raden i \
         Excel och välj filen igen.",
        "Row {row} of the Excel file has no errors and cannot be skipped here; delete the row \
         in Excel and choose the file again.",
    );
    /// No record starts on the row named.
    pub static ROW_MISSING: Template = Template::new(
        "import_row_missing",
        "Rad {row} finns inte i filen.",
        "Row {row} is not in the file.",
    );
    /// The typed values could not be written as a CSV line.
    pub static ROW_UNWRITABLE: Template = Template::new(
        "import_row_unwritable",
        "Raden kunde inte skrivas: {error}",
        "The row could not be written: {error}",
    );
    /// The session's state was left broken by an earlier failure.
    pub static SESSION_BROKEN: Template = Template::new(
        "import_session_broken",
        "Något gick fel med importen; välj filen igen.",
        "Something went wrong with the import; choose the file again.",
    );
    /// The staging folder could not be made.
    pub static STAGING_DIR_FAILED: Template = Template::new(
        "import_staging_dir_failed",
        "Något gick fel: importmappen kunde inte skapas ({error}).",
        "Something went wrong: the import folder could not be created ({error}).",
    );
    /// The chosen file could not be staged.
    pub static FILE_NOT_SAVED: Template = Template::new(
        "import_file_not_saved",
        "Något gick fel: filen kunde inte sparas ({error}).",
        "Something went wrong: the file could not be saved ({error}).",
    );
    /// The staged file could not be read.
    pub static FILE_UNREADABLE: Template = Template::new(
        "import_file_unreadable",
        "Något gick fel: filen kunde inte läsas ({error}).",
        "Something went wrong: the file could not be read ({error}).",
    );
    /// A fix could not be written to the working copy.
    pub static FIX_NOT_SAVED: Template = Template::new(
        "import_fix_not_saved",
        "Något gick fel: rättelsen kunde inte sparas ({error}).",
        "Something went wrong: the fix could not be saved ({error}).",
    );
    /// The working copy could not be written for the commit.
    pub static FILE_NOT_PREPARED: Template = Template::new(
        "import_file_not_prepared",
        "Något gick fel: filen kunde inte förberedas ({error}).",
        "Something went wrong: the file could not be prepared ({error}).",
    );
}

/// Every template of the import session.
pub static CATALOG: &[&Template] = &[
    &templates::FILE_INCOMPLETE,
    &templates::FILE_TOO_LARGE,
    &templates::FILE_GONE,
    &templates::EXCEL_ROW_NOT_FIXABLE,
    &templates::NOT_PREVIEWED,
    &templates::EXCEL_ROW_NOT_SKIPPABLE,
    &templates::ROW_MISSING,
    &templates::ROW_UNWRITABLE,
    &templates::SESSION_BROKEN,
    &templates::STAGING_DIR_FAILED,
    &templates::FILE_NOT_SAVED,
    &templates::FILE_UNREADABLE,
    &templates::FIX_NOT_SAVED,
    &templates::FILE_NOT_PREPARED,
];

/// A failure of the staging folder (`internal`): the template, with the OS's error.
fn io_failed(template: &'static Template, e: &std::io::Error) -> AppError {
    AppError::told("internal", template.with("error", e.to_string()))
}

/// The token names no staged file.
fn file_gone() -> AppError {
    AppError::invalid_text(templates::FILE_GONE.text())
}

/// One file the user chose, until it is committed or another file is chosen.
#[derive(Debug)]
struct Staged {
    file_name: String,
    /// The working copy the app reads.
    path: PathBuf,
    /// CSV: the working text (fixes and skips applied); `None` for XLSX.
    csv: Option<WorkingCsv>,
    /// Rows the user fixed.
    fixed: BTreeSet<u64>,
    /// The SHA-256 of the working copy at its latest preview.
    previewed_sha256: Option<String>,
}

/// The staged import files of one window, by token: one import at a time (a new file
/// replaces the one before). Shared between threads; each use case locks it briefly.
#[derive(Debug, Default)]
pub struct ImportSession {
    staged: Mutex<HashMap<String, Staged>>,
}

impl ImportSession {
    /// Stages the chosen `file` in `data_dir`'s staging folder (owner-only) and returns its
    /// token. Refused when its bytes did not arrive whole or it is over
    /// [`MAX_IMPORT_BYTES`].
    pub fn open(&self, data_dir: &Path, file: &ImportFile) -> Result<ChosenFile, AppError> {
        let bytes = file
            .bytes()
            .ok_or_else(|| AppError::invalid_text(templates::FILE_INCOMPLETE.text()))?;
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(AppError::invalid_text(
                templates::FILE_TOO_LARGE
                    .with("file", file.file_name.clone())
                    .with("megabytes", bytes.len() / (1024 * 1024)),
            ));
        }
        let lower = file.file_name.to_lowercase();
        let is_xlsx = lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04");
        let dir = staging::staging_dir(data_dir);
        staging::create_private_dir(&dir)
            .map_err(|e| io_failed(&templates::STAGING_DIR_FAILED, &e))?;
        let token = uuid::Uuid::new_v4().simple().to_string();
        let path = dir.join(format!("{token}.{}", if is_xlsx { "xlsx" } else { "csv" }));
        staging::write_private(&path, &bytes)
            .map_err(|e| io_failed(&templates::FILE_NOT_SAVED, &e))?;
        let staged = Staged {
            file_name: file.file_name.clone(),
            path,
            csv: None,
            fixed: BTreeSet::new(),
            previewed_sha256: None,
        };
        // The new file replaces any earlier one: one import at a time.
        let replaced: Vec<Staged> = {
            let mut all = self.lock()?;
            let replaced = all.drain().map(|(_, s)| s).collect();
            all.insert(token.clone(), staged);
            replaced
        };
        for old in replaced {
            staging::remove_staged(&old.path);
        }
        Ok(ChosenFile {
            file_token: token,
            file_name: file.file_name.clone(),
        })
    }

    /// Deletes every staged file (the window closed, or the data folder they were staged for
    /// was closed).
    pub fn clear(&self) {
        let all: Vec<Staged> = match self.staged.lock() {
            Ok(mut staged) => staged.drain().map(|(_, s)| s).collect(),
            Err(poisoned) => poisoned.into_inner().drain().map(|(_, s)| s).collect(),
        };
        for staged in all {
            staging::remove_staged(&staged.path);
        }
    }

    /// Deletes the staged file `token` (the user left the import without committing). A token
    /// already gone is fine: leaving twice does nothing.
    pub fn cancel(&self, token: &str) -> Result<(), AppError> {
        let removed = self.lock()?.remove(token);
        if let Some(staged) = removed {
            staging::remove_staged(&staged.path);
        }
        Ok(())
    }

    /// How many files are staged.
    pub fn staged_count(&self) -> usize {
        self.staged.lock().map_or(0, |s| s.len())
    }

    fn lock(&self) -> Result<MutexGuard<'_, HashMap<String, Staged>>, AppError> {
        self.staged
            .lock()
            .map_err(|_| AppError::told("internal", templates::SESSION_BROKEN.text()))
    }

    fn staged_path(&self, token: &str) -> Result<(PathBuf, String), AppError> {
        let staged = self.lock()?;
        let s = staged.get(token).ok_or_else(file_gone)?;
        Ok((s.path.clone(), s.file_name.clone()))
    }

    /// Previews the staged file `token` with `app` and lists its rows, the problems' messages
    /// in `lang`. The first preview of a CSV makes its working copy, decoded as the importer
    /// read it; every preview records the SHA-256 a commit must match.
    pub fn preview(
        &self,
        app: &App,
        token: &str,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportPreview> {
        let (path, file_name) = self.staged_path(token)?;
        let report = app.import_preview(&path, &ImportOptions::default(), now)?;
        let csv = {
            let mut staged = self.lock()?;
            let csv = match staged.get_mut(token) {
                Some(s) if s.csv.is_none() && report.preview.source.delimiter.is_some() => {
                    let bytes = std::fs::read(&s.path)
                        .map_err(|e| io_failed(&templates::FILE_UNREADABLE, &e))?;
                    s.csv = Some(WorkingCsv::decode(&bytes, &report));
                    s.csv.clone()
                }
                Some(s) => s.csv.clone(),
                None => None,
            };
            if let Some(s) = staged.get_mut(token) {
                s.previewed_sha256 = Some(report.preview.source.sha256.clone());
            }
            csv
        };
        Ok(preview::preview_of(
            token,
            &file_name,
            &report,
            csv.as_ref(),
            lang,
        ))
    }

    /// Replaces one data row's values (CSV only; every other row keeps its number) and
    /// previews again. Refused for an Excel file (fixed in Excel) and for a row that does not
    /// start a record.
    pub fn fix_row(
        &self,
        app: &App,
        token: &str,
        row: u32,
        values: &[String],
        lang: Lang,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportPreview> {
        {
            let mut staged = self.lock()?;
            let s = staged.get_mut(token).ok_or_else(file_gone)?;
            let csv = s
                .csv
                .as_mut()
                .ok_or_else(|| AppError::invalid_text(templates::EXCEL_ROW_NOT_FIXABLE.text()))?;
            csv.replace_record(u64::from(row), Some(values))?;
            staging::write_private(&s.path, &csv.to_bytes())
                .map_err(|e| io_failed(&templates::FIX_NOT_SAVED, &e))?;
            s.fixed.insert(u64::from(row));
        }
        self.preview(app, token, lang, now)
    }

    /// Stores the valid rows, leaving out `skip_rows`; all or nothing. The app reads exactly
    /// the bytes that were previewed (CSV: the previewed working copy with the skipped rows
    /// blank; Excel: the staged file, whose skipped rows must be rows with errors). A
    /// committed file is no longer staged; a refused commit leaves the working copy as it was,
    /// so the user can go on.
    pub fn commit(
        &self,
        app: &App,
        token: &str,
        skip_rows: &[u32],
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportResult> {
        let (path, _) = self.staged_path(token)?;
        let skip: BTreeSet<u64> = skip_rows.iter().map(|&r| u64::from(r)).collect();
        let mut options = ImportOptions::default();
        {
            let mut staged = self.lock()?;
            let s = staged.get_mut(token).ok_or_else(file_gone)?;
            let previewed = s
                .previewed_sha256
                .clone()
                .ok_or_else(|| AppError::invalid_text(templates::NOT_PREVIEWED.text()))?;
            match s.csv.as_ref() {
                Some(csv) => {
                    // The skipped rows become blank lines: the importer ignores them and every
                    // other row keeps its number. The app must read exactly these bytes.
                    let mut working = csv.clone();
                    for &row in &skip {
                        working.replace_record(row, None)?;
                    }
                    let bytes = working.to_bytes();
                    staging::write_private(&s.path, &bytes)
                        .map_err(|e| io_failed(&templates::FILE_NOT_PREPARED, &e))?;
                    options.previewed_sha256 = Some(file_sha256(&bytes));
                }
                None => {
                    // Excel: the file is untouched since the user's preview.
                    options.previewed_sha256 = Some(previewed);
                    // Excel: only rows with errors can be left out (the importer skips them).
                    let report = app.import_preview(&path, &options, now)?;
                    let error_rows = error_rows(&report);
                    if let Some(valid) = skip.iter().find(|r| !error_rows.contains(r)) {
                        return Err(AppError::invalid_text(
                            templates::EXCEL_ROW_NOT_SKIPPABLE.with("row", *valid),
                        )
                        .into());
                    }
                    options.skip_invalid = !skip.is_empty();
                }
            }
        }
        let report = match app.import_commit(&path, &options, now) {
            Ok(report) => report,
            Err(e) => {
                // Put the working copy back as it was before the skips, so the user can go on.
                if let Ok(staged) = self.lock()
                    && let Some(Staged {
                        csv: Some(csv),
                        path,
                        ..
                    }) = staged.get(token)
                {
                    let _ = staging::write_private(path, &csv.to_bytes());
                }
                return Err(e);
            }
        };
        let committed = self.lock().ok().and_then(|mut staged| staged.remove(token));
        if let Some(s) = committed {
            staging::remove_staged(&s.path);
        }
        Ok(ImportResult {
            shifts_added: report.new_shifts,
            rows_skipped: skip.len() as u64 + report.skipped_rows,
            months: report
                .preview
                .shifts_per_month
                .keys()
                .map(ToString::to_string)
                .collect(),
        })
    }
}

/// The rows with at least one error, in the file's own checks or its shifts' together.
fn error_rows(report: &ImportReport) -> BTreeSet<u64> {
    report
        .preview
        .problems
        .iter()
        .chain(&report.validation_problems)
        .filter(|p| p.is_error())
        .filter_map(|p| p.row)
        .collect()
}
