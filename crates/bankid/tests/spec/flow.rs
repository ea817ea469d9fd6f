//! The order flow against the fake BankID over real mutual TLS.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use assistid_bankid::order::{self, CancelSignal, DriveOptions, OrderEvent, OrderOutcome};
use assistid_bankid::types::{HintCode, SignData, SignRequest, Status};
use assistid_bankid::{Client, Environment, Expected, StartMode, verify_signature};
use assistid_core::secret::Sensitive;
use assistid_fakes::bankid::FakeBankIdConfig;
use chrono::Utc;

use crate::support::{PASSWORD, fake_and_client, fast};

const ANNA: &str = "199001011239";

fn data() -> SignData {
    SignData::new("Tidredovisning **mars 2026**", Some(b"r1,0123abcd")).expect("short")
}

fn options() -> DriveOptions {
    DriveOptions {
        collect_interval: Duration::from_millis(20),
        qr_interval: Some(Duration::from_millis(10)),
        mode: StartMode::Qr,
    }
}

#[tokio::test]
async fn sign_collect_complete_and_verify() {
    let (fake, client) = fake_and_client(fast()).await;
    let data = data();
    let started = order::start_sign(&client, &SignRequest::new("127.0.0.1", &data, Some(ANNA)))
        .await
        .expect("the fake accepts the order");
    assert!(
        started
            .autostart_url()
            .starts_with("bankid:///?autostarttoken=")
    );
    assert!(
        started
            .qr_content_at(started.started_at)
            .starts_with("bankid.")
    );

    let first = client
        .collect(&started.order_ref)
        .await
        .expect("collect works");
    assert_eq!(
        (first.status, first.hint_code),
        (Status::Pending, Some(HintCode::OutstandingTransaction))
    );
    fake.user(&started.order_ref)
        .approve_as(ANNA, "Anna Andersson")
        .expect("the order exists");

    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let outcome = order::drive(
        &client,
        &started,
        options(),
        &CancelSignal::new(),
        move |e| {
            sink.lock().expect("not poisoned").push(e);
        },
    )
    .await
    .expect("the order runs to its end");
    let OrderOutcome::Completed(data_back) = outcome else {
        panic!("the approved order completes, got {outcome:?}");
    };
    assert!(
        events
            .lock()
            .expect("not poisoned")
            .contains(&OrderEvent::Pending {
                hint: Some(HintCode::UserSign)
            }),
        "userSign is reported before completion"
    );
    let xml = data_back.signature_xml().expect("base64");
    let verified = verify_signature(
        &xml,
        &Expected {
            user_visible_data: data.user_visible_data(),
            user_non_visible_data: data.user_non_visible_data(),
            personal_number: ANNA,
        },
        &data_back.user.personal_number,
        &[fake.user_root_der().to_vec()],
        Utc::now(),
    )
    .expect("the fake's signature verifies against its root");
    assert_eq!(verified.personal_number, ANNA);
    assert_eq!(verified.name, "Anna Andersson");
    assert!(
        !data_back.ocsp_der().expect("base64").is_empty(),
        "an OCSP response comes along"
    );
}

#[tokio::test]
async fn cancel_signal_cancels_the_order_at_bankid() {
    let (fake, client) = fake_and_client(fast()).await;
    let started = order::start_sign(&client, &SignRequest::new("127.0.0.1", &data(), Some(ANNA)))
        .await
        .expect("accepted");
    let cancel = CancelSignal::new();
    let trigger = cancel.clone();
    let outcome = order::drive(&client, &started, options(), &cancel, move |e| {
        if matches!(e, OrderEvent::Qr(_)) {
            trigger.cancel();
        }
    })
    .await
    .expect("cancelling is not an error");
    assert!(
        matches!(outcome, OrderOutcome::Cancelled),
        "got {outcome:?}"
    );
    assert!(fake.pending_orders().is_empty(), "the fake saw /cancel");
    let after = client
        .collect(&started.order_ref)
        .await
        .expect("a cancelled order is collectable");
    assert_eq!(after.hint_code, Some(HintCode::Cancelled));
}

#[tokio::test]
async fn an_order_nobody_scans_fails_with_start_failed_and_offers_a_new_order() {
    let config = FakeBankIdConfig {
        start_timeout: Duration::from_millis(100),
        ..fast()
    };
    let (_fake, client) = fake_and_client(config).await;
    let started = order::start_sign(&client, &SignRequest::new("127.0.0.1", &data(), None))
        .await
        .expect("accepted");
    let outcome = order::drive(&client, &started, options(), &CancelSignal::new(), |_| {})
        .await
        .expect("runs");
    assert!(
        matches!(
            &outcome,
            OrderOutcome::Failed {
                hint: HintCode::StartFailed
            }
        ),
        "got {outcome:?}"
    );
    assert!(
        outcome.offers_new_order(),
        "after startFailed the user is offered a new order"
    );
    assert_eq!(
        outcome
            .message(StartMode::Qr, assistid_bankid::Lang::Sv)
            .map(|m| m.id),
        Some("RFA17B")
    );
}

