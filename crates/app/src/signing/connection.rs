//! Which BankID the app talks to, and the trust anchors it checks signatures against.
//!
//! **One environment per data folder.** The data folder's environment
//! ([`App::bankid_environment`]: demo for the demo folder, FK's test or production service as
//! chosen for a folder with real data) decides BankID's as well: demo → the demo's stand-in
//! BankID, test → BankID's test service, prod → BankID in production. Nothing here starts a
//! fake: the demo wiring of the command line and of the desktop shell starts the stand-in and
//! hands over only its address, TLS root, RP identity and user-certificate root
//! ([`StandInBankId`], [`App::connect_stand_in_bankid`]), which is refused in a folder with
//! real data. Test and prod ([`App::connect_bankid`]) use BankID's own addresses with the
//! provider's RP certificate.
//!
//! - demo: the stand-in's user-certificate roots are saved in `<data>/demo-pki/` so that
//!   signatures made in earlier demo runs still verify (public certificates only).
//! - test / prod: the RP certificate is a PKCS#12 file (imported in the settings, else a path
//!   setting) whose password comes from `ASSISTID_BANKID_CERT_PASSWORD` (headless) or the OS
//!   keychain; the user-certificate roots come from [`App::bankid_user_roots`], the one place
//!   that chooses them by environment: BankID's roots shipped and pinned in the bankid crate
//!   (test: plus an optional root file from the settings, for a stand-in for BankID's test
//!   service; prod: the shipped root only). In test the service's address and TLS trust may
//!   be replaced in Settings (`crate::bankid_service`); production is always BankID's own.
//!
//! The RP certificate and root paths are kept per provider in the store's settings table,
//! under `bankid.settings.<organisationsnummer>` (JSON of [`BankIdSettings`]).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use assistid_bankid::{Client, Environment};
use assistid_core::secret::Sensitive;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use assistid_store::SignatureEnvironment;

use crate::{App, AppError};
use assistid_core::text::Text;

/// Why an environment does not fit: a stable code and a Swedish message (carried as
/// [`AppError::WrongEnvironment`]).
pub(crate) fn wrong_environment(code: &'static str, text: Text) -> AppError {
    AppError::told(code, text)
}

/// A BankID service that is not BankID's own — the demo's stand-in, started by the caller's
/// demo wiring — as the app receives it: an address and trust anchors, nothing else.
#[derive(Clone)]
pub struct StandInBankId {
    /// The service's base URL (`https://127.0.0.1:…/rp/v6.0`).
    pub base_url: String,
    /// The root certificate (PEM) of the service's TLS certificate.
    pub tls_root_pem: String,
    /// The RP identity (certificate and key, PEM) the service accepts.
    pub rp_identity_pem: Sensitive<String>,
    /// The root (DER) of the user certificates it signs with.
    pub user_root_der: Vec<u8>,
}

impl std::fmt::Debug for StandInBankId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandInBankId")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// The settings key prefix; the provider's organisationsnummer follows.
pub const SETTINGS_KEY_PREFIX: &str = "bankid.settings.";
/// The folder with the demo's user-certificate roots.
pub const DEMO_PKI_DIR: &str = "demo-pki";
/// The environment variable with the RP certificate's password (headless use).
pub const CERT_PASSWORD_ENV: &str = "ASSISTID_BANKID_CERT_PASSWORD";
/// The setting with the user's choice of key when the imported RP certificate file holds
/// several for client authentication (its name or serial number; empty: none), kept by
/// [`App::import_certificate_choosing_key`] and used by every connection to BankID.
pub const RP_CERT_KEY: &str = "bankid.rp_certificate_key";
/// The keychain service under which the RP certificate's password is kept (account: the
/// provider's organisationsnummer).
pub const KEYCHAIN_SERVICE: &str = "se.assistid.bankid-rp";

/// Which BankID a signature is made with: always the data folder's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BankIdEnvironment {
    /// The demo's stand-in BankID (no real BankID involved).
    Demo,
    /// BankID's test environment.
    Test,
    /// BankID in production.
    Prod,
}

