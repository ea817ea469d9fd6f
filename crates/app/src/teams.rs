//! A person's team (the assistants who work for them, the month grid's columns) and their
//! decisions from FK (granted hours), with the month's use of them.
//!
//! Every stored shift puts its pair in the team (the store does it, for imports and the grid
//! alike); the coordinator adds and removes members by hand too. Removing a member keeps their
//! shifts and reports. Granted hours are counted in real minutes of every kind of time
//! (`assistid_core::grant`); the month's use is read from the stored shifts, so it is the same
//! on the overview, in the month grid and in the invoice figures.

use assistid_core::grant::{Grant, GrantPeriod, GrantUsage, UsageLevel, month_usage};
use assistid_core::ids::Personnummer;
use assistid_core::model::{PersonWithAssistance, ReportMonth};
use assistid_store::{GrantId, StoredPerson, Subject};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::receipts::{parse_assistant, parse_person};
use crate::{App, AppError};

/// One assistant in a person's team, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMemberView {
    /// The assistant's personnummer or samordningsnummer (12 digits).
    pub identity: String,
    /// The assistant's full name.
    pub name: String,
    /// The first day in the team, when known.
    pub since: Option<NaiveDate>,
}

/// A decision as the user enters it.
#[derive(Debug, Clone, Default)]
pub struct GrantInput {
    /// The person's personnummer.
    pub personnummer: String,
    /// Granted hours: `40`, `37,5`, `37.5` or `37:30`.
    pub hours: String,
    /// `week`, `month` or `decision` (also `vecka`, `månad`, `beslutsperiod`).
    pub period: String,
    /// First day (`YYYY-MM-DD`).
    pub valid_from: String,
    /// Last day (`YYYY-MM-DD`), empty or `None` for "until further notice".
    pub valid_to: Option<String>,
}

/// A stored decision, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantView {
    /// The decision's id (for removing it).
    pub id: i64,
    /// The decision.
    pub grant: Grant,
    /// The decision in Swedish words.
    pub text: String,
}

/// One person's granted against used hours for a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonGrantUsage {
    /// The person's personnummer (12 digits).
    pub personnummer: String,
    /// The person's full name.
    pub name: String,
    /// One entry per decision that applies in the month (usually one).
    pub usage: Vec<GrantUsage>,
    /// The warnings (near or over the grant) in Swedish, with the numbers.
    pub warnings: Vec<String>,
}

impl PersonGrantUsage {
    /// The most serious level among the decisions.
    pub fn level(&self) -> UsageLevel {
        if self.usage.iter().any(|u| u.level == UsageLevel::Exceeded) {
            UsageLevel::Exceeded
        } else if self.usage.iter().any(|u| u.level == UsageLevel::Near) {
            UsageLevel::Near
        } else {
            UsageLevel::Within
        }
    }
}

fn invalid(field: &str, message: impl Into<assistid_core::text::Param>) -> AppError {
    AppError::invalid_with(field, message)
}

/// Hours as typed: `40`, `37,5`, `37.5`, `37:30` → minutes.
fn parse_hours(text: &str) -> Result<u32, AppError> {
    let t = text.trim();
    let bad = || {
        invalid(
            "beviljade timmar",
            crate::invalid::templates::NOT_HOURS.with("value", format!("{t:?}")),
        )
    };
    let minutes = if let Some((h, m)) = t.split_once(':') {
        let h: u32 = h.trim().parse().map_err(|_| bad())?;
        let m: u32 = m.trim().parse().map_err(|_| bad())?;
        if m >= 60 {
            return Err(bad());
        }
        h.checked_mul(60).and_then(|x| x.checked_add(m))
    } else {
        let t = t.replace(',', ".");
        let hours: f64 = t.parse().map_err(|_| bad())?;
        if !hours.is_finite() || !(0.0..=1_000_000.0).contains(&hours) {
            return Err(bad());
        }
        let minutes = (hours * 60.0).round();
        if (hours * 60.0 - minutes).abs() > 1e-6 {
            return Err(invalid(
                "beviljade timmar",
                crate::invalid::templates::WHOLE_MINUTES.with("value", format!("{t:?}")),
            ));
        }
        // Bounded above, so the cast is exact.
        Some(minutes as u32)
    };
    minutes.ok_or_else(bad)
}

