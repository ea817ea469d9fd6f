//! The JSON shapes of RP API v6.0, written to accept what BankID may add later: unknown fields
//! are ignored, unknown hint codes and error codes are kept as `Unknown(String)`.

use std::fmt;

use assistid_core::ids::Personnummer;
use assistid_core::secret::Sensitive;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest `userVisibleData` BankID accepts, in characters after base64 encoding.
pub const USER_VISIBLE_DATA_MAX: usize = assistid_core::signtext::USER_VISIBLE_DATA_MAX;
/// The largest `userNonVisibleData` BankID accepts, in characters after base64 encoding.
pub const USER_NON_VISIBLE_DATA_MAX: usize = 200_000;

/// Why a sign request was refused before it was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The text shown in the BankID app is empty.
    #[error("Texten som visas i BankID-appen är tom.")]
    VisibleDataEmpty,
    /// The text shown in the BankID app is too long once base64-encoded.
    #[error(
        "Texten som visas i BankID-appen är för lång: {encoded_len} tecken efter kodning, högst 40 000 är tillåtet."
    )]
    VisibleDataTooLong {
        /// Characters after base64 encoding.
        encoded_len: usize,
    },
    /// The binding data (`userNonVisibleData`) is empty.
    #[error("Den dolda bindningen till tidredovisningen är tom.")]
    NonVisibleDataEmpty,
    /// The binding data is too long once base64-encoded; split the order.
    #[error(
        "Bindningen till tidredovisningarna är för lång för en underskrift: {encoded_len} tecken efter kodning, högst 200 000 är tillåtet. Dela upp underskriften."
    )]
    NonVisibleDataTooLong {
        /// Characters after base64 encoding.
        encoded_len: usize,
    },
}

/// The length `data` will have once base64-encoded (with padding), without encoding it.
pub fn base64_len(data_len: usize) -> usize {
    data_len.div_ceil(3) * 4
}

/// What the signer is asked to sign, validated against BankID's limits.
///
/// Keep this value: the signature is checked against exactly these base64 strings.
#[derive(Clone, PartialEq, Eq)]
pub struct SignData {
    user_visible_data: String,
    user_non_visible_data: Option<String>,
}

impl SignData {
    /// Encodes the visible text (simpleMarkdownV1) and optional binding bytes as BankID wants
    /// them, refusing empty or too long values before anything is sent.
    pub fn new(visible_text: &str, non_visible: Option<&[u8]>) -> Result<Self, RequestError> {
        if visible_text.is_empty() {
            return Err(RequestError::VisibleDataEmpty);
        }
        let visible_len = base64_len(visible_text.len());
        if visible_len > USER_VISIBLE_DATA_MAX {
            return Err(RequestError::VisibleDataTooLong {
                encoded_len: visible_len,
            });
        }
        let user_non_visible_data = match non_visible {
            None => None,
            Some([]) => return Err(RequestError::NonVisibleDataEmpty),
            Some(bytes) => {
                let len = base64_len(bytes.len());
                if len > USER_NON_VISIBLE_DATA_MAX {
                    return Err(RequestError::NonVisibleDataTooLong { encoded_len: len });
                }
                Some(BASE64.encode(bytes))
            }
        };
        Ok(Self {
            user_visible_data: BASE64.encode(visible_text.as_bytes()),
            user_non_visible_data,
        })
    }

    /// `userVisibleData` exactly as sent (base64).
    pub fn user_visible_data(&self) -> &str {
        &self.user_visible_data
    }

    /// `userNonVisibleData` exactly as sent (base64), if any.
    pub fn user_non_visible_data(&self) -> Option<&str> {
        self.user_non_visible_data.as_deref()
    }
}

impl fmt::Debug for SignData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The texts describe people's work; keep them out of logs.
        f.debug_struct("SignData")
            .field("user_visible_data_len", &self.user_visible_data.len())
            .field(
                "user_non_visible_data_len",
                &self.user_non_visible_data.as_ref().map(String::len),
            )
            .finish()
    }
}

/// `requirement` of a sign order.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Requirement {
    /// Only this person (12 digits) may complete the order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_number: Option<String>,
    /// Require the security code even if the app could use biometrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin_code: Option<bool>,
    /// Require a machine-readable travel document check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrtd: Option<bool>,
    /// Certificate policy OIDs the signer's BankID must have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_policies: Option<Vec<String>>,
}

