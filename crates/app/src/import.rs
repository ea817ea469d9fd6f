//! Importing shifts from a file: a preview that lists every row's problems and what would be
//! created, then an all-or-nothing commit inside one store transaction.
//!
//! A file of a month's size is read once: the shifts the preview read and checked are the ones
//! stored. A very large file streams: the commit reads it again and proves by SHA-256 that it is
//! the file that was previewed; a file changed in between is refused and nothing is stored.
//! Importing the same file twice adds nothing: the store ignores shifts it already holds.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read as _};
use std::path::Path;

use anyhow::Context as _;
use assistid_core::model::Register as FullRegister;
use assistid_core::shift::Shift;
use assistid_import::{
    ImportFormat, ImportPreview, ImportProblem, KnownPeople, for_each_shift, preview_with_shifts,
    validate_imported_rows,
};
use assistid_store::InsertCounts;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{App, AppError};

/// Files up to this size are read whole for the preview, so overlaps and long shifts inside the
/// file can be checked before anything is stored (about 350,000 rows). Larger files stream; their
/// overlaps are caught by the month review instead.
const WHOLE_FILE_CHECK_LIMIT: u64 = 20 * 1024 * 1024;

/// Shifts are inserted in batches of this size inside the one transaction.
const INSERT_BATCH: usize = 10_000;

/// What an import preview or commit found.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// How the file was read, counts and the row problems from reading it.
    pub preview: ImportPreview,
    /// Problems found by checking the file's shifts together (overlaps, long shifts), on their
    /// rows. Empty when the file was too large for that check (see `whole_file_checked`).
    pub validation_problems: Vec<ImportProblem>,
    /// Whether overlaps and long shifts inside the file were checked before storing.
    pub whole_file_checked: bool,
    /// Shifts in the file that the database already holds (nothing to do for them).
    pub already_present: u64,
    /// Shifts that would be (or were) added.
    pub new_shifts: u64,
    /// Rows left out because they have errors (only with `skip_invalid`).
    pub skipped_rows: u64,
    /// True when the shifts were stored.
    pub committed: bool,
}

impl ImportReport {
    /// Errors anywhere: reading problems or validation problems.
    pub fn error_count(&self) -> u64 {
        self.preview.counts.errors
            + self
                .validation_problems
                .iter()
                .filter(|p| p.is_error())
                .count() as u64
    }
}

/// A whole file's valid shifts, with `rows[i]` the file row of `shifts[i]`.
struct FileShifts {
    rows: Vec<u64>,
    shifts: Vec<Shift>,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// XLSX: the sheet to read.
    pub sheet: Option<String>,
    /// Store the valid rows even when other rows have errors (those rows are skipped).
    pub skip_invalid: bool,
}

fn format_for(path: &Path, sheet: Option<String>) -> anyhow::Result<ImportFormat> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let format = match ImportFormat::from_file_name(name) {
        Some(f) => f,
        None => {
            let mut head = [0u8; 4];
            let mut file = open(path)?;
            let n = file
                .read(&mut head)
                .with_context(|| format!("kunde inte läsa {}", path.display()))?;
            ImportFormat::sniff(&head[..n])
        }
    };
    Ok(match (format, sheet) {
        (ImportFormat::Xlsx { .. }, sheet) => ImportFormat::Xlsx { sheet },
        (other, None) => other,
        (_, Some(_)) => {
            return Err(AppError::invalid("--sheet", "anges bara för Excel-filer (.xlsx)").into());
        }
    })
}

fn open(path: &Path) -> anyhow::Result<File> {
    File::open(path).map_err(|e| {
        AppError::invalid("fil", format!("{} kan inte öppnas: {e}", path.display())).into()
    })
}

impl App {
    fn known_people(&self) -> anyhow::Result<KnownPeople> {
        let persons = self.persons()?;
        let assistants = self.assistants()?;
        Ok(KnownPeople::new(
            assistants.into_iter().map(|a| a.id),
            persons.into_iter().map(|p| p.personnummer),
        ))
    }

