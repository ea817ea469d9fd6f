//! `assistid submit` killed with SIGKILL at random moments while it sends a month of 200 signed
//! reports to the demo fake FK (which runs inside the program, dies with it, and keeps its
//! journal on disk like FK remembers what it received).
//!
//! After every kill, with the program dead:
//! - the database passes SQLite's and SQLCipher's integrity checks;
//! - the audit log is gap-free and has an event for every outbox transition (queued, each
//!   attempt's start and end, each recovery);
//! - FK's journal and the outbox agree: every tx-id the outbox holds is one FK gave for that
//!   report; every report FK accepted is accepted in the outbox with that tx-id, or is
//!   `sending`/`uncertain` (the answer was lost with the program); FK never answered more
//!   requests for a report than the outbox started;
//! - no report was accepted twice, an uncertain submission is never sent again before the user
//!   decides, and FK counted no rate violation — also across restarts.
//!
//! At the end the harness plays the user: it checks each uncertain submission against FK's
//! journal and resolves it (`--accepted TXID` when FK has it, `--resend` otherwise); a last
//! run sends the rest. Then every report is accepted exactly once.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use assistid_app::submit::DEMO_FK_JOURNAL;
use assistid_fakes::fk::journal::{FkJournal, JournalEntry};
use assistid_store::{AttemptOutcome, Store, Submission, SubmissionState};
use rand::Rng as _;
use uuid::Uuid;

use crate::harness::{self, Ended, Folder, MONTH, Running};

/// Reports in the month: 20 persons × 10 assistants.
const PERSONS: u32 = 20;
const ASSISTANTS: u32 = 10;