#[tokio::test]
async fn user_actions_end_the_order_with_their_hint() {
    let (fake, client) = fake_and_client(fast()).await;
    type Action =
        fn(&assistid_fakes::bankid::AppUser) -> Result<(), assistid_fakes::bankid::FakeBankIdError>;
    let cases: [(Action, HintCode); 3] = [
        (|u| u.fail_certificate_err(), HintCode::CertificateErr),
        (|u| u.cancel(), HintCode::UserCancel),
        (|u| u.expire(), HintCode::ExpiredTransaction),
    ];
    for (action, hint) in cases {
        let started = order::start_sign(&client, &SignRequest::new("127.0.0.1", &data(), None))
            .await
            .expect("accepted");
        action(&fake.user(&started.order_ref)).expect("the order exists");
        let outcome = order::drive(&client, &started, options(), &CancelSignal::new(), |_| {})
            .await
            .expect("runs");
        assert!(
            matches!(&outcome, OrderOutcome::Failed { hint: h } if *h == hint),
            "expected {hint}, got {outcome:?}"
        );
        assert!(!outcome.offers_new_order() || hint == HintCode::ExpiredTransaction);
    }
}

#[tokio::test]
async fn a_second_order_for_the_same_person_is_refused_and_the_first_cancelled() {
    let (_fake, client) = fake_and_client(fast()).await;
    let request = SignRequest::new("127.0.0.1", &data(), Some(ANNA));
    let first = client.sign(&request).await.expect("the first order starts");
    let error = client
        .sign(&request)
        .await
        .expect_err("a second order for Anna is refused");
    assert_eq!(error.user_message(assistid_bankid::Lang::Sv).id, "RFA4");
    assert_eq!(error.code(), "bankid_already_in_progress");
    let first_now = client.collect(&first.order_ref).await.expect("collectable");
    assert_eq!(
        (first_now.status, first_now.hint_code),
        (Status::Failed, Some(HintCode::Cancelled)),
        "BankID cancels the first order too"
    );
}

#[tokio::test]
async fn a_client_trusting_another_root_refuses_the_server() {
    let (fake, _) = fake_and_client(fast()).await;
    let p12 = fake.client_pkcs12(PASSWORD).expect("issued");
    let client = Client::builder(Environment::Test)
        .base_url(fake.base_url())
        .identity_pkcs12(&p12, &Sensitive::new(PASSWORD.to_owned()))
        .expect("opens")
        .build()
        .expect("builds");
    let error = client
        .collect("x")
        .await
        .expect_err("the fake is not BankID's test server");
    assert_eq!(error.code(), "bankid_unreachable");
}

#[tokio::test]
async fn a_server_certificate_for_another_host_name_is_refused() {
    // Issued by the very root the client trusts and valid now, but for BankID's real host
    // instead of the loopback address the client connects to: a certificate taken from
    // another server must not pass, whoever issued it.
    let (fake, client) = fake_and_client(FakeBankIdConfig {
        server_names: vec!["appapi2.test.bankid.com".to_owned()],
        ..fast()
    })
    .await;
    let error = client
        .sign(&SignRequest::new("127.0.0.1", &data(), Some(ANNA)))
        .await
        .expect_err("a certificate for another host name must not be trusted");
    assert_eq!(
        error.code(),
        "bankid_unreachable",
        "refused in the handshake, like any server that is not BankID: {error:?}"
    );
    assert!(
        error.to_string().contains("not valid for name"),
        "the reason names the host-name mismatch (from the TLS library): {error}"
    );
    assert!(
        !error.is_retryable(),
        "a certificate for another host is not retried: {error:?}"
    );
    assert!(
        fake.requests().is_empty(),
        "no request may reach a server whose certificate names another host"
    );
}

#[tokio::test]
async fn a_wrong_pkcs12_password_is_a_configuration_error() {
    let (fake, _) = fake_and_client(fast()).await;
    let p12 = fake.client_pkcs12(PASSWORD).expect("issued");
    let error = Client::builder(Environment::Test)
        .identity_pkcs12(&p12, &Sensitive::new("wrong".to_owned()))
        .expect_err("a wrong password is refused");
    assert!(error.is_our_bug(), "configuration errors are ours to fix");
}

#[test]
fn the_embedded_bankid_roots_are_the_published_ones() {
    use assistid_bankid::client::{PRODUCTION_SSL_ROOT_PEM, TEST_SSL_ROOT_PEM};
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    // SHA-256 fingerprints of "Test BankID SSL Root CA v1 Test" and "BankID SSL Root CA v1".
    for (pem, fingerprint) in [
        (
            TEST_SSL_ROOT_PEM,
            "f3d0740ebfb3700e3b81aa791fee451472698c84e199c2eb48a443ff1d5b405c",
        ),
        (
            PRODUCTION_SSL_ROOT_PEM,
            "e6a2d45c0a1051c959428649f86a09a9b2152cd551993cc2eb4cf094bdacbecb",
        ),
    ] {
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("the PEM body is base64");
        assert_eq!(
            hex::encode(Sha256::digest(&der)),
            fingerprint,
            "the embedded root is BankID's"
        );
    }
}
