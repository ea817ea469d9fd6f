//! The invoice figures (räkning, FK 3057 / E-RÄK) per person and month, and the month's deadline
//! with what is still missing and whom to remind.
//!
//! The figures are the month review's own totals (real, DST-corrected minutes per kind, per
//! assistant), so they equal the review by construction; what this module adds is which reports
//! FK has not accepted yet, read from the signing tables and the outbox.

use std::path::Path;

use assistid_core::ids::Personnummer;
use assistid_core::model::ReportMonth;
use assistid_core::review::{MonthReview, ReportReview};
use assistid_store::{SigningState, SubmissionState};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

pub use assistid_receipt::{
    AssistantHours, InvoiceFigures, MissingReason, MissingReport, WarningLine, granted_line,
};

use crate::receipts::{RegisterLookup, WrittenFile, parse_person, write_file};
use crate::{App, AppError, local_today};

/// The file formats of the invoice figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InvoiceFormat {
    /// A4 PDF, missing reports first.
    Pdf,
    /// CSV for Swedish Excel (see `docs/receipts.md`).
    Csv,
}

/// One report of the month that FK has not accepted yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingLine {
    /// The person's name.
    pub person: String,
    /// The assistant's name.
    pub assistant: String,
    /// The current version's report id, when the report could be made.
    pub report_id: Option<String>,
    /// Stable code: `not_signed_by_assistant`, `not_signed_by_provider`, `not_sent`,
    /// `rejected_by_fk`, `uncertain`.
    pub reason_code: &'static str,
    /// The reason in Swedish.
    pub reason: &'static str,
}

/// An assistant who still has to sign, with how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssistantReminder {
    /// The assistant's name.
    pub name: String,
    /// Their phone number, if registered.
    pub phone: Option<String>,
    /// The persons whose reports they have not signed (names).
    pub persons: Vec<String>,
    /// The report ids they are to sign.
    pub report_ids: Vec<String>,
}

/// The month's deadline, what is missing, and whom to remind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthReminders {
    /// The month.
    pub month: ReportMonth,
    /// The last day for the person's invoice to reach FK: the 5th of the second month after.
    pub deadline: NaiveDate,
    /// Days from today (Swedish date) to the deadline; negative once passed.
    pub days_left: i64,
    /// Reports in the month.
    pub reports: usize,
    /// Reports FK has accepted.
    pub accepted: usize,
    /// Reports FK has not accepted, with why.
    pub missing: Vec<MissingLine>,
    /// Assistants who have not signed, with their phone numbers.
    pub assistants_to_remind: Vec<AssistantReminder>,
}

fn reason_code(reason: MissingReason) -> &'static str {
    match reason {
        MissingReason::NotSignedByAssistant => "not_signed_by_assistant",
        MissingReason::NotSignedByProvider => "not_signed_by_provider",
        MissingReason::NotSent => "not_sent",
        MissingReason::RejectedByFk => "rejected_by_fk",
        _ => "uncertain",
    }
}

impl App {
    /// Why FK has not accepted the report's current version, or `None` when it has.
    pub(crate) fn missing_reason(
        &self,
        report: &ReportReview,
    ) -> anyhow::Result<Option<MissingReason>> {
        let Some(id) = report.id().and_then(|i| Uuid::parse_str(i).ok()) else {
            // No document could be made: nothing the assistant could sign yet.
            return Ok(Some(MissingReason::NotSignedByAssistant));
        };
        let store = self.store();
        // Only what counts in the folder's environment: FK's test service accepting a report
        // is not FK receiving it. A folder with real data that has chosen no environment yet
        // has signed and sent nothing that counts: production's (empty) state is the truth.
        let environment = match self.bankid_environment() {
            Ok(environment) => environment,
            Err(_) if self.folder_environment_code()?.is_none() => {
                crate::signing::BankIdEnvironment::Prod
            }
            Err(e) => return Err(e),
        };
        if let Some(live) = store
            .live_submission_for_report_in(id, environment.code())
            .map_err(AppError::from)?
        {
            return Ok(match live.state {
                SubmissionState::Accepted => None,
                SubmissionState::Rejected => Some(MissingReason::RejectedByFk),
                SubmissionState::Uncertain | SubmissionState::Sending => {
                    Some(MissingReason::Uncertain)
                }
                _ => Some(MissingReason::NotSent),
            });
        }
        Ok(Some(
            match store
                .report_signing_state(id, environment.stored())
                .map_err(AppError::from)?
            {
                SigningState::Unsigned => MissingReason::NotSignedByAssistant,
                SigningState::AssistantSigned => MissingReason::NotSignedByProvider,
                SigningState::FullySigned => MissingReason::NotSent,
            },
        ))
    }

