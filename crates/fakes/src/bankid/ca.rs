//! The fake BankID's user-certificate PKI, shaped like BankID's test PKI: a root (OU "BankID
//! Member Banks CA"), a bank CA under it ("Fake Testbank A CA v1 for BankID Test"), a customer CA
//! under that ("Fake Testbank A Customer CA1 v1 for BankID Test") which issues the signer
//! certificates — subject `serialNumber` = personnummer, name in CN, given name and surname —
//! and a delegated OCSP responder (`id-kp-OCSPSigning`). Every key is RSA, as in BankID's.
//!
//! Keys: RSA key generation takes a few hundred milliseconds in a debug build and tests start
//! many fakes, so the keys below the root (bank CA, customer CA, OCSP responder, signers) are
//! generated once per process and shared by every CA in it, and every fake BankID server of a
//! process issues under one CA ([`UserCertificateAuthority::process_wide`]). Each CA made with
//! [`UserCertificateAuthority::new`] has a root key of its own, so its signatures never chain
//! to another CA's root, even one of the same name.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_RSA_SHA256, SerialNumber,
};

use super::FakeBankIdError;

/// Which of the process-wide RSA keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SharedKey {
    /// Every signer certificate.
    Signer,
    /// The bank CA of every fake.
    BankCa,
    /// The customer CA of every fake.
    CustomerCa,
    /// The OCSP responder of every fake.
    OcspResponder,
}

fn new_rsa_key() -> Result<Vec<u8>, String> {
    use rsa::pkcs8::EncodePrivateKey;
    let mut rng = rsa::rand_core::OsRng;
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
    key.to_pkcs8_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|e| e.to_string())
}

/// One process-wide RSA key (PKCS#8 DER), generated on first use.
pub(crate) fn shared_key_der(which: SharedKey) -> Result<&'static [u8], FakeBankIdError> {
    static KEYS: [OnceLock<Result<Vec<u8>, String>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let slot = match which {
        SharedKey::Signer => &KEYS[0],
        SharedKey::BankCa => &KEYS[1],
        SharedKey::CustomerCa => &KEYS[2],
        SharedKey::OcspResponder => &KEYS[3],
    };
    slot.get_or_init(new_rsa_key)
        .as_ref()
        .map(Vec::as_slice)
        .map_err(|e| FakeBankIdError::Pki(e.clone()))
}

/// The process-wide RSA signer key (PKCS#8 DER).
pub(crate) fn shared_rsa_key_der() -> Result<&'static [u8], FakeBankIdError> {
    shared_key_der(SharedKey::Signer)
}

fn rsa_key_pair(pkcs8: &[u8]) -> Result<KeyPair, FakeBankIdError> {
    KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8.to_vec().into(), &PKCS_RSA_SHA256)
        .map_err(rcgen_err)
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

const BANK: &str = "Fake Testbank A AB (publ)";
const BANK_ORG_NUMBER: &str = "111111111111";

fn bank_name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CountryName, "SE");
    name.push(DnType::OrganizationName, BANK);
    name.push(DnType::CustomDnType(vec![2, 5, 4, 5]), BANK_ORG_NUMBER);
    name.push(DnType::CommonName, common_name);
    name
}

fn ca_params(
    name: DistinguishedName,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<CertificateParams, FakeBankIdError> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_err)?;
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.use_authority_key_identifier_extension = true;
    params.serial_number = Some(random_serial());
    params.not_before = to_offset(not_before)?;
    params.not_after = to_offset(not_after)?;
    Ok(params)
}

fn responder_params(
    common_name: &str,
    ocsp_signing: bool,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<CertificateParams, FakeBankIdError> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_err)?;
    params.distinguished_name = bank_name(common_name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    if ocsp_signing {
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
    }
    params.use_authority_key_identifier_extension = true;
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

/// Root, bank CA, customer CA, OCSP responder and the signer certificates issued so far (one
/// per person and validity).
pub struct UserCertificateAuthority {
    root_der: Vec<u8>,
    root_pem: String,
    bank_ca_der: Vec<u8>,
    customer_ca: Issuer<'static, KeyPair>,
    customer_ca_der: Vec<u8>,
    ocsp_responder_der: Vec<u8>,
    /// A certificate from the customer CA for the responder's key, without `id-kp-OCSPSigning`.
    responder_without_ocsp_signing_der: Vec<u8>,
    signers: Mutex<HashMap<(String, String, i64, i64), SignerCert>>,
}

impl std::fmt::Debug for UserCertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserCertificateAuthority")
            .finish_non_exhaustive()
    }
}

