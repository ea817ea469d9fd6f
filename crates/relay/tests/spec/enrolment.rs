//! Enrolment with a one-time code, and who may call the API afterwards.

use crate::support::{PROVIDER, Setup, good_handover, orgnr};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_installation_enrols_once_with_its_code_and_then_calls_with_its_certificate() {
    let setup = Setup::start(1, 30).await;
    let code = setup.code(PROVIDER).await;
    let installation = setup
        .enrol_with(&code)
        .await
        .unwrap_or_else(|e| panic!("a fresh code enrols: {e:?}"));
    let me: serde_json::Value = installation
        .client
        .get(format!("{}/v1/installation", setup.url(0)))
        .send()
        .await
        .expect("the relay answers")
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b))
        .expect("a body")
        .expect("JSON");
    assert_eq!(
        me["provider"], PROVIDER,
        "the certificate names the code's provider"
    );
    assert_eq!(me["installation_id"], installation.id.to_string());

    let (status, body) = setup
        .enrol_with(&code)
        .await
        .expect_err("a used code does not enrol a second installation");
    assert_eq!(status, 403, "a used code is refused: {body}");
    assert_eq!(body["error"]["code"], "enrolment_code_invalid");
    let (status, body) = setup
        .enrol_with("AAAA-BBBB-CCCC-DDDD-EEEE")
        .await
        .expect_err("an unknown code enrols nothing");
    assert_eq!(status, 403, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("ny kod"),
        "the message says what to do: {message}"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolment_code_is_for_a_real_organisationsnummer_only() {
    let setup = Setup::start(0, 30).await;
    let refused =
        assistid_relay::queue::create_enrolment_code(&setup.pool(), "5560360794", 14).await;
    assert!(
        matches!(
            refused,
            Err(assistid_relay::error::RelayError::OrgNumber(_))
        ),
        "a wrong check digit is refused before a code is made"
    );
    assert!(
        assistid_relay::queue::create_enrolment_code(&setup.pool(), &orgnr("556677889"), 14)
            .await
            .is_ok(),
        "a valid number gets a code"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_without_a_certificate_or_with_a_revoked_one_are_refused_and_health_needs_none() {
    let setup = Setup::start(1, 30).await;
    let anonymous = setup.anonymous();
    for path in ["healthz", "readyz"] {
        let status = anonymous
            .get(format!("{}/{path}", setup.url(0)))
            .send()
            .await
            .expect("the relay answers")
            .status();
        assert_eq!(status, 200, "/{path} answers without a client certificate");
    }
    let (_, body) = good_handover();
    let response = anonymous
        .post(format!("{}/v1/submissions", setup.url(0)))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).expect("JSON"))
        .send()
        .await
        .expect("the relay answers");
    assert_eq!(response.status(), 401, "no client certificate, no handover");
    let answer: serde_json::Value = crate::support::json(response).await.expect("JSON");
    assert_eq!(answer["error"]["code"], "client_certificate_required");

    let installation = setup.enrol(PROVIDER).await;
    assert!(
        assistid_relay::queue::revoke_installation(&setup.pool(), installation.id)
            .await
            .expect("the database answers"),
        "the installation exists and is revoked"
    );
    let (status, answer) = installation.submit(&setup.url(0), &body).await;
    assert_eq!(
        status, 403,
        "a revoked installation cannot hand over: {answer}"
    );
    assert_eq!(answer["error"]["code"], "certificate_revoked");
    let queued: i64 = setup
        .pool()
        .get()
        .await
        .expect("a connection")
        .query_one("SELECT count(*) FROM submissions", &[])
        .await
        .expect("counted")
        .get(0);
    assert_eq!(queued, 0, "nothing refused is stored");
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_another_ca_does_not_get_through_the_handshake() {
    let setup = Setup::start(1, 30).await;
    let other = assistid_fakes::pki::TestCa::new("Another CA").expect("a CA");
    let stranger = other
        .issue_client_cert_valid_now(&assistid_fakes::pki::CertSubject::new("stranger"))
        .expect("a client certificate");
    let identity = format!("{}{}", stranger.cert_pem(), stranger.key_pem());
    let client = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(
            reqwest::Certificate::from_pem(setup.ca_pem.as_bytes()).expect("the relay CA"),
        )
        .identity(reqwest::Identity::from_pem(identity.as_bytes()).expect("an identity"))
        .build()
        .expect("a client");
    let result = client
        .get(format!("{}/v1/installation", setup.url(0)))
        .send()
        .await;
    assert!(
        result.is_err() || result.as_ref().is_ok_and(|r| r.status() != 200),
        "a certificate the relay did not issue is refused"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_enrols_nothing_and_a_revoked_installations_queue_is_not_sent() {
    let mut setup = Setup::start(0, 30).await;
    let pool = setup.pool();
    let revoked = setup.enrol_without_relay(PROVIDER).await;
    let queued = crate::support::enqueue(&pool, revoked.id, &good_handover().1).await;
    assistid_relay::queue::revoke_installation(&pool, revoked.id)
        .await
        .expect("the database answers");
    setup.start_instance().await;
    let (expired, _) = assistid_relay::queue::create_enrolment_code(&pool, PROVIDER, 0)
        .await
        .expect("a code valid for no time");
    let (status, body) = setup
        .enrol_with(&expired)
        .await
        .expect_err("an expired code enrols nothing");
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "enrolment_code_invalid");

    // Another installation's report goes through; the revoked one's stays where it was.
    let active = setup.enrol(PROVIDER).await;
    let id = active.submit_ok(&setup.url(0), &good_handover().1).await;
    active
        .wait_for(
            &setup.url(0),
            id,
            "accepted",
            std::time::Duration::from_secs(30),
        )
        .await;
    let state: String = pool
        .get()
        .await
        .expect("a connection")
        .query_one("SELECT state FROM submissions WHERE id = $1", &[&queued])
        .await
        .expect("the row")
        .get(0);
    assert_eq!(
        state, "queued",
        "a revoked installation's report is not sent"
    );
    assert_eq!(
        setup.fk.requests().len(),
        1,
        "only the active installation's report reached FK"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_for_another_organisationsnummer_is_refused_without_being_used_up() {
    let setup = Setup::start(1, 30).await;
    let code = setup.code(PROVIDER).await;
    let other = orgnr("556677889");
    let (status, body) = setup
        .enrol_as(&code, Some(&other))
        .await
        .expect_err("an installation of another provider is not enrolled");
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "enrolment_code_other_provider");
    assert_eq!(body["error"]["part"], "code");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(PROVIDER)
            && message.contains(&other)
            && message.contains("inte förbrukad"),
        "the message names both numbers and that the code still works: {message}"
    );
    let installations: i64 = setup
        .pool()
        .get()
        .await
        .expect("a connection")
        .query_one("SELECT count(*) FROM installations", &[])
        .await
        .expect("counted")
        .get(0);
    assert_eq!(installations, 0, "nothing was enrolled");

    let (status, body) = setup
        .enrol_as(&code, Some("5560360794"))
        .await
        .expect_err("an invalid number is refused");
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "provider_invalid");

    let installation = setup
        .enrol_as(&code, Some("556036-0793"))
        .await
        .unwrap_or_else(|e| panic!("the same code still enrols the right provider: {e:?}"));
    assert!(!installation.id.is_nil());
    setup.stop().await;
}
