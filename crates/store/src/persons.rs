//! The `persons` table: persons with assistance, unique by personnummer. Each belongs to the
//! provider that reports their assistance to FK.

use assistid_core::ids::Personnummer;
use assistid_core::model::PersonWithAssistance;
use rusqlite::{OptionalExtension, Row, params};

use crate::convert::{personnummer_from_sql, row_id};
use crate::error::{Result, StoreError, is_unique_violation};
use crate::providers::ProviderId;
use crate::schema::Migration;
use crate::store::Store;

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 2,
    sql: "CREATE TABLE persons (
            id           INTEGER PRIMARY KEY,
            provider_id  INTEGER NOT NULL REFERENCES providers (id),
            personnummer TEXT NOT NULL UNIQUE CHECK (length(personnummer) = 12),
            first_name   TEXT NOT NULL CHECK (length(trim(first_name)) > 0),
            last_name    TEXT NOT NULL CHECK (length(trim(last_name)) > 0)
          ) STRICT;
          CREATE INDEX persons_by_provider ON persons (provider_id);",
}];

row_id!(
    /// A person's row id.
    PersonId
);

/// A person with assistance as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPerson {
    /// The row id.
    pub id: PersonId,
    /// The provider that reports this person's assistance.
    pub provider_id: ProviderId,
    /// The person.
    pub person: PersonWithAssistance,
}

const COLUMNS: &str = "id, provider_id, personnummer, first_name, last_name";

type RawPerson = (i64, i64, String, String, String);

fn from_row(row: &Row<'_>) -> rusqlite::Result<RawPerson> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn build((id, provider_id, pnr, first_name, last_name): RawPerson) -> Result<StoredPerson> {
    Ok(StoredPerson {
        id: PersonId(id),
        provider_id: ProviderId(provider_id),
        person: PersonWithAssistance {
            personnummer: personnummer_from_sql(&pnr, "persons.personnummer")?,
            first_name,
            last_name,
        },
    })
}

fn map_write_error(e: rusqlite::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::AlreadyExists {
            what: crate::error::texts::WHAT_PERSON_WITH_PNR.text(),
        }
    } else if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
        StoreError::NotFound {
            what: crate::error::texts::WHAT_PROVIDER.text(),
        }
    } else {
        e.into()
    }
}

impl Store {
    /// Registers a person with assistance under `provider`. [`StoreError::AlreadyExists`] if
    /// the personnummer is taken, [`StoreError::NotFound`] if the provider does not exist.
    pub fn add_person(
        &self,
        provider: ProviderId,
        person: &PersonWithAssistance,
    ) -> Result<PersonId> {
        self.conn
            .prepare_cached(
                "INSERT INTO persons (provider_id, personnummer, first_name, last_name)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                provider.0,
                person.personnummer.digits(),
                person.first_name,
                person.last_name
            ])
            .map_err(map_write_error)?;
        Ok(PersonId(self.conn.last_insert_rowid()))
    }

    /// All persons, by last and first name.
    pub fn list_persons(&self) -> Result<Vec<StoredPerson>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM persons ORDER BY last_name, first_name, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        rows.map(|r| build(r?)).collect()
    }

    /// The person with this id, if any.
    pub fn person(&self, id: PersonId) -> Result<Option<StoredPerson>> {
        self.conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM persons WHERE id = ?1"))?
            .query_row([id.0], from_row)
            .optional()?
            .map(build)
            .transpose()
    }

    /// The person with this personnummer, if any.
    pub fn person_by_personnummer(&self, pnr: &Personnummer) -> Result<Option<StoredPerson>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM persons WHERE personnummer = ?1"
            ))?
            .query_row([pnr.digits()], from_row)
            .optional()?
            .map(build)
            .transpose()
    }

    /// Replaces a person's details and provider. [`StoreError::NotFound`] if there is no such
    /// person.
    pub fn update_person(
        &self,
        id: PersonId,
        provider: ProviderId,
        person: &PersonWithAssistance,
    ) -> Result<()> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE persons SET provider_id = ?2, personnummer = ?3, first_name = ?4,
                 last_name = ?5 WHERE id = ?1",
            )?
            .execute(params![
                id.0,
                provider.0,
                person.personnummer.digits(),
                person.first_name,
                person.last_name
            ])
            .map_err(map_write_error)?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: crate::error::texts::WHAT_PERSON_ID.with("id", id.to_string()),
            });
        }
        Ok(())
    }
}
