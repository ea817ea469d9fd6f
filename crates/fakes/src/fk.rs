//! A fake of Försäkringskassan's ELT service (`SkickaTidredovisning`): a real HTTPS server on
//! `127.0.0.1:0` that requires a client certificate from its own test CA, checks the
//! `SOAPAction`, reads the envelope, checks the report (with `assistid_core`'s document reader)
//! and that both signatures bind this exact report, and answers with a `tx-id` or FK's faults.
//!
//! It records every request's arrival (monotonic and wall clock), counts rate violations (two
//! request starts closer than [`FakeFkConfig::min_interval`]) and can answer them like an
//! overloaded FK. Tests script misbehaviour per request with [`FakeFkHandle::script`].
//!
//! **How arrivals are timed.** FK sees a request start when its first bytes reach FK's
//! servers, so that is what the fake records: on Linux, the kernel's receive timestamp
//! (`SO_TIMESTAMPNS`) of the first read that delivered bytes of the request after the TLS
//! handshake (a client that opens its connection early and writes only at its turn is timed
//! by that write, not by the handshake), converted to the monotonic clock. Timing the request
//! when the handler runs instead would add the fake's own latency — a tokio worker waking up,
//! TLS decryption, hyper parsing the head — which varies by milliseconds on a busy machine
//! and made correctly paced requests look too close together. On other systems (the demo
//! inside the desktop app on Windows and macOS) the handler's clock reading is used. The
//! records keep the order in which the fake handled the requests; a violation is a start
//! closer than the interval to the latest start recorded before it, whichever came first.
//!
//! Start it inside your tokio runtime with [`FakeFk::start`], or on its own thread and runtime
//! with [`FakeFk::start_background`] (for synchronous callers such as the CLI demo).
//!
//! ```
//! use assistid_fakes::fk::{FakeFk, FakeFkConfig};
//! let fake = FakeFk::start_background(FakeFkConfig::default())?;
//! assert!(fake.endpoint().starts_with("https://127.0.0.1:"));
//! assert!(fake.ca_pem().contains("BEGIN CERTIFICATE"));
//! let p12 = fake.client_identity_p12("demo")?;
//! assert!(!p12.is_empty());
//! fake.shutdown();
//! # Ok::<(), assistid_fakes::fk::FakeFkError>(())
//! ```

mod arrival;
mod check;
pub mod journal;
pub mod on_demand;
pub mod samples;

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use uuid::Uuid;

use crate::pki::{CertSubject, PkiError, TestCa, window_around};
use arrival::{Arrival, ArrivalClock, ArrivalStream};
use check::Verdict;
use journal::{JournalEntry, JournalFile};

/// FK's `soapAction` for the operation.
pub const SOAP_ACTION: &str =
    "urn:shs:emottagning:SkickaTidredovisningResponder:1:SkickaTidredovisning";
/// The path the fake serves (what [`FakeFkHandle::endpoint`] returns); any other path is
/// answered 404, as FK's web server would.
pub const PATH: &str = "/shs2/FK.ASE.Tidredovisning.fake";

/// Why the fake could not start or issue a certificate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FakeFkError {
    /// Generating the test certificates failed.
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// The TLS configuration was refused by rustls.
    #[error("TLS configuration: {0}")]
    Tls(String),
    /// Binding or running the listener failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The background thread could not be started or died.
    #[error("background runtime: {0}")]
    Background(String),
}

/// Which server certificate the fake presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ServerCertMode {
    /// Valid now, issued by the CA in [`FakeFkHandle::ca_pem`].
    #[default]
    Valid,
    /// Issued by that CA but expired a year ago.
    Expired,
    /// Valid now but issued by another CA than [`FakeFkHandle::ca_pem`].
    UntrustedCa,
    /// Valid now, issued by that CA, but for another host name (`fk.example.invalid`) than
    /// the loopback address the client connects to.
    WrongName,
}

