//! The relay's own certificate authority: made once by `assistid-relay init`, it issues the
//! server certificate and each installation's client certificate (from the installation's
//! PKCS#10 request: the installation's private key never leaves it).
//!
//! Installations' keys are ECDSA P-256. The CA is found again from its PEM files: its
//! distinguished name is rebuilt from the certificate and every issued certificate is checked
//! to chain to it before it is handed out.

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PublicKeyData, SerialNumber, SignatureAlgorithm,
};
use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::error::PkiError;

/// The CA certificate's common name.
pub const CA_COMMON_NAME: &str = "Assistid relay CA";

/// SHA-256 of a DER certificate, lowercase hex: how the relay names client certificates.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// The relay's CA, loaded for issuing.
pub struct RelayCa {
    cert_pem: String,
    cert_der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for RelayCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayCa").finish_non_exhaustive()
    }
}

fn ca_params(organization: &str) -> Result<CertificateParams, PkiError> {
    let mut params = CertificateParams::new(Vec::<String>::new())
        .map_err(|e| PkiError::Generate(e.to_string()))?;
    params
        .distinguished_name
        .push(DnType::CommonName, CA_COMMON_NAME);
    params
        .distinguished_name
        .push(DnType::OrganizationName, organization);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok(params)
}

fn validity(params: &mut CertificateParams, days: u32) {
    let now = chrono::Utc::now();
    let start = now - chrono::Duration::hours(1);
    let end = now + chrono::Duration::days(i64::from(days));
    use chrono::Datelike as _;
    params.not_before = rcgen::date_time_ymd(start.year(), start.month() as u8, start.day() as u8);
    params.not_after = rcgen::date_time_ymd(end.year(), end.month() as u8, end.day() as u8);
}

fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7f;
    SerialNumber::from_slice(&bytes)
}

fn write_owner_only(path: &Path, text: &str, secret: bool) -> Result<(), PkiError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let write = |e: std::io::Error| PkiError::Write {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut file = options.open(path).map_err(write)?;
    file.write_all(text.as_bytes()).map_err(write)?;
    file.sync_all().map_err(write)
}

/// The files `init` writes into a folder.
#[derive(Debug, Clone)]
pub struct InitFiles {
    /// `ca.pem`
    pub ca_cert: std::path::PathBuf,
    /// `ca-key.pem` (0600)
    pub ca_key: std::path::PathBuf,
    /// `server.pem`
    pub server_cert: std::path::PathBuf,
    /// `server-key.pem` (0600)
    pub server_key: std::path::PathBuf,
}

/// Makes a new CA and a server certificate for `server_names` (DNS names or IP addresses)
/// in `dir`; refuses to overwrite any file.
pub fn init(
    dir: &Path,
    organization: &str,
    server_names: &[String],
) -> Result<InitFiles, PkiError> {
    let files = InitFiles {
        ca_cert: dir.join("ca.pem"),
        ca_key: dir.join("ca-key.pem"),
        server_cert: dir.join("server.pem"),
        server_key: dir.join("server-key.pem"),
    };
    let ca_key = KeyPair::generate().map_err(|e| PkiError::Generate(e.to_string()))?;
    let mut params = ca_params(organization)?;
    validity(&mut params, 3650);
    params.serial_number = Some(random_serial());
    let ca_cert = params
        .self_signed(&ca_key)
        .map_err(|e| PkiError::Generate(e.to_string()))?;
    let ca_pem = ca_cert.pem();
    let ca = RelayCa::from_pem(&ca_pem, &ca_key.serialize_pem())?;
    let (server_pem, server_key) = ca.issue_server(server_names)?;
    write_owner_only(&files.ca_key, &ca_key.serialize_pem(), true)?;
    write_owner_only(&files.ca_cert, &ca_pem, false)?;
    write_owner_only(&files.server_key, &server_key, true)?;
    write_owner_only(&files.server_cert, &format!("{server_pem}{ca_pem}"), false)?;
    Ok(files)
}

/// An installation's public key from its request: ECDSA P-256 only.
struct RequestKey {
    spki: Vec<u8>,
}

impl PublicKeyData for RequestKey {
    fn der_bytes(&self) -> &[u8] {
        &self.spki
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";

/// A client certificate the CA issued.
#[derive(Debug, Clone)]
pub struct IssuedClientCert {
    /// PEM.
    pub cert_pem: String,
    /// [`fingerprint`] of the DER.
    pub sha256: String,
    /// The serial number, hex.
    pub serial: String,
    /// Valid until.
    pub not_after: chrono::DateTime<chrono::Utc>,
}

impl RelayCa {
    /// Loads the CA from its certificate and key (PEM text).
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, PkiError> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject as _;
        let der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| PkiError::Ca(format!("ca_cert är ingen PEM-certifikatfil ({e})")))?;
        let (_, cert) = X509Certificate::from_der(&der)
            .map_err(|e| PkiError::Ca(format!("ca_cert går inte att läsa ({e})")))?;
        let organization = cert
            .subject()
            .iter_organization()
            .next()
            .and_then(|o| o.as_str().ok())
            .unwrap_or_default()
            .to_owned();
        let key = KeyPair::from_pem(key_pem)
            .map_err(|e| PkiError::Ca(format!("ca_key går inte att läsa ({e})")))?;
        if key.public_key_raw() != &cert.public_key().subject_public_key.data[..] {
            return Err(PkiError::Ca("ca_key hör inte till ca_cert".to_owned()));
        }
        let issuer = Issuer::new(ca_params(&organization)?, key);
        Ok(Self {
            cert_pem: cert_pem.to_owned(),
            cert_der: der.to_vec(),
            issuer,
        })
    }

