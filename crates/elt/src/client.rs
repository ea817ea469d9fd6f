//! The HTTPS transport (mutual TLS with the provider's certificate) and the client that sends one
//! request and reads the answer. The client holds no global state and is cheap to clone, so one
//! process can hold one client per installation (a relay service) or one for the desktop app.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use assistid_core::secret::Sensitive;
use chrono::{DateTime, Utc};
use reqwest::header::{CONTENT_TYPE as CONTENT_TYPE_HEADER, HeaderValue, RETRY_AFTER};

use crate::connection::{OpenConnection, Target};
use crate::envelope::{CONTENT_TYPE, SOAP_ACTION, SubmitRequest, build_request};
use crate::environment::{EnvironmentConfig, TrustAnchor};
use crate::error::{EltError, TimeoutPhase};
use crate::identity::{CertHealth, CertificateInfo, ClientIdentity};
use crate::response::{RawAnswer, ResponseRecord, TxId, parse_answer};

/// A boxed future, so the transport trait stays usable as `dyn EltTransport`.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<RawAnswer, EltError>> + Send + 'a>>;

/// Sends one SOAP envelope and returns the HTTP answer. Implemented by [`HttpsTransport`]; the
/// outbox can put another implementation behind [`EltClient::from_transport`] in its tests.
///
/// Errors must already be classified ([`EltError::disposition`]): only failures where FK
/// certainly did not receive the request may be [`crate::error::Disposition::Transient`].
pub trait EltTransport: Send + Sync + fmt::Debug {
    /// Sends `envelope` (the bytes from [`build_request`]).
    fn send(&self, envelope: Vec<u8>) -> TransportFuture<'_>;
}

/// Connect and read timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening TCP and TLS.
    pub connect: Duration,
    /// Waiting for each read of the answer (resets when bytes arrive).
    pub read: Duration,
}

impl Default for Timeouts {
    /// 10 s to connect, 60 s to wait for the answer.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(60),
        }
    }
}

/// HTTPS with a client certificate, pinned or system trust, and classified errors.
#[derive(Debug, Clone)]
pub struct HttpsTransport {
    route: Route,
}

/// How requests reach the server.
#[derive(Debug, Clone)]
enum Route {
    /// Our own TCP + TLS connection per request ([`crate::connection`]), which can be opened
    /// before the request is due.
    Direct(Arc<Target>),
    /// Through the system's HTTPS proxy (reqwest's tunnel); no early connections.
    Proxied {
        http: reqwest::Client,
        endpoint: reqwest::Url,
    },
}

impl EltTransport for HttpsTransport {
    fn send(&self, envelope: Vec<u8>) -> TransportFuture<'_> {
        match &self.route {
            Route::Direct(target) => {
                let target = target.clone();
                Box::pin(async move {
                    crate::connection::open(target)
                        .await?
                        .send(envelope, || {})
                        .await
                })
            }
            Route::Proxied { http, endpoint } => send_proxied(http, endpoint, envelope),
        }
    }
}

fn send_proxied<'a>(
    http: &'a reqwest::Client,
    endpoint: &'a reqwest::Url,
    envelope: Vec<u8>,
) -> TransportFuture<'a> {
    {
        Box::pin(async move {
            let response = http
                .post(endpoint.clone())
                .header(CONTENT_TYPE_HEADER, HeaderValue::from_static(CONTENT_TYPE))
                .header("SOAPAction", format!("\"{SOAP_ACTION}\""))
                .body(envelope)
                .send()
                .await
                .map_err(classify)?;
            let status = response.status().as_u16();
            let retry_after_secs = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(retry_after_secs);
            let body = read_limited(response, status, retry_after_secs).await?;
            Ok(RawAnswer {
                status,
                body,
                retry_after_secs,
            })
        })
    }
}

/// The longest wait a `Retry-After` header can ask for: one hour. FK's own value is a second or
/// a few; a larger one is a broken or hostile server, and an unbounded one overflowed the date
/// arithmetic of the caller (the outbox computes `now + wait`).
pub const MAX_RETRY_AFTER_SECS: u64 = 60 * 60;

