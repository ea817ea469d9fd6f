//! Queueing a month: every fully signed report version without a live submission, the rest listed
//! with the reason.

use assistid_core::model::ReportMonth;
use assistid_store::{SubmissionId, SubmissionState};
use chrono::{DateTime, Utc};

use crate::{App, AppError};

use super::{SkippedReport, uncertain_advice};

impl App {
    /// Brings the month's report versions up to date and queues every ready one for
    /// `environment`. Returns the submissions to send now (new ones, and queued or retrying
    /// ones from earlier runs) and the reports skipped, with the reason.
    pub fn queue_month(
        &self,
        month: ReportMonth,
        environment: assistid_elt::Environment,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(Vec<SubmissionId>, Vec<SkippedReport>)> {
        self.check_environment(environment)?;
        if self.provider()?.is_none() {
            return Err(AppError::missing_text(
                crate::error::templates::NO_PROVIDER_ADD_FIRST.text(),
            )
            .into());
        }
        self.month_review(month, now)?;
        let names = self.names()?;
        let store = self.store();
        let mut to_send = Vec::new();
        let mut skipped = Vec::new();
        for version in store
            .latest_report_versions_in_month(month)
            .map_err(AppError::from)?
        {
            let skip =
                |code: &'static str, reason: String, id: Option<SubmissionId>| SkippedReport {
                    report_id: version.report_id.to_string(),
                    person: names.of(version.person.digits()),
                    assistant: names.of(version.assistant.digits()),
                    reason_code: code,
                    reason,
                    submission_id: id.map(SubmissionId::get),
                };
            if let Some(live) = store
                .live_submission_for_report_in(version.report_id, environment.as_str())
                .map_err(AppError::from)?
            {
                let id = Some(live.id);
                match live.state {
                    SubmissionState::Accepted => skipped.push(skip(
                        "already_accepted",
                        format!(
                            "redan mottagen av Försäkringskassan (tx-id {})",
                            live.tx_id.as_deref().unwrap_or("?")
                        ),
                        id,
                    )),
                    SubmissionState::Rejected => skipped.push(skip(
                        "rejected_unchanged",
                        format!(
                            "avvisades av Försäkringskassan ({}); rätta uppgifterna så skapas en \
                             ny version som måste skrivas under igen",
                            live.fk_message.as_deref().unwrap_or("inget meddelande")
                        ),
                        id,
                    )),
                    SubmissionState::Uncertain | SubmissionState::Sending => skipped.push(skip(
                        "uncertain",
                        format!(
                            "oklart om Försäkringskassan tog emot den. {}",
                            uncertain_advice(live.id.get())
                        ),
                        id,
                    )),
                    _ if live.environment != environment.as_str() => skipped.push(skip(
                        "other_environment",
                        format!("ligger i kö för miljön {}", live.environment),
                        id,
                    )),
                    _ => to_send.push(live.id),
                }
                continue;
            }
            match self.signed_request(&version, environment)? {
                Ok(_) => {
                    // The transition and its audit event commit together: a crash between
                    // them would leave a gap in the audit log.
                    let queued = store.transaction(|store| -> anyhow::Result<_> {
                        let queued = match store.enqueue_submission(
                            version.report_id,
                            environment.as_str(),
                            now,
                        ) {
                            Ok(queued) => queued,
                            // Another program on this folder queued it a moment ago: send
                            // (or skip) that submission instead.
                            Err(assistid_store::StoreError::AlreadyExists { .. }) => {
                                return Ok(None);
                            }
                            Err(e) => return Err(AppError::from(e).into()),
                        };
                        self.log_event(
                            now,
                            "submission_queued",
                            Some(version.report_id),
                            serde_json::json!({
                                "submission": queued.id.get(),
                                "environment": environment.as_str(),
                            }),
                        )?;
                        Ok(Some(queued))
                    })?;
                    match queued {
                        Some(queued) => {
                            tracing::info!(submission = queued.id.get(), "submission queued");
                            to_send.push(queued.id);
                        }
                        None => {
                            if let Some(live) = store
                                .live_submission_for_report(version.report_id)
                                .map_err(AppError::from)?
                                && matches!(
                                    live.state,
                                    SubmissionState::Queued | SubmissionState::FailedWillRetry
                                )
                                && live.environment == environment.as_str()
                            {
                                to_send.push(live.id);
                            }
                        }
                    }
                }
                Err(problem) => skipped.push(skip(problem.code, problem.reason, None)),
            }
        }
        Ok((to_send, skipped))
    }
}
