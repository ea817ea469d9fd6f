//! FK's answer to an attempt, what it means, and how it is recorded in the outbox.

use std::time::Duration;

use assistid_core::text::{Lang, Text};
use assistid_elt::{Disposition, EltError, SubmitAttempt};
use assistid_store::{AttemptOutcome, AttemptResult, Submission};
use assistid_store::{SubmissionId, SubmissionState};

use crate::{App, AppError};

use super::{Clock, RetryPolicy};

/// What the outcome of an attempt means, to store.
pub(super) struct Interpreted {
    pub(super) outcome: AttemptOutcome,
    pub(super) tx_id: Option<String>,
    pub(super) error_code: Option<&'static str>,
    pub(super) message: Option<String>,
    /// `message` as a text with its code and parameters (what the outbox keeps beside it).
    pub(super) text: Option<Text>,
    pub(super) fk_message: Option<String>,
    pub(super) retry_after: Option<u64>,
}

pub(super) fn interpret(result: &Result<assistid_elt::TxId, EltError>) -> Interpreted {
    match result {
        Ok(tx) => Interpreted {
            outcome: AttemptOutcome::Accepted,
            tx_id: Some(tx.to_string()),
            error_code: None,
            message: None,
            text: None,
            fk_message: None,
            retry_after: None,
        },
        Err(e) => Interpreted {
            outcome: match e.disposition() {
                Disposition::Transient => AttemptOutcome::Transient,
                Disposition::Uncertain => AttemptOutcome::Uncertain,
                Disposition::Rejected => AttemptOutcome::Rejected,
                _ => AttemptOutcome::Configuration,
            },
            tx_id: None,
            error_code: Some(e.code()),
            // The EltError messages say what happened and what to do, in Swedish; FK's own
            // text is kept verbatim beside them.
            message: Some(e.to_string()),
            text: Some(e.text()),
            fk_message: e.fk_message().map(str::to_owned),
            retry_after: match e {
                EltError::ServiceUnavailable { retry_after_secs } => *retry_after_secs,
                _ => None,
            },
        },
    }
}

/// The sending outcomes' templates, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    /// What to do about an uncertain submission.
    pub static UNCERTAIN_ADVICE: Template = Template::new(
        "uncertain_advice",
        "Kontrollera med Försäkringskassan om rapporten kom fram ({support}), och välj sedan i \
         Assistid under Skicka eller Historik (\"FK fick den\", \"Skicka igen\" eller \"Skicka \
         inte\"), eller med `assistid submissions resolve {id} --accepted TXID` (den kom fram), \
         `--resend` (skicka igen) eller `--abandon` (skicka inte).",
        "Check with Försäkringskassan whether the report arrived ({support}), then choose in \
         Assistid under Submit or History (\"FK got it\", \"Send again\" or \"Do not send\"), or \
         with `assistid submissions resolve {id} --accepted TXID` (it arrived), `--resend` (send \
         again) or `--abandon` (do not send).",
    );
    /// A run stopped by a setting.
    pub static RUN_STOPPED_CONFIGURATION: Template = Template::new(
        "run_stopped_configuration",
        "Inskicket stoppades: {error} {queue} Rätta inställningen och starta inskicket igen.",
        "Sending was stopped: {error} {queue} Correct the setting and start sending again.",
    );
    /// A run stopped after transient failures.
    pub static RUN_STOPPED_TRANSIENT: Template = Template::new(
        "too_many_transient_failures",
        "Inskicket stoppades efter {failures} misslyckade försök att nå \
         Försäkringskassan (tjänsten otillgänglig eller ingen anslutning). Inget av dem \
         togs emot. {queue} Försök igen senare.",
        "Sending was stopped after {failures} failed attempts to reach Försäkringskassan (the \
         service unavailable or no connection). None of them was received. {queue} Try again \
         later.",
    );
    /// One report left.
    pub static QUEUE_ONE: Template = Template::new(
        "queue_one",
        "1 rapport skickades inte och ligger kvar i kön.",
        "1 report was not sent and stays in the queue.",
    );
    /// Several left.
    pub static QUEUE_MANY: Template = Template::new(
        "queue_many",
        "{count} rapporter skickades inte och ligger kvar i kön.",
        "{count} reports were not sent and stay in the queue.",
    );
}

