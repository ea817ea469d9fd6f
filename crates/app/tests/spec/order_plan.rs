//! The provider's order plan every front end signs from: who signs for the provider, the
//! orders a month's reports are split into (one person's reports per order) and the refusals
//! that say what to do first. The demo data in a real encrypted folder; the assistants sign
//! with the fake BankID over real TLS.

use std::time::Duration;

use assistid_app::AppError;
use assistid_app::signing::{CancelSignal, OrderLimits, SigningOptions};
use assistid_core::text::Lang;
use chrono::Utc;
use uuid::Uuid;

use crate::demo_bankid::{DemoBankId, DemoOutcome, Signer};
use crate::signing::{SIGNATORY, fixture, october, recorder};

fn code(err: &anyhow::Error) -> &'static str {
    err.downcast_ref::<AppError>()
        .map_or("not an app error", AppError::code)
}

fn data_problem(err: &anyhow::Error) -> bool {
    err.downcast_ref::<AppError>()
        .is_some_and(AppError::is_data_problem)
}

#[test]
fn the_signatory_is_the_only_one_or_the_one_named_and_anything_else_says_what_to_do() {
    let fx = fixture();
    let app = &fx.app;
    for s in app.signatories().expect("readable") {
        assert_ne!(
            s.personnummer.digits(),
            "197001019871",
            "the test's second one is new"
        );
    }
    let none = app.signatories().expect("readable").is_empty();
    if none {
        let err = app
            .provider_signatory(None, Utc::now())
            .expect_err("no signatory registered");
        assert_eq!(code(&err), "no_signatory");
        assert!(data_problem(&err), "the user fixes it in the register");
        app.add_signatory(SIGNATORY, "Karin", "Lindqvist", Utc::now())
            .expect("the manager becomes a signatory");
    }
    let only = app
        .provider_signatory(None, Utc::now())
        .expect("the only signatory signs when none is named");
    assert_eq!(only.personnummer.digits(), SIGNATORY);

    app.add_signatory("197001019871", "Per", "Holm", Utc::now())
        .expect("a second signatory");
    let err = app
        .provider_signatory(None, Utc::now())
        .expect_err("with two, someone must choose");
    assert_eq!(code(&err), "choose_signatory");
    assert!(data_problem(&err));
    assert!(
        err.downcast_ref::<AppError>()
            .is_some_and(|e| e.message_in(Lang::Sv).contains("2 firmatecknare")),
        "the refusal says how many there are to choose from: {err}"
    );
    let named = app
        .provider_signatory(Some("19700101-9871"), Utc::now())
        .expect("the one named signs");
    assert_eq!(named.first_name, "Per");

    let err = app
        .provider_signatory(Some("198001019879"), Utc::now())
        .expect_err("only the provider's signatories sign");
    assert_eq!(code(&err), "not_a_signatory");
    assert!(
        !err.to_string().contains("198001019879"),
        "the refusal masks the personnummer: {err}"
    );
    let err = app
        .provider_signatory(Some("inte ett nummer"), Utc::now())
        .expect_err("no personnummer");
    assert_eq!(code(&err), "invalid_input");
}

#[test]
fn nothing_ready_for_the_provider_is_refused_with_its_own_code() {
    let fx = fixture();
    let app = &fx.app;
    if app.signatories().expect("readable").is_empty() {
        app.add_signatory(SIGNATORY, "Karin", "Lindqvist", Utc::now())
            .expect("a signatory");
    }
    let err = app
        .provider_order_plan(october(), None, None, OrderLimits::default(), Utc::now())
        .expect_err("no assistant has signed yet");
    let ipc = assistid_app::IpcError::from(err);
    assert_eq!(
        ipc.code, "nothing_to_sign",
        "the window gets the refusal's own code, not `internal`: {ipc:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_signs_each_persons_reports_in_orders_of_their_own() {
    let fx = fixture();
    let app = &fx.app;
    if app.signatories().expect("readable").is_empty() {
        app.add_signatory(SIGNATORY, "Karin", "Lindqvist", Utc::now())
            .expect("a signatory");
    }
    let review = app.month_review(october(), Utc::now()).expect("the review");
    let person_of: std::collections::HashMap<Uuid, String> = review
        .reports()
        .iter()
        .filter(|r| r.is_sendable())
        .filter_map(|r| {
            let id = Uuid::parse_str(r.id()?).ok()?;
            Some((id, r.person().digits().to_owned()))
        })
        .collect();
    let bankid = DemoBankId::start(app, Duration::from_millis(40)).await;
    let options = SigningOptions {
        collect_interval: Duration::from_millis(40),
        qr_interval: Duration::from_millis(40),
        ..SigningOptions::default()
    };
    for id in person_of.keys() {
        let (_, sink) = recorder();
        app.sign_as_assistant(
            *id,
            &bankid,
            &options,
            &CancelSignal::new(),
            &mut bankid.acting(
                DemoOutcome::Approve,
                Signer::assistant_of(app, &bankid, *id),
                sink,
            ),
        )
        .await
        .expect("the assistant signs");
    }
    let plan = app
        .provider_order_plan(october(), None, None, OrderLimits::default(), Utc::now())
        .expect("every signed report is ready for the provider");
    assert_eq!(plan.signatory.personnummer.digits(), SIGNATORY);
    let mut planned = plan.report_ids();
    planned.sort();
    let mut signed: Vec<Uuid> = person_of.keys().copied().collect();
    signed.sort();
    assert_eq!(
        planned, signed,
        "every report the assistants signed is planned"
    );
    let persons: std::collections::HashSet<&String> = person_of.values().collect();
    assert!(
        plan.orders.len() >= persons.len(),
        "at least one order per person: {} orders for {} persons",
        plan.orders.len(),
        persons.len()
    );
    for order in &plan.orders {
        let people: std::collections::HashSet<&String> = order
            .report_ids()
            .iter()
            .filter_map(|id| person_of.get(id))
            .collect();
        assert_eq!(
            people.len(),
            1,
            "an order names one person's reports only (FK gets the provider's signature with \
             each report)"
        );
    }
}
