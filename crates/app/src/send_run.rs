//! The send run as one use case, for the CLI and the desktop shell alike: queue a month's ready
//! reports ([`App::queue_run`]), then send them at FK's pace and take the automatic backup
//! after ([`App::send_queued`]), with every submission's new state reported through a callback.
//!
//! The CLI sends on the data folder it has open. The window queues on its open folder and sends
//! from a background task on a database connection of its own ([`send_on_own_connection`]), so
//! the window stays responsive while the run goes on. Which FK the run talks to is the caller's
//! to connect (the demo's fake FK is started at the edge, never here).

use std::path::{Path, PathBuf};

use assistid_core::model::ReportMonth;
use chrono::{DateTime, Utc};

use crate::backup::AutomaticReason;
use crate::submit::{
    Clock, EltConnection, Environment, Pacer, PacingConfig, RelayFollow, RetryPolicy, SendingMode,
    SkippedReport, SubmissionId, SubmissionView, SubmitSummary,
};
use crate::{App, AppError, KeySource};

/// The messages of the send run, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    /// Nothing of the month can be sent, and nothing said why.
    pub static NOTHING_TO_SEND: Template = Template::new(
        "nothing_to_send",
        "Det finns inga rapporter för {month} som är klara att skicka.",
        "There are no reports for {month} that are ready to send.",
    );
    /// Nothing of the month can be sent, with each report's reason.
    pub static NOTHING_TO_SEND_BECAUSE: Template = Template::new(
        "nothing_to_send_because",
        "Det finns inga rapporter för {month} som är klara att skicka: {reasons}",
        "There are no reports for {month} that are ready to send: {reasons}",
    );
}

/// Every template of the send run.
pub static CATALOG: &[&assistid_core::text::Template] = &[
    &templates::NOTHING_TO_SEND,
    &templates::NOTHING_TO_SEND_BECAUSE,
];

/// A month's reports queued for one run ([`App::queue_run`]), not sent yet.
#[derive(Debug, Clone)]
pub struct QueuedRun {
    /// The month.
    pub month: ReportMonth,
    /// The environment the reports were queued for (the data folder's).
    pub environment: Environment,
    /// The submissions to send, in order: the month's new ones and those queued earlier.
    pub ids: Vec<SubmissionId>,
    /// The month's reports not queued, with the reason.
    pub skipped: Vec<SkippedReport>,
    /// The data folder the reports were queued in, which the run sends from.
    data_dir: PathBuf,
}

impl QueuedRun {
    /// The data folder the run sends from.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The refusal for a run with nothing to send (`nothing_to_send`, with every left-out
    /// report's reason), for a caller that refuses such a run (the window); `None` when there
    /// is something to send.
    pub fn nothing_to_send(&self) -> Option<AppError> {
        if !self.ids.is_empty() {
            return None;
        }
        let month = self.month.to_string();
        let text = if self.skipped.is_empty() {
            templates::NOTHING_TO_SEND.with("month", month)
        } else {
            let reasons: Vec<String> = self
                .skipped
                .iter()
                .map(|s| format!("{} – {}: {}", s.person, s.assistant, s.reason))
                .collect();
            templates::NOTHING_TO_SEND_BECAUSE
                .with("month", month)
                .with("reasons", reasons.join("; "))
        };
        Some(AppError::Told {
            code: "nothing_to_send",
            text,
            data_problem: true,
        })
    }
}

/// What a send run did ([`App::send_queued`]): the summary, and the backup taken after it.
#[derive(Debug)]
pub struct SentRun {
    /// The run's summary: what was sent, what was left out, why it stopped early if it did.
    pub summary: SubmitSummary,
    /// The automatic backup after the run: the file written, `None` when none was due, or why
    /// it could not be made (remembered for the overview; never the run's failure).
    pub backup: anyhow::Result<Option<PathBuf>>,
}

impl SentRun {
    /// The refusal for a run that stopped early (a wrong address, a certificate FK has not
    /// enrolled, FK unavailable): its code and what to check; the rest stays queued.
    pub fn stopped_error(&self) -> Option<AppError> {
        self.summary.stopped.as_ref().map(|stop| AppError::Told {
            code: stop.code,
            text: stop.text.clone(),
            data_problem: false,
        })
    }
}

impl App {
    /// Queues `month`'s ready reports for `environment` (refused when it is not the data
    /// folder's: demo data never goes to a real FK, real data never to the demo's); returns the
    /// run to send with [`App::send_queued`] or [`send_on_own_connection`].
    pub fn queue_run(
        &self,
        month: ReportMonth,
        environment: Environment,
        now: DateTime<Utc>,
    ) -> anyhow::Result<QueuedRun> {
        let (ids, skipped) = self.queue_month(month, environment, now)?;
        Ok(QueuedRun {
            month,
            environment,
            ids,
            skipped,
            data_dir: self.data_dir().to_path_buf(),
        })
    }

