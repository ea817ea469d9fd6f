//! Entering single shifts (the month grid): add, change and delete one shift with the import's
//! validation; daylight saving as a table of cases (an ambiguous autumn time is answered by the
//! caller, a spring-gap time is refused); signed reports get a new version whose signatures
//! must be taken again; reports FK has received, or that are on their way, are not changed.

use std::path::PathBuf;

use assistid_app::register::{AssistantInput, EmploymentChoice, PersonInput, ProviderInput};
use assistid_app::shifts::{ShiftId, ShiftInput, ShiftRefused};
use assistid_app::{App, KeySource};
use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::time::Occurrence;
use assistid_store::{AttemptOutcome, AttemptResult, Store};
use chrono::{DateTime, TimeZone as _, Utc};

pub(crate) const ASSISTANT: &str = "199001012385";
pub(crate) const OTHER_ASSISTANT: &str = "199001010017";
pub(crate) const PERSON: &str = "195001012383";
pub(crate) const OTHER_PERSON: &str = "197503231115";

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

pub(crate) struct Folder {
    pub(crate) dir: tempfile::TempDir,
}

impl Folder {
    /// A data folder with a provider, two persons and two assistants, and no shifts.
    pub(crate) fn new() -> (Folder, App) {
        let folder = Folder {
            dir: tempfile::tempdir().expect("a temporary data folder"),
        };
        let app = folder.open();
        app.save_provider(
            &ProviderInput {
                name: "Omsorg AB".into(),
                org_number: "556677-8899".into(),
                contact: Some("Karin".into()),
                phone: "08-123 456 78".into(),
            },
            now(),
        )
        .expect("the provider is registered");
        for (pnr, first, last) in [(PERSON, "Åsa", "Öberg"), (OTHER_PERSON, "Johan", "Lind")] {
            app.save_person(
                &PersonInput {
                    personnummer: pnr.into(),
                    first_name: first.into(),
                    last_name: last.into(),
                },
                now(),
            )
            .expect("the person is registered");
        }
        for (pnr, first, last) in [(ASSISTANT, "Ali", "Berg"), (OTHER_ASSISTANT, "Eva", "Ek")] {
            app.save_assistant(
                &AssistantInput {
                    personnummer: pnr.into(),
                    first_name: first.into(),
                    last_name: last.into(),
                    phone: Some("070-123 45 67".into()),
                    collective_agreement: true,
                    employment: EmploymentChoice::Provider,
                    ..AssistantInput::default()
                },
                now(),
            )
            .expect("the assistant is registered");
        }
        (folder, app)
    }

    pub(crate) fn key(&self) -> PathBuf {
        self.dir.path().join("test.key")
    }

    pub(crate) fn open(&self) -> App {
        App::open(self.dir.path(), KeySource::File(self.key()), now())
            .expect("the data folder opens")
    }

    /// The store itself, with the app closed (as another program would see the file).
    pub(crate) fn store(&self) -> Store {
        Store::open_in_data_dir(
            self.dir.path(),
            &assistid_store::KeySource::File(self.key()),
        )
        .expect("the store opens")
    }
}

pub(crate) fn input(start: &str, end: &str) -> ShiftInput {
    ShiftInput {
        assistant: ASSISTANT.into(),
        person: PERSON.into(),
        start: start.into(),
        start_occurrence: None,
        end: end.into(),
        end_occurrence: None,
        kind: TimeKind::Aktiv,
        note: None,
    }
}

fn refusal(result: anyhow::Result<impl std::fmt::Debug>) -> ShiftRefused {
    let err = result.expect_err("the shift must be refused");
    err.downcast_ref::<ShiftRefused>()
        .unwrap_or_else(|| panic!("a refusal with a code, not {err:#}"))
        .clone()
}

pub(crate) fn month(text: &str) -> ReportMonth {
    text.parse().expect("a valid month")
}

fn real_minutes_in(app: &App, m: &str) -> u32 {
    let review = app
        .month_review(month(m), now())
        .expect("the month reviews");
    review
        .reports()
        .iter()
        .flat_map(|r| r.row_minutes().iter().map(|x| x.real_minutes))
        .sum()
}

