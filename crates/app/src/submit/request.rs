//! The request for FK: a report version with both signatures, checked again just before it is sent.

use std::fmt;

use assistid_core::c14n::report_hash;
use assistid_elt::Environment;
use assistid_elt::{EltError, SignatureBlock, SubmitRequest, build_request};
use assistid_store::{ReportVersion, SignerRole, Submission};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

use assistid_core::text::{Template, Text};

use crate::{App, AppError};

use super::binding::signature_binds;
use super::connection::EltConnection;
use super::sha2_digest;

/// Why a report version cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReady {
    /// Stable code.
    pub code: &'static str,
    /// Swedish reason (`text` rendered in Swedish).
    pub reason: String,
    /// The reason with its own code and parameters (stored beside the Swedish text, so the
    /// queue and the history show it in the UI's language).
    pub text: Text,
}

impl fmt::Display for NotReady {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

pub(super) fn not_ready(code: &'static str, text: Text) -> NotReady {
    NotReady {
        code,
        reason: text.render(assistid_core::text::Lang::Sv),
        text,
    }
}

/// Why a report is stopped before sending, in two languages (see [`assistid_core::text`]).
pub mod templates {
    use assistid_core::text::Template;

    /// A newer version exists.
    pub static SUPERSEDED: Template = Template::new(
        "not_ready_superseded",
        "en nyare version av rapporten finns; skriv under och skicka den",
        "a newer version of the report exists; sign and send it",
    );
    /// Not signed by both.
    pub static NOT_SIGNED: Template = Template::new(
        "not_ready_not_signed",
        "rapporten är inte underskriven av assistenten och anordnaren",
        "the report is not signed by the assistant and the provider",
    );
    /// The stored bytes do not match their hash.
    pub static DOCUMENT_CHANGED: Template = Template::new(
        "not_ready_document_changed",
        "rapportens lagrade innehåll stämmer inte med dess kontrollsumma; skapa och \
         signera en ny version",
        "the report's stored content does not match its checksum; create and sign a new \
         version",
    );
    /// Whose signature: the assistant's (capitalised, at the start of a sentence).
    pub static WHO_ASSISTANT: Template =
        Template::new("not_ready_who_assistant", "Assistentens", "The assistant's");
    /// Whose signature: the provider's (capitalised, at the start of a sentence).
    pub static WHO_PROVIDER: Template =
        Template::new("not_ready_who_provider", "Anordnarens", "The provider's");
    /// A signature of another environment.
    pub static SIGNATURE_OTHER_ENVIRONMENT: Template = Template::new(
        "not_ready_signature_other_environment",
        "{who} underskrift gjordes med BankID i {signed} och skickas aldrig till \
         Försäkringskassan i {fk}; skriv under igen i {bankid}",
        "{who} signature was made with BankID in {signed} and is never sent to \
         Försäkringskassan in {fk}; sign again in {bankid}",
    );
    /// A signature that cannot be read.
    pub static SIGNATURE_UNREADABLE: Template = Template::new(
        "not_ready_signature_unreadable",
        "{who} underskrift går inte att läsa; skriv under igen",
        "{who} signature cannot be read; sign again",
    );
    /// A signature of another version.
    pub static BINDING_MISMATCH: Template = Template::new(
        "not_ready_binding_mismatch",
        "{who} underskrift gäller inte exakt den här versionen av rapporten; \
         skriv under igen",
        "{who} signature is not for exactly this version of the report; sign again",
    );
    /// A signature whose binding cannot be checked.
    pub static BINDING_UNCHECKED: Template = Template::new(
        "not_ready_binding_unchecked",
        "{who} underskrift: {reason}; skriv under igen",
        "{who} signature: {reason}; sign again",
    );
    /// The assistant has not signed.
    pub static ASSISTANT_NOT_SIGNED: Template = Template::new(
        "not_ready_assistant_not_signed",
        "assistenten har inte skrivit under rapporten med BankID i {environment}",
        "the assistant has not signed the report with BankID in {environment}",
    );
    /// The provider has not signed.
    pub static PROVIDER_NOT_SIGNED: Template = Template::new(
        "not_ready_provider_not_signed",
        "anordnaren har inte skrivit under rapporten med BankID i {environment}",
        "the provider has not signed the report with BankID in {environment}",
    );
    /// A stored signature that does not verify.
    pub static SIGNATURE_INVALID: Template =
        Template::new("not_ready_signature_invalid", "{reason}", "{reason}");
    /// A submission of another environment.
    pub static OTHER_ENVIRONMENT: Template = Template::new(
        "not_ready_other_environment",
        "inskickningen gäller miljön {environment}",
        "the submission is for the environment {environment}",
    );
    /// FK's client certificate has expired.
    pub static CLIENT_CERTIFICATE_EXPIRED: Template = Template::new(
        "not_ready_client_certificate_expired",
        "{reason}",
        "{reason}",
    );
    /// The report version is gone.
    pub static VERSION_NOT_FOUND: Template = Template::new(
        "not_ready_version_not_found",
        "rapportversionen finns inte",
        "the report version does not exist",
    );
    /// The bytes changed since queued.
    pub static CHANGED_SINCE_QUEUED: Template = Template::new(
        "not_ready_changed_since_queued",
        "rapportens innehåll har ändrats sedan den lades i kö",
        "the report's content has changed since it was queued",
    );
    /// Not an environment the relay sends to.
    pub static RELAY_ENVIRONMENT: Template = Template::new(
        "not_ready_relay_environment",
        "miljön {environment} skickas inte via leverantören (bara test och produktion)",
        "the environment {environment} is not sent through the vendor (only test and \
         production)",
    );
    /// The bytes are not the queued ones (relay).
    pub static RELAY_REPORT_CHANGED: Template = Template::new(
        "not_ready_relay_report_changed",
        "rapportens byte är inte de som köades; granska månaden igen",
        "the report's bytes are not the ones queued; review the month again",
    );
}

/// Every template of a report stopped before sending.
pub static CATALOG: &[&Template] = &[
    &templates::SUPERSEDED,
    &templates::NOT_SIGNED,
    &templates::DOCUMENT_CHANGED,
    &templates::WHO_ASSISTANT,
    &templates::WHO_PROVIDER,
    &templates::SIGNATURE_OTHER_ENVIRONMENT,
    &templates::SIGNATURE_UNREADABLE,
    &templates::BINDING_MISMATCH,
    &templates::BINDING_UNCHECKED,
    &templates::ASSISTANT_NOT_SIGNED,
    &templates::PROVIDER_NOT_SIGNED,
    &templates::SIGNATURE_INVALID,
    &templates::OTHER_ENVIRONMENT,
    &templates::CLIENT_CERTIFICATE_EXPIRED,
    &templates::VERSION_NOT_FOUND,
    &templates::CHANGED_SINCE_QUEUED,
    &templates::RELAY_ENVIRONMENT,
    &templates::RELAY_REPORT_CHANGED,
];

pub(super) fn decode_b64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(compact.as_bytes()).ok()
}

