//! The `signatories`, `signatures` and `signed_reports` tables: who may sign for a provider, and
//! the BankID signatures that bind report versions.
//!
//! One BankID signature (one completed order) is one row of `signatures`; `signed_reports` attaches
//! it to every report version it covers — one for an assistant's signature, many for a provider's
//! batch. What is kept is exactly what BankID sent: the base64 signature XML, the base64 OCSP
//! response and the whole `completionData` JSON, plus the signing date FK wants
//! (`datumForSignatur`) and who signed.
//!
//! Rules, enforced by triggers in the database itself and checked again here:
//! - at most one signature per (report version, role);
//! - a provider signature only for a report version that already has its assistant's signature;
//! - a signature is never attached to a superseded report version;
//! - the first signature freezes the report version, in the same transaction;
//! - signatures and their attachments are never changed or deleted: a data change makes a new
//!   report version, which starts unsigned.

use std::fmt;

use assistid_core::ids::Personnummer;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};
use uuid::Uuid;

use crate::convert::{
    date_from_sql, instant_from_sql, instant_to_sql, personnummer_from_sql, row_id, text,
    uuid_from_sql, uuid_to_sql,
};
use crate::error::{Result, StoreError, is_trigger_abort, is_unique_violation};
use crate::providers::ProviderId;
use crate::schema::Migration;
use crate::store::{Store, WriteGuard};

pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 7,
        sql: "CREATE TABLE signatories (
                id           INTEGER PRIMARY KEY,
                provider_id  INTEGER NOT NULL REFERENCES providers (id),
                personnummer TEXT NOT NULL CHECK (length(personnummer) = 12),
                first_name   TEXT NOT NULL CHECK (length(trim(first_name)) > 0),
                last_name    TEXT NOT NULL CHECK (length(trim(last_name)) > 0),
                added_at     TEXT NOT NULL,
                UNIQUE (provider_id, personnummer)
              ) STRICT;",
    },
    Migration {
        version: 8,
        sql: "CREATE TABLE signatures (
                id                  INTEGER PRIMARY KEY AUTOINCREMENT,
                role                TEXT NOT NULL CHECK (role IN ('assistant', 'provider')),
                order_ref           TEXT NOT NULL UNIQUE CHECK (length(order_ref) > 0),
                signer_personnummer TEXT NOT NULL CHECK (length(signer_personnummer) = 12),
                signer_name         TEXT NOT NULL,
                signed_on           TEXT NOT NULL CHECK (length(signed_on) = 10),
                signed_at           TEXT NOT NULL,
                user_visible_data   TEXT NOT NULL CHECK (length(user_visible_data) > 0),
                user_non_visible_data TEXT NOT NULL CHECK (length(user_non_visible_data) > 0),
                signature           TEXT NOT NULL CHECK (length(signature) > 0),
                ocsp_response       TEXT NOT NULL CHECK (length(ocsp_response) > 0),
                completion_data     TEXT NOT NULL CHECK (json_valid(completion_data))
              ) STRICT;

              CREATE TABLE signed_reports (
                signature_id INTEGER NOT NULL REFERENCES signatures (id),
                report_id    TEXT NOT NULL REFERENCES report_versions (report_id),
                role         TEXT NOT NULL CHECK (role IN ('assistant', 'provider')),
                PRIMARY KEY (report_id, role)
              ) STRICT, WITHOUT ROWID;
              CREATE INDEX signed_reports_by_signature ON signed_reports (signature_id);

              CREATE TRIGGER signatures_never_updated BEFORE UPDATE ON signatures
              BEGIN
                SELECT RAISE(ABORT, 'signature_immutable: signatures are never changed');
              END;
              CREATE TRIGGER signatures_never_deleted BEFORE DELETE ON signatures
              BEGIN
                SELECT RAISE(ABORT, 'signature_immutable: signatures are never deleted');
              END;
              CREATE TRIGGER signatures_never_replaced BEFORE INSERT ON signatures
              WHEN EXISTS (SELECT 1 FROM signatures WHERE id = NEW.id OR order_ref = NEW.order_ref)
              BEGIN
                SELECT RAISE(ABORT, 'signature_exists: a BankID order is stored once');
              END;

              CREATE TRIGGER signed_reports_never_updated BEFORE UPDATE ON signed_reports
              BEGIN
                SELECT RAISE(ABORT, 'signature_immutable: signatures are never moved');
              END;
              CREATE TRIGGER signed_reports_never_deleted BEFORE DELETE ON signed_reports
              BEGIN
                SELECT RAISE(ABORT, 'signature_immutable: signatures are never removed');
              END;
              CREATE TRIGGER signed_reports_once_per_role BEFORE INSERT ON signed_reports
              WHEN EXISTS (SELECT 1 FROM signed_reports
                           WHERE report_id = NEW.report_id AND role = NEW.role)
              BEGIN
                SELECT RAISE(ABORT, 'signature_exists: this report version already has this signature');
              END;
              CREATE TRIGGER signed_reports_role_matches BEFORE INSERT ON signed_reports
              WHEN NEW.role IS NOT (SELECT role FROM signatures WHERE id = NEW.signature_id)
              BEGIN
                SELECT RAISE(ABORT, 'signature_role_mismatch: the attachment must have the signature''s role');
              END;
              CREATE TRIGGER signed_reports_provider_after_assistant BEFORE INSERT ON signed_reports
              WHEN NEW.role = 'provider'
               AND NOT EXISTS (SELECT 1 FROM signed_reports
                               WHERE report_id = NEW.report_id AND role = 'assistant')
              BEGIN
                SELECT RAISE(ABORT, 'signature_needs_assistant: the assistant signs first');
              END;
              CREATE TRIGGER signed_reports_current_version_only BEFORE INSERT ON signed_reports
              WHEN EXISTS (SELECT 1 FROM report_versions
                           WHERE report_id = NEW.report_id AND superseded_by IS NOT NULL)
              BEGIN
                SELECT RAISE(ABORT, 'signature_superseded: a superseded report version is not signed');
              END;
              CREATE TRIGGER signed_reports_frozen_version_only BEFORE INSERT ON signed_reports
              WHEN EXISTS (SELECT 1 FROM report_versions
                           WHERE report_id = NEW.report_id AND frozen_at IS NULL)
              BEGIN
                SELECT RAISE(ABORT, 'signature_unfrozen: a report version is frozen before it is signed');
              END;",
    },
    Migration {
        version: 15,
        // Issue 14: every signature records the BankID environment that made it (demo, test
        // or prod), and a report version is signed once per role *per environment*: what was
        // signed with BankID's test service is still to sign with BankID in production.
        // Signatures stored before this step get the environment the data folder's BankID
        // setting named (demo when there is none, and always demo in a demo folder); a demo
        // signature is never accepted outside a demo folder. `signed_reports` is rebuilt
        // without a rename (a rename would rewrite the privacy trigger that names it): copy,
        // drop, create, copy back, with the privacy trigger made again over the new table.
        sql: "ALTER TABLE signatures ADD COLUMN environment TEXT NOT NULL DEFAULT 'demo'
                CHECK (environment IN ('demo', 'test', 'prod'));
              DROP TRIGGER signatures_never_updated;
              UPDATE signatures SET environment = COALESCE(
                (SELECT json_extract(value, '$.environment') FROM settings
                  WHERE key LIKE 'bankid.settings.%' AND json_valid(value)
                    AND json_extract(value, '$.environment') IN ('test', 'prod')
                    AND NOT EXISTS (SELECT 1 FROM settings
                                    WHERE key = 'data_kind' AND value = 'demo')
                  ORDER BY key LIMIT 1),
                'demo');
              CREATE TRIGGER signatures_never_updated BEFORE UPDATE ON signatures
              BEGIN
                SELECT RAISE(ABORT, 'signature_immutable: signatures are never changed');
              END;

              DROP TRIGGER report_versions_only_drafts_deleted;
              DROP TRIGGER signed_reports_never_updated;
              DROP TRIGGER signed_reports_never_deleted;
              DROP TRIGGER signed_reports_once_per_role;
              DROP TRIGGER signed_reports_role_matches;
              DROP TRIGGER signed_reports_provider_after_assistant;
              DROP TRIGGER signed_reports_current_version_only;
              DROP TRIGGER signed_reports_frozen_version_only;
              DROP INDEX signed_reports_by_signature;
              CREATE TABLE signed_reports_copy AS
                SELECT sr.signature_id, sr.report_id, sr.role, s.environment
                FROM signed_reports sr JOIN signatures s ON s.id = sr.signature_id;
              DROP TABLE signed_reports;
              CREATE TABLE signed_reports (
                signature_id INTEGER NOT NULL REFERENCES signatures (id),
                report_id    TEXT NOT NULL REFERENCES report_versions (report_id),
                role         TEXT NOT NULL CHECK (role IN ('assistant', 'provider')),
                environment  TEXT NOT NULL CHECK (environment IN ('demo', 'test', 'prod')),
                PRIMARY KEY (report_id, environment, role)
              ) STRICT, WITHOUT ROWID;
              INSERT INTO signed_reports (signature_id, report_id, role, environment)
                SELECT signature_id, report_id, role, environment FROM signed_reports_copy;
              DROP TABLE signed_reports_copy;
              CREATE INDEX signed_reports_by_signature ON signed_reports (signature_id);

              CREATE TRIGGER report_versions_only_drafts_deleted
              BEFORE DELETE ON report_versions
              WHEN OLD.frozen_at IS NOT NULL
                OR EXISTS (SELECT 1 FROM signed_reports WHERE report_id = OLD.report_id)
                OR EXISTS (SELECT 1 FROM submissions WHERE report_id = OLD.report_id)
              BEGIN
                SELECT RAISE(ABORT, 'report_version_kept: frozen, signed or submitted report versions are never deleted');
              END;
              CREATE TRIGGER signed_reports_never_updated BEFORE UPDATE ON signed_reports
              BEGIN
                SELECT RAISE(ABORT, 'signature_immutable: signatures are never moved');
              END;
              CREATE TRIGGER signed_reports_never_deleted BEFORE DELETE ON signed_reports
              BEGIN
                SELECT RAISE(ABORT, 'signature_immutable: signatures are never removed');
              END;
              CREATE TRIGGER signed_reports_once_per_role BEFORE INSERT ON signed_reports
              WHEN EXISTS (SELECT 1 FROM signed_reports
                           WHERE report_id = NEW.report_id AND role = NEW.role
                             AND environment = NEW.environment)
              BEGIN
                SELECT RAISE(ABORT, 'signature_exists: this report version already has this signature');
              END;
              CREATE TRIGGER signed_reports_role_matches BEFORE INSERT ON signed_reports
              WHEN NEW.role IS NOT (SELECT role FROM signatures WHERE id = NEW.signature_id)
                OR NEW.environment IS NOT (SELECT environment FROM signatures
                                           WHERE id = NEW.signature_id)
              BEGIN
                SELECT RAISE(ABORT, 'signature_role_mismatch: the attachment must have the signature''s role and environment');
              END;
              CREATE TRIGGER signed_reports_provider_after_assistant BEFORE INSERT ON signed_reports
              WHEN NEW.role = 'provider'
               AND NOT EXISTS (SELECT 1 FROM signed_reports
                               WHERE report_id = NEW.report_id AND role = 'assistant'
                                 AND environment = NEW.environment)
              BEGIN
                SELECT RAISE(ABORT, 'signature_needs_assistant: the assistant signs first');
              END;
              CREATE TRIGGER signed_reports_current_version_only BEFORE INSERT ON signed_reports
              WHEN EXISTS (SELECT 1 FROM report_versions
                           WHERE report_id = NEW.report_id AND superseded_by IS NOT NULL)
              BEGIN
                SELECT RAISE(ABORT, 'signature_superseded: a superseded report version is not signed');
              END;
              CREATE TRIGGER signed_reports_frozen_version_only BEFORE INSERT ON signed_reports
              WHEN EXISTS (SELECT 1 FROM report_versions
                           WHERE report_id = NEW.report_id AND frozen_at IS NULL)
              BEGIN
                SELECT RAISE(ABORT, 'signature_unfrozen: a report version is frozen before it is signed');
              END;",
    },
];

