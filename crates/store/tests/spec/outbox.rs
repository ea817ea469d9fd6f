//! The outbox: durable submissions whose every transition is committed, one live submission
//! per report version, crash recovery to `uncertain`, the user's decisions, and the settings
//! table beside it.

use assistid_core::model::ReportMonth;
use assistid_store::settings::{DATA_KIND, elt_endpoint_key};
use assistid_store::{
    AttemptOutcome, AttemptResult, DataKind, LastRequest, NewReportVersion, Resolution, Store,
    StoreError, StoredText, SubmissionState,
};
use uuid::Uuid;

use crate::support::{Fixture, instant, register};

fn october() -> ReportMonth {
    ReportMonth::new(2026, 10).expect("a month")
}

/// A stored report version.
fn version(store: &Store) -> Uuid {
    let (p, a) = register(store);
    let id = Uuid::new_v4();
    store
        .save_report_version(&NewReportVersion {
            report_id: id,
            assistant: &a.id,
            person: &p.personnummer,
            month: october(),
            document: b"<?xml version=\"1.0\"?><Tidredovisning><id>x</id></Tidredovisning>",
            created_at: instant("2026-11-02T09:00:00Z"),
        })
        .expect("saved");
    id
}

fn accepted<'a>(tx: &'a str, answer: &'a [u8]) -> AttemptResult<'a> {
    AttemptResult {
        finished_at: instant("2026-11-03T10:00:01Z"),
        outcome: AttemptOutcome::Accepted,
        http_status: Some(200),
        answer: Some(answer),
        tx_id: Some(tx),
        error_code: None,
        error_message: None,
        error_text: None,
        fk_message: None,
        next_attempt_at: None,
    }
}

#[test]
fn a_submission_goes_queued_sending_accepted_with_the_raw_answer_kept() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let queued = store
        .enqueue_submission(report, "demo", instant("2026-11-03T10:00:00Z"))
        .expect("queued");
    assert_eq!(queued.state, SubmissionState::Queued);
    assert_eq!(
        queued.document_sha256.len(),
        64,
        "the exact bytes' hash is kept"
    );
    let attempt = store
        .begin_submission_attempt(queued.id, instant("2026-11-03T10:00:00.5Z"))
        .expect("sending");
    assert_eq!(attempt, 1);
    drop(store);
    // The `sending` state is committed before the request: another connection sees it.
    let store = fx.open();
    assert_eq!(
        store.submission(queued.id).expect("read").map(|s| s.state),
        Some(SubmissionState::Sending)
    );
    let done = store
        .finish_submission_attempt(queued.id, attempt, &accepted("tx-1", b"<receipt/>"))
        .expect("accepted");
    assert_eq!(done.state, SubmissionState::Accepted);
    assert_eq!(done.tx_id.as_deref(), Some("tx-1"));
    let attempts = store.submission_attempts(queued.id).expect("attempts");
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].answer.as_deref(), Some(&b"<receipt/>"[..]));
    assert_eq!(attempts[0].outcome, AttemptOutcome::Accepted);
    store
        .begin_submission_attempt(queued.id, instant("2026-11-03T10:01:00Z"))
        .expect_err("an accepted submission is never sent again");
}

#[test]
fn a_report_version_has_at_most_one_live_submission() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let first = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    let error = store
        .enqueue_submission(report, "demo", at)
        .expect_err("a second live submission is refused");
    assert!(
        matches!(error, StoreError::AlreadyExists { .. }),
        "{error:?}"
    );
    // A configuration stop leaves room for a new submission once the settings are fixed.
    store
        .fail_submission_before_sending(
            first.id,
            "elt_client_certificate_expired",
            ("utgånget", None),
            at,
        )
        .expect("stopped");
    store
        .enqueue_submission(report, "demo", at)
        .expect("a failed_final submission does not block a new one");
}

#[test]
fn a_rejected_submission_blocks_resending_the_same_version() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let s = store
        .enqueue_submission(report, "test", at)
        .expect("queued");
    let n = store.begin_submission_attempt(s.id, at).expect("sending");
    let rejected = store
        .finish_submission_attempt(
            s.id,
            n,
            &AttemptResult {
                outcome: AttemptOutcome::Rejected,
                http_status: Some(500),
                answer: Some(b"<fault/>"),
                tx_id: None,
                error_code: Some("elt_xml_validation"),
                error_message: Some("avvisad"),
                error_text: None,
                fk_message: Some("cvc-pattern-valid"),
                ..accepted("", b"")
            },
        )
        .expect("rejected");
    assert_eq!(rejected.state, SubmissionState::Rejected);
    assert_eq!(rejected.fk_message.as_deref(), Some("cvc-pattern-valid"));
    store
        .enqueue_submission(report, "test", at)
        .expect_err("a rejected version is never queued again unchanged");
}

