//! What the provider keeps and hands on after sending (issue 6): the submission receipt (PDF and
//! JSON, `schemas/receipt.schema.json`) per month, per person and month or per submission run,
//! and the assistants' copies.
//!
//! The documents themselves are made by `assistid-receipt`; this module fills its input from the
//! store. Which report versions a receipt lists:
//! - every version of the month that has been handed to the outbox, with its deciding
//!   submission (the live one — queued, sending, accepted, rejected, uncertain — or else the
//!   latest), so a correction sent after a rejection shows both;
//! - the current version of each report that was never handed to the outbox, as "not sent".
//!
//! Minutes per row come from the month review when the version listed is the current one (exact,
//! with the resolved daylight-saving occurrences); for an older version they are read back from
//! its document, where a time inside the repeated autumn hour is read as its first occurrence for
//! a start and its second for an end (the way FK's rule reads a row across the change).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use assistid_core::document::parse_report;
use assistid_core::dst::{DstChange, RowMinutes};
use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{Assistant, PersonWithAssistance, ReportMonth, TimeKind};
use assistid_core::review::{KindTotal, MonthReview, Totals};
use assistid_core::time::ShiftTime;
use assistid_store::{
    AttemptOutcome, ReportVersion, SignerRole, StoredSignature, Submission, SubmissionAttempt,
    SubmissionId, SubmissionState,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use assistid_receipt::{
    AssistantCopy, AssistantRef, CopyRow, DstNoteRow, FaultKind, Outcome, PersonRef, ProviderInfo,
    ReceiptReport, ReceiptScope, SignatureInfo, SubmissionReceipt, hours, local_time,
};

use crate::{App, AppError, local_today};

/// Which reports a receipt covers (the desktop's "Exportera kvitto" sends one of these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReceiptRequest {
    /// Every report of the month.
    Month {
        /// The month.
        month: ReportMonth,
    },
    /// Every report of one person for the month.
    PersonMonth {
        /// The month.
        month: ReportMonth,
        /// The person's personnummer (any common written form).
        personnummer: String,
    },
    /// The submissions of one run (the ids `SubmitSummary::results` lists), all in one month.
    Submissions {
        /// Submission ids.
        ids: Vec<i64>,
    },
}

/// A file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrittenFile {
    /// Where it was written.
    pub path: PathBuf,
    /// What it is: `receipt_pdf`, `receipt_json`, `assistant_copies_pdf`, `invoice_pdf`,
    /// `invoice_csv`.
    pub kind: &'static str,
    /// How many reports it covers.
    pub reports: usize,
}

/// Names and numbers from the register, by identity number digits.
pub(crate) struct RegisterLookup {
    persons: HashMap<String, PersonWithAssistance>,
    assistants: HashMap<String, Assistant>,
}

impl RegisterLookup {
    pub(crate) fn person(&self, pnr: &Personnummer) -> PersonRef {
        PersonRef {
            personnummer: pnr.clone(),
            name: self
                .persons
                .get(pnr.digits())
                .map_or_else(|| "(okänd person)".to_owned(), |p| p.full_name()),
        }
    }

    pub(crate) fn assistant(&self, id: &IdentityNumber) -> AssistantRef {
        AssistantRef {
            identity_number: id.clone(),
            name: self
                .assistants
                .get(id.digits())
                .map_or_else(|| "(okänd assistent)".to_owned(), |a| a.full_name()),
        }
    }

    pub(crate) fn assistant_record(&self, id: &IdentityNumber) -> Option<&Assistant> {
        self.assistants.get(id.digits())
    }
}

/// One report version with what the store knows about it.
pub(crate) struct VersionFacts {
    pub(crate) version: ReportVersion,
    pub(crate) signatures: Vec<StoredSignature>,
    /// Oldest first.
    pub(crate) submissions: Vec<Submission>,
}

impl VersionFacts {
    /// The submission that says where the version stands: the live one, else the latest.
    pub(crate) fn deciding_submission(&self) -> Option<&Submission> {
        self.submissions
            .iter()
            .rev()
            .find(|s| s.state.is_live())
            .or_else(|| self.submissions.last())
    }

    fn signature(&self, role: SignerRole) -> Option<SignatureInfo> {
        self.signatures
            .iter()
            .find(|s| s.role == role)
            .map(|s| SignatureInfo {
                signer_name: s.signer_name.clone(),
                signer_id: Some(s.signer.as_identity().clone()),
                signed_on: s.signed_on,
            })
    }
}

