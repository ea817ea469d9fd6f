//! The request is exactly what FK's WSDL and responder schema describe.

use assistid_elt::envelope::SOAP_ACTION;
use assistid_elt::{SignatureBlock, SubmitRequest, build_request};
use assistid_fakes::fk::samples::{binding_entry, minimal_ocsp_response, sample_report};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

use crate::support::{
    ASSISTANT, assert_golden, bankid_ca, day, fk_dir, signed_request, xmllint_responder_schema,
};

/// A request built only from fixed inputs, so its envelope can be a golden file. The signature
/// documents have BankID's `bankIdSignedData` shape with the real binding of the report (no
/// certificate: certificates are generated per run and never committed).
fn fixed_request() -> SubmitRequest {
    let id = Uuid::parse_str("0f8e6c1a-3b2d-4c5e-9f70-812345abcdef").expect("fixed uuid");
    let report = sample_report(id, "2026-10", ASSISTANT);
    let entry = binding_entry(id, &report).expect("the sample report canonicalizes");
    let signature = |who: &str| {
        format!(
            "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><Object>\
             <bankIdSignedData xmlns=\"http://www.bankid.com/signature/v1.0.0/types\">\
             <usrVisibleData>{}</usrVisibleData><usrNonVisibleData>{}</usrNonVisibleData>\
             </bankIdSignedData></Object></Signature>",
            STANDARD.encode(who),
            STANDARD.encode(&entry)
        )
        .into_bytes()
    };
    SubmitRequest {
        report,
        assistant_signature: SignatureBlock {
            signature_xml: signature("assistent"),
            ocsp_response: minimal_ocsp_response(),
            signed_on: day(2026, 11, 2),
        },
        provider_signature: SignatureBlock {
            signature_xml: signature("anordnare"),
            ocsp_response: minimal_ocsp_response(),
            signed_on: day(2026, 11, 3),
        },
    }
}

#[test]
fn envelope_matches_the_golden_file() {
    assert_golden("request_envelope.xml", &build_request(&fixed_request()));
}

#[test]
fn every_built_request_validates_against_fks_responder_schema() {
    let ca = bankid_ca();
    let mut envelopes = vec![build_request(&fixed_request())];
    for _ in 0..3 {
        envelopes.push(build_request(&signed_request(&ca, ASSISTANT).1));
    }
    let mut edge = fixed_request();
    edge.report = Vec::new();
    edge.provider_signature.ocsp_response = vec![0xff; 1000];
    envelopes.push(build_request(&edge));
    // A mutated envelope with an impossible date must FAIL, proving the validation is real.
    let broken = String::from_utf8(build_request(&fixed_request()))
        .expect("UTF-8")
        .replace("2026-11-02", "2026-13-02")
        .into_bytes();
    envelopes.push(broken);

    let (verdicts, output) = xmllint_responder_schema(&envelopes);
    let last = verdicts.len() - 1;
    for (i, valid) in verdicts.iter().enumerate().take(last) {
        assert!(
            valid,
            "request {i} must validate against FK's schema:\n{output}"
        );
    }
    assert!(
        !verdicts[last],
        "a request with datumForSignatur 2026-13-02 must be refused by the schema:\n{output}"
    );
}

#[test]
fn the_report_travels_as_the_exact_signed_bytes() {
    let ca = bankid_ca();
    let (_, request) = signed_request(&ca, ASSISTANT);
    let envelope = String::from_utf8(build_request(&request)).expect("UTF-8");
    let start = envelope
        .find("<tidredovisning xmime:contentType=\"text/xml\">")
        .expect("tidredovisning element")
        + "<tidredovisning xmime:contentType=\"text/xml\">".len();
    let end = envelope[start..].find('<').expect("closing tag") + start;
    let decoded = STANDARD
        .decode(&envelope[start..end])
        .expect("standard base64");
    assert_eq!(
        decoded, request.report,
        "FK requires the bytes to be exactly those signed"
    );
}

#[test]
fn soap_action_is_the_one_in_fks_wsdl() {
    let wsdl =
        std::fs::read_to_string(fk_dir().join("SkickaTidredovisningInteraction_1.0_shsbp10.wsdl"))
            .expect("FK's WSDL is readable");
    assert!(
        wsdl.contains(&format!("soapAction=\"{SOAP_ACTION}\"")),
        "the SOAPAction must be copied from the WSDL exactly"
    );
}
