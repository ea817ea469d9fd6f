//! Every failure of a send, as a text with a stable code: Swedish exactly as the error has
//! always said it (the outbox keeps that text for old rows and the receipt), English with the
//! same parameters, and the catalog whole.

use assistid_core::text::{Lang, check_catalog};
use assistid_elt::Environment;
use assistid_elt::error::{AnswerProblem, EltError, TimeoutPhase};
use chrono::NaiveDate;

fn every_error() -> Vec<EltError> {
    let reason = || "tcp connect error: Connection refused".to_owned();
    let mut out = vec![
        EltError::XmlValidation {
            message: "cvc-pattern-valid: Value '0701' is not facet-valid".into(),
        },
        EltError::SignatureValidation {
            message: "Signaturen kunde inte verifieras".into(),
        },
        EltError::SoapFault {
            http_status: 500,
            fault_code: "soap:Server".into(),
            fault_string: "Internal".into(),
        },
        EltError::ServiceUnavailable {
            retry_after_secs: Some(30),
        },
        EltError::Unreachable { reason: reason() },
        EltError::ServerNotTrusted { reason: reason() },
        EltError::ClientCertificateRejected { reason: reason() },
        EltError::Timeout {
            phase: TimeoutPhase::Connect,
        },
        EltError::Timeout {
            phase: TimeoutPhase::Answer,
        },
        EltError::ConnectionLost { reason: reason() },
        EltError::ClientCertificateExpired {
            expired_on: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap_or_default(),
        },
        EltError::SeveralClientKeys {
            candidates: "Omsorg AB (serienummer 0A)".into(),
        },
        EltError::TlsNegotiation { reason: reason() },
        EltError::WrongCertificatePassword,
        EltError::InvalidCertificateFile { reason: reason() },
        EltError::InvalidTrustAnchor { reason: reason() },
        EltError::InvalidEndpoint { reason: reason() },
        EltError::EnvironmentMismatch {
            environment: Environment::Prod,
            data_is_demo: true,
        },
        EltError::EnvironmentMismatch {
            environment: Environment::Demo,
            data_is_demo: false,
        },
        EltError::Transport { reason: reason() },
    ];
    for status in [301, 401, 403, 404, 405, 415, 418] {
        out.push(EltError::NotFkService {
            http_status: status,
        });
    }
    for problem in [
        AnswerProblem::Empty,
        AnswerProblem::Html,
        AnswerProblem::MalformedXml { position: 17 },
        AnswerProblem::NotSoap {
            root: "html".into(),
        },
        AnswerProblem::UnknownBody {
            element: String::new(),
        },
        AnswerProblem::UnknownBody {
            element: "Hej".into(),
        },
        AnswerProblem::BadTxId,
        AnswerProblem::SuccessWithStatus,
        AnswerProblem::TooLarge,
    ] {
        out.push(EltError::UnexpectedAnswer {
            http_status: 502,
            problem,
            body_len: 12,
        });
    }
    out
}

#[test]
fn every_failure_reads_in_swedish_exactly_as_before_and_in_english_with_the_same_facts() {
    for error in every_error() {
        let text = error.text();
        assert_eq!(
            text.render(Lang::Sv),
            error.to_string(),
            "Swedish is the reference, byte for byte the error's own text ({})",
            error.code()
        );
        assert!(
            text.is_translated() && text.missing_params().is_empty(),
            "{} has an English wording and every parameter",
            error.code()
        );
        let en = text.render(Lang::En);
        assert_ne!(en, error.to_string(), "{} reads in English", error.code());
        for (name, value) in text.params_in(Lang::Sv) {
            if text.template().is_some_and(|t| {
                !matches!(t.code, "elt_unexpected_answer" | "elt_demo_data_to_fk")
                    && !name.starts_with("check_address")
            }) {
                assert!(
                    en.contains(&value),
                    "the English text of {} carries the fact {name} = {value}: {en}",
                    error.code()
                );
            }
        }
    }
}

#[test]
fn an_answer_timeout_and_a_broken_answer_in_english() {
    let timeout = EltError::Timeout {
        phase: TimeoutPhase::Answer,
    };
    assert_eq!(timeout.text().code(), "elt_answer_timeout");
    assert_eq!(
        timeout.text().render(Lang::En),
        "No answer came from Försäkringskassan in time. The report may have arrived; do not \
         send it again until you have checked with Försäkringskassan."
    );
    let broken = EltError::UnexpectedAnswer {
        http_status: 502,
        problem: AnswerProblem::MalformedXml { position: 17 },
        body_len: 40,
    };
    assert_eq!(
        broken.to_string(),
        "Försäkringskassan svarade något oväntat (HTTP 502, svaret var trasig eller avklippt XML \
         (vid byte 17)). Det är oklart om rapporten togs emot; skicka inte om den förrän du har \
         kontrollerat med Försäkringskassan."
    );
    assert_eq!(
        broken.text().render(Lang::En),
        "Försäkringskassan answered something unexpected (HTTP 502, the answer was broken or \
         cut-off XML (at byte 17)). It is unclear whether the report was received; do not send \
         it again until you have checked with Försäkringskassan."
    );
    let params = broken.text().params_flat(Lang::En);
    assert_eq!(
        (
            params.get("http_status").map(String::as_str),
            params.get("problem@code").map(String::as_str),
            params.get("problem@position").map(String::as_str),
        ),
        (Some("502"), Some("elt_answer_malformed_xml"), Some("17")),
        "the nested description crosses with its own code and parameters"
    );
}

#[test]
fn the_send_failures_catalog_is_whole() {
    let problems = check_catalog(assistid_elt::texts::CATALOG);
    assert!(problems.is_empty(), "{problems:#?}");
}
