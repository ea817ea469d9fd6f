//! The row-by-row checks shared by the CSV and XLSX readers: each data row becomes a [`Shift`]
//! or a list of problems, and the totals and the capped problem list build the preview.

use std::collections::{BTreeMap, HashMap};

use assistid_core::ids::{IdError, IdentityNumber, Personnummer};
use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::shift::{MAX_NOTE_CHARS, Shift};
use assistid_core::text::{Param, Text};
use assistid_core::time::{LocalTimeError, ShiftTime};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::cells::{CellTime, CellValue, OccurrenceHint, parse_date, parse_time};
use crate::columns::{Column, HeaderMap};
use crate::messages as msg;
use crate::preview::{ImportCounts, ImportPreview, ImportedShift, SourceInfo};
use crate::problem::{ImportProblem, ProblemCode, Severity};
use crate::register::Register;

/// At most this many problems are kept in the preview (the first ones, in file order); every
/// problem is still counted, in total and per code. A file with a million broken rows must not
/// need a million messages in memory, and nobody reads past the first thousand.
pub const MAX_PROBLEMS_KEPT: usize = 1_000;

/// The identity of a shift for spotting duplicates inside the file, compact so that a million
/// shifts fit in a few tens of megabytes: people as indexes into a small table of identity
/// numbers, the start as UTC minutes, the length in minutes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ShiftKey {
    start_utc_minutes: i64,
    assistant: u32,
    person: u32,
    real_minutes: u32,
    kind: u8,
}

pub(crate) struct Engine<'r, F> {
    register: &'r dyn Register,
    today: NaiveDate,
    on_shift: F,
    header: Option<HeaderMap>,
    header_row: Option<u64>,
    stopped: bool,
    problems: Vec<ImportProblem>,
    problems_total: u64,
    problems_by_code: BTreeMap<ProblemCode, u64>,
    counts: ImportCounts,
    people: HashMap<String, u32>,
    /// Cell texts already read as a registered assistant or person without any problem: the
    /// same few people fill every row, so each text is parsed and looked up once.
    clean_assistants: HashMap<String, IdentityNumber>,
    clean_persons: HashMap<String, Personnummer>,
    seen: HashMap<ShiftKey, u64>,
    shifts_per_month: BTreeMap<ReportMonth, u64>,
    first_start: Option<NaiveDateTime>,
    last_end: Option<NaiveDateTime>,
}

