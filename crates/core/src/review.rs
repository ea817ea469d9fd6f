//! The month review: every report of a month (assistant × person) with its FK rows, the clock
//! and real minutes of each row and kind, daylight-saving notes, and what must be fixed or
//! looked at before anything is signed.
//!
//! Reports are ordered by person, then assistant (by identity number). Each report's rows are
//! ordered by day, then start. Issues that belong to one report (its shifts, its assistant, its
//! person, working-time limits) sit on the report; issues that belong to no report (the
//! provider, shifts whose assistant or person is not in the register) sit on the month.
//!
//! Built for size: a month of a million shifts is reviewed without cloning per shift. Shifts are
//! grouped by the register index of their assistant (identity numbers are looked up as integers),
//! sorted per assistant by start, swept once for overlaps and split into rows with one cached
//! [`DstCalendar`].
//!
//! ```
//! use assistid_core::limits::LimitConfig;
//! use assistid_core::model::{Register, ReportMonth};
//! use assistid_core::review::MonthReview;
//! let month: ReportMonth = "2026-10".parse().expect("a valid month");
//! let review = MonthReview::build(month, &Register::default(), &[], &LimitConfig::default());
//! assert!(review.reports().is_empty());
//! assert_eq!(review.errors()[0].code, "missing_provider");
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use crate::dst::{DstCalendar, DstNote, RowMinutes};
use crate::ids::{IdentityNumber, Personnummer};
use crate::limits::{self, LimitConfig, PeriodHours, WorkingTimeRule};
use crate::model::{Assistant, PersonWithAssistance, Register, ReportMonth, TimeKind};
use crate::rows::{ClockTime, ReportRow};
use crate::shift::Shift;
use crate::split::{ShiftRows, last_row_date, shift_rows_with};
use crate::time::ShiftTime;
use crate::validation::{self, Issue, Severity, SweepItem};

/// Which report: one per assistant × person × month.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportKey {
    /// The report month.
    pub month: ReportMonth,
    /// The person with assistance.
    pub person: Personnummer,
    /// The assistant.
    pub assistant: IdentityNumber,
}

/// Clock and real minutes of one kind of time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KindTotal {
    /// Sum of the rows' wall-clock spans.
    pub clock_minutes: u64,
    /// Sum of the rows' real elapsed minutes (equals FK's summation except where a
    /// `dst_fk_reading_differs` warning says otherwise).
    pub real_minutes: u64,
}

/// Totals per kind of time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Aktiv tid.
    pub aktiv: KindTotal,
    /// Väntetid.
    pub vante: KindTotal,
    /// Beredskap.
    pub beredskap: KindTotal,
}

impl Totals {
    /// The total of one kind.
    pub fn of(&self, kind: TimeKind) -> KindTotal {
        match kind {
            TimeKind::Aktiv => self.aktiv,
            TimeKind::Vante => self.vante,
            TimeKind::Beredskap => self.beredskap,
        }
    }

    fn add(&mut self, kind: TimeKind, minutes: &RowMinutes) {
        let total = match kind {
            TimeKind::Aktiv => &mut self.aktiv,
            TimeKind::Vante => &mut self.vante,
            TimeKind::Beredskap => &mut self.beredskap,
        };
        total.clock_minutes += u64::from(minutes.clock_minutes);
        total.real_minutes += u64::from(minutes.real_minutes);
    }
}

/// One report of the month under review.
///
/// Serialized (for the CLI's `review --json` and the UI) as `id`, `month`, `person`,
/// `person_name`, `assistant`, `assistant_name` (identity numbers in full: this is a user-facing
/// export), `calculation_periods` (`[{from, to}]`), `rows` (`day`, `from`, `to` as FK writes them,
/// `kind`, `clock_minutes`, `real_minutes`, `fk_minutes`, `dst_note` string or null), `totals`
/// per kind (`clock_minutes`, `real_minutes`), `errors` and `warnings` (`severity`, `code`,
/// `message`, location fields).
#[derive(Clone, Debug)]
pub struct ReportReview {
    id: Option<String>,
    key: ReportKey,
    person_name: String,
    assistant_name: String,
    calculation_periods: Vec<(NaiveDate, NaiveDate)>,
    rows: Vec<ReportRow>,
    minutes: Vec<RowMinutes>,
    totals: Totals,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
}

impl ReportReview {
    /// The report's id, once the store has assigned one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Sets the id the store assigned (a lowercase UUID per report version).
    pub fn set_id(&mut self, id: impl Into<String>) {
        self.id = Some(id.into());
    }

