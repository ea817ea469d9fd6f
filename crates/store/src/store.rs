//! Opening the encrypted database safely, and transactions.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assistid_core::secret::Sensitive;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::{Result, StoreError};
use crate::key::{DatabaseKey, KeySource};
use crate::schema;

/// The database file's name inside a data folder.
pub const DATABASE_FILE_NAME: &str = "assistid.db";

/// How long a statement waits for another connection's lock before giving up with
/// [`StoreError::Locked`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The encrypted Assistid database. All reading and writing goes through its typed methods
/// (see the table modules); no SQL leaves this crate.
///
/// A `Store` is one SQLite connection: use it from one thread at a time (it is `Send`), and
/// open another `Store` for another thread.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens the database file `path`, creating it (and its key) only if the file does not exist.
    ///
    /// - An existing file is opened with the key from `keys`; if there is no key,
    ///   [`StoreError::KeyMissing`], if the key does not decrypt it, [`StoreError::WrongKey`].
    ///   In both cases the file is left exactly as it was; a new database is never created over
    ///   an existing file.
    /// - For a new file the key is taken from `keys` if one is there, else created and saved
    ///   (and read back) before the database is created.
    /// - Then the schema is migrated to the current version in one transaction; a database
    ///   written by a newer program is refused with [`StoreError::NewerSchema`].
    pub fn open(path: &Path, keys: &KeySource) -> Result<Store> {
        Self::open_at_schema_version(path, keys, schema::CURRENT_VERSION)
    }

    /// Opens (or creates) `DIR/assistid.db` in the data folder `data_dir`, creating the folder if
    /// needed. The folder is made owner-only (`0700` on Unix, also when it already existed with
    /// looser permissions; see [`crate::owner_only`]). See [`Store::open`].
    pub fn open_in_data_dir(data_dir: &Path, keys: &KeySource) -> Result<Store> {
        crate::owner_only::tighten_dir(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        Self::open(&data_dir.join(DATABASE_FILE_NAME), keys)
    }

    /// Like [`Store::open`], but migrates only up to `version`. This exists to build databases
    /// of older schema versions in tests of the upgrade path; programs use [`Store::open`].
    pub fn open_at_schema_version(path: &Path, keys: &KeySource, version: u32) -> Result<Store> {
        let exists = path.try_exists().map_err(|source| StoreError::DataDir {
            path: path.to_path_buf(),
            source,
        })?;
        let conn = if exists {
            let key = keys.load()?.ok_or_else(|| StoreError::KeyMissing {
                path: path.to_path_buf(),
                location: keys.location(),
            })?;
            // No CREATE flag: if the file vanished meanwhile, fail instead of making a new one.
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            unlock(&conn, &key, path)?;
            conn
        } else {
            let key = match keys.load()? {
                Some(key) => key,
                None => keys.create()?,
            };
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            unlock(&conn, &key, path)?;
            conn
        };
        configure(&conn)?;
        schema::migrate(&conn, version)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether SQLite overwrites deleted content on this connection (`PRAGMA secure_delete`),
    /// which every open turns on.
    pub fn secure_delete_is_on(&self) -> Result<bool> {
        let on: i64 = self
            .conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        Ok(on == 1)
    }

    /// Copies everything in the write-ahead log into the database file and truncates the log to
    /// zero bytes (`PRAGMA wal_checkpoint(TRUNCATE)`), so older versions of pages — the ones
    /// that still held erased rows — are no longer in the `-wal` file. Call it outside any
    /// transaction, after an erasure.
    ///
    /// Returns `false` when another connection (a submission run, another program) was reading
    /// or writing and the log could not be emptied within the busy timeout: nothing is lost, and
    /// the next checkpoint copies over those pages; `true` when the log is empty.
    pub fn truncate_wal(&self) -> Result<bool> {
        let (busy, log_frames, checkpointed): (i64, i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
        Ok(busy == 0 && log_frames <= 0 && checkpointed <= 0)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        schema::stored_version(&self.conn)
    }

    /// Checks the whole database file: SQLite's `PRAGMA integrity_check` (structure, indexes,
    /// constraints) and SQLCipher's `PRAGMA cipher_integrity_check` (every page's
    /// authentication code). Returns the problems found; empty means the file is sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            if line != "ok" {
                problems.push(line);
            }
        }
        // SQLCipher answers nothing when every page checks out.
        let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            problems.push(line);
        }
        Ok(problems)
    }

    /// Runs `f` all-or-nothing: everything `f` does through `store` is committed when it returns
    /// `Ok`, and rolled back when it returns `Err` or panics. Calls may nest (inner ones become
    /// savepoints).
    ///
    /// ```
    /// # use assistid_store::{Store, KeySource, StoreError};
    /// # let dir = tempfile::tempdir()?;
    /// # let store = Store::open(&dir.path().join("db"), &KeySource::File(dir.path().join("key")))?;
    /// let count = store.transaction(|store| -> Result<usize, StoreError> {
    ///     // e.g. add persons and insert their shifts; an error anywhere undoes all of it
    ///     Ok(store.list_providers()?.len())
    /// })?;
    /// assert_eq!(count, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transaction<T, E>(&self, f: impl FnOnce(&Store) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let guard = WriteGuard::begin(&self.conn)?;
        let value = f(self)?;
        guard.commit()?;
        Ok(value)
    }
}

