//! A throw-away public-key infrastructure for tests and the demo mode: a self-signed test CA
//! (generated with `rcgen`) that issues server certificates, client certificates (such as FK's
//! "e-tjänstelegitimation" or a BankID signer certificate with a personnummer in the subject's
//! `serialNumber`), and packs them into PKCS#12 files like the ones a certificate vendor hands
//! out.
//!
//! Nothing here reads the clock except the functions whose names end in `_valid_now`: validity is
//! passed in, so a test can issue a certificate that expired last year as easily as a fresh one.
//! Keys are ECDSA P-256 with SHA-256 and live only in memory; never write them to the repository.
//!
//! ```
//! use assistid_fakes::pki::{CertSubject, TestCa};
//! use chrono::{TimeZone, Utc};
//!
//! let ca = TestCa::new("Assistid test CA")?;
//! let not_before = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
//! let not_after = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
//! let server = ca.issue_server_cert(&["localhost", "127.0.0.1"], not_before, not_after)?;
//! assert!(server.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
//! let client = ca.issue_client_cert(
//!     &CertSubject::new("Omsorg AB").with_organization("Omsorg AB"),
//!     not_before,
//!     not_after,
//! )?;
//! let p12 = client.to_pkcs12("hemligt")?;
//! assert!(!p12.is_empty());
//! # Ok::<(), assistid_fakes::pki::PkiError>(())
//! ```

use std::fmt;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber, SigningKey,
};
use sha2::{Digest, Sha256};

/// The X.520 `serialNumber` attribute (OID 2.5.4.5): BankID puts the signer's personnummer here.
const OID_SERIAL_NUMBER: [u64; 4] = [2, 5, 4, 5];
/// X.520 `givenName` (OID 2.5.4.42).
const OID_GIVEN_NAME: [u64; 4] = [2, 5, 4, 42];
/// X.520 `surname` (OID 2.5.4.4).
const OID_SURNAME: [u64; 4] = [2, 5, 4, 4];

/// What can go wrong while generating test certificates.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// `rcgen` refused to generate a key or a certificate (for example an invalid DNS name).
    #[error("could not generate a test certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// The validity window is empty or lies outside what X.509 can express.
    #[error("invalid certificate validity: {0}")]
    Validity(String),
    /// Writing or reading a PKCS#12 file failed (for a read: often a wrong password).
    #[error("PKCS#12 error: {0}")]
    Pkcs12(String),
}

/// Shorthand for results of this module.
pub type Result<T> = std::result::Result<T, PkiError>;

/// The subject of a client certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSubject {
    common_name: String,
    serial_number: Option<String>,
    given_name: Option<String>,
    surname: Option<String>,
    organization: Option<String>,
}

impl CertSubject {
    /// A subject with only a common name (CN).
    pub fn new(common_name: impl Into<String>) -> Self {
        Self {
            common_name: common_name.into(),
            serial_number: None,
            given_name: None,
            surname: None,
            organization: None,
        }
    }

    /// Adds the `serialNumber` attribute; BankID signer certificates carry the personnummer here.
    pub fn with_serial_number(mut self, serial_number: impl Into<String>) -> Self {
        self.serial_number = Some(serial_number.into());
        self
    }

    /// Adds `givenName`.
    pub fn with_given_name(mut self, given_name: impl Into<String>) -> Self {
        self.given_name = Some(given_name.into());
        self
    }

    /// Adds `surname`.
    pub fn with_surname(mut self, surname: impl Into<String>) -> Self {
        self.surname = Some(surname.into());
        self
    }

    /// Adds the organization (O).
    pub fn with_organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// The common name.
    pub fn common_name(&self) -> &str {
        &self.common_name
    }

    fn to_distinguished_name(&self) -> DistinguishedName {
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, self.common_name.as_str());
        if let Some(serial) = &self.serial_number {
            name.push(
                DnType::CustomDnType(OID_SERIAL_NUMBER.to_vec()),
                serial.as_str(),
            );
        }
        if let Some(given) = &self.given_name {
            name.push(
                DnType::CustomDnType(OID_GIVEN_NAME.to_vec()),
                given.as_str(),
            );
        }
        if let Some(surname) = &self.surname {
            name.push(DnType::CustomDnType(OID_SURNAME.to_vec()), surname.as_str());
        }
        if let Some(org) = &self.organization {
            name.push(DnType::OrganizationName, org.as_str());
        }
        name
    }
}

impl From<&str> for CertSubject {
    fn from(common_name: &str) -> Self {
        Self::new(common_name)
    }
}

/// A self-signed certificate authority that lives only in memory.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    cert_pem: String,
    cert_der: Vec<u8>,
    common_name: String,
}

impl fmt::Debug for TestCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCa")
            .field("common_name", &self.common_name)
            .finish_non_exhaustive()
    }
}

impl TestCa {
    /// A new CA valid from 2000-01-01 to 2099-12-31 (a fixed window, so no clock is read).
    pub fn new(common_name: &str) -> Result<Self> {
        let not_before = fixed_utc(2000, 1, 1)?;
        let not_after = fixed_utc(2099, 12, 31)?;
        Self::with_validity(common_name, not_before, not_after)
    }

