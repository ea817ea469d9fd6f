//! The outbox: the `submissions` and `submission_attempts` tables, a durable queue of report
//! versions on their way to Försäkringskassan.
//!
//! States of a submission:
//!
//! ```text
//! queued ──▶ sending ──▶ accepted (tx-id)
//!   ▲           │──────▶ rejected (FK's fault, message verbatim; never resent unchanged)
//!   │           │──────▶ failed_will_retry (FK certainly did not get it) ──▶ sending …
//!   │           │──────▶ failed_final (settings the user must fix; nothing was sent)
//!   │           └──────▶ uncertain (may have reached FK) ──▶ the user decides:
//!   └───────────────────────── resend ◀──┘    accepted (tx-id from FK) | abandoned
//! ```
//!
//! Every transition is its own committed transaction: the row becomes `sending` (and its attempt
//! row is written) *before* the request starts, and the outcome is committed after it. A program
//! that dies in between leaves `sending`, which [`Store::recover_interrupted_submissions`] turns
//! into `uncertain` on the next start — the request may have reached FK, so it is never resent
//! without the user's decision.
//!
//! A report version has at most one *live* submission (queued, sending, will retry, uncertain,
//! accepted or rejected): a partial unique index in the database enforces it. Only
//! `failed_final` and `abandoned` submissions leave room for a new one.
//!
//! Every attempt keeps FK's raw answer (receipt, fault or unexpected body), its HTTP status and
//! tx-id: FK recommends keeping them for tracing.

use std::fmt;
use std::str::FromStr;

use assistid_core::model::ReportMonth;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::convert::{
    instant_from_sql, instant_to_sql, month_from_sql, row_id, text, uuid_from_sql, uuid_to_sql,
};
use crate::error::{Result, StoreError, is_unique_violation};
use crate::schema::Migration;
use crate::store::{Store, WriteGuard};

pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 10,
        sql: "CREATE TABLE submissions (
                id                 INTEGER PRIMARY KEY AUTOINCREMENT,
                report_id          TEXT NOT NULL REFERENCES report_versions (report_id),
                report_version     INTEGER NOT NULL CHECK (report_version >= 1),
                month              TEXT NOT NULL CHECK (length(month) = 7),
                document_sha256    TEXT NOT NULL CHECK (length(document_sha256) = 64),
                environment        TEXT NOT NULL CHECK (environment IN ('demo', 'test', 'prod')),
                state              TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'accepted',
                                     'rejected', 'failed_will_retry', 'uncertain', 'failed_final',
                                     'abandoned')),
                attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at    TEXT,
                last_error_code    TEXT,
                last_error_message TEXT,
                fk_message         TEXT,
                tx_id              TEXT,
                created_at         TEXT NOT NULL,
                updated_at         TEXT NOT NULL,
                CHECK (state <> 'accepted' OR tx_id IS NOT NULL)
              ) STRICT;
              CREATE INDEX submissions_by_month ON submissions (month);
              -- Never two live submissions for one report version.
              CREATE UNIQUE INDEX submissions_one_live_per_report ON submissions (report_id)
                WHERE state NOT IN ('failed_final', 'abandoned');",
    },
    Migration {
        version: 11,
        sql: "CREATE TABLE submission_attempts (
                id            INTEGER PRIMARY KEY AUTOINCREMENT,
                submission_id INTEGER NOT NULL REFERENCES submissions (id),
                attempt       INTEGER NOT NULL CHECK (attempt >= 1),
                started_at    TEXT NOT NULL,
                finished_at   TEXT,
                outcome       TEXT NOT NULL CHECK (outcome IN ('in_flight', 'accepted', 'rejected',
                                'transient', 'uncertain', 'configuration', 'interrupted')),
                http_status   INTEGER,
                answer        BLOB,
                tx_id         TEXT,
                error_code    TEXT,
                UNIQUE (submission_id, attempt)
              ) STRICT;
              CREATE TRIGGER submission_attempts_never_deleted
              BEFORE DELETE ON submission_attempts
              BEGIN
                SELECT RAISE(ABORT, 'submission_attempt_kept: attempts and FK answers are kept');
              END;
              CREATE TRIGGER submissions_never_deleted
              BEFORE DELETE ON submissions
              BEGIN
                SELECT RAISE(ABORT, 'submission_kept: submissions are kept');
              END;",
    },
    Migration {
        version: 14,
        // What FK answered can no longer be rewritten (issue 18): an accepted or rejected
        // submission (its state, tx-id and FK's message) and an attempt whose outcome is
        // recorded (its raw answer, status and tx-id) never change. The outbox's own
        // transitions all start from a state that is not final (queued, sending, will retry,
        // uncertain; an attempt in flight), so none of them is refused; uncertain → accepted is
        // the user's decision and stays possible. failed_final and abandoned are final too:
        // nothing changes them, and a new submission takes their place.
        sql: "CREATE TRIGGER submissions_final_never_updated
              BEFORE UPDATE ON submissions
              WHEN OLD.state IN ('accepted', 'rejected', 'failed_final', 'abandoned')
              BEGIN
                SELECT RAISE(ABORT, 'submission_final: a final submission and FK''s answer are kept as they are');
              END;
              CREATE TRIGGER submissions_identity_never_updated
              BEFORE UPDATE OF id, report_id, report_version, month, document_sha256, environment,
                created_at ON submissions
              WHEN NEW.id IS NOT OLD.id OR NEW.report_id IS NOT OLD.report_id
                OR NEW.report_version IS NOT OLD.report_version OR NEW.month IS NOT OLD.month
                OR NEW.document_sha256 IS NOT OLD.document_sha256
                OR NEW.environment IS NOT OLD.environment OR NEW.created_at IS NOT OLD.created_at
              BEGIN
                SELECT RAISE(ABORT, 'submission_final: what a submission sends never changes');
              END;
              -- INSERT OR REPLACE would delete the old row without firing the delete trigger.
              CREATE TRIGGER submissions_never_replaced
              BEFORE INSERT ON submissions
              WHEN EXISTS (SELECT 1 FROM submissions WHERE id = NEW.id)
              BEGIN
                SELECT RAISE(ABORT, 'submission_kept: submissions are never replaced');
              END;
              CREATE TRIGGER submission_attempts_recorded_never_updated
              BEFORE UPDATE ON submission_attempts
              WHEN OLD.outcome <> 'in_flight'
              BEGIN
                SELECT RAISE(ABORT, 'submission_attempt_kept: a recorded attempt and FK''s answer are kept as they are');
              END;
              CREATE TRIGGER submission_attempts_identity_never_updated
              BEFORE UPDATE OF id, submission_id, attempt, started_at ON submission_attempts
              WHEN NEW.id IS NOT OLD.id OR NEW.submission_id IS NOT OLD.submission_id
                OR NEW.attempt IS NOT OLD.attempt OR NEW.started_at IS NOT OLD.started_at
              BEGIN
                SELECT RAISE(ABORT, 'submission_attempt_kept: an attempt stays the attempt it was');
              END;
              CREATE TRIGGER submission_attempts_never_replaced
              BEFORE INSERT ON submission_attempts
              WHEN EXISTS (SELECT 1 FROM submission_attempts
                           WHERE id = NEW.id
                              OR (submission_id = NEW.submission_id AND attempt = NEW.attempt))
              BEGIN
                SELECT RAISE(ABORT, 'submission_attempt_kept: attempts are never replaced');
              END;",
    },
    Migration {
        version: 16,
        // Issue 14: one live submission per report version *and environment*. FK's test
        // service accepting a report never counts in production: a folder that moves from
        // test to prod still has every report to send there.
        sql: "DROP INDEX submissions_one_live_per_report;
              CREATE UNIQUE INDEX submissions_one_live_per_report_and_environment
                ON submissions (report_id, environment)
                WHERE state NOT IN ('failed_final', 'abandoned');",
    },
    Migration {
        version: 17,
        // One sender per data folder (issue 15). `sent_at`: the moment the request left, written
        // while the sender still holds the folder's turn, so pacing across programs counts from
        // the real start, read from the database before every send. And a late answer is kept:
        // an attempt recovered as `interrupted` (no answer recorded) may still get FK's answer,
        // once; every other recorded attempt stays as it is.
        sql: "ALTER TABLE submission_attempts ADD COLUMN sent_at TEXT;
              DROP TRIGGER submission_attempts_recorded_never_updated;
              CREATE TRIGGER submission_attempts_recorded_never_updated
              BEFORE UPDATE ON submission_attempts
              WHEN OLD.outcome <> 'in_flight'
                AND NOT (OLD.outcome = 'interrupted' AND OLD.answer IS NULL
                         AND OLD.http_status IS NULL AND OLD.tx_id IS NULL
                         AND NEW.outcome NOT IN ('in_flight', 'interrupted'))
              BEGIN
                SELECT RAISE(ABORT, 'submission_attempt_kept: a recorded attempt and FK''s answer are kept as they are');
              END;",
    },
    Migration {
        version: 20,
        // English mode (issue 21): a failure's message as its stable code and parameters
        // (JSON `{"code": …, "params": {…}}`, the parameters as the message's Swedish
        // rendering gives them), beside the Swedish `last_error_message`, which stays what it
        // was — the receipt's and old rows' text. Old rows have none and show their Swedish text.
        sql: "ALTER TABLE submissions ADD COLUMN last_error_text TEXT;",
    },
];

row_id!(
    /// A submission's row id (shown to the user: `assistid submissions resolve ID`).
    SubmissionId
);

/// What the outbox knows about the last request to FK ([`Store::last_request`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LastRequest {
    /// The last request left for FK at this instant (or, when its departure was not noted,
    /// ended then: its answer came, or it was recovered after a crash — after it reached FK).
    Ended(DateTime<Utc>),
    /// A request is in flight and its departure is not noted yet (it is about to leave, or a
    /// crash has not been recovered yet): it may reach FK any moment.
    InFlight,
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubmissionState {
    /// Waiting to be sent.
    Queued,
    /// A request is (or was, if the program died) on its way.
    Sending,
    /// FK answered with a tx-id.
    Accepted,
    /// FK refused it with one of its faults; never resent unchanged.
    Rejected,
    /// FK certainly did not get it; it is sent again at `next_attempt_at`.
    FailedWillRetry,
    /// It may have reached FK but no usable answer came; the user decides.
    Uncertain,
    /// Nothing was sent and nothing will be until the user fixes the settings.
    FailedFinal,
    /// The user decided not to send it (after an uncertain attempt).
    Abandoned,
}

