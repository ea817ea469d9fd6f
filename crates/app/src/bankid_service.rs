//! BankID's *test* service as the data folder reaches it: its address, the certificate
//! authority its TLS certificate is checked against, and an extra root for the user
//! certificates it signs with — so that a vendor's stand-in or a BankID test proxy can take
//! the place of `appapi2.test.bankid.com`, configured in Settings as a user would.
//!
//! **Production stays pinned.** BankID in production is always reached at BankID's own
//! address, its TLS certificate checked against BankID's own root shipped with the program,
//! and signatures against BankID's production user-certificate root: every setter here
//! refuses production ([`BankIdServiceError::ProductionPinned`]), and
//! [`App::connect_bankid`] never reads these settings outside the test environment. The demo
//! folder talks only to the demo's own BankID ([`BankIdServiceError::DemoFolder`]).
//!
//! The settings (in the encrypted database, per data folder):
//! - `bankid.test.endpoint`: the base URL (`https://…/rp/v6.0`); absent → BankID's test
//!   address ([`BANKID_TEST_ENDPOINT`]).
//! - `bankid.test.server_ca_pem`: the CA certificates (PEM) the service's TLS certificate must
//!   chain to; absent → BankID's own test TLS root (shipped with the bankid crate). Never the
//!   computer's roots, never "accept anything".
//! - `bankid.test.user_root_pem`: one more user-certificate root (PEM) trusted in test beside
//!   BankID's shipped test root ([`App::bankid_user_roots`]).

use assistid_bankid::Environment;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::environments::CaCertificate;
use crate::signing::BankIdEnvironment;
use crate::{App, AppError};

/// BankID's own test address (RP API v6.0).
pub const BANKID_TEST_ENDPOINT: &str = "https://appapi2.test.bankid.com/rp/v6.0";
/// The setting with the test service's address.
pub const BANKID_TEST_ENDPOINT_KEY: &str = "bankid.test.endpoint";
/// The setting with the CA certificates (PEM) the test service's TLS certificate chains to.
pub const BANKID_TEST_SERVER_CA_KEY: &str = "bankid.test.server_ca_pem";
/// The setting with the extra user-certificate root (PEM) trusted in test.
pub const BANKID_TEST_USER_ROOT_KEY: &str = "bankid.test.user_root_pem";
/// A CA or root file is a few kilobytes; anything larger is refused before it is read.
pub const MAX_CERTIFICATE_FILE_BYTES: usize = 256 * 1024;

/// Why a BankID service setting was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BankIdServiceError {
    /// An override was asked for BankID in production, which is always BankID's own address
    /// and certificates.
    #[error(
        "BankID i produktionsmiljön nås alltid på BankID:s egen adress och kontrolleras mot \
         BankID:s egna certifikat, som följer med programmet; det går inte att ändra. Adress, \
         CA-fil och rotcertifikat kan bara väljas för BankID:s testmiljö. Ingenting ändrades."
    )]
    ProductionPinned,
    /// An override was asked for the demo's BankID, or in the demo folder.
    #[error(
        "Demoläget skriver under med demons egen BankID, som Assistid startar själv; den går \
         inte att ställa in. Välj testmiljön under Inställningar för att ange BankID-tjänstens \
         adress och certifikat. Ingenting ändrades."
    )]
    DemoFolder,
    /// The address is not an `https://` URL with a host name.
    #[error(
        "Adressen \"{endpoint}\" till BankID-tjänsten går inte att använda: den ska börja med \
         https:// och ha ett servernamn, t.ex. {BANKID_TEST_ENDPOINT}. Rätta adressen och spara \
         igen."
    )]
    InvalidEndpoint {
        /// The address as given.
        endpoint: String,
    },
    /// The file chosen as the service's CA cannot be used.
    #[error(
        "Filen går inte att använda som certifikat för BankID-tjänsten (CA-fil): {reason}. \
         Välj den PEM-fil (.pem, .crt eller .cer) som den som driver tjänsten lämnade."
    )]
    InvalidServerCa {
        /// What is wrong with the file (Swedish).
        reason: String,
    },
    /// The file chosen as the user-certificate root cannot be used.
    #[error(
        "Filen går inte att använda som rotcertifikat för BankID-underskrifter i testmiljön: \
         {reason}. Välj ett certifikat i PEM- eller DER-form (.pem, .crt, .cer eller .der)."
    )]
    InvalidUserRoot {
        /// What is wrong with the file (Swedish).
        reason: String,
    },
}

impl BankIdServiceError {
    /// A stable snake_case code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            BankIdServiceError::ProductionPinned => "bankid_production_pinned",
            BankIdServiceError::DemoFolder => "bankid_demo_fixed",
            BankIdServiceError::InvalidEndpoint { .. } => "invalid_endpoint",
            BankIdServiceError::InvalidServerCa { .. } => "invalid_ca",
            BankIdServiceError::InvalidUserRoot { .. } => "invalid_user_root",
        }
    }
}

