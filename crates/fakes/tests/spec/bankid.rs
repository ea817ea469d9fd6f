//! The fake BankID behaves like BankID's RP API v6.0 where the client and the demo depend on it:
//! mutual TLS, BankID's error shapes, the order life, the app endpoint, auto-approval, and
//! signatures and OCSP responses of BankID's shape.

use std::time::Duration;

use assistid_fakes::bankid::{
    FakeBankId, FakeBankIdConfig, SignInput, UserCertificateAuthority, sign_document,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use x509_parser::prelude::{FromDer, X509Certificate};

const ANNA: &str = "199001011239";

async fn start(config: FakeBankIdConfig) -> (FakeBankId, reqwest::Client) {
    let fake = FakeBankId::start(config).await.expect("the fake starts");
    let identity = reqwest::Identity::from_pem(
        fake.client_identity_pem()
            .expect("a client certificate")
            .as_bytes(),
    )
    .expect("the PEM identity loads");
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(
            reqwest::Certificate::from_pem(fake.ssl_root_pem().as_bytes()).expect("root PEM"),
        )
        .identity(identity)
        .build()
        .expect("client builds");
    (fake, client)
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let response = client
        .post(url)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the fake answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("the fake sends a body");
    (
        status,
        serde_json::from_slice(&bytes).expect("the fake answers JSON"),
    )
}

async fn post_owned(client: reqwest::Client, url: String, body: Value) -> (u16, Value) {
    post(&client, url, body).await
}

fn sign_body(pnr: Option<&str>) -> Value {
    let mut body = json!({"endUserIp": "127.0.0.1", "userVisibleData": "SGVq", "userNonVisibleData": "cjEsYWJj"});
    if let Some(pnr) = pnr {
        body["requirement"] = json!({"personalNumber": pnr});
    }
    body
}

#[tokio::test]
async fn sign_answers_random_tokens_and_collect_shows_the_order_life() {
    let (fake, client) = start(FakeBankIdConfig::default()).await;
    let base = fake.base_url();
    let (status, a) = post(&client, format!("{base}/sign"), sign_body(Some(ANNA))).await;
    assert_eq!(status, 200);
    let (_, b) = post(&client, format!("{base}/sign"), sign_body(None)).await;
    for field in [
        "orderRef",
        "autoStartToken",
        "qrStartToken",
        "qrStartSecret",
    ] {
        assert!(
            a[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field} is present"
        );
        assert_ne!(a[field], b[field], "{field} is random per order");
    }
    let order_ref = a["orderRef"].as_str().expect("string").to_owned();
    let collect_url = format!("{base}/collect");
    let collect_body = json!({"orderRef": order_ref});
    let collect = |c: reqwest::Client| post_owned(c, collect_url.clone(), collect_body.clone());
    assert_eq!(
        collect(client.clone()).await.1["hintCode"],
        "outstandingTransaction"
    );
    // The demo UI approves through the HTTP endpoint.
    let (status, _) = post(
        &client,
        format!(
            "https://127.0.0.1:{}/__app/{order_ref}/approve",
            base.split(':')
                .nth(2)
                .and_then(|p| p.split('/').next())
                .expect("port")
        ),
        json!({"personalNumber": ANNA, "name": "Anna Andersson"}),
    )
    .await;
    assert_eq!(status, 200, "the app endpoint approves");
    assert_eq!(
        collect(client.clone()).await.1["hintCode"],
        "userSign",
        "userSign comes before complete"
    );
    let (_, done) = collect(client.clone()).await;
    assert_eq!(done["status"], "complete");
    let data = &done["completionData"];
    assert_eq!(data["user"]["personalNumber"], ANNA);
    assert_eq!(data["user"]["givenName"], "Anna");
    assert_eq!(
        data["stepUp"],
        json!({"mrtd": false}),
        "stepUp is an object"
    );
    assert!(
        data["bankIdIssueDate"]
            .as_str()
            .is_some_and(|d| d.len() == 10)
    );
    assert!(data["device"]["ipAddress"].is_string());
    let xml = String::from_utf8(
        BASE64
            .decode(data["signature"].as_str().expect("string"))
            .expect("base64"),
    )
    .expect("UTF-8");
    assert!(
        xml.contains("<usrNonVisibleData>cjEsYWJj</usrNonVisibleData>"),
        "the binding is signed as sent"
    );
    assert!(
        xml.contains("<usrVisibleData charset=\"UTF-8\" visible=\"wysiwys\">SGVq</usrVisibleData>")
    );
    assert_eq!(
        collect(client.clone()).await.1["status"],
        "complete",
        "a completed order stays collectable"
    );
}

#[tokio::test]
async fn mutual_tls_is_required() {
    let (fake, _) = start(FakeBankIdConfig::default()).await;
    let anonymous = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(
            reqwest::Certificate::from_pem(fake.ssl_root_pem().as_bytes()).expect("root"),
        )
        .build()
        .expect("builds");
    let result = anonymous
        .post(format!("{}/sign", fake.base_url()))
        .header("Content-Type", "application/json")
        .body(sign_body(None).to_string())
        .send()
        .await;
    assert!(
        result.is_err(),
        "a client without a certificate is refused in the handshake"
    );
}

#[tokio::test]
async fn errors_have_bankids_shape() {
    let (fake, client) = start(FakeBankIdConfig::default()).await;
    let base = fake.base_url();
    let response = client
        .post(format!("{base}/sign"))
        .header("Content-Type", "application/json; charset=utf-8")
        .body(sign_body(None).to_string())
        .send()
        .await
        .expect("answers");
    assert_eq!(
        response.status().as_u16(),
        415,
        "a charset parameter is refused like BankID does"
    );
    let (status, body) = post(
        &client,
        format!("{base}/collect"),
        json!({"orderRef": "nope"}),
    )
    .await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (400, Some("invalidParameters"))
    );
    let (status, body) = post(
        &client,
        format!("{base}/sign"),
        json!({"endUserIp": "1.2.3.4", "userVisibleData": "SGVq", "personalNumber": ANNA}),
    )
    .await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (400, Some("invalidParameters")),
        "v5's top-level personalNumber is refused"
    );
    let (status, body) = post(&client, format!("{base}/nothing"), json!({})).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (404, Some("notFound"))
    );
}