impl BankIdEnvironment {
    /// `demo`, `test` or `prod`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::Test => "test",
            Self::Prod => "prod",
        }
    }

    /// The same environment as the store records it on a signature.
    pub fn stored(self) -> SignatureEnvironment {
        match self {
            Self::Demo => SignatureEnvironment::Demo,
            Self::Test => SignatureEnvironment::Test,
            Self::Prod => SignatureEnvironment::Prod,
        }
    }

    /// The BankID environment of a stored signature.
    pub fn of_stored(environment: SignatureEnvironment) -> Self {
        match environment {
            SignatureEnvironment::Demo => Self::Demo,
            SignatureEnvironment::Test => Self::Test,
            SignatureEnvironment::Prod => Self::Prod,
        }
    }

    /// The BankID environment that goes with FK's environment `fk`.
    pub fn for_fk(fk: assistid_elt::Environment) -> Self {
        match fk {
            assistid_elt::Environment::Demo => Self::Demo,
            assistid_elt::Environment::Test => Self::Test,
            // Production's rules are the strictest: an environment the elt crate may add
            // later gets them until it is mapped here.
            _ => Self::Prod,
        }
    }

    /// How the environment is named in messages: `demoläget`, `testmiljön`,
    /// `produktionsmiljön`.
    pub fn label_sv(self) -> &'static str {
        match self {
            Self::Demo => "demoläget",
            Self::Test => "testmiljön",
            Self::Prod => "produktionsmiljön",
        }
    }

    /// [`BankIdEnvironment::label_sv`] as a text, in any language.
    pub fn text(self) -> Text {
        assistid_elt::texts::environment_text(match self {
            Self::Demo => assistid_elt::Environment::Demo,
            Self::Test => assistid_elt::Environment::Test,
            Self::Prod => assistid_elt::Environment::Prod,
        })
    }
}

impl std::str::FromStr for BankIdEnvironment {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        match s {
            "demo" => Ok(Self::Demo),
            "test" => Ok(Self::Test),
            "prod" | "production" => Ok(Self::Prod),
            other => Err(AppError::invalid_with(
                "BankID-miljö",
                crate::invalid::templates::NO_SUCH_BANKID_ENVIRONMENT.with("value", other),
            )),
        }
    }
}

/// One provider's BankID settings for test and prod. Which BankID is used is not a setting of
/// its own: it is the data folder's environment ([`App::bankid_environment`]); an
/// `environment` field written by earlier versions is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BankIdSettings {
    /// The RP certificate (PKCS#12) for test/prod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_certificate: Option<PathBuf>,
    /// An extra user-certificate root (PEM or DER) trusted in the *test* environment only,
    /// beside BankID's shipped test root: for a stand-in for BankID's test service. Ignored
    /// in production, where only BankID's shipped production root is trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_root_ca: Option<PathBuf>,
}

impl App {
    fn provider_org(&self) -> anyhow::Result<String> {
        Ok(self
            .provider()?
            .ok_or_else(|| AppError::missing_text(crate::error::templates::NO_PROVIDER.text()))?
            .org_number
            .digits()
            .to_owned())
    }

    /// The provider's BankID settings (demo until chosen otherwise).
    pub fn bankid_settings(&self) -> anyhow::Result<BankIdSettings> {
        let key = format!("{SETTINGS_KEY_PREFIX}{}", self.provider_org()?);
        match self.store().setting(&key).map_err(AppError::from)? {
            Some(json) => serde_json::from_str(&json)
                .with_context(|| format!("inställningen {key} går inte att läsa")),
            None => Ok(BankIdSettings::default()),
        }
    }

    /// Saves the provider's BankID settings (paths of the RP certificate and of BankID's
    /// user-certificate root, for test and prod).
    pub fn save_bankid_settings(
        &self,
        settings: &BankIdSettings,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let key = format!("{SETTINGS_KEY_PREFIX}{}", self.provider_org()?);
        let json = serde_json::to_string(settings).context("BankID-inställningar")?;
        self.store()
            .set_setting(&key, &json, now)
            .map_err(AppError::from)?;
        Ok(())
    }

