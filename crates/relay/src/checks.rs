//! What the relay checks before it queues a report under the vendor's FK certificate: the
//! report can be read, names the enrolled provider (or, when the person with assistance is
//! the assistant's employer, the person, whose binding to one provider the queue checks), and both signatures are BankID
//! signatures (XML-DSig, chain to the environment's BankID root, OCSP) that bind exactly these
//! bytes; the assistant's is made by the report's assistant.
//!
//! Refusals are [`Refusal`]s: a stable code, the part concerned and a Swedish message for the
//! coordinator. Messages may quote the report's values (the installation sent them); logs
//! carry the code only.

use assistid_core::c14n::report_hash;
use assistid_core::document::parse_report;
use assistid_core::ids::OrgNumber;
use assistid_core::xml_tree;
use assistid_elt::{SignatureBlock, SubmitRequest};
use chrono::NaiveDate;
use thiserror::Error;
use uuid::Uuid;

/// FK's report namespace.
const REPORT_NS: &str =
    "http://schema.forsakringskassan.se/integration/isassistansersattning/tidredovisning/1";

/// Which signature a refusal concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// `assistent-signatur`.
    Assistant,
    /// `anordnare-signatur`.
    Provider,
}

impl Signer {
    fn label(self) -> &'static str {
        match self {
            Signer::Assistant => "Assistentens signatur",
            Signer::Provider => "Anordnarens signatur",
        }
    }

    /// `assistant` or `provider`.
    pub fn as_str(self) -> &'static str {
        match self {
            Signer::Assistant => "assistant",
            Signer::Provider => "provider",
        }
    }
}

/// Why a report is not queued.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The report is not FK's `Tidredovisning` as this version reads it.
    #[error("Tidredovisningen går inte att läsa: {0}. Skapa rapporten på nytt i Assistid.")]
    ReportUnreadable(String),
    /// The report names another provider than the enrolled one.
    #[error(
        "Tidredovisningen gäller anordnaren {in_report}, men denna installation är ansluten \
         för {enrolled}. En installation kan bara skicka sina egna rapporter."
    )]
    WrongProvider {
        /// The report's organisationsnummer.
        in_report: String,
        /// The installation's.
        enrolled: String,
    },
    /// A signature's OCSP answer or document cannot be read or does not verify.
    #[error("{}: {reason}. Signera rapporten på nytt.", .signer.label())]
    SignatureInvalid {
        /// Which signature.
        signer: Signer,
        /// The verifier's error code.
        code: &'static str,
        /// The verifier's message.
        reason: String,
    },
    /// A signature does not bind this report (id and hash of these exact bytes).
    #[error(
        "{} gäller inte denna version av tidredovisningen (den binder inte {binding}). \
         Signera den version som skickas.",
        .signer.label()
    )]
    BindingMismatch {
        /// Which signature.
        signer: Signer,
        /// The binding the report needs (`<id>,<sha256>`).
        binding: String,
    },
    /// The assistant's signature is not the report's assistant's.
    #[error(
        "Assistentens signatur är gjord av någon annan än assistenten i tidredovisningen. \
         Låt rätt assistent signera."
    )]
    WrongSigner,
}

impl Refusal {
    /// A stable code for the API and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::ReportUnreadable(_) => "report_unreadable",
            Refusal::WrongProvider { .. } => "wrong_provider",
            Refusal::SignatureInvalid { .. } => "signature_invalid",
            Refusal::BindingMismatch { .. } => "binding_mismatch",
            Refusal::WrongSigner => "wrong_signer",
        }
    }

    /// The signature concerned, if any.
    pub fn signer(&self) -> Option<Signer> {
        match self {
            Refusal::SignatureInvalid { signer, .. } | Refusal::BindingMismatch { signer, .. } => {
                Some(*signer)
            }
            Refusal::WrongSigner => Some(Signer::Assistant),
            _ => None,
        }
    }
}

/// A report with its two signatures, as an installation hands it over.
#[derive(Clone)]
pub struct Handover {
    /// The report's bytes, exactly as signed.
    pub report: Vec<u8>,
    /// The assistant's signature.
    pub assistant: SignatureBlock,
    /// The provider's signature.
    pub provider: SignatureBlock,
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handover")
            .field("report_len", &self.report.len())
            .finish_non_exhaustive()
    }
}

/// A report that passed every check, with the envelope to send.
#[derive(Clone)]
pub struct Checked {
    /// The report's id.
    pub report_id: Uuid,
    /// The personnummer (12 digits) of the person with assistance when the report says that
    /// person employs the assistant (`anstalldAvPersonSomHarAssistans`): such a report names
    /// no organisation, so whose it is is settled by the queue
    /// ([`crate::queue::enqueue`]: the person is bound to the first provider that sends for
    /// them). `None` for a report with `assistansanordnare` (checked here).
    pub employer_person: Option<String>,
    /// SHA-256 of its canonical form.
    pub sha256: String,
    /// The SOAP envelope, built with [`assistid_elt::build_request`].
    pub envelope: Vec<u8>,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked")
            .field("report_id", &self.report_id)
            .finish_non_exhaustive()
    }
}

