//! Importing shifts from a file: a preview that lists every row's problems and what would be
//! created, then an all-or-nothing commit inside one store transaction.
//!
//! The commit reads the file once, on a second thread, while the caller's thread inserts the
//! shifts already read into the open transaction; the transaction commits only once the whole
//! file has been read and checked (for a file of a month's size also its shifts together:
//! overlaps, long shifts), and rolls back if anything is wrong. A very large file streams: at most
//! a few batches of its shifts are in memory, and its overlaps are left to the month review.
//! The import's event records the SHA-256 of exactly the bytes stored, and a caller that
//! previewed the file first passes the preview's SHA-256 ([`ImportOptions::previewed_sha256`]):
//! the commit hashes the bytes it reads and stores nothing when they are not the previewed ones.
//! Importing the same file twice adds nothing: the store ignores shifts it already holds.
//!
//! The file is checked against what is stored by the month grid's rules (`crate::shifts`), at
//! the preview and again inside the commit's transaction (the store may have changed in
//! between): a row that would add a shift to a report Försäkringskassan has received, or that is
//! on its way there, is an error with the grid's refusal (`report_already_sent`,
//! `report_being_sent`); a row that adds a shift to a signed report is a warning
//! (`signatures_must_be_retaken`: the month review makes a new version to sign again); a shift
//! that overlaps one already stored gets core's overlap finding (`overlap_same_person` is an
//! error, `overlap_two_persons` a warning), as the grid's. Shifts already stored change nothing
//! and are never refused. A file too large to hold gets the report checks but leaves overlaps to
//! the month review.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read as _};
use std::path::Path;
use std::sync::mpsc;

use anyhow::Context as _;
use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{Register as FullRegister, ReportMonth};
use assistid_core::shift::Shift;
use assistid_core::validation;
use assistid_import::{
    ImportFormat, ImportPreview, ImportProblem, KnownPeople, ProblemCode, Severity, for_each_shift,
    validate_imported_rows,
};
use assistid_store::{InsertCounts, MAX_SHIFT_MINUTES};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::shifts::{ReportKey, ShiftRefused, keys_of};
use crate::{App, AppError};

/// Files up to this size are read whole for the preview, so overlaps and long shifts inside the
/// file can be checked before anything is stored (about 350,000 rows). Larger files stream; their
/// overlaps are caught by the month review instead.
const WHOLE_FILE_CHECK_LIMIT: u64 = 20 * 1024 * 1024;

/// A file too large to hold is inserted in batches of this size inside the one transaction
/// (tiny in unit tests, so that small files go through many batches).
#[cfg(not(test))]
const INSERT_BATCH: usize = 10_000;
#[cfg(test)]
const INSERT_BATCH: usize = 4;

/// Batches of a large file that may wait for the insert (memory stays at a few batches).
const STREAM_QUEUE: usize = 2;

/// While a whole file is read on one thread, its shifts go to the insert on the caller's thread
/// in batches of this size: small enough that the insert starts early, large enough that the
/// hand-over costs nothing (tiny in unit tests, as [`INSERT_BATCH`]).
#[cfg(not(test))]
const PIPELINE_BATCH: usize = 2_048;
#[cfg(test)]
const PIPELINE_BATCH: usize = 4;

/// What an import preview or commit found.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// How the file was read, counts and the row problems from reading it.
    pub preview: ImportPreview,
    /// Problems found by checking the file's shifts together (overlaps, long shifts) and against
    /// what is stored (reports FK has or is getting, signed reports, overlaps with stored
    /// shifts), on their rows. For a file too large to hold only the checks of reports (see
    /// `whole_file_checked`).
    pub validation_problems: Vec<ImportProblem>,
    /// Whether overlaps and long shifts inside the file, and overlaps with stored shifts, were
    /// checked before storing.
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

/// A whole file's valid shifts, with `rows[i]` the file row of `shifts[i]` (also a batch of
/// them, handed to the insert while the file is read).
#[derive(Default)]
struct FileShifts {
    rows: Vec<u64>,
    shifts: Vec<Shift>,
}

impl FileShifts {
    fn push(&mut self, row: u64, shift: Shift) {
        self.rows.push(row);
        self.shifts.push(shift);
    }

    fn len(&self) -> usize {
        self.shifts.len()
    }
}

/// What reading a whole file gives: the preview, its valid shifts and the problems found by
/// checking those shifts together.
struct WholeFile {
    preview: ImportPreview,
    shifts: FileShifts,
    validation_problems: Vec<ImportProblem>,
}