    /// Names an extra user-certificate root (PEM or DER) to trust in BankID's *test*
    /// environment, beside BankID's shipped test root: the way to trust a stand-in for
    /// BankID's test service (for example the fakes of the end-to-end walk). Only a folder
    /// working in the test environment takes it (`user_root_test_only`): production trusts
    /// BankID's shipped production root and nothing else, and the demo its own BankID. The
    /// file must hold a certificate; its path is saved in the settings.
    pub fn set_bankid_test_user_root(&self, path: &Path, now: DateTime<Utc>) -> anyhow::Result<()> {
        let environment = self.bankid_environment()?;
        if environment != BankIdEnvironment::Test {
            return Err(wrong_environment(
                "user_root_test_only",
                crate::error::templates::USER_ROOT_TEST_ONLY
                    .with("environment", environment.text()),
            )
            .into());
        }
        read_certificate(path)?;
        let mut settings = self.bankid_settings()?;
        settings.user_root_ca = Some(path.to_path_buf());
        self.save_bankid_settings(&settings, now)
    }

    /// The user-certificate roots signatures of `environment` are checked against (DER): the
    /// one place that chooses them by environment.
    ///
    /// - Demo: the stand-in roots saved in the demo folder (none in a folder with real data,
    ///   so a demo signature never verifies there).
    /// - Test: BankID's test root shipped with the bankid crate (pinned by fingerprint), plus
    ///   the root file named in the settings if one is set, and the root chosen in Settings
    ///   ([`App::set_bankid_user_root`]) — the way to trust a stand-in for BankID's test
    ///   service (for example the fakes the end-to-end walk runs against).
    /// - Prod: BankID's production root shipped with the bankid crate, and only it: a root
    ///   file named in the settings is never trusted in production.
    pub fn bankid_user_roots(
        &self,
        environment: BankIdEnvironment,
    ) -> anyhow::Result<Vec<Vec<u8>>> {
        match environment {
            BankIdEnvironment::Demo if self.data_kind()? != assistid_store::DataKind::Demo => {
                Ok(Vec::new())
            }
            BankIdEnvironment::Demo => demo_roots(self.data_dir()),
            BankIdEnvironment::Test => {
                let mut roots = assistid_bankid::user_roots::for_environment(&Environment::Test)
                    .map_err(|e| {
                        AppError::missing_text(Text::untranslated(
                            "bankid_user_roots",
                            e.to_string(),
                        ))
                    })?;
                if let Some(path) = self.bankid_settings()?.user_root_ca {
                    let extra = read_certificate(&path)?;
                    if !roots.contains(&extra) {
                        roots.push(extra);
                    }
                }
                // The root chosen in Settings (kept in the database), for test only.
                if let Some(extra) = self.bankid_test_user_root_der()?
                    && !roots.contains(&extra)
                {
                    roots.push(extra);
                }
                Ok(roots)
            }
            BankIdEnvironment::Prod => Ok(assistid_bankid::user_roots::for_environment(
                &Environment::Production,
            )
            .map_err(|e| {
                AppError::missing_text(Text::untranslated("bankid_user_roots", e.to_string()))
            })?),
        }
    }

    /// The data folder's BankID environment: the demo for the demo folder, else the FK
    /// environment chosen for the folder (test → BankID's test service, prod → BankID in
    /// production). A folder with real data where neither is chosen yet is refused
    /// (`environment_not_chosen`): nothing is signed before the folder says where it goes.
    pub fn bankid_environment(&self) -> anyhow::Result<BankIdEnvironment> {
        match self.environment_settings()?.environment {
            Some(fk) => Ok(BankIdEnvironment::for_fk(fk)),
            None => Err(wrong_environment(
                "environment_not_chosen",
                crate::error::templates::ENVIRONMENT_NOT_CHOSEN.text(),
            )
            .into()),
        }
    }

    /// Refuses `connection` unless it is the BankID of the data folder's environment
    /// (`bankid_other_environment`).
    pub fn check_bankid_connection(&self, connection: &BankIdConnection) -> anyhow::Result<()> {
        let folder = self.bankid_environment()?;
        if connection.environment != folder {
            return Err(wrong_environment(
                "bankid_other_environment",
                crate::error::templates::BANKID_OTHER_ENVIRONMENT
                    .with("folder", folder.text())
                    .with("connection", connection.environment.text()),
            )
            .into());
        }
        Ok(())
    }