    /// A new CA with the given validity window (for example an expired CA).
    pub fn with_validity(
        common_name: &str,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Result<Self> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, common_name);
        name.push(DnType::OrganizationName, "Assistid test PKI");
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
        ];
        params.serial_number = Some(random_serial());
        set_validity(&mut params, not_before, not_after)?;
        let key = KeyPair::generate()?;
        let cert = params.self_signed(&key)?;
        Ok(Self {
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
            issuer: Issuer::new(params, key),
            common_name: common_name.to_owned(),
        })
    }

    /// The CA certificate in PEM form (what a client pins as its trust anchor).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA certificate in DER form.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The CA's common name.
    pub fn common_name(&self) -> &str {
        &self.common_name
    }

    /// Issues a TLS server certificate for the given DNS names and IP addresses (IP addresses
    /// such as `127.0.0.1` become IP subject alternative names).
    pub fn issue_server_cert(
        &self,
        names: &[&str],
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Result<IssuedCert> {
        let sans: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(sans)?;
        let mut name = DistinguishedName::new();
        name.push(
            DnType::CommonName,
            names.first().copied().unwrap_or("localhost"),
        );
        params.distinguished_name = name;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.issue(params, not_before, not_after)
    }

    /// [`TestCa::issue_server_cert`] valid from one day ago to one year ahead. Reads the clock.
    pub fn issue_server_cert_valid_now(&self, names: &[&str]) -> Result<IssuedCert> {
        let (not_before, not_after) = window_around(Utc::now());
        self.issue_server_cert(names, not_before, not_after)
    }

    /// Issues a TLS client certificate (or a signer certificate) for the subject.
    pub fn issue_client_cert(
        &self,
        subject: &CertSubject,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Result<IssuedCert> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name = subject.to_distinguished_name();
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(params, not_before, not_after)
    }

    /// [`TestCa::issue_client_cert`] valid from one day ago to one year ahead. Reads the clock.
    pub fn issue_client_cert_valid_now(&self, subject: &CertSubject) -> Result<IssuedCert> {
        let (not_before, not_after) = window_around(Utc::now());
        self.issue_client_cert(subject, not_before, not_after)
    }

    fn issue(
        &self,
        mut params: CertificateParams,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Result<IssuedCert> {
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        params.serial_number = Some(random_serial());
        set_validity(&mut params, not_before, not_after)?;
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(IssuedCert {
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
            key_pem: key.serialize_pem(),
            key_der: key.serialize_der(),
            ca_pem: self.cert_pem.clone(),
            ca_der: self.cert_der.clone(),
            not_before,
            not_after,
        })
    }
}

/// A certificate issued by a [`TestCa`], with its private key (PKCS#8) and the CA certificate.
#[derive(Clone)]
pub struct IssuedCert {
    cert_pem: String,
    cert_der: Vec<u8>,
    key_pem: String,
    key_der: Vec<u8>,
    ca_pem: String,
    ca_der: Vec<u8>,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
}

impl fmt::Debug for IssuedCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedCert")
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl IssuedCert {
    /// The certificate in PEM form.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The certificate in DER form.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The private key, PKCS#8, PEM-encoded.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The private key, PKCS#8 DER.
    pub fn key_der(&self) -> &[u8] {
        &self.key_der
    }

    /// The issuing CA's certificate in PEM form.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The chain leaf first, then the CA, as DER.
    pub fn chain_der(&self) -> Vec<Vec<u8>> {
        vec![self.cert_der.clone(), self.ca_der.clone()]
    }

    /// The chain leaf first, then the CA, as concatenated PEM.
    pub fn chain_pem(&self) -> String {
        format!("{}{}", self.cert_pem, self.ca_pem)
    }

    /// Start of validity.
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// End of validity.
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// Signs `message` with the certificate's key: ECDSA P-256 with SHA-256, the signature in
    /// ASN.1 DER form (`ECDSA_P256_SHA256_ASN1`).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let key = KeyPair::from_pem(&self.key_pem)?;
        Ok(key.sign(message)?)
    }

    /// Packs the key, the certificate and the CA certificate into a password-protected PKCS#12
    /// file (AES-256/PBKDF2 with an HMAC-SHA-256 MAC), like a certificate vendor delivers.
    pub fn to_pkcs12(&self, password: &str) -> Result<Vec<u8>> {
        use crate::pkcs12::{Bag, Content};
        // The local key id ties the key to its certificate inside the file; a digest of the
        // certificate is unique enough. The alias "assistid" names key and certificate.
        let local_key_id = Sha256::digest(&self.cert_der)[..20].to_vec();
        let named = |content: Content| Bag {
            content,
            local_key_id: Some(local_key_id.clone()),
            friendly_name: Some("assistid".to_owned()),
        };
        crate::pkcs12::write(
            &[
                named(Content::Certificate(self.cert_der.clone())),
                Bag::bare(Content::Certificate(self.ca_der.clone())),
                named(Content::Key(self.key_der.clone())),
            ],
            password,
        )
        .map_err(|e| PkiError::Pkcs12(e.to_string()))
    }
}

/// From one day before `now` to 365 days after: a certificate that works today.
pub fn window_around(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::days(1), now + Duration::days(365))
}

fn fixed_utc(year: i32, month: u32, day: u32) -> Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .ok_or_else(|| PkiError::Validity(format!("{year}-{month}-{day} is not a date")))
}

fn to_offset(at: DateTime<Utc>) -> Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(at.timestamp())
        .map_err(|e| PkiError::Validity(e.to_string()))
}

fn set_validity(
    params: &mut CertificateParams,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<()> {
    if not_after <= not_before {
        return Err(PkiError::Validity(format!(
            "not_after {not_after} is not after not_before {not_before}"
        )));
    }
    params.not_before = to_offset(not_before)?;
    params.not_after = to_offset(not_after)?;
    Ok(())
}

/// A positive, random 16-byte serial (the top bit cleared so DER keeps it positive).
fn random_serial() -> SerialNumber {
    let mut bytes = *uuid::Uuid::new_v4().as_bytes();
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    SerialNumber::from_slice(&bytes)
}
