//! Migrations: an older database is upgraded with its data intact; a newer one is refused.

use assistid_core::model::ReportMonth;
use assistid_store::{NewEvent, Store, StoreError, schema};
use uuid::Uuid;

use assistid_core::model::TimeKind;
use assistid_core::shift::Shift;
use assistid_store::InsertCounts;

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
        drop(old);
        // Written as that schema's program wrote it (today's `insert_shifts` writes today's).
        insert_old_shift(
            &fx.raw(),
            &shift(&assistant, &person, "2026-03-28 22:00", "2026-03-29 07:00"),
            1,
            Some("import-1"),
            "2026-04-01T08:00:00Z",
        );
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

/// Inserts a shift with raw SQL into a database of schema 4 to 12, where `shifts` carried its
/// own `source` and `created_at` (the register has one assistant and one person, row id 1).
fn insert_old_shift(
    raw: &rusqlite::Connection,
    shift: &Shift,
    id: i64,
    source: Option<&str>,
    created_at: &str,
) {
    raw.execute(
        "INSERT INTO shifts (id, assistant_id, person_id, start_utc, start_offset, end_utc,
           end_offset, kind, note, source, created_at)
         VALUES (?1, 1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            id,
            shift.start.utc_minutes(),
            shift.start.offset_minutes(),
            shift.end.utc_minutes(),
            shift.end.offset_minutes(),
            shift.kind.code(),
            shift.note,
            source,
            created_at,
        ],
    )
    .expect("the old schema takes the shift");
}

/// Schema 13 rebuilt `shifts` for the import's speed: the same shifts, row ids, sources and
/// times, duplicates still detected, and the database still refuses what it refused.
#[test]
fn shifts_stored_before_schema_13_keep_their_ids_sources_and_duplicate_check() {
    let fx = Fixture::new();
    let (person, assistant) = {
        let old = Store::open_at_schema_version(&fx.db_path(), &fx.keys(), 12)
            .expect("a database of schema 12 can be built");
        register(&old)
    };
    let night = shift(&assistant, &person, "2026-10-24 22:00", "2026-10-25 07:00");
    let day = Shift {
        kind: TimeKind::Vante,
        note: Some("byte av pass".into()),
        ..shift(&assistant, &person, "2026-10-26 08:00", "2026-10-26 16:00")
    };
    let manual = shift(&assistant, &person, "2026-10-27 08:00", "2026-10-27 12:00");
    {
        let raw = fx.raw();
        insert_old_shift(&raw, &night, 7, Some("import:abc"), "2026-11-01T08:00:00Z");
        insert_old_shift(&raw, &day, 8, Some("import:abc"), "2026-11-01T08:00:00Z");
        insert_old_shift(&raw, &manual, 12, None, "2026-11-02T09:30:00Z");
    }

    let store = fx.open();
    assert_eq!(
        store.schema_version().expect("readable"),
        schema::CURRENT_VERSION
    );
    let october = store
        .shifts_in_month(ReportMonth::new(2026, 10).expect("a month"))
        .expect("shifts readable after the upgrade");
    let found: Vec<(i64, &Shift, Option<&str>, String)> = october
        .iter()
        .map(|s| {
            (
                s.id.get(),
                &s.shift,
                s.source.as_deref(),
                s.created_at.to_rfc3339(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                7,
                &night,
                Some("import:abc"),
                "2026-11-01T08:00:00+00:00".to_owned()
            ),
            (
                8,
                &day,
                Some("import:abc"),
                "2026-11-01T08:00:00+00:00".to_owned()
            ),
            (12, &manual, None, "2026-11-02T09:30:00+00:00".to_owned()),
        ],
        "every shift keeps its row id, times, kind, note, source and insertion time"
    );

    let again = store
        .insert_shifts(
            [&night, &day, &manual],
            Some("import:abc"),
            instant("2026-11-03T08:00:00Z"),
        )
        .expect("importing the same shifts again is fine");
    assert_eq!(
        again,
        InsertCounts {
            inserted: 0,
            already_present: 3
        },
        "shifts stored before the upgrade are still recognised as duplicates"
    );

    let raw = fx.raw();
    let bad_kind = raw.execute(
        "INSERT INTO shifts (assistant_id, person_id, start_utc, start_offset, end_utc,
           end_offset, kind, source_id)
         VALUES (1, 1, 100, 60, 200, 60, 'fel', 1)",
        [],
    );
    assert!(
        bad_kind.is_err(),
        "the rebuilt table still refuses an unknown kind"
    );
    let backwards = raw.execute(
        "INSERT INTO shifts (assistant_id, person_id, start_utc, start_offset, end_utc,
           end_offset, kind, source_id)
         VALUES (1, 1, 200, 60, 100, 60, 'aktiv', 1)",
        [],
    );
    assert!(
        backwards.is_err(),
        "the rebuilt table still refuses a shift that ends before it starts"
    );
}

/// The schema version before signatures and submissions carried their environment.
const BEFORE_ENVIRONMENTS: u32 = 14;

