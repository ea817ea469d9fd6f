//! # assistid-pkcs12
//!
//! One reader for every certificate file Assistid opens: FK's client certificate (the
//! "e-tjänstelegitimation", `assistid-elt`) and BankID's relying-party certificate
//! (`assistid-bankid`). Both are TLS client certificates in PKCS#12 files (`.p12`/`.pfx`), so
//! both are read the same way:
//!
//! - [`file::read`]: every private key and every certificate of the file, MAC verified, PBES2
//!   and the legacy 3DES/RC2 schemes, size, iteration and nesting limits (hostile files end in
//!   an error, never a panic or an unbounded computation);
//! - [`client_key`]: the key that authenticates a TLS client. Keys are paired with their
//!   certificates by public key (`localKeyId` attributes are only a hint, so files whose bags
//!   have none work), and the key used is the one whose certificate allows client
//!   authentication (extended key usage clientAuth or anyExtendedKeyUsage or none, key usage
//!   digitalSignature or none). When several keys qualify, the caller's choice (a key's alias
//!   or its certificate's serial number) picks one; without a choice that names one of them the
//!   file is refused with the list ([`Pkcs12Error::SeveralClientKeys`]) — never a guess;
//! - [`client_key_candidates`]: those keys, for the user to pick from.
//!
//! Messages are Swedish, for the coordinator who chose the file; callers put them in their own
//! context ("Certifikatfilen kan inte användas: …", "RP-certifikatet …").
//!
//! ```
//! use assistid_core::secret::Sensitive;
//! use assistid_pkcs12::{Pkcs12Error, client_key};
//! let error = client_key(b"not a certificate file", &Sensitive::new("lösen".to_owned()), None)
//!     .expect_err("garbage is refused");
//! assert!(matches!(error, Pkcs12Error::Unreadable { .. }));
//! ```
#![deny(missing_docs)]

use std::fmt;

use assistid_core::secret::Sensitive;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Stockholm;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use x509_parser::prelude::{FromDer, SubjectPublicKeyInfo, X509Certificate};

pub mod file;

pub use file::{FileCertificate, FileContents, FileKey, MAX_ITERATIONS, MAX_PKCS12_BYTES, read};

/// Why a certificate file cannot be used. The texts are Swedish, without a leading capital or
/// final full stop, for the caller to put in its own sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs12Error {
    /// The password does not open the file: the MAC does not match, or (in a file without a
    /// MAC) nothing decrypts to something readable.
    #[error("fel lösenord för certifikatfilen")]
    WrongPassword,
    /// Not a PKCS#12 file this program can read: not PKCS#12 at all, too large, too many key
    /// derivation iterations, a scheme that is not supported, broken contents.
    #[error("{reason}")]
    Unreadable {
        /// What is wrong (Swedish).
        reason: String,
    },
    /// The file opens, but holds no key that can authenticate a TLS client: no private key, no
    /// certificate for the key, or only certificates without client authentication
    /// (`clientAuth`) usage.
    #[error("{reason}")]
    NoClientKey {
        /// What is missing (Swedish; names `clientAuth` or "privat nyckel" as the case is).
        reason: String,
        /// What is missing, for a caller that tells the cases apart.
        lacking: Lacking,
    },
    /// Several keys may authenticate a TLS client, and no choice names one of them.
    #[error(
        "filen innehåller flera nycklar för klientautentisering: {}",
        describe_candidates(candidates)
    )]
    SeveralClientKeys {
        /// The keys that qualify, in file order.
        candidates: Vec<KeyCandidate>,
    },
}

/// What a file that opens lacks for a TLS client key ([`Pkcs12Error::NoClientKey`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lacking {
    /// No private key at all.
    PrivateKey,
    /// A private key, but no certificate in the file.
    Certificate,
    /// Keys and certificates, but no key belongs to any of the certificates.
    MatchingCertificate,
    /// Keys with their certificates, but none of them allows client authentication
    /// (`clientAuth`).
    ClientAuth,
}

/// A key in the file that may authenticate a TLS client, described by its certificate (no
/// secret in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCandidate {
    /// The key's name in the file (its friendly name, else its certificate's, else the
    /// certificate's subject).
    pub alias: String,
    /// The certificate's serial number, lowercase hex with colons.
    pub serial: String,
    /// The certificate's subject, RFC 4514 style.
    pub subject: String,
    /// The certificate's issuer, RFC 4514 style.
    pub issuer: String,
    /// Start of the certificate's validity.
    pub not_before: DateTime<Utc>,
    /// End of the certificate's validity.
    pub not_after: DateTime<Utc>,
}

