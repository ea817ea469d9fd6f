//! BankID signing of time reports: the assistant signs one report, then the provider signs
//! many at once; every signature is verified before it is stored, and again before sending.
//!
//! The flows:
//! - [`App::sign_as_assistant`]: one order with `requirement.personalNumber` = the assistant,
//!   `userVisibleData` saying plainly what is signed, `userNonVisibleData` = the report
//!   version's binding `<id>,<sha256>`. On completion the signature is verified (texts exactly
//!   as sent, signer certificate = BankID's answer = the assistant, XML-DSig and chain to the
//!   environment's user-certificate root, and BankID's OCSP answer: about the signer's
//!   certificate, good, from a responder chaining to the same root, produced during the
//!   order); only then is it stored, with the OCSP answer's `producedAt` as the signing time
//!   (FK's `datumForSignatur` is its Stockholm date, never this computer's clock), which freezes the report's
//!   bytes, and an `assistant_signed` event is logged.
//! - [`App::sign_as_provider`]: the month's (or the chosen) reports whose current version the
//!   assistant has signed, one order per person with assistance (more when BankID's size limits
//!   split one person's reports), run back to back, each binding `;`-joined; one signature is
//!   attached to every report its order covers, and names no other person. Reports
//!   that cannot be signed are listed as skipped, with the reason.
//! - [`App::verify_stored_signatures`]: re-verifies everything stored for a report version
//!   against its exact bytes — what the FK submission calls before sending.
//!
//! Progress reaches the caller as [`SigningEvent`]s (QR content every second, BankID's
//! recommended messages as the hint changes); a [`CancelSignal`] cancels the order (`/cancel`).
//! The QR secret never leaves the bankid crate: only the QR content does.
//!
//! The futures borrow the [`App`] (one SQLite connection, not `Sync`): run them on the thread
//! that owns the `App` (the CLI and the desktop shell each bring their own runtime).

mod assistant;
mod connection;
mod error;
mod order;
pub mod phone;
mod provider;
mod relay;
mod signatories;
mod status;
mod stored;
pub mod text;
mod verification;

use assistid_core::model::ReportMonth;
use assistid_core::review::{MonthReview, ReportReview};
use assistid_store::ReportVersion;

pub use assistid_bankid::CancelSignal;
/// The same-device start, for the programs at the edge (the CLI, the desktop shell).
pub use assistid_bankid::launch::{LaunchError, open_bankid_app};
pub use assistid_bankid::messages::StartMode;
/// The QR code as text for a terminal (the CLI).
pub use assistid_bankid::qr::render_terminal as qr_terminal;
pub use assistid_bankid::types::CallInitiator;
pub use assistid_store::SignerRole;
pub(crate) use connection::wrong_environment;
pub use connection::{
    BankIdConnection, BankIdEnvironment, BankIdSettings, CERT_PASSWORD_ENV, DEMO_PKI_DIR,
    KEYCHAIN_SERVICE, RP_CERT_KEY, SETTINGS_KEY_PREFIX, StandInBankId,
};
pub use text::OrderLimits;
pub use uuid::Uuid;

use crate::App;
pub use assistant::AssistantSigned;
pub use error::{SigningError, templates};
use error::{bankid_error, store_err};
pub use order::{
    PreparedOrder, SignedOrder, SigningEvent, SigningOptions, SimulatedSigner, order_message,
    order_message_text,
};
pub use provider::{ProviderPlan, ProviderSigned, SkippedReport};
pub use signatories::{DEMO_SIGNATORY, demo_signatory};
use status::summary;
pub use status::{ReportSigningStatus, SignatureSummary};
pub use stored::OrderSigned;
pub use verification::stockholm_date;
use verification::{VerifiedCompletion, verify_completion};

impl App {
    fn current_report(review: &MonthReview, report_id: Uuid) -> Option<&ReportReview> {
        let id = report_id.hyphenated().to_string();
        review
            .reports()
            .iter()
            .find(|r| r.id() == Some(id.as_str()))
    }

    /// The month a report version belongs to.
    pub fn report_month(&self, report_id: Uuid) -> Result<ReportMonth, SigningError> {
        Ok(self.version(report_id)?.month)
    }

    fn version(&self, report_id: Uuid) -> Result<ReportVersion, SigningError> {
        self.store()
            .report_version_by_id(report_id)
            .map_err(store_err)?
            .ok_or_else(|| {
                SigningError::not_signable(
                    "report_not_found",
                    error::templates::REPORT_NOT_FOUND.with("report_id", report_id.to_string()),
                )
            })
    }
}
