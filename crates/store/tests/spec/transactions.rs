//! Transactions: what a caller does inside `Store::transaction` is kept whole or not at all.

use assistid_store::StoreError;

use crate::support::{Fixture, instant, person, provider, register, shift};

#[test]
fn an_error_inside_a_transaction_undoes_everything_in_it() {
    let fx = Fixture::new();
    let store = fx.open();
    let result: Result<(), StoreError> = store.transaction(|tx| {
        let id = tx.add_provider(&provider())?;
        tx.add_person(id, &person(1))?;
        // The same person again fails, after two successful writes.
        tx.add_person(id, &person(1))?;
        Ok(())
    });
    assert!(
        matches!(result, Err(StoreError::AlreadyExists { .. })),
        "the caller gets the error, got {result:?}"
    );
    assert!(
        store.list_providers().expect("readable").is_empty(),
        "the provider added before the error was rolled back"
    );
    assert!(store.list_persons().expect("readable").is_empty());
}

#[test]
fn a_successful_transaction_commits_nested_bulk_inserts() {
    let fx = Fixture::new();
    let store = fx.open();
    let counts = store
        .transaction(|tx| -> Result<_, StoreError> {
            let (p, a) = register(tx);
            tx.insert_shifts(
                [shift(&a, &p, "2026-02-02 08:00", "2026-02-02 16:00")],
                None,
                instant("2026-03-01T08:00:00Z"),
            )
        })
        .expect("committed");
    assert_eq!(counts.inserted, 1);
    drop(store);
    let store = fx.open();
    assert_eq!(
        store.list_persons().expect("readable").len(),
        1,
        "committed data survives reopening"
    );
}

#[test]
fn a_failed_nested_bulk_insert_leaves_the_outer_transaction_usable() {
    let fx = Fixture::new();
    let store = fx.open();
    store
        .transaction(|tx| -> Result<_, StoreError> {
            let (p, a) = register(tx);
            let bad = shift(&a, &person(42), "2026-02-02 08:00", "2026-02-02 16:00");
            let good = shift(&a, &p, "2026-02-03 08:00", "2026-02-03 16:00");
            assert!(
                tx.insert_shifts([good.clone(), bad], None, instant("2026-03-01T08:00:00Z"))
                    .is_err(),
                "the unknown person fails the inner batch"
            );
            tx.insert_shifts([good], None, instant("2026-03-01T08:00:00Z"))
        })
        .expect("the outer transaction still commits");
    assert_eq!(
        store
            .shifts_in_month(assistid_core::model::ReportMonth::new(2026, 2).expect("a month"))
            .expect("readable")
            .len(),
        1,
        "the failed inner batch was rolled back to its savepoint, the retry kept"
    );
}
