//! The `person_team` table (migration 18): which assistants work for which person with
//! assistance — the person's team, the month grid's columns.
//!
//! A membership has an optional first day (`since`). Removing an assistant from a team keeps
//! every shift and report: the team only says whom the grid offers as columns. Deleting or
//! erasing a person or an assistant removes their memberships with them (`ON DELETE CASCADE`).
//! Migration 18 fills the teams from the shifts already stored, so every pair that has worked
//! together is a member.

use assistid_core::ids::IdentityNumber;
use chrono::NaiveDate;
use rusqlite::params;

use crate::assistants::AssistantId;
use crate::convert::{date_from_sql, identity_from_sql};
use crate::error::{Result, StoreError};
use crate::persons::PersonId;
use crate::schema::Migration;
use crate::store::Store;

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 18,
    sql: "CREATE TABLE person_team (
            person_id    INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
            assistant_id INTEGER NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
            since        TEXT CHECK (since IS NULL OR date(since) = since),
            PRIMARY KEY (person_id, assistant_id)
          ) STRICT, WITHOUT ROWID;
          CREATE INDEX person_team_by_assistant ON person_team (assistant_id);
          INSERT INTO person_team (person_id, assistant_id, since)
            SELECT DISTINCT person_id, assistant_id, NULL FROM shifts;",
}];

/// One assistant in a person's team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamMember {
    /// The assistant's row id.
    pub assistant_id: AssistantId,
    /// The assistant's personnummer or samordningsnummer.
    pub identity: IdentityNumber,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// The first day in the team, when known.
    pub since: Option<NaiveDate>,
}

fn foreign_key_error(e: rusqlite::Error) -> StoreError {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
        StoreError::NotFound {
            what: crate::error::texts::WHAT_PERSON_OR_ASSISTANT.text(),
        }
    } else {
        e.into()
    }
}

impl Store {
    /// Adds `assistant` to `person`'s team. An existing member keeps its membership; a `since`
    /// given now replaces an unknown one. Returns whether the assistant was new in the team.
    pub fn add_team_member(
        &self,
        person: PersonId,
        assistant: AssistantId,
        since: Option<NaiveDate>,
    ) -> Result<bool> {
        let was_member = self.is_team_member(person, assistant)?;
        self.conn
            .prepare_cached(
                "INSERT INTO person_team (person_id, assistant_id, since) VALUES (?1, ?2, ?3)
                 ON CONFLICT (person_id, assistant_id) DO UPDATE
                 SET since = coalesce(person_team.since, excluded.since)",
            )?
            .execute(params![
                person.get(),
                assistant.get(),
                since.map(|d| d.to_string())
            ])
            .map_err(foreign_key_error)?;
        Ok(!was_member)
    }

    /// Whether `assistant` is in `person`'s team.
    pub fn is_team_member(&self, person: PersonId, assistant: AssistantId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM person_team WHERE person_id = ?1 AND assistant_id = ?2)",
            )?
            .query_row(params![person.get(), assistant.get()], |r| r.get(0))?)
    }

    /// Removes `assistant` from `person`'s team (shifts and reports stay). Returns whether they
    /// were a member.
    pub fn remove_team_member(&self, person: PersonId, assistant: AssistantId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM person_team WHERE person_id = ?1 AND assistant_id = ?2")?
            .execute(params![person.get(), assistant.get()])?
            == 1)
    }

    /// `person`'s team, by last and first name.
    pub fn team_of(&self, person: PersonId) -> Result<Vec<TeamMember>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.identity_number, a.first_name, a.last_name, t.since
             FROM person_team t JOIN assistants a ON a.id = t.assistant_id
             WHERE t.person_id = ?1 ORDER BY a.last_name, a.first_name, a.id",
        )?;
        let rows = stmt.query_map([person.get()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (id, identity, first_name, last_name, since) = row?;
            Ok(TeamMember {
                assistant_id: AssistantId::new(id),
                identity: identity_from_sql(&identity, "assistants.identity_number")?,
                first_name,
                last_name,
                since: since
                    .map(|s| date_from_sql(&s, "person_team.since"))
                    .transpose()?,
            })
        })
        .collect()
    }
}
