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
//! that owns the `App` (e.g. with [`block_on`]).

mod connection;
pub mod phone;
pub mod text;

use std::time::Duration;

use anyhow::Context as _;
use assistid_bankid::messages::{Lang, MessageKey, message};
use assistid_bankid::ocsp::{OrderWindow, ProvenSignature, verify_signature_with_ocsp};
use assistid_bankid::order::{
    DriveOptions, OrderEvent, OrderOutcome, drive, start_phone_sign, start_sign,
};
use assistid_bankid::signature::{Expected, SignatureError};
use assistid_bankid::types::{HintCode, PhoneSignRequest, SignData, SignRequest};
use assistid_bankid::{BankIdError, CompletionData};
use assistid_core::binding::{ReportBinding, batch_binding, parse_bindings};
use assistid_core::c14n::report_hash;
use assistid_core::ids::Personnummer;
use assistid_core::model::ReportMonth;
use assistid_core::review::{MonthReview, ReportReview};
use assistid_store::{
    NewSignatory, NewSignature, ReportVersion, SignatureId, SigningState, StoredSignatory,
    StoredSignature,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub use assistid_bankid::CancelSignal;
pub use assistid_bankid::messages::StartMode;
pub use assistid_bankid::types::CallInitiator;
pub use assistid_store::SignerRole;
pub(crate) use connection::wrong_environment;
pub use connection::{
    BankIdConnection, BankIdEnvironment, BankIdSettings, CERT_PASSWORD_ENV, DEMO_PKI_DIR,
    KEYCHAIN_SERVICE, RP_CERT_KEY, SETTINGS_KEY_PREFIX, StandInBankId,
};
pub use text::OrderLimits;
pub use uuid::Uuid;

use crate::{App, AppError};

/// How a signing flow runs.
#[derive(Debug, Clone)]
pub struct SigningOptions {
    /// Between collect calls (BankID: 2 s; shorter in tests).
    pub collect_interval: Duration,
    /// Between QR redraws (1 s).
    pub qr_interval: Duration,
    /// BankID's size limits (smaller in tests, to force a split).
    pub limits: OrderLimits,
    /// The clock: read when an order starts and when its completion arrives, the window the
    /// OCSP answer must fall in. The signing date is the OCSP answer's `producedAt`, not this
    /// clock.
    pub clock: fn() -> DateTime<Utc>,
    /// How the user starts the order: QR code (any machine) or the BankID app on this
    /// computer; BankID's messages differ between the two. The QR code is offered in both.
    pub start_mode: StartMode,
    /// Phone orders ([`StartMode::Phone`]) only: who called whom (BankID's `callInitiator`).
    pub call_initiator: CallInitiator,
}

impl Default for SigningOptions {
    fn default() -> Self {
        Self {
            collect_interval: Duration::from_secs(2),
            qr_interval: Duration::from_secs(1),
            limits: OrderLimits::default(),
            start_mode: StartMode::Qr,
            call_initiator: CallInitiator::Rp,
            clock: Utc::now,
        }
    }
}

/// Progress of a signing flow, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SigningEvent {
    /// A BankID order was started.
    OrderStarted {
        /// This order's number (1-based).
        order: usize,
        /// How many orders the flow needs.
        orders: usize,
        /// How many reports this order covers.
        reports: usize,
        /// Same-device start: open with the OS URL handler.
        autostart_url: String,
        /// BankID's reference for the order (not secret; the demo's simulated app acts on it).
        order_ref: String,
        /// The BankID environment the order runs in.
        environment: BankIdEnvironment,
    },
    /// New QR content to draw (every second until the app has the order).
    Qr {
        /// `bankid.<token>.<time>.<code>`.
        content: String,
    },
    /// BankID's message for the current state (shown as it changes).
    Message {
        /// The hint code, if BankID gave one.
        hint: Option<String>,
        /// BankID's message id, e.g. `RFA1`.
        id: &'static str,
        /// Swedish text.
        sv: &'static str,
        /// English text.
        en: &'static str,
    },
}

