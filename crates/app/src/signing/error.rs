//! Why signing did not end with a stored signature, and BankID's errors in the coordinator's words.

use assistid_bankid::BankIdError;
use assistid_bankid::messages::Lang;
use assistid_bankid::signature::SignatureError;
use assistid_core::text::{Template, Text};
use uuid::Uuid;

use crate::{AppError, IpcError};

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
        /// What is wrong, for the coordinator, with its stable code and parameters (its
        /// Swedish rendering is the `Display` text).
        message: Text,
    },
    /// BankID refused the call (e.g. `alreadyInProgress` → RFA4) or could not be reached.
    #[error("{message}")]
    BankId {
        /// Stable code from the bankid crate.
        code: &'static str,
        /// BankID's message id.
        rfa: &'static str,
        /// BankID's recommended text (Swedish): `text` rendered in Swedish.
        message: String,
        /// The message with its stable code (BankID's RFA text, see
        /// [`assistid_bankid::messages::CATALOG`], or ours around it), to render in any
        /// language.
        text: Box<Text>,
    },
    /// The order ended without a signature (`userCancel`, `expiredTransaction`,
    /// `certificateErr`, `startFailed`, …).
    #[error("{message}")]
    OrderFailed {
        /// BankID's hint code.
        hint: String,
        /// BankID's message id.
        rfa: &'static str,
        /// BankID's recommended text (Swedish): `text` rendered in Swedish.
        message: String,
        /// BankID's recommended text with its stable code, to render in any language.
        text: Box<Text>,
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

    /// The message as a text with its stable code and parameters, to render in any language
    /// ([`SigningError::ipc_error`]); its Swedish rendering is the `Display` text.
    pub fn text(&self) -> Text {
        match self {
            Self::BankId { text, .. } | Self::OrderFailed { text, .. } => (**text).clone(),
            Self::Cancelled => templates::SIGNING_CANCELLED.text(),
            Self::Rejected(e) => templates::SIGNATURE_REJECTED
                .with("reason", Text::untranslated(e.code(), e.to_string())),
            Self::StoredSignatureInvalid {
                report_id,
                role,
                reason,
            } => templates::STORED_SIGNATURE_INVALID
                .with(
                    "role",
                    match *role {
                        "assistentens" => &templates::ROLE_ASSISTANT,
                        "anordnarens" => &templates::ROLE_PROVIDER,
                        _ => &templates::ROLE_REPORT,
                    }
                    .text(),
                )
                .with("report_id", report_id.to_string())
                .with(
                    "reason",
                    Text::untranslated("signature_check", reason.clone()),
                ),
            Self::NotSignable { message, .. } => message.clone(),
            Self::Other(e) => match e.downcast_ref::<AppError>() {
                Some(app) => app.text(),
                None => crate::error::templates::INTERNAL.with("detail", format!("{e:#}")),
            },
        }
    }

    /// This error for the UI: its stable code and its message in `lang`, with the message's
    /// code and parameters (the one conversion the shell and [`IpcError::in_lang`] use).
    pub fn ipc_error(&self, lang: Lang) -> IpcError {
        match self {
            Self::Other(e) => match e.downcast_ref::<AppError>() {
                Some(app) => IpcError::told(app.code(), &app.text(), lang),
                None => {
                    tracing::error!(error = %format!("{e:#}"), "unexpected signing failure");
                    IpcError::told("internal", &self.text(), lang)
                }
            },
            _ => IpcError::told(self.code(), &self.text(), lang),
        }
    }

    pub(super) fn not_signable(code: &'static str, message: Text) -> Self {
        Self::NotSignable { code, message }
    }
}

pub(super) fn store_err(e: assistid_store::StoreError) -> SigningError {
    SigningError::Other(AppError::from(e).into())
}

pub(super) fn bankid_error(e: &BankIdError) -> SigningError {
    let m = e.user_message(Lang::Sv);
    let text = if e.is_our_bug() {
        templates::BANKID_OUR_BUG
            .with("message", m.text_of())
            .with("detail", e.to_string())
    } else {
        m.text_of()
    };
    SigningError::BankId {
        code: e.code(),
        rfa: m.id,
        message: text.render(Lang::Sv),
        text: Box::new(text),
    }
}

