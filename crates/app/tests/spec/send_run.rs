//! The send run both front ends call: a month queued on the folder the user has open and sent
//! from a database connection of its own (as the window does), with every submission's state
//! reported as it is reached; and the refusal of a run with nothing to send.

use std::sync::atomic::{AtomicBool, Ordering};

use assistid_app::KeySource;
use assistid_app::send_run::send_on_own_connection;
use assistid_app::submit::{Environment, RelayFollow};
use assistid_core::text::Lang;
use chrono::Utc;

use crate::submit::{Folder, clock, connect_as, fast_fake, month, sign_month};
use assistid_app::views::SubmissionState as ViewState;

/// What the caller connected, kept for the caller after the run (the window reads the demo
/// FK's measured pacing from it).
struct Link {
    connection: assistid_app::submit::EltConnection,
    dropped: &'static AtomicBool,
}

impl AsRef<assistid_app::submit::EltConnection> for Link {
    fn as_ref(&self) -> &assistid_app::submit::EltConnection {
        &self.connection
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_month_queued_in_the_open_folder_is_sent_from_a_connection_of_its_own() {
    static DROPPED: AtomicBool = AtomicBool::new(false);
    let folder = Folder::demo();
    let signed = sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let window = folder.open();
    let run = window
        .queue_run(month(), Environment::Demo, Utc::now())
        .expect("the signed month is queued");
    assert_eq!(run.ids.len(), signed.len(), "every signed report is queued");
    assert!(
        run.nothing_to_send().is_none(),
        "a run with queued reports is not refused"
    );
    assert_eq!(
        run.data_dir(),
        folder.dir.path(),
        "the run sends from the folder it was queued in"
    );
    let fk = fast_fake();
    let mut seen = Vec::new();
    let (sent, link) = send_on_own_connection(
        &run,
        KeySource::File(folder.key()),
        &clock,
        &RelayFollow::default(),
        |_app| {
            Ok(Link {
                connection: connect_as(&fk, Environment::Demo),
                dropped: &DROPPED,
            })
        },
        &mut |done, total, view| seen.push((done, total, view.state)),
    )
    .expect("the run completes");
    let link = link.expect("a folder that sends directly connects through the caller");
    assert!(
        !DROPPED.load(Ordering::SeqCst),
        "what the caller connected lives until the caller drops it"
    );
    drop(link);
    assert_eq!(
        seen.len(),
        signed.len(),
        "one progress report per submission: {seen:?}"
    );
    for (i, (done, total, state)) in seen.iter().enumerate() {
        assert_eq!(
            (*done, *total),
            (i + 1, signed.len()),
            "counted as they finish"
        );
        assert_eq!(
            *state,
            ViewState::Accepted,
            "the fake FK accepts every report"
        );
    }
    assert!(sent.stopped_error().is_none(), "{:?}", sent.summary.stopped);
    assert_eq!(sent.summary.month, month().to_string());
    assert_eq!(sent.summary.environment, "demo");
    assert!(
        matches!(sent.backup, Ok(None)),
        "no backup folder is chosen, so no backup is due and none failed: {:?}",
        sent.backup
    );
    // The open folder sees what the run stored through its own connection.
    let states: Vec<&str> = window
        .submissions(Some(month()))
        .expect("the outbox reads")
        .iter()
        .map(|v| v.state.code())
        .collect();
    assert!(
        states.len() == signed.len() && states.iter().all(|s| *s == "accepted"),
        "the window's connection reads the run's outcome: {states:?}"
    );

    // A second run has nothing to send, and says why for every report.
    let again = window
        .queue_run(month(), Environment::Demo, Utc::now())
        .expect("queueing again is not an error");
    let refusal = again
        .nothing_to_send()
        .expect("a run with nothing queued is refused");
    assert_eq!(refusal.code(), "nothing_to_send");
    let message = refusal.message_in(Lang::Sv);
    assert!(
        message.contains(&month().to_string()) && message.contains(&again.skipped[0].reason),
        "the refusal names the month and each report's reason: {message}"
    );
}

#[test]
fn an_unsigned_month_is_refused_with_each_report_and_its_reason() {
    let folder = Folder::demo();
    let app = folder.open();
    let run = app
        .queue_run(month(), Environment::Demo, Utc::now())
        .expect("nothing to queue is not an error by itself");
    assert!(run.ids.is_empty(), "nothing unsigned is queued");
    let refusal = run
        .nothing_to_send()
        .expect("the window refuses a run with nothing to send");
    assert_eq!(refusal.code(), "nothing_to_send");
    for lang in [Lang::Sv, Lang::En] {
        let message = refusal.message_in(lang);
        for skipped in &run.skipped {
            assert!(
                message.contains(&format!("{} – {}", skipped.person, skipped.assistant)),
                "{lang:?}: every report left out is named: {message}"
            );
        }
    }
    assert!(
        refusal
            .message_in(Lang::En)
            .starts_with("There are no reports"),
        "the refusal is told in the user's language"
    );
}
