//! The provider's client certificate: FK's "e-tjänstelegitimation", a PKCS#12 file from Expisoft
//! renewed every two years. Read in memory, converted to the PEM rustls needs, and checked for
//! expiry against a date passed in.

use std::fmt;

use assistid_core::secret::Sensitive;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use serde::Serialize;
use x509_parser::prelude::{FromDer, SubjectPublicKeyInfo, X509Certificate};

use crate::error::EltError;
use crate::pkcs12_file::{self, FileCertificate, FileContents, FileKey, ReadError};

/// Warn this many days (or fewer) before the certificate expires.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Facts about the client certificate, safe to show and log (an organisation certificate
/// names the organisation, not a person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateInfo {
    /// The subject, RFC 4514 style (e.g. `CN=Omsorg AB, O=Omsorg AB`).
    pub subject: String,
    /// The issuer, RFC 4514 style.
    pub issuer: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
}

/// How the certificate stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CertStatus {
    /// Valid for more than [`EXPIRY_WARNING_DAYS`] days.
    Ok,
    /// Valid, but expires within [`EXPIRY_WARNING_DAYS`] days: renew now.
    ExpiresSoon,
    /// Expired: nothing can be sent.
    Expired,
    /// Not valid yet (a renewed certificate installed early, or a wrong computer clock).
    NotYetValid,
}

/// The certificate's health on a given day, with a Swedish message for the coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertHealth {
    /// The last day of validity, as a date in Sweden.
    pub expires_on: NaiveDate,
    /// Whole days left until expiry (negative once expired).
    pub days_left: i64,
    /// The verdict.
    pub status: CertStatus,
    /// What to tell the user (Swedish).
    pub message: String,
}

impl CertificateInfo {
    /// The health of the certificate at `now`.
    pub fn health(&self, now: DateTime<Utc>) -> CertHealth {
        let expires_on = self.not_after.with_timezone(&Stockholm).date_naive();
        let days_left = (self.not_after - now).num_days();
        let (status, message) = if now >= self.not_after {
            (
                CertStatus::Expired,
                format!(
                    "Certifikatet för Försäkringskassan gick ut {expires_on}. Inga \
                     tidredovisningar kan skickas förrän du har förnyat det hos Expisoft och lagt \
                     in den nya filen i inställningarna."
                ),
            )
        } else if now < self.not_before {
            let from = self.not_before.with_timezone(&Stockholm).date_naive();
            (
                CertStatus::NotYetValid,
                format!(
                    "Certifikatet för Försäkringskassan gäller först från {from}. Kontrollera \
                     datorns klocka eller använd det tidigare certifikatet till dess."
                ),
            )
        } else if days_left <= EXPIRY_WARNING_DAYS {
            (
                CertStatus::ExpiresSoon,
                format!(
                    "Certifikatet för Försäkringskassan går ut {expires_on} (om {days_left} \
                     dagar). Beställ ett nytt hos Expisoft nu – det ska förnyas vartannat år – \
                     och lägg in den nya filen i inställningarna."
                ),
            )
        } else {
            (
                CertStatus::Ok,
                format!("Certifikatet för Försäkringskassan gäller till {expires_on}."),
            )
        };
        CertHealth {
            expires_on,
            days_left,
            status,
            message,
        }
    }
}

