//! The sender: each instance runs one loop per FK environment, and one pacer in PostgreSQL
//! keeps the whole vendor at FK's spacing however many instances run.
//!
//! **The pacer.** A turn is a PostgreSQL advisory lock (one key per environment) held on a
//! connection of its own. Before waiting for it, the instance opens TCP and TLS to FK
//! (`EltClient::connect`; a connection not used within `FRESH_FOR` is replaced), so the
//! handshake is off the critical path. As soon as the lock is granted, one statement
//! (`queue::claim_next`, one round trip) claims the next submission (`sending` and its
//! attempt, committed: written before the request) and books its start in `pacer.last_start`:
//! FK's spacing (plus a margin) after the previous start, on PostgreSQL's clock — a lower
//! bound of the request's start, kept should the instance die during the send. At that start
//! the request is handed to the operating system, and when it has been written
//! (`PreparedConnection::submit_envelope`'s callback) `last_start` is written again — an upper
//! bound of the start: the earlier of PostgreSQL's clock after the send and the booked start
//! plus the time since the local instant known to come no earlier than the booked start on
//! PostgreSQL's clock (from the claim's round trip, refined by up to eight clock probes on
//! the turn's connection, spread over the wait while the start comes due; the probe with the shortest round trip bounds
//! best, as in NTP) — and only then is the lock released (the update and the unlock pipelined
//! in one round trip). The pacer's statements are prepared once per connection (one round trip
//! each), and the request's task sleeps until just before its start and finishes the wait on
//! the monotonic clock (`wait_until`), so the start is not late by Tokio's millisecond timer.
//! The answer is awaited
//! outside the turn, so several requests can wait for FK at once while their starts stay
//! spaced. An instance killed during its turn loses its connection and PostgreSQL releases
//! the lock; `last_start` then holds the booked start.

use std::future::Future as _;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use assistid_elt::{Disposition, EltClient, ResponseRecord};
use chrono::Utc;
use tokio::sync::{Mutex, OwnedMutexGuard, Semaphore, watch};
use tokio_postgres::{Client, Statement};
use uuid::Uuid;

use crate::db::{self, Pool};
use crate::error::DbError;
use crate::metrics::Metrics;
use crate::queue::{self, Claimed, Outcome, State};

/// A connection opened ahead is used only this young (below `assistid_elt`'s
/// `connection::MAX_IDLE`, after which FK may close it); an older one is replaced.
const FRESH_FOR: Duration = Duration::from_secs(2);
/// Clock probes at most per turn, and the time left before the start a probe needs.
/// Clock probes are spread over the wait (one every `PROBE_EVERY`): on a busy machine one
/// round trip in several is fast (the server process and this one both running), and the
/// fastest bounds the start best; back-to-back probes tend to share one slow moment.
const PROBES: usize = 8;
const PROBE_ROOM: Duration = Duration::from_millis(10);
const PROBE_EVERY: Duration = Duration::from_millis(4);
/// How long before a request's start the pacer stops sleeping on Tokio's timer and finishes
/// the wait on the monotonic clock ([`wait_until`]).
const WAKE_EARLY: Duration = Duration::from_millis(2);
/// How often an idle loop looks for work (a new submission also wakes it).
const IDLE_POLL: Duration = Duration::from_millis(250);

/// One environment's sender settings.
#[derive(Debug, Clone)]
pub struct SenderSettings {
    /// `test` or `prod`.
    pub environment: String,
    /// FK's spacing plus the margin.
    pub spacing: Duration,
    /// Requests waiting for an answer at once.
    pub max_in_flight: usize,
    /// Hourly quota per installation (0: none).
    pub max_sends_per_hour: i64,
}

/// The pacer's statements, prepared once per connection: each is then one round trip (a
/// statement given as text costs two, a parse and an execution), which halves the turn's
/// round trips and the uncertainty of its clock probes.
struct Statements {
    lock: Statement,
    unlock: Statement,
    claim: Statement,
    probe: Statement,
    mark_sent: Statement,
}

impl Statements {
    async fn prepare(client: &Client) -> Result<Self, DbError> {
        Ok(Self {
            lock: client.prepare("SELECT pg_advisory_lock($1)").await?,
            unlock: client.prepare("SELECT pg_advisory_unlock($1)").await?,
            claim: client.prepare(queue::CLAIM_NEXT_SQL).await?,
            probe: client
                .prepare(
                    "SELECT extract(epoch FROM (last_start - clock_timestamp()))::float8 \
                     FROM pacer WHERE environment = $1",
                )
                .await?,
            mark_sent: client
                .prepare(
                    "UPDATE pacer SET last_start = least(clock_timestamp(), \
                     last_start + make_interval(secs => $2)) WHERE environment = $1",
                )
                .await?,
        })
    }
}

