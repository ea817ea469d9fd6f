//! The shapes the front ends show, defined once here: the desktop shell hands them to the UI as
//! they are (their TypeScript is generated from these types with `ts-rs`, behind this crate's
//! `ts` feature, into `ui/src/lib/backend/generated/ipc.ts`), and the CLI prints the same facts.
//!
//! The JSON field names are the UI's contract; change them only together with the UI.
//!
//! Where a use case already returns a type of the shape the UI shows, that type derives the
//! TypeScript itself (e.g. [`crate::reports::ExportedReport`]); the shapes here are those that
//! differ from the domain's (identity numbers as digits, dates as text, messages in the UI's
//! language), each with its one conversion from the domain.

use serde::{Deserialize, Serialize};

mod grid;
mod register;
mod review;
mod settings;

pub use grid::{AssistantColumn, MonthGridData, Occurrence, ShiftInput, ShiftRecord, ShiftTime};
pub use register::{
    Assistant, CalculationPeriod, Employment, PeriodLength, PersonDetails, PersonWithAssistance,
    Provider, RegisterData, TeamMember,
};
pub use review::{KindTotal, MonthReview, PeriodRange, ReportReview, ReportRow, TimeKind, Totals};
pub use settings::{CheckOutcome, LiveStep, Signatory};

/// The month's reports written for the user: the export's index and the folder it went to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportResult {
    /// The folder the files were written to.
    pub folder: String,
    /// `YYYY-MM`.
    pub month: String,
    /// One entry per report.
    pub reports: Vec<crate::reports::ExportedReport>,
}

impl ExportResult {
    /// The export's index with the folder it was written to.
    pub fn new(index: crate::reports::ExportIndex, folder: &std::path::Path) -> Self {
        ExportResult {
            folder: folder.display().to_string(),
            month: index.month,
            reports: index.reports,
        }
    }
}

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks signing and sending.
    Error,
    /// Worth a look; does not block.
    Warning,
}

/// A finding of the review, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// Stable snake_case code.
    pub code: String,
    /// Swedish text naming the shift, day and times.
    pub message: String,
    /// Index of the shift in the checked list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub shift: Option<u32>,
    /// Index of the other shift (overlaps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub other_shift: Option<u32>,
    /// The calendar day concerned (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub date: Option<String>,
    /// The person with assistance concerned (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub person: Option<String>,
    /// The assistant concerned (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub assistant: Option<String>,
}

impl Issue {
    /// The domain's issue with its message in `lang`.
    pub fn from_domain(
        issue: &assistid_core::validation::Issue,
        lang: assistid_core::text::Lang,
    ) -> Self {
        let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        Issue {
            severity: match issue.severity {
                assistid_core::validation::Severity::Error => Severity::Error,
                assistid_core::validation::Severity::Warning => Severity::Warning,
            },
            code: issue.code.to_owned(),
            message: issue.message_in(lang),
            shift: issue.shift.map(index),
            other_shift: issue.other_shift.map(index),
            date: issue.date.map(|d| d.to_string()),
            person: issue.person.as_ref().map(|p| p.digits().to_owned()),
            assistant: issue.assistant.as_ref().map(|a| a.digits().to_owned()),
        }
    }
}

/// Where a report is on its way to FK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    /// Waiting in the queue.
    Queued,
    /// Being sent.
    Sending,
    /// FK accepted it.
    Accepted,
    /// FK rejected it.
    Rejected,
    /// Failed; will be retried.
    FailedWillRetry,
    /// Unknown whether FK got it.
    Uncertain,
    /// Failed and will not be retried (a settings problem the user must fix).
    FailedFinal,
    /// Given up by the user's decision.
    Abandoned,
}

impl SubmissionState {
    /// The stable snake_case code (what it serializes as; the outbox's own code).
    pub fn code(self) -> &'static str {
        match self {
            SubmissionState::Queued => "queued",
            SubmissionState::Sending => "sending",
            SubmissionState::Accepted => "accepted",
            SubmissionState::Rejected => "rejected",
            SubmissionState::FailedWillRetry => "failed_will_retry",
            SubmissionState::Uncertain => "uncertain",
            SubmissionState::FailedFinal => "failed_final",
            SubmissionState::Abandoned => "abandoned",
        }
    }
}

impl std::fmt::Display for SubmissionState {
    /// The code.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl From<assistid_store::SubmissionState> for SubmissionState {
    fn from(state: assistid_store::SubmissionState) -> Self {
        use assistid_store::SubmissionState as Stored;
        match state {
            Stored::Queued => SubmissionState::Queued,
            Stored::Sending => SubmissionState::Sending,
            Stored::Accepted => SubmissionState::Accepted,
            Stored::Rejected => SubmissionState::Rejected,
            Stored::FailedWillRetry => SubmissionState::FailedWillRetry,
            Stored::FailedFinal => SubmissionState::FailedFinal,
            Stored::Abandoned => SubmissionState::Abandoned,
            // Uncertain, and any state added later: never shown as sent.
            _ => SubmissionState::Uncertain,
        }
    }
}

