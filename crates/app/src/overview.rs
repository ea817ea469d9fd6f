//! The overview of a month: per report the facts its state is derived from — its current
//! version and number, its errors and warnings, who signed it and when, where it is on its way
//! to FK — and the granted against used hours. One use case for every front end.

use std::collections::HashMap;

use assistid_core::model::ReportMonth;
use assistid_core::text::Lang;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::signing::SignerRole;
use crate::views::{GrantUsage, Issue, MonthOverview, ReportSummary};
use crate::{App, AppError};

impl App {
    /// The overview of `month` (reviewed first, which saves new report versions), the issues'
    /// messages in `lang`. Only what counts in the data folder's environment is shown: after a
    /// move from FK's test service to production, what was signed and sent in test is still to
    /// do (with no environment chosen yet, everything counts).
    pub fn month_overview(
        &self,
        month: ReportMonth,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> anyhow::Result<MonthOverview> {
        let review = self.month_review(month, now)?;
        let environment = self.environment_settings()?.environment.map(|e| e.as_str());
        let here = |env: &str| environment.is_none_or(|e| e == env);
        // The newest submission of each report version decides its submission state.
        let mut submissions = HashMap::new();
        for view in self.submissions(Some(month))? {
            if here(&view.environment) {
                submissions.insert(view.report_id.clone(), view);
            }
        }
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let issues = |list: &[assistid_core::validation::Issue]| {
            list.iter().map(|i| Issue::from_domain(i, lang)).collect()
        };
        let mut reports = Vec::with_capacity(review.reports().len());
        for r in review.reports() {
            let (mut assistant_at, mut provider_at, mut version) = (None, None, 0);
            if let Some(id) = r.id().and_then(|i| Uuid::parse_str(i).ok()) {
                version = self
                    .store()
                    .report_version_by_id(id)
                    .map_err(AppError::from)?
                    .map_or(0, |v| v.version);
                for signature in self.signatures_for_report(id)? {
                    if !here(signature.environment.code()) {
                        continue;
                    }
                    let at = Some(signature.signed_at.to_rfc3339());
                    match signature.role {
                        SignerRole::Assistant => assistant_at = at,
                        _ => provider_at = at,
                    }
                }
            }
            let submission = r.id().and_then(|id| submissions.get(id));
            reports.push(ReportSummary {
                report_id: r.id().map(str::to_owned),
                version,
                month: r.month().to_string(),
                person: r.person().digits().to_owned(),
                person_name: r.person_name().to_owned(),
                assistant: r.assistant().digits().to_owned(),
                assistant_name: r.assistant_name().to_owned(),
                shift_count: count(r.rows().len()),
                error_count: count(r.errors().len()),
                warning_count: count(r.warnings().len()),
                signed_by_assistant_at: assistant_at,
                signed_by_provider_at: provider_at,
                submission_state: submission.map(|s| s.state),
            });
        }
        Ok(MonthOverview {
            month: month.to_string(),
            reports,
            errors: issues(review.errors()),
            warnings: issues(review.warnings()),
            granted_hours: GrantUsage::list(&self.grant_usage(month, None)?),
        })
    }
}
