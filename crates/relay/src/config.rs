//! The relay's configuration file (TOML), read once at start.
//!
//! ```
//! let text = r#"
//! listen = "127.0.0.1:8443"
//! database_url = "host=/var/run/postgresql dbname=assistid_relay user=assistid_relay"
//! [tls]
//! ca_cert = "/etc/assistid-relay/ca.pem"
//! ca_key = "/etc/assistid-relay/ca-key.pem"
//! server_cert = "/etc/assistid-relay/server.pem"
//! server_key = "/etc/assistid-relay/server-key.pem"
//! [fk.test]
//! endpoint = "https://fk.example.invalid/elt"
//! ca_pem = "/etc/assistid-relay/fk-ca.pem"
//! client_p12 = "/etc/assistid-relay/vendor.p12"
//! client_password_env = "ASSISTID_RELAY_FK_PASSWORD"
//! "#;
//! let config = assistid_relay::config::Config::from_toml(text).expect("a valid file");
//! assert_eq!(config.fk.len(), 1);
//! assert_eq!(config.fk["test"].spacing_ms, 1000);
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assistid_core::secret::Sensitive;
use serde::Deserialize;

use crate::error::ConfigError;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the HTTPS API listens.
    pub listen: SocketAddr,
    /// PostgreSQL connection string (libpq key=value form or `postgresql://` URL). A password
    /// belongs in `~/.pgpass` or `PGPASSWORD`-free peer authentication, not here.
    pub database_url: String,
    /// This instance's name in logs and the instance table (default: the host name and the
    /// process id).
    #[serde(default)]
    pub instance_name: Option<String>,
    /// The relay's own CA and the server certificate.
    pub tls: TlsConfig,
    /// FK's service per environment (`test`, `prod`); an environment that is not here is
    /// refused.
    pub fk: BTreeMap<String, FkConfig>,
    /// BankID per environment (`test`, `prod`): the vendor's RP certificate orders are started
    /// with (docs/RELAY.md, "BankID orders"). An environment that is not here has no orders.
    #[serde(default)]
    pub bankid: BTreeMap<String, BankIdConfig>,
    /// Limits per installation.
    #[serde(default)]
    pub quotas: Quotas,
    /// Timings of the queue.
    #[serde(default)]
    pub queue: QueueConfig,
}

/// Certificates and keys of the relay itself (PEM files).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The relay's CA certificate: it issues the installations' client certificates, and only
    /// client certificates under it are accepted.
    pub ca_cert: PathBuf,
    /// The CA's private key (PKCS#8 PEM, owner-only).
    pub ca_key: PathBuf,
    /// The server certificate chain the API presents.
    pub server_cert: PathBuf,
    /// Its private key (PKCS#8 PEM, owner-only).
    pub server_key: PathBuf,
    /// Days an installation's client certificate is valid (default 730).
    #[serde(default = "default_client_days")]
    pub client_cert_days: u32,
    /// Days an enrolment code is valid (default 14).
    #[serde(default = "default_code_days")]
    pub enrolment_code_days: u32,
}

fn default_client_days() -> u32 {
    730
}
fn default_code_days() -> u32 {
    14
}

/// One FK environment: where, with which vendor certificate, at which pace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FkConfig {
    /// The `SkickaTidredovisning` address (https).
    pub endpoint: String,
    /// FK's CA certificate (PEM); `"system"` for the operating system's roots.
    pub ca_pem: String,
    /// The vendor's PKCS#12 client certificate from FK.
    pub client_p12: PathBuf,
    /// A file holding the PKCS#12 password (owner-only), …
    #[serde(default)]
    pub client_password_file: Option<PathBuf>,
    /// … or the environment variable holding it.
    #[serde(default)]
    pub client_password_env: Option<String>,
    /// Which key of the PKCS#12 file, when it has several client keys.
    #[serde(default)]
    pub client_key: Option<String>,
    /// FK's spacing between two request starts, for the whole vendor (default 1000 ms).
    #[serde(default = "default_spacing")]
    pub spacing_ms: u64,
    /// Added to the spacing against clock and network jitter (default 5 ms).
    #[serde(default = "default_margin")]
    pub margin_ms: u64,
    /// BankID user-certificate roots (PEM files) signatures must chain to; default BankID's
    /// pinned root of the environment (test or production).
    #[serde(default)]
    pub bankid_roots: Option<Vec<PathBuf>>,
    /// Seconds to wait for FK's answer (default 60).
    #[serde(default = "default_answer_timeout")]
    pub answer_timeout_secs: u64,
}