#[test]
fn a_crash_after_sending_was_committed_becomes_uncertain_and_waits_for_a_decision() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let s = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    let n = store.begin_submission_attempt(s.id, at).expect("sending");
    drop(store); // the program dies here

    let store = fx.open();
    let recovered = store
        .recover_interrupted_submissions(instant("2026-11-03T11:00:00Z"))
        .expect("recovered");
    assert_eq!(recovered, vec![s.id]);
    let row = store.submission(s.id).expect("read").expect("exists");
    assert_eq!(row.state, SubmissionState::Uncertain);
    assert_eq!(row.last_error_code.as_deref(), Some("interrupted"));
    assert_eq!(
        row.last_error_message.as_deref(),
        Some(
            "Programmet avbröts medan rapporten skickades. Den kan ha kommit fram till \
             Försäkringskassan; skicka inte om den förrän du har kontrollerat med \
             Försäkringskassan."
        ),
        "the Swedish text is the one it always was"
    );
    assert_eq!(
        row.last_error_text.as_ref().map(|t| t.code.as_str()),
        Some("submission_interrupted"),
        "and beside it the message's code, to show it in the UI's language"
    );
    assert_eq!(
        store.submission_attempts(s.id).expect("attempts")[0].outcome,
        AttemptOutcome::Interrupted
    );
    assert!(
        store
            .due_submissions(instant("2027-01-01T00:00:00Z"))
            .expect("due")
            .is_empty(),
        "an uncertain submission is never due by itself"
    );
    store
        .begin_submission_attempt(s.id, at)
        .expect_err("nor can it be sent without a decision");
    let _ = n;

    let resent = store
        .resolve_submission(s.id, &Resolution::Resend, at)
        .expect("resend");
    assert_eq!(resent.state, SubmissionState::Queued);
    assert_eq!(
        store.begin_submission_attempt(s.id, at).expect("sending"),
        2
    );
}

#[test]
fn uncertain_submissions_can_be_confirmed_or_abandoned() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let s = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    store.begin_submission_attempt(s.id, at).expect("sending");
    store
        .recover_interrupted_submissions(at)
        .expect("recovered");
    let confirmed = store
        .resolve_submission(
            s.id,
            &Resolution::MarkAccepted {
                tx_id: "14e81789-715d-497b-b63c-eada732800eb".into(),
            },
            at,
        )
        .expect("confirmed");
    assert_eq!(confirmed.state, SubmissionState::Accepted);
    store
        .resolve_submission(s.id, &Resolution::Abandon, at)
        .expect_err("only uncertain submissions take a decision");
}

#[test]
fn transient_failures_wait_for_their_retry_time() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let s = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    let n = store.begin_submission_attempt(s.id, at).expect("sending");
    let retry_at = instant("2026-11-03T10:00:04Z");
    let failed = store
        .finish_submission_attempt(
            s.id,
            n,
            &AttemptResult {
                outcome: AttemptOutcome::Transient,
                http_status: Some(503),
                answer: Some(b"<html/>"),
                tx_id: None,
                error_code: Some("elt_service_unavailable"),
                next_attempt_at: Some(retry_at),
                ..accepted("", b"")
            },
        )
        .expect("will retry");
    assert_eq!(failed.state, SubmissionState::FailedWillRetry);
    assert!(
        store.due_submissions(at).expect("due").is_empty(),
        "not yet due"
    );
    assert_eq!(store.due_submissions(retry_at).expect("due").len(), 1);
}

#[test]
fn settings_are_kept_and_the_folder_knows_whether_it_holds_demo_data() {
    let fx = Fixture::new();
    let store = fx.open();
    let at = instant("2026-11-03T10:00:00Z");
    assert_eq!(
        store.data_kind().expect("read"),
        None,
        "a new folder is unmarked"
    );
    store.set_data_kind(DataKind::Demo, at).expect("marked");
    let key = elt_endpoint_key("test");
    store
        .set_setting(&key, "https://fk.example/elt", at)
        .expect("set");
    store
        .set_setting(&key, "https://fk.example/elt2", at)
        .expect("replaced");
    drop(store);
    let store = fx.open();
    assert_eq!(store.data_kind().expect("read"), Some(DataKind::Demo));
    assert_eq!(
        store.setting(DATA_KIND).expect("read").as_deref(),
        Some("demo")
    );
    assert_eq!(
        store.setting(&key).expect("read").as_deref(),
        Some("https://fk.example/elt2")
    );
    assert!(store.remove_setting(&key).expect("removed"));
    assert_eq!(store.setting(&key).expect("read"), None);
}

