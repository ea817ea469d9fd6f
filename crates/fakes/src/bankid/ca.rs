//! The fake BankID's user-certificate PKI: a root ("Fake BankID Root CA v1 Test"), an issuing
//! bank CA under it, and signer certificates whose subject carries the personnummer in
//! `serialNumber` and the name in CN, like BankID's. Signer keys are RSA (the XML signature is
//! RSA-SHA256).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_RSA_SHA256, SerialNumber,
};

use super::FakeBankIdError;

/// The process-wide RSA signer key (PKCS#8 DER).
///
/// Generating a 2048-bit RSA key takes seconds in a debug build, so every signer certificate of
/// every fake in the process shares this one key; each person still gets their own certificate,
/// which is what the checks downstream look at.
pub(crate) fn shared_rsa_key_der() -> Result<&'static [u8], FakeBankIdError> {
    static KEY: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    KEY.get_or_init(|| {
        use rsa::pkcs8::EncodePrivateKey;
        let mut rng = rsa::rand_core::OsRng;
        let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
        key.to_pkcs8_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(|e| FakeBankIdError::Pki(e.clone()))
}

fn rcgen_err(e: rcgen::Error) -> FakeBankIdError {
    FakeBankIdError::Pki(e.to_string())
}

fn to_offset(t: DateTime<Utc>) -> Result<time::OffsetDateTime, FakeBankIdError> {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .map_err(|e| FakeBankIdError::Pki(e.to_string()))
}

fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    SerialNumber::from_slice(&bytes)
}

fn ca_params(
    common_name: &str,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<CertificateParams, FakeBankIdError> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_err)?;
    let mut name = DistinguishedName::new();
    name.push(DnType::OrganizationName, "Assistid fake BankID");
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.serial_number = Some(random_serial());
    params.not_before = to_offset(not_before)?;
    params.not_after = to_offset(not_after)?;
    Ok(params)
}

/// A signer certificate with the key that signs for it.
#[derive(Clone)]
pub(crate) struct SignerCert {
    pub(crate) cert_der: Vec<u8>,
}

/// Root, issuing CA and the signer certificates issued so far (one per person and validity).
pub struct UserCertificateAuthority {
    root_der: Vec<u8>,
    root_pem: String,
    issuing: Issuer<'static, KeyPair>,
    issuing_der: Vec<u8>,
    ocsp_responder_der: Vec<u8>,
    signers: Mutex<HashMap<(String, String, i64, i64), SignerCert>>,
}

impl std::fmt::Debug for UserCertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserCertificateAuthority")
            .finish_non_exhaustive()
    }
}

impl UserCertificateAuthority {
    /// A new root and issuing CA, valid 2000–2099 (fixed, so no clock is read).
    pub fn new(root_common_name: &str) -> Result<Self, FakeBankIdError> {
        let from = fixed(2000)?;
        let to = fixed(2099)?;
        let root_key = KeyPair::generate().map_err(rcgen_err)?;
        let root_params = ca_params(root_common_name, from, to)?;
        let root_cert = root_params.self_signed(&root_key).map_err(rcgen_err)?;
        let root = Issuer::new(root_params, root_key);

        let issuing_key = KeyPair::generate().map_err(rcgen_err)?;
        let mut issuing_params =
            ca_params("Fake Testbank A Customer CA1 v1 for BankID Test", from, to)?;
        issuing_params.use_authority_key_identifier_extension = true;
        let issuing_cert = issuing_params
            .signed_by(&issuing_key, &root)
            .map_err(rcgen_err)?;

        let issuing = Issuer::new(issuing_params, issuing_key);
        let ocsp_responder_der = {
            let key = KeyPair::from_pkcs8_der_and_sign_algo(
                &shared_rsa_key_der()?.to_vec().into(),
                &PKCS_RSA_SHA256,
            )
            .map_err(rcgen_err)?;
            let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_err)?;
            let mut name = DistinguishedName::new();
            name.push(DnType::OrganizationName, "Assistid fake BankID");
            name.push(DnType::CommonName, "Fake Testbank A OCSP responder");
            params.distinguished_name = name;
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            params.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
            params.use_authority_key_identifier_extension = true;
            params.serial_number = Some(random_serial());
            params.not_before = to_offset(from)?;
            params.not_after = to_offset(to)?;
            params
                .signed_by(&key, &issuing)
                .map_err(rcgen_err)?
                .der()
                .to_vec()
        };
        Ok(Self {
            root_der: root_cert.der().to_vec(),
            root_pem: root_cert.pem(),
            issuing,
            issuing_der: issuing_cert.der().to_vec(),
            ocsp_responder_der,
            signers: Mutex::new(HashMap::new()),
        })
    }

    /// The root every signer certificate chains to (DER): configure it as the user-certificate
    /// root in demo mode.
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    /// The root in PEM form.
    pub fn root_pem(&self) -> &str {
        &self.root_pem
    }

    /// The issuing CA certificate (DER), sent after the signer certificate in `X509Data`.
    pub fn issuing_der(&self) -> &[u8] {
        &self.issuing_der
    }

    pub(crate) fn ocsp_responder_der(&self) -> &[u8] {
        &self.ocsp_responder_der
    }

    /// The signer certificate for a person, valid from `not_before` to `not_after` (issued once
    /// and then reused).
    pub(crate) fn signer(
        &self,
        personal_number: &str,
        name: &str,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Result<SignerCert, FakeBankIdError> {
        let cache_key = (
            personal_number.to_owned(),
            name.to_owned(),
            not_before.timestamp(),
            not_after.timestamp(),
        );
        if let Some(found) = self
            .signers
            .lock()
            .map_err(|_| FakeBankIdError::Pki("lås förgiftat".into()))?
            .get(&cache_key)
        {
            return Ok(found.clone());
        }
        let key = KeyPair::from_pkcs8_der_and_sign_algo(
            &shared_rsa_key_der()?.to_vec().into(),
            &PKCS_RSA_SHA256,
        )
        .map_err(rcgen_err)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_err)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "SE");
        let (given, surname) = name.split_once(' ').unwrap_or((name, ""));
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), given);
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), surname);
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 5]), personal_number);
        dn.push(DnType::CommonName, name);
        params.distinguished_name = dn;
        params.key_usages = vec![KeyUsagePurpose::ContentCommitment];
        params.use_authority_key_identifier_extension = true;
        params.serial_number = Some(random_serial());
        params.not_before = to_offset(not_before)?;
        params.not_after = to_offset(not_after)?;
        let cert = params.signed_by(&key, &self.issuing).map_err(rcgen_err)?;
        let signer = SignerCert {
            cert_der: cert.der().to_vec(),
        };
        self.signers
            .lock()
            .map_err(|_| FakeBankIdError::Pki("lås förgiftat".into()))?
            .insert(cache_key, signer.clone());
        Ok(signer)
    }
}

fn fixed(year: i32) -> Result<DateTime<Utc>, FakeBankIdError> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0)
        .single()
        .ok_or_else(|| FakeBankIdError::Pki("ogiltigt datum".into()))
}
