//! The month grid of one person: the stored shifts (with their ids, so the grid can change and
//! delete them), a column for every assistant who works for the person, the reports' totals
//! and issues, and the person's granted against used hours; and a shift as the grid types it.

use assistid_core::ids::Personnummer;
use assistid_core::model::ReportMonth;
use assistid_core::text::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{GrantUsage, Issue, MonthReview, PersonWithAssistance, ReportReview, TimeKind};
use crate::{App, AppError};

/// A resolved Europe/Stockholm wall-clock reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftTime {
    /// `YYYY-MM-DDTHH:MM:SS`, no offset.
    pub local: String,
    /// Minutes east of UTC: 120 (summer) or 60 (winter).
    pub offset_minutes: i32,
}

impl From<&assistid_core::time::ShiftTime> for ShiftTime {
    fn from(t: &assistid_core::time::ShiftTime) -> Self {
        ShiftTime {
            local: t.local().format("%Y-%m-%dT%H:%M:%S").to_string(),
            offset_minutes: t.offset_minutes(),
        }
    }
}

/// A piece of work shown in the month grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftRecord {
    /// The stored shift's id (what `update_shift` and `delete_shift` take).
    pub id: String,
    /// Person (12 digits).
    pub person: String,
    /// Assistant (12 digits).
    pub assistant: String,
    /// Start.
    pub start: ShiftTime,
    /// End.
    pub end: ShiftTime,
    /// Kind of time.
    pub kind: TimeKind,
    /// A note.
    pub note: Option<String>,
    /// Wall-clock minutes.
    pub clock_minutes: u32,
    /// Minutes actually worked.
    pub real_minutes: u32,
    /// DST note, if any.
    pub dst_note: Option<String>,
}

impl From<&crate::shifts::ShiftView> for ShiftRecord {
    fn from(view: &crate::shifts::ShiftView) -> Self {
        ShiftRecord {
            id: view.id.get().to_string(),
            person: view.shift.person.digits().to_owned(),
            assistant: view.shift.assistant.digits().to_owned(),
            start: (&view.shift.start).into(),
            end: (&view.shift.end).into(),
            kind: view.shift.kind.into(),
            note: view.shift.note.clone(),
            clock_minutes: view.clock_minutes,
            real_minutes: view.real_minutes,
            dst_note: view.dst_note.map(|n| n.sv().to_owned()),
        }
    }
}

/// Which of the two occurrences of a repeated autumn time is meant (02:00–02:59 on the night
/// the clocks go back): `first` in summer time (+02:00), `second` in winter time (+01:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Occurrence {
    /// The first time, still summer time.
    First,
    /// The second time, already winter time.
    Second,
}

impl From<Occurrence> for assistid_core::time::Occurrence {
    fn from(o: Occurrence) -> Self {
        match o {
            Occurrence::First => assistid_core::time::Occurrence::First,
            Occurrence::Second => assistid_core::time::Occurrence::Second,
        }
    }
}

/// A shift as typed in the month grid, to add or change one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftInput {
    /// Person (12 digits).
    pub person: String,
    /// Assistant (12 digits).
    pub assistant: String,
    /// Start, local `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// Needed only when `start` falls in the repeated autumn hour; never guessed.
    pub start_occurrence: Option<Occurrence>,
    /// End, local `YYYY-MM-DDTHH:MM`.
    pub end: String,
    /// Needed only when `end` falls in the repeated autumn hour; never guessed.
    pub end_occurrence: Option<Occurrence>,
    /// Kind of time.
    pub kind: TimeKind,
    /// A note (not sent to FK).
    pub note: Option<String>,
}

impl ShiftInput {
    /// The shift as the shift use cases take it ([`App::add_shift`], [`App::update_shift`]).
    pub fn input(&self) -> crate::shifts::ShiftInput {
        crate::shifts::ShiftInput {
            assistant: self.assistant.clone(),
            person: self.person.clone(),
            start: self.start.clone(),
            start_occurrence: self.start_occurrence.map(Into::into),
            end: self.end.clone(),
            end_occurrence: self.end_occurrence.map(Into::into),
            kind: self.kind.into(),
            note: self.note.clone(),
        }
    }
}

/// A column of the month grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AssistantColumn {
    /// Identity number (12 digits).
    pub id: String,
    /// Display name.
    pub name: String,
}

/// Everything the Month screen needs for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthGridData {
    /// `YYYY-MM`.
    pub month: String,
    /// The person.
    pub person: PersonWithAssistance,
    /// Columns in display order.
    pub assistants: Vec<AssistantColumn>,
    /// The month's work, per assistant.
    pub shifts: Vec<ShiftRecord>,
    /// One review per assistant with work this month: totals and issues, and of its rows only
    /// those with a DST note (the cells come from `shifts`; a row per shift again would double
    /// the answer for nothing).
    pub reports: Vec<ReportReview>,
    /// Month-wide errors concerning this person.
    pub errors: Vec<Issue>,
    /// Month-wide warnings concerning this person.
    pub warnings: Vec<Issue>,
    /// The identity numbers of the assistants in the person's team (the columns a
    /// coordinator chose; the other columns are assistants who worked this month).
    pub team: Vec<String>,
    /// The person's granted against used hours in the month (one per decision that applies).
    pub granted_hours: Vec<GrantUsage>,
}

impl App {
    /// One person's month for the grid, its issues' messages in `lang`.
    ///
    /// The cells are the person's stored shifts (with their ids); the columns are who worked
    /// for the person this month (from the review), then the rest of the person's team, so
    /// there is a column to type in for everyone who works for the person and nobody else's.
    pub fn month_grid(
        &self,
        month: ReportMonth,
        person: &str,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> anyhow::Result<MonthGridData> {
        let review = MonthReview::from_domain(&self.month_review(month, now)?, lang);
        let persons = self.persons()?;
        let team = self.team(person, now)?;
        let shifts = self.shifts_of_person_in_month(person, month)?;
        let who = persons
            .iter()
            .find(|p| p.personnummer.digits() == person)
            .map(PersonWithAssistance::from)
            .ok_or_else(|| {
                AppError::Missing(format!("personen {person} finns inte i registret"))
            })?;
        let mut reports: Vec<ReportReview> = review
            .reports
            .into_iter()
            .filter(|r| r.person == person)
            .collect();
        let mut assistants: Vec<AssistantColumn> = reports
            .iter()
            .map(|r| AssistantColumn {
                id: r.assistant.clone(),
                name: r.assistant_name.clone(),
            })
            .collect();
        for m in &team {
            if !assistants.iter().any(|c| c.id == m.identity) {
                assistants.push(AssistantColumn {
                    id: m.identity.clone(),
                    name: m.name.clone(),
                });
            }
        }
        // Of the report rows the grid needs only the DST notes (for the totals): 40
        // assistants' rows would otherwise be a third of the answer.
        for report in &mut reports {
            report.rows.retain(|row| row.dst_note.is_some());
        }
        let pnr = Personnummer::parse(person, now.date_naive())
            .map_err(|e| AppError::invalid_with("personnummer", e.text()))?;
        let concerns = |i: &Issue| i.person.as_deref().is_none_or(|p| p == person);
        Ok(MonthGridData {
            month: review.month,
            person: who,
            assistants,
            shifts: shifts.iter().map(ShiftRecord::from).collect(),
            reports,
            errors: review.errors.into_iter().filter(concerns).collect(),
            warnings: review.warnings.into_iter().filter(concerns).collect(),
            team: team.into_iter().map(|m| m.identity).collect(),
            granted_hours: GrantUsage::list(&self.grant_usage(month, Some(&pnr))?),
        })
    }
}