impl fmt::Debug for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Requirement")
            .field(
                "personal_number",
                &self.personal_number.as_ref().map(|_| "<redacted>"),
            )
            .field("pin_code", &self.pin_code)
            .field("mrtd", &self.mrtd)
            .field("certificate_policies", &self.certificate_policies)
            .finish()
    }
}

/// The body of `POST /sign`.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignRequest {
    /// The end user's IP address as the RP sees it.
    pub end_user_ip: String,
    /// Base64 of the UTF-8 text shown in the app.
    pub user_visible_data: String,
    /// Always `simpleMarkdownV1` here.
    pub user_visible_data_format: &'static str,
    /// Base64 binding data, not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_non_visible_data: Option<String>,
    /// Who may sign and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
}

impl SignRequest {
    /// A request for `data`, to be completed only by `personal_number` (12 digits) if given.
    pub fn new(end_user_ip: &str, data: &SignData, personal_number: Option<&str>) -> Self {
        Self {
            end_user_ip: end_user_ip.to_owned(),
            user_visible_data: data.user_visible_data.clone(),
            user_visible_data_format: "simpleMarkdownV1",
            user_non_visible_data: data.user_non_visible_data.clone(),
            requirement: personal_number.map(|pnr| Requirement {
                personal_number: Some(pnr.to_owned()),
                ..Requirement::default()
            }),
        }
    }
}

impl fmt::Debug for SignRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignRequest")
            .field("user_visible_data_len", &self.user_visible_data.len())
            .field("requirement", &self.requirement)
            .finish_non_exhaustive()
    }
}

/// Who started the telephone call during which a phone order is made (`callInitiator`). The
/// BankID app tells the user which of the two it expects, so it must be true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallInitiator {
    /// The relying party (the coordinator) called the user: `"RP"`.
    Rp,
    /// The user called the relying party: `"user"`.
    User,
}

impl CallInitiator {
    /// The value as BankID wants it: `"RP"` or `"user"` (exactly this case).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rp => "RP",
            Self::User => "user",
        }
    }

    /// Reads `rp`/`RP` or `user` (any case), as a command line or a UI may write them.
    ///
    /// ```
    /// use assistid_bankid::types::CallInitiator;
    /// assert_eq!(CallInitiator::parse("rp"), Some(CallInitiator::Rp));
    /// assert_eq!(CallInitiator::parse("User"), Some(CallInitiator::User));
    /// assert_eq!(CallInitiator::parse("bank"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rp" => Some(Self::Rp),
            "user" => Some(Self::User),
            _ => None,
        }
    }
}

impl Serialize for CallInitiator {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `requirement` of a phone order. BankID's phone orders take fewer requirements than `/sign`:
/// the person is the order's `personalNumber` itself, and there is no travel-document check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneRequirement {
    /// Require the security code even if the app could use biometrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin_code: Option<bool>,
    /// Certificate policy OIDs the signer's BankID must have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_policies: Option<Vec<String>>,
}

/// The body of `POST /phone/sign`: a sign order for the user on the other end of a telephone
/// call. There is no `endUserIp` (the user is not at this computer) and no QR code or
/// autostart: BankID sends the order to the BankID app of `personalNumber`, which tells the
/// user that they are expected to be in a call with the relying party and lets them say that
/// they are not (`userDeclinedCall`).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneSignRequest {
    /// The signer's personnummer, 12 digits (required: it is who gets the order).
    personal_number: String,
    /// Who called whom.
    call_initiator: CallInitiator,
    /// Base64 of the UTF-8 text shown in the app (1–40 000 characters).
    user_visible_data: String,
    /// Always `simpleMarkdownV1` here.
    user_visible_data_format: &'static str,
    /// Base64 binding data, not shown (1–200 000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    user_non_visible_data: Option<String>,
    /// How the user must sign.
    #[serde(skip_serializing_if = "Option::is_none")]
    requirement: Option<PhoneRequirement>,
}

impl PhoneSignRequest {
    /// A phone order for `data` to `personal_number`. The personnummer type has already
    /// checked the 12 digits, the date and the control digit, and refuses samordningsnummer
    /// (which have no BankID); [`SignData`] has checked the texts' lengths. So nothing BankID
    /// would refuse as `invalidParameters` is sent.
    pub fn new(
        personal_number: &Personnummer,
        call_initiator: CallInitiator,
        data: &SignData,
    ) -> Self {
        Self {
            personal_number: personal_number.digits().to_owned(),
            call_initiator,
            user_visible_data: data.user_visible_data.clone(),
            user_visible_data_format: "simpleMarkdownV1",
            user_non_visible_data: data.user_non_visible_data.clone(),
            requirement: None,
        }
    }

