//! Report versions: numbered, superseded, frozen bytes that nothing can change.

use assistid_core::c14n::report_hash;
use assistid_core::model::ReportMonth;
use assistid_store::{NewReportVersion, StoreError};
use uuid::Uuid;

use crate::support::{Fixture, instant, register};

fn document(n: u32) -> Vec<u8> {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><Tidredovisning b="2" a="1"><rad nr="{n}"/></Tidredovisning>"#)
        .into_bytes()
}

fn october() -> ReportMonth {
    ReportMonth::new(2026, 10).expect("a month")
}

#[test]
fn a_saved_version_has_its_hash_binding_and_number() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let id = Uuid::new_v4();
    let doc = document(1);
    let saved = store
        .save_report_version(&NewReportVersion {
            report_id: id,
            assistant: &a.id,
            person: &p.personnummer,
            month: october(),
            document: &doc,
            created_at: instant("2026-11-02T09:00:00Z"),
        })
        .expect("saved");
    let hash = report_hash(&doc).expect("the fixture is XML");
    assert_eq!(saved.version, 1, "the first version is number 1");
    assert_eq!(saved.sha256, hash, "the hash is of the canonical form");
    assert_eq!(
        saved.binding,
        format!("{},{hash}", id.hyphenated()),
        "the binding is <id>,<sha256>"
    );
    assert_eq!(saved.document, doc, "the exact bytes are kept");
    assert!(!saved.is_frozen());
    assert_eq!(
        store.report_version_by_id(id).expect("readable"),
        Some(saved.clone())
    );
    assert!(
        !format!("{saved:?}").contains(p.personnummer.digits()),
        "Debug of a version prints no personnummer (nor the document)"
    );
}

#[test]
fn a_new_version_gets_the_next_number_and_supersedes_the_old_one() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let save = |n: u32| {
        store
            .save_report_version(&NewReportVersion {
                report_id: Uuid::new_v4(),
                assistant: &a.id,
                person: &p.personnummer,
                month: october(),
                document: &document(n),
                created_at: instant("2026-11-02T09:00:00Z"),
            })
            .expect("saved")
    };
    let v1 = save(1);
    store
        .freeze_report_version(v1.report_id, instant("2026-11-02T10:00:00Z"))
        .expect("frozen");
    let v2 = save(2);
    let v3 = save(3);
    assert_eq!((v2.version, v3.version), (2, 3));
    let latest = store
        .latest_report_version(&a.id, &p.personnummer, october())
        .expect("readable")
        .expect("there is one");
    assert_eq!(latest.report_id, v3.report_id, "the latest is the newest");
    let all = store.report_versions_in_month(october()).expect("listed");
    assert_eq!(all.len(), 3, "old versions are kept");
    assert_eq!(all[0].superseded_by, Some(v2.report_id), "v1 → v2");
    assert_eq!(all[1].superseded_by, Some(v3.report_id), "v2 → v3");
    assert!(
        all[0].is_frozen(),
        "superseding a signed version leaves it frozen"
    );
    let latest_only = store
        .latest_report_versions_in_month(october())
        .expect("listed");
    assert_eq!(
        latest_only.iter().map(|v| v.report_id).collect::<Vec<_>>(),
        vec![v3.report_id]
    );
}

#[test]
fn frozen_bytes_cannot_be_changed_through_the_api_or_raw_sql() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let id = Uuid::new_v4();
    let new = |doc: &'static [u8]| NewReportVersion {
        report_id: id,
        assistant: &a.id,
        person: &p.personnummer,
        month: october(),
        document: doc,
        created_at: instant("2026-11-02T09:00:00Z"),
    };
    let saved = store
        .save_report_version(&new(b"<Tidredovisning>original</Tidredovisning>"))
        .expect("saved");
    store
        .freeze_report_version(id, instant("2026-11-02T10:00:00Z"))
        .expect("frozen");

    let err = store
        .save_report_version(&new(b"<Tidredovisning>changed</Tidredovisning>"))
        .expect_err("a frozen id cannot get new bytes");
    assert!(
        matches!(err, StoreError::ReportFrozen { .. }),
        "got {err:?}"
    );
    let err = store
        .freeze_report_version(id, instant("2026-11-03T10:00:00Z"))
        .expect_err("freezing twice is refused");
    assert!(
        matches!(err, StoreError::ReportFrozen { .. }),
        "got {err:?}"
    );

    let raw = fx.raw();
    for (what, sql) in [
        ("the bytes", "UPDATE report_versions SET document = x'00'"),
        (
            "the hash",
            "UPDATE report_versions SET sha256 = printf('%064d', 0)",
        ),
        (
            "the freeze time",
            "UPDATE report_versions SET frozen_at = NULL",
        ),
        ("the row", "DELETE FROM report_versions"),
    ] {
        let err = raw
            .execute(sql, [])
            .expect_err("the database's triggers refuse it");
        assert!(
            err.to_string().contains("report_version"),
            "changing {what} is refused by a trigger, got: {err}"
        );
    }
    let err = raw
        .execute(
            "INSERT OR REPLACE INTO report_versions SELECT * FROM report_versions",
            [],
        )
        .expect_err("replacing the row is refused");
    assert!(
        err.to_string().contains("report_version_exists"),
        "got: {err}"
    );
    drop(raw);

    let back = store
        .report_version_by_id(id)
        .expect("readable")
        .expect("still there");
    assert_eq!(
        back.document, saved.document,
        "the frozen bytes are unchanged"
    );
    assert_eq!(back.frozen_at, Some(instant("2026-11-02T10:00:00Z")));
}

#[test]
fn a_report_id_is_never_reused_even_for_a_draft() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let id = Uuid::new_v4();
    let new = NewReportVersion {
        report_id: id,
        assistant: &a.id,
        person: &p.personnummer,
        month: october(),
        document: b"<a/>",
        created_at: instant("2026-11-02T09:00:00Z"),
    };
    store.save_report_version(&new).expect("saved");
    let err = store
        .save_report_version(&NewReportVersion {
            month: ReportMonth::new(2026, 11).expect("a month"),
            ..new
        })
        .expect_err("the same id for another report is refused");
    assert!(
        matches!(err, StoreError::ReportIdReused { .. }),
        "got {err:?}"
    );
}

#[test]
fn bytes_that_are_not_xml_are_refused() {
    let fx = Fixture::new();
    let store = fx.open();
    let (p, a) = register(&store);
    let err = store
        .save_report_version(&NewReportVersion {
            report_id: Uuid::new_v4(),
            assistant: &a.id,
            person: &p.personnummer,
            month: october(),
            document: b"<a>",
            created_at: instant("2026-11-02T09:00:00Z"),
        })
        .expect_err("a document whose canonical hash cannot be computed is refused");
    assert!(matches!(err, StoreError::Invalid { .. }), "got {err:?}");
}
