//! Submitting to FK from the window: the month's ready reports are queued in the durable
//! outbox (by the app crate) and sent by a background task at FK's pace, with every state
//! change sent as the `submission-progress` event. The task has its own connection to the
//! database, so the window stays responsive while it runs; one run at a time.

use std::sync::atomic::{AtomicBool, Ordering};

use assistid_app::App;
use assistid_app::submit::{
    Environment, Pacer, PacingConfig, RetryPolicy, SubmissionId, SubmissionView,
};
use chrono::Utc;
use tauri::{AppHandle, Emitter as _, Manager as _};

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
        &self,
        handle: AppHandle,
        shell: &Shell,
        month: String,
    ) -> Result<ipc::SubmissionQueue, IpcError> {
        self.begin()?;
        let queued = shell
            .run(move |app| {
                let month = crate::convert::month(&month)?;
                // The data folder's environment (demo for demo data); `queue_month` refuses
                // demo data for a real FK and real data for the fake.
                let environment = app.default_environment()?;
                let (ids, skipped) = app.queue_month(month, environment, Utc::now())?;
                // The run sends from the folder it queued in.
                let data_dir = app.data_dir().to_path_buf();
                Ok((month, ids, skipped, environment, data_dir))
            })
            .await;
        let (month, ids, skipped, environment, data_dir) = match queued {
            Ok(q) => q,
            Err(e) => {
                self.end();
                return Err(e);
            }
        };
        if ids.is_empty() {
            self.end();
            let reasons: Vec<String> = skipped
                .iter()
                .map(|s| format!("{} – {}: {}", s.person, s.assistant, s.reason))
                .collect();
            return Err(IpcError {
                code: "nothing_to_send".to_owned(),
                message: if reasons.is_empty() {
                    format!("Det finns inga rapporter för {month} som är klara att skicka.")
                } else {
                    format!(
                        "Det finns inga rapporter för {month} som är klara att skicka: {}",
                        reasons.join("; ")
                    )
                },
                ..Default::default()
            });
        }
        let keys = shell.keys();
        let task_handle = handle.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let desks = task_handle.state::<crate::Desks>();
            let _running = Running(&desks.submission.running);
            if let Err(e) = send(&task_handle, &data_dir, keys, environment, &ids) {
                let err = IpcError::from(e);
                tracing::error!(code = %err.code, "submission run stopped");
                let _ = task_handle.emit(ipc::EVENT_SUBMISSION_FAILED, err);
            }
            crate::commands::progress(&task_handle, "submission", 1, 1);
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
                Ok(ipc::SubmissionQueue {
                    items,
                    rate_per_second: 1,
                    running,
                })
            })
            .await
    }
}

/// The sending run, on its own database connection. Opening the folder here does not disturb
/// anything: recovery of `sending` rows only happens when no process holds the folder's sender
/// lock, and the run itself takes that lock (waiting while the CLI sends from the same folder).
fn send(
    handle: &AppHandle,
    data_dir: &std::path::Path,
    keys: assistid_app::KeySource,
    environment: Environment,
    ids: &[SubmissionId],
) -> anyhow::Result<()> {
    let app = App::open(data_dir, keys, Utc::now())?;
    // In the demo folder the demo's FK runs for as long as this run does.
    let fk = crate::demo_fk::FkLink::connect(&app, environment)?;
    let pacer = Pacer::new(PacingConfig::default());
    let clock = Utc::now;
    let total = ids.len();
    let mut progress = |done: usize, _total: usize, view: &SubmissionView| {
        if let Err(e) = handle.emit(ipc::EVENT_SUBMISSION, item(view)) {
            tracing::warn!(error = %e, "submission event not delivered");
        }
        crate::commands::progress(
            handle,
            "submission",
            u32::try_from(done).unwrap_or(u32::MAX),
            u32::try_from(total).unwrap_or(u32::MAX),
        );
    };
    let run = assistid_app::signing::block_on(app.send_run(
        fk.connection(),
        ids,
        &pacer,
        &RetryPolicy::default(),
        &clock,
        &mut progress,
    ))??;
    if let Some(violations) = fk.demo_rate_violations() {
        // The pacing as the demo's FK measured it (a count, nothing personal).
        tracing::info!(
            violations,
            "demo FK: requests closer together than FK allows"
        );
    }
    drop(fk);
    // What FK just answered is worth a backup at once (a failure is remembered for the
    // overview, never the run's failure).
    if let Err(e) = app.automatic_backup(
        assistid_app::backup::AutomaticReason::AfterSubmission,
        Utc::now(),
    ) {
        tracing::warn!(code = %IpcError::from(e).code, "backup after the run failed");
    }
    // A wrong address or a certificate FK has not enrolled stops the run: the window shows
    // what to check (the rest stays queued).
    if let Some(stop) = run.stopped {
        return Err(IpcError {
            code: stop.code.to_owned(),
            message: stop.message,
            ..Default::default()
        }
        .into());
    }
    Ok(())
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

/// The UI's state for the outbox's state code.
pub fn state(code: &str) -> ipc::SubmissionState {
    match code {
        "queued" => ipc::SubmissionState::Queued,
        "sending" => ipc::SubmissionState::Sending,
        "accepted" => ipc::SubmissionState::Accepted,
        "rejected" => ipc::SubmissionState::Rejected,
        "failed_will_retry" => ipc::SubmissionState::FailedWillRetry,
        "failed_final" => ipc::SubmissionState::FailedFinal,
        "abandoned" => ipc::SubmissionState::Abandoned,
        // Anything unknown is shown as uncertain: never as sent.
        _ => ipc::SubmissionState::Uncertain,
    }
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
        state: state(view.state),
        attempts: view.attempts,
        tx_id: view.tx_id.clone(),
        fk_message: view.fk_message.clone(),
        explanation: view.message.clone(),
        next_attempt_at: view.next_attempt_at.map(|t| t.to_rfc3339()),
    }
}