/// How the fake answers one request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Behaviour {
    /// Like FK: check everything, answer a tx-id or FK's fault.
    #[default]
    Normal,
    /// Wait, then behave normally.
    Delay(Duration),
    /// HTTP 503 with an HTML page; the request is not processed.
    ServiceUnavailable,
    /// HTTP 503 with this `Retry-After` header value (any text, e.g. an absurdly large
    /// number); the request is not processed.
    ServiceUnavailableRetryAfter(String),
    /// HTTP 500 with a generic `soapenv:Server` fault.
    InternalServerError,
    /// Read the whole request, then close the connection without answering.
    DropAfterBody,
    /// Read the whole request and never answer.
    Hang,
    /// HTTP 200 with a cut-off receipt.
    MalformedXml,
    /// HTTP 500 with a SOAP fault of a shape FK does not document.
    UnexpectedSoapFault,
    /// HTTP 502 with a proxy's HTML error page.
    HtmlErrorPage,
    /// HTTP 200 with a 2 MiB body (more than any FK answer).
    OversizedAnswer,
    /// FK's `XmlValidationError` with this message, whatever the request.
    XmlValidationError(String),
    /// FK's `SignatureValidationError` with this message, whatever the request.
    SignatureValidationError(String),
    /// An answer that is not FK's service's (404, 401, 403, 415, a redirect) or a 503 with
    /// FK's receipt: see [`on_demand::OnDemand`].
    OnDemand(on_demand::OnDemand),
}

impl Behaviour {
    fn name(&self) -> &'static str {
        match self {
            Behaviour::Normal => "normal",
            Behaviour::Delay(_) => "delay",
            Behaviour::ServiceUnavailable => "service_unavailable",
            Behaviour::ServiceUnavailableRetryAfter(_) => "service_unavailable_retry_after",
            Behaviour::InternalServerError => "internal_server_error",
            Behaviour::DropAfterBody => "drop_after_body",
            Behaviour::Hang => "hang",
            Behaviour::MalformedXml => "malformed_xml",
            Behaviour::UnexpectedSoapFault => "unexpected_soap_fault",
            Behaviour::HtmlErrorPage => "html_error_page",
            Behaviour::OversizedAnswer => "oversized_answer",
            Behaviour::XmlValidationError(_) => "xml_validation_error",
            Behaviour::SignatureValidationError(_) => "signature_validation_error",
            Behaviour::OnDemand(answer) => answer.name(),
        }
    }
}

/// Settings for [`FakeFk::start`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeFkConfig {
    /// Request starts closer together than this count as rate violations (FK: one per second).
    pub min_interval: Duration,
    /// Answer rate violations with HTTP 503 and `Retry-After: 1`, like an overloaded FK.
    pub answer_rate_violations: bool,
    /// Which server certificate to present.
    pub server_cert: ServerCertMode,
    /// How to answer when no script entry is queued.
    pub default_behaviour: Behaviour,
    /// A journal file to keep, like FK remembers what it received across restarts: every
    /// arrival and answer is appended and flushed to disk before the answer leaves, and what
    /// the file already holds is loaded at start (so a resend of an accepted report counts as
    /// a duplicate, and an arrival too soon after the previous run's last one as a rate
    /// violation). `None`: remember nothing beyond the process.
    pub journal: Option<PathBuf>,
    /// The BankID user-certificate roots (DER) this FK trusts, as FK's test service trusts
    /// BankID's test root and its production service the production root: each signature's
    /// chain must end at one of them and its OCSP answer must verify under them, else
    /// `SignatureValidationError`. `None`: the XML-DSig and the chain up to the last
    /// certificate in the signature are checked, but not which root it ends at (for tests that
    /// sign with a BankID CA of their own).
    pub bankid_roots: Option<Vec<Vec<u8>>>,
    /// FK's report schema (`tidredovisning_extern_v1.xsd`): when set, every report is validated
    /// against it with `xmllint` (libxml2) before it is read, and a report the schema refuses
    /// is answered `XmlValidationError` with xmllint's findings, as FK answers. `None` (the
    /// demo, where xmllint may be missing): the report is checked by `assistid_core`'s reader
    /// only, which checks every value it reads but is not a schema validator.
    pub report_schema: Option<PathBuf>,
}

