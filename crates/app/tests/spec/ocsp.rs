//! BankID's OCSP answer decides whether a signature is stored, and when it was made (issue 14):
//! a signature is stored only when the OCSP answer beside it is about the signer's certificate,
//! says good, comes from a responder that chains to the environment's root and was produced
//! during the order; the stored signing time — and so FK's `datumForSignatur` — is the answer's
//! `producedAt`, never this computer's clock. The roots are BankID's own, pinned in the bankid
//! crate and chosen by environment: production never trusts a root file from the settings.
//!
//! The orders run against the fake BankID over TLS on loopback; to give the app a completion
//! with a chosen OCSP answer, the test answers the order's first `/collect` with a completion
//! signed by the fake's own CA (`FakeBankId::fail_next`, which answers one call as told).

use std::time::Duration;

use assistid_app::App;
use assistid_app::signing::{
    BankIdEnvironment, BankIdSettings, CancelSignal, SigningError, SigningEvent, SigningOptions,
    stockholm_date,
};
use assistid_bankid::user_roots::{production_root_der, test_root_der};
use assistid_elt::Environment;
use assistid_fakes::bankid::{
    FakeBankId, OcspScript, SignInput, UserCertificateAuthority, sign_document_with,
};
use assistid_store::{DataKind, KeySource, SignatureEnvironment, Store};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, SubsecRound as _, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::demo_bankid::DemoBankId;
use crate::submit::{Folder, month, sign_month_in};

fn fast_signing() -> SigningOptions {
    SigningOptions {
        collect_interval: Duration::from_millis(40),
        qr_interval: Duration::from_millis(40),
        ..SigningOptions::default()
    }
}

/// What BankID's answer to the first `/collect` carries.
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// A signature by the fake's CA, its OCSP answer made as `script` says, produced at
    /// `produced_at`.
    Signed {
        script: OcspScript,
        produced_at: DateTime<Utc>,
    },
    /// A good signature by the fake's CA, with the OCSP answer of another BankID (another CA
    /// and its responder, which do not chain to the environment's root).
    OcspFromAnotherBankId,
}

/// The completion `answer` describes for the order `order_ref`, the one the fake received last.
fn completion(fake: &FakeBankId, order_ref: &str, answer: Answer) -> serde_json::Value {
    let (_, sign) = fake
        .requests()
        .into_iter()
        .rev()
        .find(|(path, _)| path == "sign")
        .expect("the order was started with /sign");
    let field = |name: &str| {
        sign.get(name)
            .and_then(serde_json::Value::as_str)
            .expect("the order carries its texts")
            .to_owned()
    };
    let visible = field("userVisibleData");
    let non_visible = field("userNonVisibleData");
    let personal_number = sign
        .pointer("/requirement/personalNumber")
        .and_then(serde_json::Value::as_str)
        .expect("the order names its signer")
        .to_owned();
    let now = Utc::now();
    let input = |produced_at: DateTime<Utc>| SignInput {
        user_visible_data: &visible,
        user_non_visible_data: Some(&non_visible),
        personal_number: &personal_number,
        name: "Test Testsson",
        signed_at: produced_at,
        certificate_validity: (
            now - chrono::Duration::days(365),
            now + chrono::Duration::days(365),
        ),
    };
    let signature = match answer {
        Answer::Signed {
            script,
            produced_at,
        } => {
            sign_document_with(fake.user_ca(), &input(produced_at), script).expect("the fake signs")
        }
        Answer::OcspFromAnotherBankId => {
            let mut good = sign_document_with(fake.user_ca(), &input(now), OcspScript::Good)
                .expect("the fake signs");
            let other = UserCertificateAuthority::new("Fake BankID Root CA v1 Test")
                .expect("another BankID CA");
            good.ocsp_der = sign_document_with(&other, &input(now), OcspScript::Good)
                .expect("the other BankID signs")
                .ocsp_der;
            good
        }
    };
    json!({
        "orderRef": order_ref,
        "status": "complete",
        "completionData": signature.completion_data(
            &personal_number,
            "Test Testsson",
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date"),
        ),
    })
}

