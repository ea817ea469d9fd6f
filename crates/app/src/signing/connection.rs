//! Which BankID the app talks to, and the trust anchors it checks signatures against.
//!
//! - `demo`: the fake BankID runs in this process on loopback; the RP certificate and the TLS
//!   root come from its handle. Its user-certificate root is saved in `<data>/demo-pki/` so that
//!   signatures made in earlier demo runs still verify (the fake makes new CAs every start; it
//!   cannot yet load saved CA keys, so the folder keeps every demo root ever used, public
//!   certificates only).
//! - `test` / `prod`: BankID's real endpoints; the RP certificate is a PKCS#12 file whose
//!   password comes from `ASSISTID_BANKID_CERT_PASSWORD` (headless) or the OS keychain; the
//!   user-certificate root ("Test BankID Root CA v1 Test" / "BankID Root CA v1") is a required
//!   PEM or DER file, because the bankid crate embeds only the TLS roots.
//!
//! The choice is kept per provider in the store's settings table, under
//! `bankid.settings.<organisationsnummer>` (JSON of [`BankIdSettings`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use assistid_bankid::{Client, Environment};
use assistid_core::secret::Sensitive;
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{App, AppError};

/// The settings key prefix; the provider's organisationsnummer follows.
pub const SETTINGS_KEY_PREFIX: &str = "bankid.settings.";
/// The folder with the demo's user-certificate roots.
pub const DEMO_PKI_DIR: &str = "demo-pki";
/// The environment variable with the RP certificate's password (headless use).
pub const CERT_PASSWORD_ENV: &str = "ASSISTID_BANKID_CERT_PASSWORD";
/// The keychain service under which the RP certificate's password is kept (account: the
/// provider's organisationsnummer).
pub const KEYCHAIN_SERVICE: &str = "se.assistid.bankid-rp";

/// Which BankID to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BankIdEnvironment {
    /// The fake BankID in this process (no real BankID involved).
    #[default]
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
}

impl std::str::FromStr for BankIdEnvironment {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        match s {
            "demo" => Ok(Self::Demo),
            "test" => Ok(Self::Test),
            "prod" | "production" => Ok(Self::Prod),
            other => Err(AppError::invalid(
                "BankID-miljö",
                format!("\"{other}\" finns inte; välj demo, test eller prod"),
            )),
        }
    }
}

/// One provider's BankID settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BankIdSettings {
    /// Which BankID.
    pub environment: BankIdEnvironment,
    /// The RP certificate (PKCS#12) for test/prod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_certificate: Option<PathBuf>,
    /// BankID's user-certificate root (PEM or DER) for test/prod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_root_ca: Option<PathBuf>,
}

