//! Fault soak: months sent to a fake FK that misbehaves at random — latency (also beyond the
//! read timeout), HTTP 500 and 503, dropped connections, hanging requests, malformed XML,
//! undocumented SOAP faults, proxy error pages, oversized answers, FK's two faults — and to
//! servers with expired or untrusted certificates or with an expired client certificate; and
//! BankID orders that end in every way BankID's RP API documents. Seeded: the seed is printed
//! and `ASSISTID_SOAK_SEED=N` replays a run.
//!
//! Every report must end in a truthful state (what the app says agrees with what the fake
//! did), with a message in Swedish a coordinator understands; FK counts no rate violation and
//! no report is accepted twice; nothing panics.

use std::collections::HashMap;
use std::time::Duration;

use assistid_app::signing::{CancelSignal, SigningError, SigningEvent, SigningOptions};
use assistid_app::submit::{EltConnection, SubmissionView};
use assistid_app::{App, KeySource};
use assistid_core::secret::Sensitive;
use assistid_elt::client::Timeouts;
use assistid_elt::{EltClient, Environment, TrustAnchor};
use assistid_fakes::fk::{
    BackgroundFakeFk, Behaviour, FakeFk, FakeFkConfig, RecordedOutcome, RecordedRequest,
    ServerCertMode,
};
use assistid_fakes::pki::CertSubject;
use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use uuid::Uuid;

use crate::demo_bankid::{DemoBankId, DemoOutcome, Signer};
use crate::submit::{Folder, clock, fast_pacer, fast_retry, month, sign_month};
use assistid_app::views::SubmissionState as ViewState;

const PASSWORD: &str = "soak-lösen";

fn seeded(what: &str) -> StdRng {
    let seed = std::env::var("ASSISTID_SOAK_SEED")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(rand::random);
    println!("{what}: seed {seed} (repeat with ASSISTID_SOAK_SEED={seed})");
    StdRng::seed_from_u64(seed)
}

/// A random answer, weighted roughly like a bad day at FK.
fn random_behaviour(rng: &mut StdRng) -> Behaviour {
    match rng.random_range(0..100) {
        0..35 => Behaviour::Normal,
        35..50 => Behaviour::Delay(Duration::from_millis(rng.random_range(0..300))),
        50..53 => Behaviour::Delay(Duration::from_millis(2500)),
        53..63 => Behaviour::ServiceUnavailable,
        63..68 => Behaviour::InternalServerError,
        68..73 => Behaviour::DropAfterBody,
        73..76 => Behaviour::Hang,
        76..81 => Behaviour::MalformedXml,
        81..86 => Behaviour::UnexpectedSoapFault,
        86..91 => Behaviour::HtmlErrorPage,
        91..94 => Behaviour::OversizedAnswer,
        94..97 => Behaviour::XmlValidationError("cvc-pattern-valid: '8.30' (rad 3)".into()),
        _ => Behaviour::SignatureValidationError("Signaturen kunde inte verifieras".into()),
    }
}

/// How the round's server (or client) is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    Misbehaving,
    ExpiredServerCert,
    UntrustedServerCert,
    ExpiredClientCert,
}

/// A connection to `fk`; with an expired client certificate when asked (issued by the CA the
/// fake trusts, so only its dates are wrong).
fn connect(fk: &BackgroundFakeFk, expired_client: bool) -> EltConnection {
    let p12 = if expired_client {
        let now = Utc::now();
        fk.client_ca()
            .issue_client_cert(
                &CertSubject::new("Assistid soak anordnare")
                    .with_organization("Assistid soak anordnare")
                    .with_serial_number("5560360793"),
                now - chrono::Duration::days(800),
                now - chrono::Duration::days(70),
            )
            .expect("an expired client certificate")
            .to_pkcs12(PASSWORD)
            .expect("as PKCS#12")
    } else {
        fk.client_identity_p12(PASSWORD).expect("client identity")
    };
    let client = EltClient::builder()
        .endpoint(fk.endpoint())
        .identity(p12, Sensitive::new(PASSWORD.to_owned()))
        .trust(TrustAnchor::PinnedCa(fk.ca_pem().to_owned()))
        .timeouts(Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_millis(1500),
        })
        .build()
        .expect("the client builds");
    EltConnection::from_client(Environment::Demo, fk.endpoint(), client)
}

/// Swedish text for a coordinator: Swedish letters or common Swedish words, and no bare
/// programmer's error.
fn reads_as_swedish(text: &str) -> bool {
    let lower = text.to_lowercase();
    !text.trim().is_empty()
        && (lower.contains(['å', 'ä', 'ö'])
            || [" inte ", " och ", " att ", " för ", " har "]
                .iter()
                .any(|w| lower.contains(w)))
}