#[test]
fn a_typed_shift_is_stored_changed_and_deleted_and_the_review_follows() {
    let (_folder, app) = Folder::new();
    let saved = app
        .add_shift(&input("2026-11-10T08:00", "2026-11-10T16:00"), now())
        .expect("8-16 is a valid shift");
    assert_eq!(saved.shift.real_minutes, 480, "8-16 is eight hours");
    assert!(saved.warnings.is_empty(), "nothing to warn about");
    assert_eq!(
        real_minutes_in(&app, "2026-11"),
        480,
        "the review counts it"
    );
    let listed = app
        .shifts_of_person_in_month(PERSON, month("2026-11"))
        .expect("the grid lists the person's shifts");
    assert_eq!(
        listed.iter().map(|s| s.id).collect::<Vec<_>>(),
        [saved.shift.id],
        "with the id the grid changes and deletes them by"
    );

    let changed = app
        .update_shift(
            saved.shift.id,
            &ShiftInput {
                kind: TimeKind::Vante,
                note: Some("  sov hela natten ".into()),
                ..input("2026-11-10T08:00", "2026-11-10T17:00")
            },
            now(),
        )
        .expect("the shift changes");
    assert_eq!(changed.shift.id, saved.shift.id, "a change keeps the id");
    assert_eq!(
        changed.shift.shift.kind,
        TimeKind::Vante,
        "the kind changed"
    );
    assert_eq!(
        changed.shift.shift.note.as_deref(),
        Some("sov hela natten"),
        "the note is kept, trimmed"
    );
    assert_eq!(real_minutes_in(&app, "2026-11"), 540, "the review follows");

    let deleted = app
        .delete_shift(saved.shift.id, now())
        .expect("the shift is deleted");
    assert!(deleted.shift.is_some(), "it said what it deleted");
    assert_eq!(
        real_minutes_in(&app, "2026-11"),
        0,
        "nothing left to report"
    );
    assert!(
        app.delete_shift(saved.shift.id, now())
            .expect("deleting twice is harmless")
            .shift
            .is_none(),
        "the second delete finds nothing"
    );
    assert_eq!(
        refusal(app.update_shift(
            saved.shift.id,
            &input("2026-11-10T08:00", "2026-11-10T16:00"),
            now()
        ))
        .code,
        "shift_not_found",
        "a deleted shift cannot be changed"
    );
}

