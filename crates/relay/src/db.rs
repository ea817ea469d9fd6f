//! PostgreSQL: a small connection pool, the versioned migrations, and every query the relay
//! makes. Nothing else touches SQL.
//!
//! Times that several instances compare (the pacer, leases, quotas) are PostgreSQL's
//! (`now()`, `clock_timestamp()`): one clock for every instance, on whatever machine.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio_postgres::{Client, NoTls};
use uuid::Uuid;

use crate::error::DbError;

/// The versioned migrations, applied in order inside one transaction each.
///
/// 2: `employer_persons`, which provider sends for a person with assistance who employs the
/// assistant (`crate::queue::enqueue`).
/// 3: `bankid_orders`, the BankID sign orders the relay makes for installations
/// (`crate::bankid`).
/// 4: `provider_names`, the provider's name for the first line of a BankID text
/// (`crate::bankid::visible_text`): recorded at enrolment from what the installation sends,
/// corrected by the vendor's admin (`assistid-relay provider-name`); and the state `expired` of
/// `bankid_orders`, for an order stuck past BankID's lifetime (`crate::bankid::clean_up`).
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        r#"
CREATE TABLE installations (
    id uuid PRIMARY KEY,
    provider_orgnr text NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    last_served_at timestamptz
);
CREATE TABLE enrolment_codes (
    code_sha256 text PRIMARY KEY,
    provider_orgnr text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    installation_id uuid REFERENCES installations(id)
);
CREATE TABLE client_certificates (
    sha256 text PRIMARY KEY,
    installation_id uuid NOT NULL REFERENCES installations(id),
    serial text NOT NULL,
    not_after timestamptz NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE TABLE relay_instances (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    stopped_at timestamptz
);
CREATE TABLE submissions (
    id uuid PRIMARY KEY,
    installation_id uuid NOT NULL REFERENCES installations(id),
    environment text NOT NULL CHECK (environment IN ('test', 'prod')),
    report_id uuid NOT NULL,
    report_sha256 text NOT NULL,
    envelope bytea,
    state text NOT NULL CHECK (state IN ('queued', 'sending', 'accepted', 'rejected',
        'failed_will_retry', 'uncertain', 'withdrawn')),
    attempts int NOT NULL DEFAULT 0,
    not_before timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sending_instance uuid,
    tx_id uuid,
    error_code text,
    decision text,
    decided_at timestamptz
);
CREATE UNIQUE INDEX submissions_one_live ON submissions (installation_id, environment, report_id)
    WHERE state NOT IN ('rejected', 'withdrawn');
CREATE INDEX submissions_due ON submissions (environment, created_at)
    WHERE state IN ('queued', 'failed_will_retry');
CREATE TABLE attempts (
    submission_id uuid NOT NULL REFERENCES submissions(id),
    n int NOT NULL,
    installation_id uuid NOT NULL,
    instance_id uuid NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    sent_at timestamptz,
    answered_at timestamptz,
    outcome text,
    http_status int,
    raw_answer bytea,
    tx_id uuid,
    error_code text,
    PRIMARY KEY (submission_id, n)
);
CREATE INDEX attempts_quota ON attempts (installation_id, claimed_at);
CREATE TABLE pacer (
    environment text PRIMARY KEY,
    last_start timestamptz
);
INSERT INTO pacer (environment) VALUES ('test'), ('prod');
CREATE FUNCTION relay_notify_submission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('relay_submission', NEW.id::text);
    RETURN NEW;
END $$;
CREATE TRIGGER submissions_notify AFTER INSERT OR UPDATE OF state ON submissions
    FOR EACH ROW EXECUTE FUNCTION relay_notify_submission();
"#,
    ),
    (
        2,
        r#"
CREATE TABLE employer_persons (
    person_sha256 text PRIMARY KEY,
    provider_orgnr text NOT NULL,
    installation_id uuid NOT NULL REFERENCES installations(id),
    bound_at timestamptz NOT NULL DEFAULT now()
);
"#,
    ),
    (
        3,
        r#"
CREATE TABLE bankid_orders (
    id uuid PRIMARY KEY,
    installation_id uuid NOT NULL REFERENCES installations(id),
    environment text NOT NULL CHECK (environment IN ('test', 'prod')),
    mode text NOT NULL CHECK (mode IN ('qr', 'same_device', 'phone')),
    order_ref text,
    qr_start_token text,
    qr_start_secret text,
    reserved_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at timestamptz,
    state text NOT NULL CHECK (state IN ('starting', 'pending', 'complete', 'failed',
        'cancelled')),
    hint_code text,
    collected_at timestamptz,
    finished_at timestamptz
);
CREATE INDEX bankid_orders_open ON bankid_orders (installation_id)
    WHERE state IN ('starting', 'pending');
"#,
    ),
    (
        4,
        r#"
ALTER TABLE bankid_orders DROP CONSTRAINT bankid_orders_state_check;
ALTER TABLE bankid_orders ADD CONSTRAINT bankid_orders_state_check CHECK (state IN ('starting',
    'pending', 'complete', 'failed', 'cancelled', 'expired'));
CREATE INDEX bankid_orders_finished ON bankid_orders (finished_at)
    WHERE finished_at IS NOT NULL;
CREATE TABLE provider_names (
    provider_orgnr text PRIMARY KEY,
    name text NOT NULL,
    set_by text NOT NULL CHECK (set_by IN ('installation', 'admin')),
    installation_id uuid REFERENCES installations(id),
    updated_at timestamptz NOT NULL DEFAULT now()
);
"#,
    ),
];