row_id!(
    /// A signatory's row id.
    SignatoryId
);

row_id!(
    /// A stored BankID signature's id (one completed order; may cover many report versions).
    SignatureId
);

/// Who signs a report version: its assistant first, then the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignerRole {
    /// The assistant who worked the hours.
    Assistant,
    /// A signatory of the assistance provider.
    Provider,
}

impl SignerRole {
    /// The stable code: `assistant` or `provider`.
    pub fn code(self) -> &'static str {
        match self {
            SignerRole::Assistant => "assistant",
            SignerRole::Provider => "provider",
        }
    }

    /// The Swedish name for messages: `assistentens` / `anordnarens` (genitive, as in
    /// "assistentens underskrift").
    pub fn genitive_sv(self) -> &'static str {
        match self {
            SignerRole::Assistant => "assistentens",
            SignerRole::Provider => "anordnarens",
        }
    }

    fn from_code(code: &str, column: &'static str) -> Result<Self> {
        match code {
            "assistant" => Ok(SignerRole::Assistant),
            "provider" => Ok(SignerRole::Provider),
            _ => Err(StoreError::BadStoredValue { column }),
        }
    }
}

impl fmt::Display for SignerRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The BankID environment that made a signature: the demo's stand-in, BankID's test service or
/// BankID in production. A signature counts only in its own environment: it is sent only to
/// FK's service of the same environment, and a report version signed in one environment is
/// still unsigned in the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignatureEnvironment {
    /// The demo's stand-in BankID (a demo data folder only).
    Demo,
    /// BankID's test service (signatures made with test identities).
    Test,
    /// BankID in production.
    Prod,
}