/// A client identity ready for TLS: key and chain as PEM (in memory only) plus the facts
/// about the certificate.
#[derive(Clone)]
pub struct ClientIdentity {
    pem: Sensitive<Vec<u8>>,
    /// The private key, PKCS#8 DER.
    key_der: Sensitive<Vec<u8>>,
    /// The certificate chain, leaf first, DER.
    chain_der: Vec<Vec<u8>>,
    info: CertificateInfo,
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl ClientIdentity {
    /// Opens a PKCS#12 file with its password.
    ///
    /// Errors: [`EltError::WrongCertificatePassword`] when the password does not open the file,
    /// [`EltError::InvalidCertificateFile`] when it is not a PKCS#12 file with a key and
    /// certificate.
    ///
    /// Every private key in the file is paired with its certificate by public key (the
    /// certificate's SubjectPublicKeyInfo against the key's public part); `localKeyId`
    /// attributes are only a hint, so files whose bags have none are read too. The key used is
    /// the one whose certificate may authenticate a TLS client (extended key usage clientAuth
    /// or none, key usage digitalSignature or none): a file with an authentication and a
    /// signing key presents the authentication key. When several keys
    /// qualify, [`ClientIdentity::from_pkcs12_choosing`] picks one;
    /// here that is [`EltError::SeveralClientKeys`].
    pub fn from_pkcs12(pkcs12: &[u8], password: &Sensitive<String>) -> Result<Self, EltError> {
        Self::from_pkcs12_choosing(pkcs12, password, None)
    }

    /// Like [`ClientIdentity::from_pkcs12`], with the user's choice among several keys for
    /// client authentication: `choice` is a key's name in the file (its alias) or its
    /// certificate's serial number in hex (colons and case do not matter), as
    /// [`client_key_candidates`] lists them.
    ///
    /// Errors besides those of [`ClientIdentity::from_pkcs12`]: [`EltError::SeveralClientKeys`]
    /// when several keys qualify and `choice` names none of them,
    /// [`EltError::InvalidCertificateFile`] when no key's certificate allows client
    /// authentication.
    pub fn from_pkcs12_choosing(
        pkcs12: &[u8],
        password: &Sensitive<String>,
        choice: Option<&str>,
    ) -> Result<Self, EltError> {
        let contents = read_file(pkcs12, password)?;
        let pairs = pairs(&contents);
        let chosen = choose_client_key(&contents, &pairs, choice)?;
        let info = certificate_info(&chosen.leaf.der)?;
        let chain = chain_of(&contents, chosen.leaf);
        let key = chosen.key.pkcs8.expose();
        let mut pem = Vec::new();
        push_pem(&mut pem, "PRIVATE KEY", key);
        for cert in &chain {
            push_pem(&mut pem, "CERTIFICATE", cert);
        }
        Ok(Self {
            pem: Sensitive::new(pem),
            key_der: Sensitive::new(key.clone()),
            chain_der: chain.into_iter().map(<[u8]>::to_vec).collect(),
            info,
        })
    }

    /// Facts about the certificate.
    pub fn info(&self) -> &CertificateInfo {
        &self.info
    }

    /// The certificate's health at `now`.
    pub fn health(&self, now: DateTime<Utc>) -> CertHealth {
        self.info.health(now)
    }

    /// Fails with [`EltError::ClientCertificateExpired`] if the certificate has expired at `now`.
    pub fn ensure_not_expired(&self, now: DateTime<Utc>) -> Result<(), EltError> {
        let health = self.health(now);
        if health.status == CertStatus::Expired {
            return Err(EltError::ClientCertificateExpired {
                expired_on: health.expires_on,
            });
        }
        Ok(())
    }

    /// Key and chain as PEM, for the TLS stack.
    pub(crate) fn pem(&self) -> &[u8] {
        self.pem.expose()
    }

    /// The private key (PKCS#8 DER), for rustls.
    pub(crate) fn key_der(&self) -> &[u8] {
        self.key_der.expose()
    }

    /// The certificate chain (DER, leaf first), for rustls.
    pub(crate) fn chain_der(&self) -> &[Vec<u8>] {
        &self.chain_der
    }
}

/// A key in a PKCS#12 file that may authenticate a TLS client, as offered to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientKeyCandidate {
    /// The key's name in the file (its friendly name, else its certificate's, else the
    /// certificate's subject).
    pub alias: String,
    /// The certificate's serial number, lowercase hex with colons.
    pub serial: String,
    /// Subject, issuer and validity of its certificate.
    pub info: CertificateInfo,
}

