//! `schemas/relay-api.schema.json` describes the real API: every request the specs send and
//! every answer the relay gives here (enrolment, who am I, a handover, a submission followed
//! to FK's answer, an uncertain one decided, BankID orders started, collected and cancelled,
//! refusals) is validated against its definition,
//! so the schema cannot drift from `crates/relay/src/api.rs`.

use std::path::PathBuf;
use std::time::Duration;

use assistid_fakes::fk::Behaviour;
use serde_json::{Value, json};

use crate::support::{PROVIDER, Setup, good_handover, orgnr};

fn schema() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/relay-api.schema.json");
    serde_json::from_slice(&std::fs::read(&path).expect("the schema file exists"))
        .expect("the schema is JSON")
}

/// Validates `value` against `$defs/<definition>`; panics with every error.
fn check(definition: &str, value: &Value) {
    let mut wrapper = schema();
    let defs = wrapper["$defs"].clone();
    assert!(
        defs.get(definition).is_some(),
        "the schema defines {definition}"
    );
    if let Some(object) = wrapper.as_object_mut() {
        object.insert("$ref".to_owned(), json!(format!("#/$defs/{definition}")));
    }
    let validator = jsonschema::validator_for(&wrapper).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{definition} as the relay speaks it does not match the schema: {errors:?}\n{value}"
    );
}

