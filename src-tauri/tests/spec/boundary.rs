//! The commands' conversions on the real demo data in a real (encrypted) data folder.

use assistid_app::core_types::text::Lang;
use assistid_app::{App, KeySource};
use assistid_desktop::convert;
use assistid_desktop::ipc;
use chrono::{TimeZone as _, Utc};

pub(crate) fn demo_app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("a temp dir for the data folder");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("a valid instant");
    let app = App::open(
        &dir.path().join("data"),
        KeySource::File(dir.path().join("key")),
        now,
    )
    .expect("a fresh data folder opens");
    assert!(
        app.load_demo_if_empty(now).expect("the demo loads"),
        "a fresh folder gets the demo"
    );
    (dir, app)
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

#[test]
fn the_review_converts_without_losing_the_dst_notes() {
    let (_dir, app) = demo_app();
    let review = app
        .month_review(convert::month("2026-10").expect("month"), now())
        .expect("review");
    let direct = serde_json::to_value(&review).expect("the review serializes");
    let view = ipc::MonthReview::from_domain(&review, Lang::Sv);
    let shown = serde_json::to_value(&view).expect("serializes");
    assert_eq!(direct, shown, "the UI gets exactly the JSON the CLI prints");
    let notes = view
        .reports
        .iter()
        .flat_map(|r| r.rows.iter())
        .filter(|row| row.dst_note.is_some())
        .count();
    assert!(
        notes > 0,
        "the demo month crosses the autumn change, so some row carries a DST note"
    );
}

#[test]
fn the_month_grid_of_a_person_has_the_rows_with_their_dst_note() {
    let (_dir, app) = demo_app();
    let month = convert::month("2026-10").expect("month");
    let persons = app.persons().expect("persons");
    let with_note = persons
        .iter()
        .map(|p| {
            app.month_grid(month, p.personnummer.digits(), Lang::Sv, now())
                .expect("the grid is made")
        })
        .find(|g| g.shifts.iter().any(|s| s.dst_note.is_some()))
        .expect("some person's grid shows a DST note");
    assert!(
        with_note
            .reports
            .iter()
            .all(|r| r.person == with_note.person.personnummer),
        "only that person's reports"
    );
    assert!(
        with_note
            .shifts
            .iter()
            .all(|s| s.start.local <= s.end.local || s.start.offset_minutes > s.end.offset_minutes),
        "pieces run forward in wall-clock time, except across the repeated autumn hour"
    );
    let missing = app.month_grid(month, "191212121212", Lang::Sv, now());
    assert!(
        missing.is_err(),
        "a person not in the register is an error, not an empty grid"
    );
}

#[test]
fn the_register_converts_and_the_forms_round_trip() {
    let (_dir, app) = demo_app();
    let register = app.register_data().expect("the register reads");
    let provider = register.provider.expect("the demo has a provider");
    let saved = app
        .save_provider(&provider.input(), now())
        .expect("saving the same provider works");
    assert_eq!(
        saved.action, "updated",
        "the same organisationsnummer updates the provider"
    );
    let assistant = register
        .assistants
        .first()
        .expect("the demo has assistants");
    let saved = app
        .save_assistant(&assistant.input(), now())
        .expect("saving an assistant as shown works");
    assert_eq!(saved.action, "updated");
}

#[test]
fn errors_reach_the_ui_as_code_and_message() {
    let (_dir, app) = demo_app();
    let bad = ipc::Provider {
        name: "X".into(),
        org_number: "123".into(),
        contact_person: None,
        phone: "08-1".into(),
    };
    let err = ipc::IpcError::from(
        app.save_provider(&bad.input(), now())
            .expect_err("an invalid org number is refused"),
    );
    assert_eq!(err.code, "invalid_input");
    assert!(
        err.message.contains("organisationsnummer"),
        "the message names the field: {}",
        err.message
    );
    let shape = serde_json::to_value(&err).expect("serializes");
    for field in ["code", "message", "message_code", "params"] {
        assert!(
            shape.get(field).is_some(),
            "the UI reads {field} of every error: {shape}"
        );
    }
    let month = convert::month("2026-13").expect_err("month 13 does not exist");
    assert_eq!(ipc::IpcError::from(month).code, "invalid_input");
}