/// The keys in a PKCS#12 file that may authenticate a TLS client (see
/// [`ClientIdentity::from_pkcs12_choosing`]), for the user to pick from.
///
/// Errors: [`EltError::WrongCertificatePassword`] and [`EltError::InvalidCertificateFile`] as
/// for [`ClientIdentity::from_pkcs12`].
pub fn client_key_candidates(
    pkcs12: &[u8],
    password: &Sensitive<String>,
) -> Result<Vec<ClientKeyCandidate>, EltError> {
    let contents = read_file(pkcs12, password)?;
    Ok(candidates(&pairs(&contents))
        .into_iter()
        .map(|(candidate, _)| candidate)
        .collect())
}

fn read_file(pkcs12: &[u8], password: &Sensitive<String>) -> Result<FileContents, EltError> {
    pkcs12_file::read(pkcs12, password.expose()).map_err(|e| match e {
        ReadError::WrongPassword => EltError::WrongCertificatePassword,
        ReadError::Invalid(reason) => EltError::InvalidCertificateFile { reason },
    })
}

/// A private key of the file with a certificate for it.
struct Pair<'f> {
    key: &'f FileKey,
    leaf: &'f FileCertificate,
}

/// The public key of a certificate (the subjectPublicKey bits of its SubjectPublicKeyInfo).
fn certificate_public_key(cert: &FileCertificate) -> Option<Vec<u8>> {
    let (_, parsed) = X509Certificate::from_der(&cert.der).ok()?;
    Some(parsed.public_key().subject_public_key.data.to_vec())
}

/// The public part of a private key, computed by the TLS stack that will use the key (so a key
/// it cannot use has none): the subjectPublicKey bits of its SubjectPublicKeyInfo.
fn key_public_key(key: &FileKey) -> Option<Vec<u8>> {
    let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.pkcs8.expose().as_slice()));
    let signing_key = rustls::crypto::ring::sign::any_supported_type(&der).ok()?;
    let spki = signing_key.public_key()?;
    let (_, parsed) = SubjectPublicKeyInfo::from_der(spki.as_ref()).ok()?;
    Some(parsed.subject_public_key.data.to_vec())
}

/// Every key paired with its certificates: by public key (a certificate whose public key is
/// the key's); the `localKeyId` attributes only narrow several certificates of one key (a
/// renewed certificate beside the old one) and pair a key whose public part cannot be
/// computed. A `localKeyId` that names a certificate for another key pairs nothing.
fn pairs(contents: &FileContents) -> Vec<Pair<'_>> {
    let cert_keys: Vec<Option<Vec<u8>>> = contents
        .certificates
        .iter()
        .map(certificate_public_key)
        .collect();
    let same_id = |key: &FileKey, cert: &FileCertificate| {
        key.local_key_id.is_some() && key.local_key_id == cert.local_key_id
    };
    let mut out = Vec::new();
    for key in &contents.keys {
        let leaves: Vec<&FileCertificate> = match key_public_key(key) {
            Some(public) => {
                let by_public: Vec<&FileCertificate> = contents
                    .certificates
                    .iter()
                    .zip(&cert_keys)
                    .filter(|(_, cert_key)| cert_key.as_ref() == Some(&public))
                    .map(|(cert, _)| cert)
                    .collect();
                let hinted: Vec<&FileCertificate> = by_public
                    .iter()
                    .copied()
                    .filter(|cert| same_id(key, cert))
                    .collect();
                if hinted.is_empty() { by_public } else { hinted }
            }
            None => contents
                .certificates
                .iter()
                .filter(|cert| same_id(key, cert))
                .collect(),
        };
        out.extend(leaves.into_iter().map(|leaf| Pair { key, leaf }));
    }
    out
}