/// Stored report versions for three different months of one registered pair.
fn three_versions(store: &Store) -> [Uuid; 3] {
    let (p, a) = register(store);
    [9, 10, 11].map(|m| {
        let id = Uuid::new_v4();
        store
            .save_report_version(&NewReportVersion {
                report_id: id,
                assistant: &a.id,
                person: &p.personnummer,
                month: ReportMonth::new(2026, m).expect("a month"),
                document: b"<?xml version=\"1.0\"?><Tidredovisning><id>x</id></Tidredovisning>",
                created_at: instant("2026-11-02T09:00:00Z"),
            })
            .expect("saved");
        id
    })
}

#[test]
fn what_fk_answered_can_never_be_rewritten() {
    let fx = Fixture::new();
    let store = fx.open();
    let at = instant("2026-11-03T10:00:00Z");
    let [first, second, third] = three_versions(&store);
    // One accepted by FK, one rejected, one accepted by the user's decision after a crash.
    let accepted_id = {
        let s = store.enqueue_submission(first, "demo", at).expect("queued");
        let n = store.begin_submission_attempt(s.id, at).expect("sending");
        store
            .finish_submission_attempt(s.id, n, &accepted("tx-1", b"<receipt/>"))
            .expect("accepted");
        s.id
    };
    let rejected_id = {
        let s = store
            .enqueue_submission(second, "demo", at)
            .expect("queued");
        let n = store.begin_submission_attempt(s.id, at).expect("sending");
        store
            .finish_submission_attempt(
                s.id,
                n,
                &AttemptResult {
                    outcome: AttemptOutcome::Rejected,
                    http_status: Some(500),
                    answer: Some(b"<fault/>"),
                    tx_id: None,
                    error_code: Some("elt_xml_validation"),
                    fk_message: Some("cvc-pattern-valid"),
                    ..accepted("", b"")
                },
            )
            .expect("rejected");
        s.id
    };
    let decided_id = {
        let s = store.enqueue_submission(third, "demo", at).expect("queued");
        store.begin_submission_attempt(s.id, at).expect("sending");
        store
            .recover_interrupted_submissions(at)
            .expect("recovered");
        store
            .resolve_submission(
                s.id,
                &Resolution::MarkAccepted {
                    tx_id: "tx-from-fk".into(),
                },
                at,
            )
            .expect("uncertain → accepted is the user's legitimate decision");
        s.id
    };
    let before: Vec<_> = [accepted_id, rejected_id, decided_id]
        .iter()
        .map(|id| {
            (
                store.submission(*id).expect("read"),
                store.submission_attempts(*id).expect("attempts"),
            )
        })
        .collect();

    let raw = fx.raw();
    for id in [accepted_id, rejected_id, decided_id] {
        let id = id.get();
        for sql in [
            format!("UPDATE submissions SET tx_id = 'forged' WHERE id = {id}"),
            format!("UPDATE submissions SET state = 'queued' WHERE id = {id}"),
            format!("UPDATE submissions SET fk_message = 'forged' WHERE id = {id}"),
            format!("UPDATE submissions SET updated_at = 'x' WHERE id = {id}"),
        ] {
            let err = raw
                .execute(&sql, [])
                .expect_err("a final submission is kept");
            assert!(
                err.to_string().contains("submission_final"),
                "{sql} is refused by a trigger, got: {err}"
            );
        }
        for sql in [
            format!("UPDATE submission_attempts SET answer = x'00' WHERE submission_id = {id}"),
            format!("UPDATE submission_attempts SET tx_id = 'forged' WHERE submission_id = {id}"),
            format!(
                "UPDATE submission_attempts SET outcome = 'in_flight' WHERE submission_id = {id}"
            ),
            format!("UPDATE submission_attempts SET http_status = 200 WHERE submission_id = {id}"),
            format!(
                "INSERT OR REPLACE INTO submission_attempts (submission_id, attempt, started_at, \
                 outcome, answer) VALUES ({id}, 1, 'x', 'accepted', x'00')"
            ),
        ] {
            let err = raw
                .execute(&sql, [])
                .expect_err("a recorded attempt is kept");
            assert!(
                err.to_string().contains("submission_attempt_kept"),
                "{sql} is refused by a trigger, got: {err}"
            );
        }
    }
    let err = raw
        .execute(
            &format!(
                "INSERT OR REPLACE INTO submissions (id, report_id, report_version, month, \
                 document_sha256, environment, state, tx_id, created_at, updated_at) \
                 SELECT id, report_id, report_version, month, document_sha256, environment, \
                 'accepted', 'forged', created_at, updated_at FROM submissions WHERE id = {}",
                accepted_id.get()
            ),
            [],
        )
        .expect_err("replacing a submission row is refused");
    assert!(err.to_string().contains("submission_kept"), "{err}");
    drop(raw);
    let after: Vec<_> = [accepted_id, rejected_id, decided_id]
        .iter()
        .map(|id| {
            (
                store.submission(*id).expect("read"),
                store.submission_attempts(*id).expect("attempts"),
            )
        })
        .collect();
    assert_eq!(
        before, after,
        "every final submission and answer is unchanged"
    );
}