impl<'r, E, F> Engine<'r, F>
where
    F: FnMut(ImportedShift) -> Result<(), E>,
{
    pub(crate) fn new(register: &'r dyn Register, today: NaiveDate, on_shift: F) -> Self {
        Self {
            register,
            today,
            on_shift,
            header: None,
            header_row: None,
            stopped: false,
            problems: Vec::new(),
            problems_total: 0,
            problems_by_code: BTreeMap::new(),
            counts: ImportCounts::default(),
            people: HashMap::new(),
            clean_assistants: HashMap::new(),
            clean_persons: HashMap::new(),
            seen: HashMap::new(),
            shifts_per_month: BTreeMap::new(),
            first_start: None,
            last_end: None,
        }
    }

    /// Records a problem: counted always, kept while under the cap.
    pub(crate) fn record(&mut self, problem: ImportProblem) {
        self.problems_total += 1;
        *self.problems_by_code.entry(problem.code).or_insert(0) += 1;
        match problem.severity {
            Severity::Error => self.counts.errors += 1,
            Severity::Warning => self.counts.warnings += 1,
        }
        if self.problems.len() < MAX_PROBLEMS_KEPT {
            self.problems.push(problem);
        }
    }

    /// A problem that stops the whole import (wrong delimiter, missing columns, …).
    pub(crate) fn stop(&mut self, problem: ImportProblem) {
        self.stopped = true;
        self.record(problem);
    }

    /// True once the header row has been accepted.
    pub(crate) fn has_header(&self) -> bool {
        self.header.is_some()
    }

    /// Reads the header row. Returns false (and records why) when the file cannot be imported.
    pub(crate) fn header(&mut self, row: u64, headers: &[String]) -> bool {
        self.header_row = Some(row);
        match HeaderMap::resolve(headers, row) {
            Ok(map) => {
                self.header = Some(map);
                true
            }
            Err(problems) => {
                for p in problems {
                    self.stop(p);
                }
                false
            }
        }
    }

    /// The header text of a column index (for readers' cell-level problems).
    pub(crate) fn header_of_index(&self, index: usize) -> Option<&str> {
        self.header
            .as_ref()
            .and_then(|h| h.mapped.get(index))
            .map(|m| m.header.as_str())
    }

    /// Checks one data row; a row without errors goes to the callback as a shift (unless it
    /// repeats an earlier row of the file).
    pub(crate) fn row(
        &mut self,
        row: u64,
        cells: &[CellValue],
        reader_problems: Vec<ImportProblem>,
    ) -> Result<(), E> {
        let Some(header) = self.header.take() else {
            return Ok(());
        };
        let result = self.check_row(&header, row, cells, reader_problems);
        self.header = Some(header);
        result
    }

    fn check_row(
        &mut self,
        header: &HeaderMap,
        row: u64,
        cells: &[CellValue],
        reader_problems: Vec<ImportProblem>,
    ) -> Result<(), E> {
        self.counts.rows_read += 1;
        let mut found = RowProblems {
            row,
            header,
            problems: reader_problems,
        };
        let empty = CellValue::Empty;
        let cell = |c: Column| header.index(c).and_then(|i| cells.get(i)).unwrap_or(&empty);

        let assistant = found
            .required(Column::Assistant, cell(Column::Assistant))
            .and_then(|v| self.assistant(&mut found, v));
        let person = found
            .required(Column::Person, cell(Column::Person))
            .and_then(|v| self.person(&mut found, v));
        let date =
            found
                .required(Column::Date, cell(Column::Date))
                .and_then(|v| match parse_date(v) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        let shown = v.display();
                        found.cell(Column::Date, v, ProblemCode::InvalidDate, e.text(&shown));
                        None
                    }
                });
        let start = found
            .required(Column::Start, cell(Column::Start))
            .and_then(|v| found.time(Column::Start, v));
        let end = found
            .required(Column::End, cell(Column::End))
            .and_then(|v| found.time(Column::End, v));
        let kind = found
            .required(Column::Kind, cell(Column::Kind))
            .and_then(|v| match parse_kind(&v.as_text()) {
                Some(k) => Some(k),
                None => {
                    let shown = v.display();
                    found.cell(
                        Column::Kind,
                        v,
                        ProblemCode::UnknownKind,
                        msg::UNKNOWN_KIND.with("value", shown),
                    );
                    None
                }
            });
        let note = match cell(Column::Note) {
            CellValue::Refused(_) => None,
            v if v.is_blank() => None,
            v => {
                let text = v.as_text();
                let length = text.chars().count();
                let control = text
                    .chars()
                    .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
                if let Some(control) = control {
                    let shown: String = shortened(&text)
                        .chars()
                        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
                        .collect();
                    found.problems.push(ImportProblem::cell(
                        row,
                        header.header(Column::Note),
                        &shown,
                        ProblemCode::ControlCharacter,
                        msg::CONTROL_CHARACTER
                            .with("code_point", format!("U+{:04X}", u32::from(control))),
                    ));
                    None
                } else if length > MAX_NOTE_CHARS {
                    found.problems.push(ImportProblem::cell(
                        row,
                        header.header(Column::Note),
                        &shortened(&text),
                        ProblemCode::NoteTooLong,
                        msg::NOTE_TOO_LONG
                            .with("length", length)
                            .with("max", MAX_NOTE_CHARS),
                    ));
                    None
                } else {
                    Some(text.into_owned())
                }
            }
        };
        let times = match (date, start, end) {
            (Some(d), Some(s), Some(e)) => resolve_times(&mut found, d, s, e, cells),
            _ => None,
        };

        let has_error = found.problems.iter().any(ImportProblem::is_error);
        let mut warned = found.problems.iter().any(|p| !p.is_error());
        let RowProblems { problems, .. } = found;
        for p in problems {
            self.record(p);
        }
        match (assistant, person, times, kind) {
            (Some(assistant), Some(person), Some((start, end)), Some(kind)) if !has_error => {
                self.counts.rows_valid += 1;
                let shift = Shift {
                    assistant,
                    person,
                    start,
                    end,
                    kind,
                    note,
                };
                if let Some(first_row) = self.duplicate_of(row, &shift) {
                    warned = true;
                    self.counts.duplicates_in_file += 1;
                    self.record(ImportProblem::row(
                        row,
                        ProblemCode::DuplicateInFile,
                        msg::DUPLICATE_IN_FILE.with("first_row", first_row),
                    ));
                } else {
                    self.counts.shifts += 1;
                    *self
                        .shifts_per_month
                        .entry(ReportMonth::of(shift.start.local().date()))
                        .or_insert(0) += 1;
                    self.first_start = Some(
                        self.first_start
                            .map_or(shift.start.local(), |f| f.min(shift.start.local())),
                    );
                    self.last_end = Some(
                        self.last_end
                            .map_or(shift.end.local(), |l| l.max(shift.end.local())),
                    );
                    (self.on_shift)(ImportedShift { row, shift })?;
                }
            }
            _ => self.counts.rows_with_errors += 1,
        }
        if warned {
            self.counts.rows_with_warnings += 1;
        }
        Ok(())
    }

    fn assistant(&mut self, found: &mut RowProblems<'_>, v: &CellValue) -> Option<IdentityNumber> {
        let text = v.as_text();
        if let Some(id) = self.clean_assistants.get(text.as_ref()) {
            return Some(id.clone());
        }
        match IdentityNumber::parse(&text, self.today) {
            Ok(id) => {
                if !self.register.knows_assistant(&id) {
                    found.cell(
                        Column::Assistant,
                        v,
                        ProblemCode::UnknownAssistant,
                        msg::UNKNOWN_ASSISTANT.with("assistant", id.masked()),
                    );
                    return None;
                }
                if !id.is_coordination() {
                    self.clean_assistants.insert(text.into_owned(), id.clone());
                } else {
                    found.cell(
                        Column::Assistant,
                        v,
                        ProblemCode::AssistantCannotSignWithBankid,
                        msg::ASSISTANT_CANNOT_SIGN.with("assistant", id.masked()),
                    );
                }
                Some(id)
            }
            Err(e) => {
                found.cell(
                    Column::Assistant,
                    v,
                    ProblemCode::InvalidPersonnummer,
                    id_message(Column::Assistant, &e),
                );
                None
            }
        }
    }

    fn person(&mut self, found: &mut RowProblems<'_>, v: &CellValue) -> Option<Personnummer> {
        let text = v.as_text();
        if let Some(p) = self.clean_persons.get(text.as_ref()) {
            return Some(p.clone());
        }
        match Personnummer::parse(&text, self.today) {
            Ok(p) => {
                if self.register.knows_person(&p) {
                    self.clean_persons.insert(text.into_owned(), p.clone());
                    Some(p)
                } else {
                    found.cell(
                        Column::Person,
                        v,
                        ProblemCode::UnknownPerson,
                        msg::UNKNOWN_PERSON.with("person", p.masked()),
                    );
                    None
                }
            }
            Err(IdError::CoordinationNotAllowed) => {
                found.cell(
                    Column::Person,
                    v,
                    ProblemCode::CoordinationNumberNotAllowed,
                    msg::COORDINATION_NUMBER_NOT_ALLOWED.text(),
                );
                None
            }
            Err(e) => {
                found.cell(
                    Column::Person,
                    v,
                    ProblemCode::InvalidPersonnummer,
                    id_message(Column::Person, &e),
                );
                None
            }
        }
    }

    fn intern(&mut self, digits: &str) -> u32 {
        if let Some(&i) = self.people.get(digits) {
            return i;
        }
        let i = u32::try_from(self.people.len()).unwrap_or(u32::MAX);
        self.people.insert(digits.to_owned(), i);
        i
    }

    /// The first row of the file with the same shift, if any; remembers this one otherwise.
    fn duplicate_of(&mut self, row: u64, shift: &Shift) -> Option<u64> {
        let key = ShiftKey {
            start_utc_minutes: shift.start.utc_minutes(),
            assistant: self.intern(shift.assistant.digits()),
            person: self.intern(shift.person.digits()),
            real_minutes: u32::try_from(shift.real_minutes()).unwrap_or(u32::MAX),
            kind: shift.kind as u8,
        };
        match self.seen.get(&key) {
            Some(&first) => Some(first),
            None => {
                self.seen.insert(key, row);
                None
            }
        }
    }

    /// The preview, once the reader has seen the whole file.
    pub(crate) fn finish(mut self, source: SourceInfo) -> ImportPreview {
        if !self.stopped {
            if self.header.is_none() {
                self.record(ImportProblem::file(
                    ProblemCode::EmptyFile,
                    msg::EMPTY_FILE.text(),
                ));
            } else if self.counts.rows_read == 0 {
                self.record(ImportProblem::file(
                    ProblemCode::NoDataRows,
                    msg::NO_DATA_ROWS.text(),
                ));
            }
        }
        // File-level problems (no row) first, then by row; the sort is stable so a row's
        // problems stay in column order.
        self.problems.sort_by_key(|p| p.row);
        ImportPreview {
            source,
            columns: self.header.map(|h| h.mapped).unwrap_or_default(),
            header_row: self.header_row,
            counts: self.counts,
            problems: self.problems,
            problems_total: self.problems_total,
            problems_by_code: self.problems_by_code,
            shifts_per_month: self.shifts_per_month,
            first_start: self.first_start,
            last_end: self.last_end,
            validation_note: crate::preview::VALIDATION_NOTE,
        }
    }
}

