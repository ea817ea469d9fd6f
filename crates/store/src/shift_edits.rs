//! Editing one shift at a time, as the month grid does: read a shift by its row id, add one
//! and get its id back, replace one in place, delete one, and list one person's shifts.
//!
//! The bulk path for imports is [`Store::insert_shifts`] (duplicates there are counted and
//! skipped); here a shift that is already stored is an error ([`StoreError::AlreadyExists`]),
//! because a person typed it and should hear that it is there. The same table rules apply:
//! whole minutes, an end after the start, at most [`MAX_SHIFT_MINUTES`], a registered
//! assistant and person ([`StoreError::NotFound`], masked).

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::shift::Shift;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::convert::instant_to_sql;
use crate::error::{Result, StoreError, is_unique_violation};
use crate::shifts::{MAX_SHIFT_MINUTES, SELECT_SHIFTS, ShiftId, StoredShift, check_shift};
use crate::store::{Store, WriteGuard};

fn duplicate(e: rusqlite::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::AlreadyExists {
            what: crate::error::texts::WHAT_SAME_SHIFT.text(),
        }
    } else {
        e.into()
    }
}

impl Store {
    fn row_ids_of(&self, shift: &Shift) -> Result<(i64, i64)> {
        let assistant: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM assistants WHERE identity_number = ?1")?
            .query_row([shift.assistant.digits()], |r| r.get(0))
            .optional()?;
        let assistant = assistant.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_ASSISTANT_NUMBER
                .with("assistant", shift.assistant.masked()),
        })?;
        let person: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM persons WHERE personnummer = ?1")?
            .query_row([shift.person.digits()], |r| r.get(0))
            .optional()?;
        let person = person.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_PERSON_NUMBER.with("person", shift.person.masked()),
        })?;
        Ok((assistant, person))
    }

    /// The shift with this row id, if it exists.
    pub fn shift(&self, id: ShiftId) -> Result<Option<StoredShift>> {
        let sql = format!("{SELECT_SHIFTS} WHERE s.id = ?1");
        Ok(self.query_shifts(&sql, params![id.0])?.into_iter().next())
    }

    /// Stores one shift and returns its row id. `source` (e.g. `grid`) and `created_at` are
    /// recorded with it. An identical shift already stored is [`StoreError::AlreadyExists`];
    /// nothing is stored on any error.
    pub fn add_shift(
        &self,
        shift: &Shift,
        source: Option<&str>,
        created_at: DateTime<Utc>,
    ) -> Result<ShiftId> {
        check_shift(shift)?;
        let guard = WriteGuard::begin(&self.conn)?;
        let (assistant_id, person_id) = self.row_ids_of(shift)?;
        self.conn
            .prepare_cached("INSERT INTO shift_sources (source, created_at) VALUES (?1, ?2)")?
            .execute(params![source, instant_to_sql(created_at)])?;
        let source_id = self.conn.last_insert_rowid();
        self.conn
            .prepare_cached(
                "INSERT INTO shifts (assistant_id, person_id, start_utc, start_offset, end_utc,
                   end_offset, kind, note, source_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                assistant_id,
                person_id,
                shift.start.utc_minutes(),
                shift.start.offset_minutes(),
                shift.end.utc_minutes(),
                shift.end.offset_minutes(),
                shift.kind.code(),
                shift.note,
                source_id,
            ])
            .map_err(duplicate)?;
        let id = ShiftId(self.conn.last_insert_rowid());
        // The pair is in the person's team from now on (the month grid's columns).
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO person_team (person_id, assistant_id) VALUES (?1, ?2)",
            )?
            .execute(params![person_id, assistant_id])?;
        guard.commit()?;
        Ok(id)
    }

    /// Replaces the shift `id` with `shift` (a new assistant, person, times, kind or note); the
    /// row id and where it came from stay. [`StoreError::NotFound`] when there is no such shift;
    /// [`StoreError::AlreadyExists`] when another stored shift is identical.
    pub fn replace_shift(&self, id: ShiftId, shift: &Shift) -> Result<()> {
        check_shift(shift)?;
        let guard = WriteGuard::begin(&self.conn)?;
        let (assistant_id, person_id) = self.row_ids_of(shift)?;
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE shifts SET assistant_id = ?2, person_id = ?3, start_utc = ?4,
                   start_offset = ?5, end_utc = ?6, end_offset = ?7, kind = ?8, note = ?9
                 WHERE id = ?1",
            )?
            .execute(params![
                id.0,
                assistant_id,
                person_id,
                shift.start.utc_minutes(),
                shift.start.offset_minutes(),
                shift.end.utc_minutes(),
                shift.end.offset_minutes(),
                shift.kind.code(),
                shift.note,
            ])
            .map_err(duplicate)?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: crate::error::texts::WHAT_SHIFT.with("id", id.to_string()),
            });
        }
        guard.commit()?;
        Ok(())
    }

    /// Deletes the shift `id` and returns what it was; `None` when there was no such shift
    /// (deleting twice is harmless).
    pub fn delete_shift(&self, id: ShiftId) -> Result<Option<StoredShift>> {
        let guard = WriteGuard::begin(&self.conn)?;
        let Some(old) = self.shift(id)? else {
            guard.commit()?;
            return Ok(None);
        };
        self.conn
            .prepare_cached("DELETE FROM shifts WHERE id = ?1")?
            .execute([id.0])?;
        guard.commit()?;
        Ok(Some(old))
    }

    /// Every shift of one person that overlaps the instants `[from_utc, to_utc)` (UTC minutes
    /// since the Unix epoch, as [`assistid_core::time::ShiftTime::utc_minutes`] gives them),
    /// ordered by start: what the month grid shows.
    pub fn shifts_of_person(
        &self,
        person: &Personnummer,
        from_utc: i64,
        to_utc: i64,
    ) -> Result<Vec<StoredShift>> {
        let sql = format!(
            "{SELECT_SHIFTS}
             WHERE p.personnummer = ?3 AND s.start_utc < ?2
               AND s.start_utc > ?1 - {MAX_SHIFT_MINUTES} AND s.end_utc > ?1
             ORDER BY s.start_utc, s.id"
        );
        self.query_shifts(&sql, params![from_utc, to_utc, person.digits()])
    }

    /// Every shift of one assistant that overlaps `[from_utc, to_utc)`, ordered by start: the
    /// neighbours a new shift is checked against for overlaps. An unknown assistant has none.
    pub fn shifts_of_assistant_between(
        &self,
        assistant: &IdentityNumber,
        from_utc: i64,
        to_utc: i64,
    ) -> Result<Vec<StoredShift>> {
        let sql = format!(
            "{SELECT_SHIFTS}
             WHERE a.identity_number = ?3 AND s.start_utc < ?2
               AND s.start_utc > ?1 - {MAX_SHIFT_MINUTES} AND s.end_utc > ?1
             ORDER BY s.start_utc, s.id"
        );
        self.query_shifts(&sql, params![from_utc, to_utc, assistant.digits()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeySource;
    use assistid_core::ids::OrgNumber;
    use assistid_core::model::{
        Assistant, Employment, PersonWithAssistance, Phone, Provider, TimeKind,
    };
    use assistid_core::time::ShiftTime;

    fn at(s: &str) -> ShiftTime {
        ShiftTime::resolve(s.parse().expect("a date-time"), None).expect("an existing time")
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).expect("a valid instant")
    }

    #[test]
    fn one_shift_is_added_replaced_and_deleted_by_its_id() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_in_data_dir(dir.path(), &KeySource::File(dir.path().join("k")))
            .expect("store opens");
        let provider = store
            .add_provider(
                &Provider::new(
                    "Omsorg AB",
                    OrgNumber::parse("556677-8899").expect("orgnr"),
                    None,
                    Phone::parse("08-123 456 78").expect("phone"),
                )
                .expect("provider"),
            )
            .expect("provider stored");
        let person = Personnummer::from_digits("195001012383").expect("valid");
        let assistant = IdentityNumber::from_digits("199001012385").expect("valid");
        store
            .add_person(
                provider,
                &PersonWithAssistance {
                    personnummer: person.clone(),
                    first_name: "Åsa".into(),
                    last_name: "Öberg".into(),
                },
            )
            .expect("person stored");
        store
            .add_assistant(&Assistant {
                id: assistant.clone(),
                first_name: "Ali".into(),
                last_name: "Berg".into(),
                phone: None,
                collective_agreement: false,
                employment: Employment::Provider,
                calculation_period: None,
            })
            .expect("assistant stored");
        let shift = Shift {
            assistant: assistant.clone(),
            person: person.clone(),
            start: at("2026-10-05T08:00:00"),
            end: at("2026-10-05T16:00:00"),
            kind: TimeKind::Aktiv,
            note: None,
        };
        let id = store.add_shift(&shift, Some("grid"), now()).expect("added");
        assert!(
            matches!(
                store.add_shift(&shift, Some("grid"), now()),
                Err(StoreError::AlreadyExists { .. })
            ),
            "typing the same shift twice is refused, not silently ignored"
        );
        let later = Shift {
            end: at("2026-10-05T17:00:00"),
            kind: TimeKind::Vante,
            ..shift.clone()
        };
        store.replace_shift(id, &later).expect("replaced");
        let stored = store.shift(id).expect("read").expect("still there");
        assert_eq!(stored.shift, later, "the row id keeps the new values");
        assert_eq!(
            stored.source.as_deref(),
            Some("grid"),
            "where it came from stays"
        );
        let day = (
            at("2026-10-05T00:00:00").utc_minutes(),
            at("2026-10-06T00:00:00").utc_minutes(),
        );
        assert_eq!(
            store
                .shifts_of_person(&person, day.0, day.1)
                .expect("listed")
                .len(),
            1,
            "the person's day holds the shift"
        );
        assert_eq!(
            store.delete_shift(id).expect("deleted").map(|s| s.shift),
            Some(later),
            "deleting gives back what was deleted"
        );
        assert!(
            store.delete_shift(id).expect("deleting twice").is_none(),
            "deleting twice is harmless"
        );
        assert!(
            matches!(
                store.replace_shift(id, &shift),
                Err(StoreError::NotFound { .. })
            ),
            "a deleted shift cannot be replaced"
        );
    }
}