impl SignatureEnvironment {
    /// The stable code: `demo`, `test` or `prod` (FK's environments use the same codes).
    pub fn code(self) -> &'static str {
        match self {
            SignatureEnvironment::Demo => "demo",
            SignatureEnvironment::Test => "test",
            SignatureEnvironment::Prod => "prod",
        }
    }

    /// The environment with `code`, if it is one.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "demo" => Some(SignatureEnvironment::Demo),
            "test" => Some(SignatureEnvironment::Test),
            "prod" => Some(SignatureEnvironment::Prod),
            _ => None,
        }
    }
}

impl fmt::Display for SignatureEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How far a report version has come in signing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigningState {
    /// No signature yet.
    Unsigned,
    /// The assistant has signed; the provider has not.
    AssistantSigned,
    /// Both have signed: ready to send.
    FullySigned,
}

impl SigningState {
    /// The stable code: `unsigned`, `assistant_signed` or `fully_signed`.
    pub fn code(self) -> &'static str {
        match self {
            SigningState::Unsigned => "unsigned",
            SigningState::AssistantSigned => "assistant_signed",
            SigningState::FullySigned => "fully_signed",
        }
    }
}

/// A person allowed to sign reports for a provider.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NewSignatory {
    /// Their personnummer (BankID signers have one; the order requires it).
    pub personnummer: Personnummer,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// A stored signatory.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredSignatory {
    /// The row id.
    pub id: SignatoryId,
    /// The provider they sign for.
    pub provider_id: ProviderId,
    /// Their personnummer.
    pub personnummer: Personnummer,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// When they were added.
    pub added_at: DateTime<Utc>,
}

impl StoredSignatory {
    /// "First Last".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A verified BankID signature to store and attach to report versions.
#[derive(Clone, Copy)]
pub struct NewSignature<'a> {
    /// Whose signature this is.
    pub role: SignerRole,
    /// The report versions it covers: exactly one for an assistant; one or more for a provider
    /// batch (the same signature is attached to each).
    pub report_ids: &'a [Uuid],
    /// The BankID environment that made the signature.
    pub environment: SignatureEnvironment,
    /// The BankID order reference.
    pub order_ref: &'a str,
    /// The signer's personnummer (from the verified signer certificate).
    pub signer: &'a Personnummer,
    /// The signer's name as BankID gave it (`completionData.user.name`).
    pub signer_name: &'a str,
    /// The signing date FK wants (`datumForSignatur`): the Europe/Stockholm date of completion.
    pub signed_on: NaiveDate,
    /// The instant the order completed (passed in; the store never reads the clock).
    pub signed_at: DateTime<Utc>,
    /// `userVisibleData` exactly as sent in the order (base64), kept so a stored signature can
    /// be verified again later.
    pub user_visible_data: &'a str,
    /// `userNonVisibleData` exactly as sent (base64): the binding of every report covered.
    pub user_non_visible_data: &'a str,
    /// `completionData.signature`: base64 of the signature XML, exactly as received.
    pub signature_base64: &'a str,
    /// `completionData.ocspResponse`: base64 DER, exactly as received.
    pub ocsp_response_base64: &'a str,
    /// The whole `completionData` JSON, exactly as BankID sent it.
    pub completion_data_json: &'a str,
}

/// `Debug` leaves out the signer and the signature data: they hold a personnummer.
impl fmt::Debug for NewSignature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSignature")
            .field("role", &self.role)
            .field("environment", &self.environment)
            .field("report_ids", &self.report_ids)
            .field("signer", self.signer)
            .field("signed_on", &self.signed_on)
            .field("signed_at", &self.signed_at)
            .finish_non_exhaustive()
    }
}

