//! Where reports go: the demo's stand-in FK or FK's test or production service with the
//! provider's certificate, from the data folder's settings or overridden per run.
//!
//! **Nothing here starts a fake.** Like BankID's ([`crate::signing::StandInBankId`]), the demo's
//! FK is started at the edge — the demo wiring of the command line and of the desktop shell —
//! which hands the app only its address, the CA that signed its server certificate and the
//! client identity it accepts ([`StandInFk`], [`App::connect_stand_in_fk`]); the app refuses it
//! in a folder with real data. What the edge needs to start it the app tells it
//! ([`App::demo_fk_setup`]: the journal in the demo folder, the demo BankID's roots). Test and
//! prod ([`App::connect`]) use the address, CA and client certificate from the settings.

use std::path::{Path, PathBuf};

use assistid_core::secret::Sensitive;
use assistid_elt::client::Timeouts;
use assistid_elt::{
    CertHealth, EltClient, EltError, Environment, EnvironmentConfig, TrustAnchor,
    check_data_matches_environment,
};
use assistid_store::DataKind;
use assistid_store::settings::{
    ELT_CLIENT_CERT_PATH, ELT_ENVIRONMENT, elt_ca_path_key, elt_ca_pem_key, elt_endpoint_key,
};
use chrono::{DateTime, Utc};

use crate::{App, AppError};

/// The environment variable with the client certificate's password (headless use).
pub const CLIENT_CERT_PASSWORD_ENV: &str = "ASSISTID_CLIENT_CERT_PASSWORD";
/// The OS keychain service under which the client certificate's password is kept.
pub const CLIENT_CERT_KEYCHAIN_SERVICE: &str = "se.assistid.elt-client-certificate";
/// The value of the CA setting that means "the operating system's roots" (an explicit choice).
pub const SYSTEM_ROOTS: &str = "system";

/// Where, inside the data folder, the demo environment's fake FK keeps its journal (what it
/// received and answered, flushed to disk before each answer): like the real FK it remembers
/// accepted reports across runs of the program, so a resend shows up as a duplicate.
pub const DEMO_FK_JOURNAL: &str = "demo-fk/journal.jsonl";

/// An FK service that is not FK's own — the demo's stand-in, started by the caller's demo
/// wiring — as the app receives it: an address and trust anchors, nothing else.
#[derive(Clone)]
pub struct StandInFk {
    /// The service's address (`https://127.0.0.1:…/…`).
    pub endpoint: String,
    /// The CA certificate (PEM) that signed the service's TLS certificate: the only one trusted.
    pub ca_pem: String,
    /// The client identity (PKCS#12) the service accepts.
    pub client_identity_p12: Vec<u8>,
    /// The PKCS#12 file's password.
    pub password: Sensitive<String>,
}

impl std::fmt::Debug for StandInFk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandInFk")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// What the demo wiring needs to start the demo's FK for a demo folder
/// ([`App::demo_fk_setup`]).
#[derive(Debug, Clone)]
pub struct DemoFkSetup {
    /// The fake's journal in the demo folder ([`DEMO_FK_JOURNAL`]).
    pub journal: PathBuf,
    /// The demo BankID's user-certificate roots (DER) saved in the folder: the fake checks each
    /// signature's chain and OCSP answer against them, as FK checks against BankID's.
    pub bankid_roots: Vec<Vec<u8>>,
}

/// How to reach FK for one run; everything not given comes from the settings.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// The environment.
    pub environment: Environment,
    /// Another service address (e.g. another FK test service).
    pub endpoint: Option<String>,
    /// A PEM file with the CA to trust for the server.
    pub ca_file: Option<PathBuf>,
    /// The client certificate (PKCS#12).
    pub client_cert: Option<PathBuf>,
    /// The client certificate's password; when absent it is read from
    /// [`CLIENT_CERT_PASSWORD_ENV`] or the OS keychain.
    pub password: Option<Sensitive<String>>,
    /// Connect and read timeouts.
    pub timeouts: Timeouts,
    /// Which key of the certificate file to use when it holds several for client
    /// authentication (its name or serial number); when absent, the setting
    /// [`ELT_CLIENT_CERT_KEY`] in the data folder, if any.
    pub client_cert_key: Option<String>,
}