/// The outcomes that mean the fake did not take the report in.
fn not_processed(outcome: &RecordedOutcome) -> bool {
    matches!(outcome, RecordedOutcome::Overloaded)
        || matches!(outcome, RecordedOutcome::Scripted(name) if *name == "service_unavailable")
}

/// What the app says about one submission agrees with what the fake did with its requests.
fn check_truthful(view: &SubmissionView, requests: &[&RecordedRequest], setup: Setup) {
    let who = format!("{setup:?}, submission {} ({})", view.id, view.state);
    let accepted: Vec<Uuid> = requests
        .iter()
        .filter_map(|r| match r.outcome {
            RecordedOutcome::Accepted { tx_id, .. } => Some(tx_id),
            _ => None,
        })
        .collect();
    assert!(
        accepted.len() <= 1,
        "{who}: the fake accepted the report {} times: it was sent again after an answer",
        accepted.len()
    );
    if view.state != ViewState::Accepted {
        let message = view.message.as_deref().unwrap_or("");
        assert!(
            reads_as_swedish(message),
            "{who}: the coordinator must get a Swedish message, got {message:?}"
        );
    }
    match view.state.code() {
        "accepted" => {
            let tx = view.tx_id.as_deref().expect("accepted has a tx-id");
            assert!(
                accepted.iter().any(|t| t.to_string() == tx),
                "{who}: the app says accepted with {tx}, the fake never gave that tx-id"
            );
        }
        "rejected" => {
            let fk_message = view.fk_message.as_deref().unwrap_or("");
            let last = requests.last().map(|r| &r.outcome);
            assert!(
                matches!(
                    last,
                    Some(RecordedOutcome::XmlValidationError(m) | RecordedOutcome::SignatureValidationError(m))
                        if m == fk_message
                ),
                "{who}: rejected with {fk_message:?}, but the fake's last answer was {last:?}"
            );
        }
        "uncertain" => {
            // Uncertain claims no knowledge, so any record is consistent with it — also none:
            // a request sent on a kept-alive connection the server had just closed never
            // shows up at the server, and the client cannot know that.
            assert!(
                view.message
                    .as_deref()
                    .is_some_and(|m| m.contains("Kontrollera med Försäkringskassan")),
                "{who}: an uncertain submission tells the user to check with FK first: {:?}",
                view.message
            );
        }
        "failed_will_retry" | "failed_final" => {
            assert!(
                requests.iter().all(|r| not_processed(&r.outcome)),
                "{who}: the app says FK did not get the report, but the fake answered {:?}",
                requests.iter().map(|r| &r.outcome).collect::<Vec<_>>()
            );
            if setup != Setup::Misbehaving {
                assert!(
                    requests.is_empty(),
                    "{who}: with a certificate problem nothing may reach the server"
                );
            }
        }
        other => panic!("{who}: a run must end every submission in a final state, not {other}"),
    }
    if view.state == ViewState::Uncertain || view.state == ViewState::Accepted {
        return;
    }
    assert!(
        accepted.is_empty(),
        "{who}: the fake accepted the report but the app says {}",
        view.state
    );
}

#[test]
fn a_soak_of_fk_failures_ends_every_report_truthfully_with_a_swedish_message() {
    let mut rng = seeded("fk soak");
    let setups = [
        Setup::Misbehaving,
        Setup::Misbehaving,
        Setup::Misbehaving,
        Setup::ExpiredServerCert,
        Setup::UntrustedServerCert,
        Setup::ExpiredClientCert,
    ];
    let mut states: HashMap<&'static str, usize> = HashMap::new();
    for setup in setups {
        let folder = Folder::demo();
        sign_month(folder.dir.path(), &folder.key(), |_, b| b);
        let app = folder.open();
        let fk = FakeFk::start_background(FakeFkConfig {
            min_interval: Duration::from_millis(100),
            server_cert: match setup {
                Setup::ExpiredServerCert => ServerCertMode::Expired,
                Setup::UntrustedServerCert => ServerCertMode::UntrustedCa,
                _ => ServerCertMode::Valid,
            },
            ..FakeFkConfig::default()
        })
        .expect("the fake FK starts");
        for _ in 0..200 {
            fk.script(random_behaviour(&mut rng));
        }
        let connection = connect(&fk, setup == Setup::ExpiredClientCert);
        let summary = app
            .submit_month(
                month(),
                &connection,
                &fast_pacer(),
                &fast_retry(),
                &clock,
                &mut |_, _, _| {},
            )
            .expect("a run against a failing FK completes without an error or panic");
        assert!(
            !summary.results.is_empty(),
            "{setup:?}: the signed demo month was sent"
        );
        let requests = fk.requests();
        for view in &summary.results {
            let report = Uuid::parse_str(&view.report_id).expect("a report id");
            let mine: Vec<&RecordedRequest> = requests
                .iter()
                .filter(|r| r.report_id == Some(report))
                .collect();
            check_truthful(view, &mine, setup);
            *states.entry(view.state.code()).or_default() += 1;
        }
        assert_eq!(
            fk.rate_violations(),
            0,
            "{setup:?}: retries and failures must still keep FK's interval"
        );
        assert_eq!(fk.duplicates(), 0, "{setup:?}: no report accepted twice");
        if setup == Setup::ExpiredClientCert {
            assert!(
                summary
                    .results
                    .iter()
                    .all(|r| r.state == ViewState::FailedFinal),
                "an expired client certificate stops every report for good"
            );
        }
    }
    println!("fk soak: final states {states:?}");
}

