//! A way out of every submission state (issue 21): one submission with everything the
//! coordinator needs to decide or to ask for help — the time of each request to quote to FK,
//! the audit trail, FK's answer explained ([`crate::answers`]) — and the diagnostics bundle for
//! the vendor's support, which carries ids, hashes, codes and versions but no personal data.
//!
//! The desktop's uncertain/rejection card and `assistid submissions show|diagnostics` call
//! these functions; the decision itself is [`App::resolve_uncertain`], the same for both.

use std::path::Path;

use assistid_store::{SubmissionAttempt, SubmissionId, SubmissionState};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::answers::{AnswerAdvice, explain_rejection};
use crate::submit::SubmissionView;
use crate::{App, AppError};

/// One request to FK, as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestTime {
    /// 1, 2, … within the submission.
    pub attempt: u32,
    /// When the request was started.
    pub started_at: DateTime<Utc>,
    /// When it left for FK (the time to quote to FK), when noted.
    pub sent_at: Option<DateTime<Utc>>,
    /// When its outcome was recorded.
    pub finished_at: Option<DateTime<Utc>>,
    /// `accepted`, `rejected`, `transient`, `uncertain`, `configuration`, `interrupted`,
    /// `in_flight`.
    pub outcome: &'static str,
    /// The HTTP status, when an answer came.
    pub http_status: Option<u16>,
    /// The problem's stable code.
    pub error_code: Option<String>,
}

/// One line of a submission's audit trail (from the append-only event log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// The event's code (`submission_queued`, `submission_sending`, `submission_resolved`, …).
    pub kind: String,
    /// What happened, in Swedish.
    pub text: String,
}

/// A submission with what the coordinator needs to get out of its state.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionDetail {
    /// The submission as listed.
    pub submission: SubmissionView,
    /// SHA-256 of the exact bytes sent.
    pub document_sha256: String,
    /// When the last request left for FK (else was started): the time to quote to FK.
    pub request_at: Option<DateTime<Utc>>,
    /// Every request, first first.
    pub requests: Vec<RequestTime>,
    /// The audit trail of this submission, oldest first.
    pub trail: Vec<TrailEntry>,
    /// What the last problem means and who fixes it (none for accepted, queued, sending and
    /// abandoned ones).
    pub advice: Option<AnswerAdvice>,
    /// Whether the user may decide now (`uncertain` only).
    pub can_resolve: bool,
}

/// The vendor's diagnostics bundle for one submission: ids, hashes, codes and versions. It has
/// no personnummer, no names, no times of work and not the report: FK's text is included with
/// anything shaped like a personnummer masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosticsBundle {
    /// `assistid-felrapport/1`.
    pub format: &'static str,
    /// When the bundle was made.
    pub created_at: DateTime<Utc>,
    /// Assistid's version.
    pub assistid_version: &'static str,
    /// The operating system and processor (`linux x86_64`).
    pub platform: String,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// The submission id.
    pub submission_id: i64,
    /// The report version's id.
    pub report_id: String,
    /// Its version number.
    pub report_version: u32,
    /// The month.
    pub month: String,
    /// The state's code.
    pub state: &'static str,
    /// The last problem's code.
    pub error_code: Option<String>,
    /// FK's fault name, for FK's faults.
    pub fk_fault: Option<&'static str>,
    /// FK's text with personnummer-shaped numbers masked.
    pub fk_text_masked: Option<String>,
    /// SHA-256 of the exact bytes sent.
    pub document_sha256: String,
    /// SHA-256 of the canonical XML (what the signatures bind).
    pub canonical_sha256: Option<String>,
    /// The report's size in bytes.
    pub document_bytes: Option<usize>,
    /// The signatures: role, environment, day and time — never who.
    pub signatures: Vec<DiagnosticsSignature>,
    /// Every request with its outcome, status and the size and hash of FK's answer.
    pub attempts: Vec<DiagnosticsAttempt>,
    /// The audit trail's event codes and times.
    pub trail: Vec<DiagnosticsEvent>,
}

