//! A fake BankID RP API v6.0 for tests and the demo mode: a real HTTPS server on
//! `127.0.0.1:0` with mutual TLS (client certificate required), serving `/rp/v6.0/sign`,
//! `/collect` and `/cancel` with BankID's order life, error shapes and signatures of BankID's
//! real shape (XML-DSig, signer certificate with the personnummer, DER OCSP response).
//!
//! The "user's BankID app" is driven in process ([`FakeBankId::user`]) or over HTTP on the same
//! server (for the demo UI), all `POST` with `Content-Type: application/json`:
//!
//! | path | body | effect |
//! |---|---|---|
//! | `/__app/{orderRef}/approve` | `{"personalNumber": "…", "name": "…"}` | the app opens the order (`userSign`); the next collect after that completes it |
//! | `/__app/{orderRef}/cancel` | `{}` | the user cancels (`userCancel`) |
//! | `/__app/{orderRef}/expire` | `{}` | nobody finishes (`expiredTransaction`) |
//! | `/__app/{orderRef}/certificate-err` | `{}` | the user's BankID is blocked (`certificateErr`) |
//! | `/__app/{orderRef}/confirm-call` | `{}` | phone order: the user confirms the call (`userSign` next) |
//! | `/__app/{orderRef}/decline-call` | `{}` | phone order: the user says no call is going on (`userDeclinedCall`) |
//! | `/__app/{orderRef}/not-supported` | `{}` | the user's app is too old for the order (`notSupportedByUserApp`) |
//!
//! The fake does not enforce `requirement.personalNumber` of a `/sign` order on approval, so
//! tests and the demo can have the wrong person sign and see that the client's signature check
//! catches it.
//!
//! Phone orders (`/rp/v6.0/phone/sign`, with `personalNumber` and `callInitiator` `"RP"` or
//! `"user"`) go to the app of that personnummer only, as at BankID: approving one as anyone
//! else fails ([`FakeBankIdError::WrongPerson`]) and leaves the order waiting. Their life is
//! `outstandingTransaction` → `userCallConfirm` (the app asks whether the user is in a call with
//! the relying party) → `userSign` → `complete`, or `userDeclinedCall` when the user says no
//! call is going on; one nobody picks up ends with `expiredTransaction` (there is no QR code
//! to fail to scan).
//!
//! ```no_run
//! # async fn demo() -> Result<(), assistid_fakes::bankid::FakeBankIdError> {
//! use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
//! let fake = FakeBankId::start(FakeBankIdConfig::default()).await?;
//! let rp_p12 = fake.client_pkcs12("test")?; // the RP certificate for the client
//! println!("{} trusts {} bytes of root", fake.base_url(), fake.ssl_root_pem().len());
//! # Ok(()) }
//! ```

mod ca;
mod ocsp;
mod xml;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::time::Instant;

pub use ca::UserCertificateAuthority;
pub use ocsp::{NONCE_OID, OcspScript};

use crate::pki::{CertSubject, TestCa};

/// What can go wrong running the fake.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FakeBankIdError {
    /// Certificates or keys could not be made.
    #[error("fake BankID PKI: {0}")]
    Pki(String),
    /// The signature document could not be built.
    #[error("fake BankID XML: {0}")]
    Xml(String),
    /// The server could not start.
    #[error("fake BankID server: {0}")]
    Server(String),
    /// No such order.
    #[error("fake BankID: no order {0}")]
    NoSuchOrder(String),
    /// A phone order was approved by someone other than the person it was sent to: BankID
    /// delivers a phone order only to the app of its `personalNumber`.
    #[error("fake BankID: the phone order is for another person")]
    WrongPerson,
    /// A phone-only action (confirm or decline the call) on an order that is not a phone order.
    #[error("fake BankID: not a phone order")]
    NotAPhoneOrder,
}

/// How the fake behaves.
#[derive(Clone)]
pub struct FakeBankIdConfig {
    /// How long an order waits to be picked up before it fails with `startFailed` (BankID: ~30 s).
    pub start_timeout: Duration,
    /// How long a completed order can be collected (BankID: 3 min).
    pub completed_retention: Duration,
    /// How long a failed order can be collected (BankID: 5 min).
    pub failed_retention: Duration,
    /// Demo mode: approve every order after this delay, as the order's required person (or
    /// [`FakeBankIdConfig::auto_approve_default_person`] when none is required).
    pub auto_approve_after: Option<Duration>,
    /// Who approves in auto mode when the order names nobody: (personnummer, name).
    pub auto_approve_default_person: (String, String),
    /// The host names (or IP addresses) the server's TLS certificate is valid for; by default
    /// the loopback names the client connects to. Another name makes every handshake fail the
    /// client's host-name check (a certificate issued for some other server).
    pub server_names: Vec<String>,
}

