//! The checks of a BankID signature and its OCSP answer, when it arrives and again before it is
//! sent.

use assistid_bankid::CompletionData;
use assistid_bankid::ocsp::{OrderWindow, ProvenSignature, verify_signature_with_ocsp};
use assistid_bankid::signature::{Expected, SignatureError};
use assistid_bankid::types::SignData;
use assistid_core::binding::{ReportBinding, parse_bindings};
use assistid_core::c14n::report_hash;
use assistid_core::ids::Personnummer;
use assistid_store::NewSignature;
use assistid_store::SignerRole;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::App;

use super::connection::BankIdEnvironment;
use super::{SignatureSummary, SigningError, store_err, summary};

/// Completion data that passed every check.
pub(super) struct VerifiedCompletion {
    pub(super) environment: BankIdEnvironment,
    pub(super) order_ref: String,
    pub(super) completion: CompletionData,
    pub(super) signer: Personnummer,
    /// When the completed collect answer arrived (this computer's clock): the event's time.
    pub(super) completed_at: DateTime<Utc>,
    /// The verified OCSP answer's `producedAt`: when BankID vouched for the signer's
    /// certificate, the signing time stored and sent to FK.
    pub(super) signed_at: DateTime<Utc>,
    pub(super) user_visible_data: String,
    pub(super) user_non_visible_data: String,
    pub(super) completion_json: String,
}

impl VerifiedCompletion {
    pub(super) fn signed_on(&self) -> NaiveDate {
        stockholm_date(self.signed_at)
    }

    pub(super) fn new_signature<'a>(
        &'a self,
        role: SignerRole,
        reports: &'a [Uuid],
    ) -> NewSignature<'a> {
        NewSignature {
            role,
            environment: self.environment.stored(),
            report_ids: reports,
            order_ref: &self.order_ref,
            signer: &self.signer,
            signer_name: &self.completion.user.name,
            signed_on: self.signed_on(),
            signed_at: self.signed_at,
            user_visible_data: &self.user_visible_data,
            user_non_visible_data: &self.user_non_visible_data,
            signature_base64: &self.completion.signature,
            ocsp_response_base64: &self.completion.ocsp_response,
            completion_data_json: &self.completion_json,
        }
    }
}

/// FK's `datumForSignatur`: the Europe/Stockholm date of the moment.
pub fn stockholm_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Stockholm).date_naive()
}

/// A completed order checked on arrival, whichever way it was made (straight at BankID or
/// through the vendor's relay): the signature document and the OCSP answer decoded and
/// verified against what the order asked (`data`, the signer) with the environment's
/// user-certificate roots, within the order's `window`; the OCSP answer's `producedAt` becomes
/// the signing time.
pub(super) fn verify_completion(
    completion: CompletionData,
    data: &SignData,
    signer: &Personnummer,
    (environment, user_roots): (BankIdEnvironment, &[Vec<u8>]),
    order_ref: String,
    window: OrderWindow,
) -> Result<VerifiedCompletion, SigningError> {
    let completed_at = window.completed;
    let xml = completion
        .signature_xml()
        .map_err(|e| SignatureError::Unreadable(format!("inte base64: {e}")))?;
    let ocsp = match completion.ocsp_der() {
        Ok(der) if !der.is_empty() => der,
        _ => {
            return Err(
                SignatureError::Unreadable("OCSP-svaret saknas eller är trasigt".into()).into(),
            );
        }
    };
    let expected = Expected {
        user_visible_data: data.user_visible_data(),
        user_non_visible_data: data.user_non_visible_data(),
        personal_number: signer.digits(),
    };
    let proven = verify_bankid_signature(
        &xml,
        &ocsp,
        &expected,
        &completion.user.personal_number,
        user_roots,
        window,
    )?;
    Ok(VerifiedCompletion {
        environment,
        order_ref,
        completion_json: completion.raw.to_string(),
        completion,
        signer: signer.clone(),
        completed_at,
        signed_at: proven.ocsp.produced_at,
        user_visible_data: data.user_visible_data().to_owned(),
        user_non_visible_data: data.user_non_visible_data().unwrap_or_default().to_owned(),
    })
}

/// The one check of a BankID signature and its OCSP answer, before it is stored and again
/// before it is sent ([`assistid_bankid::verify_signature_with_ocsp`]: the signature at the
/// answer's `producedAt`, the answer about the signer's certificate, good, signed by a
/// responder chaining to the same root, produced within `order`): against each of the
/// environment's roots on its own, accepting the first that passes (when
/// the bankid crate's verification changes, this is the one place that follows). The demo's roots
/// all carry the same name (a new fake CA per run), and the chain check picks its root by name,
/// so the roots are tried one at a time. When none passes, the most telling error is returned:
/// one where the chain matched but something else failed, else "untrusted root".
pub(super) fn verify_bankid_signature(
    xml: &[u8],
    ocsp_der: &[u8],
    expected: &Expected<'_>,
    completion_personal_number: &str,
    roots: &[Vec<u8>],
    order: OrderWindow,
) -> Result<ProvenSignature, SignatureError> {
    let mut error = SignatureError::UntrustedRoot;
    for root in roots {
        match verify_signature_with_ocsp(
            xml,
            ocsp_der,
            expected,
            completion_personal_number,
            std::slice::from_ref(root),
            order,
        ) {
            Ok(proven) => return Ok(proven),
            Err(SignatureError::UntrustedRoot | SignatureError::ChainBroken(_)) => {}
            Err(e) => error = e,
        }
    }
    Err(error)
}