fn parse_period(text: &str) -> Result<GrantPeriod, AppError> {
    match text.trim().to_lowercase().as_str() {
        "week" | "vecka" | "v" => Ok(GrantPeriod::Week),
        "month" | "månad" | "manad" | "m" => Ok(GrantPeriod::Month),
        "decision" | "beslutsperiod" | "period" | "hela" => Ok(GrantPeriod::Decision),
        other => Err(invalid(
            "period",
            crate::invalid::templates::NOT_A_GRANT_PERIOD.with("value", format!("{other:?}")),
        )),
    }
}

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        invalid(
            field,
            crate::invalid::templates::NOT_A_DATE.with("value", format!("{text:?}")),
        )
    })
}

impl App {
    fn stored_person(
        &self,
        personnummer: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<StoredPerson> {
        let pnr = parse_person(personnummer, now)?;
        Ok(self
            .store()
            .person_by_personnummer(&pnr)
            .map_err(AppError::from)?
            .ok_or_else(|| {
                AppError::missing_text(
                    crate::error::templates::NO_SUCH_PERSON.with("personnummer", pnr.masked()),
                )
            })?)
    }

    /// The person's team, by name.
    pub fn team(
        &self,
        personnummer: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<TeamMemberView>> {
        let person = self.stored_person(personnummer, now)?;
        Ok(self
            .store()
            .team_of(person.id)
            .map_err(AppError::from)?
            .into_iter()
            .map(|m| TeamMemberView {
                identity: m.identity.digits().to_owned(),
                name: format!("{} {}", m.first_name, m.last_name),
                since: m.since,
            })
            .collect())
    }

    /// Adds an assistant to a person's team (`since`: their first day, `YYYY-MM-DD`, if known).
    /// Returns whether they were new in the team.
    pub fn add_to_team(
        &self,
        personnummer: &str,
        assistant: &str,
        since: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let person = self.stored_person(personnummer, now)?;
        let id = parse_assistant(assistant, now)?;
        let since = since
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| parse_date("första dag i teamet", s))
            .transpose()?;
        let store = self.store();
        let stored = store
            .assistant_by_identity(&id)
            .map_err(AppError::from)?
            .ok_or_else(|| {
                AppError::missing_text(
                    crate::error::templates::NO_SUCH_ASSISTANT.with("personnummer", id.masked()),
                )
            })?;
        let added = store
            .add_team_member(person.id, stored.id, since)
            .map_err(AppError::from)?;
        self.log_event(
            now,
            "team_member_added",
            None,
            serde_json::json!({ "person_row": person.id.get(), "assistant_row": stored.id.get(), "new": added }),
        )?;
        Ok(added)
    }

    /// Removes an assistant from a person's team; their shifts and reports stay. Returns
    /// whether they were a member.
    pub fn remove_from_team(
        &self,
        personnummer: &str,
        assistant: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let person = self.stored_person(personnummer, now)?;
        let id = parse_assistant(assistant, now)?;
        let store = self.store();
        let Some(stored) = store.assistant_by_identity(&id).map_err(AppError::from)? else {
            return Ok(false);
        };
        let removed = store
            .remove_team_member(person.id, stored.id)
            .map_err(AppError::from)?;
        if removed {
            self.log_event(
                now,
                "team_member_removed",
                None,
                serde_json::json!({ "person_row": person.id.get(), "assistant_row": stored.id.get() }),
            )?;
        }
        Ok(removed)
    }

    /// The person's decisions from FK, oldest first.
    pub fn grants(&self, personnummer: &str, now: DateTime<Utc>) -> anyhow::Result<Vec<GrantView>> {
        let person = self.stored_person(personnummer, now)?;
        Ok(self
            .store()
            .grants_of(person.id)
            .map_err(AppError::from)?
            .into_iter()
            .map(|g| GrantView {
                id: g.id.get(),
                text: g.grant.describe_sv(),
                grant: g.grant,
            })
            .collect())
    }

    /// Records a decision from FK for a person. A decision that shares a day with one already
    /// recorded is refused (end the old one first, or remove it).
    pub fn add_grant(&self, input: &GrantInput, now: DateTime<Utc>) -> anyhow::Result<GrantView> {
        let person = self.stored_person(&input.personnummer, now)?;
        let minutes = parse_hours(&input.hours)?;
        let period = parse_period(&input.period)?;
        let from = parse_date("gäller från", &input.valid_from)?;
        let to = input
            .valid_to
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| parse_date("gäller till", s))
            .transpose()?;
        let grant =
            Grant::new(minutes, period, from, to).map_err(|e| invalid("beslut", e.to_string()))?;
        let store = self.store();
        let view = store.transaction(|store| -> anyhow::Result<GrantView> {
            let existing = store.grants_of(person.id).map_err(AppError::from)?;
            if let Some(old) = existing.iter().find(|g| g.grant.overlaps(&grant)) {
                return Err(invalid(
                    "gäller från",
                    crate::invalid::templates::GRANT_OVERLAPS
                        .with("name", person.person.full_name())
                        .with("existing", old.grant.describe_sv()),
                )
                .into());
            }
            let id = store.add_grant(person.id, &grant).map_err(AppError::from)?;
            Ok(GrantView {
                id: id.get(),
                text: grant.describe_sv(),
                grant: grant.clone(),
            })
        })?;
        self.log_event(
            now,
            "grant_added",
            None,
            serde_json::json!({ "person_row": person.id.get(), "grant_row": view.id }),
        )?;
        Ok(view)
    }