/// Who the report says employs the assistant: ELT's choice between `assistansanordnare`
/// (with the provider's organisationsnummer) and `anstalldAvPersonSomHarAssistans` (the
/// person with assistance is the employer; no organisation in the report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportSender {
    /// `assistansanordnare/organisationsnummer`.
    Provider(OrgNumber),
    /// `anstalldAvPersonSomHarAssistans` = `true`.
    PersonEmployer,
}

/// Reads ELT's employer choice from the report.
pub fn report_sender(report: &[u8]) -> Result<ReportSender, Refusal> {
    let root = xml_tree::parse(report)
        .map_err(|_| Refusal::ReportUnreadable("ingen giltig XML".to_owned()))?;
    if let Some(provider) = root.child(REPORT_NS, "assistansanordnare", false) {
        let text = provider
            .child(REPORT_NS, "organisationsnummer", false)
            .map(|e| e.text())
            .ok_or_else(|| {
                Refusal::ReportUnreadable("anordnarens organisationsnummer saknas".to_owned())
            })?;
        return OrgNumber::parse(&text)
            .map(ReportSender::Provider)
            .map_err(|_| {
                Refusal::ReportUnreadable("anordnarens organisationsnummer är ogiltigt".to_owned())
            });
    }
    match root.child(REPORT_NS, "anstalldAvPersonSomHarAssistans", false) {
        Some(flag) if flag.text().trim() == "true" => Ok(ReportSender::PersonEmployer),
        _ => Err(Refusal::ReportUnreadable(
            "rapporten anger varken anordnare (assistansanordnare) eller att personen med \
             assistans är arbetsgivare"
                .to_owned(),
        )),
    }
}

struct ReadSignature {
    entries: Vec<String>,
    personal_number: Option<String>,
}

fn read_signature(
    block: &SignatureBlock,
    signer: Signer,
    roots: &[Vec<u8>],
) -> Result<ReadSignature, Refusal> {
    use base64::Engine as _;
    let invalid = |code: &'static str, reason: String| Refusal::SignatureInvalid {
        signer,
        code,
        reason,
    };
    let produced_at = assistid_bankid::ocsp_produced_at(&block.ocsp_response).ok_or_else(|| {
        invalid(
            "ocsp_unreadable",
            "OCSP-svaret går inte att läsa".to_owned(),
        )
    })?;
    let document = assistid_bankid::verify_document(&block.signature_xml, roots, produced_at)
        .map_err(|e| invalid(e.code(), e.to_string()))?;
    let window = assistid_bankid::OrderWindow {
        started: produced_at,
        completed: produced_at,
    };
    assistid_bankid::verify_ocsp(
        &block.ocsp_response,
        &document.certificates_der,
        roots,
        window,
    )
    .map_err(|e| invalid(e.code(), e.to_string()))?;
    let text = document
        .user_non_visible_data
        .as_deref()
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default();
    Ok(ReadSignature {
        entries: text.split(';').map(|e| e.trim().to_owned()).collect(),
        personal_number: document.personal_number,
    })
}

/// Checks a handover for an installation enrolled for `enrolled`, against the environment's
/// BankID user-certificate `roots` (DER), and builds the envelope. A report with
/// `assistansanordnare` must name `enrolled`; a report whose assistant is employed by the
/// person with assistance names no organisation and comes back with
/// [`Checked::employer_person`] for the queue to check.
pub fn check(
    handover: &Handover,
    enrolled: &OrgNumber,
    roots: &[Vec<u8>],
) -> Result<Checked, Refusal> {
    let parsed =
        parse_report(&handover.report).map_err(|e| Refusal::ReportUnreadable(e.to_string()))?;
    let employer_person = match report_sender(&handover.report)? {
        ReportSender::Provider(provider) if &provider != enrolled => {
            return Err(Refusal::WrongProvider {
                in_report: provider.digits().to_owned(),
                enrolled: enrolled.digits().to_owned(),
            });
        }
        ReportSender::Provider(_) => None,
        ReportSender::PersonEmployer => Some(parsed.person.digits().to_owned()),
    };
    let sha256 =
        report_hash(&handover.report).map_err(|e| Refusal::ReportUnreadable(e.to_string()))?;
    let binding = format!("{},{}", parsed.id.hyphenated(), sha256);
    for (signer, block) in [
        (Signer::Assistant, &handover.assistant),
        (Signer::Provider, &handover.provider),
    ] {
        let read = read_signature(block, signer, roots)?;
        if !read.entries.iter().any(|e| e == &binding) {
            return Err(Refusal::BindingMismatch {
                signer,
                binding: binding.clone(),
            });
        }
        if signer == Signer::Assistant
            && read.personal_number.as_deref() != Some(parsed.assistant.digits())
        {
            return Err(Refusal::WrongSigner);
        }
    }
    let envelope = assistid_elt::build_request(&SubmitRequest {
        report: handover.report.clone(),
        assistant_signature: handover.assistant.clone(),
        provider_signature: handover.provider.clone(),
    });
    Ok(Checked {
        report_id: parsed.id,
        employer_person,
        sha256,
        envelope,
    })
}

/// Parses `YYYY-MM-DD` (`datumForSignatur`).
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}