impl App {
    /// Re-verifies the signatures stored for a report version in one BankID `environment`
    /// against its exact stored bytes: both signatures present, both made in that environment,
    /// each XML-DSig valid with a chain to that environment's user-certificate root at the time
    /// it was received, the texts as sent, the signer as stored, and the binding naming this
    /// version with the hash of its bytes. The FK submission calls this before sending, with
    /// the environment of FK's service, so a signature never goes to FK's service of another
    /// environment.
    pub fn verify_stored_signatures(
        &self,
        report_id: Uuid,
        environment: BankIdEnvironment,
    ) -> Result<Vec<SignatureSummary>, SigningError> {
        let version = self.version(report_id)?;
        let sha256 =
            report_hash(&version.document).map_err(|e| SigningError::StoredSignatureInvalid {
                report_id,
                role: "rapportens",
                reason: format!("dokumentet går inte att kanonisera: {e}"),
            })?;
        let expected_binding = ReportBinding {
            id: report_id,
            sha256,
        };
        let signatures = self
            .store()
            .signatures_for_report_in(report_id, environment.stored())
            .map_err(store_err)?;
        let roles: Vec<SignerRole> = signatures.iter().map(|s| s.role).collect();
        if roles != [SignerRole::Assistant, SignerRole::Provider] {
            return Err(SigningError::not_signable(
                "not_fully_signed",
                super::error::templates::NOT_FULLY_SIGNED
                    .with("report_id", report_id.to_string())
                    .with("environment", environment.text()),
            ));
        }
        let roots = self.bankid_user_roots(environment)?;
        for s in &signatures {
            let invalid = |reason: String| SigningError::StoredSignatureInvalid {
                report_id,
                role: s.role.genitive_sv(),
                reason,
            };
            if s.environment != environment.stored() {
                return Err(invalid(format!(
                    "underskriften gjordes i {} och gäller inte i {}",
                    BankIdEnvironment::of_stored(s.environment).label_sv(),
                    environment.label_sv()
                )));
            }
            let non_visible = BASE64
                .decode(&s.user_non_visible_data)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| invalid("bindningen går inte att läsa".into()))?;
            let bindings = parse_bindings(&non_visible).map_err(|e| invalid(e.to_string()))?;
            if !bindings.contains(&expected_binding) {
                return Err(invalid(
                    "underskriften gäller inte rapportens nuvarande innehåll (bindningen stämmer inte)".into(),
                ));
            }
            if s.role == SignerRole::Assistant && bindings.len() != 1 {
                return Err(invalid(
                    "assistentens underskrift ska gälla exakt en rapport".into(),
                ));
            }
            let completion: serde_json::Value = serde_json::from_str(&s.completion_data_json)
                .map_err(|_| invalid("completionData går inte att läsa".into()))?;
            let completion_pnr = completion
                .pointer("/user/personalNumber")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            if completion
                .get("signature")
                .and_then(serde_json::Value::as_str)
                != Some(s.signature_base64.as_str())
            {
                return Err(invalid(
                    "underskriften skiljer sig från BankID:s svar".into(),
                ));
            }
            let xml = BASE64
                .decode(&s.signature_base64)
                .map_err(|_| invalid("underskriften är inte base64".into()))?;
            let ocsp = BASE64
                .decode(&s.ocsp_response_base64)
                .map_err(|_| invalid("BankID:s OCSP-svar är inte base64".into()))?;
            // The order's start is not stored: the stored signing time is the OCSP answer's
            // producedAt, so the answer must have been produced then (within the allowed
            // clock skew, which also lets signatures stored before the OCSP check, whose
            // signing time was this computer's clock at completion, pass).
            verify_bankid_signature(
                &xml,
                &ocsp,
                &Expected {
                    user_visible_data: &s.user_visible_data,
                    user_non_visible_data: Some(&s.user_non_visible_data),
                    personal_number: s.signer.digits(),
                },
                completion_pnr,
                &roots,
                OrderWindow {
                    started: s.signed_at,
                    completed: s.signed_at,
                },
            )
            .map_err(|e| invalid(e.to_string()))?;
        }
        Ok(signatures.iter().map(summary).collect())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn the_signing_date_is_the_stockholm_date() {
        let late = DateTime::parse_from_rfc3339("2026-11-02T23:30:00Z")
            .expect("an instant")
            .with_timezone(&Utc);
        assert_eq!(
            stockholm_date(late),
            NaiveDate::from_ymd_opt(2026, 11, 3).expect("a date"),
            "23:30 UTC is already the next day in Sweden (CET)"
        );
        let summer = DateTime::parse_from_rfc3339("2026-06-30T22:30:00Z")
            .expect("an instant")
            .with_timezone(&Utc);
        assert_eq!(
            stockholm_date(summer),
            NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date"),
            "22:30 UTC is past midnight in Swedish summer time (CEST)"
        );
    }
}
