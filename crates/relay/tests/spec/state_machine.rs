//! The queue's states, written before and after each FK request, against the fake FK.

use std::time::Duration;

use assistid_fakes::fk::Behaviour;
use assistid_fakes::fk::samples::sample_report;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

use crate::support::{ASSISTANT, PROVIDER, SPACING_MS, Setup, good_handover, handover_signed};

const LIMIT: Duration = Duration::from_secs(30);

fn fk_requests_for(setup: &Setup, report: Uuid) -> usize {
    setup
        .fk
        .requests()
        .iter()
        .filter(|r| r.report_id == Some(report))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_queued_sent_once_and_accepted_with_fks_tx_id_and_raw_answer() {
    let setup = Setup::start(1, 30).await;
    let url = setup.url(0);
    let installation = setup.enrol(PROVIDER).await;
    let (report_id, body) = good_handover();
    let id = installation.submit_ok(&url, &body).await;
    let done = installation.wait_for(&url, id, "accepted", LIMIT).await;
    assert_eq!(done.report_id, report_id);
    let tx = done
        .tx_id
        .expect("an accepted submission carries FK's tx-id");
    let attempt = done
        .fk_attempts
        .first()
        .expect("the FK request is recorded");
    assert_eq!(done.fk_attempts.len(), 1, "one request");
    assert_eq!(attempt.http_status, Some(200));
    assert!(
        attempt.sent_at.is_some(),
        "when the request left is recorded"
    );
    let raw = STANDARD
        .decode(
            attempt
                .raw_answer
                .as_deref()
                .expect("FK's raw answer is kept"),
        )
        .expect("base64");
    assert!(
        String::from_utf8_lossy(&raw).contains(&tx.to_string()),
        "the raw answer is FK's, with the tx-id in it"
    );
    assert_eq!(
        fk_requests_for(&setup, report_id),
        1,
        "FK got the report once"
    );
    let stranger = setup.enrol(PROVIDER).await;
    let status = stranger
        .client
        .get(format!("{url}/v1/submissions/{id}"))
        .send()
        .await
        .expect("the relay answers")
        .status();
    assert_eq!(
        status, 404,
        "another installation cannot see the submission, even of the same provider"
    );

    // The same handover again is the same submission; other bytes under the same id conflict.
    let (status, again) = installation.submit(&url, &body).await;
    assert_eq!(
        status, 200,
        "a repeated handover is answered with the submission: {again}"
    );
    assert_eq!(again["id"], id.to_string());
    let changed = String::from_utf8(sample_report(report_id, "2026-11", ASSISTANT))
        .expect("UTF-8")
        .replace("16.30", "16.00")
        .into_bytes();
    let (status, conflict) = installation
        .submit(
            &url,
            &handover_signed(&changed, &changed, report_id, ASSISTANT),
        )
        .await;
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(conflict["error"]["code"], "report_version_conflict");
    let (status, refused) = installation
        .decide(&url, id, serde_json::json!({"decision": "resend"}))
        .await;
    assert_eq!(
        status, 409,
        "only an uncertain submission takes a decision: {refused}"
    );
    assert_eq!(refused["error"]["code"], "not_uncertain");
    assert_eq!(
        fk_requests_for(&setup, report_id),
        1,
        "nothing was sent again"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fks_refusal_is_final_and_a_503_is_retried_until_accepted() {
    let setup = Setup::start(1, 30).await;
    let url = setup.url(0);
    let installation = setup.enrol(PROVIDER).await;

    setup.fk.script(Behaviour::XmlValidationError(
        "cvc-pattern-valid: '8.30'".into(),
    ));
    let (refused_report, body) = good_handover();
    let refused = installation.submit_ok(&url, &body).await;
    let done = installation
        .wait_for(&url, refused, "rejected", LIMIT)
        .await;
    assert_eq!(done.error_code.as_deref(), Some("elt_xml_validation"));
    let raw = STANDARD
        .decode(
            done.fk_attempts[0]
                .raw_answer
                .as_deref()
                .expect("raw answer"),
        )
        .expect("base64");
    assert!(
        String::from_utf8_lossy(&raw).contains("cvc-pattern-valid"),
        "FK's fault is kept for the installation to show"
    );

    setup.fk.script(Behaviour::ServiceUnavailable);
    let (retried_report, body) = good_handover();
    let retried = installation.submit_ok(&url, &body).await;
    let waiting = installation
        .wait_for(&url, retried, "failed_will_retry", LIMIT)
        .await;
    assert!(waiting.not_before.is_some(), "a retry has its time");
    let done = installation
        .wait_for(&url, retried, "accepted", LIMIT)
        .await;
    assert_eq!(
        done.fk_attempts.len(),
        2,
        "one refused by 503, one accepted"
    );
    assert_eq!(fk_requests_for(&setup, retried_report), 2);
    tokio::time::sleep(Duration::from_millis(SPACING_MS * 10)).await;
    assert_eq!(
        fk_requests_for(&setup, refused_report),
        1,
        "a report FK refused is never sent again"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncertain_submission_is_never_resent_without_the_installations_decision() {
    let setup = Setup::start(1, 30).await;
    let url = setup.url(0);
    let installation = setup.enrol(PROVIDER).await;

    setup.fk.script(Behaviour::DropAfterBody);
    let (report, body) = good_handover();
    let id = installation.submit_ok(&url, &body).await;
    let uncertain = installation.wait_for(&url, id, "uncertain", LIMIT).await;
    assert!(
        uncertain.error_code.is_some(),
        "why it is uncertain is kept"
    );
    // Other reports go through meanwhile; the uncertain one stays put.
    let (_, other) = good_handover();
    let other_id = installation.submit_ok(&url, &other).await;
    installation
        .wait_for(&url, other_id, "accepted", LIMIT)
        .await;
    tokio::time::sleep(Duration::from_millis(SPACING_MS * 10)).await;
    assert_eq!(installation.get(&url, id).await.state, "uncertain");
    assert_eq!(
        fk_requests_for(&setup, report),
        1,
        "an uncertain report is not resent by itself"
    );

    let (status, answer) = installation
        .decide(&url, id, serde_json::json!({"decision": "resend"}))
        .await;
    assert_eq!(status, 200, "{answer}");
    let done = installation.wait_for(&url, id, "accepted", LIMIT).await;
    assert_eq!(done.decision.as_deref(), Some("resend"));
    assert_eq!(
        fk_requests_for(&setup, report),
        2,
        "resent once, on the decision"
    );

    // The other two decisions.
    setup.fk.script(Behaviour::DropAfterBody);
    let (_, body) = good_handover();
    let id = installation.submit_ok(&url, &body).await;
    installation.wait_for(&url, id, "uncertain", LIMIT).await;
    let tx = Uuid::new_v4();
    let (status, answer) = installation
        .decide(
            &url,
            id,
            serde_json::json!({"decision": "received", "tx_id": tx}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["state"], "accepted");
    assert_eq!(
        answer["tx_id"],
        tx.to_string(),
        "the tx-id the installation learnt is kept"
    );

    setup.fk.script(Behaviour::DropAfterBody);
    let (report, body) = good_handover();
    let id = installation.submit_ok(&url, &body).await;
    installation.wait_for(&url, id, "uncertain", LIMIT).await;
    let (status, answer) = installation
        .decide(&url, id, serde_json::json!({"decision": "do_not_send"}))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["state"], "withdrawn");
    tokio::time::sleep(Duration::from_millis(SPACING_MS * 10)).await;
    assert_eq!(
        fk_requests_for(&setup, report),
        1,
        "a withdrawn report is not sent"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_instances_sending_row_becomes_uncertain_when_its_lease_runs_out_and_stays_unsent() {
    let mut setup = Setup::start(1, 2).await;
    let installation = setup.enrol(PROVIDER).await;
    setup.fk.script(Behaviour::Hang);
    let (report, body) = good_handover();
    let id = installation.submit_ok(&setup.url(0), &body).await;
    installation
        .wait_for(&setup.url(0), id, "sending", LIMIT)
        .await;
    let deadline = tokio::time::Instant::now() + LIMIT;
    while fk_requests_for(&setup, report) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the request reaches FK"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The instance dies with the request out (no graceful shutdown); another one runs.
    let dead = setup.relays.remove(0);
    dead.abort();
    setup.start_instance().await;
    let url = setup.url(0);
    let uncertain = installation.wait_for(&url, id, "uncertain", LIMIT).await;
    assert_eq!(uncertain.error_code.as_deref(), Some("relay_instance_lost"));
    assert_eq!(
        uncertain.fk_attempts[0].outcome.as_deref(),
        Some("instance_lost")
    );
    tokio::time::sleep(Duration::from_millis(SPACING_MS * 10)).await;
    assert_eq!(
        fk_requests_for(&setup, report),
        1,
        "the surviving instance does not resend what the dead one may have sent"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installations_are_served_in_turn_so_a_large_queue_does_not_starve_a_small_one() {
    let setup = Setup::start(0, 30).await;
    let large = setup.enrol_without_relay(PROVIDER).await;
    let small = setup.enrol_without_relay(PROVIDER).await;
    let pool = setup.pool();
    // Queue directly (no relay runs yet): 8 for the large installation first, then 2.
    let mut queued = Vec::new();
    for (installation, n) in [(&large, 8), (&small, 2)] {
        for _ in 0..n {
            let (_, body) = good_handover();
            queued.push((
                installation.id,
                crate::support::enqueue(&pool, installation.id, &body).await,
            ));
        }
    }
    let mut setup = setup;
    setup.start_instance().await;
    for (_, id) in &queued {
        let deadline = tokio::time::Instant::now() + LIMIT;
        loop {
            let state: String = pool
                .get()
                .await
                .expect("a connection")
                .query_one("SELECT state FROM submissions WHERE id = $1", &[id])
                .await
                .expect("the row")
                .get(0);
            if state == "accepted" {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{id} is sent, is {state}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let order: Vec<Uuid> = pool
        .get()
        .await
        .expect("a connection")
        .query(
            "SELECT installation_id FROM attempts ORDER BY claimed_at",
            &[],
        )
        .await
        .expect("the attempts")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let small_positions: Vec<usize> = order
        .iter()
        .enumerate()
        .filter(|(_, i)| **i == small.id)
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        small_positions,
        vec![1, 3],
        "the small installation is served every other turn, not after the large one's queue: {order:?}"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_shutdown_finishes_the_request_in_flight_and_leaves_the_rest_queued() {
    let mut setup = Setup::start(1, 30).await;
    let url = setup.url(0);
    let installation = setup.enrol(PROVIDER).await;
    setup
        .fk
        .script(Behaviour::Delay(Duration::from_millis(1500)));
    let (first_report, body) = good_handover();
    let first = installation.submit_ok(&url, &body).await;
    installation.wait_for(&url, first, "sending", LIMIT).await;
    // Queued while the first waits for FK's slow answer: no new turn is taken once stopping.
    setup.fk.script(Behaviour::Hang);
    let relay = setup.relays.remove(0);
    let stopping = tokio::spawn(relay.shutdown(Duration::from_secs(20)));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let pool = setup.pool();
    let (_, body) = good_handover();
    let waiting = crate::support::enqueue(&pool, installation.id, &body).await;
    stopping.await.expect("the shutdown completes");
    let state = |id: Uuid| {
        let pool = pool.clone();
        async move {
            pool.get()
                .await
                .expect("a connection")
                .query_one("SELECT state FROM submissions WHERE id = $1", &[&id])
                .await
                .expect("the row")
                .get::<_, String>(0)
        }
    };
    assert_eq!(
        state(first).await,
        "accepted",
        "the request in flight got its answer recorded"
    );
    assert_eq!(
        state(waiting).await,
        "queued",
        "what was waiting stays queued for another instance"
    );
    assert_eq!(fk_requests_for(&setup, first_report), 1);
    assert_eq!(
        setup.fk.requests().len(),
        1,
        "nothing else was sent while stopping"
    );
    let stopped: bool = pool
        .get()
        .await
        .expect("a connection")
        .query_one(
            "SELECT bool_and(stopped_at IS NOT NULL) FROM relay_instances",
            &[],
        )
        .await
        .expect("the instance")
        .get(0);
    assert!(
        stopped,
        "the instance is recorded as stopped, so nothing of it waits for a lease"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_installation_over_its_quotas_waits_or_is_refused_while_others_are_served() {
    let mut setup = Setup::start(0, 30).await;
    setup.extra_config =
        "[quotas]\nmax_open_per_installation = 2\nmax_sends_per_hour = 2\n".to_owned();
    setup.start_instance().await;
    let url = setup.url(0);
    let busy = setup.enrol(PROVIDER).await;
    let other = setup.enrol(PROVIDER).await;
    for _ in 0..2 {
        let id = busy.submit_ok(&url, &good_handover().1).await;
        busy.wait_for(&url, id, "accepted", LIMIT).await;
    }
    let (third_report, third) = good_handover();
    let third = busy.submit_ok(&url, &third).await;
    let fourth = busy.submit_ok(&url, &good_handover().1).await;
    let (status, answer) = busy.submit(&url, &good_handover().1).await;
    assert_eq!(status, 429, "a third open submission is refused: {answer}");
    assert_eq!(answer["error"]["code"], "quota_queue_full");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Vänta"),
        "the message says what to do: {message}"
    );

    let theirs = other.submit_ok(&url, &good_handover().1).await;
    other.wait_for(&url, theirs, "accepted", LIMIT).await;
    tokio::time::sleep(Duration::from_millis(SPACING_MS * 10)).await;
    for id in [third, fourth] {
        assert_eq!(
            busy.get(&url, id).await.state,
            "queued",
            "over its hourly quota an installation's reports wait, another's are sent"
        );
    }
    assert_eq!(fk_requests_for(&setup, third_report), 0);
    assert_eq!(
        setup.fk.requests().len(),
        3,
        "two of the busy installation's, one of the other's"
    );
    setup.stop().await;
}
