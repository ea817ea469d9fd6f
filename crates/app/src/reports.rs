//! The month review and the report versions behind it.
//!
//! Reviewing a month also keeps the stored report versions in step with the data: each report
//! (assistant × person × month) is rendered as FK's document with the id of its latest stored
//! version; if the bytes are the same, that version stands; otherwise a new version with a new
//! id is saved (ids are never reused for different content, and a frozen — signed — version is
//! never touched: its signatures must then be taken again for the new version).

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context as _;
use assistid_core::document::{ReportContent, render};
use assistid_core::limits::LimitConfig;
use assistid_core::model::{Assistant, PersonWithAssistance, Register, ReportMonth};
use assistid_core::review::MonthReview;
use assistid_core::shift::Shift;
use assistid_core::time::ShiftTime;
use assistid_core::validation::Issue;
use assistid_store::NewReportVersion;
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{App, AppError};

/// One entry of `index.json` written by [`App::export_reports`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportedReport {
    /// The report id (lowercase UUID).
    pub id: String,
    /// The report version number (1, 2, …).
    pub version: u32,
    /// The month.
    pub month: String,
    /// The person's personnummer (12 digits).
    pub person: String,
    /// The assistant's personnummer or samordningsnummer (12 digits).
    pub assistant: String,
    /// SHA-256 of the canonical form (lowercase hex).
    pub sha256: String,
    /// The signing binding `<id>,<sha256>`.
    pub binding: String,
    /// The file name of the exact bytes, relative to the index.
    pub file: String,
    /// False when the review has errors for this report: it must not be signed or sent yet.
    pub sendable: bool,
    /// The codes of the report's errors, if any.
    pub errors: Vec<String>,
    /// The BankID signatures stored for this version (assistant first), each written decoded
    /// as `<id>.<role>-signature.xml` beside the report.
    pub signatures: Vec<ExportedSignature>,
}

/// One stored signature in `index.json`: who signed and when (masked personnummer).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportedSignature {
    /// `assistant` or `provider`.
    pub role: String,
    /// The signer's name as BankID gave it.
    pub signer_name: String,
    /// The signer's personnummer, masked (`19720514-****`).
    pub signer: String,
    /// FK's `datumForSignatur` (Europe/Stockholm date of signing).
    pub signed_on: String,
    /// When BankID completed the order (UTC, RFC 3339).
    pub signed_at: String,
    /// The decoded signature XML, relative to the index.
    pub file: String,
    /// How many reports the same signature covers (a provider's batch).
    pub covers_reports: usize,
}

/// The index written next to the exported documents.
#[derive(Debug, Clone, Serialize)]
pub struct ExportIndex {
    /// The month.
    pub month: String,
    /// One entry per report.
    pub reports: Vec<ExportedReport>,
}

fn midnight_utc_minutes(date: NaiveDate) -> Result<i64, AppError> {
    // Midnight never falls inside a DST change in Sweden, so it always resolves.
    ShiftTime::resolve(date.and_time(chrono::NaiveTime::MIN), None)
        .map(|t| t.utc_minutes())
        .map_err(|e| AppError::invalid("datum", e))
}

/// The dates whose shifts a month's review needs: the month itself and every calculation period
/// that intersects it (working-time limits are computed over whole periods).
fn review_window(month: ReportMonth, assistants: &[Assistant]) -> (NaiveDate, NaiveDate) {
    let mut from = month.first_day();
    let mut to = month.last_day();
    for a in assistants {
        if let Some(p) = &a.calculation_period {
            for (f, t) in p.periods_intersecting(month) {
                from = from.min(f);
                to = to.max(t);
            }
        }
    }
    // Assistants without a period are checked over a default window; four months either side
    // covers every rule we apply (the longest is four months).
    from = from.min(
        month
            .first_day()
            .checked_sub_months(Months::new(4))
            .unwrap_or(from),
    );
    to = to.max(
        month
            .last_day()
            .checked_add_months(Months::new(4))
            .unwrap_or(to),
    );
    (from, to)
}

impl App {
    /// The month review with the id of each report's current version (saving new versions where
    /// the data changed).
    pub fn month_review(
        &self,
        month: ReportMonth,
        now: DateTime<Utc>,
    ) -> anyhow::Result<MonthReview> {
        let provider = self.provider()?;
        let persons = self.persons()?;
        let assistants = self.assistants()?;
        let (from, to) = review_window(month, &assistants);
        let shifts: Vec<Shift> = self
            .store()
            .shifts_overlapping(
                midnight_utc_minutes(from)?,
                midnight_utc_minutes(to.succ_opt().unwrap_or(to))?,
            )
            .map_err(AppError::from)?
            .into_iter()
            .map(|s| s.shift)
            .collect();
        let register = Register {
            provider: provider.as_ref(),
            persons: &persons,
            assistants: &assistants,
        };
        let mut review = MonthReview::build(month, &register, &shifts, &LimitConfig::default());
        if let Some(provider) = provider.as_ref() {
            self.sync_report_versions(&mut review, provider, &persons, &assistants, now)?;
        }
        Ok(review)
    }

