//! Phone orders (`/phone/sign`) against the fake BankID over real mutual TLS: what is sent,
//! the order's life as the assistant's BankID app lives it (the call confirmed, then signed),
//! and every way it can end without a signature.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use assistid_bankid::messages::{Lang, MessageKey, StartMode, message};
use assistid_bankid::order::{self, CancelSignal, DriveOptions, OrderEvent, OrderOutcome};
use assistid_bankid::types::{CallInitiator, HintCode, PhoneSignRequest, SignData, Status};
use assistid_bankid::{Client, Expected, verify_signature};
use assistid_core::ids::Personnummer;
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig, FakeBankIdError};
use chrono::Utc;

use crate::support::{fake_and_client, fast};

const ANNA: &str = "199001011239";
const BERTIL: &str = "198001019879";

fn anna() -> Personnummer {
    Personnummer::from_digits(ANNA).expect("Anna's test personnummer is valid")
}

fn data() -> SignData {
    SignData::new("# Tidredovisning **mars 2026**", Some(b"r1,0123abcd")).expect("short")
}

fn options() -> DriveOptions {
    DriveOptions {
        collect_interval: Duration::from_millis(20),
        ..DriveOptions::phone()
    }
}

async fn start(
    fake_config: FakeBankIdConfig,
    initiator: CallInitiator,
) -> (FakeBankId, Client, order::StartedOrder) {
    let (fake, client) = fake_and_client(fake_config).await;
    let started =
        order::start_phone_sign(&client, &PhoneSignRequest::new(&anna(), initiator, &data()))
            .await
            .expect("the fake accepts the phone order");
    (fake, client, started)
}

async fn drive(client: &Client, started: &order::StartedOrder) -> (OrderOutcome, Vec<OrderEvent>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let outcome = order::drive(client, started, options(), &CancelSignal::new(), move |e| {
        sink.lock().expect("not poisoned").push(e);
    })
    .await
    .expect("the order runs to its end");
    let events = events.lock().expect("not poisoned").clone();
    (outcome, events)
}

fn failed_hint(outcome: &OrderOutcome) -> HintCode {
    match outcome {
        OrderOutcome::Failed { hint } => hint.clone(),
        other => panic!("the order should have failed, got {other:?}"),
    }
}

#[tokio::test]
async fn the_request_is_bankids_phone_order_and_has_no_qr_code() {
    let (fake, client, started) = start(fast(), CallInitiator::Rp).await;
    let requests = fake.requests();
    let (path, body) = requests.first().expect("one request arrived");
    assert_eq!(path, "phone/sign", "a phone order goes to /phone/sign");
    assert_eq!(
        body["personalNumber"], ANNA,
        "the person is a top-level field"
    );
    assert_eq!(
        body["callInitiator"], "RP",
        "the coordinator called: \"RP\""
    );
    assert_eq!(body["userVisibleDataFormat"], "simpleMarkdownV1");
    assert_eq!(body["userVisibleData"], data().user_visible_data());
    assert_eq!(body["userNonVisibleData"], "cjEsMDEyM2FiY2Q=");
    assert!(
        body.get("endUserIp").is_none() && body.get("requirement").is_none(),
        "a phone order has no endUserIp (the user is not here) and no requirement unless asked: {body}"
    );
    assert!(started.is_phone(), "the order knows it is a phone order");
    fake.user(&started.order_ref)
        .approve_as(ANNA, "Anna Andersson")
        .expect("Anna's own app has the order");
    let (_, events) = drive(&client, &started).await;
    assert!(
        !events.iter().any(|e| matches!(e, OrderEvent::Qr(_))),
        "no QR code is ever drawn for a phone order: {events:?}"
    );
}

#[tokio::test]
async fn the_user_calling_is_sent_as_user() {
    let (fake, _client, _started) = start(fast(), CallInitiator::User).await;
    assert_eq!(
        fake.requests()[0].1["callInitiator"],
        "user",
        "the assistant called the coordinator: \"user\", in BankID's lower case"
    );
}