impl std::fmt::Debug for FakeBankIdConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The default person's personnummer stays out of Debug output, like every personnummer.
        f.debug_struct("FakeBankIdConfig")
            .field("start_timeout", &self.start_timeout)
            .field("completed_retention", &self.completed_retention)
            .field("failed_retention", &self.failed_retention)
            .field("auto_approve_after", &self.auto_approve_after)
            .field("server_names", &self.server_names)
            .finish_non_exhaustive()
    }
}

impl Default for FakeBankIdConfig {
    fn default() -> Self {
        Self {
            start_timeout: Duration::from_secs(30),
            completed_retention: Duration::from_secs(180),
            failed_retention: Duration::from_secs(300),
            auto_approve_after: None,
            auto_approve_default_person: ("198001019879".into(), "Demo Demosson".into()),
            server_names: vec!["localhost".into(), "127.0.0.1".into()],
        }
    }
}

/// A signature made by the fake, as `completionData` carries it.
#[derive(Clone)]
pub struct FakeSignature {
    /// The XML-DSig document.
    pub xml: String,
    /// The DER OCSP response.
    pub ocsp_der: Vec<u8>,
    /// The certificates in the document's `X509Data` (DER): signer, customer CA, bank CA.
    pub certificates_der: Vec<Vec<u8>>,
}

impl std::fmt::Debug for FakeSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSignature").finish_non_exhaustive()
    }
}

impl FakeSignature {
    /// `completionData.signature`: base64 of the XML.
    pub fn signature_base64(&self) -> String {
        BASE64.encode(self.xml.as_bytes())
    }

    /// The whole `completionData` BankID returns with this signature: user, device, issue date,
    /// `stepUp`, signature and OCSP response — for tests that store signatures without running
    /// an order, so what they store has the same shape as a real completion.
    pub fn completion_data(
        &self,
        personal_number: &str,
        name: &str,
        bankid_issue_date: chrono::NaiveDate,
    ) -> serde_json::Value {
        let (given, surname) = name.split_once(' ').unwrap_or((name, ""));
        json!({
            "user": {"personalNumber": personal_number, "name": name, "givenName": given, "surname": surname},
            "device": {"ipAddress": "127.0.0.1", "uhi": BASE64.encode(rand::random::<[u8; 12]>())},
            "bankIdIssueDate": bankid_issue_date.format("%Y-%m-%d").to_string(),
            "stepUp": {"mrtd": false},
            "signature": self.signature_base64(),
            "ocspResponse": self.ocsp_base64(),
        })
    }

    /// `completionData.ocspResponse`: base64 of the DER.
    pub fn ocsp_base64(&self) -> String {
        BASE64.encode(&self.ocsp_der)
    }
}

/// What to sign, without a server: base64 strings exactly as an RP sends them.
#[derive(Clone)]
pub struct SignInput<'a> {
    /// `userVisibleData` as sent (base64).
    pub user_visible_data: &'a str,
    /// `userNonVisibleData` as sent (base64), if any.
    pub user_non_visible_data: Option<&'a str>,
    /// The signer's personnummer (12 digits).
    pub personal_number: &'a str,
    /// The signer's name ("Given Surname").
    pub name: &'a str,
    /// When the signature is made (OCSP `producedAt`).
    pub signed_at: DateTime<Utc>,
    /// Validity of the signer certificate (e.g. already expired, for tests).
    pub certificate_validity: (DateTime<Utc>, DateTime<Utc>),
}

impl std::fmt::Debug for SignInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInput").finish_non_exhaustive()
    }
}

/// Signs like BankID, without a server: the XML-DSig document and OCSP response for `input`,
/// with a signer certificate from `ca`. Used by the fake server, by the fake FK's tests and by
/// the app's tests.
pub fn sign_document(
    ca: &UserCertificateAuthority,
    input: &SignInput<'_>,
) -> Result<FakeSignature, FakeBankIdError> {
    sign_document_with(ca, input, OcspScript::Good)
}