/// The receipt's outcome for a submission (or its absence).
pub(crate) fn outcome_of(submission: Option<&Submission>) -> Outcome {
    let Some(s) = submission else {
        return Outcome::NotSent;
    };
    match s.state {
        SubmissionState::Accepted => Outcome::Accepted {
            tx_id: s.tx_id.clone().unwrap_or_default(),
        },
        SubmissionState::Rejected => Outcome::Rejected {
            fk_message: s.fk_message.clone().unwrap_or_default(),
            fault: match s.last_error_code.as_deref() {
                Some("elt_xml_validation") => FaultKind::XmlValidation,
                Some("elt_signature_validation") => FaultKind::SignatureValidation,
                _ => FaultKind::Other,
            },
        },
        SubmissionState::Uncertain | SubmissionState::Sending => Outcome::Uncertain {
            explanation: s.last_error_message.clone().unwrap_or_else(|| {
                "inget svar kom från Försäkringskassan; kontrollera med FK om den kom fram"
                    .to_owned()
            }),
        },
        SubmissionState::Abandoned => Outcome::Uncertain {
            explanation: "ett försök gav inget säkert svar och användaren valde att inte skicka \
                          den igen"
                .to_owned(),
        },
        // Queued, will retry (FK certainly did not get it), stopped before sending.
        _ => Outcome::NotSent,
    }
}

/// When the request that decided the outcome started; `None` when nothing may have reached FK.
fn sent_at(
    submission: Option<&Submission>,
    attempts: &[SubmissionAttempt],
) -> Option<DateTime<Utc>> {
    let s = submission?;
    let reached = matches!(
        s.state,
        SubmissionState::Accepted
            | SubmissionState::Rejected
            | SubmissionState::Uncertain
            | SubmissionState::Sending
            | SubmissionState::Abandoned
    );
    if !reached {
        return None;
    }
    attempts
        .iter()
        .rev()
        .find(|a| a.outcome == AttemptOutcome::Accepted)
        .or_else(|| attempts.last())
        .map(|a| a.started_at)
}

/// Sums rows into totals per kind.
pub(crate) fn totals_of(rows: &[CopyRow]) -> Totals {
    let mut totals = Totals::default();
    for row in rows {
        let add = |t: KindTotal| KindTotal {
            clock_minutes: t.clock_minutes + u64::from(row.clock_minutes),
            real_minutes: t.real_minutes + u64::from(row.real_minutes),
        };
        match row.kind {
            TimeKind::Aktiv => totals.aktiv = add(totals.aktiv),
            TimeKind::Vante => totals.vante = add(totals.vante),
            TimeKind::Beredskap => totals.beredskap = add(totals.beredskap),
        }
    }
    totals
}

fn dst_notes_of(rows: &[CopyRow]) -> Vec<DstNoteRow> {
    rows.iter()
        .filter_map(|r| {
            r.dst_note.as_ref().map(|note| DstNoteRow {
                day: r.day,
                from: r.from,
                to: r.to,
                kind: r.kind,
                clock_minutes: r.clock_minutes,
                real_minutes: r.real_minutes,
                note: note.clone(),
            })
        })
        .collect()
}

/// Rows with their readings for every report of the review that has an id.
pub(crate) fn review_rows(review: &MonthReview) -> HashMap<Uuid, Vec<CopyRow>> {
    review
        .reports()
        .iter()
        .filter_map(|r| {
            let id = Uuid::parse_str(r.id()?).ok()?;
            let rows = r
                .rows_with_minutes()
                .map(|(row, m)| CopyRow {
                    day: row.day,
                    from: row.from,
                    to: row.to,
                    kind: row.kind,
                    clock_minutes: m.clock_minutes,
                    real_minutes: m.real_minutes,
                    dst_note: m.dst_note.map(|n| n.sv().to_owned()),
                })
                .collect();
            Some((id, rows))
        })
        .collect()
}

/// The UTC offset of a row end on a change day, when the local time has exactly one reading.
fn unique_offset(date: chrono::NaiveDate, minutes: u16) -> Option<i32> {
    let time =
        chrono::NaiveTime::from_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0)?;
    ShiftTime::resolve(date.and_time(time), None)
        .ok()
        .map(|t| t.offset_minutes())
}