/// Why signing did not end with a stored signature. Nothing is stored in any of these cases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The report(s) cannot be signed as they are (review errors, not the latest version,
    /// already signed, not signed by the assistant, samordningsnummer, …).
    #[error("{message}")]
    NotSignable {
        /// Stable code, e.g. `report_not_sendable`.
        code: &'static str,
        /// What is wrong, for the coordinator.
        message: String,
    },
    /// BankID refused the call (e.g. `alreadyInProgress` → RFA4) or could not be reached.
    #[error("{message}")]
    BankId {
        /// Stable code from the bankid crate.
        code: &'static str,
        /// BankID's message id.
        rfa: &'static str,
        /// BankID's recommended text (Swedish).
        message: String,
    },
    /// The order ended without a signature (`userCancel`, `expiredTransaction`,
    /// `certificateErr`, `startFailed`, …).
    #[error("{message}")]
    OrderFailed {
        /// BankID's hint code.
        hint: String,
        /// BankID's message id.
        rfa: &'static str,
        /// BankID's recommended text (Swedish).
        message: String,
        /// Whether to offer a new order (the QR code was not scanned in time).
        offer_new_order: bool,
    },
    /// The user (or the program) cancelled the order.
    #[error("Underskriften avbröts. Ingenting sparades.")]
    Cancelled,
    /// BankID returned a signature that does not pass the checks.
    #[error("BankID-underskriften godtogs inte och sparades inte: {0}")]
    Rejected(#[from] SignatureError),
    /// A stored signature no longer verifies against the stored report.
    #[error("{role} underskrift av rapporten {report_id} är inte giltig: {reason}")]
    StoredSignatureInvalid {
        /// The report version.
        report_id: Uuid,
        /// `assistentens` / `anordnarens`.
        role: &'static str,
        /// What failed.
        reason: String,
    },
    /// Anything else (database, files).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl SigningError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotSignable { code, .. } => code,
            Self::BankId { code, .. } => code,
            Self::OrderFailed { .. } => "bankid_order_failed",
            Self::Cancelled => "signing_cancelled",
            Self::Rejected(e) => e.code(),
            Self::StoredSignatureInvalid { .. } => "stored_signature_invalid",
            Self::Other(e) => e
                .downcast_ref::<AppError>()
                .map_or("internal", AppError::code),
        }
    }

    /// True when the data blocks signing (the user must fix the report or sign in order), as
    /// opposed to the signing itself failing.
    pub fn is_data_problem(&self) -> bool {
        match self {
            Self::NotSignable { .. } => true,
            Self::Other(e) => e
                .downcast_ref::<AppError>()
                .is_some_and(AppError::is_data_problem),
            _ => false,
        }
    }

    fn not_signable(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotSignable {
            code,
            message: message.into(),
        }
    }
}

fn store_err(e: assistid_store::StoreError) -> SigningError {
    SigningError::Other(AppError::from(e).into())
}

/// A stored assistant signature.
#[derive(Debug, Clone, Serialize)]
pub struct AssistantSigned {
    /// The report version signed (now frozen).
    pub report_id: Uuid,
    /// The stored signature.
    pub signature_id: i64,
    /// FK's `datumForSignatur`.
    pub signed_on: NaiveDate,
    /// The signer's name as BankID gave it.
    pub signer_name: String,
}

/// One order that was signed and stored (an assistant's, or one of a provider's batch).
#[derive(Debug, Clone, Serialize)]
pub struct OrderSigned {
    /// The stored signature (attached to every report below).
    pub signature_id: i64,
    /// The reports it covers.
    pub reports: Vec<Uuid>,
    /// FK's `datumForSignatur`.
    pub signed_on: NaiveDate,
}

/// One BankID order ready to be signed: who must sign, the text they read, the binding of the
/// reports it covers. Made by [`App::prepare_assistant_signing`] or
/// [`App::prepare_provider_signing`]; [`PreparedOrder::sign`] needs no [`App`], so its future is
/// `Send` (the desktop shell can run it on any task).
#[derive(Clone)]
pub struct PreparedOrder {
    role: SignerRole,
    /// The data folder's BankID environment when the order was prepared.
    environment: BankIdEnvironment,
    report_ids: Vec<Uuid>,
    visible_text: String,
    binding: String,
    signer: Personnummer,
    signer_name: String,
    order: usize,
    orders: usize,
}

impl std::fmt::Debug for PreparedOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedOrder")
            .field("role", &self.role)
            .field("environment", &self.environment)
            .field("report_ids", &self.report_ids)
            .field("signer", &self.signer)
            .field("order", &self.order)
            .field("orders", &self.orders)
            .finish_non_exhaustive()
    }
}

impl PreparedOrder {
    /// Whose signature this order asks for.
    pub fn role(&self) -> SignerRole {
        self.role
    }

    /// The report versions it covers.
    pub fn report_ids(&self) -> &[Uuid] {
        &self.report_ids
    }

    /// The text the signer reads in the BankID app (simpleMarkdownV1).
    pub fn visible_text(&self) -> &str {
        &self.visible_text
    }

    /// The binding sent as `userNonVisibleData` (`<id>,<sha256>` entries joined by `;`).
    pub fn binding(&self) -> &str {
        &self.binding
    }

    /// The name of the person who must sign (for the UI; the personnummer stays here).
    pub fn signer_name(&self) -> &str {
        &self.signer_name
    }

    /// The BankID environment the order is for (the data folder's when it was prepared).
    pub fn environment(&self) -> BankIdEnvironment {
        self.environment
    }