/// Sets the key and proves it works by reading the schema. Nothing is written before this
/// succeeds, so a wrong key leaves the file untouched.
fn unlock(conn: &Connection, key: &DatabaseKey, path: &Path) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let statement = Sensitive::new(format!("PRAGMA key = \"{}\"", key.pragma_value().expose()));
    conn.execute_batch(statement.expose())?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(source) if source.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            Err(StoreError::WrongKey {
                path: path.to_path_buf(),
                source,
            })
        }
        Err(e) => Err(e.into()),
    }
}

fn configure(conn: &Connection) -> Result<()> {
    // WAL: readers do not block the writer. synchronous = FULL: every commit is on disk before
    // it returns — the outbox writes "sending" before each call to FK, and that mark must
    // survive a power cut, or a report could be sent twice. (A bulk import is one commit, so
    // this costs one fsync.) Temp files in memory, so SQLCipher never writes plaintext temp files.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::invalid(format!(
            "journal_mode blev {mode}, inte wal"
        )));
    }
    // A page cache of up to 64 MB: with SQLCipher every page that falls out of the cache must be
    // decrypted and authenticated again when read, which dominated bulk imports with the
    // default 2 MB (the index pages of a 100 000-row import no longer fit).
    // secure_delete: a deleted row's bytes are overwritten with zeros in its page (and freed
    // pages are zeroed), so an erased person does not linger in free space of the file
    // (`Store::truncate_wal` then removes the older copies in the WAL). It is a setting of the
    // connection, so it is set on every open; `Store::secure_delete_is_on` checks it.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY;
         PRAGMA secure_delete = ON;
         PRAGMA cache_size = -65536;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// An all-or-nothing scope on a connection: a real `BEGIN IMMEDIATE` transaction when none is
/// open, a savepoint inside an open one. Rolled back on drop unless committed.
pub(crate) struct WriteGuard<'c> {
    conn: &'c Connection,
    outermost: bool,
    finished: bool,
}

impl<'c> WriteGuard<'c> {
    pub(crate) fn begin(conn: &'c Connection) -> Result<Self> {
        let outermost = conn.is_autocommit();
        if outermost {
            // IMMEDIATE takes the write lock now (waiting up to the busy timeout), instead of
            // failing later when a read lock cannot be upgraded.
            conn.execute_batch("BEGIN IMMEDIATE")?;
            // Another program may have migrated the file since this one opened it. This
            // program does not know what the newer schema means (a claim on a report to send
            // may live elsewhere now): it must not write into it. Under the write lock the
            // version cannot change until this transaction ends.
            match schema::stored_version(conn) {
                Ok(found) if found > schema::CURRENT_VERSION => {
                    let _ = conn.execute_batch("ROLLBACK");
                    return Err(StoreError::NewerSchema {
                        found,
                        supported: schema::CURRENT_VERSION,
                    });
                }
                Ok(_) => {}
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    return Err(e);
                }
            }
        } else {
            conn.execute_batch("SAVEPOINT assistid_write")?;
        }
        Ok(Self {
            conn,
            outermost,
            finished: false,
        })
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        let sql = if self.outermost {
            "COMMIT"
        } else {
            "RELEASE assistid_write"
        };
        // Only mark finished on success: a failed COMMIT is rolled back by Drop.
        self.conn.execute_batch(sql)?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let sql = if self.outermost {
            "ROLLBACK"
        } else {
            "ROLLBACK TO assistid_write; RELEASE assistid_write"
        };
        // Nothing useful can be done with a failed rollback in Drop; SQLite rolls back an
        // unfinished transaction when the connection closes anyway.
        let _ = self.conn.execute_batch(sql);
    }
}
