//! The month overview every front end shows: per report its current version and number, its
//! findings, who signed it and where it is on its way to FK, in a real (encrypted) demo folder.

use assistid_app::views::SubmissionState;
use assistid_app::{App, KeySource};
use assistid_core::model::ReportMonth;
use assistid_core::text::Lang;
use chrono::{TimeZone as _, Utc};

fn demo_app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("a temp dir for the data folder");
    let app = App::open(
        &dir.path().join("data"),
        KeySource::File(dir.path().join("key")),
        now(),
    )
    .expect("a fresh data folder opens");
    assert!(
        app.load_demo_if_empty(now()).expect("the demo loads"),
        "a fresh folder gets the demo"
    );
    (dir, app)
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

fn october() -> ReportMonth {
    "2026-10".parse().expect("a valid month")
}

#[test]
fn the_overview_of_the_demo_month_lists_its_reports() {
    let (_dir, app) = demo_app();
    let overview = app
        .month_overview(october(), Lang::Sv, now())
        .expect("the demo month's overview");
    assert_eq!(overview.month, "2026-10");
    assert!(!overview.reports.is_empty(), "the demo month has reports");
    assert!(
        overview.reports.iter().all(|r| r.report_id.is_some()),
        "each report has a version id once reviewed"
    );
    assert!(
        overview
            .reports
            .iter()
            .all(|r| r.submission_state.is_none()),
        "nothing is sent in the demo yet"
    );
    let review = app.month_review(october(), now()).expect("the review");
    for (summary, report) in overview.reports.iter().zip(review.reports()) {
        assert_eq!(
            (summary.error_count as usize, summary.warning_count as usize),
            (report.errors().len(), report.warnings().len()),
            "the counts are the review's"
        );
        assert_eq!(summary.shift_count as usize, report.rows().len());
    }
}

#[test]
fn the_overview_shows_each_reports_real_version_number() {
    let (_dir, app) = demo_app();
    let first = app
        .month_overview(october(), Lang::Sv, now())
        .expect("the overview");
    assert!(
        first.reports.iter().all(|r| r.version == 1),
        "the first review saves version 1 of every report: {:?}",
        first.reports.iter().map(|r| r.version).collect::<Vec<_>>()
    );
    // Take a shift away from one report: its document changes, so a second version is saved.
    let changed = first
        .reports
        .iter()
        .find(|r| r.shift_count > 1)
        .expect("the demo has a report with several rows");
    let shift = app
        .shifts_of_person_in_month(&changed.person, october())
        .expect("the person's shifts")
        .into_iter()
        .find(|s| s.shift.assistant.digits() == changed.assistant)
        .expect("the report's assistant has a shift");
    app.delete_shift(shift.id, now())
        .expect("the shift is deleted");
    let second = app
        .month_overview(october(), Lang::Sv, now())
        .expect("the overview again");
    for report in &second.reports {
        let same = (report.person == changed.person) && (report.assistant == changed.assistant);
        assert_eq!(
            report.version,
            if same { 2 } else { 1 },
            "only the changed report has a new version: {} – {}",
            report.person_name,
            report.assistant_name
        );
    }
}

#[test]
fn the_overview_speaks_the_users_language() {
    let (_dir, app) = demo_app();
    let sv = app.month_overview(october(), Lang::Sv, now()).expect("sv");
    let en = app.month_overview(october(), Lang::En, now()).expect("en");
    assert_eq!(
        sv.reports, en.reports,
        "the facts do not depend on the language"
    );
    let review = app.month_review(october(), now()).expect("the review");
    for (ours, domain) in en.warnings.iter().zip(review.warnings()) {
        assert_eq!(ours.message, domain.message_in(Lang::En), "{}", ours.code);
    }
    assert_eq!(
        sv.warnings.len(),
        review.warnings().len(),
        "every month-wide warning is shown"
    );
}

#[test]
fn every_outbox_state_crosses_as_an_enum_with_the_outboxs_own_code() {
    for stored in assistid_store::SubmissionState::ALL {
        let shown = SubmissionState::from(stored);
        assert_eq!(
            serde_json::to_value(shown).expect("a state serializes"),
            serde_json::Value::from(stored.code()),
            "the UI and the CLI's JSON read the outbox's own code for {stored:?}"
        );
    }
}

#[test]
fn a_report_signed_by_its_assistant_shows_so_in_the_overview() {
    use assistid_app::signing::{CancelSignal, SigningOptions, StandInBankId};
    use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
    let (dir, app) = demo_app();
    let month = october();
    let overview = app
        .month_overview(month, Lang::Sv, now())
        .expect("the overview");
    let target = overview
        .reports
        .iter()
        .find(|r| r.error_count == 0)
        .and_then(|r| r.report_id.clone())
        .expect("the demo has a report without errors");
    let id = uuid::Uuid::parse_str(&target).expect("report ids are UUIDs");
    let options = SigningOptions {
        collect_interval: std::time::Duration::from_millis(50),
        qr_interval: std::time::Duration::from_millis(50),
        ..SigningOptions::default()
    };
    let _ = &dir;
    assistid_test_kit::block_on(async {
        // The demo's BankID as the front ends' demo wiring starts it; its user approves every
        // order as the person it names.
        let fake = FakeBankId::start(FakeBankIdConfig {
            auto_approve_after: Some(std::time::Duration::from_millis(50)),
            ..FakeBankIdConfig::default()
        })
        .await
        .expect("the demo BankID starts");
        let connection = app
            .connect_stand_in_bankid(StandInBankId {
                base_url: fake.base_url(),
                tls_root_pem: fake.ssl_root_pem().to_owned(),
                rp_identity_pem: assistid_core::secret::Sensitive::new(
                    fake.client_identity_pem().expect("the RP identity"),
                ),
                user_root_der: fake.user_root_der().to_vec(),
            })
            .expect("the demo folder takes the demo's BankID");
        app.sign_as_assistant(id, &connection, &options, &CancelSignal::new(), &mut |_| {})
            .await
            .expect("the demo user approves as the assistant")
    })
    .expect("a runtime");
    let overview = app
        .month_overview(month, Lang::Sv, now())
        .expect("the overview again");
    let report = overview
        .reports
        .iter()
        .find(|r| r.report_id.as_deref() == Some(target.as_str()))
        .expect("the signed version is still the current one");
    assert!(
        report.signed_by_assistant_at.is_some(),
        "the overview must show the assistant's signature, or the UI offers to sign again"
    );
    assert!(
        report.signed_by_provider_at.is_none(),
        "the provider has not signed yet"
    );
}