/// The candidates as one Swedish text: `"alias" (serienummer …, gäller till YYYY-MM-DD); …`
/// (the last day as a date in Sweden).
pub fn describe_candidates(candidates: &[KeyCandidate]) -> String {
    candidates
        .iter()
        .map(|c| {
            format!(
                "\"{}\" (serienummer {}, gäller till {})",
                c.alias,
                c.serial,
                c.not_after.with_timezone(&Stockholm).date_naive()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The chosen key with its certificate chain, ready for a TLS stack.
#[derive(Clone)]
pub struct ClientKey {
    /// The private key, PKCS#8 DER.
    key_pkcs8: Sensitive<Vec<u8>>,
    /// The certificate chain found in the file, leaf first, DER.
    chain_der: Vec<Vec<u8>>,
    /// The leaf certificate described.
    description: KeyCandidate,
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientKey")
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

impl ClientKey {
    /// The private key, PKCS#8 DER (secret).
    pub fn key_pkcs8(&self) -> &[u8] {
        self.key_pkcs8.expose()
    }

    /// The certificate chain found in the file, leaf first, DER (each certificate once; a
    /// self-signed root ends it).
    pub fn chain_der(&self) -> &[Vec<u8>] {
        &self.chain_der
    }

    /// The leaf certificate described.
    pub fn description(&self) -> &KeyCandidate {
        &self.description
    }

    /// Key (`PRIVATE KEY`) and chain (`CERTIFICATE`, leaf first) as one PEM text, as rustls and
    /// reqwest take an identity. Secret.
    pub fn to_pem(&self) -> Sensitive<Vec<u8>> {
        let mut pem = Vec::new();
        push_pem(&mut pem, "PRIVATE KEY", self.key_pkcs8.expose());
        for cert in &self.chain_der {
            push_pem(&mut pem, "CERTIFICATE", cert);
        }
        Sensitive::new(pem)
    }
}

/// Opens a PKCS#12 file with its password and returns the key that authenticates a TLS client
/// (see the crate documentation for the rule). `choice` is a key's alias or its certificate's
/// serial number in hex (colons, case and leading zeros do not matter), as
/// [`client_key_candidates`] lists them; it only matters when several keys qualify.
///
/// Errors: [`Pkcs12Error::WrongPassword`], [`Pkcs12Error::Unreadable`] (see [`file::read`]),
/// [`Pkcs12Error::NoClientKey`] when no key's certificate allows client authentication,
/// [`Pkcs12Error::SeveralClientKeys`] when several do and `choice` names none of them.
pub fn client_key(
    pkcs12: &[u8],
    password: &Sensitive<String>,
    choice: Option<&str>,
) -> Result<ClientKey, Pkcs12Error> {
    let contents = read(pkcs12, password.expose())?;
    let pairs = pairs(&contents);
    let (description, pair) = choose(&contents, &pairs, choice)?;
    Ok(ClientKey {
        key_pkcs8: Sensitive::new(pair.key.pkcs8.expose().clone()),
        chain_der: chain_of(&contents, pair.leaf)
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect(),
        description,
    })
}

/// The keys in a PKCS#12 file that may authenticate a TLS client, in file order, for the user
/// to pick from (see [`client_key`]).
///
/// Errors: [`Pkcs12Error::WrongPassword`] and [`Pkcs12Error::Unreadable`] as for [`file::read`].
pub fn client_key_candidates(
    pkcs12: &[u8],
    password: &Sensitive<String>,
) -> Result<Vec<KeyCandidate>, Pkcs12Error> {
    let contents = read(pkcs12, password.expose())?;
    Ok(candidates(&pairs(&contents))
        .into_iter()
        .map(|(candidate, _)| candidate)
        .collect())
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

/// Every pair whose certificate allows client authentication, with its description.
fn candidates<'p, 'f>(pairs: &'p [Pair<'f>]) -> Vec<(KeyCandidate, &'p Pair<'f>)> {
    let mut out = Vec::new();
    for pair in pairs {
        let Ok((_, cert)) = X509Certificate::from_der(&pair.leaf.der) else {
            continue;
        };
        if !allows_client_auth(&cert) {
            continue;
        }
        let validity = cert.validity();
        let (Some(not_before), Some(not_after)) = (
            DateTime::<Utc>::from_timestamp(validity.not_before.timestamp(), 0),
            DateTime::<Utc>::from_timestamp(validity.not_after.timestamp(), 0),
        ) else {
            continue;
        };
        let alias = pair
            .key
            .friendly_name
            .clone()
            .or_else(|| pair.leaf.friendly_name.clone())
            .unwrap_or_else(|| cert.subject().to_string());
        out.push((
            KeyCandidate {
                alias,
                serial: cert.raw_serial_as_string().to_lowercase(),
                subject: cert.subject().to_string(),
                issuer: cert.issuer().to_string(),
                not_before,
                not_after,
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

fn choose<'p, 'f>(
    contents: &FileContents,
    pairs: &'p [Pair<'f>],
    choice: Option<&str>,
) -> Result<(KeyCandidate, &'p Pair<'f>), Pkcs12Error> {
    let mut found = candidates(pairs);
    if found.is_empty() {
        let (lacking, reason) = if !pairs.is_empty() {
            (
                Lacking::ClientAuth,
                "ingen nyckel i filen har ett certifikat för klientautentisering (clientAuth)",
            )
        } else if contents.keys.is_empty() {
            (
                Lacking::PrivateKey,
                "filen innehåller ingen privat nyckel med certifikat",
            )
        } else if contents.certificates.is_empty() {
            (
                Lacking::Certificate,
                "filen innehåller en privat nyckel men inget certifikat till den",
            )
        } else {
            (
                Lacking::MatchingCertificate,
                "ingen privat nyckel i filen hör ihop med något av certifikaten i den (de \
                 publika nycklarna skiljer sig)",
            )
        };
        return Err(Pkcs12Error::NoClientKey {
            reason: reason.to_owned(),
            lacking,
        });
    }
    let several = |found: Vec<(KeyCandidate, &Pair<'_>)>| Pkcs12Error::SeveralClientKeys {
        candidates: found.into_iter().map(|(c, _)| c).collect(),
    };
    if let Some(choice) = choice.map(str::trim).filter(|c| !c.is_empty()) {
        let wanted_serial = normalized_serial(choice);
        let position = found.iter().position(|(c, _)| {
            c.alias == choice
                || (!wanted_serial.is_empty() && normalized_serial(&c.serial) == wanted_serial)
        });
        return match position {
            Some(i) => Ok(found.swap_remove(i)),
            None => Err(several(found)),
        };
    }
    if found.len() == 1
        && let Some(only) = found.pop()
    {
        return Ok(only);
    }
    Err(several(found))
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
