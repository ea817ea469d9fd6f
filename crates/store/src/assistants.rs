//! The `assistants` table: assistants, unique by personnummer or samordningsnummer, with their
//! employment and calculation period as plain columns.
//!
//! Assistants are not tied to one provider: the same assistant may work for persons of several
//! providers in one data folder. [`Employment::Provider`] means "employed by the provider that
//! reports for the person" (the person's provider).

use assistid_core::ids::IdentityNumber;
use assistid_core::model::{Assistant, CalculationPeriod, Employment, PeriodLength};
use rusqlite::{OptionalExtension, Row, params};

use crate::convert::{date_from_sql, identity_from_sql, org_from_sql, phone_from_sql, row_id};
use crate::error::{Result, StoreError, is_unique_violation};
use crate::schema::Migration;
use crate::store::Store;

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 3,
    sql: "CREATE TABLE assistants (
            id                        INTEGER PRIMARY KEY,
            identity_number           TEXT NOT NULL UNIQUE CHECK (length(identity_number) = 12),
            first_name                TEXT NOT NULL CHECK (length(trim(first_name)) > 0),
            last_name                 TEXT NOT NULL CHECK (length(trim(last_name)) > 0),
            phone                     TEXT,
            collective_agreement      INTEGER NOT NULL CHECK (collective_agreement IN (0, 1)),
            employment                TEXT NOT NULL CHECK (employment IN
                                        ('provider', 'other_employer', 'self_employed',
                                         'person_with_assistance')),
            other_employer_name       TEXT,
            other_employer_org_number TEXT,
            period_start              TEXT,
            period_unit               TEXT CHECK (period_unit IN ('days', 'months')),
            period_count              INTEGER CHECK (period_count > 0),
            CHECK ((employment = 'other_employer') = (other_employer_org_number IS NOT NULL)),
            CHECK (other_employer_name IS NULL OR employment = 'other_employer'),
            CHECK ((period_start IS NULL) = (period_unit IS NULL)
                   AND (period_unit IS NULL) = (period_count IS NULL))
          ) STRICT;",
}];

row_id!(
    /// An assistant's row id.
    AssistantId
);

/// An assistant as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAssistant {
    /// The row id.
    pub id: AssistantId,
    /// The assistant.
    pub assistant: Assistant,
}

const COLUMNS: &str = "id, identity_number, first_name, last_name, phone, collective_agreement,
     employment, other_employer_name, other_employer_org_number, period_start, period_unit,
     period_count";

/// The columns as read, before the domain parses them.
struct RawAssistant {
    id: i64,
    identity_number: String,
    first_name: String,
    last_name: String,
    phone: Option<String>,
    collective_agreement: bool,
    employment: String,
    other_employer_name: Option<String>,
    other_employer_org_number: Option<String>,
    period_start: Option<String>,
    period_unit: Option<String>,
    period_count: Option<i64>,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<RawAssistant> {
    Ok(RawAssistant {
        id: row.get(0)?,
        identity_number: row.get(1)?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        phone: row.get(4)?,
        collective_agreement: row.get(5)?,
        employment: row.get(6)?,
        other_employer_name: row.get(7)?,
        other_employer_org_number: row.get(8)?,
        period_start: row.get(9)?,
        period_unit: row.get(10)?,
        period_count: row.get(11)?,
    })
}

fn build(raw: RawAssistant) -> Result<StoredAssistant> {
    let employment = match (raw.employment.as_str(), raw.other_employer_org_number) {
        ("provider", None) => Employment::Provider,
        ("other_employer", Some(org)) => Employment::OtherEmployer {
            name: raw.other_employer_name,
            org_number: org_from_sql(&org, "assistants.other_employer_org_number")?,
        },
        ("self_employed", None) => Employment::SelfEmployed,
        ("person_with_assistance", None) => Employment::PersonWithAssistance,
        _ => {
            return Err(StoreError::BadStoredValue {
                column: "assistants.employment",
            });
        }
    };
    let bad_period = StoreError::BadStoredValue {
        column: "assistants.period_*",
    };
    let calculation_period = match (raw.period_start, raw.period_unit, raw.period_count) {
        (None, None, None) => None,
        (Some(start), Some(unit), Some(count)) => {
            let count = u32::try_from(count).map_err(|_| StoreError::BadStoredValue {
                column: "assistants.period_count",
            })?;
            let length = match unit.as_str() {
                "days" => PeriodLength::Days(count),
                "months" => PeriodLength::Months(count),
                _ => return Err(bad_period),
            };
            Some(
                CalculationPeriod::new(date_from_sql(&start, "assistants.period_start")?, length)
                    .map_err(|_| bad_period)?,
            )
        }
        _ => return Err(bad_period),
    };
    Ok(StoredAssistant {
        id: AssistantId(raw.id),
        assistant: Assistant {
            id: identity_from_sql(&raw.identity_number, "assistants.identity_number")?,
            first_name: raw.first_name,
            last_name: raw.last_name,
            phone: raw
                .phone
                .map(|p| phone_from_sql(&p, "assistants.phone"))
                .transpose()?,
            collective_agreement: raw.collective_agreement,
            employment,
            calculation_period,
        },
    })
}

/// The employment and period columns of an assistant, in table order from `employment`.
type EmploymentColumns<'a> = (
    &'static str,
    Option<&'a str>,
    Option<&'a str>,
    Option<String>,
    Option<&'static str>,
    Option<u32>,
);