/// [`sign_document`] with the OCSP response made as `script` says (tests of the OCSP check).
pub fn sign_document_with(
    ca: &UserCertificateAuthority,
    input: &SignInput<'_>,
    script: OcspScript,
) -> Result<FakeSignature, FakeBankIdError> {
    let key = ca::shared_rsa_key_der()?;
    let signer = ca.signer(
        input.personal_number,
        input.name,
        input.certificate_validity.0,
        input.certificate_validity.1,
    )?;
    let nonce_bytes: [u8; 20] = rand::random();
    let content = xml::SignedContent {
        user_visible_data: input.user_visible_data,
        user_non_visible_data: input.user_non_visible_data,
        nonce: &BASE64.encode(nonce_bytes),
        device_ip: "127.0.0.1",
        uhi: &BASE64.encode(rand::random::<[u8; 12]>()),
    };
    let certificates_der = vec![
        signer.cert_der.clone(),
        ca.issuing_der().to_vec(),
        ca.bank_ca_der().to_vec(),
    ];
    let chain: Vec<&[u8]> = certificates_der.iter().map(Vec::as_slice).collect();
    let xml = xml::signature_document(&content, &chain, key)?;
    // Bind the OCSP response to this signature through its nonce: SHA-1 of the signature
    // document (the fake's choice; real BankID binds it to the signature too).
    let nonce = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, xml.as_bytes());
    let ocsp_der = ocsp::ocsp_response(
        ca,
        &signer.cert_der,
        input.signed_at,
        nonce.as_ref(),
        script,
    )?;
    Ok(FakeSignature {
        xml,
        ocsp_der,
        certificates_der,
    })
}

#[derive(Clone, PartialEq, Eq)]
enum OrderState {
    /// Waiting for the app (`outstandingTransaction`).
    Outstanding,
    /// Phone orders: the app asks the user to confirm the call (`userCallConfirm`); with
    /// `approved`, the user confirms once this has been collected and then signs.
    UserCallConfirm {
        approved: Option<(String, String)>,
        seen: bool,
    },
    /// The app has it (`userSign`); `approved` completes it at the next collect.
    UserSign {
        approved: Option<(String, String)>,
        seen: bool,
    },
    Failed {
        hint: String,
        at: Instant,
    },
    Complete {
        data: Value,
        at: Instant,
    },
}

impl OrderState {
    /// Waiting for the app or the user (not failed, not complete).
    fn is_open(&self) -> bool {
        matches!(
            self,
            Self::Outstanding | Self::UserCallConfirm { .. } | Self::UserSign { .. }
        )
    }
}

struct Order {
    personal_number: Option<String>,
    /// `callInitiator` of a phone order; `None` for `/sign`.
    call_initiator: Option<String>,
    user_visible_data: String,
    user_non_visible_data: Option<String>,
    created: Instant,
    state: OrderState,
}

/// An error answer queued by a test (status, body, extra headers).
type ScriptedError = (u16, Value, Vec<(String, String)>);

struct Shared {
    config: FakeBankIdConfig,
    ca: Arc<UserCertificateAuthority>,
    orders: Mutex<HashMap<String, Order>>,
    scripted: Mutex<Vec<ScriptedError>>,
    requests: Mutex<Vec<(String, Value)>>,
    /// RP API calls (path after `/rp/v6.0/`) whose connections are dropped unanswered, and how
    /// many more times.
    dropped: Mutex<HashMap<String, usize>>,
}

impl Shared {
    /// Whether this request's connection is to be dropped (a network outage), counting it.
    fn take_drop(&self, path: &str) -> bool {
        let Some(call) = path.strip_prefix("/rp/v6.0/") else {
            return false;
        };
        let Ok(mut dropped) = self.dropped.lock() else {
            return false;
        };
        match dropped.get_mut(call) {
            Some(left) if *left > 0 => {
                *left -= 1;
                if let Ok(mut r) = self.requests.lock() {
                    r.push((format!("{call} (dropped)"), Value::Null));
                }
                true
            }
            _ => false,
        }
    }
}

/// A running fake BankID. The server stops when this value is dropped.
pub struct FakeBankId {
    shared: Arc<Shared>,
    addr: SocketAddr,
    tls_ca: TestCa,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeBankId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBankId")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeBankId {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn window() -> (DateTime<Utc>, DateTime<Utc>) {
    use chrono::TimeZone;
    (
        Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default(),
        Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default(),
    )
}