impl Default for FakeFkConfig {
    fn default() -> Self {
        Self {
            min_interval: Duration::from_secs(1),
            answer_rate_violations: false,
            server_cert: ServerCertMode::Valid,
            default_behaviour: Behaviour::Normal,
            journal: None,
            bankid_roots: None,
            report_schema: None,
        }
    }
}

/// What the fake did with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordedOutcome {
    /// Still being handled, or never answered (hang, dropped connection).
    NoAnswer,
    /// Accepted with a tx-id.
    Accepted {
        /// The report's id.
        report_id: Uuid,
        /// The tx-id answered.
        tx_id: Uuid,
    },
    /// Answered FK's `XmlValidationError`.
    XmlValidationError(String),
    /// Answered FK's `SignatureValidationError`.
    SignatureValidationError(String),
    /// Answered a SOAP client fault (broken envelope or wrong SOAPAction).
    BadRequest(String),
    /// Answered 503 because of a rate violation.
    Overloaded,
    /// Answered 404: the request was for another path than FK's service.
    NotFound,
    /// Answered 415: the body was not sent as `text/xml` (SOAP 1.1).
    UnsupportedMediaType,
    /// Answered as scripted (the behaviour's name).
    Scripted(&'static str),
}

/// One request as the fake saw it. Bodies are not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// 0-based arrival order.
    pub seq: usize,
    /// Arrival on the monotonic clock (for measuring intervals): when the request's first
    /// bytes reached the fake's socket (Linux: the kernel's receive timestamp), see the
    /// module docs.
    pub arrived: Instant,
    /// The same arrival on the wall clock.
    pub arrived_wall: DateTime<Utc>,
    /// Whether this start came too soon after the previous one.
    pub rate_violation: bool,
    /// The `SOAPAction` header as sent.
    pub soap_action: Option<String>,
    /// The request body's length.
    pub body_len: usize,
    /// What the fake answered.
    pub outcome: RecordedOutcome,
    /// The id of the report the request carried, if it could be read.
    pub report_id: Option<Uuid>,
    /// True when the fake accepted a report it had accepted before (a duplicate send).
    pub duplicate: bool,
}

struct Shared {
    config: FakeFkConfig,
    log: Mutex<Vec<RecordedRequest>>,
    script: Mutex<VecDeque<Behaviour>>,
    last_start: Mutex<LastStart>,
    violations: AtomicUsize,
    handshake_failures: AtomicUsize,
    /// Requests in the journal before this start (journal seq = this + the log index).
    journal_base: usize,
    journal: Option<Mutex<JournalFile>>,
    journal_failures: AtomicUsize,
    /// Reports accepted so far (with the journal's history).
    accepted: Mutex<HashSet<Uuid>>,
    duplicates: AtomicUsize,
}

/// The previous arrival: on the monotonic clock within this start, on the wall clock from
/// the journal of an earlier start.
#[derive(Debug, Default)]
struct LastStart {
    instant: Option<Instant>,
    wall: Option<DateTime<Utc>>,
}

fn outcome_code(outcome: &RecordedOutcome) -> String {
    match outcome {
        RecordedOutcome::NoAnswer => "no_answer".to_owned(),
        RecordedOutcome::Accepted { .. } => "accepted".to_owned(),
        RecordedOutcome::XmlValidationError(_) => "xml_validation_error".to_owned(),
        RecordedOutcome::SignatureValidationError(_) => "signature_validation_error".to_owned(),
        RecordedOutcome::BadRequest(_) => "bad_request".to_owned(),
        RecordedOutcome::Overloaded => "overloaded".to_owned(),
        RecordedOutcome::NotFound => "not_found".to_owned(),
        RecordedOutcome::UnsupportedMediaType => "unsupported_media_type".to_owned(),
        RecordedOutcome::Scripted(name) => (*name).to_owned(),
    }
}