/// Reads a `Retry-After` value in seconds, clamped to [`MAX_RETRY_AFTER_SECS`]. A number too
/// large even for `u64` is clamped too; anything else (an HTTP date, text) is ignored.
///
/// ```
/// use assistid_elt::client::{MAX_RETRY_AFTER_SECS, retry_after_secs};
/// assert_eq!(retry_after_secs(" 2 "), Some(2));
/// assert_eq!(retry_after_secs("99999999999999999999999"), Some(MAX_RETRY_AFTER_SECS));
/// assert_eq!(retry_after_secs("Wed, 21 Oct 2015 07:28:00 GMT"), None);
/// ```
pub fn retry_after_secs(value: &str) -> Option<u64> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .parse::<u64>()
            .unwrap_or(u64::MAX)
            .min(MAX_RETRY_AFTER_SECS),
    )
}

/// FK's answers are a few hundred bytes; a fault page a few kilobytes. Anything beyond this is
/// not FK, and reading it all would let a broken server exhaust memory.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Reads the body up to [`MAX_ANSWER_BYTES`].
async fn read_limited(
    mut response: reqwest::Response,
    status: u16,
    retry_after_secs: Option<u64>,
) -> Result<Vec<u8>, EltError> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err(EltError::UnexpectedAnswer {
                        http_status: status,
                        problem: crate::error::AnswerProblem::TooLarge,
                        body_len: body.len() + chunk.len(),
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                // The status line arrived, so the request did: anything failing now is
                // uncertain, unless FK said 503 or 429 (it did not take the request).
                if crate::error::is_busy_status(status) {
                    return Err(EltError::ServiceUnavailable { retry_after_secs });
                }
                return Err(match classify(e) {
                    EltError::Timeout { .. } => EltError::Timeout {
                        phase: TimeoutPhase::Answer,
                    },
                    other if other.is_certainly_not_received() => EltError::ConnectionLost {
                        reason: "svaret avbröts".to_owned(),
                    },
                    other => other,
                });
            }
        }
    }
}

/// One attempt's result: the raw answer when one came (to store), and its meaning.
#[derive(Debug)]
pub struct SubmitAttempt {
    /// The answer as received, when an HTTP answer arrived at all.
    pub answer: Option<RawAnswer>,
    /// The receipt or the classified error.
    pub outcome: Result<TxId, EltError>,
}

impl SubmitAttempt {
    /// The record to store, with the arrival time passed in; `None` when no answer came.
    pub fn record(&self, received_at: DateTime<Utc>) -> Option<ResponseRecord> {
        self.answer
            .as_ref()
            .map(|answer| ResponseRecord::new(answer, received_at, &self.outcome))
    }
}

/// FK's ELT client: builds the envelope, sends it, reads the answer.
///
/// Pacing (at most one call per second across the whole program or relay) is the caller's job:
/// one `submit` is exactly one request, never retried here.
#[derive(Debug, Clone)]
pub struct EltClient {
    transport: Arc<dyn EltTransport>,
    /// Set for direct HTTPS clients: where [`EltClient::connect`] opens connections.
    direct: Option<Arc<Target>>,
    identity: Option<CertificateInfo>,
}

impl EltClient {
    /// Starts building an HTTPS client.
    pub fn builder() -> EltClientBuilder {
        EltClientBuilder::default()
    }

    /// A client over any transport (for the outbox's tests).
    pub fn from_transport(transport: Arc<dyn EltTransport>) -> Self {
        Self {
            transport,
            direct: None,
            identity: None,
        }
    }

    /// Opens the connection for one request ahead of time — TCP and the TLS handshake with
    /// the client certificate — so that when the caller's pacer grants the start only the
    /// request itself is written. Errors here mean nothing was sent
    /// ([`EltError::is_certainly_not_received`]). Use the connection within
    /// [`crate::connection::MAX_IDLE`]; an older one is replaced when sending.
    ///
    /// Clients over another transport (tests) or a proxy get a connection that only opens
    /// when sending.
    pub async fn connect(&self) -> Result<PreparedConnection, EltError> {
        Ok(PreparedConnection(match &self.direct {
            Some(target) => {
                Prepared::Open(Box::new(crate::connection::open(target.clone()).await?))
            }
            None => Prepared::Deferred(self.transport.clone()),
        }))
    }

    /// Facts about the client certificate (HTTPS clients only).
    pub fn certificate(&self) -> Option<&CertificateInfo> {
        self.identity.as_ref()
    }

    /// The client certificate's health at `now` (HTTPS clients only).
    pub fn certificate_health(&self, now: DateTime<Utc>) -> Option<CertHealth> {
        self.identity.as_ref().map(|info| info.health(now))
    }