/// Reads a whole file: every row checked, then the file's shifts checked together (overlaps,
/// long shifts). `on_batch` gets copies of the valid shifts in batches of [`PIPELINE_BATCH`] while
/// the file is still being read (the commit inserts them meanwhile, on another thread); it
/// returns false when it wants no more.
fn read_whole_file(
    file: File,
    format: &ImportFormat,
    known: &KnownPeople,
    register: &FullRegister<'_>,
    today: chrono::NaiveDate,
    mut on_batch: Option<&mut dyn FnMut(FileShifts) -> bool>,
) -> anyhow::Result<WholeFile> {
    let mut rows = Vec::new();
    let mut shifts = Vec::new();
    let mut batch = FileShifts::default();
    let mut wanted = on_batch.is_some();
    let preview = for_each_shift(BufReader::new(file), format, known, today, |s| {
        if wanted {
            batch.push(s.row, s.shift.clone());
            if batch.len() >= PIPELINE_BATCH
                && let Some(on_batch) = on_batch.as_mut()
            {
                wanted = on_batch(std::mem::take(&mut batch));
            }
        }
        rows.push(s.row);
        shifts.push(s.shift);
        Ok::<(), std::convert::Infallible>(())
    })
    .context("importfilen")?;
    if wanted
        && batch.len() > 0
        && let Some(on_batch) = on_batch.as_mut()
    {
        on_batch(batch);
    }
    let shifts = FileShifts { rows, shifts };
    let validation_problems = validate_imported_rows(&shifts.shifts, &shifts.rows, register);
    Ok(WholeFile {
        preview,
        shifts,
        validation_problems,
    })
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// XLSX: the sheet to read.
    pub sheet: Option<String>,
    /// Store the valid rows even when other rows have errors (those rows are skipped).
    pub skip_invalid: bool,
    /// The SHA-256 (lowercase hex) of the file as it was previewed
    /// (`ImportPreview::source.sha256`). The commit hashes the bytes it reads and, when they
    /// differ, stores nothing (`import_file_changed`). `None` when the commit is its
    /// own preview (the CLI without `--sha256`): what is stored is then what was read.
    pub previewed_sha256: Option<String>,
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
            return Err(AppError::invalid_with(
                "--sheet",
                crate::invalid::templates::SHEET_ONLY_FOR_EXCEL.text(),
            )
            .into());
        }
    })
}

/// Opens the file to import. Only a regular file (a link to one is fine): opening a named
/// pipe waits for a writer that may never come, and a device never ends.
fn open(path: &Path) -> anyhow::Result<File> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(AppError::invalid_with(
            "fil",
            crate::invalid::templates::NOT_A_REGULAR_FILE.with("path", path.display().to_string()),
        )
        .into());
    }
    File::open(path).map_err(|e| {
        AppError::invalid_with(
            "fil",
            crate::invalid::templates::FILE_CANNOT_BE_OPENED
                .with("path", path.display().to_string())
                .with("error", e.to_string()),
        )
        .into()
    })
}

/// The register as the import checks it: the provider, persons and assistants, read once.
struct ImportRegister {
    provider: Option<assistid_core::model::Provider>,
    persons: Vec<assistid_core::model::PersonWithAssistance>,
    assistants: Vec<assistid_core::model::Assistant>,
}

impl ImportRegister {
    fn known(&self) -> KnownPeople {
        KnownPeople::new(
            self.assistants.iter().map(|a| a.id.clone()),
            self.persons.iter().map(|p| p.personnummer.clone()),
        )
    }

    fn full(&self) -> FullRegister<'_> {
        FullRegister {
            provider: self.provider.as_ref(),
            persons: &self.persons,
            assistants: &self.assistants,
        }
    }
}

/// The preview of a whole file read, with `already_present` shifts found in the store.
fn whole_file_report(whole: WholeFile, already_present: u64) -> (ImportReport, FileShifts) {
    let report = ImportReport {
        new_shifts: whole.preview.counts.shifts.saturating_sub(already_present),
        preview: whole.preview,
        validation_problems: whole.validation_problems,
        whole_file_checked: true,
        already_present,
        skipped_rows: 0,
        committed: false,
    };
    (report, whole.shifts)
}

/// The import's checks against the store, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    /// A row for a report FK has or is receiving.
    pub static ROW_REFUSED: Template = Template::new(
        "import_row_refused",
        "passet {shift} kan inte importeras. {why} Ta bort raden ur filen eller \
         hoppa över den och importera resten.",
        "the shift {shift} cannot be imported. {why} Remove the row from the file or skip it \
         and import the rest.",
    );
    /// A row for a signed report.
    pub static ROW_IN_SIGNED_REPORT: Template = Template::new(
        "import_row_in_signed_report",
        "passet {shift} hör till rapporten för {report}, som redan är underskriven. \
         Importen ger rapporten en ny version; underskrifterna gäller inte den och \
         måste tas igen — först av assistenten, sedan av anordnaren.",
        "the shift {shift} belongs to the report for {report}, which is already signed. The \
         import gives the report a new version; the signatures do not apply to it and must be \
         taken again — first by the assistant, then by the provider.",
    );
    /// An overlap with a stored shift.
    pub static OVERLAP_WITH_STORED: Template = Template::new(
        "import_overlap_with_stored",
        "{issue} Det andra passet finns redan sparat i Assistid.",
        "{issue} The other shift is already saved in Assistid.",
    );
}