/// The problems found in one row so far.
struct RowProblems<'h> {
    row: u64,
    header: &'h HeaderMap,
    problems: Vec<ImportProblem>,
}

impl RowProblems<'_> {
    fn cell(&mut self, column: Column, value: &CellValue, code: ProblemCode, message: Text) {
        self.problems.push(ImportProblem::cell(
            self.row,
            self.header.header(column),
            &value.display(),
            code,
            message,
        ));
    }

    /// The cell, or a `missing_value` problem when it is empty; `None` also for cells the
    /// reader already refused (formulas, merged cells), which have their own problem.
    fn required<'v>(&mut self, column: Column, value: &'v CellValue) -> Option<&'v CellValue> {
        match value {
            CellValue::Refused(_) => None,
            CellValue::Error(e) => {
                let message = msg::ERROR_CELL.with("error", e.to_string());
                self.cell(column, value, ProblemCode::ErrorCell, message);
                None
            }
            v if v.is_blank() => {
                self.cell(
                    column,
                    value,
                    ProblemCode::MissingValue,
                    msg::MISSING_VALUE.with("column", column_label(column)),
                );
                None
            }
            v => Some(v),
        }
    }

    fn time(&mut self, column: Column, value: &CellValue) -> Option<CellTime> {
        match parse_time(value) {
            Ok(t) => Some(t),
            Err(e) => {
                let shown = value.display();
                self.cell(column, value, ProblemCode::InvalidTime, e.text(&shown));
                None
            }
        }
    }
}

