//! The `report_versions` table: every version of every report document, with its exact bytes.
//!
//! Rules, enforced here and by triggers in the database itself:
//! - a version's content (id, who, month, number, bytes, hash, binding) never changes after it is
//!   saved: a report id is never reused for different content (ELT.md), so a corrected report is
//!   a new version with a new id;
//! - once frozen (signed), the version stays frozen: its bytes are what gets sent, never
//!   regenerated;
//! - a new version of the same (assistant, person, month) gets the next number and supersedes the
//!   previous latest version;
//! - versions are never deleted, so ids are never reused.
//!
//! The store computes the hash and binding itself from the bytes (inclusive Canonical XML 1.0,
//! SHA-256, `<id>,<hash>`), so a stored binding always matches the stored bytes.

use std::fmt;

use assistid_core::c14n::report_hash;
use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::ReportMonth;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use uuid::Uuid;

use crate::convert::{
    identity_from_sql, instant_from_sql, instant_to_sql, month_from_sql, personnummer_from_sql,
    text, uuid_from_sql, uuid_to_sql,
};
use crate::error::{Result, StoreError, is_trigger_abort};
use crate::schema::Migration;
use crate::store::{Store, WriteGuard};

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 5,
    sql: "CREATE TABLE report_versions (
            id            INTEGER PRIMARY KEY,
            report_id     TEXT NOT NULL UNIQUE
                            CHECK (length(report_id) = 36 AND report_id = lower(report_id)),
            assistant_id  INTEGER NOT NULL REFERENCES assistants (id),
            person_id     INTEGER NOT NULL REFERENCES persons (id),
            month         TEXT NOT NULL CHECK (length(month) = 7),
            version       INTEGER NOT NULL CHECK (version >= 1),
            document      BLOB NOT NULL,
            sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
            binding       TEXT NOT NULL CHECK (binding = report_id || ',' || sha256),
            created_at    TEXT NOT NULL,
            frozen_at     TEXT,
            superseded_by TEXT REFERENCES report_versions (report_id),
            UNIQUE (assistant_id, person_id, month, version)
          ) STRICT;
          CREATE INDEX report_versions_by_month ON report_versions (month);

          CREATE TRIGGER report_versions_content_never_changes
          BEFORE UPDATE OF report_id, assistant_id, person_id, month, version, document, sha256,
                           binding, created_at ON report_versions
          BEGIN
            SELECT RAISE(ABORT, 'report_version_immutable: a report version''s content never changes; save a new version');
          END;

          CREATE TRIGGER report_versions_frozen_stays_frozen
          BEFORE UPDATE OF frozen_at ON report_versions
          WHEN OLD.frozen_at IS NOT NULL
          BEGIN
            SELECT RAISE(ABORT, 'report_version_frozen: a frozen report version stays frozen');
          END;

          CREATE TRIGGER report_versions_superseded_once
          BEFORE UPDATE OF superseded_by ON report_versions
          WHEN OLD.superseded_by IS NOT NULL
          BEGIN
            SELECT RAISE(ABORT, 'report_version_superseded: a report version is superseded once');
          END;

          CREATE TRIGGER report_versions_never_deleted
          BEFORE DELETE ON report_versions
          BEGIN
            SELECT RAISE(ABORT, 'report_version_kept: report versions are never deleted');
          END;

          -- INSERT OR REPLACE would delete the old row without firing the delete trigger.
          CREATE TRIGGER report_versions_never_replaced
          BEFORE INSERT ON report_versions
          WHEN EXISTS (SELECT 1 FROM report_versions
                       WHERE report_id = NEW.report_id
                          OR (assistant_id = NEW.assistant_id AND person_id = NEW.person_id
                              AND month = NEW.month AND version = NEW.version))
          BEGIN
            SELECT RAISE(ABORT, 'report_version_exists: report ids and version numbers are never reused');
          END;",
}];

/// A new report version to save: the caller gives the id and the bytes, the store numbers it and
/// computes its hash and binding.
#[derive(Clone, Copy)]
pub struct NewReportVersion<'a> {
    /// The report id of this version: a new UUID, never used before.
    pub report_id: Uuid,
    /// The assistant the report is for.
    pub assistant: &'a IdentityNumber,
    /// The person with assistance.
    pub person: &'a Personnummer,
    /// The report month.
    pub month: ReportMonth,
    /// The document's exact bytes (FK's `Tidredovisning` XML, UTF-8).
    pub document: &'a [u8],
    /// When it was made (passed in; the store never reads the clock).
    pub created_at: DateTime<Utc>,
}