/// The leaf and its issuers found in the file, leaf first (each certificate once; a
/// self-signed root ends the chain).
fn chain_of<'f>(contents: &'f FileContents, leaf: &'f FileCertificate) -> Vec<&'f [u8]> {
    let mut chain: Vec<&[u8]> = vec![&leaf.der];
    let Ok((_, mut current)) = X509Certificate::from_der(&leaf.der) else {
        return chain;
    };
    while chain.len() <= contents.certificates.len() {
        if current.subject().as_raw() == current.issuer().as_raw() {
            break;
        }
        let issuer = contents.certificates.iter().find_map(|cert| {
            if chain.contains(&cert.der.as_slice()) {
                return None;
            }
            let (_, parsed) = X509Certificate::from_der(&cert.der).ok()?;
            (parsed.subject().as_raw() == current.issuer().as_raw()).then_some((cert, parsed))
        });
        let Some((cert, parsed)) = issuer else {
            break;
        };
        chain.push(&cert.der);
        current = parsed;
    }
    chain
}

/// The name a pair is listed under.
fn alias_of(pair: &Pair<'_>, cert: &X509Certificate<'_>) -> String {
    pair.key
        .friendly_name
        .clone()
        .or_else(|| pair.leaf.friendly_name.clone())
        .unwrap_or_else(|| cert.subject().to_string())
}

/// Every pair whose certificate allows client authentication, with its description.
fn candidates<'p, 'f>(pairs: &'p [Pair<'f>]) -> Vec<(ClientKeyCandidate, &'p Pair<'f>)> {
    let mut out = Vec::new();
    for pair in pairs {
        let Ok((_, cert)) = X509Certificate::from_der(&pair.leaf.der) else {
            continue;
        };
        if !allows_client_auth(&cert) {
            continue;
        }
        let Ok(info) = certificate_info(&pair.leaf.der) else {
            continue;
        };
        out.push((
            ClientKeyCandidate {
                alias: alias_of(pair, &cert),
                serial: cert.raw_serial_as_string().to_lowercase(),
                info,
            },
            pair,
        ));
    }
    out
}

/// Extended key usage clientAuth (or any, or none given) and key usage digitalSignature (or
/// none given): what a TLS client certificate needs.
fn allows_client_auth(cert: &X509Certificate<'_>) -> bool {
    let eku_ok = match cert.extended_key_usage() {
        Ok(Some(eku)) => eku.value.client_auth || eku.value.any,
        Ok(None) => true,
        Err(_) => false,
    };
    let ku_ok = match cert.key_usage() {
        Ok(Some(ku)) => ku.value.digital_signature(),
        Ok(None) => true,
        Err(_) => false,
    };
    eku_ok && ku_ok
}

fn normalized_serial(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_hexdigit())
        .map(|c| c.to_ascii_lowercase())
        .collect::<String>()
        .trim_start_matches('0')
        .to_owned()
}

fn choose_client_key<'p, 'f>(
    contents: &FileContents,
    pairs: &'p [Pair<'f>],
    choice: Option<&str>,
) -> Result<&'p Pair<'f>, EltError> {
    let found = candidates(pairs);
    if found.is_empty() {
        let reason = if !pairs.is_empty() {
            "ingen nyckel i filen har ett certifikat för klientautentisering (clientAuth)"
        } else if contents.keys.is_empty() {
            "filen innehåller ingen privat nyckel med certifikat"
        } else if contents.certificates.is_empty() {
            "filen innehåller en privat nyckel men inget certifikat till den"
        } else {
            "ingen privat nyckel i filen hör ihop med något av certifikaten i den (de publika \
             nycklarna skiljer sig)"
        };
        return Err(EltError::InvalidCertificateFile {
            reason: reason.to_owned(),
        });
    }
    if let Some(choice) = choice.map(str::trim).filter(|c| !c.is_empty()) {
        let wanted_serial = normalized_serial(choice);
        let chosen = found.iter().find(|(c, _)| {
            c.alias == choice
                || (!wanted_serial.is_empty() && normalized_serial(&c.serial) == wanted_serial)
        });
        return match chosen {
            Some((_, pair)) => Ok(*pair),
            None => Err(EltError::SeveralClientKeys {
                candidates: describe(&found),
            }),
        };
    }
    match found.as_slice() {
        [(_, pair)] => Ok(*pair),
        _ => Err(EltError::SeveralClientKeys {
            candidates: describe(&found),
        }),
    }
}

