//! The `shifts` table: worked shifts, and the fast bulk insert the importer uses.
//!
//! A time is stored as its UTC instant in whole minutes plus its UTC offset in minutes; local
//! time is `utc + offset`, so a [`ShiftTime`] comes back exactly, including which occurrence of a
//! repeated autumn time it was. The UTC columns serve the indexed range queries.
//!
//! Importing the same file twice creates no duplicates: a shift is identified by
//! (assistant, start, end, person, kind), and inserting one that is already there counts it as
//! already present instead of failing.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::ReportMonth;
use assistid_core::shift::Shift;
use assistid_core::time::ShiftTime;
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::convert::{
    identity_from_sql, instant_from_sql, instant_to_sql, kind_from_sql, personnummer_from_sql,
    row_id, text,
};
use crate::error::{Result, StoreError};
use crate::schema::Migration;
use crate::store::{Store, WriteGuard};

/// The longest shift the store accepts: 31 days. Range queries rely on this bound to use the
/// start-time index instead of scanning every earlier shift.
pub const MAX_SHIFT_MINUTES: i64 = 31 * 24 * 60;

pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 4,
        // The UNIQUE key starts with (assistant, start) so it also serves "shifts of an assistant
        // in a date range" without a second index.
        sql: "CREATE TABLE shifts (
            id           INTEGER PRIMARY KEY,
            assistant_id INTEGER NOT NULL REFERENCES assistants (id),
            person_id    INTEGER NOT NULL REFERENCES persons (id),
            start_utc    INTEGER NOT NULL,
            start_offset INTEGER NOT NULL,
            end_utc      INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL,
            kind         TEXT NOT NULL CHECK (kind IN ('aktiv', 'vante', 'beredskap')),
            note         TEXT,
            source       TEXT,
            created_at   TEXT NOT NULL,
            CHECK (end_utc > start_utc AND end_utc - start_utc <= 44640),
            UNIQUE (assistant_id, start_utc, end_utc, person_id, kind)
          ) STRICT;
          CREATE INDEX shifts_by_start ON shifts (start_utc);",
    },
    Migration {
        version: 13,
        // The bulk insert's speed (docs/PERFORMANCE.md). Rebuilds `shifts` with the same rows and
        // row ids:
        // - the kind's CHECK as `=` comparisons: `kind IN (three values)` made SQLite build a
        //   temporary lookup table on every single insert, the largest cost of an import;
        // - `source` and `created_at`, the same on every shift of an insert, in one
        //   `shift_sources` row per insert instead of ≈ 50 bytes on every shift (the table and its
        //   pages to encrypt shrink by a third).
        sql: "CREATE TABLE shift_sources (
            id         INTEGER PRIMARY KEY,
            source     TEXT,
            created_at TEXT NOT NULL
          ) STRICT;
          CREATE INDEX shift_sources_migrated ON shift_sources (created_at, source);
          INSERT INTO shift_sources (source, created_at)
            SELECT source, created_at FROM shifts GROUP BY source, created_at ORDER BY min(id);
          CREATE TABLE shifts_v13 (
            id           INTEGER PRIMARY KEY,
            assistant_id INTEGER NOT NULL REFERENCES assistants (id),
            person_id    INTEGER NOT NULL REFERENCES persons (id),
            start_utc    INTEGER NOT NULL,
            start_offset INTEGER NOT NULL,
            end_utc      INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL,
            kind         TEXT NOT NULL
                         CHECK (kind = 'aktiv' OR kind = 'vante' OR kind = 'beredskap'),
            note         TEXT,
            source_id    INTEGER NOT NULL REFERENCES shift_sources (id),
            CHECK (end_utc > start_utc AND end_utc - start_utc <= 44640),
            UNIQUE (assistant_id, start_utc, end_utc, person_id, kind)
          ) STRICT;
          INSERT INTO shifts_v13 (id, assistant_id, person_id, start_utc, start_offset, end_utc,
                                  end_offset, kind, note, source_id)
            SELECT s.id, s.assistant_id, s.person_id, s.start_utc, s.start_offset, s.end_utc,
                   s.end_offset, s.kind, s.note,
                   (SELECT b.id FROM shift_sources b
                     WHERE b.created_at = s.created_at AND b.source IS s.source)
            FROM shifts s ORDER BY s.id;
          DROP INDEX shift_sources_migrated;
          DROP TABLE shifts;
          ALTER TABLE shifts_v13 RENAME TO shifts;
          CREATE INDEX shifts_by_start ON shifts (start_utc);",
    },
];

