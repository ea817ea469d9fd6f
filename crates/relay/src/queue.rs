//! The durable queue: enrolments, installations, submissions and their FK attempts, written
//! before and after every FK request, with the desktop outbox's states.
//!
//! ```text
//! queued ──turn──▶ sending ──receipt──▶ accepted
//!    ▲                │ ├──FK refused──▶ rejected
//!    │                │ ├──not received (503, connection refused)──▶ failed_will_retry ──▶ (queued again at not_before)
//!    │                │ └──no answer after the request left, or the instance died──▶ uncertain
//!    └─ decision "resend" ◀── uncertain ──▶ decision "received" (tx-id) ▶ accepted
//!                                       └──▶ decision "do_not_send" ▶ withdrawn
//! ```
//!
//! `uncertain` is never left without the installation's decision (or FK's own late answer to
//! that very attempt).

use assistid_core::ids::OrgNumber;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::checks::Checked;
use crate::db::{Pool, SUBMISSION_COLUMNS, SubmissionRow};
use crate::error::{DbError, RelayError};

/// A submission's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Waiting for its turn.
    Queued,
    /// Its request may be on its way to FK.
    Sending,
    /// FK answered with a tx-id.
    Accepted,
    /// FK refused it (final).
    Rejected,
    /// FK certainly did not receive it; retried after `not_before`.
    FailedWillRetry,
    /// FK may have received it; waits for the installation's decision.
    Uncertain,
    /// The installation decided not to send it.
    Withdrawn,
}

impl State {
    /// Every state, in display order.
    pub const ALL: [State; 7] = [
        State::Queued,
        State::Sending,
        State::Accepted,
        State::Rejected,
        State::FailedWillRetry,
        State::Uncertain,
        State::Withdrawn,
    ];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sending => "sending",
            State::Accepted => "accepted",
            State::Rejected => "rejected",
            State::FailedWillRetry => "failed_will_retry",
            State::Uncertain => "uncertain",
            State::Withdrawn => "withdrawn",
        }
    }

    /// Reads the stored text.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No further change will come from the relay itself.
    pub fn is_final(self) -> bool {
        matches!(self, State::Accepted | State::Rejected | State::Withdrawn)
    }
}

fn code_hash(code: &str) -> String {
    let normalized: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(normalized.as_bytes()))
}

/// A new one-time enrolment code for `orgnr`, valid `days` days: 20 random symbols of
/// Crockford's base-32 alphabet (100 bits) in groups of four. Only its SHA-256 is stored.
pub async fn create_enrolment_code(
    pool: &Pool,
    orgnr: &str,
    days: u32,
) -> Result<(String, DateTime<Utc>), RelayError> {
    let org = OrgNumber::parse(orgnr).map_err(|_| RelayError::OrgNumber(orgnr.to_owned()))?;
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let symbols: Vec<char> = (0..20)
        .map(|_| char::from(ALPHABET[usize::from(rand::random::<u8>() % 32)]))
        .collect();
    let code = symbols
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-");
    let client = pool.get().await?;
    let row = client
        .query_one(
            "INSERT INTO enrolment_codes (code_sha256, provider_orgnr, expires_at) \
             VALUES ($1, $2, now() + make_interval(days => $3)) RETURNING expires_at",
            &[&code_hash(&code), &org.digits(), &(days as i32)],
        )
        .await?;
    Ok((code, row.get(0)))
}

/// Why an enrolment is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolRefusal {
    /// No such code, already used, or expired (not told apart, so codes cannot be probed).
    CodeInvalid,
    /// The code is valid but for another organisationsnummer than the installation's
    /// provider; the code is not used up.
    OtherProvider {
        /// The organisationsnummer the code was made for (10 digits).
        code_for: String,
    },
}