async fn body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (
        status,
        crate::support::json(response).await.expect("a JSON body"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_body_of_the_api_matches_schemas_relay_api() {
    let setup = Setup::start(1, 30).await;
    let url = setup.url(0);

    // Enrolment: the request as the app sends it, the answer, and two refusals.
    let key = rcgen::KeyPair::generate().expect("a P-256 key");
    let csr = rcgen::CertificateParams::new(Vec::<String>::new())
        .expect("params")
        .serialize_request(&key)
        .expect("a CSR")
        .pem()
        .expect("PEM");
    let code = setup.code(PROVIDER).await;
    let mut request = json!({"code": code, "csr_pem": csr, "provider": orgnr("556677889")});
    check("enrol_request", &request);
    let post = |path: &str, value: &Value| {
        setup
            .anonymous()
            .post(format!("{url}{path}"))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(value).expect("JSON"))
            .send()
    };
    let (status, refused) = body(post("/v1/enrol", &request).await.expect("answered")).await;
    assert_eq!(status, 409, "{refused}");
    check("error", &refused);
    request["provider"] = json!(PROVIDER);
    let (status, enrolled) = body(post("/v1/enrol", &request).await.expect("answered")).await;
    assert_eq!(status, 200, "{enrolled}");
    check("enrol_response", &enrolled);
    let (status, refused) = body(post("/v1/enrol", &request).await.expect("answered")).await;
    assert_eq!(status, 403, "a used code: {refused}");
    check("error", &refused);

    let installation = setup.enrol(PROVIDER).await;
    let (status, me) = body(
        installation
            .client
            .get(format!("{url}/v1/installation"))
            .send()
            .await
            .expect("answered"),
    )
    .await;
    assert_eq!(status, 200);
    check("installation", &me);

    // A handover followed to FK's answer.
    let (_, handover) = good_handover();
    let handover_json = serde_json::to_value(&handover).expect("JSON");
    check("submit_request", &handover_json);
    let (status, queued) = installation.submit(&url, &handover).await;
    assert_eq!(status, 202, "{queued}");
    check("submission", &queued);
    let id = queued["id"]
        .as_str()
        .expect("an id")
        .parse()
        .expect("a UUID");
    installation
        .wait_for(&url, id, "accepted", Duration::from_secs(20))
        .await;
    let (_, accepted) = body(
        installation
            .client
            .get(format!("{url}/v1/submissions/{id}"))
            .send()
            .await
            .expect("answered"),
    )
    .await;
    assert!(
        accepted["fk_attempts"][0]["raw_answer"].is_string(),
        "FK's raw answer is in the submission: {accepted}"
    );
    check("submission", &accepted);
    let (status, again) = installation.submit(&url, &handover).await;
    assert_eq!(status, 200, "the same handover again: {again}");
    check("submission", &again);

    // An uncertain submission and the decisions on it.
    setup.fk.script(Behaviour::DropAfterBody);
    let (_, second) = good_handover();
    let id = installation.submit_ok(&url, &second).await;
    installation
        .wait_for(&url, id, "uncertain", Duration::from_secs(20))
        .await;
    let (_, uncertain) = body(
        installation
            .client
            .get(format!("{url}/v1/submissions/{id}?wait=1&seen=queued"))
            .send()
            .await
            .expect("answered"),
    )
    .await;
    check("submission", &uncertain);
    let bad = json!({"decision": "received"});
    let (status, refused) = installation.decide(&url, id, bad).await;
    assert_eq!(status, 400, "{refused}");
    check("error", &refused);
    let decision = json!({"decision": "do_not_send"});
    check("decision_request", &decision);
    check(
        "decision_request",
        &json!({"decision": "received", "tx_id": "14e81789-715d-497b-b63c-eada732800eb"}),
    );
    let (status, withdrawn) = installation.decide(&url, id, decision).await;
    assert_eq!(status, 200, "{withdrawn}");
    assert_eq!(withdrawn["state"], "withdrawn");
    check("submission", &withdrawn);
    let (status, refused) = installation
        .decide(&url, id, json!({"decision": "resend"}))
        .await;
    assert_eq!(status, 409, "{refused}");
    check("error", &refused);

    // A refusal of the checks, and one without a certificate.
    let (_, mut broken) = good_handover();
    broken.report = "not base64!".to_owned();
    let (status, refused) = installation.submit(&url, &broken).await;
    assert_eq!(status, 400, "{refused}");
    check("error", &refused);
    let (status, refused) = body(
        post("/v1/submissions", &handover_json)
            .await
            .expect("answered"),
    )
    .await;
    assert_eq!(status, 401, "{refused}");
    check("error", &refused);

    // The schema is strict: a field the API does not have is refused by it.
    let mut extra = accepted.clone();
    extra["unknown"] = json!(1);
    let wrapper = {
        let mut s = schema();
        s["$ref"] = json!("#/$defs/submission");
        s
    };
    assert!(
        !jsonschema::validator_for(&wrapper)
            .expect("valid")
            .is_valid(&extra),
        "the schema names every field, so a renamed one would fail here"
    );
    setup.stop().await;
}

/// Posts `request` as JSON to `path` with the installation's certificate; the status and the
/// JSON answer.
async fn post(
    installation: &crate::support::Installation,
    url: &str,
    path: &str,
    request: &Value,
) -> (u16, Value) {
    let (status, answer, _) = installation.post(url, path, request).await;
    (status, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bankid_order_bodies_match_schemas_relay_api() {
    let setup = Setup::start(1, 30).await;
    let url = setup.url(0);
    let installation = setup.enrol(PROVIDER).await;
    let binding = format!("{},{}", uuid::Uuid::new_v4().hyphenated(), "ab".repeat(32));

    // A QR order as the app starts it, and the relay's answer.
    let request = json!({
        "environment": "test",
        "mode": "qr",
        "personal_number": crate::support::ASSISTANT,
        "text": "Tidredovisning november 2026",
        "binding": binding,
    });
    check("bankid_order_request", &request);
    let (status, started) = post(&installation, &url, "/v1/bankid/orders", &request).await;
    assert_eq!(status, 201, "the order starts: {started}");
    check("bankid_started_order", &started);
    let id = started["id"].as_str().expect("an id").to_owned();
    let order_ref = started["order_ref"]
        .as_str()
        .expect("a reference")
        .to_owned();

    // Collect while it waits, then after the signer approved.
    let collect = format!("/v1/bankid/orders/{id}/collect");
    let (status, pending) = post(&installation, &url, &collect, &json!({})).await;
    assert_eq!(status, 200, "{pending}");
    assert_eq!(pending["status"], "pending");
    check("bankid_collect", &pending);
    setup
        .bankid
        .user(&order_ref)
        .approve_as(crate::support::ASSISTANT, "Anna Andersson")
        .expect("the signer approves in the app");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let done = loop {
        let (status, now) = post(&installation, &url, &collect, &json!({})).await;
        assert_eq!(status, 200, "{now}");
        check("bankid_collect", &now);
        if now["status"] != "pending" {
            break now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the order should end within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done["status"], "complete", "{done}");

    // A phone order as the app starts it; a phone order without who called is refused.
    let phone = json!({
        "environment": "test",
        "mode": "phone",
        "call_initiator": "RP",
        "personal_number": crate::support::ASSISTANT,
        "text": "Tidredovisning november 2026",
        "binding": binding,
    });
    check("bankid_order_request", &phone);
    let (status, started) = post(&installation, &url, "/v1/bankid/orders", &phone).await;
    assert_eq!(status, 201, "the phone order starts: {started}");
    check("bankid_started_order", &started);
    let id = started["id"].as_str().expect("an id").to_owned();
    let (status, cancelled) = post(
        &installation,
        &url,
        &format!("/v1/bankid/orders/{id}/cancel"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 200, "{cancelled}");
    check("bankid_collect", &cancelled);
    let mut without_caller = phone.clone();
    if let Some(object) = without_caller.as_object_mut() {
        object.remove("call_initiator");
    }
    let (status, refused) = post(&installation, &url, "/v1/bankid/orders", &without_caller).await;
    assert_eq!(status, 400, "{refused}");
    check("error", &refused);

    // "Testa BankID" through the relay.
    let request = json!({"environment": "test"});
    check("bankid_check_request", &request);
    let (status, checked) = post(&installation, &url, "/v1/bankid/check", &request).await;
    assert_eq!(status, 200, "{checked}");
    check("bankid_check", &checked);

    // Another provider's installation does not see the order.
    let theirs = setup.enrol(&orgnr("559000123")).await;
    let (status, refused) = post(&theirs, &url, &collect, &json!({})).await;
    assert_eq!(status, 404, "{refused}");
    check("error", &refused);
}
