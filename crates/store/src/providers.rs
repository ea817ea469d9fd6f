//! The `providers` table: the assistance providers (assistansanordnare) that send reports. One
//! data folder may hold several; each is unique by organisationsnummer.

use assistid_core::model::Provider;
use rusqlite::{OptionalExtension, Row, params};

use crate::convert::{org_from_sql, phone_from_sql, row_id};
use crate::error::{Result, StoreError, is_unique_violation};
use crate::schema::Migration;
use crate::store::Store;

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    sql: "CREATE TABLE providers (
            id             INTEGER PRIMARY KEY,
            name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
            org_number     TEXT NOT NULL UNIQUE CHECK (length(org_number) = 10),
            contact_person TEXT,
            phone          TEXT NOT NULL
          ) STRICT;",
}];

row_id!(
    /// A provider's row id.
    ProviderId
);

/// A provider as stored, with its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredProvider {
    /// The row id.
    pub id: ProviderId,
    /// The provider.
    pub provider: Provider,
}

const COLUMNS: &str = "id, name, org_number, contact_person, phone";

fn from_row(row: &Row<'_>) -> rusqlite::Result<(i64, String, String, Option<String>, String)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn build(
    (id, name, org, contact, phone): (i64, String, String, Option<String>, String),
) -> Result<StoredProvider> {
    Ok(StoredProvider {
        id: ProviderId(id),
        provider: Provider {
            name,
            org_number: org_from_sql(&org, "providers.org_number")?,
            contact_person: contact,
            phone: phone_from_sql(&phone, "providers.phone")?,
        },
    })
}

fn map_unique(e: rusqlite::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::AlreadyExists {
            what: crate::error::texts::WHAT_PROVIDER_WITH_ORGNR.text(),
        }
    } else {
        e.into()
    }
}

impl Store {
    /// Registers a provider. [`StoreError::AlreadyExists`] if its organisationsnummer is taken.
    pub fn add_provider(&self, provider: &Provider) -> Result<ProviderId> {
        self.conn
            .prepare_cached(
                "INSERT INTO providers (name, org_number, contact_person, phone)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                provider.name,
                provider.org_number.digits(),
                provider.contact_person,
                provider.phone.as_str()
            ])
            .map_err(map_unique)?;
        Ok(ProviderId(self.conn.last_insert_rowid()))
    }

    /// All providers, by name.
    pub fn list_providers(&self) -> Result<Vec<StoredProvider>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM providers ORDER BY name, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        rows.map(|r| build(r?)).collect()
    }

    /// The provider with this id, if any.
    pub fn provider(&self, id: ProviderId) -> Result<Option<StoredProvider>> {
        self.conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM providers WHERE id = ?1"))?
            .query_row([id.0], from_row)
            .optional()?
            .map(build)
            .transpose()
    }

    /// The provider with this organisationsnummer, if any.
    pub fn provider_by_org_number(
        &self,
        org_number: &assistid_core::ids::OrgNumber,
    ) -> Result<Option<StoredProvider>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM providers WHERE org_number = ?1"
            ))?
            .query_row([org_number.digits()], from_row)
            .optional()?
            .map(build)
            .transpose()
    }

    /// Replaces a provider's details. [`StoreError::NotFound`] if there is no such provider.
    pub fn update_provider(&self, id: ProviderId, provider: &Provider) -> Result<()> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE providers SET name = ?2, org_number = ?3, contact_person = ?4, phone = ?5
                 WHERE id = ?1",
            )?
            .execute(params![
                id.0,
                provider.name,
                provider.org_number.digits(),
                provider.contact_person,
                provider.phone.as_str()
            ])
            .map_err(map_unique)?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: crate::error::texts::WHAT_PROVIDER_ID.with("id", id.to_string()),
            });
        }
        Ok(())
    }
}
