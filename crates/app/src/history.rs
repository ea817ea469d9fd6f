//! History: every version of every report with who signed it and when, and every send attempt
//! with FK's answer — searchable by tx-id, person, assistant and month.
//!
//! Read-only: nothing here writes to the database (not even the month review, which could save
//! new versions). The store keeps versions, signatures, submissions and attempts for good
//! (triggers refuse deletes), and corrections appear as new versions, so the history is simply
//! what the store holds.

use std::collections::BTreeSet;

use assistid_core::model::ReportMonth;
use assistid_store::{EventId, SubmissionAttempt};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::receipts::{AssistantRef, PersonRef, parse_assistant, parse_person};
use crate::{App, AppError};

/// What to look for. Every field narrows the answer; none given means everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryFilter {
    /// Only this month.
    pub month: Option<ReportMonth>,
    /// Only this person's reports (personnummer in any common written form).
    pub person: Option<String>,
    /// Only this assistant's reports (personnummer or samordningsnummer).
    pub assistant: Option<String>,
    /// Only the report version FK gave this tx-id (case does not matter).
    pub tx_id: Option<String>,
    /// Include FK's raw answer of every attempt (`answer`); left out otherwise, since it is long.
    pub include_raw: bool,
}

/// A signature in the history (signer's number masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistorySignature {
    /// `assistant` or `provider`.
    pub role: &'static str,
    /// The signer's name as BankID gave it.
    pub signer_name: String,
    /// The signer's personnummer, masked (`19720514-****`).
    pub signer: String,
    /// FK's `datumForSignatur`.
    pub signed_on: NaiveDate,
    /// When BankID completed the order.
    pub signed_at: DateTime<Utc>,
}

/// One request to FK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryAttempt {
    /// 1, 2, … within the submission.
    pub attempt: u32,
    /// When the request started.
    pub started_at: DateTime<Utc>,
    /// When its outcome was recorded.
    pub finished_at: Option<DateTime<Utc>>,
    /// `accepted`, `rejected`, `transient`, `uncertain`, `configuration`, `interrupted`,
    /// `in_flight`.
    pub outcome: &'static str,
    /// The HTTP status, when an answer came.
    pub http_status: Option<u16>,
    /// FK's tx-id, when accepted.
    pub tx_id: Option<String>,
    /// The error's stable code.
    pub error_code: Option<String>,
    /// How many bytes FK answered (0 when no answer came).
    pub answer_bytes: usize,
    /// FK's raw answer as text (only when asked for with `include_raw`).
    pub answer: Option<String>,
}

/// One submission of a report version (one entry of the outbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistorySubmission {
    /// The submission id.
    pub id: i64,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// Where it stands (serialized as the state's code).
    pub state: crate::views::SubmissionState,
    /// The state for people, in the language the view was made in (Swedish by default).
    pub state_label: &'static str,
    /// FK's tx-id once accepted.
    pub tx_id: Option<String>,
    /// FK's message, verbatim, for rejections.
    pub fk_message: Option<String>,
    /// The last error's code.
    pub error_code: Option<String>,
    /// The last error's message (Swedish).
    pub error_message: Option<String>,
    /// SHA-256 of the exact bytes queued and sent.
    pub document_sha256: String,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Every request, first first.
    pub attempts: Vec<HistoryAttempt>,
}

/// One version of one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryReport {
    /// The month.
    pub month: ReportMonth,
    /// The person with assistance.
    pub person: PersonRef,
    /// The assistant.
    pub assistant: AssistantRef,
    /// The version's report id.
    pub report_id: String,
    /// 1, 2, …
    pub version: u32,
    /// When the version was made.
    pub created_at: DateTime<Utc>,
    /// When it was frozen by the first signature.
    pub frozen_at: Option<DateTime<Utc>>,
    /// The report id of the version that replaced it.
    pub superseded_by: Option<String>,
    /// SHA-256 of the canonical form (what the signatures bind).
    pub canonical_sha256: String,
    /// The signatures, assistant first.
    pub signatures: Vec<HistorySignature>,
    /// The submissions, oldest first.
    pub submissions: Vec<HistorySubmission>,
}

/// The answer to a history query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct History {
    /// The query.
    pub filter: HistoryFilter,
    /// Matching versions, by month, person, assistant and version.
    pub reports: Vec<HistoryReport>,
}

fn attempt_view(a: &SubmissionAttempt, raw: bool) -> HistoryAttempt {
    HistoryAttempt {
        attempt: a.attempt,
        started_at: a.started_at,
        finished_at: a.finished_at,
        outcome: a.outcome.code(),
        http_status: a.http_status,
        tx_id: a.tx_id.clone(),
        error_code: a.error_code.clone(),
        answer_bytes: a.answer.as_ref().map_or(0, Vec::len),
        answer: if raw {
            a.answer
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
        } else {
            None
        },
    }
}

