//! `kill -9` of one of two real `assistid-relay serve` processes mid-run, and its restart:
//! nothing lost, nothing sent twice, the pace held. What the killed process may have sent
//! becomes uncertain (never resent by itself); everything else is accepted once.

use std::path::Path;
use std::time::Duration;

use assistid_relay::testing::process::{Serve, serve as serve_in};
use uuid::Uuid;

use crate::support::{PROVIDER, SPACING_MS, Setup, good_handover};

/// A real `assistid-relay serve` process of this build on `setup`.
async fn serve(setup: &Setup, name: &str) -> Serve {
    serve_in(
        setup,
        Path::new(env!("CARGO_BIN_EXE_assistid-relay")),
        name,
        "info",
    )
    .await
}

async fn states(setup: &Setup, ids: &[Uuid]) -> Vec<String> {
    let client = setup.pool().get().await.expect("a connection");
    let mut out = Vec::new();
    for id in ids {
        out.push(
            client
                .query_one("SELECT state FROM submissions WHERE id = $1", &[id])
                .await
                .expect("the row")
                .get(0),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_one_instance_mid_run_and_its_restart_lose_nothing_and_send_nothing_twice() {
    const N: usize = 40;
    // Every handover is signed before anything runs: signing is not what this test is about,
    // and signing inside the queueing loop (while the senders already send) paced the queue by
    // the signing's speed, so on a loaded machine the senders could drain it as fast as it
    // filled and the kill came after the last send (`sent_before < N` failed).
    let handovers: Vec<_> = (0..N).map(|_| good_handover()).collect();
    // One in-process instance serves the enrolment; two real processes send.
    let setup = Setup::start(1, 2).await;
    let installation = setup.enrol(PROVIDER).await;
    let first = serve(&setup, "a").await;
    let second = serve(&setup, "b").await;
    let mut setup = setup;
    let in_process = setup.relays.remove(0);
    in_process.shutdown(Duration::from_secs(5)).await;

    let mut ids = Vec::new();
    let mut reports = Vec::new();
    for (i, (report, body)) in handovers.into_iter().enumerate() {
        let url = if i % 2 == 0 { &first.url } else { &second.url };
        ids.push(installation.submit_ok(url, &body).await);
        reports.push(report);
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while states(&setup, &ids)
        .await
        .iter()
        .filter(|s| *s == "accepted")
        .count()
        < 10
    {
        assert!(tokio::time::Instant::now() < deadline, "sending starts");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut first = first;
    first.child.kill().expect("kill -9 (SIGKILL)");
    let _ = first.child.wait();
    let sent_before = setup.fk.requests().len();
    let restarted = serve(&setup, "a2").await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let now = states(&setup, &ids).await;
        if now.iter().all(|s| s == "accepted" || s == "uncertain") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "every report settles: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let final_states = states(&setup, &ids).await;
    let requests = setup.fk.requests();
    assert!(
        sent_before < N,
        "the kill came mid-run ({sent_before} of {N} sent before it)"
    );
    for ((report, id), state) in reports.iter().zip(&ids).zip(&final_states) {
        let received = requests
            .iter()
            .filter(|r| r.report_id == Some(*report))
            .count();
        match state.as_str() {
            "accepted" => assert_eq!(received, 1, "accepted {id} reached FK exactly once"),
            _ => assert!(
                received <= 1,
                "uncertain {id} was sent at most once (by the killed process), never again"
            ),
        }
    }
    assert_eq!(setup.fk.duplicates(), 0, "nothing was accepted twice");
    assert_eq!(
        setup.fk.rate_violations(),
        0,
        "no two starts closer than {SPACING_MS} ms, across the kill and the restart"
    );
    drop(restarted);
    drop(second);
    setup.stop().await;
}
