//! Submitting to FK from the window: the month's ready reports are queued in the durable
//! outbox (by the app crate) and sent by a background task at FK's pace, with every state
//! change sent as the `submission-progress` event. The task has its own connection to the
//! database, so the window stays responsive while it runs; one run at a time. A folder
//! enrolled with the vendor's relay sends through it ([`send_run`]); the queue says so
//! (`relay_address`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use assistid_app::App;
use assistid_app::send_run::{QueuedRun, send_on_own_connection};
use assistid_app::submit::{RelayFollow, SendingMode, SubmissionId, SubmissionView};
use chrono::Utc;
use tauri::{AppHandle, Emitter as _};

use crate::ipc::{self, IpcError};
use crate::shell::Shell;

/// Whether a run is sending.
#[derive(Debug, Default)]
pub struct SubmissionDesk {
    running: AtomicBool,
}

/// Clears the running flag when the task ends, however it ends.
struct Running<'a>(&'a AtomicBool);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl SubmissionDesk {
    /// Whether a run is sending now.
    pub fn running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// Marks a run as started (the data folder cannot be switched until [`Self::end`]);
    /// `submission_running` if one already is.
    pub fn begin(&self) -> Result<(), IpcError> {
        self.running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .map(|_| ())
            .map_err(|_| {
                IpcError::shell(
                    "submission_running",
                    &crate::ipc::shell_texts::SUBMISSION_RUNNING.text(),
                )
            })
    }

    /// Marks the run as ended.
    pub fn end(&self) {
        self.running.store(false, Ordering::SeqCst);
    }

    /// Queues the month's ready reports and starts sending them; returns the queue at once.
    pub async fn submit(
        self: &Arc<Self>,
        handle: AppHandle,
        shell: &Shell,
        month: String,
    ) -> Result<ipc::SubmissionQueue, IpcError> {
        self.begin()?;
        let queued = shell
            .run(move |app| {
                let month = crate::convert::month(&month)?;
                // The data folder's environment (demo for demo data); queueing refuses demo
                // data for a real FK and real data for the fake. The run sends from the folder
                // it queued in.
                let run = app.queue_run(month, app.default_environment()?, Utc::now())?;
                match run.nothing_to_send() {
                    Some(refusal) => Err(refusal.into()),
                    None => Ok(run),
                }
            })
            .await;
        let run = match queued {
            Ok(run) => run,
            Err(e) => {
                self.end();
                return Err(e);
            }
        };
        let keys = shell.keys();
        let task_handle = handle.clone();
        let desk = Arc::clone(self);
        tauri::async_runtime::spawn_blocking(move || {
            let _running = Running(&desk.running);
            if let Err(e) = send(&task_handle, &run, keys) {
                let err = IpcError::from(e);
                tracing::error!(code = %err.code, "submission run stopped");
                let _ = task_handle.emit(ipc::EVENT_SUBMISSION_FAILED, err);
            }
            crate::events::progress(&task_handle, "submission", 1, 1);
        });
        self.queue(shell).await
    }

    /// Every submission, newest first.
    pub async fn queue(&self, shell: &Shell) -> Result<ipc::SubmissionQueue, IpcError> {
        let running = self.running();
        shell
            .run(move |app| {
                let mut items: Vec<ipc::SubmissionItem> =
                    app.submissions(None)?.iter().map(item).collect();
                items.reverse();
                let relay_address = match app.sending_mode()? {
                    SendingMode::Relay => app.relay_address()?,
                    SendingMode::Direct => None,
                };
                Ok(ipc::SubmissionQueue {
                    items,
                    rate_per_second: 1,
                    running,
                    relay_address,
                })
            })
            .await
    }
}

/// The sending run, on its own database connection (the app's use case), with every state
/// change sent to the window.
fn send(handle: &AppHandle, run: &QueuedRun, keys: assistid_app::KeySource) -> anyhow::Result<()> {
    let total = run.ids.len();
    let mut progress = |done: usize, _total: usize, view: &SubmissionView| {
        if let Err(e) = handle.emit(ipc::EVENT_SUBMISSION, item(view)) {
            tracing::warn!(error = %e, "submission event not delivered");
        }
        crate::events::progress(
            handle,
            "submission",
            u32::try_from(done).unwrap_or(u32::MAX),
            u32::try_from(total).unwrap_or(u32::MAX),
        );
    };
    send_run(run, keys, &RelayFollow::default(), &mut progress)
}

/// Sends the queued `run` on a database connection of its own, the way the folder sends:
/// through the vendor's relay when it is enrolled there (the relay paces FK for the whole
/// vendor; `follow` says how long each report is followed there before it is left
/// `uncertain` with the relay's id), else straight to FK at FK's pace with the folder's own
/// certificate (the demo's FK in the demo folder, started here at the edge). Then a backup; a
/// run that stopped (a wrong address, a certificate FK has not enrolled) is an error saying
/// what to check, the rest stays queued.
pub fn send_run(
    run: &QueuedRun,
    keys: assistid_app::KeySource,
    follow: &RelayFollow,
    progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
) -> anyhow::Result<()> {
    // In the demo folder the demo's FK runs for as long as this run does.
    let (sent, fk) = send_on_own_connection(
        run,
        keys,
        &Utc::now,
        follow,
        |app| crate::demo_fk::FkLink::connect(app, run.environment),
        progress,
    )?;
    if let Some(violations) = fk.as_ref().and_then(|fk| fk.demo_rate_violations()) {
        // The pacing as the demo's FK measured it (a count, nothing personal).
        tracing::info!(
            violations,
            "demo FK: requests closer together than FK allows"
        );
    }
    drop(fk);
    // A wrong address or a certificate FK has not enrolled stops the run: the window shows
    // what to check (the rest stays queued).
    match sent.stopped_error() {
        Some(stop) => Err(stop.into()),
        None => Ok(()),
    }
}

/// FK's raw answers for one submission, attempt by attempt.
pub fn raw_answer(app: &App, submission_id: &str) -> anyhow::Result<ipc::RawFkAnswer> {
    let id: i64 = submission_id.parse().map_err(|_| {
        IpcError::invalid(
            "inskickning",
            format!("{submission_id} är inget inskicknings-id"),
        )
    })?;
    let attempts = app
        .submission_attempts(SubmissionId::new(id))?
        .into_iter()
        .map(|a| ipc::RawAttempt {
            attempt: a.attempt,
            started_at: a.started_at.to_rfc3339(),
            outcome: a.outcome.code().to_owned(),
            raw_answer: a
                .answer
                .as_deref()
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned()),
        })
        .collect();
    Ok(ipc::RawFkAnswer {
        submission_id: submission_id.to_owned(),
        attempts,
    })
}

/// One outbox row as the UI shows it.
pub fn item(view: &SubmissionView) -> ipc::SubmissionItem {
    ipc::SubmissionItem {
        submission_id: view.id.to_string(),
        report_id: view.report_id.clone(),
        version: view.report_version,
        month: view.month.clone(),
        person_name: view.person.clone(),
        assistant_name: view.assistant.clone(),
        state: ipc::SubmissionState::from_code(view.state),
        attempts: view.attempts,
        tx_id: view.tx_id.clone(),
        fk_message: view.fk_message.clone(),
        explanation: view.message.clone(),
        next_attempt_at: view.next_attempt_at.map(|t| t.to_rfc3339()),
    }
}