/// `Debug` leaves out the document: its bytes contain personnummer and names.
impl fmt::Debug for NewReportVersion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewReportVersion")
            .field("report_id", &self.report_id)
            .field("assistant", self.assistant)
            .field("person", self.person)
            .field("month", &self.month)
            .field("document_len", &self.document.len())
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A stored report version.
#[derive(Clone, PartialEq, Eq)]
pub struct ReportVersion {
    /// The report id (lowercase UUID in the document and binding).
    pub report_id: Uuid,
    /// The assistant.
    pub assistant: IdentityNumber,
    /// The person with assistance.
    pub person: Personnummer,
    /// The report month.
    pub month: ReportMonth,
    /// 1 for the first version of (assistant, person, month), then 2, 3, …
    pub version: u32,
    /// The document's exact bytes: what is signed and sent.
    pub document: Vec<u8>,
    /// Lowercase hex SHA-256 of the document's canonical form.
    pub sha256: String,
    /// The signing binding `<report id>,<sha256>`.
    pub binding: String,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
    /// When it was frozen (signed); `None` while it is still a draft.
    pub frozen_at: Option<DateTime<Utc>>,
    /// The version that replaced this one, if any.
    pub superseded_by: Option<Uuid>,
}

impl ReportVersion {
    /// True once frozen: the bytes are final.
    pub fn is_frozen(&self) -> bool {
        self.frozen_at.is_some()
    }
}

/// `Debug` leaves out the document: its bytes contain personnummer and names.
impl fmt::Debug for ReportVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportVersion")
            .field("report_id", &self.report_id)
            .field("assistant", &self.assistant)
            .field("person", &self.person)
            .field("month", &self.month)
            .field("version", &self.version)
            .field("document_len", &self.document.len())
            .field("sha256", &self.sha256)
            .field("created_at", &self.created_at)
            .field("frozen_at", &self.frozen_at)
            .field("superseded_by", &self.superseded_by)
            .finish()
    }
}

pub(crate) const SELECT_VERSIONS: &str =
    "SELECT r.report_id, a.identity_number, p.personnummer, r.month,
       r.version, r.document, r.sha256, r.binding, r.created_at, r.frozen_at, r.superseded_by
     FROM report_versions r
     JOIN assistants a ON a.id = r.assistant_id
     JOIN persons p ON p.id = r.person_id";

pub(crate) fn from_row(row: &Row<'_>) -> Result<ReportVersion> {
    let version: i64 = row.get(4)?;
    Ok(ReportVersion {
        report_id: uuid_from_sql(
            text(row, 0, "report_versions.report_id")?,
            "report_versions.report_id",
        )?,
        assistant: identity_from_sql(
            text(row, 1, "assistants.identity_number")?,
            "assistants.identity_number",
        )?,
        person: personnummer_from_sql(
            text(row, 2, "persons.personnummer")?,
            "persons.personnummer",
        )?,
        month: month_from_sql(
            text(row, 3, "report_versions.month")?,
            "report_versions.month",
        )?,
        version: u32::try_from(version).map_err(|_| StoreError::BadStoredValue {
            column: "report_versions.version",
        })?,
        document: row.get(5)?,
        sha256: row.get(6)?,
        binding: row.get(7)?,
        created_at: instant_from_sql(
            text(row, 8, "report_versions.created_at")?,
            "report_versions.created_at",
        )?,
        frozen_at: row
            .get::<_, Option<String>>(9)?
            .map(|t| instant_from_sql(&t, "report_versions.frozen_at"))
            .transpose()?,
        superseded_by: row
            .get::<_, Option<String>>(10)?
            .map(|t| uuid_from_sql(&t, "report_versions.superseded_by"))
            .transpose()?,
    })
}