/// The schema version this build migrates to.
pub const CURRENT_VERSION: i32 = 4;

/// Advisory lock key of the migrations ("assistid" in ASCII, truncated).
const MIGRATION_LOCK: i64 = 0x6173_7369_7374_6964;
/// Advisory lock key base of the pacer; one lock per environment.
const PACER_LOCK_BASE: i64 = 0x6173_7369_0000_0000;

/// The advisory lock key of `environment`'s pacer.
pub fn pacer_lock_key(environment: &str) -> i64 {
    PACER_LOCK_BASE + if environment == "prod" { 2 } else { 1 }
}

/// Connects one client and drives its connection on the current runtime.
pub async fn connect(url: &str) -> Result<Client, DbError> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(code = "database_connection_closed", sql_state = ?e.code().map(|c| c.code().to_owned()), "database connection ended");
        }
    });
    Ok(client)
}

/// Connections one pool has open at most (queries wait for a free one beyond that). Each
/// instance also keeps one pacer connection per FK environment and one for notifications.
pub const MAX_CONNECTIONS: usize = 32;

/// A few connections kept for reuse, at most [`MAX_CONNECTIONS`] open at once; a closed one (a
/// PostgreSQL restart) is dropped and replaced on the next use.
#[derive(Clone)]
pub struct Pool {
    url: Arc<str>,
    idle: Arc<Mutex<Vec<Client>>>,
    permits: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").finish_non_exhaustive()
    }
}

/// A client borrowed from the [`Pool`]; returned on drop unless closed.
pub struct Pooled {
    client: Option<Client>,
    idle: Arc<Mutex<Vec<Client>>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl std::fmt::Debug for Pooled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pooled").finish_non_exhaustive()
    }
}

impl std::ops::Deref for Pooled {
    type Target = Client;
    fn deref(&self) -> &Client {
        // Always Some until drop.
        self.client.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(client) = self.client.take()
            && !client.is_closed()
            && let Ok(mut idle) = self.idle.lock()
            && idle.len() < 16
        {
            idle.push(client);
        }
    }
}

impl Pool {
    /// A pool for `url`; connects lazily.
    pub fn new(url: &str) -> Self {
        Self {
            url: Arc::from(url),
            idle: Arc::new(Mutex::new(Vec::new())),
            permits: Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS)),
        }
    }

    /// The connection string.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A connection: an idle one that is still open, else a new one.
    pub async fn get(&self) -> Result<Pooled, DbError> {
        // Never closed, so acquiring only waits.
        let permit = match self.permits.clone().acquire_owned().await {
            Ok(permit) => permit,
            Err(_) => unreachable!("the pool's semaphore is never closed"),
        };
        loop {
            let candidate = self.idle.lock().ok().and_then(|mut idle| idle.pop());
            match candidate {
                Some(client) if !client.is_closed() => {
                    return Ok(Pooled {
                        client: Some(client),
                        idle: self.idle.clone(),
                        _permit: permit,
                    });
                }
                Some(_) => continue,
                None => break,
            }
        }
        Ok(Pooled {
            client: Some(connect(&self.url).await?),
            idle: self.idle.clone(),
            _permit: permit,
        })
    }
}

/// Brings the database to [`CURRENT_VERSION`]; safe when several instances start at once
/// (an advisory lock serialises them). Refuses a database from a newer relay.
pub async fn migrate(pool: &Pool) -> Result<i32, DbError> {
    let mut client = pool.get().await?;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let result = migrate_locked(&mut client).await;
    let _ = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    result
}

