//! The shift commands on the demo data: the grid lists the STORED shifts with
//! their ids, a typed shift goes in and comes back as the grid shows it, and a refusal reaches
//! the UI with its own code (`time_ambiguous` makes the grid ask which occurrence).

use assistid_app::core_types::text::Lang;
use assistid_desktop::convert;
use assistid_desktop::ipc;
use chrono::{TimeZone as _, Utc};

use crate::boundary::demo_app;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

#[test]
fn a_shift_typed_in_the_grid_is_stored_listed_changed_and_deleted() {
    let (_dir, app) = demo_app();
    let person = app.persons().expect("persons")[0]
        .personnummer
        .digits()
        .to_owned();
    let assistant = app.assistants().expect("assistants")[0]
        .id
        .digits()
        .to_owned();
    let typed = ipc::ShiftInput {
        person: person.clone(),
        assistant: assistant.clone(),
        start: "2026-12-07T08:00".into(),
        start_occurrence: None,
        end: "2026-12-07T16:00".into(),
        end_occurrence: None,
        kind: ipc::TimeKind::Aktiv,
        note: None,
    };
    let saved = app
        .add_shift(&typed.input(), now())
        .expect("8-16 is stored");
    let record = ipc::ShiftRecord::from(&saved.shift);
    assert_eq!(
        record.start.local, "2026-12-07T08:00:00",
        "the grid's time format"
    );
    assert_eq!(record.real_minutes, 480, "eight hours");

    let month = convert::month("2026-12").expect("month");
    let grid = app
        .month_grid(month, &person, Lang::Sv, now())
        .expect("the grid is made");
    assert_eq!(
        grid.shifts
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        [record.id.as_str()],
        "the grid lists the stored shift by the id update and delete take"
    );
    assert_eq!(
        grid.assistants.len(),
        app.team(&person, now()).expect("the person's team").len(),
        "every assistant in the person's team has a column to type in, and nobody else"
    );
    assert_eq!(
        grid.assistants[0].id, assistant,
        "the assistant working this month comes first"
    );

    let id = convert::shift_id(&record.id).expect("the id reads back");
    let changed = app
        .update_shift(
            id,
            &ipc::ShiftInput {
                kind: ipc::TimeKind::Beredskap,
                ..typed.clone()
            }
            .input(),
            now(),
        )
        .expect("changed");
    assert_eq!(
        ipc::ShiftRecord::from(&changed.shift).kind,
        ipc::TimeKind::Beredskap,
        "the kind changed"
    );
    app.delete_shift(id, now()).expect("deleted");
    assert!(
        app.shifts_of_person_in_month(&person, month)
            .expect("listed")
            .is_empty(),
        "nothing left"
    );
}

#[test]
fn refusals_reach_the_ui_with_their_own_code() {
    let (_dir, app) = demo_app();
    let person = app.persons().expect("persons")[0]
        .personnummer
        .digits()
        .to_owned();
    let assistant = app.assistants().expect("assistants")[0]
        .id
        .digits()
        .to_owned();
    let ambiguous = ipc::ShiftInput {
        person,
        assistant,
        start: "2026-10-25T02:30".into(),
        start_occurrence: None,
        end: "2026-10-25T06:00".into(),
        end_occurrence: None,
        kind: ipc::TimeKind::Vante,
        note: None,
    };
    let err = app
        .add_shift(&ambiguous.input(), now())
        .expect_err("an ambiguous autumn time is never guessed");
    let ipc_err = ipc::IpcError::from(err);
    assert_eq!(
        ipc_err.code, "time_ambiguous",
        "the grid branches on this code"
    );
    assert!(
        ipc_err.message.contains("två gånger"),
        "the Swedish message says why: {}",
        ipc_err.message
    );
    let unknown = ipc::IpcError::from(convert::shift_id("12-2026-10-0").expect_err("not an id"));
    assert_eq!(
        unknown.code, "shift_not_found",
        "an id from the old row-based grid is refused clearly"
    );
}

#[test]
fn the_grid_answer_carries_report_rows_only_where_a_dst_note_needs_them() {
    let (_dir, app) = demo_app();
    let month = convert::month("2026-10").expect("month");
    let review = app.month_review(month, now()).expect("review");
    let full = ipc::MonthReview::from_domain(&review, Lang::Sv);
    // The demo's October has a night shift into the autumn night: its person's grid.
    let person = full
        .reports
        .iter()
        .find(|r| r.rows.iter().any(|row| row.dst_note.is_some()))
        .map(|r| r.person.clone())
        .expect("the demo's October crosses the autumn night");
    let person = person.as_str();
    let grid = app
        .month_grid(month, person, Lang::Sv, now())
        .expect("the grid is made");
    assert!(!grid.shifts.is_empty(), "the demo person works in October");
    for report in &grid.reports {
        assert!(
            report.rows.iter().all(|r| r.dst_note.is_some()),
            "only rows with a DST note are sent to the grid (the cells come from the shifts)"
        );
        let whole = full
            .reports
            .iter()
            .find(|r| r.person == person && r.assistant == report.assistant)
            .expect("the same report in the full review");
        assert_eq!(
            report.totals, whole.totals,
            "the totals are the whole report's"
        );
        assert_eq!(
            report.rows.len(),
            whole.rows.iter().filter(|r| r.dst_note.is_some()).count(),
            "every DST note is kept"
        );
    }
    assert!(
        grid.reports.iter().any(|r| !r.rows.is_empty()),
        "the autumn night's note reaches the grid"
    );
}
