//! Where reports go: the demo (the fake FK on loopback), FK's test service, or production; with
//! the trust anchor that decides which server certificate is believed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::EltError;

/// FK's production address as seen in FK's WSDL (the real one comes with the vendor agreement).
pub const FK_PROD_ENDPOINT: &str =
    "https://shsext.forsakringskassan.se:8020/shs2/FK.ASE.Tidredovisning.ext";
/// FK's test address as seen in FK's files.
pub const FK_TEST_ENDPOINT: &str =
    "https://shsmars.forsakringskassan.se:5000/shs2/FK.ASE.Tidredovisning.mars";

/// An ELT environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Environment {
    /// The fake FK started by the app on loopback; only demo data.
    Demo,
    /// FK's test service.
    Test,
    /// FK's production service.
    Prod,
}

impl Environment {
    /// The machine name (`demo`, `test`, `prod`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Environment::Demo => "demo",
            Environment::Test => "test",
            Environment::Prod => "prod",
        }
    }

    /// The Swedish name, definite form (`demoläget`, `testmiljön`, `produktionsmiljön`).
    pub fn label(&self) -> &'static str {
        match self {
            Environment::Demo => "demoläget",
            Environment::Test => "testmiljön",
            Environment::Prod => "produktionsmiljön",
        }
    }

    /// FK's address for the environment, as an editable default. `None` for the demo, whose
    /// address is the fake FK's, known only once it runs.
    pub fn default_endpoint(&self) -> Option<&'static str> {
        match self {
            Environment::Demo => None,
            Environment::Test => Some(FK_TEST_ENDPOINT),
            Environment::Prod => Some(FK_PROD_ENDPOINT),
        }
    }

    /// Whether this is one of FK's real services.
    pub fn is_real_fk(&self) -> bool {
        !matches!(self, Environment::Demo)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not `demo`, `test` or `prod`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("okänd miljö '{0}': välj demo, test eller prod")]
pub struct UnknownEnvironment(pub String);

impl FromStr for Environment {
    type Err = UnknownEnvironment;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Environment::Demo),
            "test" => Ok(Environment::Test),
            "prod" => Ok(Environment::Prod),
            other => Err(UnknownEnvironment(other.to_owned())),
        }
    }
}

/// Which server certificates are believed. There is deliberately no "accept anything".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "pem")]
#[non_exhaustive]
pub enum TrustAnchor {
    /// Only servers whose chain ends in one of these CA certificates (PEM, one or more).
    PinnedCa(String),
    /// The operating system's root certificates; only when the user chose so explicitly.
    SystemRoots,
}

/// One environment's settings, stored per provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentConfig {
    /// Which environment.
    pub env: Environment,
    /// The HTTPS address of the SkickaTidredovisning service.
    pub endpoint: String,
    /// Which server certificates to believe.
    pub trust: TrustAnchor,
}

impl EnvironmentConfig {
    /// FK's default address for `env` with the given trust anchor; `None` for the demo.
    pub fn fk_default(env: Environment, trust: TrustAnchor) -> Option<Self> {
        env.default_endpoint().map(|endpoint| Self {
            env,
            endpoint: endpoint.to_owned(),
            trust,
        })
    }
}

/// Refuses demo data to a real FK and real data to the fake.
///
/// ```
/// use assistid_elt::environment::{check_data_matches_environment, Environment};
/// assert!(check_data_matches_environment(Environment::Demo, true).is_ok());
/// assert!(check_data_matches_environment(Environment::Prod, true).is_err());
/// assert!(check_data_matches_environment(Environment::Demo, false).is_err());
/// ```
pub fn check_data_matches_environment(
    environment: Environment,
    data_is_demo: bool,
) -> Result<(), EltError> {
    if environment.is_real_fk() == data_is_demo {
        return Err(EltError::EnvironmentMismatch {
            environment,
            data_is_demo,
        });
    }
    Ok(())
}
