//! Connections opened *before* their request: TCP and the TLS handshake with the client
//! certificate are done ahead, so when the caller's pacer grants the start, only the HTTP
//! request is written. The handshake's duration (several round trips and public-key work)
//! then no longer sits between "start granted" and "request arrives at FK", which keeps FK's
//! view of our spacing as even as our pacer's.
//!
//! The classification rules stay those of [`crate::error::Disposition`]:
//! - anything that fails while connecting, while the connection waits, or before the first
//!   request byte is handed to TLS means FK certainly did not receive the report;
//! - anything after the request bytes started going out that yields no answer is uncertain.
//!
//! A pre-opened connection waits at most [`MAX_IDLE`]; an older one (or one the server closed
//! or refused meanwhile — seen by a non-blocking read before writing) is replaced by a fresh
//! connection opened at once, never by resending on the old one.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE as CONTENT_TYPE_HEADER, HOST, RETRY_AFTER};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::client::{MAX_ANSWER_BYTES, Timeouts, retry_after_secs};
use crate::envelope::{CONTENT_TYPE, SOAP_ACTION};
use crate::error::{EltError, TimeoutPhase};
use crate::response::RawAnswer;

/// The longest a pre-opened connection is kept unused before its request: servers close idle
/// connections after some seconds, and a request written into a connection the server is just
/// closing is lost without an answer (uncertain). Older connections are replaced.
pub const MAX_IDLE: Duration = Duration::from_secs(3);

/// Where and how to connect: the parsed endpoint, the TLS settings, the timeouts.
pub(crate) struct Target {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) server_name: ServerName<'static>,
    /// `host[:port]` for the `Host` header.
    pub(crate) authority: String,
    /// Path and query of the endpoint.
    pub(crate) path: String,
    pub(crate) tls: TlsConnector,
    pub(crate) timeouts: Timeouts,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("authority", &self.authority)
            .field("path", &self.path)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

/// An open, authenticated connection to FK, ready for exactly one request.
pub struct OpenConnection {
    tls: TlsStream<TcpStream>,
    opened: Instant,
    target: Arc<Target>,
}

impl std::fmt::Debug for OpenConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenConnection")
            .field("authority", &self.target.authority)
            .finish_non_exhaustive()
    }
}

/// Opens TCP and completes the TLS handshake (with the client certificate) within the connect
/// timeout. Every error here means nothing was sent.
pub(crate) async fn open(target: Arc<Target>) -> Result<OpenConnection, EltError> {
    let connecting = async {
        let addrs: Vec<_> = tokio::net::lookup_host((target.host.as_str(), target.port))
            .await
            .map_err(|_| EltError::Unreachable {
                reason: "adressen kunde inte slås upp".to_owned(),
            })?
            .collect();
        let mut last_error = None;
        let mut tcp = None;
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => {
                    tcp = Some(stream);
                    break;
                }
                Err(e) => last_error = Some(e),
            }
        }
        let tcp = tcp.ok_or_else(|| EltError::Unreachable {
            reason: match last_error.map(|e| e.kind()) {
                Some(io::ErrorKind::ConnectionRefused) => "anslutningen nekades",
                Some(io::ErrorKind::TimedOut) => "anslutningen tog för lång tid",
                Some(io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable) => {
                    "nätverket når inte servern"
                }
                _ => "ingen anslutning kunde öppnas",
            }
            .to_owned(),
        })?;
        // The request is one small write; do not let Nagle hold it back.
        let _ = tcp.set_nodelay(true);
        target
            .tls
            .connect(target.server_name.clone(), tcp)
            .await
            .map_err(|e| classify_connecting(&e))
    };
    let tls = tokio::time::timeout(target.timeouts.connect, connecting)
        .await
        .map_err(|_| EltError::Timeout {
            phase: TimeoutPhase::Connect,
        })??;
    Ok(OpenConnection {
        tls,
        opened: Instant::now(),
        target,
    })
}

impl OpenConnection {
    /// Whether the connection can still carry a request: young enough, and nothing came from
    /// the server while it waited (a close, an alert refusing our certificate, anything
    /// else). Looks without waiting. `Err` only for answers that say the settings are wrong
    /// (the certificate was refused): replacing the connection would not help then.
    fn still_usable(&mut self) -> Result<bool, EltError> {
        if self.opened.elapsed() > MAX_IDLE {
            return Ok(false);
        }
        let mut cx = Context::from_waker(Waker::noop());
        let mut byte = [0u8; 1];
        let mut buf = ReadBuf::new(&mut byte);
        match Pin::new(&mut self.tls).poll_read(&mut cx, &mut buf) {
            Poll::Pending => Ok(true),
            // Closed, or unexpected bytes: not usable, and nothing of ours was sent.
            Poll::Ready(Ok(())) => Ok(false),
            Poll::Ready(Err(e)) => match classify_connecting(&e) {
                e @ (EltError::ClientCertificateRejected { .. }
                | EltError::ServerNotTrusted { .. }) => Err(e),
                _ => Ok(false),
            },
        }
    }

