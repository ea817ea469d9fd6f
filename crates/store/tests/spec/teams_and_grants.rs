//! A person's team (the assistants who work for them) and their decisions from FK (granted
//! hours): stored, read back, and removed with the person.

use assistid_core::grant::{Grant, GrantPeriod};
use assistid_store::{Store, StoreError, Subject, schema};
use chrono::NaiveDate;

use crate::support::{Fixture, instant, register, shift};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn ids(store: &Store) -> (assistid_store::PersonId, assistid_store::AssistantId) {
    let person = store.list_persons().expect("persons readable")[0].id;
    let assistant = store.list_assistants().expect("assistants readable")[0].id;
    (person, assistant)
}

#[test]
fn an_assistant_joins_and_leaves_a_persons_team_and_the_first_day_is_kept() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let (person, helper) = ids(&store);
    assert!(
        store.team_of(person).expect("team readable").is_empty(),
        "a new person has no team until someone is added"
    );
    assert!(
        store
            .add_team_member(person, helper, None)
            .expect("a registered pair can join"),
        "the first add says the assistant is new in the team"
    );
    assert!(
        !store
            .add_team_member(person, helper, Some(date(2026, 3, 1)))
            .expect("adding again is harmless"),
        "adding a member again is not a new member"
    );
    let team = store.team_of(person).expect("team readable");
    assert_eq!(team.len(), 1, "one membership, however often added");
    assert_eq!(
        team[0].since,
        Some(date(2026, 3, 1)),
        "a first day given later fills in the unknown one"
    );
    assert!(store.remove_team_member(person, helper).expect("removable"));
    assert!(
        !store
            .remove_team_member(person, helper)
            .expect("removable twice"),
        "removing a non-member says so"
    );
    assert!(store.team_of(person).expect("team readable").is_empty());
}

#[test]
fn the_migration_puts_every_pair_that_has_worked_together_in_the_team() {
    let fx = Fixture::new();
    {
        let old = Store::open_at_schema_version(&fx.db_path(), &fx.keys(), 17)
            .expect("a database from before teams can be built");
        let (person, helper) = register(&old);
        drop(old);
        // Written the way a program of schema 17 wrote it: no team table to fill.
        let night = shift(&helper, &person, "2026-10-24 22:00", "2026-10-25 07:00");
        let raw = fx.raw();
        raw.execute(
            "INSERT INTO shift_sources (id, source, created_at) VALUES (1, NULL, ?1)",
            [instant("2026-11-01T08:00:00Z").to_rfc3339()],
        )
        .expect("a source row");
        raw.execute(
            "INSERT INTO shifts (assistant_id, person_id, start_utc, start_offset, end_utc,
               end_offset, kind, note, source_id) VALUES (1, 1, ?1, ?2, ?3, ?4, 'aktiv', NULL, 1)",
            rusqlite::params![
                night.start.utc_minutes(),
                night.start.offset_minutes(),
                night.end.utc_minutes(),
                night.end.offset_minutes()
            ],
        )
        .expect("schema 17 takes the shift");
    }
    let store = fx.open();
    assert_eq!(
        store.schema_version().expect("readable"),
        schema::CURRENT_VERSION
    );
    let (person, _) = ids(&store);
    let team = store.team_of(person).expect("team readable");
    assert_eq!(
        team.len(),
        1,
        "the assistant who already worked for the person is in the team after the upgrade"
    );
}

#[test]
fn a_decision_is_stored_read_back_and_removed() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let (person, _) = ids(&store);
    let grant = Grant::new(
        40 * 60,
        GrantPeriod::Week,
        date(2026, 1, 1),
        Some(date(2026, 12, 31)),
    )
    .expect("a valid decision");
    let id = store.add_grant(person, &grant).expect("stored");
    let stored = store.grants_of(person).expect("readable");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].grant, grant, "the decision reads back as written");
    assert_eq!(stored[0].id, id);
    assert!(store.remove_grant(id).expect("removable"));
    assert!(store.grants_of(person).expect("readable").is_empty());
}

#[test]
fn the_database_refuses_a_decision_for_the_whole_period_without_an_end() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let (person, _) = ids(&store);
    drop(store);
    let refused = fx.raw().execute(
        "INSERT INTO person_grants (person_id, minutes, period, valid_from)
         VALUES (?1, 600, 'decision', '2026-01-01')",
        [person.get()],
    );
    assert!(
        refused.is_err(),
        "a whole-period decision without its last day cannot be written even bypassing the app"
    );
}

#[test]
fn a_decision_for_someone_not_registered_is_refused() {
    let fx = Fixture::new();
    let store = fx.open();
    let grant = Grant::new(600, GrantPeriod::Month, date(2026, 1, 1), None).expect("valid");
    assert!(matches!(
        store.add_grant(assistid_store::PersonId::new(99), &grant),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn erasing_a_person_takes_their_team_and_decisions_with_them() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let (person, helper) = ids(&store);
    store.add_team_member(person, helper, None).expect("joins");
    store
        .add_grant(
            person,
            &Grant::new(600, GrantPeriod::Month, date(2026, 1, 1), None).expect("valid"),
        )
        .expect("stored");
    let counts = store
        .erase_unrecorded(Subject::Person(person))
        .expect("nothing is a record, so everything goes");
    assert!(counts.register_entry_deleted);
    let raw = {
        drop(store);
        fx.raw()
    };
    let left: i64 = raw
        .query_row(
            "SELECT (SELECT count(*) FROM person_team) + (SELECT count(*) FROM person_grants)",
            [],
            |r| r.get(0),
        )
        .expect("countable");
    assert_eq!(
        left, 0,
        "no membership or decision outlives the person's register entry"
    );
}