/// Rows read back from a stored document (for versions that are no longer the review's).
fn document_rows(version: &ReportVersion) -> anyhow::Result<Vec<CopyRow>> {
    let parsed =
        parse_report(&version.document).map_err(|e| AppError::invalid("rapportdokument", e))?;
    let month = version.month;
    Ok(parsed
        .rows
        .iter()
        .map(|row| {
            let date = month
                .first_day()
                .checked_add_days(chrono::Days::new(u64::from(row.day.saturating_sub(1))))
                .unwrap_or(month.first_day());
            let change = DstChange::on(date);
            let (from_offset, to_offset) = match change {
                Some(_) => (
                    (row.from.minutes() != 0)
                        .then(|| unique_offset(date, row.from.minutes()))
                        .flatten(),
                    (row.to.minutes() < 24 * 60)
                        .then(|| unique_offset(date, row.to.minutes()))
                        .flatten(),
                ),
                None => (None, None),
            };
            let m = RowMinutes::compute(row.from, row.to, from_offset, to_offset, change);
            CopyRow {
                day: row.day,
                from: row.from,
                to: row.to,
                kind: row.kind,
                clock_minutes: m.clock_minutes,
                real_minutes: m.real_minutes,
                dst_note: m.dst_note.map(|n| n.sv().to_owned()),
            }
        })
        .collect())
}

/// SHA-256 of bytes, lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `3–7, 12` from submission ids.
fn compact_ranges(ids: &[i64]) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    format!("inskickning {}", parts.join(", "))
}

/// Writes an export owner-only (`assistid_store::owner_only::write_file`): via a temporary file
/// and a rename, so a crash never leaves a half-written file under the final name; missing
/// folders are created owner-only.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    assistid_store::owner_only::write_file(path, bytes).with_context(|| {
        format!(
            "kunde inte skriva {}; kontrollera att mappen finns och att du får skriva i den",
            path.display()
        )
    })
}

/// Creates an export folder (and missing parents) owner-only; an existing folder is left as
/// it is.
pub(crate) fn create_export_dir(dir: &Path) -> anyhow::Result<()> {
    assistid_store::owner_only::create_dir_all(dir)
        .with_context(|| format!("kunde inte skapa mappen {}", dir.display()))
}

/// Parses a personnummer the user typed, with a Swedish message naming the field.
pub(crate) fn parse_person(text: &str, now: DateTime<Utc>) -> Result<Personnummer, AppError> {
    Personnummer::parse(text, local_today(now))
        .map_err(|e| AppError::invalid_with("personnummer", e.text()))
}

/// Parses an assistant's identity number the user typed.
pub(crate) fn parse_assistant(text: &str, now: DateTime<Utc>) -> Result<IdentityNumber, AppError> {
    IdentityNumber::parse(text, local_today(now))
        .map_err(|e| AppError::invalid_with("assistentens personnummer", e.text()))
}

