//! The paced sending run: one sender per data folder, the pacer's turns, retries with backoff, and
//! why a run stops early.

use std::collections::VecDeque;
use std::time::Duration;

use assistid_core::model::ReportMonth;
use assistid_core::text::{Lang, Param, Text};
use assistid_elt::{EltError, SubmitAttempt};
use assistid_store::{LastRequest, SenderLock};
use assistid_store::{SubmissionId, SubmissionState};
use serde::Serialize;
use tokio::task::JoinSet;

use crate::{App, AppError};

use super::connection::EltConnection;
use super::pacer::{Pacer, PacerPermit};
use super::{Clock, SubmissionView, SubmitSummary, pacer, templates};

/// When and how often a transient failure is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per submission and run, the first included.
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles for each further attempt.
    pub base_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// Transient failures (FK unavailable, no connection) after which a run stops; what is
    /// left waits for the next run. FK's service being away is not helped by knocking more.
    pub max_transient_per_run: u32,
}

impl Default for RetryPolicy {
    /// Five attempts, waiting about 2, 4, 8 and 16 seconds; at most ten transient failures per
    /// run.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            max_transient_per_run: 10,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based): exponential, capped, with jitter
    /// (between half and all of it, so many clients do not retry in step), and at least what
    /// FK asked for in `Retry-After` (at most [`assistid_elt::client::MAX_RETRY_AFTER_SECS`]).
    pub fn delay(&self, attempt: u32, retry_after_secs: Option<u64>) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let half = full / 2;
        let jitter = if half.is_zero() {
            Duration::ZERO
        } else {
            half.mul_f64(rand::random::<f64>())
        };
        // The ELT client clamps `Retry-After` already; a stored or hand-made value is clamped
        // again, so no wait is longer than an hour.
        let asked = Duration::from_secs(
            retry_after_secs
                .unwrap_or(0)
                .min(assistid_elt::client::MAX_RETRY_AFTER_SECS),
        );
        (half + jitter).max(asked)
    }
}

/// The outcome of one spawned request.
pub(super) type Finished = (SubmissionId, u32, SubmitAttempt);

/// How often a sender waiting for another program's run tries the folder's lock again.
pub const SENDER_LOCK_POLL: Duration = Duration::from_millis(200);

/// What a sending run did ([`App::send_run`]).
#[derive(Debug, Clone, Serialize)]
pub struct SendRun {
    /// The submissions of this run, in the order they reached their state.
    pub results: Vec<SubmissionView>,
    /// Why the run stopped before sending everything, if it did.
    pub stopped: Option<RunStop>,
}

/// Why a run stopped early: nothing more was started, and the rest stays queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunStop {
    /// A stable code: the error's code (`elt_not_fk_service`, `elt_client_certificate_rejected`,
    /// …) or `too_many_transient_failures`.
    pub code: &'static str,
    /// What happened, what to check and what happens to the rest, in Swedish.
    pub message: String,
    /// The message as a text, to render in the user's language.
    #[serde(skip)]
    pub text: Text,
    /// Reports of the run that were not sent (they stay in the queue).
    pub left_in_queue: usize,
}

impl RunStop {
    pub(super) fn new(code: &'static str, text: Text, left_in_queue: usize) -> Self {
        Self {
            code,
            message: text.render(Lang::Sv),
            text,
            left_in_queue,
        }
    }

    pub(super) fn configuration(error: &EltError, left_in_queue: usize) -> Self {
        Self::new(
            error.code(),
            templates::RUN_STOPPED_CONFIGURATION
                .with("error", Text::untranslated(error.code(), error.to_string()))
                .with("queue", queue_note(left_in_queue)),
            left_in_queue,
        )
    }

    pub(super) fn too_many_transient(failures: u32, left_in_queue: usize) -> Self {
        Self::new(
            "too_many_transient_failures",
            templates::RUN_STOPPED_TRANSIENT
                .with("failures", failures)
                .with("queue", queue_note(left_in_queue)),
            left_in_queue,
        )
    }
}

pub(super) fn queue_note(left: usize) -> Param {
    match left {
        0 => Param::Plain(String::new()),
        1 => Param::Text(templates::QUEUE_ONE.text()),
        n => Param::Text(templates::QUEUE_MANY.with("count", n)),
    }
}

/// The request committed as `sending` whose departure is still to be noted.
pub(super) struct Departing {
    pub(super) id: SubmissionId,
    pub(super) attempt: u32,
    pub(super) left: tokio::sync::oneshot::Receiver<tokio::time::Instant>,
}

/// When the departing request left (`Err` when it never did).
pub(super) async fn departure(
    departing: &mut Option<Departing>,
) -> Result<tokio::time::Instant, tokio::sync::oneshot::error::RecvError> {
    match departing {
        Some(d) => (&mut d.left).await,
        None => std::future::pending().await,
    }
}