    /// Adds a requirement (security code, certificate policies).
    pub fn with_requirement(mut self, requirement: PhoneRequirement) -> Self {
        self.requirement = Some(requirement);
        self
    }

    /// The personnummer the order goes to (12 digits).
    pub fn personal_number(&self) -> &str {
        &self.personal_number
    }

    /// Who called whom.
    pub fn call_initiator(&self) -> CallInitiator {
        self.call_initiator
    }
}

impl fmt::Debug for PhoneSignRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Neither the personnummer nor the texts go to logs.
        f.debug_struct("PhoneSignRequest")
            .field("call_initiator", &self.call_initiator)
            .field("user_visible_data_len", &self.user_visible_data.len())
            .field("requirement", &self.requirement)
            .finish_non_exhaustive()
    }
}

/// The answer to `/phone/sign`: only the order's reference (no QR or autostart tokens).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneOrderResponse {
    /// Identifies the order in `/collect` and `/cancel`.
    pub order_ref: String,
}

/// The answer to `/sign` (and `/auth`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderResponse {
    /// Identifies the order in `/collect` and `/cancel`.
    pub order_ref: String,
    /// For the same-device start URL.
    pub auto_start_token: String,
    /// Public part of the animated QR code.
    pub qr_start_token: String,
    /// Key of the animated QR code; never shown, never logged.
    #[serde(deserialize_with = "sensitive_string")]
    pub qr_start_secret: Sensitive<String>,
}

fn sensitive_string<'de, D: Deserializer<'de>>(d: D) -> Result<Sensitive<String>, D::Error> {
    String::deserialize(d).map(Sensitive::new)
}

/// The body of `/collect` and `/cancel`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRefRequest {
    /// The order.
    pub order_ref: String,
}

/// `status` of a collect answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Keep collecting.
    Pending,
    /// The order ended without a signature.
    Failed,
    /// Signed; `completionData` is present.
    Complete,
    /// A status this client does not know.
    Unknown(String),
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "pending" => Self::Pending,
            "failed" => Self::Failed,
            "complete" => Self::Complete,
            _ => Self::Unknown(s),
        })
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A code this client does not know yet (BankID adds codes without notice).
            Unknown(String),
        }

        impl $name {
            /// The code as BankID writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Unknown(s) => s,
                }
            }

            /// Reads a code; never fails.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($text => Self::$variant,)*
                    _ => Self::Unknown(s.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::parse(&s))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// `hintCode` of a pending or failed order.
    HintCode {
        /// Pending: the order is being processed; the app has not received it yet.
        OutstandingTransaction = "outstandingTransaction",
        /// Pending: no client has received the order yet.
        NoClient = "noClient",
        /// Pending: a BankID client has started (searching for a usable BankID).
        Started = "started",
        /// Pending: the user is scanning a travel document.
        UserMrtd = "userMrtd",
        /// Pending (phone orders): the app waits for the user to confirm that they received the
        /// order while in a call with the relying party.
        UserCallConfirm = "userCallConfirm",
        /// Pending: the app received the order; the user is signing.
        UserSign = "userSign",
        /// Failed: nobody started the order in time.
        ExpiredTransaction = "expiredTransaction",
        /// Failed: the user's BankID is blocked or too old.
        CertificateErr = "certificateErr",
        /// Failed: the user cancelled in the app.
        UserCancel = "userCancel",
        /// Failed: the order was cancelled (for example by a new order for the same person).
        Cancelled = "cancelled",
        /// Failed: the app could not be started or the QR code was not scanned in time.
        StartFailed = "startFailed",
        /// Failed (phone orders): the user said in the app that they are not in a call with the
        /// relying party; the order was cancelled.
        UserDeclinedCall = "userDeclinedCall",
        /// Failed: the user's app does not support what the order asks for (a phone order in
        /// an old app); the app must be updated.
        NotSupportedByUserApp = "notSupportedByUserApp",
        /// Failed: BankID blocked the order for risk reasons.
        TransactionRiskBlocked = "transactionRiskBlocked",
    }
}

