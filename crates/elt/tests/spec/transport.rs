//! Real mutual TLS on loopback against the fake FK: every failure mode ends in the error the
//! outbox needs to decide between retry, uncertain and final.

use std::time::Duration;

use assistid_core::secret::Sensitive;
use assistid_elt::client::Timeouts;
use assistid_elt::error::{Disposition, TimeoutPhase};
use assistid_elt::{EltClient, EltError, TrustAnchor};
use assistid_fakes::fk::{
    Behaviour, FakeFk, FakeFkConfig, FakeFkHandle, RecordedOutcome, ServerCertMode,
};
use assistid_fakes::pki::{CertSubject, TestCa};
use chrono::Utc;

use crate::support::{ASSISTANT, bankid_ca, signed_request};

const PASSWORD: &str = "demo-lösen";

fn short_timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        read: Duration::from_millis(1500),
    }
}

fn client_with(fake: &FakeFkHandle, p12: Vec<u8>, trust: TrustAnchor) -> EltClient {
    EltClient::builder()
        .endpoint(fake.endpoint())
        .identity(p12, Sensitive::new(PASSWORD.to_owned()))
        .trust(trust)
        .timeouts(short_timeouts())
        .build()
        .expect("the client builds")
}

fn client(fake: &FakeFkHandle) -> EltClient {
    let p12 = fake.client_identity_p12(PASSWORD).expect("client identity");
    client_with(fake, p12, TrustAnchor::PinnedCa(fake.ca_pem().to_owned()))
}

