//! "Kontrollera en fil" and `assistid verify FILE.xml` (issue 21): is this report file exactly
//! one that was signed and sent from this data folder? One function for both edges,
//! [`App::check_report_file`]: the SHA-256 of the bytes, the canonical SHA-256 the signatures
//! bind, the report and version, both signers and when they signed, and every submission with
//! its environment, time and tx-id — or why the file is not one of ours, and what that means.
//! Read-only.

use assistid_core::c14n::{report_hash, sha256_hex};
use assistid_core::document::parse_report;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{App, AppError};

/// The largest file checked (a real report is a few tens of kilobytes).
pub const MAX_REPORT_FILE_BYTES: usize = 16 * 1024 * 1024;

/// What the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FileVerdict {
    /// Exactly the bytes of a version FK accepted (in some environment).
    Sent,
    /// Exactly the bytes of a version that was signed (or queued) but that FK has not
    /// accepted.
    SignedNotSent,
    /// Exactly a version's bytes, not yet signed.
    Draft,
    /// The same content as a stored version (its canonical form, which the signatures bind, is
    /// equal), but not the same bytes: line ends or spacing changed, e.g. by an editor or a
    /// mail program.
    SameContentOtherBytes,
    /// A report id this folder made, but with other content: changed after it was made.
    Changed,
    /// A report this folder did not make (or whose version was erased).
    Unknown,
    /// Not a report file at all (not XML, or not FK's time report).
    NotAReport,
}

impl FileVerdict {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            FileVerdict::Sent => "sent",
            FileVerdict::SignedNotSent => "signed_not_sent",
            FileVerdict::Draft => "draft",
            FileVerdict::SameContentOtherBytes => "same_content_other_bytes",
            FileVerdict::Changed => "changed",
            FileVerdict::Unknown => "unknown",
            FileVerdict::NotAReport => "not_a_report",
        }
    }
}

/// A signer of the version, as the check shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedSigner {
    /// `assistant` or `provider`.
    pub role: &'static str,
    /// "Assistent" or "Anordnare (firmatecknare)".
    pub role_label: &'static str,
    /// The name BankID gave.
    pub name: String,
    /// When BankID completed the order.
    pub signed_at: DateTime<Utc>,
    /// `demo`, `test` or `prod`: whose BankID made it.
    pub environment: &'static str,
}

/// A submission of the version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedSending {
    /// The submission id.
    pub submission_id: i64,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// "demo", "Försäkringskassans testmiljö (TEST)", "Försäkringskassan (produktion)".
    pub environment_label: &'static str,
    /// Where it stands (serialized as the state's code).
    pub state: crate::views::SubmissionState,
    /// The state in Swedish.
    pub state_label: &'static str,
    /// FK's tx-id once accepted.
    pub tx_id: Option<String>,
    /// When the last request left for FK.
    pub sent_at: Option<DateTime<Utc>>,
    /// Whether the bytes sent are exactly the file's.
    pub same_bytes: bool,
}

/// The answer of [`App::check_report_file`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// What the file is.
    pub verdict: FileVerdict,
    /// One line for the coordinator.
    pub headline: String,
    /// What that means and what to do, in plain Swedish.
    pub meaning: String,
    /// SHA-256 of the file's bytes as they are.
    pub file_sha256: String,
    /// SHA-256 of the file's canonical XML (what the signatures bind), when it is XML.
    pub canonical_sha256: Option<String>,
    /// The report id the file names, when it is a report.
    pub report_id: Option<String>,
    /// The month, when it is a report.
    pub month: Option<String>,
    /// The stored version's number, when the folder has the report id.
    pub version: Option<u32>,
    /// The person with assistance (name from the register), when the folder has the report.
    pub person: Option<String>,
    /// The assistant (name from the register), when the folder has the report.
    pub assistant: Option<String>,
    /// The version's signers (only when the content is the version's).
    pub signers: Vec<CheckedSigner>,
    /// The version's submissions, oldest first (only when the content is the version's).
    pub sendings: Vec<CheckedSending>,
}

fn environment_label(code: &str) -> &'static str {
    match code {
        "prod" => "Försäkringskassan (produktion)",
        "test" => "Försäkringskassans testmiljö (TEST, inte på riktigt)",
        "demo" => "demoläget (inte på riktigt)",
        _ => "okänd miljö",
    }
}

