//! One sender per data folder (issue 15), with real processes: two `assistid submit` runs on
//! one folder against one slow fake FK, and the CLI beside the desktop app's sending task; answers that are not FK's service's, on demand; and a
//! sender killed while a reader has the folder open.
//!
//! The fake FK runs in this test process and measures every arrival, so the pacing of both
//! programs together is checked where FK would check it.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use assistid_app::submit::{
    ConnectOptions, Environment, Pacer, PacingConfig, RetryPolicy, SendRun,
};
use assistid_core::secret::Sensitive;
use assistid_fakes::fk::on_demand::OnDemand;
use assistid_fakes::fk::{BackgroundFakeFk, Behaviour, FakeFk, FakeFkConfig, RecordedOutcome};
use assistid_store::{AttemptOutcome, Submission, SubmissionState};
use chrono::Utc;

use crate::harness::{self, Ended, Folder, MONTH, Running};

const PASSWORD: &str = "one-sender";

fn start_fake(default_behaviour: Behaviour) -> BackgroundFakeFk {
    FakeFk::start_background(FakeFkConfig {
        default_behaviour,
        ..FakeFkConfig::default()
    })
    .expect("the fake FK starts on loopback")
}

/// `submit` to the fake in the test process: its address, CA and client certificate given
/// for the run, as a user would for another FK service.
fn submit_command(folder: &Folder, fake: &BackgroundFakeFk) -> Command {
    let ca = folder.path().join("fake-fk-ca.pem");
    let p12 = folder.path().join("fake-fk-client.p12");
    std::fs::write(&ca, fake.ca_pem()).expect("the fake's CA is written");
    std::fs::write(
        &p12,
        fake.client_identity_p12(PASSWORD)
            .expect("the fake issues a client certificate"),
    )
    .expect("the client certificate is written");
    let endpoint = fake.endpoint();
    let args: Vec<String> = vec![
        "submit".into(),
        "--month".into(),
        MONTH.into(),
        "--env".into(),
        "demo".into(),
        "--endpoint".into(),
        endpoint,
        "--ca".into(),
        path_text(ca),
        "--client-cert".into(),
        path_text(p12),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = folder.command(&args);
    command.env("ASSISTID_CLIENT_CERT_PASSWORD", PASSWORD);
    command
}

fn path_text(path: PathBuf) -> String {
    path.to_str()
        .expect("temporary folders have UTF-8 paths here")
        .to_owned()
}

fn submissions(folder: &Folder) -> Vec<Submission> {
    folder
        .store()
        .all_submissions()
        .expect("the outbox is readable beside a running program")
}

fn in_state(list: &[Submission], state: SubmissionState) -> usize {
    list.iter().filter(|s| s.state == state).count()
}

/// Waits until some submission is `sending` (the sender has committed a request).
fn wait_for_sending(folder: &Folder, within: Duration) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if in_state(&submissions(folder), SubmissionState::Sending) > 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the sender never started a request within {within:?}");
}

#[test]
fn two_programs_on_one_folder_keep_fks_pace_and_lose_no_receipt() {
    let _one = harness::one_at_a_time();
    let folder = Folder::new();
    let reports = harness::signed_month(&folder, 2, 3);
    // FK answers after three seconds: several requests are in flight at once.
    let fake = start_fake(Behaviour::Delay(Duration::from_secs(3)));
    let first = Running::start(submit_command(&folder, &fake));
    let second = Running::start(submit_command(&folder, &fake));

    // A reader opens the folder while requests are in flight (the reported failure: it
    // turned every `sending` row uncertain, and the sender lost FK's tx-ids).
    wait_for_sending(&folder, Duration::from_secs(60));
    let (status, _) = folder.run(&["submissions"]);
    assert!(status.success(), "the listing runs beside the sender");
    let during = submissions(&folder);
    assert_eq!(
        in_state(&during, SubmissionState::Uncertain),
        0,
        "a program that only reads must never touch rows another program is sending"
    );

    assert_eq!(
        first.wait(),
        Ended::Exited(Some(0)),
        "the first sender gets every answer"
    );
    assert_eq!(
        second.wait(),
        Ended::Exited(Some(0)),
        "the second sender waits for the first and finds everything accepted"
    );

    let requests = fake.requests();
    assert_eq!(
        fake.rate_violations(),
        0,
        "two programs together keep FK's one call a second: {:?}",
        requests
            .iter()
            .map(|r| (r.seq, r.arrived_wall))
            .collect::<Vec<_>>()
    );
    assert_eq!(fake.duplicates(), 0, "no report was sent twice");
    assert_eq!(
        requests.len(),
        reports.len(),
        "one request per report, whichever program sent it"
    );
    let after = submissions(&folder);
    assert_eq!(after.len(), reports.len());
    for submission in &after {
        assert_eq!(
            submission.state,
            SubmissionState::Accepted,
            "every report ends accepted: {submission:?}"
        );
        let fk_tx = requests.iter().find_map(|r| match r.outcome {
            RecordedOutcome::Accepted { report_id, tx_id } if report_id == submission.report_id => {
                Some(tx_id.to_string())
            }
            _ => None,
        });
        assert_eq!(
            submission.tx_id, fk_tx,
            "the stored tx-id is the one FK issued for that report"
        );
        assert_eq!(submission.attempts, 1, "sent once: {submission:?}");
    }
}