/// Uses a one-time code: a new installation for the code's provider, its client certificate
/// issued by `issue` (given the installation's id and the organisationsnummer) and recorded,
/// all in one transaction.
pub async fn enrol<F>(
    pool: &Pool,
    code: &str,
    issue: F,
) -> Result<Result<(Uuid, String, crate::pki::IssuedClientCert), EnrolRefusal>, RelayError>
where
    F: FnOnce(Uuid, &str) -> Result<crate::pki::IssuedClientCert, crate::error::PkiError>,
{
    enrol_for(pool, code, None, None, issue).await
}

/// [`enrol`] for an installation whose provider is `expected` (when it says so): a code made
/// for another organisationsnummer is refused with [`EnrolRefusal::OtherProvider`] before
/// anything is written, so the code stays usable for the right installation. `name` (already
/// checked with `assistid_core::signtext::provider_name`) is recorded as the provider's name
/// unless the relay knows one already (an admin's correction is never overwritten).
pub async fn enrol_for<F>(
    pool: &Pool,
    code: &str,
    expected: Option<&OrgNumber>,
    name: Option<&str>,
    issue: F,
) -> Result<Result<(Uuid, String, crate::pki::IssuedClientCert), EnrolRefusal>, RelayError>
where
    F: FnOnce(Uuid, &str) -> Result<crate::pki::IssuedClientCert, crate::error::PkiError>,
{
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT provider_orgnr FROM enrolment_codes WHERE code_sha256 = $1 \
             AND used_at IS NULL AND expires_at > now() FOR UPDATE",
            &[&code_hash(code)],
        )
        .await?;
    let Some(row) = row else {
        return Ok(Err(EnrolRefusal::CodeInvalid));
    };
    let orgnr: String = row.get(0);
    if let Some(expected) = expected
        && expected.digits() != orgnr
    {
        // Dropping the transaction rolls it back: the code is not used.
        return Ok(Err(EnrolRefusal::OtherProvider { code_for: orgnr }));
    }
    let installation = Uuid::new_v4();
    let issued = issue(installation, &orgnr)?;
    tx.execute(
        "INSERT INTO installations (id, provider_orgnr) VALUES ($1, $2)",
        &[&installation, &orgnr],
    )
    .await?;
    tx.execute(
        "UPDATE enrolment_codes SET used_at = now(), installation_id = $2 WHERE code_sha256 = $1",
        &[&code_hash(code), &installation],
    )
    .await?;
    if let Some(name) = name {
        tx.execute(
            "INSERT INTO provider_names (provider_orgnr, name, set_by, installation_id) \
             VALUES ($1, $2, 'installation', $3) ON CONFLICT (provider_orgnr) DO NOTHING",
            &[&orgnr, &name, &installation],
        )
        .await?;
    }
    tx.execute(
        "INSERT INTO client_certificates (sha256, installation_id, serial, not_after) \
         VALUES ($1, $2, $3, $4)",
        &[
            &issued.sha256,
            &installation,
            &issued.serial,
            &issued.not_after,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(Ok((installation, orgnr, issued)))
}

/// An authenticated installation.
#[derive(Debug, Clone)]
pub struct Installation {
    /// Its id.
    pub id: Uuid,
    /// Its provider.
    pub provider: OrgNumber,
}

/// What a client certificate's fingerprint says.
#[derive(Debug, Clone)]
pub enum CertLookup {
    /// Valid, for this installation.
    Valid(Installation),
    /// The certificate or its installation was revoked.
    Revoked,
    /// Not issued by this relay's database (another relay's CA, or a deleted database).
    Unknown,
}

/// Looks up the installation of a client certificate.
pub async fn installation_for_cert(pool: &Pool, sha256: &str) -> Result<CertLookup, DbError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT i.id, i.provider_orgnr, c.revoked_at IS NOT NULL OR i.revoked_at IS NOT NULL \
             FROM client_certificates c JOIN installations i ON i.id = c.installation_id \
             WHERE c.sha256 = $1",
            &[&sha256],
        )
        .await?;
    Ok(match row {
        None => CertLookup::Unknown,
        Some(row) if row.get::<_, bool>(2) => CertLookup::Revoked,
        Some(row) => match OrgNumber::parse(row.get::<_, &str>(1)) {
            Ok(provider) => CertLookup::Valid(Installation {
                id: row.get(0),
                provider,
            }),
            Err(_) => CertLookup::Unknown,
        },
    })
}