    /// Sends one report. Never retries; see [`EltError::disposition`] for what to do next.
    pub async fn submit(&self, request: &SubmitRequest) -> SubmitAttempt {
        self.submit_envelope(build_request(request)).await
    }

    /// Sends an envelope already built with [`build_request`] (the outbox may store the exact
    /// bytes it sends).
    pub async fn submit_envelope(&self, envelope: Vec<u8>) -> SubmitAttempt {
        attempt_from(self.transport.send(envelope).await)
    }
}

/// A connection for one request from [`EltClient::connect`].
#[derive(Debug)]
pub struct PreparedConnection(Prepared);

#[derive(Debug)]
enum Prepared {
    Open(Box<OpenConnection>),
    Deferred(Arc<dyn EltTransport>),
}

impl PreparedConnection {
    /// Sends an envelope built with [`build_request`] and reads the answer, like
    /// [`EltClient::submit_envelope`]. `on_sent` is called once when the request has been
    /// handed to the operating system (for a deferred connection: just before connecting),
    /// so a pacer can count FK's interval from the real send; it is not called when the
    /// request was never sent.
    pub async fn submit_envelope(
        self,
        envelope: Vec<u8>,
        on_sent: impl FnOnce() + Send + 'static,
    ) -> SubmitAttempt {
        let sent = match self.0 {
            Prepared::Open(connection) => connection.send(envelope, on_sent).await,
            Prepared::Deferred(transport) => {
                on_sent();
                transport.send(envelope).await
            }
        };
        attempt_from(sent)
    }
}

fn attempt_from(sent: Result<RawAnswer, EltError>) -> SubmitAttempt {
    match sent {
        Ok(answer) => {
            let outcome = parse_answer(&answer);
            SubmitAttempt {
                answer: Some(answer),
                outcome,
            }
        }
        Err(error) => SubmitAttempt {
            answer: None,
            outcome: Err(error),
        },
    }
}

/// Builder for an HTTPS [`EltClient`].
///
/// ```no_run
/// # async fn demo(p12: Vec<u8>, ca_pem: String) -> Result<(), assistid_elt::error::EltError> {
/// use assistid_core::secret::Sensitive;
/// use assistid_elt::client::{EltClient, Timeouts};
/// use assistid_elt::environment::TrustAnchor;
/// let client = EltClient::builder()
///     .endpoint("https://127.0.0.1:8443/elt")
///     .identity(p12, Sensitive::new("lösenord".to_owned()))
///     .trust(TrustAnchor::PinnedCa(ca_pem))
///     .timeouts(Timeouts::default())
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Default)]
pub struct EltClientBuilder {
    endpoint: Option<String>,
    identity: Option<(Vec<u8>, Sensitive<String>)>,
    trust: Option<TrustAnchor>,
    timeouts: Timeouts,
    refuse_expired_at: Option<DateTime<Utc>>,
    system_proxy: bool,
    client_key: Option<String>,
}