/// The facts the overview derives one report's state from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportSummary {
    /// The current version's id; null when no document can be made yet.
    pub report_id: Option<String>,
    /// The current version's number (1 for the first, then 2, 3, …); 0 when no document can
    /// be made yet.
    pub version: u32,
    /// `YYYY-MM`.
    pub month: String,
    /// Person (12 digits).
    pub person: String,
    /// Person's name.
    pub person_name: String,
    /// Assistant (12 digits).
    pub assistant: String,
    /// Assistant's name.
    pub assistant_name: String,
    /// Number of report rows (a shift over midnight counts as two).
    pub shift_count: u32,
    /// Number of errors.
    pub error_count: u32,
    /// Number of warnings.
    pub warning_count: u32,
    /// When the assistant signed the current version (RFC 3339).
    pub signed_by_assistant_at: Option<String>,
    /// When the provider signed the current version (RFC 3339).
    pub signed_by_provider_at: Option<String>,
    /// Where the report is on its way to FK.
    pub submission_state: Option<SubmissionState>,
}

/// The overview of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthOverview {
    /// `YYYY-MM`.
    pub month: String,
    /// Every report of the month.
    pub reports: Vec<ReportSummary>,
    /// Month-wide errors.
    pub errors: Vec<Issue>,
    /// Month-wide warnings.
    pub warnings: Vec<Issue>,
    /// Granted against used hours for every person with a decision from FK that applies in
    /// the month.
    pub granted_hours: Vec<GrantUsage>,
}

/// What granted hours are counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum GrantPeriod {
    /// Hours per week (FK's usual form).
    Week,
    /// Hours per calendar month.
    Month,
    /// Hours for the whole decision period.
    Decision,
}

/// A decision from FK: granted hours per period, valid from–to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Grant {
    /// The decision's id (0 for a new one).
    pub id: u32,
    /// The person's personnummer (12 digits).
    pub person: String,
    /// Granted hours as typed or shown: `40`, `37,5`, `37:30`.
    pub hours: String,
    /// What the hours are counted per.
    pub period: GrantPeriod,
    /// First day (`YYYY-MM-DD`).
    pub valid_from: String,
    /// Last day (`YYYY-MM-DD`), none for "until further notice".
    pub valid_to: Option<String>,
}

impl Grant {
    /// A stored decision (`id` is the store's; 0 for one not stored) of `person`.
    pub fn from_domain(person: &str, id: i64, grant: &assistid_core::grant::Grant) -> Self {
        Grant {
            id: u32::try_from(id).unwrap_or(0),
            person: person.to_owned(),
            hours: hours_text(grant.minutes),
            period: match grant.period {
                assistid_core::grant::GrantPeriod::Week => GrantPeriod::Week,
                assistid_core::grant::GrantPeriod::Month => GrantPeriod::Month,
                _ => GrantPeriod::Decision,
            },
            valid_from: grant.valid_from.to_string(),
            valid_to: grant.valid_to.map(|d| d.to_string()),
        }
    }

    /// The decision as the register use case takes it ([`crate::App::add_grant`]).
    pub fn input(&self) -> crate::teams::GrantInput {
        crate::teams::GrantInput {
            personnummer: self.person.clone(),
            hours: self.hours.clone(),
            period: match self.period {
                GrantPeriod::Week => "week",
                GrantPeriod::Month => "month",
                GrantPeriod::Decision => "decision",
            }
            .to_owned(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
        }
    }
}

/// Minutes as the hours a coordinator types: `40`, `37,5`, `37:20`.
pub fn hours_text(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => h.to_string(),
        (h, m) if (m * 100) % 60 == 0 => {
            format!("{h},{}", (m * 100 / 60).to_string().trim_end_matches('0'))
        }
        (h, m) => format!("{h}:{m:02}"),
    }
}

/// How close the used hours are to the granted ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UsageLevel {
    /// Below 90 %.
    Within,
    /// 90 % or more, none over.
    Near,
    /// More used than granted.
    Exceeded,
}

/// One person's granted against used hours for one decision in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GrantUsage {
    /// The person's personnummer (12 digits).
    pub person: String,
    /// The person's name.
    pub person_name: String,
    /// The decision.
    pub grant: Grant,
    /// The first day counted (`YYYY-MM-DD`).
    pub from: String,
    /// The last day counted (`YYYY-MM-DD`).
    pub to: String,
    /// Granted minutes for those days.
    pub granted_minutes: u32,
    /// Real minutes worked in those days (every kind of time).
    pub used_minutes: u32,
    /// How close.
    pub level: UsageLevel,
}

impl GrantUsage {
    /// Granted against used hours, one entry per person and decision.
    pub fn list(usage: &[crate::teams::PersonGrantUsage]) -> Vec<GrantUsage> {
        let minutes = |m: u64| u32::try_from(m).unwrap_or(u32::MAX);
        usage
            .iter()
            .flat_map(|p| {
                p.usage.iter().map(|u| GrantUsage {
                    person: p.personnummer.clone(),
                    person_name: p.name.clone(),
                    grant: Grant::from_domain(&p.personnummer, 0, &u.grant),
                    from: u.from.to_string(),
                    to: u.to.to_string(),
                    granted_minutes: minutes(u.granted_minutes),
                    used_minutes: minutes(u.used_minutes),
                    level: match u.level {
                        assistid_core::grant::UsageLevel::Exceeded => UsageLevel::Exceeded,
                        assistid_core::grant::UsageLevel::Near => UsageLevel::Near,
                        _ => UsageLevel::Within,
                    },
                })
            })
            .collect()
    }
}
