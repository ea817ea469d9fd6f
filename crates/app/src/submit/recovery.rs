//! After a crash or an uncertain answer: interrupted submissions found, and the user's decision on
//! an uncertain one.

use assistid_store::SubmissionId;
use assistid_store::{Resolution, SenderLock};
use chrono::{DateTime, Utc};

use crate::{App, AppError};

use super::SubmissionView;

/// The user's decision on a submission whose outcome is uncertain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Send it again (the user checked with FK that it did not arrive).
    Resend,
    /// FK confirmed it arrived, with this tx-id.
    MarkAccepted {
        /// The tx-id FK gave.
        tx_id: String,
    },
    /// Do not send it.
    Abandon,
}

impl App {
    /// After a crash: submissions left `sending` become `uncertain` (never resent without a
    /// decision) — when no live program is sending from this data folder. Takes the folder's
    /// [`SenderLock`] for the moment of the recovery; when another process holds it (it is
    /// sending), nothing is touched and the result is empty. Called when the folder is opened.
    pub fn recover_if_no_sender(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<SubmissionId>> {
        match SenderLock::try_acquire(&self.data_dir).map_err(AppError::from)? {
            Some(_lock) => self.recover_interrupted_submissions(now),
            None => {
                tracing::info!("another program is sending from this data folder; no recovery");
                Ok(Vec::new())
            }
        }
    }

    /// After a crash: submissions left `sending` become `uncertain`, unconditionally. Call it
    /// only while holding the folder's [`SenderLock`] ([`App::recover_if_no_sender`] does).
    pub fn recover_interrupted_submissions(
        &self,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<SubmissionId>> {
        // The recovery and its audit events commit together (no gap in the audit log).
        let ids = self.store().transaction(|store| -> anyhow::Result<_> {
            let ids = store
                .recover_interrupted_submissions(now)
                .map_err(AppError::from)?;
            for id in &ids {
                self.log_event(
                    now,
                    "submission_interrupted",
                    None,
                    serde_json::json!({ "submission": id.get() }),
                )?;
            }
            Ok(ids)
        })?;
        for id in &ids {
            tracing::warn!(
                submission = id.get(),
                "interrupted submission is now uncertain"
            );
        }
        Ok(ids)
    }

    /// The user's decision on an uncertain submission, with an audit event. `Resend` queues
    /// it again (sent at the next [`App::submit_month`] of its month).
    pub fn resolve_uncertain(
        &self,
        id: SubmissionId,
        decision: Decision,
        now: DateTime<Utc>,
    ) -> anyhow::Result<SubmissionView> {
        let resolution = match &decision {
            Decision::Resend => Resolution::Resend,
            Decision::MarkAccepted { tx_id } => Resolution::MarkAccepted {
                tx_id: crate::answers::parse_tx_id(tx_id)?,
            },
            Decision::Abandon => Resolution::Abandon,
        };
        let decision_code = match decision {
            Decision::Resend => "resend",
            Decision::MarkAccepted { .. } => "mark_accepted",
            Decision::Abandon => "abandon",
        };
        // The decision and its audit event commit together (no gap in the audit log).
        let saved = self.store().transaction(|store| -> anyhow::Result<_> {
            let saved = store
                .resolve_submission(id, &resolution, now)
                .map_err(|e| match e {
                    assistid_store::StoreError::Invalid { reason } => {
                        AppError::invalid("inskickning", reason)
                    }
                    other => AppError::from(other),
                })?;
            self.log_event(
                now,
                "submission_resolved",
                Some(saved.report_id),
                serde_json::json!({ "submission": id.get(), "decision": decision_code }),
            )?;
            Ok(saved)
        })?;
        tracing::info!(
            submission = id.get(),
            decision = decision_code,
            "uncertain submission resolved"
        );
        let names = self.names()?;
        self.view(&saved, &names)
    }
}
