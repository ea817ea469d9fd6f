//! What the database holds about one person (for the right of access), and erasing what no
//! record needs (for the right to erasure).
//!
//! **The retention rule.** A report — one assistant, one person with assistance, one month — is
//! a *record* once any version of it has been frozen (signing started), signed or queued for
//! FK. Records are what the provider must be able to show later (FK's and the tax authority's
//! audits, the assistant's "what did I sign?"), so they are never erased: every version of the
//! report, its signatures, its submissions with FK's answers, the shifts in that month between
//! those two people, and the register entries that name them. Everything else about the person
//! may go: shifts and draft report versions of months that never became a record, and an
//! assistant's phone number (a contact detail no record needs). When nothing about the person
//! is a record any more, their register entry goes too.
//!
//! The audit log stays whole: it never holds a personnummer or a name ([`Store::append_event`]
//! refuses them), only row ids, report ids and counts.
//!
//! Migration 12 lets the database delete a report version that is a draft (never frozen, signed
//! or submitted); every other version is still refused by a trigger.

use std::collections::{HashMap, HashSet};

use assistid_core::model::ReportMonth;
use chrono::{Datelike, Duration, NaiveDateTime};
use rusqlite::params;

use crate::assistants::AssistantId;
use crate::error::Result;
use crate::persons::PersonId;
use crate::report_versions::{ReportVersion, SELECT_VERSIONS, from_row};
use crate::schema::Migration;
use crate::shifts::{SELECT_SHIFTS, StoredShift};
use crate::store::{Store, WriteGuard};

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 12,
    sql: "DROP TRIGGER report_versions_never_deleted;
          CREATE TRIGGER report_versions_only_drafts_deleted
          BEFORE DELETE ON report_versions
          WHEN OLD.frozen_at IS NOT NULL
            OR EXISTS (SELECT 1 FROM signed_reports WHERE report_id = OLD.report_id)
            OR EXISTS (SELECT 1 FROM submissions WHERE report_id = OLD.report_id)
          BEGIN
            SELECT RAISE(ABORT, 'report_version_kept: frozen, signed or submitted report versions are never deleted');
          END;",
}];

/// Whose data: a person with assistance or an assistant (one personnummer can be both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// A person with assistance.
    Person(PersonId),
    /// An assistant.
    Assistant(AssistantId),
}

impl Subject {
    /// The column of `shifts` and `report_versions` that names the subject, and the other one.
    fn columns(self) -> (&'static str, &'static str, i64) {
        match self {
            Subject::Person(id) => ("person_id", "assistant_id", id.get()),
            Subject::Assistant(id) => ("assistant_id", "person_id", id.get()),
        }
    }
}

/// What an erasure did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErasureCounts {
    /// Shifts deleted (months that never became a record).
    pub shifts_deleted: usize,
    /// Draft report versions deleted.
    pub draft_versions_deleted: usize,
    /// Shifts kept because they lie in a month that is a record.
    pub shifts_kept: usize,
    /// Report versions kept because they are records.
    pub versions_kept: usize,
    /// Whether a phone number was removed (assistants only).
    pub phone_removed: bool,
    /// Whether the register entry itself was deleted (nothing about the subject was a record).
    pub register_entry_deleted: bool,
}

/// Every month (Swedish local time) a shift from `start` to `end` has a part in.
fn months_touched(start: NaiveDateTime, end: NaiveDateTime) -> Vec<ReportMonth> {
    let last = end - Duration::minutes(1);
    let mut out = Vec::new();
    let Ok(mut month) = ReportMonth::new(start.year(), start.month()) else {
        return out;
    };
    let Ok(last) = ReportMonth::new(last.year(), last.month()) else {
        return vec![month];
    };
    // A shift lasts at most 31 days, so this loop runs at most three times.
    while month <= last && out.len() < 4 {
        out.push(month);
        month = month.next();
    }
    out
}

impl Store {
    /// Every shift of a person with assistance or an assistant, oldest first.
    pub fn shifts_of_subject(&self, subject: Subject) -> Result<Vec<StoredShift>> {
        let (column, _, id) = subject.columns();
        let sql = format!("{SELECT_SHIFTS} WHERE s.{column} = ?1 ORDER BY s.start_utc, s.id");
        self.query_shifts(&sql, params![id])
    }