/// The setting with the user's choice of key when the certificate file holds several for
/// client authentication (its name or serial number).
pub const ELT_CLIENT_CERT_KEY: &str = "elt.client_cert_key";

/// The environment variables through which a system proxy is set (reqwest reads them, with
/// `NO_PROXY`); when one is set, FK is reached through it.
pub const PROXY_ENV: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];

/// Whether the address names this computer (`localhost`, `127.x`, `[::1]`).
fn is_loopback(endpoint: &str) -> bool {
    let rest = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest)
        .to_ascii_lowercase();
    rest.starts_with("localhost") || rest.starts_with("127.") || rest.starts_with("[::1]")
}

/// Whether a system proxy is set for HTTPS ([`PROXY_ENV`]).
pub fn system_proxy_is_set() -> bool {
    PROXY_ENV
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

impl ConnectOptions {
    /// The settings' values for `environment`, default timeouts.
    pub fn new(environment: Environment) -> Self {
        Self {
            environment,
            endpoint: None,
            ca_file: None,
            client_cert: None,
            password: None,
            timeouts: Timeouts::default(),
            client_cert_key: None,
        }
    }
}

/// A ready ELT client for one environment. It owns no service: the demo's stand-in FK is
/// kept running by whoever started it.
#[derive(Debug)]
pub struct EltConnection {
    environment: Environment,
    client: EltClient,
    endpoint: String,
}

impl EltConnection {
    /// A connection over an already built client (tests, benchmarks, a relay).
    pub fn from_client(
        environment: Environment,
        endpoint: impl Into<String>,
        client: EltClient,
    ) -> Self {
        Self {
            environment,
            client,
            endpoint: endpoint.into(),
        }
    }

    /// The environment.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The service address.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The client.
    pub fn client(&self) -> &EltClient {
        &self.client
    }

    /// The client certificate's health at `now` (warns from 30 days before expiry).
    pub fn certificate_health(&self, now: DateTime<Utc>) -> Option<CertHealth> {
        self.client.certificate_health(now)
    }
}

fn elt_setup_error(e: EltError) -> anyhow::Error {
    AppError::invalid("anslutning till Försäkringskassan", e).into()
}

fn read_file(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        AppError::invalid_with(
            what,
            crate::invalid::templates::FILE_UNREADABLE
                .with("path", path.display().to_string())
                .with("error", e.to_string()),
        )
        .into()
    })
}

/// The keychain account under [`CLIENT_CERT_KEYCHAIN_SERVICE`] that holds the password of the
/// data folder's FK client certificate: named by the identity stored in the folder
/// (`folder:<uuid>`, [`assistid_store::key::folder_identity`]), not by its path, so the password
/// follows the folder when it is moved or renamed (issue 20), like the database key.
pub fn client_cert_keychain_account(data_dir: &Path) -> anyhow::Result<String> {
    Ok(format!(
        "folder:{}",
        assistid_store::key::folder_identity(data_dir)?
    ))
}

/// The password from the folder's entry, else from the entry an older Assistid named by the
/// folder's path (where it was imported before the folder had an identity).
fn password_from_keychain(data_dir: &Path) -> Option<Sensitive<String>> {
    let read = |account: &str| {
        keyring::Entry::new(CLIENT_CERT_KEYCHAIN_SERVICE, account)
            .ok()?
            .get_password()
            .ok()
            .map(Sensitive::new)
    };
    client_cert_keychain_account(data_dir)
        .ok()
        .and_then(|account| read(&account))
        .or_else(|| read(&data_dir.display().to_string()))
}

impl App {
    /// The demo fake FK's journal in this data folder ([`DEMO_FK_JOURNAL`]).
    pub fn demo_fk_journal_path(&self) -> PathBuf {
        self.data_dir().join(DEMO_FK_JOURNAL)
    }