    /// Sends one SOAP envelope on this connection and reads the answer. `on_sent` is called
    /// once, the moment the request has been handed to the operating system (for the caller's
    /// pacer: FK's spacing counts from here).
    ///
    /// A connection that waited too long or was closed by the server meanwhile is replaced
    /// by a fresh one first (nothing had been sent on it).
    pub async fn send(
        mut self,
        envelope: Vec<u8>,
        on_sent: impl FnOnce() + Send + 'static,
    ) -> Result<RawAnswer, EltError> {
        if !self.still_usable()? {
            self = open(self.target.clone()).await?;
        }
        let target = self.target.clone();
        let started = Arc::new(AtomicBool::new(false));
        let activity = Activity::default();
        let io = Stamped {
            inner: self.tls,
            started: started.clone(),
            wrote: false,
            on_sent: Some(Box::new(on_sent)),
            activity: activity.clone(),
        };
        let result = exchange(&target, io, &activity, envelope).await;
        match result {
            Ok(answer) => Ok(answer),
            // Nothing was handed to TLS: FK cannot have received anything.
            Err(e) if !started.load(Ordering::SeqCst) => Err(match e {
                e if e.is_certainly_not_received() => e,
                _ => EltError::Unreachable {
                    reason: "förbindelsen bröts innan rapporten skickades".to_owned(),
                },
            }),
            Err(e) => Err(e),
        }
    }
}

/// Writes the request and reads the answer over an authenticated stream.
///
/// The read timeout is an idle timeout: it runs from the last byte that went out or came in,
/// so a server that sends its headers slowly but steadily is waited for, one that falls
/// silent is not.
async fn exchange<S>(
    target: &Target,
    io: S,
    activity: &Activity,
    envelope: Vec<u8>,
) -> Result<RawAnswer, EltError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let read_timeout = target.timeouts.read;
    let answer_timeout = || EltError::Timeout {
        phase: TimeoutPhase::Answer,
    };
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| classify_hyper(&e))?;
    let request = Request::builder()
        .method(Method::POST)
        .uri(target.path.as_str())
        .header(HOST, target.authority.as_str())
        .header(CONTENT_TYPE_HEADER, CONTENT_TYPE)
        .header("SOAPAction", format!("\"{SOAP_ACTION}\""))
        .header(CONTENT_LENGTH, envelope.len())
        // One request per connection: the server may close it after the answer.
        .header(hyper::header::CONNECTION, "close")
        .body(Full::new(Bytes::from(envelope)))
        .map_err(|_| EltError::InvalidEndpoint {
            reason: "adressen kan inte användas i en begäran".to_owned(),
        })?;
    // The connection is driven here, in this task, so the request is written the moment we
    // are polled, not when some other task gets its turn.
    let mut connection = std::pin::pin!(connection);
    let mut connection_done = false;
    let response = drive(
        &mut connection,
        &mut connection_done,
        activity.idle_timeout(read_timeout, sender.send_request(request)),
    )
    .await
    .map_err(|_| answer_timeout())?
    .map_err(|e| classify_hyper(&e))?;
    let status = response.status().as_u16();
    let retry_after_secs = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(retry_after_secs);
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    loop {
        let frame = drive(
            &mut connection,
            &mut connection_done,
            activity.idle_timeout(read_timeout, body.frame()),
        )
        .await;
        let failed = |e: EltError| {
            // The status line arrived, so the request did: anything failing now is
            // uncertain, unless FK said 503 or 429 (it did not take the request).
            if crate::error::is_busy_status(status) {
                return EltError::ServiceUnavailable { retry_after_secs };
            }
            match e {
                EltError::Timeout { .. } => answer_timeout(),
                other if other.is_certainly_not_received() => EltError::ConnectionLost {
                    reason: "svaret avbröts".to_owned(),
                },
                other => other,
            }
        };
        match frame {
            Err(_) => return Err(failed(answer_timeout())),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(failed(classify_hyper(&e))),
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if bytes.len() + data.len() > MAX_ANSWER_BYTES {
                        return Err(EltError::UnexpectedAnswer {
                            http_status: status,
                            problem: crate::error::AnswerProblem::TooLarge,
                            body_len: bytes.len() + data.len(),
                        });
                    }
                    bytes.extend_from_slice(&data);
                }
            }
        }
    }
    Ok(RawAnswer {
        status,
        body: bytes,
        retry_after_secs,
    })
}