/// BankID's recommended message for an order that ended without a signature, as
/// [`SigningError::OrderFailed`] carries it.
pub(super) fn order_failed(
    hint: &assistid_bankid::types::HintCode,
    mode: assistid_bankid::messages::StartMode,
    offer_new_order: bool,
) -> SigningError {
    let m = assistid_bankid::messages::message(
        assistid_bankid::messages::MessageKey::Failed(Some(hint)),
        mode,
        Lang::Sv,
    );
    SigningError::OrderFailed {
        hint: hint.to_string(),
        rfa: m.id,
        message: m.text.to_owned(),
        text: Box::new(m.text_of()),
        offer_new_order,
    }
}

/// The signing errors' own messages (see [`assistid_core::text`]); BankID's texts are in
/// [`assistid_bankid::messages::CATALOG`].
pub mod templates {
    use super::Template;

    /// BankID's text when the fault is in Assistid's call or settings (`is_our_bug`).
    pub static BANKID_OUR_BUG: Template = Template::new(
        "bankid_our_bug",
        "{message} (fel i Assistids BankID-anrop eller inställningar: {detail})",
        "{message} (an error in Assistid's BankID call or settings: {detail})",
    );
    /// BankID could not be reached through the vendor's relay.
    pub static BANKID_VIA_RELAY_UNREACHABLE: Template = Template::new(
        "bankid_via_relay_unreachable",
        "{reason} BankID-underskriften görs via leverantörens relay; försök igen om en stund.",
        "{reason} The BankID signature is made through the vendor's relay; try again in a \
         while.",
    );
    /// The order was cancelled.
    pub static SIGNING_CANCELLED: Template = Template::new(
        "signing_cancelled",
        "Underskriften avbröts. Ingenting sparades.",
        "The signing was cancelled. Nothing was saved.",
    );
    /// BankID's signature did not pass the checks.
    pub static SIGNATURE_REJECTED: Template = Template::new(
        "signature_rejected",
        "BankID-underskriften godtogs inte och sparades inte: {reason}",
        "The BankID signature was not accepted and was not saved: {reason}",
    );
    /// A stored signature no longer verifies against the stored report.
    pub static STORED_SIGNATURE_INVALID: Template = Template::new(
        "stored_signature_invalid",
        "{role} underskrift av rapporten {report_id} är inte giltig: {reason}",
        "{role} signature of report {report_id} is not valid: {reason}",
    );
    /// Whose signature: the assistant's.
    pub static ROLE_ASSISTANT: Template =
        Template::new("signature_of_assistant", "assistentens", "the assistant's");
    /// Whose signature: the provider's.
    pub static ROLE_PROVIDER: Template =
        Template::new("signature_of_provider", "anordnarens", "the provider's");
    /// Whose signature: the report's (its hash could not be made).
    pub static ROLE_REPORT: Template =
        Template::new("signature_of_report", "rapportens", "the report's");

