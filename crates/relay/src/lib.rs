//! # assistid-relay
//!
//! The vendor's relay service (issue 17; docs/RELAY.md): installations enrol with a one-time
//! code and a client certificate from the relay's own CA, hand over signed reports through a
//! versioned mutual-TLS JSON API, and the relay sends them to FK with the vendor's one client
//! certificate, at FK's pace for the whole vendor however many relay instances share the
//! PostgreSQL database.
//!
//! - [`config`]: the TOML file;
//! - [`db`]: PostgreSQL, migrations, the pool;
//! - [`queue`]: enrolments, installations, submissions and attempts (the outbox's states);
//! - [`checks`]: what is checked before a report is queued;
//! - [`sender`]: the sender loop and the pacer shared by all instances;
//! - [`api`]: the HTTPS API v1, health, readiness and metrics;
//! - [`bankid`]: BankID sign orders with the vendor's RP certificate, for the installations;
//! - [`pki`]: the relay's CA;
//! - `testing` (feature `testing`, for tests and benchmarks only): a throwaway PostgreSQL
//!   cluster, a relay set-up with the fake FK, `serve` processes.
//!
//! Logs carry ids and codes only: never a report, a signature, FK's answer or a personnummer.
#![deny(missing_docs)]

pub mod api;
pub mod bankid;
pub mod checks;
pub mod config;
pub mod db;
pub mod error;
pub mod metrics;
pub mod pki;
pub mod queue;
pub mod sender;
#[cfg(feature = "testing")]
pub mod testing;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use assistid_elt::{EltClient, Timeouts, TrustAnchor};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::net::TcpListener;
use tokio::sync::{Notify, broadcast, watch};
use tokio_rustls::TlsAcceptor;
use uuid::Uuid;

use crate::config::Config;
use crate::db::Pool;
use crate::error::{ConfigError, RelayError};