/// Polls `work` while also driving the HTTP connection (which does the actual reading and
/// writing) until `work` is done. A finished connection has delivered all it read to `work`.
async fn drive<C, W>(connection: &mut Pin<&mut C>, done: &mut bool, work: W) -> W::Output
where
    C: Future,
    W: Future,
{
    let mut work = std::pin::pin!(work);
    loop {
        tokio::select! {
            biased;
            out = &mut work => return out,
            _ = connection.as_mut(), if !*done => *done = true,
        }
    }
}

/// When bytes last went out or came in on a connection.
#[derive(Debug, Clone)]
struct Activity(Arc<std::sync::Mutex<Instant>>);

impl Default for Activity {
    fn default() -> Self {
        Self(Arc::new(std::sync::Mutex::new(Instant::now())))
    }
}

/// The idle limit ran out.
struct Idle;

impl Activity {
    fn touch(&self) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Instant::now();
    }

    fn last(&self) -> Instant {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `work` until it is done or nothing moved on the connection for `limit`.
    async fn idle_timeout<W: Future>(&self, limit: Duration, work: W) -> Result<W::Output, Idle> {
        self.touch();
        let mut work = std::pin::pin!(work);
        loop {
            let deadline = self.last() + limit;
            tokio::select! {
                biased;
                out = &mut work => return Ok(out),
                () = tokio::time::sleep_until(deadline) => {
                    if self.last() + limit <= Instant::now() {
                        return Err(Idle);
                    }
                }
            }
        }
    }
}

/// An I/O stream that notes when the first request byte was handed to it and calls back once
/// the request is flushed to the operating system; it also notes every byte moved
/// ([`Activity`]).
struct Stamped<S> {
    inner: S,
    started: Arc<AtomicBool>,
    wrote: bool,
    on_sent: Option<Box<dyn FnOnce() + Send>>,
    activity: Activity,
}

impl<S> Drop for Stamped<S> {
    fn drop(&mut self) {
        // Writing started but failed before the flush: the request may still have reached
        // the server, so the pacer must count from now.
        if self.started.load(Ordering::SeqCst)
            && let Some(on_sent) = self.on_sent.take()
        {
            on_sent();
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Stamped<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let out = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(out, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        out
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Stamped<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        // From the first attempt to write, the request may reach the server.
        self.started.store(true, Ordering::SeqCst);
        let out = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(out, Poll::Ready(Ok(n)) if n > 0) {
            self.wrote = true;
            self.activity.touch();
        }
        out
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.started.store(true, Ordering::SeqCst);
        let out = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(out, Poll::Ready(Ok(n)) if n > 0) {
            self.wrote = true;
            self.activity.touch();
        }
        out
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let out = Pin::new(&mut self.inner).poll_flush(cx);
        if self.wrote
            && matches!(out, Poll::Ready(Ok(())))
            && let Some(on_sent) = self.on_sent.take()
        {
            on_sent();
        }
        out
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

fn classify_hyper(error: &hyper::Error) -> EltError {
    let facts = crate::client::Facts::gather(error as &(dyn StdError + 'static));
    if let Some(mapped) = facts
        .rustls
        .as_ref()
        .and_then(|tls| crate::client::map_rustls(tls, false))
    {
        return mapped;
    }
    if error.is_timeout() {
        return EltError::Timeout {
            phase: TimeoutPhase::Answer,
        };
    }
    lost(facts.io_kind)
}

/// An error while opening TCP or TLS (nothing was sent).
fn classify_connecting(error: &io::Error) -> EltError {
    let facts = crate::client::Facts::gather(error as &(dyn StdError + 'static));
    if let Some(mapped) = facts
        .rustls
        .as_ref()
        .and_then(|tls| crate::client::map_rustls(tls, true))
    {
        return mapped;
    }
    match error.kind() {
        io::ErrorKind::TimedOut => EltError::Timeout {
            phase: TimeoutPhase::Connect,
        },
        _ => EltError::Unreachable {
            reason: "TLS-förbindelsen kunde inte öppnas".to_owned(),
        },
    }
}

fn lost(kind: Option<io::ErrorKind>) -> EltError {
    EltError::ConnectionLost {
        reason: match kind {
            Some(io::ErrorKind::ConnectionReset) => "anslutningen återställdes",
            Some(io::ErrorKind::UnexpectedEof) => "anslutningen stängdes",
            _ => "anslutningen stängdes innan svaret var komplett",
        }
        .to_owned(),
    }
}