/// A signature in the diagnostics bundle, without its signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosticsSignature {
    /// `assistant` or `provider`.
    pub role: &'static str,
    /// `demo`, `test` or `prod`.
    pub environment: &'static str,
    /// When BankID completed the order.
    pub signed_at: DateTime<Utc>,
}

/// A request in the diagnostics bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosticsAttempt {
    /// The request's times and outcome.
    #[serde(flatten)]
    pub request: RequestTime,
    /// FK's answer's size (0 when none came).
    pub answer_bytes: usize,
    /// SHA-256 of FK's answer, so the vendor can match it with FK's log without seeing it.
    pub answer_sha256: Option<String>,
}

/// An event in the diagnostics bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosticsEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// The event's code.
    pub kind: String,
}

fn request_time(a: &SubmissionAttempt) -> RequestTime {
    RequestTime {
        attempt: a.attempt,
        started_at: a.started_at,
        sent_at: a.sent_at,
        finished_at: a.finished_at,
        outcome: a.outcome.code(),
        http_status: a.http_status,
        error_code: a.error_code.clone(),
    }
}

fn trail_text(kind: &str, details: &serde_json::Value) -> String {
    let attempt = details.get("attempt").and_then(serde_json::Value::as_u64);
    match kind {
        "submission_queued" => "Lagd i kön för att skickas".to_owned(),
        "submission_sending" => match attempt {
            Some(n) => format!("Skickas till Försäkringskassan (försök {n})"),
            None => "Skickas till Försäkringskassan".to_owned(),
        },
        "submission_interrupted" => {
            "Programmet stängdes medan den skickades: oklart om den kom fram".to_owned()
        }
        "submission_late_answer" => "Försäkringskassans svar kom sent och sparades".to_owned(),
        "submission_failed_final" => "Stoppad innan den skickades".to_owned(),
        "submission_resolved" => {
            match details.get("decision").and_then(serde_json::Value::as_str) {
                Some("mark_accepted") => "Beslut: Försäkringskassan fick den (tx-id angivet)",
                Some("resend") => "Beslut: skicka igen",
                Some("abandon") => "Beslut: skicka inte",
                _ => "Beslut fattat",
            }
            .to_owned()
        }
        "submission_accepted" => "Försäkringskassan tog emot den (tx-id i kvittot)".to_owned(),
        "submission_rejected" => "Försäkringskassan avvisade den".to_owned(),
        "submission_uncertain" => "Inget säkert svar: oklart om den kom fram".to_owned(),
        "submission_failed_will_retry" => "Kom inte fram; nytt försök görs automatiskt".to_owned(),
        "submission_diagnostics_written" => "Felrapport till leverantören skapad".to_owned(),
        other => other.replace('_', " "),
    }
}

impl App {
    /// One submission with its requests, audit trail and explanation (see the module
    /// documentation). Read-only.
    pub fn submission_detail(&self, id: SubmissionId) -> anyhow::Result<SubmissionDetail> {
        self.submission_detail_in(id, assistid_core::text::Lang::Sv)
    }

