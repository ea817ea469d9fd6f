//! Sending through the vendor's relay (`assistid-relay`, docs/RELAY.md, API v1) instead of
//! straight to FK with the provider's own FK certificate.
//!
//! - [`App::enrol_with_relay`] makes an ECDSA P-256 key, posts a certificate request with the
//!   vendor's one-time code and keeps the issued client certificate, its key, the relay's
//!   address and CA in the folder's settings — inside the encrypted database, like the FK
//!   certificate's PKCS#12 bytes; nothing of it goes to a log — and sets the sending mode to
//!   [`SendingMode::Relay`].
//! - [`App::send_run_via_relay`] takes the same outbox through the same states as the direct
//!   run: each submission is marked `sending` (committed) before it is handed over, then
//!   followed by long poll until the relay reports FK's answer (tx-id and FK's raw answer are
//!   stored as if FK had answered this program), a refusal by the relay, or `uncertain` (with
//!   the relay's submission id kept, so the decision goes to the relay:
//!   [`App::decide_uncertain_via_relay`]).
//! - The relay paces FK for the whole vendor; this program keeps only its one-sender lock.

use std::time::Duration;

use assistid_elt::{Environment, SignatureBlock, SubmitRequest};
use assistid_store::{AttemptOutcome, AttemptResult, SubmissionId, SubmissionState};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::answer::Via;
use super::{Clock, Decision, SendRun, SubmissionView, interpret};
use crate::{App, AppError};

/// The setting that says how the folder sends: `direct` (absent) or `relay`.
pub const SENDING_MODE_KEY: &str = "sending.mode";
const ADDRESS_KEY: &str = "relay.address";
const CA_KEY: &str = "relay.ca_pem";
const CERT_KEY: &str = "relay.certificate_pem";
const CLIENT_KEY_KEY: &str = "relay.client_key_pem";
const INSTALLATION_KEY: &str = "relay.installation_id";
const PROVIDER_KEY: &str = "relay.provider";
const ENROLLED_AT_KEY: &str = "relay.enrolled_at";

/// The setting holding the relay's submission id of a local submission.
fn submission_key(id: SubmissionId) -> String {
    format!("relay.submission.{}", id.get())
}

/// How a data folder sends its reports to FK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SendingMode {
    /// Straight to FK with the provider's own FK client certificate.
    Direct,
    /// Through the vendor's relay, with the certificate the relay issued at enrolment.
    Relay,
}

/// The folder's relay connection as the settings show it (no key in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelayStatus {
    /// How the folder sends now.
    pub mode: SendingMode,
    /// The relay's address (`https://…`), when enrolled.
    pub address: Option<String>,
    /// The installation's id at the relay.
    pub installation_id: Option<String>,
    /// The organisationsnummer the relay's certificate names (10 digits).
    pub provider: Option<String>,
    /// When the enrolment was made.
    pub enrolled_at: Option<DateTime<Utc>>,
    /// Whether a CA file was given for the relay's server (else the system's roots).
    pub pinned_ca: bool,
}

/// How long a run follows one handed-over report before leaving it `uncertain` with the
/// relay's id (the relay keeps it queued and sends it at FK's pace).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayFollow {
    /// At most this long per report.
    pub max_wait: Duration,
    /// One long poll asks the relay to wait at most this long.
    pub poll: Duration,
}

impl Default for RelayFollow {
    fn default() -> Self {
        Self {
            max_wait: Duration::from_secs(30 * 60),
            poll: Duration::from_secs(25),
        }
    }
}