/// Revokes an installation and all its certificates; its queued submissions stay unsent.
/// Returns whether it existed.
pub async fn revoke_installation(pool: &Pool, id: Uuid) -> Result<bool, DbError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let n = tx
        .execute(
            "UPDATE installations SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1",
            &[&id],
        )
        .await?;
    tx.execute(
        "UPDATE client_certificates SET revoked_at = coalesce(revoked_at, now()) \
         WHERE installation_id = $1",
        &[&id],
    )
    .await?;
    tx.commit().await?;
    Ok(n > 0)
}

/// Revokes one client certificate by its SHA-256 fingerprint. Returns whether it existed.
pub async fn revoke_certificate(pool: &Pool, sha256: &str) -> Result<bool, DbError> {
    let client = pool.get().await?;
    let n = client
        .execute(
            "UPDATE client_certificates SET revoked_at = coalesce(revoked_at, now()) \
             WHERE sha256 = $1",
            &[&sha256.to_ascii_lowercase()],
        )
        .await?;
    Ok(n > 0)
}

/// The provider's name as the relay knows it (for the first line of a BankID text), and who
/// set it (`installation` or `admin`).
pub async fn provider_name(
    pool: &Pool,
    orgnr: &OrgNumber,
) -> Result<Option<(String, String)>, DbError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT name, set_by FROM provider_names WHERE provider_orgnr = $1",
            &[&orgnr.digits()],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Sets the provider's name as the vendor's admin (`assistid-relay provider-name`); `name` is
/// already checked with `assistid_core::signtext::provider_name`. Installations enrolled later
/// do not change it.
pub async fn set_provider_name(pool: &Pool, orgnr: &OrgNumber, name: &str) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO provider_names (provider_orgnr, name, set_by) VALUES ($1, $2, 'admin') \
             ON CONFLICT (provider_orgnr) DO UPDATE SET name = $2, set_by = 'admin', \
             installation_id = NULL, updated_at = now()",
            &[&orgnr.digits(), &name],
        )
        .await?;
    Ok(())
}

/// One installation as `assistid-relay installations` lists it.
#[derive(Debug, Clone)]
pub struct InstallationRow {
    /// The installation's id.
    pub id: Uuid,
    /// The provider's organisationsnummer (10 digits).
    pub provider: String,
    /// The provider's name, when the relay knows it.
    pub provider_name: Option<String>,
    /// When it enrolled.
    pub enrolled_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Every installation, by provider and enrolment.
pub async fn installations(pool: &Pool) -> Result<Vec<InstallationRow>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT i.id, i.provider_orgnr, n.name, i.enrolled_at, i.revoked_at \
             FROM installations i LEFT JOIN provider_names n USING (provider_orgnr) \
             ORDER BY i.provider_orgnr, i.enrolled_at",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| InstallationRow {
            id: r.get(0),
            provider: r.get(1),
            provider_name: r.get(2),
            enrolled_at: r.get(3),
            revoked_at: r.get(4),
        })
        .collect())
}

/// What [`enqueue`] did.
#[derive(Debug, Clone)]
pub enum Enqueued {
    /// A new submission.
    New(SubmissionRow),
    /// The same report (same bytes) was already handed over: that submission.
    Existing(SubmissionRow),
    /// Another version's bytes under the same report id are already live.
    Conflict(SubmissionRow),
    /// The installation has too many open submissions.
    QuotaFull,
    /// The report's person with assistance employs the assistant and is already reported by
    /// another provider's installation (the binding in `employer_persons`).
    PersonOfAnotherProvider,
}

/// The key of a person with assistance in `employer_persons`: SHA-256 of the personnummer
/// (12 digits) with a fixed prefix, so the table is not a plain list of personnummer.
fn person_key(personnummer: &str) -> String {
    hex::encode(Sha256::digest(
        format!("assistid-relay employer person {personnummer}").as_bytes(),
    ))
}

