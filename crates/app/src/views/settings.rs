//! The Settings screen's going-live checklist, its two checks and the provider's signatories,
//! as the UI shows them (texts in the UI's language).

use assistid_core::text::Lang;
use serde::{Deserialize, Serialize};

use crate::going_live::StepState;

/// One step of the going-live checklist in Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LiveStep {
    /// `fk_agreement`, `fk_client_certificate`, `fk_ca` (or `fk_relay` for a folder that
    /// sends through the vendor's relay), `bankid_rp`, `first_test_report`, `production`.
    pub code: String,
    /// The step, in the UI's language.
    pub title: String,
    /// Where it stands.
    pub state: StepState,
    /// What is done or what to do next, in the UI's language.
    pub detail: String,
}

impl LiveStep {
    /// The app's step with its texts in `lang`.
    pub fn from_domain(step: &crate::going_live::LiveStep, lang: Lang) -> Self {
        LiveStep {
            code: step.code.to_owned(),
            title: step.title_text.render(lang),
            state: step.state,
            detail: step.detail_text.render(lang),
        }
    }
}

/// The outcome of "Testa anslutningen till Försäkringskassan" or "Testa BankID".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckOutcome {
    /// True when the check passed.
    pub ok: bool,
    /// `ok`, or what failed.
    pub code: String,
    /// What was checked and found, in the UI's language.
    pub message: String,
}

impl CheckOutcome {
    /// The app's outcome with its message in `lang`.
    pub fn from_domain(outcome: crate::going_live::CheckOutcome, lang: Lang) -> Self {
        CheckOutcome {
            ok: outcome.ok,
            code: outcome.code,
            message: outcome.text.render(lang),
        }
    }
}

/// A person who signs for the provider (firmatecknare).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Signatory {
    /// The personnummer, 12 digits (what `start_provider_batch` takes to choose the signer).
    pub personnummer: String,
    /// The personnummer masked, for display.
    pub masked: String,
    /// First and last name.
    pub name: String,
}

impl From<&assistid_store::StoredSignatory> for Signatory {
    fn from(s: &assistid_store::StoredSignatory) -> Self {
        Signatory {
            personnummer: s.personnummer.digits().to_owned(),
            masked: s.personnummer.masked(),
            name: s.full_name(),
        }
    }
}