impl App {
    /// The request for a report version to FK's `environment`: its exact frozen bytes and
    /// both signatures made with BankID of the same environment (a test signature never goes
    /// to FK's production service, nor the reverse, and a demo signature only to the demo),
    /// after checking that each signature binds exactly these bytes. The one place that reads
    /// the signing tables.
    pub fn signed_request(
        &self,
        version: &ReportVersion,
        environment: Environment,
    ) -> anyhow::Result<Result<SubmitRequest, NotReady>> {
        let bankid = crate::signing::BankIdEnvironment::for_fk(environment);
        if version.superseded_by.is_some() {
            return Ok(Err(not_ready("superseded", templates::SUPERSEDED.text())));
        }
        if !version.is_frozen() {
            return Ok(Err(not_ready("not_signed", templates::NOT_SIGNED.text())));
        }
        // The stored hash and binding must still describe the stored bytes.
        let hash =
            report_hash(&version.document).map_err(|e| AppError::invalid("rapportdokument", e))?;
        if hash != version.sha256 || version.binding != format!("{},{hash}", version.report_id) {
            return Ok(Err(not_ready(
                "document_changed",
                templates::DOCUMENT_CHANGED.text(),
            )));
        }
        let signatures = self
            .store()
            .signatures_for_report_in(version.report_id, bankid.stored())
            .map_err(AppError::from)?;
        let mut blocks: [Option<SignatureBlock>; 2] = [None, None];
        for signature in &signatures {
            let (slot, who) = match signature.role {
                SignerRole::Assistant => (0, templates::WHO_ASSISTANT.text()),
                SignerRole::Provider => (1, templates::WHO_PROVIDER.text()),
            };
            if signature.environment != bankid.stored() {
                return Ok(Err(not_ready(
                    "signature_other_environment",
                    templates::SIGNATURE_OTHER_ENVIRONMENT
                        .with("who", who)
                        .with(
                            "signed",
                            crate::signing::BankIdEnvironment::of_stored(signature.environment)
                                .text(),
                        )
                        .with("fk", assistid_elt::texts::environment_text(environment))
                        .with("bankid", bankid.text()),
                )));
            }
            let (Some(xml), Some(ocsp)) = (
                decode_b64(&signature.signature_base64),
                decode_b64(&signature.ocsp_response_base64),
            ) else {
                return Ok(Err(not_ready(
                    "signature_unreadable",
                    templates::SIGNATURE_UNREADABLE.with("who", who),
                )));
            };
            match signature_binds(&xml, &version.binding) {
                Ok(true) => {}
                Ok(false) => {
                    return Ok(Err(not_ready(
                        "binding_mismatch",
                        templates::BINDING_MISMATCH.with("who", who),
                    )));
                }
                Err(e) => {
                    return Ok(Err(not_ready(
                        "binding_mismatch",
                        templates::BINDING_UNCHECKED
                            .with("who", who)
                            .with("reason", e.to_string()),
                    )));
                }
            }
            blocks[slot] = Some(SignatureBlock {
                signature_xml: xml,
                ocsp_response: ocsp,
                signed_on: signature.signed_on,
            });
        }
        let [assistant, provider] = blocks;
        let Some(assistant_signature) = assistant else {
            return Ok(Err(not_ready(
                "assistant_not_signed",
                templates::ASSISTANT_NOT_SIGNED.with("environment", bankid.text()),
            )));
        };
        let Some(provider_signature) = provider else {
            return Ok(Err(not_ready(
                "provider_not_signed",
                templates::PROVIDER_NOT_SIGNED.with("environment", bankid.text()),
            )));
        };
        // The bindings hold; now the signatures themselves, in full: XML-DSig, the signer's
        // certificate chain to BankID's root, the signer, and the texts shown — exactly what
        // FK will check, so a bad signature is caught here and never sent.
        if let Err(e) = self.verify_stored_signatures(version.report_id, bankid) {
            return Ok(Err(not_ready(
                "signature_invalid",
                templates::SIGNATURE_INVALID.with("reason", e.text()),
            )));
        }
        Ok(Ok(SubmitRequest {
            report: version.document.clone(),
            assistant_signature,
            provider_signature,
        }))
    }