fn employment_columns(a: &Assistant) -> EmploymentColumns<'_> {
    let (employment, name, org) = match &a.employment {
        Employment::Provider => ("provider", None, None),
        Employment::OtherEmployer { name, org_number } => {
            ("other_employer", name.as_deref(), Some(org_number.digits()))
        }
        Employment::SelfEmployed => ("self_employed", None, None),
        Employment::PersonWithAssistance => ("person_with_assistance", None, None),
    };
    let (start, unit, count) = match a.calculation_period {
        None => (None, None, None),
        Some(p) => {
            let (unit, count) = match p.length {
                PeriodLength::Days(n) => ("days", n),
                PeriodLength::Months(n) => ("months", n),
            };
            (
                Some(p.start.format("%Y-%m-%d").to_string()),
                Some(unit),
                Some(count),
            )
        }
    };
    (employment, name, org, start, unit, count)
}

fn map_unique(e: rusqlite::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::AlreadyExists {
            what: crate::error::texts::WHAT_ASSISTANT_WITH_IDNR.text(),
        }
    } else {
        e.into()
    }
}

impl Store {
    /// Registers an assistant. [`StoreError::AlreadyExists`] if the identity number is taken.
    pub fn add_assistant(&self, assistant: &Assistant) -> Result<AssistantId> {
        let (employment, name, org, start, unit, count) = employment_columns(assistant);
        self.conn
            .prepare_cached(
                "INSERT INTO assistants (identity_number, first_name, last_name, phone,
                   collective_agreement, employment, other_employer_name,
                   other_employer_org_number, period_start, period_unit, period_count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                assistant.id.digits(),
                assistant.first_name,
                assistant.last_name,
                assistant.phone.as_ref().map(|p| p.as_str()),
                assistant.collective_agreement,
                employment,
                name,
                org,
                start,
                unit,
                count
            ])
            .map_err(map_unique)?;
        Ok(AssistantId(self.conn.last_insert_rowid()))
    }

    /// All assistants, by last and first name.
    pub fn list_assistants(&self) -> Result<Vec<StoredAssistant>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM assistants ORDER BY last_name, first_name, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        rows.map(|r| build(r?)).collect()
    }

    /// The assistant with this id, if any.
    pub fn assistant(&self, id: AssistantId) -> Result<Option<StoredAssistant>> {
        self.conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM assistants WHERE id = ?1"))?
            .query_row([id.0], from_row)
            .optional()?
            .map(build)
            .transpose()
    }

    /// The assistant with this personnummer or samordningsnummer, if any.
    pub fn assistant_by_identity(&self, id: &IdentityNumber) -> Result<Option<StoredAssistant>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM assistants WHERE identity_number = ?1"
            ))?
            .query_row([id.digits()], from_row)
            .optional()?
            .map(build)
            .transpose()
    }

    /// Replaces an assistant's details. [`StoreError::NotFound`] if there is no such assistant.
    pub fn update_assistant(&self, id: AssistantId, assistant: &Assistant) -> Result<()> {
        let (employment, name, org, start, unit, count) = employment_columns(assistant);
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE assistants SET identity_number = ?2, first_name = ?3, last_name = ?4,
                   phone = ?5, collective_agreement = ?6, employment = ?7,
                   other_employer_name = ?8, other_employer_org_number = ?9,
                   period_start = ?10, period_unit = ?11, period_count = ?12
                 WHERE id = ?1",
            )?
            .execute(params![
                id.0,
                assistant.id.digits(),
                assistant.first_name,
                assistant.last_name,
                assistant.phone.as_ref().map(|p| p.as_str()),
                assistant.collective_agreement,
                employment,
                name,
                org,
                start,
                unit,
                count
            ])
            .map_err(map_unique)?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: crate::error::texts::WHAT_ASSISTANT_ID.with("id", id.to_string()),
            });
        }
        Ok(())
    }
}