/// Releases the binding of a person with assistance (who employs their assistants) to the
/// provider that first sent for them, for when the person has changed provider: the next
/// provider to send such a report for them is bound instead. Returns whether a binding
/// existed.
pub async fn release_person(pool: &Pool, personnummer: &str) -> Result<bool, DbError> {
    let client = pool.get().await?;
    let n = client
        .execute(
            "DELETE FROM employer_persons WHERE person_sha256 = $1",
            &[&person_key(personnummer)],
        )
        .await?;
    Ok(n > 0)
}

/// Queues a checked report for an installation, unless the same report is already live.
pub async fn enqueue(
    pool: &Pool,
    installation: &Installation,
    environment: &str,
    checked: &Checked,
    max_open: i64,
) -> Result<Enqueued, DbError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    // One enqueue at a time per installation: the quota count and the uniqueness check hold.
    tx.execute(
        "SELECT 1 FROM installations WHERE id = $1 FOR UPDATE",
        &[&installation.id],
    )
    .await?;
    let live = tx
        .query_opt(
            &format!(
                "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE installation_id = $1 \
                 AND environment = $2 AND report_id = $3 AND state NOT IN ('rejected', 'withdrawn')"
            ),
            &[&installation.id, &environment, &checked.report_id],
        )
        .await?
        .map(|r| SubmissionRow::from_row(&r));
    if let Some(live) = live {
        return Ok(if live.report_sha256 == checked.sha256 {
            Enqueued::Existing(live)
        } else {
            Enqueued::Conflict(live)
        });
    }
    // A report without an organisation (the person with assistance employs the assistant)
    // is the provider's whose installation first sent one for that person; another
    // provider's installation cannot send under the person's name after that.
    if let Some(person) = &checked.employer_person {
        let key = person_key(person);
        tx.execute(
            "INSERT INTO employer_persons (person_sha256, provider_orgnr, installation_id) \
             VALUES ($1, $2, $3) ON CONFLICT (person_sha256) DO NOTHING",
            &[&key, &installation.provider.digits(), &installation.id],
        )
        .await?;
        let bound: String = tx
            .query_one(
                "SELECT provider_orgnr FROM employer_persons WHERE person_sha256 = $1",
                &[&key],
            )
            .await?
            .get(0);
        if bound != installation.provider.digits() {
            return Ok(Enqueued::PersonOfAnotherProvider);
        }
    }
    let open: i64 = tx
        .query_one(
            "SELECT count(*) FROM submissions WHERE installation_id = $1 \
             AND state IN ('queued', 'sending', 'failed_will_retry', 'uncertain')",
            &[&installation.id],
        )
        .await?
        .get(0);
    if open >= max_open {
        return Ok(Enqueued::QuotaFull);
    }
    let row = tx
        .query_one(
            &format!(
                "INSERT INTO submissions (id, installation_id, environment, report_id, \
                 report_sha256, envelope, state) VALUES ($1, $2, $3, $4, $5, $6, 'queued') \
                 RETURNING {SUBMISSION_COLUMNS}"
            ),
            &[
                &Uuid::new_v4(),
                &installation.id,
                &environment,
                &checked.report_id,
                &checked.sha256,
                &checked.envelope,
            ],
        )
        .await?;
    tx.commit().await?;
    Ok(Enqueued::New(SubmissionRow::from_row(&row)))
}

/// One submission of one installation.
pub async fn submission(
    pool: &Pool,
    installation: Uuid,
    id: Uuid,
) -> Result<Option<SubmissionRow>, DbError> {
    let client = pool.get().await?;
    Ok(client
        .query_opt(
            &format!(
                "SELECT {SUBMISSION_COLUMNS} FROM submissions \
                 WHERE id = $1 AND installation_id = $2"
            ),
            &[&id, &installation],
        )
        .await?
        .map(|r| SubmissionRow::from_row(&r)))
}

