//! BankID's user-certificate roots: the trust anchors of the certificates people sign with.
//!
//! Every BankID user certificate chains, through its bank's CA and customer CA, to BankID's
//! *member banks* root (OU "BankID Member Banks CA", O "Finansiell ID-Teknik BID AB"): "Test
//! BankID Root CA v1 Test" in the test environment and "BankID Root CA v1" in production. These
//! are different roots from BankID's TLS roots in [`crate::client`].
//!
//! Both are shipped inside the crate and pinned by their SHA-256 fingerprints: [`test_root_der`]
//! and [`production_root_der`] decode the shipped PEM and refuse it unless its fingerprint is the
//! pinned one, so a changed file cannot silently change whom the app trusts.
//!
//! How the shipped certificates were checked: each is self-signed with the subject above and
//! valid 2011–2034; the test root's subject key identifier (`4A:F7:A3:6A:…:5A:BA`) is the
//! authority key identifier of "Testbank A CA v1 for BankID Test" in BankID's own test
//! signatures, and its key verifies that CA's certificate; the production root's subject key
//! identifier (`67:8A:BA:B2:…:CB:53`) is the authority key identifier of the production bank CAs,
//! and its key verifies "Svenska Handelsbanken AB (publ) CA v1 for BankID".

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

/// "Test BankID Root CA v1 Test" (PEM), the root of BankID's test user certificates.
pub const TEST_ROOT_PEM: &str = include_str!("roots/bankid_root_ca_v1_test.pem");
/// "BankID Root CA v1" (PEM), the root of BankID's production user certificates.
pub const PRODUCTION_ROOT_PEM: &str = include_str!("roots/bankid_root_ca_v1.pem");

/// SHA-256 fingerprint of the DER of "Test BankID Root CA v1 Test".
pub const TEST_ROOT_SHA256: &str =
    "c6faeaf8ccadcfd0738dc99140ca788c1a19a93f843c5a9ec1369872d50e45f2";
/// SHA-256 fingerprint of the DER of "BankID Root CA v1".
pub const PRODUCTION_ROOT_SHA256: &str =
    "ca32588e385b961d58e26010c6f8c839f7ca071e497de6b7841640a61506fd31";

/// Why a shipped root could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserRootError {
    /// The shipped file is not one PEM certificate.
    #[error(
        "BankID-roten som följer med programmet går inte att läsa ({0}). Installera om programmet."
    )]
    Unreadable(String),
    /// The shipped certificate is not the pinned one.
    #[error(
        "BankID-roten som följer med programmet är inte den väntade (fingeravtryck {actual}). Installera om programmet."
    )]
    FingerprintMismatch {
        /// The fingerprint found (lowercase hex).
        actual: String,
    },
}

impl UserRootError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable(_) => "bankid_user_root_unreadable",
            Self::FingerprintMismatch { .. } => "bankid_user_root_fingerprint_mismatch",
        }
    }
}

/// SHA-256 of `der` as lowercase hex.
pub fn sha256_fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// Decodes one PEM certificate to DER.
pub fn pem_certificate_to_der(pem: &str) -> Result<Vec<u8>, UserRootError> {
    let body = pem
        .split("-----BEGIN CERTIFICATE-----")
        .nth(1)
        .and_then(|rest| rest.split("-----END CERTIFICATE-----").next())
        .ok_or_else(|| UserRootError::Unreadable("inget PEM-certifikat".into()))?;
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64
        .decode(compact.as_bytes())
        .map_err(|e| UserRootError::Unreadable(e.to_string()))
}

/// Decodes `pem` and checks that its fingerprint is `pinned`.
pub fn pinned_der(pem: &str, pinned: &str) -> Result<Vec<u8>, UserRootError> {
    let der = pem_certificate_to_der(pem)?;
    let actual = sha256_fingerprint(&der);
    if actual != pinned {
        return Err(UserRootError::FingerprintMismatch { actual });
    }
    Ok(der)
}

/// "Test BankID Root CA v1 Test" as DER, checked against [`TEST_ROOT_SHA256`].
pub fn test_root_der() -> Result<Vec<u8>, UserRootError> {
    pinned_der(TEST_ROOT_PEM, TEST_ROOT_SHA256)
}

/// "BankID Root CA v1" as DER, checked against [`PRODUCTION_ROOT_SHA256`].
pub fn production_root_der() -> Result<Vec<u8>, UserRootError> {
    pinned_der(PRODUCTION_ROOT_PEM, PRODUCTION_ROOT_SHA256)
}

/// The user-certificate roots of a BankID environment (DER), for [`crate::verify_signature`]
/// and [`crate::ocsp::verify_ocsp`]: the shipped, pinned root for test and production; for
/// [`crate::Environment::Custom`] none (its roots are configured by whoever set it up, as the
/// fake BankID's root is).
pub fn for_environment(
    environment: &crate::client::Environment,
) -> Result<Vec<Vec<u8>>, UserRootError> {
    use crate::client::Environment;
    match environment {
        Environment::Test => Ok(vec![test_root_der()?]),
        Environment::Production => Ok(vec![production_root_der()?]),
        Environment::Custom(_) => Ok(Vec::new()),
    }
}
