//! The fake FK behaves like FK: mutual TLS with its own CA, SOAPAction, report and signature
//! checks with FK's faults, and a log of arrivals that counts rate violations.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use assistid_core::secret::Sensitive;
use assistid_elt::{EltClient, EltError, SignatureBlock, SubmitRequest, TrustAnchor};
use assistid_fakes::bankid::{SignInput, UserCertificateAuthority, sign_document};
use assistid_fakes::fk::samples::{binding_entry, sample_report};
use assistid_fakes::fk::{
    Behaviour, FakeFk, FakeFkConfig, FakeFkHandle, RecordedOutcome, SOAP_ACTION,
};
use assistid_fakes::pki::CertSubject;
use uuid::Uuid;

const ASSISTANT: &str = "198001019804";
const PASSWORD: &str = "pw";

/// A request for `report`, both signatures binding `signed_report` (normally the same bytes),
/// signed as BankID signs (XML-DSig, three certificates, OCSP) by the process's fake BankID;
/// the assistant's signature by `signer`.
fn request(report: Vec<u8>, signed_report: &[u8], signed_id: Uuid, signer: &str) -> SubmitRequest {
    request_under(
        &UserCertificateAuthority::process_wide().expect("the fake BankID's CA"),
        report,
        signed_report,
        signed_id,
        signer,
    )
}

fn signed_at() -> chrono::DateTime<chrono::Utc> {
    chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 2, 12, 0, 0)
        .single()
        .expect("a valid fixed date")
}

fn request_under(
    ca: &UserCertificateAuthority,
    report: Vec<u8>,
    signed_report: &[u8],
    signed_id: Uuid,
    signer: &str,
) -> SubmitRequest {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let entry = binding_entry(signed_id, signed_report).expect("canonicalizes");
    let non_visible = STANDARD.encode(entry);
    let visible = STANDARD.encode("Tidredovisning oktober 2026");
    let block = |pnr: &str| {
        let signature = sign_document(
            ca,
            &SignInput {
                user_visible_data: &visible,
                user_non_visible_data: Some(&non_visible),
                personal_number: pnr,
                name: "Anna Andersson",
                signed_at: signed_at(),
                certificate_validity: assistid_fakes::pki::window_around(signed_at()),
            },
        )
        .expect("the fake BankID signs");
        SignatureBlock {
            signature_xml: signature.xml.into_bytes(),
            ocsp_response: signature.ocsp_der,
            signed_on: signed_at().date_naive(),
        }
    };
    SubmitRequest {
        report,
        assistant_signature: block(signer),
        provider_signature: block("197001019871"),
    }
}

fn good_request() -> SubmitRequest {
    let id = Uuid::new_v4();
    let report = sample_report(id, "2026-10", ASSISTANT);
    request(report.clone(), &report, id, ASSISTANT)
}

fn client(fake: &FakeFkHandle) -> EltClient {
    EltClient::builder()
        .endpoint(fake.endpoint())
        .identity(
            fake.client_identity_p12(PASSWORD).expect("identity"),
            Sensitive::new(PASSWORD.to_owned()),
        )
        .trust(TrustAnchor::PinnedCa(fake.ca_pem().to_owned()))
        .build()
        .expect("client")
}