#[test]
fn an_open_submission_still_moves_but_never_changes_what_it_sends() {
    let fx = Fixture::new();
    let store = fx.open();
    let at = instant("2026-11-03T10:00:00Z");
    let s = store
        .enqueue_submission(version(&store), "demo", at)
        .expect("queued");
    let raw = fx.raw();
    for sql in [
        format!(
            "UPDATE submissions SET document_sha256 = '{}' WHERE id = {}",
            "0".repeat(64),
            s.id.get()
        ),
        format!(
            "UPDATE submissions SET environment = 'prod' WHERE id = {}",
            s.id.get()
        ),
    ] {
        let err = raw
            .execute(&sql, [])
            .expect_err("what a queued submission sends is fixed");
        assert!(err.to_string().contains("submission_final"), "{sql}: {err}");
    }
    drop(raw);
    let n = store.begin_submission_attempt(s.id, at).expect("sending");
    let raw = fx.raw();
    let err = raw
        .execute(
            &format!(
                "UPDATE submission_attempts SET started_at = 'x' WHERE submission_id = {}",
                s.id.get()
            ),
            [],
        )
        .expect_err("an attempt's start is fixed");
    assert!(err.to_string().contains("submission_attempt_kept"), "{err}");
    drop(raw);
    let done = store
        .finish_submission_attempt(s.id, n, &accepted("tx-2", b"<receipt/>"))
        .expect("an in-flight attempt is still finished normally");
    assert_eq!(done.state, SubmissionState::Accepted);
}

#[test]
fn acceptance_in_fk_test_service_never_counts_in_production() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let test = store
        .enqueue_submission(report, "test", at)
        .expect("queued for FK's test service");
    let attempt = store
        .begin_submission_attempt(test.id, at)
        .expect("sending");
    store
        .finish_submission_attempt(test.id, attempt, &accepted("TX-TEST-1", b"<ok/>"))
        .expect("accepted by FK's test service");
    assert!(
        store
            .live_submission_for_report_in(report, "prod")
            .expect("readable")
            .is_none(),
        "nothing is live in production"
    );
    let prod = store
        .enqueue_submission(report, "prod", at)
        .expect("what was accepted in test is still to send in production");
    assert_eq!(prod.environment, "prod");
    assert_eq!(
        store
            .live_submission_for_report_in(report, "test")
            .expect("readable")
            .map(|s| s.state),
        Some(SubmissionState::Accepted),
        "the test service's acceptance stays recorded as it was"
    );
    let err = store
        .enqueue_submission(report, "prod", at)
        .expect_err("still one live submission per report and environment");
    assert!(
        matches!(err, StoreError::AlreadyExists { .. }),
        "got {err:?}"
    );
}

#[test]
fn a_late_answer_for_a_row_recovered_meanwhile_is_kept_with_its_tx_id() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let s = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    let n = store.begin_submission_attempt(s.id, at).expect("sending");
    // Another program marks it uncertain while the request is on its way.
    let other = fx.open();
    other
        .recover_interrupted_submissions(instant("2026-11-03T10:00:00.5Z"))
        .expect("recovered");
    assert!(
        store.is_late_answer(s.id, n).expect("readable"),
        "the row is no longer sending: an answer now is a late one"
    );
    let saved = store
        .finish_submission_attempt(s.id, n, &accepted("tx-late", b"<receipt/>"))
        .expect("FK's late receipt is stored, not thrown away");
    assert_eq!(
        saved.state,
        SubmissionState::Accepted,
        "FK issued a tx-id: the report was received, whatever the row said meanwhile"
    );
    assert_eq!(saved.tx_id.as_deref(), Some("tx-late"));
    let attempt = &store.submission_attempts(s.id).expect("attempts")[0];
    assert_eq!(attempt.outcome, AttemptOutcome::Accepted);
    assert_eq!(attempt.answer.as_deref(), Some(&b"<receipt/>"[..]));
    assert_eq!(attempt.tx_id.as_deref(), Some("tx-late"));
    store
        .finish_submission_attempt(s.id, n, &accepted("tx-other", b"<r/>"))
        .expect_err("an answer once recorded is never rewritten");
}