fn signing_options() -> SigningOptions {
    SigningOptions {
        collect_interval: Duration::from_millis(40),
        qr_interval: Duration::from_millis(40),
        ..SigningOptions::default()
    }
}

/// BankID's RP API errors (HTTP status, `errorCode`).
const RP_ERRORS: [(u16, &str); 8] = [
    (400, "alreadyInProgress"),
    (400, "invalidParameters"),
    (401, "unauthorized"),
    (404, "notFound"),
    (408, "requestTimeout"),
    (415, "unsupportedMediaType"),
    (500, "internalError"),
    (503, "maintenance"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_soak_of_bankid_failures_stores_a_verified_signature_or_nothing() {
    let mut rng = seeded("bankid soak");
    let dir = tempfile::tempdir().expect("a temporary data folder");
    let app = App::open(
        dir.path(),
        KeySource::File(dir.path().join("test.key")),
        Utc::now(),
    )
    .expect("a new data folder opens");
    app.load_demo_if_empty(Utc::now())
        .expect("the demo data loads");
    let bankid = DemoBankId::start(&app, Duration::from_millis(30)).await;
    let fake = bankid.fake.clone();
    let mut outcomes: HashMap<String, usize> = HashMap::new();
    for round in 0..30 {
        let status = app
            .signing_status(month(), Utc::now())
            .expect("the signing status");
        let unsigned: Vec<Uuid> = status
            .iter()
            .filter(|s| s.state == "unsigned" && s.sendable)
            .map(|s| s.report_id)
            .collect();
        let Some(&report) = unsigned.get(rng.random_range(0..unsigned.len().max(1))) else {
            break;
        };
        let (outcome, scripted) = match rng.random_range(0..10) {
            0..3 => (DemoOutcome::Approve, None),
            3 => (DemoOutcome::Cancel, None),
            4 => (DemoOutcome::Expire, None),
            5 => (DemoOutcome::WrongPerson, None),
            6 => (DemoOutcome::CertificateErr, None),
            _ => (
                DemoOutcome::Approve,
                Some(RP_ERRORS[rng.random_range(0..RP_ERRORS.len())]),
            ),
        };
        if let Some((status, code)) = scripted {
            fake.fail_next(
                status,
                serde_json::json!({ "errorCode": code, "details": "soak" }),
                &[],
            );
        }
        let signer = Signer::assistant_of(&app, &bankid, report);
        let result = app
            .sign_as_assistant(
                report,
                &bankid,
                &signing_options(),
                &CancelSignal::new(),
                &mut bankid.acting(outcome, signer, |_: SigningEvent| {}),
            )
            .await;
        let stored = app
            .signatures_for_report(report)
            .expect("the signatures are readable");
        let when = format!("round {round}: {outcome:?}, scripted {scripted:?}");
        match &result {
            Ok(_) => {
                // The app verified the signature in full before storing it.
                assert_eq!(stored.len(), 1, "{when}: a success stores one signature");
                let state = app
                    .signing_status(month(), Utc::now())
                    .expect("the signing status")
                    .into_iter()
                    .find(|s| s.report_id == report)
                    .map(|s| s.state);
                assert_eq!(
                    state,
                    Some("assistant_signed"),
                    "{when}: the report is now signed by its assistant"
                );
            }
            Err(e) => {
                assert!(
                    stored.is_empty(),
                    "{when}: a failed order stores nothing ({e})"
                );
                assert!(
                    reads_as_swedish(&e.to_string()),
                    "{when}: the coordinator gets a Swedish message, got {e}"
                );
                assert!(
                    !matches!(outcome, DemoOutcome::Approve) || scripted.is_some(),
                    "{when}: an approved order without a fault must succeed: {e}"
                );
            }
        }
        let key = match &result {
            Ok(_) => "signed".to_owned(),
            Err(e) => SigningError::code(e).to_owned(),
        };
        *outcomes.entry(key).or_default() += 1;
    }
    println!("bankid soak: outcomes {outcomes:?}");
}