    fn figures_from(
        &self,
        review: &MonthReview,
        pnr: &Personnummer,
        lookup: &RegisterLookup,
    ) -> anyhow::Result<InvoiceFigures> {
        let mut missing = Vec::new();
        for report in review.reports().iter().filter(|r| r.person() == pnr) {
            if let Some(reason) = self.missing_reason(report)? {
                missing.push(MissingReport {
                    assistant: lookup.assistant(report.assistant()),
                    reason,
                });
            }
        }
        let granted = self
            .grant_usage(review.month(), Some(pnr))?
            .into_iter()
            .flat_map(|p| p.usage)
            .collect();
        Ok(
            InvoiceFigures::from_review(review, &lookup.person(pnr), &missing)
                .with_granted(granted),
        )
    }

    /// The invoice figures for the month: one entry per person with reports in the month (or
    /// only `person`'s), in the review's order. Real hours per kind and per assistant come from
    /// the month review; `missing` lists the reports FK has not accepted.
    pub fn invoice_figures(
        &self,
        month: ReportMonth,
        person: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<InvoiceFigures>> {
        let person = person.map(|p| parse_person(p, now)).transpose()?;
        let lookup = self.register_lookup()?;
        let review = self.month_review(month, now)?;
        let mut persons: Vec<Personnummer> = Vec::new();
        for report in review.reports() {
            if !persons.contains(report.person()) {
                persons.push(report.person().clone());
            }
        }
        if let Some(p) = &person {
            if !persons.contains(p) {
                return Err(AppError::missing_text(
                    crate::error::templates::PERSON_HAS_NO_REPORTS
                        .with("name", lookup.person(p).name.clone())
                        .with("month", month.to_string()),
                )
                .into());
            }
            persons.retain(|x| x == p);
        }
        persons
            .iter()
            .map(|p| self.figures_from(&review, p, &lookup))
            .collect()
    }

    /// Writes the invoice figures of one person (`person` given) or of every person of the month
    /// to `out`: one file in `format`. A CSV holds every person's figures (one header); a PDF
    /// needs `person`, or use [`App::export_invoice_files`] for one PDF per person.
    pub fn export_invoice(
        &self,
        month: ReportMonth,
        person: Option<&str>,
        out: &Path,
        format: InvoiceFormat,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(Vec<InvoiceFigures>, WrittenFile)> {
        let figures = self.invoice_figures(month, person, now)?;
        if figures.is_empty() {
            return Err(AppError::missing_text(
                crate::error::templates::NO_REPORTS_IN_MONTH.with("month", month.to_string()),
            )
            .into());
        }
        let bytes = match format {
            InvoiceFormat::Csv => joined_csv(&figures),
            InvoiceFormat::Pdf => {
                let [one] = figures.as_slice() else {
                    return Err(AppError::invalid_with(
                        "--person",
                        crate::invalid::templates::PDF_FOR_ONE_PERSON
                            .with("count", figures.len())
                            .with("month", month.to_string()),
                    )
                    .into());
                };
                one.to_pdf(&self.provider_info()?, now)
                    .map_err(|e| anyhow::anyhow!("{e}"))?
            }
        };
        write_file(out, &bytes)?;
        self.log_event(
            now,
            "invoice_exported",
            None,
            serde_json::json!({ "month": month.to_string(), "persons": figures.len() }),
        )?;
        let file = WrittenFile {
            path: out.to_path_buf(),
            kind: match format {
                InvoiceFormat::Pdf => "invoice_pdf",
                InvoiceFormat::Csv => "invoice_csv",
            },
            reports: figures.iter().map(|f| f.per_assistant.len()).sum(),
        };
        Ok((figures, file))
    }

    /// Writes one PDF and one CSV per person of the month into `dir`:
    /// `rakningsunderlag-YYYY-MM-<person name, ASCII-folded>.pdf|csv` (no personnummer).
    pub fn export_invoice_files(
        &self,
        month: ReportMonth,
        person: Option<&str>,
        dir: &Path,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(Vec<InvoiceFigures>, Vec<WrittenFile>)> {
        let figures = self.invoice_figures(month, person, now)?;
        let provider = self.provider_info()?;
        let mut written: Vec<WrittenFile> = Vec::new();
        for f in &figures {
            let base = format!(
                "rakningsunderlag-{month}-{}",
                assistid_receipt::ascii_slug(&f.person.name)
            );
            let mut stem = base.clone();
            let mut n = 2;
            while written
                .iter()
                .any(|w| w.path.file_stem().is_some_and(|s| s == stem.as_str()))
            {
                stem = format!("{base}-{n}");
                n += 1;
            }
            let pdf = dir.join(format!("{stem}.pdf"));
            write_file(
                &pdf,
                &f.to_pdf(&provider, now)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            )?;
            let csv = dir.join(format!("{stem}.csv"));
            write_file(&csv, &f.to_csv())?;
            for (path, kind) in [(pdf, "invoice_pdf"), (csv, "invoice_csv")] {
                written.push(WrittenFile {
                    path,
                    kind,
                    reports: f.per_assistant.len(),
                });
            }
        }
        self.log_event(
            now,
            "invoice_exported",
            None,
            serde_json::json!({ "month": month.to_string(), "persons": figures.len() }),
        )?;
        Ok((figures, written))
    }

    /// The month's deadline (the 5th of the second month after), what FK has not accepted yet,
    /// and the assistants who have not signed, with their phone numbers.
    pub fn reminders(
        &self,
        month: ReportMonth,
        now: DateTime<Utc>,
    ) -> anyhow::Result<MonthReminders> {
        let lookup = self.register_lookup()?;
        let review = self.month_review(month, now)?;
        let mut missing = Vec::new();
        let mut remind: Vec<(String, AssistantReminder)> = Vec::new();
        let mut accepted = 0;
        for report in review.reports() {
            let Some(reason) = self.missing_reason(report)? else {
                accepted += 1;
                continue;
            };
            let assistant = lookup.assistant(report.assistant());
            let person = lookup.person(report.person());
            missing.push(MissingLine {
                person: person.name.clone(),
                assistant: assistant.name.clone(),
                report_id: report.id().map(str::to_owned),
                reason_code: reason_code(reason),
                reason: reason.sv(),
            });
            if reason != MissingReason::NotSignedByAssistant {
                continue;
            }
            let digits = report.assistant().digits().to_owned();
            let entry = match remind.iter_mut().find(|(d, _)| d == &digits) {
                Some((_, entry)) => entry,
                None => {
                    remind.push((
                        digits.clone(),
                        AssistantReminder {
                            name: assistant.name.clone(),
                            phone: lookup
                                .assistant_record(report.assistant())
                                .and_then(|a| a.phone.as_ref())
                                .map(|p| p.as_str().to_owned()),
                            persons: Vec::new(),
                            report_ids: Vec::new(),
                        },
                    ));
                    let last = remind.len() - 1;
                    &mut remind[last].1
                }
            };
            entry.persons.push(person.name);
            if let Some(id) = report.id() {
                entry.report_ids.push(id.to_owned());
            }
        }
        let mut assistants_to_remind: Vec<AssistantReminder> =
            remind.into_iter().map(|(_, r)| r).collect();
        assistants_to_remind.sort_by(|a, b| a.name.cmp(&b.name));
        let deadline = month.deadline();
        Ok(MonthReminders {
            month,
            deadline,
            days_left: (deadline - local_today(now)).num_days(),
            reports: review.reports().len(),
            accepted,
            missing,
            assistants_to_remind,
        })
    }
}

/// Several persons' CSVs as one: the first header and BOM, then every person's records.
fn joined_csv(figures: &[InvoiceFigures]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    for (i, f) in figures.iter().enumerate() {
        let csv = f.to_csv();
        if i == 0 {
            out.extend_from_slice(&csv);
            continue;
        }
        // Skip the BOM and the header line of every later person.
        let start = csv
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(csv.len(), |p| p + 2);
        out.extend_from_slice(&csv[start..]);
    }
    out
}
