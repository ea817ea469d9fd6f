//! The error table of BankID's RP API as behaviour: what is retried, what the user sees, and
//! what is a bug on our side.

use std::time::Duration;

use crate::messages::{Lang, Message, MessageKey, StartMode, message};
use crate::types::ErrorCode;

/// A failed call to BankID.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BankIdError {
    /// BankID answered with an error status and body.
    #[error("BankID svarade {status} ({code}).")]
    Api {
        /// The HTTP status.
        status: u16,
        /// `errorCode` from the body (or derived from the status when the body was not JSON).
        code: ErrorCode,
        /// `details` from the body, for developers.
        details: String,
        /// How long BankID asked us to wait (429 `RateLimit-Reset`/`Retry-After`).
        retry_after: Option<Duration>,
    },
    /// BankID could not be reached (network, TLS, timeout).
    #[error("BankID gick inte att nå: {0}")]
    Transport(String),
    /// BankID's answer could not be read.
    #[error("BankID:s svar gick inte att läsa: {0}")]
    BadResponse(String),
    /// BankID's answer was larger than [`crate::client::MAX_ANSWER_BYTES`] (1 MiB); reading
    /// stopped there. BankID's real answers are a few kilobytes, so this is not BankID.
    #[error(
        "BankID:s svar var orimligt stort (över 1 MiB) och lästes inte. Försök igen om en stund; \
         händer det igen, kontrollera BankID-adressen i inställningarna."
    )]
    AnswerTooLarge {
        /// How many bytes had arrived when reading stopped.
        read: usize,
    },
    /// The client configuration is wrong (certificate, password, root).
    #[error("BankID-inställningarna är fel: {0}")]
    Config(String),
}