#[tokio::test]
async fn a_second_order_for_one_person_is_already_in_progress() {
    let (fake, client) = start(FakeBankIdConfig::default()).await;
    let base = fake.base_url();
    let (_, first) = post(&client, format!("{base}/sign"), sign_body(Some(ANNA))).await;
    let (status, body) = post(&client, format!("{base}/sign"), sign_body(Some(ANNA))).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (400, Some("alreadyInProgress"))
    );
    let (_, collected) = post(
        &client,
        format!("{base}/collect"),
        json!({"orderRef": first["orderRef"]}),
    )
    .await;
    assert_eq!(
        collected["hintCode"], "cancelled",
        "the first order is cancelled"
    );
}

#[tokio::test]
async fn unscanned_orders_fail_with_start_failed_and_cancel_works() {
    let config = FakeBankIdConfig {
        start_timeout: Duration::from_millis(50),
        ..FakeBankIdConfig::default()
    };
    let (fake, client) = start(config).await;
    let base = fake.base_url();
    let (_, order) = post(&client, format!("{base}/sign"), sign_body(None)).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_, collected) = post(
        &client,
        format!("{base}/collect"),
        json!({"orderRef": order["orderRef"]}),
    )
    .await;
    assert_eq!(
        (collected["status"].as_str(), collected["hintCode"].as_str()),
        (Some("failed"), Some("startFailed"))
    );
    let (_, second) = post(&client, format!("{base}/sign"), sign_body(None)).await;
    let (status, body) = post(
        &client,
        format!("{base}/cancel"),
        json!({"orderRef": second["orderRef"]}),
    )
    .await;
    assert_eq!(
        (status, body),
        (200, json!({})),
        "a successful cancel answers {{}}"
    );
}

#[tokio::test]
async fn auto_approve_signs_as_the_required_person() {
    let config = FakeBankIdConfig {
        auto_approve_after: Some(Duration::from_millis(10)),
        ..FakeBankIdConfig::default()
    };
    let (fake, client) = start(config).await;
    let base = fake.base_url();
    let (_, order) = post(&client, format!("{base}/sign"), sign_body(Some(ANNA))).await;
    let mut last = Value::Null;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        last = post(
            &client,
            format!("{base}/collect"),
            json!({"orderRef": order["orderRef"]}),
        )
        .await
        .1;
        if last["status"] == "complete" {
            break;
        }
    }
    assert_eq!(
        last["completionData"]["user"]["personalNumber"], ANNA,
        "auto mode approves as the required person"
    );
}

