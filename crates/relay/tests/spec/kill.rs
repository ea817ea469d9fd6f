//! `kill -9` of one of two real `assistid-relay serve` processes mid-run, and its restart:
//! nothing lost, nothing sent twice, the pace held. What the killed process may have sent
//! becomes uncertain (never resent by itself); everything else is accepted once.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use uuid::Uuid;

use crate::support::{PROVIDER, SPACING_MS, Setup, good_handover};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

struct Serve {
    child: Child,
    url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve(setup: &Setup, name: &str) -> Serve {
    let port = free_port();
    let text = setup.config_text().replace(
        "listen = \"127.0.0.1:0\"",
        &format!("listen = \"127.0.0.1:{port}\""),
    );
    let path = setup.dir.path().join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("the instance's config");
    let child = Command::new(env!("CARGO_BIN_EXE_assistid-relay"))
        .arg("--config")
        .arg(&path)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("assistid-relay serve starts");
    let url = format!("https://127.0.0.1:{port}");
    let client = setup.anonymous();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = client.get(format!("{url}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{name} becomes ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Serve { child, url }
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
    // One in-process instance serves the enrolment; two real processes send.
    let setup = Setup::start(1, 2).await;
    let installation = setup.enrol(PROVIDER).await;
    let first = serve(&setup, "a").await;
    let second = serve(&setup, "b").await;
    let mut setup = setup;
    let in_process = setup.relays.remove(0);
    in_process.shutdown(Duration::from_secs(5)).await;

    const N: usize = 40;
    let mut ids = Vec::new();
    let mut reports = Vec::new();
    for i in 0..N {
        let (report, body) = good_handover();
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
