//! One environment per data folder drives BankID and FK together (issue 14): the demo folder
//! signs with the demo's BankID and sends to the demo's FK; a folder with real data signs with
//! BankID's test or production service and sends to FK's service of the same environment.
//! Signatures and submissions carry their environment: nothing made in one environment counts
//! or travels in another. Real encrypted data folders, real signatures from the fake BankID's
//! signing code, the fake FK over mutual TLS on loopback.

use std::time::Duration;

use assistid_app::going_live::{LiveStep, StepState, check_bankid, check_fk_connection};
use assistid_app::receipts::ReceiptRequest;
use assistid_app::signing::{BankIdEnvironment, BankIdSettings, CancelSignal, SigningOptions};
use assistid_app::{App, IpcError};
use assistid_core::secret::Sensitive;
use assistid_elt::Environment;
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig, UserCertificateAuthority};
use assistid_store::{DataKind, SignatureEnvironment, Store, SubmissionState};
use chrono::Utc;

use crate::demo_bankid::{DemoBankId, DemoOutcome, Signer, stand_in};
use crate::register_and_settings::{keychain, pkcs12};
use crate::submit::{Folder, connect_as, connect_trusting, fast_fake, month, send, sign_month_in};
use assistid_app::views::SubmissionState as ViewState;

fn code(err: anyhow::Error) -> String {
    IpcError::from(err).code
}

fn store(folder: &Folder) -> Store {
    Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens beside the app")
}

/// A folder with real data: the demo month, marked as real data (what the data is does not
/// matter here, only that it is not the demo's).
fn real_folder() -> Folder {
    let folder = Folder::demo();
    store(&folder)
        .set_data_kind(DataKind::Real, Utc::now())
        .expect("marked as real data");
    folder
}

fn fast_signing() -> SigningOptions {
    SigningOptions {
        collect_interval: Duration::from_millis(40),
        qr_interval: Duration::from_millis(40),
        ..SigningOptions::default()
    }
}