    /// Who the demo's simulated BankID app may approve as: the person meant to sign. Only
    /// for an order of the demo folder on the demo's stand-in BankID; anywhere else it is
    /// refused (`simulated_bankid_outside_demo`): a real order is only ever approved in the
    /// signer's own BankID app.
    pub fn simulated_signer(
        &self,
        connection: &BankIdConnection,
    ) -> Result<SimulatedSigner<'_>, SigningError> {
        if self.environment != BankIdEnvironment::Demo
            || connection.environment != BankIdEnvironment::Demo
        {
            return Err(SigningError::Other(
                wrong_environment(
                    "simulated_bankid_outside_demo",
                    "Den simulerade BankID-appen finns bara i demoläget. Här skriver den som ska \
                     skriva under i sin egen BankID-app.",
                )
                .into(),
            ));
        }
        Ok(SimulatedSigner {
            personnummer: &self.signer,
            name: &self.signer_name,
        })
    }

    /// This order's number and how many the flow needs (`(1, 1)` normally).
    pub fn position(&self) -> (usize, usize) {
        (self.order, self.orders)
    }

    /// Starts the BankID order, reports progress, and verifies the signature on completion.
    /// Nothing is stored: give the result to [`App::store_signature`].
    pub async fn sign(
        self,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) -> Result<SignedOrder, SigningError> {
        if connection.environment != self.environment {
            return Err(SigningError::Other(
                wrong_environment(
                    "bankid_other_environment",
                    format!(
                        "Underskriften förbereddes i {}, men BankID-anslutningen gäller {}. \
                         Ingenting skrevs under; börja om underskriften.",
                        self.environment.label_sv(),
                        connection.environment.label_sv()
                    ),
                )
                .into(),
            ));
        }
        let completion = run_order(
            connection,
            &self.visible_text,
            &self.binding,
            &self.signer,
            (self.order, self.orders, self.report_ids.len()),
            options,
            cancel,
            on_event,
        )
        .await?;
        Ok(SignedOrder {
            order: self,
            completion,
        })
    }
}

/// The person the demo's simulated BankID app approves as ([`PreparedOrder::simulated_signer`]).
#[derive(Debug, Clone, Copy)]
pub struct SimulatedSigner<'a> {
    /// The signer's personnummer.
    pub personnummer: &'a Personnummer,
    /// The signer's name.
    pub name: &'a str,
}

/// A completed order whose signature passed every check, not yet stored.
pub struct SignedOrder {
    order: PreparedOrder,
    completion: VerifiedCompletion,
}

impl SignedOrder {
    /// The name of the person who signed, as BankID gave it.
    pub fn signer_name(&self) -> &str {
        &self.completion.completion.user.name
    }
}

impl std::fmt::Debug for SignedOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedOrder")
            .field("order", &self.order)
            .field("completed_at", &self.completion.completed_at)
            .finish_non_exhaustive()
    }
}

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

fn summary(s: &StoredSignature) -> SignatureSummary {
    SignatureSummary {
        role: s.role.code(),
        environment: s.environment.code(),
        signer_name: s.signer_name.clone(),
        signer_masked: s.signer.masked(),
        signed_on: s.signed_on,
        signature_id: s.id.get(),
    }
}

/// The demo provider's manager, Karin Lindqvist, who signs for the demo provider.
pub const DEMO_SIGNATORY: &str = "197205141232";

/// The demo data's signatory (see [`DEMO_SIGNATORY`]).
pub fn demo_signatory() -> Result<NewSignatory, AppError> {
    Ok(NewSignatory {
        personnummer: Personnummer::from_digits(DEMO_SIGNATORY)
            .map_err(|e| AppError::invalid("personnummer", e))?,
        first_name: "Karin".to_owned(),
        last_name: "Lindqvist".to_owned(),
    })
}

/// Runs a signing future to its end on a new runtime (for the CLI and other synchronous
/// callers). The fake BankID of demo mode runs on the same runtime.
pub fn block_on<F: std::future::Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("kunde inte starta körmiljön för BankID")?;
    Ok(runtime.block_on(future))
}

/// Opens BankID's same-device start link (`bankid:///?autostarttoken=…&redirect=null`) with
/// the operating system's URL handler, which starts the BankID app installed on this computer.
/// An error means no handler could be started (then the QR code is the way).
pub fn open_bankid_app(autostart_url: &str) -> anyhow::Result<()> {
    if !autostart_url.starts_with("bankid:///?autostarttoken=") {
        anyhow::bail!("inte en BankID-startlänk");
    }
    let mut command = bankid_opener(autostart_url);
    let status = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .context("BankID-appen kunde inte startas på den här datorn")?;
    if !status.success() {
        anyhow::bail!("BankID-appen kunde inte startas på den här datorn");
    }
    Ok(())
}

