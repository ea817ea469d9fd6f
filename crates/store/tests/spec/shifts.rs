//! Shifts: bulk insert without duplicates, exact times across daylight-saving changes, and the
//! range queries the month review and working-time limits use.

use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::shift::Shift;
use assistid_core::time::Occurrence;
use assistid_store::{InsertCounts, StoreError};
use chrono::NaiveDate;

use crate::support::{Fixture, assistant, at, instant, person, register, shift};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

#[test]
fn importing_the_same_shifts_twice_creates_no_duplicates() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let batch: Vec<Shift> = (1..=28)
        .map(|day| {
            shift(
                &a,
                &p,
                &format!("2026-02-{day:02} 08:00"),
                &format!("2026-02-{day:02} 16:30"),
            )
        })
        .collect();
    let first = store
        .insert_shifts(&batch, Some("batch-1"), instant("2026-03-01T10:00:00Z"))
        .expect("the first import stores everything");
    assert_eq!(
        first,
        InsertCounts {
            inserted: 28,
            already_present: 0
        }
    );
    let second = store
        .insert_shifts(&batch, Some("batch-2"), instant("2026-03-01T11:00:00Z"))
        .expect("the second import succeeds");
    assert_eq!(
        second,
        InsertCounts {
            inserted: 0,
            already_present: 28
        },
        "the same file imported again adds nothing and says so"
    );
    let stored = store
        .shifts_in_month(ReportMonth::new(2026, 2).expect("a month"))
        .expect("readable");
    assert_eq!(stored.len(), 28, "no duplicates in the table");
    assert!(
        stored
            .iter()
            .all(|s| s.source.as_deref() == Some("batch-1")),
        "a shift already present keeps where it first came from"
    );
    assert!(store.contains_shift(&batch[0]).expect("lookup works"));
}

#[test]
fn the_same_time_with_another_kind_or_person_is_a_different_shift() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let provider_id = store.list_providers().expect("listed")[0].id;
    let p2 = person(7);
    store.add_person(provider_id, &p2).expect("a second person");
    let base = shift(&a, &p, "2026-02-02 08:00", "2026-02-02 16:00");
    let mut waiting = base.clone();
    waiting.kind = TimeKind::Vante;
    let mut other_person = base.clone();
    other_person.person = p2.personnummer.clone();
    let counts = store
        .insert_shifts(
            [&base, &waiting, &other_person],
            None,
            instant("2026-03-01T10:00:00Z"),
        )
        .expect("stored");
    assert_eq!(
        counts.inserted, 3,
        "kind and person are part of a shift's identity"
    );
}

#[test]
fn shift_times_round_trip_exactly_across_both_daylight_saving_changes() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let autumn_first = at("2026-10-25 02:30", Some(Occurrence::First));
    let autumn_second = at("2026-10-25 02:30", Some(Occurrence::Second));
    let shifts = vec![
        // Across the spring change: 22:00 winter time to 07:00 summer time.
        shift(&a, &p, "2026-03-28 22:00", "2026-03-29 07:00"),
        // Inside the repeated autumn hour: from its first 02:30 to its second 02:30 (1 h).
        Shift {
            start: autumn_first,
            end: autumn_second,
            ..shift(&a, &p, "2026-10-25 00:00", "2026-10-25 01:00")
        },
        // Starting at the second 02:30 and ending at 04:00.
        Shift {
            start: autumn_second,
            kind: TimeKind::Beredskap,
            note: Some("natt — väckt två gånger".to_owned()),
            ..shift(&a, &p, "2026-10-25 00:00", "2026-10-25 04:00")
        },
    ];
    store
        .insert_shifts(&shifts, None, instant("2026-11-01T08:00:00Z"))
        .expect("stored");
    let mut back: Vec<Shift> = store
        .shifts_in_month(ReportMonth::new(2026, 3).expect("a month"))
        .expect("march readable")
        .into_iter()
        .chain(
            store
                .shifts_in_month(ReportMonth::new(2026, 10).expect("a month"))
                .expect("october readable"),
        )
        .map(|s| s.shift)
        .collect();
    back.sort_by_key(|s| (s.start.utc_minutes(), s.end.utc_minutes()));
    assert_eq!(back, shifts, "every ShiftTime comes back identical");
    assert_eq!(
        back[1].end.occurrence(),
        Some(Occurrence::Second),
        "the second 02:30 is still the second occurrence"
    );
    assert_eq!(back[1].real_minutes(), 60);
    assert_eq!(back[0].real_minutes(), 8 * 60, "9 clock hours, 8 real");
}

#[test]
fn a_month_includes_shifts_that_cross_its_boundaries() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let shifts = vec![
        shift(&a, &p, "2026-02-28 22:00", "2026-03-01 06:00"), // into March
        shift(&a, &p, "2026-03-15 08:00", "2026-03-15 16:00"), // inside
        shift(&a, &p, "2026-03-31 22:00", "2026-04-01 06:00"), // out of March
        shift(&a, &p, "2026-02-27 08:00", "2026-02-27 16:00"), // February only
        shift(&a, &p, "2026-04-01 00:00", "2026-04-01 08:00"), // April only, starts at midnight
    ];
    store
        .insert_shifts(&shifts, None, instant("2026-04-02T08:00:00Z"))
        .expect("stored");
    let march: Vec<Shift> = store
        .shifts_in_month(ReportMonth::new(2026, 3).expect("a month"))
        .expect("readable")
        .into_iter()
        .map(|s| s.shift)
        .collect();
    assert_eq!(
        march,
        shifts[..3].to_vec(),
        "March holds the shifts overlapping it, ordered by start; a shift starting at \
         midnight after the month is not part of it"
    );
}