row_id!(
    /// A shift's row id.
    ShiftId
);

/// A shift as stored, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredShift {
    /// The row id.
    pub id: ShiftId,
    /// The shift.
    pub shift: Shift,
    /// Where it came from (e.g. an import batch id), as given when it was inserted.
    pub source: Option<String>,
    /// When it was inserted (as given by the caller).
    pub created_at: DateTime<Utc>,
}

/// What a bulk insert did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InsertCounts {
    /// Shifts that were new and are now stored.
    pub inserted: usize,
    /// Shifts that were already stored (same assistant, person, start, end and kind) and were
    /// left as they were.
    pub already_present: usize,
}

/// Checks what the table's CHECK constraints would refuse, with a message naming the problem.
pub(crate) fn check_shift(shift: &Shift) -> Result<()> {
    for t in [shift.start, shift.end] {
        let local = t.local();
        if local.second() != 0 || local.nanosecond() != 0 {
            return Err(StoreError::invalid(format!(
                "tiden {t} har sekunder; passtider lagras i hela minuter"
            )));
        }
    }
    let minutes = shift.real_minutes();
    if minutes <= 0 {
        return Err(StoreError::invalid(format!(
            "passet som börjar {} slutar inte efter att det börjat",
            shift.start
        )));
    }
    if minutes > MAX_SHIFT_MINUTES {
        return Err(StoreError::invalid(format!(
            "passet som börjar {} är längre än 31 dygn",
            shift.start
        )));
    }
    Ok(())
}

fn shift_time_from_sql(utc: i64, offset: i64, column: &'static str) -> Result<ShiftTime> {
    let bad = || StoreError::BadStoredValue { column };
    let offset = i32::try_from(offset).map_err(|_| bad())?;
    let local = (utc + i64::from(offset))
        .checked_mul(60)
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(bad)?
        .naive_utc();
    ShiftTime::with_offset(local, offset).map_err(|_| bad())
}

/// Local midnight at the start of `date` as UTC minutes. Midnight always exists and is never
/// repeated in Sweden (the clocks change at 02:00/03:00).
fn midnight_utc_minutes(date: NaiveDate) -> Result<i64> {
    let local = date.and_hms_opt(0, 0, 0).ok_or_else(|| {
        StoreError::invalid(format!("datumet {date} saknar midnatt i svensk tid"))
    })?;
    ShiftTime::resolve(local, None)
        .map(|t| t.utc_minutes())
        .map_err(|e| StoreError::invalid(e.to_string()))
}

/// Looks up row ids by identity number, remembering each answer for the rest of a batch.
struct IdCache<K> {
    ids: HashMap<K, i64>,
}

impl<K: std::hash::Hash + Eq + Clone> IdCache<K> {
    fn new() -> Self {
        Self {
            ids: HashMap::new(),
        }
    }

    fn get(
        &mut self,
        key: &K,
        lookup: impl FnOnce(&K) -> Result<Option<i64>>,
        missing: impl FnOnce(&K) -> StoreError,
    ) -> Result<i64> {
        if let Some(id) = self.ids.get(key) {
            return Ok(*id);
        }
        let id = lookup(key)?.ok_or_else(|| missing(key))?;
        self.ids.insert(key.clone(), id);
        Ok(id)
    }
}

fn assistant_row_id(conn: &Connection, id: &IdentityNumber) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM assistants WHERE identity_number = ?1")?
        .query_row([id.digits()], |r| r.get(0))
        .optional()?)
}

fn person_row_id(conn: &Connection, pnr: &Personnummer) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM persons WHERE personnummer = ?1")?
        .query_row([pnr.digits()], |r| r.get(0))
        .optional()?)
}

fn unknown_assistant(id: &IdentityNumber) -> StoreError {
    StoreError::NotFound {
        what: crate::error::texts::WHAT_ASSISTANT_NUMBER.with("assistant", id.masked()),
    }
}

fn unknown_person(pnr: &Personnummer) -> StoreError {
    StoreError::NotFound {
        what: crate::error::texts::WHAT_PERSON_NUMBER.with("person", pnr.masked()),
    }
}

pub(crate) const SELECT_SHIFTS: &str =
    "SELECT s.id, a.identity_number, p.personnummer, s.start_utc,
       s.start_offset, s.end_utc, s.end_offset, s.kind, s.note, b.source, b.created_at,
       s.assistant_id, s.person_id
     FROM shifts s
     JOIN assistants a ON a.id = s.assistant_id
     JOIN persons p ON p.id = s.person_id
     JOIN shift_sources b ON b.id = s.source_id";