/// Every template of the import's checks against the store.
pub static CATALOG: &[&assistid_core::text::Template] = &[
    &templates::ROW_REFUSED,
    &templates::ROW_IN_SIGNED_REPORT,
    &templates::OVERLAP_WITH_STORED,
];

/// Refuses a commit with errors (unless `skip_invalid`) or without any valid shift.
fn refuse_commit(report: &ImportReport, options: &ImportOptions) -> Result<(), AppError> {
    let errors = report.error_count();
    if errors > 0 && !options.skip_invalid {
        return Err(AppError::data_problems(
            crate::error::templates::IMPORT_HAS_ERRORS.with("count", errors),
        ));
    }
    if report.preview.counts.shifts == 0 {
        return Err(AppError::data_problems(
            crate::error::templates::IMPORT_NO_VALID_SHIFTS.text(),
        ));
    }
    Ok(())
}

/// Rows whose shifts were found invalid together with others (overlaps): skipped too.
fn rows_with_validation_errors(report: &ImportReport) -> HashSet<u64> {
    report
        .validation_problems
        .iter()
        .filter(|p| p.is_error())
        .filter_map(|p| p.row)
        .collect()
}

fn batch_id_of(previewed_hash: &str) -> String {
    format!("import:{}", &previewed_hash[..16.min(previewed_hash.len())])
}

/// Refuses bytes that are not the previewed file's (checked before the transaction commits).
fn refuse_changed_file(read_sha256: &str, options: &ImportOptions) -> Result<(), AppError> {
    match options.previewed_sha256.as_deref() {
        Some(previewed) if !previewed.eq_ignore_ascii_case(read_sha256) => Err(AppError::Told {
            code: "import_file_changed",
            text: crate::error::templates::IMPORT_FILE_CHANGED.text(),
            data_problem: true,
        }),
        _ => Ok(()),
    }
}

/// What the store says about one report (assistant × person × month) a file touches.
enum ReportState {
    /// Nothing stops a change.
    Open,
    /// Its latest version is signed (frozen): a new shift makes a new version to sign again.
    Signed,
    /// FK has it, or it is on its way there: the month grid's refusal.
    Refused(ShiftRefused),
}

/// Identifies a shift as the store does (assistant, person, start, end, kind; not the note).
type StoreIdentity = (IdentityNumber, Personnummer, i64, i64, &'static str);

fn store_identity(shift: &Shift) -> StoreIdentity {
    (
        shift.assistant.clone(),
        shift.person.clone(),
        shift.start.utc_minutes(),
        shift.end.utc_minutes(),
        shift.kind.code(),
    )
}

/// A file's shifts checked against what is already stored, by the month grid's rules (see the
/// module documentation). Collects the problems; each report's state is read once.
struct AgainstStore<'a> {
    app: &'a App,
    /// Whether any report version of the month is frozen (signed) or has a submission: most
    /// files touch only months without, and skip the per-report look-up.
    months: HashMap<ReportMonth, bool>,
    reports: HashMap<ReportKey, ReportState>,
    problems: Vec<ImportProblem>,
    /// Every shift of the file seen so far: stored shifts that are the file's own (already
    /// there, or stored by this commit) are not neighbours to overlap.
    own: HashSet<StoreIdentity>,
    /// Overlaps with a stored shift, with that shift: kept only if it is not one of the file's
    /// own, which is known once the whole file has been seen.
    overlaps: Vec<(ImportProblem, StoreIdentity)>,
}

impl<'a> AgainstStore<'a> {
    fn new(app: &'a App) -> Self {
        Self {
            app,
            months: HashMap::new(),
            reports: HashMap::new(),
            problems: Vec::new(),
            own: HashSet::new(),
            overlaps: Vec::new(),
        }
    }

    /// Whether a month the shift's local dates touch has a frozen or submitted report version.
    fn touches_frozen_month(&mut self, shift: &Shift) -> anyhow::Result<bool> {
        let last = ReportMonth::of(shift.end.local().date());
        let mut month = ReportMonth::of(shift.start.local().date());
        loop {
            let frozen = match self.months.entry(month) {
                Entry::Occupied(known) => *known.get(),
                Entry::Vacant(new) => {
                    let store = self.app.store();
                    let frozen = store
                        .report_versions_in_month(month)
                        .map_err(AppError::from)?
                        .iter()
                        .any(|v| v.is_frozen())
                        || !store
                            .submissions_in_month(month)
                            .map_err(AppError::from)?
                            .is_empty();
                    *new.insert(frozen)
                }
            };
            if frozen {
                return Ok(true);
            }
            if month >= last {
                return Ok(false);
            }
            month = month.next();
        }
    }