fn default_spacing() -> u64 {
    1000
}
fn default_margin() -> u64 {
    5
}
fn default_answer_timeout() -> u64 {
    60
}

impl FkConfig {
    /// The spacing the pacer keeps: FK's plus the margin.
    pub fn effective_spacing(&self) -> Duration {
        Duration::from_millis(self.spacing_ms.saturating_add(self.margin_ms))
    }

    /// Reads the PKCS#12 password from the file or the environment variable.
    pub fn password(&self) -> Result<Sensitive<String>, ConfigError> {
        match (&self.client_password_file, &self.client_password_env) {
            (Some(path), _) => std::fs::read_to_string(path)
                .map(|text| Sensitive::new(text.trim_end_matches(['\r', '\n']).to_owned()))
                .map_err(|e| ConfigError::Read {
                    path: path.clone(),
                    reason: e.to_string(),
                }),
            (None, Some(var)) => std::env::var(var)
                .map(Sensitive::new)
                .map_err(|_| ConfigError::PasswordMissing(var.clone())),
            (None, None) => Err(ConfigError::PasswordMissing(
                "client_password_file eller client_password_env".to_owned(),
            )),
        }
    }
}

/// One BankID environment: the vendor's RP certificate and where BankID is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankIdConfig {
    /// The vendor's RP certificate from its bank (PKCS#12).
    pub rp_p12: PathBuf,
    /// A file holding the PKCS#12 password (owner-only), …
    #[serde(default)]
    pub rp_password_file: Option<PathBuf>,
    /// … or the environment variable holding it.
    #[serde(default)]
    pub rp_password_env: Option<String>,
    /// Which key of the PKCS#12 file, when it has several client keys (name or serial).
    #[serde(default)]
    pub rp_key: Option<String>,
    /// BankID's RP API address (default BankID's own for the environment:
    /// `https://appapi2.test.bankid.com/rp/v6.0` or `https://appapi2.bankid.com/rp/v6.0`).
    #[serde(default)]
    pub address: Option<String>,
    /// The TLS root (PEM) BankID's server is trusted under (default BankID's pinned root of
    /// the environment); with `address`, for a stand-in for BankID's test service.
    #[serde(default)]
    pub tls_root: Option<PathBuf>,
    /// Orders one installation may have running at once (default 5); more are refused with
    /// `bankid_orders_limit`.
    #[serde(default = "default_max_orders")]
    pub max_open_orders_per_installation: i64,
    /// At most one `/collect` per order to BankID this often, however often installations ask
    /// (default 2000 ms, BankID's recommendation); in between the last answer is repeated with
    /// a fresh QR code.
    #[serde(default = "default_collect_interval")]
    pub collect_interval_ms: u64,
}

fn default_max_orders() -> i64 {
    5
}
fn default_collect_interval() -> u64 {
    2000
}

impl BankIdConfig {
    /// Reads the RP certificate's password from the file or the environment variable.
    pub fn password(&self) -> Result<Sensitive<String>, ConfigError> {
        secret(
            self.rp_password_file.as_deref(),
            self.rp_password_env.as_deref(),
            "rp_password_file eller rp_password_env",
        )
    }
}

fn secret(
    file: Option<&Path>,
    env: Option<&str>,
    missing: &str,
) -> Result<Sensitive<String>, ConfigError> {
    match (file, env) {
        (Some(path), _) => std::fs::read_to_string(path)
            .map(|text| Sensitive::new(text.trim_end_matches(['\r', '\n']).to_owned()))
            .map_err(|e| ConfigError::Read {
                path: path.to_owned(),
                reason: e.to_string(),
            }),
        (None, Some(var)) => std::env::var(var)
            .map(Sensitive::new)
            .map_err(|_| ConfigError::PasswordMissing(var.to_owned())),
        (None, None) => Err(ConfigError::PasswordMissing(missing.to_owned())),
    }
}

