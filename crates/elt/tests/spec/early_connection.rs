//! Connections opened before their request is due ([`EltClient::connect`]): the handshake is
//! done ahead, the request leaves when the caller says so, the caller learns the moment it
//! left, and everything that goes wrong before the request is written still counts as
//! "FK certainly did not receive it".

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use assistid_core::secret::Sensitive;
use assistid_elt::client::Timeouts;
use assistid_elt::{EltClient, EltError, TrustAnchor, build_request};
use assistid_fakes::fk::{FakeFk, FakeFkConfig, FakeFkHandle, RecordedOutcome};
use assistid_fakes::pki::CertSubject;
use chrono::Utc;

use crate::support::{ASSISTANT, bankid_ca, signed_request};

const PASSWORD: &str = "tidig-lösen";

fn client_for(fake: &FakeFkHandle, p12: Vec<u8>) -> EltClient {
    EltClient::builder()
        .endpoint(fake.endpoint())
        .identity(p12, Sensitive::new(PASSWORD.to_owned()))
        .trust(TrustAnchor::PinnedCa(fake.ca_pem().to_owned()))
        .timeouts(Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(5),
        })
        .build()
        .expect("the client builds")
}

fn counter() -> (Arc<AtomicUsize>, impl FnOnce() + Send + 'static) {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    (calls, move || {
        seen.fetch_add(1, Ordering::SeqCst);
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_opened_ahead_carries_the_request_when_asked_and_says_when_it_left() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("the fake FK starts");
    let client = client_for(&fake, fake.client_identity_p12(PASSWORD).expect("identity"));
    let (report_id, request) = signed_request(&bankid_ca(), ASSISTANT);
    let ready = client.connect().await.expect("TCP and TLS open");
    // The handshake is done, yet FK has seen no request: pacing counts requests, not
    // connections.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        fake.requests().is_empty(),
        "an opened connection is not a request"
    );
    let (calls, on_sent) = counter();
    let attempt = ready
        .submit_envelope(build_request(&request), on_sent)
        .await;
    let tx_id = attempt.outcome.expect("FK accepts the report");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the caller learns exactly once that the request left"
    );
    let recorded = fake.requests();
    assert_eq!(recorded.len(), 1, "one request");
    assert_eq!(
        recorded[0].outcome,
        RecordedOutcome::Accepted {
            report_id,
            tx_id: tx_id.as_uuid()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_the_server_closed_while_waiting_is_never_written_to() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("the fake FK starts");
    let client = client_for(&fake, fake.client_identity_p12(PASSWORD).expect("identity"));
    let ready = client.connect().await.expect("TCP and TLS open");
    // FK goes away while the connection waits for its turn: the server closes it, and no
    // new connection can be opened.
    fake.shutdown();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_, request) = signed_request(&bankid_ca(), ASSISTANT);
    let (calls, on_sent) = counter();
    let error = ready
        .submit_envelope(build_request(&request), on_sent)
        .await
        .outcome
        .expect_err("nobody is there");
    assert!(
        error.is_certainly_not_received() && error.is_retryable(),
        "a request never written may be retried: {error:?}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "nothing left, so the pacer must not count a start"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_client_certificate_refused_after_an_early_handshake_is_not_uncertain() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("the fake FK starts");
    let now = Utc::now();
    let expired = fake
        .client_ca()
        .issue_client_cert(
            &CertSubject::new("Omsorg AB").with_serial_number("5560360793"),
            now - chrono::Duration::days(800),
            now - chrono::Duration::days(70),
        )
        .expect("an expired certificate")
        .to_pkcs12(PASSWORD)
        .expect("p12");
    let client = client_for(&fake, expired);
    // With TLS 1.3 the client finishes its half of the handshake before the server has
    // judged the certificate, so connecting may succeed; the refusal then waits in the
    // connection and must be read as a refusal, not as a lost answer.
    let outcome = match client.connect().await {
        Ok(ready) => {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let (_, request) = signed_request(&bankid_ca(), ASSISTANT);
            ready
                .submit_envelope(build_request(&request), || {})
                .await
                .outcome
        }
        Err(e) => Err(e),
    };
    let error = outcome.expect_err("the server refuses the certificate");
    assert!(
        matches!(error, EltError::ClientCertificateRejected { .. }),
        "{error:?}"
    );
    assert!(
        error.is_certainly_not_received(),
        "a refused certificate means nothing was received"
    );
    assert!(fake.requests().is_empty(), "no request reached the service");
}