    fn state(&mut self, key: ReportKey) -> anyhow::Result<&ReportState> {
        let app = self.app;
        Ok(match self.reports.entry(key) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => {
                let (assistant, person, month) = new.key();
                let state = if let Some(refused) = app.sent_refusal(new.key())? {
                    ReportState::Refused(refused)
                } else if app
                    .store()
                    .latest_report_version(assistant, person, *month)
                    .map_err(AppError::from)?
                    .is_some_and(|v| v.is_frozen())
                {
                    ReportState::Signed
                } else {
                    ReportState::Open
                };
                new.insert(state)
            }
        })
    }

    /// Checks one valid row's shift before it is stored: an error when it would change a report
    /// FK has or is getting, a warning when it changes a signed one. A shift already stored
    /// changes nothing and passes. Returns false when the shift must not be stored.
    fn check_reports(&mut self, row: u64, shift: &Shift) -> anyhow::Result<bool> {
        if !self.touches_frozen_month(shift)? {
            return Ok(true);
        }
        let mut refused: Option<ShiftRefused> = None;
        let mut signed: Option<ReportKey> = None;
        for key in keys_of(shift) {
            match self.state(key.clone())? {
                ReportState::Open => {}
                ReportState::Signed => {
                    signed.get_or_insert(key);
                }
                ReportState::Refused(why) => {
                    refused.get_or_insert_with(|| why.clone());
                }
            }
        }
        if (refused.is_none() && signed.is_none())
            || self
                .app
                .store()
                .contains_shift(shift)
                .map_err(AppError::from)?
        {
            return Ok(true);
        }
        let described = validation::describe_shift(shift);
        if let Some(why) = refused {
            self.problems.push(ImportProblem::found(
                Some(row),
                None,
                Some(described.clone()),
                ProblemCode::Stored(why.code),
                Severity::Error,
                templates::ROW_REFUSED
                    .with("shift", validation::shift_text(shift))
                    .with("why", *why.text),
            ));
            return Ok(false);
        }
        if let Some((assistant, person, month)) = signed {
            self.problems.push(ImportProblem::found(
                Some(row),
                None,
                Some(described.clone()),
                ProblemCode::Stored("signatures_must_be_retaken"),
                Severity::Warning,
                templates::ROW_IN_SIGNED_REPORT
                    .with("shift", validation::shift_text(shift))
                    .with(
                        "report",
                        self.app.report_label_text(&assistant, &person, month),
                    ),
            ));
        }
        Ok(true)
    }

    /// Core's overlap findings between a batch of the file's shifts (before they are stored)
    /// and the shifts already stored, each pair as the grid checks a typed shift against its
    /// neighbours. Stored shifts that are the file's own (already there, or stored from an
    /// earlier batch) are not neighbours: overlaps inside the file are
    /// `validate_imported_rows`'s. The preview passes the whole file as one batch; the commit
    /// each batch before inserting it, so it never reads its own inserted shifts back.
    fn check_overlaps(
        &mut self,
        file: &FileShifts,
        register: &FullRegister<'_>,
    ) -> anyhow::Result<()> {
        self.own.extend(file.shifts.iter().map(store_identity));
        let own = &self.own;
        let mut by_assistant: HashMap<&IdentityNumber, Vec<usize>> = HashMap::new();
        for (i, shift) in file.shifts.iter().enumerate() {
            by_assistant.entry(&shift.assistant).or_default().push(i);
        }
        let store = self.app.store();
        for (assistant, indexes) in by_assistant {
            let from = indexes
                .iter()
                .map(|&i| file.shifts[i].start.utc_minutes())
                .min()
                .unwrap_or(0);
            let to = indexes
                .iter()
                .map(|&i| file.shifts[i].end.utc_minutes())
                .max()
                .unwrap_or(0);
            let stored: Vec<Shift> = store
                .shifts_of_assistant_between(assistant, from, to)
                .map_err(AppError::from)?
                .into_iter()
                .map(|s| s.shift)
                .filter(|s| !own.contains(&store_identity(s)))
                .collect();
            if stored.is_empty() {
                continue;
            }
            for i in indexes {
                let shift = &file.shifts[i];
                let (start, end) = (shift.start.utc_minutes(), shift.end.utc_minutes());
                // Sorted by start, no stored shift longer than MAX_SHIFT_MINUTES.
                let before_end = stored.partition_point(|s| s.start.utc_minutes() < end);
                let neighbours = stored[..before_end]
                    .iter()
                    .rev()
                    .take_while(|s| s.start.utc_minutes() > start - MAX_SHIFT_MINUTES)
                    .filter(|s| s.end.utc_minutes() > start);
                for other in neighbours {
                    let pair = [other.clone(), shift.clone()];
                    for issue in validation::find_overlaps(&pair, register) {
                        let problem = ImportProblem::found(
                            file.rows.get(i).copied(),
                            None,
                            Some(validation::describe_shift(shift)),
                            ProblemCode::Validation(issue.code),
                            if issue.is_error() {
                                Severity::Error
                            } else {
                                Severity::Warning
                            },
                            templates::OVERLAP_WITH_STORED.with("issue", issue.text.clone()),
                        );
                        self.overlaps.push((problem, store_identity(other)));
                    }
                }
            }
        }
        Ok(())
    }

    /// The problems found, to add to the file's own.
    fn finish(self) -> Vec<ImportProblem> {
        let own = self.own;
        let mut problems = self.problems;
        problems.extend(
            self.overlaps
                .into_iter()
                .filter(|(_, other)| !own.contains(other))
                .map(|(problem, _)| problem),
        );
        problems
    }
}