/// The OS command that opens a URL: `open` (macOS), the URL protocol handler (Windows — not
/// `cmd /c start`, whose parsing would break the link at `&`), `xdg-open` elsewhere.
fn bankid_opener(url: &str) -> std::process::Command {
    if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("rundll32");
        c.args(["url.dll,FileProtocolHandler", url]);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    }
}

/// The QR code as text for a terminal (Unicode half blocks).
pub fn qr_terminal(content: &str) -> anyhow::Result<String> {
    Ok(assistid_bankid::qr::render_terminal(content)?)
}

/// Completion data that passed every check.
struct VerifiedCompletion {
    environment: BankIdEnvironment,
    order_ref: String,
    completion: CompletionData,
    signer: Personnummer,
    /// When the completed collect answer arrived (this computer's clock): the event's time.
    completed_at: DateTime<Utc>,
    /// The verified OCSP answer's `producedAt`: when BankID vouched for the signer's
    /// certificate, the signing time stored and sent to FK.
    signed_at: DateTime<Utc>,
    user_visible_data: String,
    user_non_visible_data: String,
    completion_json: String,
}

impl VerifiedCompletion {
    fn signed_on(&self) -> NaiveDate {
        stockholm_date(self.signed_at)
    }

    fn new_signature<'a>(&'a self, role: SignerRole, reports: &'a [Uuid]) -> NewSignature<'a> {
        NewSignature {
            role,
            environment: self.environment.stored(),
            report_ids: reports,
            order_ref: &self.order_ref,
            signer: &self.signer,
            signer_name: &self.completion.user.name,
            signed_on: self.signed_on(),
            signed_at: self.signed_at,
            user_visible_data: &self.user_visible_data,
            user_non_visible_data: &self.user_non_visible_data,
            signature_base64: &self.completion.signature,
            ocsp_response_base64: &self.completion.ocsp_response,
            completion_data_json: &self.completion_json,
        }
    }
}

/// BankID's recommended message (id such as `RFA13`, Swedish and English text) for an order
/// in `hint` (the hint code as [`SigningEvent::Message`] and [`SigningError::OrderFailed`]
/// carry it; `None` when BankID gave none), pending or `failed`, as the user started it:
/// for a shell whose start mode changes after the order started (the QR code first, then
/// "open BankID on this computer"), so its messages follow the mode the user chose.
pub fn order_message(
    hint: Option<&str>,
    failed: bool,
    mode: StartMode,
) -> (&'static str, &'static str, &'static str) {
    let hint = hint.map(HintCode::parse);
    let key = |hint| {
        if failed {
            MessageKey::Failed(hint)
        } else {
            MessageKey::Pending(hint)
        }
    };
    let sv = message(key(hint.as_ref()), mode, Lang::Sv);
    let en = message(key(hint.as_ref()), mode, Lang::En);
    (sv.id, sv.text, en.text)
}

/// FK's `datumForSignatur`: the Europe/Stockholm date of the moment.
pub fn stockholm_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Stockholm).date_naive()
}

fn bankid_error(e: &BankIdError) -> SigningError {
    let m = e.user_message(Lang::Sv);
    let message = if e.is_our_bug() {
        format!(
            "{} (fel i Assistids BankID-anrop eller inställningar: {e})",
            m.text
        )
    } else {
        m.text.to_owned()
    };
    SigningError::BankId {
        code: e.code(),
        rfa: m.id,
        message,
    }
}