#[test]
fn a_late_answer_after_the_user_abandoned_keeps_the_decision_and_the_answer() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let s = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    let n = store.begin_submission_attempt(s.id, at).expect("sending");
    store
        .recover_interrupted_submissions(at)
        .expect("recovered");
    store
        .resolve_submission(s.id, &Resolution::Abandon, at)
        .expect("abandoned");
    let saved = store
        .finish_submission_attempt(s.id, n, &accepted("tx-late", b"<receipt/>"))
        .expect("the answer is still stored");
    assert_eq!(
        saved.state,
        SubmissionState::Abandoned,
        "a final decision is never rewritten by the store"
    );
    assert_eq!(
        store.submission_attempts(s.id).expect("attempts")[0]
            .tx_id
            .as_deref(),
        Some("tx-late"),
        "but FK's tx-id is kept on the attempt, for the audit"
    );
}

#[test]
fn pacing_across_programs_counts_from_the_noted_departure() {
    let fx = Fixture::new();
    let store = fx.open();
    let report = version(&store);
    let at = instant("2026-11-03T10:00:00Z");
    let s = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    let n = store.begin_submission_attempt(s.id, at).expect("sending");
    assert_eq!(
        store.last_request().expect("readable"),
        Some(LastRequest::InFlight),
        "committed but not yet left: it may leave any moment"
    );
    let left = instant("2026-11-03T10:00:00.2Z");
    store.mark_attempt_sent(s.id, n, left).expect("noted");
    assert_eq!(
        store.last_request().expect("readable"),
        Some(LastRequest::Ended(left)),
        "another program reads when this request left, while it is still in flight"
    );
    store
        .finish_submission_attempt(s.id, n, &accepted("tx-1", b"<receipt/>"))
        .expect("accepted");
    assert_eq!(
        store.last_request().expect("readable"),
        Some(LastRequest::Ended(left)),
        "the departure, not the answer, is what FK's interval counts from"
    );
    assert_eq!(
        store.submission_attempts(s.id).expect("attempts")[0].sent_at,
        Some(left)
    );
}

#[test]
fn a_failures_message_is_kept_as_its_code_and_parameters_beside_the_swedish_text() {
    let fx = Fixture::new();
    let store = fx.open();
    let at = instant("2026-11-03T10:00:00Z");
    let report = version(&store);
    let old = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    store
        .fail_submission_before_sending(old.id, "not_signed", ("ej signerad", None), at)
        .expect("stopped");
    let old = store.submission(old.id).expect("read").expect("exists");
    assert_eq!(
        (old.last_error_message.as_deref(), old.last_error_text),
        (Some("ej signerad"), None),
        "a message without a code (as every row before the column) keeps its Swedish text only"
    );
    let text = StoredText {
        code: "elt_unreachable".into(),
        params: [("reason".to_owned(), "connection refused".to_owned())].into(),
    };
    let s = store
        .enqueue_submission(report, "demo", at)
        .expect("queued");
    let n = store.begin_submission_attempt(s.id, at).expect("sending");
    let saved = store
        .finish_submission_attempt(
            s.id,
            n,
            &AttemptResult {
                finished_at: at,
                outcome: AttemptOutcome::Transient,
                http_status: None,
                answer: None,
                tx_id: None,
                error_code: Some("elt_unreachable"),
                error_message: Some("Det gick inte att nå Försäkringskassan (connection refused)."),
                error_text: Some(&text),
                fk_message: None,
                next_attempt_at: Some(instant("2026-11-03T10:05:00Z")),
            },
        )
        .expect("recorded");
    assert_eq!(
        saved.last_error_text.as_ref(),
        Some(&text),
        "read back whole"
    );
    drop(store);
    let store = fx.open();
    assert_eq!(
        store
            .submission(s.id)
            .expect("read")
            .and_then(|s| s.last_error_text),
        Some(text),
        "and kept across opening the database again"
    );
}