/// A stored signature as attached to one report version.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSignature {
    /// The signature's id (shared by every report version a provider batch covers).
    pub id: SignatureId,
    /// The report version this attachment is for.
    pub report_id: Uuid,
    /// Whose signature it is.
    pub role: SignerRole,
    /// The BankID environment that made it.
    pub environment: SignatureEnvironment,
    /// The BankID order reference.
    pub order_ref: String,
    /// The signer's personnummer.
    pub signer: Personnummer,
    /// The signer's name as BankID gave it.
    pub signer_name: String,
    /// FK's `datumForSignatur`.
    pub signed_on: NaiveDate,
    /// When the order completed.
    pub signed_at: DateTime<Utc>,
    /// `userVisibleData` as sent (base64).
    pub user_visible_data: String,
    /// `userNonVisibleData` as sent (base64).
    pub user_non_visible_data: String,
    /// Base64 signature XML as received.
    pub signature_base64: String,
    /// Base64 DER OCSP response as received.
    pub ocsp_response_base64: String,
    /// The whole `completionData` JSON as received.
    pub completion_data_json: String,
    /// Every report version this signature covers (one for an assistant).
    pub covers: Vec<Uuid>,
}

/// `Debug` leaves out the signer's number (masked) and the signature data.
impl fmt::Debug for StoredSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSignature")
            .field("id", &self.id)
            .field("report_id", &self.report_id)
            .field("role", &self.role)
            .field("environment", &self.environment)
            .field("signer", &self.signer)
            .field("signed_on", &self.signed_on)
            .field("signed_at", &self.signed_at)
            .field("covers", &self.covers.len())
            .finish_non_exhaustive()
    }
}

fn map_signature_error(e: rusqlite::Error) -> StoreError {
    if is_trigger_abort(&e, "signature_exists") || is_unique_violation(&e) {
        StoreError::AlreadyExists {
            what: crate::error::texts::WHAT_SAME_SIGNATURE.text(),
        }
    } else if is_trigger_abort(&e, "signature_needs_assistant") {
        StoreError::invalid(
            "anordnaren kan bara skriva under en rapport som assistenten redan har skrivit under",
        )
    } else if is_trigger_abort(&e, "signature_superseded") {
        StoreError::invalid(
            "rapportversionen har ersatts av en nyare version; skriv under den nya versionen",
        )
    } else if is_trigger_abort(&e, "signature_immutable") {
        StoreError::invalid("underskrifter ändras och tas aldrig bort")
    } else {
        e.into()
    }
}

const SELECT_SIGNATURES: &str = "SELECT s.id, sr.report_id, s.role, s.order_ref,
       s.signer_personnummer, s.signer_name, s.signed_on, s.signed_at, s.signature,
       s.ocsp_response, s.completion_data, s.user_visible_data, s.user_non_visible_data,
       s.environment
     FROM signed_reports sr JOIN signatures s ON s.id = sr.signature_id";

fn signature_from_row(row: &Row<'_>) -> Result<StoredSignature> {
    Ok(StoredSignature {
        id: SignatureId(row.get(0)?),
        report_id: uuid_from_sql(
            text(row, 1, "signed_reports.report_id")?,
            "signed_reports.report_id",
        )?,
        role: SignerRole::from_code(text(row, 2, "signatures.role")?, "signatures.role")?,
        order_ref: row.get(3)?,
        signer: personnummer_from_sql(
            text(row, 4, "signatures.signer_personnummer")?,
            "signatures.signer_personnummer",
        )?,
        signer_name: row.get(5)?,
        signed_on: date_from_sql(
            text(row, 6, "signatures.signed_on")?,
            "signatures.signed_on",
        )?,
        signed_at: instant_from_sql(
            text(row, 7, "signatures.signed_at")?,
            "signatures.signed_at",
        )?,
        signature_base64: row.get(8)?,
        ocsp_response_base64: row.get(9)?,
        completion_data_json: row.get(10)?,
        user_visible_data: row.get(11)?,
        user_non_visible_data: row.get(12)?,
        environment: SignatureEnvironment::from_code(text(row, 13, "signatures.environment")?)
            .ok_or(StoreError::BadStoredValue {
                column: "signatures.environment",
            })?,
        covers: Vec::new(),
    })
}

