//! The provider's certificates, imported from their PKCS#12 files: FK's client certificate
//! (the "e-tjänstelegitimation" from Expisoft, for mutual TLS with ELT) and BankID's
//! relying-party (RP) certificate.
//!
//! **How they are kept.**
//! - The file's bytes are checked by opening them in memory with the password (a wrong
//!   password, a file that is not PKCS#12, a file without a private key and an already expired
//!   certificate are each refused with their own message, [`CertificateError`]), and then kept
//!   **inside the encrypted database** (the settings table, base64). The database is SQLCipher
//!   with a random key in the OS keychain, so the file is encrypted at rest twice (its own
//!   PKCS#12 encryption and the database's), travels with the data folder's one database file in
//!   a backup, needs no file permissions of its own (a `0600` file means nothing on Windows),
//!   and is replaced atomically with its description. The user's original file is never needed
//!   again.
//! - The password goes to the OS keychain only (never to the database, a file or a log): FK's
//!   under service [`CLIENT_CERT_KEYCHAIN_SERVICE`] with the folder's identity as account (so it
//!   follows a moved folder; an entry named by an older Assistid after the path still opens), BankID's
//!   under [`crate::signing::KEYCHAIN_SERVICE`] with the provider's
//!   organisationsnummer as account — exactly where the connections look for them. In memory it
//!   is a [`Sensitive`] string: never printed, never serialized.
//! - The description (subject, issuer, validity) is kept beside the bytes, because reading it
//!   again would need the password.
//!
//! The keychain write is the last step of the database transaction: if the keychain refuses,
//! nothing is stored and the old certificate stays in use.

use std::fmt;

use assistid_core::secret::Sensitive;
use assistid_elt::{CertStatus, ClientIdentity};
use assistid_pkcs12::{Lacking, Pkcs12Error, describe_candidates};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};

use crate::submit::connection::CLIENT_CERT_KEYCHAIN_SERVICE;
use crate::{App, AppError};

/// A PKCS#12 file from a certificate vendor is a few kilobytes; anything larger than this is
/// not one (and is refused before it is parsed): the certificate reader's own limit.
pub use assistid_pkcs12::MAX_PKCS12_BYTES;

/// What a certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CertificatePurpose {
    /// FK's client certificate for ELT (mutual TLS).
    FkClient,
    /// BankID's relying-party certificate.
    BankIdRp,
}

impl CertificatePurpose {
    /// Both purposes, in the order the settings show them.
    pub const ALL: [CertificatePurpose; 2] =
        [CertificatePurpose::FkClient, CertificatePurpose::BankIdRp];

    /// `fk_client` or `bankid_rp`.
    pub fn code(self) -> &'static str {
        match self {
            CertificatePurpose::FkClient => "fk_client",
            CertificatePurpose::BankIdRp => "bankid_rp",
        }
    }

    /// The Swedish name, definite form, for messages.
    pub fn label_sv(self) -> &'static str {
        match self {
            CertificatePurpose::FkClient => "certifikatet för Försäkringskassan",
            CertificatePurpose::BankIdRp => "RP-certifikatet för BankID",
        }
    }

    /// Where the user gets the file (for messages).
    fn source_sv(self) -> &'static str {
        match self {
            CertificatePurpose::FkClient => "e-tjänstelegitimationen från Expisoft",
            CertificatePurpose::BankIdRp => "RP-certifikatet från er bank",
        }
    }

    fn bytes_key(self) -> String {
        format!("certificate.{}.pkcs12", self.code())
    }

    fn info_key(self) -> String {
        format!("certificate.{}.info", self.code())
    }
}