/// `problems` added to the report's validation problems, in row order.
fn add_problems(report: &mut ImportReport, problems: Vec<ImportProblem>) {
    if problems.is_empty() {
        return;
    }
    report.validation_problems.extend(problems);
    report.validation_problems.sort_by_key(|p| p.row);
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

    fn import_register(&self) -> anyhow::Result<ImportRegister> {
        Ok(ImportRegister {
            provider: self.provider()?,
            persons: self.persons()?,
            assistants: self.assistants()?,
        })
    }

    /// Reads the file and reports every problem and what would change; stores nothing.
    pub fn import_preview(
        &self,
        path: &Path,
        options: &ImportOptions,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportReport> {
        let format = format_for(path, options.sheet.clone())?;
        let today = crate::local_today(now);
        if file_size(path) <= WHOLE_FILE_CHECK_LIMIT {
            let register = self.import_register()?;
            let whole = read_whole_file(
                open(path)?,
                &format,
                &register.known(),
                &register.full(),
                today,
                None,
            )?;
            let already_present = self.count_present(whole.shifts.shifts.iter())?;
            let mut checks = AgainstStore::new(self);
            for (row, shift) in whole.shifts.rows.iter().zip(&whole.shifts.shifts) {
                checks.check_reports(*row, shift)?;
            }
            checks.check_overlaps(&whole.shifts, &register.full())?;
            let mut report = whole_file_report(whole, already_present).0;
            add_problems(&mut report, checks.finish());
            Ok(report)
        } else {
            let known = self.known_people()?;
            Ok(self.preview_streaming(path, &format, &known, today)?)
        }
    }

    /// The preview of a file too large to hold, asking the store about every shift.
    fn preview_streaming(
        &self,
        path: &Path,
        format: &ImportFormat,
        known: &KnownPeople,
        today: chrono::NaiveDate,
    ) -> anyhow::Result<ImportReport> {
        let store = self.store();
        let mut already_present = 0u64;
        let mut checks = AgainstStore::new(self);
        let preview = for_each_shift(BufReader::new(open(path)?), format, known, today, |s| {
            if store.contains_shift(&s.shift).map_err(AppError::from)? {
                already_present += 1;
            }
            checks.check_reports(s.row, &s.shift)?;
            Ok::<(), anyhow::Error>(())
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut report = ImportReport {
            new_shifts: preview.counts.shifts.saturating_sub(already_present),
            preview,
            validation_problems: Vec::new(),
            whole_file_checked: false,
            already_present,
            skipped_rows: 0,
            committed: false,
        };
        add_problems(&mut report, checks.finish());
        Ok(report)
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
    /// the error is `data_problems` ([`AppError::data_problems`]).
    ///
    /// A file of a month's size is read on a second thread while the caller's thread inserts its
    /// shifts inside the transaction, so reading, checking and storing overlap; the transaction
    /// commits only after the whole file has been read and checked, and rolls back if anything
    /// is wrong. A larger file streams into the transaction the same way, a few batches at a
    /// time, without the check of its shifts together (left to the month review).
    pub fn import_commit(
        &self,
        path: &Path,
        options: &ImportOptions,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportReport> {
        self.commit_with_limit(path, options, now, WHOLE_FILE_CHECK_LIMIT)
    }

    /// [`App::import_commit`] with the size up to which a file is held whole (tests lower it to
    /// reach the streaming commit with small files).
    fn commit_with_limit(
        &self,
        path: &Path,
        options: &ImportOptions,
        now: DateTime<Utc>,
        whole_file_limit: u64,
    ) -> anyhow::Result<ImportReport> {
        let format = format_for(path, options.sheet.clone())?;
        let today = crate::local_today(now);
        if file_size(path) <= whole_file_limit {
            return self.commit_whole_file(path, &format, options, today, now);
        }
        self.commit_large_file(path, &format, options, today, now)
    }

    /// The commit of a file small enough to hold: read and checked on a second thread while
    /// this thread inserts the shifts into the open transaction. Whatever the reading finds
    /// decides afterwards, before anything is committed: errors roll everything back; rows that
    /// overlap others (with `skip_invalid`) have their shifts taken out again by redoing the
    /// insert without them.
    fn commit_whole_file(
        &self,
        path: &Path,
        format: &ImportFormat,
        options: &ImportOptions,
        today: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportReport> {
        let register = self.import_register()?;
        let known = register.known();
        let full = register.full();
        let file = open(path)?;
        std::thread::scope(|scope| {
            let (sender, receiver) = mpsc::channel::<FileShifts>();
            let (known, full) = (&known, &full);
            // Unbounded: the reader never waits for the insert, so it can check the file's
            // shifts together while the insert is still busy. At most the file's shifts are
            // queued, and the file is small enough to hold (`WHOLE_FILE_CHECK_LIMIT`).
            let reader = scope.spawn(move || {
                let mut send = |batch: FileShifts| sender.send(batch).is_ok();
                read_whole_file(file, format, known, full, today, Some(&mut send))
            });
            self.store()
                .transaction(|store| -> anyhow::Result<ImportReport> {
                    let mut insert = store.begin_shift_insert(now).map_err(AppError::from)?;
                    let mut insert_error = None;
                    let mut checks = AgainstStore::new(self);
                    for batch in receiver.iter() {
                        // Checked against the store before they join it; a refused shift is
                        // never inserted (the commit then fails, or skips its row).
                        checks.check_overlaps(&batch, full)?;
                        let mut allowed = Vec::with_capacity(batch.len());
                        for (row, shift) in batch.rows.iter().zip(&batch.shifts) {
                            if checks.check_reports(*row, shift)? {
                                allowed.push(shift);
                            }
                        }
                        if let Err(e) = insert.insert(allowed) {
                            insert_error = Some(e);
                            break;
                        }
                    }
                    // The reader stops handing over batches once nobody receives them.
                    drop(receiver);
                    let whole = match reader.join() {
                        Ok(whole) => whole?,
                        Err(panic) => std::panic::resume_unwind(panic),
                    };
                    let (mut report, file) = whole_file_report(whole, 0);
                    add_problems(&mut report, checks.finish());
                    refuse_changed_file(&report.preview.source.sha256, options)?;
                    refuse_commit(&report, options)?;
                    if let Some(e) = insert_error {
                        return Err(AppError::from(e).into());
                    }
                    let previewed_hash = report.preview.source.sha256.clone();
                    let batch_id = batch_id_of(&previewed_hash);
                    let bad_rows = rows_with_validation_errors(&report);
                    let (counts, skipped) = if bad_rows.is_empty() {
                        let counts = insert.finish(Some(&batch_id)).map_err(AppError::from)?;
                        (counts, report.preview.counts.rows_with_errors)
                    } else {
                        // Rare (overlaps inside the file, stored with `skip_invalid`): undo the
                        // insert (a savepoint inside this transaction) and store the rest.
                        drop(insert);
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
                    };
                    self.record_commit(report, now, &previewed_hash, counts, skipped)
                })
        })
    }

    /// The commit of a file too large to hold: read on a second thread and inserted batch by
    /// batch into the open transaction as it is read (one pass over the file, never more than a
    /// few batches in memory). Whatever the reading finds decides at the end: errors (without
    /// `skip_invalid`) roll everything back. Overlaps inside such a file are left to the month
    /// review, as in its preview.
    fn commit_large_file(
        &self,
        path: &Path,
        format: &ImportFormat,
        options: &ImportOptions,
        today: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ImportReport> {
        let known = self.known_people()?;
        let file = open(path)?;
        std::thread::scope(|scope| {
            // Bounded: the reader waits for the insert rather than filling memory.
            let (sender, receiver) = mpsc::sync_channel::<FileShifts>(STREAM_QUEUE);
            let known = &known;
            let reader = scope.spawn(move || {
                let mut batch = FileShifts::default();
                let mut wanted = true;
                let preview = for_each_shift(BufReader::new(file), format, known, today, |s| {
                    if wanted {
                        batch.push(s.row, s.shift);
                        if batch.len() >= INSERT_BATCH {
                            wanted = sender.send(std::mem::take(&mut batch)).is_ok();
                        }
                    }
                    Ok::<(), std::convert::Infallible>(())
                });
                if wanted && batch.len() > 0 {
                    // Nobody receiving is the insert having failed, reported there.
                    let _ = sender.send(batch);
                }
                preview
            });
            self.store()
                .transaction(|store| -> anyhow::Result<ImportReport> {
                    let mut insert = store.begin_shift_insert(now).map_err(AppError::from)?;
                    let mut insert_error = None;
                    let mut checks = AgainstStore::new(self);
                    for batch in receiver.iter() {
                        // Checked against the store before they join it; a refused shift is
                        // never inserted (the commit then fails, or skips its row).
                        let mut allowed = Vec::with_capacity(batch.len());
                        for (row, shift) in batch.rows.iter().zip(&batch.shifts) {
                            if checks.check_reports(*row, shift)? {
                                allowed.push(shift);
                            }
                        }
                        if let Err(e) = insert.insert(allowed) {
                            insert_error = Some(e);
                            break;
                        }
                    }
                    drop(receiver);
                    let preview = match reader.join() {
                        Ok(preview) => preview.map_err(|e| anyhow::anyhow!("{e}"))?,
                        Err(panic) => std::panic::resume_unwind(panic),
                    };
                    let mut report = ImportReport {
                        new_shifts: preview.counts.shifts,
                        preview,
                        validation_problems: Vec::new(),
                        whole_file_checked: false,
                        already_present: 0,
                        skipped_rows: 0,
                        committed: false,
                    };
                    add_problems(&mut report, checks.finish());
                    refuse_changed_file(&report.preview.source.sha256, options)?;
                    refuse_commit(&report, options)?;
                    if let Some(e) = insert_error {
                        return Err(AppError::from(e).into());
                    }
                    let file_hash = report.preview.source.sha256.clone();
                    let counts = insert
                        .finish(Some(&batch_id_of(&file_hash)))
                        .map_err(AppError::from)?;
                    // Rows refused against the store were not inserted (with `skip_invalid`).
                    let refused = report
                        .validation_problems
                        .iter()
                        .filter(|p| p.is_error())
                        .count() as u64;
                    let skipped = report.preview.counts.rows_with_errors + refused;
                    self.record_commit(report, now, &file_hash, counts, skipped)
                })
        })
    }

    /// Records the import in the event log (inside the import's transaction) and completes the
    /// report with what was stored.
    fn record_commit(
        &self,
        mut report: ImportReport,
        now: DateTime<Utc>,
        file_sha256: &str,
        counts: InsertCounts,
        skipped: u64,
    ) -> anyhow::Result<ImportReport> {
        report.new_shifts = counts.inserted as u64;
        report.already_present = counts.already_present as u64;
        report.skipped_rows = skipped;
        report.committed = true;
        self.log_event(
            now,
            "shifts_imported",
            None,
            serde_json::json!({
                "file_sha256": file_sha256,
                "inserted": counts.inserted,
                "already_present": counts.already_present,
                "skipped_rows": skipped,
            }),
        )?;
        Ok(report)
    }
}

/// The SHA-256 (lowercase hex) of a file's bytes, as the preview reports it
/// (`ImportPreview::source.sha256`): for a caller that writes the bytes it then commits and
/// passes their hash as [`ImportOptions::previewed_sha256`].
pub fn file_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The file's size, or "too large to hold" when it cannot be told.
fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeySource;
    use crate::register::{AssistantInput, PersonInput, ProviderInput};
    use chrono::TimeZone as _;

    // Valid test numbers (control digits checked by the register).
    const ASSISTANT: &str = "199001012385";
    const PERSON: &str = "195001012383";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0)
            .single()
            .expect("a plain UTC instant")
    }

    fn app(dir: &Path) -> App {
        let app = App::open(dir, KeySource::File(dir.join("key")), now()).expect("a data folder");
        app.save_provider(
            &ProviderInput {
                name: "Omsorg AB".into(),
                org_number: "5567037485".into(),
                contact: None,
                phone: "08-123 45 67".into(),
            },
            now(),
        )
        .expect("the provider is valid");
        app.save_person(
            &PersonInput {
                personnummer: PERSON.into(),
                first_name: "Pia".into(),
                last_name: "Person".into(),
            },
            now(),
        )
        .expect("the person is valid");
        app.save_assistant(
            &AssistantInput {
                personnummer: ASSISTANT.into(),
                first_name: "Ada".into(),
                last_name: "Assistent".into(),
                ..AssistantInput::default()
            },
            now(),
        )
        .expect("the assistant is valid");
        app
    }

    /// `days` consecutive day shifts, plus `extra` lines as given.
    fn csv(dir: &Path, days: u32, extra: &[&str]) -> std::path::PathBuf {
        let mut text = String::from("assistent;person;datum;start;slut;typ\n");
        for day in 1..=days {
            text.push_str(&format!(
                "{ASSISTANT};{PERSON};2026-10-{day:02};08:00;16:00;aktiv\n"
            ));
        }
        for line in extra {
            text.push_str(line);
            text.push('\n');
        }
        let path = dir.join("shifts.csv");
        std::fs::write(&path, text).expect("a temp file can be written");
        path
    }

    fn stored(app: &App) -> usize {
        app.store()
            .shifts_overlapping(0, i64::MAX / 2)
            .expect("the shifts can be read back")
            .len()
    }

    fn import_events(app: &App) -> usize {
        app.store()
            .events_after(None, 1_000)
            .expect("the event log can be read")
            .iter()
            .filter(|e| e.kind == "shifts_imported")
            .count()
    }

    /// Both commit paths: held whole (checked together) and streamed (limit 0).
    const LIMITS: [u64; 2] = [WHOLE_FILE_CHECK_LIMIT, 0];

    #[test]
    fn a_valid_file_is_stored_once_and_a_second_import_adds_nothing() {
        for limit in LIMITS {
            let dir = tempfile::tempdir().expect("temp dir");
            let app = app(dir.path());
            // More than one batch of the reading thread, so the insert runs while it reads.
            let file = csv(dir.path(), 31, &[]);
            let options = ImportOptions::default();
            let first = app
                .commit_with_limit(&file, &options, now(), limit)
                .expect("a valid file imports");
            assert!(first.committed, "limit {limit}: committed");
            assert_eq!(first.new_shifts, 31, "limit {limit}: every row is new");
            assert_eq!(first.already_present, 0, "limit {limit}: nothing was there");
            assert_eq!(first.whole_file_checked, limit > 0, "limit {limit}");
            let again = app
                .commit_with_limit(&file, &options, now(), limit)
                .expect("a second import of the same file succeeds");
            assert_eq!(again.new_shifts, 0, "limit {limit}: no duplicates");
            assert_eq!(again.already_present, 31, "limit {limit}: all found");
            assert_eq!(stored(&app), 31, "limit {limit}: one copy of each shift");
            assert_eq!(
                import_events(&app),
                2,
                "limit {limit}: one event per import"
            );
        }
    }

    #[test]
    fn a_file_with_an_error_stores_nothing_not_even_the_rows_inserted_while_reading() {
        for limit in LIMITS {
            let dir = tempfile::tempdir().expect("temp dir");
            let app = app(dir.path());
            // The bad row comes last: every valid row was inserted before it was read.
            let file = csv(
                dir.path(),
                31,
                &[&format!(
                    "{ASSISTANT};{PERSON};2026-10-32;08:00;16:00;aktiv"
                )],
            );
            let error = app
                .commit_with_limit(&file, &ImportOptions::default(), now(), limit)
                .expect_err("a file with an error is refused");
            let message = error.to_string();
            assert!(
                message.contains("filen har 1 fel; ingenting importerades"),
                "limit {limit}: the same refusal as before: {message}"
            );
            assert_eq!(stored(&app), 0, "limit {limit}: everything rolled back");
            assert_eq!(import_events(&app), 0, "limit {limit}: no import recorded");

            // With --skip-invalid the valid rows are stored and the bad one counted.
            let report = app
                .commit_with_limit(
                    &file,
                    &ImportOptions {
                        skip_invalid: true,
                        ..ImportOptions::default()
                    },
                    now(),
                    limit,
                )
                .expect("the valid rows import");
            assert_eq!(report.new_shifts, 31, "limit {limit}");
            assert_eq!(report.skipped_rows, 1, "limit {limit}");
            assert_eq!(stored(&app), 31, "limit {limit}");
        }
    }

    #[test]
    fn overlapping_rows_are_taken_out_again_when_skipping_invalid_rows() {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = app(dir.path());
        // Row 33 overlaps row 2 (2026-10-01 08:00–16:00) for the same person: an error found
        // only by checking the file's shifts together, after the rows were inserted.
        let file = csv(
            dir.path(),
            31,
            &[&format!(
                "{ASSISTANT};{PERSON};2026-10-01;12:00;18:00;aktiv"
            )],
        );
        let refused = app
            .commit_with_limit(
                &file,
                &ImportOptions::default(),
                now(),
                WHOLE_FILE_CHECK_LIMIT,
            )
            .expect_err("an overlap is an error");
        assert!(
            refused.to_string().contains("ingenting importerades"),
            "{refused}"
        );
        assert_eq!(stored(&app), 0, "the overlap rolled everything back");
        let report = app
            .commit_with_limit(
                &file,
                &ImportOptions {
                    skip_invalid: true,
                    ..ImportOptions::default()
                },
                now(),
                WHOLE_FILE_CHECK_LIMIT,
            )
            .expect("the rest imports");
        assert_eq!(report.skipped_rows, 1, "the overlapping row is skipped");
        assert_eq!(report.new_shifts, 31, "every other row is stored");
        assert_eq!(stored(&app), 31, "and only those");
        let bad: Vec<_> = report
            .validation_problems
            .iter()
            .filter(|p| p.is_error())
            .map(|p| p.row)
            .collect();
        assert_eq!(
            bad,
            vec![Some(33)],
            "the overlap is reported on the later row"
        );
    }

    #[test]
    fn the_preview_stores_nothing_and_counts_what_is_already_there() {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = app(dir.path());
        let file = csv(dir.path(), 5, &[]);
        let preview = app
            .import_preview(&file, &ImportOptions::default(), now())
            .expect("a preview");
        assert_eq!((preview.new_shifts, preview.already_present), (5, 0));
        assert!(
            !preview.committed && stored(&app) == 0,
            "a preview stores nothing"
        );
        app.import_commit(&file, &ImportOptions::default(), now())
            .expect("the import");
        let preview = app
            .import_preview(&file, &ImportOptions::default(), now())
            .expect("a preview");
        assert_eq!((preview.new_shifts, preview.already_present), (0, 5));
    }
}
