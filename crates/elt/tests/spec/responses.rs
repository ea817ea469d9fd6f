//! Every shape of answer is read into the right outcome, whatever the prefixes.

use assistid_elt::error::{AnswerProblem, Disposition};
use assistid_elt::{EltError, parse_response};

use crate::support::golden_dir;

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(golden_dir().join("responses").join(name)).expect("response sample exists")
}

#[test]
fn fks_own_example_is_a_receipt() {
    let tx = parse_response(200, &sample("fk_example_receipt.xml"))
        .expect("FK's example from Användarstöd (ELT) is a receipt");
    assert_eq!(tx.to_string(), "14e81789-715d-497b-b63c-eada732800eb");
}

#[test]
fn prefixes_and_extension_elements_do_not_matter() {
    let tx = parse_response(200, &sample("receipt_prefixed_with_extensions.xml"))
        .expect("S: and tid: prefixes, a header and an extension element are all fine");
    assert_eq!(tx.to_string(), "4a8db4b8-bc29-4406-901c-3f69298cabe3");
}

#[test]
fn fk_faults_keep_fks_message_verbatim_and_are_final() {
    let xml = parse_response(500, &sample("fault_xml_validation.xml")).expect_err("a fault");
    assert!(matches!(xml, EltError::XmlValidation { .. }), "{xml:?}");
    assert_eq!(
        xml.fk_message(),
        Some(
            "cvc-pattern-valid: Value '8.30' is not facet-valid with respect to pattern \
             '\\d{2}\\.\\d{2}' for type 'Klockslag'."
        ),
        "FK's message must be kept exactly"
    );
    assert_eq!(xml.disposition(), Disposition::Rejected);

    let sig = parse_response(500, &sample("fault_signature_validation.xml")).expect_err("a fault");
    assert!(
        matches!(sig, EltError::SignatureValidation { .. }),
        "{sig:?}"
    );
    assert_eq!(
        sig.fk_message(),
        Some("Assistentens signatur & tidredovisningen hör inte ihop (hash <> signerad data)"),
        "entities are resolved, nothing else changes"
    );
    assert!(sig.is_rejection() && !sig.is_retryable() && !sig.is_uncertain());
}

#[test]
fn other_soap_faults_keep_code_and_string_and_are_uncertain() {
    let cases = [
        (
            "fault_other_soap11.xml",
            "soapenv:Server",
            "Internt fel, försök senare",
        ),
        ("fault_soap12.xml", "env:Receiver", "Tjänsten är stängd"),
    ];
    for (file, code, text) in cases {
        match parse_response(500, &sample(file)) {
            Err(e @ EltError::SoapFault { .. }) => {
                let EltError::SoapFault {
                    fault_code,
                    fault_string,
                    ..
                } = &e
                else {
                    unreachable!("matched above")
                };
                assert_eq!(
                    (fault_code.as_str(), fault_string.as_str()),
                    (code, text),
                    "{file}"
                );
                assert!(
                    e.is_uncertain(),
                    "{file}: an unknown fault does not prove FK did not receive the report"
                );
            }
            other => panic!("{file} must be a SoapFault, got {other:?}"),
        }
    }
}

/// Says whether a problem is the expected one.
type ProblemCheck = fn(&AnswerProblem) -> bool;

#[test]
fn anything_else_is_an_unexpected_answer_without_the_body() {
    let cases: [(&str, u16, Vec<u8>, ProblemCheck); 6] = [
        ("html", 502, sample("html_bad_gateway.html"), |p| {
            *p == AnswerProblem::Html
        }),
        ("truncated", 200, sample("truncated_receipt.xml"), |p| {
            matches!(p, AnswerProblem::MalformedXml { .. })
        }),
        ("empty", 200, Vec::new(), |p| *p == AnswerProblem::Empty),
        ("not soap", 200, sample("not_soap.xml"), |p| {
            *p == AnswerProblem::NotSoap {
                root: "status".into(),
            }
        }),
        ("bad tx-id", 200, sample("receipt_bad_tx_id.xml"), |p| {
            *p == AnswerProblem::BadTxId
        }),
        ("unknown body", 200, sample("unknown_body.xml"), |p| {
            *p == AnswerProblem::UnknownBody {
                element: "Pong".into(),
            }
        }),
    ];
    for (name, status, body, check) in cases {
        match parse_response(status, &body) {
            Err(e @ EltError::UnexpectedAnswer { .. }) => {
                let EltError::UnexpectedAnswer {
                    problem, body_len, ..
                } = &e
                else {
                    unreachable!("matched above")
                };
                assert!(check(problem), "{name}: wrong problem {problem:?}");
                assert_eq!(*body_len, body.len(), "{name}: the length is kept");
                assert!(
                    e.is_uncertain(),
                    "{name}: an unreadable answer is uncertain"
                );
                assert!(
                    e.to_string().contains("oväntat"),
                    "{name}: the Swedish message says FK answered something unexpected"
                );
            }
            other => panic!("{name} must be UnexpectedAnswer, got {other:?}"),
        }
    }
}

#[test]
fn a_receipt_with_an_error_status_is_not_trusted_and_503_is_retryable() {
    let odd = parse_response(500, &sample("fk_example_receipt.xml")).expect_err("not a receipt");
    assert!(odd.is_uncertain(), "{odd:?}");
    let busy = parse_response(503, &sample("html_bad_gateway.html")).expect_err("503");
    assert!(
        matches!(busy, EltError::ServiceUnavailable { .. }),
        "{busy:?}"
    );
    assert!(busy.is_retryable() && busy.is_certainly_not_received());
}

#[test]
fn a_503_carrying_fks_receipt_is_a_receipt() {
    let tx = parse_response(503, &sample("fk_example_receipt.xml"))
        .expect("the service took the report even if a front said unavailable: never resend it");
    assert_eq!(tx.to_string(), "14e81789-715d-497b-b63c-eada732800eb");
}

#[test]
fn answers_that_are_not_fks_service_mean_not_received_configuration() {
    for status in [301, 302, 307, 308, 401, 403, 404, 405, 415] {
        for body in [
            sample("html_bad_gateway.html"),
            Vec::new(),
            b"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>no</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>".to_vec(),
        ] {
            let e = parse_response(status, &body).expect_err("not a receipt");
            assert!(
                matches!(e, EltError::NotFkService { http_status } if http_status == status),
                "HTTP {status}: {e:?}"
            );
            assert_eq!(
                e.disposition(),
                Disposition::Configuration,
                "HTTP {status}: not uncertain, never retried automatically"
            );
            assert_eq!(e.code(), "elt_not_fk_service");
            let message = e.to_string();
            assert!(
                message.contains("adressen") && message.contains("8020"),
                "HTTP {status}: the message says what to check, with FK's ports: {message}"
            );
        }
    }
    let enrolment = parse_response(403, b"").expect_err("403").to_string();
    assert!(
        enrolment.contains("certifikatet") && enrolment.contains("anmält"),
        "a 401/403 points at the certificate's enrolment at FK: {enrolment}"
    );
}

#[test]
fn fks_own_receipt_or_fault_behind_an_odd_status_is_not_called_a_configuration_problem() {
    let receipt = parse_response(404, &sample("fk_example_receipt.xml")).expect_err("odd");
    assert!(
        receipt.is_uncertain(),
        "FK issued a tx-id: it may have the report, so the user decides: {receipt:?}"
    );
    let fault = parse_response(415, &sample("fault_xml_validation.xml")).expect_err("a fault");
    assert!(
        matches!(fault, EltError::XmlValidation { .. }),
        "FK's own fault is FK's answer: {fault:?}"
    );
}