impl FakeBankId {
    /// Starts the server on `127.0.0.1:0` with a fresh TLS PKI. Its user certificates come
    /// from [`UserCertificateAuthority::process_wide`]: like BankID's own servers, every fake
    /// BankID in a process issues under the same user-certificate root.
    pub async fn start(config: FakeBankIdConfig) -> Result<Self, FakeBankIdError> {
        let pki = |e: crate::pki::PkiError| FakeBankIdError::Pki(e.to_string());
        let tls_ca = TestCa::new("Fake BankID SSL Root CA v1 Test").map_err(pki)?;
        let (from, to) = window();
        let names: Vec<&str> = config.server_names.iter().map(String::as_str).collect();
        let server_cert = tls_ca.issue_server_cert(&names, from, to).map_err(pki)?;
        let tls = server_tls(&tls_ca, &server_cert)?;
        let shared = Arc::new(Shared {
            config,
            ca: UserCertificateAuthority::process_wide()?,
            orders: Mutex::new(HashMap::new()),
            scripted: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            dropped: Mutex::new(HashMap::new()),
        });
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| FakeBankIdError::Server(e.to_string()))?;
        let addr = listener
            .local_addr()
            .map_err(|e| FakeBankIdError::Server(e.to_string()))?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let serve_shared = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let shared = serve_shared.clone();
                tokio::spawn(async move {
                    // A client without a valid certificate fails the handshake here.
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let shared = shared.clone();
                        async move {
                            if shared.take_drop(req.uri().path()) {
                                // An error from the service makes hyper close the connection
                                // without an answer: what the client sees in an outage.
                                return Err(std::io::Error::other("fake network outage"));
                            }
                            Ok(handle(shared, req).await)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        Ok(Self {
            shared,
            addr,
            tls_ca,
            task,
        })
    }

    /// `https://127.0.0.1:PORT/rp/v6.0`.
    pub fn base_url(&self) -> String {
        format!("https://127.0.0.1:{}/rp/v6.0", self.addr.port())
    }

    /// The fake's TLS root (PEM): the client's `Environment::Custom` trust anchor.
    pub fn ssl_root_pem(&self) -> &str {
        self.tls_ca.cert_pem()
    }

    /// A new RP client certificate the server accepts, as PKCS#12 with `password`.
    pub fn client_pkcs12(&self, password: &str) -> Result<Vec<u8>, FakeBankIdError> {
        let (from, to) = window();
        self.tls_ca
            .issue_client_cert(&CertSubject::new("FP Testcert Assistid"), from, to)
            .and_then(|c| c.to_pkcs12(password))
            .map_err(|e| FakeBankIdError::Pki(e.to_string()))
    }

    /// A new RP client certificate as one PEM text (private key, then certificate), for HTTP
    /// clients that take PEM (the demo UI's calls to `/__app/…`).
    pub fn client_identity_pem(&self) -> Result<String, FakeBankIdError> {
        let (from, to) = window();
        let cert = self
            .tls_ca
            .issue_client_cert(&CertSubject::new("FP Testcert Assistid"), from, to)
            .map_err(|e| FakeBankIdError::Pki(e.to_string()))?;
        Ok(format!("{}{}", cert.key_pem(), cert.cert_pem()))
    }

    /// The user-certificate root signatures chain to (configure it in demo mode).
    pub fn user_root_der(&self) -> &[u8] {
        self.shared.ca.root_der()
    }

    /// The user-certificate root as PEM.
    pub fn user_root_pem(&self) -> &str {
        self.shared.ca.root_pem()
    }

    /// The user-certificate authority, for [`sign_document`] without the server.
    pub fn user_ca(&self) -> &UserCertificateAuthority {
        &self.shared.ca
    }

    /// Act as the user's BankID app for `order_ref`.
    pub fn user(&self, order_ref: &str) -> AppUser {
        AppUser {
            shared: self.shared.clone(),
            order_ref: order_ref.to_owned(),
        }
    }

    /// Answer the next RP API call with this error (status, BankID JSON body, headers), once.
    /// Queued errors are used in order.
    pub fn fail_next(&self, status: u16, body: Value, headers: &[(&str, &str)]) {
        if let Ok(mut s) = self.shared.scripted.lock() {
            s.push((
                status,
                body,
                headers
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ));
        }
    }

    /// Drops the connection of the next `times` calls to `call` (`"collect"`, `"sign"`,
    /// `"cancel"`) without answering, as a network outage would: the request arrives, no answer
    /// comes back. Each dropped call is listed in [`FakeBankId::requests`] as
    /// `"{call} (dropped)"` with a null body.
    pub fn drop_next(&self, call: &str, times: usize) {
        if let Ok(mut dropped) = self.shared.dropped.lock() {
            dropped.insert(call.to_owned(), times);
        }
    }

    /// Every RP API request received so far: (path, JSON body), oldest first.
    pub fn requests(&self) -> Vec<(String, Value)> {
        self.shared
            .requests
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// The order references of orders that still wait to be picked up or signed.
    pub fn pending_orders(&self) -> Vec<String> {
        self.shared
            .orders
            .lock()
            .map(|o| {
                o.iter()
                    .filter(|(_, o)| o.state.is_open())
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The user's BankID app for one order.
#[derive(Clone)]
pub struct AppUser {
    shared: Arc<Shared>,
    order_ref: String,
}

impl std::fmt::Debug for AppUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppUser").finish_non_exhaustive()
    }
}

impl AppUser {
    fn with_order<T>(&self, f: impl FnOnce(&mut Order) -> T) -> Result<T, FakeBankIdError> {
        let mut orders = self
            .shared
            .orders
            .lock()
            .map_err(|_| FakeBankIdError::Server("lock poisoned".into()))?;
        let order = orders
            .get_mut(&self.order_ref)
            .ok_or_else(|| FakeBankIdError::NoSuchOrder(self.order_ref.clone()))?;
        Ok(f(order))
    }

    /// The app opens the order and the user signs as this person. A `/sign` order: the first
    /// collect after this reports `userSign`, the next one `complete`. A phone order: only its
    /// own person's app has it, so anyone else gets [`FakeBankIdError::WrongPerson`] and the
    /// order keeps waiting; its person confirms the call first (`userCallConfirm`, then
    /// `userSign`, then `complete`).
    pub fn approve_as(&self, personal_number: &str, name: &str) -> Result<(), FakeBankIdError> {
        self.with_order(|o| {
            if !o.state.is_open() {
                return Ok(());
            }
            let approved = Some((personal_number.to_owned(), name.to_owned()));
            if o.call_initiator.is_some() {
                if o.personal_number.as_deref() != Some(personal_number) {
                    return Err(FakeBankIdError::WrongPerson);
                }
                o.state = match o.state {
                    // The call is already confirmed: sign.
                    OrderState::UserSign { .. } => OrderState::UserSign {
                        approved,
                        seen: false,
                    },
                    _ => OrderState::UserCallConfirm {
                        approved,
                        seen: false,
                    },
                };
            } else {
                o.state = OrderState::UserSign {
                    approved,
                    seen: false,
                };
            }
            Ok(())
        })?
    }

    /// The app opens the order but the user has not signed yet: `userSign`, or for a phone
    /// order `userCallConfirm` (the app asks whether the user is in a call with the RP).
    pub fn open(&self) -> Result<(), FakeBankIdError> {
        self.with_order(|o| {
            if o.state == OrderState::Outstanding {
                o.state = if o.call_initiator.is_some() {
                    OrderState::UserCallConfirm {
                        approved: None,
                        seen: false,
                    }
                } else {
                    OrderState::UserSign {
                        approved: None,
                        seen: false,
                    }
                };
            }
        })
    }

    /// Phone orders: the user confirms in the app that they are in the call (`userSign` next).
    pub fn confirm_call(&self) -> Result<(), FakeBankIdError> {
        self.with_order(|o| {
            if o.call_initiator.is_none() {
                return Err(FakeBankIdError::NotAPhoneOrder);
            }
            if matches!(
                o.state,
                OrderState::Outstanding | OrderState::UserCallConfirm { .. }
            ) {
                o.state = OrderState::UserSign {
                    approved: None,
                    seen: false,
                };
            }
            Ok(())
        })?
    }

    /// Phone orders: the user says in the app that no call is going on; BankID cancels the
    /// order (`userDeclinedCall`).
    pub fn decline_call(&self) -> Result<(), FakeBankIdError> {
        self.with_order(|o| {
            if o.call_initiator.is_none() {
                return Err(FakeBankIdError::NotAPhoneOrder);
            }
            if o.state.is_open() {
                o.state = OrderState::Failed {
                    hint: "userDeclinedCall".into(),
                    at: Instant::now(),
                };
            }
            Ok(())
        })?
    }

    /// The user's app is too old for the order (`notSupportedByUserApp`).
    pub fn not_supported(&self) -> Result<(), FakeBankIdError> {
        self.fail("notSupportedByUserApp")
    }

    /// The user cancels in the app (`userCancel`).
    pub fn cancel(&self) -> Result<(), FakeBankIdError> {
        self.fail("userCancel")
    }

    /// Nobody finishes in time (`expiredTransaction`).
    pub fn expire(&self) -> Result<(), FakeBankIdError> {
        self.fail("expiredTransaction")
    }

    /// The QR code is never scanned (`startFailed`), without waiting for the start timeout.
    pub fn fail_start(&self) -> Result<(), FakeBankIdError> {
        self.fail("startFailed")
    }

    /// The user's BankID is blocked or too old (`certificateErr`).
    pub fn fail_certificate_err(&self) -> Result<(), FakeBankIdError> {
        self.fail("certificateErr")
    }

    fn fail(&self, hint: &str) -> Result<(), FakeBankIdError> {
        self.with_order(|o| {
            if o.state.is_open() {
                o.state = OrderState::Failed {
                    hint: hint.to_owned(),
                    at: Instant::now(),
                };
            }
        })
    }
}

fn server_tls(
    tls_ca: &TestCa,
    server_cert: &crate::pki::IssuedCert,
) -> Result<rustls::ServerConfig, FakeBankIdError> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let err = |e: &dyn std::fmt::Display| FakeBankIdError::Server(e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(tls_ca.cert_der().to_vec()))
        .map_err(|e| err(&e))?;
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| err(&e))?;
    let chain = vec![CertificateDer::from(server_cert.cert_der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_cert.key_der().to_vec()));
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(&e))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| err(&e))
}

fn respond(status: u16, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

fn error(status: u16, code: &str, details: &str) -> Response<Full<Bytes>> {
    respond(status, &json!({"errorCode": code, "details": details}))
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_owned();
    if req.method() != hyper::Method::POST {
        return error(405, "methodNotAllowed", "Method not allowed");
    }
    let content_type_ok = req
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/json");
    let Ok(body) = req.into_body().collect().await.map(|b| b.to_bytes()) else {
        return error(400, "invalidParameters", "Could not read body");
    };
    if !content_type_ok {
        return error(
            415,
            "unsupportedMediaType",
            "Content-Type must be application/json",
        );
    }
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "invalidParameters", "Body is not JSON");
    };
    if let Some(rest) = path.strip_prefix("/__app/") {
        return app_endpoint(&shared, rest, &json);
    }
    let Some(call) = path.strip_prefix("/rp/v6.0/") else {
        return error(404, "notFound", "No such resource");
    };
    if let Ok(mut r) = shared.requests.lock() {
        r.push((call.to_owned(), json.clone()));
    }
    if let Some((status, body, headers)) = shared
        .scripted
        .lock()
        .ok()
        .and_then(|mut s| (!s.is_empty()).then(|| s.remove(0)))
    {
        let mut response = respond(status, &body);
        for (k, v) in headers {
            if let (Ok(k), Ok(v)) = (
                hyper::header::HeaderName::from_bytes(k.as_bytes()),
                hyper::header::HeaderValue::from_str(&v),
            ) {
                response.headers_mut().insert(k, v);
            }
        }
        return response;
    }
    match call {
        "sign" => sign(&shared, &json),
        "phone/sign" => phone_sign(&shared, &json),
        "collect" => collect(&shared, &json),
        "cancel" => cancel(&shared, &json),
        _ => error(404, "notFound", "No such resource"),
    }
}