impl SubmissionState {
    /// Every state.
    pub const ALL: [SubmissionState; 8] = [
        SubmissionState::Queued,
        SubmissionState::Sending,
        SubmissionState::Accepted,
        SubmissionState::Rejected,
        SubmissionState::FailedWillRetry,
        SubmissionState::Uncertain,
        SubmissionState::FailedFinal,
        SubmissionState::Abandoned,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            SubmissionState::Queued => "queued",
            SubmissionState::Sending => "sending",
            SubmissionState::Accepted => "accepted",
            SubmissionState::Rejected => "rejected",
            SubmissionState::FailedWillRetry => "failed_will_retry",
            SubmissionState::Uncertain => "uncertain",
            SubmissionState::FailedFinal => "failed_final",
            SubmissionState::Abandoned => "abandoned",
        }
    }

    /// Swedish label for people.
    pub fn label_sv(self) -> &'static str {
        match self {
            SubmissionState::Queued => "i kö",
            SubmissionState::Sending => "skickas",
            SubmissionState::Accepted => "mottagen",
            SubmissionState::Rejected => "avvisad",
            SubmissionState::FailedWillRetry => "nytt försök väntar",
            SubmissionState::Uncertain => "oklart om mottagen",
            SubmissionState::FailedFinal => "stoppad (inställningar)",
            SubmissionState::Abandoned => "avbruten",
        }
    }

    /// True while the submission blocks another one for the same report version.
    pub fn is_live(self) -> bool {
        !matches!(
            self,
            SubmissionState::FailedFinal | SubmissionState::Abandoned
        )
    }
}

impl fmt::Display for SubmissionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for SubmissionState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        SubmissionState::ALL
            .into_iter()
            .find(|state| state.code() == s)
            .ok_or(StoreError::BadStoredValue {
                column: "submissions.state",
            })
    }
}

/// What one attempt ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// The request is on its way (or the program died while it was).
    InFlight,
    /// FK answered with a tx-id.
    Accepted,
    /// FK answered with one of its faults.
    Rejected,
    /// FK certainly did not get it (no connection, TLS refused, HTTP 503).
    Transient,
    /// It may have reached FK (timeout, broken connection, unexpected answer).
    Uncertain,
    /// Settings problem; nothing was sent.
    Configuration,
    /// The program stopped while the request was on its way.
    Interrupted,
}

impl AttemptOutcome {
    const ALL: [AttemptOutcome; 7] = [
        AttemptOutcome::InFlight,
        AttemptOutcome::Accepted,
        AttemptOutcome::Rejected,
        AttemptOutcome::Transient,
        AttemptOutcome::Uncertain,
        AttemptOutcome::Configuration,
        AttemptOutcome::Interrupted,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            AttemptOutcome::InFlight => "in_flight",
            AttemptOutcome::Accepted => "accepted",
            AttemptOutcome::Rejected => "rejected",
            AttemptOutcome::Transient => "transient",
            AttemptOutcome::Uncertain => "uncertain",
            AttemptOutcome::Configuration => "configuration",
            AttemptOutcome::Interrupted => "interrupted",
        }
    }

    /// The submission state an attempt with this outcome leads to.
    pub fn next_state(self) -> SubmissionState {
        match self {
            AttemptOutcome::InFlight => SubmissionState::Sending,
            AttemptOutcome::Accepted => SubmissionState::Accepted,
            AttemptOutcome::Rejected => SubmissionState::Rejected,
            AttemptOutcome::Transient => SubmissionState::FailedWillRetry,
            AttemptOutcome::Uncertain | AttemptOutcome::Interrupted => SubmissionState::Uncertain,
            AttemptOutcome::Configuration => SubmissionState::FailedFinal,
        }
    }
}

impl fmt::Display for AttemptOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for AttemptOutcome {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        AttemptOutcome::ALL
            .into_iter()
            .find(|o| o.code() == s)
            .ok_or(StoreError::BadStoredValue {
                column: "submission_attempts.outcome",
            })
    }
}

/// A stored submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The row id.
    pub id: SubmissionId,
    /// The report version sent.
    pub report_id: Uuid,
    /// Its version number.
    pub report_version: u32,
    /// Its month.
    pub month: ReportMonth,
    /// Lowercase hex SHA-256 of the exact document bytes that are sent.
    pub document_sha256: String,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// Where it stands.
    pub state: SubmissionState,
    /// How many requests were started.
    pub attempts: u32,
    /// When the next automatic attempt is due (`failed_will_retry`).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The last error's stable code.
    pub last_error_code: Option<String>,
    /// The last error's message for the user (Swedish; never a personnummer).
    pub last_error_message: Option<String>,
    /// FK's fault message, verbatim (rejections).
    pub fk_message: Option<String>,
    /// The last error's message as its stable code and parameters (see [`StoredText`]), to
    /// show it in the UI's language; `None` for rows stored before it was kept, which show
    /// `last_error_message`.
    pub last_error_text: Option<StoredText>,
    /// FK's tx-id once accepted.
    pub tx_id: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One request as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SubmissionAttempt {
    /// The submission.
    pub submission_id: SubmissionId,
    /// 1, 2, … within the submission.
    pub attempt: u32,
    /// When the request was started (committed before it started).
    pub started_at: DateTime<Utc>,
    /// When the request left for FK ([`Store::mark_attempt_sent`]); `None` when it never
    /// left, or the program stopped before noting it.
    pub sent_at: Option<DateTime<Utc>>,
    /// When its outcome was committed.
    pub finished_at: Option<DateTime<Utc>>,
    /// What it ended in.
    pub outcome: AttemptOutcome,
    /// The HTTP status, when an answer came.
    pub http_status: Option<u16>,
    /// FK's raw answer, when one came.
    pub answer: Option<Vec<u8>>,
    /// The tx-id, when accepted.
    pub tx_id: Option<String>,
    /// The error's stable code.
    pub error_code: Option<String>,
}

