//! The right of access and erasure at the table level: what a person's data is, and the
//! retention rule — a report that was frozen, signed or sent is a record and stays with its
//! month's shifts and the register entries; drafts, unreported months and phone numbers go.

use assistid_core::model::{PersonWithAssistance, ReportMonth};
use assistid_store::{NewReportVersion, ReportVersion, Store, Subject};
use uuid::Uuid;

use crate::support::{Fixture, assistant, instant, register, shift};

fn save(
    store: &Store,
    person: &PersonWithAssistance,
    assistant: &assistid_core::model::Assistant,
    month: &str,
    text: &str,
) -> ReportVersion {
    let document = format!("<Tidredovisning><t>{text}</t></Tidredovisning>");
    store
        .save_report_version(&NewReportVersion {
            report_id: Uuid::new_v4(),
            assistant: &assistant.id,
            person: &person.personnummer,
            month: month.parse::<ReportMonth>().expect("a month"),
            document: document.as_bytes(),
            created_at: instant("2026-05-01T08:00:00Z"),
        })
        .expect("a report version is stored")
}

#[test]
fn erasure_keeps_recorded_months_and_removes_drafts_and_unreported_shifts() {
    let fx = Fixture::new();
    let store = fx.open();
    let (person, assistant) = register(&store);
    let person_id = store
        .person_by_personnummer(&person.personnummer)
        .expect("readable")
        .expect("registered")
        .id;
    store
        .insert_shifts(
            [
                shift(&assistant, &person, "2026-03-02 08:00", "2026-03-02 16:00"),
                // Across the month end: part of March, so kept with March's record.
                shift(&assistant, &person, "2026-03-31 22:00", "2026-04-01 07:00"),
                shift(&assistant, &person, "2026-04-10 08:00", "2026-04-10 16:00"),
            ],
            None,
            instant("2026-05-01T08:00:00Z"),
        )
        .expect("shifts are stored");
    let march = save(&store, &person, &assistant, "2026-03", "mars");
    store
        .freeze_report_version(march.report_id, instant("2026-05-02T08:00:00Z"))
        .expect("March is frozen for signing: a record from now on");
    save(&store, &person, &assistant, "2026-04", "april v1");
    save(&store, &person, &assistant, "2026-04", "april v2");

    let counts = store
        .erase_unrecorded(Subject::Person(person_id))
        .expect("erasure runs");
    assert_eq!(
        (counts.shifts_deleted, counts.shifts_kept),
        (1, 2),
        "only April's own shift goes; the night into April belongs to March's record too"
    );
    assert_eq!(
        (counts.draft_versions_deleted, counts.versions_kept),
        (2, 1),
        "both April drafts go (one superseded the other), the frozen March version stays"
    );
    assert!(
        !counts.register_entry_deleted,
        "the person is named by a record and stays in the register"
    );
    let left = store
        .report_versions_of_subject(Subject::Person(person_id))
        .expect("readable");
    assert_eq!(
        left.iter().map(|v| v.report_id).collect::<Vec<_>>(),
        vec![march.report_id],
        "exactly the record is left"
    );
    assert_eq!(
        store
            .shifts_of_subject(Subject::Person(person_id))
            .expect("readable")
            .len(),
        2
    );
    assert!(
        store
            .integrity_problems()
            .expect("the check runs")
            .is_empty(),
        "erasure leaves a consistent database"
    );
}

