//! Signing from the window: the shell maps the dialog's choice (QR code, or a phone call and
//! who called whom) to the app layer's options and nothing else; a phone order started with
//! those options reaches BankID's `/phone/sign` for the signer and is signed as every order is.

use std::sync::Arc;
use std::time::Duration;

use assistid_app::signing::{
    CallInitiator, CancelSignal, SigningError, SigningEvent, StandInBankId, StartMode,
};
use assistid_desktop::{convert, ipc, signing};
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
use chrono::{TimeZone as _, Utc};

use crate::boundary::demo_app;

#[test]
fn the_dialogs_choice_maps_to_the_start_mode_and_the_call_initiator() {
    let qr = signing::options(None);
    assert_eq!(
        qr.start_mode,
        StartMode::Qr,
        "without a call the order starts with the QR code, as before"
    );
    let we_call = signing::options(Some(ipc::CallInitiator::Rp));
    assert_eq!(
        we_call.start_mode,
        StartMode::Phone,
        "\"Vi ringer upp\" is a phone order"
    );
    assert_eq!(
        we_call.call_initiator,
        CallInitiator::Rp,
        "\"Vi ringer upp\": the provider called, BankID's callInitiator RP"
    );
    let they_call = signing::options(Some(ipc::CallInitiator::User));
    assert_eq!(
        they_call.start_mode,
        StartMode::Phone,
        "\"Assistenten ringer oss\" is a phone order"
    );
    assert_eq!(
        they_call.call_initiator,
        CallInitiator::User,
        "\"Assistenten ringer oss\": the signer called, BankID's callInitiator user"
    );
}

/// What the simulated BankID app does with the phone order.
#[derive(Clone, Copy)]
enum InTheApp {
    Approve,
    DeclineCall,
}

/// Prepares the assistant's order for the demo's first clean report the way the window's
/// `start_signing` does, and signs it with the shell's options for "the assistant called us";
/// the fake BankID's app acts as soon as the order has started.
fn sign_by_phone(
    act: InTheApp,
) -> (
    tempfile::TempDir,
    assistid_app::App,
    uuid::Uuid,
    Arc<FakeBankId>,
    Vec<SigningEvent>,
    Result<assistid_app::signing::SignedOrder, SigningError>,
) {
    let (dir, app) = demo_app();
    let month = convert::month("2026-10").expect("a valid month");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("a valid instant");
    let overview = app
        .month_overview(month, assistid_app::core_types::text::Lang::Sv, now)
        .expect("the demo month's overview");
    let target = overview
        .reports
        .iter()
        .find(|r| r.error_count == 0)
        .and_then(|r| r.report_id.clone())
        .expect("the demo has a report without errors");
    let id = uuid::Uuid::parse_str(&target).expect("report ids are UUIDs");
    let mut orders = signing::prepare(&app, &target, ipc::SignerRole::Assistant)
        .expect("the assistant's order is prepared");
    assert_eq!(orders.len(), 1, "one report, one order");
    let order = orders.remove(0);
    let mut options = signing::options(Some(ipc::CallInitiator::User));
    options.collect_interval = Duration::from_millis(40);
    let (fake, events, signed) = tauri::async_runtime::block_on(async {
        let fake = Arc::new(
            FakeBankId::start(FakeBankIdConfig::default())
                .await
                .expect("the demo BankID starts"),
        );
        let connection = app
            .connect_stand_in_bankid(StandInBankId {
                base_url: fake.base_url(),
                tls_root_pem: fake.ssl_root_pem().to_owned(),
                rp_identity_pem: assistid_app::core_types::secret::Sensitive::new(
                    fake.client_identity_pem().expect("the RP identity"),
                ),
                user_root_der: fake.user_root_der().to_vec(),
            })
            .expect("the demo folder takes the demo's BankID");
        let signer = order
            .simulated_signer(&connection)
            .expect("a demo order may be approved by the simulated app");
        let (pnr, name) = (
            signer.personnummer.digits().to_owned(),
            signer.name.to_owned(),
        );
        let mut events = Vec::new();
        let in_app = fake.clone();
        let signed = order
            .sign(&connection, &options, &CancelSignal::new(), &mut |event| {
                if let SigningEvent::OrderStarted { order_ref, .. } = &event {
                    let user = in_app.user(order_ref);
                    let acted = match act {
                        InTheApp::Approve => user.approve_as(&pnr, &name),
                        InTheApp::DeclineCall => user.decline_call(),
                    };
                    acted.expect("the simulated app reaches the phone order");
                }
                events.push(event);
            })
            .await;
        (fake, events, signed)
    });
    (dir, app, id, fake, events, signed)
}

#[test]
fn an_assistant_signs_by_phone_with_the_shells_options() {
    let (_dir, app, id, fake, events, signed) = sign_by_phone(InTheApp::Approve);
    let signed = signed.expect("the assistant approves on their own phone and it verifies");
    let requests = fake.requests();
    let (path, body) = requests.first().expect("BankID got the order");
    assert_eq!(
        path, "phone/sign",
        "the shell's options start a phone order"
    );
    assert_eq!(
        body["callInitiator"], "user",
        "BankID is told the assistant called us, as chosen in the dialog"
    );
    assert!(
        events.iter().all(|e| !matches!(e, SigningEvent::Qr { .. })),
        "a phone order shows no QR code"
    );
    assert!(
        events.iter().any(|e| matches!(
            e,
            SigningEvent::OrderStarted { autostart_url, .. } if autostart_url.is_empty()
        )),
        "and has no link to the BankID app on this computer"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SigningEvent::Message { .. })),
        "BankID's status reaches the dialog live"
    );
    app.store_signature(&signed)
        .expect("the phone signature is stored like any other");
    assert_eq!(
        app.signatures_for_report(id).expect("readable").len(),
        1,
        "the report now carries the assistant's signature"
    );
}

#[test]
fn an_assistant_who_says_no_call_is_going_on_signs_nothing() {
    let (_dir, app, id, _fake, _events, signed) = sign_by_phone(InTheApp::DeclineCall);
    let Err(SigningError::OrderFailed { hint, rfa, .. }) = &signed else {
        panic!("a declined call must end the order at BankID, got {signed:?}");
    };
    assert_eq!(
        hint, "userDeclinedCall",
        "the dialog learns why: the assistant said there is no call"
    );
    assert_eq!(
        *rfa, "ASSISTID-PHONE-DECLINED",
        "and shows the phone message"
    );
    assert!(
        app.signatures_for_report(id).expect("readable").is_empty(),
        "nothing is stored"
    );
}