impl fmt::Display for CertificatePurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a certificate file was not imported. Messages are Swedish, for coordinators.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The password does not open the file.
    #[error(
        "Fel lösenord för filen med {}. Skriv lösenordet som hörde till filen (det kom \
         separat från filen, ofta i ett eget brev eller sms).",
        purpose.label_sv()
    )]
    WrongPassword {
        /// Which certificate.
        purpose: CertificatePurpose,
    },
    /// No password was given.
    #[error("Skriv lösenordet till filen med {}.", purpose.label_sv())]
    PasswordMissing {
        /// Which certificate.
        purpose: CertificatePurpose,
    },
    /// The file is not a PKCS#12 file (or is damaged).
    #[error(
        "Filen {file_name} är ingen certifikatfil (PKCS#12, .p12/.pfx) eller är skadad. Välj {}.",
        purpose.source_sv()
    )]
    NotPkcs12 {
        /// Which certificate.
        purpose: CertificatePurpose,
        /// The file's name, as the user chose it.
        file_name: String,
    },
    /// The file holds certificates but no private key (an exported public certificate).
    #[error(
        "Filen {file_name} innehåller ingen privat nyckel, bara certifikat. Det behövs filen med \
         nyckeln (PKCS#12, .p12/.pfx): {}.",
        purpose.source_sv()
    )]
    NoPrivateKey {
        /// Which certificate.
        purpose: CertificatePurpose,
        /// The file's name.
        file_name: String,
    },
    /// The certificate has already expired.
    #[error(
        "Certifikatet i filen {file_name} gick ut {expired_on} och kan inte användas. Beställ \
         ett nytt ({}) och lägg in den nya filen.",
        purpose.source_sv()
    )]
    Expired {
        /// Which certificate.
        purpose: CertificatePurpose,
        /// The file's name.
        file_name: String,
        /// The last day of validity (Swedish date).
        expired_on: NaiveDate,
    },
    /// The file holds several keys that may log in (client authentication) and none was
    /// chosen, or the choice names none of them.
    #[error(
        "Filen {file_name} innehåller flera nycklar som kan användas för inloggning: \
         {candidates}. Ange namnet eller serienumret på den som ska användas under \
         \"Nyckel i filen\" och lägg in filen igen (i kommandoraden: --client-cert-key)."
    )]
    SeveralKeys {
        /// Which certificate.
        purpose: CertificatePurpose,
        /// The file's name.
        file_name: String,
        /// The candidates (name, serial number, last day of validity).
        candidates: String,
    },
    /// The file's keys all have certificates for something else than logging in (e.g. only
    /// a signing key).
    #[error(
        "Ingen nyckel i filen {file_name} har ett certifikat för inloggning (clientAuth), till \
         exempel bara en underskriftsnyckel. Välj {}.",
        purpose.source_sv()
    )]
    NoClientAuthKey {
        /// Which certificate.
        purpose: CertificatePurpose,
        /// The file's name.
        file_name: String,
    },
    /// The keychain did not take the password; nothing was imported.
    #[error(
        "Lösenordet kunde inte sparas i datorns nyckelring ({reason}). Certifikatet lades inte \
         in. Kontrollera att nyckelringen är upplåst och försök igen."
    )]
    Keychain {
        /// keyring's reason (never the secret).
        reason: String,
    },
}

impl CertificateError {
    /// A stable snake_case code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            CertificateError::WrongPassword { .. } => "wrong_certificate_password",
            CertificateError::PasswordMissing { .. } => "password_missing",
            CertificateError::NotPkcs12 { .. } => "not_pkcs12",
            CertificateError::NoPrivateKey { .. } => "certificate_without_key",
            CertificateError::Expired { .. } => "certificate_expired",
            CertificateError::Keychain { .. } => "keychain_unavailable",
            CertificateError::SeveralKeys { .. } => "several_client_keys",
            CertificateError::NoClientAuthKey { .. } => "no_client_auth_key",
        }
    }
}

/// The description kept beside the bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredInfo {
    subject: String,
    issuer: String,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    imported_at: DateTime<Utc>,
    file_name: String,
}

/// An imported certificate as the settings show it (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalledCertificate {
    /// What it is for.
    pub purpose: CertificatePurpose,
    /// The subject, RFC 4514 style.
    pub subject: String,
    /// The issuer, RFC 4514 style.
    pub issuer: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// The name of the file it came from.
    pub file_name: String,
    /// Whether the password is found in the OS keychain now.
    pub password_in_keychain: bool,
    /// How it stands at the time asked about (expiry warning from 30 days before).
    pub status: CertStatus,
    /// Whole days left until expiry (negative once expired).
    pub days_left: i64,
    /// What to tell the user (Swedish): validity, or the warning.
    pub message: String,
}