#[derive(Debug, Deserialize)]
struct EnrolAnswer {
    installation_id: String,
    provider: String,
    certificate_pem: String,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

impl ErrorBody {
    fn into_refusal(self, status: u16) -> CallError {
        CallError::Refused {
            status,
            code: self.error.code,
            message: self.error.message,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct RelaySubmission {
    id: String,
    state: String,
    tx_id: Option<String>,
    error_code: Option<String>,
    #[serde(default)]
    fk_attempts: Vec<RelayAttempt>,
}

#[derive(Debug, Clone, Deserialize)]
struct RelayAttempt {
    http_status: Option<u16>,
    raw_answer: Option<String>,
}

#[derive(Serialize)]
struct SignatureJson {
    signature: String,
    ocsp_response: String,
    signed_on: String,
}

#[derive(Serialize)]
struct SubmitJson {
    environment: String,
    report: String,
    assistant_signature: SignatureJson,
    provider_signature: SignatureJson,
}

fn signature_json(block: &SignatureBlock) -> SignatureJson {
    SignatureJson {
        signature: STANDARD.encode(&block.signature_xml),
        ocsp_response: STANDARD.encode(&block.ocsp_response),
        signed_on: block.signed_on.format("%Y-%m-%d").to_string(),
    }
}

/// A relay failure with its own code, told as a text (see [`templates`]).
fn relay_error(code: &'static str, text: assistid_core::text::Text) -> anyhow::Error {
    AppError::told(code, text).into()
}

/// What a failed call to the relay means.
pub(crate) enum CallError {
    /// Nothing reached the relay (no connection, TLS refused): safe to try again.
    NotReached(String),
    /// The relay answered with an error.
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The call may have reached the relay, no usable answer came.
    NoAnswer(String),
}

impl CallError {
    /// What went wrong, in Swedish ([`CallError::text`]).
    pub(crate) fn describe(&self) -> String {
        self.text().render(assistid_core::text::Lang::Sv)
    }

    /// What went wrong, as a text with its stable code. The reason (the network library's) and
    /// the relay's own message stay as they came.
    pub(crate) fn text(&self) -> assistid_core::text::Text {
        match self {
            CallError::NotReached(reason) => templates::RELAY_NOT_REACHED.with("reason", reason),
            CallError::Refused { code, message, .. } => templates::RELAY_REFUSED
                .with("message", message)
                .with("code", code),
            CallError::NoAnswer(reason) => templates::RELAY_NO_ANSWER.with("reason", reason),
        }
    }
}

/// The relay calls' own messages (see [`assistid_core::text`]).
pub mod templates {
    use assistid_core::text::Template;

    /// Nothing reached the relay.
    pub static RELAY_NOT_REACHED: Template = Template::new(
        "relay_not_reached",
        "Relayn gick inte att nå ({reason}). Kontrollera adressen och nätverket.",
        "The relay could not be reached ({reason}). Check the address and the network.",
    );
    /// The relay refused the call; its own message and code follow.
    pub static RELAY_REFUSED: Template = Template::new(
        "relay_refused",
        "Relayn nekade: {message} (kod {code})",
        "The relay refused: {message} (code {code})",
    );
    /// No usable answer came from the relay.
    pub static RELAY_NO_ANSWER: Template = Template::new(
        "relay_no_answer",
        "Relayn svarade inte som väntat ({reason}).",
        "The relay did not answer as expected ({reason}).",
    );

    /// The relay withdrew the report before sending it.
    pub static RELAY_WITHDRAWN: Template = Template::new(
        "relay_withdrawn",
        "Relayn har avbrutit rapporten (inte skickad).",
        "The relay has withdrawn the report (not sent).",
    );
    /// The relay does not know whether FK got the report.
    pub static RELAY_UNCERTAIN: Template = Template::new(
        "relay_uncertain",
        "Relayn vet inte om Försäkringskassan fick rapporten.",
        "The relay does not know whether Försäkringskassan got the report.",
    );
    /// The report is still at the relay.
    pub static RELAY_STILL_PENDING: Template = Template::new(
        "relay_still_pending",
        "Rapporten ligger kvar hos leverantörens relay ({state}); svaret har inte kommit än.",
        "The report is still at the vendor's relay ({state}); the answer has not come yet.",
    );

    /// The installation's relay certificate cannot be read.
    pub static RELAY_CERTIFICATE_UNREADABLE: Template = Template::new(
        "relay_certificate_unreadable",
        "Relayns certifikat i datamappen går inte att läsa. Anslut till relayn igen med en ny \
         kod från leverantören.",
        "The relay's certificate in the data folder cannot be read. Connect to the relay again \
         with a new code from the vendor.",
    );
    /// The enrolment code is another provider's.
    pub static RELAY_OTHER_PROVIDER: Template = Template::new(
        "relay_other_provider",
        "Koden gäller organisationsnummer {theirs} men datamappens anordnare har {ours}. Be \
         leverantören om en kod för rätt organisationsnummer.",
        "The code is for organisation number {theirs} but the data folder's provider has \
         {ours}. Ask the vendor for a code for the right organisation number.",
    );
    /// A submission still waits for the relay's answer.
    pub static RELAY_SUBMISSIONS_OPEN: Template = Template::new(
        "relay_submissions_open",
        "Inskickning {id} väntar fortfarande på besked via leverantören. Avgör den först \
         (assistid submissions resolve {id}), och byt sedan till direkt sändning.",
        "Submission {id} is still waiting for an answer through the vendor. Decide on it first \
         (assistid submissions resolve {id}), and then switch to sending directly.",
    );
    /// The folder is not enrolled with the relay.
    pub static RELAY_NOT_ENROLLED: Template = Template::new(
        "relay_not_enrolled",
        "Datamappen är inte ansluten till leverantörens relay. Anslut med adressen och koden \
         från leverantören (Inställningar → Skicka via leverantören).",
        "The data folder is not connected to the vendor's relay. Connect with the address and \
         the code from the vendor (Settings → Send through the vendor).",
    );
    /// The relay's submission is not uncertain.
    pub static RELAY_NOT_UNCERTAIN: Template = Template::new(
        "relay_not_uncertain",
        "Relayn har rapporten i läget {state}; beslutet behövs inte. Skicka månaden igen för \
         att hämta relayns svar.",
        "The relay has the report in the state {state}; the decision is not needed. Send the \
         month again to fetch the relay's answer.",
    );

    /// Every template of this module.
    pub static CATALOG: &[&Template] = &[
        &RELAY_CERTIFICATE_UNREADABLE,
        &RELAY_OTHER_PROVIDER,
        &RELAY_SUBMISSIONS_OPEN,
        &RELAY_NOT_ENROLLED,
        &RELAY_NOT_UNCERTAIN,
        &RELAY_NOT_REACHED,
        &RELAY_REFUSED,
        &RELAY_NO_ANSWER,
        &RELAY_WITHDRAWN,
        &RELAY_UNCERTAIN,
        &RELAY_STILL_PENDING,
    ];
}

/// A client for the relay's API with or without the installation's certificate.
pub(crate) struct RelayClient {
    pub(crate) base: String,
    http: reqwest::Client,
}

impl RelayClient {
    fn new(base: &str, ca_pem: Option<&str>, identity_pem: Option<&str>) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .connect_timeout(Duration::from_secs(10))
            .https_only(true);
        match ca_pem {
            Some(pem) => {
                let certs =
                    reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|_| {
                        AppError::invalid_with(
                            "relayns CA",
                            crate::invalid::templates::RELAY_CA_NOT_PEM.text(),
                        )
                    })?;
                if certs.is_empty() {
                    return Err(AppError::invalid_with(
                        "relayns CA",
                        crate::invalid::templates::RELAY_CA_EMPTY.text(),
                    )
                    .into());
                }
                for cert in certs {
                    builder = builder.add_root_certificate(cert);
                }
            }
            None => {
                for der in rustls_native_certs::load_native_certs().certs {
                    if let Ok(cert) = reqwest::Certificate::from_der(der.as_ref()) {
                        builder = builder.add_root_certificate(cert);
                    }
                }
            }
        }
        if let Some(pem) = identity_pem {
            let identity = reqwest::Identity::from_pem(pem.as_bytes()).map_err(|_| {
                relay_error(
                    "relay_certificate_unreadable",
                    templates::RELAY_CERTIFICATE_UNREADABLE.text(),
                )
            })?;
            builder = builder.identity(identity);
        }
        let http = builder
            .build()
            .map_err(|e| anyhow::anyhow!("kunde inte förbereda anslutningen till relayn: {e}"))?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            http,
        })
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(u16, T), CallError> {
        let response = request.send().await.map_err(|e| {
            if e.is_connect() {
                CallError::NotReached(short_reason(&e))
            } else {
                CallError::NoAnswer(short_reason(&e))
            }
        })?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| CallError::NoAnswer(short_reason(&e)))?;
        if (200..300).contains(&status) {
            serde_json::from_slice(&bytes)
                .map(|value| (status, value))
                .map_err(|_| CallError::NoAnswer(format!("oväntat svar med status {status}")))
        } else {
            match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) => Err(body.into_refusal(status)),
                Err(_) => Err(CallError::Refused {
                    status,
                    code: format!("http_{status}"),
                    message: format!("oväntat svar med status {status}"),
                }),
            }
        }
    }

    pub(crate) async fn post<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<(u16, T), CallError> {
        let bytes = serde_json::to_vec(body).map_err(|e| CallError::NotReached(e.to_string()))?;
        self.call(
            self.http
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/json")
                .timeout(Duration::from_secs(60))
                .body(bytes),
        )
        .await
    }

    async fn submission(
        &self,
        id: &str,
        wait: Option<(Duration, &str)>,
    ) -> Result<RelaySubmission, CallError> {
        let (query, timeout) = match wait {
            Some((wait, seen)) => (
                format!("?wait={}&seen={seen}", wait.as_secs().max(1)),
                wait + Duration::from_secs(30),
            ),
            None => (String::new(), Duration::from_secs(30)),
        };
        self.call(
            self.http
                .get(format!("{}/v1/submissions/{id}{query}", self.base))
                .timeout(timeout),
        )
        .await
        .map(|(_, s)| s)
    }
}

