//! Which FK environment a data folder sends to — demo, test or prod — and FK's addresses,
//! kept in the data folder's settings (a data folder belongs to one provider, so this is "per
//! provider").
//!
//! **The rules.**
//! - A data folder holds either demo data or real data ([`DataKind`], marked when the folder
//!   is made). Demo data goes only to the fake FK, real data only to FK's test or production
//!   service: [`App::set_environment`] refuses the other choices with the same check the
//!   submission makes before every connection ([`App::check_environment`]), so a setting can
//!   never point the wrong way.
//! - A demo folder stays demo. Choosing test or prod there is answered with
//!   [`EnvironmentError::DemoDataFolder`], which explains that real work needs a data folder of
//!   its own: leaving the demo never mixes demo data with real data.
//! - FK's addresses default to those in FK's files (`assistid_elt::FK_TEST_ENDPOINT`,
//!   `FK_PROD_ENDPOINT`) and can be replaced per environment (FK hands out the real address
//!   with the vendor agreement); an address must be `https://`. Which server certificates are
//!   trusted stays an explicit choice, made per environment with [`App::set_fk_trust`]: FK's
//!   CA certificates imported from the PEM file FK sends (kept in the encrypted database,
//!   `elt.<env>.ca_pem`), or the computer's root certificates (`elt.<env>.ca_path = system`);
//!   the command line may also point `elt.<env>.ca_path` at a PEM file. Until one is chosen
//!   nothing is sent there, and there is no way to trust anything else.

use assistid_elt::{Environment, EnvironmentConfig, TrustAnchor};
use assistid_store::DataKind;
use assistid_store::settings::{
    ELT_ENVIRONMENT, elt_ca_path_key, elt_ca_pem_key, elt_endpoint_key,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::submit::connection::SYSTEM_ROOTS;
use crate::{App, AppError};

/// Why an environment choice was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvironmentError {
    /// Test or prod was chosen in the demo data folder.
    #[error(
        "Den här datamappen innehåller demodata, och demodata skickas aldrig till \
         Försäkringskassans {}. För att arbeta på riktigt behövs en egen datamapp för er \
         verksamhet, så att demodata och riktiga uppgifter aldrig blandas. I Assistid-appen: \
         välj testmiljön eller produktionsmiljön under Inställningar, så byter appen till sin \
         mapp för riktiga uppgifter. I kommandoraden: ange en egen, tom datamapp med \
         --data-dir. Registrera sedan er verksamhet där. Demodatan finns kvar som den är.",
        environment.label()
    )]
    DemoDataFolder {
        /// The environment that was chosen.
        environment: Environment,
    },
    /// Demo was chosen in a data folder with real data.
    #[error(
        "Den här datamappen innehåller riktiga uppgifter, och de skickas aldrig till demoläget. \
         Välj Försäkringskassans testmiljö eller produktionsmiljö. Vill du prova Assistid med \
         demodata: välj Demo under Inställningar i Assistid-appen (demon har en egen mapp), \
         eller kör assistid demo med en egen, tom datamapp (--data-dir)."
    )]
    RealDataToDemo,
    /// An address that is not an `https://` URL with a host.
    #[error(
        "Adressen \"{endpoint}\" till Försäkringskassans {} går inte att använda: den ska börja \
         med https:// och ha ett servernamn, t.ex. {}.",
        environment.label(),
        environment.default_endpoint().unwrap_or("https://…")
    )]
    InvalidEndpoint {
        /// The environment.
        environment: Environment,
        /// The address as given.
        endpoint: String,
    },
    /// The demo's address cannot be set (the fake FK runs on a loopback port of its own).
    #[error("Demolägets adress väljs av Assistid själv och kan inte ändras.")]
    DemoEndpoint,
    /// The demo's trust cannot be set (it trusts only its own fake FK's certificate).
    #[error(
        "Demoläget litar bara på sin egen test-FK:s certifikat, och det går inte att ändra. \
         Certifikatutfärdaren väljs för Försäkringskassans testmiljö och produktionsmiljö."
    )]
    DemoTrust,
    /// The file chosen as FK's certificate authority cannot be used.
    #[error(
        "Filen går inte att använda som Försäkringskassans certifikatutfärdare (CA) för {}: \
         {reason}. Välj den PEM-fil (.pem, .crt eller .cer) som Försäkringskassan skickade, \
         eller välj datorns rotcertifikat.",
        environment.label()
    )]
    InvalidCa {
        /// The environment it was chosen for.
        environment: Environment,
        /// What is wrong with the file (Swedish).
        reason: String,
    },
}

impl EnvironmentError {
    /// A stable snake_case code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            EnvironmentError::DemoDataFolder { .. } => "demo_data_folder",
            EnvironmentError::RealDataToDemo => "real_data_not_demo",
            EnvironmentError::InvalidEndpoint { .. } => "invalid_endpoint",
            EnvironmentError::DemoEndpoint | EnvironmentError::DemoTrust => "invalid_input",
            EnvironmentError::InvalidCa { .. } => "invalid_ca",
        }
    }
}