impl Store {
    /// Saves a new version of the report for (assistant, person, month): it gets the next
    /// version number, and the previous latest version is marked as superseded by it. The hash
    /// and binding are computed from the bytes. All or nothing.
    ///
    /// Errors: [`StoreError::ReportFrozen`] / [`StoreError::ReportIdReused`] if the id is
    /// already stored (frozen or not) — report ids are never reused; [`StoreError::Invalid`] if
    /// the bytes are not a well-formed UTF-8 XML document; [`StoreError::NotFound`] for an
    /// unregistered assistant or person.
    pub fn save_report_version(&self, new: &NewReportVersion<'_>) -> Result<ReportVersion> {
        let sha256 = report_hash(new.document).map_err(|e| {
            StoreError::invalid(format!("rapportdokumentet kan inte kanoniseras: {e}"))
        })?;
        let report_id = uuid_to_sql(new.report_id);
        let binding = format!("{report_id},{sha256}");
        let guard = WriteGuard::begin(&self.conn)?;
        if let Some(existing) = self.report_version_by_id(new.report_id)? {
            return Err(if existing.is_frozen() {
                StoreError::ReportFrozen {
                    report_id: new.report_id,
                }
            } else {
                StoreError::ReportIdReused {
                    report_id: new.report_id,
                }
            });
        }
        let assistant_id: i64 = self
            .conn
            .prepare_cached("SELECT id FROM assistants WHERE identity_number = ?1")?
            .query_row([new.assistant.digits()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: crate::error::texts::WHAT_ASSISTANT_NUMBER
                    .with("assistant", new.assistant.masked()),
            })?;
        let person_id: i64 = self
            .conn
            .prepare_cached("SELECT id FROM persons WHERE personnummer = ?1")?
            .query_row([new.person.digits()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: crate::error::texts::WHAT_PERSON_NUMBER.with("person", new.person.masked()),
            })?;
        let month = new.month.to_string();
        let previous: Option<(String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT report_id, version FROM report_versions
                 WHERE assistant_id = ?1 AND person_id = ?2 AND month = ?3
                 ORDER BY version DESC LIMIT 1",
            )?
            .query_row(params![assistant_id, person_id, month], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let version = previous.as_ref().map_or(1, |(_, v)| v + 1);
        self.conn
            .prepare_cached(
                "INSERT INTO report_versions (report_id, assistant_id, person_id, month, version,
                   document, sha256, binding, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                report_id,
                assistant_id,
                person_id,
                month,
                version,
                new.document,
                sha256,
                binding,
                instant_to_sql(new.created_at),
            ])?;
        if let Some((previous_id, _)) = previous {
            self.conn
                .prepare_cached(
                    "UPDATE report_versions SET superseded_by = ?2
                     WHERE report_id = ?1 AND superseded_by IS NULL",
                )?
                .execute(params![previous_id, report_id])?;
        }
        let saved =
            self.report_version_by_id(new.report_id)?
                .ok_or_else(|| StoreError::NotFound {
                    what: crate::error::texts::WHAT_REPORT_VERSION
                        .with("report_id", new.report_id.to_string()),
                })?;
        guard.commit()?;
        Ok(saved)
    }

    /// The version with this report id, if any.
    pub fn report_version_by_id(&self, report_id: Uuid) -> Result<Option<ReportVersion>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT_VERSIONS} WHERE r.report_id = ?1"))?;
        let mut rows = stmt.query([uuid_to_sql(report_id)])?;
        rows.next()?.map(from_row).transpose()
    }

    /// The newest version of the report for (assistant, person, month), if any.
    pub fn latest_report_version(
        &self,
        assistant: &IdentityNumber,
        person: &Personnummer,
        month: ReportMonth,
    ) -> Result<Option<ReportVersion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_VERSIONS}
             WHERE a.identity_number = ?1 AND p.personnummer = ?2 AND r.month = ?3
             ORDER BY r.version DESC LIMIT 1"
        ))?;
        let mut rows = stmt.query(params![
            assistant.digits(),
            person.digits(),
            month.to_string()
        ])?;
        rows.next()?.map(from_row).transpose()
    }

    /// Every version of every report of `month` (superseded ones too), ordered by assistant,
    /// person and version.
    pub fn report_versions_in_month(&self, month: ReportMonth) -> Result<Vec<ReportVersion>> {
        self.versions_where(month, "")
    }

    /// The latest version of each report of `month` (those not superseded).
    pub fn latest_report_versions_in_month(
        &self,
        month: ReportMonth,
    ) -> Result<Vec<ReportVersion>> {
        self.versions_where(month, "AND r.superseded_by IS NULL")
    }

    fn versions_where(&self, month: ReportMonth, extra: &str) -> Result<Vec<ReportVersion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_VERSIONS} WHERE r.month = ?1 {extra}
             ORDER BY a.identity_number, p.personnummer, r.version"
        ))?;
        let mut rows = stmt.query([month.to_string()])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(from_row(row)?);
        }
        Ok(out)
    }

    /// Freezes a version at `at` (when it was signed): from now on its bytes are final.
    /// [`StoreError::ReportFrozen`] if it already is, [`StoreError::NotFound`] if there is no
    /// such version.
    pub fn freeze_report_version(&self, report_id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE report_versions SET frozen_at = ?2
                 WHERE report_id = ?1 AND frozen_at IS NULL",
            )?
            .execute(params![uuid_to_sql(report_id), instant_to_sql(at)])
            .map_err(|e| {
                if is_trigger_abort(&e, "report_version_frozen") {
                    StoreError::ReportFrozen { report_id }
                } else {
                    e.into()
                }
            })?;
        if changed == 1 {
            return Ok(());
        }
        match self.report_version_by_id(report_id)? {
            Some(_) => Err(StoreError::ReportFrozen { report_id }),
            None => Err(StoreError::NotFound {
                what: crate::error::texts::WHAT_REPORT_VERSION
                    .with("report_id", report_id.to_string()),
            }),
        }
    }
}
