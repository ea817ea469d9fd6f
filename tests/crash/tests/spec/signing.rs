//! `assistid sign` with the demo's fake BankID killed with SIGKILL at random moments spread
//! over every step (opening, preparing the order, starting it at BankID, collecting, checking
//! the signature, storing it): a signature is stored whole — verified, with its audit event —
//! or not at all, and the report can then still be signed (or is properly signed).

use std::time::Instant;

use assistid_app::App;
use assistid_store::Store;
use chrono::Utc;
use rand::Rng as _;
use uuid::Uuid;

use crate::harness::{self, Ended, Folder, MONTH, Running};

/// The signing states of the month's reports, by report id.
fn states(app: &App) -> Vec<(Uuid, &'static str, bool)> {
    app.signing_status(MONTH.parse().expect("a valid month"), Utc::now())
        .expect("the signing status must be readable after a kill")
        .into_iter()
        .map(|s| (s.report_id, s.state, s.sendable))
        .collect()
}

/// Every stored signature verifies in full and has its audit event; returns how many the
/// report has.
fn check_report(folder: &Folder, store: &Store, report: Uuid, when: &str) -> usize {
    let signatures = store
        .signatures_for_report(report)
        .expect("the signatures must be readable");
    for signature in &signatures {
        assert!(
            !signature.signature_base64.is_empty() && !signature.ocsp_response_base64.is_empty(),
            "{when}: signature {} is stored without its signature or OCSP response",
            signature.id.get()
        );
    }
    if signatures.len() == 2 {
        folder
            .app()
            .verify_stored_signatures(report, assistid_app::signing::BankIdEnvironment::Demo)
            .unwrap_or_else(|e| {
                panic!("{when}: a stored signature must verify in full, never be half-stored: {e}")
            });
    }
    let events = store
        .events_for_report(report)
        .expect("the report's events must be readable");
    for signature in &signatures {
        assert!(
            events.iter().any(|e| {
                e.kind.ends_with("_signed")
                    && e.details["signature_id"].as_i64() == Some(signature.id.get())
            }),
            "{when}: signature {} is stored without its audit event",
            signature.id.get()
        );
    }
    signatures.len()
}

#[test]
fn signing_killed_at_any_step_stores_a_whole_signature_or_none() {
    let _alone = harness::one_at_a_time();
    let mut rng = harness::seeded("signing");
    let folder = Folder::new();
    let (status, out) = folder.run(&["demo", "--month", MONTH]);
    assert!(status.success(), "the demo data is created: {out}");
    let signable: Vec<Uuid> = states(&folder.app())
        .into_iter()
        .filter(|(_, state, sendable)| *state == "unsigned" && *sendable)
        .map(|(id, _, _)| id)
        .collect();
    assert!(
        signable.len() >= 3,
        "the demo month needs a few signable reports, has {}",
        signable.len()
    );

    // One uninterrupted signing tells how long the steps take on this machine.
    let first = signable[0].to_string();
    let started = Instant::now();
    let (status, out) = folder.run(&["sign", "assistant", "--report", &first, "--env", "demo"]);
    let full = started.elapsed();
    assert!(status.success(), "an uninterrupted signing succeeds: {out}");
    println!("signing: one assistant signing takes {full:?} uninterrupted");

    let mut kills = 0;
    let mut stored_before_kill = 0;
    let rounds = 2 * (signable.len() - 1);
    for round in 0..rounds {
        // The next report that is still unsigned.
        let app = folder.app();
        let Some((report, _, _)) = states(&app)
            .into_iter()
            .find(|(_, state, sendable)| *state == "unsigned" && *sendable)
        else {
            break;
        };
        drop(app);
        let id = report.to_string();
        // Round k kills in the k-th slice of a whole signing, so every step gets hit.
        let slice = full.mul_f64(1.1) / rounds as u32;
        let at = slice * round as u32 + slice.mul_f64(rng.random::<f64>());
        let ended = Running::start(folder.command(&[
            "sign",
            "assistant",
            "--report",
            &id,
            "--env",
            "demo",
        ]))
        .kill_at(at);
        if ended == Ended::Killed {
            kills += 1;
        }
        let when = format!("signing round {round} ({ended:?} at {at:?})");
        let store = folder.store();
        harness::check_database(&store, &when);
        let stored = check_report(&folder, &store, report, &when);
        drop(store);
        let state = states(&folder.app())
            .into_iter()
            .find(|(r, _, _)| *r == report)
            .map(|(_, s, _)| s)
            .expect("the report is still the month's current version");
        match stored {
            0 => {
                assert_eq!(state, "unsigned", "{when}: no signature, so unsigned");
                // Still signable: the same command now succeeds.
                let (status, out) =
                    folder.run(&["sign", "assistant", "--report", &id, "--env", "demo"]);
                assert!(
                    status.success(),
                    "{when}: the report must still be signable after the kill: {out}"
                );
                let store = folder.store();
                assert_eq!(check_report(&folder, &store, report, &when), 1);
            }
            1 => {
                stored_before_kill += 1;
                assert_eq!(
                    state, "assistant_signed",
                    "{when}: a stored signature means the report is signed by the assistant"
                );
            }
            n => panic!("{when}: the report has {n} assistant signatures after one order"),
        }
    }
    println!("signing: {kills} kills, {stored_before_kill} after the signature was stored");
    assert!(kills > 0, "the run must kill the signing at least once");

    // The provider's batch signing, killed once at a random moment and then completed.
    let at = full.mul_f64(1.1 * rng.random::<f64>());
    let ended =
        Running::start(folder.command(&["sign", "provider", "--month", MONTH, "--env", "demo"]))
            .kill_at(at);
    let when = format!("provider signing ({ended:?} at {at:?})");
    let store = folder.store();
    harness::check_database(&store, &when);
    let app = folder.app();
    let after: Vec<_> = states(&app);
    let fully = after
        .iter()
        .filter(|(_, s, _)| *s == "fully_signed")
        .count();
    // The provider signs one BankID order per person with assistance (FK's copy of a person's
    // reports names no other person), run back to back: a kill between two orders leaves
    // earlier persons signed and later ones waiting, but never splits one person's order.
    let app_status = app
        .signing_status(MONTH.parse().expect("a valid month"), Utc::now())
        .expect("the signing status must be readable after a kill");
    let mut per_person: std::collections::BTreeMap<&str, (usize, usize)> =
        std::collections::BTreeMap::new();
    for status in &app_status {
        let entry = per_person.entry(status.person_name.as_str()).or_default();
        match status.state {
            "fully_signed" => entry.0 += 1,
            "assistant_signed" => entry.1 += 1,
            _ => {}
        }
    }
    for (person, (signed, waiting)) in &per_person {
        assert!(
            *signed == 0 || *waiting == 0,
            "{when}: one provider order signs all of a person's reports or none ({signed} fully \
             signed, {waiting} waiting for the person {person:?})"
        );
    }
    for (report, _, _) in &after {
        check_report(&folder, &store, *report, &when);
    }
    drop((app, store));
    if fully == 0 {
        let (status, out) = folder.run(&["sign", "provider", "--month", MONTH, "--env", "demo"]);
        assert!(
            status.success(),
            "{when}: the provider can sign after the kill: {out}"
        );
    }
}
