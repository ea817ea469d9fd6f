//! The outbox as the screens and the CLI show it: submissions with names, skipped reports, a run's
//! summary.

use std::collections::HashMap;

use assistid_core::model::ReportMonth;
use assistid_core::text::Lang;
use assistid_elt::CertHealth;
use assistid_store::Submission;
use assistid_store::{SubmissionId, SubmissionState};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{App, AppError};

use super::{RunStop, uncertain_advice_text};

/// One submission as shown to the user.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionView {
    /// The submission id (for `assistid submissions resolve ID`).
    pub id: i64,
    /// The report id of the version sent.
    pub report_id: String,
    /// The version number.
    pub report_version: u32,
    /// The month.
    pub month: String,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// The person with assistance, as "Åsa Ö.".
    pub person: String,
    /// The assistant, as "Erik J.".
    pub assistant: String,
    /// Where it stands (serialized as the state's code).
    pub state: crate::views::SubmissionState,
    /// The state for people, in the language the view was made in (Swedish by default).
    pub state_label: &'static str,
    /// Requests started.
    pub attempts: u32,
    /// FK's tx-id once accepted.
    pub tx_id: Option<String>,
    /// FK's message, verbatim, for rejections.
    pub fk_message: Option<String>,
    /// The last error's code.
    pub error_code: Option<String>,
    /// What happened and what to do, in Swedish.
    pub message: Option<String>,
    /// When the next automatic attempt is due.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// A report of the month that was not sent in this run, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedReport {
    /// The report id of its current version.
    pub report_id: String,
    /// The person, as "Åsa Ö.".
    pub person: String,
    /// The assistant, as "Erik J.".
    pub assistant: String,
    /// A stable code: `not_signed`, `assistant_not_signed`, `provider_not_signed`,
    /// `binding_mismatch`, `already_accepted`, `rejected_unchanged`, `uncertain`,
    /// `other_environment`.
    pub reason_code: &'static str,
    /// The reason in Swedish, with what to do.
    pub reason: String,
    /// The submission that blocks a new one, if any.
    pub submission_id: Option<i64>,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct SubmitSummary {
    /// The month.
    pub month: String,
    /// The environment.
    pub environment: String,
    /// The service address.
    pub endpoint: String,
    /// The client certificate's health (warns from 30 days before expiry).
    pub certificate: Option<CertHealth>,
    /// Reports not sent, with the reason.
    pub skipped: Vec<SkippedReport>,
    /// The submissions of this run, in the order they finished.
    pub results: Vec<SubmissionView>,
    /// Why the run stopped before sending everything, if it did.
    pub stopped: Option<RunStop>,
}

impl SubmitSummary {
    /// Results in a state.
    pub fn count(&self, state: SubmissionState) -> usize {
        self.results
            .iter()
            .filter(|r| r.state == crate::views::SubmissionState::from(state))
            .count()
    }
}

/// "Åsa Ö." from first and last name.
pub(super) fn short_name(first: &str, last: &str) -> String {
    match last.chars().next() {
        Some(initial) => format!("{first} {initial}."),
        None => first.to_owned(),
    }
}

/// Names by identity number digits.
pub(crate) struct Names(HashMap<String, String>);

impl Names {
    pub(super) fn of(&self, digits: &str) -> String {
        self.0
            .get(digits)
            .cloned()
            .unwrap_or_else(|| "(okänd)".to_owned())
    }
}

impl App {
    pub(crate) fn names(&self) -> anyhow::Result<Names> {
        let mut map = HashMap::new();
        for p in self.persons()? {
            map.insert(
                p.personnummer.digits().to_owned(),
                short_name(&p.first_name, &p.last_name),
            );
        }
        for a in self.assistants()? {
            map.insert(
                a.id.digits().to_owned(),
                short_name(&a.first_name, &a.last_name),
            );
        }
        Ok(Names(map))
    }

    pub(crate) fn view(
        &self,
        submission: &Submission,
        names: &Names,
    ) -> anyhow::Result<SubmissionView> {
        self.view_in(submission, names, Lang::Sv)
    }

    /// [`App::view`] with the failure's message in `lang` (from its stored code and
    /// parameters; a row without them keeps its Swedish text).
    pub(crate) fn view_in(
        &self,
        submission: &Submission,
        names: &Names,
        lang: Lang,
    ) -> anyhow::Result<SubmissionView> {
        let version = self
            .store()
            .report_version_by_id(submission.report_id)
            .map_err(AppError::from)?;
        let (person, assistant) = match &version {
            Some(v) => (names.of(v.person.digits()), names.of(v.assistant.digits())),
            None => ("(okänd)".to_owned(), "(okänd)".to_owned()),
        };
        let stored = crate::stored_text::message_in(
            submission.last_error_message.as_deref(),
            submission.last_error_text.as_ref(),
            lang,
        );
        let message = match submission.state {
            SubmissionState::Uncertain => Some(format!(
                "{} {}",
                stored.unwrap_or_default(),
                uncertain_advice_text(submission.id.get()).render(lang)
            )),
            SubmissionState::Accepted => None,
            _ => stored,
        };
        Ok(SubmissionView {
            id: submission.id.get(),
            report_id: submission.report_id.to_string(),
            report_version: submission.report_version,
            month: submission.month.to_string(),
            environment: submission.environment.clone(),
            person,
            assistant,
            state: submission.state.into(),
            state_label: state_label_in(submission.state, lang),
            attempts: submission.attempts,
            tx_id: submission.tx_id.clone(),
            fk_message: submission.fk_message.clone(),
            error_code: submission.last_error_code.clone(),
            message: message.map(|m| m.trim().to_owned()),
            next_attempt_at: submission.next_attempt_at,
        })
    }

    /// The outbox, oldest first; only `month`'s when given.
    pub fn submissions(&self, month: Option<ReportMonth>) -> anyhow::Result<Vec<SubmissionView>> {
        self.submissions_in(month, Lang::Sv)
    }

    /// [`App::submissions`] with each failure's message in `lang` (Swedish for rows stored
    /// before messages kept their code).
    pub fn submissions_in(
        &self,
        month: Option<ReportMonth>,
        lang: Lang,
    ) -> anyhow::Result<Vec<SubmissionView>> {
        let names = self.names()?;
        let list = match month {
            Some(m) => self.store().submissions_in_month(m),
            None => self.store().all_submissions(),
        }
        .map_err(AppError::from)?;
        list.iter().map(|s| self.view_in(s, &names, lang)).collect()
    }

    /// The stored attempts of a submission (with FK's raw answers).
    pub fn submission_attempts(
        &self,
        id: SubmissionId,
    ) -> anyhow::Result<Vec<assistid_store::SubmissionAttempt>> {
        Ok(self
            .store()
            .submission_attempts(id)
            .map_err(AppError::from)?)
    }
}

/// A submission's state for people in `lang` (Swedish: `SubmissionState::label_sv`), from the
/// one set of state templates ([`crate::shifts::state_template`]).
pub fn state_label_in(state: SubmissionState, lang: Lang) -> &'static str {
    // A state the store adds later shows its Swedish label until it has a template.
    crate::shifts::state_template(state).map_or_else(|| state.label_sv(), |t| t.wording(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_keep_the_initial() {
        assert_eq!(short_name("Åsa", "Öberg-Lind"), "Åsa Ö.");
        assert_eq!(short_name("Erik", ""), "Erik");
    }
}