fn signatory_from_row(row: &Row<'_>) -> Result<StoredSignatory> {
    Ok(StoredSignatory {
        id: SignatoryId(row.get(0)?),
        provider_id: ProviderId(row.get(1)?),
        personnummer: personnummer_from_sql(
            text(row, 2, "signatories.personnummer")?,
            "signatories.personnummer",
        )?,
        first_name: row.get(3)?,
        last_name: row.get(4)?,
        added_at: instant_from_sql(
            text(row, 5, "signatories.added_at")?,
            "signatories.added_at",
        )?,
    })
}

impl Store {
    /// Adds a person allowed to sign for the provider. [`StoreError::AlreadyExists`] if they
    /// already are one, [`StoreError::NotFound`] for an unknown provider.
    pub fn add_signatory(
        &self,
        provider_id: ProviderId,
        signatory: &NewSignatory,
        added_at: DateTime<Utc>,
    ) -> Result<SignatoryId> {
        if signatory.first_name.trim().is_empty() || signatory.last_name.trim().is_empty() {
            return Err(StoreError::invalid(
                "firmatecknarens för- och efternamn måste fyllas i",
            ));
        }
        if self.provider(provider_id)?.is_none() {
            return Err(StoreError::NotFound {
                what: crate::error::texts::WHAT_PROVIDER_ID.with("id", provider_id.to_string()),
            });
        }
        self.conn
            .prepare_cached(
                "INSERT INTO signatories (provider_id, personnummer, first_name, last_name, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                provider_id.0,
                signatory.personnummer.digits(),
                signatory.first_name.trim(),
                signatory.last_name.trim(),
                instant_to_sql(added_at)
            ])
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::AlreadyExists {
                        what: crate::error::texts::WHAT_SIGNATORY.text(),
                    }
                } else {
                    e.into()
                }
            })?;
        Ok(SignatoryId(self.conn.last_insert_rowid()))
    }

    /// The provider's signatories, by last and first name.
    pub fn list_signatories(&self, provider_id: ProviderId) -> Result<Vec<StoredSignatory>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, provider_id, personnummer, first_name, last_name, added_at
             FROM signatories WHERE provider_id = ?1 ORDER BY last_name, first_name, id",
        )?;
        let mut rows = stmt.query([provider_id.0])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(signatory_from_row(row)?);
        }
        Ok(out)
    }

    /// Stores a verified signature and attaches it to every report version in
    /// `new.report_ids`, all or nothing. Report versions not yet frozen are frozen at
    /// `new.signed_at` in the same transaction: from now on their bytes are final.
    ///
    /// Refused ([`StoreError::Invalid`]): an assistant signature covering other than exactly one
    /// report, an empty list, a provider signature for a version without its assistant's
    /// signature, a superseded version, a completion data that is not JSON.
    /// [`StoreError::AlreadyExists`]: the version already has this role's signature, or the
    /// order was stored before. [`StoreError::NotFound`]: no such report version.
    pub fn save_signature(&self, new: &NewSignature<'_>) -> Result<SignatureId> {
        match (new.role, new.report_ids.len()) {
            (_, 0) => {
                return Err(StoreError::invalid(
                    "en underskrift måste gälla minst en rapportversion",
                ));
            }
            (SignerRole::Assistant, n) if n > 1 => {
                return Err(StoreError::invalid(
                    "en assistents underskrift gäller exakt en rapportversion",
                ));
            }
            _ => {}
        }
        if serde_json::from_str::<serde_json::Value>(new.completion_data_json).is_err() {
            return Err(StoreError::invalid("completionData är inte giltig JSON"));
        }
        let guard = WriteGuard::begin(&self.conn)?;
        for &report_id in new.report_ids {
            let version =
                self.report_version_by_id(report_id)?
                    .ok_or_else(|| StoreError::NotFound {
                        what: crate::error::texts::WHAT_REPORT_VERSION
                            .with("report_id", report_id.to_string()),
                    })?;
            if version.superseded_by.is_some() {
                return Err(StoreError::invalid(format!(
                    "rapportversionen {report_id} har ersatts av en nyare version; skriv under \
                     den nya versionen"
                )));
            }
            if !version.is_frozen() {
                self.freeze_report_version(report_id, new.signed_at)?;
            }
        }
        self.conn
            .prepare_cached(
                "INSERT INTO signatures (role, order_ref, signer_personnummer, signer_name,
                   signed_on, signed_at, signature, ocsp_response, completion_data,
                   user_visible_data, user_non_visible_data, environment)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                new.role.code(),
                new.order_ref,
                new.signer.digits(),
                new.signer_name,
                new.signed_on.format("%Y-%m-%d").to_string(),
                instant_to_sql(new.signed_at),
                new.signature_base64,
                new.ocsp_response_base64,
                new.completion_data_json,
                new.user_visible_data,
                new.user_non_visible_data,
                new.environment.code(),
            ])
            .map_err(map_signature_error)?;
        let id = SignatureId(self.conn.last_insert_rowid());
        {
            let mut attach = self.conn.prepare_cached(
                "INSERT INTO signed_reports (signature_id, report_id, role, environment)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for &report_id in new.report_ids {
                attach
                    .execute(params![
                        id.0,
                        uuid_to_sql(report_id),
                        new.role.code(),
                        new.environment.code()
                    ])
                    .map_err(map_signature_error)?;
            }
        }
        guard.commit()?;
        Ok(id)
    }

    /// The signatures attached to a report version in every environment (by environment:
    /// demo, test, prod; assistant first), each with the list of every version it covers.
    pub fn signatures_for_report(&self, report_id: Uuid) -> Result<Vec<StoredSignature>> {
        self.signatures_where(report_id, None)
    }

    /// The signatures attached to a report version in one BankID environment (assistant
    /// first): what counts there, and the only ones that may be sent to FK's service of the
    /// same environment.
    pub fn signatures_for_report_in(
        &self,
        report_id: Uuid,
        environment: SignatureEnvironment,
    ) -> Result<Vec<StoredSignature>> {
        self.signatures_where(report_id, Some(environment))
    }

    fn signatures_where(
        &self,
        report_id: Uuid,
        environment: Option<SignatureEnvironment>,
    ) -> Result<Vec<StoredSignature>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_SIGNATURES} WHERE sr.report_id = ?1 AND (?2 IS NULL OR sr.environment = ?2)
             ORDER BY CASE sr.environment WHEN 'demo' THEN 0 WHEN 'test' THEN 1 ELSE 2 END,
                      CASE s.role WHEN 'assistant' THEN 0 ELSE 1 END"
        ))?;
        let mut rows = stmt.query(params![
            uuid_to_sql(report_id),
            environment.map(SignatureEnvironment::code)
        ])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(signature_from_row(row)?);
        }
        drop(rows);
        for signature in &mut out {
            signature.covers = self.reports_covered_by(signature.id)?;
        }
        Ok(out)
    }

    /// The report versions a signature is attached to, in report id order.
    pub fn reports_covered_by(&self, signature: SignatureId) -> Result<Vec<Uuid>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT report_id FROM signed_reports WHERE signature_id = ?1 ORDER BY report_id",
        )?;
        let mut rows = stmt.query([signature.0])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(uuid_from_sql(
                text(row, 0, "signed_reports.report_id")?,
                "signed_reports.report_id",
            )?);
        }
        Ok(out)
    }

    /// How far a report version has come in signing in one BankID environment (signatures of
    /// other environments do not count). [`StoreError::NotFound`] if there is no such version.
    pub fn report_signing_state(
        &self,
        report_id: Uuid,
        environment: SignatureEnvironment,
    ) -> Result<SigningState> {
        let exists: Option<i64> = self
            .conn
            .prepare_cached("SELECT 1 FROM report_versions WHERE report_id = ?1")?
            .query_row([uuid_to_sql(report_id)], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                what: crate::error::texts::WHAT_REPORT_VERSION
                    .with("report_id", report_id.to_string()),
            });
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT role FROM signed_reports WHERE report_id = ?1 AND environment = ?2",
        )?;
        let mut rows = stmt.query([uuid_to_sql(report_id), environment.code().to_owned()])?;
        let (mut assistant, mut provider) = (false, false);
        while let Some(row) = rows.next()? {
            match SignerRole::from_code(
                text(row, 0, "signed_reports.role")?,
                "signed_reports.role",
            )? {
                SignerRole::Assistant => assistant = true,
                SignerRole::Provider => provider = true,
            }
        }
        Ok(match (assistant, provider) {
            (true, true) => SigningState::FullySigned,
            (true, false) => SigningState::AssistantSigned,
            // A provider signature without the assistant's cannot be stored (trigger).
            _ => SigningState::Unsigned,
        })
    }
}
