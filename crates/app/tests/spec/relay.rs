//! Sending through the vendor's relay (issue 17): a real `assistid-relay` started in-process
//! on a throwaway PostgreSQL cluster (the relay's test kit, `assistid_relay::testing`: `crate::pg`
//! and `crate::support`), the fake FK behind it over mutual TLS, and a real encrypted data folder
//! that enrols with a one-time code, signs its month with BankID's test service and sends.

use std::time::Duration;

use assistid_app::App;
use assistid_app::signing::BankIdSettings;
use assistid_app::submit::{Decision, RelayFollow, SendingMode, SubmissionView};
use assistid_elt::Environment;
use assistid_fakes::bankid::UserCertificateAuthority;
use assistid_fakes::fk::Behaviour;
use assistid_store::{DataKind, SignatureEnvironment, Store, SubmissionId};
use chrono::Utc;

use crate::submit::{Folder, month, sign_month_in};
use crate::support::Setup;
use assistid_app::views::SubmissionState as ViewState;

/// A folder with real data in FK's test service, its month signed with the BankID whose
/// root the relay trusts (the fake BankID's process-wide CA), and the relay's address.
fn signed_real_folder() -> (Folder, App, Vec<uuid::Uuid>) {
    let folder = Folder::demo();
    Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens")
    .set_data_kind(DataKind::Real, Utc::now())
    .expect("marked as real data");
    let app = folder.open();
    app.set_environment(Environment::Test, Utc::now())
        .expect("the folder works in FK's test service");
    let bankid = UserCertificateAuthority::process_wide().expect("the fake BankID's CA");
    let root = folder.dir.path().join("bankid-root.der");
    std::fs::write(&root, bankid.root_der()).expect("the root file is written");
    app.save_bankid_settings(
        &BankIdSettings {
            rp_certificate: None,
            user_root_ca: Some(root),
        },
        Utc::now(),
    )
    .expect("the root is set");
    let signed = sign_month_in(
        folder.dir.path(),
        &folder.key(),
        SignatureEnvironment::Test,
        &bankid,
        |_, b| b,
    );
    assert!(!signed.is_empty(), "the month has reports to send");
    (folder, app, signed)
}

/// The queued submissions whose report names the provider (`assistansanordnare`), for the
/// refusal of another provider's report: a report of an assistant employed by the person with
/// assistance names no organisation and is judged by the person's binding instead
/// (crates/relay/tests/spec/refusals.rs).
fn naming_the_provider(folder: &Folder, ids: &[SubmissionId]) -> Vec<SubmissionId> {
    let store = Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens");
    ids.iter()
        .copied()
        .filter(|id| {
            let submission = store.submission(*id).expect("readable").expect("there");
            let version = store
                .report_version_by_id(submission.report_id)
                .expect("readable")
                .expect("there");
            String::from_utf8_lossy(&version.document).contains("<assistansanordnare>")
        })
        .collect()
}

fn provider_digits(app: &App) -> String {
    app.provider()
        .expect("readable")
        .expect("the demo provider")
        .org_number
        .digits()
        .to_owned()
}

fn follow() -> RelayFollow {
    RelayFollow {
        max_wait: Duration::from_secs(30),
        poll: Duration::from_secs(5),
    }
}

async fn send(app: &App, ids: &[SubmissionId]) -> Vec<SubmissionView> {
    app.send_run_via_relay(ids, &follow(), &Utc::now, &mut |_, _, _| {})
        .await
        .expect("the run through the relay completes")
        .results
}