/// BankID's test service as the data folder has it set up (Settings → BankID).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankIdTestService {
    /// The address orders go to.
    pub endpoint: String,
    /// Whether it is BankID's own test address.
    pub is_default: bool,
    /// The CA certificates the service's TLS certificate must chain to; empty: BankID's own
    /// test TLS root, shipped with the program.
    pub server_ca: Vec<CaCertificate>,
    /// The extra user-certificate root trusted beside BankID's test root, if one is chosen.
    pub user_root: Option<CaCertificate>,
}

/// What the test service's client is built from (read by [`App::connect_bankid`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct TestOverrides {
    pub(crate) endpoint: Option<String>,
    pub(crate) server_ca_pem: Option<String>,
}

impl TestOverrides {
    /// The bankid crate's environment for these overrides: BankID's own test service (its
    /// pinned TLS root) unless a CA was chosen.
    pub(crate) fn environment(&self) -> Environment {
        match &self.server_ca_pem {
            Some(pem) => Environment::Custom(pem.clone()),
            None => Environment::Test,
        }
    }

    /// The address: the chosen one, else BankID's test address.
    pub(crate) fn endpoint(&self) -> &str {
        self.endpoint.as_deref().unwrap_or(BANKID_TEST_ENDPOINT)
    }
}

fn certificates_of(pem: &str) -> Result<Vec<CaCertificate>, String> {
    assistid_elt::ca_certificates_info(pem.as_bytes())
        .map(|infos| {
            infos
                .into_iter()
                .map(|c| CaCertificate {
                    subject: c.subject,
                    not_after: c.not_after,
                })
                .collect()
        })
        .map_err(|e| match e {
            assistid_elt::EltError::InvalidTrustAnchor { reason } => reason,
            other => other.to_string(),
        })
}

/// PEM text of certificates only, at least one valid at `now`.
fn checked_pem(bytes: &[u8], now: DateTime<Utc>) -> Result<(String, Vec<CaCertificate>), String> {
    if bytes.len() > MAX_CERTIFICATE_FILE_BYTES {
        return Err(format!(
            "filen är {} kB, och ett certifikat är bara några få kB",
            bytes.len() / 1024
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) if text.contains("-----BEGIN") => text.trim().to_owned() + "\n",
        // Not PEM: one certificate in DER form, wrapped as PEM to be read the same way.
        _ => der_to_pem(bytes),
    };
    let certificates = certificates_of(&text)?;
    let last = certificates
        .iter()
        .map(|c| c.not_after)
        .max()
        .unwrap_or(now);
    if last <= now {
        return Err(format!(
            "certifikatet gick ut {}",
            last.with_timezone(&chrono_tz::Europe::Stockholm)
                .format("%Y-%m-%d")
        ));
    }
    Ok((text, certificates))
}

fn der_to_pem(der: &[u8]) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in encoded.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// The DER bytes of every certificate in `pem` (text already checked by
/// [`certificates_of`]).
pub(crate) fn pem_certificates_der(pem: &str) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find(BEGIN) {
        let body = &rest[start + BEGIN.len()..];
        let Some(end) = body.find(END) else { break };
        let b64: String = body[..end].chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(b64) {
            out.push(der);
        }
        rest = &body[end + END.len()..];
    }
    out
}

