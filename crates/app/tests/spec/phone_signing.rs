//! Signing over the phone (issue 16) through the app: the demo data in a real encrypted data
//! folder, the fake BankID's phone orders over real mutual TLS, the same verification, binding
//! and freezing as every other way to sign.

use std::time::Duration;

use assistid_app::App;
use assistid_app::signing::{
    CallInitiator, CancelSignal, SigningError, SigningEvent, SigningOptions,
};
use assistid_core::ids::Personnummer;
use assistid_core::text::Lang;
use assistid_store::{SignerRole, Store};
use chrono::Utc;
use uuid::Uuid;

use crate::demo_bankid::{DemoBankId, DemoOutcome, Signer};
use crate::signing::{Events, SIGNATORY, fixture, october, recorder};

fn options() -> SigningOptions {
    SigningOptions {
        collect_interval: Duration::from_millis(40),
        ..SigningOptions::default()
    }
}

fn first_report(app: &App) -> Uuid {
    app.month_review(october(), Utc::now())
        .expect("the review builds")
        .reports()
        .iter()
        .find(|r| r.is_sendable())
        .and_then(|r| r.id())
        .and_then(|id| Uuid::parse_str(id).ok())
        .expect("the demo month has a sendable report")
}

fn message_ids(events: &Events) -> Vec<&'static str> {
    events
        .lock()
        .expect("events")
        .iter()
        .filter_map(|e| match e {
            SigningEvent::Message { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_order_approved_stores_the_signature_and_freezes_the_report() {
    let fx = fixture();
    let app = &fx.app;
    let bankid = DemoBankId::start(app, Duration::from_millis(60)).await;
    let id = first_report(app);
    let (events, sink) = recorder();
    let signed = app
        .sign_as_assistant_by_phone(
            id,
            CallInitiator::Rp,
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(
                DemoOutcome::Approve,
                Signer::assistant_of(app, &bankid, id),
                sink,
            ),
        )
        .await
        .expect("the assistant approves the phone order in their own app");
    assert_eq!(signed.report_id, id);

    let fake = bankid.fake.clone();
    let requests = fake.requests();
    let (path, body) = requests.first().expect("a request");
    assert_eq!(path, "phone/sign", "a phone order, not a QR order");
    assert_eq!(body["callInitiator"], "RP");
    let assistant = app
        .month_review(october(), Utc::now())
        .expect("review")
        .reports()
        .iter()
        .find(|r| r.id() == Some(id.to_string().as_str()))
        .expect("the signed version is current")
        .assistant()
        .clone();
    assert_eq!(
        body["personalNumber"].as_str(),
        Some(assistant.digits()),
        "the order is pinned to the assistant's personnummer"
    );

    let all = events.lock().expect("events").clone();
    assert!(
        !all.iter().any(|e| matches!(e, SigningEvent::Qr { .. })),
        "no QR code for a phone order"
    );
    assert!(
        matches!(all.first(), Some(SigningEvent::OrderStarted { autostart_url, .. }) if autostart_url.is_empty()),
        "no autostart link either: {all:?}"
    );
    assert_eq!(
        message_ids(&events),
        vec!["RFA1", "ASSISTID-PHONE-CONFIRM", "RFA9"],
        "the coordinator sees BankID's state live: open the app, confirm the call, sign"
    );

    let signatures = app.signatures_for_report(id).expect("readable");
    assert_eq!(signatures.len(), 1, "the signature is stored");
    assert_eq!(signatures[0].role, SignerRole::Assistant);
    let visible = String::from_utf8(
        base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &signatures[0].user_visible_data,
        )
        .expect("base64"),
    )
    .expect("UTF-8");
    assert!(
        visible.contains("## Rader till Försäkringskassan") && visible.contains("Version: "),
        "the assistant read every row on the phone:\n{visible}"
    );
    let store = Store::open_in_data_dir(
        fx.dir.path(),
        &assistid_store::KeySource::File(fx.dir.path().join("test.key")),
    )
    .expect("the store opens beside the app");
    let version = store
        .report_version_by_id(id)
        .expect("read")
        .expect("the version exists");
    assert!(
        version.is_frozen(),
        "the first signature freezes the report's bytes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_says_no_call_is_going_on_and_nothing_is_stored() {
    let fx = fixture();
    let app = &fx.app;
    let bankid = DemoBankId::start(app, Duration::from_millis(60)).await;
    let id = first_report(app);
    let (events, sink) = recorder();
    let err = app
        .sign_as_assistant_by_phone(
            id,
            CallInitiator::User,
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(
                DemoOutcome::DeclineCall,
                Signer::assistant_of(app, &bankid, id),
                sink,
            ),
        )
        .await
        .expect_err("a declined call signs nothing");
    let SigningError::OrderFailed {
        hint,
        rfa,
        message,
        text,
        offer_new_order,
    } = &err
    else {
        panic!("the order failed at BankID, got {err:?}");
    };
    assert_eq!(
        (text.render(Lang::Sv), text.code()),
        (message.clone(), "bankid_assistid_phone_declined"),
        "the message's code names our own phone text; Swedish is the message as it was"
    );
    assert_eq!(
        err.ipc_error(Lang::En).message,
        "Action cancelled. You stated in the BankID app that you are not in a call with us.",
        "in English mode the coordinator reads our phone text in English"
    );
    assert_eq!(hint, "userDeclinedCall");
    assert_eq!(*rfa, "ASSISTID-PHONE-DECLINED");
    assert!(
        message.contains("inte är i ett samtal"),
        "the coordinator is told plainly what the assistant answered: {message}"
    );
    assert!(!offer_new_order, "not automatically asked again");
    assert!(
        message_ids(&events).contains(&"ASSISTID-PHONE-DECLINED"),
        "and it is shown live"
    );
    assert!(
        app.signatures_for_report(id).expect("readable").is_empty(),
        "nothing was stored"
    );
    let status = app.signing_status(october(), Utc::now()).expect("status");
    assert_eq!(
        status
            .iter()
            .find(|s| s.report_id == id)
            .expect("listed")
            .state,
        "unsigned",
        "the report is still unsigned"
    );
    let store = Store::open_in_data_dir(
        fx.dir.path(),
        &assistid_store::KeySource::File(fx.dir.path().join("test.key")),
    )
    .expect("the store opens beside the app");
    assert!(
        !store
            .report_version_by_id(id)
            .expect("read")
            .expect("exists")
            .is_frozen(),
        "and not frozen"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_signs_the_batch_by_phone() {
    let fx = fixture();
    let app = &fx.app;
    let bankid = DemoBankId::start(app, Duration::from_millis(60)).await;
    let id = first_report(app);
    let (_, quiet) = recorder();
    app.sign_as_assistant_by_phone(
        id,
        CallInitiator::Rp,
        &bankid,
        &options(),
        &CancelSignal::new(),
        &mut bankid.acting(
            DemoOutcome::Approve,
            Signer::assistant_of(app, &bankid, id),
            quiet,
        ),
    )
    .await
    .expect("the assistant signs");
    if app
        .signatories()
        .expect("readable")
        .iter()
        .all(|s| s.personnummer.digits() != SIGNATORY)
    {
        app.add_signatory(SIGNATORY, "Karin", "Lindqvist", Utc::now())
            .expect("a signatory");
    }
    let signatory = Personnummer::from_digits(SIGNATORY).expect("valid");
    let signed = app
        .sign_as_provider_by_phone(
            october(),
            Some(&[id]),
            &signatory,
            CallInitiator::User,
            &bankid,
            &options(),
            &CancelSignal::new(),
            &mut bankid.acting(
                DemoOutcome::Approve,
                Signer::named(&signatory, "Karin Lindqvist"),
                recorder().1,
            ),
        )
        .await
        .expect("the signatory signs by phone");
    assert_eq!(signed.orders.len(), 1);
    let fake = bankid.fake.clone();
    let last_phone = fake
        .requests()
        .into_iter()
        .rev()
        .find(|(p, _)| p == "phone/sign")
        .expect("phone orders");
    assert_eq!(
        last_phone.1["personalNumber"], SIGNATORY,
        "pinned to the signatory"
    );
    assert_eq!(last_phone.1["callInitiator"], "user");
    let roles: Vec<SignerRole> = app
        .signatures_for_report(id)
        .expect("readable")
        .iter()
        .map(|s| s.role)
        .collect();
    assert!(roles.contains(&SignerRole::Provider), "{roles:?}");
}