    /// What BankID can sign is too large (BankID's own limit, told as it is).
    pub static ORDER_TOO_LARGE: Template = Template::new("order_too_large", "{reason}", "{reason}");
    /// One time report does not fit in a BankID order.
    pub static ONE_REPORT_TOO_LARGE: Template = Template::new(
        "one_report_too_large",
        "en enda tidredovisning ryms inte i en BankID-underskrift",
        "a single time report does not fit in a BankID signature",
    );
    /// The signer is not an authorised signatory.
    pub static NOT_A_SIGNATORY: Template = Template::new(
        "not_a_signatory_of_provider",
        "{personnummer} är inte firmatecknare för anordnaren; lägg till med `assistid provider \
         signatory add`",
        "{personnummer} is not an authorised signatory of the provider; add with `assistid \
         provider signatory add`",
    );
    /// No provider registered.
    pub static NO_PROVIDER_REGISTERED: Template = Template::new(
        "no_provider_registered",
        "ingen anordnare är registrerad",
        "no provider is registered",
    );
    /// Nothing the provider can sign.
    pub static NOTHING_TO_SIGN: Template = Template::new(
        "nothing_to_sign",
        "det finns ingen tidredovisning för {month} som anordnaren kan skriva under. {reasons}",
        "there is no time report for {month} that the provider can sign. {reasons}",
    );
    /// A report without both signatures.
    pub static NOT_FULLY_SIGNED: Template = Template::new(
        "not_fully_signed",
        "rapporten {report_id} är inte underskriven av både assistenten och anordnaren \
         i {environment}",
        "report {report_id} is not signed by both the assistant and the provider in \
         {environment}",
    );
    /// A report superseded by a newer version.
    pub static SUPERSEDED: Template = Template::new(
        "report_superseded",
        "rapporten {report_id} har ersatts av en nyare version ({newer}) eftersom \
         uppgifterna ändrats; skriv under den nya versionen",
        "report {report_id} has been replaced by a newer version ({newer}) because the data \
         changed; sign the new version",
    );
    /// The assistant signed already.
    pub static ALREADY_SIGNED: Template = Template::new(
        "already_signed",
        "assistenten har redan skrivit under rapporten {report_id}",
        "the assistant has already signed report {report_id}",
    );
    /// The report's data changed since.
    pub static DATA_CHANGED: Template = Template::new(
        "report_data_changed",
        "uppgifterna för rapporten {report_id} har ändrats; en ny version har skapats. \
         Visa månadsöversikten och skriv under den nya versionen",
        "the data of report {report_id} has changed; a new version has been created. Show the \
         month overview and sign the new version",
    );
    /// A samordningsnummer cannot sign with BankID.
    pub static SAMORDNINGSNUMMER_CANNOT_SIGN: Template = Template::new(
        "assistant_has_samordningsnummer",
        "{name} har samordningsnummer och kan inte skriva under med BankID; BankID kräver \
         personnummer",
        "{name} has a coordination number and cannot sign with BankID; BankID requires a \
         personal identity number",
    );
    /// A report with errors.
    pub static REPORT_NOT_SENDABLE: Template = Template::new(
        "report_not_sendable",
        "rapporten {report_id} ({assistant} för {person}) har fel som måste rättas innan den kan \
         skrivas under: {errors}",
        "report {report_id} ({assistant} for {person}) has errors that must be corrected before \
         it can be signed: {errors}",
    );
    /// The visible text is too long (told as it is).
    pub static VISIBLE_TEXT_TOO_LONG: Template =
        Template::new("visible_text_too_long", "{reason}", "{reason}");
    /// A report that does not exist.
    pub static REPORT_NOT_FOUND: Template = Template::new(
        "report_not_found",
        "rapporten {report_id} finns inte",
        "report {report_id} does not exist",
    );

    /// BankID through the relay needs the folder enrolled.
    pub static RELAY_NOT_ENROLLED_FOR_BANKID: Template = Template::new(
        "relay_not_enrolled_for_bankid",
        "Datamappen är inte ansluten till leverantörens relay. Anslut med adressen och koden \
         från leverantören.",
        "The data folder is not connected to the vendor's relay. Connect with the address and \
         the code from the vendor.",
    );
    /// The relay started an order with another text.
    pub static RELAY_TEXT_MISMATCH: Template = Template::new(
        "relay_text_mismatch",
        "Relayn startade en underskrift med en annan text än den Assistid skickade. Ingenting \
         skrevs under; kontakta leverantören.",
        "The relay started a signing with another text than the one Assistid sent. Nothing was \
         signed; contact the vendor.",
    );

    /// Every template of this module.
    pub static CATALOG: &[&Template] = &[
        &RELAY_NOT_ENROLLED_FOR_BANKID,
        &RELAY_TEXT_MISMATCH,
        &BANKID_OUR_BUG,
        &BANKID_VIA_RELAY_UNREACHABLE,
        &SIGNING_CANCELLED,
        &SIGNATURE_REJECTED,
        &STORED_SIGNATURE_INVALID,
        &ROLE_ASSISTANT,
        &ROLE_PROVIDER,
        &ROLE_REPORT,
        &ORDER_TOO_LARGE,
        &ONE_REPORT_TOO_LARGE,
        &NOT_A_SIGNATORY,
        &NO_PROVIDER_REGISTERED,
        &NOTHING_TO_SIGN,
        &NOT_FULLY_SIGNED,
        &SUPERSEDED,
        &ALREADY_SIGNED,
        &DATA_CHANGED,
        &SAMORDNINGSNUMMER_CANNOT_SIGN,
        &REPORT_NOT_SENDABLE,
        &VISIBLE_TEXT_TOO_LONG,
        &REPORT_NOT_FOUND,
    ];
}
