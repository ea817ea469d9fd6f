//! The event log: append-only, and never a personnummer in it.

use assistid_store::{NewEvent, StoreError};
use uuid::Uuid;

use crate::support::{Fixture, instant};

#[test]
fn events_are_appended_in_order_and_read_back() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = Uuid::new_v4();
    let details = serde_json::json!({"version": 1, "assistant": "19900101-****"});
    let first = store
        .append_event(&NewEvent {
            at: instant("2026-11-02T09:00:00Z"),
            kind: "report_saved",
            report_id: Some(report),
            details: &details,
        })
        .expect("appended");
    let second = store
        .append_event(&NewEvent {
            at: instant("2026-11-02T09:00:00.250Z"),
            kind: "import_committed",
            report_id: None,
            details: &serde_json::json!({"inserted": 100000}),
        })
        .expect("appended");
    assert!(second > first, "ids grow");
    let all = store.events_after(None, 10).expect("readable");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].details, details, "details round-trip");
    assert_eq!(
        all[1].at,
        instant("2026-11-02T09:00:00.250Z"),
        "fractions of a second are kept"
    );
    assert_eq!(store.events_for_report(report).expect("readable").len(), 1);
    assert_eq!(
        store.events_after(Some(first), 10).expect("readable").len(),
        1
    );
}

#[test]
fn events_cannot_be_updated_or_deleted() {
    let fx = Fixture::new();
    let store = fx.open();
    store
        .append_event(&NewEvent {
            at: instant("2026-11-02T09:00:00Z"),
            kind: "report_saved",
            report_id: None,
            details: &serde_json::json!({}),
        })
        .expect("appended");
    let raw = fx.raw();
    for sql in [
        "UPDATE events SET kind = 'nothing_happened'",
        "DELETE FROM events",
        "INSERT OR REPLACE INTO events (id, at, kind, details) VALUES (1, 'x', 'y', '{}')",
    ] {
        let err = raw.execute(sql, []).expect_err("the log is append-only");
        assert!(
            err.to_string().contains("events_append_only"),
            "{sql} is refused by a trigger, got: {err}"
        );
    }
    drop(raw);
    assert_eq!(
        store.events_after(None, 10).expect("readable")[0].kind,
        "report_saved",
        "the event is unchanged"
    );
}

#[test]
fn details_with_a_personnummer_are_refused() {
    let fx = Fixture::new();
    let store = fx.open();
    let pnr = crate::support::valid_digits("19900101", 1);
    let err = store
        .append_event(&NewEvent {
            at: instant("2026-11-02T09:00:00Z"),
            kind: "report_saved",
            report_id: None,
            details: &serde_json::json!({"assistant": pnr}),
        })
        .expect_err("a personnummer must never reach the log");
    assert!(matches!(err, StoreError::Invalid { .. }), "got {err:?}");
    assert!(
        !err.to_string().contains(&pnr),
        "the error does not repeat the number"
    );
    assert!(store.events_after(None, 10).expect("readable").is_empty());
}

#[test]
fn an_event_kind_is_a_snake_case_code() {
    let fx = Fixture::new();
    let store = fx.open();
    let err = store
        .append_event(&NewEvent {
            at: instant("2026-11-02T09:00:00Z"),
            kind: "Report Saved",
            report_id: None,
            details: &serde_json::json!({}),
        })
        .expect_err("not a code");
    assert!(matches!(err, StoreError::Invalid { .. }), "got {err:?}");
}