/// An installation's decision on an uncertain submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Send it again (the installation found out FK has not got it).
    Resend,
    /// FK has it: the tx-id the installation learnt (from FK's e-service or support).
    Received(Uuid),
    /// Do not send it.
    DoNotSend,
}

/// Applies a decision; `None` when the submission is not the installation's, `Some(Err(row))`
/// when it is not uncertain.
pub async fn decide(
    pool: &Pool,
    installation: Uuid,
    id: Uuid,
    decision: &Decision,
) -> Result<Option<Result<SubmissionRow, SubmissionRow>>, DbError> {
    let client = pool.get().await?;
    let (state, tx_id, name): (&str, Option<Uuid>, &str) = match decision {
        Decision::Resend => ("queued", None, "resend"),
        Decision::Received(tx) => ("accepted", Some(*tx), "received"),
        Decision::DoNotSend => ("withdrawn", None, "do_not_send"),
    };
    let updated = client
        .query_opt(
            &format!(
                "UPDATE submissions SET state = $3, tx_id = coalesce($4, tx_id), decision = $5, \
                 decided_at = now(), updated_at = now(), not_before = NULL, \
                 envelope = CASE WHEN $3 = 'queued' THEN envelope ELSE NULL END \
                 WHERE id = $1 AND installation_id = $2 AND state = 'uncertain' \
                 RETURNING {SUBMISSION_COLUMNS}"
            ),
            &[&id, &installation, &state, &tx_id, &name],
        )
        .await?;
    // The pool is bounded: give this connection back before asking for another.
    drop(client);
    if let Some(row) = updated {
        return Ok(Some(Ok(SubmissionRow::from_row(&row))));
    }
    Ok(submission(pool, installation, id).await?.map(Err))
}

/// A submission claimed for one FK request.
#[derive(Clone)]
pub struct Claimed {
    /// The submission.
    pub id: Uuid,
    /// Whose.
    pub installation_id: Uuid,
    /// This attempt's number.
    pub attempt: i32,
    /// The envelope to send.
    pub envelope: Vec<u8>,
}

impl std::fmt::Debug for Claimed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claimed")
            .field("id", &self.id)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// Whether anything is due in `environment` within the hourly quota (cheap, before a
/// connection to FK is opened).
pub async fn has_due(
    pool: &Pool,
    environment: &str,
    max_sends_per_hour: i64,
) -> Result<bool, DbError> {
    let client = pool.get().await?;
    Ok(client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM submissions s JOIN installations i \
             ON i.id = s.installation_id WHERE s.environment = $1 \
             AND s.state IN ('queued', 'failed_will_retry') \
             AND (s.not_before IS NULL OR s.not_before <= now()) AND i.revoked_at IS NULL \
             AND ($2::bigint <= 0 OR (SELECT count(*) FROM attempts a \
                  WHERE a.installation_id = s.installation_id \
                  AND a.claimed_at > now() - interval '1 hour') < $2::bigint))",
            &[&environment, &max_sends_per_hour],
        )
        .await?
        .get(0))
}