    /// Connects to BankID's service of the data folder's environment (test or prod) with the
    /// provider's RP certificate. The demo folder's BankID is the stand-in its demo wiring
    /// starts ([`App::connect_stand_in_bankid`]); asked here, it is refused.
    ///
    /// A folder that sends through the vendor's relay gets a connection whose orders the
    /// relay makes with the vendor's RP certificate (`signing::relay`); no RP certificate of
    /// the provider is needed then.
    pub fn connect_bankid(&self) -> anyhow::Result<BankIdConnection> {
        let environment = self.bankid_environment()?;
        if environment != BankIdEnvironment::Demo
            && self.sending_mode()? == crate::submit::SendingMode::Relay
        {
            return Ok(BankIdConnection {
                environment,
                via: Via::Relay(self.relay_orders()?),
                user_roots: self.bankid_user_roots(environment)?,
            });
        }
        let bankid_environment = match environment {
            BankIdEnvironment::Demo => {
                return Err(wrong_environment(
                    "demo_bankid_not_started",
                    crate::error::templates::DEMO_BANKID_NOT_STARTED.text(),
                )
                .into());
            }
            BankIdEnvironment::Test => Environment::Test,
            BankIdEnvironment::Prod => Environment::Production,
        };
        // Test only: the address and TLS trust chosen in Settings (a stand-in for BankID's
        // test service). Production is always BankID's own address and pinned TLS root.
        let (bankid_environment, base_url) = match environment {
            BankIdEnvironment::Test => {
                let overrides = self.bankid_test_overrides()?;
                (
                    overrides.environment(),
                    Some(overrides.endpoint().to_owned()),
                )
            }
            _ => (bankid_environment, None),
        };
        let settings = self.bankid_settings()?;
        // The certificate imported in the settings wins over a path setting.
        let pkcs12 =
            match self.imported_pkcs12(crate::certificates::CertificatePurpose::BankIdRp)? {
                Some(bytes) => bytes,
                None => {
                    let cert_path = settings.rp_certificate.ok_or_else(|| {
                        AppError::missing_text(
                            crate::error::templates::BANKID_RP_CERT_MISSING
                                .with("environment", environment.text()),
                        )
                    })?;
                    std::fs::read(&cert_path)
                        .with_context(|| format!("kunde inte läsa {}", cert_path.display()))?
                }
            };
        let password = rp_password(&self.provider_org()?)?;
        let key_choice = self
            .store()
            .setting(RP_CERT_KEY)
            .map_err(AppError::from)?
            .filter(|choice| !choice.trim().is_empty());
        let mut builder = Client::builder(bankid_environment);
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        let client = builder
            .identity_pkcs12_choosing(&pkcs12, &password, key_choice.as_deref())?
            .build()?;
        Ok(BankIdConnection {
            environment,
            via: Via::Direct(client),
            user_roots: self.bankid_user_roots(environment)?,
        })
    }

    /// Connects to a stand-in BankID (the demo's, started by the caller) — only in the demo
    /// folder: in a folder with real data it is refused (`demo_bankid_in_real_folder`). Its
    /// user-certificate root is saved in `<data>/demo-pki/` beside the earlier ones.
    pub fn connect_stand_in_bankid(
        &self,
        stand_in: StandInBankId,
    ) -> anyhow::Result<BankIdConnection> {
        if self.data_kind()? != assistid_store::DataKind::Demo {
            return Err(wrong_environment(
                "demo_bankid_in_real_folder",
                crate::error::templates::DEMO_BANKID_IN_REAL_FOLDER.text(),
            )
            .into());
        }
        save_demo_root(self.data_dir(), &stand_in.user_root_der)?;
        let client = Client::builder(Environment::Custom(stand_in.tls_root_pem))
            .base_url(stand_in.base_url)
            .identity_pem(stand_in.rp_identity_pem)
            .build()?;
        let mut user_roots = demo_roots(self.data_dir())?;
        if !user_roots.contains(&stand_in.user_root_der) {
            user_roots.push(stand_in.user_root_der);
        }
        Ok(BankIdConnection {
            environment: BankIdEnvironment::Demo,
            via: Via::Direct(client),
            user_roots,
        })
    }
}

