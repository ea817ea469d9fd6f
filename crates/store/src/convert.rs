//! How domain values are written to and read from columns. Everything read back is parsed
//! again through the domain's own constructors, so a changed file cannot smuggle in a value the
//! domain would refuse.

use std::str::FromStr;

use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{Phone, ReportMonth, TimeKind};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use uuid::Uuid;

use crate::error::{Result, StoreError};

/// An instant as RFC 3339 UTC text (`2026-03-29T01:30:00Z`): sorts as it reads and keeps every
/// fraction of a second that was given.
pub(crate) fn instant_to_sql(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub(crate) fn instant_from_sql(text: &str, column: &'static str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::BadStoredValue { column })
}

pub(crate) fn date_from_sql(text: &str, column: &'static str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| StoreError::BadStoredValue { column })
}

pub(crate) fn identity_from_sql(text: &str, column: &'static str) -> Result<IdentityNumber> {
    IdentityNumber::from_digits(text).map_err(|_| StoreError::BadStoredValue { column })
}

pub(crate) fn personnummer_from_sql(text: &str, column: &'static str) -> Result<Personnummer> {
    Personnummer::from_digits(text).map_err(|_| StoreError::BadStoredValue { column })
}

pub(crate) fn org_from_sql(text: &str, column: &'static str) -> Result<OrgNumber> {
    OrgNumber::parse(text).map_err(|_| StoreError::BadStoredValue { column })
}

pub(crate) fn phone_from_sql(text: &str, column: &'static str) -> Result<Phone> {
    Phone::parse(text).map_err(|_| StoreError::BadStoredValue { column })
}

pub(crate) fn month_from_sql(text: &str, column: &'static str) -> Result<ReportMonth> {
    ReportMonth::from_str(text).map_err(|_| StoreError::BadStoredValue { column })
}

pub(crate) fn kind_from_sql(text: &str, column: &'static str) -> Result<TimeKind> {
    TimeKind::ALL
        .into_iter()
        .find(|k| k.code() == text)
        .ok_or(StoreError::BadStoredValue { column })
}

pub(crate) fn uuid_from_sql(text: &str, column: &'static str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| StoreError::BadStoredValue { column })
}

/// A UUID as lowercase hyphenated text, the form FK's document uses.
pub(crate) fn uuid_to_sql(id: Uuid) -> String {
    id.hyphenated().to_string()
}

/// Defines a typed row id (`i64` rowid) with `get`.
macro_rules! row_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) i64);

        impl $name {
            /// An id from its number, e.g. as given on the command line. The store refuses ids
            /// that do not exist with [`crate::StoreError::NotFound`].
            pub fn new(id: i64) -> Self {
                Self(id)
            }

            /// The database row id.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}
pub(crate) use row_id;

/// A text column borrowed from the row, without allocating.
pub(crate) fn text<'r>(
    row: &'r rusqlite::Row<'_>,
    idx: usize,
    column: &'static str,
) -> Result<&'r str> {
    row.get_ref(idx)?
        .as_str()
        .map_err(|_| StoreError::BadStoredValue { column })
}