/// The time between two instants, whichever is earlier.
/// A TLS acceptor that presents `server_cert` (with its chain) and requires a client
/// certificate issued by `client_ca`: FK's mutual TLS, as the fake FK and the raw stand-in
/// (`crate::raw_https`) both answer it.
pub(crate) fn mutual_tls_acceptor(
    server_cert: &crate::pki::IssuedCert,
    client_ca: &TestCa,
) -> Result<TlsAcceptor, FakeFkError> {
    let tls = |e: rustls::Error| FakeFkError::Tls(e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(client_ca.cert_der().to_vec()))
        .map_err(tls)?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| FakeFkError::Tls(e.to_string()))?;
    let chain: Vec<CertificateDer<'static>> = server_cert
        .chain_der()
        .into_iter()
        .map(CertificateDer::from)
        .collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_cert.key_der().to_vec()));
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(tls)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn abs_gap(a: Instant, b: Instant) -> Duration {
    a.duration_since(b).max(b.duration_since(a))
}

/// Poisoning only means another handler panicked; the data is still usable for a fake.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// Records a request whose head was just parsed; `arrival`: when its first bytes reached
    /// the socket (`None`: not known, now).
    fn arrive(&self, soap_action: Option<String>, arrival: Option<Arrival>) -> (usize, bool) {
        // One lock over the clock reading, the check and the journal line, so arrivals are
        // journalled in the order they were handled.
        let mut last = lock(&self.last_start);
        let Arrival { instant: now, wall } = arrival.unwrap_or_else(Arrival::now);
        let violation = match (last.instant, last.wall) {
            // Socket arrivals can be handled out of order (a worker busy with another
            // connection): the gap is the distance either way.
            (Some(prev), _) => abs_gap(now, prev) < self.config.min_interval,
            // The first arrival after a restart: compare with the journal's last one.
            (None, Some(prev)) => (wall - prev)
                .to_std()
                .map_or(true, |gap| gap < self.config.min_interval),
            (None, None) => false,
        };
        // The latest start stays the reference for the next one.
        if last.instant.is_none_or(|prev| now >= prev) {
            last.instant = Some(now);
            last.wall = Some(wall);
        }
        if violation {
            self.violations.fetch_add(1, Ordering::SeqCst);
        }
        let mut log = lock(&self.log);
        let seq = log.len();
        self.journal(&JournalEntry::Received {
            seq: self.journal_base + seq,
            at: wall,
            rate_violation: violation,
            first_since_start: seq == 0,
        });
        log.push(RecordedRequest {
            seq,
            arrived: now,
            arrived_wall: wall,
            rate_violation: violation,
            soap_action,
            body_len: 0,
            outcome: RecordedOutcome::NoAnswer,
            report_id: None,
            duplicate: false,
        });
        (seq, violation)
    }

    /// Records what the request carried and, when given, what it was answered — in the
    /// journal too, durably, before the caller sends the answer.
    fn update(
        &self,
        seq: usize,
        body_len: usize,
        report_id: Option<Uuid>,
        outcome: Option<RecordedOutcome>,
    ) {
        let duplicate = match &outcome {
            Some(RecordedOutcome::Accepted { report_id, .. }) => {
                let first = lock(&self.accepted).insert(*report_id);
                if !first {
                    self.duplicates.fetch_add(1, Ordering::SeqCst);
                }
                !first
            }
            _ => false,
        };
        if let Some(outcome) = &outcome {
            let tx_id = match outcome {
                RecordedOutcome::Accepted { tx_id, .. } => Some(*tx_id),
                _ => None,
            };
            self.journal(&JournalEntry::Answered {
                seq: self.journal_base + seq,
                report_id,
                outcome: outcome_code(outcome),
                tx_id,
                duplicate,
            });
        }
        if let Some(entry) = lock(&self.log).get_mut(seq) {
            entry.body_len = body_len;
            entry.report_id = report_id;
            entry.duplicate = duplicate;
            if let Some(outcome) = outcome {
                entry.outcome = outcome;
            }
        }
    }

    fn journal(&self, entry: &JournalEntry) {
        let Some(journal) = &self.journal else {
            return;
        };
        let mut file = lock(journal);
        if let Err(e) = file.append(entry) {
            self.journal_failures.fetch_add(1, Ordering::SeqCst);
            tracing::warn!(path = %file.path().display(), error = %e, "fake FK journal write failed");
        }
    }

    fn next_behaviour(&self) -> Behaviour {
        lock(&self.script)
            .pop_front()
            .unwrap_or_else(|| self.config.default_behaviour.clone())
    }
}