impl fmt::Debug for EltClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EltClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("has_identity", &self.identity.is_some())
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl EltClientBuilder {
    /// The service address (must be `https://`).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The provider's PKCS#12 file and its password.
    pub fn identity(mut self, pkcs12: Vec<u8>, password: Sensitive<String>) -> Self {
        self.identity = Some((pkcs12, password));
        self
    }

    /// Which server certificates to believe.
    pub fn trust(mut self, trust: TrustAnchor) -> Self {
        self.trust = Some(trust);
        self
    }

    /// Endpoint and trust from an environment's settings.
    pub fn environment(self, config: &EnvironmentConfig) -> Self {
        self.endpoint(config.endpoint.clone())
            .trust(config.trust.clone())
    }

    /// Connect and read timeouts (default 10 s / 60 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Makes [`EltClientBuilder::build`] fail with [`EltError::ClientCertificateExpired`] when
    /// the certificate has expired at `now`.
    pub fn refuse_expired_at(mut self, now: DateTime<Utc>) -> Self {
        self.refuse_expired_at = Some(now);
        self
    }

    /// Which key of the PKCS#12 file to present when several may authenticate a client (its
    /// name or its certificate's serial number; see
    /// [`crate::identity::ClientIdentity::from_pkcs12_choosing`]).
    pub fn client_key(mut self, choice: Option<String>) -> Self {
        self.client_key = choice;
        self
    }

    /// Use the proxy from `HTTPS_PROXY`/`ALL_PROXY` (off by default: FK is reached directly).
    pub fn use_system_proxy(mut self, enabled: bool) -> Self {
        self.system_proxy = enabled;
        self
    }

    /// Builds the client. Reads no clock unless [`EltClientBuilder::refuse_expired_at`] was
    /// given a time.
    pub fn build(self) -> Result<EltClient, EltError> {
        let endpoint_text = self.endpoint.ok_or_else(|| EltError::InvalidEndpoint {
            reason: "ingen adress är angiven".to_owned(),
        })?;
        let endpoint =
            reqwest::Url::parse(&endpoint_text).map_err(|_| EltError::InvalidEndpoint {
                reason: "adressen är ingen giltig URL".to_owned(),
            })?;
        if endpoint.scheme() != "https" {
            return Err(EltError::InvalidEndpoint {
                reason: "adressen måste börja med https://".to_owned(),
            });
        }
        let (pkcs12, password) = self
            .identity
            .ok_or_else(|| EltError::InvalidCertificateFile {
                reason: "ingen certifikatfil är vald".to_owned(),
            })?;
        let identity =
            ClientIdentity::from_pkcs12_choosing(&pkcs12, &password, self.client_key.as_deref())?;
        if let Some(now) = self.refuse_expired_at {
            identity.ensure_not_expired(now)?;
        }
        let trust = self.trust.ok_or_else(|| EltError::InvalidTrustAnchor {
            reason: "ingen certifikatutfärdare är vald".to_owned(),
        })?;

        let route = if self.system_proxy {
            proxied_route(&identity, &trust, self.timeouts, endpoint)?
        } else {
            Route::Direct(Arc::new(direct_target(
                &identity,
                &trust,
                self.timeouts,
                &endpoint,
            )?))
        };
        let direct = match &route {
            Route::Direct(target) => Some(target.clone()),
            Route::Proxied { .. } => None,
        };
        Ok(EltClient {
            transport: Arc::new(HttpsTransport { route }),
            direct,
            identity: Some(identity.info().clone()),
        })
    }
}

/// Our own connections: rustls with the client certificate and only the configured roots.
fn direct_target(
    identity: &ClientIdentity,
    trust: &TrustAnchor,
    timeouts: Timeouts,
    endpoint: &reqwest::Url,
) -> Result<Target, EltError> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
    let invalid_endpoint = |reason: &str| EltError::InvalidEndpoint {
        reason: reason.to_owned(),
    };
    let host = match endpoint.host() {
        Some(url::Host::Domain(name)) => name.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(invalid_endpoint("adressen saknar servernamn")),
    };
    let server_name = ServerName::try_from(host.clone())
        .map_err(|_| invalid_endpoint("servernamnet är ogiltigt"))?;
    let port = endpoint.port_or_known_default().unwrap_or(443);
    let authority = match (endpoint.host_str(), endpoint.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => return Err(invalid_endpoint("adressen saknar servernamn")),
    };
    let path = match endpoint.query() {
        Some(q) => format!("{}?{q}", endpoint.path()),
        None => endpoint.path().to_owned(),
    };
    let mut roots = rustls::RootCertStore::empty();
    match trust {
        TrustAnchor::PinnedCa(pem) => {
            let certs: Vec<CertificateDer<'static>> =
                CertificateDer::pem_slice_iter(pem.as_bytes())
                    .collect::<Result<_, _>>()
                    .map_err(|_| EltError::InvalidTrustAnchor {
                        reason: "filen är inget PEM-certifikat".to_owned(),
                    })?;
            if certs.is_empty() {
                return Err(EltError::InvalidTrustAnchor {
                    reason: "filen innehåller inget certifikat".to_owned(),
                });
            }
            for cert in certs {
                roots.add(cert).map_err(|_| EltError::InvalidTrustAnchor {
                    reason: "certifikatet kan inte användas som certifikatutfärdare".to_owned(),
                })?;
            }
        }
        TrustAnchor::SystemRoots => {
            let loaded = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(loaded.certs);
            if roots.is_empty() {
                return Err(EltError::InvalidTrustAnchor {
                    reason: "datorns rotcertifikat kunde inte läsas".to_owned(),
                });
            }
        }
    }
    let chain: Vec<CertificateDer<'static>> = identity
        .chain_der()
        .iter()
        .map(|der| CertificateDer::from(der.clone()))
        .collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key_der().to_vec()));
    let unsupported = || EltError::InvalidCertificateFile {
        reason: "nyckeln eller certifikatet stöds inte".to_owned(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|_| unsupported())?
    .with_root_certificates(roots)
    .with_client_auth_cert(chain, key)
    .map_err(|_| unsupported())?;
    Ok(Target {
        host,
        port,
        server_name,
        authority,
        path,
        tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
        timeouts,
    })
}