    /// Whether the data folder holds demo or real data. A folder made before the marker
    /// existed counts as demo data if its provider is the demo provider, else as real data.
    pub fn data_kind(&self) -> anyhow::Result<DataKind> {
        if let Some(kind) = self.store().data_kind().map_err(AppError::from)? {
            return Ok(kind);
        }
        let demo_org = crate::demo::demo_data()?.provider.org_number;
        Ok(match self.provider()? {
            Some(p) if p.org_number == demo_org => DataKind::Demo,
            _ => DataKind::Real,
        })
    }

    /// The environment to send to when none is given: the `elt.environment` setting, else the
    /// demo for demo data. Real data needs an explicit choice.
    pub fn default_environment(&self) -> anyhow::Result<Environment> {
        if let Some(text) = self
            .store()
            .setting(ELT_ENVIRONMENT)
            .map_err(AppError::from)?
        {
            return text
                .parse::<Environment>()
                .map_err(|e| AppError::invalid(ELT_ENVIRONMENT, e).into());
        }
        match self.data_kind()? {
            DataKind::Demo => Ok(Environment::Demo),
            DataKind::Real => Err(AppError::missing_text(
                crate::error::templates::CHOOSE_ENVIRONMENT.text(),
            )
            .into()),
        }
    }

    /// Refuses demo data to a real FK and real data to the fake, with a clear message.
    pub fn check_environment(&self, environment: Environment) -> anyhow::Result<()> {
        let is_demo = self.data_kind()? == DataKind::Demo;
        check_data_matches_environment(environment, is_demo)
            .map_err(|e| AppError::invalid("miljö", e).into())
    }

    /// What the demo wiring needs to start the demo's FK for this folder: the journal it keeps
    /// here and the demo BankID's user-certificate roots saved here (the fake checks each
    /// signature against them, as FK checks against BankID's roots). Refused in a folder with
    /// real data (`demo_fk_in_real_folder`): nothing there may be sent to the demo's FK.
    pub fn demo_fk_setup(&self) -> anyhow::Result<DemoFkSetup> {
        self.refuse_demo_fk_outside_demo()?;
        Ok(DemoFkSetup {
            journal: self.demo_fk_journal_path(),
            bankid_roots: self.bankid_user_roots(crate::signing::BankIdEnvironment::Demo)?,
        })
    }

    /// Connects to a stand-in FK (the demo's, started by the caller) — only in the demo
    /// folder: in a folder with real data it is refused (`demo_fk_in_real_folder`). The server
    /// is trusted by the stand-in's own CA only; the connection's environment is the demo.
    pub fn connect_stand_in_fk(&self, stand_in: StandInFk) -> anyhow::Result<EltConnection> {
        self.refuse_demo_fk_outside_demo()?;
        let StandInFk {
            endpoint,
            ca_pem,
            client_identity_p12,
            password,
        } = stand_in;
        let client = EltClient::builder()
            .endpoint(endpoint.clone())
            .identity(client_identity_p12, password)
            .trust(TrustAnchor::PinnedCa(ca_pem))
            .timeouts(Timeouts::default())
            .build()
            .map_err(elt_setup_error)?;
        Ok(EltConnection::from_client(
            Environment::Demo,
            endpoint,
            client,
        ))
    }

    fn refuse_demo_fk_outside_demo(&self) -> anyhow::Result<()> {
        if self.data_kind()? != DataKind::Demo {
            return Err(crate::signing::wrong_environment(
                "demo_fk_in_real_folder",
                crate::error::templates::DEMO_FK_IN_REAL_FOLDER.text(),
            )
            .into());
        }
        Ok(())
    }