/// Starts fake FK servers.
#[derive(Debug)]
pub struct FakeFk;

impl FakeFk {
    /// Starts the fake inside the current tokio runtime.
    pub async fn start(config: FakeFkConfig) -> Result<FakeFkHandle, FakeFkError> {
        let server_ca = Arc::new(TestCa::new("Fake FK server CA")?);
        let client_ca = Arc::new(TestCa::new("Fake Expisoft CA")?);
        let names = ["localhost", "127.0.0.1"];
        let now = Utc::now();
        let server_cert = match config.server_cert {
            ServerCertMode::Valid => server_ca.issue_server_cert_valid_now(&names)?,
            ServerCertMode::Expired => server_ca.issue_server_cert(
                &names,
                now - chrono::Duration::days(730),
                now - chrono::Duration::days(365),
            )?,
            ServerCertMode::UntrustedCa => {
                TestCa::new("Untrusted CA")?.issue_server_cert_valid_now(&names)?
            }
            ServerCertMode::WrongName => {
                server_ca.issue_server_cert_valid_now(&["fk.example.invalid"])?
            }
        };
        let acceptor = mutual_tls_acceptor(&server_cert, &client_ca)?;
        let (journal, history) = match &config.journal {
            Some(path) => {
                let (file, history) = JournalFile::open(path)?;
                (Some(Mutex::new(file)), history)
            }
            None => (None, journal::FkJournal::default()),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        arrival::enable_receive_timestamps(&listener);
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            log: Mutex::new(Vec::new()),
            script: Mutex::new(VecDeque::new()),
            last_start: Mutex::new(LastStart {
                instant: None,
                wall: history.last_arrival(),
            }),
            violations: AtomicUsize::new(0),
            handshake_failures: AtomicUsize::new(0),
            journal_base: history.received(),
            journal,
            journal_failures: AtomicUsize::new(0),
            accepted: Mutex::new(history.acceptances().into_keys().collect()),
            duplicates: AtomicUsize::new(history.duplicates()),
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        tokio::spawn(accept_loop(listener, acceptor, shared.clone(), stop_rx));
        Ok(FakeFkHandle {
            addr,
            server_ca,
            client_ca,
            shared,
            stop: stop_tx,
        })
    }

    /// Starts the fake on its own thread with its own tokio runtime; the server stops when the
    /// returned value is shut down or dropped.
    pub fn start_background(config: FakeFkConfig) -> Result<BackgroundFakeFk, FakeFkError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fake-fk".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(FakeFkError::Io(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let started = FakeFk::start(config).await;
                    let ok = started.is_ok();
                    let _ = ready_tx.send(started);
                    if ok {
                        let _ = done_rx.await;
                    }
                });
            })
            .map_err(|e| FakeFkError::Background(e.to_string()))?;
        let handle = ready_rx
            .recv()
            .map_err(|e| FakeFkError::Background(e.to_string()))??;
        Ok(BackgroundFakeFk {
            handle: Some(handle),
            done: Some(done_tx),
            thread: Some(thread),
        })
    }
}