/// Per-installation limits, so one customer cannot crowd out the others.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quotas {
    /// Submissions an installation may have waiting (queued, sending, will retry, uncertain);
    /// more are refused with `quota_queue_full` (default 2000).
    #[serde(default = "default_max_open")]
    pub max_open_per_installation: i64,
    /// FK requests per installation and hour; 0 = no limit (default 0). Its queue waits.
    #[serde(default)]
    pub max_sends_per_hour: i64,
}

fn default_max_open() -> i64 {
    2000
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            max_open_per_installation: default_max_open(),
            max_sends_per_hour: 0,
        }
    }
}

/// Timings of the queue and the instance lease.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    /// An instance that has not renewed its lease for this long is gone: its `sending` rows
    /// become `uncertain` (default 30 s).
    #[serde(default = "default_lease")]
    pub lease_secs: u64,
    /// Requests one instance may have waiting for FK's answer at once (default 16).
    #[serde(default = "default_in_flight")]
    pub max_in_flight: usize,
    /// Longest long poll in seconds (default 60).
    #[serde(default = "default_long_poll")]
    pub max_wait_secs: u64,
    /// Seconds a graceful shutdown waits for requests in flight (default 90).
    #[serde(default = "default_drain")]
    pub drain_secs: u64,
}

fn default_lease() -> u64 {
    30
}
fn default_in_flight() -> usize {
    16
}
fn default_long_poll() -> u64 {
    60
}
fn default_drain() -> u64 {
    90
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            lease_secs: default_lease(),
            max_in_flight: default_in_flight(),
            max_wait_secs: default_long_poll(),
            drain_secs: default_drain(),
        }
    }
}

impl Config {
    /// Parses the file's text and checks what can be checked without files.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let config: Config =
            toml::from_str(text).map_err(|e| ConfigError::Syntax(e.message().to_owned()))?;
        for (name, fk) in &config.fk {
            if !matches!(name.as_str(), "test" | "prod") {
                return Err(ConfigError::UnknownEnvironment(name.clone()));
            }
            if !fk.endpoint.starts_with("https://") {
                return Err(ConfigError::Invalid(format!(
                    "fk.{name}.endpoint måste börja med https://"
                )));
            }
            if fk.spacing_ms == 0 {
                return Err(ConfigError::Invalid(format!(
                    "fk.{name}.spacing_ms måste vara större än 0"
                )));
            }
        }
        for (name, bankid) in &config.bankid {
            if !matches!(name.as_str(), "test" | "prod") {
                return Err(ConfigError::Invalid(format!(
                    "okänd BankID-miljö [bankid.{name}]: använd test eller prod"
                )));
            }
            if bankid
                .address
                .as_deref()
                .is_some_and(|a| !a.starts_with("https://"))
            {
                return Err(ConfigError::Invalid(format!(
                    "bankid.{name}.address måste börja med https://"
                )));
            }
            if bankid.max_open_orders_per_installation < 1 || bankid.collect_interval_ms == 0 {
                return Err(ConfigError::Invalid(format!(
                    "bankid.{name}.max_open_orders_per_installation och \
                     bankid.{name}.collect_interval_ms måste vara större än 0"
                )));
            }
        }
        if config.queue.max_in_flight == 0 || config.queue.lease_secs == 0 {
            return Err(ConfigError::Invalid(
                "queue.max_in_flight och queue.lease_secs måste vara större än 0".to_owned(),
            ));
        }
        Ok(config)
    }

    /// Reads and parses the file at `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        Self::from_toml(&text)
    }

    /// The instance name: configured, else host name and process id.
    pub fn instance_name(&self) -> String {
        self.instance_name.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname")
                .map(|h| h.trim().to_owned())
                .unwrap_or_else(|_| "relay".to_owned());
            format!("{host}-{}", std::process::id())
        })
    }
}