fn kills_wanted() -> usize {
    std::env::var("ASSISTID_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24)
}

/// What the harness remembers between kills: for each submission first seen uncertain, its
/// attempts then and FK's answers for its report then (neither may grow until the user
/// decides).
#[derive(Default)]
struct Watch {
    uncertain_since: HashMap<i64, (u32, usize)>,
}

fn journal(folder: &Folder) -> FkJournal {
    FkJournal::read(&folder.path().join(DEMO_FK_JOURNAL)).expect("FK's journal must be readable")
}

/// For each rate violation in FK's journal: its arrival number, the gap to the previous
/// arrival in milliseconds, and whether it was the first arrival after a restart.
fn violation_gaps(fk: &FkJournal) -> Vec<(usize, i64, bool)> {
    let mut previous = None;
    let mut out = Vec::new();
    for entry in &fk.entries {
        if let JournalEntry::Received {
            seq,
            at,
            rate_violation,
            first_since_start,
        } = entry
        {
            if *rate_violation {
                out.push((
                    *seq,
                    previous.map_or(-1, |p: chrono::DateTime<chrono::Utc>| {
                        (*at - p).num_milliseconds()
                    }),
                    *first_since_start,
                ));
            }
            previous = Some(*at);
        }
    }
    out
}

fn all_submissions(store: &Store) -> Vec<Submission> {
    store
        .all_submissions()
        .expect("the outbox must be readable after a kill")
}

/// The checks after every kill (and at the end).
fn check_after_kill(folder: &Folder, watch: &mut Watch, when: &str) {
    let store = folder.store();
    let events = harness::check_database(&store, when);
    let by_submission = harness::submission_events(&events);
    let has = |kind: &str, id: i64, attempt: Option<i64>| {
        by_submission.contains_key(&(kind.to_owned(), id, attempt))
    };
    let fk = journal(folder);
    assert_eq!(
        fk.rate_violations(),
        0,
        "{when}: FK counted requests closer than one second apart (seed above): a restarted \
         program must keep the interval after the previous one's last request too; gaps \
         (seq, ms): {:?}",
        violation_gaps(&fk)
    );
    assert_eq!(
        fk.duplicates(),
        0,
        "{when}: FK accepted a report it already had: a report was sent twice"
    );
    let accepted_by_fk = fk.acceptances();
    let submissions = all_submissions(&store);
    let mut attempts_by_report: HashMap<Uuid, u32> = HashMap::new();
    for s in &submissions {
        let id = s.id.get();
        *attempts_by_report.entry(s.report_id).or_default() += s.attempts;
        assert!(
            has("submission_queued", id, None),
            "{when}: submission {id} has no `submission_queued` event: the audit log has a gap"
        );
        let attempts = store
            .submission_attempts(s.id)
            .expect("the attempts must be readable");
        assert_eq!(
            attempts.len(),
            s.attempts as usize,
            "{when}: submission {id} counts {} attempts but {} are stored",
            s.attempts,
            attempts.len()
        );
        for attempt in &attempts {
            let n = Some(i64::from(attempt.attempt));
            assert!(
                has("submission_sending", id, n),
                "{when}: attempt {} of submission {id} started without an audit event",
                attempt.attempt
            );
            let ended_event = match attempt.outcome {
                AttemptOutcome::InFlight => true,
                AttemptOutcome::Interrupted => has("submission_interrupted", id, None),
                _ => by_submission
                    .keys()
                    .any(|(kind, sid, a)| *sid == id && *a == n && kind != "submission_sending"),
            };
            assert!(
                ended_event,
                "{when}: attempt {} of submission {id} ended ({:?}) without an audit event",
                attempt.attempt, attempt.outcome
            );
        }
        let fk_tx: Vec<String> = accepted_by_fk
            .get(&s.report_id)
            .map(|list| list.iter().map(|a| a.tx_id.to_string()).collect())
            .unwrap_or_default();
        match s.state {
            SubmissionState::Accepted => {
                let tx = s.tx_id.clone().expect("an accepted submission has a tx-id");
                assert!(
                    fk_tx.contains(&tx),
                    "{when}: submission {id} holds tx-id {tx}, which FK never gave for its \
                     report (FK gave {fk_tx:?})"
                );
            }
            SubmissionState::Sending | SubmissionState::Uncertain => {}
            other => assert!(
                fk_tx.is_empty(),
                "{when}: FK accepted the report of submission {id} ({fk_tx:?}) but the outbox \
                 says {other:?}: the acceptance was lost"
            ),
        }
        if s.state == SubmissionState::Uncertain {
            let answered = fk.answered_for(s.report_id);
            let first = *watch
                .uncertain_since
                .entry(id)
                .or_insert((s.attempts, answered));
            assert_eq!(
                (s.attempts, answered),
                first,
                "{when}: uncertain submission {id} was sent again (attempts, FK's answers) \
                 without the user's decision"
            );
        }
    }
    for report in accepted_by_fk.keys() {
        assert!(
            submissions.iter().any(|s| s.report_id == *report),
            "{when}: FK accepted report {report}, which the outbox never queued"
        );
    }
    for s in &submissions {
        let answered = fk.answered_for(s.report_id);
        let started = attempts_by_report.get(&s.report_id).copied().unwrap_or(0) as usize;
        assert!(
            answered <= started,
            "{when}: FK answered {answered} requests for a report whose submissions started \
             only {started}"
        );
    }
}

/// Plays the user for every uncertain submission: checks FK's journal (as a coordinator asks
/// FK) and resolves it through the program.
fn resolve_uncertain_like_a_user(folder: &Folder, watch: &mut Watch) -> usize {
    let fk = journal(folder);
    let accepted = fk.acceptances();
    let store = folder.store();
    let uncertain: Vec<Submission> = all_submissions(&store)
        .into_iter()
        .filter(|s| s.state == SubmissionState::Uncertain)
        .collect();
    drop(store);
    for s in &uncertain {
        let id = s.id.get().to_string();
        let decision: Vec<String> = match accepted.get(&s.report_id).and_then(|l| l.first()) {
            Some(a) => vec!["--accepted".into(), a.tx_id.to_string()],
            None => vec!["--resend".into()],
        };
        let mut args = vec!["submissions", "resolve", id.as_str()];
        args.extend(decision.iter().map(String::as_str));
        let (status, out) = folder.run(&args);
        assert!(
            status.success(),
            "resolving uncertain submission {id} must succeed: {out}"
        );
        watch.uncertain_since.remove(&s.id.get());
    }
    uncertain.len()
}

fn is_progress(line: &str) -> bool {
    line.starts_with('[')
}

#[test]
fn a_month_of_200_reports_survives_random_kills_without_loss_or_double_sending() {
    let _alone = harness::one_at_a_time();
    let mut rng = harness::seeded("submit");
    let folder = Folder::new();
    let reports = harness::signed_month(&folder, PERSONS, ASSISTANTS);
    assert!(
        reports.len() >= 200,
        "the harness needs at least 200 reports"
    );
    let submit = ["submit", "--month", MONTH, "--env", "demo"];
    let mut watch = Watch::default();
    let wanted = kills_wanted();
    let mut kills = 0;
    let mut runs = 0;
    while kills < wanted {
        runs += 1;
        let running = Running::start(folder.command(&submit));
        // A quarter of the kills land anywhere in the start-up (opening, recovery, review,
        // queueing, the first request); the rest while sending, after a random number of
        // finished reports and a random part of a second (any phase of the 1 s pacing).
        let ended = if rng.random_bool(0.25) {
            running.kill_at(Duration::from_millis(rng.random_range(0..4000)))
        } else {
            let lines = rng.random_range(0..=12);
            let extra = Duration::from_millis(rng.random_range(0..1200));
            running.kill_after(lines, is_progress, extra)
        };
        if ended == Ended::Killed {
            kills += 1;
        }
        check_after_kill(
            &folder,
            &mut watch,
            &format!("after run {runs} ({ended:?})"),
        );
        if let Ended::Exited(_) = ended {
            // It finished by itself: everything sendable has been sent.
            break;
        }
    }
    println!("submit: {kills} kills in {runs} runs");
    assert!(
        kills >= wanted.min(20),
        "the run must kill the program at least 20 times (killed {kills})"
    );

    // The rest goes out in one uninterrupted run; then the user decides on the uncertain.
    let (_, _) = folder.run(&submit);
    check_after_kill(&folder, &mut watch, "after the uninterrupted run");
    let resolved = resolve_uncertain_like_a_user(&folder, &mut watch);
    println!("submit: {resolved} uncertain submissions resolved like a user");
    let (status, out) = folder.run(&submit);
    check_after_kill(&folder, &mut watch, "at the end");
    assert_eq!(
        status.code(),
        Some(0),
        "the last run must end with every report accepted: {out}"
    );

    let fk = journal(&folder);
    let accepted = fk.acceptances();
    let store = folder.store();
    let submissions = all_submissions(&store);
    let mut accepted_reports = HashSet::new();
    for report in &reports {
        let fk_list = accepted.get(report).cloned().unwrap_or_default();
        assert_eq!(
            fk_list.len(),
            1,
            "report {report} must be accepted by FK exactly once (FK accepted it {} times)",
            fk_list.len()
        );
        let live: Vec<&Submission> = submissions
            .iter()
            .filter(|s| s.report_id == *report && s.state == SubmissionState::Accepted)
            .collect();
        assert_eq!(
            live.len(),
            1,
            "report {report} must have exactly one accepted submission"
        );
        assert_eq!(
            live[0].tx_id.as_deref(),
            Some(fk_list[0].tx_id.to_string().as_str()),
            "the outbox must keep the tx-id FK gave for report {report}"
        );
        accepted_reports.insert(*report);
    }
    assert_eq!(accepted_reports.len(), reports.len());
    assert_eq!(
        fk.rate_violations(),
        0,
        "no rate violation in the whole run"
    );
}