/// A running fake FK (stops when dropped).
#[derive(Debug)]
pub struct FakeFkHandle {
    addr: SocketAddr,
    server_ca: Arc<TestCa>,
    client_ca: Arc<TestCa>,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl FakeFkHandle {
    /// The socket address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The service URL, `https://127.0.0.1:PORT/shs2/FK.ASE.Tidredovisning.fake`.
    pub fn endpoint(&self) -> String {
        format!("https://{}{PATH}", self.addr)
    }

    /// The CA certificate (PEM) a client must pin to trust this server.
    pub fn ca_pem(&self) -> &str {
        self.server_ca.cert_pem()
    }

    /// The CA whose client certificates the fake accepts (to issue expired ones in tests).
    pub fn client_ca(&self) -> &TestCa {
        &self.client_ca
    }

    /// A PKCS#12 client identity the fake trusts, valid from yesterday for a year (reads the
    /// clock), like the file a provider gets from Expisoft.
    pub fn client_identity_p12(&self, password: &str) -> Result<Vec<u8>, FakeFkError> {
        let subject = CertSubject::new("Assistid demo anordnare")
            .with_organization("Assistid demo anordnare")
            .with_serial_number("5560360793");
        let (from, to) = window_around(Utc::now());
        Ok(self
            .client_ca
            .issue_client_cert(&subject, from, to)?
            .to_pkcs12(password)?)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).clone()
    }

    /// How many request starts came closer than the minimum interval.
    pub fn rate_violations(&self) -> usize {
        self.shared.violations.load(Ordering::SeqCst)
    }

    /// Acceptances of reports that had been accepted before (a duplicate send), including
    /// those in the journal from earlier starts.
    pub fn duplicates(&self) -> usize {
        self.shared.duplicates.load(Ordering::SeqCst)
    }

    /// The journal file, when the fake keeps one ([`FakeFkConfig::journal`]).
    pub fn journal_path(&self) -> Option<&Path> {
        self.shared.config.journal.as_deref()
    }

    /// Journal lines that could not be written (0 expected).
    pub fn journal_failures(&self) -> usize {
        self.shared.journal_failures.load(Ordering::SeqCst)
    }

    /// How many TLS handshakes failed (for example a client certificate from another CA).
    pub fn handshake_failures(&self) -> usize {
        self.shared.handshake_failures.load(Ordering::SeqCst)
    }

    /// Queues a behaviour for the next request that has none yet (first in, first used).
    pub fn script(&self, behaviour: Behaviour) {
        lock(&self.shared.script).push_back(behaviour);
    }