async fn start(config: FakeFkConfig) -> FakeFkHandle {
    FakeFk::start(config).await.expect("the fake FK starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_report_gets_a_tx_id_over_mutual_tls() {
    let fake = start(FakeFkConfig::default()).await;
    let bankid = bankid_ca();
    let (report_id, request) = signed_request(&bankid, ASSISTANT);
    let attempt = client(&fake).submit(&request).await;
    let tx_id = attempt
        .outcome
        .as_ref()
        .expect("FK accepts a correctly signed report");
    let recorded = fake.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0].outcome,
        RecordedOutcome::Accepted {
            report_id,
            tx_id: tx_id.as_uuid()
        },
        "the tx-id is the one the fake issued for this report"
    );
    let record = attempt.record(Utc::now()).expect("an answer came");
    assert_eq!(record.http_status, 200);
    assert_eq!(record.tx_id, Some(*tx_id));
    assert!(
        !record.body.is_empty(),
        "the raw answer is kept for tracing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_by_someone_else_is_rejected_with_fks_message() {
    let fake = start(FakeFkConfig::default()).await;
    let bankid = bankid_ca();
    let (_, request) = signed_request(&bankid, "199001011239");
    let attempt = client(&fake).submit(&request).await;
    let error = attempt.outcome.expect_err("the assistant did not sign");
    assert!(
        matches!(error, EltError::SignatureValidation { .. }),
        "{error:?}"
    );
    assert!(
        error
            .fk_message()
            .is_some_and(|m| m.contains("någon annan")),
        "FK's message explains: {error}"
    );
    assert_eq!(error.disposition(), Disposition::Rejected);
    assert!(
        attempt.answer.is_some(),
        "the fault body is kept for storage"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_from_another_ca_is_refused_before_anything_is_received() {
    let fake = start(FakeFkConfig::default()).await;
    let stranger = TestCa::new("Some other CA")
        .expect("CA")
        .issue_client_cert_valid_now(&CertSubject::new("Omsorg AB"))
        .expect("cert")
        .to_pkcs12(PASSWORD)
        .expect("p12");
    let bankid = bankid_ca();
    let client = client_with(
        &fake,
        stranger,
        TrustAnchor::PinnedCa(fake.ca_pem().to_owned()),
    );
    let error = client
        .submit(&signed_request(&bankid, ASSISTANT).1)
        .await
        .outcome
        .expect_err("the fake must refuse the certificate");
    assert!(
        matches!(error, EltError::ClientCertificateRejected { .. }),
        "{error:?}"
    );
    assert!(error.is_certainly_not_received());
    assert!(fake.requests().is_empty(), "no request reached the service");
    assert!(
        fake.handshake_failures() >= 1,
        "the fake saw a failed handshake"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_client_certificate_is_refused_by_the_server() {
    let fake = start(FakeFkConfig::default()).await;
    let now = Utc::now();
    let expired = fake
        .client_ca()
        .issue_client_cert(
            &CertSubject::new("Omsorg AB"),
            now - chrono::Duration::days(800),
            now - chrono::Duration::days(70),
        )
        .expect("cert")
        .to_pkcs12(PASSWORD)
        .expect("p12");
    let client = client_with(
        &fake,
        expired,
        TrustAnchor::PinnedCa(fake.ca_pem().to_owned()),
    );
    let health = client
        .certificate_health(now)
        .expect("HTTPS client knows its certificate");
    assert_eq!(health.status, assistid_elt::CertStatus::Expired);
    let bankid = bankid_ca();
    let error = client
        .submit(&signed_request(&bankid, ASSISTANT).1)
        .await
        .outcome
        .expect_err("refused");
    assert!(
        matches!(error, EltError::ClientCertificateRejected { .. }),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_or_untrusted_server_certificates_are_not_trusted() {
    for mode in [ServerCertMode::Expired, ServerCertMode::UntrustedCa] {
        let fake = start(FakeFkConfig {
            server_cert: mode,
            ..FakeFkConfig::default()
        })
        .await;
        let bankid = bankid_ca();
        let error = client(&fake)
            .submit(&signed_request(&bankid, ASSISTANT).1)
            .await
            .outcome
            .expect_err("the server must not be trusted");
        match &error {
            EltError::ServerNotTrusted { reason } => {
                let expected = match mode {
                    ServerCertMode::Expired => "gått ut",
                    _ => "betrodda",
                };
                assert!(reason.contains(expected), "{mode:?}: {reason}");
            }
            other => panic!("{mode:?}: expected ServerNotTrusted, got {other:?}"),
        }
        assert!(error.is_certainly_not_received() && error.is_configuration());
        assert!(fake.requests().is_empty(), "{mode:?}: nothing was sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_certificate_for_another_host_name_is_not_trusted() {
    // Issued by the very CA the client pins and valid now, but for `fk.example.invalid`: a
    // certificate stolen from (or misissued for) another server must not pass for FK's.
    let fake = start(FakeFkConfig {
        server_cert: ServerCertMode::WrongName,
        ..FakeFkConfig::default()
    })
    .await;
    let bankid = bankid_ca();
    let error = client(&fake)
        .submit(&signed_request(&bankid, ASSISTANT).1)
        .await
        .outcome
        .expect_err("a certificate for another host name must not be trusted");
    match &error {
        EltError::ServerNotTrusted { reason } => assert!(
            reason.contains("gäller inte för adressen"),
            "the reason must say the certificate is for another address: {reason}"
        ),
        other => panic!("expected ServerNotTrusted for a host-name mismatch, got {other:?}"),
    }
    assert_eq!(error.code(), "elt_server_not_trusted", "{error:?}");
    assert!(
        error.is_certainly_not_received() && error.is_configuration(),
        "refused in the handshake: nothing was sent, and it is not retried blindly: {error:?}"
    );
    assert!(
        fake.requests().is_empty(),
        "no request may reach a server whose certificate names another host"
    );
}

/// Says whether an error is the expected one.
type ErrorCheck = fn(&EltError) -> bool;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_failures_are_classified_for_the_outbox() {
    let fake = start(FakeFkConfig::default()).await;
    let client = client(&fake);
    let bankid = bankid_ca();
    let (_, request) = signed_request(&bankid, ASSISTANT);
    let cases: Vec<(Behaviour, ErrorCheck, Disposition)> = vec![
        (
            Behaviour::ServiceUnavailable,
            |e| matches!(e, EltError::ServiceUnavailable { .. }),
            Disposition::Transient,
        ),
        (
            Behaviour::Hang,
            |e| {
                matches!(
                    e,
                    EltError::Timeout {
                        phase: TimeoutPhase::Answer
                    }
                )
            },
            Disposition::Uncertain,
        ),
        (
            Behaviour::DropAfterBody,
            |e| matches!(e, EltError::ConnectionLost { .. }),
            Disposition::Uncertain,
        ),
        (
            Behaviour::InternalServerError,
            |e| matches!(e, EltError::SoapFault { .. }),
            Disposition::Uncertain,
        ),
        (
            Behaviour::UnexpectedSoapFault,
            |e| matches!(e, EltError::SoapFault { .. }),
            Disposition::Uncertain,
        ),
        (
            Behaviour::MalformedXml,
            |e| matches!(e, EltError::UnexpectedAnswer { .. }),
            Disposition::Uncertain,
        ),
        (
            Behaviour::HtmlErrorPage,
            |e| matches!(e, EltError::UnexpectedAnswer { .. }),
            Disposition::Uncertain,
        ),
        (
            Behaviour::OversizedAnswer,
            |e| {
                matches!(
                    e,
                    EltError::UnexpectedAnswer {
                        problem: assistid_elt::error::AnswerProblem::TooLarge,
                        ..
                    }
                )
            },
            Disposition::Uncertain,
        ),
        (
            Behaviour::XmlValidationError("cvc-x".into()),
            |e| e.fk_message() == Some("cvc-x"),
            Disposition::Rejected,
        ),
        (
            Behaviour::Delay(Duration::from_millis(200)),
            |_| false,
            Disposition::Transient,
        ),
    ];
    for (behaviour, is_expected, disposition) in cases {
        fake.script(behaviour.clone());
        let attempt = client.submit(&request).await;
        match (&behaviour, attempt.outcome) {
            (Behaviour::Delay(_), outcome) => {
                assert!(
                    outcome.is_ok(),
                    "a slow answer within the read timeout is fine: {outcome:?}"
                );
            }
            (_, Ok(tx)) => panic!("{behaviour:?} must fail, got tx-id {tx}"),
            (_, Err(error)) => {
                assert!(
                    is_expected(&error),
                    "{behaviour:?}: unexpected error {error:?}"
                );
                assert_eq!(error.disposition(), disposition, "{behaviour:?}: {error:?}");
            }
        }
    }
    assert_eq!(
        fake.requests().len(),
        10,
        "every attempt reached the fake once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_port_is_unreachable_and_safe_to_retry() {
    let fake = start(FakeFkConfig::default()).await;
    let p12 = fake.client_identity_p12(PASSWORD).expect("identity");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let client = EltClient::builder()
        .endpoint(format!("https://127.0.0.1:{port}/elt"))
        .identity(p12, Sensitive::new(PASSWORD.to_owned()))
        .trust(TrustAnchor::PinnedCa(fake.ca_pem().to_owned()))
        .timeouts(short_timeouts())
        .build()
        .expect("builds");
    let bankid = bankid_ca();
    let error = client
        .submit(&signed_request(&bankid, ASSISTANT).1)
        .await
        .outcome
        .expect_err("nobody listens");
    assert!(matches!(error, EltError::Unreachable { .. }), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_roots_do_not_trust_a_private_ca() {
    let fake = start(FakeFkConfig::default()).await;
    let p12 = fake.client_identity_p12(PASSWORD).expect("identity");
    let client = client_with(&fake, p12, TrustAnchor::SystemRoots);
    let bankid = bankid_ca();
    let error = client
        .submit(&signed_request(&bankid, ASSISTANT).1)
        .await
        .outcome
        .expect_err("the fake's CA is in no system store");
    assert!(
        matches!(error, EltError::ServerNotTrusted { .. }),
        "{error:?}"
    );
    assert!(
        fake.requests().is_empty(),
        "nothing was sent to an untrusted server"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_retry_after_is_clamped_to_an_hour() {
    let fake = start(FakeFkConfig::default()).await;
    let client = client(&fake);
    let bankid = bankid_ca();
    let (_, request) = signed_request(&bankid, ASSISTANT);
    for (header, expected) in [
        ("7", Some(7)),
        ("86400", Some(3600)),
        ("99999999999999999999999", Some(3600)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
    ] {
        fake.script(Behaviour::ServiceUnavailableRetryAfter(header.to_owned()));
        let attempt = client.submit(&request).await;
        match attempt.outcome {
            Err(EltError::ServiceUnavailable { retry_after_secs }) => assert_eq!(
                retry_after_secs, expected,
                "Retry-After {header:?} asks for at most an hour"
            ),
            other => panic!("Retry-After {header:?}: expected a 503, got {other:?}"),
        }
    }
}