/// One order: start, demo user, drive with events, verify.
#[allow(clippy::too_many_arguments)]
async fn run_order(
    connection: &BankIdConnection,
    visible_text: &str,
    binding: &str,
    signer: &Personnummer,
    (order_no, orders, reports): (usize, usize, usize),
    options: &SigningOptions,
    cancel: &CancelSignal,
    on_event: &mut (dyn FnMut(SigningEvent) + Send),
) -> Result<VerifiedCompletion, SigningError> {
    let data = SignData::new(visible_text, Some(binding.as_bytes()))
        .map_err(|e| SigningError::not_signable("order_too_large", e.to_string()))?;
    let phone = options.start_mode == StartMode::Phone;
    let started_at = (options.clock)();
    let order = if phone {
        // The coordinator is in a call with the signer: the order goes to the BankID app of
        // the signer's personnummer, with no QR code and no autostart.
        let request = PhoneSignRequest::new(signer, options.call_initiator, &data);
        start_phone_sign(&connection.client, &request).await
    } else {
        // endUserIp: this computer's address on its route to BankID, never a fixed address.
        let end_user_ip = connection
            .client
            .end_user_ip()
            .await
            .map_err(|e| bankid_error(&e))?
            .to_string();
        let request = SignRequest::new(&end_user_ip, &data, Some(signer.digits()));
        start_sign(&connection.client, &request).await
    }
    .map_err(|e| bankid_error(&e))?;
    on_event(SigningEvent::OrderStarted {
        order: order_no,
        orders,
        reports,
        autostart_url: if phone {
            String::new()
        } else {
            order.autostart_url()
        },
        order_ref: order.order_ref.clone(),
        environment: connection.environment,
    });
    let drive_options = DriveOptions {
        collect_interval: options.collect_interval,
        qr_interval: (!phone).then_some(options.qr_interval),
        mode: options.start_mode,
    };
    let outcome = drive(
        &connection.client,
        &order,
        drive_options,
        cancel,
        |event| match &event {
            OrderEvent::Qr(content) => on_event(SigningEvent::Qr {
                content: content.clone(),
            }),
            OrderEvent::Pending { hint } => {
                let sv = message(
                    MessageKey::Pending(hint.as_ref()),
                    options.start_mode,
                    Lang::Sv,
                );
                let en = message(
                    MessageKey::Pending(hint.as_ref()),
                    options.start_mode,
                    Lang::En,
                );
                on_event(SigningEvent::Message {
                    hint: hint.as_ref().map(ToString::to_string),
                    id: sv.id,
                    sv: sv.text,
                    en: en.text,
                });
            }
            _ => {}
        },
    )
    .await
    .map_err(|e| bankid_error(&e))?;
    let completion = match outcome {
        OrderOutcome::Completed(data) => *data,
        OrderOutcome::Cancelled => return Err(SigningError::Cancelled),
        failed => {
            let hint = match &failed {
                OrderOutcome::Failed { hint } => hint.clone(),
                _ => HintCode::Unknown(String::new()),
            };
            let m = message(
                MessageKey::Failed(Some(&hint)),
                options.start_mode,
                Lang::Sv,
            );
            let en = message(
                MessageKey::Failed(Some(&hint)),
                options.start_mode,
                Lang::En,
            );
            on_event(SigningEvent::Message {
                hint: Some(hint.to_string()),
                id: m.id,
                sv: m.text,
                en: en.text,
            });
            return Err(SigningError::OrderFailed {
                hint: hint.to_string(),
                rfa: m.id,
                message: m.text.to_owned(),
                offer_new_order: failed.offers_new_order(),
            });
        }
    };
    let completed_at = (options.clock)();
    let xml = completion
        .signature_xml()
        .map_err(|e| SignatureError::Unreadable(format!("inte base64: {e}")))?;
    let ocsp = match completion.ocsp_der() {
        Ok(der) if !der.is_empty() => der,
        _ => {
            return Err(
                SignatureError::Unreadable("OCSP-svaret saknas eller är trasigt".into()).into(),
            );
        }
    };
    let expected = Expected {
        user_visible_data: data.user_visible_data(),
        user_non_visible_data: data.user_non_visible_data(),
        personal_number: signer.digits(),
    };
    let proven = verify_bankid_signature(
        &xml,
        &ocsp,
        &expected,
        &completion.user.personal_number,
        &connection.user_roots,
        OrderWindow {
            started: started_at,
            completed: completed_at,
        },
    )?;
    Ok(VerifiedCompletion {
        environment: connection.environment,
        order_ref: order.order_ref.clone(),
        completion_json: completion.raw.to_string(),
        completion,
        signer: signer.clone(),
        completed_at,
        signed_at: proven.ocsp.produced_at,
        user_visible_data: data.user_visible_data().to_owned(),
        user_non_visible_data: data.user_non_visible_data().unwrap_or_default().to_owned(),
    })
}