/// Rows per multi-row `INSERT` statement: one statement step per 32 shifts instead of one per
/// shift (9 parameters each, far below SQLite's limit of 32 766).
const INSERT_CHUNK: usize = 32;

/// The multi-row insert of `rows` shifts.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO shifts (assistant_id, person_id, start_utc, start_offset, end_utc,
           end_offset, kind, note, source_id) VALUES ",
    );
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?,?)");
    }
    sql.push_str(" ON CONFLICT (assistant_id, start_utc, end_utc, person_id, kind) DO NOTHING");
    sql
}

/// The duplicate-detecting key of a shift, as the table's UNIQUE constraint orders it.
type ShiftKey = (i64, i64, i64, i64, u8);

/// A bulk insert of shifts fed in batches, inside one all-or-nothing scope: the importer inserts
/// a file's shifts while it is still reading the rest of the file. Begun with
/// [`Store::begin_shift_insert`]; nothing is kept unless [`ShiftInsert::finish`] succeeds
/// (dropping it, or any error, rolls back every batch). Inside [`Store::transaction`] it joins
/// the caller's transaction, so the caller's rollback undoes it too.
///
/// Every shift inserted by one `ShiftInsert` shares one `shift_sources` row (its `source` and
/// `created_at`), as with [`Store::insert_shifts`].
pub struct ShiftInsert<'s> {
    store: &'s Store,
    guard: WriteGuard<'s>,
    created_at: DateTime<Utc>,
    source_id: Option<i64>,
    assistants: IdCache<IdentityNumber>,
    persons: IdCache<Personnummer>,
    counts: InsertCounts,
    /// Set by the first error: the insert can then only be dropped (rolled back).
    failed: bool,
}

