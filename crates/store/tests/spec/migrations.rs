//! Migrations: an older database is upgraded with its data intact; a newer one is refused.

use assistid_core::model::ReportMonth;
use assistid_store::{NewEvent, Store, StoreError, schema};
use uuid::Uuid;

use crate::support::{Fixture, instant, register, shift, snapshot};

/// The schema version before the report versions and the event log existed.
const REGISTER_AND_SHIFTS_ONLY: u32 = 4;

#[test]
fn an_older_database_is_upgraded_and_keeps_its_data() {
    let fx = Fixture::new();
    let (person, assistant) = {
        let old =
            Store::open_at_schema_version(&fx.db_path(), &fx.keys(), REGISTER_AND_SHIFTS_ONLY)
                .expect("a database of an older schema can be built");
        assert_eq!(
            old.schema_version().expect("readable"),
            REGISTER_AND_SHIFTS_ONLY
        );
        let (person, assistant) = register(&old);
        old.insert_shifts(
            [shift(
                &assistant,
                &person,
                "2026-03-28 22:00",
                "2026-03-29 07:00",
            )],
            Some("import-1"),
            instant("2026-04-01T08:00:00Z"),
        )
        .expect("shifts can be stored in the old schema");
        (person, assistant)
    };

    let store = fx.open();
    assert_eq!(
        store.schema_version().expect("readable"),
        schema::CURRENT_VERSION,
        "opening with the current program migrates to the current version"
    );
    assert_eq!(
        store.list_persons().expect("persons readable").len(),
        1,
        "the register survives the upgrade"
    );
    let march = store
        .shifts_in_month(ReportMonth::new(2026, 3).expect("a month"))
        .expect("shifts readable");
    assert_eq!(march.len(), 1, "the shifts survive the upgrade");
    assert_eq!(march[0].source.as_deref(), Some("import-1"));

    // The tables added by the later migrations exist and work.
    let saved = store
        .save_report_version(&assistid_store::NewReportVersion {
            report_id: Uuid::new_v4(),
            assistant: &assistant.id,
            person: &person.personnummer,
            month: ReportMonth::new(2026, 3).expect("a month"),
            document: b"<Tidredovisning/>",
            created_at: instant("2026-04-02T08:00:00Z"),
        })
        .expect("report versions can be saved after the upgrade");
    store
        .append_event(&NewEvent {
            at: instant("2026-04-02T08:00:01Z"),
            kind: "report_saved",
            report_id: Some(saved.report_id),
            details: &serde_json::json!({"version": saved.version}),
        })
        .expect("events can be appended after the upgrade");
}

#[test]
fn a_database_from_a_newer_program_is_refused_and_left_alone() {
    let fx = Fixture::new();
    drop(fx.open());
    let newer = schema::CURRENT_VERSION + 1;
    fx.raw()
        .pragma_update(None, "user_version", newer)
        .expect("the version can be raised with raw SQL");
    let before = snapshot(&fx.db_path());

    let err = Store::open(&fx.db_path(), &fx.keys()).expect_err("a newer schema must be refused");

    match &err {
        StoreError::NewerSchema { found, supported } => {
            assert_eq!((*found, *supported), (newer, schema::CURRENT_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(
        err.to_string().contains("Uppdatera Assistid"),
        "the message tells the user to update: {err}"
    );
    assert_eq!(
        snapshot(&fx.db_path()).0,
        before.0,
        "the refused database's bytes are unchanged"
    );
}

#[test]
fn migrating_twice_changes_nothing() {
    let fx = Fixture::new();
    drop(fx.open());
    let store = fx.open();
    assert_eq!(
        store.schema_version().expect("readable"),
        schema::CURRENT_VERSION,
        "reopening an up-to-date database applies no step again (a second CREATE TABLE would fail)"
    );
}