/// `Debug` shows the answer's length only: FK's faults may quote report values.
impl fmt::Debug for SubmissionAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubmissionAttempt")
            .field("submission_id", &self.submission_id)
            .field("attempt", &self.attempt)
            .field("started_at", &self.started_at)
            .field("sent_at", &self.sent_at)
            .field("finished_at", &self.finished_at)
            .field("outcome", &self.outcome)
            .field("http_status", &self.http_status)
            .field("answer_len", &self.answer.as_ref().map(Vec::len))
            .field("tx_id", &self.tx_id)
            .field("error_code", &self.error_code)
            .finish()
    }
}

/// A message for people as the outbox keeps it: the stable code of its template and its
/// parameters by name, as `assistid_core::text::Text::params_flat` gives them in Swedish (a
/// parameter that is a message of its own also gives `name@code` and `name@…`). The app
/// renders it again in the UI's language from its catalogs; the Swedish text is kept beside it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct StoredText {
    /// The template's stable code, e.g. `elt_answer_timeout`.
    pub code: String,
    /// The parameters by name.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, String>,
}

impl StoredText {
    fn to_sql(text: Option<&StoredText>) -> Option<String> {
        text.and_then(|t| serde_json::to_string(t).ok())
    }

    fn from_sql(value: Option<String>) -> Result<Option<StoredText>> {
        value
            .map(|v| {
                serde_json::from_str(&v).map_err(|_| StoreError::BadStoredValue {
                    column: "submissions.last_error_text",
                })
            })
            .transpose()
    }
}

/// What an attempt ended in, to commit after the call.
#[derive(Clone, Copy)]
pub struct AttemptResult<'a> {
    /// When the outcome is committed.
    pub finished_at: DateTime<Utc>,
    /// The outcome; it decides the submission's next state ([`AttemptOutcome::next_state`]).
    pub outcome: AttemptOutcome,
    /// The HTTP status, when an answer came.
    pub http_status: Option<u16>,
    /// FK's raw answer, when one came.
    pub answer: Option<&'a [u8]>,
    /// FK's tx-id (required for [`AttemptOutcome::Accepted`]).
    pub tx_id: Option<&'a str>,
    /// The error's stable code.
    pub error_code: Option<&'a str>,
    /// The error's message for the user.
    pub error_message: Option<&'a str>,
    /// The same message as its stable code and parameters (see [`StoredText`]).
    pub error_text: Option<&'a StoredText>,
    /// FK's fault message, verbatim.
    pub fk_message: Option<&'a str>,
    /// When to try again ([`AttemptOutcome::Transient`] only).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for AttemptResult<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptResult")
            .field("outcome", &self.outcome)
            .field("http_status", &self.http_status)
            .field("answer_len", &self.answer.map(<[u8]>::len))
            .field("error_code", &self.error_code)
            .finish_non_exhaustive()
    }
}

/// The user's decision on an uncertain submission.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resolution {
    /// Send it again (back to `queued`).
    Resend,
    /// FK confirmed it got it, with this tx-id.
    MarkAccepted {
        /// The tx-id FK gave.
        tx_id: String,
    },
    /// Do not send it.
    Abandon,
}

const SELECT_SUBMISSIONS: &str = "SELECT id, report_id, report_version, month, document_sha256,
       environment, state, attempts, next_attempt_at, last_error_code, last_error_message,
       fk_message, tx_id, created_at, updated_at, last_error_text
     FROM submissions";

fn opt_instant(row: &Row<'_>, idx: usize, column: &'static str) -> Result<Option<DateTime<Utc>>> {
    row.get::<_, Option<String>>(idx)?
        .map(|t| instant_from_sql(&t, column))
        .transpose()
}

fn count(value: i64, column: &'static str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::BadStoredValue { column })
}