/// The log filter the relay runs with: `directives` (a `tracing` filter such as `info`, from
/// `ASSISTID_RELAY_LOG`; `info` when they do not parse), with `tokio_postgres` held at `info`
/// whatever they say — at `debug` it logs every query's parameters, and those include the
/// reports (personnummer) the queue stores.
pub fn log_filter(directives: &str) -> tracing_subscriber::EnvFilter {
    let filter = tracing_subscriber::EnvFilter::try_new(directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    match "tokio_postgres=info".parse() {
        Ok(cap) => filter.add_directive(cap),
        Err(_) => filter,
    }
}

/// A running relay instance.
#[derive(Debug)]
pub struct RelayHandle {
    addr: SocketAddr,
    instance: Uuid,
    stop: watch::Sender<bool>,
    tasks: tokio::task::JoinSet<()>,
    pool: Pool,
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, ConfigError> {
    std::fs::read(path).map_err(|e| ConfigError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

fn bad_cert(path: &std::path::Path, reason: impl ToString) -> ConfigError {
    ConfigError::Certificate {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

fn server_tls(config: &Config, ca_der: &[u8]) -> Result<TlsAcceptor, ConfigError> {
    let tls = &config.tls;
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&read(&tls.server_cert)?)
            .collect::<Result<_, _>>()
            .map_err(|e| bad_cert(&tls.server_cert, e))?;
    if chain.is_empty() {
        return Err(bad_cert(&tls.server_cert, "inget certifikat i filen"));
    }
    let key = PrivateKeyDer::from_pem_slice(&read(&tls.server_key)?)
        .map_err(|e| bad_cert(&tls.server_key, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(ca_der.to_vec()))
        .map_err(|e| bad_cert(&tls.ca_cert, e))?;
    // A client certificate is optional at the TLS level (enrolment, health and metrics need
    // none); one that is shown must chain to the relay's CA. The API checks it per request.
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .allow_unauthenticated()
        .build()
        .map_err(|e| bad_cert(&tls.ca_cert, e))?;
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad_cert(&tls.server_cert, e))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| bad_cert(&tls.server_cert, e))?;
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(server)))
}

fn bankid_roots(environment: &str, fk: &config::FkConfig) -> Result<Vec<Vec<u8>>, ConfigError> {
    match &fk.bankid_roots {
        Some(paths) => paths
            .iter()
            .map(|path| {
                let pem = read(path)?;
                CertificateDer::from_pem_slice(&pem)
                    .map(|der| der.to_vec())
                    .map_err(|e| bad_cert(path, e))
            })
            .collect(),
        None => {
            let root = if environment == "prod" {
                assistid_bankid::user_roots::production_root_der()
            } else {
                assistid_bankid::user_roots::test_root_der()
            };
            root.map(|der| vec![der])
                .map_err(|e| ConfigError::Invalid(e.to_string()))
        }
    }
}

fn fk_client(environment: &str, fk: &config::FkConfig) -> Result<EltClient, ConfigError> {
    let trust = if fk.ca_pem == "system" {
        TrustAnchor::SystemRoots
    } else {
        let path = std::path::Path::new(&fk.ca_pem);
        TrustAnchor::PinnedCa(
            String::from_utf8(read(path)?).map_err(|_| bad_cert(path, "inte PEM-text"))?,
        )
    };
    EltClient::builder()
        .endpoint(fk.endpoint.clone())
        .identity(read(&fk.client_p12)?, fk.password()?)
        .client_key(fk.client_key.clone())
        .trust(trust)
        .timeouts(Timeouts {
            read: Duration::from_secs(fk.answer_timeout_secs),
            ..Timeouts::default()
        })
        .build()
        .map_err(|source| ConfigError::FkClient {
            environment: environment.to_owned(),
            source,
        })
}

/// Forwards PostgreSQL's `relay_submission` notifications (any instance's state changes) to
/// the long polls; reconnects after a PostgreSQL restart.
async fn listen_loop(
    url: String,
    changes: broadcast::Sender<Uuid>,
    mut stop: watch::Receiver<bool>,
) {
    use tokio_postgres::AsyncMessage;
    while !*stop.borrow() {
        match tokio_postgres::connect(&url, tokio_postgres::NoTls).await {
            Ok((client, mut connection)) => {
                let forward = changes.clone();
                let driver = tokio::spawn(async move {
                    while let Some(message) =
                        std::future::poll_fn(|cx| connection.poll_message(cx)).await
                    {
                        match message {
                            Ok(AsyncMessage::Notification(n)) => {
                                if let Ok(id) = Uuid::parse_str(n.payload()) {
                                    let _ = forward.send(id);
                                }
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                });
                if client
                    .batch_execute("LISTEN relay_submission")
                    .await
                    .is_ok()
                {
                    tokio::select! {
                        _ = driver => {}
                        _ = stop.changed() => return,
                    }
                }
            }
            Err(e) => {
                tracing::warn!(code = "database_error", sql_state = ?e.code().map(|c| c.code().to_owned()), "notification listener cannot connect")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => {}
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    state: Arc<api::ApiState>,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => break,
        };
        while connections.try_join_next().is_some() {}
        let Ok((tcp, remote)) = accepted else {
            continue;
        };
        let acceptor = acceptor.clone();
        let state = state.clone();
        let mut stop = stop.clone();
        connections.spawn(async move {
            let Ok(Ok(tls)) =
                tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await
            else {
                return;
            };
            let peer = tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|certs| certs.first())
                .map(|cert| pki::fingerprint(cert.as_ref()));
            let service =
                service_fn(move |req| api::handle(state.clone(), peer.clone(), remote.ip(), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    // Requests being answered finish (long polls end at once on stop).
    while connections.join_next().await.is_some() {}
}

impl RelayHandle {
    /// Starts an instance: migrates the database, opens the listener, and runs the API, the
    /// senders (one per configured FK environment), the lease and the notification listener.
    pub async fn start(config: &Config) -> Result<Self, RelayError> {
        let pool = Pool::new(&config.database_url);
        db::migrate(&pool).await?;
        let ca = pki::RelayCa::load(&config.tls.ca_cert, &config.tls.ca_key)?;
        let acceptor = server_tls(config, ca.cert_der())?;
        let mut roots = HashMap::new();
        let mut clients = Vec::new();
        for (environment, fk) in &config.fk {
            roots.insert(environment.clone(), bankid_roots(environment, fk)?);
            clients.push((environment.clone(), fk.clone(), fk_client(environment, fk)?));
        }
        let mut bankid = bankid::Services::new();
        for (environment, settings) in &config.bankid {
            bankid.insert(
                environment.clone(),
                Arc::new(bankid::BankIdService::from_config(environment, settings)?),
            );
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| RelayError::Listen {
                addr: config.listen.to_string(),
                reason: e.to_string(),
            })?;
        let addr = listener.local_addr().map_err(|e| RelayError::Listen {
            addr: config.listen.to_string(),
            reason: e.to_string(),
        })?;
        let instance = Uuid::new_v4();
        let name = config.instance_name();
        queue::register_instance(&pool, instance, &name).await?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let (changes, _) = broadcast::channel(1024);
        let metrics = Arc::new(metrics::Metrics::default());
        let wake = Arc::new(Notify::new());
        let state = Arc::new(api::ApiState {
            pool: pool.clone(),
            ca,
            roots,
            client_cert_days: config.tls.client_cert_days,
            max_open: config.quotas.max_open_per_installation,
            max_wait: Duration::from_secs(config.queue.max_wait_secs),
            metrics: metrics.clone(),
            instance_name: name.clone(),
            wake: wake.clone(),
            changes: changes.clone(),
            stop: stop_rx.clone(),
            bankid,
        });
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(accept_loop(listener, acceptor, state, stop_rx.clone()));
        tasks.spawn(listen_loop(
            config.database_url.clone(),
            changes,
            stop_rx.clone(),
        ));
        tasks.spawn(sender::lease_loop(
            pool.clone(),
            instance,
            config.queue.lease_secs,
            stop_rx.clone(),
        ));
        tasks.spawn(bankid::clean_up_loop(pool.clone(), stop_rx.clone()));
        for (environment, fk, client) in clients {
            tasks.spawn(sender::run(
                pool.clone(),
                client,
                sender::SenderSettings {
                    environment,
                    spacing: fk.effective_spacing(),
                    max_in_flight: config.queue.max_in_flight,
                    max_sends_per_hour: config.quotas.max_sends_per_hour,
                },
                instance,
                metrics.clone(),
                wake.clone(),
                stop_rx.clone(),
            ));
        }
        tracing::info!(code = "started", instance = %instance, name = %name, addr = %addr, "relay started");
        Ok(Self {
            addr,
            instance,
            stop: stop_tx,
            tasks,
            pool,
        })
    }

    /// Where the API listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// This instance's id (in `relay_instances` and each attempt).
    pub fn instance(&self) -> Uuid {
        self.instance
    }

    /// Graceful shutdown: no new turns or connections; requests in flight get their answers
    /// recorded (up to `drain`), what is queued stays queued; the instance is marked stopped.
    pub async fn shutdown(mut self, drain: Duration) {
        let _ = self.stop.send(true);
        let drained = tokio::time::timeout(drain, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await
        .is_ok();
        if drained {
            let _ = queue::stop_instance(&self.pool, self.instance).await;
        } else {
            // Something is still out: leave the lease to run out, so its rows become
            // uncertain rather than resent.
            tracing::warn!(
                code = "drain_timeout",
                "requests still in flight at shutdown"
            );
            self.tasks.abort_all();
        }
        tracing::info!(code = "stopped", instance = %self.instance, "relay stopped");
    }

    /// Stops at once without recording anything (as a crash would): for tests.
    pub fn abort(mut self) {
        self.tasks.abort_all();
    }
}