#[test]
fn the_sample_report_follows_fks_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.xml");
    std::fs::write(&file, sample_report(Uuid::new_v4(), "2026-10", ASSISTANT)).expect("write");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fk/tidredovisning_extern_v1.xsd");
    let output = Command::new("/usr/bin/xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(&file)
        .output()
        .expect("xmllint runs");
    assert!(
        output.status.success(),
        "the demo/test report must be valid for FK: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepts_a_bound_report_and_records_its_arrival() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let tx = client(&fake)
        .submit(&good_request())
        .await
        .outcome
        .expect("accepted");
    let log = fake.requests();
    assert_eq!(log.len(), 1);
    assert!(
        matches!(log[0].outcome, RecordedOutcome::Accepted { tx_id, .. } if tx_id == tx.as_uuid())
    );
    assert!(log[0].body_len > 0);
    assert_eq!(
        log[0].soap_action.as_deref(),
        Some(format!("\"{SOAP_ACTION}\"").as_str()),
        "the client sends the WSDL's SOAPAction, quoted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_fk_faults_for_broken_reports_and_unbound_signatures() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let client = client(&fake);

    let id = Uuid::new_v4();
    let bad = String::from_utf8(sample_report(id, "2026-10", ASSISTANT))
        .expect("UTF-8")
        .replace("<fromTid>08.00</fromTid>", "<fromTid>8.00</fromTid>")
        .into_bytes();
    let error = client
        .submit(&request(bad.clone(), &bad, id, ASSISTANT))
        .await
        .outcome
        .expect_err("8.00 breaks the schema");
    assert!(matches!(error, EltError::XmlValidation { .. }), "{error:?}");

    let report = sample_report(id, "2026-10", ASSISTANT);
    let other = sample_report(id, "2026-09", ASSISTANT);
    let error = client
        .submit(&request(report, &other, id, ASSISTANT))
        .await
        .outcome
        .expect_err("the signatures were made over other bytes");
    assert!(
        matches!(error, EltError::SignatureValidation { .. }),
        "{error:?}"
    );
    assert!(
        error
            .fk_message()
            .is_some_and(|m| m.contains(&id.to_string())),
        "the message says which binding was expected: {error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_wrong_soap_action() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let p12 = fake
        .client_ca()
        .issue_client_cert_valid_now(&CertSubject::new("Omsorg AB"))
        .expect("cert");
    let identity =
        reqwest::Identity::from_pem(format!("{}{}", p12.key_pem(), p12.cert_pem()).as_bytes())
            .expect("identity");
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(fake.ca_pem().as_bytes()).expect("ca"))
        .identity(identity)
        .no_proxy()
        .build()
        .expect("client");
    let response = http
        .post(fake.endpoint())
        .header("SOAPAction", "\"urn:wrong\"")
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(assistid_elt::build_request(&good_request()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 500);
    let body = response.text().await.expect("body");
    assert!(body.contains("Unknown SOAPAction"), "{body}");
    assert!(matches!(
        fake.requests()[0].outcome,
        RecordedOutcome::BadRequest(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_request_starts_closer_than_the_minimum_interval() {
    // A minute-long interval makes every back-to-back request a violation however slow the
    // machine is; a zero interval makes none.
    for (interval, expected) in [(Duration::from_secs(60), 2), (Duration::ZERO, 0)] {
        let fake = FakeFk::start(FakeFkConfig {
            min_interval: interval,
            ..FakeFkConfig::default()
        })
        .await
        .expect("starts");
        let client = client(&fake);
        let request = good_request();
        for _ in 0..3 {
            client.submit(&request).await.outcome.expect("accepted");
        }
        assert_eq!(fake.rate_violations(), expected, "interval {interval:?}");
        let log = fake.requests();
        assert!(!log[0].rate_violation, "the first request never violates");
        assert!(log.windows(2).all(|w| w[0].arrived <= w[1].arrived));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_violations_like_an_overloaded_fk_when_asked() {
    let fake = FakeFk::start(FakeFkConfig {
        min_interval: Duration::from_secs(60),
        answer_rate_violations: true,
        ..FakeFkConfig::default()
    })
    .await
    .expect("starts");
    let client = client(&fake);
    let request = good_request();
    client
        .submit(&request)
        .await
        .outcome
        .expect("first is accepted");
    let error = client.submit(&request).await.outcome.expect_err("too soon");
    assert!(
        matches!(
            error,
            EltError::ServiceUnavailable {
                retry_after_secs: Some(1)
            }
        ),
        "{error:?}"
    );
    assert_eq!(fake.requests()[1].outcome, RecordedOutcome::Overloaded);
}

#[test]
fn runs_on_its_own_thread_for_synchronous_callers() {
    let fake = FakeFk::start_background(FakeFkConfig::default()).expect("starts");
    fake.script(Behaviour::ServiceUnavailable);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let error = runtime
        .block_on(client(&fake).submit(&good_request()))
        .outcome
        .expect_err("scripted 503");
    assert!(error.is_retryable(), "{error:?}");
    fake.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepts_signatures_made_by_the_fake_bankid() {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let ca = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("BankID CA");
    let id = Uuid::new_v4();
    let report = sample_report(id, "2026-10", ASSISTANT);
    let non_visible = STANDARD.encode(binding_entry(id, &report).expect("canonicalizes"));
    let visible = STANDARD.encode("Tidredovisning oktober 2026");
    let now = chrono::Utc::now();
    let block = |pnr: &str| {
        let signature = sign_document(
            &ca,
            &SignInput {
                user_visible_data: &visible,
                user_non_visible_data: Some(&non_visible),
                personal_number: pnr,
                name: "Anna Andersson",
                signed_at: now,
                certificate_validity: assistid_fakes::pki::window_around(now),
            },
        )
        .expect("the fake BankID signs");
        SignatureBlock {
            signature_xml: signature.xml.into_bytes(),
            ocsp_response: signature.ocsp_der,
            signed_on: now.date_naive(),
        }
    };
    let request = SubmitRequest {
        report,
        assistant_signature: block(ASSISTANT),
        provider_signature: block("197001019871"),
    };
    client(&fake)
        .submit(&request)
        .await
        .outcome
        .expect("the fake FK reads the fake BankID's real XML-DSig documents");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_which_report_arrived_even_when_the_client_gives_up_during_a_delay() {
    // The client's answer timeout (uncertain for the outbox) ends the connection while the
    // fake delays its answer; the fake's record must still say which report it received, or
    // a test comparing the two would think the report never arrived.
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    fake.script(Behaviour::Delay(Duration::from_secs(3)));
    let client = EltClient::builder()
        .endpoint(fake.endpoint())
        .identity(
            fake.client_identity_p12(PASSWORD).expect("identity"),
            Sensitive::new(PASSWORD.to_owned()),
        )
        .trust(TrustAnchor::PinnedCa(fake.ca_pem().to_owned()))
        .timeouts(assistid_elt::Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_millis(300),
        })
        .build()
        .expect("client");
    let request = good_request();
    let error = client
        .submit(&request)
        .await
        .outcome
        .expect_err("no answer within the read timeout");
    assert!(error.is_uncertain(), "{error:?}");
    // Give the fake a moment to notice the closed connection.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = fake.requests();
    assert_eq!(log.len(), 1, "the request arrived");
    assert!(
        log[0].report_id.is_some() && log[0].body_len > 0,
        "the record names the report that arrived: {:?}",
        log[0]
    );
}

/// A mutual-TLS connection to the fake with a client certificate from its CA, handshake done,
/// without any HTTP client in between (the test decides when each byte leaves).
#[cfg(target_os = "linux")]
async fn raw_connection(
    fake: &FakeFkHandle,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
    use std::sync::Arc;

    let identity = fake
        .client_ca()
        .issue_client_cert_valid_now(&CertSubject::new("Omsorg AB"))
        .expect("client cert");
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(fake.ca_pem().as_bytes()).expect("the fake's CA PEM"))
        .expect("the fake's CA is a usable root");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_root_certificates(roots)
    .with_client_auth_cert(
        identity
            .chain_der()
            .into_iter()
            .map(CertificateDer::from)
            .collect(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key_der().to_vec())),
    )
    .expect("client identity");
    let tcp = tokio::net::TcpStream::connect(fake.addr())
        .await
        .expect("the fake listens");
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("127.0.0.1").expect("server name"), tcp)
        .await
        .expect("mutual TLS handshake with the fake")
}

/// Reads one HTTP/1.1 answer with a Content-Length; returns its status line.
#[cfg(target_os = "linux")]
async fn read_answer(tls: &mut tokio_rustls::client::TlsStream<tokio::net::TcpStream>) -> String {
    use tokio::io::AsyncReadExt;

    let mut received = Vec::new();
    let head_end = loop {
        if let Some(at) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = tls.read(&mut chunk).await.expect("the answer arrives");
        assert!(n > 0, "the fake closed the connection before answering");
        received.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .expect("the fake's answers have a Content-Length");
    while received.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        let n = tls
            .read(&mut chunk)
            .await
            .expect("the answer's body arrives");
        assert!(
            n > 0,
            "the fake closed the connection in the middle of its answer"
        );
        received.extend_from_slice(&chunk[..n]);
    }
    head.lines().next().unwrap_or_default().to_owned()
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_a_request_by_when_its_first_bytes_reached_the_socket_not_when_it_was_handled() {
    // FK sees a request start when its first bytes reach FK, so that is the arrival the fake
    // records (from the kernel's receive timestamp), not the moment its handler got to run.
    // The test holds the fake's handler back: it sends a request's first line, waits, and
    // only then the rest of the head, which the fake needs before it can handle anything.
    // Twice on one kept-alive connection, opened well before the first request, like the ELT
    // client's early connections. The pauses only separate the moments compared; nothing
    // here depends on how long anything takes.
    use std::time::Instant;
    use tokio::io::AsyncWriteExt;

    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let body = assistid_elt::build_request(&good_request());
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"{SOAP_ACTION}\"\r\nContent-Length: {}\r\n\r\n",
        assistid_fakes::fk::PATH,
        fake.addr(),
        body.len()
    );
    let (first_line, rest_of_head) = head.split_at(head.find("\r\n").expect("a line") + 2);
    let pause = Duration::from_millis(200);

    let mut tls = raw_connection(&fake).await;
    let mut moments = Vec::new();
    for _ in 0..2 {
        // After the handshake (or the previous request and its answer)…
        let before_request = (Instant::now(), chrono::Utc::now());
        tokio::time::sleep(pause).await;
        tls.write_all(first_line.as_bytes()).await.expect("write");
        tls.flush().await.expect("flush");
        tokio::time::sleep(pause).await;
        // …and before the head is complete, i.e. before the fake can handle the request.
        let head_incomplete = (Instant::now(), chrono::Utc::now());
        tls.write_all(rest_of_head.as_bytes()).await.expect("write");
        tls.write_all(&body).await.expect("write");
        tls.flush().await.expect("flush");
        let status = read_answer(&mut tls).await;
        assert!(
            status.starts_with("HTTP/1.1 200"),
            "the request is accepted: {status}"
        );
        moments.push((before_request, head_incomplete));
    }

    let log = fake.requests();
    assert_eq!(log.len(), 2, "two requests on the one connection");
    for (record, (before_request, head_incomplete)) in log.iter().zip(moments) {
        assert!(
            before_request.0 < record.arrived && before_request.1 < record.arrived_wall,
            "request {}: the arrival is the request's first bytes, not the handshake or the \
             previous request on the connection ({:?} after the test's mark)",
            record.seq,
            record.arrived.checked_duration_since(before_request.0)
        );
        assert!(
            record.arrived < head_incomplete.0 && record.arrived_wall < head_incomplete.1,
            "request {}: the arrival is when the first bytes reached the socket, before the \
             rest of the head was even sent ({:?} too late)",
            record.seq,
            record.arrived.checked_duration_since(head_incomplete.0)
        );
        assert!(
            matches!(record.outcome, RecordedOutcome::Accepted { .. }),
            "{:?}",
            record.outcome
        );
    }
}

/// A plain HTTPS client with a client certificate of the fake's CA (to send what the ELT
/// client never would).
fn raw_client(fake: &FakeFkHandle) -> reqwest::Client {
    let p12 = fake
        .client_ca()
        .issue_client_cert_valid_now(&CertSubject::new("Omsorg AB"))
        .expect("cert");
    let identity =
        reqwest::Identity::from_pem(format!("{}{}", p12.key_pem(), p12.cert_pem()).as_bytes())
            .expect("identity");
    reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(fake.ca_pem().as_bytes()).expect("ca"))
        .identity(identity)
        .no_proxy()
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_404_on_another_path_and_415_on_another_content_type() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let http = raw_client(&fake);
    let body = assistid_elt::build_request(&good_request());
    let wrong_path = fake.endpoint().replace(".fake", ".other");
    let response = http
        .post(&wrong_path)
        .header("SOAPAction", format!("\"{SOAP_ACTION}\""))
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(body.clone())
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        response.status().as_u16(),
        404,
        "FK's web server knows only the service's path"
    );
    for content_type in [Some("application/soap+xml; charset=utf-8"), None] {
        let mut request = http
            .post(fake.endpoint())
            .header("SOAPAction", format!("\"{SOAP_ACTION}\""))
            .body(body.clone());
        if let Some(value) = content_type {
            request = request.header("Content-Type", value);
        }
        let response = request.send().await.expect("an answer");
        assert_eq!(
            response.status().as_u16(),
            415,
            "SOAP 1.1 is text/xml; {content_type:?} is refused before the SOAP layer"
        );
    }
    let outcomes: Vec<RecordedOutcome> = fake.requests().into_iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            RecordedOutcome::NotFound,
            RecordedOutcome::UnsupportedMediaType,
            RecordedOutcome::UnsupportedMediaType
        ],
        "each refusal is recorded for what it was"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_each_signatures_chain_to_the_configured_bankid_root() {
    let bankid = UserCertificateAuthority::process_wide().expect("the fake BankID's CA");
    let fake = FakeFk::start(FakeFkConfig {
        bankid_roots: Some(vec![bankid.root_der().to_vec()]),
        ..FakeFkConfig::default()
    })
    .await
    .expect("starts");
    client(&fake)
        .submit(&good_request())
        .await
        .outcome
        .expect("signatures under the configured BankID root are accepted");

    let elsewhere = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("CA");
    let id = Uuid::new_v4();
    let report = sample_report(id, "2026-10", ASSISTANT);
    let error = client(&fake)
        .submit(&request_under(
            &elsewhere,
            report.clone(),
            &report,
            id,
            ASSISTANT,
        ))
        .await
        .outcome
        .expect_err("a BankID this FK does not trust");
    assert!(
        matches!(error, EltError::SignatureValidation { .. }),
        "a chain to another root is FK's SignatureValidationError: {error:?}"
    );
    assert!(
        error
            .fk_message()
            .is_some_and(|m| m.contains("signature_untrusted_root")),
        "FK's message names the check that failed: {error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_changed_after_signing_fails_its_xml_dsig() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let mut request = good_request();
    let xml = String::from_utf8(request.assistant_signature.signature_xml.clone()).expect("UTF-8");
    let visible = "<usrVisibleData charset=\"UTF-8\" visible=\"wysiwys\">";
    let changed = xml.replacen(visible, &format!("{visible}QQ"), 1);
    assert_ne!(changed, xml, "the visible text was changed");
    request.assistant_signature.signature_xml = changed.into_bytes();
    let error = client(&fake)
        .submit(&request)
        .await
        .outcome
        .expect_err("the signed text was changed");
    assert!(
        matches!(error, EltError::SignatureValidation { .. })
            && error
                .fk_message()
                .is_some_and(|m| m.contains("signature_digest_mismatch")),
        "the digest of #bidSignedData catches it, even without a configured root: {error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assistant_signature_by_someone_else_is_refused() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let id = Uuid::new_v4();
    let report = sample_report(id, "2026-10", ASSISTANT);
    let error = client(&fake)
        .submit(&request(report.clone(), &report, id, "197001019871"))
        .await
        .outcome
        .expect_err("the provider signed in the assistant's place");
    assert!(
        matches!(error, EltError::SignatureValidation { .. }),
        "the signer must be the report's assistant: {error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validates_the_report_against_fks_schema_when_given_it() {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fk/tidredovisning_extern_v1.xsd");
    let strict = FakeFk::start(FakeFkConfig {
        report_schema: Some(schema),
        ..FakeFkConfig::default()
    })
    .await
    .expect("starts");
    client(&strict)
        .submit(&good_request())
        .await
        .outcome
        .expect("a report that follows FK's schema is accepted");

    // FK's schema wants at least 7 characters; the report reader does not look at the number.
    let id = Uuid::new_v4();
    let short_phone = String::from_utf8(sample_report(id, "2026-10", ASSISTANT))
        .expect("UTF-8")
        .replace("08-123 45 67", "123")
        .into_bytes();
    let error = client(&strict)
        .submit(&request(short_phone.clone(), &short_phone, id, ASSISTANT))
        .await
        .outcome
        .expect_err("FK's schema refuses a three-character phone number");
    assert!(
        matches!(error, EltError::XmlValidation { .. })
            && error
                .fk_message()
                .is_some_and(|m| m.contains("telefonnummerAnordnare") && m.contains("rad ")),
        "FK's XmlValidationError carries the schema validator's finding: {error}"
    );

    let lenient = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("starts");
    let id = Uuid::new_v4();
    let short_phone = String::from_utf8(sample_report(id, "2026-10", ASSISTANT))
        .expect("UTF-8")
        .replace("08-123 45 67", "123")
        .into_bytes();
    client(&lenient)
        .submit(&request(short_phone.clone(), &short_phone, id, ASSISTANT))
        .await
        .outcome
        .expect("without the schema only the report reader checks, and it does not read this");
}