fn opened(
    purpose: CertificatePurpose,
    file_name: &str,
    pkcs12: &[u8],
    password: &Sensitive<String>,
    key_choice: Option<&str>,
) -> Result<ClientIdentity, CertificateError> {
    if pkcs12.len() > MAX_PKCS12_BYTES || pkcs12.is_empty() {
        return Err(CertificateError::NotPkcs12 {
            purpose,
            file_name: file_name.to_owned(),
        });
    }
    let not_pkcs12 = || CertificateError::NotPkcs12 {
        purpose,
        file_name: file_name.to_owned(),
    };
    let key = assistid_pkcs12::client_key(pkcs12, password, key_choice).map_err(|e| match e {
        Pkcs12Error::WrongPassword => CertificateError::WrongPassword { purpose },
        Pkcs12Error::SeveralClientKeys { candidates } => CertificateError::SeveralKeys {
            purpose,
            file_name: file_name.to_owned(),
            candidates: describe_candidates(&candidates),
        },
        Pkcs12Error::NoClientKey {
            lacking: Lacking::ClientAuth,
            ..
        } => CertificateError::NoClientAuthKey {
            purpose,
            file_name: file_name.to_owned(),
        },
        // No key, or none that belongs to a certificate in the file.
        Pkcs12Error::NoClientKey { .. } => CertificateError::NoPrivateKey {
            purpose,
            file_name: file_name.to_owned(),
        },
        _ => not_pkcs12(),
    })?;
    ClientIdentity::from_client_key(&key).map_err(|_| not_pkcs12())
}

fn describe(
    purpose: CertificatePurpose,
    info: StoredInfo,
    password_in_keychain: bool,
    now: DateTime<Utc>,
) -> InstalledCertificate {
    let health = assistid_elt::CertificateInfo {
        subject: info.subject.clone(),
        issuer: info.issuer.clone(),
        not_before: info.not_before,
        not_after: info.not_after,
    }
    .health(now);
    let message = match purpose {
        // The elt crate's wording is about FK's certificate already.
        CertificatePurpose::FkClient => health.message,
        CertificatePurpose::BankIdRp => {
            let date = health.expires_on;
            match health.status {
                CertStatus::Expired => format!(
                    "RP-certifikatet för BankID gick ut {date}. Ingen kan signera förrän ni har \
                     fått ett nytt från er bank och lagt in det här."
                ),
                CertStatus::ExpiresSoon => format!(
                    "RP-certifikatet för BankID går ut {date} (om {} dagar). Beställ ett nytt \
                     från er bank nu och lägg in den nya filen här.",
                    health.days_left
                ),
                CertStatus::NotYetValid => format!(
                    "RP-certifikatet för BankID gäller först från {}. Kontrollera datorns klocka.",
                    info.not_before.with_timezone(&Stockholm).date_naive()
                ),
                _ => format!("RP-certifikatet för BankID gäller till {date}."),
            }
        }
    };
    InstalledCertificate {
        purpose,
        subject: info.subject,
        issuer: info.issuer,
        not_before: info.not_before,
        not_after: info.not_after,
        imported_at: info.imported_at,
        file_name: info.file_name,
        password_in_keychain,
        status: health.status,
        days_left: health.days_left,
        message,
    }
}

impl App {
    /// The keychain entry (service, account) that holds the password for `purpose`.
    fn certificate_keychain_entry(
        &self,
        purpose: CertificatePurpose,
    ) -> anyhow::Result<(&'static str, String)> {
        Ok(match purpose {
            CertificatePurpose::FkClient => (
                CLIENT_CERT_KEYCHAIN_SERVICE,
                crate::submit::connection::client_cert_keychain_account(self.data_dir())?,
            ),
            CertificatePurpose::BankIdRp => {
                let provider = self.provider()?.ok_or_else(|| {
                    AppError::missing_text(
                        crate::error::templates::PROVIDER_FIRST_FOR_BANKID_CERT.text(),
                    )
                })?;
                (
                    crate::signing::KEYCHAIN_SERVICE,
                    provider.org_number.digits().to_owned(),
                )
            }
        })
    }

