//! The provider's client certificate: FK's "e-tjänstelegitimation", a PKCS#12 file from Expisoft
//! renewed every two years. Read in memory, converted to the PEM rustls needs, and checked for
//! expiry against a date passed in.

use std::fmt;

use assistid_core::secret::Sensitive;
use assistid_pkcs12::{Pkcs12Error, describe_candidates};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use serde::Serialize;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::error::EltError;

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
        let chosen = assistid_pkcs12::client_key(pkcs12, password, choice).map_err(elt_error)?;
        Self::from_client_key(&chosen)
    }

    /// The identity of a key already chosen from a certificate file
    /// ([`assistid_pkcs12::client_key`]), for a caller that tells the file's problems apart by
    /// [`assistid_pkcs12::Pkcs12Error`] itself.
    ///
    /// Errors: [`EltError::InvalidCertificateFile`] when the certificate cannot be read.
    pub fn from_client_key(chosen: &assistid_pkcs12::ClientKey) -> Result<Self, EltError> {
        let leaf = chosen
            .chain_der()
            .first()
            .ok_or_else(|| EltError::InvalidCertificateFile {
                reason: "certifikatet i filen går inte att läsa".to_owned(),
            })?;
        let info = certificate_info(leaf)?;
        Ok(Self {
            pem: chosen.to_pem(),
            key_der: Sensitive::new(chosen.key_pkcs8().to_vec()),
            chain_der: chosen.chain_der().to_vec(),
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
    Ok(assistid_pkcs12::client_key_candidates(pkcs12, password)
        .map_err(elt_error)?
        .into_iter()
        .map(|c| ClientKeyCandidate {
            alias: c.alias,
            serial: c.serial,
            info: CertificateInfo {
                subject: c.subject,
                issuer: c.issuer,
                not_before: c.not_before,
                not_after: c.not_after,
            },
        })
        .collect())
}

/// The shared reader's verdict in this crate's terms (the reasons are the reader's Swedish
/// texts).
fn elt_error(error: Pkcs12Error) -> EltError {
    match error {
        Pkcs12Error::WrongPassword => EltError::WrongCertificatePassword,
        Pkcs12Error::SeveralClientKeys { candidates } => EltError::SeveralClientKeys {
            candidates: describe_candidates(&candidates),
        },
        Pkcs12Error::Unreadable { reason } | Pkcs12Error::NoClientKey { reason, .. } => {
            EltError::InvalidCertificateFile { reason }
        }
        other => EltError::InvalidCertificateFile {
            reason: other.to_string(),
        },
    }
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