    /// [`App::submission_detail`] with the vendor's support (the contact set in Settings,
    /// [`crate::support_contact`]) told in `lang`.
    pub fn submission_detail_in(
        &self,
        id: SubmissionId,
        lang: assistid_core::text::Lang,
    ) -> anyhow::Result<SubmissionDetail> {
        let store = self.store();
        let submission = store
            .submission(id)
            .map_err(AppError::from)?
            .ok_or_else(|| {
                AppError::missing_text(
                    crate::error::templates::SUBMISSION_MISSING.with("id", id.to_string()),
                )
            })?;
        let names = self.names()?;
        let view = self.view_in(&submission, &names, lang)?;
        let attempts = store.submission_attempts(id).map_err(AppError::from)?;
        let requests: Vec<RequestTime> = attempts.iter().map(request_time).collect();
        let request_at = attempts.last().map(|a| a.sent_at.unwrap_or(a.started_at));
        let trail = self
            .submission_events(id)?
            .into_iter()
            .map(|e| TrailEntry {
                text: trail_text(&e.kind, &e.details),
                at: e.at,
                kind: e.kind,
            })
            .collect();
        let advice = match submission.state {
            SubmissionState::Accepted
            | SubmissionState::Queued
            | SubmissionState::Sending
            | SubmissionState::Abandoned => None,
            _ => match submission.last_error_code.as_deref() {
                Some(code) => {
                    self.explain_submission(code, submission.fk_message.as_deref(), lang)?
                }
                None => None,
            },
        };
        Ok(SubmissionDetail {
            document_sha256: submission.document_sha256.clone(),
            request_at,
            requests,
            trail,
            advice,
            can_resolve: submission.state == SubmissionState::Uncertain,
            submission: view,
        })
    }

    /// What a failed submission's stored problem `code` (and FK's text, when FK sent one)
    /// means and who fixes it, in `lang`, with the vendor's support as stored in Settings
    /// ([`crate::support_contact`]; it says plainly when no contact is set) wherever the vendor
    /// is the one to ask: the one explanation the submission's detail, the desktop's queue and
    /// the CLI's summary after `assistid submit` show. `None` for a code the table does not
    /// know.
    pub fn explain_submission(
        &self,
        code: &str,
        fk_text: Option<&str>,
        lang: assistid_core::text::Lang,
    ) -> anyhow::Result<Option<crate::answers::AnswerAdvice>> {
        let Some(mut advice) = explain_rejection(code, fk_text).map(|a| a.in_lang(lang)) else {
            return Ok(None);
        };
        if advice.vendor_support.is_some() {
            advice.vendor_support = Some(self.vendor_support(lang)?);
        }
        Ok(Some(advice))
    }

