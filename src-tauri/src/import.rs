//! Importing a CSV/XLSX file from the UI: the file the user chose in the webview's own file
//! dialog arrives as bytes (the shell never opens a path the user did not choose), is staged in
//! the data folder, previewed with every problem, fixed row by row or skipped, and committed all
//! or nothing by [`assistid_app::App::import_commit`].
//!
//! Fixes and skips never edit the user's file: the shell keeps a working copy of a CSV as text,
//! replaces the fixed record's lines (a record that spanned several lines keeps its line count
//! with blank lines, so every other row keeps the row number the user sees), and blanks skipped
//! rows (the importer ignores blank rows). An Excel file cannot be edited that way; its error
//! rows can be skipped (they are left out on commit), and a fix is made in Excel.
//!
//! The commit passes the app the SHA-256 of the bytes it must read: the previewed file's
//! (Excel), or the working copy the shell wrote for the commit from the previewed text (CSV);
//! other bytes are refused and nothing is stored.
//!
//! A staged copy holds personnummer, so it lives no longer than it is needed: it is deleted
//! when another file is chosen, when the user leaves the import ([`ImportDesk::cancel`]), after
//! a commit, when the window closes or the data folder is switched ([`ImportDesk::clear`]), and
//! anything left by a crash at the next start ([`clear_staging`]).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use assistid_app::App;
use assistid_app::import::{ImportOptions, ImportReport};
use assistid_core::text::Lang;
use chrono::Utc;

use crate::ipc::{self, IpcError};

/// Largest file the UI may hand over (the app's own limit for a whole-file check).
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// Rows shown in the preview besides every row with a problem.
const ROWS_SHOWN: usize = 2_000;

/// One file the user chose, until it is committed or another file is chosen.
#[derive(Debug)]
struct Staged {
    file_name: String,
    /// The working copy the app reads.
    path: PathBuf,
    /// CSV: the working text (fixes and skips applied); `None` for XLSX.
    csv: Option<CsvText>,
    /// Rows the user fixed (to say so on commit).
    fixed: BTreeSet<u64>,
    /// The SHA-256 of the working copy at its latest preview.
    previewed_sha256: Option<String>,
}

#[derive(Debug, Clone)]
struct CsvText {
    delimiter: u8,
    lines: Vec<String>,
}

/// The staged import files, by token.
#[derive(Debug, Default)]
pub struct ImportDesk {
    staged: Mutex<HashMap<String, Staged>>,
}

/// The staging folder inside the data folder (cleared at start: a file the user chose in an
/// earlier session is not kept around).
pub fn staging_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("import-staging")
}

/// Removes files left from an earlier session.
pub fn clear_staging(data_dir: &Path) {
    let _ = std::fs::remove_dir_all(staging_dir(data_dir));
}

fn invalid(message: impl Into<String>) -> IpcError {
    IpcError {
        code: "invalid_input".to_owned(),
        message: message.into(),
        ..Default::default()
    }
}

fn io_error(what: &str, e: &std::io::Error) -> IpcError {
    IpcError {
        code: "internal".to_owned(),
        message: format!("Något gick fel: {what} ({e})."),
        ..Default::default()
    }
}