/// The error's reason and its causes, without the URL.
fn short_reason(e: &reqwest::Error) -> String {
    let mut reason = if e.is_timeout() {
        "inget svar inom tidsgränsen".to_owned()
    } else if e.is_connect() {
        "ingen anslutning".to_owned()
    } else {
        "anropet misslyckades".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        reason = format!("{reason}: {s}");
        source = s.source();
    }
    reason
}

fn is_final(state: &str) -> bool {
    matches!(state, "accepted" | "rejected" | "uncertain" | "withdrawn")
}

impl App {
    fn setting(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .store()
            .setting(key)
            .map_err(AppError::from)?
            .filter(|v| !v.is_empty()))
    }

    /// How the folder sends: through the relay once enrolled, else directly.
    pub fn sending_mode(&self) -> anyhow::Result<SendingMode> {
        Ok(match self.setting(SENDING_MODE_KEY)?.as_deref() {
            Some("relay") => SendingMode::Relay,
            _ => SendingMode::Direct,
        })
    }

    /// The folder's relay connection (no secret in it).
    pub fn relay_status(&self) -> anyhow::Result<RelayStatus> {
        Ok(RelayStatus {
            mode: self.sending_mode()?,
            address: self.setting(ADDRESS_KEY)?,
            installation_id: self.setting(INSTALLATION_KEY)?,
            provider: self.setting(PROVIDER_KEY)?,
            enrolled_at: self
                .setting(ENROLLED_AT_KEY)?
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc)),
            pinned_ca: self.setting(CA_KEY)?.is_some(),
        })
    }

    /// Enrols this data folder with the vendor's relay at `address` (`https://…`) with the
    /// one-time `code` the vendor gave, trusting `ca_pem` for the relay's server (the relay's
    /// CA, `ca.pem`; the system's roots when `None`). Keeps the issued certificate and its key
    /// in the encrypted database and switches the folder to sending through the relay.
    pub async fn enrol_with_relay(
        &self,
        address: &str,
        code: &str,
        ca_pem: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<RelayStatus> {
        let address = address.trim().trim_end_matches('/');
        if !address.starts_with("https://") || address.len() <= "https://".len() {
            return Err(AppError::invalid_with(
                "relayns adress",
                crate::invalid::templates::NOT_A_RELAY_ADDRESS
                    .with("address", format!("{address:?}")),
            )
            .into());
        }
        let code = code.trim();
        if code.is_empty() {
            return Err(AppError::invalid_with(
                "anslutningskod",
                crate::invalid::templates::ENROLMENT_CODE_MISSING.text(),
            )
            .into());
        }
        if self.data_kind()? == assistid_store::DataKind::Demo {
            return Err(AppError::told(
                "demo_data_to_relay",
                crate::error::templates::DEMO_DATA_TO_RELAY.text(),
            )
            .into());
        }
        let Some(provider) = self.provider()? else {
            return Err(AppError::missing_text(
                crate::error::templates::PROVIDER_FIRST_FOR_RELAY.text(),
            )
            .into());
        };
        let key = rcgen::KeyPair::generate()
            .map_err(|e| anyhow::anyhow!("kunde inte skapa en nyckel: {e}"))?;
        let csr = rcgen::CertificateParams::new(Vec::<String>::new())
            .and_then(|params| params.serialize_request(&key))
            .and_then(|csr| csr.pem())
            .map_err(|e| anyhow::anyhow!("kunde inte skapa certifikatbegäran: {e}"))?;
        let ours = provider.org_number.digits().to_owned();
        let client = RelayClient::new(address, ca_pem, None)?;
        // The provider goes with the code, so the relay refuses a code for another
        // organisationsnummer before using it up (the code then still works for the right one).
        // Its name is what the relay writes, with the number, on the first line of every BankID
        // text (a name the relay cannot use is left out: the vendor sets it instead).
        let mut body = serde_json::json!({ "code": code, "csr_pem": csr, "provider": ours });
        if let Ok(name) = assistid_core::signtext::provider_name(&provider.name) {
            body["provider_name"] = serde_json::Value::String(name);
        }
        let answer: EnrolAnswer = match client.post("/v1/enrol", &body).await {
            Ok((_, answer)) => answer,
            Err(CallError::Refused { code, message, .. })
                if code == "enrolment_code_other_provider" =>
            {
                return Err(relay_error(
                    "relay_other_provider",
                    assistid_core::text::Text::untranslated("relay_message", message),
                ));
            }
            Err(error @ CallError::Refused { .. }) => {
                return Err(relay_error("relay_enrolment_refused", error.text()));
            }
            Err(error) => return Err(relay_error("relay_unreachable", error.text())),
        };
        // An older relay that does not read `provider` has used the code by now; refuse
        // anyway rather than send under another organisationsnummer.
        if answer.provider != ours {
            return Err(relay_error(
                "relay_other_provider",
                templates::RELAY_OTHER_PROVIDER
                    .with("theirs", answer.provider.clone())
                    .with("ours", ours.clone()),
            ));
        }
        let identity = format!(
            "{}\n{}",
            answer.certificate_pem.trim_end(),
            key.serialize_pem()
        );
        // The issued certificate must work with the key before anything is stored.
        RelayClient::new(address, ca_pem, Some(&identity))?;
        self.store().transaction(|store| -> anyhow::Result<()> {
            let set = |k: &str, v: &str| store.set_setting(k, v, now).map_err(AppError::from);
            set(ADDRESS_KEY, address)?;
            set(CA_KEY, ca_pem.unwrap_or(""))?;
            set(CERT_KEY, &answer.certificate_pem)?;
            set(CLIENT_KEY_KEY, &key.serialize_pem())?;
            set(INSTALLATION_KEY, &answer.installation_id)?;
            set(PROVIDER_KEY, &answer.provider)?;
            set(ENROLLED_AT_KEY, &now.to_rfc3339())?;
            set(SENDING_MODE_KEY, "relay")?;
            self.log_event(
                now,
                "relay_enrolled",
                None,
                serde_json::json!({ "installation": answer.installation_id }),
            )?;
            Ok(())
        })?;
        tracing::info!(installation = %answer.installation_id, "enrolled with the relay");
        self.relay_status()
    }

    /// Goes back to sending directly with the folder's own FK certificate: the relay's
    /// certificate, key and address are removed. Refused while a submission handed to the
    /// relay is still `sending` or `uncertain` there (its fate is followed through the relay).
    pub fn leave_relay(&self, now: DateTime<Utc>) -> anyhow::Result<RelayStatus> {
        for submission in self.store().all_submissions().map_err(AppError::from)? {
            if matches!(
                submission.state,
                SubmissionState::Sending | SubmissionState::Uncertain
            ) && self.setting(&submission_key(submission.id))?.is_some()
            {
                return Err(relay_error(
                    "relay_submissions_open",
                    templates::RELAY_SUBMISSIONS_OPEN.with("id", submission.id.get()),
                ));
            }
        }
        self.store().transaction(|store| -> anyhow::Result<()> {
            for key in [
                ADDRESS_KEY,
                CA_KEY,
                CERT_KEY,
                CLIENT_KEY_KEY,
                INSTALLATION_KEY,
                PROVIDER_KEY,
                ENROLLED_AT_KEY,
            ] {
                store.remove_setting(key).map_err(AppError::from)?;
            }
            store
                .set_setting(SENDING_MODE_KEY, "direct", now)
                .map_err(AppError::from)?;
            self.log_event(now, "relay_left", None, serde_json::json!({}))?;
            Ok(())
        })?;
        tracing::info!("left the relay; sending directly");
        self.relay_status()
    }

    /// Who the relay says this installation is (`GET /v1/installation`): the
    /// organisationsnummer as people write it. Errors carry the relay's refusal or why it
    /// could not be reached.
    pub(crate) async fn relay_whoami(&self) -> anyhow::Result<String> {
        #[derive(Deserialize)]
        struct Me {
            provider: String,
        }
        let client = self.relay_client()?;
        let (_, me): (u16, Me) = client
            .call(
                client
                    .http
                    .get(format!("{}/v1/installation", client.base))
                    .timeout(Duration::from_secs(30)),
            )
            .await
            .map_err(|e| {
                relay_error(
                    match e {
                        CallError::Refused { .. } => "relay_refused",
                        _ => "relay_unreachable",
                    },
                    e.text(),
                )
            })?;
        Ok(assistid_core::ids::OrgNumber::parse(&me.provider)
            .map(|o| o.formatted())
            .unwrap_or(me.provider))
    }

    /// The relay's address, for summaries.
    pub fn relay_address(&self) -> anyhow::Result<Option<String>> {
        self.setting(ADDRESS_KEY)
    }

    pub(crate) fn relay_client(&self) -> anyhow::Result<RelayClient> {
        let not_enrolled =
            || relay_error("relay_not_enrolled", templates::RELAY_NOT_ENROLLED.text());
        let address = self.setting(ADDRESS_KEY)?.ok_or_else(not_enrolled)?;
        let cert = self.setting(CERT_KEY)?.ok_or_else(not_enrolled)?;
        let key = self.setting(CLIENT_KEY_KEY)?.ok_or_else(not_enrolled)?;
        let ca = self.setting(CA_KEY)?;
        RelayClient::new(
            &address,
            ca.as_deref(),
            Some(&format!("{}\n{key}", cert.trim_end())),
        )
    }

    /// Sends the given submissions through the relay as the data folder's one sender: each is
    /// checked, marked `sending` (committed), handed over, and followed until the relay
    /// reports FK's answer or `uncertain`; every transition is committed with its audit event.
    pub async fn send_run_via_relay(
        &self,
        ids: &[SubmissionId],
        follow: &RelayFollow,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SendRun> {
        let _sender = self.become_sender().await?;
        self.recover_interrupted_submissions(clock())?;
        let client = self.relay_client()?;
        let names = self.names()?;
        let total = ids.len();
        let mut results: Vec<SubmissionView> = Vec::with_capacity(total);
        let mut handed: Vec<(SubmissionId, u32, String)> = Vec::new();
        let mut finish = |view: SubmissionView, results: &mut Vec<SubmissionView>| {
            results.push(view);
            if let Some(last) = results.last() {
                progress(results.len(), total, last);
            }
        };
        // First everything is handed over (the relay queues it at once); then followed.
        for &id in ids {
            let submission = self
                .store()
                .submission(id)
                .map_err(AppError::from)?
                .ok_or_else(|| {
                    AppError::missing_text(
                        crate::error::templates::SUBMISSION_MISSING.with("id", id.to_string()),
                    )
                })?;
            if !matches!(
                submission.state,
                SubmissionState::Queued | SubmissionState::FailedWillRetry
            ) {
                finish(self.view(&submission, &names)?, &mut results);
                continue;
            }
            let request = match self.relay_request(&submission)? {
                Ok(request) => request,
                Err(problem) => {
                    let now = clock();
                    let failed = self.store().transaction(|store| -> anyhow::Result<_> {
                        let failed = store
                            .fail_submission_before_sending(
                                id,
                                problem.code,
                                (
                                    &problem.reason,
                                    Some(&crate::stored_text::stored(&problem.text)),
                                ),
                                now,
                            )
                            .map_err(AppError::from)?;
                        self.log_event(
                            now,
                            "submission_failed_final",
                            Some(failed.report_id),
                            serde_json::json!({ "submission": id.get(), "error_code": problem.code }),
                        )?;
                        Ok(failed)
                    })?;
                    finish(self.view(&failed, &names)?, &mut results);
                    continue;
                }
            };
            let now = clock();
            let attempt = self.store().transaction(|store| -> anyhow::Result<_> {
                let attempt = store
                    .begin_submission_attempt(id, now)
                    .map_err(AppError::from)?;
                self.log_event(
                    now,
                    "submission_sending",
                    None,
                    serde_json::json!({ "submission": id.get(), "attempt": attempt, "via": "relay" }),
                )?;
                Ok(attempt)
            })?;
            let body = SubmitJson {
                environment: submission.environment.clone(),
                report: STANDARD.encode(&request.report),
                assistant_signature: signature_json(&request.assistant_signature),
                provider_signature: signature_json(&request.provider_signature),
            };
            match client
                .post::<_, RelaySubmission>("/v1/submissions", &body)
                .await
            {
                Ok((_, handed_over)) => {
                    self.store()
                        .set_setting(&submission_key(id), &handed_over.id, clock())
                        .map_err(AppError::from)?;
                    self.store()
                        .mark_attempt_sent(id, attempt, clock())
                        .map_err(AppError::from)?;
                    tracing::info!(
                        submission = id.get(),
                        relay_submission = %handed_over.id,
                        "handed to the relay"
                    );
                    handed.push((id, attempt, handed_over.state));
                }
                Err(error) => {
                    let (outcome, code) = match &error {
                        CallError::NotReached(_) => {
                            (AttemptOutcome::Transient, "relay_unreachable")
                        }
                        CallError::Refused {
                            status: 503 | 429, ..
                        } => (AttemptOutcome::Transient, "relay_busy"),
                        CallError::Refused { .. } => {
                            (AttemptOutcome::Configuration, "relay_refused")
                        }
                        // Handing over the same bytes again is answered with the same
                        // submission, so the installation may resend after checking.
                        CallError::NoAnswer(_) => (AttemptOutcome::Uncertain, "relay_no_answer"),
                    };
                    let told = error.text();
                    let message = told.render(assistid_core::text::Lang::Sv);
                    let message_text = crate::stored_text::stored(&told);
                    let relay_code = match &error {
                        CallError::Refused { code, .. } => Some(code.clone()),
                        _ => None,
                    };
                    tracing::warn!(
                        submission = id.get(),
                        code,
                        relay_code = relay_code.as_deref().unwrap_or(""),
                        "the relay did not take the report"
                    );
                    let saved = self.record_answer(
                        id,
                        attempt,
                        &AttemptResult {
                            finished_at: clock(),
                            outcome,
                            http_status: None,
                            answer: None,
                            tx_id: None,
                            error_code: Some(relay_code.as_deref().unwrap_or(code)),
                            error_message: Some(&message),
                            error_text: Some(&message_text),
                            fk_message: None,
                            next_attempt_at: None,
                        },
                        Via::Relay,
                    )?;
                    finish(self.view(&saved, &names)?, &mut results);
                }
            }
        }
        for (id, attempt, mut state) in handed {
            let Some(relay_id) = self.setting(&submission_key(id))? else {
                continue;
            };
            let deadline = tokio::time::Instant::now() + follow.max_wait;
            let mut last: Option<RelaySubmission> = None;
            loop {
                let wait = if last.is_none() && is_final(&state) {
                    None
                } else {
                    Some((follow.poll, state.as_str()))
                };
                match client.submission(&relay_id, wait).await {
                    Ok(now) => {
                        state = now.state.clone();
                        let done = is_final(&now.state);
                        last = Some(now);
                        if done {
                            break;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(submission = id.get(), "following at the relay failed");
                        if tokio::time::Instant::now() >= deadline {
                            last = None;
                            state = error.describe();
                            break;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                if tokio::time::Instant::now() >= deadline {
                    break;
                }
            }
            let saved = self.record_relay_state(id, attempt, last.as_ref(), &state, clock)?;
            finish(self.view(&saved, &names)?, &mut results);
        }
        Ok(SendRun {
            results,
            stopped: None,
        })
    }

    /// Queues the month's ready reports for `environment` and sends them (and earlier queued
    /// ones of the month) through the relay on a runtime of its own, as
    /// [`App::submit_month`] does directly.
    pub fn submit_month_via_relay(
        &self,
        month: assistid_core::model::ReportMonth,
        environment: Environment,
        follow: &RelayFollow,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<super::SubmitSummary> {
        let endpoint = self.relay_client()?.base;
        let (ids, skipped) = self.queue_month(month, environment, clock())?;
        let run = super::send::run_to_end(self.send_run_via_relay(&ids, follow, clock, progress))??;
        Ok(super::SubmitSummary {
            month: month.to_string(),
            environment: environment.as_str().to_owned(),
            endpoint,
            certificate: None,
            skipped,
            results: run.results,
            stopped: run.stopped,
        })
    }

    /// The request for a queued submission (the same checks as the direct run).
    fn relay_request(
        &self,
        submission: &assistid_store::Submission,
    ) -> anyhow::Result<Result<SubmitRequest, super::NotReady>> {
        let environment: Environment = match submission.environment.parse() {
            Ok(env @ (Environment::Test | Environment::Prod)) => env,
            _ => {
                return Ok(Err(super::not_ready(
                    "relay_environment",
                    super::request::templates::RELAY_ENVIRONMENT
                        .with("environment", &submission.environment),
                )));
            }
        };
        let Some(version) = self
            .store()
            .report_version_by_id(submission.report_id)
            .map_err(AppError::from)?
        else {
            return Ok(Err(super::not_ready(
                "not_found",
                super::request::templates::VERSION_NOT_FOUND.text(),
            )));
        };
        let request = match self.signed_request(&version, environment)? {
            Ok(request) => request,
            Err(problem) => return Ok(Err(problem)),
        };
        if super::sha2_digest::digest(&request.report) != submission.document_sha256 {
            return Ok(Err(super::not_ready(
                "report_changed",
                super::request::templates::RELAY_REPORT_CHANGED.text(),
            )));
        }
        Ok(Ok(request))
    }

    /// Records what the relay reports for a handed-over submission: FK's answer as if FK
    /// had answered this program, or `uncertain`.
    fn record_relay_state(
        &self,
        id: SubmissionId,
        attempt: u32,
        relay: Option<&RelaySubmission>,
        state_or_reason: &str,
        clock: Clock<'_>,
    ) -> anyhow::Result<assistid_store::Submission> {
        let now = clock();
        let last_answer = relay.and_then(|r| {
            r.fk_attempts
                .iter()
                .rev()
                .find(|a| a.raw_answer.is_some() && a.http_status.is_some())
        });
        let raw = last_answer
            .and_then(|a| a.raw_answer.as_deref())
            .and_then(|b| STANDARD.decode(b).ok());
        let status = last_answer.and_then(|a| a.http_status);
        match relay.map(|r| r.state.as_str()) {
            Some("accepted") | Some("rejected") => {
                let interpreted = match (status, raw.as_deref()) {
                    (Some(status), Some(body)) => {
                        Some(interpret(&assistid_elt::parse_response(status, body)))
                    }
                    _ => None,
                };
                let accepted = relay.is_some_and(|r| r.state == "accepted");
                let tx_id = relay
                    .and_then(|r| r.tx_id.clone())
                    .or_else(|| interpreted.as_ref().and_then(|i| i.tx_id.clone()));
                let outcome = if accepted {
                    AttemptOutcome::Accepted
                } else {
                    AttemptOutcome::Rejected
                };
                let fallback = relay.and_then(|r| r.error_code.clone());
                let stored_interpreted = interpreted
                    .as_ref()
                    .and_then(|i| i.text.as_ref())
                    .map(crate::stored_text::stored);
                self.record_answer(
                    id,
                    attempt,
                    &AttemptResult {
                        finished_at: now,
                        outcome,
                        http_status: status,
                        answer: raw.as_deref(),
                        tx_id: if accepted { tx_id.as_deref() } else { None },
                        error_code: if accepted {
                            None
                        } else {
                            interpreted
                                .as_ref()
                                .and_then(|i| i.error_code)
                                .or(fallback.as_deref())
                        },
                        error_message: if accepted {
                            None
                        } else {
                            interpreted.as_ref().and_then(|i| i.message.as_deref())
                        },
                        error_text: if accepted {
                            None
                        } else {
                            stored_interpreted.as_ref()
                        },
                        fk_message: interpreted.as_ref().and_then(|i| i.fk_message.as_deref()),
                        next_attempt_at: None,
                    },
                    Via::Relay,
                )
            }
            Some("withdrawn") => {
                let saved = self.record_answer(
                    id,
                    attempt,
                    &AttemptResult {
                        finished_at: now,
                        outcome: AttemptOutcome::Uncertain,
                        http_status: status,
                        answer: raw.as_deref(),
                        tx_id: None,
                        error_code: Some("relay_withdrawn"),
                        error_message: Some(templates::RELAY_WITHDRAWN.sv),
                        error_text: Some(&crate::stored_text::stored(
                            &templates::RELAY_WITHDRAWN.text(),
                        )),
                        fk_message: None,
                        next_attempt_at: None,
                    },
                    Via::Relay,
                )?;
                Ok(saved)
            }
            other => {
                let (code, told) = match other {
                    Some("uncertain") => (
                        relay
                            .and_then(|r| r.error_code.clone())
                            .unwrap_or_else(|| "relay_uncertain".to_owned()),
                        Some(templates::RELAY_UNCERTAIN.text()),
                    ),
                    Some(state) => (
                        "relay_still_pending".to_owned(),
                        Some(templates::RELAY_STILL_PENDING.with("state", state)),
                    ),
                    None => ("relay_unreachable".to_owned(), None),
                };
                let message = match &told {
                    Some(text) => text.render(assistid_core::text::Lang::Sv),
                    None => state_or_reason.to_owned(),
                };
                let message_text = told.as_ref().map(crate::stored_text::stored);
                self.record_answer(
                    id,
                    attempt,
                    &AttemptResult {
                        finished_at: now,
                        outcome: AttemptOutcome::Uncertain,
                        http_status: status,
                        answer: raw.as_deref(),
                        tx_id: None,
                        error_code: Some(&code),
                        error_message: Some(&message),
                        error_text: message_text.as_ref(),
                        fk_message: None,
                        next_attempt_at: None,
                    },
                    Via::Relay,
                )
            }
        }
    }

    /// The installation's decision on an uncertain submission that was handed to the relay:
    /// the decision goes to the relay first (`resend`, `received` with the tx-id,
    /// `do_not_send`), then the local outbox follows. A submission the relay never got is
    /// decided locally as in [`App::resolve_uncertain`].
    pub async fn decide_uncertain_via_relay(
        &self,
        id: SubmissionId,
        decision: Decision,
        now: DateTime<Utc>,
    ) -> anyhow::Result<SubmissionView> {
        // A mistyped tx-id is refused before the relay is asked (the same words as locally).
        if let Decision::MarkAccepted { tx_id } = &decision {
            crate::answers::parse_tx_id(tx_id)?;
        }
        let Some(relay_id) = self.setting(&submission_key(id))? else {
            return self.resolve_uncertain(id, decision, now);
        };
        let current = self
            .store()
            .submission(id)
            .map_err(AppError::from)?
            .ok_or_else(|| {
                AppError::missing_text(
                    crate::error::templates::SUBMISSION_MISSING.with("id", id.to_string()),
                )
            })?;
        if current.state != SubmissionState::Uncertain {
            return self.resolve_uncertain(id, decision, now);
        }
        let client = self.relay_client()?;
        let there = client
            .submission(&relay_id, None)
            .await
            .map_err(|e| relay_error("relay_unreachable", e.text()))?;
        if there.state == "uncertain" {
            let body = match &decision {
                Decision::Resend => serde_json::json!({ "decision": "resend" }),
                Decision::MarkAccepted { tx_id } => {
                    serde_json::json!({ "decision": "received", "tx_id": tx_id.trim() })
                }
                Decision::Abandon => serde_json::json!({ "decision": "do_not_send" }),
            };
            client
                .post::<_, RelaySubmission>(&format!("/v1/submissions/{relay_id}/decision"), &body)
                .await
                .map_err(|e| relay_error("relay_decision_refused", e.text()))?;
            let view = self.resolve_uncertain(id, decision.clone(), now)?;
            if decision != Decision::Resend {
                self.store()
                    .remove_setting(&submission_key(id))
                    .map_err(AppError::from)?;
            }
            return Ok(view);
        }
        // The relay is not uncertain about it (it was still queued or has FK's answer now):
        // a resend follows it again, the other decisions are refused with what the relay knows.
        match (&decision, there.state.as_str()) {
            (Decision::Resend, "queued" | "sending" | "failed_will_retry") => {
                self.resolve_uncertain(id, decision, now)
            }
            (_, "accepted") => {
                let tx_id = there.tx_id.clone().unwrap_or_default();
                self.resolve_uncertain(id, Decision::MarkAccepted { tx_id }, now)
            }
            (_, state) => Err(relay_error(
                "relay_not_uncertain",
                templates::RELAY_NOT_UNCERTAIN.with("state", state),
            )),
        }
    }
}