    /// Imports a PKCS#12 file for `purpose`: opens it with `password` in memory, refuses a
    /// wrong password, a file that is not PKCS#12, a file without a private key and an expired
    /// certificate (at `now`), then keeps the bytes in the encrypted database and the password
    /// in the OS keychain, replacing an earlier certificate for the same purpose.
    ///
    /// A file with several keys that may log in is refused with
    /// [`CertificateError::SeveralKeys`], which lists them: see
    /// [`App::import_certificate_choosing_key`].
    pub fn import_certificate(
        &self,
        purpose: CertificatePurpose,
        file_name: &str,
        pkcs12: &[u8],
        password: &Sensitive<String>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<InstalledCertificate> {
        self.import_certificate_choosing_key(purpose, file_name, pkcs12, password, None, now)
    }

    /// [`App::import_certificate`] with the user's choice of key (its name or serial number)
    /// when the file holds several that may log in. The choice is kept as the setting
    /// [`crate::submit::ELT_CLIENT_CERT_KEY`] for FK's certificate and
    /// [`crate::signing::RP_CERT_KEY`] for BankID's (cleared when none is given), which every
    /// connection to FK or BankID then uses: both files are read by one reader
    /// (`assistid-pkcs12`) with one rule.
    pub fn import_certificate_choosing_key(
        &self,
        purpose: CertificatePurpose,
        file_name: &str,
        pkcs12: &[u8],
        password: &Sensitive<String>,
        key_choice: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<InstalledCertificate> {
        if password.expose().is_empty() {
            return Err(CertificateError::PasswordMissing { purpose }.into());
        }
        let key_choice = key_choice.map(str::trim).filter(|c| !c.is_empty());
        let identity = opened(purpose, file_name, pkcs12, password, key_choice)?;
        let health = identity.health(now);
        if health.status == CertStatus::Expired {
            return Err(CertificateError::Expired {
                purpose,
                file_name: file_name.to_owned(),
                expired_on: health.expires_on,
            }
            .into());
        }
        let facts = identity.info();
        let info = StoredInfo {
            subject: facts.subject.clone(),
            issuer: facts.issuer.clone(),
            not_before: facts.not_before,
            not_after: facts.not_after,
            imported_at: now,
            file_name: file_name.to_owned(),
        };
        let (service, account) = self.certificate_keychain_entry(purpose)?;
        let info_json = serde_json::to_string(&info)?;
        self.store().transaction(|store| -> anyhow::Result<()> {
            store
                .set_setting(&purpose.bytes_key(), &STANDARD.encode(pkcs12), now)
                .map_err(AppError::from)?;
            store
                .set_setting(&purpose.info_key(), &info_json, now)
                .map_err(AppError::from)?;
            let key_setting = match purpose {
                CertificatePurpose::FkClient => crate::submit::ELT_CLIENT_CERT_KEY,
                CertificatePurpose::BankIdRp => crate::signing::RP_CERT_KEY,
            };
            store
                .set_setting(key_setting, key_choice.unwrap_or(""), now)
                .map_err(AppError::from)?;
            store
                .append_event(&assistid_store::NewEvent {
                    at: now,
                    kind: "certificate_imported",
                    report_id: None,
                    details: &serde_json::json!({
                        "purpose": purpose.code(),
                        "not_after": info.not_after,
                    }),
                })
                .map_err(AppError::from)?;
            // Last: a keychain that refuses rolls the database back.
            let entry =
                keyring::Entry::new(service, &account).map_err(|e| CertificateError::Keychain {
                    reason: e.to_string(),
                })?;
            entry
                .set_password(password.expose())
                .map_err(|e| CertificateError::Keychain {
                    reason: e.to_string(),
                })?;
            Ok(())
        })?;
        tracing::info!(purpose = purpose.code(), "certificate imported");
        Ok(describe(purpose, info, true, now))
    }

    /// The imported certificates with their state at `now` (none for a purpose never imported).
    pub fn certificates(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<InstalledCertificate>> {
        let mut out = Vec::new();
        for purpose in CertificatePurpose::ALL {
            let Some(json) = self
                .store()
                .setting(&purpose.info_key())
                .map_err(AppError::from)?
            else {
                continue;
            };
            let info: StoredInfo = serde_json::from_str(&json).map_err(|_| {
                AppError::invalid_with(
                    "certifikat",
                    crate::invalid::templates::CERTIFICATE_DESCRIPTION_UNREADABLE
                        .with("purpose", purpose.label_sv()),
                )
            })?;
            let in_keychain = self
                .certificate_keychain_entry(purpose)
                .ok()
                .and_then(|(service, account)| keyring::Entry::new(service, &account).ok())
                .is_some_and(|entry| entry.get_password().is_ok());
            out.push(describe(purpose, info, in_keychain, now));
        }
        Ok(out)
    }

    /// The imported PKCS#12 bytes for `purpose`, if a file was imported.
    pub fn imported_pkcs12(&self, purpose: CertificatePurpose) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(text) = self
            .store()
            .setting(&purpose.bytes_key())
            .map_err(AppError::from)?
        else {
            return Ok(None);
        };
        let bytes = STANDARD.decode(text.as_bytes()).map_err(|_| {
            AppError::invalid_with(
                "certifikat",
                crate::invalid::templates::CERTIFICATE_UNREADABLE
                    .with("purpose", purpose.label_sv()),
            )
        })?;
        Ok(Some(bytes))
    }
}