/// The next request, holding the pacer's turn: its connection is being opened while the
/// start comes due; its `sending` state is committed [`PacingConfig::commit_lead`] before.
pub(super) struct Reserved {
    pub(super) id: SubmissionId,
    pub(super) envelope: Vec<u8>,
    pub(super) slot: PacerPermit,
    pub(super) turn: pacer::StartTurn,
    pub(super) connecting:
        tokio::task::JoinHandle<Result<assistid_elt::PreparedConnection, EltError>>,
}

pub(super) async fn sleep_until_or_forever(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl App {
    /// Sends the given submissions through `pacer`, committing every transition; calls
    /// `progress(done, total, view)` as each one reaches its state for this run. Returns the
    /// views in the order they finished. See [`App::send_run`], which also says why a run
    /// stopped early.
    pub async fn send_submissions(
        &self,
        connection: &EltConnection,
        ids: &[SubmissionId],
        pacer: &Pacer,
        retry: &RetryPolicy,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<Vec<SubmissionView>> {
        Ok(self
            .send_run(connection, ids, pacer, retry, clock, progress)
            .await?
            .results)
    }

    /// Waits until this process is the data folder's only sender ([`SenderLock`]), polling
    /// every [`SENDER_LOCK_POLL`]; another program's run ends within minutes.
    pub(super) async fn become_sender(&self) -> anyhow::Result<SenderLock> {
        let mut told = false;
        loop {
            if let Some(lock) = SenderLock::try_acquire(&self.data_dir).map_err(AppError::from)? {
                return Ok(lock);
            }
            if !told {
                tracing::info!("another program is sending from this data folder; waiting");
                told = true;
            }
            tokio::time::sleep(SENDER_LOCK_POLL).await;
        }
    }

    /// Sends the given submissions as the data folder's one sender, through `pacer`,
    /// committing every transition; calls `progress(done, total, view)` as each one reaches
    /// its state for this run.
    ///
    /// - First the folder's [`SenderLock`] is taken (waiting while another program sends), and
    ///   rows a dead sender left `sending` become `uncertain`.
    /// - Before every send, under that lock, the last request's departure is read from the
    ///   database and FK's interval is kept after it; each request's departure is noted in the
    ///   database before the next one may start.
    /// - An answer that means "not received — configuration" (a wrong address, a certificate
    ///   FK has not enrolled, a TLS alert) stops the run: nothing more is started, the rest
    ///   stays queued, and [`SendRun::stopped`] says what to check. So does reaching
    ///   [`RetryPolicy::max_transient_per_run`] transient failures.
    pub async fn send_run(
        &self,
        connection: &EltConnection,
        ids: &[SubmissionId],
        pacer: &Pacer,
        retry: &RetryPolicy,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SendRun> {
        let _sender = self.become_sender().await?;
        // Holding the lock: every `sending` row was left by a program that died.
        self.recover_interrupted_submissions(clock())?;
        let names = self.names()?;
        let total = ids.len();
        let mut waiting: VecDeque<(SubmissionId, Option<tokio::time::Instant>)> =
            ids.iter().map(|id| (*id, None)).collect();
        let mut in_flight: JoinSet<Finished> = JoinSet::new();
        let mut next: Option<(SubmissionId, Vec<u8>)> = None;
        // The request whose turn it is: its connection opening, its commit not yet done.
        let mut reserved: Option<Reserved> = None;
        // The request committed and on its way out: its departure is noted in the database
        // before the next request may be reserved.
        let mut departing: Option<Departing> = None;
        let mut stopped: Option<RunStop> = None;
        let mut transient_failures: u32 = 0;
        let lead = pacer.config().commit_lead();
        let spacing = pacer.config().spacing();
        let mut results = Vec::with_capacity(total);
        let mut finish = |view: SubmissionView, results: &mut Vec<SubmissionView>| {
            results.push(view);
            if let Some(last) = results.last() {
                progress(results.len(), total, last);
            }
        };
        loop {
            if stopped.is_some() {
                // Nothing more starts; what is in flight finishes and is recorded.
                next = None;
                if let Some(r) = reserved.take() {
                    r.connecting.abort();
                }
                waiting.clear();
            }
            // Check and build the next request before waiting for the pacer, so the time
            // between a granted start and the request leaving is short and steady.
            if next.is_none() && stopped.is_none() {
                let instant = tokio::time::Instant::now();
                if let Some(pos) = waiting
                    .iter()
                    .position(|(_, due)| due.is_none_or(|t| t <= instant))
                {
                    let Some((id, _)) = waiting.remove(pos) else {
                        continue;
                    };
                    let submission = self
                        .store()
                        .submission(id)
                        .map_err(AppError::from)?
                        .ok_or_else(|| {
                            AppError::missing_text(
                                crate::error::templates::SUBMISSION_MISSING
                                    .with("id", id.to_string()),
                            )
                        })?;
                    if !matches!(
                        submission.state,
                        SubmissionState::Queued | SubmissionState::FailedWillRetry
                    ) {
                        finish(self.view(&submission, &names)?, &mut results);
                        continue;
                    }
                    match self.envelope_for(&submission, connection, clock())? {
                        Ok(envelope) => next = Some((id, envelope)),
                        Err(problem) => {
                            let now = clock();
                            let failed =
                                self.store().transaction(|store| -> anyhow::Result<_> {
                                    let failed = store
                                        .fail_submission_before_sending(
                                            id,
                                            problem.code,
                                            (
                                                &problem.reason,
                                                Some(&crate::stored_text::stored(&problem.text)),
                                            ),
                                            now,
                                        )
                                        .map_err(AppError::from)?;
                                    self.log_event(
                                        now,
                                        "submission_failed_final",
                                        Some(failed.report_id),
                                        serde_json::json!({
                                            "submission": id.get(),
                                            "error_code": problem.code,
                                        }),
                                    )?;
                                    Ok(failed)
                                })?;
                            tracing::warn!(
                                submission = id.get(),
                                code = problem.code,
                                "submission stopped before sending"
                            );
                            finish(self.view(&failed, &names)?, &mut results);
                        }
                    }
                    continue;
                }
            }
            if next.is_none()
                && reserved.is_none()
                && departing.is_none()
                && waiting.is_empty()
                && in_flight.is_empty()
            {
                break;
            }
            let earliest_retry = waiting.iter().filter_map(|(_, due)| *due).min();
            let commit_at = reserved.as_ref().map(|r| {
                r.turn
                    .due()
                    .checked_sub(lead)
                    .unwrap_or_else(tokio::time::Instant::now)
            });
            tokio::select! {
                // Starting on time comes first: a result waiting a few milliseconds to be
                // committed changes nothing, a late start lowers the rate for good.
                biased;
                () = sleep_until_or_forever(commit_at), if reserved.is_some() => {
                    let Some(Reserved { id, envelope, slot, turn, connecting }) = reserved.take()
                    else {
                        continue;
                    };
                    // Committed before the request starts: a crash from here on leaves
                    // `sending`, which becomes `uncertain` at the next start.
                    let now = clock();
                    let attempt = self.store().transaction(|store| -> anyhow::Result<_> {
                        let attempt = store
                            .begin_submission_attempt(id, now)
                            .map_err(AppError::from)?;
                        self.log_event(
                            now,
                            "submission_sending",
                            None,
                            serde_json::json!({ "submission": id.get(), "attempt": attempt }),
                        )?;
                        Ok(attempt)
                    })?;
                    tracing::info!(submission = id.get(), attempt, "submission sending");
                    let (left_tx, left_rx) = tokio::sync::oneshot::channel();
                    departing = Some(Departing { id, attempt, left: left_rx });
                    in_flight.spawn(async move {
                        let sent = match connecting.await {
                            Ok(Ok(ready)) => {
                                turn.wait().await;
                                // The spacing to the next request counts from the moment
                                // this one left (or, when it never did, from the previous);
                                // the departure is noted in the database first.
                                ready
                                    .submit_envelope(envelope, move || {
                                        let _ = left_tx.send(tokio::time::Instant::now());
                                        turn.sent_now();
                                    })
                                    .await
                            }
                            // Nothing was sent: the turn passes on unused.
                            Ok(Err(error)) => SubmitAttempt {
                                answer: None,
                                outcome: Err(error),
                            },
                            Err(_) => SubmitAttempt {
                                answer: None,
                                outcome: Err(EltError::Unreachable {
                                    reason: "anslutningen avbröts innan rapporten skickades"
                                        .to_owned(),
                                }),
                            },
                        };
                        drop(slot);
                        (id, attempt, sent)
                    });
                }
                left = departure(&mut departing), if departing.is_some() => {
                    if let Some(Departing { id, attempt, .. }) = departing.take()
                        && let Ok(at) = left
                    {
                        // The wall-clock moment it left: now, less the time since.
                        let now = clock();
                        let ago = chrono::Duration::from_std(
                            tokio::time::Instant::now().saturating_duration_since(at),
                        )
                        .unwrap_or_default();
                        let left_at = now.checked_sub_signed(ago).unwrap_or(now);
                        self.store()
                            .mark_attempt_sent(id, attempt, left_at)
                            .map_err(AppError::from)?;
                    }
                }
                (slot, mut turn) = pacer.reserve(),
                    if next.is_some() && reserved.is_none() && departing.is_none() => {
                    if let Some((id, envelope)) = next.take() {
                        // FK counts calls, not programs: read under the sender lock, before
                        // every send, when this folder's last request left (another run's,
                        // a crashed program's, or this run's own) and keep the interval.
                        let now = clock();
                        match self.store().last_request().map_err(AppError::from)? {
                            Some(LastRequest::Ended(at)) => turn.not_before(at, now),
                            None => {}
                            // In flight and not yet noted as sent: it may leave any moment.
                            Some(_) => turn.not_before(now, now),
                        }
                        // TCP and TLS are opened while the turn comes due, so only the
                        // request itself is written when it does — starting a quarter spacing
                        // after the previous request left, so the server's handshake work does
                        // not compete with its reading of that request.
                        let client = connection.client().clone();
                        let connect_at = turn.due().checked_sub(spacing * 3 / 4);
                        let connecting = tokio::spawn(async move {
                            if let Some(at) = connect_at {
                                tokio::time::sleep_until(at).await;
                            }
                            client.connect().await
                        });
                        reserved = Some(Reserved { id, envelope, slot, turn, connecting });
                    }
                }
                Some(joined) = in_flight.join_next(), if !in_flight.is_empty() => {
                    // A panicked task leaves its row `sending`: uncertain at the next start,
                    // which is the truth (we do not know whether it reached FK).
                    let (id, attempt, sent) = joined
                        .map_err(|e| anyhow::anyhow!("ett sändningsjobb avbröts: {e}"))?;
                    let (saved, again) = self.record_attempt(id, attempt, &sent, retry, clock)?;
                    if let Err(error) = &sent.outcome {
                        if error.is_configuration() && stopped.is_none() {
                            stopped = Some(RunStop::configuration(error, waiting.len()));
                        } else if error.is_retryable() {
                            transient_failures += 1;
                            if transient_failures >= retry.max_transient_per_run
                                && stopped.is_none()
                            {
                                stopped = Some(RunStop::too_many_transient(
                                    transient_failures,
                                    waiting.len() + usize::from(again.is_some()),
                                ));
                            }
                        }
                    }
                    match again {
                        Some(wait) if stopped.is_none() => {
                            waiting.push_back((id, Some(tokio::time::Instant::now() + wait)));
                        }
                        _ => finish(self.view(&saved, &names)?, &mut results),
                    }
                }
                () = sleep_until_or_forever(earliest_retry), if next.is_none() && earliest_retry.is_some() => {}
                // Unreachable by construction (something is always in flight, ready or due);
                // never spin.
                else => break,
            }
        }
        if let Some(stop) = &stopped {
            tracing::warn!(code = stop.code, "submission run stopped early");
        }
        Ok(SendRun { results, stopped })
    }

    /// Queues the month's ready reports for the connection's environment and sends them (and
    /// earlier queued ones of the month) on a runtime of its own. Blocks until every
    /// submission of the run has reached a state; `progress` is called as each does.
    pub fn submit_month(
        &self,
        month: ReportMonth,
        connection: &EltConnection,
        pacer: &Pacer,
        retry: &RetryPolicy,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SubmitSummary> {
        let run = self.queue_run(month, connection.environment(), clock())?;
        self.send_summary(&run, connection, pacer, retry, clock, progress)
    }

    /// Whether another program (the desktop app, another `assistid submit`) is sending from
    /// this data folder right now: it holds the folder's [`SenderLock`]. A snapshot, for telling
    /// the user why a run is about to wait; [`App::send_run`] waits for the lock by itself.
    pub fn another_program_is_sending(&self) -> anyhow::Result<bool> {
        Ok(SenderLock::is_held(&self.data_dir).map_err(AppError::from)?)
    }
}

/// Runs a sending run to its end on a runtime of its own: [`App::submit_month`] and
/// [`App::submit_month_via_relay`], the blocking forms for synchronous callers.
pub(crate) fn run_to_end<F: std::future::Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("kunde inte starta sändningen: {e}"))?;
    Ok(runtime.block_on(future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_waits_grow_and_stay_within_bounds() {
        let policy = RetryPolicy::default();
        for attempt in 1..=8 {
            let wait = policy.delay(attempt, None);
            let full = (policy.base_delay * 2u32.pow(attempt - 1)).min(policy.max_delay);
            assert!(
                wait >= full / 2 && wait <= full,
                "attempt {attempt}: {wait:?} must lie between half and all of {full:?}"
            );
        }
        assert!(
            policy.delay(1, Some(30)) >= Duration::from_secs(30),
            "FK's Retry-After is honoured"
        );
        assert!(
            policy.delay(1, Some(u64::MAX)) <= Duration::from_secs(60 * 60),
            "an absurd Retry-After waits at most an hour"
        );
    }
}