impl BankIdError {
    /// A stable machine code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Api { code, .. } => match code {
                ErrorCode::AlreadyInProgress => "bankid_already_in_progress",
                ErrorCode::InvalidParameters => "bankid_invalid_parameters",
                ErrorCode::Unauthorized => "bankid_unauthorized",
                ErrorCode::NotFound => "bankid_not_found",
                ErrorCode::MethodNotAllowed => "bankid_method_not_allowed",
                ErrorCode::RequestTimeout => "bankid_request_timeout",
                ErrorCode::UnsupportedMediaType => "bankid_unsupported_media_type",
                ErrorCode::InternalError => "bankid_internal_error",
                ErrorCode::Maintenance => "bankid_maintenance",
                ErrorCode::Unknown(_) => "bankid_unknown_error",
            },
            Self::Transport(_) => "bankid_unreachable",
            Self::BadResponse(_) => "bankid_bad_response",
            Self::AnswerTooLarge { .. } => "bankid_answer_too_large",
            Self::Config(_) => "bankid_config",
        }
    }

    /// The status, when BankID answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The message for the user (BankID's RFA texts): RFA4 for `alreadyInProgress`, RFA5 for
    /// timeouts, internal errors, maintenance and unreachable BankID, RFA22 otherwise.
    pub fn user_message(&self, lang: Lang) -> Message {
        match self {
            Self::Api { status, code, .. } => {
                let key = if *status == 429 {
                    MessageKey::InternalError
                } else {
                    MessageKey::Error(code)
                };
                message(key, StartMode::Qr, lang)
            }
            Self::Transport(_) => message(MessageKey::InternalError, StartMode::Qr, lang),
            Self::BadResponse(_) | Self::AnswerTooLarge { .. } | Self::Config(_) => message(
                MessageKey::Error(&ErrorCode::Unknown(String::new())),
                StartMode::Qr,
                lang,
            ),
        }
    }

    /// Whether to retry the same call automatically: 503 maintenance (quietly) and 429 (after
    /// [`BankIdError::retry_after`]). Timeouts and internal errors are shown, not retried.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Api { status: 429, .. })
            || matches!(
                self,
                Self::Api {
                    code: ErrorCode::Maintenance,
                    ..
                } | Self::Api { status: 503, .. }
            )
    }

    /// How long to wait before retrying, if BankID said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether this is a configuration or programming error on our side (never BankID's or
    /// the user's fault): `invalidParameters`, 401, 403, 404, 405, 415, bad configuration.
    pub fn is_our_bug(&self) -> bool {
        match self {
            Self::Api { status, code, .. } => {
                matches!(status, 401 | 403 | 404 | 405 | 415)
                    || matches!(
                        code,
                        ErrorCode::InvalidParameters
                            | ErrorCode::Unauthorized
                            | ErrorCode::NotFound
                            | ErrorCode::MethodNotAllowed
                            | ErrorCode::UnsupportedMediaType
                    )
            }
            Self::Config(_) => true,
            Self::Transport(_) | Self::BadResponse(_) | Self::AnswerTooLarge { .. } => false,
        }
    }

    /// The error for a success answer whose JSON could not be read. serde_json's own message
    /// quotes the offending value (`invalid type: integer `199001010017``), and a broken or
    /// compromised endpoint could put a personnummer there, so only the kind of problem, the
    /// position and a missing field's name (ours, never data) are kept.
    ///
    /// ```
    /// use assistid_bankid::BankIdError;
    /// let e = serde_json::from_str::<assistid_bankid::types::ErrorBody>(
    ///     r#"{"errorCode": 199001010017}"#,
    /// )
    /// .expect_err("a number is not an error code");
    /// let shown = BankIdError::bad_json(&e).to_string();
    /// assert!(!shown.contains("199001010017"), "{shown}");
    /// ```
    pub fn bad_json(error: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let what = match error.classify() {
            Category::Io => "läsfel".to_owned(),
            Category::Eof => "svaret tog slut för tidigt".to_owned(),
            Category::Syntax => "inte giltig JSON".to_owned(),
            Category::Data => {
                let text = error.to_string();
                match text.strip_prefix("missing field `") {
                    Some(rest) => match rest.split_once('`') {
                        Some((field, _)) if field.bytes().all(|b| b.is_ascii_alphabetic()) => {
                            format!("fältet {field} saknas")
                        }
                        _ => "oväntat innehåll".to_owned(),
                    },
                    None => "oväntat innehåll".to_owned(),
                }
            }
        };
        Self::BadResponse(format!(
            "{what} (rad {}, kolumn {})",
            error.line(),
            error.column()
        ))
    }

    /// Builds the error for a non-success answer. `body` may be anything; `rate_limit_reset` is
    /// the `RateLimit-Reset`/`Retry-After` header (seconds) for 429, clamped to
    /// [`MAX_RETRY_AFTER`].
    pub fn from_response(status: u16, body: &[u8], rate_limit_reset: Option<&str>) -> Self {
        let parsed: Option<crate::types::ErrorBody> = serde_json::from_slice(body).ok();
        let (code, details) = match parsed {
            Some(b) => (b.error_code, b.details),
            None => (code_for_status(status), String::new()),
        };
        let retry_after = rate_limit_reset.and_then(retry_after);
        Self::Api {
            status,
            code,
            details,
            retry_after,
        }
    }
}

/// The longest wait BankID's `RateLimit-Reset`/`Retry-After` can ask for: one hour. A larger
/// value is a broken or hostile server; unbounded, it would stall the signing flow for years.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// Reads a wait in seconds, clamped to [`MAX_RETRY_AFTER`] (a number too large even for `u64`
/// too); anything that is not a number is ignored.
fn retry_after(value: &str) -> Option<Duration> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs = digits.parse::<u64>().unwrap_or(u64::MAX);
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

fn code_for_status(status: u16) -> ErrorCode {
    match status {
        400 => ErrorCode::InvalidParameters,
        401 | 403 => ErrorCode::Unauthorized,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        408 => ErrorCode::RequestTimeout,
        415 => ErrorCode::UnsupportedMediaType,
        500 => ErrorCode::InternalError,
        503 => ErrorCode::Maintenance,
        other => ErrorCode::Unknown(format!("http{other}")),
    }
}