fn str_field<'a>(json: &'a Value, field: &str) -> Option<&'a str> {
    json.get(field).and_then(Value::as_str)
}

fn valid_base64(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && BASE64.decode(s.as_bytes()).is_ok()
}

fn token() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn sign(shared: &Arc<Shared>, json: &Value) -> Response<Full<Bytes>> {
    if str_field(json, "endUserIp").is_none_or(str::is_empty) {
        return error(400, "invalidParameters", "Invalid endUserIp");
    }
    let Some(visible) = str_field(json, "userVisibleData").filter(|v| valid_base64(v, 40_000))
    else {
        return error(400, "invalidParameters", "Invalid userVisibleData");
    };
    let non_visible = match json.get("userNonVisibleData") {
        None => None,
        Some(v) => match v.as_str().filter(|v| valid_base64(v, 200_000)) {
            Some(v) => Some(v.to_owned()),
            None => return error(400, "invalidParameters", "Invalid userNonVisibleData"),
        },
    };
    if json.get("personalNumber").is_some() {
        // v6 moved it into requirement.
        return error(
            400,
            "invalidParameters",
            "personalNumber belongs in requirement",
        );
    }
    let personal_number = match json.pointer("/requirement/personalNumber") {
        None => None,
        Some(v) => match v
            .as_str()
            .filter(|p| p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()))
        {
            Some(p) => Some(p.to_owned()),
            None => return error(400, "invalidParameters", "Invalid personalNumber"),
        },
    };
    match create_order(shared, personal_number, visible, non_visible, None) {
        Ok(order_ref) => respond(
            200,
            &json!({
                "orderRef": order_ref,
                "autoStartToken": token(),
                "qrStartToken": token(),
                "qrStartSecret": token(),
            }),
        ),
        Err(response) => *response,
    }
}