impl std::fmt::Debug for ShiftInsert<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShiftInsert")
            .field("counts", &self.counts)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl ShiftInsert<'_> {
    /// Inserts one batch. Every shift is checked and its people resolved first, in the order
    /// given, so an error names the first bad shift and inserts nothing of the batch; then the
    /// batch is inserted in the order of the duplicate-detecting key. A shift already stored (by
    /// an earlier import or an earlier batch) is counted as already present and left as it is.
    ///
    /// After an error the insert refuses further batches and [`ShiftInsert::finish`]: drop it,
    /// which rolls back everything it inserted.
    pub fn insert<I, S>(&mut self, shifts: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: Borrow<Shift>,
    {
        if self.failed {
            return Err(StoreError::invalid(
                "infogningen av pass avbröts av ett tidigare fel och kan inte fortsätta",
            ));
        }
        let result = self.insert_batch(shifts);
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    fn insert_batch<I, S>(&mut self, shifts: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: Borrow<Shift>,
    {
        let conn = &self.store.conn;
        let mut rows: Vec<(ShiftKey, S)> = Vec::new();
        for shift in shifts {
            let s = shift.borrow();
            check_shift(s)?;
            let assistant_id = self.assistants.get(
                &s.assistant,
                |k| assistant_row_id(conn, k),
                unknown_assistant,
            )?;
            let person_id =
                self.persons
                    .get(&s.person, |k| person_row_id(conn, k), unknown_person)?;
            let key = (
                assistant_id,
                s.start.utc_minutes(),
                s.end.utc_minutes(),
                person_id,
                s.kind as u8,
            );
            rows.push((key, shift));
        }
        if rows.is_empty() {
            return Ok(());
        }
        // Stable: of two equal shifts (notes may differ) the first one given is the one stored,
        // as SQLite's DO NOTHING keeps the first of a statement's rows.
        rows.sort_by_key(|(key, _)| *key);
        let source_id = match self.source_id {
            Some(id) => id,
            None => {
                // The source text is set by `finish` (an importer knows its file's hash only
                // once the whole file has been read).
                conn.prepare_cached(
                    "INSERT INTO shift_sources (source, created_at) VALUES (NULL, ?1)",
                )?
                .execute([instant_to_sql(self.created_at)])?;
                let id = conn.last_insert_rowid();
                self.source_id = Some(id);
                id
            }
        };
        let mut chunks = rows.chunks_exact(INSERT_CHUNK);
        if rows.len() >= INSERT_CHUNK {
            let mut insert = conn.prepare_cached(&insert_sql(INSERT_CHUNK))?;
            for chunk in &mut chunks {
                let mut i = 1;
                for (key, shift) in chunk {
                    bind_shift(&mut insert, &mut i, key, shift.borrow(), source_id)?;
                }
                let changed = insert.raw_execute()?;
                self.counts.inserted += changed;
                self.counts.already_present += chunk.len() - changed;
            }
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut insert = conn.prepare_cached(&insert_sql(1))?;
            for (key, shift) in rest {
                let mut i = 1;
                bind_shift(&mut insert, &mut i, key, shift.borrow(), source_id)?;
                let changed = insert.raw_execute()?;
                self.counts.inserted += changed;
                self.counts.already_present += 1 - changed;
            }
        }
        Ok(())
    }

    /// What has been inserted so far (not yet kept: see [`ShiftInsert::finish`]).
    pub fn counts(&self) -> InsertCounts {
        self.counts
    }

    /// Records `source` (e.g. an import batch id) for every shift inserted, and keeps them
    /// (commits, or releases into the caller's transaction). Says how many were new and how
    /// many already stored.
    pub fn finish(self, source: Option<&str>) -> Result<InsertCounts> {
        if self.failed {
            return Err(StoreError::invalid(
                "infogningen av pass avbröts av ett tidigare fel; ingenting sparades",
            ));
        }
        let conn = &self.store.conn;
        if let Some(source_id) = self.source_id {
            if self.counts.inserted == 0 {
                // Nothing new: no source row that no shift refers to.
                conn.prepare_cached("DELETE FROM shift_sources WHERE id = ?1")?
                    .execute([source_id])?;
            } else {
                if source.is_some() {
                    conn.prepare_cached("UPDATE shift_sources SET source = ?2 WHERE id = ?1")?
                        .execute(params![source_id, source])?;
                }
                // Every pair that worked together is in the person's team (the month grid's
                // columns): an import adds its new pairs, once per batch.
                conn.prepare_cached(
                    "INSERT OR IGNORE INTO person_team (person_id, assistant_id)
                     SELECT DISTINCT person_id, assistant_id FROM shifts WHERE source_id = ?1",
                )?
                .execute([source_id])?;
            }
        }
        self.guard.commit()?;
        Ok(self.counts)
    }
}

/// Binds one shift's nine values from parameter `*i` on.
fn bind_shift(
    insert: &mut rusqlite::CachedStatement<'_>,
    i: &mut usize,
    key: &ShiftKey,
    shift: &Shift,
    source_id: i64,
) -> Result<()> {
    let (assistant_id, start_utc, end_utc, person_id, _) = *key;
    let values: [&dyn rusqlite::ToSql; 9] = [
        &assistant_id,
        &person_id,
        &start_utc,
        &shift.start.offset_minutes(),
        &end_utc,
        &shift.end.offset_minutes(),
        &shift.kind.code(),
        &shift.note,
        &source_id,
    ];
    for value in values {
        insert.raw_bind_parameter(*i, value)?;
        *i += 1;
    }
    Ok(())
}

impl Store {
    /// Begins a bulk insert of shifts fed in batches ([`ShiftInsert`]); `created_at` is recorded
    /// once for all of them. Inside [`Store::transaction`] it joins the caller's transaction.
    pub fn begin_shift_insert(&self, created_at: DateTime<Utc>) -> Result<ShiftInsert<'_>> {
        Ok(ShiftInsert {
            store: self,
            guard: WriteGuard::begin(&self.conn)?,
            created_at,
            source_id: None,
            assistants: IdCache::new(),
            persons: IdCache::new(),
            counts: InsertCounts::default(),
            failed: false,
        })
    }

    /// Inserts many shifts in one transaction (all or nothing) and says how many were new and
    /// how many were already stored. `source` (e.g. an import batch id) and `created_at` are
    /// recorded once per call (a `shift_sources` row) and read back on every new shift.
    ///
    /// Every assistant and person must already be registered ([`StoreError::NotFound`] names
    /// the first unknown one, masked). Times must be whole minutes, and a shift must end after
    /// it starts and last at most [`MAX_SHIFT_MINUTES`] ([`StoreError::Invalid`]). On any error
    /// nothing is stored. Inside [`Store::transaction`] this joins the caller's transaction.
    ///
    /// This is the importer's hot path: cached multi-row statements, one transaction, identity
    /// numbers looked up once per call, rows inserted in the order of the duplicate key. To
    /// insert while the shifts are still being read, use [`Store::begin_shift_insert`].
    pub fn insert_shifts<I, S>(
        &self,
        shifts: I,
        source: Option<&str>,
        created_at: DateTime<Utc>,
    ) -> Result<InsertCounts>
    where
        I: IntoIterator<Item = S>,
        S: Borrow<Shift>,
    {
        let mut insert = self.begin_shift_insert(created_at)?;
        insert.insert(shifts)?;
        insert.finish(source)
    }

    /// Whether this exact shift (assistant, person, start, end, kind) is already stored. For an
    /// import preview ("what would be created"). Unknown assistants or persons give `false`.
    pub fn contains_shift(&self, shift: &Shift) -> Result<bool> {
        let (Some(assistant_id), Some(person_id)) = (
            assistant_row_id(&self.conn, &shift.assistant)?,
            person_row_id(&self.conn, &shift.person)?,
        ) else {
            return Ok(false);
        };
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM shifts WHERE assistant_id = ?1 AND start_utc = ?2
                   AND end_utc = ?3 AND person_id = ?4 AND kind = ?5",
            )?
            .query_row(
                params![
                    assistant_id,
                    shift.start.utc_minutes(),
                    shift.end.utc_minutes(),
                    person_id,
                    shift.kind.code()
                ],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Every shift that overlaps the instants `[from, to)`, given as UTC minutes since the Unix
    /// epoch (as [`ShiftTime::utc_minutes`] gives them), ordered by start.
    pub fn shifts_overlapping(&self, from_utc: i64, to_utc: i64) -> Result<Vec<StoredShift>> {
        let sql = format!(
            "{SELECT_SHIFTS}
             WHERE s.start_utc < ?2 AND s.start_utc > ?1 - {MAX_SHIFT_MINUTES} AND s.end_utc > ?1
             ORDER BY s.start_utc, s.id"
        );
        self.query_shifts(&sql, params![from_utc, to_utc])
    }

    /// Every shift that overlaps the month in Swedish local time (from midnight on the 1st to
    /// midnight on the 1st of the next month), including shifts that start in the previous month
    /// or end in the next: each month gets its part of them.
    pub fn shifts_in_month(&self, month: ReportMonth) -> Result<Vec<StoredShift>> {
        self.shifts_overlapping(
            midnight_utc_minutes(month.first_day())?,
            midnight_utc_minutes(month.next().first_day())?,
        )
    }

    /// Every shift of one assistant (for any person) that overlaps the local dates `from` to
    /// `to`, both inclusive: what working-time limits are computed over.
    pub fn shifts_of_assistant(
        &self,
        assistant: &IdentityNumber,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StoredShift>> {
        let Some(assistant_id) = assistant_row_id(&self.conn, assistant)? else {
            return Err(unknown_assistant(assistant));
        };
        let from_utc = midnight_utc_minutes(from)?;
        let to_utc = match to.succ_opt() {
            Some(next) => midnight_utc_minutes(next)?,
            None => i64::MAX,
        };
        let sql = format!(
            "{SELECT_SHIFTS}
             WHERE s.assistant_id = ?3 AND s.start_utc < ?2
               AND s.start_utc > ?1 - {MAX_SHIFT_MINUTES} AND s.end_utc > ?1
             ORDER BY s.start_utc, s.id"
        );
        self.query_shifts(&sql, params![from_utc, to_utc, assistant_id])
    }

    pub(crate) fn query_shifts(
        &self,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<StoredShift>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        // Identity numbers repeat on almost every row: parse each once.
        let mut assistants: HashMap<i64, IdentityNumber> = HashMap::new();
        let mut persons: HashMap<i64, Personnummer> = HashMap::new();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let assistant = match assistants.entry(row.get(11)?) {
                Entry::Occupied(e) => e.get().clone(),
                Entry::Vacant(e) => e
                    .insert(identity_from_sql(
                        text(row, 1, "assistants.identity_number")?,
                        "assistants.identity_number",
                    )?)
                    .clone(),
            };
            let person = match persons.entry(row.get(12)?) {
                Entry::Occupied(e) => e.get().clone(),
                Entry::Vacant(e) => e
                    .insert(personnummer_from_sql(
                        text(row, 2, "persons.personnummer")?,
                        "persons.personnummer",
                    )?)
                    .clone(),
            };
            out.push(StoredShift {
                id: ShiftId(row.get(0)?),
                shift: Shift {
                    assistant,
                    person,
                    start: shift_time_from_sql(row.get(3)?, row.get(4)?, "shifts.start")?,
                    end: shift_time_from_sql(row.get(5)?, row.get(6)?, "shifts.end")?,
                    kind: kind_from_sql(text(row, 7, "shifts.kind")?, "shifts.kind")?,
                    note: row.get(8)?,
                },
                source: row.get(9)?,
                created_at: instant_from_sql(
                    text(row, 10, "shifts.created_at")?,
                    "shifts.created_at",
                )?,
            });
        }
        Ok(out)
    }
}