#[test]
fn plain_signature_has_bankids_shape_and_chains_to_the_fake_root() {
    let ca = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("CA");
    let at = Utc
        .with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .expect("date");
    let signature = sign_document(
        &ca,
        &SignInput {
            user_visible_data: "SGVq",
            user_non_visible_data: Some("cjEsYWJj"),
            personal_number: ANNA,
            name: "Anna Andersson",
            signed_at: at,
            certificate_validity: (
                at - chrono::Duration::days(1),
                at + chrono::Duration::days(1),
            ),
        },
    )
    .expect("signs");
    for part in [
        "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">",
        "Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"",
        "Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"",
        "URI=\"#bidSignedData\"",
        "URI=\"#bidKeyInfo\"",
        "<KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"bidKeyInfo\">",
        "<bankIdSignedData xmlns=\"http://www.bankid.com/signature/v1.0.0/types\" Id=\"bidSignedData\">",
        "<srvInfo><name>",
        "<displayName>",
        "<clientInfo><funcId>Signing</funcId><version>",
        "<env><ai><type>",
        "<requirement><condition><type>CertificatePolicies</type>",
    ] {
        assert!(
            signature.xml.contains(part),
            "the signature contains {part}"
        );
    }
    let certs: Vec<Vec<u8>> = signature
        .xml
        .split("<X509Certificate>")
        .skip(1)
        .map(|s| {
            BASE64
                .decode(s.split('<').next().expect("text"))
                .expect("base64")
        })
        .collect();
    assert_eq!(
        certs.len(),
        3,
        "signer, customer CA and bank CA, no root: the three certificates BankID sends"
    );
    assert_eq!(
        certs, signature.certificates_der,
        "the fake reports the certificates it put in X509Data"
    );
    let (_, signer) = X509Certificate::from_der(&certs[0]).expect("signer DER");
    let (_, customer) = X509Certificate::from_der(&certs[1]).expect("customer CA DER");
    let (_, bank) = X509Certificate::from_der(&certs[2]).expect("bank CA DER");
    let (_, root) = X509Certificate::from_der(ca.root_der()).expect("root DER");
    let serial = signer
        .subject()
        .iter_attributes()
        .find(|a| a.attr_type().to_id_string() == "2.5.4.5")
        .and_then(|a| a.as_str().ok());
    assert_eq!(
        serial,
        Some(ANNA),
        "the subject serialNumber is the personnummer"
    );
    for (cert, issuer, what) in [
        (
            &signer,
            &customer,
            "the signer certificate is issued by the customer CA",
        ),
        (&customer, &bank, "the customer CA is issued by the bank CA"),
        (&bank, &root, "the bank CA is issued by the root"),
        (&root, &root, "the root is self-signed"),
    ] {
        assert_eq!(cert.issuer(), issuer.subject(), "{what} (by name)");
        assert!(
            cert.verify_signature(Some(issuer.public_key())).is_ok(),
            "{what} (by key)"
        );
        assert_eq!(
            cert.public_key().algorithm.algorithm.to_id_string(),
            "1.2.840.113549.1.1.1",
            "every key is RSA, as in BankID's PKI ({what})"
        );
    }
    assert!(
        root.subject()
            .to_string()
            .contains("OU=BankID Member Banks CA"),
        "the fake root is shaped like BankID's member banks root"
    );
    assert!(ca.root_pem().starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn the_ocsp_response_parses_as_a_real_ocsp_response_with_a_nonce() {
    let ca = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("CA");
    let at = Utc
        .with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .expect("date");
    let signature = sign_document(
        &ca,
        &SignInput {
            user_visible_data: "SGVq",
            user_non_visible_data: None,
            personal_number: ANNA,
            name: "Anna Andersson",
            signed_at: at,
            certificate_validity: (
                at - chrono::Duration::days(1),
                at + chrono::Duration::days(1),
            ),
        },
    )
    .expect("signs");
    assert_eq!(signature.ocsp_der.first(), Some(&0x30), "DER SEQUENCE");
    let openssl = std::path::Path::new("/usr/bin/openssl");
    assert!(
        openssl.exists(),
        "/usr/bin/openssl is missing: the OCSP answer must be read back by OpenSSL, not only \
         checked for its outer structure; install it with scripts/setup.sh (Debian package \
         openssl)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ocsp.der");
    std::fs::write(&path, &signature.ocsp_der).expect("written");
    let output = std::process::Command::new(openssl)
        .args(["ocsp", "-respin"])
        .arg(&path)
        .args(["-resp_text", "-noverify"])
        .output()
        .expect("openssl runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "openssl parses the response: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("OCSP Response Status: successful"), "{text}");
    assert!(text.contains("Cert Status: good"), "{text}");
    assert!(
        text.contains("OCSP Nonce"),
        "the nonce extension is present: {text}"
    );
}

#[test]
fn openssl_verifies_the_ocsp_response_under_the_fake_root() {
    let ca = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("CA");
    let at = Utc
        .with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .expect("date");
    let signature = sign_document(
        &ca,
        &SignInput {
            user_visible_data: "SGVq",
            user_non_visible_data: None,
            personal_number: ANNA,
            name: "Anna Andersson",
            signed_at: at,
            certificate_validity: (
                at - chrono::Duration::days(1),
                at + chrono::Duration::days(1),
            ),
        },
    )
    .expect("signs");
    let pem = |der: &[u8]| {
        let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
        for line in BASE64.encode(der).as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out + "-----END CERTIFICATE-----\n"
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("written");
        path
    };
    let ocsp = write("ocsp.der", &signature.ocsp_der);
    let root = write("root.pem", pem(ca.root_der()).as_bytes());
    let signer = write("signer.pem", pem(&signature.certificates_der[0]).as_bytes());
    let issuer = write("issuer.pem", pem(&signature.certificates_der[1]).as_bytes());
    let chain = write(
        "chain.pem",
        (pem(&signature.certificates_der[1]) + &pem(&signature.certificates_der[2])).as_bytes(),
    );
    let output = std::process::Command::new("/usr/bin/openssl")
        .args(["ocsp", "-respin"])
        .arg(&ocsp)
        .arg("-CAfile")
        .arg(&root)
        .arg("-verify_other")
        .arg(&chain)
        .arg("-issuer")
        .arg(&issuer)
        .arg("-cert")
        .arg(&signer)
        .args(["-no_nonce", "-attime", &at.timestamp().to_string()])
        .output()
        .expect("openssl runs (scripts/setup.sh installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && errors.contains("Response verify OK"),
        "OpenSSL, an independent verifier, must accept the fake's OCSP answer under the fake \
         root (delegated responder of the customer CA): {errors}"
    );
    assert!(
        text.contains(": good"),
        "OpenSSL reads the signer's status as good: {text}"
    );
}

#[tokio::test]
async fn completed_orders_are_collectable_only_for_the_retention_time() {
    let config = FakeBankIdConfig {
        completed_retention: Duration::from_millis(50),
        ..FakeBankIdConfig::default()
    };
    let (fake, client) = start(config).await;
    let base = fake.base_url();
    let (_, order) = post(&client, format!("{base}/sign"), sign_body(None)).await;
    let order_ref = order["orderRef"].as_str().expect("string").to_owned();
    fake.user(&order_ref)
        .approve_as(ANNA, "Anna Andersson")
        .expect("the order exists");
    let body = json!({"orderRef": order_ref});
    assert_eq!(
        post(&client, format!("{base}/collect"), body.clone())
            .await
            .1["hintCode"],
        "userSign"
    );
    assert_eq!(
        post(&client, format!("{base}/collect"), body.clone())
            .await
            .1["status"],
        "complete"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, late) = post(&client, format!("{base}/collect"), body).await;
    assert_eq!(
        (status, late["errorCode"].as_str()),
        (400, Some("invalidParameters")),
        "BankID forgets a completed order after about 3 minutes"
    );
}

fn phone_body() -> Value {
    json!({"personalNumber": ANNA, "callInitiator": "RP", "userVisibleData": "SGVq", "userVisibleDataFormat": "simpleMarkdownV1"})
}

#[tokio::test]
async fn phone_sign_refuses_what_bankid_refuses() {
    let (fake, client) = start(FakeBankIdConfig::default()).await;
    let url = format!("{}/phone/sign", fake.base_url());
    let broken: [(&str, &str, Value); 6] = [
        ("personalNumber", "missing personnummer", Value::Null),
        ("personalNumber", "ten digits", json!("9001011239")),
        ("callInitiator", "missing initiator", Value::Null),
        ("callInitiator", "v6 writes RP in capitals", json!("rp")),
        ("userVisibleData", "sign needs a text", Value::Null),
        (
            "userVisibleDataFormat",
            "only simpleMarkdownV1",
            json!("html"),
        ),
    ];
    for (field, why, value) in broken {
        let mut body = phone_body();
        if value.is_null() {
            body.as_object_mut().expect("object").remove(field);
        } else {
            body[field] = value;
        }
        let (status, answer) = post(&client, url.clone(), body).await;
        assert_eq!(
            (status, answer["errorCode"].as_str()),
            (400, Some("invalidParameters")),
            "{field}: {why}"
        );
    }
    let mut pinned_twice = phone_body();
    pinned_twice["requirement"] = json!({"personalNumber": ANNA});
    let (status, _) = post(&client, url.clone(), pinned_twice).await;
    assert_eq!(
        status, 400,
        "a phone order's person is its own top-level field"
    );
    assert!(
        fake.pending_orders().is_empty(),
        "no refused request made an order"
    );
}

#[tokio::test]
async fn phone_orders_answer_only_an_order_ref_and_the_app_confirms_or_declines_the_call() {
    let (fake, client) = start(FakeBankIdConfig::default()).await;
    let base = fake.base_url();
    let (status, started) = post(&client, format!("{base}/phone/sign"), phone_body()).await;
    assert_eq!(status, 200, "{started}");
    let order_ref = started["orderRef"]
        .as_str()
        .expect("an orderRef")
        .to_owned();
    assert!(
        started.get("qrStartToken").is_none() && started.get("autoStartToken").is_none(),
        "a phone order has no QR code and no autostart: {started}"
    );
    let collect = || {
        post(
            &client,
            format!("{base}/collect"),
            json!({"orderRef": order_ref}),
        )
    };
    assert_eq!(collect().await.1["hintCode"], "outstandingTransaction");
    fake.user(&order_ref).open().expect("the app opens it");
    assert_eq!(collect().await.1["hintCode"], "userCallConfirm");
    let (status, _) = post(
        &client,
        format!(
            "{}/__app/{order_ref}/decline-call",
            fake.base_url().replace("/rp/v6.0", "")
        ),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "the demo UI can decline the call over HTTP");
    let (_, failed) = collect().await;
    assert_eq!(
        (failed["status"].as_str(), failed["hintCode"].as_str()),
        (Some("failed"), Some("userDeclinedCall"))
    );

    // A sign order has no call to confirm or decline.
    let (_, sign) = post(&client, format!("{base}/sign"), sign_body(None)).await;
    let sign_ref = sign["orderRef"].as_str().expect("orderRef");
    assert!(
        fake.user(sign_ref).decline_call().is_err(),
        "not a phone order"
    );
}

#[tokio::test]
async fn auto_approve_completes_phone_orders_as_their_person() {
    let config = FakeBankIdConfig {
        auto_approve_after: Some(Duration::from_millis(10)),
        ..FakeBankIdConfig::default()
    };
    let (fake, client) = start(config).await;
    let base = fake.base_url();
    let (_, started) = post(&client, format!("{base}/phone/sign"), phone_body()).await;
    let mut hints = Vec::new();
    for _ in 0..200 {
        let (_, answer) = post(
            &client,
            format!("{base}/collect"),
            json!({"orderRef": started["orderRef"]}),
        )
        .await;
        if answer["status"] == "complete" {
            assert_eq!(answer["completionData"]["user"]["personalNumber"], ANNA);
            assert_eq!(
                hints.last().map(String::as_str),
                Some("userSign"),
                "the call was confirmed, then signed: {hints:?}"
            );
            assert!(hints.iter().any(|h| h == "userCallConfirm"), "{hints:?}");
            return;
        }
        if let Some(h) = answer["hintCode"].as_str()
            && hints.last().map(String::as_str) != Some(h)
        {
            hints.push(h.to_owned());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the demo's phone order never completed: {hints:?}");
}
