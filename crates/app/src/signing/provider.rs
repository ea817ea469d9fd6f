//! The provider's orders: the month's assistant-signed reports, one order per person with
//! assistance.

use assistid_bankid::CancelSignal;
use assistid_core::binding::{ReportBinding, batch_binding};
use assistid_core::ids::Personnummer;
use assistid_core::model::ReportMonth;
use assistid_core::review::ReportReview;
use assistid_store::SignerRole;
use assistid_store::{ReportVersion, SigningState};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::App;

use super::connection::{BankIdConnection, BankIdEnvironment};
use super::text::OrderLimits;
use super::{
    OrderSigned, PreparedOrder, SigningError, SigningEvent, SigningOptions, store_err, text,
};

/// The provider's orders, and the reports left out.
#[derive(Debug, Clone)]
pub struct ProviderPlan {
    /// The orders to sign, one after the other.
    pub orders: Vec<PreparedOrder>,
    /// Reports left out, with the reason.
    pub skipped: Vec<SkippedReport>,
}

/// A report left out of a provider's signing, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedReport {
    /// The report version.
    pub report_id: Uuid,
    /// The person's name.
    pub person_name: String,
    /// The assistant's name.
    pub assistant_name: String,
    /// `not_assistant_signed`, `already_signed`, `report_not_sendable`, `not_current_version`.
    pub code: &'static str,
    /// Why, for the coordinator.
    pub reason: String,
}

/// The result of a provider's signing.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderSigned {
    /// The orders signed, in order.
    pub orders: Vec<OrderSigned>,
    /// Reports left out, with the reason.
    pub skipped: Vec<SkippedReport>,
}

pub(super) fn summarize(report: &ReportReview) -> text::ReportSummary {
    text::ReportSummary {
        person_name: report.person_name().to_owned(),
        assistant_name: report.assistant_name().to_owned(),
        totals: *report.totals(),
    }
}

impl App {
    /// The provider's signatory signs the month's assistant-signed reports (all, or those in
    /// `only`) in as few BankID orders as the limits allow, one after the other. Orders signed
    /// before a failure stay stored.
    ///
    /// This is [`App::prepare_provider_signing`], then [`PreparedOrder::sign`] and
    /// [`App::store_signature`] for each order.
    #[allow(clippy::too_many_arguments)]
    pub async fn sign_as_provider(
        &self,
        month: ReportMonth,
        only: Option<&[Uuid]>,
        signatory: &Personnummer,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) -> Result<ProviderSigned, SigningError> {
        let plan = self.prepare_provider_signing(
            month,
            only,
            signatory,
            options.limits,
            (options.clock)(),
        )?;
        let mut orders = Vec::new();
        for order in plan.orders {
            let signed = order.sign(connection, options, cancel, on_event).await?;
            orders.push(self.store_signature(&signed)?);
        }
        Ok(ProviderSigned {
            orders,
            skipped: plan.skipped,
        })
    }

    /// Checks what the provider's signatory can sign now and builds the orders (as few as
    /// `limits` allow); reports left out are listed with the reason.
    pub fn prepare_provider_signing(
        &self,
        month: ReportMonth,
        only: Option<&[Uuid]>,
        signatory: &Personnummer,
        limits: OrderLimits,
        now: DateTime<Utc>,
    ) -> Result<ProviderPlan, SigningError> {
        let limits = self.limits_for_orders(limits)?;
        let signatory = self
            .signatories()?
            .into_iter()
            .find(|s| &s.personnummer == signatory)
            .ok_or_else(|| {
                SigningError::not_signable(
                    "not_a_signatory",
                    super::error::templates::NOT_A_SIGNATORY
                        .with("personnummer", signatory.masked()),
                )
            })?;
        let provider = self.provider()?.ok_or_else(|| {
            SigningError::not_signable(
                "no_provider",
                super::error::templates::NO_PROVIDER_REGISTERED.text(),
            )
        })?;
        let environment = self.bankid_environment()?;
        let (included, skipped) = self.provider_candidates(month, only, environment, now)?;
        if included.is_empty() {
            let reasons: Vec<String> = skipped
                .iter()
                .map(|s| format!("{} / {}: {}", s.person_name, s.assistant_name, s.reason))
                .collect();
            return Err(SigningError::not_signable(
                "nothing_to_sign",
                super::error::templates::NOTHING_TO_SIGN
                    .with("month", month.to_string())
                    .with("reasons", reasons.join("; ")),
            ));
        }
        let bindings: Vec<ReportBinding> = included
            .iter()
            .map(|(v, _)| ReportBinding {
                id: v.report_id,
                sha256: v.sha256.clone(),
            })
            .collect();
        let summaries: Vec<&text::ReportSummary> = included.iter().map(|(_, s)| s).collect();
        let lens: Vec<usize> = bindings.iter().map(|b| b.to_string().len()).collect();
        // One person's reports per order: FK gets the provider's signature with each report,
        // so the text and binding it signs name only that person's reports — never another
        // person's name, hours or report ids (docs/ARCHITECTURE.md, "Provider signatures").
        let mut plan = Vec::new();
        let mut start = 0;
        while start < included.len() {
            let person = &included[start].0.person;
            let end = start
                + included[start..]
                    .iter()
                    .take_while(|(v, _)| &v.person == person)
                    .count();
            let group = text::plan_orders(
                &lens[start..end],
                |range| {
                    let range = range.start + start..range.end + start;
                    text::provider_text(&provider, month, &summaries[range], 999, 999).len()
                },
                limits,
            )
            .ok_or_else(|| {
                SigningError::not_signable(
                    "order_too_large",
                    super::error::templates::ONE_REPORT_TOO_LARGE.text(),
                )
            })?;
            plan.extend(group.into_iter().map(|r| r.start + start..r.end + start));
            start = end;
        }
        let orders = plan.len();
        let orders = plan
            .into_iter()
            .enumerate()
            .map(|(n, range)| PreparedOrder {
                role: SignerRole::Provider,
                environment,
                report_ids: bindings[range.clone()].iter().map(|b| b.id).collect(),
                visible_text: text::provider_text(
                    &provider,
                    month,
                    &summaries[range.clone()],
                    n + 1,
                    orders,
                ),
                binding: batch_binding(&bindings[range]),
                signer: signatory.personnummer.clone(),
                signer_name: signatory.full_name(),
                order: n + 1,
                orders,
            })
            .collect();
        Ok(ProviderPlan { orders, skipped })
    }