fn receipt_error(e: assistid_receipt::ReceiptError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// The receipt as the JSON of `schemas/receipt.schema.json` (pretty-printed).
pub fn receipt_json_text(receipt: &SubmissionReceipt) -> anyhow::Result<String> {
    assistid_receipt::receipt_json(receipt).map_err(receipt_error)
}

/// The receipt as PDF bytes.
pub fn receipt_pdf_bytes(receipt: &SubmissionReceipt) -> anyhow::Result<Vec<u8>> {
    assistid_receipt::receipt_pdf(receipt).map_err(receipt_error)
}

impl App {
    pub(crate) fn register_lookup(&self) -> anyhow::Result<RegisterLookup> {
        Ok(RegisterLookup {
            persons: self
                .persons()?
                .into_iter()
                .map(|p| (p.personnummer.digits().to_owned(), p))
                .collect(),
            assistants: self
                .assistants()?
                .into_iter()
                .map(|a| (a.id.digits().to_owned(), a))
                .collect(),
        })
    }

    pub(crate) fn provider_info(&self) -> anyhow::Result<ProviderInfo> {
        let provider = self.provider()?.ok_or_else(|| {
            AppError::missing_text(crate::error::templates::NO_PROVIDER_ADD_FIRST.text())
        })?;
        Ok(ProviderInfo {
            name: provider.name.clone(),
            org_number: provider.org_number.digits().to_owned(),
        })
    }

    /// The data folder's environment code (`demo`, `test`, `prod`), or `None` for a folder with
    /// real data that has chosen neither yet (nothing was signed or sent there).
    pub(crate) fn folder_environment_code(&self) -> anyhow::Result<Option<&'static str>> {
        Ok(self.environment_settings()?.environment.map(|e| e.as_str()))
    }

    /// A version with its signatures and submissions in the data folder's environment only:
    /// what was signed or sent in FK's test service does not count once the folder works in
    /// production (and the reverse).
    pub(crate) fn version_facts(&self, version: ReportVersion) -> anyhow::Result<VersionFacts> {
        let environment = self.folder_environment_code()?;
        self.version_facts_in(version, environment)
    }

    /// [`App::version_facts`] in `environment` (every environment for `None`).
    fn version_facts_in(
        &self,
        version: ReportVersion,
        environment: Option<&str>,
    ) -> anyhow::Result<VersionFacts> {
        let store = self.store();
        let mut signatures = store
            .signatures_for_report(version.report_id)
            .map_err(AppError::from)?;
        signatures.retain(|s| environment.is_none_or(|e| s.environment.code() == e));
        let mut submissions = store
            .submissions_for_report(version.report_id)
            .map_err(AppError::from)?;
        submissions.retain(|s| environment.is_none_or(|e| s.environment == e));
        Ok(VersionFacts {
            version,
            signatures,
            submissions,
        })
    }

    /// The versions of the month a receipt lists (see the module documentation), each with its
    /// deciding submission, ordered by person, assistant and version.
    pub(crate) fn receipt_facts(
        &self,
        month: ReportMonth,
        lookup: &RegisterLookup,
    ) -> anyhow::Result<Vec<(VersionFacts, Option<Submission>)>> {
        let mut out = Vec::new();
        for version in self
            .store()
            .report_versions_in_month(month)
            .map_err(AppError::from)?
        {
            let facts = self.version_facts(version)?;
            let deciding = facts.deciding_submission().cloned();
            if deciding.is_some() || facts.version.superseded_by.is_none() {
                out.push((facts, deciding));
            }
        }
        out.sort_by_cached_key(|(f, _)| {
            (
                lookup.person(&f.version.person).name,
                lookup.assistant(&f.version.assistant).name,
                f.version.person.digits().to_owned(),
                f.version.assistant.digits().to_owned(),
                f.version.version,
            )
        });
        Ok(out)
    }

    fn receipt_report(
        &self,
        facts: &VersionFacts,
        deciding: Option<&Submission>,
        rows: &[CopyRow],
        lookup: &RegisterLookup,
    ) -> anyhow::Result<ReceiptReport> {
        let attempts = match deciding {
            Some(s) => self
                .store()
                .submission_attempts(s.id)
                .map_err(AppError::from)?,
            None => Vec::new(),
        };
        let v = &facts.version;
        Ok(ReceiptReport {
            person: lookup.person(&v.person),
            assistant: lookup.assistant(&v.assistant),
            report_id: v.report_id.to_string(),
            version: v.version,
            document_sha256: deciding
                .map(|s| s.document_sha256.clone())
                .unwrap_or_else(|| sha256_hex(&v.document)),
            canonical_sha256: v.sha256.clone(),
            assistant_signature: facts.signature(SignerRole::Assistant),
            provider_signature: facts.signature(SignerRole::Provider),
            sent_at: sent_at(deciding, &attempts),
            outcome: outcome_of(deciding),
            totals: totals_of(rows),
            dst_notes: dst_notes_of(rows),
        })
    }

    /// The rows of a version: the review's when it is the current one, else read back.
    fn version_rows(
        rows_by_id: &HashMap<Uuid, Vec<CopyRow>>,
        version: &ReportVersion,
    ) -> anyhow::Result<Vec<CopyRow>> {
        match rows_by_id.get(&version.report_id) {
            Some(rows) => Ok(rows.clone()),
            None => document_rows(version),
        }
    }

    /// The receipt's content for `request` (see [`ReceiptRequest`]), made at `now`. The month
    /// review runs first, so the current versions are those the data gives.
    pub fn receipt(
        &self,
        request: &ReceiptRequest,
        now: DateTime<Utc>,
    ) -> anyhow::Result<SubmissionReceipt> {
        let provider = self.provider_info()?;
        let lookup = self.register_lookup()?;
        match request {
            ReceiptRequest::Month { month } => {
                let reports = self.month_receipt_reports(*month, None, &lookup, now)?;
                Ok(SubmissionReceipt {
                    provider,
                    month: *month,
                    generated_at: now,
                    scope: ReceiptScope::Other {
                        description: format!("Alla tidredovisningar för {month}"),
                    },
                    reports,
                    fk_test_service: self.folder_environment_code()? == Some("test"),
                })
            }
            ReceiptRequest::PersonMonth {
                month,
                personnummer,
            } => {
                let pnr = parse_person(personnummer, now)?;
                let reports = self.month_receipt_reports(*month, Some(&pnr), &lookup, now)?;
                Ok(SubmissionReceipt {
                    provider,
                    month: *month,
                    generated_at: now,
                    scope: ReceiptScope::PersonMonth {
                        person: lookup.person(&pnr),
                    },
                    reports,
                    fk_test_service: self.folder_environment_code()? == Some("test"),
                })
            }
            ReceiptRequest::Submissions { ids } => self.run_receipt(ids, provider, &lookup, now),
        }
    }

    fn month_receipt_reports(
        &self,
        month: ReportMonth,
        person: Option<&Personnummer>,
        lookup: &RegisterLookup,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<ReceiptReport>> {
        let review = self.month_review(month, now)?;
        let rows_by_id = review_rows(&review);
        let mut reports = Vec::new();
        for (facts, deciding) in self.receipt_facts(month, lookup)? {
            if person.is_some_and(|p| p != &facts.version.person) {
                continue;
            }
            let rows = Self::version_rows(&rows_by_id, &facts.version)?;
            reports.push(self.receipt_report(&facts, deciding.as_ref(), &rows, lookup)?);
        }
        Ok(reports)
    }

    fn run_receipt(
        &self,
        ids: &[i64],
        provider: ProviderInfo,
        lookup: &RegisterLookup,
        now: DateTime<Utc>,
    ) -> anyhow::Result<SubmissionReceipt> {
        let mut submissions = Vec::new();
        for id in ids {
            let submission = self
                .store()
                .submission(SubmissionId::new(*id))
                .map_err(AppError::from)?
                .ok_or_else(|| {
                    AppError::missing_text(
                        crate::error::templates::SUBMISSION_MISSING.with("id", id.to_string()),
                    )
                })?;
            submissions.push(submission);
        }
        let Some(month) = submissions.first().map(|s| s.month) else {
            return Err(AppError::invalid_with(
                "inskickningar",
                crate::invalid::templates::AT_LEAST_ONE_SUBMISSION.text(),
            )
            .into());
        };
        if submissions.iter().any(|s| s.month != month) {
            return Err(AppError::invalid_with(
                "inskickningar",
                crate::invalid::templates::RECEIPT_ONE_MONTH.text(),
            )
            .into());
        }
        let review = self.month_review(month, now)?;
        let rows_by_id = review_rows(&review);
        let mut reports = Vec::new();
        for submission in &submissions {
            let version = self
                .store()
                .report_version_by_id(submission.report_id)
                .map_err(AppError::from)?
                .ok_or_else(|| {
                    AppError::missing_text(
                        crate::error::templates::REPORT_VERSION_MISSING
                            .with("id", submission.report_id.to_string()),
                    )
                })?;
            // The run's own environment: a receipt of a test run shows the test signatures
            // even after the folder moved to production.
            let facts = self.version_facts_in(version, Some(submission.environment.as_str()))?;
            let rows = Self::version_rows(&rows_by_id, &facts.version)?;
            reports.push(self.receipt_report(&facts, Some(submission), &rows, lookup)?);
        }
        Ok(SubmissionReceipt {
            provider,
            month,
            generated_at: now,
            scope: ReceiptScope::SubmissionRun {
                run_id: compact_ranges(ids),
            },
            reports,
            fk_test_service: submissions.iter().any(|s| s.environment == "test"),
        })
    }

    /// Writes the receipt for `request` as PDF to `pdf` and/or as JSON to `json` (either may be
    /// left out), logging an audit event. Returns the receipt and the files written.
    pub fn export_receipt(
        &self,
        request: &ReceiptRequest,
        pdf: Option<&Path>,
        json: Option<&Path>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(SubmissionReceipt, Vec<WrittenFile>)> {
        let receipt = self.receipt(request, now)?;
        let mut written = Vec::new();
        if let Some(path) = pdf {
            let bytes = assistid_receipt::receipt_pdf(&receipt).map_err(receipt_error)?;
            write_file(path, &bytes)?;
            written.push(WrittenFile {
                path: path.to_path_buf(),
                kind: "receipt_pdf",
                reports: receipt.reports.len(),
            });
        }
        if let Some(path) = json {
            let text = assistid_receipt::receipt_json(&receipt).map_err(receipt_error)?;
            write_file(path, text.as_bytes())?;
            written.push(WrittenFile {
                path: path.to_path_buf(),
                kind: "receipt_json",
                reports: receipt.reports.len(),
            });
        }
        self.log_event(
            now,
            "receipt_exported",
            None,
            serde_json::json!({
                "month": receipt.month.to_string(),
                "reports": receipt.reports.len(),
                "files": written.iter().map(|w| w.kind).collect::<Vec<_>>(),
            }),
        )?;
        Ok((receipt, written))
    }

    /// The assistants' copies for the month (optionally one person's): one per report version
    /// the assistant has signed that the receipt lists, with the rows exactly as in the
    /// document, ordered by assistant.
    pub fn assistant_copies(
        &self,
        month: ReportMonth,
        person: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<AssistantCopy>> {
        let person = person.map(|p| parse_person(p, now)).transpose()?;
        let provider = self.provider_info()?;
        let lookup = self.register_lookup()?;
        let review = self.month_review(month, now)?;
        let rows_by_id = review_rows(&review);
        let mut copies = Vec::new();
        for (facts, deciding) in self.receipt_facts(month, &lookup)? {
            if person.as_ref().is_some_and(|p| p != &facts.version.person) {
                continue;
            }
            let Some(assistant_signed) = facts.signature(SignerRole::Assistant) else {
                continue;
            };
            let rows = Self::version_rows(&rows_by_id, &facts.version)?;
            let v = &facts.version;
            copies.push(AssistantCopy {
                provider: provider.clone(),
                month,
                generated_at: now,
                person: lookup.person(&v.person),
                assistant: lookup.assistant(&v.assistant),
                report_id: v.report_id.to_string(),
                version: v.version,
                canonical_sha256: v.sha256.clone(),
                totals: totals_of(&rows),
                rows,
                assistant_signed_on: Some(assistant_signed.signed_on),
                provider_signed_on: facts.signature(SignerRole::Provider).map(|s| s.signed_on),
                outcome: outcome_of(deciding.as_ref()),
            });
        }
        copies.sort_by(|a, b| {
            (&a.assistant.name, a.assistant.identity_number.digits())
                .cmp(&(&b.assistant.name, b.assistant.identity_number.digits()))
        });
        Ok(copies)
    }

    /// Writes one PDF per assistant into `dir` (created if missing), each with that
    /// assistant's copies for the month, one report per page; file names carry no identity
    /// numbers (`assistentkopior-2026-10-erik-johansson.pdf`).
    pub fn export_assistant_copies(
        &self,
        month: ReportMonth,
        person: Option<&str>,
        dir: &Path,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<WrittenFile>> {
        let copies = self.assistant_copies(month, person, now)?;
        let files =
            assistid_receipt::assistant_copies_per_assistant(&copies).map_err(receipt_error)?;
        create_export_dir(dir)?;
        let mut written = Vec::new();
        // The files come in the order each assistant first appears among the copies.
        let mut per_assistant: Vec<(&str, usize)> = Vec::new();
        for copy in &copies {
            let id = copy.assistant.identity_number.digits();
            match per_assistant.iter_mut().find(|(d, _)| *d == id) {
                Some((_, n)) => *n += 1,
                None => per_assistant.push((id, 1)),
            }
        }
        for ((name, bytes), (_, reports)) in files.into_iter().zip(per_assistant) {
            let path = dir.join(&name);
            write_file(&path, &bytes)?;
            written.push(WrittenFile {
                path,
                kind: "assistant_copies_pdf",
                reports,
            });
        }
        self.log_event(
            now,
            "assistant_copies_exported",
            None,
            serde_json::json!({ "month": month.to_string(), "files": written.len(), "copies": copies.len() }),
        )?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_are_written_as_ranges() {
        assert_eq!(compact_ranges(&[3, 4, 5, 7]), "inskickning 3–5, 7");
        assert_eq!(compact_ranges(&[9]), "inskickning 9");
        assert_eq!(
            compact_ranges(&[2, 1, 2]),
            "inskickning 1–2",
            "sorted, no repeats"
        );
    }
}