    /// Reads the file and reports every problem and what would change; stores nothing.
    pub fn import_preview(
        &self,
        path: &Path,
        options: &ImportOptions,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportReport> {
        Ok(self.preview_file(path, options, now, true)?.0)
    }

    /// The preview; `count_present` asks the store about every shift (the commit skips it: the
    /// insert itself tells which shifts were already there).
    fn preview_file(
        &self,
        path: &Path,
        options: &ImportOptions,
        now: DateTime<Utc>,
        count_present: bool,
    ) -> anyhow::Result<(ImportReport, Option<FileShifts>)> {
        let format = format_for(path, options.sheet.clone())?;
        let known = self.known_people()?;
        let today = crate::local_today(now);
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
        if size <= WHOLE_FILE_CHECK_LIMIT {
            let (preview, imported) =
                preview_with_shifts(BufReader::new(open(path)?), &format, &known, today)
                    .context("importfilen")?;
            // Moved apart, not copied: core's checks take the shifts as a slice.
            let (rows, shifts): (Vec<u64>, Vec<Shift>) =
                imported.into_iter().map(|i| (i.row, i.shift)).unzip();
            let shifts = FileShifts { rows, shifts };
            let validation_problems = self.validate_file_shifts(&shifts)?;
            let already_present = if count_present {
                self.count_present(shifts.shifts.iter())?
            } else {
                0
            };
            let report = ImportReport {
                new_shifts: preview.counts.shifts.saturating_sub(already_present),
                preview,
                validation_problems,
                whole_file_checked: true,
                already_present,
                skipped_rows: 0,
                committed: false,
            };
            Ok((report, Some(shifts)))
        } else {
            let store = self.store();
            let mut already_present = 0u64;
            let preview =
                for_each_shift(BufReader::new(open(path)?), &format, &known, today, |s| {
                    if count_present && store.contains_shift(&s.shift)? {
                        already_present += 1;
                    }
                    Ok::<(), assistid_store::StoreError>(())
                })
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let report = ImportReport {
                new_shifts: preview.counts.shifts.saturating_sub(already_present),
                preview,
                validation_problems: Vec::new(),
                whole_file_checked: false,
                already_present,
                skipped_rows: 0,
                committed: false,
            };
            Ok((report, None))
        }
    }

    /// Reads a large file again and stores its valid shifts in batches inside one transaction,
    /// refusing (and rolling back) if the file is not the one previewed.
    #[allow(clippy::too_many_arguments)]
    fn commit_streaming(
        &self,
        path: &Path,
        format: &ImportFormat,
        known: &KnownPeople,
        today: chrono::NaiveDate,
        bad_rows: &HashSet<u64>,
        previewed_hash: &str,
        batch_id: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(InsertCounts, u64)> {
        self.store()
            .transaction(|s| -> anyhow::Result<(InsertCounts, u64)> {
                let mut total = InsertCounts::default();
                let mut skipped = 0u64;
                let mut batch: Vec<Shift> = Vec::with_capacity(INSERT_BATCH);
                let flush =
                    |batch: &mut Vec<Shift>, total: &mut InsertCounts| -> Result<(), AppError> {
                        let c = s.insert_shifts(batch.iter(), Some(batch_id), now)?;
                        total.inserted += c.inserted;
                        total.already_present += c.already_present;
                        batch.clear();
                        Ok(())
                    };
                let preview = for_each_shift(
                    BufReader::new(open(path)?),
                    format,
                    known,
                    today,
                    |imported| {
                        if bad_rows.contains(&imported.row) {
                            skipped += 1;
                            return Ok(());
                        }
                        batch.push(imported.shift);
                        if batch.len() >= INSERT_BATCH {
                            flush(&mut batch, &mut total)?;
                        }
                        Ok::<(), AppError>(())
                    },
                )
                .map_err(|e| match e {
                    assistid_import::ImportError::Stopped(app) => anyhow::Error::from(app),
                    other => anyhow::anyhow!("{other}"),
                })?;
                if preview.source.sha256 != previewed_hash {
                    // Returning an error rolls the whole transaction back.
                    anyhow::bail!(AppError::invalid(
                        "fil",
                        "filen ändrades under importen; ingenting importerades, försök igen"
                    ));
                }
                flush(&mut batch, &mut total)?;
                Ok((total, skipped + preview.counts.rows_with_errors))
            })
    }

    fn validate_file_shifts(&self, file: &FileShifts) -> anyhow::Result<Vec<ImportProblem>> {
        let provider = self.provider()?;
        let persons = self.persons()?;
        let assistants = self.assistants()?;
        let register = FullRegister {
            provider: provider.as_ref(),
            persons: &persons,
            assistants: &assistants,
        };
        Ok(validate_imported_rows(&file.shifts, &file.rows, &register))
    }

    fn count_present<'a>(&self, shifts: impl Iterator<Item = &'a Shift>) -> anyhow::Result<u64> {
        let store = self.store();
        let mut n = 0;
        for shift in shifts {
            if store.contains_shift(shift).map_err(AppError::from)? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Previews, then — when there are no errors, or `skip_invalid` is set — stores every valid
    /// shift in one transaction. With errors and without `skip_invalid` nothing is stored and
    /// the error is [`AppError::DataProblems`].
    pub fn import_commit(
        &self,
        path: &Path,
        options: &ImportOptions,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportReport> {
        let (mut report, read_shifts) = self.preview_file(path, options, now, false)?;
        let errors = report.error_count();
        if errors > 0 && !options.skip_invalid {
            return Err(AppError::DataProblems {
                count: errors as usize,
                message: format!(
                    "filen har {errors} fel; ingenting importerades. Rätta raderna (se listan) eller \
                     importera bara de giltiga raderna med --skip-invalid."
                ),
            }
            .into());
        }
        if report.preview.counts.shifts == 0 {
            return Err(AppError::DataProblems {
                count: 0,
                message: "filen innehåller inga giltiga pass att importera".into(),
            }
            .into());
        }
        // Rows whose shifts were found invalid together with others (overlaps) are skipped too.
        let bad_rows: HashSet<u64> = report
            .validation_problems
            .iter()
            .filter(|p| p.is_error())
            .filter_map(|p| p.row)
            .collect();
        let previewed_hash = report.preview.source.sha256.clone();
        let batch_id = format!("import:{}", &previewed_hash[..16.min(previewed_hash.len())]);
        // One transaction for the shifts and the event that records their import: both or
        // neither, and one durable commit (one fsync) instead of two.
        let (counts, skipped) = self.store().transaction(|store| -> anyhow::Result<_> {
            let (counts, skipped) = match read_shifts {
                // The file was read whole for the preview: store exactly those shifts (the store
                // inserts them in its index's order).
                Some(file) => {
                    let keep: Vec<&Shift> = file
                        .rows
                        .iter()
                        .zip(&file.shifts)
                        .filter(|(row, _)| !bad_rows.contains(row))
                        .map(|(_, shift)| shift)
                        .collect();
                    let skipped = (file.shifts.len() - keep.len()) as u64
                        + report.preview.counts.rows_with_errors;
                    let counts = store
                        .insert_shifts(keep.iter().copied(), Some(&batch_id), now)
                        .map_err(AppError::from)?;
                    (counts, skipped)
                }
                None => {
                    let format = format_for(path, options.sheet.clone())?;
                    let known = self.known_people()?;
                    let today = crate::local_today(now);
                    self.commit_streaming(
                        path,
                        &format,
                        &known,
                        today,
                        &bad_rows,
                        &previewed_hash,
                        &batch_id,
                        now,
                    )?
                }
            };
            self.log_event(
                now,
                "shifts_imported",
                None,
                serde_json::json!({
                    "file_sha256": previewed_hash,
                    "inserted": counts.inserted,
                    "already_present": counts.already_present,
                    "skipped_rows": skipped,
                }),
            )?;
            Ok((counts, skipped))
        })?;
        report.new_shifts = counts.inserted as u64;
        report.already_present = counts.already_present as u64;
        report.skipped_rows = skipped;
        report.committed = true;
        Ok(report)
    }
}