    /// Month, person and assistant.
    pub fn key(&self) -> &ReportKey {
        &self.key
    }

    /// The report month.
    pub fn month(&self) -> ReportMonth {
        self.key.month
    }

    /// The person's identity number.
    pub fn person(&self) -> &Personnummer {
        &self.key.person
    }

    /// The assistant's identity number.
    pub fn assistant(&self) -> &IdentityNumber {
        &self.key.assistant
    }

    /// `Förnamn Efternamn` of the person.
    pub fn person_name(&self) -> &str {
        &self.person_name
    }

    /// `Förnamn Efternamn` of the assistant.
    pub fn assistant_name(&self) -> &str {
        &self.assistant_name
    }

    /// The FK rows, ordered by day then start: exactly what the document's `tidrapport` holds.
    pub fn rows(&self) -> &[ReportRow] {
        &self.rows
    }

    /// The readings of each row, parallel to [`ReportReview::rows`].
    pub fn row_minutes(&self) -> &[RowMinutes] {
        &self.minutes
    }

    /// Rows with their readings.
    pub fn rows_with_minutes(&self) -> impl Iterator<Item = (&ReportRow, &RowMinutes)> {
        self.rows.iter().zip(&self.minutes)
    }

    /// The calculation periods (inclusive dates) that intersect the month: the document's
    /// `berakningsperiod` elements. Empty when the assistant has none.
    pub fn calculation_periods(&self) -> &[(NaiveDate, NaiveDate)] {
        &self.calculation_periods
    }

    /// Totals per kind.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Errors: the report cannot be sent while there are any.
    pub fn errors(&self) -> &[Issue] {
        &self.errors
    }

    /// Warnings.
    pub fn warnings(&self) -> &[Issue] {
        &self.warnings
    }

    /// True when nothing blocks sending.
    pub fn is_sendable(&self) -> bool {
        self.errors.is_empty()
    }

    /// Adds an issue found outside the review itself (e.g. by the app when the report document
    /// cannot be made, or when signatures must be taken again).
    pub fn add_issue(&mut self, issue: Issue) {
        self.push(issue);
    }

    fn push(&mut self, issue: Issue) {
        match issue.severity {
            Severity::Error => self.errors.push(issue),
            Severity::Warning => self.warnings.push(issue),
        }
    }
}

#[derive(Serialize)]
struct RowJson {
    day: u32,
    from: ClockTime,
    to: ClockTime,
    kind: TimeKind,
    clock_minutes: u32,
    real_minutes: u32,
    fk_minutes: u32,
    dst_note: Option<DstNote>,
}

struct RowsJson<'a>(&'a [ReportRow], &'a [RowMinutes]);

impl Serialize for RowsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (row, m) in self.0.iter().zip(self.1) {
            seq.serialize_element(&RowJson {
                day: row.day,
                from: row.from,
                to: row.to,
                kind: row.kind,
                clock_minutes: m.clock_minutes,
                real_minutes: m.real_minutes,
                fk_minutes: m.fk_minutes,
                dst_note: m.dst_note,
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct PeriodJson {
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    id: Option<&'a str>,
    month: ReportMonth,
    person: &'a str,
    person_name: &'a str,
    assistant: &'a str,
    assistant_name: &'a str,
    calculation_periods: Vec<PeriodJson>,
    rows: RowsJson<'a>,
    totals: &'a Totals,
    errors: &'a [Issue],
    warnings: &'a [Issue],
}

impl Serialize for ReportReview {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ReportJson {
            id: self.id.as_deref(),
            month: self.key.month,
            person: self.key.person.digits(),
            person_name: &self.person_name,
            assistant: self.key.assistant.digits(),
            assistant_name: &self.assistant_name,
            calculation_periods: self
                .calculation_periods
                .iter()
                .map(|&(from, to)| PeriodJson { from, to })
                .collect(),
            rows: RowsJson(&self.rows, &self.minutes),
            totals: &self.totals,
            errors: &self.errors,
            warnings: &self.warnings,
        }
        .serialize(serializer)
    }
}

/// The review of one month: every report and the month's own issues.
#[derive(Clone, Debug, Serialize)]
pub struct MonthReview {
    month: ReportMonth,
    reports: Vec<ReportReview>,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
}

/// Identity numbers as map keys without arithmetic: the 12 ASCII digits loaded as a u64 and a
/// u32 (exact, so no collisions), hashed with a cheap multiply. The review looks up two numbers
/// per shift, a million times.
#[derive(Default)]
struct IdHasher(u64);

const MIX: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(MIX);
        }
    }
    fn write_u128(&mut self, n: u128) {
        let (hi, lo) = ((n >> 64) as u64, n as u64);
        self.0 = (lo ^ hi.rotate_left(23)).wrapping_mul(MIX);
    }
}