    fn sync_report_versions(
        &self,
        review: &mut MonthReview,
        provider: &assistid_core::model::Provider,
        persons: &[PersonWithAssistance],
        assistants: &[Assistant],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let month = review.month();
        let person_by: HashMap<&str, &PersonWithAssistance> = persons
            .iter()
            .map(|p| (p.personnummer.digits(), p))
            .collect();
        let assistant_by: HashMap<&str, &Assistant> =
            assistants.iter().map(|a| (a.id.digits(), a)).collect();
        let store = self.store();
        for report in review.reports_mut() {
            let key = report.key().clone();
            let (Some(person), Some(assistant)) = (
                person_by.get(key.person.digits()),
                assistant_by.get(key.assistant.digits()),
            ) else {
                continue;
            };
            let latest = store
                .latest_report_version(&key.assistant, &key.person, month)
                .map_err(AppError::from)?;
            let content = |id: Uuid| ReportContent {
                id,
                month,
                provider,
                person,
                assistant,
                periods: report.calculation_periods(),
                rows: report.rows(),
            };
            if let Some(latest) = &latest {
                match render(&content(latest.report_id)) {
                    Ok(doc) if doc.bytes() == latest.document.as_slice() => {
                        report.set_id(latest.report_id.to_string());
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        report.add_issue(Issue::error(
                            e.code(),
                            format!("rapportdokumentet kan inte skapas: {e}"),
                        ));
                        continue;
                    }
                }
            }
            let id = Uuid::new_v4();
            let doc = match render(&content(id)) {
                Ok(doc) => doc,
                Err(e) => {
                    report.add_issue(Issue::error(
                        e.code(),
                        format!("rapportdokumentet kan inte skapas: {e}"),
                    ));
                    continue;
                }
            };
            let saved = store
                .save_report_version(&NewReportVersion {
                    report_id: id,
                    assistant: &key.assistant,
                    person: &key.person,
                    month,
                    document: doc.bytes(),
                    created_at: now,
                })
                .map_err(AppError::from)?;
            let resign = latest
                .as_ref()
                .filter(|l| l.is_frozen())
                .map(|l| l.report_id);
            self.log_event(
                now,
                "report_version_saved",
                Some(id),
                serde_json::json!({
                    "version": saved.version,
                    "month": month.to_string(),
                    "replaces": latest.as_ref().map(|l| l.report_id.to_string()),
                    "replaces_signed": resign.is_some(),
                }),
            )?;
            if let Some(old) = resign {
                // Name the signatures the old version had: those are the ones to take again.
                let taken: Vec<&str> = store
                    .signatures_for_report(old)
                    .map_err(AppError::from)?
                    .iter()
                    .map(|s| s.role.genitive_sv())
                    .collect();
                let taken = if taken.is_empty() {
                    "underskriften".to_owned()
                } else {
                    format!("{} underskrift", taken.join(" och "))
                };
                report.add_issue(Issue::warning(
                    "signatures_must_be_retaken",
                    format!(
                        "uppgifterna har ändrats efter att version {} skrevs under; {taken} gäller \
                         inte längre och måste tas igen för den nya versionen — först av assistenten, \
                         sedan av anordnaren (tidigare rapport-id {old})",
                        saved.version.saturating_sub(1)
                    ),
                ));
            }
            report.set_id(id.to_string());
        }
        Ok(())
    }

    /// Writes each report's exact bytes as `DIR/<id>.xml` and `DIR/index.json`. Returns the
    /// index; reports with errors are written too (for inspection) but marked not sendable.
    pub fn export_reports(
        &self,
        month: ReportMonth,
        out: &Path,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ExportIndex> {
        let review = self.month_review(month, now)?;
        crate::receipts::create_export_dir(out)?;
        let mut reports = Vec::new();
        for report in review.reports() {
            let Some(id) = report.id() else { continue };
            let id = Uuid::parse_str(id).context("rapport-id")?;
            let version = self
                .store()
                .report_version_by_id(id)
                .map_err(AppError::from)?
                .ok_or_else(|| {
                    AppError::missing_text(
                        crate::error::templates::REPORT_VERSION_MISSING.with("id", id.to_string()),
                    )
                })?;
            let file = format!("{id}.xml");
            write_atomically(&out.join(&file), &version.document)?;
            let mut signatures = Vec::new();
            for signature in self
                .store()
                .signatures_for_report(id)
                .map_err(AppError::from)?
            {
                use base64::Engine as _;
                let xml = base64::engine::general_purpose::STANDARD
                    .decode(&signature.signature_base64)
                    .with_context(|| format!("underskriften av {id} är inte base64"))?;
                let sig_file = format!("{id}.{}-signature.xml", signature.role.code());
                write_atomically(&out.join(&sig_file), &xml)?;
                signatures.push(ExportedSignature {
                    role: signature.role.code().to_owned(),
                    signer_name: signature.signer_name.clone(),
                    signer: signature.signer.masked(),
                    signed_on: signature.signed_on.to_string(),
                    signed_at: signature.signed_at.to_rfc3339(),
                    file: sig_file,
                    covers_reports: signature.covers.len(),
                });
            }
            reports.push(ExportedReport {
                id: id.to_string(),
                version: version.version,
                month: month.to_string(),
                person: version.person.digits().to_owned(),
                assistant: version.assistant.digits().to_owned(),
                sha256: version.sha256.clone(),
                binding: version.binding.clone(),
                file,
                sendable: report.is_sendable(),
                errors: report.errors().iter().map(|e| e.code.to_string()).collect(),
                signatures,
            });
        }
        let index = ExportIndex {
            month: month.to_string(),
            reports,
        };
        let json = serde_json::to_vec_pretty(&index).context("index.json")?;
        write_atomically(&out.join("index.json"), &json)?;
        self.log_event(
            now,
            "reports_exported",
            None,
            serde_json::json!({ "month": month.to_string(), "count": index.reports.len() }),
        )?;
        Ok(index)
    }
}

/// Writes an export owner-only and atomically (the report XML holds full personnummer).
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::receipts::write_file(path, bytes)
}