async fn enrolled(setup: &Setup, app: &App) {
    let code = setup.code(&provider_digits(app)).await;
    let status = app
        .enrol_with_relay(&setup.url(0), &code, Some(&setup.ca_pem), Utc::now())
        .await
        .expect("the enrolment with the vendor's code succeeds");
    assert_eq!(
        status.mode,
        SendingMode::Relay,
        "the folder now sends through the relay"
    );
    assert_eq!(
        status.provider.as_deref(),
        Some(provider_digits(app).as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolled_folder_sends_its_signed_month_through_the_relay_and_keeps_every_tx_id() {
    let setup = Setup::start(1, 30).await;
    let (folder, app, _) = signed_real_folder();
    assert_eq!(
        app.sending_mode().expect("readable"),
        SendingMode::Direct,
        "a folder sends directly until it enrols"
    );
    enrolled(&setup, &app).await;
    let code = setup.code(&provider_digits(&app)).await;
    let again = app
        .enrol_with_relay(&setup.url(0), &code, Some(&setup.ca_pem), Utc::now())
        .await
        .expect("enrolling again with a new code replaces the certificate");
    assert!(again.installation_id.is_some());

    let (ids, skipped) = app
        .queue_month(month(), Environment::Test, Utc::now())
        .expect("queued for FK's test service");
    assert!(skipped.is_empty(), "every report is queued: {skipped:?}");
    let naming = naming_the_provider(&folder, &ids);
    assert!(
        naming.len() >= 2 && naming.len() < ids.len(),
        "the demo month has reports naming the provider and reports whose assistant the \
         person employs, and all of them are sent"
    );
    let results = send(&app, &ids).await;
    assert_eq!(results.len(), ids.len(), "every submission reached a state");
    for view in &results {
        assert_eq!(
            view.state,
            ViewState::Accepted,
            "FK accepted it through the relay: {view:?}"
        );
        let tx = view.tx_id.as_deref().expect("the tx-id is stored locally");
        let attempts = app
            .submission_attempts(SubmissionId::new(view.id))
            .expect("attempts are stored");
        assert_eq!(attempts.len(), 1, "one handover per report");
        let answer = attempts[0]
            .answer
            .as_deref()
            .expect("FK's raw answer is kept");
        assert!(
            String::from_utf8_lossy(answer).contains(tx),
            "the raw answer the relay passed on holds the tx-id"
        );
    }
    assert_eq!(
        setup.fk.requests().len(),
        ids.len(),
        "the fake FK got each report once"
    );
    assert_eq!(setup.fk.rate_violations(), 0, "the relay kept FK's pace");

    // Back to direct sending: the relay's certificate and key are gone.
    let left = app.leave_relay(Utc::now()).expect("back to direct sending");
    assert_eq!(left.mode, SendingMode::Direct);
    assert!(left.address.is_none() && left.installation_id.is_none());
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_said_clearly_and_nothing_is_half_stored() {
    let setup = Setup::start(1, 30).await;
    let (folder, app, _) = signed_real_folder();

    // A code for another organisationsnummer is refused before anything is stored.
    let other = crate::support::orgnr("559000123");
    let code = setup.code(&other).await;
    let err = app
        .enrol_with_relay(&setup.url(0), &code, Some(&setup.ca_pem), Utc::now())
        .await
        .expect_err("a code for another provider is refused");
    assert!(
        err.to_string().contains(&other) && err.to_string().contains("be leverantören om en kod"),
        "the message names the other number and what to do: {err}"
    );
    let unused: i64 = setup
        .pool()
        .get()
        .await
        .expect("a connection")
        .query_one(
            "SELECT count(*) FROM enrolment_codes WHERE used_at IS NULL",
            &[],
        )
        .await
        .expect("counted")
        .get(0);
    assert_eq!(
        unused, 1,
        "the relay refused the code before using it up: it still works for its provider"
    );
    assert_eq!(app.sending_mode().expect("readable"), SendingMode::Direct);
    assert!(
        app.relay_status().expect("readable").address.is_none(),
        "nothing stored"
    );

    // A wrong code: the relay's own words.
    let err = app
        .enrol_with_relay(
            &setup.url(0),
            "AAAA-BBBB-CCCC-DDDD-EEEE",
            Some(&setup.ca_pem),
            Utc::now(),
        )
        .await
        .expect_err("an unknown code is refused");
    assert!(
        err.to_string().contains("enrolment_code_invalid"),
        "the relay's refusal is passed on: {err}"
    );

    // The relay refuses a report that names another provider than the enrolled one.
    enrolled(&setup, &app).await;
    let installation = app
        .relay_status()
        .expect("readable")
        .installation_id
        .expect("enrolled");
    let db = crate::pg::shared()
        .connect(
            setup
                .database_url
                .rsplit("dbname=")
                .next()
                .expect("a database name"),
        )
        .await;
    db.execute(
        "UPDATE installations SET provider_orgnr = $1 WHERE id = $2::text::uuid",
        &[&other, &installation],
    )
    .await
    .expect("the installation now stands for another provider");
    let (ids, _) = app
        .queue_month(month(), Environment::Test, Utc::now())
        .expect("queued");
    let ids = naming_the_provider(&folder, &ids);
    let results = send(&app, &ids[..1]).await;
    assert_eq!(results[0].state, ViewState::FailedFinal, "{:?}", results[0]);
    let message = results[0].message.clone().unwrap_or_default();
    assert!(
        message.contains("Relayn nekade") && message.contains("wrong_provider"),
        "the coordinator reads that the relay refused it and why: {message}"
    );
    assert!(setup.fk.requests().is_empty(), "nothing reached FK");
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncertain_report_is_decided_from_the_installation_and_the_relay_follows() {
    let setup = Setup::start(1, 30).await;
    let (folder, app, _) = signed_real_folder();
    enrolled(&setup, &app).await;
    let (ids, _) = app
        .queue_month(month(), Environment::Test, Utc::now())
        .expect("queued");
    let ids = naming_the_provider(&folder, &ids);
    let first = ids[..1].to_vec();
    setup.fk.script(Behaviour::DropAfterBody);
    let results = send(&app, &first).await;
    assert_eq!(
        results[0].state,
        ViewState::Uncertain,
        "FK's dropped answer makes it uncertain here too: {:?}",
        results[0]
    );
    assert_eq!(setup.fk.requests().len(), 1);

    // Never resent by itself: another run leaves it alone.
    let again = send(&app, &first).await;
    assert_eq!(again[0].state, ViewState::Uncertain);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        setup.fk.requests().len(),
        1,
        "an uncertain report is not resent"
    );

    // The coordinator decides to resend: the relay queues it again and FK accepts it.
    let decided = app
        .decide_uncertain_via_relay(first[0], Decision::Resend, Utc::now())
        .await
        .expect("the decision goes to the relay");
    assert_eq!(decided.state, ViewState::Queued);
    let results = send(&app, &first).await;
    assert_eq!(results[0].state, ViewState::Accepted, "{:?}", results[0]);
    assert!(results[0].tx_id.is_some(), "the tx-id is stored locally");
    assert_eq!(
        setup.fk.requests().len(),
        2,
        "sent once more, on the decision"
    );

    // A decision not to send goes to the relay as well.
    let second = ids[1..2].to_vec();
    setup.fk.script(Behaviour::DropAfterBody);
    assert_eq!(send(&app, &second).await[0].state, ViewState::Uncertain);
    let abandoned = app
        .decide_uncertain_via_relay(second[0], Decision::Abandon, Utc::now())
        .await
        .expect("do not send");
    assert_eq!(abandoned.state, ViewState::Abandoned, "{abandoned:?}");
    setup.stop().await;
}

/// A folder with real data in FK's test service, nothing signed, no RP certificate of its own:
/// only the BankID root of the vendor's BankID (the fakes' process-wide CA) is trusted.
fn unsigned_real_folder() -> (Folder, App) {
    let folder = Folder::demo();
    Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens")
    .set_data_kind(DataKind::Real, Utc::now())
    .expect("marked as real data");
    let app = folder.open();
    app.set_environment(Environment::Test, Utc::now())
        .expect("the folder works in FK's test service");
    let root = folder.dir.path().join("bankid-root.der");
    std::fs::write(
        &root,
        UserCertificateAuthority::process_wide()
            .expect("the fake BankID's CA")
            .root_der(),
    )
    .expect("the root file is written");
    app.save_bankid_settings(
        &BankIdSettings {
            rp_certificate: None,
            user_root_ca: Some(root),
        },
        Utc::now(),
    )
    .expect("the root is set");
    (folder, app)
}

/// Approves every order the relay starts at the fake BankID as the person BankID was asked
/// for (the order's `requirement.personalNumber`), as the signer's own app would.
fn approving(
    bankid: &assistid_fakes::bankid::FakeBankId,
    events: std::sync::Arc<std::sync::Mutex<Vec<assistid_app::signing::SigningEvent>>>,
) -> impl FnMut(assistid_app::signing::SigningEvent) + Send + '_ {
    move |event| {
        if let assistid_app::signing::SigningEvent::OrderStarted { order_ref, .. } = &event {
            let requests = bankid.requests();
            let (_, sign) = requests.last().expect("the relay called BankID");
            let person = sign["requirement"]["personalNumber"]
                .as_str()
                .expect("a sign order names its signer")
                .to_owned();
            bankid
                .user(order_ref)
                .approve_as(&person, "Anna Andersson")
                .expect("the signer approves in the app");
        }
        events.lock().expect("the event list").push(event);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_signed_through_the_relay_with_the_vendors_bankid_is_then_sent_through_it() {
    use assistid_app::signing::{CancelSignal, SigningEvent, SigningOptions};
    use assistid_core::signtext::{relay_header, relay_text};

    let setup = Setup::start(1, 30).await;
    let (folder, app) = unsigned_real_folder();
    assert!(
        app.connect_bankid().is_err(),
        "before enrolling, a folder without an RP certificate cannot sign"
    );
    enrolled(&setup, &app).await;
    let connection = app
        .connect_bankid()
        .expect("an enrolled folder signs through the relay");
    assert!(connection.via_relay(), "orders go through the relay");
    assert_eq!(connection.base_url(), setup.url(0));
    let rp_step = app
        .going_live(Utc::now())
        .expect("the checklist")
        .into_iter()
        .find(|s| s.code == "bankid_rp")
        .expect("the RP certificate step");
    assert_eq!(
        rp_step.state,
        assistid_app::going_live::StepState::Done,
        "no RP certificate of the folder's own is needed through the relay: {}",
        rp_step.detail
    );
    // The reports that name the provider (the ones the relay forwards to FK).
    let review = app.month_review(month(), Utc::now()).expect("the review");
    let store = Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens beside the app");
    let ids: Vec<uuid::Uuid> = review
        .reports()
        .iter()
        .filter(|r| r.is_sendable())
        .filter_map(|r| r.id().and_then(|id| uuid::Uuid::parse_str(id).ok()))
        .filter(|id| {
            String::from_utf8_lossy(
                &store
                    .report_version_by_id(*id)
                    .expect("readable")
                    .expect("there")
                    .document,
            )
            .contains("<assistansanordnare>")
        })
        .take(2)
        .collect();
    assert_eq!(
        ids.len(),
        2,
        "the demo month has reports naming the provider"
    );
    let options = SigningOptions {
        collect_interval: Duration::from_millis(50),
        qr_interval: Duration::from_millis(50),
        ..SigningOptions::default()
    };
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    for &id in &ids {
        app.sign_as_assistant(
            id,
            &connection,
            &options,
            &CancelSignal::new(),
            &mut approving(&setup.bankid, events.clone()),
        )
        .await
        .expect("the assistant signs through the relay; the signature is verified and stored");
    }
    let registered = app
        .provider()
        .expect("readable")
        .expect("the demo provider");
    let provider = registered.org_number.clone();
    let (_, first) = setup.bankid.requests()[0].clone();
    let shown = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        first["userVisibleData"].as_str().expect("a text"),
    )
    .expect("base64");
    let shown = String::from_utf8(shown).expect("UTF-8");
    assert!(
        shown.starts_with(&format!(
            "{}\n\n",
            relay_header(&provider, Some(&registered.name))
        )),
        "the signer read the provider's name (sent at enrolment) and enrolled number first: \
         {shown}"
    );
    let seen = events.lock().expect("events").clone();
    assert!(
        seen.iter()
            .any(|e| matches!(e, SigningEvent::Qr { content } if content.starts_with("bankid."))),
        "the QR code came from the relay"
    );
    assert!(
        seen.iter()
            .any(|e| matches!(e, SigningEvent::Message { id: "RFA9", .. })),
        "BankID's message for a signing user was shown: {seen:?}"
    );

    app.add_signatory("197001019871", "Karin", "Lindqvist", Utc::now())
        .expect("the provider's signatory");
    let signatory = assistid_core::ids::Personnummer::from_digits("197001019871")
        .expect("a valid personnummer");
    // BankID's limit counts the relay's first line: an order whose own text just fits is
    // split (or refused), never sent to be refused at the relay.
    let plan = |visible| {
        app.prepare_provider_signing(
            month(),
            Some(&ids),
            &signatory,
            assistid_app::signing::OrderLimits {
                visible,
                ..assistid_app::signing::OrderLimits::default()
            },
            Utc::now(),
        )
    };
    let longest = plan(assistid_app::signing::OrderLimits::default().visible)
        .expect("the provider's orders")
        .orders
        .iter()
        .map(|o| o.visible_text().len())
        .max()
        .expect("at least one order");
    let tight = assistid_bankid::types::base64_len(longest);
    match plan(tight) {
        Ok(tight_plan) => {
            for order in &tight_plan.orders {
                let shown = relay_text(&provider, Some(&registered.name), order.visible_text());
                assert!(
                    assistid_bankid::types::base64_len(shown.len()) <= tight,
                    "every order fits with the relay's first line"
                );
            }
        }
        Err(e) => assert_eq!(e.code(), "order_too_large", "{e}"),
    }
    let provider_signed = app
        .sign_as_provider(
            month(),
            Some(&ids),
            &signatory,
            &connection,
            &options,
            &CancelSignal::new(),
            &mut approving(&setup.bankid, events.clone()),
        )
        .await
        .expect("the provider signs through the relay");
    assert!(!provider_signed.orders.is_empty(), "the provider signed");
    assert!(
        setup
            .bankid
            .requests()
            .iter()
            .all(|(path, _)| path == "sign" || path == "collect"),
        "every order went to BankID as a QR order, collected through the relay"
    );

    // "Testa BankID" tests the vendor's BankID through the relay: an order started with the
    // vendor's certificate and cancelled at once, nobody asked to sign.
    let before = setup.bankid.requests().len();
    let checked = assistid_app::going_live::check_bankid(&connection).await;
    assert!(
        checked.ok && checked.code == "ok",
        "the test runs through the relay and BankID accepts it: {checked:?}"
    );
    assert!(
        checked.message.contains(setup.url(0).as_str()),
        "the message says it went through the relay's address: {}",
        checked.message
    );
    let calls: Vec<String> = setup.bankid.requests()[before..]
        .iter()
        .map(|(path, _)| path.clone())
        .collect();
    assert_eq!(
        calls,
        ["sign", "cancel"],
        "the relay started one order at BankID and cancelled it at once"
    );
    let (_, test_order) = setup.bankid.requests()[before].clone();
    assert!(
        test_order.get("userNonVisibleData").is_none()
            && test_order
                .get("requirement")
                .is_none_or(|r| r.get("personalNumber").is_none()),
        "the test order carries nothing to sign and no signer: {test_order}"
    );

    // Sent through the same relay: FK accepts both with the signatures made through it.
    let (queued, skipped) = app
        .queue_month(month(), Environment::Test, Utc::now())
        .expect("queued for FK's test service");
    let queued: Vec<SubmissionId> = queued
        .into_iter()
        .filter(|s| {
            let submission = store.submission(*s).expect("readable").expect("there");
            ids.contains(&submission.report_id)
        })
        .collect();
    assert_eq!(
        queued.len(),
        2,
        "both signed reports are queued: {skipped:?}"
    );
    let results = send(&app, &queued).await;
    for view in &results {
        assert_eq!(view.state, ViewState::Accepted, "FK accepted it: {view:?}");
    }
    assert_eq!(setup.fk.rate_violations(), 0);
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_or_a_refusal_in_the_app_through_the_relay_stores_nothing_and_says_why() {
    use assistid_app::signing::{
        CancelSignal, SigningError, SigningEvent, SigningOptions, StartMode,
    };

    let setup = Setup::start(1, 30).await;
    let (_folder, app) = unsigned_real_folder();
    enrolled(&setup, &app).await;
    let connection = app.connect_bankid().expect("through the relay");
    let id = app
        .month_review(month(), Utc::now())
        .expect("the review")
        .reports()
        .iter()
        .filter(|r| r.is_sendable())
        .find_map(|r| r.id().and_then(|id| uuid::Uuid::parse_str(id).ok()))
        .expect("a sendable report");
    let fast = SigningOptions {
        collect_interval: Duration::from_millis(50),
        qr_interval: Duration::from_millis(50),
        ..SigningOptions::default()
    };
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    app.sign_as_assistant(
        id,
        &connection,
        &fast,
        &CancelSignal::new(),
        &mut approving(&setup.bankid, events),
    )
    .await
    .expect("the assistant signs through the relay");
    app.add_signatory("197001019871", "Karin", "Lindqvist", Utc::now())
        .expect("the provider's signatory");
    let signatory = assistid_core::ids::Personnummer::from_digits("197001019871")
        .expect("a valid personnummer");
    let options = SigningOptions {
        collect_interval: Duration::from_millis(50),
        qr_interval: Duration::from_millis(50),
        start_mode: StartMode::SameDevice,
        ..SigningOptions::default()
    };
    let before = setup.bankid.requests().len();

    // The coordinator closes the dialog: the order is cancelled at BankID through the relay.
    let cancel = CancelSignal::new();
    let on_start = cancel.clone();
    let bankid = &setup.bankid;
    let mut autostart = String::new();
    let err = app
        .sign_as_provider(
            month(),
            Some(&[id]),
            &signatory,
            &connection,
            &options,
            &cancel,
            &mut |event| {
                if let SigningEvent::OrderStarted { autostart_url, .. } = &event {
                    autostart = autostart_url.clone();
                    on_start.cancel();
                }
            },
        )
        .await
        .expect_err("a cancelled order signs nothing");
    assert!(matches!(err, SigningError::Cancelled), "{err:?}");
    assert!(
        autostart.starts_with("bankid:///?autostarttoken="),
        "a same-device start opens BankID on this computer: {autostart}"
    );
    let calls: Vec<String> = bankid.requests()[before..]
        .iter()
        .map(|(path, _)| path.clone())
        .collect();
    assert!(
        calls.contains(&"cancel".to_owned()),
        "the relay cancelled the order at BankID: {calls:?}"
    );
    assert!(bankid.pending_orders().is_empty(), "nothing left running");

    // The signer cancels in the app: BankID's message for the start mode, nothing stored.
    let mut messages = Vec::new();
    let err = app
        .sign_as_provider(
            month(),
            Some(&[id]),
            &signatory,
            &connection,
            &options,
            &CancelSignal::new(),
            &mut |event| match &event {
                SigningEvent::OrderStarted { order_ref, .. } => {
                    bankid.user(order_ref).cancel().expect("the signer cancels");
                }
                SigningEvent::Message { id, .. } => messages.push(*id),
                _ => {}
            },
        )
        .await
        .expect_err("a cancel in the app signs nothing");
    match err {
        SigningError::OrderFailed { hint, rfa, .. } => {
            assert_eq!(
                (hint.as_str(), rfa),
                ("userCancel", "RFA6"),
                "BankID's code and message"
            );
        }
        other => panic!("the order failed with BankID's hint, got {other:?}"),
    }
    assert!(
        messages.contains(&"RFA6"),
        "the message was shown: {messages:?}"
    );
    let status = app.signing_status(month(), Utc::now()).expect("readable");
    let report = status
        .iter()
        .find(|r| r.report_id == id)
        .expect("the report is listed");
    assert_eq!(
        report.state, "assistant_signed",
        "no provider signature was stored"
    );
    setup.stop().await;
}