fn describe(found: &[(ClientKeyCandidate, &Pair<'_>)]) -> String {
    found
        .iter()
        .map(|(c, _)| {
            format!(
                "\"{}\" (serienummer {}, gäller till {})",
                c.alias,
                c.serial,
                c.info.not_after.with_timezone(&Stockholm).date_naive()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads subject, issuer and validity from a DER certificate.
pub fn certificate_info(der: &[u8]) -> Result<CertificateInfo, EltError> {
    let invalid = || EltError::InvalidCertificateFile {
        reason: "certifikatet i filen går inte att läsa".to_owned(),
    };
    let (_, cert) = X509Certificate::from_der(der).map_err(|_| invalid())?;
    let validity = cert.validity();
    let not_before =
        DateTime::<Utc>::from_timestamp(validity.not_before.timestamp(), 0).ok_or_else(invalid)?;
    let not_after =
        DateTime::<Utc>::from_timestamp(validity.not_after.timestamp(), 0).ok_or_else(invalid)?;
    Ok(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before,
        not_after,
    })
}

/// The certificates of a PEM file meant as a trust anchor (FK's CA), each described, in file
/// order. Refused: a file with no `CERTIFICATE` block and a block that is not a certificate
/// (the reason, in Swedish, says which).
pub fn ca_certificates_info(pem: &[u8]) -> Result<Vec<CertificateInfo>, EltError> {
    let refused = |reason: String| EltError::InvalidTrustAnchor { reason };
    let mut infos = Vec::new();
    for (i, block) in x509_parser::pem::Pem::iter_from_buffer(pem).enumerate() {
        let block = block.map_err(|_| {
            refused(format!(
                "block {} i filen är inte giltig PEM-text (-----BEGIN CERTIFICATE----- …)",
                i + 1
            ))
        })?;
        if block.label != "CERTIFICATE" {
            return Err(refused(format!(
                "block {} i filen är \"{}\", inte ett certifikat (CERTIFICATE)",
                i + 1,
                block.label
            )));
        }
        let info = certificate_info(&block.contents)
            .map_err(|_| refused(format!("certifikat {} i filen går inte att läsa", i + 1)))?;
        infos.push(info);
    }
    if infos.is_empty() {
        return Err(refused(
            "filen innehåller inget certifikat i PEM-form (-----BEGIN CERTIFICATE-----)".to_owned(),
        ));
    }
    Ok(infos)
}

fn push_pem(out: &mut Vec<u8>, label: &str, der: &[u8]) {
    let encoded = STANDARD.encode(der);
    out.extend_from_slice(format!("-----BEGIN {label}-----\n").as_bytes());
    for line in encoded.as_bytes().chunks(64) {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.extend_from_slice(format!("-----END {label}-----\n").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn info(not_after: DateTime<Utc>) -> CertificateInfo {
        CertificateInfo {
            subject: "CN=Omsorg AB".to_owned(),
            issuer: "CN=Expisoft".to_owned(),
            not_before: Utc
                .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
                .single()
                .expect("valid"),
            not_after,
        }
    }

    #[test]
    fn warns_from_thirty_days_before_expiry() {
        let expiry = Utc
            .with_ymd_and_hms(2027, 1, 1, 12, 0, 0)
            .single()
            .expect("valid");
        let cases = [
            (expiry - chrono::Duration::days(31), CertStatus::Ok),
            (expiry - chrono::Duration::days(30), CertStatus::ExpiresSoon),
            (
                expiry - chrono::Duration::seconds(1),
                CertStatus::ExpiresSoon,
            ),
            (expiry, CertStatus::Expired),
        ];
        for (now, expected) in cases {
            assert_eq!(
                info(expiry).health(now).status,
                expected,
                "at {now} the certificate expiring {expiry} must be {expected:?}"
            );
        }
        let expired = info(expiry).health(expiry + chrono::Duration::days(3));
        assert!(
            expired.message.contains("2027-01-01"),
            "the message must name the expiry date: {}",
            expired.message
        );
    }
}