/// Through the system proxy, with reqwest.
fn proxied_route(
    identity: &ClientIdentity,
    trust: &TrustAnchor,
    timeouts: Timeouts,
    endpoint: reqwest::Url,
) -> Result<Route, EltError> {
    {
        let tls_identity = reqwest::Identity::from_pem(identity.pem()).map_err(|_| {
            EltError::InvalidCertificateFile {
                reason: "nyckeln eller certifikatet stöds inte".to_owned(),
            }
        })?;
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .https_only(true)
            .http1_only()
            // A fresh connection per call: with a pooled connection the server may close it
            // while we send, and that failure could not be told apart from a lost answer.
            .pool_max_idle_per_host(0)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            .identity(tls_identity);
        for root in trust_roots(trust)? {
            builder = builder.add_root_certificate(root);
        }
        let http = builder.build().map_err(|e| EltError::Transport {
            reason: format!("TLS-inställningarna kunde inte skapas: {e}"),
        })?;
        Ok(Route::Proxied { http, endpoint })
    }
}

fn trust_roots(trust: &TrustAnchor) -> Result<Vec<reqwest::Certificate>, EltError> {
    match trust {
        TrustAnchor::PinnedCa(pem) => {
            let roots = reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|_| {
                EltError::InvalidTrustAnchor {
                    reason: "filen är inget PEM-certifikat".to_owned(),
                }
            })?;
            if roots.is_empty() {
                return Err(EltError::InvalidTrustAnchor {
                    reason: "filen innehåller inget certifikat".to_owned(),
                });
            }
            Ok(roots)
        }
        TrustAnchor::SystemRoots => {
            let loaded = rustls_native_certs::load_native_certs();
            let roots: Vec<reqwest::Certificate> = loaded
                .certs
                .iter()
                .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok())
                .collect();
            if roots.is_empty() {
                return Err(EltError::InvalidTrustAnchor {
                    reason: "datorns rotcertifikat kunde inte läsas".to_owned(),
                });
            }
            Ok(roots)
        }
    }
}

