//! What is signed: each report's signing state and its stored signatures, as the screens show them.

use assistid_core::model::ReportMonth;
use assistid_store::StoredSignature;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{App, AppError};

/// One signature as the status lists it (no full personnummer).
#[derive(Debug, Clone, Serialize)]
pub struct SignatureSummary {
    /// `assistant` or `provider`.
    pub role: &'static str,
    /// The BankID environment that made it: `demo`, `test` or `prod`.
    pub environment: &'static str,
    /// The signer's name.
    pub signer_name: String,
    /// The signer's personnummer, masked.
    pub signer_masked: String,
    /// FK's `datumForSignatur`.
    pub signed_on: NaiveDate,
    /// The stored signature id (shared across a provider batch).
    pub signature_id: i64,
}

/// One report's signing state.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSigningStatus {
    /// The current version's id.
    pub report_id: Uuid,
    /// The person's name.
    pub person_name: String,
    /// The assistant's name.
    pub assistant_name: String,
    /// `unsigned`, `assistant_signed`, `fully_signed`.
    pub state: &'static str,
    /// False when the review has errors.
    pub sendable: bool,
    /// The signatures stored.
    pub signatures: Vec<SignatureSummary>,
}

pub(super) fn summary(s: &StoredSignature) -> SignatureSummary {
    SignatureSummary {
        role: s.role.code(),
        environment: s.environment.code(),
        signer_name: s.signer_name.clone(),
        signer_masked: s.signer.masked(),
        signed_on: s.signed_on,
        signature_id: s.id.get(),
    }
}

impl App {
    /// Each current report of the month with its signing state and signatures in the data
    /// folder's environment (what was signed in another environment does not count here).
    pub fn signing_status(
        &self,
        month: ReportMonth,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<ReportSigningStatus>> {
        let environment = self.bankid_environment()?;
        let review = self.month_review(month, now)?;
        let mut out = Vec::new();
        for report in review.reports() {
            let Some(id) = report.id().and_then(|i| Uuid::parse_str(i).ok()) else {
                continue;
            };
            let state = self
                .store()
                .report_signing_state(id, environment.stored())
                .map_err(AppError::from)?;
            let signatures = self
                .store()
                .signatures_for_report_in(id, environment.stored())
                .map_err(AppError::from)?;
            out.push(ReportSigningStatus {
                report_id: id,
                person_name: report.person_name().to_owned(),
                assistant_name: report.assistant_name().to_owned(),
                state: state.code(),
                sendable: report.is_sendable(),
                signatures: signatures.iter().map(summary).collect(),
            });
        }
        Ok(out)
    }

    /// The signatures stored for a report version (for export and the UI).
    pub fn signatures_for_report(&self, report_id: Uuid) -> anyhow::Result<Vec<StoredSignature>> {
        Ok(self
            .store()
            .signatures_for_report(report_id)
            .map_err(AppError::from)?)
    }
}
