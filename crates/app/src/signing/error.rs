//! Why signing did not end with a stored signature, and BankID's errors in the coordinator's words.

use assistid_bankid::BankIdError;
use assistid_bankid::messages::Lang;
use assistid_bankid::signature::SignatureError;
use uuid::Uuid;

use crate::AppError;

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

    pub(super) fn not_signable(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotSignable {
            code,
            message: message.into(),
        }
    }
}

pub(super) fn store_err(e: assistid_store::StoreError) -> SigningError {
    SigningError::Other(AppError::from(e).into())
}

pub(super) fn bankid_error(e: &BankIdError) -> SigningError {
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
