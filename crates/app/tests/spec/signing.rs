//! BankID signing, end to end through the app: the demo data in a real encrypted data folder,
//! the fake BankID over real mutual TLS, real signatures verified before anything is stored.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use assistid_app::import::ImportOptions;
use assistid_app::register::{AssistantInput, PersonInput};
use assistid_app::signing::{
    BankIdEnvironment, BankIdSettings, CancelSignal, OrderLimits, SigningError, SigningEvent,
    SigningOptions,
};
use assistid_app::{App, KeySource};
use assistid_core::ids::Personnummer;
use assistid_core::model::ReportMonth;
use assistid_store::SignerRole;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::Utc;
use uuid::Uuid;

use crate::demo_bankid::{DemoBankId, DemoOutcome, Signer};

/// How long the simulated BankID app waits before it acts.
const DELAY: Duration = Duration::from_millis(60);

/// The demo provider's manager, as a signatory (a checksum-valid personnummer).
pub(crate) const SIGNATORY: &str = "197205141232";

pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) app: App,
}

pub(crate) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary data folder");
    let app = App::open(
        dir.path(),
        KeySource::File(dir.path().join("test.key")),
        Utc::now(),
    )
    .expect("a new data folder opens");
    app.load_demo_if_empty(Utc::now())
        .expect("the demo data loads");
    Fixture { dir, app }
}

pub(crate) fn october() -> ReportMonth {
    ReportMonth::new(2026, 10).expect("a month")
}

fn options() -> SigningOptions {
    SigningOptions {
        collect_interval: Duration::from_millis(40),
        qr_interval: Duration::from_millis(40),
        ..SigningOptions::default()
    }
}

/// The provider's manager as the simulated app approves.
fn karin() -> Signer {
    Signer::named(&signatory(), "Karin Lindqvist")
}

/// The current report ids of October, in review order.
fn report_ids(app: &App) -> Vec<Uuid> {
    app.month_review(october(), Utc::now())
        .expect("the review builds")
        .reports()
        .iter()
        .filter(|r| r.is_sendable())
        .map(|r| Uuid::parse_str(r.id().expect("each report has a version")).expect("a UUID"))
        .collect()
}

pub(crate) type Events = Arc<Mutex<Vec<SigningEvent>>>;

pub(crate) fn recorder() -> (Events, impl FnMut(SigningEvent) + Send) {
    let events: Events = Arc::default();
    let sink = events.clone();
    (events, move |e| {
        if let Ok(mut v) = sink.lock() {
            v.push(e);
        }
    })
}

async fn sign_assistant(
    app: &App,
    bankid: &DemoBankId,
    id: Uuid,
    outcome: DemoOutcome,
) -> Result<assistid_app::signing::AssistantSigned, SigningError> {
    let (_, sink) = recorder();
    app.sign_as_assistant(
        id,
        bankid,
        &options(),
        &CancelSignal::new(),
        &mut bankid.acting(outcome, Signer::assistant_of(app, bankid, id), sink),
    )
    .await
}

fn signatory() -> Personnummer {
    Personnummer::from_digits(SIGNATORY).expect("the fixture's personnummer is valid")
}