impl App {
    fn provider_org(&self) -> anyhow::Result<String> {
        Ok(self
            .provider()?
            .ok_or_else(|| AppError::Missing("ingen anordnare är registrerad ännu".into()))?
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

    /// Saves the provider's BankID settings. Test and prod need the RP certificate and the
    /// user-certificate root.
    pub fn save_bankid_settings(
        &self,
        settings: &BankIdSettings,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if settings.environment != BankIdEnvironment::Demo
            && (settings.rp_certificate.is_none() || settings.user_root_ca.is_none())
        {
            return Err(AppError::invalid(
                "BankID-inställningar",
                "test och prod kräver RP-certifikatet (PKCS#12) och BankID:s rotcertifikat för användarcertifikat",
            )
            .into());
        }
        let key = format!("{SETTINGS_KEY_PREFIX}{}", self.provider_org()?);
        let json = serde_json::to_string(settings).context("BankID-inställningar")?;
        self.store()
            .set_setting(&key, &json, now)
            .map_err(AppError::from)?;
        Ok(())
    }

    /// The user-certificate roots signatures of `environment` are checked against (DER).
    pub fn bankid_user_roots(
        &self,
        environment: BankIdEnvironment,
    ) -> anyhow::Result<Vec<Vec<u8>>> {
        match environment {
            BankIdEnvironment::Demo => demo_roots(self.data_dir()),
            BankIdEnvironment::Test | BankIdEnvironment::Prod => {
                let settings = self.bankid_settings()?;
                let path = settings.user_root_ca.ok_or_else(|| {
                    AppError::Missing(
                        "BankID:s rotcertifikat för användarcertifikat är inte inställt".into(),
                    )
                })?;
                Ok(vec![read_certificate(&path)?])
            }
        }
    }

    /// Connects to the BankID of `environment`: for demo, starts the fake BankID in this
    /// process (needs a running tokio runtime) and records its root in `<data>/demo-pki/`.
    pub async fn connect_bankid(
        &self,
        environment: BankIdEnvironment,
    ) -> anyhow::Result<BankIdConnection> {
        match environment {
            BankIdEnvironment::Demo => BankIdConnection::demo(self.data_dir()).await,
            BankIdEnvironment::Test | BankIdEnvironment::Prod => {
                let settings = self.bankid_settings()?;
                // The certificate imported in the settings wins over a path setting.
                let pkcs12 = match self
                    .imported_pkcs12(crate::certificates::CertificatePurpose::BankIdRp)?
                {
                    Some(bytes) => bytes,
                    None => {
                        let cert_path = settings.rp_certificate.ok_or_else(|| {
                            AppError::Missing("RP-certifikatet för BankID är inte inställt".into())
                        })?;
                        std::fs::read(&cert_path)
                            .with_context(|| format!("kunde inte läsa {}", cert_path.display()))?
                    }
                };
                let password = rp_password(&self.provider_org()?)?;
                let client = Client::builder(if environment == BankIdEnvironment::Test {
                    Environment::Test
                } else {
                    Environment::Production
                })
                .identity_pkcs12(&pkcs12, &password)?
                .build()?;
                Ok(BankIdConnection {
                    environment,
                    client,
                    user_roots: self.bankid_user_roots(environment)?,
                    demo: None,
                })
            }
        }
    }
}

fn rp_password(org: &str) -> anyhow::Result<Sensitive<String>> {
    if let Some(value) = std::env::var_os(CERT_PASSWORD_ENV) {
        return Ok(Sensitive::new(value.to_string_lossy().into_owned()));
    }
    let entry = keyring::Entry::new(KEYCHAIN_SERVICE, org)
        .map_err(|e| AppError::Missing(format!("nyckelringen kunde inte användas ({e})")))?;
    let password = entry.get_password().map_err(|e| {
        AppError::Missing(format!(
            "lösenordet till RP-certifikatet finns inte i nyckelringen ({e}); ange det i \
             {CERT_PASSWORD_ENV} för körning utan nyckelring"
        ))
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

/// A ready BankID: the client, the user-certificate roots to verify against, and in demo mode
/// the running fake (stopped when this is dropped).
#[derive(Debug)]
pub struct BankIdConnection {
    pub(crate) environment: BankIdEnvironment,
    pub(crate) client: Client,
    pub(crate) user_roots: Vec<Vec<u8>>,
    pub(crate) demo: Option<Arc<FakeBankId>>,
}

impl BankIdConnection {
    /// Starts the fake BankID (demo) with a new RP certificate, and saves its user root in
    /// `<data_dir>/demo-pki/`.
    pub async fn demo(data_dir: &Path) -> anyhow::Result<Self> {
        Self::demo_with(data_dir, FakeBankIdConfig::default()).await
    }

    /// Like [`BankIdConnection::demo`] with the fake's settings (tests shorten its timeouts).
    pub async fn demo_with(data_dir: &Path, config: FakeBankIdConfig) -> anyhow::Result<Self> {
        let fake = FakeBankId::start(config)
            .await
            .context("demo-BankID kunde inte starta")?;
        save_demo_root(data_dir, fake.user_root_der())?;
        let identity = fake
            .client_identity_pem()
            .context("demo-BankID:s RP-certifikat")?;
        let client = Client::builder(Environment::Custom(fake.ssl_root_pem().to_owned()))
            .base_url(fake.base_url())
            .identity_pem(Sensitive::new(identity))
            .build()?;
        let mut user_roots = demo_roots(data_dir)?;
        if !user_roots
            .iter()
            .any(|r| r.as_slice() == fake.user_root_der())
        {
            user_roots.push(fake.user_root_der().to_vec());
        }
        Ok(Self {
            environment: BankIdEnvironment::Demo,
            client,
            user_roots,
            demo: Some(Arc::new(fake)),
        })
    }

    /// Which BankID this is.
    pub fn environment(&self) -> BankIdEnvironment {
        self.environment
    }

    /// The running fake BankID in demo mode (tests act as the user's app through it).
    pub fn fake(&self) -> Option<&FakeBankId> {
        self.demo.as_deref()
    }
}