    /// Stops accepting and closes all connections.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for FakeFkHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// A fake FK running on its own thread; dereferences to its [`FakeFkHandle`].
#[derive(Debug)]
pub struct BackgroundFakeFk {
    handle: Option<FakeFkHandle>,
    done: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Deref for BackgroundFakeFk {
    type Target = FakeFkHandle;

    fn deref(&self) -> &FakeFkHandle {
        // Present from construction until drop.
        self.handle
            .as_ref()
            .unwrap_or_else(|| unreachable!("the handle lives as long as the BackgroundFakeFk"))
    }
}

impl BackgroundFakeFk {
    /// Stops the server and its thread.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for BackgroundFakeFk {
    fn drop(&mut self) {
        drop(self.handle.take());
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let shared = shared.clone();
                connections.spawn(async move {
                    let clock = Arc::new(ArrivalClock::default());
                    match acceptor.accept(ArrivalStream::new(tcp, clock.clone())).await {
                        Ok(mut tls) => {
                            // A whole record of the request may have come with the handshake's
                            // last read (a client that sends at once); then that read is its
                            // arrival. An error here shows again to hyper, which answers it.
                            let buffered = tls
                                .get_mut()
                                .1
                                .process_new_packets()
                                .is_ok_and(|state| state.plaintext_bytes_to_read() > 0);
                            clock.handshake_done(buffered);
                            serve(tls, shared, clock).await
                        }
                        Err(_) => {
                            shared.handshake_failures.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                });
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
}

async fn serve(
    tls: tokio_rustls::server::TlsStream<ArrivalStream>,
    shared: Arc<Shared>,
    clock: Arc<ArrivalClock>,
) {
    let kill = Arc::new(Notify::new());
    let kill_for_service = kill.clone();
    let service = service_fn(move |request| {
        let shared = shared.clone();
        let kill = kill_for_service.clone();
        let clock = clock.clone();
        async move { Ok::<_, Infallible>(handle(request, shared, kill, clock).await) }
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service);
    tokio::select! {
        _ = connection => {}
        // Dropping the connection closes the socket without an answer.
        _ = kill.notified() => {}
    }
}

fn xml_response(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    response
}

fn html_response(status: StatusCode, title: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    ))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html"),
    );
    response
}

async fn handle(
    request: Request<Incoming>,
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    clock: Arc<ArrivalClock>,
) -> Response<Full<Bytes>> {
    let soap_action = request
        .headers()
        .get("soapaction")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let path_ok = request.uri().path() == PATH;
    // SOAP 1.1 is `text/xml` (a charset parameter is allowed); anything else is refused as a
    // web server refuses it, before the SOAP layer sees the body.
    let content_type_ok = request
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("text/xml"));
    let (seq, violation) = shared.arrive(soap_action.clone(), clock.take_request_arrival());
    let behaviour = shared.next_behaviour();
    // The body is always drained, even when it is not processed: closing a socket with unread
    // data makes the kernel send a reset, which would hide the answer from the client.
    let body = request.into_body().collect().await;
    // Whatever is read from now on belongs to the next request on this connection.
    clock.request_read();
    let body = match body {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            shared.update(seq, 0, None, None);
            return html_response(StatusCode::BAD_REQUEST, "400 Bad Request");
        }
    };
    let body_len = body.len();
    let report_id = check::report_id(&body);
    // Noted at once, before any scripted delay: if the client gives up while the fake
    // delays (an answer timeout, uncertain for the client), the record must still show
    // which report arrived.
    shared.update(seq, body_len, report_id, None);
    let scripted = |name| Some(RecordedOutcome::Scripted(name));
    if !path_ok {
        shared.update(seq, body_len, report_id, Some(RecordedOutcome::NotFound));
        return html_response(StatusCode::NOT_FOUND, "404 Not Found");
    }
    if !content_type_ok {
        shared.update(
            seq,
            body_len,
            report_id,
            Some(RecordedOutcome::UnsupportedMediaType),
        );
        return html_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "415 Unsupported Media Type",
        );
    }