/// Signs the first sendable report of the demo folder as its assistant, BankID answering the
/// first `/collect` as `answer` says; returns the report and the outcome (stored or not).
async fn sign_with(app: &App, answer: Answer) -> (Uuid, Result<(), SigningError>) {
    let bankid = DemoBankId::start(app, Duration::from_millis(40)).await;
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
    let fake = bankid.fake.clone();
    let result = order
        .sign(
            &bankid,
            &fast_signing(),
            &CancelSignal::new(),
            &mut move |event: SigningEvent| {
                if let SigningEvent::OrderStarted { order_ref, .. } = event {
                    let body = completion(&fake, &order_ref, answer);
                    fake.fail_next(200, body, &[]);
                }
            },
        )
        .await;
    let stored = match result {
        Ok(signed) => app.store_signature(&signed).map(|_| ()),
        Err(e) => Err(e),
    };
    (id, stored)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_whose_ocsp_answer_does_not_prove_it_is_refused_and_nothing_is_stored() {
    let now = Utc::now();
    let cases = [
        (
            "revoked",
            Answer::Signed {
                script: OcspScript::Revoked,
                produced_at: now,
            },
            "ocsp_revoked",
        ),
        (
            "status unknown",
            Answer::Signed {
                script: OcspScript::Unknown,
                produced_at: now,
            },
            "ocsp_status_unknown",
        ),
        (
            "a responder without the right to answer",
            Answer::Signed {
                script: OcspScript::ResponderWithoutOcspSigning,
                produced_at: now,
            },
            "ocsp_responder_not_authorized",
        ),
        (
            "produced an hour before the order",
            Answer::Signed {
                script: OcspScript::Good,
                produced_at: now - chrono::Duration::hours(1),
            },
            "ocsp_outside_order",
        ),
    ];
    for (what, answer, expected) in cases {
        let folder = Folder::demo();
        let app = folder.open();
        let (id, result) = sign_with(&app, answer).await;
        let err = result.expect_err(what);
        assert_eq!(err.code(), expected, "{what}: {err}");
        assert!(
            err.to_string().contains("sparades inte"),
            "{what}: the coordinator is told nothing was stored: {err}"
        );
        assert!(
            app.signatures_for_report(id).expect("readable").is_empty(),
            "{what}: nothing is stored"
        );
    }

    // An answer from a responder of another BankID, which does not chain to the root.
    let folder = Folder::demo();
    let app = folder.open();
    let (id, result) = sign_with(&app, Answer::OcspFromAnotherBankId).await;
    let err = result.expect_err("an OCSP answer from another BankID proves nothing");
    assert!(
        err.code().starts_with("ocsp_"),
        "refused by the OCSP check, not another one: {} ({err})",
        err.code()
    );
    assert!(
        app.signatures_for_report(id).expect("readable").is_empty(),
        "nothing is stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signing_time_is_bankids_ocsp_produced_at_not_the_computers_clock() {
    let folder = Folder::demo();
    let app = folder.open();
    // BankID vouched for the certificate two minutes before this computer saw the completion
    // (within the allowed clock skew): the stored time is BankID's.
    let produced_at = (Utc::now() - chrono::Duration::minutes(2)).trunc_subsecs(0);
    let (id, result) = sign_with(
        &app,
        Answer::Signed {
            script: OcspScript::Good,
            produced_at,
        },
    )
    .await;
    result.expect("a good OCSP answer produced during the order is accepted");
    let stored = app.signatures_for_report(id).expect("readable");
    assert_eq!(stored.len(), 1, "the assistant's signature is stored");
    assert_eq!(
        stored[0].signed_at, produced_at,
        "signed_at is the OCSP answer's producedAt, not the PC clock at completion"
    );
    assert_eq!(
        stored[0].signed_on,
        stockholm_date(produced_at),
        "FK's datumForSignatur is the Stockholm date of producedAt"
    );
    let ocsp = BASE64
        .decode(&stored[0].ocsp_response_base64)
        .expect("the OCSP answer is stored as base64");
    assert_eq!(
        assistid_bankid::ocsp_produced_at(&ocsp),
        Some(produced_at),
        "the OCSP answer stored beside the signature is the one its time came from"
    );
}

/// A folder with real data working in `environment`.
fn real_folder(environment: Environment) -> (Folder, App) {
    let folder = Folder::demo();
    Store::open_in_data_dir(folder.dir.path(), &KeySource::File(folder.key()))
        .expect("the store opens")
        .set_data_kind(DataKind::Real, Utc::now())
        .expect("marked as real data");
    let app = folder.open();
    app.set_environment(environment, Utc::now())
        .expect("the environment is chosen");
    (folder, app)
}

fn name_root_file(app: &App, folder: &Folder, ca: &UserCertificateAuthority) -> std::path::PathBuf {
    let root = folder.dir.path().join("stand-in-root.der");
    std::fs::write(&root, ca.root_der()).expect("the root file is written");
    app.save_bankid_settings(
        &BankIdSettings {
            rp_certificate: None,
            user_root_ca: Some(root.clone()),
        },
        Utc::now(),
    )
    .expect("saved");
    root
}

#[test]
fn the_roots_are_bankids_own_by_environment_and_a_root_file_counts_only_in_test() {
    let test_root = test_root_der().expect("the shipped test root matches its pin");
    let production_root =
        production_root_der().expect("the shipped production root matches its pin");

    let (folder, app) = real_folder(Environment::Test);
    assert_eq!(
        app.bankid_user_roots(BankIdEnvironment::Test)
            .expect("roots"),
        vec![test_root.clone()],
        "without a root file, test trusts BankID's pinned test root only"
    );
    let stand_in = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("a CA");
    let signed = sign_month_in(
        folder.dir.path(),
        &folder.key(),
        SignatureEnvironment::Test,
        &stand_in,
        |_, b| b,
    );
    let err = app
        .verify_stored_signatures(signed[0], BankIdEnvironment::Test)
        .expect_err("a stand-in's signature is not BankID's until its root is named");
    assert_eq!(err.code(), "stored_signature_invalid", "{err}");

    let root_file = folder.dir.path().join("stand-in-root.der");
    std::fs::write(&root_file, stand_in.root_der()).expect("the root file is written");
    app.set_bankid_test_user_root(&root_file, Utc::now())
        .expect("a test folder may name a stand-in's root");
    assert_eq!(
        app.bankid_user_roots(BankIdEnvironment::Test)
            .expect("roots"),
        vec![test_root.clone(), stand_in.root_der().to_vec()],
        "test trusts BankID's test root and the named file"
    );
    app.verify_stored_signatures(signed[0], BankIdEnvironment::Test)
        .expect("the stand-in's test signature verifies with the test roots");
    assert_eq!(
        app.bankid_user_roots(BankIdEnvironment::Prod)
            .expect("roots"),
        vec![production_root.clone()],
        "production ignores the named file: BankID's production root only"
    );
    app.verify_stored_signatures(signed[0], BankIdEnvironment::Prod)
        .expect_err("a test signature never verifies as a production one");

    // A production folder: the root file is refused, and one named earlier is ignored.
    let (folder, app) = real_folder(Environment::Prod);
    let err = app
        .set_bankid_test_user_root(&root_file, Utc::now())
        .expect_err("production trusts BankID's own root only");
    let message = err.to_string();
    assert_eq!(
        assistid_app::IpcError::from(err).code,
        "user_root_test_only"
    );
    assert!(
        message.contains("testmiljön") && message.contains("Ingenting ändrades"),
        "the coordinator is told where it works and that nothing changed: {message}"
    );
    name_root_file(&app, &folder, &stand_in);
    assert_eq!(
        app.bankid_user_roots(BankIdEnvironment::Prod)
            .expect("roots"),
        vec![production_root],
        "a root file in the settings of a production folder is never trusted"
    );
    let signed = sign_month_in(
        folder.dir.path(),
        &folder.key(),
        SignatureEnvironment::Prod,
        &stand_in,
        |_, b| b,
    );
    let err = app
        .verify_stored_signatures(signed[0], BankIdEnvironment::Prod)
        .expect_err("a signature chaining to the file's root is not a production signature");
    assert!(
        err.to_string().contains("BankID-rot"),
        "refused for its root: {err}"
    );
}