/// The stand-in for BankID's user-certificate root of test and production until the bankid
/// crate ships the real ones: a fake CA whose root the folder's settings name.
fn trust_bankid_root(app: &App, folder: &Folder) -> UserCertificateAuthority {
    let ca = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("BankID CA");
    let root = folder.dir.path().join("bankid-root.der");
    std::fs::write(&root, ca.root_der()).expect("the root file is written");
    app.save_bankid_settings(
        &BankIdSettings {
            rp_certificate: None,
            user_root_ca: Some(root),
        },
        Utc::now(),
    )
    .expect("the root is set");
    ca
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_with_real_data_never_signs_with_the_demo_bankid_or_its_simulated_app() {
    let folder = real_folder();
    let app = folder.open();
    let err = app
        .bankid_environment()
        .expect_err("a folder with real data says where it works before anything is signed");
    assert_eq!(code(err), "environment_not_chosen");

    let fake = FakeBankId::start(FakeBankIdConfig::default())
        .await
        .expect("the fake BankID starts");
    let err = app
        .connect_stand_in_bankid(stand_in(&fake))
        .expect_err("the demo's BankID is refused in a folder with real data");
    let message = err.to_string();
    assert_eq!(code(err), "demo_bankid_in_real_folder");
    assert!(
        message.contains("riktiga uppgifter") && message.contains("BankID"),
        "the coordinator is told why and what to do: {message}"
    );

    app.set_environment(Environment::Test, Utc::now())
        .expect("the folder works in FK's test service");
    assert_eq!(
        app.bankid_environment().expect("chosen"),
        BankIdEnvironment::Test,
        "FK's test service goes with BankID's test service"
    );
    let err = app
        .connect_bankid()
        .expect_err("BankID's test service needs the provider's RP certificate");
    assert!(
        err.to_string().contains("RP-certifikatet"),
        "the message names what is missing: {err}"
    );

    // With the RP certificate imported, the connection is to BankID's own test service; the
    // simulated app is refused for it, and a demo order never runs on it.
    keychain();
    let now = Utc::now();
    app.import_certificate(
        assistid_app::certificates::CertificatePurpose::BankIdRp,
        "rp.p12",
        &pkcs12(
            "Omsorg AB",
            now - chrono::Duration::days(1),
            now + chrono::Duration::days(700),
        ),
        &Sensitive::new("rätt-lösen 42".to_owned()),
        now,
    )
    .expect("the RP certificate is imported");
    trust_bankid_root(&app, &folder);
    let test = app
        .connect_bankid()
        .expect("BankID's test service with the imported RP certificate");
    assert_eq!(test.environment(), BankIdEnvironment::Test);
    let id = app
        .signing_status(month(), Utc::now())
        .expect("status")
        .into_iter()
        .find(|s| s.sendable)
        .expect("a report to sign")
        .report_id;
    let order = app
        .prepare_assistant_signing(id, Utc::now())
        .expect("the order is prepared for the folder's environment");
    assert_eq!(order.environment(), BankIdEnvironment::Test);
    let err = order
        .simulated_signer(&test)
        .expect_err("the simulated BankID app does not exist outside the demo");
    assert_eq!(err.code(), "simulated_bankid_outside_demo");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_is_stored_only_in_the_environment_that_made_it() {
    let folder = Folder::demo();
    let app = folder.open();
    let bankid = DemoBankId::start(&app, Duration::from_millis(40)).await;
    let id = app
        .signing_status(month(), Utc::now())
        .expect("status")
        .into_iter()
        .find(|s| s.sendable)
        .expect("a report to sign")
        .report_id;
    let order = app
        .prepare_assistant_signing(id, Utc::now())
        .expect("prepared in the demo");
    let signer = Signer::of(&order, &bankid);
    let signed = order
        .sign(
            &bankid,
            &fast_signing(),
            &CancelSignal::new(),
            &mut bankid.acting(DemoOutcome::Approve, signer, |_| {}),
        )
        .await
        .expect("the demo's BankID signs");

    // Meanwhile the folder has become one with real data in FK's test service.
    store(&folder)
        .set_data_kind(DataKind::Real, Utc::now())
        .expect("marked as real data");
    app.set_environment(Environment::Test, Utc::now())
        .expect("test");
    let err = app
        .store_signature(&signed)
        .expect_err("a demo signature is never stored in a folder with real data");
    assert_eq!(err.code(), "signature_other_environment", "{err}");
    assert!(
        err.to_string().contains("demoläget") && err.to_string().contains("testmiljön"),
        "the message names both environments: {err}"
    );
    assert!(
        app.signatures_for_report(id).expect("readable").is_empty(),
        "nothing was stored"
    );
}

#[test]
fn a_test_signature_never_goes_to_fk_production_and_test_acceptance_never_counts_there() {
    let folder = real_folder();
    let app = folder.open();
    app.set_environment(Environment::Test, Utc::now())
        .expect("the folder works in FK's test service");
    let bankid = trust_bankid_root(&app, &folder);
    let signed = sign_month_in(
        folder.dir.path(),
        &folder.key(),
        SignatureEnvironment::Test,
        &bankid,
        |_, b| b,
    );
    assert!(!signed.is_empty(), "the month has reports");
    let status = app.signing_status(month(), Utc::now()).expect("status");
    assert!(
        status.iter().all(|s| s.state == "fully_signed"
            && s.signatures.iter().all(|sig| sig.environment == "test")),
        "signed with BankID's test service: {status:?}"
    );

    // Production: nothing signed there, so nothing can be queued, and the request for FK's
    // production service is refused in the app layer itself.
    let (queued, skipped) = app
        .queue_month(month(), Environment::Prod, Utc::now())
        .expect("the month is looked at");
    assert!(queued.is_empty(), "no test signature goes to FK production");
    assert!(
        skipped
            .iter()
            .all(|s| s.reason_code == "assistant_not_signed"
                && s.reason.contains("produktionsmiljön")),
        "each report is still to sign in production: {skipped:?}"
    );
    let version = store(&folder)
        .report_version_by_id(signed[0])
        .expect("readable")
        .expect("there");
    let refused = app
        .signed_request(&version, Environment::Prod)
        .expect("checked")
        .expect_err("no request for FK production from test signatures");
    assert_eq!(refused.code, "assistant_not_signed");
    app.verify_stored_signatures(signed[0], BankIdEnvironment::Prod)
        .expect_err("the test signatures do not verify as production signatures");
    app.verify_stored_signatures(signed[0], BankIdEnvironment::Test)
        .expect("they verify as what they are");

    // Test: sent to a fake FK posing as FK's test service, and accepted.
    let fk = fast_fake();
    let (queued, skipped) = app
        .queue_month(month(), Environment::Test, Utc::now())
        .expect("queued for FK's test service");
    assert_eq!(queued.len(), signed.len(), "every report: {skipped:?}");
    let results = send(&app, &connect_as(&fk, Environment::Test), &queued);
    assert!(
        results.iter().all(|r| r.state == ViewState::Accepted),
        "FK's test service accepts: {results:?}"
    );

    let receipt = app
        .receipt(&ReceiptRequest::Month { month: month() }, Utc::now())
        .expect("the month's receipt");
    assert!(
        receipt.fk_test_service,
        "a receipt of FK's test service is labelled TEST"
    );
    let run: Vec<i64> = queued.iter().map(|id| id.get()).collect();
    let steps = app.going_live(Utc::now()).expect("the checklist");
    let state = |steps: &[LiveStep], code: &str| {
        steps
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.state)
            .expect("the step is listed")
    };
    assert_eq!(
        state(&steps, "first_test_report"),
        StepState::Done,
        "FK's test service has accepted a report: {steps:?}"
    );
    assert_eq!(state(&steps, "fk_ca"), StepState::ToDo, "{steps:?}");
    assert_eq!(state(&steps, "production"), StepState::ToDo);

    // A shift of a report FK's test service received is not changed while the folder works in
    // test (FK has that time there) ...
    let received = store(&folder)
        .report_version_by_id(signed[0])
        .expect("readable")
        .expect("there");
    let shift_of_received = app
        .shifts_of_person_in_month(received.person.digits(), month())
        .expect("the person's shifts")
        .into_iter()
        .find(|s| s.shift.assistant == received.assistant)
        .expect("the received report has shifts")
        .id;
    let refused = app
        .delete_shift(shift_of_received, Utc::now())
        .expect_err("FK's test service has this report");
    assert_eq!(
        refused
            .downcast_ref::<assistid_app::shifts::ShiftRefused>()
            .map(|r| r.code),
        Some("report_already_sent"),
        "{refused:#}"
    );

    // The folder moves to production: what was accepted in test is still to sign and send.
    app.set_environment(Environment::Prod, Utc::now())
        .expect("the folder now works in production");
    let steps = app.going_live(Utc::now()).expect("the checklist");
    let production = steps
        .iter()
        .find(|s| s.code == "production")
        .expect("listed");
    assert_eq!(production.state, StepState::ToDo);
    assert!(
        production.detail.contains("skickas igen"),
        "the checklist says what was done in test is to do again: {production:?}"
    );
    let receipt = app
        .receipt(&ReceiptRequest::Month { month: month() }, Utc::now())
        .expect("the month's receipt in production");
    // ... but in production, where it has not been sent, it can still be corrected: the
    // change is a new version, to sign and send there (checked at the end of this test, once
    // the frozen versions have been signed again).
    let correctable = app
        .shifts_of_person_in_month(received.person.digits(), month())
        .expect("the person's shifts")
        .into_iter()
        .find(|s| s.shift.assistant == received.assistant)
        .expect("still there")
        .id;
    assert_eq!(correctable, shift_of_received);
    assert!(!receipt.fk_test_service, "production's receipt is not TEST");
    assert!(
        receipt
            .reports
            .iter()
            .all(|r| r.assistant_signature.is_none() && r.sent_at.is_none()),
        "and shows nothing of what was done in test"
    );
    let test_run = app
        .receipt(&ReceiptRequest::Submissions { ids: run }, Utc::now())
        .expect("the test run's receipt, later");
    assert!(
        test_run.fk_test_service
            && test_run
                .reports
                .iter()
                .all(|r| r.assistant_signature.is_some()),
        "the receipt of the test run stays TEST, with the test signatures"
    );
    let status = app.signing_status(month(), Utc::now()).expect("status");
    assert!(
        status
            .iter()
            .filter(|s| signed.contains(&s.report_id))
            .all(|s| s.state == "unsigned" && s.signatures.is_empty()),
        "in production every report is still to sign: {status:?}"
    );
    let signed_prod = sign_month_in(
        folder.dir.path(),
        &folder.key(),
        SignatureEnvironment::Prod,
        &bankid,
        |_, b| b,
    );
    assert_eq!(
        signed_prod, signed,
        "the same frozen versions, signed again"
    );
    // Signed again with the same stand-in CA, which the settings name as a root file: in
    // production only BankID's own production root counts, so the reports are looked at as
    // production's own (the test service's acceptance does not say "already sent") and their
    // signatures are refused because the stand-in's root is not trusted there.
    let (queued, skipped) = app
        .queue_month(month(), Environment::Prod, Utc::now())
        .expect("the month is looked at for production");
    assert!(
        queued.is_empty(),
        "a root file from the settings is never trusted in production: {skipped:?}"
    );
    assert_eq!(
        skipped.len(),
        signed.len(),
        "every report is looked at again in production, none counted as sent: {skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .all(|s| s.reason_code == "signature_invalid" && s.reason.contains("BankID-rot")),
        "each is refused for its signature's root, not as already accepted by FK: {skipped:?}"
    );
    let err = app
        .verify_stored_signatures(signed[0], BankIdEnvironment::Prod)
        .expect_err("the configured root file does not make a production signature valid");
    assert_eq!(err.code(), "stored_signature_invalid", "{err}");
    let store = store(&folder);
    for id in &signed {
        let all = store.submissions_for_report(*id).expect("readable");
        assert!(
            all.iter()
                .any(|s| s.environment == "test" && s.state == SubmissionState::Accepted),
            "the test service's acceptance is kept as it was"
        );
        assert!(
            all.iter().all(|s| s.environment == "test"),
            "and nothing was queued for production"
        );
    }
    drop(store);
    let deleted = app.delete_shift(shift_of_received, Utc::now());
    assert!(
        deleted.is_ok(),
        "what FK's test service received is still correctable in production: {:?}",
        deleted.err().map(|e| format!("{e:#}"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_two_checks_prove_the_configuration_before_the_first_report() {
    let folder = Folder::demo();
    let app = folder.open();
    let bankid = DemoBankId::start(&app, Duration::from_millis(40)).await;
    let checked = check_bankid(&bankid).await;
    assert!(checked.ok, "BankID takes the RP certificate: {checked:?}");
    let paths: Vec<String> = bankid.fake.requests().into_iter().map(|(p, _)| p).collect();
    assert!(
        paths == ["sign", "cancel"],
        "an order was started and cancelled at once: {paths:?}"
    );
    assert!(
        bankid.fake.pending_orders().is_empty(),
        "nobody is left with an order to sign"
    );

    let fk = fast_fake();
    let checked = check_fk_connection(&connect_as(&fk, Environment::Demo), Utc::now()).await;
    assert!(
        checked.ok,
        "the TLS handshake with the client certificate: {checked:?}"
    );
    let other = assistid_fakes::pki::TestCa::new("Någon annans CA").expect("a CA");
    let checked = check_fk_connection(
        &connect_trusting(&fk, Environment::Demo, other.cert_pem()),
        Utc::now(),
    )
    .await;
    assert!(
        !checked.ok,
        "a server the chosen CA did not issue is refused"
    );
    assert!(
        checked.message.contains("fungerar inte"),
        "the coordinator is told it does not work: {checked:?}"
    );
}