string_enum! {
    /// `errorCode` of an error answer.
    ErrorCode {
        /// 400: an order for this person is already running.
        AlreadyInProgress = "alreadyInProgress",
        /// 400: a field was wrong (our bug).
        InvalidParameters = "invalidParameters",
        /// 401/403: the RP is not allowed.
        Unauthorized = "unauthorized",
        /// 404: wrong URL.
        NotFound = "notFound",
        /// 405: wrong HTTP method.
        MethodNotAllowed = "methodNotAllowed",
        /// 408: BankID timed out.
        RequestTimeout = "requestTimeout",
        /// 415: wrong content type.
        UnsupportedMediaType = "unsupportedMediaType",
        /// 500: BankID failed.
        InternalError = "internalError",
        /// 503: BankID is under maintenance.
        Maintenance = "maintenance",
    }
}

/// The body of an error answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// What went wrong.
    pub error_code: ErrorCode,
    /// Free text from BankID (English, for developers).
    #[serde(default)]
    pub details: String,
}

/// The answer to `/collect`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectResponse {
    /// The order.
    pub order_ref: String,
    /// Where the order is.
    pub status: Status,
    /// Why it is pending or failed.
    #[serde(default)]
    pub hint_code: Option<HintCode>,
    /// The signature and who signed; present when complete.
    #[serde(default)]
    pub completion_data: Option<CompletionData>,
}

/// `completionData.user`.
#[derive(Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// 12 digits.
    pub personal_number: String,
    /// Full name.
    #[serde(default)]
    pub name: String,
    /// Given name.
    #[serde(default)]
    pub given_name: String,
    /// Surname.
    #[serde(default)]
    pub surname: String,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User").finish_non_exhaustive()
    }
}

/// `completionData.device`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// The IP address of the user's device as BankID saw it.
    #[serde(default)]
    pub ip_address: String,
    /// BankID's unique hardware identifier of the device.
    #[serde(default)]
    pub uhi: Option<String>,
}

/// `completionData.stepUp`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StepUp {
    /// Whether a travel-document check was done.
    #[serde(default)]
    pub mrtd: bool,
}

/// `completionData` of a complete order. `raw` keeps the whole JSON object as BankID sent it,
/// for the audit log, including fields this client does not know.
#[derive(Clone)]
pub struct CompletionData {
    /// Who signed.
    pub user: User,
    /// The device used.
    pub device: Device,
    /// The day the signer's BankID was issued (`YYYY-MM-DD`).
    pub bank_id_issue_date: Option<String>,
    /// Step-up checks done.
    pub step_up: Option<StepUp>,
    /// Base64 of the XML-DSig document.
    pub signature: String,
    /// Base64 of the DER OCSP response.
    pub ocsp_response: String,
    /// `low`/`moderate`/`high` when risk was asked for.
    pub risk: Option<String>,
    /// The whole object as received.
    pub raw: serde_json::Value,
}

impl fmt::Debug for CompletionData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompletionData")
            .field("signature_len", &self.signature.len())
            .field("ocsp_response_len", &self.ocsp_response.len())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompletionDataFields {
    user: User,
    #[serde(default)]
    device: Device,
    #[serde(default)]
    bank_id_issue_date: Option<String>,
    #[serde(default)]
    step_up: Option<StepUp>,
    signature: String,
    #[serde(default)]
    ocsp_response: String,
    #[serde(default)]
    risk: Option<String>,
}

impl<'de> Deserialize<'de> for CompletionData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(d)?;
        let fields: CompletionDataFields =
            serde_json::from_value(raw.clone()).map_err(serde::de::Error::custom)?;
        Ok(Self {
            user: fields.user,
            device: fields.device,
            bank_id_issue_date: fields.bank_id_issue_date,
            step_up: fields.step_up,
            signature: fields.signature,
            ocsp_response: fields.ocsp_response,
            risk: fields.risk,
            raw,
        })
    }
}

impl CompletionData {
    /// The signature XML document (decoded from base64).
    pub fn signature_xml(&self) -> Result<Vec<u8>, base64::DecodeError> {
        BASE64.decode(self.signature.as_bytes())
    }

    /// The DER OCSP response (decoded from base64).
    pub fn ocsp_der(&self) -> Result<Vec<u8>, base64::DecodeError> {
        BASE64.decode(self.ocsp_response.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_len_matches_the_encoder() {
        for n in 0..50 {
            let data = vec![b'a'; n];
            assert_eq!(
                base64_len(n),
                BASE64.encode(&data).len(),
                "length of {n} bytes"
            );
        }
    }
}