/// Claims the next due submission and books the pacer's next start, in one statement (one
/// round trip, one transaction). Only the holder of the pacer's turn calls this, on the
/// connection that holds the turn.
///
/// The submission is the next due one, round-robin over installations (the one served
/// longest ago first), within the hourly quota; it becomes `sending` with its attempt
/// written, committed before the request. In the same statement `pacer.last_start` becomes
/// the request's planned start, `greatest(last_start + spacing, clock_timestamp())` on
/// PostgreSQL's clock: a lower bound of the real start, since the caller sends only once the
/// returned wait has passed (kept should the instance die during the send). Nothing is
/// written when nothing is due. Returns the claim and the seconds from PostgreSQL's clock at
/// the end of the statement to the planned start (a few microseconds below zero when the
/// start is "now"). `statement` is [`CLAIM_NEXT_SQL`], as text or prepared on `client`.
pub async fn claim_next<T>(
    client: &tokio_postgres::Client,
    statement: &T,
    environment: &str,
    instance: Uuid,
    max_sends_per_hour: i64,
    spacing: std::time::Duration,
) -> Result<Option<(Claimed, f64)>, DbError>
where
    T: ?Sized + tokio_postgres::ToStatement,
{
    let spacing_secs = spacing.as_secs_f64();
    let row = client
        .query_opt(
            statement,
            &[&environment, &max_sends_per_hour, &instance, &spacing_secs],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let envelope: Option<Vec<u8>> = row.get(3);
    let wait: f64 = row.get(4);
    Ok(Some((
        Claimed {
            id: row.get(0),
            installation_id: row.get(1),
            attempt: row.get(2),
            envelope: envelope.unwrap_or_default(),
        },
        wait,
    )))
}

/// The statement of [`claim_next`] (`$1` environment, `$2` hourly quota, `$3` instance,
/// `$4` spacing in seconds), for preparing it once on the pacer's connection.
pub const CLAIM_NEXT_SQL: &str = "WITH next AS (SELECT s.id, s.installation_id FROM submissions s \
                 JOIN installations i ON i.id = s.installation_id \
                 WHERE s.environment = $1 AND s.state IN ('queued', 'failed_will_retry') \
                 AND (s.not_before IS NULL OR s.not_before <= now()) AND i.revoked_at IS NULL \
                 AND ($2::bigint <= 0 OR (SELECT count(*) FROM attempts a \
                      WHERE a.installation_id = s.installation_id \
                      AND a.claimed_at > now() - interval '1 hour') < $2::bigint) \
                 ORDER BY i.last_served_at NULLS FIRST, s.created_at, s.id \
                 LIMIT 1 FOR UPDATE OF s SKIP LOCKED), \
             claimed AS (UPDATE submissions s SET state = 'sending', attempts = s.attempts + 1, \
                 sending_instance = $3, updated_at = now() FROM next WHERE s.id = next.id \
                 RETURNING s.id, s.installation_id, s.attempts, s.envelope), \
             attempt AS (INSERT INTO attempts (submission_id, n, installation_id, instance_id) \
                 SELECT id, attempts, installation_id, $3 FROM claimed), \
             served AS (UPDATE installations i SET last_served_at = clock_timestamp() \
                 FROM claimed WHERE i.id = claimed.installation_id), \
             paced AS (UPDATE pacer SET last_start = greatest(last_start \
                     + make_interval(secs => $4), clock_timestamp()) \
                 WHERE environment = $1 AND EXISTS (SELECT 1 FROM claimed) \
                 RETURNING last_start) \
             SELECT claimed.id, claimed.installation_id, claimed.attempts, claimed.envelope, \
                 extract(epoch FROM (paced.last_start - clock_timestamp()))::float8 \
             FROM claimed, paced";

/// Notes when an attempt's request was handed to the operating system (this machine's clock).
pub async fn mark_sent(pool: &Pool, claimed: &Claimed, at: DateTime<Utc>) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE attempts SET sent_at = $3 WHERE submission_id = $1 AND n = $2",
            &[&claimed.id, &claimed.attempt, &at],
        )
        .await?;
    Ok(())
}

/// What one FK request came to.
#[derive(Clone)]
pub struct Outcome {
    /// The new state.
    pub state: State,
    /// `accepted`, `rejected`, `transient`, `uncertain` or `configuration`.
    pub outcome: &'static str,
    /// The error's code, if not a receipt.
    pub error_code: Option<String>,
    /// FK's tx-id.
    pub tx_id: Option<Uuid>,
    /// FK's answer, raw, if one came.
    pub record: Option<assistid_elt::ResponseRecord>,
    /// For a retry: seconds from now.
    pub retry_in_secs: Option<i64>,
    /// When the request was handed to the operating system, if it was.
    pub sent_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcome")
            .field("state", &self.state)
            .field("error_code", &self.error_code)
            .finish_non_exhaustive()
    }
}

