//! The HTTPS client for RP API v6.0: mutual TLS with the RP's PKCS#12 certificate, trusting only
//! the chosen environment's BankID TLS root.

use std::time::Duration;

use assistid_core::secret::Sensitive;
use reqwest::header::CONTENT_TYPE;
use serde::Serialize;
use serde::de::DeserializeOwned;

use assistid_pkcs12::{Pkcs12Error, describe_candidates};

use crate::error::BankIdError;
use crate::types::{
    CollectResponse, OrderRefRequest, OrderResponse, PhoneOrderResponse, PhoneSignRequest,
    SignRequest,
};

/// BankID's TLS root for the test environment ("Test BankID SSL Root CA v1 Test", SHA-256
/// fingerprint F3:D0:74:0E:…:40:5C).
pub const TEST_SSL_ROOT_PEM: &str = include_str!("roots/bankid_ssl_root_ca_v1_test.pem");
/// BankID's TLS root for production ("BankID SSL Root CA v1", SHA-256 fingerprint
/// E6:A2:D4:5C:…:BE:CB).
pub const PRODUCTION_SSL_ROOT_PEM: &str = include_str!("roots/bankid_ssl_root_ca_v1.pem");

/// Which BankID the client talks to. Each trusts only its own TLS root.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://appapi2.test.bankid.com/rp/v6.0`.
    Test,
    /// `https://appapi2.bankid.com/rp/v6.0`.
    Production,
    /// Another server (the fake BankID in demo mode and tests): its TLS root as PEM. The base
    /// URL must be set with [`ClientBuilder::base_url`].
    Custom(String),
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Test => f.write_str("Test"),
            Self::Production => f.write_str("Production"),
            Self::Custom(_) => f.write_str("Custom(<root pem>)"),
        }
    }
}

impl Environment {
    /// The TLS root as PEM.
    pub fn ssl_root_pem(&self) -> &str {
        match self {
            Self::Test => TEST_SSL_ROOT_PEM,
            Self::Production => PRODUCTION_SSL_ROOT_PEM,
            Self::Custom(pem) => pem,
        }
    }

    /// The default base URL, if the environment has one.
    pub fn default_base_url(&self) -> Option<&'static str> {
        match self {
            Self::Test => Some("https://appapi2.test.bankid.com/rp/v6.0"),
            Self::Production => Some("https://appapi2.bankid.com/rp/v6.0"),
            Self::Custom(_) => None,
        }
    }
}

/// Converts the RP's PKCS#12 file to one PEM text holding the private key (PKCS#8) and the
/// certificate chain, leaf first, as rustls wants it. Done in memory; the result is secret.
///
/// The file is read by the reader FK's client certificate uses too (`assistid-pkcs12`): keys
/// are paired with their certificates by public key (a file whose bags carry no `localKeyId`
/// works), and the key used is the one whose certificate may authenticate a TLS client
/// (BankID's RP certificates are TLS client certificates: clientAuth, or no extended key
/// usage). A file with several such keys is refused with their list — the same rule as for
/// FK's certificate: a guess could present the wrong key; [`pkcs12_to_pem_choosing`] takes the
/// user's choice.
///
/// Errors: [`BankIdError::Config`] with a Swedish text saying what is wrong with the file (wrong
/// password, not PKCS#12, no key for client authentication, several).
pub fn pkcs12_to_pem(
    pkcs12: &[u8],
    password: &Sensitive<String>,
) -> Result<Sensitive<String>, BankIdError> {
    pkcs12_to_pem_choosing(pkcs12, password, None)
}

/// [`pkcs12_to_pem`] with the user's choice among several keys for client authentication: a
/// key's name in the file or its certificate's serial number in hex (as
/// `assistid_pkcs12::client_key_candidates` lists them). A choice that names none of them is
/// refused with the list.
pub fn pkcs12_to_pem_choosing(
    pkcs12: &[u8],
    password: &Sensitive<String>,
    choice: Option<&str>,
) -> Result<Sensitive<String>, BankIdError> {
    let chosen = assistid_pkcs12::client_key(pkcs12, password, choice).map_err(|e| {
        BankIdError::Config(match e {
            Pkcs12Error::WrongPassword => "RP-certifikatet (PKCS#12) gick inte att öppna: fel \
                                           lösenord. Ange lösenordet som hör till filen."
                .to_owned(),
            Pkcs12Error::SeveralClientKeys { candidates } => format!(
                "RP-certifikatet (PKCS#12) innehåller flera nycklar för klientautentisering: {}. \
                 Välj en av dem med namn eller serienummer när certifikatet läggs in.",
                describe_candidates(&candidates)
            ),
            other => format!(
                "RP-certifikatet (PKCS#12) kan inte användas: {other}. Välj RP-certifikatet \
                 från banken (.p12/.pfx)."
            ),
        })
    })?;
    let pem = chosen.to_pem();
    let text = std::str::from_utf8(pem.expose()).map_err(|_| {
        BankIdError::Config("RP-certifikatet (PKCS#12) gick inte att göra om till PEM.".into())
    })?;
    Ok(Sensitive::new(text.to_owned()))
}