    if violation && shared.config.answer_rate_violations {
        shared.update(seq, body_len, report_id, Some(RecordedOutcome::Overloaded));
        let mut response =
            html_response(StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable");
        response.headers_mut().insert(
            hyper::header::RETRY_AFTER,
            hyper::header::HeaderValue::from_static("1"),
        );
        return response;
    }
    match behaviour {
        Behaviour::OnDemand(ref answer) => {
            let strictness = check::Strictness {
                bankid_roots: shared.config.bankid_roots.as_deref(),
                report_schema: shared.config.report_schema.as_deref(),
            };
            let (response, outcome) = on_demand::respond(answer, &body, strictness);
            let report = match &outcome {
                RecordedOutcome::Accepted { report_id, .. } => Some(*report_id),
                _ => report_id,
            };
            shared.update(seq, body_len, report, Some(outcome));
            return response;
        }
        Behaviour::Normal => {}
        Behaviour::Delay(delay) => tokio::time::sleep(delay).await,
        Behaviour::ServiceUnavailable => {
            shared.update(seq, body_len, report_id, scripted(behaviour.name()));
            return html_response(StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable");
        }
        Behaviour::ServiceUnavailableRetryAfter(ref value) => {
            shared.update(seq, body_len, report_id, scripted(behaviour.name()));
            let mut response =
                html_response(StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable");
            if let Ok(value) = hyper::header::HeaderValue::from_str(value) {
                response
                    .headers_mut()
                    .insert(hyper::header::RETRY_AFTER, value);
            }
            return response;
        }
        Behaviour::InternalServerError => {
            shared.update(seq, body_len, report_id, scripted(behaviour.name()));
            return xml_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                check::soap_fault("soapenv:Server", "Internal Server Error"),
            );
        }
        Behaviour::DropAfterBody => {
            shared.update(seq, body_len, report_id, scripted(behaviour.name()));
            kill.notify_one();
            return std::future::pending().await;
        }
        Behaviour::Hang => {
            shared.update(seq, body_len, report_id, None);
            return std::future::pending().await;
        }
        Behaviour::MalformedXml => {
            shared.update(seq, body_len, report_id, scripted(behaviour.name()));
            let mut text = check::receipt(Uuid::new_v4());
            text.truncate(text.len() / 2);
            return xml_response(StatusCode::OK, text);
        }
        Behaviour::UnexpectedSoapFault => {
            shared.update(seq, body_len, report_id, scripted(behaviour.name()));
            return xml_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                check::soap_fault(
                    "soapenv:Server.generalException",
                    "WSWS3228E: Error: The message could not be routed",
                ),
            );
        }
        Behaviour::HtmlErrorPage => {
            shared.update(seq, body_len, report_id, scripted(behaviour.name()));
            return html_response(StatusCode::BAD_GATEWAY, "502 Bad Gateway");
        }
        Behaviour::OversizedAnswer => {
            shared.update(seq, body_len, report_id, scripted(behaviour.name()));
            let mut text = String::from("<soapenv:Envelope xmlns:soapenv=\"");
            text.push_str(check::SOAP_NS);
            text.push_str("\"><!--");
            text.push_str(&"x".repeat(2 * 1024 * 1024));
            text.push_str("--></soapenv:Envelope>");
            return xml_response(StatusCode::OK, text);
        }
        Behaviour::XmlValidationError(message) => {
            shared.update(
                seq,
                body_len,
                report_id,
                Some(RecordedOutcome::XmlValidationError(message.clone())),
            );
            return xml_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                check::fk_fault("XmlValidationError", &message),
            );
        }
        Behaviour::SignatureValidationError(message) => {
            shared.update(
                seq,
                body_len,
                report_id,
                Some(RecordedOutcome::SignatureValidationError(message.clone())),
            );
            return xml_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                check::fk_fault("SignatureValidationError", &message),
            );
        }
    }

    let action_ok = soap_action.as_deref().map(|a| a.trim().trim_matches('"')) == Some(SOAP_ACTION);
    if !action_ok {
        let message = format!("Unknown SOAPAction; expected \"{SOAP_ACTION}\"");
        shared.update(
            seq,
            body_len,
            report_id,
            Some(RecordedOutcome::BadRequest(message.clone())),
        );
        return xml_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            check::soap_fault("soapenv:Client", &message),
        );
    }
    let strictness = check::Strictness {
        bankid_roots: shared.config.bankid_roots.as_deref(),
        report_schema: shared.config.report_schema.as_deref(),
    };
    match check::judge(&body, strictness) {
        Verdict::Accepted { report_id, tx_id } => {
            shared.update(
                seq,
                body_len,
                Some(report_id),
                Some(RecordedOutcome::Accepted { report_id, tx_id }),
            );
            xml_response(StatusCode::OK, check::receipt(tx_id))
        }
        Verdict::XmlValidation(message) => {
            let answer = check::fk_fault("XmlValidationError", &message);
            shared.update(
                seq,
                body_len,
                report_id,
                Some(RecordedOutcome::XmlValidationError(message)),
            );
            xml_response(StatusCode::INTERNAL_SERVER_ERROR, answer)
        }
        Verdict::SignatureValidation(message) => {
            let answer = check::fk_fault("SignatureValidationError", &message);
            shared.update(
                seq,
                body_len,
                report_id,
                Some(RecordedOutcome::SignatureValidationError(message)),
            );
            xml_response(StatusCode::INTERNAL_SERVER_ERROR, answer)
        }
        Verdict::BadRequest(message) => {
            let answer = check::soap_fault("soapenv:Client", &message);
            shared.update(
                seq,
                body_len,
                report_id,
                Some(RecordedOutcome::BadRequest(message)),
            );
            xml_response(StatusCode::INTERNAL_SERVER_ERROR, answer)
        }
    }
}