/// A database of schema 14 with one assistant signature, in a folder whose BankID setting named
/// `bankid_environment` (and whose data kind is `data_kind`). Returns the signed report.
fn signed_before_environments(fx: &Fixture, data_kind: &str, bankid_environment: &str) -> Uuid {
    let old = Store::open_at_schema_version(&fx.db_path(), &fx.keys(), BEFORE_ENVIRONMENTS)
        .expect("a database of schema 14 can be built");
    let (person, assistant) = register(&old);
    let saved = old
        .save_report_version(&assistid_store::NewReportVersion {
            report_id: Uuid::new_v4(),
            assistant: &assistant.id,
            person: &person.personnummer,
            month: ReportMonth::new(2026, 10).expect("a month"),
            document: b"<Tidredovisning/>",
            created_at: instant("2026-11-02T08:00:00Z"),
        })
        .expect("a report version");
    old.freeze_report_version(saved.report_id, instant("2026-11-02T08:10:00Z"))
        .expect("frozen for signing");
    drop(old);
    let raw = fx.raw();
    raw.execute_batch(&format!(
        "INSERT INTO settings (key, value, updated_at) VALUES
           ('data_kind', '{data_kind}', '2026-11-01T00:00:00Z'),
           ('bankid.settings.5566778899', '{{\"environment\":\"{bankid_environment}\"}}',
            '2026-11-01T00:00:00Z');
         INSERT INTO signatures (id, role, order_ref, signer_personnummer, signer_name,
           signed_on, signed_at, user_visible_data, user_non_visible_data, signature,
           ocsp_response, completion_data)
         VALUES (1, 'assistant', 'order-1', '{}', 'Åsa L', '2026-11-02',
           '2026-11-02T08:10:00Z', 'dGV4dA==', 'YmluZA==', 'PD94', 'MIIB', '{{}}');
         INSERT INTO signed_reports (signature_id, report_id, role)
         VALUES (1, '{}', 'assistant');",
        assistant.id.digits(),
        saved.report_id.hyphenated()
    ))
    .expect("a schema-14 signature, written as that program wrote it");
    saved.report_id
}

#[test]
fn signatures_from_before_environments_get_the_folders_bankid_environment() {
    for (data_kind, setting, expected) in [
        ("real", "test", assistid_store::SignatureEnvironment::Test),
        ("real", "prod", assistid_store::SignatureEnvironment::Prod),
        // The old default: the fake BankID, whatever folder it signed in.
        ("real", "demo", assistid_store::SignatureEnvironment::Demo),
        ("demo", "test", assistid_store::SignatureEnvironment::Demo),
    ] {
        let fx = Fixture::new();
        let report = signed_before_environments(&fx, data_kind, setting);
        let store = fx.open();
        assert_eq!(
            store.schema_version().expect("readable"),
            schema::CURRENT_VERSION
        );
        let signatures = store.signatures_for_report(report).expect("readable");
        assert_eq!(
            signatures.iter().map(|s| s.environment).collect::<Vec<_>>(),
            [expected],
            "{data_kind} folder with BankID setting {setting}: the signature keeps its \
             attachment and records the environment that made it"
        );
        assert_eq!(
            store.report_signing_state(report, expected).expect("known"),
            assistid_store::SigningState::AssistantSigned,
            "the signature still counts in its own environment"
        );
        let raw = fx.raw();
        let err = raw
            .execute(
                "DELETE FROM report_versions WHERE report_id = ?1",
                [report.hyphenated().to_string()],
            )
            .expect_err("the rebuilt table still keeps signed versions from deletion");
        assert!(err.to_string().contains("report_version_kept"), "{err}");
        let err = raw
            .execute("DELETE FROM signed_reports", [])
            .expect_err("signatures are still never removed");
        assert!(err.to_string().contains("signature_immutable"), "{err}");
    }
}

/// Two programs on one folder: this one is open (it checked the schema when it opened) when a
/// newer Assistid migrates the same file. From then on this program may not write: it does not
/// know what the new schema means (a claim on a report to send may live elsewhere now), so a
/// write could send a report twice or lose one. Every write transaction checks the version.
#[test]
fn a_program_left_open_while_a_newer_one_migrates_stops_writing_with_a_clear_message() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let report = Uuid::new_v4();
    store
        .save_report_version(&assistid_store::NewReportVersion {
            report_id: report,
            assistant: &a.id,
            person: &p.personnummer,
            month: ReportMonth::new(2026, 10).expect("a month"),
            document: b"<?xml version=\"1.0\"?><Tidredovisning><id>x</id></Tidredovisning>",
            created_at: instant("2026-11-02T09:00:00Z"),
        })
        .expect("saved");
    let queued = store
        .enqueue_submission(report, "demo", instant("2026-11-03T10:00:00Z"))
        .expect("queued");

    // The newer program, on its own connection, migrates.
    let newer = schema::CURRENT_VERSION + 1;
    fx.raw()
        .pragma_update(None, "user_version", newer)
        .expect("the newer program raises the version");

    let err = store
        .begin_submission_attempt(queued.id, instant("2026-11-03T10:00:01Z"))
        .expect_err("the older program must not claim a report to send in a newer schema");
    match &err {
        StoreError::NewerSchema { found, supported } => {
            assert_eq!((*found, *supported), (newer, schema::CURRENT_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(
        err.to_string().contains("Uppdatera Assistid"),
        "the user is told what to do: {err}"
    );
    let nested: Result<(), StoreError> = store.transaction(|_| Ok(()));
    assert!(
        matches!(nested, Err(StoreError::NewerSchema { .. })),
        "every write transaction is refused, not only the outbox's: {nested:?}"
    );
    fx.raw()
        .pragma_update(None, "user_version", schema::CURRENT_VERSION)
        .expect("lowered again for the check below");
    assert_eq!(
        store
            .submission(queued.id)
            .expect("readable")
            .map(|s| s.state),
        Some(assistid_store::SubmissionState::Queued),
        "the refused claim changed nothing"
    );
}