/// Stores an attempt's outcome and the submission's new state. The attempt's answer is kept
/// even when the submission was meanwhile made `uncertain` (its instance's lease ran out):
/// FK's own answer to that attempt then settles it.
pub async fn record_outcome(
    pool: &Pool,
    claimed: &Claimed,
    outcome: &Outcome,
) -> Result<(), DbError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let (status, body, answered): (Option<i32>, Option<Vec<u8>>, Option<DateTime<Utc>>) =
        match &outcome.record {
            Some(r) => (
                Some(i32::from(r.http_status)),
                Some(r.body.clone()),
                Some(r.received_at),
            ),
            None => (None, None, None),
        };
    tx.execute(
        "UPDATE attempts SET answered_at = coalesce($3, clock_timestamp()), outcome = $4, \
         http_status = $5, raw_answer = $6, tx_id = $7, error_code = $8, \
         sent_at = coalesce(sent_at, $9) WHERE submission_id = $1 AND n = $2",
        &[
            &claimed.id,
            &claimed.attempt,
            &answered,
            &outcome.outcome,
            &status,
            &body,
            &outcome.tx_id,
            &outcome.error_code,
            &outcome.sent_at,
        ],
    )
    .await?;
    let final_state = outcome.state.is_final();
    tx.execute(
        "UPDATE submissions SET state = $3, tx_id = coalesce($4, tx_id), error_code = $5, \
         updated_at = now(), sending_instance = NULL, \
         not_before = CASE WHEN $6::bigint IS NULL THEN NULL \
                      ELSE now() + make_interval(secs => $6::bigint) END, \
         envelope = CASE WHEN $7 THEN NULL ELSE envelope END \
         WHERE id = $1 AND attempts = $2 AND state IN ('sending', 'uncertain')",
        &[
            &claimed.id,
            &claimed.attempt,
            &outcome.state.as_str(),
            &outcome.tx_id,
            &outcome.error_code,
            &outcome.retry_in_secs,
            &final_state,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Registers a starting instance.
pub async fn register_instance(pool: &Pool, id: Uuid, name: &str) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO relay_instances (id, name) VALUES ($1, $2)",
            &[&id, &name],
        )
        .await?;
    Ok(())
}

/// Renews an instance's lease.
pub async fn heartbeat(pool: &Pool, id: Uuid) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE relay_instances SET heartbeat_at = now() WHERE id = $1",
            &[&id],
        )
        .await?;
    Ok(())
}

/// Marks an instance stopped (after a graceful shutdown: nothing of it is in flight).
pub async fn stop_instance(pool: &Pool, id: Uuid) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE relay_instances SET stopped_at = now() WHERE id = $1",
            &[&id],
        )
        .await?;
    Ok(())
}

/// `sending` rows of instances whose lease has run out (or that stopped) become
/// `uncertain`: their request may have reached FK. Returns how many.
pub async fn recover_lost(pool: &Pool, lease_secs: u64) -> Result<u64, DbError> {
    let client = pool.get().await?;
    let lease = lease_secs as f64;
    // One statement: whoever reads the submission as uncertain reads its attempt's outcome.
    let rows = client
        .query(
            "WITH lost AS (UPDATE submissions s SET state = 'uncertain', \
                 error_code = 'relay_instance_lost', updated_at = now() \
                 WHERE s.state = 'sending' AND NOT EXISTS (SELECT 1 FROM relay_instances r \
                     WHERE r.id = s.sending_instance AND r.stopped_at IS NULL \
                     AND r.heartbeat_at > now() - make_interval(secs => $1)) \
                 RETURNING s.id, s.attempts) \
             UPDATE attempts a SET outcome = 'instance_lost' FROM lost \
             WHERE a.submission_id = lost.id AND a.n = lost.attempts \
             RETURNING lost.id, lost.attempts",
            &[&lease],
        )
        .await?;
    for row in &rows {
        let id: Uuid = row.get(0);
        let n: i32 = row.get(1);
        tracing::warn!(code = "relay_instance_lost", submission = %id, attempt = n, "a sending submission became uncertain");
    }
    Ok(rows.len() as u64)
}