/// A PEM file of CA certificates is a few kilobytes; anything larger than this is not FK's
/// (and is refused before it is parsed).
pub const MAX_CA_PEM_BYTES: usize = 256 * 1024;

/// Which server certificates are trusted for one of FK's environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TrustSetting {
    /// FK's CA certificates imported in the settings (kept in the database).
    ImportedCa(Vec<CaCertificate>),
    /// A pinned CA file (PEM) named by its path (set from the command line).
    PinnedCa(String),
    /// The operating system's roots, chosen explicitly.
    SystemRoots,
    /// Not chosen yet: nothing can be sent there until it is.
    NotChosen,
}

/// One imported CA certificate, as shown in the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaCertificate {
    /// The subject, RFC 4514 style.
    pub subject: String,
    /// End of validity.
    pub not_after: DateTime<Utc>,
}

/// What the user chose to trust for one of FK's environments ([`App::set_fk_trust`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustChoice<'a> {
    /// The computer's root certificates.
    SystemRoots,
    /// The CA certificates in this PEM file (its bytes), from FK.
    CaPem(&'a [u8]),
}

/// One of FK's environments as configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FkEndpoint {
    /// `test` or `prod`.
    pub environment: Environment,
    /// The address used.
    pub endpoint: String,
    /// Whether it is FK's published default (not replaced).
    pub is_default: bool,
    /// Which server certificates are trusted.
    pub trust: TrustSetting,
}

/// The data folder's environment settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvironmentSettings {
    /// Demo or real data.
    #[serde(serialize_with = "data_kind_code")]
    pub data_kind: DataKind,
    /// The environment reports go to; `None` for real data not set yet.
    pub environment: Option<Environment>,
    /// FK's test and production addresses.
    pub fk: Vec<FkEndpoint>,
}

/// `DataKind` has no `Serialize` of its own: written as its code (`demo` / `real`).
fn data_kind_code<S: serde::Serializer>(kind: &DataKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.code())
}

/// The PEM text of `bytes` if it holds only certificates, at least one of them valid at
/// `now`, with the latest end of validity among them.
fn checked_ca_pem(
    environment: Environment,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>), EnvironmentError> {
    let refused = |reason: String| EnvironmentError::InvalidCa {
        environment,
        reason,
    };
    if bytes.len() > MAX_CA_PEM_BYTES {
        return Err(refused(format!(
            "filen är {} kB, och en CA-fil är bara några få kB",
            bytes.len() / 1024
        )));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| refused("filen är ingen textfil i PEM-form".to_owned()))?;
    let infos = assistid_elt::ca_certificates_info(bytes).map_err(|e| match e {
        assistid_elt::EltError::InvalidTrustAnchor { reason } => refused(reason),
        other => refused(other.to_string()),
    })?;
    let last = infos.iter().map(|c| c.not_after).max().unwrap_or(now);
    if last <= now {
        return Err(refused(format!(
            "certifikatet gick ut {}",
            last.with_timezone(&chrono_tz::Europe::Stockholm)
                .format("%Y-%m-%d")
        )));
    }
    Ok((text.trim().to_owned() + "\n", last))
}