impl App {
    /// Checks a report file against what this folder signed and sent (see the module
    /// documentation). `bytes` are the file's exact bytes.
    pub fn check_report_file(&self, bytes: &[u8]) -> anyhow::Result<FileCheck> {
        if bytes.len() > MAX_REPORT_FILE_BYTES {
            return Err(AppError::invalid_with(
                "fil",
                crate::invalid::templates::VERIFY_FILE_TOO_LARGE
                    .with("megabytes", bytes.len() / (1024 * 1024)),
            )
            .into());
        }
        let file_sha256 = sha256_hex(bytes);
        let canonical = report_hash(bytes).ok();
        let mut check = FileCheck {
            verdict: FileVerdict::NotAReport,
            headline: String::new(),
            meaning: String::new(),
            file_sha256,
            canonical_sha256: canonical.clone(),
            report_id: None,
            month: None,
            version: None,
            person: None,
            assistant: None,
            signers: Vec::new(),
            sendings: Vec::new(),
        };
        let parsed = canonical.as_ref().and_then(|_| parse_report(bytes).ok());
        let Some(parsed) = parsed else {
            check.headline = "Filen är ingen tidredovisning".to_owned();
            check.meaning = "Filen går inte att läsa som en tidredovisning till \
                             Försäkringskassan (XML-filen med en rapport). Välj rätt fil — till \
                             exempel en som har sparats med Exportera rapporter."
                .to_owned();
            return Ok(check);
        };
        check.report_id = Some(parsed.id.to_string());
        check.month = Some(parsed.month.to_string());
        let store = self.store();
        let Some(version) = store
            .report_version_by_id(parsed.id)
            .map_err(AppError::from)?
        else {
            check.verdict = FileVerdict::Unknown;
            check.headline = "Okänd tidredovisning: den är inte gjord i den här mappen".to_owned();
            check.meaning = "Ingen version med filens id finns i Assistids data här. Filen kan \
                             vara gjord i ett annat program, i en annan datamapp (till exempel \
                             demoläget) eller på en annan dator. Det går inte att säga om den \
                             har skickats härifrån."
                .to_owned();
            return Ok(check);
        };
        let lookup = self.register_lookup()?;
        check.version = Some(version.version);
        check.person = Some(lookup.person(&version.person).name);
        check.assistant = Some(lookup.assistant(&version.assistant).name);
        let same_bytes = version.document == bytes;
        let same_content = canonical.as_deref() == Some(version.sha256.as_str());
        if !same_content {
            check.verdict = FileVerdict::Changed;
            check.headline = format!(
                "Filen har ändrats: den är inte version {} som gjordes här",
                version.version
            );
            check.meaning = "Filen har samma id som en tidredovisning i Assistid men ett annat \
                             innehåll, så den har ändrats efter att den gjordes. Underskrifterna \
                             gäller inte den här filen, och det är inte den som skickades till \
                             Försäkringskassan. Använd inte filen; exportera rapporten på nytt \
                             från Assistid."
                .to_owned();
            return Ok(check);
        }
        for s in store
            .signatures_for_report(version.report_id)
            .map_err(AppError::from)?
        {
            check.signers.push(CheckedSigner {
                role: s.role.code(),
                role_label: match s.role.code() {
                    "assistant" => "Assistent",
                    _ => "Anordnare (firmatecknare)",
                },
                name: s.signer_name,
                signed_at: s.signed_at,
                environment: s.environment.code(),
            });
        }
        check
            .signers
            .sort_by_key(|s| (s.role != "assistant", s.signed_at));
        let document_sha256 = sha256_hex(&version.document);
        let mut accepted = None;
        for s in store
            .submissions_for_report(version.report_id)
            .map_err(AppError::from)?
        {
            let attempts = store.submission_attempts(s.id).map_err(AppError::from)?;
            let sent_at = attempts.last().map(|a| a.sent_at.unwrap_or(a.started_at));
            let sending = CheckedSending {
                submission_id: s.id.get(),
                environment_label: environment_label(&s.environment),
                environment: s.environment.clone(),
                state: s.state.into(),
                state_label: s.state.label_sv(),
                tx_id: s.tx_id.clone(),
                sent_at,
                same_bytes: s.document_sha256 == check.file_sha256,
            };
            if sending.state == crate::views::SubmissionState::Accepted && accepted.is_none() {
                accepted = Some(sending.clone());
            }
            check.sendings.push(sending);
        }
        let what = format!("version {}", version.version);
        if !same_bytes {
            check.verdict = FileVerdict::SameContentOtherBytes;
            check.headline =
                format!("Samma innehåll som {what}, men inte exakt samma fil som skickades");
            check.meaning = format!(
                "Innehållet är detsamma som i {what} (underskrifterna gäller det), men filens \
                 byte skiljer sig: radbrytningar eller mellanrum har ändrats, till exempel av \
                 ett e-postprogram eller en textredigerare. Det Försäkringskassan fick hade \
                 SHA-256 {document_sha256}. För en exakt kopia: exportera rapporten på nytt \
                 från Assistid."
            );
            return Ok(check);
        }
        match accepted {
            Some(sent) => {
                check.verdict = FileVerdict::Sent;
                check.headline = format!(
                    "Ja: filen är exakt {what} som {} tog emot",
                    match sent.environment.as_str() {
                        "prod" => "Försäkringskassan",
                        "test" => "Försäkringskassans testmiljö",
                        _ => "demoläget",
                    }
                );
                check.meaning = format!(
                    "Filens fingeravtryck (SHA-256) är detsamma som för det som skickades, så \
                     det är samma fil, tecken för tecken. Tx-id {} är Försäkringskassans kvitto; \
                     ange det om du frågar Försäkringskassan om den här tidredovisningen.{}",
                    sent.tx_id.as_deref().unwrap_or("(saknas)"),
                    if sent.environment == "prod" {
                        ""
                    } else {
                        " Observera: det var inte Försäkringskassans riktiga tjänst."
                    }
                );
            }
            None if !check.signers.is_empty() || !check.sendings.is_empty() => {
                check.verdict = FileVerdict::SignedNotSent;
                check.headline =
                    format!("Filen är exakt {what}, men Försäkringskassan har inte tagit emot den");
                check.meaning = "Filen är den som skrevs under, tecken för tecken, men ingen \
                                 inskickning av den har godkänts av Försäkringskassan. Se Skicka \
                                 eller Historik för vad som hände."
                    .to_owned();
            }
            None => {
                check.verdict = FileVerdict::Draft;
                check.headline = format!("Filen är exakt {what}, som inte är underskriven");
                check.meaning = "Filen är gjord i Assistid men ingen har skrivit under eller \
                                 skickat den ännu."
                    .to_owned();
            }
        }
        Ok(check)
    }
}