    /// Connects to FK's service of the environment: the address, CA and client certificate
    /// come from `options` or the settings, the password from `options`,
    /// [`CLIENT_CERT_PASSWORD_ENV`] or the OS keychain. Refuses a mismatch between the data
    /// and the environment first. The demo's FK is the stand-in its demo wiring starts
    /// ([`App::connect_stand_in_fk`]); asked here without an address, it is refused
    /// (`demo_fk_not_started`).
    pub fn connect(&self, options: &ConnectOptions) -> anyhow::Result<EltConnection> {
        self.check_environment(options.environment)?;
        let env = options.environment;
        if env == Environment::Demo && options.endpoint.is_none() {
            return Err(crate::signing::wrong_environment(
                "demo_fk_not_started",
                crate::error::templates::DEMO_FK_NOT_STARTED.text(),
            )
            .into());
        }
        let store = self.store();
        let setting = |key: &str| store.setting(key).map_err(AppError::from);
        let endpoint = match &options.endpoint {
            Some(e) => e.clone(),
            None => match setting(&elt_endpoint_key(env.as_str()))? {
                Some(e) => e,
                None => EnvironmentConfig::fk_default(env, TrustAnchor::SystemRoots)
                    .map(|c| c.endpoint)
                    .ok_or_else(|| {
                        AppError::missing_text(crate::error::templates::NO_ADDRESS.text())
                    })?,
            },
        };
        // A CA file given for this run wins; then FK's CA imported in the settings (kept in
        // the database); then the path setting (`system` or a PEM file).
        let imported_ca = match &options.ca_file {
            Some(_) => None,
            None => setting(&elt_ca_pem_key(env.as_str()))?,
        };
        let ca = match &options.ca_file {
            Some(path) => Some(path.display().to_string()),
            None => setting(&elt_ca_path_key(env.as_str()))?,
        };
        let trust = match (imported_ca, ca.as_deref()) {
            (Some(pem), _) => TrustAnchor::PinnedCa(pem),
            (None, Some(SYSTEM_ROOTS)) => TrustAnchor::SystemRoots,
            (None, Some(path)) => {
                let pem = read_file(Path::new(path), "CA-fil")?;
                TrustAnchor::PinnedCa(String::from_utf8(pem).map_err(|_| {
                    AppError::invalid_with(
                        "CA-fil",
                        crate::invalid::templates::NOT_A_PEM_FILE.with("path", path.to_string()),
                    )
                })?)
            }
            (None, None) => {
                return Err(AppError::missing_text(
                    crate::error::templates::NO_TRUST_CHOSEN
                        .with("environment", assistid_elt::texts::environment_text(env))
                        .with("setting", elt_ca_path_key(env.as_str()))
                        .with("system_roots", SYSTEM_ROOTS),
                )
                .into());
            }
        };
        // A file given for this run wins; then the certificate imported in the settings
        // (kept in the encrypted database); then the path setting.
        let imported = match &options.client_cert {
            Some(_) => None,
            None => self.imported_pkcs12(crate::certificates::CertificatePurpose::FkClient)?,
        };
        let p12 = match imported {
            Some(bytes) => bytes,
            None => {
                let cert_path = match &options.client_cert {
                    Some(path) => path.clone(),
                    None => PathBuf::from(setting(ELT_CLIENT_CERT_PATH)?.ok_or_else(|| {
                        AppError::missing_text(
                            crate::error::templates::NO_CLIENT_CERT
                                .with("setting", ELT_CLIENT_CERT_PATH),
                        )
                    })?),
                };
                read_file(&cert_path, "certifikatfil")?
            }
        };
        let password = match &options.password {
            Some(p) => p.clone(),
            None => match std::env::var(CLIENT_CERT_PASSWORD_ENV) {
                Ok(p) if !p.is_empty() => Sensitive::new(p),
                _ => password_from_keychain(self.data_dir()).ok_or_else(|| {
                    AppError::missing_text(
                        crate::error::templates::NO_CLIENT_CERT_PASSWORD
                            .with("variable", CLIENT_CERT_PASSWORD_ENV),
                    )
                })?,
            },
        };
        let client_key = match &options.client_cert_key {
            Some(choice) => Some(choice.clone()),
            None => setting(ELT_CLIENT_CERT_KEY)?,
        };
        let client = EltClient::builder()
            .endpoint(endpoint.clone())
            .identity(p12, password)
            .client_key(client_key)
            .trust(trust)
            .timeouts(options.timeouts)
            // An office that reaches the internet through a proxy reaches FK through it too.
            // (Never for a service on this computer itself: the fake FK, a local relay.)
            .use_system_proxy(system_proxy_is_set() && !is_loopback(&endpoint))
            .build()
            .map_err(elt_setup_error)?;
        Ok(EltConnection::from_client(env, endpoint, client))
    }
}
