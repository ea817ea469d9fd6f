//! The `person_grants` table (migration 19): a person's decisions from FK — granted minutes per
//! week, month or whole decision period, valid from a date to an optional last date.
//!
//! The rows are parsed again through [`Grant::new`] when read. Deleting or erasing the person
//! removes their decisions with them (`ON DELETE CASCADE`).

use assistid_core::grant::{Grant, GrantPeriod};
use rusqlite::params;

use crate::convert::{date_from_sql, row_id};
use crate::error::{Result, StoreError};
use crate::persons::PersonId;
use crate::schema::Migration;
use crate::store::Store;

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 19,
    sql: "CREATE TABLE person_grants (
            id          INTEGER PRIMARY KEY,
            person_id   INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
            minutes     INTEGER NOT NULL CHECK (minutes > 0),
            period      TEXT NOT NULL CHECK (period IN ('week', 'month', 'decision')),
            valid_from  TEXT NOT NULL CHECK (date(valid_from) = valid_from),
            valid_to    TEXT CHECK (valid_to IS NULL OR (date(valid_to) = valid_to
                                                         AND valid_to >= valid_from)),
            CHECK (period <> 'decision' OR valid_to IS NOT NULL)
          ) STRICT;
          CREATE INDEX person_grants_by_person ON person_grants (person_id, valid_from);",
}];

row_id!(
    /// A decision's row id.
    GrantId
);

/// A decision as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredGrant {
    /// The row id.
    pub id: GrantId,
    /// Whose decision.
    pub person_id: PersonId,
    /// The decision.
    pub grant: Grant,
}

impl Store {
    /// Records a decision for `person`. [`StoreError::NotFound`] when there is no such person.
    pub fn add_grant(&self, person: PersonId, grant: &Grant) -> Result<GrantId> {
        self.conn
            .prepare_cached(
                "INSERT INTO person_grants (person_id, minutes, period, valid_from, valid_to)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                person.get(),
                grant.minutes,
                grant.period.code(),
                grant.valid_from.to_string(),
                grant.valid_to.map(|d| d.to_string())
            ])
            .map_err(|e| {
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                    StoreError::NotFound {
                        what: crate::error::texts::WHAT_PERSON.text(),
                    }
                } else {
                    e.into()
                }
            })?;
        Ok(GrantId(self.conn.last_insert_rowid()))
    }

    /// Removes a decision. Returns whether it existed.
    pub fn remove_grant(&self, id: GrantId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM person_grants WHERE id = ?1")?
            .execute([id.get()])?
            == 1)
    }

    /// `person`'s decisions, oldest first.
    pub fn grants_of(&self, person: PersonId) -> Result<Vec<StoredGrant>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, person_id, minutes, period, valid_from, valid_to FROM person_grants
             WHERE person_id = ?1 ORDER BY valid_from, id",
        )?;
        let rows = stmt.query_map([person.get()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (id, person_id, minutes, period, from, to) = row?;
            let bad = |column| StoreError::BadStoredValue { column };
            let minutes = u32::try_from(minutes).map_err(|_| bad("person_grants.minutes"))?;
            let period = GrantPeriod::from_code(&period).ok_or(bad("person_grants.period"))?;
            let from = date_from_sql(&from, "person_grants.valid_from")?;
            let to = to
                .map(|t| date_from_sql(&t, "person_grants.valid_to"))
                .transpose()?;
            Ok(StoredGrant {
                id: GrantId(id),
                person_id: PersonId::new(person_id),
                grant: Grant::new(minutes, period, from, to).map_err(|_| bad("person_grants"))?,
            })
        })
        .collect()
    }
}
