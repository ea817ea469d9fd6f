//! The OCSP response beside a signature: accepted only when it is about the signer's
//! certificate, says good, is signed by a responder the signer's bank authorised under this
//! environment's root, and was produced during the order; its `producedAt` is the signing time.

use std::sync::OnceLock;

use assistid_bankid::ocsp::{
    ALLOWED_CLOCK_SKEW, OcspError, OrderWindow, verify_ocsp, verify_signature_with_ocsp,
};
use assistid_bankid::signature::SignatureError;
use assistid_bankid::{Expected, verify_signature};
use assistid_fakes::bankid::{
    FakeSignature, OcspScript, SignInput, UserCertificateAuthority, sign_document_with,
};
use chrono::{DateTime, Duration, TimeZone, Utc};

const ANNA: &str = "199001011239";
const BERIT: &str = "198502023453";
const VISIBLE: &str = "VGlkcmVkb3Zpc25pbmcgbWFycyAyMDI2";

fn signed_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .expect("a valid fixed date")
}

fn ca() -> &'static UserCertificateAuthority {
    static CA: OnceLock<UserCertificateAuthority> = OnceLock::new();
    CA.get_or_init(|| {
        UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("a CA can be made")
    })
}

fn roots() -> Vec<Vec<u8>> {
    vec![ca().root_der().to_vec()]
}

fn signature(pnr: &str, script: OcspScript) -> FakeSignature {
    sign_document_with(
        ca(),
        &SignInput {
            user_visible_data: VISIBLE,
            user_non_visible_data: None,
            personal_number: pnr,
            name: "Anna Andersson",
            signed_at: signed_at(),
            certificate_validity: (
                signed_at() - Duration::days(100),
                signed_at() + Duration::days(600),
            ),
        },
        script,
    )
    .expect("the fake signs")
}

/// An order that started 20 s before the signature and completed 2 s after it.
fn order() -> OrderWindow {
    OrderWindow {
        started: signed_at() - Duration::seconds(20),
        completed: signed_at() + Duration::seconds(2),
    }
}

fn check(signature: &FakeSignature) -> Result<DateTime<Utc>, OcspError> {
    verify_ocsp(
        &signature.ocsp_der,
        &signature.certificates_der,
        &roots(),
        order(),
    )
    .map(|ok| ok.produced_at)
}

#[test]
fn a_good_answer_from_the_banks_responder_gives_the_signing_time() {
    let signature = signature(ANNA, OcspScript::Good);
    let verified = verify_ocsp(
        &signature.ocsp_der,
        &signature.certificates_der,
        &roots(),
        order(),
    )
    .expect("BankID's answer for the signer's certificate is accepted");
    assert_eq!(
        verified.produced_at,
        signed_at(),
        "producedAt is the signing time FK gets as datumForSignatur"
    );
    assert_eq!(
        verified.responder, "Fake Testbank A Customer CA1 v1 for BankID OCSP Signing",
        "the delegated responder of the signer's bank answered"
    );
}

#[test]
fn the_chain_from_a_verified_signature_is_what_the_ocsp_check_takes() {
    let signature = signature(ANNA, OcspScript::Good);
    let verified = verify_signature(
        signature.xml.as_bytes(),
        &Expected {
            user_visible_data: VISIBLE,
            user_non_visible_data: None,
            personal_number: ANNA,
        },
        ANNA,
        &roots(),
        signed_at(),
    )
    .expect("the fake's signature verifies");
    assert_eq!(
        verified.issuer_certificates_der.len(),
        2,
        "the fake sends BankID's three certificates: signer, customer CA, bank CA"
    );
    let mut chain = vec![verified.signer_certificate_der.clone()];
    chain.extend(verified.issuer_certificates_der.iter().cloned());
    let ocsp = verify_ocsp(&signature.ocsp_der, &chain, &roots(), order());
    assert_eq!(ocsp.map(|o| o.produced_at), Ok(signed_at()));
}

