//! The `events` table: the append-only audit log of what happened, when, to which report.
//!
//! Rows can only be added: triggers in the database refuse UPDATE, DELETE and replacing a row.
//! The details are JSON and must never contain a personnummer (the log is read by support
//! staff and may be exported); [`Store::append_event`] refuses details that look like one.

use assistid_core::ids::IdentityNumber;
use chrono::{DateTime, Utc};
use rusqlite::params;
use uuid::Uuid;

use crate::convert::{instant_from_sql, instant_to_sql, row_id, text, uuid_from_sql, uuid_to_sql};
use crate::error::{Result, StoreError};
use crate::schema::Migration;
use crate::store::Store;

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 6,
    sql: "CREATE TABLE events (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            at        TEXT NOT NULL,
            kind      TEXT NOT NULL CHECK (length(kind) > 0),
            report_id TEXT,
            details   TEXT NOT NULL CHECK (json_valid(details))
          ) STRICT;
          CREATE INDEX events_by_report ON events (report_id) WHERE report_id IS NOT NULL;

          CREATE TRIGGER events_never_updated BEFORE UPDATE ON events
          BEGIN
            SELECT RAISE(ABORT, 'events_append_only: events are never changed');
          END;

          CREATE TRIGGER events_never_deleted BEFORE DELETE ON events
          BEGIN
            SELECT RAISE(ABORT, 'events_append_only: events are never deleted');
          END;

          -- INSERT OR REPLACE would delete the old row without firing the delete trigger.
          CREATE TRIGGER events_never_replaced BEFORE INSERT ON events
          WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
          BEGIN
            SELECT RAISE(ABORT, 'events_append_only: events are never replaced');
          END;",
}];

row_id!(
    /// An event's id: increases with every event and is never reused.
    EventId
);

/// An event to append.
#[derive(Clone, Copy, Debug)]
pub struct NewEvent<'a> {
    /// When it happened (passed in; the store never reads the clock).
    pub at: DateTime<Utc>,
    /// What happened: a stable snake_case code such as `report_saved` or `report_frozen`.
    pub kind: &'a str,
    /// The report version it concerns, if any.
    pub report_id: Option<Uuid>,
    /// Details as JSON. Never a personnummer (use masked forms or row ids).
    pub details: &'a serde_json::Value,
}

/// A logged event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The event's id (its position in the log).
    pub id: EventId,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened (snake_case code).
    pub kind: String,
    /// The report version it concerns, if any.
    pub report_id: Option<Uuid>,
    /// Details.
    pub details: serde_json::Value,
}

/// True if `text` holds something that parses as a personnummer or samordningsnummer: a run of
/// 10 or 12 digits (with at most a `-` or `+` separator) that is not part of a longer word, with
/// a valid date and checksum. Hex hashes and UUIDs do not trip it, because their digit runs touch
/// letters or are of other lengths.
fn contains_identity_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || matches!(bytes[i], b'-' | b'+')) {
            i += 1;
        }
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after_ok = i == bytes.len() || !bytes[i].is_ascii_alphanumeric();
        if !(before_ok && after_ok) {
            continue;
        }
        let token = &text[start..i];
        let separators = token.bytes().filter(|b| matches!(b, b'-' | b'+')).count();
        let digits: String = token.chars().filter(char::is_ascii_digit).collect();
        if separators > 1 {
            continue;
        }
        let found = match digits.len() {
            12 => IdentityNumber::from_digits(&digits).is_ok(),
            // A short form: either century makes it a real number somebody could have.
            10 => ["19", "20"]
                .iter()
                .any(|c| IdentityNumber::from_digits(&format!("{c}{digits}")).is_ok()),
            _ => false,
        };
        if found {
            return true;
        }
    }
    false
}

fn is_snake_case_code(kind: &str) -> bool {
    !kind.is_empty()
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && kind.as_bytes()[0].is_ascii_lowercase()
}

impl Store {
    /// Appends an event to the log and returns its id.
    ///
    /// [`StoreError::Invalid`] if `kind` is not a snake_case code or if the details contain
    /// what looks like a personnummer or samordningsnummer.
    pub fn append_event(&self, event: &NewEvent<'_>) -> Result<EventId> {
        if !is_snake_case_code(event.kind) {
            return Err(StoreError::invalid(format!(
                "händelsetypen {:?} ska vara en kod i snake_case",
                event.kind
            )));
        }
        let details = event.details.to_string();
        if contains_identity_number(&details) {
            return Err(StoreError::invalid(
                "händelsens detaljer innehåller ett personnummer; logga maskerade nummer eller id",
            ));
        }
        self.conn
            .prepare_cached(
                "INSERT INTO events (at, kind, report_id, details) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                instant_to_sql(event.at),
                event.kind,
                event.report_id.map(uuid_to_sql),
                details
            ])?;
        Ok(EventId(self.conn.last_insert_rowid()))
    }

    /// The events about one report version, oldest first.
    pub fn events_for_report(&self, report_id: Uuid) -> Result<Vec<Event>> {
        self.query_events(
            "SELECT id, at, kind, report_id, details FROM events WHERE report_id = ?1
             ORDER BY id",
            params![uuid_to_sql(report_id)],
        )
    }

    /// Up to `limit` events after `after` (from the start when `None`), oldest first: for
    /// paging through the log.
    pub fn events_after(&self, after: Option<EventId>, limit: u32) -> Result<Vec<Event>> {
        self.query_events(
            "SELECT id, at, kind, report_id, details FROM events WHERE id > ?1
             ORDER BY id LIMIT ?2",
            params![after.map_or(0, |e| e.0), limit],
        )
    }

    fn query_events(&self, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<Event>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(Event {
                id: EventId(row.get(0)?),
                at: instant_from_sql(text(row, 1, "events.at")?, "events.at")?,
                kind: row.get(2)?,
                report_id: row
                    .get::<_, Option<String>>(3)?
                    .map(|t| uuid_from_sql(&t, "events.report_id"))
                    .transpose()?,
                details: serde_json::from_str(text(row, 4, "events.details")?).map_err(|_| {
                    StoreError::BadStoredValue {
                        column: "events.details",
                    }
                })?,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_personnummer_in_any_common_form() {
        for text in [
            r#"{"who":"199001010017"}"#,
            r#"{"who":"19900101-0017"}"#,
            r#"{"who":"900101-0017"}"#,
            r#"{"who":9001010017}"#,
            "assistent 19900161-0014 (samordningsnummer)",
        ] {
            assert!(
                contains_identity_number(text),
                "{text} holds an identity number and must be refused"
            );
        }
    }

    #[test]
    fn leaves_hashes_uuids_masks_and_counts_alone() {
        for text in [
            r#"{"sha256":"a3f1199001010017b2"}"#,
            r#"{"id":"5f0c3e1a-9b7d-4c2e-8f00-199001010017"}"#,
            r#"{"who":"19900101-****"}"#,
            r#"{"rows":100000,"month":"2026-10"}"#,
            r#"{"who":"199001010018"}"#,
        ] {
            assert!(
                !contains_identity_number(text),
                "{text} holds no valid identity number and must be accepted"
            );
        }
    }
}