    /// The request to send for a submission, checked again just before sending; `Err` with the
    /// reason when it may not go (the caller marks it `failed_final`).
    pub(super) fn envelope_for(
        &self,
        submission: &Submission,
        connection: &EltConnection,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Result<Vec<u8>, NotReady>> {
        if submission.environment != connection.environment().as_str() {
            return Ok(Err(not_ready(
                "other_environment",
                templates::OTHER_ENVIRONMENT.with("environment", &submission.environment),
            )));
        }
        if let Some(health) = connection.certificate_health(now)
            && health.status == assistid_elt::CertStatus::Expired
        {
            return Ok(Err(not_ready(
                "elt_client_certificate_expired",
                templates::CLIENT_CERTIFICATE_EXPIRED.with(
                    "reason",
                    EltError::ClientCertificateExpired {
                        expired_on: health.expires_on,
                    }
                    .text(),
                ),
            )));
        }
        let Some(version) = self
            .store()
            .report_version_by_id(submission.report_id)
            .map_err(AppError::from)?
        else {
            return Ok(Err(not_ready(
                "not_found",
                templates::VERSION_NOT_FOUND.text(),
            )));
        };
        let request = match self.signed_request(&version, connection.environment())? {
            Ok(request) => request,
            Err(problem) => return Ok(Err(problem)),
        };
        // The bytes sent must be the bytes queued.
        let digest = {
            use sha2_digest::digest;
            digest(&request.report)
        };
        if digest != submission.document_sha256 {
            return Ok(Err(not_ready(
                "document_changed",
                templates::CHANGED_SINCE_QUEUED.text(),
            )));
        }
        Ok(Ok(build_request(&request)))
    }
}