impl App {
    /// Every month that has report versions or submissions, read from the audit log and the
    /// outbox (oldest first).
    fn months_with_reports(&self) -> anyhow::Result<BTreeSet<ReportMonth>> {
        let store = self.store();
        let mut months = BTreeSet::new();
        for s in store.all_submissions().map_err(AppError::from)? {
            months.insert(s.month);
        }
        let mut after: Option<EventId> = None;
        loop {
            let page = store.events_after(after, 1000).map_err(AppError::from)?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for event in &page {
                if event.kind == "report_version_saved"
                    && let Some(m) = event.details.get("month").and_then(|m| m.as_str())
                    && let Ok(month) = m.parse::<ReportMonth>()
                {
                    months.insert(month);
                }
            }
        }
        Ok(months)
    }

    /// The history matching `filter` (see the module documentation). Read-only.
    pub fn history(&self, filter: &HistoryFilter, now: DateTime<Utc>) -> anyhow::Result<History> {
        self.history_in(filter, now, assistid_core::text::Lang::Sv)
    }

    /// [`App::history`] with each failed submission's message in `lang` (from its stored code
    /// and parameters; older rows keep their Swedish text).
    pub fn history_in(
        &self,
        filter: &HistoryFilter,
        now: DateTime<Utc>,
        lang: assistid_core::text::Lang,
    ) -> anyhow::Result<History> {
        let person = filter
            .person
            .as_deref()
            .map(|p| parse_person(p, now))
            .transpose()?;
        let assistant = filter
            .assistant
            .as_deref()
            .map(|a| parse_assistant(a, now))
            .transpose()?;
        let tx = filter
            .tx_id
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let store = self.store();
        let months: Vec<ReportMonth> = match (filter.month, &tx) {
            (Some(m), _) => vec![m],
            (None, Some(tx)) => {
                // The outbox says which month holds the tx-id.
                let set: BTreeSet<ReportMonth> = store
                    .all_submissions()
                    .map_err(AppError::from)?
                    .into_iter()
                    .filter(|s| s.tx_id.as_deref().is_some_and(|t| t.to_lowercase() == *tx))
                    .map(|s| s.month)
                    .collect();
                set.into_iter().collect()
            }
            (None, None) => self.months_with_reports()?.into_iter().collect(),
        };
        let lookup = self.register_lookup()?;
        let mut reports = Vec::new();
        for month in months {
            for version in store
                .report_versions_in_month(month)
                .map_err(AppError::from)?
            {
                if person.as_ref().is_some_and(|p| p != &version.person)
                    || assistant.as_ref().is_some_and(|a| a != &version.assistant)
                {
                    continue;
                }
                let facts = self.version_facts(version)?;
                let mut submissions = Vec::new();
                for s in &facts.submissions {
                    let attempts = store.submission_attempts(s.id).map_err(AppError::from)?;
                    submissions.push(HistorySubmission {
                        id: s.id.get(),
                        environment: s.environment.clone(),
                        state: s.state.into(),
                        state_label: crate::submit::state_label_in(s.state, lang),
                        tx_id: s.tx_id.clone(),
                        fk_message: s.fk_message.clone(),
                        error_code: s.last_error_code.clone(),
                        error_message: crate::stored_text::message_in(
                            s.last_error_message.as_deref(),
                            s.last_error_text.as_ref(),
                            lang,
                        ),
                        document_sha256: s.document_sha256.clone(),
                        created_at: s.created_at,
                        updated_at: s.updated_at,
                        attempts: attempts
                            .iter()
                            .map(|a| attempt_view(a, filter.include_raw))
                            .collect(),
                    });
                }
                if let Some(tx) = &tx {
                    let has =
                        |t: &Option<String>| t.as_deref().is_some_and(|t| t.to_lowercase() == *tx);
                    let matches = submissions
                        .iter()
                        .any(|s| has(&s.tx_id) || s.attempts.iter().any(|a| has(&a.tx_id)));
                    if !matches {
                        continue;
                    }
                }
                let mut signatures: Vec<HistorySignature> = facts
                    .signatures
                    .iter()
                    .map(|s| HistorySignature {
                        role: s.role.code(),
                        signer_name: s.signer_name.clone(),
                        signer: s.signer.masked(),
                        signed_on: s.signed_on,
                        signed_at: s.signed_at,
                    })
                    .collect();
                signatures.sort_by_key(|s| (s.role != "assistant", s.signed_at));
                let v = &facts.version;
                reports.push(HistoryReport {
                    month: v.month,
                    person: lookup.person(&v.person),
                    assistant: lookup.assistant(&v.assistant),
                    report_id: v.report_id.to_string(),
                    version: v.version,
                    created_at: v.created_at,
                    frozen_at: v.frozen_at,
                    superseded_by: v.superseded_by.map(|u| u.to_string()),
                    canonical_sha256: v.sha256.clone(),
                    signatures,
                    submissions,
                });
            }
        }
        reports.sort_by(|a, b| {
            (a.month, &a.person.name, &a.assistant.name, a.version).cmp(&(
                b.month,
                &b.person.name,
                &b.assistant.name,
                b.version,
            ))
        });
        Ok(History {
            filter: filter.clone(),
            reports,
        })
    }
}
