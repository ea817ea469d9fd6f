//! PostgreSQL restarted while two instances send: nothing lost, nothing sent twice, the pace
//! held.

use std::time::Duration;

use uuid::Uuid;

use crate::pg::Cluster;
use crate::support::{PROVIDER, SPACING_MS, Setup, good_handover};

async fn states(setup: &Setup, ids: &[Uuid]) -> Option<Vec<String>> {
    let client = setup.pool().get().await.ok()?;
    let mut out = Vec::new();
    for id in ids {
        let row = client
            .query_one("SELECT state FROM submissions WHERE id = $1", &[id])
            .await
            .ok()?;
        out.push(row.get(0));
    }
    Some(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgresql_restart_mid_run_loses_nothing_doubles_nothing_and_keeps_the_pace() {
    let cluster = Cluster::start();
    let setup = Setup::start_on(cluster.new_database().await, 2, 30).await;
    let installation = setup.enrol(PROVIDER).await;
    const N: usize = 40;
    // Signed first: signing in the loop made handing over slower than sending on a loaded
    // machine, and everything could be sent before the restart.
    let bodies: Vec<_> = (0..N).map(|_| good_handover().1).collect();
    let mut ids = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        ids.push(installation.submit_ok(&setup.url(i % 2), body).await);
    }
    // Restart PostgreSQL (an immediate stop, as a crash) once some are through.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let accepted = states(&setup, &ids)
            .await
            .map_or(0, |s| s.iter().filter(|s| *s == "accepted").count());
        if accepted >= 8 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "sending starts");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent_before = setup.fk.requests().len();
    tokio::task::block_in_place(|| cluster.restart());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(now) = states(&setup, &ids).await
            && now.iter().all(|s| s == "accepted")
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "every report is accepted after the restart: {:?}",
            states(&setup, &ids).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        sent_before < N,
        "the restart came mid-run ({sent_before} of {N} sent before it)"
    );
    let requests = setup.fk.requests();
    assert_eq!(requests.len(), N, "every report reached FK exactly once");
    assert_eq!(setup.fk.duplicates(), 0, "nothing was accepted twice");
    assert_eq!(
        setup.fk.rate_violations(),
        0,
        "no two starts closer than {SPACING_MS} ms, across the restart"
    );
    setup.stop().await;
    drop(cluster);
}