#[test]
fn an_answer_signed_by_the_issuing_ca_itself_or_naming_the_responder_is_accepted() {
    for script in [OcspScript::SignedByIssuingCa, OcspScript::ResponderByName] {
        assert_eq!(
            check(&signature(ANNA, script)),
            Ok(signed_at()),
            "RFC 6960 allows {script:?}"
        );
    }
}

#[test]
fn a_revoked_or_unknown_certificate_is_refused() {
    assert_eq!(
        check(&signature(ANNA, OcspScript::Revoked)),
        Err(OcspError::Revoked),
        "a blocked BankID never signs a report"
    );
    assert_eq!(
        check(&signature(ANNA, OcspScript::Unknown)),
        Err(OcspError::StatusUnknown),
        "a certificate the bank does not know is not proven good"
    );
}

#[test]
fn a_responder_without_the_right_to_sign_ocsp_answers_is_refused() {
    let result = check(&signature(ANNA, OcspScript::ResponderWithoutOcspSigning));
    assert!(
        matches!(result, Err(OcspError::ResponderNotAuthorized(_))),
        "a certificate of the bank without id-kp-OCSPSigning must not vouch for others: {result:?}"
    );
}

#[test]
fn an_answer_about_another_certificate_is_refused() {
    let anna = signature(ANNA, OcspScript::Good);
    let berit = signature(BERIT, OcspScript::Good);
    let result = verify_ocsp(&anna.ocsp_der, &berit.certificates_der, &roots(), order());
    assert_eq!(
        result.map(|o| o.produced_at),
        Err(OcspError::WrongCertificate),
        "Anna's good status says nothing about Berit's certificate"
    );
}

#[test]
fn an_answer_produced_outside_the_order_is_refused() {
    let signature = signature(ANNA, OcspScript::Good);
    let later = OrderWindow {
        started: signed_at() + Duration::hours(1),
        completed: signed_at() + Duration::hours(1) + Duration::seconds(30),
    };
    let result = verify_ocsp(
        &signature.ocsp_der,
        &signature.certificates_der,
        &roots(),
        later,
    );
    assert!(
        matches!(result, Err(OcspError::OutsideOrder { .. })),
        "an answer from an hour before the order belongs to another signature: {result:?}"
    );
    let skewed = OrderWindow {
        started: signed_at() + ALLOWED_CLOCK_SKEW - Duration::seconds(1),
        completed: signed_at() + ALLOWED_CLOCK_SKEW + Duration::seconds(10),
    };
    assert_eq!(
        verify_ocsp(
            &signature.ocsp_der,
            &signature.certificates_der,
            &roots(),
            skewed
        )
        .map(|o| o.produced_at),
        Ok(signed_at()),
        "a computer clock a little ahead of BankID's must not refuse a good signature"
    );
}

#[test]
fn an_answer_under_another_environments_root_is_refused() {
    let other = UserCertificateAuthority::new("Another BankID root").expect("a CA can be made");
    let signature = signature(ANNA, OcspScript::Good);
    let result = verify_ocsp(
        &signature.ocsp_der,
        &signature.certificates_der,
        &[other.root_der().to_vec()],
        order(),
    );
    assert!(
        matches!(result, Err(OcspError::IssuerUntrusted(_))),
        "the signer's bank must chain to this environment's root: {result:?}"
    );
    let production = assistid_bankid::user_roots::production_root_der().expect("pinned root");
    let result = verify_ocsp(
        &signature.ocsp_der,
        &signature.certificates_der,
        &[production],
        order(),
    );
    assert!(
        matches!(result, Err(OcspError::IssuerUntrusted(_))),
        "a fake's answer is not production BankID's: {result:?}"
    );
}

#[test]
fn a_changed_answer_fails_its_signature() {
    let signature = signature(ANNA, OcspScript::Good);
    let mut tampered = signature.ocsp_der.clone();
    let time = b"20260601120000Z";
    let at = tampered
        .windows(time.len())
        .position(|w| w == time)
        .expect("producedAt is in the answer");
    tampered[at + 13] = b'1';
    let result = verify_ocsp(&tampered, &signature.certificates_der, &roots(), order());
    assert_eq!(
        result.map(|o| o.produced_at),
        Err(OcspError::SignatureInvalid),
        "a producedAt moved by one second after signing must be caught"
    );
}

