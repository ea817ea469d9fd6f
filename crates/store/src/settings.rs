//! The `settings` table: a small key-value store for the data folder's settings — which FK
//! environment the provider sends to, overridden FK addresses, the CA and client-certificate
//! file paths, and whether the folder holds demo or real data.
//!
//! A data folder belongs to one provider, so "per provider" and "per data folder" coincide.
//! Values are plain text; secrets (the certificate password) are never stored here — they live
//! in the OS keychain. The one exception is the backup data key (`backup.key`, see
//! [`crate::backup`]): it only protects copies of this same database, so it is as safe here as
//! the data itself.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::convert::instant_to_sql;
use crate::error::{Result, StoreError};
use crate::schema::Migration;
use crate::store::Store;

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 9,
    sql: "CREATE TABLE settings (
            key        TEXT PRIMARY KEY CHECK (length(key) > 0),
            value      TEXT NOT NULL,
            updated_at TEXT NOT NULL
          ) STRICT, WITHOUT ROWID;",
}];

/// The setting that says whether the folder holds demo or real data (see [`DataKind`]).
pub const DATA_KIND: &str = "data_kind";
/// The FK environment reports are sent to (`demo`, `test` or `prod`).
pub const ELT_ENVIRONMENT: &str = "elt.environment";
/// The path of the provider's client certificate (PKCS#12 from Expisoft).
pub const ELT_CLIENT_CERT_PATH: &str = "elt.client_cert_path";

/// The setting key of an environment's endpoint override (`elt.<env>.endpoint`).
pub fn elt_endpoint_key(environment: &str) -> String {
    format!("elt.{environment}.endpoint")
}

/// The setting key of an environment's pinned CA file (`elt.<env>.ca_path`).
pub fn elt_ca_path_key(environment: &str) -> String {
    format!("elt.{environment}.ca_path")
}

/// The setting key of an environment's CA certificates imported in the settings, kept as PEM
/// text in the database (`elt.<env>.ca_pem`); it wins over `elt.<env>.ca_path`.
pub fn elt_ca_pem_key(environment: &str) -> String {
    format!("elt.{environment}.ca_pem")
}

/// Whether a data folder holds the demo data or a real provider's data. Demo data may only go
/// to the fake FK, real data only to FK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataKind {
    /// The demo data (`assistid demo`).
    Demo,
    /// A real provider's data.
    Real,
}

impl DataKind {
    /// `demo` or `real`.
    pub fn code(self) -> &'static str {
        match self {
            DataKind::Demo => "demo",
            DataKind::Real => "real",
        }
    }
}

impl fmt::Display for DataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for DataKind {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "demo" => Ok(DataKind::Demo),
            "real" => Ok(DataKind::Real),
            _ => Err(StoreError::BadStoredValue {
                column: "settings.data_kind",
            }),
        }
    }
}

impl Store {
    /// The value of a setting, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Sets (or replaces) a setting.
    pub fn set_setting(&self, key: &str, value: &str, at: DateTime<Utc>) -> Result<()> {
        if key.trim().is_empty() {
            return Err(StoreError::invalid("en inställning måste ha ett namn"));
        }
        self.conn
            .prepare_cached(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                   updated_at = excluded.updated_at",
            )?
            .execute(params![key, value, instant_to_sql(at)])?;
        Ok(())
    }

    /// Removes a setting; true if it was set.
    pub fn remove_setting(&self, key: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM settings WHERE key = ?1")?
            .execute([key])?
            == 1)
    }

    /// Whether the folder holds demo or real data; `None` when never marked (a folder made
    /// before the marker existed).
    pub fn data_kind(&self) -> Result<Option<DataKind>> {
        self.setting(DATA_KIND)?
            .map(|v| v.parse::<DataKind>())
            .transpose()
    }

    /// Marks the folder as demo or real data.
    pub fn set_data_kind(&self, kind: DataKind, at: DateTime<Utc>) -> Result<()> {
        self.set_setting(DATA_KIND, kind.code(), at)
    }
}