/// `/phone/sign`: `personalNumber` (12 digits) and `callInitiator` (`"RP"` or `"user"`) are
/// required, `userVisibleData` too; `requirement.personalNumber` is refused (the person is the
/// order's own). The answer has only the `orderRef`.
fn phone_sign(shared: &Arc<Shared>, json: &Value) -> Response<Full<Bytes>> {
    let Some(pnr) = str_field(json, "personalNumber")
        .filter(|p| p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()))
    else {
        return error(400, "invalidParameters", "Invalid personalNumber");
    };
    let Some(initiator) = str_field(json, "callInitiator").filter(|c| matches!(*c, "RP" | "user"))
    else {
        return error(400, "invalidParameters", "Invalid callInitiator");
    };
    let Some(visible) = str_field(json, "userVisibleData").filter(|v| valid_base64(v, 40_000))
    else {
        return error(400, "invalidParameters", "Invalid userVisibleData");
    };
    if json
        .get("userVisibleDataFormat")
        .is_some_and(|f| f.as_str() != Some("simpleMarkdownV1"))
    {
        return error(400, "invalidParameters", "Invalid userVisibleDataFormat");
    }
    let non_visible = match json.get("userNonVisibleData") {
        None => None,
        Some(v) => match v.as_str().filter(|v| valid_base64(v, 200_000)) {
            Some(v) => Some(v.to_owned()),
            None => return error(400, "invalidParameters", "Invalid userNonVisibleData"),
        },
    };
    if json.pointer("/requirement/personalNumber").is_some() {
        return error(
            400,
            "invalidParameters",
            "personalNumber is a top-level field of a phone order",
        );
    }
    match create_order(
        shared,
        Some(pnr.to_owned()),
        visible,
        non_visible,
        Some(initiator.to_owned()),
    ) {
        Ok(order_ref) => respond(200, &json!({"orderRef": order_ref})),
        Err(response) => *response,
    }
}