    /// Loads the CA from its files.
    pub fn load(cert: &Path, key: &Path) -> Result<Self, crate::error::ConfigError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| crate::error::ConfigError::Read {
                path: path.to_owned(),
                reason: e.to_string(),
            })
        };
        Self::from_pem(&read(cert)?, &read(key)?).map_err(|e| {
            crate::error::ConfigError::Certificate {
                path: cert.to_owned(),
                reason: e.to_string(),
            }
        })
    }

    /// The CA certificate (PEM).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA certificate (DER).
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    fn checked(&self, der: &[u8]) -> Result<(), PkiError> {
        let (_, ca) =
            X509Certificate::from_der(&self.cert_der).map_err(|e| PkiError::Ca(e.to_string()))?;
        let (_, issued) =
            X509Certificate::from_der(der).map_err(|e| PkiError::Generate(e.to_string()))?;
        if issued.issuer().as_raw() != ca.subject().as_raw() {
            return Err(PkiError::Ca(
                "namnet i ca_cert är inte skapat av assistid-relay init".to_owned(),
            ));
        }
        issued
            .verify_signature(Some(ca.public_key()))
            .map_err(|_| PkiError::Ca("ca_key hör inte till ca_cert".to_owned()))
    }

    /// A server certificate for `names` and its new key (PEM).
    pub fn issue_server(&self, names: &[String]) -> Result<(String, String), PkiError> {
        let key = KeyPair::generate().map_err(|e| PkiError::Generate(e.to_string()))?;
        let mut params = CertificateParams::new(names.to_vec())
            .map_err(|e| PkiError::Generate(e.to_string()))?;
        params.distinguished_name.push(
            DnType::CommonName,
            names
                .first()
                .cloned()
                .unwrap_or_else(|| "assistid-relay".to_owned()),
        );
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.serial_number = Some(random_serial());
        validity(&mut params, 825);
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| PkiError::Generate(e.to_string()))?;
        self.checked(cert.der())?;
        Ok((cert.pem(), key.serialize_pem()))
    }

    /// Issues a client certificate for an installation from its PKCS#10 request (PEM): the
    /// request's own signature must verify and its key must be ECDSA P-256. The subject is
    /// the installation's id (CN) and the provider's organisationsnummer (O); whatever the
    /// request asked for is ignored.
    pub fn issue_client(
        &self,
        csr_pem: &str,
        installation: uuid::Uuid,
        provider_orgnr: &str,
        days: u32,
    ) -> Result<IssuedClientCert, PkiError> {
        use rustls::pki_types::CertificateSigningRequestDer;
        use rustls::pki_types::pem::PemObject as _;
        use x509_parser::certification_request::X509CertificationRequest;
        let der = CertificateSigningRequestDer::from_pem_slice(csr_pem.as_bytes())
            .map_err(|_| PkiError::BadRequest("ingen PEM-kodad CERTIFICATE REQUEST".into()))?;
        let (_, csr) = X509CertificationRequest::from_der(der.as_ref())
            .map_err(|_| PkiError::BadRequest("begäran går inte att läsa".into()))?;
        csr.verify_signature()
            .map_err(|_| PkiError::BadRequest("begärans signatur stämmer inte".into()))?;
        let spki = &csr.certification_request_info.subject_pki;
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok())
            .map(|oid| oid.to_id_string());
        if spki.algorithm.algorithm.to_id_string() != OID_EC_PUBLIC_KEY
            || curve.as_deref() != Some(OID_P256)
        {
            return Err(PkiError::BadRequest(
                "nyckeln måste vara ECDSA P-256".into(),
            ));
        }
        let key = RequestKey {
            spki: spki.subject_public_key.data.to_vec(),
        };
        let mut params = CertificateParams::new(Vec::<String>::new())
            .map_err(|e| PkiError::Generate(e.to_string()))?;
        params
            .distinguished_name
            .push(DnType::CommonName, installation.hyphenated().to_string());
        params
            .distinguished_name
            .push(DnType::OrganizationName, provider_orgnr);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let serial: [u8; 16] = {
            let mut bytes: [u8; 16] = rand::random();
            bytes[0] &= 0x7f;
            bytes
        };
        params.serial_number = Some(SerialNumber::from_slice(&serial));
        validity(&mut params, days);
        let not_after = chrono::Utc::now() + chrono::Duration::days(i64::from(days));
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| PkiError::Generate(e.to_string()))?;
        self.checked(cert.der())?;
        Ok(IssuedClientCert {
            cert_pem: cert.pem(),
            sha256: fingerprint(cert.der()),
            serial: hex::encode(serial),
            not_after,
        })
    }
}