/// The pacer connection of one instance and environment, with its prepared statements.
struct PacerConn {
    url: String,
    session: Option<(Client, Statements)>,
    lock_key: i64,
}

impl PacerConn {
    async fn session(&mut self) -> Result<&(Client, Statements), DbError> {
        if self.session.as_ref().is_none_or(|(c, _)| c.is_closed()) {
            self.session = None;
            let client = db::connect(&self.url).await?;
            let statements = Statements::prepare(&client).await?;
            self.session = Some((client, statements));
        }
        self.session
            .as_ref()
            .ok_or_else(|| unreachable!("connected just above"))
    }
}

/// A granted turn: the advisory lock is held until [`Turn::finish`] or [`Turn::release`].
struct Turn {
    conn: OwnedMutexGuard<PacerConn>,
    environment: String,
}

impl Turn {
    /// The connection that holds the turn, never a new one: a reconnected session would not
    /// hold the advisory lock (PostgreSQL released it with the lost session), and another
    /// instance may have taken the turn and booked its own start since.
    fn held(&self) -> Result<&(Client, Statements), DbError> {
        self.conn
            .session
            .as_ref()
            .filter(|(c, _)| !c.is_closed())
            .ok_or(DbError::TurnLost)
    }

    async fn acquire(pacer: &Arc<Mutex<PacerConn>>, environment: &str) -> Result<Self, DbError> {
        let mut conn = pacer.clone().lock_owned().await;
        let key = conn.lock_key;
        let (client, statements) = conn.session().await?;
        client.execute(&statements.lock, &[&key]).await?;
        Ok(Self {
            conn,
            environment: environment.to_owned(),
        })
    }

    /// Claims the next due submission and books its start (see [`queue::claim_next`]) on
    /// the connection that holds the turn.
    async fn claim(
        &self,
        settings: &SenderSettings,
        instance: Uuid,
    ) -> Result<Option<(Claimed, f64)>, DbError> {
        let (client, statements) = self.held()?;
        queue::claim_next(
            client,
            &statements.claim,
            &self.environment,
            instance,
            settings.max_sends_per_hour,
            settings.spacing,
        )
        .await
    }

    /// The booked start (`last_start`, written by the claim) minus PostgreSQL's clock now, in
    /// seconds; `None` if the turn's connection is gone or the query failed (never on a new
    /// connection: that would not hold the turn).
    async fn booked_minus_now(&self) -> Option<f64> {
        let (client, statements) = self.held().ok()?;
        client
            .query_one(&statements.probe, &[&self.environment])
            .await
            .ok()
            .and_then(|row| row.try_get(0).ok())
    }

    /// Gives the turn back; with `after_booked`, first writes the upper bound of the start of
    /// the request that left: the earlier of PostgreSQL's clock now and `booked +
    /// after_booked`, where `booked` is the start written by the claim (still in `last_start`:
    /// the turn is held) and `after_booked` bounds how much later than it the request left
    /// (see `turn_once`).
    ///
    /// The update and the unlock are pipelined: both go to PostgreSQL at once and it runs
    /// them in the order sent (tokio-postgres sends requests in the order their futures are
    /// first polled: the update is polled once before the unlock is made), so the next
    /// holder sees the written start, one round trip after the send instead of two.
    /// Only on the connection that holds the turn: on another one the update could lower a
    /// start that another instance booked after the lock was lost (without it the claim's
    /// booking stays, at most the request's lateness earlier than its real start); if that
    /// connection is gone or the unlock fails, it is dropped, which releases the lock.
    async fn finish(mut self, after_booked: Option<Duration>) {
        let key = self.conn.lock_key;
        let released = match self.held() {
            Ok((client, statements)) => {
                let after_secs = after_booked.map(|d| d.as_secs_f64());
                let mark = async {
                    match after_secs {
                        Some(secs) => client
                            .execute(&statements.mark_sent, &[&self.environment, &secs])
                            .await
                            .map(drop),
                        None => Ok(()),
                    }
                };
                let mut mark = std::pin::pin!(mark);
                // Polled once here: the update is sent before the unlock below exists.
                let first = std::future::poll_fn(|cx| Poll::Ready(mark.as_mut().poll(cx))).await;
                let key_param: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&key];
                let unlock = client.execute(&statements.unlock, &key_param);
                let unlocked = match first {
                    Poll::Ready(_) => unlock.await,
                    Poll::Pending => tokio::join!(mark, unlock).1,
                };
                unlocked.is_ok()
            }
            Err(_) => false,
        };
        if !released {
            // Could not unlock: drop the connection, which releases the lock in PostgreSQL.
            self.conn.session = None;
        }
    }

    /// Gives the turn back without writing anything.
    async fn release(self) {
        self.finish(None).await;
    }
}