    /// Removes one of the person's decisions (a mistyped one). Returns whether it existed.
    pub fn remove_grant(
        &self,
        personnummer: &str,
        id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let person = self.stored_person(personnummer, now)?;
        let store = self.store();
        if !store
            .grants_of(person.id)
            .map_err(AppError::from)?
            .iter()
            .any(|g| g.id.get() == id)
        {
            return Ok(false);
        }
        let removed = store
            .remove_grant(GrantId::new(id))
            .map_err(AppError::from)?;
        self.log_event(
            now,
            "grant_removed",
            None,
            serde_json::json!({ "person_row": person.id.get(), "grant_row": id }),
        )?;
        Ok(removed)
    }

    /// Granted against used hours in `month` for every person with a decision that applies
    /// in it (or only `person`), by name.
    pub fn grant_usage(
        &self,
        month: ReportMonth,
        person: Option<&Personnummer>,
    ) -> anyhow::Result<Vec<PersonGrantUsage>> {
        let store = self.store();
        let mut out = Vec::new();
        for stored in store.list_persons().map_err(AppError::from)? {
            if person.is_some_and(|p| p != &stored.person.personnummer) {
                continue;
            }
            let grants = store.grants_of(stored.id).map_err(AppError::from)?;
            if grants.is_empty() {
                continue;
            }
            let shifts: Vec<_> = store
                .shifts_of_subject(Subject::Person(stored.id))
                .map_err(AppError::from)?
                .into_iter()
                .map(|s| s.shift)
                .collect();
            let usage: Vec<GrantUsage> = grants
                .iter()
                .filter_map(|g| month_usage(&g.grant, month, &shifts))
                .collect();
            if usage.is_empty() {
                continue;
            }
            out.push(person_usage(&stored.person, month, usage));
        }
        Ok(out)
    }
}

fn person_usage(
    person: &PersonWithAssistance,
    month: ReportMonth,
    usage: Vec<GrantUsage>,
) -> PersonGrantUsage {
    let name = person.full_name();
    let warnings = usage
        .iter()
        .filter_map(|u| u.warning_sv(&name, month))
        .collect();
    PersonGrantUsage {
        personnummer: person.personnummer.digits().to_owned(),
        name,
        usage,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_read_the_ways_coordinators_write_them() {
        assert_eq!(parse_hours("40").ok(), Some(2400));
        assert_eq!(parse_hours("37,5").ok(), Some(2250));
        assert_eq!(parse_hours("37.5").ok(), Some(2250));
        assert_eq!(parse_hours("37:30").ok(), Some(2250));
        assert!(parse_hours("37:75").is_err());
        assert!(parse_hours("fyrtio").is_err());
        assert!(parse_hours("-4").is_err());
    }
}
