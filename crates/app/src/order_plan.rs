//! The provider's order plan, one use case for every front end: who signs for the provider
//! (the one named, or the provider's only signatory), the BankID orders a month's ready
//! reports are split into (one person's reports per order, as few orders as BankID's limits
//! allow) and the reports left out with the reason — or the refusal that says what to do
//! first (no signatory registered, several to choose from, the one named is none of them,
//! nothing ready to sign).

use assistid_core::ids::Personnummer;
use assistid_core::model::ReportMonth;
use assistid_store::StoredSignatory;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::signing::{OrderLimits, PreparedOrder, SkippedReport};
use crate::{App, AppError};

/// The order plan's refusals, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    /// The provider has no signatory.
    pub static NO_SIGNATORY: Template = Template::new(
        "no_signatory",
        "Ingen firmatecknare är registrerad för anordnaren; lägg in den som skriver under för \
         anordnaren först (under Register, eller med `assistid provider signatory add`).",
        "No authorised signatory is registered for the provider; add the person who signs for \
         the provider first (under Register, or with `assistid provider signatory add`).",
    );
    /// The provider has several signatories and none was named.
    pub static CHOOSE_SIGNATORY: Template = Template::new(
        "choose_signatory",
        "Anordnaren har {count} firmatecknare; välj vem som skriver under (på kommandoraden \
         med --signatory).",
        "The provider has {count} authorised signatories; choose who signs (on the command line \
         with --signatory).",
    );
    /// The person named is not one of the provider's signatories.
    pub static NOT_A_SIGNATORY: Template = Template::new(
        "not_a_signatory",
        "Den valda personen ({who}) är inte firmatecknare för anordnaren; lägg in hen som \
         firmatecknare först.",
        "The person chosen ({who}) is not an authorised signatory of the provider; add them as \
         a signatory first.",
    );
}

/// Every template of the order plan.
pub static CATALOG: &[&assistid_core::text::Template] = &[
    &templates::NO_SIGNATORY,
    &templates::CHOOSE_SIGNATORY,
    &templates::NOT_A_SIGNATORY,
];

/// What the provider's signatory is to sign for a month ([`App::provider_order_plan`]).
#[derive(Debug, Clone)]
pub struct OrderPlan {
    /// Who signs for the provider.
    pub signatory: StoredSignatory,
    /// The orders, to be signed one after the other in one flow (each signed order is stored
    /// before the next starts); a failure stops the rest, and what was signed stays signed.
    pub orders: Vec<PreparedOrder>,
    /// Reports left out, with the reason.
    pub skipped: Vec<SkippedReport>,
}

impl OrderPlan {
    /// Every report the plan signs, in the orders' order.
    pub fn report_ids(&self) -> Vec<Uuid> {
        self.orders
            .iter()
            .flat_map(|o| o.report_ids().iter().copied())
            .collect()
    }
}

impl App {
    /// The provider's signatory: the one `named` (a personnummer as typed), or with none named
    /// the provider's only one. Refused, as a data problem with its own code, when none is
    /// registered (`no_signatory`), several are and none was named (`choose_signatory`), or
    /// the one named is not among them (`not_a_signatory`; `invalid_input` when it is no
    /// personnummer).
    pub fn provider_signatory(
        &self,
        named: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<StoredSignatory> {
        let all = self.signatories()?;
        let refused = |code, text| AppError::Told {
            code,
            text,
            data_problem: true,
        };
        match named {
            Some(text) => {
                let wanted = Personnummer::parse(text, now.date_naive())
                    .map_err(|e| AppError::invalid_with("firmatecknare", e.text()))?;
                let masked = wanted.masked();
                all.into_iter()
                    .find(|s| s.personnummer == wanted)
                    .ok_or_else(|| {
                        refused(
                            "not_a_signatory",
                            templates::NOT_A_SIGNATORY.with("who", masked),
                        )
                        .into()
                    })
            }
            None => match <[_; 1]>::try_from(all) {
                Ok([one]) => Ok(one),
                Err(all) if all.is_empty() => {
                    Err(refused("no_signatory", templates::NO_SIGNATORY.text()).into())
                }
                Err(all) => Err(refused(
                    "choose_signatory",
                    templates::CHOOSE_SIGNATORY.with("count", all.len()),
                )
                .into()),
            },
        }
    }

    /// The provider's order plan for `month` (only the reports in `only` when given): the
    /// signatory ([`App::provider_signatory`]), the orders BankID's `limits` allow and the
    /// reports left out. Refused with `nothing_to_sign` when no report is ready for the
    /// provider's signature, with each report's reason.
    pub fn provider_order_plan(
        &self,
        month: ReportMonth,
        only: Option<&[Uuid]>,
        named: Option<&str>,
        limits: OrderLimits,
        now: DateTime<Utc>,
    ) -> anyhow::Result<OrderPlan> {
        let signatory = self.provider_signatory(named, now)?;
        let plan =
            self.prepare_provider_signing(month, only, &signatory.personnummer, limits, now)?;
        Ok(OrderPlan {
            signatory,
            orders: plan.orders,
            skipped: plan.skipped,
        })
    }
}