impl ImportDesk {
    /// Stages the chosen file and returns its token.
    pub fn open(
        &self,
        data_dir: &Path,
        file: &ipc::ImportFile,
    ) -> Result<ipc::ChosenFile, IpcError> {
        let bytes = file
            .bytes()
            .ok_or_else(|| invalid("Filen kom inte fram hel; välj den igen."))?;
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(invalid(format!(
                "Filen {} är {} MB; appen tar emot filer upp till 20 MB. Dela upp filen per månad, \
                 eller importera den med kommandot `assistid import`.",
                file.file_name,
                bytes.len() / (1024 * 1024)
            )));
        }
        let lower = file.file_name.to_lowercase();
        let is_xlsx = lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04");
        let dir = staging_dir(data_dir);
        create_private_dir(&dir).map_err(|e| io_error("importmappen kunde inte skapas", &e))?;
        let token = uuid::Uuid::new_v4().simple().to_string();
        let path = dir.join(format!("{token}.{}", if is_xlsx { "xlsx" } else { "csv" }));
        write_private(&path, &bytes).map_err(|e| io_error("filen kunde inte sparas", &e))?;
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
            remove_staged(&old);
        }
        Ok(ipc::ChosenFile {
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
            remove_staged(&staged);
        }
    }

    /// Deletes the staged file `token` (the user left the import without committing). A token
    /// already gone is fine: leaving twice does nothing.
    pub fn cancel(&self, token: &str) -> Result<(), IpcError> {
        let removed = self.lock()?.remove(token);
        if let Some(staged) = removed {
            remove_staged(&staged);
        }
        Ok(())
    }

    /// How many files are staged.
    pub fn staged_count(&self) -> usize {
        self.staged.lock().map_or(0, |s| s.len())
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Staged>>, IpcError> {
        self.staged.lock().map_err(|_| IpcError {
            code: "internal".to_owned(),
            message: "Något gick fel med importen; välj filen igen.".to_owned(),
            ..Default::default()
        })
    }

    fn staged_path(&self, token: &str) -> Result<(PathBuf, String), IpcError> {
        let staged = self.lock()?;
        let s = staged.get(token).ok_or_else(|| {
            invalid("Filen finns inte längre i importen (appen har startats om?); välj den igen.")
        })?;
        Ok((s.path.clone(), s.file_name.clone()))
    }

    /// Previews the staged file with the app and lists its rows (messages in Swedish).
    pub fn preview(&self, app: &App, token: &str) -> anyhow::Result<ipc::ImportPreview> {
        self.preview_in(app, token, Lang::Sv)
    }

    /// [`ImportDesk::preview`] with the problems' messages in `lang`.
    pub fn preview_in(
        &self,
        app: &App,
        token: &str,
        lang: Lang,
    ) -> anyhow::Result<ipc::ImportPreview> {
        let (path, file_name) = self.staged_path(token)?;
        let report = app.import_preview(&path, &ImportOptions::default(), Utc::now())?;
        // The first preview of a CSV makes the working text, decoded as the importer read it.
        let csv = {
            let mut staged = self.lock()?;
            match staged.get_mut(token) {
                Some(s) if s.csv.is_none() && report.preview.source.delimiter.is_some() => {
                    let bytes = std::fs::read(&s.path)
                        .map_err(|e| io_error("filen kunde inte läsas", &e))?;
                    s.csv = Some(CsvText::decode(&bytes, &report)?);
                    s.csv.clone()
                }
                Some(s) => s.csv.clone(),
                None => None,
            }
        };
        if let Some(s) = self.lock()?.get_mut(token) {
            s.previewed_sha256 = Some(report.preview.source.sha256.clone());
        }
        Ok(preview_of(token, &file_name, &report, csv.as_ref(), lang))
    }

    /// Replaces one data row's values (CSV only) and previews again.
    pub fn fix_row(
        &self,
        app: &App,
        token: &str,
        row: u32,
        values: &[String],
    ) -> anyhow::Result<ipc::ImportPreview> {
        self.fix_row_in(app, token, row, values, Lang::Sv)
    }

    /// [`ImportDesk::fix_row`] with the problems' messages in `lang`.
    pub fn fix_row_in(
        &self,
        app: &App,
        token: &str,
        row: u32,
        values: &[String],
        lang: Lang,
    ) -> anyhow::Result<ipc::ImportPreview> {
        {
            let mut staged = self.lock()?;
            let s = staged
                .get_mut(token)
                .ok_or_else(|| invalid("Filen finns inte längre i importen; välj den igen."))?;
            let csv = s.csv.as_mut().ok_or_else(|| {
                invalid(
                    "Rader i en Excel-fil kan inte rättas här. Rätta raden i Excel och välj filen \
                     igen, eller hoppa över raden.",
                )
            })?;
            csv.replace_record(u64::from(row), Some(values))?;
            write_private(&s.path, csv.lines.join("\n").as_bytes())
                .map_err(|e| io_error("rättelsen kunde inte sparas", &e))?;
            s.fixed.insert(u64::from(row));
        }
        self.preview_in(app, token, lang)
    }

    /// Stores the valid rows, leaving out `skip_rows`; all or nothing.
    pub fn commit(
        &self,
        app: &App,
        token: &str,
        skip_rows: &[u32],
    ) -> anyhow::Result<ipc::ImportResult> {
        let (path, _) = self.staged_path(token)?;
        let skip: BTreeSet<u64> = skip_rows.iter().map(|&r| u64::from(r)).collect();
        let mut options = ImportOptions::default();
        {
            let mut staged = self.lock()?;
            let s = staged
                .get_mut(token)
                .ok_or_else(|| invalid("Filen finns inte längre i importen; välj den igen."))?;
            let previewed = s.previewed_sha256.clone().ok_or_else(|| {
                invalid("Filen har inte förhandsgranskats; förhandsgranska den först.")
            })?;
            match s.csv.as_mut() {
                Some(csv) => {
                    // The skipped rows become blank lines: the importer ignores them and every
                    // other row keeps its number. The app must read exactly these bytes.
                    let mut working = csv.clone();
                    for &row in &skip {
                        working.replace_record(row, None)?;
                    }
                    let bytes = working.lines.join("\n").into_bytes();
                    write_private(&s.path, &bytes)
                        .map_err(|e| io_error("filen kunde inte förberedas", &e))?;
                    options.previewed_sha256 = Some(assistid_app::import::file_sha256(&bytes));
                }
                None => {
                    // Excel: the file is untouched since the user's preview.
                    options.previewed_sha256 = Some(previewed);
                    // Excel: only rows with errors can be left out (the importer skips them).
                    let report = app.import_preview(&path, &options, Utc::now())?;
                    let error_rows = error_rows(&report);
                    if let Some(valid) = skip.iter().find(|r| !error_rows.contains(r)) {
                        return Err(invalid(format!(
                            "Rad {valid} i Excel-filen har inga fel och kan inte hoppas över här; \
                             ta bort raden i Excel och välj filen igen."
                        ))
                        .into());
                    }
                    options.skip_invalid = !skip.is_empty();
                }
            }
        }
        let committed = app.import_commit(&path, &options, Utc::now());
        let report = match committed {
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
                    let _ = write_private(path, csv.lines.join("\n").as_bytes());
                }
                return Err(e);
            }
        };
        let committed = self.lock().ok().and_then(|mut staged| staged.remove(token));
        if let Some(s) = committed {
            remove_staged(&s);
        }
        Ok(ipc::ImportResult {
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

impl CsvText {
    fn decode(bytes: &[u8], report: &ImportReport) -> Result<CsvText, IpcError> {
        use assistid_import::TextEncoding;
        let delimiter = report.preview.source.delimiter.map_or(b';', |d| d.byte());
        let text = match report.preview.source.encoding {
            Some(TextEncoding::Windows1252) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            _ => {
                let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                String::from_utf8_lossy(bytes).into_owned()
            }
        };
        let lines = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
            .collect();
        Ok(CsvText { delimiter, lines })
    }

    /// Every record: its first line (1-based) and its cells.
    fn records(&self) -> Vec<(u64, Vec<String>)> {
        let text = self.lines.join("\n");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        let mut record = csv::StringRecord::new();
        // Line numbers come from byte offsets: the csv crate does not count the blank lines it
        // skips, and the importer (and so the user) counts every physical line.
        let newlines: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        // An unreadable tail ends the list: the importer has already said what is wrong.
        while let Ok(true) = reader.read_record(&mut record) {
            let mut byte = record
                .position()
                .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
            // The recorded start is before the blank lines the reader skipped on its way.
            while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
                byte += 1;
            }
            let line = newlines.partition_point(|&nl| nl < byte) as u64 + 1;
            out.push((line, record.iter().map(str::to_owned).collect()));
        }
        out
    }

    /// Replaces the record that starts on `row` with `values` (or with nothing), keeping the
    /// number of lines.
    fn replace_record(&mut self, row: u64, values: Option<&[String]>) -> Result<(), IpcError> {
        let records = self.records();
        let index = records
            .iter()
            .position(|(line, _)| *line == row)
            .ok_or_else(|| invalid(format!("Rad {row} finns inte i filen.")))?;
        let first = usize::try_from(row.saturating_sub(1)).unwrap_or(usize::MAX);
        let end = records
            .get(index + 1)
            .and_then(|(next, _)| usize::try_from(next.saturating_sub(1)).ok())
            .unwrap_or(self.lines.len())
            .min(self.lines.len());
        if first >= end {
            return Err(invalid(format!("Rad {row} finns inte i filen.")));
        }
        let replacement = match values {
            Some(values) => self.encode(values)?,
            None => String::new(),
        };
        for (i, line) in self.lines[first..end].iter_mut().enumerate() {
            *line = if i == 0 {
                replacement.clone()
            } else {
                String::new()
            };
        }
        Ok(())
    }

    fn encode(&self, values: &[String]) -> Result<String, IpcError> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // A typed value never spans lines: that would move every later row.
        let one_line: Vec<String> = values
            .iter()
            .map(|v| v.replace(['\r', '\n'], " ").trim().to_owned())
            .collect();
        writer
            .write_record(&one_line)
            .map_err(|e| invalid(format!("Raden kunde inte skrivas: {e}")))?;
        let bytes = writer
            .into_inner()
            .map_err(|e| invalid(format!("Raden kunde inte skrivas: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        Ok(text.trim_end_matches('\n').to_owned())
    }
}

fn preview_of(
    token: &str,
    file_name: &str,
    report: &ImportReport,
    csv: Option<&CsvText>,
    lang: Lang,
) -> ipc::ImportPreview {
    let p = &report.preview;
    let problems: Vec<ipc::ImportProblem> = p
        .problems
        .iter()
        .chain(&report.validation_problems)
        .map(|problem| ipc::ImportProblem {
            row: problem.row,
            column: problem.column.clone(),
            value: problem.value.clone(),
            code: problem.code.as_str().to_owned(),
            severity: if problem.is_error() {
                ipc::Severity::Error
            } else {
                ipc::Severity::Warning
            },
            message: problem.message_in(lang),
        })
        .collect();
    let mut status: HashMap<u64, ipc::ImportRowStatus> = HashMap::new();
    for problem in &problems {
        if let Some(row) = problem.row {
            let entry = status.entry(row).or_insert(ipc::ImportRowStatus::Warning);
            if problem.severity == ipc::Severity::Error {
                *entry = ipc::ImportRowStatus::Error;
            }
        }
    }
    let header_row = p.header_row.unwrap_or(1);
    let mut rows = Vec::new();
    let mut columns: Vec<String> = p.columns.iter().map(|c| c.header.clone()).collect();
    if let Some(csv) = csv {
        for (line, values) in csv.records() {
            if line == header_row {
                columns = values;
                continue;
            }
            if line < header_row || values.iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            let row_status = status
                .get(&line)
                .copied()
                .unwrap_or(ipc::ImportRowStatus::Ok);
            if rows.len() < ROWS_SHOWN || row_status != ipc::ImportRowStatus::Ok {
                rows.push(ipc::ImportRow {
                    row: line,
                    values,
                    status: row_status,
                });
            }
        }
    }
    let source = &p.source;
    ipc::ImportPreview {
        file_token: token.to_owned(),
        file_name: file_name.to_owned(),
        source: ipc::SourceInfo {
            description: source.describe_sv(),
            sha256: source.sha256.clone(),
            bytes: source.bytes,
        },
        can_fix_rows: csv.is_some(),
        columns,
        rows,
        counts: ipc::ImportCounts {
            rows_read: p.counts.rows_read,
            rows_valid: p.counts.rows_valid,
            rows_with_errors: p.counts.rows_with_errors,
            rows_with_warnings: p.counts.rows_with_warnings,
            shifts: p.counts.shifts,
            new_shifts: report.new_shifts,
            already_present: report.already_present,
            errors: report.error_count(),
            warnings: p.counts.warnings,
        },
        problems_total: p.problems_total + report.validation_problems.len() as u64,
        problems,
    }
}

/// Deletes a staged copy. A copy already gone is what was wanted; another failure is logged
/// (the error only, not the path) and the clearing at the next start removes the file.
fn remove_staged(staged: &Staged) {
    match std::fs::remove_file(&staged.path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(error = %e, "a staged import file could not be deleted"),
    }
}

/// The staging folder, owner-only (it is the shell's own: tightened if it already existed).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    assistid_app::owner_only::tighten_dir(dir)
}

/// Writes a file only the user can read (the file holds personnummer).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    assistid_app::owner_only::write_file(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[&str]) -> CsvText {
        CsvText {
            delimiter: b';',
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    #[test]
    fn a_fix_replaces_only_its_record_and_keeps_every_row_number() {
        let mut csv = text(&["a;b", "1;\"x", "y\"", "3;4"]);
        csv.replace_record(2, Some(&["5".to_owned(), "6".to_owned()]))
            .expect("row 2 exists");
        assert_eq!(
            csv.lines,
            vec!["a;b", "5;6", "", "3;4"],
            "the two-line record becomes one line and a blank one"
        );
        let rows: Vec<u64> = csv.records().iter().map(|(l, _)| *l).collect();
        assert!(
            rows.contains(&4),
            "the last record still starts on line 4: {rows:?}"
        );
    }

    #[test]
    fn a_skipped_row_becomes_blank_and_an_unknown_row_is_refused() {
        let mut csv = text(&["a;b", "1;2", "3;4"]);
        csv.replace_record(2, None).expect("row 2 exists");
        assert_eq!(csv.lines, vec!["a;b", "", "3;4"], "row 3 keeps its number");
        assert!(
            csv.replace_record(9, None).is_err(),
            "a row that is not in the file is an error, not a silent no-op"
        );
    }

    #[test]
    fn typed_values_with_the_delimiter_are_quoted_on_one_line() {
        let csv = text(&["a;b"]);
        let line = csv
            .encode(&["x;y".to_owned(), "z\nw".to_owned()])
            .expect("encodable");
        assert_eq!(line, "\"x;y\";z w");
    }
}