fn endpoint_is_usable(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let name = host.split(':').next().unwrap_or("");
    !name.is_empty()
        && !url.chars().any(char::is_whitespace)
        && !host.contains('@')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

impl App {
    /// Refuses everything but BankID's test service in a folder with real data.
    fn only_test_service(&self, environment: BankIdEnvironment) -> anyhow::Result<()> {
        match environment {
            BankIdEnvironment::Prod => Err(BankIdServiceError::ProductionPinned.into()),
            BankIdEnvironment::Demo => Err(BankIdServiceError::DemoFolder.into()),
            BankIdEnvironment::Test if self.data_kind()? == assistid_store::DataKind::Demo => {
                Err(BankIdServiceError::DemoFolder.into())
            }
            BankIdEnvironment::Test => Ok(()),
        }
    }

    /// BankID's test service as set up in this folder (address, TLS trust, extra root).
    pub fn bankid_test_service(&self) -> anyhow::Result<BankIdTestService> {
        let store = self.store();
        let endpoint = store
            .setting(BANKID_TEST_ENDPOINT_KEY)
            .map_err(AppError::from)?;
        let server_ca = match store
            .setting(BANKID_TEST_SERVER_CA_KEY)
            .map_err(AppError::from)?
        {
            Some(pem) => certificates_of(&pem)
                .map_err(|reason| AppError::invalid(BANKID_TEST_SERVER_CA_KEY, reason))?,
            None => Vec::new(),
        };
        let user_root = match store
            .setting(BANKID_TEST_USER_ROOT_KEY)
            .map_err(AppError::from)?
        {
            Some(pem) => certificates_of(&pem)
                .map_err(|reason| AppError::invalid(BANKID_TEST_USER_ROOT_KEY, reason))?
                .into_iter()
                .next(),
            None => None,
        };
        Ok(BankIdTestService {
            is_default: endpoint.is_none(),
            endpoint: endpoint.unwrap_or_else(|| BANKID_TEST_ENDPOINT.to_owned()),
            server_ca,
            user_root,
        })
    }

    /// Replaces the address of BankID's service for `environment` — test only: production
    /// is refused ([`BankIdServiceError::ProductionPinned`]), as is the demo. `None` (or an
    /// empty address) goes back to BankID's own test address. The address must be
    /// `https://` with a host name.
    pub fn set_bankid_endpoint(
        &self,
        environment: BankIdEnvironment,
        endpoint: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.only_test_service(environment)?;
        let store = self.store();
        match endpoint.map(str::trim).filter(|e| !e.is_empty()) {
            None => {
                store
                    .remove_setting(BANKID_TEST_ENDPOINT_KEY)
                    .map_err(AppError::from)?;
            }
            Some(url) if endpoint_is_usable(url) => {
                store
                    .set_setting(BANKID_TEST_ENDPOINT_KEY, url.trim_end_matches('/'), now)
                    .map_err(AppError::from)?;
            }
            Some(url) => {
                return Err(BankIdServiceError::InvalidEndpoint {
                    endpoint: url.to_owned(),
                }
                .into());
            }
        }
        tracing::info!(
            default = endpoint.is_none(),
            "BankID test service address chosen"
        );
        Ok(())
    }

    /// Chooses the CA certificates (PEM file bytes) that the TLS certificate of BankID's
    /// service for `environment` must chain to — test only, production refused. `None` goes
    /// back to BankID's own test TLS root. A file without certificates, with something else
    /// than certificates or with only expired ones at `now` is refused
    /// ([`BankIdServiceError::InvalidServerCa`]) and the earlier choice stays.
    pub fn set_bankid_server_ca(
        &self,
        environment: BankIdEnvironment,
        pem: Option<&[u8]>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.only_test_service(environment)?;
        match pem {
            None => {
                self.store()
                    .remove_setting(BANKID_TEST_SERVER_CA_KEY)
                    .map_err(AppError::from)?;
            }
            Some(bytes) => {
                let (text, _) = checked_pem(bytes, now)
                    .map_err(|reason| BankIdServiceError::InvalidServerCa { reason })?;
                self.store()
                    .set_setting(BANKID_TEST_SERVER_CA_KEY, &text, now)
                    .map_err(AppError::from)?;
            }
        }
        tracing::info!(default = pem.is_none(), "BankID test service CA chosen");
        Ok(())
    }

    /// Chooses one more root (PEM or DER bytes) for the user certificates of `environment`'s
    /// signatures — test only, production refused: there only BankID's production root
    /// shipped with the program is trusted. The root is trusted beside BankID's own test root
    /// ([`App::bankid_user_roots`]); `None` removes it. Exactly one certificate, valid at
    /// `now`.
    pub fn set_bankid_user_root(
        &self,
        environment: BankIdEnvironment,
        certificate: Option<&[u8]>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.only_test_service(environment)?;
        match certificate {
            None => {
                self.store()
                    .remove_setting(BANKID_TEST_USER_ROOT_KEY)
                    .map_err(AppError::from)?;
            }
            Some(bytes) => {
                let (text, certificates) = checked_pem(bytes, now)
                    .map_err(|reason| BankIdServiceError::InvalidUserRoot { reason })?;
                if certificates.len() != 1 {
                    return Err(BankIdServiceError::InvalidUserRoot {
                        reason: format!(
                            "filen innehåller {} certifikat, och det ska vara ett enda \
                             rotcertifikat",
                            certificates.len()
                        ),
                    }
                    .into());
                }
                self.store()
                    .set_setting(BANKID_TEST_USER_ROOT_KEY, &text, now)
                    .map_err(AppError::from)?;
            }
        }
        tracing::info!(
            removed = certificate.is_none(),
            "BankID test user-certificate root chosen"
        );
        Ok(())
    }

    /// The test service's address and TLS trust as stored.
    pub(crate) fn bankid_test_overrides(&self) -> anyhow::Result<TestOverrides> {
        let store = self.store();
        Ok(TestOverrides {
            endpoint: store
                .setting(BANKID_TEST_ENDPOINT_KEY)
                .map_err(AppError::from)?,
            server_ca_pem: store
                .setting(BANKID_TEST_SERVER_CA_KEY)
                .map_err(AppError::from)?,
        })
    }

    /// The extra user-certificate root (DER) stored for test, if any.
    pub(crate) fn bankid_test_user_root_der(&self) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(self
            .store()
            .setting(BANKID_TEST_USER_ROOT_KEY)
            .map_err(AppError::from)?
            .and_then(|pem| pem_certificates_der(&pem).into_iter().next()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_addresses_with_a_host_are_usable() {
        assert!(endpoint_is_usable(BANKID_TEST_ENDPOINT));
        assert!(endpoint_is_usable("https://127.0.0.1:5000/rp/v6.0"));
        for bad in [
            "http://appapi2.test.bankid.com/rp/v6.0",
            "https://",
            "https:///rp",
            "appapi2.test.bankid.com",
            "https://bank id.se/x",
            "https://user@host/x",
        ] {
            assert!(!endpoint_is_usable(bad), "{bad} must be refused");
        }
    }
}