impl UserCertificateAuthority {
    /// A new root (with a key of its own) and, under it, the bank CA, the customer CA and the
    /// OCSP responder, all valid 2000–2099 (fixed, so no clock is read).
    pub fn new(root_common_name: &str) -> Result<Self, FakeBankIdError> {
        let from = fixed(2000)?;
        let to = fixed(2099)?;

        let root_key = rsa_key_pair(&new_rsa_key().map_err(FakeBankIdError::Pki)?)?;
        let mut root_name = DistinguishedName::new();
        root_name.push(DnType::OrganizationName, "Fake Finansiell ID-Teknik BID AB");
        root_name.push(DnType::OrganizationalUnitName, "BankID Member Banks CA");
        root_name.push(DnType::CommonName, root_common_name);
        let mut root_params = ca_params(root_name, from, to)?;
        root_params.use_authority_key_identifier_extension = false;
        let root_cert = root_params.self_signed(&root_key).map_err(rcgen_err)?;
        let root = Issuer::new(root_params, root_key);

        let bank_key = rsa_key_pair(shared_key_der(SharedKey::BankCa)?)?;
        let bank_params = ca_params(bank_name("Fake Testbank A CA v1 for BankID Test"), from, to)?;
        let bank_cert = bank_params.signed_by(&bank_key, &root).map_err(rcgen_err)?;
        let bank = Issuer::new(bank_params, bank_key);

        let customer_key = rsa_key_pair(shared_key_der(SharedKey::CustomerCa)?)?;
        let customer_params = ca_params(
            bank_name("Fake Testbank A Customer CA1 v1 for BankID Test"),
            from,
            to,
        )?;
        let customer_cert = customer_params
            .signed_by(&customer_key, &bank)
            .map_err(rcgen_err)?;
        let customer_ca = Issuer::new(customer_params, customer_key);

        let responder_key = rsa_key_pair(shared_key_der(SharedKey::OcspResponder)?)?;
        let responder = responder_params(
            "Fake Testbank A Customer CA1 v1 for BankID OCSP Signing",
            true,
            from,
            to,
        )?
        .signed_by(&responder_key, &customer_ca)
        .map_err(rcgen_err)?;
        let without_ocsp_signing = responder_params(
            "Fake Testbank A Customer CA1 v1 for BankID Web",
            false,
            from,
            to,
        )?
        .signed_by(&responder_key, &customer_ca)
        .map_err(rcgen_err)?;
        Ok(Self {
            root_der: root_cert.der().to_vec(),
            root_pem: root_cert.pem(),
            bank_ca_der: bank_cert.der().to_vec(),
            customer_ca,
            customer_ca_der: customer_cert.der().to_vec(),
            ocsp_responder_der: responder.der().to_vec(),
            responder_without_ocsp_signing_der: without_ocsp_signing.der().to_vec(),
            signers: Mutex::new(HashMap::new()),
        })
    }

    /// The PKI every [`super::FakeBankId`] of this process issues under ("Fake BankID Root CA
    /// v1 Test"), made on first use: one root key generation per process, however many fakes
    /// the tests start. Tests that need a root of their own call [`Self::new`].
    pub fn process_wide() -> Result<Arc<Self>, FakeBankIdError> {
        static CA: OnceLock<Result<Arc<UserCertificateAuthority>, String>> = OnceLock::new();
        CA.get_or_init(|| {
            Self::new("Fake BankID Root CA v1 Test")
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(FakeBankIdError::Pki)
    }

    /// The root every signer certificate chains to (DER): the trust anchor to configure for
    /// this BankID, as BankID's own root is for test and production.
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    /// The root in PEM form.
    pub fn root_pem(&self) -> &str {
        &self.root_pem
    }

    /// The customer CA certificate (DER) that issues the signer certificates: sent right after
    /// the signer certificate in `X509Data`.
    pub fn issuing_der(&self) -> &[u8] {
        &self.customer_ca_der
    }

    /// The bank CA certificate (DER) under the root that issued the customer CA: the last
    /// certificate in `X509Data`.
    pub fn bank_ca_der(&self) -> &[u8] {
        &self.bank_ca_der
    }

    /// The delegated OCSP responder's certificate (DER), issued by the customer CA with
    /// `id-kp-OCSPSigning`.
    pub fn ocsp_responder_der(&self) -> &[u8] {
        &self.ocsp_responder_der
    }

    pub(crate) fn responder_without_ocsp_signing_der(&self) -> &[u8] {
        &self.responder_without_ocsp_signing_der
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
        let key = rsa_key_pair(shared_rsa_key_der()?)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_err)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "SE");
        dn.push(DnType::OrganizationName, BANK);
        let (given, surname) = name.split_once(' ').unwrap_or((name, ""));
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), surname);
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), given);
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 5]), personal_number);
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 41]),
            format!("{name} - BankID på fil"),
        );
        dn.push(DnType::CommonName, name);
        params.distinguished_name = dn;
        params.key_usages = vec![KeyUsagePurpose::ContentCommitment];
        params.use_authority_key_identifier_extension = true;
        params.serial_number = Some(random_serial());
        params.not_before = to_offset(not_before)?;
        params.not_after = to_offset(not_after)?;
        let cert = params
            .signed_by(&key, &self.customer_ca)
            .map_err(rcgen_err)?;
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