    /// Sends `run` through `connection` at FK's pace (the default [`PacingConfig`] and
    /// [`RetryPolicy`]) as the data folder's one sender, on a runtime of its own; calls
    /// `progress(done, total, view)` as each submission reaches its state. Then takes the
    /// automatic backup after a submission. Blocks until the run is over.
    pub fn send_queued(
        &self,
        run: &QueuedRun,
        connection: &EltConnection,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SentRun> {
        let pacer = Pacer::new(PacingConfig::default());
        self.send_queued_with(
            run,
            connection,
            &pacer,
            &RetryPolicy::default(),
            clock,
            progress,
        )
    }

    /// [`App::send_queued`] with the pacing and retries given (for tests and benchmarks).
    pub fn send_queued_with(
        &self,
        run: &QueuedRun,
        connection: &EltConnection,
        pacer: &Pacer,
        retry: &RetryPolicy,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SentRun> {
        let summary = self.send_summary(run, connection, pacer, retry, clock, progress)?;
        let backup = self.backup_after_run(clock);
        Ok(SentRun { summary, backup })
    }

    /// Hands `run` to the vendor's relay (the folder is enrolled there: the relay paces FK for
    /// the whole vendor) and follows each report there for as long as `follow` says, on a
    /// runtime of its own; then the automatic backup, as [`App::send_queued`] does.
    pub fn send_queued_via_relay(
        &self,
        run: &QueuedRun,
        follow: &RelayFollow,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SentRun> {
        let endpoint = self.relay_address()?.unwrap_or_default();
        tracing::info!(
            reports = run.ids.len(),
            "sending through the vendor's relay"
        );
        let sent =
            crate::submit::run_to_end(self.send_run_via_relay(&run.ids, follow, clock, progress))??;
        let summary = SubmitSummary {
            month: run.month.to_string(),
            environment: run.environment.as_str().to_owned(),
            endpoint,
            certificate: None,
            skipped: run.skipped.clone(),
            results: sent.results,
            stopped: sent.stopped,
        };
        let backup = self.backup_after_run(clock);
        Ok(SentRun { summary, backup })
    }

    /// The automatic backup after a run: what FK just answered is the first thing worth a
    /// backup. A failure is remembered for the overview and logged by its code, never the
    /// run's failure.
    fn backup_after_run(&self, clock: Clock<'_>) -> anyhow::Result<Option<PathBuf>> {
        let backup = self
            .automatic_backup(AutomaticReason::AfterSubmission, clock())
            .map(|written| written.map(|w| w.path));
        if let Err(e) = &backup {
            let code = e
                .downcast_ref::<AppError>()
                .map_or("internal", AppError::code);
            tracing::warn!(code, "backup after the run failed");
        }
        backup
    }

    /// Sends `run` on a runtime of its own and sums it up (no backup: [`App::submit_month`]).
    pub(crate) fn send_summary(
        &self,
        run: &QueuedRun,
        connection: &EltConnection,
        pacer: &Pacer,
        retry: &RetryPolicy,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SubmitSummary> {
        let sent = crate::submit::run_to_end(
            self.send_run(connection, &run.ids, pacer, retry, clock, progress),
        )??;
        Ok(SubmitSummary {
            month: run.month.to_string(),
            environment: connection.environment().as_str().to_owned(),
            endpoint: connection.endpoint().to_owned(),
            certificate: connection.certificate_health(clock()),
            skipped: run.skipped.clone(),
            results: sent.results,
            stopped: sent.stopped,
        })
    }
}

/// Sends `run` from its data folder on a database connection of its own (for a caller whose
/// open folder must stay free meanwhile, the window), the way the folder sends: through the
/// vendor's relay when it is enrolled there (followed for as long as `follow` says), else
/// straight to FK through what `connect` makes (which may start the demo's FK and keep it
/// running in what it returns), as [`App::send_queued`] does. Returns what `connect` made as
/// well (`None` through the relay), so the caller can read it after the run (the demo FK's
/// measured pacing). Opening the folder disturbs nothing: recovering rows left `sending` only
/// happens under the folder's sender lock, which the run itself takes (waiting while another
/// program sends from the same folder).
pub fn send_on_own_connection<L: AsRef<EltConnection>>(
    run: &QueuedRun,
    keys: KeySource,
    clock: Clock<'_>,
    follow: &RelayFollow,
    connect: impl FnOnce(&App) -> anyhow::Result<L>,
    progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
) -> anyhow::Result<(SentRun, Option<L>)> {
    let app = App::open(run.data_dir(), keys, clock())?;
    if app.sending_mode()? == SendingMode::Relay {
        let sent = app.send_queued_via_relay(run, follow, clock, progress)?;
        return Ok((sent, None));
    }
    let link = connect(&app)?;
    let sent = app.send_queued(run, link.as_ref(), clock, progress)?;
    Ok((sent, Some(link)))
}