/// The first characters of an overlong cell, for the problem's value (the whole cell may be
/// megabytes: the user needs to recognise it, not to read it again).
fn shortened(text: &str) -> String {
    const SHOWN: usize = 60;
    match text.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn column_label(column: Column) -> Text {
    match column {
        Column::Assistant => msg::COLUMN_ASSISTANT.text(),
        Column::Person => msg::COLUMN_PERSON.text(),
        Column::Date => msg::COLUMN_DATE.text(),
        Column::Start => msg::COLUMN_START.text(),
        Column::End => msg::COLUMN_END.text(),
        Column::Kind => msg::COLUMN_KIND.text(),
        Column::Note => msg::COLUMN_NOTE.text(),
    }
}

fn id_message(column: Column, error: &IdError) -> Text {
    msg::INVALID_ID
        .with("what", column_label(column))
        .with("error", error.text())
}

/// Reads a kind of time in any common spelling: core's list plus `-`, `_` and `.` ignored
/// (`vänte-tid`, `Aktiv_tid`).
fn parse_kind(text: &str) -> Option<TimeKind> {
    // The codes themselves, as most files write them, without the allocations of the general
    // parse (which reads them the same).
    match text {
        "aktiv" => return Some(TimeKind::Aktiv),
        "vante" | "vänte" => return Some(TimeKind::Vante),
        "beredskap" => return Some(TimeKind::Beredskap),
        _ => {}
    }
    text.parse().ok().or_else(|| {
        let cleaned: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | '.'))
            .collect();
        cleaned.parse().ok()
    })
}

fn at(date: NaiveDate, minutes: u16) -> Option<NaiveDateTime> {
    let time = NaiveTime::from_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0)?;
    Some(date.and_time(time))
}