#[tokio::test]
async fn approved_the_call_is_confirmed_then_signed_and_the_signature_verifies() {
    let (fake, client, started) = start(fast(), CallInitiator::Rp).await;
    let first = client
        .collect(&started.order_ref)
        .await
        .expect("collect works");
    assert_eq!(
        (first.status, first.hint_code),
        (Status::Pending, Some(HintCode::OutstandingTransaction)),
        "the order waits for the assistant's app"
    );
    fake.user(&started.order_ref)
        .approve_as(ANNA, "Anna Andersson")
        .expect("Anna's own app has the order");
    let (outcome, events) = drive(&client, &started).await;
    let pending: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            OrderEvent::Pending { hint } => hint.clone(),
            OrderEvent::Qr(_) => None,
            _ => None,
        })
        .collect();
    assert_eq!(
        pending,
        vec![HintCode::UserCallConfirm, HintCode::UserSign],
        "the app first asks whether the user is in a call with us, then lets them sign"
    );
    let confirm = events[0]
        .message(StartMode::Phone, Lang::Sv)
        .expect("a pending event has a message");
    assert_eq!(
        confirm.text, "Bekräfta i BankID-appen att du är i ett samtal med oss.",
        "the coordinator can read the step to the assistant"
    );
    let OrderOutcome::Completed(done) = outcome else {
        panic!("the approved phone order completes, got {outcome:?}");
    };
    let data = data();
    let xml = done.signature_xml().expect("base64");
    let verified = verify_signature(
        &xml,
        &Expected {
            user_visible_data: data.user_visible_data(),
            user_non_visible_data: data.user_non_visible_data(),
            personal_number: ANNA,
        },
        &done.user.personal_number,
        &[fake.user_root_der().to_vec()],
        Utc::now(),
    )
    .expect("a phone order's signature is an ordinary BankID signature and verifies");
    assert_eq!(verified.personal_number, ANNA);
}

#[tokio::test]
async fn cancelled_by_the_user_in_the_app() {
    let (fake, client, started) = start(fast(), CallInitiator::Rp).await;
    fake.user(&started.order_ref)
        .open()
        .expect("the app opens the order");
    fake.user(&started.order_ref)
        .cancel()
        .expect("the user cancels");
    let (outcome, _) = drive(&client, &started).await;
    assert_eq!(failed_hint(&outcome), HintCode::UserCancel);
    let m = outcome
        .message(StartMode::Phone, Lang::Sv)
        .expect("a failed order has a message");
    assert_eq!((m.id, m.text), ("RFA6", "Åtgärden avbruten."));
}

#[tokio::test]
async fn the_user_says_no_call_is_going_on() {
    let (fake, client, started) = start(fast(), CallInitiator::Rp).await;
    fake.user(&started.order_ref)
        .open()
        .expect("the app opens the order");
    let first = client
        .collect(&started.order_ref)
        .await
        .expect("collect works");
    assert_eq!(
        first.hint_code,
        Some(HintCode::UserCallConfirm),
        "the app asks about the call before anything can be signed"
    );
    fake.user(&started.order_ref)
        .decline_call()
        .expect("the user says they are not in a call");
    let (outcome, _) = drive(&client, &started).await;
    assert_eq!(
        failed_hint(&outcome),
        HintCode::UserDeclinedCall,
        "BankID ends the order with userDeclinedCall"
    );
    assert!(
        !outcome.offers_new_order(),
        "someone who says no call is going on is not asked again automatically"
    );
    let sv = outcome
        .message(StartMode::Phone, Lang::Sv)
        .expect("message");
    let en = outcome
        .message(StartMode::Phone, Lang::En)
        .expect("message");
    assert_eq!(
        sv.id, "ASSISTID-PHONE-DECLINED",
        "our own id, not an RFA number"
    );
    assert!(
        sv.text.contains("inte är i ett samtal") && en.text.contains("not in a call"),
        "the message says what the user answered: {sv:?} / {en:?}"
    );
}

#[tokio::test]
async fn expired_when_nobody_picks_the_order_up() {
    let config = FakeBankIdConfig {
        start_timeout: Duration::from_millis(150),
        ..fast()
    };
    let (_fake, client, started) = start(config, CallInitiator::Rp).await;
    let (outcome, _) = drive(&client, &started).await;
    assert_eq!(
        failed_hint(&outcome),
        HintCode::ExpiredTransaction,
        "a phone order has no QR code to fail to scan: it expires"
    );
    let m = outcome
        .message(StartMode::Phone, Lang::Sv)
        .expect("message");
    assert_eq!(m.id, "RFA8");
    assert!(
        outcome.offers_new_order(),
        "an expired order may be started again"
    );
}