/// Sorts a reqwest error by what it means for the report.
///
/// The rules: failures while connecting (DNS, refused, TLS handshake) mean FK never saw the
/// request. A TLS alert about our certificate also means that: with TLS 1.3 the server's refusal
/// arrives after the client thinks the handshake is done, but the server never read a byte of
/// the request. Timeouts after connecting and broken connections are uncertain.
fn classify(error: reqwest::Error) -> EltError {
    let facts = Facts::gather(&error as &(dyn StdError + 'static));
    if let Some(mapped) = facts
        .rustls
        .as_ref()
        .and_then(|tls| map_rustls(tls, error.is_connect()))
    {
        return mapped;
    }
    if error.is_timeout() {
        return EltError::Timeout {
            phase: if error.is_connect() {
                TimeoutPhase::Connect
            } else {
                TimeoutPhase::Answer
            },
        };
    }
    if error.is_connect() {
        let reason = match facts.io_kind {
            Some(io::ErrorKind::ConnectionRefused) => "anslutningen nekades",
            Some(io::ErrorKind::TimedOut) => "anslutningen tog för lång tid",
            Some(io::ErrorKind::NetworkUnreachable) | Some(io::ErrorKind::HostUnreachable) => {
                "nätverket når inte servern"
            }
            _ if facts.dns => "adressen kunde inte slås upp",
            _ => "ingen anslutning kunde öppnas",
        };
        return EltError::Unreachable {
            reason: reason.to_owned(),
        };
    }
    if facts.incomplete || facts.io_kind.is_some() {
        return EltError::ConnectionLost {
            reason: match facts.io_kind {
                Some(io::ErrorKind::ConnectionReset) => "anslutningen återställdes",
                Some(io::ErrorKind::UnexpectedEof) => "anslutningen stängdes",
                _ => "anslutningen stängdes innan svaret var komplett",
            }
            .to_owned(),
        };
    }
    EltError::Transport {
        reason: "okänt fel i förbindelsen".to_owned(),
    }
}

/// What an error chain says about the failure.
#[derive(Default)]
pub(crate) struct Facts {
    pub(crate) rustls: Option<rustls::Error>,
    pub(crate) io_kind: Option<io::ErrorKind>,
    incomplete: bool,
    dns: bool,
}

impl Facts {
    pub(crate) fn gather(error: &(dyn StdError + 'static)) -> Self {
        let mut facts = Facts::default();
        let mut current: Option<&(dyn StdError + 'static)> = Some(error);
        while let Some(e) = current {
            facts.inspect(e);
            current = e.source();
        }
        facts
    }

    fn inspect(&mut self, e: &(dyn StdError + 'static)) {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            self.rustls.get_or_insert_with(|| tls.clone());
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_closed() || h.is_canceled())
        {
            self.incomplete = true;
        }
        if let Some(io_error) = e.downcast_ref::<io::Error>() {
            self.io_kind.get_or_insert(io_error.kind());
            // `io::Error::source` skips the wrapped error itself; look at it directly.
            if let Some(inner) = io_error.get_ref() {
                self.inspect(inner);
                let mut deeper = inner.source();
                while let Some(d) = deeper {
                    self.inspect(d);
                    deeper = d.source();
                }
            }
        }
        let text = e.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            self.dns = true;
        }
    }
}

/// Maps TLS errors. Certificate verdicts and certificate alerts only happen in the handshake;
/// other protocol errors count as "not received" only while connecting.
pub(crate) fn map_rustls(error: &rustls::Error, connecting: bool) -> Option<EltError> {
    use rustls::{AlertDescription, CertificateError};
    match error {
        rustls::Error::InvalidCertificate(cert) => {
            let reason = match cert {
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "serverns certifikat har gått ut".to_owned()
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    "serverns certifikat gäller inte ännu (kontrollera datorns klocka)".to_owned()
                }
                CertificateError::UnknownIssuer => {
                    "serverns certifikat är inte utfärdat av den betrodda certifikatutfärdaren"
                        .to_owned()
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => {
                    "serverns certifikat gäller inte för adressen".to_owned()
                }
                CertificateError::Revoked => "serverns certifikat är spärrat".to_owned(),
                _ => "serverns certifikat godtogs inte".to_owned(),
            };
            Some(EltError::ServerNotTrusted { reason })
        }
        rustls::Error::AlertReceived(alert) => {
            let reason = match alert {
                AlertDescription::CertificateExpired => Some("certifikatet har gått ut"),
                AlertDescription::UnknownCA => {
                    Some("certifikatet är utfärdat av en okänd certifikatutfärdare")
                }
                AlertDescription::BadCertificate
                | AlertDescription::UnsupportedCertificate
                | AlertDescription::CertificateUnknown => Some("certifikatet godtogs inte"),
                AlertDescription::CertificateRevoked => Some("certifikatet är spärrat"),
                AlertDescription::CertificateRequired => Some("inget certifikat skickades"),
                AlertDescription::AccessDenied => Some("åtkomst nekad för certifikatet"),
                AlertDescription::HandshakeFailure
                | AlertDescription::ProtocolVersion
                | AlertDescription::InsufficientSecurity => {
                    return Some(EltError::TlsNegotiation {
                        reason: match alert {
                            AlertDescription::HandshakeFailure => {
                                "servern avbröt handskakningen utan att säga varför: ingen \
                                 gemensam TLS-version eller chiffersvit, eller ett certifikat \
                                 den inte godtar"
                            }
                            _ => "servern godtog inte datorns TLS-versioner eller chiffersviter",
                        }
                        .to_owned(),
                    });
                }
                _ => None,
            };
            reason.map(|r| EltError::ClientCertificateRejected {
                reason: r.to_owned(),
            })
        }
        rustls::Error::PeerIncompatible(_) if connecting => Some(EltError::TlsNegotiation {
            reason: "servern erbjöd bara TLS-versioner eller chiffersviter som Assistid inte \
                     godtar"
                .to_owned(),
        }),
        rustls::Error::InvalidMessage(_)
        | rustls::Error::PeerIncompatible(_)
        | rustls::Error::PeerMisbehaved(_)
        | rustls::Error::NoCertificatesPresented
        | rustls::Error::UnsupportedNameType
            if connecting =>
        {
            Some(EltError::ServerNotTrusted {
                reason: "TLS-förbindelsen kunde inte upprättas säkert".to_owned(),
            })
        }
        _ => None,
    }
}
