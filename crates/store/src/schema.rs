//! Migrations: each table module lists its own steps in a `MIGRATIONS` constant; this module puts
//! them in version order and applies the missing ones in one transaction, all or nothing.
//!
//! The schema version is SQLite's `PRAGMA user_version`, which lives in the database header and
//! is therefore rolled back with the transaction if a step fails. Adding a table is one new
//! module with its `MIGRATIONS` (versions after the current last one) plus one line in
//! `ALL_TABLES`, and raising [`CURRENT_VERSION`].

use rusqlite::Connection;

use crate::error::{Result, StoreError};

/// One schema step: a version number, unique across all tables, and the SQL that brings the
/// schema from the previous version to this one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    /// The schema version after this step.
    pub version: u32,
    /// The SQL (one or more statements).
    pub sql: &'static str,
}

/// Every table module's steps. Order here does not matter; versions do.
const ALL_TABLES: &[&[Migration]] = &[
    crate::providers::MIGRATIONS,
    crate::persons::MIGRATIONS,
    crate::assistants::MIGRATIONS,
    crate::shifts::MIGRATIONS,
    crate::report_versions::MIGRATIONS,
    crate::events::MIGRATIONS,
    crate::signatures::MIGRATIONS,
    crate::settings::MIGRATIONS,
    crate::outbox::MIGRATIONS,
    crate::privacy::MIGRATIONS,
    crate::teams::MIGRATIONS,
    crate::grants::MIGRATIONS,
];

/// The schema version this program writes and understands.
pub const CURRENT_VERSION: u32 = 20;

/// All steps in version order.
fn ordered() -> Vec<Migration> {
    let mut all: Vec<Migration> = ALL_TABLES.iter().flat_map(|m| m.iter().copied()).collect();
    all.sort_by_key(|m| m.version);
    all
}

/// The schema version stored in the file (0 for a new database).
pub(crate) fn stored_version(conn: &Connection) -> Result<u32> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    u32::try_from(v).map_err(|_| StoreError::BadStoredValue {
        column: "user_version",
    })
}

/// Brings the schema up to `target` (at most [`CURRENT_VERSION`]) in one transaction. Refuses a
/// database newer than this program before changing anything.
pub(crate) fn migrate(conn: &Connection, target: u32) -> Result<()> {
    migrate_with(conn, &ordered(), target.min(CURRENT_VERSION))
}

/// Applies the `steps` (in version order) that lie above the stored version and at most at
/// `target`, in one transaction.
fn migrate_with(conn: &Connection, steps: &[Migration], target: u32) -> Result<()> {
    // The common case, an up-to-date database, needs no write lock: another program writing
    // at the same moment does not delay opening.
    let found = stored_version(conn)?;
    if found > CURRENT_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: CURRENT_VERSION,
        });
    }
    if found >= target {
        return Ok(());
    }
    // IMMEDIATE takes the write lock before reading the version, so two programs opening the
    // same new database cannot both apply the steps.
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        let found = stored_version(conn)?;
        if found > CURRENT_VERSION {
            return Err(StoreError::NewerSchema {
                found,
                supported: CURRENT_VERSION,
            });
        }
        for step in steps
            .iter()
            .filter(|m| m.version > found && m.version <= target)
        {
            conn.execute_batch(step.sql)?;
            conn.pragma_update(None, "user_version", step.version)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => {
            conn.execute_batch("COMMIT")?;
            Ok(())
        }
        Err(e) => {
            // The original error matters more than a failed rollback.
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_unique_and_contiguous_up_to_current() {
        let mut versions: Vec<u32> = ordered().iter().map(|m| m.version).collect();
        versions.sort_unstable();
        let expected: Vec<u32> = (1..=CURRENT_VERSION).collect();
        assert_eq!(
            versions, expected,
            "every version from 1 to CURRENT_VERSION must have exactly one step"
        );
    }

    #[test]
    fn a_failing_step_undoes_every_step_of_the_run() {
        let conn = Connection::open_in_memory().expect("an in-memory database");
        let steps = [
            Migration {
                version: 1,
                sql: "CREATE TABLE first (x INTEGER);",
            },
            Migration {
                version: 2,
                sql: "CREATE TABLE second (x INTEGER); THIS IS NOT SQL;",
            },
        ];
        migrate_with(&conn, &steps, 2).expect_err("the second step fails");
        assert_eq!(
            stored_version(&conn).expect("readable"),
            0,
            "the version is rolled back with the steps"
        );
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .expect("readable");
        assert_eq!(tables, 0, "the first step's table was rolled back too");
    }
}
