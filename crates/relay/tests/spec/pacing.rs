//! One pace for the whole vendor: two relay instances sharing one PostgreSQL send many
//! installations' reports without a single pacing violation measured at the fake FK.

use std::time::Duration;

use crate::support::{PROVIDER, SPACING_MS, Setup, good_handover};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_send_many_installations_reports_at_fks_pace_with_no_violation_nothing_lost_or_doubled()
 {
    let setup = Setup::start(2, 30).await;
    // Three installations (a provider may run Assistid on several computers), each talking
    // to both instances in turn.
    let mut installations = Vec::new();
    for _ in 0..3 {
        installations.push(setup.enrol(PROVIDER).await);
    }
    const PER_INSTALLATION: usize = 15;
    let mut submitted = Vec::new();
    for round in 0..PER_INSTALLATION {
        for (i, installation) in installations.iter().enumerate() {
            // Alternate the instance each installation talks to.
            let url = setup.url((i + round) % 2);
            let (report, body) = good_handover();
            let id = installation.submit_ok(&url, &body).await;
            submitted.push((i, report, id));
        }
    }
    let total = submitted.len();
    for (i, _, id) in &submitted {
        let url = setup.url(*i % 2);
        installations[*i]
            .wait_for(&url, *id, "accepted", Duration::from_secs(60))
            .await;
    }
    let requests = setup.fk.requests();
    assert_eq!(
        requests.len(),
        total,
        "every report reached FK exactly once"
    );
    assert_eq!(
        setup.fk.rate_violations(),
        0,
        "no two request starts closer than {SPACING_MS} ms at the fake FK"
    );
    assert_eq!(setup.fk.duplicates(), 0, "nothing was accepted twice");
    for (_, report, _) in &submitted {
        assert_eq!(
            requests
                .iter()
                .filter(|r| r.report_id == Some(*report))
                .count(),
            1,
            "report {report} was sent once"
        );
    }
    let gaps: Vec<Duration> = {
        let mut arrivals: Vec<_> = requests.iter().map(|r| r.arrived).collect();
        arrivals.sort();
        arrivals.windows(2).map(|w| w[1] - w[0]).collect()
    };
    let min_gap = gaps.iter().min().copied().unwrap_or_default();
    assert!(
        min_gap >= Duration::from_millis(SPACING_MS),
        "the closest two starts were {min_gap:?} apart"
    );
    // Both instances took turns (the pace is shared, not one instance doing all the work).
    let instances: i64 = setup
        .pool()
        .get()
        .await
        .expect("a connection")
        .query_one("SELECT count(DISTINCT instance_id) FROM attempts", &[])
        .await
        .expect("counted")
        .get(0);
    assert_eq!(instances, 2, "both instances sent");
    eprintln!(
        "pacing: {total} reports through 2 instances, mean start spacing {:?} (FK's {SPACING_MS} ms), closest {min_gap:?}",
        gaps.iter().sum::<Duration>() / u32::try_from(gaps.len().max(1)).unwrap_or(1)
    );
    setup.stop().await;
}