/// One case of the daylight-saving table.
struct DstCase {
    what: &'static str,
    start: (&'static str, Option<Occurrence>),
    end: (&'static str, Option<Occurrence>),
    /// `Ok(real minutes, wall-clock minutes)` or `Err(code, field)`.
    expect: Result<(u32, u32), (&'static str, &'static str)>,
}

const FIRST: Option<Occurrence> = Some(Occurrence::First);
const SECOND: Option<Occurrence> = Some(Occurrence::Second);

#[rustfmt::skip]
const DST_CASES: &[DstCase] = &[
    // Autumn, 2026-10-25: the clock goes from 03:00 back to 02:00.
    DstCase { what: "overnight across the autumn change", start: ("2026-10-24T22:00", None), end: ("2026-10-25T07:00", None), expect: Ok((600, 540)) },
    DstCase { what: "00-04 on the autumn night is 5 h (FK's example)", start: ("2026-10-25T00:00", None), end: ("2026-10-25T04:00", None), expect: Ok((300, 240)) },
    DstCase { what: "starting inside the repeated hour without saying which", start: ("2026-10-25T02:30", None), end: ("2026-10-25T06:00", None), expect: Err(("time_ambiguous", "start")) },
    DstCase { what: "ending inside the repeated hour without saying which", start: ("2026-10-25T01:00", None), end: ("2026-10-25T02:30", None), expect: Err(("time_ambiguous", "end")) },
    DstCase { what: "exactly 02:00 on the autumn night is ambiguous too", start: ("2026-10-25T02:00", None), end: ("2026-10-25T05:00", None), expect: Err(("time_ambiguous", "start")) },
    DstCase { what: "ending at 02:30 the first time", start: ("2026-10-25T01:00", None), end: ("2026-10-25T02:30", FIRST), expect: Ok((90, 90)) },
    DstCase { what: "ending at 02:30 the second time", start: ("2026-10-25T01:00", None), end: ("2026-10-25T02:30", SECOND), expect: Ok((150, 90)) },
    DstCase { what: "from 02:30 summer time to 02:45 winter time", start: ("2026-10-25T02:30", FIRST), end: ("2026-10-25T02:45", SECOND), expect: Ok((75, 15)) },
    DstCase { what: "from 02:00 winter time to 04:00", start: ("2026-10-25T02:00", SECOND), end: ("2026-10-25T04:00", None), expect: Ok((120, 120)) },
    DstCase { what: "a row running backwards on the clock", start: ("2026-10-25T02:45", FIRST), end: ("2026-10-25T02:15", SECOND), expect: Err(("dst_row_not_increasing", "end")) },
    DstCase { what: "starting exactly at 03:00 after the autumn change", start: ("2026-10-25T03:00", None), end: ("2026-10-25T05:00", None), expect: Ok((120, 120)) },
    // Spring, 2026-03-29: the clock jumps from 02:00 to 03:00.
    DstCase { what: "00-04 on the spring night is 3 h", start: ("2026-03-29T00:00", None), end: ("2026-03-29T04:00", None), expect: Ok((180, 240)) },
    DstCase { what: "starting in the skipped hour", start: ("2026-03-29T02:30", None), end: ("2026-03-29T06:00", None), expect: Err(("time_nonexistent", "start")) },
    DstCase { what: "ending exactly at 02:00, which does not exist", start: ("2026-03-28T22:00", None), end: ("2026-03-29T02:00", None), expect: Err(("time_nonexistent", "end")) },
    DstCase { what: "an occurrence does not make a skipped time exist", start: ("2026-03-29T02:15", FIRST), end: ("2026-03-29T05:00", None), expect: Err(("time_nonexistent", "start")) },
    DstCase { what: "01:00 to 03:00 across the spring change", start: ("2026-03-29T01:00", None), end: ("2026-03-29T03:00", None), expect: Ok((60, 120)) },
    DstCase { what: "overnight across the spring change", start: ("2026-03-28T22:00", None), end: ("2026-03-29T07:00", None), expect: Ok((480, 540)) },
    // Month ends and ordinary errors.
    DstCase { what: "overnight across a month end", start: ("2026-10-31T22:00", None), end: ("2026-11-01T06:00", None), expect: Ok((480, 480)) },
    DstCase { what: "an end before the start", start: ("2026-11-03T16:00", None), end: ("2026-11-03T08:00", None), expect: Err(("end_not_after_start", "end")) },
    DstCase { what: "a time that is not a time", start: ("2026-11-03T8", None), end: ("2026-11-03T16:00", None), expect: Err(("invalid_time", "start")) },
];

#[test]
fn daylight_saving_is_never_guessed_table() {
    let (_folder, app) = Folder::new();
    for case in DST_CASES {
        let mut shift = input(case.start.0, case.end.0);
        shift.start_occurrence = case.start.1;
        shift.end_occurrence = case.end.1;
        let result = app.add_shift(&shift, now());
        match case.expect {
            Ok((real, clock)) => {
                let saved = result.unwrap_or_else(|e| panic!("{}: refused: {e:#}", case.what));
                assert_eq!(
                    (saved.shift.real_minutes, saved.shift.clock_minutes),
                    (real, clock),
                    "{}: real and wall-clock minutes",
                    case.what
                );
                assert_eq!(
                    saved.shift.dst_note.is_some(),
                    real != clock,
                    "{}: a DST note exactly when real time differs from the clock",
                    case.what
                );
                // The next case starts from an empty month again.
                app.delete_shift(saved.shift.id, now())
                    .expect("the case's shift is deleted");
            }
            Err((code, field)) => {
                let refused = refusal(result);
                assert_eq!(
                    (refused.code, refused.field),
                    (code, Some(field)),
                    "{}: refused with the right code and field ({})",
                    case.what,
                    refused.message
                );
            }
        }
    }
    assert_eq!(
        app.shifts_of_person_in_month(PERSON, month("2026-10"))
            .expect("listed")
            .len(),
        0,
        "refused shifts were never stored"
    );
}

#[test]
fn dst_messages_say_what_to_do_in_swedish() {
    let (_folder, app) = Folder::new();
    let ambiguous = refusal(app.add_shift(&input("2026-10-25T02:30", "2026-10-25T06:00"), now()));
    assert!(
        ambiguous.message.contains("två gånger")
            && ambiguous.message.contains("första gången")
            && ambiguous.message.contains("andra gången"),
        "the message asks which occurrence: {}",
        ambiguous.message
    );
    let skipped = refusal(app.add_shift(&input("2026-03-29T02:30", "2026-03-29T06:00"), now()));
    assert!(
        skipped.message.contains("finns inte") && skipped.message.contains("03:00"),
        "the message says the time does not exist and what to enter: {}",
        skipped.message
    );
}

#[test]
fn overlaps_unknown_people_and_long_shifts_follow_the_import_rules() {
    let (_folder, app) = Folder::new();
    let first = app
        .add_shift(&input("2026-11-10T08:00", "2026-11-10T16:00"), now())
        .expect("stored");
    let overlap = refusal(app.add_shift(&input("2026-11-10T15:00", "2026-11-10T20:00"), now()));
    assert_eq!(
        overlap.code, "overlap_same_person",
        "one assistant cannot report the same time twice for one person"
    );
    assert!(
        overlap.message.contains("Ali Berg"),
        "the message names the assistant: {}",
        overlap.message
    );
    let again = refusal(app.add_shift(&input("2026-11-10T08:00", "2026-11-10T16:00"), now()));
    assert_eq!(
        again.code, "overlap_same_person",
        "the same shift twice is an overlap"
    );
    let elsewhere = app
        .add_shift(
            &ShiftInput {
                person: OTHER_PERSON.into(),
                ..input("2026-11-10T15:00", "2026-11-10T20:00")
            },
            now(),
        )
        .expect("two persons at once is only a warning");
    assert_eq!(
        elsewhere
            .warnings
            .iter()
            .map(|w| w.code)
            .collect::<Vec<_>>(),
        ["overlap_two_persons"],
        "and the warning comes back"
    );
    app.add_shift(
        &ShiftInput {
            assistant: OTHER_ASSISTANT.into(),
            ..input("2026-11-10T08:00", "2026-11-10T16:00")
        },
        now(),
    )
    .expect("two assistants for one person at once is double assistance, fine");
    let moved_into_overlap = refusal(app.update_shift(
        elsewhere.shift.id,
        &input("2026-11-10T15:00", "2026-11-10T20:00"),
        now(),
    ));
    assert_eq!(
        moved_into_overlap.code, "overlap_same_person",
        "a change is checked like a new shift"
    );
    app.update_shift(
        first.shift.id,
        &input("2026-11-10T07:00", "2026-11-10T15:00"),
        now(),
    )
    .expect("a shift does not overlap with its own old times");

    let unknown = refusal(app.add_shift(
        &ShiftInput {
            assistant: "198001011231".into(),
            ..input("2026-11-12T08:00", "2026-11-12T16:00")
        },
        now(),
    ));
    assert_eq!(
        (unknown.code, unknown.field),
        ("unknown_assistant", Some("assistant")),
        "an assistant not in the register"
    );
    let bad_number = refusal(app.add_shift(
        &ShiftInput {
            person: "195001012384".into(),
            ..input("2026-11-12T08:00", "2026-11-12T16:00")
        },
        now(),
    ));
    assert_eq!(
        (bad_number.code, bad_number.field),
        ("invalid_input", Some("person")),
        "a personnummer with a wrong check digit"
    );
    let long = app
        .add_shift(&input("2026-11-13T06:00", "2026-11-14T00:00"), now())
        .expect("a long shift is stored");
    assert_eq!(
        long.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
        ["long_shift"],
        "with a warning"
    );
    let too_long = refusal(app.add_shift(&input("2026-11-15T06:00", "2026-12-20T06:00"), now()));
    assert_eq!(
        too_long.code, "shift_too_long",
        "over 31 days cannot be right"
    );
}

#[test]
fn every_change_is_in_the_audit_log_without_personal_data() {
    let (folder, app) = Folder::new();
    let saved = app
        .add_shift(&input("2026-11-10T08:00", "2026-11-10T16:00"), now())
        .expect("stored");
    app.update_shift(
        saved.shift.id,
        &input("2026-11-10T09:00", "2026-11-10T16:00"),
        now(),
    )
    .expect("changed");
    app.delete_shift(saved.shift.id, now()).expect("deleted");
    drop(app);
    let events = folder
        .store()
        .events_after(None, 1000)
        .expect("the log reads");
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e.kind.as_str())
        .filter(|k| k.starts_with("shift_"))
        .collect();
    assert_eq!(
        kinds,
        ["shift_added", "shift_changed", "shift_deleted"],
        "each change is logged once, in order"
    );
    for e in events.iter().filter(|e| e.kind.starts_with("shift_")) {
        let text = e.details.to_string();
        assert!(
            !text.contains(ASSISTANT) && !text.contains(PERSON),
            "no personnummer in the log: {text}"
        );
        assert_eq!(
            e.details["shift"].as_i64(),
            Some(saved.shift.id.get()),
            "the event names the shift by its id"
        );
    }
}

/// Adds a shift, reviews the month and returns the report version id of ASSISTANT × PERSON.
pub(crate) fn one_report(app: &App, start: &str, end: &str) -> (ShiftId, uuid::Uuid) {
    let saved = app.add_shift(&input(start, end), now()).expect("stored");
    let id = saved
        .reports
        .first()
        .and_then(|r| r.report_id)
        .expect("the change saved a report version");
    (saved.shift.id, id)
}

#[test]
fn a_change_to_a_signed_report_makes_a_new_version_to_sign_again() {
    let (folder, app) = Folder::new();
    let (shift, signed_id) = one_report(&app, "2026-11-10T08:00", "2026-11-10T16:00");
    drop(app);
    folder
        .store()
        .freeze_report_version(signed_id, now())
        .expect("signing freezes the version's bytes");
    let app = folder.open();

    let changed = app
        .update_shift(shift, &input("2026-11-10T08:00", "2026-11-10T17:00"), now())
        .expect("a signed report's shift may change");
    let report = changed.reports.first().expect("the report is reported on");
    let new_id = report.report_id.expect("a new version exists");
    assert_ne!(new_id, signed_id, "the signed version is never changed");
    assert!(
        report.signatures_must_be_retaken,
        "the signatures of the old version must be taken again"
    );
    drop(app);
    let store = folder.store();
    let old = store
        .report_version_by_id(signed_id)
        .expect("read")
        .expect("the signed version is kept");
    assert!(old.is_frozen(), "and stays frozen");
    assert_eq!(
        old.superseded_by,
        Some(new_id),
        "superseded by the new version"
    );
    let new = store
        .report_version_by_id(new_id)
        .expect("read")
        .expect("the new version is stored");
    assert!(!new.is_frozen(), "the new version waits for its signatures");
    drop(store);

    // Deleting the last shift of a signed report would leave the signed version to be sent.
    let app = folder.open();
    let (lonely, lonely_report) = {
        let saved = app
            .add_shift(
                &ShiftInput {
                    person: OTHER_PERSON.into(),
                    ..input("2026-11-12T08:00", "2026-11-12T16:00")
                },
                now(),
            )
            .expect("stored");
        (
            saved.shift.id,
            saved.reports[0].report_id.expect("a version"),
        )
    };
    drop(app);
    folder
        .store()
        .freeze_report_version(lonely_report, now())
        .expect("frozen");
    let app = folder.open();
    assert_eq!(
        refusal(app.delete_shift(lonely, now())).code,
        "signed_report_would_be_empty",
        "the only shift of a signed report is not deleted"
    );
}

#[test]
fn a_report_fk_has_received_or_is_receiving_is_not_changed() {
    let (folder, app) = Folder::new();
    let (shift, report_id) = one_report(&app, "2026-11-10T08:00", "2026-11-10T16:00");
    drop(app);
    let store = folder.store();
    store
        .freeze_report_version(report_id, now())
        .expect("frozen");
    let submission = store
        .enqueue_submission(report_id, "demo", now())
        .expect("queued");
    drop(store);

    let app = folder.open();
    let queued =
        refusal(app.update_shift(shift, &input("2026-11-10T09:00", "2026-11-10T16:00"), now()));
    assert_eq!(
        queued.code, "report_being_sent",
        "a queued report is not changed"
    );
    assert_eq!(
        refusal(app.delete_shift(shift, now())).code,
        "report_being_sent",
        "nor its shifts deleted"
    );
    assert_eq!(
        refusal(app.add_shift(&input("2026-11-11T08:00", "2026-11-11T16:00"), now())).code,
        "report_being_sent",
        "nor shifts added to it"
    );
    drop(app);

    let store = folder.store();
    let attempt = store
        .begin_submission_attempt(submission.id, now())
        .expect("sending");
    store
        .finish_submission_attempt(
            submission.id,
            attempt,
            &AttemptResult {
                finished_at: now(),
                outcome: AttemptOutcome::Accepted,
                http_status: Some(200),
                answer: Some(b"<ok/>"),
                tx_id: Some("0b7c6f0e-1111-4222-8333-944445555666"),
                error_code: None,
                error_message: None,
                error_text: None,
                fk_message: None,
                next_attempt_at: None,
            },
        )
        .expect("accepted by FK");
    drop(store);

    let app = folder.open();
    let received =
        refusal(app.update_shift(shift, &input("2026-11-10T09:00", "2026-11-10T16:00"), now()));
    assert_eq!(
        received.code, "report_already_sent",
        "a received report is not changed"
    );
    assert!(
        received
            .message
            .contains("0b7c6f0e-1111-4222-8333-944445555666")
            && received.message.contains("Försäkringskassan"),
        "the message says FK has it, with the tx-id: {}",
        received.message
    );
    app.add_shift(
        &ShiftInput {
            person: OTHER_PERSON.into(),
            ..input("2026-11-10T17:00", "2026-11-10T20:00")
        },
        now(),
    )
    .expect("other reports of the month can still change");
    assert_eq!(
        real_minutes_in(&app, "2026-11"),
        480 + 180,
        "the received report still holds its shift"
    );
}