#[test]
fn erasure_removes_an_assistant_with_no_records_entirely_and_only_the_phone_otherwise() {
    let fx = Fixture::new();
    let store = fx.open();
    let (person, kept) = register(&store);
    let gone = assistant(7);
    store.add_assistant(&gone).expect("a second assistant");
    store
        .insert_shifts(
            [
                shift(&kept, &person, "2026-03-02 08:00", "2026-03-02 16:00"),
                shift(&gone, &person, "2026-03-03 08:00", "2026-03-03 16:00"),
            ],
            None,
            instant("2026-05-01T08:00:00Z"),
        )
        .expect("shifts are stored");
    let record = save(&store, &person, &kept, "2026-03", "mars");
    store
        .freeze_report_version(record.report_id, instant("2026-05-02T08:00:00Z"))
        .expect("frozen");
    save(&store, &person, &gone, "2026-03", "utkast");

    let id_of = |a: &assistid_core::model::Assistant| {
        store
            .assistant_by_identity(&a.id)
            .expect("readable")
            .expect("registered")
            .id
    };
    let gone_id = id_of(&gone);
    let kept_id = id_of(&kept);

    let counts = store
        .erase_unrecorded(Subject::Assistant(gone_id))
        .expect("erasure runs");
    assert!(
        counts.register_entry_deleted,
        "an assistant with nothing but drafts leaves the register: {counts:?}"
    );
    assert!(
        store
            .assistant_by_identity(&gone.id)
            .expect("readable")
            .is_none()
    );

    let counts = store
        .erase_unrecorded(Subject::Assistant(kept_id))
        .expect("erasure runs");
    assert!(
        counts.phone_removed && !counts.register_entry_deleted,
        "an assistant named by a record stays, without the phone number: {counts:?}"
    );
    let stored = store
        .assistant_by_identity(&kept.id)
        .expect("readable")
        .expect("still registered");
    assert_eq!(stored.assistant.phone, None, "the contact detail is gone");
    assert_eq!(
        stored.assistant.last_name, kept.last_name,
        "the name a record needs stays"
    );
}

#[test]
fn the_database_deletes_draft_versions_only() {
    let fx = Fixture::new();
    let store = fx.open();
    let (person, assistant) = register(&store);
    let frozen = save(&store, &person, &assistant, "2026-03", "mars");
    store
        .freeze_report_version(frozen.report_id, instant("2026-05-02T08:00:00Z"))
        .expect("frozen");
    let draft = save(&store, &person, &assistant, "2026-04", "april");
    let raw = fx.raw();
    let err = raw
        .execute(
            "DELETE FROM report_versions WHERE report_id = ?1",
            [frozen.report_id.to_string()],
        )
        .expect_err("a frozen version is a record");
    assert!(
        err.to_string().contains("report_version_kept"),
        "a trigger refuses deleting a record, got: {err}"
    );
    let deleted = raw
        .execute(
            "DELETE FROM report_versions WHERE report_id = ?1",
            [draft.report_id.to_string()],
        )
        .expect("a draft may be deleted");
    assert_eq!(deleted, 1, "exactly the draft is gone");
}

#[test]
fn an_erasure_leaves_no_copy_in_free_pages_or_the_write_ahead_log() {
    // SQLCipher encrypts every page, so the erased bytes cannot be looked for in the file;
    // what is checked is what removes them: deleted content is overwritten (secure_delete, on
    // every connection) and the log that held older page versions is emptied.
    let fx = Fixture::new();
    let store = fx.open();
    assert!(
        store.secure_delete_is_on().expect("readable"),
        "a new database overwrites deleted content"
    );
    let (person, assistant) = register(&store);
    store
        .insert_shifts(
            [shift(
                &assistant,
                &person,
                "2026-04-10 08:00",
                "2026-04-10 16:00",
            )],
            None,
            instant("2026-05-01T08:00:00Z"),
        )
        .expect("shifts are stored");
    drop(store);
    let store = fx.open();
    assert!(
        store.secure_delete_is_on().expect("readable"),
        "a reopened database overwrites deleted content too (the setting is per connection)"
    );
    let person_id = store
        .person_by_personnummer(&person.personnummer)
        .expect("readable")
        .expect("registered")
        .id;
    let counts = store
        .erase_unrecorded(Subject::Person(person_id))
        .expect("erased");
    assert!(counts.register_entry_deleted && counts.shifts_deleted == 1);
    let wal = fx.dir.path().join("assistid.db-wal");
    assert!(
        std::fs::metadata(&wal).expect("WAL mode keeps a log").len() > 0,
        "the erasure itself went to the write-ahead log"
    );
    assert!(
        store.truncate_wal().expect("the checkpoint runs"),
        "with no other connection the log is emptied completely"
    );
    assert_eq!(
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0),
        0,
        "the write-ahead log is truncated to zero bytes"
    );
    assert!(
        store
            .person_by_personnummer(&person.personnummer)
            .expect("readable")
            .is_none(),
        "the erasure is in the database file itself"
    );
}
