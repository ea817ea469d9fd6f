//! The request for FK: a report version with both signatures, checked again just before it is sent.

use std::fmt;

use assistid_core::c14n::report_hash;
use assistid_elt::Environment;
use assistid_elt::{EltError, SignatureBlock, SubmitRequest, build_request};
use assistid_store::{ReportVersion, SignerRole, Submission};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

use crate::{App, AppError};

use super::binding::signature_binds;
use super::connection::EltConnection;
use super::sha2_digest;

/// Why a report version cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReady {
    /// Stable code.
    pub code: &'static str,
    /// Swedish reason.
    pub reason: String,
}

impl fmt::Display for NotReady {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

pub(super) fn not_ready(code: &'static str, reason: impl Into<String>) -> NotReady {
    NotReady {
        code,
        reason: reason.into(),
    }
}

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
            return Ok(Err(not_ready(
                "superseded",
                "en nyare version av rapporten finns; skriv under och skicka den",
            )));
        }
        if !version.is_frozen() {
            return Ok(Err(not_ready(
                "not_signed",
                "rapporten är inte underskriven av assistenten och anordnaren",
            )));
        }
        // The stored hash and binding must still describe the stored bytes.
        let hash =
            report_hash(&version.document).map_err(|e| AppError::invalid("rapportdokument", e))?;
        if hash != version.sha256 || version.binding != format!("{},{hash}", version.report_id) {
            return Ok(Err(not_ready(
                "document_changed",
                "rapportens lagrade innehåll stämmer inte med dess kontrollsumma; skapa och \
                 signera en ny version",
            )));
        }
        let signatures = self
            .store()
            .signatures_for_report_in(version.report_id, bankid.stored())
            .map_err(AppError::from)?;
        let mut blocks: [Option<SignatureBlock>; 2] = [None, None];
        for signature in &signatures {
            let (slot, who) = match signature.role {
                SignerRole::Assistant => (0, "Assistentens"),
                SignerRole::Provider => (1, "Anordnarens"),
            };
            if signature.environment != bankid.stored() {
                return Ok(Err(not_ready(
                    "signature_other_environment",
                    format!(
                        "{who} underskrift gjordes med BankID i {} och skickas aldrig till \
                         Försäkringskassan i {}; skriv under igen i {}",
                        crate::signing::BankIdEnvironment::of_stored(signature.environment)
                            .label_sv(),
                        environment.label(),
                        bankid.label_sv()
                    ),
                )));
            }
            let (Some(xml), Some(ocsp)) = (
                decode_b64(&signature.signature_base64),
                decode_b64(&signature.ocsp_response_base64),
            ) else {
                return Ok(Err(not_ready(
                    "signature_unreadable",
                    format!("{who} underskrift går inte att läsa; skriv under igen"),
                )));
            };
            match signature_binds(&xml, &version.binding) {
                Ok(true) => {}
                Ok(false) => {
                    return Ok(Err(not_ready(
                        "binding_mismatch",
                        format!(
                            "{who} underskrift gäller inte exakt den här versionen av rapporten; \
                             skriv under igen"
                        ),
                    )));
                }
                Err(e) => {
                    return Ok(Err(not_ready(
                        "binding_mismatch",
                        format!("{who} underskrift: {e}; skriv under igen"),
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
                format!(
                    "assistenten har inte skrivit under rapporten med BankID i {}",
                    bankid.label_sv()
                ),
            )));
        };
        let Some(provider_signature) = provider else {
            return Ok(Err(not_ready(
                "provider_not_signed",
                format!(
                    "anordnaren har inte skrivit under rapporten med BankID i {}",
                    bankid.label_sv()
                ),
            )));
        };
        // The bindings hold; now the signatures themselves, in full: XML-DSig, the signer's
        // certificate chain to BankID's root, the signer, and the texts shown — exactly what
        // FK will check, so a bad signature is caught here and never sent.
        if let Err(e) = self.verify_stored_signatures(version.report_id, bankid) {
            return Ok(Err(not_ready("signature_invalid", e.to_string())));
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
                format!("inskickningen gäller miljön {}", submission.environment),
            )));
        }
        if let Some(health) = connection.certificate_health(now)
            && health.status == assistid_elt::CertStatus::Expired
        {
            return Ok(Err(not_ready(
                "elt_client_certificate_expired",
                EltError::ClientCertificateExpired {
                    expired_on: health.expires_on,
                }
                .to_string(),
            )));
        }
        let Some(version) = self
            .store()
            .report_version_by_id(submission.report_id)
            .map_err(AppError::from)?
        else {
            return Ok(Err(not_ready("not_found", "rapportversionen finns inte")));
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
                "rapportens innehåll har ändrats sedan den lades i kö",
            )));
        }
        Ok(Ok(build_request(&request)))
    }
}
