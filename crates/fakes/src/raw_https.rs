//! A mutual-TLS server on loopback that answers each request with hand-written bytes: the status
//! line, headers and body exactly as a test wrote them, in pieces, with pauses, then a close or a
//! connection held open. It stands in for an FK (or a proxy in front of FK) that behaves as the
//! HTTP and SOAP specifications allow but our own fake never does: other encodings, chunked
//! bodies, cut-off answers, slow headers.
//!
//! It checks nothing about the request; it records the request head and body so a test can.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::fk::{FakeFkError, mutual_tls_acceptor};
use crate::pki::{CertSubject, TestCa};

/// What the server does once the scripted bytes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Afterwards {
    /// Sends TLS close_notify and closes the connection.
    Close,
    /// Closes the TCP connection without close_notify (a cut, as a crashing proxy does).
    Cut,
    /// Keeps the connection open, silent, for this long, then closes it.
    HoldOpen(Duration),
}

/// One scripted answer: pieces of bytes, each written after its pause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawReply {
    /// `(pause before, bytes)` in order.
    pub pieces: Vec<(Duration, Vec<u8>)>,
    /// What happens after the last piece.
    pub afterwards: Afterwards,
}

impl RawReply {
    /// The whole answer at once, then a clean close.
    pub fn whole(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            pieces: vec![(Duration::ZERO, bytes.into())],
            afterwards: Afterwards::Close,
        }
    }

    /// An HTTP/1.1 answer with the given status line tail (`"200 OK"`), extra header lines and
    /// body; `Content-Length` is added, then a clean close.
    pub fn http(status: &str, headers: &[&str], body: &[u8]) -> Self {
        let mut bytes = format!("HTTP/1.1 {status}\r\n").into_bytes();
        for header in headers {
            bytes.extend_from_slice(header.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        bytes.extend_from_slice(body);
        Self::whole(bytes)
    }
}

/// A request as the server read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    /// The request line and headers, as text (lossy UTF-8).
    pub head: String,
    /// The body (by `Content-Length`).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The value of the first header with this name (case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }
}

#[derive(Debug, Default)]
struct State {
    replies: VecDeque<RawReply>,
    requests: Vec<RawRequest>,
}

/// A running raw server; stops when dropped.
#[derive(Debug)]
pub struct RawHttpsServer {
    addr: SocketAddr,
    server_ca: TestCa,
    client_ca: TestCa,
    state: Arc<Mutex<State>>,
    _stop: watch::Sender<bool>,
}

impl RawHttpsServer {
    /// Starts the server in the current tokio runtime. It requires a client certificate from
    /// its own client CA ([`RawHttpsServer::client_identity_p12`]).
    pub async fn start() -> Result<Self, FakeFkError> {
        let server_ca = TestCa::new("Raw FK stand-in server CA")?;
        let client_ca = TestCa::new("Raw FK stand-in client CA")?;
        let server_cert = server_ca.issue_server_cert_valid_now(&["localhost", "127.0.0.1"])?;
        let acceptor = mutual_tls_acceptor(&server_cert, &client_ca)?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(accept_loop(listener, acceptor, state.clone(), stopped));
        Ok(Self {
            addr,
            server_ca,
            client_ca,
            state,
            _stop: stop,
        })
    }

    /// The HTTPS address of the service path.
    pub fn endpoint(&self) -> String {
        format!(
            "https://localhost:{}/shs2/FK.ASE.Tidredovisning.raw",
            self.addr.port()
        )
    }

    /// The server CA's certificate, PEM (for the client's pinned trust).
    pub fn ca_pem(&self) -> &str {
        self.server_ca.cert_pem()
    }

    /// A client certificate this server accepts, as a PKCS#12 file.
    pub fn client_identity_p12(&self, password: &str) -> Result<Vec<u8>, FakeFkError> {
        let subject = CertSubject::new("Raw test provider")
            .with_organization("Testbolaget AB")
            .with_serial_number("5560360793");
        let cert = self.client_ca.issue_client_cert_valid_now(&subject)?;
        Ok(cert.to_pkcs12(password)?)
    }

    /// Queues the answer to the next request.
    pub fn reply(&self, reply: RawReply) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .replies
            .push_back(reply);
    }

    /// The requests read so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .requests
            .clone()
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    state: Arc<Mutex<State>>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => return,
        };
        let Ok((tcp, _)) = accepted else { continue };
        let acceptor = acceptor.clone();
        let state = state.clone();
        tokio::spawn(async move {
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                return;
            };
            let Some(request) = read_request(&mut tls).await else {
                return;
            };
            let reply = {
                let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
                state.requests.push(request);
                state.replies.pop_front()
            };
            let Some(reply) = reply else { return };
            for (pause, bytes) in &reply.pieces {
                tokio::time::sleep(*pause).await;
                if tls.write_all(bytes).await.is_err() || tls.flush().await.is_err() {
                    return;
                }
            }
            match reply.afterwards {
                Afterwards::Close => {
                    let _ = tls.shutdown().await;
                }
                Afterwards::Cut => {
                    let (tcp, _) = tls.into_inner();
                    drop(tcp);
                }
                Afterwards::HoldOpen(wait) => {
                    tokio::time::sleep(wait).await;
                }
            }
        });
    }
}

/// Reads one request: headers up to the blank line, then `Content-Length` bytes of body.
async fn read_request<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> Option<RawRequest> {
    const LIMIT: usize = 16 * 1024 * 1024;
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || data.len() > LIMIT {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut request = RawRequest {
        head,
        body: Vec::new(),
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(LIMIT);
    let mut body = data.split_off(head_end);
    while body.len() < length {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&buf[..n]);
    }
    request.body = body;
    Some(request)
}