/// Every template of the sending outcomes.
pub static CATALOG: &[&assistid_core::text::Template] = &[
    &templates::UNCERTAIN_ADVICE,
    &templates::RUN_STOPPED_CONFIGURATION,
    &templates::RUN_STOPPED_TRANSIENT,
    &templates::QUEUE_ONE,
    &templates::QUEUE_MANY,
];

/// What to tell the user to do about an uncertain submission.
pub fn uncertain_advice(id: i64) -> String {
    uncertain_advice_text(id).render(Lang::Sv)
}

/// [`uncertain_advice`] as a text.
pub fn uncertain_advice_text(id: i64) -> Text {
    templates::UNCERTAIN_ADVICE
        .with("id", id.to_string())
        .with("support", crate::answers::FK_PARTNER_SUPPORT)
}

/// How an answer reached this program: from FK over its own connection, or from the vendor's
/// relay, which sent the report (the audit event says `"via": "relay"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// This program sent the report to FK.
    Direct,
    /// The vendor's relay sent it and passed FK's answer on.
    Relay,
}

impl App {
    /// Records the outcome of an attempt — FK's answer, straight or as the vendor's relay
    /// passed it on — and its audit event, in one transaction (no gap in the audit log). The one
    /// path every answer takes into the outbox. An answer that arrives after another program (or
    /// a recovery) marked the submission uncertain is kept all the same, with an event that says
    /// so (`submission_late_answer`); otherwise the event is `submission_<state>`.
    pub(super) fn record_answer(
        &self,
        id: SubmissionId,
        attempt: u32,
        result: &AttemptResult<'_>,
        via: Via,
    ) -> anyhow::Result<Submission> {
        self.store().transaction(|store| -> anyhow::Result<_> {
            let late = store.is_late_answer(id, attempt).map_err(AppError::from)?;
            let saved = store
                .finish_submission_attempt(id, attempt, result)
                .map_err(AppError::from)?;
            let mut details = serde_json::json!({
                "submission": id.get(),
                "attempt": attempt,
                "outcome": result.outcome.code(),
                "error_code": result.error_code,
            });
            if via == Via::Relay {
                details["via"] = "relay".into();
            }
            let kind = if late {
                details["state"] = saved.state.code().into();
                "submission_late_answer".to_owned()
            } else {
                format!("submission_{}", saved.state.code())
            };
            self.log_event(result.finished_at, &kind, Some(saved.report_id), details)?;
            Ok(saved)
        })
    }

    /// Commits the outcome of an attempt and says whether (and when) to retry in this run.
    pub(super) fn record_attempt(
        &self,
        id: SubmissionId,
        attempt: u32,
        sent: &SubmitAttempt,
        retry: &RetryPolicy,
        clock: Clock<'_>,
    ) -> anyhow::Result<(Submission, Option<Duration>)> {
        let now = clock();
        let meaning = interpret(&sent.outcome);
        let retry_in = (meaning.outcome == AttemptOutcome::Transient)
            .then(|| retry.delay(attempt, meaning.retry_after));
        // Checked: a date past chrono's range would panic and leave the report `sending`.
        let next_attempt_at = retry_in.and_then(|d| {
            chrono::Duration::from_std(d)
                .ok()
                .and_then(|d| now.checked_add_signed(d))
        });
        let answer = sent.answer.as_ref();
        let stored = meaning.text.as_ref().map(crate::stored_text::stored);
        let saved = self.record_answer(
            id,
            attempt,
            &AttemptResult {
                finished_at: now,
                outcome: meaning.outcome,
                http_status: answer.map(|a| a.status),
                answer: answer.map(|a| a.body.as_slice()),
                tx_id: meaning.tx_id.as_deref(),
                error_code: meaning.error_code,
                error_message: meaning.message.as_deref(),
                error_text: stored.as_ref(),
                fk_message: meaning.fk_message.as_deref(),
                next_attempt_at,
            },
            Via::Direct,
        )?;
        let retry_in = retry_in.filter(|_| saved.state == SubmissionState::FailedWillRetry);
        tracing::info!(
            submission = id.get(),
            attempt,
            outcome = meaning.outcome.code(),
            error = meaning.error_code.unwrap_or(""),
            "submission attempt finished"
        );
        let again = retry_in.filter(|_| attempt < retry.max_attempts);
        Ok((saved, again))
    }
}