fn endpoint_is_usable(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = host.split(':').next().unwrap_or("");
    !name.is_empty()
        && !url.chars().any(char::is_whitespace)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

impl App {
    /// The data folder's environment settings.
    pub fn environment_settings(&self) -> anyhow::Result<EnvironmentSettings> {
        let store = self.store();
        let data_kind = self.data_kind()?;
        let environment = match store.setting(ELT_ENVIRONMENT).map_err(AppError::from)? {
            Some(text) => Some(
                text.parse::<Environment>()
                    .map_err(|e| AppError::invalid(ELT_ENVIRONMENT, e))?,
            ),
            None if data_kind == DataKind::Demo => Some(Environment::Demo),
            None => None,
        };
        let mut fk = Vec::new();
        for env in [Environment::Test, Environment::Prod] {
            let configured = store
                .setting(&elt_endpoint_key(env.as_str()))
                .map_err(AppError::from)?;
            let default = EnvironmentConfig::fk_default(env, TrustAnchor::SystemRoots)
                .map(|c| c.endpoint)
                .unwrap_or_default();
            let imported = store
                .setting(&elt_ca_pem_key(env.as_str()))
                .map_err(AppError::from)?;
            let trust = match imported {
                Some(pem) => TrustSetting::ImportedCa(
                    assistid_elt::ca_certificates_info(pem.as_bytes())
                        .map_err(|e| AppError::invalid(&elt_ca_pem_key(env.as_str()), e))?
                        .into_iter()
                        .map(|c| CaCertificate {
                            subject: c.subject,
                            not_after: c.not_after,
                        })
                        .collect(),
                ),
                None => match store
                    .setting(&elt_ca_path_key(env.as_str()))
                    .map_err(AppError::from)?
                {
                    Some(v) if v == SYSTEM_ROOTS => TrustSetting::SystemRoots,
                    Some(path) => TrustSetting::PinnedCa(path),
                    None => TrustSetting::NotChosen,
                },
            };
            fk.push(FkEndpoint {
                environment: env,
                is_default: configured.is_none(),
                endpoint: configured.unwrap_or(default),
                trust,
            });
        }
        Ok(EnvironmentSettings {
            data_kind,
            environment,
            fk,
        })
    }

    /// Chooses the environment reports go to. Refuses test/prod for demo data
    /// ([`EnvironmentError::DemoDataFolder`]) and the demo for real data
    /// ([`EnvironmentError::RealDataToDemo`]) — the same check every submission makes.
    pub fn set_environment(
        &self,
        environment: Environment,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if self.check_environment(environment).is_err() {
            return Err(match self.data_kind()? {
                DataKind::Demo => EnvironmentError::DemoDataFolder { environment },
                DataKind::Real => EnvironmentError::RealDataToDemo,
            }
            .into());
        }
        self.store()
            .set_setting(ELT_ENVIRONMENT, environment.as_str(), now)
            .map_err(AppError::from)?;
        Ok(())
    }

    /// Chooses which server certificates are trusted when sending to `environment` (test or
    /// prod): FK's CA certificates from a PEM file (checked, then kept in the encrypted
    /// database in place of any earlier choice) or the computer's root certificates. A file
    /// that holds no certificate, something else than certificates, or only expired ones at
    /// `now` is refused ([`EnvironmentError::InvalidCa`]) and the earlier choice stays.
    pub fn set_fk_trust(
        &self,
        environment: Environment,
        choice: TrustChoice<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if !environment.is_real_fk() {
            return Err(EnvironmentError::DemoTrust.into());
        }
        let pem_key = elt_ca_pem_key(environment.as_str());
        let path_key = elt_ca_path_key(environment.as_str());
        let (pem, valid_until) = match choice {
            TrustChoice::SystemRoots => (None, None),
            TrustChoice::CaPem(bytes) => {
                let (pem, valid_until) = checked_ca_pem(environment, bytes, now)?;
                (Some(pem), Some(valid_until))
            }
        };
        let kind = if pem.is_some() {
            "imported_ca"
        } else {
            "system_roots"
        };
        // One choice at a time: the new one replaces the other kind, with its audit event.
        self.store().transaction(|store| -> anyhow::Result<()> {
            match &pem {
                Some(pem) => {
                    store
                        .set_setting(&pem_key, pem, now)
                        .map_err(AppError::from)?;
                    store.remove_setting(&path_key).map_err(AppError::from)?;
                }
                None => {
                    store.remove_setting(&pem_key).map_err(AppError::from)?;
                    store
                        .set_setting(&path_key, SYSTEM_ROOTS, now)
                        .map_err(AppError::from)?;
                }
            }
            store
                .append_event(&assistid_store::NewEvent {
                    at: now,
                    kind: "fk_trust_chosen",
                    report_id: None,
                    details: &serde_json::json!({
                        "environment": environment.as_str(),
                        "trust": kind,
                        "valid_until": valid_until,
                    }),
                })
                .map_err(AppError::from)?;
            Ok(())
        })?;
        tracing::info!(
            environment = environment.as_str(),
            trust = kind,
            "FK trust chosen"
        );
        Ok(())
    }

    /// Replaces FK's address for `environment` (test or prod); `None` goes back to FK's
    /// published default.
    pub fn set_fk_endpoint(
        &self,
        environment: Environment,
        endpoint: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if !environment.is_real_fk() {
            return Err(EnvironmentError::DemoEndpoint.into());
        }
        let key = elt_endpoint_key(environment.as_str());
        match endpoint.map(str::trim).filter(|e| !e.is_empty()) {
            None => {
                self.store().remove_setting(&key).map_err(AppError::from)?;
            }
            Some(url) if endpoint_is_usable(url) => {
                self.store()
                    .set_setting(&key, url, now)
                    .map_err(AppError::from)?;
            }
            Some(url) => {
                return Err(EnvironmentError::InvalidEndpoint {
                    environment,
                    endpoint: url.to_owned(),
                }
                .into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_addresses_with_a_host_are_usable() {
        assert!(endpoint_is_usable(
            assistid_elt::environment::FK_TEST_ENDPOINT
        ));
        assert!(endpoint_is_usable("https://127.0.0.1:5000/x"));
        for bad in [
            "http://shsmars.forsakringskassan.se/x",
            "https://",
            "https:///path",
            "shsmars.forsakringskassan.se",
            "https://fk .se/x",
        ] {
            assert!(!endpoint_is_usable(bad), "{bad} must be refused");
        }
    }
}