type IdMap = HashMap<u128, u32, BuildHasherDefault<IdHasher>>;

fn id_key(digits: &str) -> u128 {
    let b = digits.as_bytes();
    match (b.get(..8), b.get(8..12)) {
        (Some(head), Some(tail)) if b.len() == 12 => {
            let head = u64::from_le_bytes(head.try_into().unwrap_or([0; 8]));
            let tail = u32::from_le_bytes(tail.try_into().unwrap_or([0; 4]));
            (u128::from(tail) << 64) | u128::from(head)
        }
        // Identity numbers are always 12 digits; anything else still gets a distinct key.
        _ => b
            .iter()
            .fold(u128::MAX, |acc, &x| acc.rotate_left(8) ^ u128::from(x)),
    }
}

/// A shift placed in its assistant's bucket, with its instants computed once. Field order is
/// sort order: by start, then input position.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Placed {
    start: i64,
    index: u32,
    person: u32,
    end: i64,
    // Copied while the shift is in cache, so pass 2 streams the buckets instead of reading
    // a million shifts a second time.
    start_time: ShiftTime,
    end_time: ShiftTime,
    kind: TimeKind,
}

/// Per assistant while building.
struct AssistantState<'r> {
    assistant: &'r Assistant,
    name: String,
    rule: Option<(WorkingTimeRule, &'static str)>,
    periods: Vec<PeriodHours>,
    window: (NaiveDate, NaiveDate),
    /// The shifts with rows in the month.
    bucket: Vec<Placed>,
}