#[test]
fn answers_that_are_not_fks_stop_the_run_after_one_request() {
    let _one = harness::one_at_a_time();
    let folder = Folder::new();
    let reports = harness::signed_month(&folder, 1, 2);
    let fake = start_fake(Behaviour::Normal);
    let cases = [
        OnDemand::Status(404),
        OnDemand::Status(401),
        OnDemand::Status(403),
        OnDemand::Status(405),
        OnDemand::Status(415),
        OnDemand::Redirect(301, "https://fk.example.invalid/annan".to_owned()),
    ];
    for (n, case) in cases.iter().enumerate() {
        fake.script(Behaviour::OnDemand(case.clone()));
        let output = submit_command(&folder, &fake)
            .output()
            .expect("the program runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(6),
            "{case:?}: a stopped run exits 6\n{stdout}"
        );
        assert!(
            stdout.contains("Inskicket stoppades") && stdout.contains("adressen"),
            "{case:?}: the message says the run stopped and what to check\n{stdout}"
        );
        assert_eq!(
            fake.requests().len(),
            n + 1,
            "{case:?}: the run stops after the first such answer — one request, not one per report"
        );
        let list = submissions(&folder);
        assert_eq!(
            in_state(&list, SubmissionState::Uncertain),
            0,
            "{case:?}: not FK's answer means not received — never uncertain"
        );
        let stopped: Vec<&Submission> = list
            .iter()
            .filter(|s| s.state == SubmissionState::FailedFinal)
            .collect();
        assert_eq!(
            stopped.len(),
            n + 1,
            "{case:?}: one more stopped submission"
        );
        assert_eq!(
            stopped.last().and_then(|s| s.last_error_code.as_deref()),
            Some("elt_not_fk_service"),
            "{case:?}"
        );
        assert_eq!(
            in_state(&list, SubmissionState::Queued),
            1,
            "{case:?}: the other report waits in the queue, unsent"
        );
    }

    // A 503 whose body is FK's receipt: accepted, not retried.
    fake.script(Behaviour::OnDemand(OnDemand::UnavailableWithReceipt));
    let output = submit_command(&folder, &fake)
        .output()
        .expect("the program runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "a 503 carrying FK's receipt is a receipt\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let list = submissions(&folder);
    assert_eq!(
        in_state(&list, SubmissionState::Accepted),
        reports.len(),
        "both reports accepted"
    );
    assert_eq!(
        fake.duplicates(),
        0,
        "the report FK took behind the 503 was not sent again"
    );
    let store = folder.store();
    let statuses: Vec<Option<u16>> = list
        .iter()
        .filter(|s| s.state == SubmissionState::Accepted)
        .flat_map(|s| store.submission_attempts(s.id).expect("attempts"))
        .map(|a| a.http_status)
        .collect();
    assert!(
        statuses.contains(&Some(503)),
        "the receipt behind the 503 is stored with its status: {statuses:?}"
    );
}

#[test]
fn a_sender_killed_while_a_reader_is_open_leaves_uncertain_rows_only_after_it_died() {
    let _one = harness::one_at_a_time();
    let folder = Folder::new();
    harness::signed_month(&folder, 2, 2);
    let fake = start_fake(Behaviour::Delay(Duration::from_secs(5)));
    let sender = Running::start(submit_command(&folder, &fake));
    wait_for_sending(&folder, Duration::from_secs(60));

    // The reader, with the sender alive: it must leave the rows in flight alone.
    let reader = folder.app();
    let before = submissions(&folder);
    let sending: Vec<_> = before
        .iter()
        .filter(|s| s.state == SubmissionState::Sending)
        .map(|s| s.id)
        .collect();
    assert!(!sending.is_empty(), "a request is in flight");
    assert_eq!(
        in_state(&before, SubmissionState::Uncertain),
        0,
        "opening the folder beside a live sender recovers nothing"
    );

    assert_eq!(
        sender.kill_at(Duration::ZERO),
        Ended::Killed,
        "the sender is killed mid-request"
    );
    // The reader still has the folder open; the next start finds the lock free.
    drop(reader);
    let (status, _) = folder.run(&["submissions"]);
    assert!(status.success());
    let store = folder.store();
    for id in &sending {
        let row = store
            .submission(*id)
            .expect("readable")
            .expect("the submission exists");
        assert!(
            matches!(
                row.state,
                SubmissionState::Uncertain | SubmissionState::Accepted
            ),
            "a request in flight when its sender died is uncertain (or was answered first): \
             {row:?}"
        );
        if row.state == SubmissionState::Uncertain {
            let attempts = store.submission_attempts(*id).expect("attempts");
            assert_eq!(
                attempts.last().map(|a| a.outcome),
                Some(AttemptOutcome::Interrupted),
                "its attempt is marked interrupted"
            );
        }
    }
    assert_eq!(
        in_state(&submissions(&folder), SubmissionState::Sending),
        0,
        "with no sender left, nothing stays `sending`"
    );
}

/// The desktop app's sending task, as `src-tauri/src/submission.rs` runs it: its own `App` on
/// the folder, the month queued, then `App::send_run` through a fresh pacer.
fn desktop_sending_task(folder: &Folder, fake: &BackgroundFakeFk) -> SendRun {
    let app = folder.app();
    let mut options = ConnectOptions::new(Environment::Demo);
    options.endpoint = Some(fake.endpoint());
    options.ca_file = Some(folder.path().join("fake-fk-ca.pem"));
    options.client_cert = Some(folder.path().join("fake-fk-client.p12"));
    options.password = Some(Sensitive::new(PASSWORD.to_owned()));
    let connection = app
        .connect(&options)
        .expect("the desktop task connects to the fake FK");
    let month = MONTH.parse().expect("a month");
    let (ids, _) = app
        .queue_month(month, Environment::Demo, Utc::now())
        .expect("the desktop queues the month beside the CLI");
    let pacer = Pacer::new(PacingConfig::default());
    let clock = Utc::now;
    assistid_test_kit::block_on(app.send_run(
        &connection,
        &ids,
        &pacer,
        &RetryPolicy::default(),
        &clock,
        &mut |_, _, _| {},
    ))
    .expect("a runtime starts")
    .expect("the desktop's run completes")
}

#[test]
fn the_cli_and_the_desktops_sending_task_on_one_folder_keep_fks_pace() {
    let _one = harness::one_at_a_time();
    let folder = Folder::new();
    let reports = harness::signed_month(&folder, 2, 3);
    let fake = start_fake(Behaviour::Delay(Duration::from_secs(2)));
    let cli = Running::start(submit_command(&folder, &fake));
    wait_for_sending(&folder, Duration::from_secs(60));
    let desktop = desktop_sending_task(&folder, &fake);
    assert!(
        desktop.stopped.is_none(),
        "the desktop's run is not stopped: {:?}",
        desktop.stopped
    );
    assert_eq!(cli.wait(), Ended::Exited(Some(0)), "the CLI's run succeeds");
    assert_eq!(
        fake.rate_violations(),
        0,
        "the CLI and the desktop app together keep FK's one call a second"
    );
    assert_eq!(fake.duplicates(), 0, "no report was sent twice");
    assert_eq!(
        fake.requests().len(),
        reports.len(),
        "one request per report"
    );
    let after = submissions(&folder);
    assert_eq!(
        in_state(&after, SubmissionState::Accepted),
        reports.len(),
        "every report is accepted with its tx-id: {after:?}"
    );
}