    /// Every report version (drafts, frozen and superseded ones) about a person with assistance
    /// or by an assistant, by month, other party and version.
    pub fn report_versions_of_subject(&self, subject: Subject) -> Result<Vec<ReportVersion>> {
        let (column, _, id) = subject.columns();
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_VERSIONS} WHERE r.{column} = ?1
             ORDER BY r.month, a.identity_number, p.personnummer, r.version"
        ))?;
        let mut rows = stmt.query([id])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(from_row(row)?);
        }
        Ok(out)
    }

    /// Erases what no record needs about `subject` (see the module documentation for the
    /// rule), all or nothing. Inside [`Store::transaction`] this joins the caller's transaction.
    pub fn erase_unrecorded(&self, subject: Subject) -> Result<ErasureCounts> {
        let guard = WriteGuard::begin(&self.conn)?;
        let (column, other, id) = subject.columns();
        let mut counts = ErasureCounts::default();

        // The (other party, month) pairs that are records.
        let kept: HashSet<(i64, String)> = {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT DISTINCT r.{other}, r.month FROM report_versions r
                 WHERE r.{column} = ?1 AND (r.frozen_at IS NOT NULL
                   OR EXISTS (SELECT 1 FROM signed_reports s WHERE s.report_id = r.report_id)
                   OR EXISTS (SELECT 1 FROM submissions s WHERE s.report_id = r.report_id))"
            ))?;
            let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };

        // Draft versions of reports that are not records: one statement, so versions that
        // supersede each other go together.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {other}, month FROM report_versions WHERE {column} = ?1"
        ))?;
        let versions: Vec<(i64, String)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        counts.versions_kept = versions.iter().filter(|v| kept.contains(v)).count();
        for (other_id, month) in versions
            .iter()
            .filter(|v| !kept.contains(v))
            .collect::<HashSet<_>>()
        {
            counts.draft_versions_deleted += self
                .conn
                .prepare_cached(&format!(
                    "DELETE FROM report_versions
                     WHERE {column} = ?1 AND {other} = ?2 AND month = ?3"
                ))?
                .execute(params![id, other_id, month])?;
        }

        // Shifts: kept when any month they touch is a record between the same two people.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.id, s.{other} FROM shifts s WHERE s.{column} = ?1"
        ))?;
        let shift_owners: HashMap<i64, i64> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let shifts = self.shifts_of_subject(subject)?;
        for stored in &shifts {
            let Some(&other_id) = shift_owners.get(&stored.id.get()) else {
                continue;
            };
            let is_record = months_touched(stored.shift.start.local(), stored.shift.end.local())
                .iter()
                .any(|m| kept.contains(&(other_id, m.to_string())));
            if is_record {
                counts.shifts_kept += 1;
            } else {
                counts.shifts_deleted += self
                    .conn
                    .prepare_cached("DELETE FROM shifts WHERE id = ?1")?
                    .execute([stored.id.get()])?;
            }
        }

        if kept.is_empty() && counts.shifts_kept == 0 {
            let table = match subject {
                Subject::Person(_) => "persons",
                Subject::Assistant(_) => "assistants",
            };
            counts.register_entry_deleted = self
                .conn
                .prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
                .execute([id])?
                == 1;
        } else if let Subject::Assistant(_) = subject {
            counts.phone_removed = self
                .conn
                .prepare_cached(
                    "UPDATE assistants SET phone = NULL WHERE id = ?1 AND phone IS NOT NULL",
                )?
                .execute([id])?
                == 1;
        }
        guard.commit()?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("a real instant")
    }

    #[test]
    fn a_shift_belongs_to_every_month_it_has_a_part_in() {
        let months = |s, e| {
            months_touched(s, e)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(months(at(2026, 3, 2, 8), at(2026, 3, 2, 16)), ["2026-03"]);
        assert_eq!(
            months(at(2026, 3, 31, 22), at(2026, 4, 1, 7)),
            ["2026-03", "2026-04"],
            "a night across the month end is part of both months"
        );
        assert_eq!(
            months(at(2026, 3, 31, 16), at(2026, 4, 1, 0)),
            ["2026-03"],
            "a shift ending at midnight has no part in the next month"
        );
    }
}