/// Records a new order (refusing a second running order for the same person as BankID does)
/// and, in auto mode, has it approved later.
fn create_order(
    shared: &Arc<Shared>,
    personal_number: Option<String>,
    visible: &str,
    non_visible: Option<String>,
    call_initiator: Option<String>,
) -> Result<String, Box<Response<Full<Bytes>>>> {
    let Ok(mut orders) = shared.orders.lock() else {
        return Err(Box::new(error(500, "internalError", "Internal error")));
    };
    expire_orders(&shared.config, &mut orders);
    if let Some(pnr) = &personal_number {
        let mut clash = false;
        for order in orders.values_mut() {
            if order.personal_number.as_ref() == Some(pnr) && order.state.is_open() {
                // BankID cancels the running order and refuses the new one.
                order.state = OrderState::Failed {
                    hint: "cancelled".into(),
                    at: Instant::now(),
                };
                clash = true;
            }
        }
        if clash {
            return Err(Box::new(error(
                400,
                "alreadyInProgress",
                "Order already in progress for pno",
            )));
        }
    }
    let order_ref = token();
    orders.insert(
        order_ref.clone(),
        Order {
            personal_number: personal_number.clone(),
            user_visible_data: visible.to_owned(),
            user_non_visible_data: non_visible,
            call_initiator,
            created: Instant::now(),
            state: OrderState::Outstanding,
        },
    );
    drop(orders);
    if let Some(after) = shared.config.auto_approve_after {
        let (default_pnr, default_name) = shared.config.auto_approve_default_person.clone();
        let user = AppUser {
            shared: shared.clone(),
            order_ref: order_ref.clone(),
        };
        let pnr = personal_number.unwrap_or(default_pnr);
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = user.approve_as(&pnr, &default_name);
        });
    }
    Ok(order_ref)
}

fn expire_orders(config: &FakeBankIdConfig, orders: &mut HashMap<String, Order>) {
    let now = Instant::now();
    orders.retain(|_, o| match &o.state {
        OrderState::Complete { at, .. } => now.duration_since(*at) < config.completed_retention,
        OrderState::Failed { at, .. } => now.duration_since(*at) < config.failed_retention,
        _ => true,
    });
    for o in orders.values_mut() {
        if o.state == OrderState::Outstanding
            && now.duration_since(o.created) >= config.start_timeout
        {
            // A phone order has no QR code to fail to scan: nobody picked it up in time.
            let hint = if o.call_initiator.is_some() {
                "expiredTransaction"
            } else {
                "startFailed"
            };
            o.state = OrderState::Failed {
                hint: hint.into(),
                at: now,
            };
        }
    }
}

