//! Encryption at rest: nothing personal can be read from the files on disk.

use assistid_core::model::ReportMonth;
use assistid_store::NewReportVersion;
use uuid::Uuid;

use crate::support::{Fixture, instant, register, shift};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_database_and_its_wal_hold_no_plaintext_personnummer_or_names() {
    let fx = Fixture::new();
    let store = fx.open();
    let (person, assistant) = register(&store);
    store
        .insert_shifts(
            [shift(
                &assistant,
                &person,
                "2026-03-02 08:00",
                "2026-03-02 16:00",
            )],
            None,
            instant("2026-03-03T08:00:00Z"),
        )
        .expect("shifts are stored");
    let document = format!(
        "<Tidredovisning><pnr>{}</pnr><namn>{}</namn></Tidredovisning>",
        person.personnummer, person.last_name
    );
    store
        .save_report_version(&NewReportVersion {
            report_id: Uuid::new_v4(),
            assistant: &assistant.id,
            person: &person.personnummer,
            month: ReportMonth::new(2026, 3).expect("a month"),
            document: document.as_bytes(),
            created_at: instant("2026-04-01T08:00:00Z"),
        })
        .expect("a report version is stored");

    // The store is still open: recent writes sit in the -wal file, so check it too.
    let wal = fx.dir.path().join("assistid.db-wal");
    assert!(
        wal.exists(),
        "in WAL mode the recent writes are in the -wal file"
    );
    let secrets: Vec<&[u8]> = vec![
        person.personnummer.digits().as_bytes(),
        assistant.id.digits().as_bytes(),
        person.last_name.as_bytes(),
        assistant.last_name.as_bytes(),
        b"Omsorgsbolaget",
        b"CREATE TABLE",
        b"Tidredovisning",
    ];
    for file in [fx.db_path(), wal, fx.dir.path().join("assistid.db-shm")] {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        for secret in &secrets {
            assert!(
                !contains(&bytes, secret),
                "{} must not contain {:?} in plaintext",
                file.display(),
                String::from_utf8_lossy(secret)
            );
        }
    }
    drop(store);
    let bytes = std::fs::read(fx.db_path()).expect("the database file is readable");
    assert!(
        !contains(&bytes, b"SQLite format 3"),
        "even the SQLite header is encrypted"
    );
    for secret in &secrets {
        assert!(
            !contains(&bytes, secret),
            "not in the checkpointed file either"
        );
    }
}