async fn migrate_locked(client: &mut Client) -> Result<i32, DbError> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS relay_schema (version int PRIMARY KEY, \
             applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
    let found: i32 = client
        .query_one("SELECT coalesce(max(version), 0) FROM relay_schema", &[])
        .await?
        .get(0);
    if found > CURRENT_VERSION {
        return Err(DbError::TooNew {
            found,
            known: CURRENT_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        let tx = client.transaction().await?;
        tx.batch_execute(sql).await?;
        tx.execute("INSERT INTO relay_schema (version) VALUES ($1)", &[version])
            .await?;
        tx.commit().await?;
        tracing::info!(code = "migrated", version, "database migrated");
    }
    Ok(CURRENT_VERSION)
}

/// The database's schema version (0 when never migrated).
pub async fn schema_version(pool: &Pool) -> Result<i32, DbError> {
    let client = pool.get().await?;
    let row = client
        .query_one(
            "SELECT CASE WHEN to_regclass('relay_schema') IS NULL THEN 0 \
             ELSE (SELECT coalesce(max(version), 0) FROM relay_schema) END",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// A submission as the API shows it.
#[derive(Debug, Clone)]
pub struct SubmissionRow {
    /// The relay's id.
    pub id: Uuid,
    /// Whose.
    pub installation_id: Uuid,
    /// `test` or `prod`.
    pub environment: String,
    /// The report's id.
    pub report_id: Uuid,
    /// SHA-256 of the report's canonical form.
    pub report_sha256: String,
    /// The state ([`crate::queue::State`] as text).
    pub state: String,
    /// FK requests made so far.
    pub attempts: i32,
    /// Not retried before.
    pub not_before: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// FK's tx-id, when accepted.
    pub tx_id: Option<Uuid>,
    /// The last error's code.
    pub error_code: Option<String>,
    /// The installation's decision on an uncertain submission.
    pub decision: Option<String>,
}

pub(crate) const SUBMISSION_COLUMNS: &str = "id, installation_id, environment, report_id, \
    report_sha256, state, attempts, not_before, created_at, updated_at, tx_id, error_code, \
    decision";

impl SubmissionRow {
    pub(crate) fn from_row(row: &tokio_postgres::Row) -> Self {
        Self {
            id: row.get(0),
            installation_id: row.get(1),
            environment: row.get(2),
            report_id: row.get(3),
            report_sha256: row.get(4),
            state: row.get(5),
            attempts: row.get(6),
            not_before: row.get(7),
            created_at: row.get(8),
            updated_at: row.get(9),
            tx_id: row.get(10),
            error_code: row.get(11),
            decision: row.get(12),
        }
    }
}

/// One FK request as stored.
#[derive(Clone)]
pub struct AttemptRow {
    /// 1-based.
    pub n: i32,
    /// When the request was handed to the operating system (the sending machine's clock).
    pub sent_at: Option<DateTime<Utc>>,
    /// When FK's answer arrived.
    pub answered_at: Option<DateTime<Utc>>,
    /// What became of it (`accepted`, `rejected`, `transient`, `uncertain`, `configuration`,
    /// `instance_lost`).
    pub outcome: Option<String>,
    /// FK's HTTP status.
    pub http_status: Option<i32>,
    /// FK's raw answer.
    pub raw_answer: Option<Vec<u8>>,
    /// The tx-id in it.
    pub tx_id: Option<Uuid>,
    /// The error code.
    pub error_code: Option<String>,
}

impl std::fmt::Debug for AttemptRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttemptRow")
            .field("n", &self.n)
            .field("outcome", &self.outcome)
            .field("http_status", &self.http_status)
            .field("raw_answer_len", &self.raw_answer.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

/// A submission's FK requests, oldest first.
pub async fn attempts(pool: &Pool, submission: Uuid) -> Result<Vec<AttemptRow>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT n, sent_at, answered_at, outcome, http_status, raw_answer, tx_id, error_code \
             FROM attempts WHERE submission_id = $1 ORDER BY n",
            &[&submission],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| AttemptRow {
            n: r.get(0),
            sent_at: r.get(1),
            answered_at: r.get(2),
            outcome: r.get(3),
            http_status: r.get(4),
            raw_answer: r.get(5),
            tx_id: r.get(6),
            error_code: r.get(7),
        })
        .collect())
}

/// Queue length per state, for `/metrics`.
pub async fn queue_counts(pool: &Pool) -> Result<Vec<(String, String, i64)>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT environment, state, count(*) FROM submissions GROUP BY 1, 2 ORDER BY 1, 2",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}