fn rp_password(org: &str) -> anyhow::Result<Sensitive<String>> {
    if let Some(value) = std::env::var_os(CERT_PASSWORD_ENV) {
        return Ok(Sensitive::new(value.to_string_lossy().into_owned()));
    }
    let entry = keyring::Entry::new(KEYCHAIN_SERVICE, org).map_err(|e| {
        AppError::missing_text(
            crate::error::templates::KEYCHAIN_UNUSABLE.with("reason", e.to_string()),
        )
    })?;
    let password = entry.get_password().map_err(|e| {
        AppError::missing_text(
            crate::error::templates::RP_PASSWORD_MISSING
                .with("reason", e.to_string())
                .with("variable", CERT_PASSWORD_ENV),
        )
    })?;
    Ok(Sensitive::new(password))
}

/// A certificate file, PEM (first block) or DER.
fn read_certificate(path: &Path) -> anyhow::Result<Vec<u8>> {
    use base64::Engine as _;
    let bytes =
        std::fs::read(path).with_context(|| format!("kunde inte läsa {}", path.display()))?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(bytes);
    };
    let Some(start) = text.find("-----BEGIN CERTIFICATE-----") else {
        return Ok(bytes);
    };
    let body = &text[start + "-----BEGIN CERTIFICATE-----".len()..];
    let end = body
        .find("-----END CERTIFICATE-----")
        .with_context(|| format!("{} är inte ett helt PEM-certifikat", path.display()))?;
    let b64: String = body[..end].chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .with_context(|| format!("{} är inte ett giltigt PEM-certifikat", path.display()))
}

fn demo_pki_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(DEMO_PKI_DIR)
}

/// Every demo user-certificate root saved so far.
fn demo_roots(data_dir: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let dir = demo_pki_dir(data_dir);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("kunde inte läsa {}", dir.display())),
    };
    let mut roots = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("kunde inte läsa {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "der") {
            roots.push(
                std::fs::read(&path)
                    .with_context(|| format!("kunde inte läsa {}", path.display()))?,
            );
        }
    }
    Ok(roots)
}

/// Saves a demo root (owner-only folder and file) unless it is there already.
fn save_demo_root(data_dir: &Path, der: &[u8]) -> anyhow::Result<()> {
    let dir = demo_pki_dir(data_dir);
    assistid_store::owner_only::tighten_dir(&dir)
        .with_context(|| format!("kunde inte skapa {}", dir.display()))?;
    let name = format!("user-root-{}.der", &hex::encode(Sha256::digest(der))[..16]);
    let path = dir.join(name);
    if !path.exists() {
        crate::receipts::write_file(&path, der)?;
    }
    Ok(())
}

/// A ready BankID: the client and the user-certificate roots to verify against, for one
/// environment.
#[derive(Debug)]
pub struct BankIdConnection {
    pub(crate) environment: BankIdEnvironment,
    pub(crate) via: Via,
    pub(crate) user_roots: Vec<Vec<u8>>,
}

/// Who makes the orders: BankID called directly with the provider's RP certificate, or the
/// vendor's relay with the vendor's.
#[derive(Debug)]
pub(crate) enum Via {
    /// Straight to BankID.
    Direct(Client),
    /// Through the vendor's relay.
    Relay(super::relay::RelayOrders),
}

impl BankIdConnection {
    /// Which BankID this is.
    pub fn environment(&self) -> BankIdEnvironment {
        self.environment
    }

    /// The address orders go to (BankID's own, or in test the one chosen in Settings; the
    /// relay's address when the folder signs through the vendor's relay).
    pub fn base_url(&self) -> &str {
        match &self.via {
            Via::Direct(client) => client.base_url(),
            Via::Relay(relay) => relay.address(),
        }
    }

    /// Whether orders go through the vendor's relay (with the vendor's RP certificate).
    pub fn via_relay(&self) -> bool {
        matches!(self.via, Via::Relay(_))
    }

    /// The relay's side of a connection through the vendor's relay; `None` for a direct one.
    pub(crate) fn relay_orders(&self) -> Option<&super::relay::RelayOrders> {
        match &self.via {
            Via::Direct(_) => None,
            Via::Relay(relay) => Some(relay),
        }
    }

    /// The BankID client of a direct connection; `None` through the relay.
    pub(crate) fn direct_client(&self) -> Option<&Client> {
        match &self.via {
            Via::Direct(client) => Some(client),
            Via::Relay(_) => None,
        }
    }
}
