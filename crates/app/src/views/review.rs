//! The month review as the front ends show it: every report with its FK rows, totals and
//! issues. The same fields as the CLI's `review --json` (core's own JSON, described in
//! `schemas/review.schema.json`), built from the domain directly and with every issue's
//! message in the asked language.

use assistid_core::text::Lang;
use serde::{Deserialize, Serialize};

use super::Issue;

/// The kind of time (FK's `tidsslag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TimeKind {
    /// Active time.
    Aktiv,
    /// Waiting time (väntetid).
    Vante,
    /// On call (beredskap).
    Beredskap,
}

impl From<assistid_core::model::TimeKind> for TimeKind {
    fn from(kind: assistid_core::model::TimeKind) -> Self {
        use assistid_core::model::TimeKind as Core;
        match kind {
            Core::Aktiv => TimeKind::Aktiv,
            Core::Vante => TimeKind::Vante,
            Core::Beredskap => TimeKind::Beredskap,
        }
    }
}

impl From<TimeKind> for assistid_core::model::TimeKind {
    fn from(kind: TimeKind) -> Self {
        use assistid_core::model::TimeKind as Core;
        match kind {
            TimeKind::Aktiv => Core::Aktiv,
            TimeKind::Vante => Core::Vante,
            TimeKind::Beredskap => Core::Beredskap,
        }
    }
}

/// Minutes of one kind of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KindTotal {
    /// Wall-clock minutes, as FK's document reads them.
    pub clock_minutes: u32,
    /// Minutes actually worked (differs across a DST change).
    pub real_minutes: u32,
}

impl From<assistid_core::review::KindTotal> for KindTotal {
    fn from(total: assistid_core::review::KindTotal) -> Self {
        KindTotal {
            clock_minutes: saturate(total.clock_minutes),
            real_minutes: saturate(total.real_minutes),
        }
    }
}

/// A report's totals per kind of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Totals {
    /// Active time.
    pub aktiv: KindTotal,
    /// Waiting time.
    pub vante: KindTotal,
    /// On call.
    pub beredskap: KindTotal,
}

impl From<&assistid_core::review::Totals> for Totals {
    fn from(totals: &assistid_core::review::Totals) -> Self {
        Totals {
            aktiv: totals.aktiv.into(),
            vante: totals.vante.into(),
            beredskap: totals.beredskap.into(),
        }
    }
}

/// One FK report row (a shift split at midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportRow {
    /// Day of the month.
    pub day: u32,
    /// `HH.MM`.
    pub from: String,
    /// `HH.MM`; `24.00` ends a row at midnight.
    pub to: String,
    /// Kind of time.
    pub kind: TimeKind,
    /// Wall-clock minutes.
    pub clock_minutes: u32,
    /// Minutes actually worked.
    pub real_minutes: u32,
    /// Minutes as FK counts them.
    pub fk_minutes: u32,
    /// "+1 h, vintertid" / "−1 h, sommartid" when the row crosses a DST change.
    pub dst_note: Option<String>,
}

/// A calculation period that intersects the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PeriodRange {
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day (`YYYY-MM-DD`).
    pub to: String,
}

/// The review of one report (assistant × person × month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportReview {
    /// The current version's id; null when no document can be made yet.
    pub id: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// The person's personnummer (12 digits).
    pub person: String,
    /// The person's name.
    pub person_name: String,
    /// The assistant's identity number (12 digits).
    pub assistant: String,
    /// The assistant's name.
    pub assistant_name: String,
    /// Calculation periods intersecting the month.
    pub calculation_periods: Vec<PeriodRange>,
    /// The report's rows.
    pub rows: Vec<ReportRow>,
    /// Totals per kind.
    pub totals: Totals,
    /// Errors (block signing).
    pub errors: Vec<Issue>,
    /// Warnings.
    pub warnings: Vec<Issue>,
}

impl ReportReview {
    /// The domain's review of one report, its issues' messages in `lang`.
    pub fn from_domain(report: &assistid_core::review::ReportReview, lang: Lang) -> Self {
        ReportReview {
            id: report.id().map(str::to_owned),
            month: report.month().to_string(),
            person: report.person().digits().to_owned(),
            person_name: report.person_name().to_owned(),
            assistant: report.assistant().digits().to_owned(),
            assistant_name: report.assistant_name().to_owned(),
            calculation_periods: report
                .calculation_periods()
                .iter()
                .map(|(from, to)| PeriodRange {
                    from: from.to_string(),
                    to: to.to_string(),
                })
                .collect(),
            rows: report
                .rows_with_minutes()
                .map(|(row, m)| ReportRow {
                    day: row.day,
                    from: row.from.to_string(),
                    to: row.to.to_string(),
                    kind: row.kind.into(),
                    clock_minutes: m.clock_minutes,
                    real_minutes: m.real_minutes,
                    fk_minutes: m.fk_minutes,
                    dst_note: m.dst_note.map(|n| n.sv().to_owned()),
                })
                .collect(),
            totals: report.totals().into(),
            errors: issues(report.errors(), lang),
            warnings: issues(report.warnings(), lang),
        }
    }
}

/// The month review: every report and the month's own issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthReview {
    /// `YYYY-MM`.
    pub month: String,
    /// One per assistant × person.
    pub reports: Vec<ReportReview>,
    /// Month-wide errors.
    pub errors: Vec<Issue>,
    /// Month-wide warnings.
    pub warnings: Vec<Issue>,
}

impl MonthReview {
    /// The domain's month review, every issue's message in `lang`.
    pub fn from_domain(review: &assistid_core::review::MonthReview, lang: Lang) -> Self {
        MonthReview {
            month: review.month().to_string(),
            reports: review
                .reports()
                .iter()
                .map(|r| ReportReview::from_domain(r, lang))
                .collect(),
            errors: issues(review.errors(), lang),
            warnings: issues(review.warnings(), lang),
        }
    }
}

fn issues(domain: &[assistid_core::validation::Issue], lang: Lang) -> Vec<Issue> {
    domain.iter().map(|i| Issue::from_domain(i, lang)).collect()
}

/// A sum of minutes as the view's `u32` (a month never comes near the limit).
fn saturate(minutes: u64) -> u32 {
    u32::try_from(minutes).unwrap_or(u32::MAX)
}