fn submission_from_row(row: &Row<'_>) -> Result<Submission> {
    Ok(Submission {
        id: SubmissionId(row.get(0)?),
        report_id: uuid_from_sql(
            text(row, 1, "submissions.report_id")?,
            "submissions.report_id",
        )?,
        report_version: count(row.get(2)?, "submissions.report_version")?,
        month: month_from_sql(text(row, 3, "submissions.month")?, "submissions.month")?,
        document_sha256: row.get(4)?,
        environment: row.get(5)?,
        state: text(row, 6, "submissions.state")?.parse()?,
        attempts: count(row.get(7)?, "submissions.attempts")?,
        next_attempt_at: opt_instant(row, 8, "submissions.next_attempt_at")?,
        last_error_code: row.get(9)?,
        last_error_message: row.get(10)?,
        fk_message: row.get(11)?,
        last_error_text: StoredText::from_sql(row.get(15)?)?,
        tx_id: row.get(12)?,
        created_at: instant_from_sql(
            text(row, 13, "submissions.created_at")?,
            "submissions.created_at",
        )?,
        updated_at: instant_from_sql(
            text(row, 14, "submissions.updated_at")?,
            "submissions.updated_at",
        )?,
    })
}

fn attempt_from_row(row: &Row<'_>) -> Result<SubmissionAttempt> {
    Ok(SubmissionAttempt {
        submission_id: SubmissionId(row.get(0)?),
        attempt: count(row.get(1)?, "submission_attempts.attempt")?,
        started_at: instant_from_sql(
            text(row, 2, "submission_attempts.started_at")?,
            "submission_attempts.started_at",
        )?,
        finished_at: opt_instant(row, 3, "submission_attempts.finished_at")?,
        outcome: text(row, 4, "submission_attempts.outcome")?.parse()?,
        http_status: row
            .get::<_, Option<i64>>(5)?
            .map(|s| {
                u16::try_from(s).map_err(|_| StoreError::BadStoredValue {
                    column: "submission_attempts.http_status",
                })
            })
            .transpose()?,
        answer: row.get(6)?,
        tx_id: row.get(7)?,
        error_code: row.get(8)?,
        sent_at: opt_instant(row, 9, "submission_attempts.sent_at")?,
    })
}

fn wrong_state(id: SubmissionId, found: SubmissionState, wanted: &str) -> StoreError {
    StoreError::invalid(format!(
        "inskickning {id} är {} ({found}); det här går bara när den är {wanted}",
        found.label_sv()
    ))
}