#[test]
fn an_assistants_shifts_in_a_date_range_cover_every_person() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let provider_id = store.list_providers().expect("listed")[0].id;
    let p2 = person(8);
    store.add_person(provider_id, &p2).expect("a second person");
    let other = assistant(9);
    store.add_assistant(&other).expect("a second assistant");
    let shifts = vec![
        shift(&a, &p, "2026-01-04 22:00", "2026-01-05 06:00"),
        shift(&a, &p2, "2026-01-10 08:00", "2026-01-10 12:00"),
        shift(&other, &p, "2026-01-06 08:00", "2026-01-06 12:00"),
        shift(&a, &p, "2026-02-01 08:00", "2026-02-01 12:00"),
    ];
    store
        .insert_shifts(&shifts, None, instant("2026-03-01T08:00:00Z"))
        .expect("stored");
    let found: Vec<Shift> = store
        .shifts_of_assistant(&a.id, date(2026, 1, 5), date(2026, 1, 31))
        .expect("readable")
        .into_iter()
        .map(|s| s.shift)
        .collect();
    assert_eq!(
        found,
        vec![shifts[0].clone(), shifts[1].clone()],
        "the overnight shift into the 5th counts, other assistants and later dates do not"
    );
}

#[test]
fn a_batch_with_an_unknown_person_stores_nothing() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let stranger = person(99);
    let batch = vec![
        shift(&a, &p, "2026-02-02 08:00", "2026-02-02 16:00"),
        shift(&a, &stranger, "2026-02-03 08:00", "2026-02-03 16:00"),
    ];
    let err = store
        .insert_shifts(&batch, None, instant("2026-03-01T08:00:00Z"))
        .expect_err("an unregistered person is refused");
    match &err {
        StoreError::NotFound { what } => {
            let what = what.to_string();
            assert!(
                what.contains("****") && !what.contains(stranger.personnummer.digits()),
                "the message masks the personnummer: {what}"
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(
        store
            .shifts_in_month(ReportMonth::new(2026, 2).expect("a month"))
            .expect("readable")
            .is_empty(),
        "all or nothing: the valid first shift was not kept either"
    );
}

#[test]
fn a_shift_that_does_not_end_after_it_starts_is_refused() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let backwards = shift(&a, &p, "2026-02-02 16:00", "2026-02-02 08:00");
    let err = store
        .insert_shifts([backwards], None, instant("2026-03-01T08:00:00Z"))
        .expect_err("refused");
    assert!(matches!(err, StoreError::Invalid { .. }), "got {err:?}");
}

/// `days` day shifts of February 2026 from `first` on.
fn february(
    a: &assistid_core::model::Assistant,
    p: &assistid_core::model::PersonWithAssistance,
    first: u32,
    days: u32,
) -> Vec<Shift> {
    (first..first + days)
        .map(|day| {
            shift(
                a,
                p,
                &format!("2026-02-{day:02} 08:00"),
                &format!("2026-02-{day:02} 16:00"),
            )
        })
        .collect()
}

#[test]
fn an_insert_fed_in_batches_counts_shifts_of_earlier_batches_as_present_and_keeps_one_source() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let mut insert = store
        .begin_shift_insert(instant("2026-03-01T10:00:00Z"))
        .expect("an insert begins");
    // 20 then 8 new shifts (more than one multi-row statement, and a remainder), then the first
    // five again: already present from an earlier batch of the same insert.
    insert.insert(february(&a, &p, 1, 20)).expect("first batch");
    insert
        .insert(february(&a, &p, 21, 8))
        .expect("second batch");
    insert.insert(february(&a, &p, 1, 5)).expect("third batch");
    let counts = insert
        .finish(Some("import:abc"))
        .expect("the insert is kept");
    assert_eq!(
        counts,
        InsertCounts {
            inserted: 28,
            already_present: 5
        }
    );
    let stored = store
        .shifts_in_month(ReportMonth::new(2026, 2).expect("a month"))
        .expect("readable");
    assert_eq!(stored.len(), 28, "no duplicates across batches");
    assert!(
        stored
            .iter()
            .all(|s| s.source.as_deref() == Some("import:abc")
                && s.created_at == instant("2026-03-01T10:00:00Z")),
        "the source given at finish and the time given at begin are on every shift"
    );
}

#[test]
fn an_insert_fed_in_batches_keeps_nothing_unless_finished() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    {
        let mut insert = store
            .begin_shift_insert(instant("2026-03-01T10:00:00Z"))
            .expect("an insert begins");
        insert.insert(february(&a, &p, 1, 10)).expect("a batch");
        // Dropped without finish: as if the importer found an error after this batch.
    }
    let mut insert = store
        .begin_shift_insert(instant("2026-03-01T10:00:00Z"))
        .expect("an insert begins");
    insert.insert(february(&a, &p, 1, 10)).expect("a batch");
    let stranger = person(99);
    let bad = vec![shift(&a, &stranger, "2026-02-20 08:00", "2026-02-20 16:00")];
    insert
        .insert(&bad)
        .expect_err("an unregistered person is refused");
    insert
        .insert(february(&a, &p, 11, 1))
        .expect_err("after an error the insert takes no more batches");
    insert.finish(None).expect_err("nor can it be kept");
    assert!(
        store
            .shifts_in_month(ReportMonth::new(2026, 2).expect("a month"))
            .expect("readable")
            .is_empty(),
        "all or nothing: no batch was kept"
    );
}