fn add_signatory(app: &App) {
    if app
        .signatories()
        .expect("readable")
        .iter()
        .all(|s| s.personnummer != signatory())
    {
        app.add_signatory(SIGNATORY, "Karin", "Lindqvist", Utc::now())
            .expect("the provider's manager becomes a signatory");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assistant_signature_is_verified_stored_and_freezes_the_bytes() {
    let fx = fixture();
    let app = &fx.app;
    let bankid = DemoBankId::start(app, DELAY).await;
    let id = report_ids(app)[0];
    let (events, mut sink) = recorder();
    let signed = app
        .sign_as_assistant(
            id,
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(
                DemoOutcome::Approve,
                Signer::assistant_of(app, &bankid, id),
                &mut sink,
            ),
        )
        .await
        .expect("the assistant signs as themself");
    assert_eq!(signed.report_id, id);

    let events = events.lock().expect("events").clone();
    assert!(
        matches!(
            events.first(),
            Some(SigningEvent::OrderStarted { orders: 1, .. })
        ),
        "the flow first says an order started: {events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SigningEvent::Qr { content } if content.starts_with("bankid."))),
        "QR content is sent while the order waits"
    );
    let ids: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            SigningEvent::Message { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        vec!["RFA1", "RFA9"],
        "BankID's messages as the hint changes: start the app, then enter the code"
    );
    assert!(
        !format!("{events:?}").contains("qrStartSecret"),
        "only QR content leaves Rust, never the secret"
    );

    let signatures = app.signatures_for_report(id).expect("readable");
    assert_eq!(signatures.len(), 1);
    assert_eq!(signatures[0].role, SignerRole::Assistant);
    let completion: serde_json::Value =
        serde_json::from_str(&signatures[0].completion_data_json).expect("JSON");
    assert_eq!(
        completion["signature"].as_str(),
        Some(signatures[0].signature_base64.as_str()),
        "the whole completion data is kept with the signature in it"
    );
    let xml = BASE64
        .decode(&signatures[0].signature_base64)
        .expect("base64");
    let visible = String::from_utf8(
        BASE64
            .decode(&signatures[0].user_visible_data)
            .expect("base64"),
    )
    .expect("UTF-8");
    for needle in [
        "Omsorg i Norr AB",
        "oktober 2026",
        "Aktiv tid",
        "Antal rader",
        "min egen",
    ] {
        assert!(
            visible.contains(needle),
            "the text the assistant read names {needle:?}:\n{visible}"
        );
    }
    assert!(
        String::from_utf8_lossy(&xml).contains(&signatures[0].user_non_visible_data),
        "the signature carries the binding that was sent"
    );

    // A data change makes a new, unsigned version; the signed one stays as it was.
    let review = app.month_review(october(), Utc::now()).expect("review");
    let report = review
        .reports()
        .iter()
        .find(|r| r.id() == Some(id.to_string().as_str()))
        .expect("the signed version is current");
    let person = report.person().clone();
    let assistant = report.assistant().clone();
    app.save_person(
        &PersonInput {
            personnummer: person.digits().to_owned(),
            first_name: "Ändrad".to_owned(),
            last_name: "Namnsson".to_owned(),
        },
        Utc::now(),
    )
    .expect("the person's name changes");
    let review = app.month_review(october(), Utc::now()).expect("review");
    let changed = review
        .reports()
        .iter()
        .find(|r| r.person() == &person && r.assistant() == &assistant)
        .expect("the report is still there");
    let new_id = Uuid::parse_str(changed.id().expect("an id")).expect("a UUID");
    assert_ne!(new_id, id, "changed bytes get a new report version");
    let warning = changed
        .warnings()
        .iter()
        .find(|w| w.code == "signatures_must_be_retaken")
        .expect("the user is told the signatures must be taken again");
    assert!(
        warning.message.contains("assistentens"),
        "the warning names the assistant's signature: {}",
        warning.message
    );
    assert!(
        !warning.message.contains("anordnarens"),
        "the provider had not signed: {}",
        warning.message
    );
    let status = app.signing_status(october(), Utc::now()).expect("status");
    let new_state = status
        .iter()
        .find(|s| s.report_id == new_id)
        .expect("listed");
    assert_eq!(
        new_state.state, "unsigned",
        "the new version starts unsigned"
    );
    assert_eq!(
        app.signatures_for_report(id).expect("readable").len(),
        1,
        "the old signed version keeps its signature"
    );
    let err = sign_assistant(app, &bankid, id, DemoOutcome::Approve)
        .await
        .expect_err("the old version cannot be signed again");
    assert!(err.is_data_problem(), "got {err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_signs_many_reports_with_one_signature() {
    let fx = fixture();
    let app = &fx.app;
    add_signatory(app);
    let bankid = DemoBankId::start(app, DELAY).await;
    let ids = report_ids(app);
    assert!(ids.len() >= 4, "the demo month has several reports");
    for &id in &ids[..3] {
        sign_assistant(app, &bankid, id, DemoOutcome::Approve)
            .await
            .expect("each assistant signs");
    }

    let (events, mut sink) = recorder();
    let outcome = app
        .sign_as_provider(
            october(),
            None,
            &signatory(),
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(DemoOutcome::Approve, karin(), &mut sink),
        )
        .await
        .expect("the provider signs");
    assert_eq!(outcome.orders.len(), 1, "one order is enough");
    let mut covered = outcome.orders[0].reports.clone();
    covered.sort();
    let mut expected = ids[..3].to_vec();
    expected.sort();
    assert_eq!(covered, expected, "exactly the assistant-signed reports");
    assert!(
        outcome
            .skipped
            .iter()
            .any(|s| s.report_id == ids[3] && s.code == "not_assistant_signed"),
        "an unsigned report is listed as skipped with the reason: {:?}",
        outcome.skipped
    );
    assert!(
        matches!(
            events.lock().expect("events").first(),
            Some(SigningEvent::OrderStarted {
                reports: 3,
                orders: 1,
                ..
            })
        ),
        "the order covers three reports"
    );

    for &id in &ids[..3] {
        let sigs = app.signatures_for_report(id).expect("readable");
        assert_eq!(sigs.len(), 2, "assistant and provider");
        assert_eq!(
            sigs[1].id.get(),
            outcome.orders[0].signature_id,
            "the same signature"
        );
        assert_eq!(sigs[1].signer, signatory());
        let checked = app
            .verify_stored_signatures(id, BankIdEnvironment::Demo)
            .expect("every stored signature verifies against the stored bytes");
        assert_eq!(checked.len(), 2);
    }
    assert_eq!(
        app.signing_status(october(), Utc::now())
            .expect("status")
            .iter()
            .filter(|s| s.state == "fully_signed")
            .count(),
        3
    );

    // A change after both signed: the review names both signatures to take again.
    let review = app.month_review(october(), Utc::now()).expect("review");
    let person = review
        .reports()
        .iter()
        .find(|r| r.id() == Some(ids[0].to_string().as_str()))
        .expect("current")
        .person()
        .clone();
    app.save_person(
        &PersonInput {
            personnummer: person.digits().to_owned(),
            first_name: "Ny".to_owned(),
            last_name: "Namnsdotter".to_owned(),
        },
        Utc::now(),
    )
    .expect("renamed");
    let review = app.month_review(october(), Utc::now()).expect("review");
    assert!(
        review.reports().iter().any(|r| r
            .warnings()
            .iter()
            .any(|w| w.code == "signatures_must_be_retaken"
                && w.message
                    .contains("assistentens och anordnarens underskrift"))),
        "the warning names both signatures"
    );
    app.verify_stored_signatures(ids[0], BankIdEnvironment::Demo)
        .expect("the old, superseded version's signatures still verify against its own bytes");
}

#[test]
fn bankid_follows_the_data_folder_and_its_certificates_are_settings() {
    let fx = fixture();
    let app = &fx.app;
    assert_eq!(
        app.bankid_environment()
            .expect("the demo folder has an environment"),
        BankIdEnvironment::Demo,
        "the demo folder signs with the demo's BankID"
    );
    assert_eq!(
        app.bankid_settings().expect("readable"),
        BankIdSettings::default(),
        "no certificates until they are set"
    );
    let settings = BankIdSettings {
        rp_certificate: Some(fx.dir.path().join("rp.p12")),
        user_root_ca: Some(fx.dir.path().join("root.pem")),
    };
    app.save_bankid_settings(&settings, Utc::now())
        .expect("saved");
    assert_eq!(app.bankid_settings().expect("readable"), settings);
    let err = app
        .connect_bankid()
        .expect_err("the demo folder's BankID is the demo's own, started by the demo");
    assert_eq!(
        assistid_app::IpcError::from(err).code,
        "demo_bankid_not_started"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_cannot_sign_before_the_assistant() {
    let fx = fixture();
    let app = &fx.app;
    add_signatory(app);
    let bankid = DemoBankId::start(app, DELAY).await;
    let id = report_ids(app)[0];
    let (_, mut sink) = recorder();
    let err = app
        .sign_as_provider(
            october(),
            Some(&[id]),
            &signatory(),
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(DemoOutcome::Approve, karin(), &mut sink),
        )
        .await
        .expect_err("nothing the assistant has signed");
    assert_eq!(err.code(), "nothing_to_sign");
    assert!(
        err.is_data_problem(),
        "a data problem, not a BankID failure"
    );
    assert!(
        err.to_string()
            .contains("assistenten har inte skrivit under"),
        "the message says why: {err}"
    );
    let (_, mut sink) = recorder();
    let err = app
        .sign_as_provider(
            october(),
            None,
            &Personnummer::from_digits("198001019879").expect("valid"),
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(DemoOutcome::Approve, karin(), &mut sink),
        )
        .await
        .expect_err("only the provider's signatories sign");
    assert_eq!(err.code(), "not_a_signatory");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_person_a_cancel_an_expiry_and_a_blocked_bankid_store_nothing() {
    let fx = fixture();
    let app = &fx.app;
    let bankid = DemoBankId::start(app, DELAY).await;
    let id = report_ids(app)[0];
    let err = sign_assistant(app, &bankid, id, DemoOutcome::WrongPerson)
        .await
        .expect_err("someone else's signature is refused");
    assert_eq!(err.code(), "signature_wrong_signer", "got {err}");
    assert!(
        err.to_string().contains("annan person"),
        "the user is told why: {err}"
    );
    for (outcome, hint, rfa) in [
        (DemoOutcome::Cancel, "userCancel", "RFA6"),
        (DemoOutcome::Expire, "expiredTransaction", "RFA8"),
        (DemoOutcome::CertificateErr, "certificateErr", "RFA16"),
    ] {
        match sign_assistant(app, &bankid, id, outcome).await {
            Err(SigningError::OrderFailed {
                hint: h, rfa: r, ..
            }) => {
                assert_eq!((h.as_str(), r), (hint, rfa), "the truthful outcome");
            }
            other => panic!("{hint}: expected a failed order, got {other:?}"),
        }
    }
    // The user closes the dialog: the order is cancelled at BankID.
    let cancel = CancelSignal::new();
    let on_start = cancel.clone();
    let mut sink = move |e: SigningEvent| {
        if matches!(e, SigningEvent::OrderStarted { .. }) {
            on_start.cancel();
        }
    };
    let err = app
        .sign_as_assistant(
            id,
            &bankid,
            &options(),
            &cancel,
            &mut bankid.acting(
                DemoOutcome::Manual,
                Signer::assistant_of(app, &bankid, id),
                &mut sink,
            ),
        )
        .await
        .expect_err("cancelled");
    assert!(matches!(err, SigningError::Cancelled), "got {err:?}");

    assert!(
        app.signatures_for_report(id).expect("readable").is_empty(),
        "nothing was stored"
    );
    let status = app.signing_status(october(), Utc::now()).expect("status");
    assert_eq!(
        status
            .iter()
            .find(|s| s.report_id == id)
            .expect("the same version is still current")
            .state,
        "unsigned",
        "and the report was not frozen into a signed state"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_orders_for_one_person_at_once_surface_already_in_progress() {
    let fx = fixture();
    let app = &fx.app;
    let bankid = DemoBankId::start(app, DELAY).await;
    let id = report_ids(app)[0];
    let (first, second) = tokio::join!(
        sign_assistant(app, &bankid, id, DemoOutcome::Manual),
        sign_assistant(app, &bankid, id, DemoOutcome::Manual),
    );
    let results = [first, second];
    assert!(
        results.iter().any(|r| matches!(
            r,
            Err(SigningError::BankId {
                code: "bankid_already_in_progress",
                rfa: "RFA4",
                ..
            })
        )),
        "the second order is refused with RFA4: {results:?}"
    );
    let refused = results
        .iter()
        .find_map(|r| match r {
            Err(e @ SigningError::BankId { .. }) => Some(e),
            _ => None,
        })
        .expect("one order is refused");
    let sv = refused.ipc_error(assistid_core::text::Lang::Sv);
    let en = refused.ipc_error(assistid_core::text::Lang::En);
    assert_eq!(
        (
            sv.code.as_str(),
            sv.message_code.as_str(),
            sv.message.as_str()
        ),
        (
            "bankid_already_in_progress",
            "bankid_rfa4",
            "En identifiering eller underskrift för det här personnumret är redan påbörjad. \
             Försök igen."
        ),
        "Swedish is BankID's RFA4, byte for byte as before, with its stable message code"
    );
    assert_eq!(
        refused.to_string(),
        sv.message,
        "the error's own text is the Swedish message"
    );
    assert_eq!(
        (
            en.code.as_str(),
            en.message_code.as_str(),
            en.message.as_str()
        ),
        (
            "bankid_already_in_progress",
            "bankid_rfa4",
            "An identification or signing for this personal number is already started. Please \
             try again."
        ),
        "English mode shows BankID's own English RFA4 text, with the same codes"
    );
    assert_eq!(
        en.params, sv.params,
        "the same parameters in both languages"
    );
    assert!(
        results.iter().any(|r| matches!(
            r,
            Err(SigningError::OrderFailed { hint, rfa: "RFA3", .. }) if hint == "cancelled"
        )),
        "BankID cancels the running order too: {results:?}"
    );
    assert!(app.signatures_for_report(id).expect("readable").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_over_the_size_limit_is_split_into_as_few_orders_as_needed() {
    let fx = fixture();
    let app = &fx.app;
    add_signatory(app);
    let bankid = DemoBankId::start(app, DELAY).await;
    let ids = report_ids(app);
    assert!(ids.len() >= 5, "the demo month has at least five reports");
    for &id in &ids[..5] {
        sign_assistant(app, &bankid, id, DemoOutcome::Approve)
            .await
            .expect("each assistant signs");
    }
    // Two bindings (2 × 101 + 1 bytes) are 272 base64 characters; three would be 408.
    let mut opts = options();
    opts.limits = OrderLimits {
        visible: 40_000,
        non_visible: 300,
    };
    let (events, mut sink) = recorder();
    let outcome = app
        .sign_as_provider(
            october(),
            Some(&ids[..5]),
            &signatory(),
            &bankid,
            &opts,
            &CancelSignal::new(),
            &mut bankid.acting(DemoOutcome::Approve, karin(), &mut sink),
        )
        .await
        .expect("the provider signs in several orders");
    let mut sizes: Vec<usize> = outcome.orders.iter().map(|o| o.reports.len()).collect();
    sizes.sort_unstable();
    assert_eq!(
        sizes,
        vec![1, 2, 2],
        "five reports (one person's one, another's four) in three orders: as few as the limit \
         allows, one person per order"
    );
    let started: Vec<(usize, usize)> = events
        .lock()
        .expect("events")
        .iter()
        .filter_map(|e| match e {
            SigningEvent::OrderStarted { order, orders, .. } => Some((*order, *orders)),
            _ => None,
        })
        .collect();
    assert_eq!(
        started,
        vec![(1, 3), (2, 3), (3, 3)],
        "the user is told how many orders"
    );
    for &id in &ids[..5] {
        app.verify_stored_signatures(id, BankIdEnvironment::Demo)
            .expect("each report's signatures verify");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_tampered_in_storage_is_caught_by_reverification() {
    let fx = fixture();
    let app = &fx.app;
    add_signatory(app);
    let bankid = DemoBankId::start(app, DELAY).await;
    let id = report_ids(app)[0];
    sign_assistant(app, &bankid, id, DemoOutcome::Approve)
        .await
        .expect("signed");
    let (_, mut sink) = recorder();
    app.sign_as_provider(
        october(),
        Some(&[id]),
        &signatory(),
        &bankid,
        &options(),
        &CancelSignal::new(),
        &mut bankid.acting(DemoOutcome::Approve, karin(), &mut sink),
    )
    .await
    .expect("signed");
    app.verify_stored_signatures(id, BankIdEnvironment::Demo)
        .expect("valid before tampering");

    let stored = &app.signatures_for_report(id).expect("readable")[0];
    let xml =
        String::from_utf8(BASE64.decode(&stored.signature_base64).expect("base64")).expect("UTF-8");
    let visible_b64 = &stored.user_visible_data;
    // Someone edits the signed text inside the signature (and BankID's answer to match).
    let forged_visible = BASE64.encode("Något helt annat");
    let forged = BASE64.encode(xml.replace(visible_b64.as_str(), &forged_visible));
    let key = std::fs::read_to_string(fx.dir.path().join("test.key")).expect("the key file");
    let raw = rusqlite::Connection::open(fx.dir.path().join("assistid.db")).expect("the file");
    raw.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .expect("the key");
    raw.execute_batch("DROP TRIGGER signatures_never_updated;")
        .expect("an attacker with the key can drop triggers");
    raw.execute(
        "UPDATE signatures SET signature = ?1, user_visible_data = ?2,
           completion_data = json_set(completion_data, '$.signature', ?1)
         WHERE role = 'assistant'",
        [&forged, &forged_visible],
    )
    .expect("tampered");
    drop(raw);

    let err = app
        .verify_stored_signatures(id, BankIdEnvironment::Demo)
        .expect_err("the tampered signature is caught");
    assert_eq!(err.code(), "stored_signature_invalid");
    assert!(
        err.to_string().contains("assistentens"),
        "the message says which signature: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assistant_with_samordningsnummer_is_told_bankid_needs_a_personnummer() {
    let fx = fixture();
    let app = &fx.app;
    app.save_assistant(
        &AssistantInput {
            personnummer: "199001610014".to_owned(),
            first_name: "Sam".to_owned(),
            last_name: "Ordning".to_owned(),
            period_start: Some("2026-01-01".to_owned()),
            period_length: Some("4m".to_owned()),
            ..AssistantInput::default()
        },
        Utc::now(),
    )
    .expect("an assistant with samordningsnummer can be registered");
    let person = app.persons().expect("persons")[0].personnummer.clone();
    let csv = fx.dir.path().join("shifts.csv");
    std::fs::write(
        &csv,
        format!(
            "assistent;person;datum;start;slut;typ\n199001610014;{};2026-10-06;08:00;12:00;aktiv\n",
            person.digits()
        ),
    )
    .expect("the file is written");
    app.import_commit(&csv, &ImportOptions::default(), Utc::now())
        .expect("the shift is imported");
    let review = app.month_review(october(), Utc::now()).expect("review");
    let report = review
        .reports()
        .iter()
        .find(|r| r.assistant_name().contains("Ordning"))
        .expect("the assistant has a report");
    let id = Uuid::parse_str(report.id().expect("an id")).expect("a UUID");
    let bankid = DemoBankId::start(app, DELAY).await;
    let err = sign_assistant(app, &bankid, id, DemoOutcome::Approve)
        .await
        .expect_err("no BankID order is started");
    assert!(
        !report.is_sendable(),
        "the review already says the report cannot be signed"
    );
    assert_eq!(err.code(), "assistant_has_samordningsnummer", "{err}");
    assert!(err.to_string().contains("samordningsnummer"), "{err}");
    assert!(err.is_data_problem(), "a data problem: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_signature_on_a_persons_reports_names_no_other_person() {
    let fx = fixture();
    let app = &fx.app;
    add_signatory(app);
    let bankid = DemoBankId::start(app, DELAY).await;
    let review = app.month_review(october(), Utc::now()).expect("review");
    let person_of = |id: Uuid| -> String {
        review
            .reports()
            .iter()
            .find(|r| r.id() == Some(id.to_string().as_str()))
            .expect("a current report")
            .person_name()
            .to_owned()
    };
    let ids = report_ids(app);
    let persons: std::collections::BTreeSet<String> = ids.iter().map(|&id| person_of(id)).collect();
    assert!(
        persons.len() >= 2,
        "the demo month has reports for several persons: {persons:?}"
    );
    for &id in &ids {
        sign_assistant(app, &bankid, id, DemoOutcome::Approve)
            .await
            .expect("each assistant signs");
    }
    let plan = app
        .prepare_provider_signing(
            october(),
            None,
            &signatory(),
            OrderLimits::default(),
            Utc::now(),
        )
        .expect("the provider's orders");
    assert_eq!(
        plan.orders.len(),
        persons.len(),
        "one order per person (all of them fit BankID's limits)"
    );
    for order in &plan.orders {
        let own: std::collections::BTreeSet<String> =
            order.report_ids().iter().map(|&id| person_of(id)).collect();
        assert_eq!(own.len(), 1, "an order covers one person's reports only");
        let text = order.visible_text();
        for other in persons.difference(&own) {
            assert!(
                !text.contains(other.as_str()),
                "FK gets this signature with {own:?}'s reports: it must not name {other}:\n{text}"
            );
        }
        for id in ids.iter().filter(|id| !order.report_ids().contains(id)) {
            assert!(
                !order.binding().contains(&id.to_string()),
                "nor bind another person's report"
            );
        }
    }
    let (_, mut sink) = recorder();
    let signed = app
        .sign_as_provider(
            october(),
            None,
            &signatory(),
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(DemoOutcome::Approve, karin(), &mut sink),
        )
        .await
        .expect("every order runs back to back");
    assert_eq!(signed.orders.len(), persons.len());
    for &id in &ids {
        app.verify_stored_signatures(id, BankIdEnvironment::Demo)
            .expect("every report is fully signed");
    }
}

#[test]
fn bankids_messages_follow_how_the_user_started_the_order() {
    use assistid_app::signing::{StartMode, order_message};
    let pending = |hint, mode| order_message(Some(hint), false, mode).0;
    let failed = |hint, mode| order_message(Some(hint), true, mode).0;
    assert_eq!(
        pending("outstandingTransaction", StartMode::Qr),
        "RFA1",
        "with the QR code the user is asked to start the BankID app"
    );
    assert_eq!(
        pending("outstandingTransaction", StartMode::SameDevice),
        "RFA13",
        "on this computer the user is told the app is being started"
    );
    assert_eq!(
        failed("startFailed", StartMode::Qr),
        "RFA17B",
        "a QR code nobody scanned"
    );
    assert_eq!(
        failed("startFailed", StartMode::SameDevice),
        "RFA17A",
        "a BankID app that never started on this computer"
    );
    let (id, sv, en) = order_message(Some("userSign"), false, StartMode::SameDevice);
    assert_eq!(
        id, "RFA9",
        "signing in the app reads the same in both modes"
    );
    assert!(
        !sv.is_empty() && !en.is_empty() && sv != en,
        "a Swedish and an English text: {sv} / {en}"
    );
}

/// Two programs on one folder: while the assistant's BankID order for a report is open in one
/// program, another program adds a shift to that report. The signature that then arrives binds
/// the bytes shown at the start, which no longer hold every shift: it must not make the report
/// as it now is look signed (the new shift would never reach FK).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shift_added_by_another_program_while_the_assistant_signs_is_not_left_unsigned() {
    let fx = fixture();
    let app = &fx.app;
    let bankid = DemoBankId::start(app, DELAY).await;
    let review = app
        .month_review(october(), Utc::now())
        .expect("the review builds");
    let report = review
        .reports()
        .iter()
        .find(|r| r.is_sendable())
        .expect("a sendable report");
    let id = Uuid::parse_str(report.id().expect("a version")).expect("a UUID");
    let (assistant, person) = (
        report.assistant().digits().to_owned(),
        report.person().digits().to_owned(),
    );
    let folder = fx.dir.path().to_path_buf();
    let mut edited = false;
    let sink = |event: SigningEvent| {
        if matches!(event, SigningEvent::OrderStarted { .. }) && !edited {
            edited = true;
            let other = App::open(
                &folder,
                KeySource::File(folder.join("test.key")),
                Utc::now(),
            )
            .expect("the other program opens the same folder");
            // The first free half hour of the month (the demo data fills many days).
            let added = (1..=31).find_map(|day| {
                other
                    .add_shift(
                        &assistid_app::shifts::ShiftInput {
                            assistant: assistant.clone(),
                            person: person.clone(),
                            start: format!("2026-10-{day:02}T12:10"),
                            start_occurrence: None,
                            end: format!("2026-10-{day:02}T12:40"),
                            end_occurrence: None,
                            kind: assistid_core::model::TimeKind::Aktiv,
                            note: Some("tillagd under signeringen".into()),
                        },
                        Utc::now(),
                    )
                    .ok()
            });
            assert!(
                added.is_some(),
                "the other program adds a shift to the report being signed"
            );
        }
    };
    let signed = app
        .sign_as_assistant(
            id,
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(
                DemoOutcome::Approve,
                Signer::assistant_of(app, &bankid, id),
                sink,
            ),
        )
        .await;
    let now = app
        .month_review(october(), Utc::now())
        .expect("the review builds");
    let current = now
        .reports()
        .iter()
        .find(|r| r.assistant().digits() == assistant && r.person().digits() == person)
        .expect("the report is still there");
    let current_id = current.id().map(str::to_owned);
    match signed {
        Ok(done) => {
            assert_ne!(
                current_id.as_deref(),
                Some(done.report_id.to_string().as_str()),
                "the signed bytes lack the new shift, so they cannot be the report as it is now"
            );
            let current_id =
                Uuid::parse_str(current_id.as_deref().expect("a version")).expect("a UUID");
            assert!(
                app.signatures_for_report(current_id)
                    .expect("readable")
                    .is_empty(),
                "the report with the new shift waits for its own signature"
            );
        }
        Err(e) => assert!(
            !e.to_string().is_empty(),
            "a refused signing says why: {e:?}"
        ),
    }
}