impl Store {
    /// Queues the report version `report_id` for `environment` at `at`. The document's SHA-256
    /// is computed here from the stored bytes.
    ///
    /// Errors: [`StoreError::NotFound`] for an unknown version; [`StoreError::AlreadyExists`]
    /// when the version already has a live submission (queued, sending, will retry, uncertain,
    /// accepted or rejected); [`StoreError::Invalid`] for an unknown environment.
    pub fn enqueue_submission(
        &self,
        report_id: Uuid,
        environment: &str,
        at: DateTime<Utc>,
    ) -> Result<Submission> {
        if !matches!(environment, "demo" | "test" | "prod") {
            return Err(StoreError::invalid(format!(
                "okänd miljö {environment:?}; välj demo, test eller prod"
            )));
        }
        let version =
            self.report_version_by_id(report_id)?
                .ok_or_else(|| StoreError::NotFound {
                    what: crate::error::texts::WHAT_REPORT_VERSION
                        .with("report_id", report_id.to_string()),
                })?;
        let sha256 = hex::encode(Sha256::digest(&version.document));
        let at_text = instant_to_sql(at);
        self.conn
            .prepare_cached(
                "INSERT INTO submissions (report_id, report_version, month, document_sha256,
                   environment, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?6)",
            )?
            .execute(params![
                uuid_to_sql(report_id),
                version.version,
                version.month.to_string(),
                sha256,
                environment,
                at_text
            ])
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::AlreadyExists {
                        what: crate::error::texts::WHAT_ACTIVE_SUBMISSION.text(),
                    }
                } else {
                    e.into()
                }
            })?;
        let id = SubmissionId(self.conn.last_insert_rowid());
        self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })
    }

    /// The submission with this id.
    pub fn submission(&self, id: SubmissionId) -> Result<Option<Submission>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT_SUBMISSIONS} WHERE id = ?1"))?;
        let mut rows = stmt.query([id.0])?;
        rows.next()?.map(submission_from_row).transpose()
    }

    fn submissions_where(&self, clause: &str, param: Option<String>) -> Result<Vec<Submission>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT_SUBMISSIONS} {clause} ORDER BY id"))?;
        let mut rows = match param {
            Some(p) => stmt.query([p])?,
            None => stmt.query([])?,
        };
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(submission_from_row(row)?);
        }
        Ok(out)
    }

    /// Every submission, oldest first.
    pub fn all_submissions(&self) -> Result<Vec<Submission>> {
        self.submissions_where("", None)
    }

    /// The submissions of a month, oldest first.
    pub fn submissions_in_month(&self, month: ReportMonth) -> Result<Vec<Submission>> {
        self.submissions_where("WHERE month = ?1", Some(month.to_string()))
    }

    /// Every submission of a report version, oldest first.
    pub fn submissions_for_report(&self, report_id: Uuid) -> Result<Vec<Submission>> {
        self.submissions_where("WHERE report_id = ?1", Some(uuid_to_sql(report_id)))
    }

    /// A live submission of a report version in any environment, if any (see
    /// [`SubmissionState::is_live`]); [`Store::live_submission_for_report_in`] for one
    /// environment.
    pub fn live_submission_for_report(&self, report_id: Uuid) -> Result<Option<Submission>> {
        Ok(self
            .submissions_for_report(report_id)?
            .into_iter()
            .find(|s| s.state.is_live()))
    }

    /// The live submission of a report version to FK's `environment` (`demo`, `test` or
    /// `prod`), if any. A submission to another environment never counts here.
    pub fn live_submission_for_report_in(
        &self,
        report_id: Uuid,
        environment: &str,
    ) -> Result<Option<Submission>> {
        Ok(self
            .submissions_for_report(report_id)?
            .into_iter()
            .find(|s| s.state.is_live() && s.environment == environment))
    }

    /// Submissions that may be sent at `at`: queued ones and retries that are due, oldest first.
    pub fn due_submissions(&self, at: DateTime<Utc>) -> Result<Vec<Submission>> {
        self.submissions_where(
            "WHERE state = 'queued' OR (state = 'failed_will_retry' AND next_attempt_at <= ?1)",
            Some(instant_to_sql(at)),
        )
    }

    /// The attempts of a submission, in order.
    pub fn submission_attempts(&self, id: SubmissionId) -> Result<Vec<SubmissionAttempt>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT submission_id, attempt, started_at, finished_at, outcome, http_status,
               answer, tx_id, error_code, sent_at
             FROM submission_attempts WHERE submission_id = ?1 ORDER BY attempt",
        )?;
        let mut rows = stmt.query([id.0])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(attempt_from_row(row)?);
        }
        Ok(out)
    }

    /// Marks the submission `sending` and writes its new attempt row, committed before the
    /// request starts. Returns the attempt number.
    ///
    /// Only a `queued` or `failed_will_retry` submission can be sent ([`StoreError::Invalid`]
    /// otherwise): an uncertain, rejected or accepted one never goes out again by itself.
    pub fn begin_submission_attempt(
        &self,
        id: SubmissionId,
        started_at: DateTime<Utc>,
    ) -> Result<u32> {
        let guard = WriteGuard::begin(&self.conn)?;
        let current = self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })?;
        if !matches!(
            current.state,
            SubmissionState::Queued | SubmissionState::FailedWillRetry
        ) {
            return Err(wrong_state(
                id,
                current.state,
                "i kö eller väntar på nytt försök",
            ));
        }
        let attempt = current.attempts + 1;
        let at = instant_to_sql(started_at);
        self.conn
            .prepare_cached(
                "UPDATE submissions SET state = 'sending', attempts = ?2, next_attempt_at = NULL,
                   updated_at = ?3
                 WHERE id = ?1 AND state IN ('queued', 'failed_will_retry')",
            )?
            .execute(params![id.0, attempt, at])?;
        self.conn
            .prepare_cached(
                "INSERT INTO submission_attempts (submission_id, attempt, started_at, outcome)
                 VALUES (?1, ?2, ?3, 'in_flight')",
            )?
            .execute(params![id.0, attempt, at])?;
        guard.commit()?;
        Ok(attempt)
    }

    /// Commits what attempt `attempt` of a submission ended in: the attempt row gets the raw
    /// answer, and the submission its next state.
    ///
    /// A **late answer** is kept too: when the submission is no longer `sending` with this
    /// attempt (another program recovered it as uncertain meanwhile, or the user already
    /// decided), the answer is still stored in the attempt row (in flight, or recovered as
    /// `interrupted` with nothing recorded yet), and FK's receipt makes the submission
    /// `accepted` with its tx-id unless it is already final; a rejection makes an uncertain
    /// submission `rejected`. Anything else leaves the submission as it is. See
    /// [`Store::is_late_answer`] to tell the cases apart beforehand.
    ///
    /// [`StoreError::Invalid`] when the attempt already has an answer recorded, or an
    /// acceptance comes without a tx-id.
    pub fn finish_submission_attempt(
        &self,
        id: SubmissionId,
        attempt: u32,
        result: &AttemptResult<'_>,
    ) -> Result<Submission> {
        if result.outcome == AttemptOutcome::InFlight {
            return Err(StoreError::invalid(
                "ett avslutat försök kan inte vara pågående",
            ));
        }
        if result.outcome == AttemptOutcome::Accepted && result.tx_id.is_none() {
            return Err(StoreError::invalid(
                "ett mottaget försök måste ha ett tx-id",
            ));
        }
        let guard = WriteGuard::begin(&self.conn)?;
        let current = self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })?;
        if current.state != SubmissionState::Sending || current.attempts != attempt {
            let saved = self.record_late_answer(&current, attempt, result)?;
            guard.commit()?;
            return Ok(saved);
        }
        let at = instant_to_sql(result.finished_at);
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE submission_attempts SET finished_at = ?3, outcome = ?4, http_status = ?5,
                   answer = ?6, tx_id = ?7, error_code = ?8
                 WHERE submission_id = ?1 AND attempt = ?2 AND outcome = 'in_flight'",
            )?
            .execute(params![
                id.0,
                attempt,
                at,
                result.outcome.code(),
                result.http_status,
                result.answer,
                result.tx_id,
                result.error_code,
            ])?;
        if changed != 1 {
            return Err(StoreError::invalid(format!(
                "försök {attempt} av inskickning {id} är inte pågående"
            )));
        }
        let next = result.outcome.next_state();
        let next_attempt_at = match next {
            SubmissionState::FailedWillRetry => result.next_attempt_at.map(instant_to_sql),
            _ => None,
        };
        self.conn
            .prepare_cached(
                "UPDATE submissions SET state = ?2, next_attempt_at = ?3, last_error_code = ?4,
                   last_error_message = ?5, fk_message = ?6, tx_id = ?7, updated_at = ?8,
                   last_error_text = ?9
                 WHERE id = ?1",
            )?
            .execute(params![
                id.0,
                next.code(),
                next_attempt_at,
                result.error_code,
                result.error_message,
                result.fk_message,
                result.tx_id,
                at,
                StoredText::to_sql(result.error_text),
            ])?;
        let saved = self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })?;
        guard.commit()?;
        Ok(saved)
    }

    /// Whether an answer for attempt `attempt` would be a late one ([`Store::finish_submission_attempt`]):
    /// the submission is no longer `sending` with this attempt in flight.
    pub fn is_late_answer(&self, id: SubmissionId, attempt: u32) -> Result<bool> {
        let current = self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })?;
        Ok(current.state != SubmissionState::Sending || current.attempts != attempt)
    }

    /// The late path of [`Store::finish_submission_attempt`], inside its transaction.
    fn record_late_answer(
        &self,
        current: &Submission,
        attempt: u32,
        result: &AttemptResult<'_>,
    ) -> Result<Submission> {
        let id = current.id;
        let at = instant_to_sql(result.finished_at);
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE submission_attempts SET finished_at = ?3, outcome = ?4, http_status = ?5,
                   answer = ?6, tx_id = ?7, error_code = ?8
                 WHERE submission_id = ?1 AND attempt = ?2
                   AND (outcome = 'in_flight'
                        OR (outcome = 'interrupted' AND answer IS NULL AND http_status IS NULL
                            AND tx_id IS NULL))",
            )?
            .execute(params![
                id.0,
                attempt,
                at,
                result.outcome.code(),
                result.http_status,
                result.answer,
                result.tx_id,
                result.error_code,
            ])?;
        if changed != 1 {
            return Err(StoreError::invalid(format!(
                "försök {attempt} av inskickning {id} har redan ett svar sparat"
            )));
        }
        let accepts = result.outcome == AttemptOutcome::Accepted
            && matches!(
                current.state,
                SubmissionState::Uncertain
                    | SubmissionState::Queued
                    | SubmissionState::FailedWillRetry
                    | SubmissionState::Sending
            );
        let rejects = result.outcome == AttemptOutcome::Rejected
            && current.state == SubmissionState::Uncertain;
        if accepts || rejects {
            let next = result.outcome.next_state();
            self.conn
                .prepare_cached(
                    "UPDATE submissions SET state = ?2, next_attempt_at = NULL,
                       last_error_code = ?3, last_error_message = ?4, fk_message = ?5,
                       tx_id = ?6, updated_at = ?7, last_error_text = ?8
                     WHERE id = ?1",
                )?
                .execute(params![
                    id.0,
                    next.code(),
                    result.error_code,
                    result.error_message,
                    result.fk_message,
                    result.tx_id,
                    at,
                    StoredText::to_sql(result.error_text),
                ])?;
        }
        self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })
    }

    /// Notes that attempt `attempt` of submission `id` left for FK at `at` (the request was
    /// handed to the operating system). Pacing across programs counts from this moment
    /// ([`Store::last_request`]). Does nothing when the attempt already has an outcome.
    pub fn mark_attempt_sent(
        &self,
        id: SubmissionId,
        attempt: u32,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE submission_attempts SET sent_at = ?3
                 WHERE submission_id = ?1 AND attempt = ?2 AND outcome = 'in_flight'
                   AND sent_at IS NULL",
            )?
            .execute(params![id.0, attempt, instant_to_sql(at)])?;
        Ok(())
    }

    /// Stops a `queued` or `failed_will_retry` submission before anything is sent (the
    /// last check found a problem the user must fix): it becomes `failed_final` with the code
    /// and message (the Swedish text and, when the caller has it, its code and parameters).
    /// Nothing was sent, so no attempt row is written.
    pub fn fail_submission_before_sending(
        &self,
        id: SubmissionId,
        error_code: &str,
        (error_message, error_text): (&str, Option<&StoredText>),
        at: DateTime<Utc>,
    ) -> Result<Submission> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE submissions SET state = 'failed_final', next_attempt_at = NULL,
                   last_error_code = ?2, last_error_message = ?3, updated_at = ?4,
                   last_error_text = ?5
                 WHERE id = ?1 AND state IN ('queued', 'failed_will_retry')",
            )?
            .execute(params![
                id.0,
                error_code,
                error_message,
                instant_to_sql(at),
                StoredText::to_sql(error_text)
            ])?;
        let current = self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })?;
        if changed != 1 {
            return Err(wrong_state(
                id,
                current.state,
                "i kö eller väntar på nytt försök",
            ));
        }
        Ok(current)
    }

    /// After a crash: every submission still `sending` becomes `uncertain` (its request may
    /// have reached FK) and its in-flight attempt `interrupted`. Returns the ids changed.
    ///
    /// Call it only while holding the data folder's [`crate::SenderLock`]: then no live
    /// process is sending, and every `sending` row was left by one that died. (Should a
    /// sender's row be recovered all the same, its answer is still kept when it comes:
    /// [`Store::finish_submission_attempt`].)
    pub fn recover_interrupted_submissions(&self, at: DateTime<Utc>) -> Result<Vec<SubmissionId>> {
        let guard = WriteGuard::begin(&self.conn)?;
        let ids: Vec<SubmissionId> = self
            .submissions_where("WHERE state = 'sending'", None)?
            .into_iter()
            .map(|s| s.id)
            .collect();
        let at = instant_to_sql(at);
        for id in &ids {
            self.conn
                .prepare_cached(
                    "UPDATE submission_attempts SET outcome = 'interrupted', finished_at = ?2,
                       error_code = 'interrupted'
                     WHERE submission_id = ?1 AND outcome = 'in_flight'",
                )?
                .execute(params![id.0, at])?;
            self.conn
                .prepare_cached(
                    "UPDATE submissions SET state = 'uncertain', last_error_code = 'interrupted',
                       last_error_message = ?2, updated_at = ?3, last_error_text = ?4
                     WHERE id = ?1 AND state = 'sending'",
                )?
                .execute(params![
                    id.0,
                    crate::error::texts::SUBMISSION_INTERRUPTED.sv,
                    at,
                    StoredText::to_sql(Some(&StoredText {
                        code: crate::error::texts::SUBMISSION_INTERRUPTED.code.to_owned(),
                        params: Default::default(),
                    })),
                ])?;
        }
        guard.commit()?;
        Ok(ids)
    }

    /// Applies the user's decision to an `uncertain` submission ([`StoreError::Invalid`]
    /// otherwise): resend puts it back in the queue, a tx-id marks it accepted, abandon ends it.
    pub fn resolve_submission(
        &self,
        id: SubmissionId,
        resolution: &Resolution,
        at: DateTime<Utc>,
    ) -> Result<Submission> {
        let guard = WriteGuard::begin(&self.conn)?;
        let current = self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })?;
        if current.state != SubmissionState::Uncertain {
            return Err(wrong_state(id, current.state, "oklar (uncertain)"));
        }
        let at = instant_to_sql(at);
        let (state, tx_id) = match resolution {
            Resolution::Resend => (SubmissionState::Queued, None),
            Resolution::MarkAccepted { tx_id } => {
                if tx_id.trim().is_empty() {
                    return Err(StoreError::invalid("ange tx-id från Försäkringskassan"));
                }
                (SubmissionState::Accepted, Some(tx_id.trim().to_owned()))
            }
            Resolution::Abandon => (SubmissionState::Abandoned, None),
        };
        self.conn
            .prepare_cached(
                "UPDATE submissions SET state = ?2, tx_id = ?3, updated_at = ?4
                 WHERE id = ?1 AND state = 'uncertain'",
            )?
            .execute(params![id.0, state.code(), tx_id, at])?;
        let saved = self.submission(id)?.ok_or_else(|| StoreError::NotFound {
            what: crate::error::texts::WHAT_SUBMISSION.with("id", id.to_string()),
        })?;
        guard.commit()?;
        Ok(saved)
    }

    /// The latest moment a request of this data folder left for FK, as far as the outbox
    /// knows: among the most recent attempts, the moment each left ([`Store::mark_attempt_sent`])
    /// or, for one with no such note (it never left, or an older version sent it), the moment
    /// it ended — an answer came back, or a later start recovered it; either is after the
    /// request arrived. [`LastRequest::InFlight`] when an attempt in flight has not noted its
    /// departure yet (it may leave any moment). `None` when no request was ever started.
    ///
    /// Pacing across programs: the sender reads this before every send, holding the data
    /// folder's [`crate::SenderLock`], and keeps FK's interval after it.
    pub fn last_request(&self) -> Result<Option<LastRequest>> {
        // Requests overlap only a few at a time, so the last departure is among the latest
        // starts; instants are compared as instants (the stored texts do not sort as instants:
        // their fractional digits vary in length).
        let mut stmt = self.conn.prepare_cached(
            "SELECT sent_at, finished_at FROM submission_attempts ORDER BY id DESC LIMIT 64",
        )?;
        let mut rows = stmt.query([])?;
        let mut latest: Option<LastRequest> = None;
        while let Some(row) = rows.next()? {
            let sent = row.get::<_, Option<String>>(0)?;
            let end = match sent.or(row.get::<_, Option<String>>(1)?) {
                Some(text) => {
                    LastRequest::Ended(instant_from_sql(&text, "submission_attempts.sent_at")?)
                }
                None => return Ok(Some(LastRequest::InFlight)),
            };
            latest = Some(match (latest, end) {
                (Some(LastRequest::Ended(a)), LastRequest::Ended(b)) => {
                    LastRequest::Ended(a.max(b))
                }
                (_, end) => end,
            });
        }
        Ok(latest)
    }

    /// The number of attempts stored for a submission that are still in flight (0 or 1).
    pub fn in_flight_attempts(&self, id: SubmissionId) -> Result<u32> {
        let n: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM submission_attempts
                 WHERE submission_id = ?1 AND outcome = 'in_flight'",
            )?
            .query_row([id.0], |r| r.get(0))
            .optional()?;
        count(n.unwrap_or(0), "submission_attempts.outcome")
    }
}