fn collect(shared: &Arc<Shared>, json: &Value) -> Response<Full<Bytes>> {
    let Some(order_ref) = str_field(json, "orderRef") else {
        return error(400, "invalidParameters", "Invalid orderRef");
    };
    let Ok(mut orders) = shared.orders.lock() else {
        return error(500, "internalError", "Internal error");
    };
    expire_orders(&shared.config, &mut orders);
    let Some(order) = orders.get_mut(order_ref) else {
        return error(400, "invalidParameters", "No such order");
    };
    if let OrderState::UserCallConfirm {
        approved: approved @ Some(_),
        seen: true,
    } = &mut order.state
    {
        // The user confirmed the call; the app goes on to the signing.
        order.state = OrderState::UserSign {
            approved: approved.take(),
            seen: false,
        };
    }
    if let OrderState::UserSign {
        approved: Some((pnr, name)),
        seen: true,
    } = &order.state
    {
        let now = Utc::now();
        let (from, to) = (
            now - chrono::Duration::days(365),
            now + chrono::Duration::days(365),
        );
        let input = SignInput {
            user_visible_data: &order.user_visible_data,
            user_non_visible_data: order.user_non_visible_data.as_deref(),
            personal_number: pnr,
            name,
            signed_at: now,
            certificate_validity: (from, to),
        };
        let Ok(signature) = sign_document(&shared.ca, &input) else {
            return error(500, "internalError", "Internal error");
        };
        let data = signature.completion_data(pnr, name, from.date_naive());
        order.state = OrderState::Complete {
            data,
            at: Instant::now(),
        };
    }
    let body = match &mut order.state {
        OrderState::Outstanding => {
            json!({"orderRef": order_ref, "status": "pending", "hintCode": "outstandingTransaction"})
        }
        OrderState::UserCallConfirm { seen, .. } => {
            *seen = true;
            json!({"orderRef": order_ref, "status": "pending", "hintCode": "userCallConfirm"})
        }
        OrderState::UserSign { seen, .. } => {
            *seen = true;
            json!({"orderRef": order_ref, "status": "pending", "hintCode": "userSign"})
        }
        OrderState::Failed { hint, .. } => {
            json!({"orderRef": order_ref, "status": "failed", "hintCode": hint})
        }
        OrderState::Complete { data, .. } => {
            json!({"orderRef": order_ref, "status": "complete", "completionData": data})
        }
    };
    respond(200, &body)
}

fn cancel(shared: &Arc<Shared>, json: &Value) -> Response<Full<Bytes>> {
    let Some(order_ref) = str_field(json, "orderRef") else {
        return error(400, "invalidParameters", "Invalid orderRef");
    };
    let Ok(mut orders) = shared.orders.lock() else {
        return error(500, "internalError", "Internal error");
    };
    match orders.get_mut(order_ref) {
        Some(order) if order.state.is_open() => {
            order.state = OrderState::Failed {
                hint: "cancelled".into(),
                at: Instant::now(),
            };
            respond(200, &json!({}))
        }
        _ => error(400, "invalidParameters", "No such order"),
    }
}

fn app_endpoint(shared: &Arc<Shared>, rest: &str, json: &Value) -> Response<Full<Bytes>> {
    let Some((order_ref, action)) = rest.split_once('/') else {
        return error(404, "notFound", "No such resource");
    };
    let user = AppUser {
        shared: shared.clone(),
        order_ref: order_ref.to_owned(),
    };
    let result = match action {
        "approve" => {
            let (Some(pnr), Some(name)) =
                (str_field(json, "personalNumber"), str_field(json, "name"))
            else {
                return error(
                    400,
                    "invalidParameters",
                    "personalNumber and name are required",
                );
            };
            user.approve_as(pnr, name)
        }
        "cancel" => user.cancel(),
        "expire" => user.expire(),
        "certificate-err" => user.fail_certificate_err(),
        "confirm-call" => user.confirm_call(),
        "decline-call" => user.decline_call(),
        "not-supported" => user.not_supported(),
        _ => return error(404, "notFound", "No such resource"),
    };
    match result {
        Ok(()) => respond(200, &json!({})),
        Err(FakeBankIdError::WrongPerson) => error(
            400,
            "invalidParameters",
            "The phone order is for another person",
        ),
        Err(FakeBankIdError::NotAPhoneOrder) => {
            error(400, "invalidParameters", "Not a phone order")
        }
        Err(_) => error(400, "invalidParameters", "No such order"),
    }
}