/// How the client retries 503 (maintenance) and 429 (rate limited) quietly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Wait before a retry when BankID gave no `RateLimit-Reset`/`Retry-After`.
    pub delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            delay: Duration::from_secs(2),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    environment: Environment,
    base_url: Option<String>,
    identity_pem: Option<Sensitive<String>>,
    retry: RetryPolicy,
    timeout: Duration,
}

impl ClientBuilder {
    /// Overrides the base URL (required for [`Environment::Custom`]), e.g.
    /// `https://127.0.0.1:4711/rp/v6.0`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// The RP's client certificate as PKCS#12 and its password (see [`pkcs12_to_pem`]).
    pub fn identity_pkcs12(
        self,
        pkcs12: &[u8],
        password: &Sensitive<String>,
    ) -> Result<Self, BankIdError> {
        self.identity_pkcs12_choosing(pkcs12, password, None)
    }

    /// [`ClientBuilder::identity_pkcs12`] with the user's choice among several keys for client
    /// authentication (see [`pkcs12_to_pem_choosing`]).
    pub fn identity_pkcs12_choosing(
        mut self,
        pkcs12: &[u8],
        password: &Sensitive<String>,
        choice: Option<&str>,
    ) -> Result<Self, BankIdError> {
        self.identity_pem = Some(pkcs12_to_pem_choosing(pkcs12, password, choice)?);
        Ok(self)
    }

    /// The RP's client certificate as PEM (key and chain).
    pub fn identity_pem(mut self, pem: Sensitive<String>) -> Self {
        self.identity_pem = Some(pem);
        self
    }

    /// How 503 and 429 are retried.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Timeout of one HTTP call (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the client. Trusts only the environment's root; there is no way to accept
    /// other certificates.
    pub fn build(self) -> Result<Client, BankIdError> {
        let base_url = match (self.base_url, self.environment.default_base_url()) {
            (Some(url), _) => url,
            (None, Some(url)) => url.to_owned(),
            (None, None) => {
                return Err(BankIdError::Config(
                    "BankID-adressen saknas för den valda miljön.".into(),
                ));
            }
        };
        let identity_pem = self
            .identity_pem
            .ok_or_else(|| BankIdError::Config("RP-certifikatet för BankID saknas.".into()))?;
        let root = reqwest::Certificate::from_pem(self.environment.ssl_root_pem().as_bytes())
            .map_err(|e| {
                BankIdError::Config(format!("BankID:s TLS-rot går inte att läsa ({e})."))
            })?;
        let identity =
            reqwest::Identity::from_pem(identity_pem.expose().as_bytes()).map_err(|e| {
                BankIdError::Config(format!("RP-certifikatet går inte att använda ({e})."))
            })?;
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(root)
            .identity(identity)
            .https_only(true)
            .timeout(self.timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| {
                BankIdError::Config(format!("HTTPS-klienten gick inte att bygga ({e})."))
            })?;
        Ok(Client {
            http,
            base_url,
            retry: self.retry,
        })
    }
}

/// A BankID RP API v6.0 client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    retry: RetryPolicy,
}

impl Client {
    /// Starts building a client for `environment`.
    pub fn builder(environment: Environment) -> ClientBuilder {
        ClientBuilder {
            environment,
            base_url: None,
            identity_pem: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
        }
    }