impl MonthReview {
    /// Reviews `month`: `shifts` may hold any shifts (other months too; those outside the month
    /// and outside the assistants' calculation periods are skipped cheaply).
    pub fn build(
        month: ReportMonth,
        register: &Register<'_>,
        shifts: &[Shift],
        config: &LimitConfig,
    ) -> Self {
        let calendar = DstCalendar::around(month);
        let (month_first, month_last) = (month.first_day(), month.last_day());
        let mut month_issues: Vec<Issue> = validation::check_provider(register.provider);

        // Register indices in identity-number order, so index order is report order.
        let mut persons: Vec<&PersonWithAssistance> = register.persons.iter().collect();
        persons.sort_by(|a, b| a.personnummer.cmp(&b.personnummer));
        persons.dedup_by(|a, b| a.personnummer == b.personnummer);
        let mut assistants: Vec<&Assistant> = register.assistants.iter().collect();
        assistants.sort_by(|a, b| a.id.cmp(&b.id));
        assistants.dedup_by(|a, b| a.id == b.id);
        let person_ix: IdMap = persons
            .iter()
            .enumerate()
            .map(|(i, p)| (id_key(p.personnummer.digits()), i as u32))
            .collect();
        let assistant_ix: IdMap = assistants
            .iter()
            .enumerate()
            .map(|(i, a)| (id_key(a.id.digits()), i as u32))
            .collect();
        let person_names: Vec<String> = persons.iter().map(|p| p.full_name()).collect();

        // Reserve about each assistant's share up front: growing a million entries by doubling
        // costs more than the review itself.
        let expected_per_assistant = (shifts.len() / assistants.len().max(1)).min(4096) + 8;
        let mut states: Vec<AssistantState<'_>> = assistants
            .iter()
            .map(|&assistant| {
                let rule = limits::rule_for(assistant, config);
                let (periods, is_default) =
                    limits::periods_to_check(assistant.calculation_period.as_ref(), month);
                let periods: Vec<PeriodHours> = if rule.is_some() {
                    periods
                        .into_iter()
                        .map(|(from, to)| PeriodHours {
                            from,
                            to,
                            worked_minutes: 0,
                            is_default,
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let window = periods.iter().fold((month_first, month_last), |(f, t), p| {
                    (f.min(p.from), t.max(p.to))
                });
                AssistantState {
                    assistant,
                    name: assistant.full_name(),
                    rule,
                    periods,
                    window,
                    bucket: Vec::with_capacity(expected_per_assistant),
                }
            })
            .collect();
        let window = states.iter().fold((month_first, month_last), |(f, t), s| {
            (f.min(s.window.0), t.max(s.window.1))
        });

        // Pass 1: place each shift with rows in the month in its assistant's bucket; count the
        // working time of other shifts inside the assistant's calculation periods.
        // Input usually comes grouped (by assistant, often by person): remember the last lookup.
        let mut last_a: Option<(u128, Option<u32>)> = None;
        let mut last_p: Option<(u128, Option<u32>)> = None;
        let lookup = |map: &IdMap, last: &mut Option<(u128, Option<u32>)>, digits: &str| {
            let key = id_key(digits);
            match *last {
                Some((k, v)) if k == key => v,
                _ => {
                    let v = map.get(&key).copied();
                    *last = Some((key, v));
                    v
                }
            }
        };
        for (i, shift) in shifts.iter().enumerate() {
            let start_date = shift.start.local().date();
            let last_date = last_row_date(&shift.start, &shift.end).max(start_date);
            if last_date < window.0 || start_date > window.1 {
                continue;
            }
            let touches_month = start_date <= month_last && last_date >= month_first;
            let a = lookup(&assistant_ix, &mut last_a, shift.assistant.digits());
            let p = lookup(&person_ix, &mut last_p, shift.person.digits());
            let (Some(a), Some(p)) = (a, p) else {
                if touches_month {
                    if a.is_none() {
                        month_issues.push(validation::unknown_assistant(i, shift));
                    }
                    if p.is_none() {
                        month_issues.push(validation::unknown_person(i, shift));
                    }
                }
                continue;
            };
            let state = &mut states[a as usize];
            if touches_month {
                state.bucket.push(Placed {
                    start: shift.start.utc_minutes(),
                    index: i as u32,
                    person: p,
                    end: shift.end.utc_minutes(),
                    start_time: shift.start,
                    end_time: shift.end,
                    kind: shift.kind,
                });
            } else if state.rule.is_some()
                && shift.kind != TimeKind::Beredskap
                && last_date >= state.window.0
                && start_date <= state.window.1
            {
                for (_, facts) in shift_rows_with(shift, &calendar) {
                    limits::add_row(&mut state.periods, facts.date, facts.minutes.real_minutes);
                }
            }
        }

        // Pass 2: per assistant, overlaps, then one report per person.
        let mut reports: Vec<(u32, u32, ReportReview)> = Vec::new();
        // One scratch buffer for every report's rows: sorted there, then copied out exactly.
        let mut rows: Vec<(ReportRow, RowMinutes)> = Vec::new();
        for (a, state) in states.iter_mut().enumerate() {
            if state.bucket.is_empty() {
                continue;
            }
            state.bucket.sort_unstable();
            let mut overlaps: Vec<(u32, Issue)> = Vec::new();
            validation::sweep_overlaps(
                state.bucket.iter().map(|b| SweepItem {
                    person: b.person,
                    start: b.start,
                    end: b.end,
                    index: b.index as usize,
                }),
                |earlier, later, same| {
                    let later_person = later.person;
                    let later = later.index;
                    overlaps.push((
                        later_person,
                        validation::overlap_issue(
                            (earlier, &shifts[earlier]),
                            (later, &shifts[later]),
                            same,
                            register,
                        ),
                    ));
                },
            );
            // An assistant works for few persons: one pass over the (start-ordered) bucket per
            // person keeps each report's shifts in start order without another sort.
            let mut served: Vec<(u32, usize)> = Vec::new();
            for b in &state.bucket {
                match served.iter_mut().find(|s| s.0 == b.person) {
                    Some(s) => s.1 += 1,
                    None => served.push((b.person, 1)),
                }
            }
            served.sort_unstable();
            let assistant_issues = validation::check_assistant(state.assistant);
            let first_report = reports.len();
            for &(p, shift_count) in &served {
                let person = persons[p as usize];
                let person_name = &person_names[p as usize];
                let mut report = ReportReview {
                    id: None,
                    key: ReportKey {
                        month,
                        person: person.personnummer.clone(),
                        assistant: state.assistant.id.clone(),
                    },
                    person_name: person_name.clone(),
                    assistant_name: state.name.clone(),
                    calculation_periods: state
                        .assistant
                        .calculation_period
                        .map(|cp| cp.periods_intersecting(month))
                        .unwrap_or_default(),
                    rows: Vec::new(),
                    minutes: Vec::new(),
                    totals: Totals::default(),
                    errors: Vec::new(),
                    warnings: Vec::new(),
                };
                // Rows go straight into the report; most shifts give one row, some two.
                let capacity = shift_count + shift_count / 4 + 2;
                report.rows.reserve_exact(capacity);
                report.minutes.reserve_exact(capacity);
                let mut in_order = true;
                let mut issues: Vec<Issue> = Vec::new();
                for b in state.bucket.iter().filter(|b| b.person == p) {
                    let i = b.index;
                    let real = b.end - b.start;
                    if !(1..=16 * 60).contains(&real) {
                        issues.extend(validation::shift_length_issue_with(
                            i as usize,
                            &shifts[i as usize],
                            real,
                            &state.name,
                            person_name,
                        ));
                    }
                    let counts = state.rule.is_some() && b.kind != TimeKind::Beredskap;
                    let split = ShiftRows::with_validity(
                        b.start_time,
                        b.end_time,
                        b.kind,
                        Some(&calendar),
                        b.end > b.start,
                    );
                    for (row_month, facts) in split {
                        if counts {
                            limits::add_row(
                                &mut state.periods,
                                facts.date,
                                facts.minutes.real_minutes,
                            );
                        }
                        if row_month != month {
                            continue;
                        }
                        if facts.minutes.fk_reading_differs() || !facts.is_increasing() {
                            let shift = &shifts[i as usize];
                            issues.extend(validation::row_issue(i as usize, shift, &facts));
                        }
                        report.totals.add(facts.row.kind, &facts.minutes);
                        in_order &= report.rows.last().is_none_or(|last| *last <= facts.row);
                        report.rows.push(facts.row);
                        report.minutes.push(facts.minutes);
                    }
                }
                // Start order almost always is row order already; sort only when it is not
                // (overlaps, the repeated autumn hour).
                if !in_order {
                    rows.clear();
                    rows.extend(
                        report
                            .rows
                            .iter()
                            .copied()
                            .zip(report.minutes.iter().copied()),
                    );
                    rows.sort_by_key(|r| r.0);
                    report.rows.clear();
                    report.minutes.clear();
                    for (row, minutes) in &rows {
                        report.rows.push(*row);
                        report.minutes.push(*minutes);
                    }
                }
                for issue in issues
                    .into_iter()
                    .chain(assistant_issues.iter().cloned())
                    .chain(validation::check_person(person))
                {
                    report.push(issue);
                }
                reports.push((p, a as u32, report));
            }
            for (p, issue) in overlaps {
                if let Some(r) = reports[first_report..].iter_mut().find(|r| r.0 == p) {
                    r.2.push(issue);
                }
            }
            if let Some((rule, rule_name)) = state.rule {
                let limit_issues: Vec<Issue> = state
                    .periods
                    .iter()
                    .flat_map(|h| limits::check_period(state.assistant, rule, rule_name, h))
                    .collect();
                for r in &mut reports[first_report..] {
                    for issue in &limit_issues {
                        r.2.push(issue.clone());
                    }
                }
            }
        }
        reports.sort_by_key(|r| (r.0, r.1));

        let (errors, warnings) = month_issues.into_iter().partition(Issue::is_error);
        Self {
            month,
            reports: reports.into_iter().map(|r| r.2).collect(),
            errors,
            warnings,
        }
    }

    /// The month reviewed.
    pub fn month(&self) -> ReportMonth {
        self.month
    }

    /// The reports, by person then assistant.
    pub fn reports(&self) -> &[ReportReview] {
        &self.reports
    }

    /// The reports, for the store to assign ids.
    pub fn reports_mut(&mut self) -> &mut [ReportReview] {
        &mut self.reports
    }

    /// The report for a person and assistant.
    pub fn report(
        &self,
        person: &Personnummer,
        assistant: &IdentityNumber,
    ) -> Option<&ReportReview> {
        self.reports
            .iter()
            .find(|r| &r.key.person == person && &r.key.assistant == assistant)
    }

    /// Month-level errors (the provider, shifts outside the register).
    pub fn errors(&self) -> &[Issue] {
        &self.errors
    }

    /// Month-level warnings.
    pub fn warnings(&self) -> &[Issue] {
        &self.warnings
    }

    /// True when the month or any report has an error.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.reports.iter().any(|r| !r.errors.is_empty())
    }

    /// Every issue, month-level first, then per report in order.
    pub fn all_issues(&self) -> impl Iterator<Item = &Issue> {
        self.errors.iter().chain(&self.warnings).chain(
            self.reports
                .iter()
                .flat_map(|r| r.errors.iter().chain(&r.warnings)),
        )
    }
}