    /// The events of the log that concern submission `id`, oldest first.
    fn submission_events(&self, id: SubmissionId) -> anyhow::Result<Vec<assistid_store::Event>> {
        let store = self.store();
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = store.events_after(after, 1000).map_err(AppError::from)?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            out.extend(page.into_iter().filter(|e| {
                e.details
                    .get("submission")
                    .and_then(serde_json::Value::as_i64)
                    == Some(id.get())
            }));
        }
        Ok(out)
    }

    /// The diagnostics bundle for submission `id` (see [`DiagnosticsBundle`]). Read-only.
    pub fn diagnostics_bundle(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<DiagnosticsBundle> {
        let store = self.store();
        let submission = store
            .submission(id)
            .map_err(AppError::from)?
            .ok_or_else(|| {
                AppError::missing_text(
                    crate::error::templates::SUBMISSION_MISSING.with("id", id.to_string()),
                )
            })?;
        let version = store
            .report_version_by_id(submission.report_id)
            .map_err(AppError::from)?;
        let signatures = store
            .signatures_for_report(submission.report_id)
            .map_err(AppError::from)?
            .into_iter()
            .map(|s| DiagnosticsSignature {
                role: s.role.code(),
                environment: s.environment.code(),
                signed_at: s.signed_at,
            })
            .collect();
        let attempts = store
            .submission_attempts(id)
            .map_err(AppError::from)?
            .iter()
            .map(|a| DiagnosticsAttempt {
                request: request_time(a),
                answer_bytes: a.answer.as_ref().map_or(0, Vec::len),
                answer_sha256: a.answer.as_deref().map(assistid_core::c14n::sha256_hex),
            })
            .collect();
        let trail = self
            .submission_events(id)?
            .into_iter()
            .map(|e| DiagnosticsEvent {
                at: e.at,
                kind: e.kind,
            })
            .collect();
        let fk_fault = submission
            .last_error_code
            .as_deref()
            .and_then(crate::answers::explain_answer)
            .and_then(|e| e.fk_name);
        Ok(DiagnosticsBundle {
            format: "assistid-felrapport/1",
            created_at: now,
            assistid_version: env!("CARGO_PKG_VERSION"),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            environment: submission.environment.clone(),
            submission_id: id.get(),
            report_id: submission.report_id.to_string(),
            report_version: submission.report_version,
            month: submission.month.to_string(),
            state: submission.state.code(),
            error_code: submission.last_error_code.clone(),
            fk_fault,
            fk_text_masked: match submission.fk_message.as_deref() {
                Some(text) => Some(mask_names(
                    &assistid_import::mask_identity_numbers(text),
                    &self.register_name_words()?,
                )),
                None => None,
            },
            document_sha256: submission.document_sha256.clone(),
            canonical_sha256: version.as_ref().map(|v| v.sha256.clone()),
            document_bytes: version.as_ref().map(|v| v.document.len()),
            signatures,
            attempts,
            trail,
        })
    }

    /// Every word of every name in the register (persons, assistants), for [`mask_names`].
    fn register_name_words(&self) -> anyhow::Result<Vec<String>> {
        let mut names = Vec::new();
        for p in self.persons()? {
            names.push(p.first_name);
            names.push(p.last_name);
        }
        for a in self.assistants()? {
            names.push(a.first_name);
            names.push(a.last_name);
        }
        let mut words: Vec<String> = names
            .iter()
            .flat_map(|n| n.split(|c: char| !c.is_alphabetic()))
            .filter(|w| w.chars().count() >= 2)
            .map(str::to_owned)
            .collect();
        // Longest first, so a name is never left half masked by a shorter one inside it.
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        words.dedup();
        Ok(words)
    }

    /// Writes the diagnostics bundle of submission `id` as JSON to `path` (owner-only, never
    /// over an existing file) and notes it in the audit log.
    pub fn write_diagnostics(
        &self,
        id: SubmissionId,
        path: &Path,
        now: DateTime<Utc>,
    ) -> anyhow::Result<DiagnosticsBundle> {
        let bundle = self.diagnostics_bundle(id, now)?;
        let json = serde_json::to_vec_pretty(&bundle)
            .map_err(|e| anyhow::anyhow!("felrapporten kunde inte skrivas som JSON: {e}"))?;
        let written = assistid_store::owner_only::create_file(path).and_then(|mut file| {
            use std::io::Write as _;
            file.write_all(&json)?;
            file.sync_all()
        });
        if let Err(e) = written {
            let path = path.display().to_string();
            let message = if e.kind() == std::io::ErrorKind::AlreadyExists {
                crate::invalid::templates::FILE_EXISTS.with("path", path)
            } else {
                crate::invalid::templates::DIAGNOSTICS_NOT_SAVED
                    .with("path", path)
                    .with("error", e.to_string())
            };
            return Err(AppError::invalid_with("fil", message).into());
        }
        self.log_event(
            now,
            "submission_diagnostics_written",
            None,
            serde_json::json!({ "submission": id.get() }),
        )?;
        Ok(bundle)
    }
}

/// `text` with every whole-word occurrence of `words` (the register's names) replaced by
/// `[namn]`: FK's fault text may quote a name from the report.
fn mask_names(text: &str, words: &[String]) -> String {
    let mut out = text.to_owned();
    for word in words {
        let mut masked = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(word.as_str()) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + word.len()..].chars().next();
            let whole = !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric);
            masked.push_str(&rest[..at]);
            masked.push_str(if whole { "[namn]" } else { word });
            rest = &rest[at + word.len()..];
        }
        masked.push_str(rest);
        out = masked;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mask_names;

    #[test]
    fn names_are_masked_as_whole_words_only() {
        let words = ["Öberg".to_owned(), "Åsa".to_owned(), "Ek".to_owned()];
        assert_eq!(
            mask_names("fornamn 'Åsa' efternamn 'Öberg-Lind', Ekberg, Ek", &words),
            "fornamn '[namn]' efternamn '[namn]-Lind', Ekberg, [namn]"
        );
    }
}