/// Waits until `due` on the monotonic clock: Tokio's timer until [`WAKE_EARLY`] before it,
/// then the rest by looking at the clock, yielding to other tasks between looks. Tokio's
/// timer rounds a deadline up to its next millisecond tick and the thread it wakes may be
/// scheduled late on a busy machine; either delays the request's start, and every delay of
/// a start delays every later start of the vendor.
async fn wait_until(due: Instant) {
    if let Some(early) = due.checked_sub(WAKE_EARLY)
        && early > Instant::now()
    {
        tokio::time::sleep_until(early.into()).await;
    }
    while Instant::now() < due {
        tokio::task::yield_now().await;
    }
}

/// Runs one environment's sender until `stop` turns true, then waits for the requests in
/// flight (their answers are recorded) and returns.
pub async fn run(
    pool: Pool,
    client: EltClient,
    settings: SenderSettings,
    instance: Uuid,
    metrics: Arc<Metrics>,
    wake: Arc<tokio::sync::Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let pacer = Arc::new(Mutex::new(PacerConn {
        url: pool.url().to_owned(),
        session: None,
        lock_key: db::pacer_lock_key(&settings.environment),
    }));
    let slots = Arc::new(Semaphore::new(settings.max_in_flight));
    let mut tasks = tokio::task::JoinSet::new();
    let mut failures: u32 = 0;
    let mut ahead = None;
    while !*stop.borrow() {
        while tasks.try_join_next().is_some() {}
        let backoff = Duration::from_millis(200 * u64::from(failures.min(25)));
        match turn_once(
            &pool, &client, &settings, instance, &metrics, &pacer, &slots, &mut tasks, &stop,
            &mut ahead,
        )
        .await
        {
            Ok(true) => failures = 0,
            Ok(false) => {
                failures = 0;
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(code = e.code(), environment = %settings.environment, "sender: database unavailable, retrying");
                tokio::select! {
                    _ = tokio::time::sleep(backoff.max(Duration::from_millis(200))) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// `at` moved by `secs` (either way); `None` only if the monotonic clock cannot go back that
/// far.
fn shifted(at: Instant, secs: f64) -> Option<Instant> {
    let by = Duration::try_from_secs_f64(secs.abs()).ok()?;
    if secs >= 0.0 {
        at.checked_add(by)
    } else {
        at.checked_sub(by)
    }
}

/// A connection to FK opened ahead of the turn, and when.
pub(crate) struct Ahead {
    connection: assistid_elt::PreparedConnection,
    opened: Instant,
}

/// One turn: `Ok(true)` when a request was started, `Ok(false)` when nothing was due.
#[allow(clippy::too_many_arguments)]
async fn turn_once(
    pool: &Pool,
    client: &EltClient,
    settings: &SenderSettings,
    instance: Uuid,
    metrics: &Arc<Metrics>,
    pacer: &Arc<Mutex<PacerConn>>,
    slots: &Arc<Semaphore>,
    tasks: &mut tokio::task::JoinSet<()>,
    stop: &watch::Receiver<bool>,
    ahead: &mut Option<Ahead>,
) -> Result<bool, DbError> {
    let Ok(permit) = slots.clone().acquire_owned().await else {
        return Ok(false);
    };
    if !queue::has_due(pool, &settings.environment, settings.max_sends_per_hour).await? {
        return Ok(false);
    }
    if *stop.borrow() {
        return Ok(false);
    }
    // Open TCP and TLS before waiting for the turn (while another instance, or this one's
    // previous request, has it): the handshake is off the critical path. A failure here
    // sent nothing and claimed nothing.
    let connection = match ahead.take() {
        Some(open) if open.opened.elapsed() < FRESH_FOR => open,
        _ => match client.connect().await {
            Ok(connection) => Ahead {
                connection,
                opened: Instant::now(),
            },
            Err(e) => {
                tracing::warn!(code = e.code(), environment = %settings.environment, "FK connection could not be opened");
                metrics.connect_failure();
                tokio::time::sleep(Duration::from_secs(1)).await;
                return Ok(false);
            }
        },
    };
    let turn = Turn::acquire(pacer, &settings.environment).await?;
    if *stop.borrow() {
        turn.release().await;
        return Ok(false);
    }
    // Claim and book the start in one round trip, as soon as the turn is ours: the wait
    // until the start covers it.
    let asked = Instant::now();
    let (claimed, remaining_secs) = match turn.claim(settings, instance).await {
        Ok(Some(claim)) => claim,
        Ok(None) => {
            turn.release().await;
            *ahead = Some(connection);
            return Ok(false);
        }
        Err(e) => {
            turn.release().await;
            return Err(e);
        }
    };
    // `remaining_secs` is the booked start minus PostgreSQL's clock read somewhere between
    // `asked` and `answered`: from `answered + remaining` on, PostgreSQL's clock has passed
    // the booked start (`due`), and a request leaving at `t` left at most `t - anchor` after
    // it, with `anchor = asked + remaining_secs`. Clock probes while the start comes due
    // (the turn is ours, the wait is idle) may give a later anchor and an earlier due: the
    // probe with the shortest round trip bounds best, as in NTP.
    let answered = Instant::now();
    let mut anchor = shifted(asked, remaining_secs);
    let mut due = shifted(answered, remaining_secs.max(0.0)).unwrap_or(answered);
    let remaining = due.saturating_duration_since(answered);
    for _ in 0..PROBES {
        let asked = Instant::now();
        if asked + PROBE_ROOM >= due {
            break;
        }
        let Some(secs) = turn.booked_minus_now().await else {
            break;
        };
        let answered = Instant::now();
        if let Some(probe) = shifted(asked, secs) {
            anchor = Some(anchor.map_or(probe, |a| a.max(probe)));
        }
        if let Some(probe) = shifted(answered, secs.max(0.0)) {
            due = due.min(probe);
        }
        if Instant::now() + PROBE_EVERY + PROBE_ROOM < due {
            tokio::time::sleep(PROBE_EVERY).await;
        }
    }
    let connection = if connection.opened.elapsed() + remaining < FRESH_FOR {
        connection.connection
    } else {
        // Too old by the start (waited long for the turn): open a new one while the turn
        // comes due; if that fails, the claim goes back to the queue (nothing was sent).
        drop(connection);
        match client.connect().await {
            Ok(connection) => connection,
            Err(e) => {
                tracing::warn!(code = e.code(), environment = %settings.environment, "FK connection could not be opened");
                metrics.connect_failure();
                let pool = pool.clone();
                tasks.spawn(async move {
                    record_until_stored(&pool, &claimed, &not_sent()).await;
                });
                turn.release().await;
                tokio::time::sleep(Duration::from_secs(1)).await;
                return Ok(false);
            }
        }
    };
    // Logged before the wait: nothing between the wait's end and the request's start.
    tracing::info!(code = "fk_request", submission = %claimed.id, installation = %claimed.installation_id, attempt = claimed.attempt, environment = %settings.environment, "sending to FK");
    let (sent_tx, sent_rx) = tokio::sync::oneshot::channel::<(chrono::DateTime<Utc>, Instant)>();
    // Releases the turn once the request has left (or failed before leaving).
    let release_pool = pool.clone();
    let release_claimed = claimed.clone();
    let release_metrics = metrics.clone();
    tasks.spawn(async move {
        let sent = sent_rx.await.ok();
        if let Some((_, left)) = sent {
            // Counted as soon as the request has left: FK's answer (and the accepted state)
            // can be recorded before the pacer's second write below returns.
            release_metrics.request_started();
            // Without an anchor, PostgreSQL's clock after the send is the bound.
            let after_booked = anchor.map_or(Duration::from_secs(3600), |a| {
                left.saturating_duration_since(a)
            });
            turn.finish(Some(after_booked)).await;
        } else {
            turn.release().await;
        }
        if let Some((at, _)) = sent {
            let _ = queue::mark_sent(&release_pool, &release_claimed, at).await;
        }
    });
    let pool = pool.clone();
    let metrics = metrics.clone();
    // The request's own task waits for its start and sends: no hand-over between the end of
    // the wait and the write.
    tasks.spawn(async move {
        let envelope = claimed.envelope.clone();
        wait_until(due).await;
        let started = Instant::now();
        let sent_slot = Arc::new(std::sync::Mutex::new(None));
        let sent_in_callback = sent_slot.clone();
        let attempt = connection
            .submit_envelope(envelope, move || {
                let left = Instant::now();
                let now = Utc::now();
                if let Ok(mut slot) = sent_in_callback.lock() {
                    *slot = Some(now);
                }
                let _ = sent_tx.send((now, left));
            })
            .await;
        let latency = started.elapsed();
        let record = attempt.record(Utc::now());
        let mut outcome = classify(attempt.outcome, record, claimed.attempt);
        outcome.sent_at = sent_slot.lock().ok().and_then(|slot| *slot);
        metrics.answered(outcome.outcome, latency);
        tracing::info!(code = "fk_answer", submission = %claimed.id, attempt = claimed.attempt, outcome = outcome.outcome, error_code = outcome.error_code.as_deref().unwrap_or(""), state = outcome.state.as_str(), "FK answered");
        record_until_stored(&pool, &claimed, &outcome).await;
        drop(permit);
    });
    Ok(true)
}

/// Stores an outcome, retrying while PostgreSQL is away (a restart): an answer is never
/// dropped while the process lives.
async fn record_until_stored(pool: &Pool, claimed: &Claimed, outcome: &Outcome) {
    let mut wait = Duration::from_millis(100);
    loop {
        match queue::record_outcome(pool, claimed, outcome).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(code = e.code(), submission = %claimed.id, "answer not stored yet, retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// The outcome of a claimed submission whose request never started.
fn not_sent() -> Outcome {
    Outcome {
        state: State::Queued,
        outcome: "not_sent",
        error_code: Some("relay_turn_lost".to_owned()),
        tx_id: None,
        record: None,
        retry_in_secs: None,
        sent_at: None,
    }
}

/// What an attempt's result means for the queue.
pub fn classify(
    outcome: Result<assistid_elt::TxId, assistid_elt::EltError>,
    record: Option<ResponseRecord>,
    attempt: i32,
) -> Outcome {
    match outcome {
        Ok(tx) => Outcome {
            state: State::Accepted,
            outcome: "accepted",
            error_code: None,
            tx_id: Some(tx.as_uuid()),
            record,
            retry_in_secs: None,
            sent_at: None,
        },
        Err(error) => {
            let code = Some(error.code().to_owned());
            match error.disposition() {
                Disposition::Rejected => Outcome {
                    state: State::Rejected,
                    outcome: "rejected",
                    error_code: code,
                    tx_id: None,
                    record,
                    retry_in_secs: None,
                    sent_at: None,
                },
                Disposition::Uncertain => Outcome {
                    state: State::Uncertain,
                    outcome: "uncertain",
                    error_code: code,
                    tx_id: None,
                    record,
                    retry_in_secs: None,
                    sent_at: None,
                },
                Disposition::Configuration => Outcome {
                    state: State::FailedWillRetry,
                    outcome: "configuration",
                    error_code: code,
                    tx_id: None,
                    record,
                    retry_in_secs: Some(60),
                    sent_at: None,
                },
                // Transient, and anything a newer client adds: certainly not received.
                _ => {
                    let backoff = 1i64 << attempt.clamp(1, 8);
                    let asked = record
                        .as_ref()
                        .and_then(|_| error_retry_after(&error))
                        .unwrap_or(0);
                    Outcome {
                        state: State::FailedWillRetry,
                        outcome: "transient",
                        error_code: code,
                        tx_id: None,
                        record,
                        retry_in_secs: Some(backoff.max(asked).min(300)),
                        sent_at: None,
                    }
                }
            }
        }
    }
}

fn error_retry_after(error: &assistid_elt::EltError) -> Option<i64> {
    match error {
        assistid_elt::EltError::ServiceUnavailable {
            retry_after_secs: Some(secs),
            ..
        } => i64::try_from(*secs).ok(),
        _ => None,
    }
}

/// Renews this instance's lease and turns lost instances' `sending` rows `uncertain`, every
/// third of the lease, until `stop`.
pub async fn lease_loop(
    pool: Pool,
    instance: Uuid,
    lease_secs: u64,
    mut stop: watch::Receiver<bool>,
) {
    let period = Duration::from_millis((lease_secs * 1000 / 3).max(100));
    while !*stop.borrow() {
        match queue::heartbeat(&pool, instance).await {
            Ok(()) => {
                if let Err(e) = queue::recover_lost(&pool, lease_secs).await {
                    tracing::warn!(code = e.code(), "recovery of lost instances failed");
                }
            }
            Err(e) => tracing::warn!(code = e.code(), "lease not renewed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = stop.changed() => {}
        }
    }
}