fn resolve(
    local: NaiveDateTime,
    hint: Option<OccurrenceHint>,
) -> Result<ShiftTime, LocalTimeError> {
    match hint {
        Some(OccurrenceHint::Offset(minutes)) => ShiftTime::with_offset(local, minutes),
        Some(OccurrenceHint::Occurrence(o)) => ShiftTime::resolve(local, Some(o)),
        None => ShiftTime::resolve(local, None),
    }
}

/// A long date for messages: `29 mars 2026` / `March 29, 2026`.
fn long_date(date: NaiveDate) -> Text {
    use chrono::Datelike;
    let month = msg::month_name(date.month()).map_or_else(
        || Param::Plain(date.month().to_string()),
        |t| Param::Text(t.text()),
    );
    msg::LONG_DATE
        .with("day", date.day())
        .with("month", month)
        .with("year", date.year())
}

fn local_time_message(error: &LocalTimeError) -> (ProblemCode, Text) {
    match error {
        LocalTimeError::Nonexistent { local } => (
            ProblemCode::NonexistentTime,
            msg::NONEXISTENT_TIME
                .with("time", local.format("%H:%M").to_string())
                .with("date", long_date(local.date()))
                .with(
                    "suggested",
                    (*local + Duration::hours(1)).format("%H:%M").to_string(),
                ),
        ),
        LocalTimeError::Ambiguous { local } => (
            ProblemCode::AmbiguousTime,
            msg::AMBIGUOUS_TIME
                .with("time", local.format("%H:%M").to_string())
                .with("date", long_date(local.date())),
        ),
        LocalTimeError::WrongOffset {
            local,
            offset_minutes,
        } => (
            ProblemCode::WrongOffset,
            msg::WRONG_OFFSET
                .with("hours", format!("{:02}", offset_minutes / 60))
                .with("minutes", format!("{:02}", offset_minutes % 60))
                .with("time", local.format("%H:%M").to_string())
                .with("date", long_date(local.date())),
        ),
        other => (
            ProblemCode::InvalidTime,
            Text::untranslated("invalid_time", other.to_string()),
        ),
    }
}

/// Places start and end on the calendar (an end at or before the start is the next day,
/// `24:00` is midnight) and resolves them in Europe/Stockholm.
fn resolve_times(
    found: &mut RowProblems<'_>,
    date: NaiveDate,
    start: CellTime,
    end: CellTime,
    cells: &[CellValue],
) -> Option<(ShiftTime, ShiftTime)> {
    let cell = |c: Column| {
        found
            .header
            .index(c)
            .and_then(|i| cells.get(i))
            .cloned()
            .unwrap_or(CellValue::Empty)
    };
    if start.minutes >= 24 * 60 {
        found.cell(
            Column::Start,
            &cell(Column::Start),
            ProblemCode::InvalidTime,
            msg::MIDNIGHT_START.text(),
        );
        return None;
    }
    // Equal clock times are a mistake, except on the autumn night when the two cells name
    // different occurrences (`02:30+02:00` to `02:30+01:00` is one hour).
    let named_occurrences = start.hint.is_some() && end.hint.is_some();
    if start.minutes == end.minutes && !named_occurrences {
        found.cell(
            Column::End,
            &cell(Column::End),
            ProblemCode::EndNotAfterStart,
            msg::SAME_START_AND_END.text(),
        );
        return None;
    }
    let end_date = if end.minutes == 24 * 60 || end.minutes < start.minutes {
        date.succ_opt()?
    } else {
        date
    };
    let start_local = at(date, start.minutes)?;
    let end_local = at(end_date, end.minutes % (24 * 60))?;
    let start_time = resolve(start_local, start.hint).map_err(|e| {
        let (code, message) = local_time_message(&e);
        found.cell(Column::Start, &cell(Column::Start), code, message);
    });
    let end_time = resolve(end_local, end.hint).map_err(|e| {
        let (code, message) = local_time_message(&e);
        found.cell(Column::End, &cell(Column::End), code, message);
    });
    let (start_time, end_time) = (start_time.ok()?, end_time.ok()?);
    if end_time.utc_minutes() <= start_time.utc_minutes() {
        found.cell(
            Column::End,
            &cell(Column::End),
            ProblemCode::EndNotAfterStart,
            msg::END_NOT_AFTER_START
                .with("start", start_time.to_string())
                .with("end", end_time.to_string()),
        );
        return None;
    }
    Some((start_time, end_time))
}