    /// The base URL this client calls, e.g. `https://appapi2.test.bankid.com/rp/v6.0`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `endUserIp` for a desktop: this computer's address on its connection to BankID — the
    /// local address the operating system picks to reach BankID's host (see
    /// [`local_address_towards`]). It is a loopback address only when BankID itself is on
    /// loopback (the fake BankID). Resolves BankID's host name; sends nothing to BankID.
    pub async fn end_user_ip(&self) -> Result<std::net::IpAddr, BankIdError> {
        let url = reqwest::Url::parse(&self.base_url)
            .map_err(|e| BankIdError::Config(format!("BankID-adressen är felaktig ({e}).")))?;
        let host = url
            .host_str()
            .ok_or_else(|| BankIdError::Config("BankID-adressen saknar värdnamn.".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let target = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| BankIdError::Transport(format!("{host} gick inte att slå upp: {e}")))?
            .next()
            .ok_or_else(|| BankIdError::Transport(format!("{host} har ingen adress")))?;
        local_address_towards(target)
            .map_err(|e| BankIdError::Transport(format!("ingen väg till {host}: {e}")))
    }

    /// `POST /sign`.
    pub async fn sign(&self, request: &SignRequest) -> Result<OrderResponse, BankIdError> {
        self.post("sign", request).await
    }

    /// `POST /phone/sign`: a sign order for the user in a telephone call with the relying
    /// party. Its `/collect` and `/cancel` are the same as for other orders.
    pub async fn phone_sign(
        &self,
        request: &PhoneSignRequest,
    ) -> Result<PhoneOrderResponse, BankIdError> {
        self.post("phone/sign", request).await
    }

    /// `POST /collect`.
    pub async fn collect(&self, order_ref: &str) -> Result<CollectResponse, BankIdError> {
        self.post(
            "collect",
            &OrderRefRequest {
                order_ref: order_ref.to_owned(),
            },
        )
        .await
    }

    /// `POST /cancel`.
    pub async fn cancel(&self, order_ref: &str) -> Result<(), BankIdError> {
        let _: serde_json::Value = self
            .post(
                "cancel",
                &OrderRefRequest {
                    order_ref: order_ref.to_owned(),
                },
            )
            .await?;
        Ok(())
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, BankIdError> {
        let url = format!("{}/{path}", self.base_url);
        let body = serde_json::to_vec(body)
            .map_err(|e| BankIdError::BadResponse(format!("begäran gick inte att skriva: {e}")))?;
        let mut attempt = 0;
        loop {
            match self.post_once(&url, body.clone()).await {
                Err(err) if err.is_retryable() && attempt < self.retry.max_retries => {
                    attempt += 1;
                    let wait = err.retry_after().unwrap_or(self.retry.delay);
                    tracing::debug!(path, status = ?err.status(), attempt, "BankID asked us to wait; retrying");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    async fn post_once<T: DeserializeOwned>(
        &self,
        url: &str,
        body: Vec<u8>,
    ) -> Result<T, BankIdError> {
        let response = self
            .http
            .post(url)
            // Exactly this: BankID answers 415 to a charset parameter.
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| BankIdError::Transport(describe_reqwest(&e)))?;
        let status = response.status().as_u16();
        let reset = response
            .headers()
            .get("RateLimit-Reset")
            .or_else(|| response.headers().get("Retry-After"))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = read_limited(response).await?;
        if !(200..300).contains(&status) {
            return Err(BankIdError::from_response(status, &bytes, reset.as_deref()));
        }
        serde_json::from_slice(&bytes).map_err(|e| BankIdError::bad_json(&e))
    }
}

/// The local address the operating system would use to reach `target`: a UDP socket is
/// "connected" to it (which only picks a route; no packet is sent) and its local address read.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr, SocketAddr};
/// let local = assistid_bankid::client::local_address_towards(SocketAddr::from(([127, 0, 0, 1], 443)))
///     .expect("loopback is always routable");
/// assert_eq!(local, IpAddr::V4(Ipv4Addr::LOCALHOST));
/// ```
pub fn local_address_towards(target: std::net::SocketAddr) -> std::io::Result<std::net::IpAddr> {
    let unspecified: std::net::SocketAddr = if target.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = std::net::UdpSocket::bind(unspecified)?;
    socket.connect(target)?;
    let local = socket.local_addr()?.ip();
    if local.is_unspecified() {
        return Err(std::io::Error::other("ingen lokal adress mot BankID"));
    }
    Ok(local)
}

/// BankID's answers are a few kilobytes (a collect answer with the signature XML and the OCSP
/// answer, base64, is the largest: about 20 KB). Anything beyond this is not BankID, and reading
/// it all would let a broken or hostile server exhaust memory.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Reads the body chunk by chunk, refusing it as soon as it passes [`MAX_ANSWER_BYTES`].
async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, BankIdError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| BankIdError::Transport(describe_reqwest(&e)))?
    {
        let len = body.len().saturating_add(chunk.len());
        if len > MAX_ANSWER_BYTES {
            return Err(BankIdError::AnswerTooLarge { read: len });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    // The chain of sources names TLS problems (unknown issuer, bad certificate); the URL holds
    // nothing secret.
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