#[tokio::test]
async fn the_wrong_person_is_refused_the_order_is_pinned_to_its_personnummer() {
    let (fake, client, started) = start(fast(), CallInitiator::Rp).await;
    let refused = fake
        .user(&started.order_ref)
        .approve_as(BERTIL, "Bertil Berg");
    assert!(
        matches!(refused, Err(FakeBankIdError::WrongPerson)),
        "only Anna's app gets Anna's phone order: {refused:?}"
    );
    let still = client
        .collect(&started.order_ref)
        .await
        .expect("collect works");
    assert_eq!(
        (still.status, still.hint_code),
        (Status::Pending, Some(HintCode::OutstandingTransaction)),
        "the order still waits for Anna; nothing was signed"
    );
    // The coordinator gives up: the order is cancelled at BankID.
    let cancel = CancelSignal::new();
    cancel.cancel();
    let outcome = order::drive(&client, &started, options(), &cancel, |_| {})
        .await
        .expect("cancelling is not an error");
    assert!(matches!(outcome, OrderOutcome::Cancelled), "{outcome:?}");
    assert!(
        fake.requests().iter().any(|(path, _)| path == "cancel"),
        "the coordinator's cancel reaches BankID"
    );
    assert!(fake.pending_orders().is_empty(), "no order is left open");
}

#[tokio::test]
async fn an_app_too_old_for_phone_orders_asks_for_an_update() {
    let (fake, client, started) = start(fast(), CallInitiator::User).await;
    fake.user(&started.order_ref)
        .not_supported()
        .expect("order exists");
    let (outcome, _) = drive(&client, &started).await;
    assert_eq!(failed_hint(&outcome), HintCode::NotSupportedByUserApp);
    let m = outcome
        .message(StartMode::Phone, Lang::Sv)
        .expect("message");
    assert!(
        m.text.contains("uppdateras"),
        "the user is told to update the app: {m:?}"
    );
}

#[tokio::test]
async fn a_second_phone_order_for_the_same_person_is_already_in_progress() {
    let (fake, client, first) = start(fast(), CallInitiator::Rp).await;
    let second = order::start_phone_sign(
        &client,
        &PhoneSignRequest::new(&anna(), CallInitiator::Rp, &data()),
    )
    .await
    .expect_err("BankID refuses a second order for the same person");
    assert_eq!(second.code(), "bankid_already_in_progress");
    assert_eq!(
        message(
            MessageKey::Error(&assistid_bankid::ErrorCode::AlreadyInProgress),
            StartMode::Phone,
            Lang::Sv
        )
        .id,
        "RFA4"
    );
    let (outcome, _) = drive(&client, &first).await;
    assert_eq!(
        failed_hint(&outcome),
        HintCode::Cancelled,
        "and cancels the first one, as BankID does"
    );
    drop(fake);
}

#[test]
fn nothing_invalid_can_be_sent() {
    assert!(
        Personnummer::from_digits("199001011238").is_err(),
        "a wrong control digit never becomes a phone order's personalNumber"
    );
    assert!(
        Personnummer::from_digits("199001611236").is_err(),
        "nor a samordningsnummer, which has no BankID"
    );
    let too_long = "x".repeat(30_001);
    assert!(
        SignData::new(&too_long, None).is_err(),
        "nor a text over BankID's 40 000 base64 characters"
    );
    let request = PhoneSignRequest::new(&anna(), CallInitiator::Rp, &data());
    let debug = format!("{request:?}");
    assert!(
        !debug.contains(ANNA) && !debug.contains(data().user_visible_data()),
        "Debug shows neither the personnummer nor the text: {debug}"
    );
}

#[test]
fn phone_messages_exist_in_both_languages_and_other_orders_keep_bankids() {
    for (hint, pending) in [
        (HintCode::UserCallConfirm, true),
        (HintCode::UserDeclinedCall, false),
        (HintCode::NotSupportedByUserApp, false),
    ] {
        let key = if pending {
            MessageKey::Pending(Some(&hint))
        } else {
            MessageKey::Failed(Some(&hint))
        };
        let sv = message(key, StartMode::Phone, Lang::Sv);
        let en = message(key, StartMode::Phone, Lang::En);
        assert!(sv.id.starts_with("ASSISTID-"), "{hint}: our own id, {sv:?}");
        assert_eq!(sv.id, en.id);
        assert_ne!(sv.text, en.text, "{hint}: Swedish and English differ");
        let qr = message(key, StartMode::Qr, Lang::Sv);
        assert!(
            qr.id.starts_with("RFA"),
            "{hint} in a QR order keeps BankID's RFA: {qr:?}"
        );
    }
    assert_eq!(
        message(
            MessageKey::Pending(Some(&HintCode::OutstandingTransaction)),
            StartMode::Phone,
            Lang::Sv
        )
        .id,
        "RFA1",
        "waiting for the app of a phone order: start the BankID app"
    );
}