    /// The reports the provider can sign now, and those left out with the reason.
    #[allow(clippy::type_complexity)]
    pub(super) fn provider_candidates(
        &self,
        month: ReportMonth,
        only: Option<&[Uuid]>,
        environment: BankIdEnvironment,
        now: DateTime<Utc>,
    ) -> Result<
        (
            Vec<(ReportVersion, text::ReportSummary)>,
            Vec<SkippedReport>,
        ),
        SigningError,
    > {
        let review = self.month_review(month, now)?;
        let mut included = Vec::new();
        let mut skipped = Vec::new();
        if let Some(only) = only {
            for &id in only {
                if Self::current_report(&review, id).is_none() {
                    let (code, reason) = match self.store().report_version_by_id(id).map_err(store_err)? {
                        Some(v) if v.month != month => ("wrong_month", format!("rapporten gäller {}, inte {month}", v.month)),
                        Some(_) => (
                            "not_current_version",
                            "uppgifterna har ändrats; rapporten har en nyare version som assistenten först måste skriva under".to_owned(),
                        ),
                        None => ("report_not_found", "rapporten finns inte".to_owned()),
                    };
                    skipped.push(SkippedReport {
                        report_id: id,
                        person_name: String::new(),
                        assistant_name: String::new(),
                        code,
                        reason,
                    });
                }
            }
        }
        for report in review.reports() {
            let Some(id) = report.id().and_then(|i| Uuid::parse_str(i).ok()) else {
                continue;
            };
            if only.is_some_and(|o| !o.contains(&id)) {
                continue;
            }
            let skip = |code: &'static str, reason: &str| SkippedReport {
                report_id: id,
                person_name: report.person_name().to_owned(),
                assistant_name: report.assistant_name().to_owned(),
                code,
                reason: reason.to_owned(),
            };
            if !report.is_sendable() {
                skipped.push(skip(
                    "report_not_sendable",
                    "rapporten har fel som måste rättas",
                ));
                continue;
            }
            match self
                .store()
                .report_signing_state(id, environment.stored())
                .map_err(store_err)?
            {
                SigningState::Unsigned => skipped.push(skip(
                    "not_assistant_signed",
                    "assistenten har inte skrivit under; anordnaren skriver under efter assistenten",
                )),
                SigningState::FullySigned => {
                    skipped.push(skip("already_signed", "anordnaren har redan skrivit under"));
                }
                SigningState::AssistantSigned => {
                    included.push((self.version(id)?, summarize(report)));
                }
            }
        }
        // By person (name, then number: two persons may share a name), then assistant: each
        // person's reports lie together, and become that person's own orders.
        included.sort_by(|a, b| {
            (
                a.1.person_name.as_str(),
                a.0.person.digits(),
                a.1.assistant_name.as_str(),
            )
                .cmp(&(
                    b.1.person_name.as_str(),
                    b.0.person.digits(),
                    b.1.assistant_name.as_str(),
                ))
        });
        Ok((included, skipped))
    }
}