#[test]
fn garbage_an_unsuccessful_status_and_a_missing_issuer_are_refused_each_for_its_reason() {
    let signature = signature(ANNA, OcspScript::Good);
    for garbage in [
        &b""[..],
        b"\x30\x00",
        b"\x30\x80\x00\x00",
        b"not der at all",
    ] {
        let result = verify_ocsp(garbage, &signature.certificates_der, &roots(), order());
        assert!(
            matches!(result, Err(OcspError::Unreadable(_))),
            "{garbage:?} is no OCSP response: {result:?}"
        );
    }
    // OCSPResponse { responseStatus tryLater (3) } without responseBytes.
    let try_later = [0x30, 0x03, 0x0a, 0x01, 0x03];
    assert_eq!(
        verify_ocsp(&try_later, &signature.certificates_der, &roots(), order())
            .map(|o| o.produced_at),
        Err(OcspError::NotSuccessful(3)),
        "BankID's responder was busy: no proof, say so"
    );
    assert_eq!(
        verify_ocsp(
            &signature.ocsp_der,
            &signature.certificates_der[..1],
            &roots(),
            order()
        )
        .map(|o| o.produced_at),
        Err(OcspError::IssuerMissing),
        "without the bank's certificate nothing can be checked"
    );
    assert_eq!(
        OcspError::Revoked.code(),
        "ocsp_revoked",
        "codes are stable and name the check"
    );
}

fn expected(pnr: &str) -> Expected<'_> {
    Expected {
        user_visible_data: VISIBLE,
        user_non_visible_data: None,
        personal_number: pnr,
    }
}

#[test]
fn one_call_proves_signature_and_ocsp_and_gives_the_signing_time() {
    let signature = signature(ANNA, OcspScript::Good);
    let proven = verify_signature_with_ocsp(
        signature.xml.as_bytes(),
        &signature.ocsp_der,
        &expected(ANNA),
        ANNA,
        &roots(),
        order(),
    )
    .expect("a genuine signature with a good OCSP answer is proven");
    assert_eq!(proven.signature.personal_number, ANNA, "who signed");
    assert_eq!(
        proven.ocsp.produced_at,
        signed_at(),
        "the signing time is BankID's producedAt, never the computer's clock"
    );
}

#[test]
fn one_call_refuses_a_signature_whose_ocsp_answer_is_not_about_it() {
    let anna = signature(ANNA, OcspScript::Good);
    let berit = signature(BERIT, OcspScript::Good);
    let result = verify_signature_with_ocsp(
        anna.xml.as_bytes(),
        &berit.ocsp_der,
        &expected(ANNA),
        ANNA,
        &roots(),
        order(),
    );
    assert_eq!(
        result.map(|p| p.ocsp.produced_at),
        Err(SignatureError::Ocsp(OcspError::WrongCertificate)),
        "Berit's OCSP answer proves nothing about Anna's signature"
    );
    let revoked = signature(ANNA, OcspScript::Revoked);
    let result = verify_signature_with_ocsp(
        revoked.xml.as_bytes(),
        &revoked.ocsp_der,
        &expected(ANNA),
        ANNA,
        &roots(),
        order(),
    );
    assert_eq!(
        result.as_ref().map_err(SignatureError::code),
        Err("ocsp_revoked"),
        "a blocked BankID is refused with the OCSP check's own code"
    );
    let result = verify_signature_with_ocsp(
        anna.xml.as_bytes(),
        b"",
        &expected(ANNA),
        ANNA,
        &roots(),
        order(),
    );
    assert!(
        matches!(result, Err(SignatureError::Ocsp(OcspError::Unreadable(_)))),
        "no OCSP answer, no proof: {:?}",
        result.map(|p| p.ocsp.produced_at)
    );
}