/// The one check of a BankID signature and its OCSP answer, before it is stored and again
/// before it is sent ([`assistid_bankid::verify_signature_with_ocsp`]: the signature at the
/// answer's `producedAt`, the answer about the signer's certificate, good, signed by a
/// responder chaining to the same root, produced within `order`): against each of the
/// environment's roots on its own, accepting the first that passes (when
/// the bankid crate's verification changes, this is the one place that follows). The demo's roots
/// all carry the same name (a new fake CA per run), and the chain check picks its root by name,
/// so the roots are tried one at a time. When none passes, the most telling error is returned:
/// one where the chain matched but something else failed, else "untrusted root".
fn verify_bankid_signature(
    xml: &[u8],
    ocsp_der: &[u8],
    expected: &Expected<'_>,
    completion_personal_number: &str,
    roots: &[Vec<u8>],
    order: OrderWindow,
) -> Result<ProvenSignature, SignatureError> {
    let mut error = SignatureError::UntrustedRoot;
    for root in roots {
        match verify_signature_with_ocsp(
            xml,
            ocsp_der,
            expected,
            completion_personal_number,
            std::slice::from_ref(root),
            order,
        ) {
            Ok(proven) => return Ok(proven),
            Err(SignatureError::UntrustedRoot | SignatureError::ChainBroken(_)) => {}
            Err(e) => error = e,
        }
    }
    Err(error)
}

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
                    format!("rapporten {report_id} finns inte"),
                )
            })
    }

    /// The assistant signs one report version with BankID (see the module documentation).
    /// The version must be the report's latest, without review errors and unsigned.
    ///
    /// This is [`App::prepare_assistant_signing`], [`PreparedOrder::sign`] and
    /// [`App::store_signature`] in a row.
    pub async fn sign_as_assistant(
        &self,
        report_id: Uuid,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) -> Result<AssistantSigned, SigningError> {
        let order = self.prepare_assistant_signing(report_id, (options.clock)())?;
        let signed = order.sign(connection, options, cancel, on_event).await?;
        let stored = self.store_signature(&signed)?;
        Ok(AssistantSigned {
            report_id,
            signature_id: stored.signature_id,
            signed_on: stored.signed_on,
            signer_name: signed.completion.completion.user.name.clone(),
        })
    }

    /// Checks that the assistant can sign the report version now and builds the order: the
    /// version is the latest, unsigned, without review errors, and the assistant has a
    /// personnummer.
    pub fn prepare_assistant_signing(
        &self,
        report_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<PreparedOrder, SigningError> {
        let environment = self.bankid_environment()?;
        let version = self.version(report_id)?;
        if let Some(newer) = version.superseded_by {
            return Err(SigningError::not_signable(
                "not_current_version",
                format!(
                    "rapporten {report_id} har ersatts av en nyare version ({newer}) eftersom \
                     uppgifterna ändrats; skriv under den nya versionen"
                ),
            ));
        }
        if self
            .store()
            .report_signing_state(report_id, environment.stored())
            .map_err(store_err)?
            != SigningState::Unsigned
        {
            return Err(SigningError::not_signable(
                "already_signed",
                format!("assistenten har redan skrivit under rapporten {report_id}"),
            ));
        }
        let review = self.month_review(version.month, now)?;
        let report = Self::current_report(&review, report_id).ok_or_else(|| {
            SigningError::not_signable(
                "not_current_version",
                format!(
                    "uppgifterna för rapporten {report_id} har ändrats; en ny version har skapats. \
                     Visa månadsöversikten och skriv under den nya versionen"
                ),
            )
        })?;
        let assistant = Personnummer::try_from(version.assistant.clone()).map_err(|_| {
            SigningError::not_signable(
                "assistant_has_samordningsnummer",
                format!(
                    "{} har samordningsnummer och kan inte skriva under med BankID; BankID kräver \
                     personnummer",
                    report.assistant_name()
                ),
            )
        })?;
        if !report.is_sendable() {
            let errors: Vec<String> = report.errors().iter().map(|e| e.message.clone()).collect();
            return Err(SigningError::not_signable(
                "report_not_sendable",
                format!(
                    "rapporten {report_id} ({} för {}) har fel som måste rättas innan den kan \
                     skrivas under: {}",
                    report.assistant_name(),
                    report.person_name(),
                    errors.join("; ")
                ),
            ));
        }
        let provider = self.provider()?.ok_or_else(|| {
            SigningError::not_signable("no_provider", "ingen anordnare är registrerad")
        })?;
        Ok(PreparedOrder {
            role: SignerRole::Assistant,
            environment,
            report_ids: vec![report_id],
            visible_text: text::assistant_rows_text(
                &provider,
                version.month,
                &text::AssistantReport::from_review(report, version.version),
                assistid_bankid::types::USER_VISIBLE_DATA_MAX,
            )
            .map_err(|e| SigningError::not_signable("visible_text_too_long", e.to_string()))?
            .0,
            binding: version.binding.clone(),
            signer: assistant,
            signer_name: report.assistant_name().to_owned(),
            order: 1,
            orders: 1,
        })
    }

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
        let signatory = self
            .signatories()?
            .into_iter()
            .find(|s| &s.personnummer == signatory)
            .ok_or_else(|| {
                SigningError::not_signable(
                    "not_a_signatory",
                    format!(
                        "{} är inte firmatecknare för anordnaren; lägg till med `assistid provider \
                         signatory add`",
                        signatory.masked()
                    ),
                )
            })?;
        let provider = self.provider()?.ok_or_else(|| {
            SigningError::not_signable("no_provider", "ingen anordnare är registrerad")
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
                format!(
                    "det finns ingen tidredovisning för {month} som anordnaren kan skriva under. {}",
                    reasons.join("; ")
                ),
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
                    "en enda tidredovisning ryms inte i en BankID-underskrift",
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

    /// Stores a signed order's verified signature on every report it covers and logs
    /// `assistant_signed` / `provider_signed` per report, all in one transaction; the first
    /// signature freezes the report version.
    ///
    /// A signature is stored only in the data folder of its own environment: a demo signature
    /// in a folder with real data, or one made in BankID's test service after the folder moved
    /// to production (or the reverse), is refused (`signature_other_environment`).
    pub fn store_signature(&self, signed: &SignedOrder) -> Result<OrderSigned, SigningError> {
        let order = &signed.order;
        let completion = &signed.completion;
        let folder = self.bankid_environment()?;
        if completion.environment != folder || order.environment != folder {
            return Err(SigningError::Other(
                wrong_environment(
                    "signature_other_environment",
                    format!(
                        "Underskriften gjordes i {}, men datamappen arbetar nu i {}; den \
                         sparades inte. Skriv under igen i {}.",
                        completion.environment.label_sv(),
                        folder.label_sv(),
                        folder.label_sv()
                    ),
                )
                .into(),
            ));
        }
        let new = completion.new_signature(order.role, &order.report_ids);
        let kind = match order.role {
            SignerRole::Assistant => "assistant_signed",
            SignerRole::Provider => "provider_signed",
        };
        let signature_id = self
            .store()
            .transaction(|s| -> Result<SignatureId, anyhow::Error> {
                let id = s.save_signature(&new).map_err(AppError::from)?;
                for &report_id in &order.report_ids {
                    s.append_event(&assistid_store::NewEvent {
                        at: completion.completed_at,
                        kind,
                        report_id: Some(report_id),
                        details: &serde_json::json!({
                            "signature_id": id.get(),
                            "reports_in_order": order.report_ids.len(),
                        }),
                    })
                    .map_err(AppError::from)?;
                }
                Ok(id)
            })?;
        Ok(OrderSigned {
            signature_id: signature_id.get(),
            reports: order.report_ids.clone(),
            signed_on: completion.signed_on(),
        })
    }

    /// The reports the provider can sign now, and those left out with the reason.
    #[allow(clippy::type_complexity)]
    fn provider_candidates(
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

    /// Re-verifies the signatures stored for a report version in one BankID `environment`
    /// against its exact stored bytes: both signatures present, both made in that environment,
    /// each XML-DSig valid with a chain to that environment's user-certificate root at the time
    /// it was received, the texts as sent, the signer as stored, and the binding naming this
    /// version with the hash of its bytes. The FK submission calls this before sending, with
    /// the environment of FK's service, so a signature never goes to FK's service of another
    /// environment.
    pub fn verify_stored_signatures(
        &self,
        report_id: Uuid,
        environment: BankIdEnvironment,
    ) -> Result<Vec<SignatureSummary>, SigningError> {
        let version = self.version(report_id)?;
        let sha256 =
            report_hash(&version.document).map_err(|e| SigningError::StoredSignatureInvalid {
                report_id,
                role: "rapportens",
                reason: format!("dokumentet går inte att kanonisera: {e}"),
            })?;
        let expected_binding = ReportBinding {
            id: report_id,
            sha256,
        };
        let signatures = self
            .store()
            .signatures_for_report_in(report_id, environment.stored())
            .map_err(store_err)?;
        let roles: Vec<SignerRole> = signatures.iter().map(|s| s.role).collect();
        if roles != [SignerRole::Assistant, SignerRole::Provider] {
            return Err(SigningError::not_signable(
                "not_fully_signed",
                format!(
                    "rapporten {report_id} är inte underskriven av både assistenten och anordnaren \
                     i {}",
                    environment.label_sv()
                ),
            ));
        }
        let roots = self.bankid_user_roots(environment)?;
        for s in &signatures {
            let invalid = |reason: String| SigningError::StoredSignatureInvalid {
                report_id,
                role: s.role.genitive_sv(),
                reason,
            };
            if s.environment != environment.stored() {
                return Err(invalid(format!(
                    "underskriften gjordes i {} och gäller inte i {}",
                    BankIdEnvironment::of_stored(s.environment).label_sv(),
                    environment.label_sv()
                )));
            }
            let non_visible = BASE64
                .decode(&s.user_non_visible_data)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| invalid("bindningen går inte att läsa".into()))?;
            let bindings = parse_bindings(&non_visible).map_err(|e| invalid(e.to_string()))?;
            if !bindings.contains(&expected_binding) {
                return Err(invalid(
                    "underskriften gäller inte rapportens nuvarande innehåll (bindningen stämmer inte)".into(),
                ));
            }
            if s.role == SignerRole::Assistant && bindings.len() != 1 {
                return Err(invalid(
                    "assistentens underskrift ska gälla exakt en rapport".into(),
                ));
            }
            let completion: serde_json::Value = serde_json::from_str(&s.completion_data_json)
                .map_err(|_| invalid("completionData går inte att läsa".into()))?;
            let completion_pnr = completion
                .pointer("/user/personalNumber")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            if completion
                .get("signature")
                .and_then(serde_json::Value::as_str)
                != Some(s.signature_base64.as_str())
            {
                return Err(invalid(
                    "underskriften skiljer sig från BankID:s svar".into(),
                ));
            }
            let xml = BASE64
                .decode(&s.signature_base64)
                .map_err(|_| invalid("underskriften är inte base64".into()))?;
            let ocsp = BASE64
                .decode(&s.ocsp_response_base64)
                .map_err(|_| invalid("BankID:s OCSP-svar är inte base64".into()))?;
            // The order's start is not stored: the stored signing time is the OCSP answer's
            // producedAt, so the answer must have been produced then (within the allowed
            // clock skew, which also lets signatures stored before the OCSP check, whose
            // signing time was this computer's clock at completion, pass).
            verify_bankid_signature(
                &xml,
                &ocsp,
                &Expected {
                    user_visible_data: &s.user_visible_data,
                    user_non_visible_data: Some(&s.user_non_visible_data),
                    personal_number: s.signer.digits(),
                },
                completion_pnr,
                &roots,
                OrderWindow {
                    started: s.signed_at,
                    completed: s.signed_at,
                },
            )
            .map_err(|e| invalid(e.to_string()))?;
        }
        Ok(signatures.iter().map(summary).collect())
    }

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

    /// Adds a person allowed to sign for the provider (personnummer in any common form).
    pub fn add_signatory(
        &self,
        personnummer: &str,
        first_name: &str,
        last_name: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<StoredSignatory> {
        let pnr = Personnummer::parse(personnummer, now.date_naive())
            .map_err(|e| AppError::invalid("personnummer", e))?;
        let provider = self
            .store()
            .list_providers()
            .map_err(AppError::from)?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::missing_text(crate::error::templates::NO_PROVIDER.text()))?;
        self.store()
            .add_signatory(
                provider.id,
                &NewSignatory {
                    personnummer: pnr.clone(),
                    first_name: first_name.to_owned(),
                    last_name: last_name.to_owned(),
                },
                now,
            )
            .map_err(AppError::from)?;
        self.log_event(now, "signatory_added", None, serde_json::json!({}))?;
        self.signatories()?
            .into_iter()
            .find(|s| s.personnummer == pnr)
            .ok_or_else(|| AppError::Missing("firmatecknaren sparades inte".into()).into())
    }

    /// The provider's signatories.
    pub fn signatories(&self) -> anyhow::Result<Vec<StoredSignatory>> {
        let Some(provider) = self
            .store()
            .list_providers()
            .map_err(AppError::from)?
            .into_iter()
            .next()
        else {
            return Ok(Vec::new());
        };
        Ok(self
            .store()
            .list_signatories(provider.id)
            .map_err(AppError::from)?)
    }
}

fn summarize(report: &ReportReview) -> text::ReportSummary {
    text::ReportSummary {
        person_name: report.person_name().to_owned(),
        assistant_name: report.assistant_name().to_owned(),
        totals: *report.totals(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_bankid_start_links_are_handed_to_the_os() {
        let err = super::open_bankid_app("https://example.invalid/?x=1")
            .expect_err("anything but a BankID start link is refused before any program runs");
        assert!(err.to_string().contains("BankID"), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_start_link_is_one_argument_to_the_url_handler() {
        let url = "bankid:///?autostarttoken=7c40b5c9-fa74-49cf-b98c-bfe651f9a7c6&redirect=null";
        let command = super::bankid_opener(url);
        assert_eq!(
            command.get_program(),
            "xdg-open",
            "Linux opens links with xdg-open"
        );
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, [url], "the whole link, '&' included, is one argument");
    }

    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// Compiles only if signing an order can run on any task (the desktop shell's commands
    /// need `Send` futures; the `App` stays on its own thread for prepare and store).
    #[allow(dead_code)]
    fn signing_a_prepared_order_is_send(
        order: PreparedOrder,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) {
        let future = order.sign(connection, options, cancel, on_event);
        assert_send(&future);
    }

    #[test]
    fn the_signing_date_is_the_stockholm_date() {
        let late = DateTime::parse_from_rfc3339("2026-11-02T23:30:00Z")
            .expect("an instant")
            .with_timezone(&Utc);
        assert_eq!(
            stockholm_date(late),
            NaiveDate::from_ymd_opt(2026, 11, 3).expect("a date"),
            "23:30 UTC is already the next day in Sweden (CET)"
        );
        let summer = DateTime::parse_from_rfc3339("2026-06-30T22:30:00Z")
            .expect("an instant")
            .with_timezone(&Utc);
        assert_eq!(
            stockholm_date(summer),
            NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date"),
            "22:30 UTC is past midnight in Swedish summer time (CEST)"
        );
    }
}
