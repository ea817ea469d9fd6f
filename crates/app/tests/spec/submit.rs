//! Submitting a month to FK through the durable outbox: real encrypted data folders, real
//! signatures from the fake BankID's signing code, and the fake FK over mutual TLS on loopback.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assistid_app::submit::{
    ConnectOptions, Decision, EltConnection, Pacer, PacingConfig, RetryPolicy, SubmissionView,
};
use assistid_app::views::SubmissionState as ViewState;
use assistid_app::{App, KeySource};
use assistid_core::model::ReportMonth;
use assistid_core::secret::Sensitive;
use assistid_elt::client::Timeouts;
use assistid_elt::{EltClient, Environment, TrustAnchor};
use assistid_fakes::bankid::UserCertificateAuthority;
use assistid_fakes::fk::{BackgroundFakeFk, Behaviour, FakeFk, FakeFkConfig, ServerCertMode};
use assistid_store::{SignatureEnvironment, Store, SubmissionId, SubmissionState};
use assistid_test_kit::Signing;
use chrono::{DateTime, Utc};
use uuid::Uuid;

const MONTH: &str = "2026-10";
const PASSWORD: &str = "test-lösen";

pub(crate) fn month() -> ReportMonth {
    MONTH.parse().expect("a valid month")
}

pub(crate) fn clock() -> DateTime<Utc> {
    Utc::now()
}

/// A data folder with the demo data loaded and its key file.
pub(crate) struct Folder {
    pub(crate) dir: tempfile::TempDir,
}

impl Folder {
    pub(crate) fn demo() -> Self {
        let folder = Folder {
            dir: tempfile::tempdir().expect("a temporary data folder"),
        };
        let app = folder.open();
        assert!(
            app.load_demo_if_empty(Utc::now())
                .expect("the demo data loads"),
            "a new folder gets the demo data"
        );
        app.month_review(month(), Utc::now())
            .expect("the review saves the report versions");
        folder
    }

    pub(crate) fn key(&self) -> PathBuf {
        self.dir.path().join("test.key")
    }

    pub(crate) fn open(&self) -> App {
        App::open(self.dir.path(), KeySource::File(self.key()), Utc::now())
            .expect("the data folder opens")
    }

    fn store(&self) -> Store {
        Store::open_in_data_dir(
            self.dir.path(),
            &assistid_store::KeySource::File(self.key()),
        )
        .expect("the store opens beside the app")
    }
}

/// Signs every current report version of the month like BankID: each assistant signs their
/// report, the provider signs all of them in one batch (the shared test kit's
/// [`assistid_test_kit::sign_month`]), with a new fake BankID CA the demo folder trusts.
/// `tamper` gets the chance to change the assistant's binding text of a report (to prove a
/// wrong binding is refused).
pub(crate) fn sign_month(
    path: &Path,
    key: &Path,
    tamper: impl Fn(Uuid, String) -> String,
) -> Vec<Uuid> {
    let bankid = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("BankID CA");
    assistid_test_kit::trust_in_demo(path, "tests", bankid.root_der())
        .expect("the test root is saved where the demo keeps its roots");
    sign_month_in(path, key, SignatureEnvironment::Demo, &bankid, tamper)
}

/// Like [`sign_month`], with signatures recorded as made by the BankID of `environment`
/// whose user certificates `bankid` issues (the caller makes the app trust its root).
pub(crate) fn sign_month_in(
    path: &Path,
    key: &Path,
    environment: SignatureEnvironment,
    bankid: &UserCertificateAuthority,
    tamper: impl Fn(Uuid, String) -> String,
) -> Vec<Uuid> {
    let store = Store::open_in_data_dir(path, &assistid_store::KeySource::File(key.to_path_buf()))
        .expect("the store opens");
    let how = Signing {
        environment,
        ..Signing::demo(bankid, Utc::now())
    };
    assistid_test_kit::sign_month(&store, month(), &how, tamper)
        .expect("the fake BankID signs the month and the signatures are stored")
}

fn fake(config: FakeFkConfig) -> BackgroundFakeFk {
    FakeFk::start_background(config).expect("the fake FK starts")
}

pub(crate) fn fast_fake() -> BackgroundFakeFk {
    fake(FakeFkConfig {
        min_interval: Duration::from_millis(100),
        ..FakeFkConfig::default()
    })
}

/// A demo connection to a fake FK started by the test, with a short read timeout.
fn connect(fk: &BackgroundFakeFk) -> EltConnection {
    connect_as(fk, Environment::Demo)
}

/// A connection to a fake FK started by the test, posing as FK's service of `environment`.
pub(crate) fn connect_as(fk: &BackgroundFakeFk, environment: Environment) -> EltConnection {
    connect_trusting(fk, environment, fk.ca_pem())
}

/// Like [`connect_as`], trusting the CA certificates in `ca_pem` for the server.
pub(crate) fn connect_trusting(
    fk: &BackgroundFakeFk,
    environment: Environment,
    ca_pem: &str,
) -> EltConnection {
    let client = EltClient::builder()
        .endpoint(fk.endpoint())
        .identity(
            fk.client_identity_p12(PASSWORD).expect("client identity"),
            Sensitive::new(PASSWORD.to_owned()),
        )
        .trust(TrustAnchor::PinnedCa(ca_pem.to_owned()))
        .timeouts(Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_millis(1500),
        })
        .build()
        .expect("the client builds");
    EltConnection::from_client(environment, fk.endpoint(), client)
}

/// 100 ms between starts, with a generous margin: the fake measures arrivals after a TLS
/// handshake, whose duration varies a lot while the other tests load the machine.
pub(crate) fn fast_pacer() -> Pacer {
    Pacer::new(
        PacingConfig::for_tests_and_benchmarks(Duration::from_millis(100), 3)
            .expect("valid pacing")
            .with_margin(Duration::from_millis(40)),
    )
}

pub(crate) fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        ..RetryPolicy::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Sends exactly these submissions.
pub(crate) fn send(
    app: &App,
    connection: &EltConnection,
    ids: &[SubmissionId],
) -> Vec<SubmissionView> {
    runtime()
        .block_on(app.send_submissions(
            connection,
            ids,
            &fast_pacer(),
            &fast_retry(),
            &clock,
            &mut |_, _, _| {},
        ))
        .expect("the run completes")
}

#[test]
fn a_signed_month_goes_to_fk_and_every_tx_id_is_kept_with_the_raw_answer() {
    let folder = Folder::demo();
    let signed = sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let fk = fast_fake();
    let connection = connect(&fk);
    let mut lines = Vec::new();
    let summary = app
        .submit_month(
            month(),
            &connection,
            &fast_pacer(),
            &fast_retry(),
            &clock,
            &mut |done, total, view| lines.push(format!("[{done}/{total}] {}", view.state)),
        )
        .expect("the month is submitted");
    assert_eq!(
        summary.results.len(),
        signed.len(),
        "every signed report was sent"
    );
    assert!(
        summary.skipped.is_empty(),
        "nothing is skipped: {:?}",
        summary.skipped
    );
    assert_eq!(
        lines.len(),
        signed.len(),
        "one progress line per report, as it happens"
    );
    for view in &summary.results {
        assert_eq!(view.state, ViewState::Accepted, "{view:?}");
        let tx = view
            .tx_id
            .as_deref()
            .expect("an accepted report has a tx-id");
        let attempts = app
            .submission_attempts(SubmissionId::new(view.id))
            .expect("attempts are stored");
        assert_eq!(attempts.len(), 1, "one request per report");
        let answer = attempts[0]
            .answer
            .as_deref()
            .expect("FK's answer is kept raw");
        assert!(
            String::from_utf8_lossy(answer).contains(tx),
            "the raw receipt holds the tx-id"
        );
        assert_eq!(attempts[0].http_status, Some(200));
    }
    let requests = fk.requests();
    assert_eq!(requests.len(), signed.len());
    assert_eq!(fk.rate_violations(), 0, "the fake FK saw no rate violation");
    for pair in requests.windows(2) {
        let gap = pair[1].arrived.duration_since(pair[0].arrived);
        assert!(
            gap >= Duration::from_millis(100),
            "request starts are at least the interval apart, got {gap:?}"
        );
    }

    // A second run sends nothing again.
    let again = app
        .submit_month(
            month(),
            &connection,
            &fast_pacer(),
            &fast_retry(),
            &clock,
            &mut |_, _, _| {},
        )
        .expect("a second run");
    assert!(
        again.results.is_empty(),
        "accepted reports are never resent"
    );
    assert!(
        again
            .skipped
            .iter()
            .all(|s| s.reason_code == "already_accepted"),
        "{:?}",
        again.skipped
    );
    assert_eq!(
        fk.requests().len(),
        signed.len(),
        "no new request reached FK"
    );
}

#[test]
fn the_default_pacing_starts_at_most_one_request_per_second() {
    assert_eq!(
        PacingConfig::default().interval(),
        Duration::from_secs(1),
        "the default follows FK's one call per second"
    );
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    // The fake counts violations against FK's real one second.
    let fk = fake(FakeFkConfig::default());
    let connection = connect(&fk);
    let (ids, _) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queued");
    let views = runtime()
        .block_on(app.send_submissions(
            &connection,
            &ids[..3],
            &Pacer::new(PacingConfig::default()),
            &RetryPolicy::default(),
            &clock,
            &mut |_, _, _| {},
        ))
        .expect("sent");
    assert!(
        views.iter().all(|v| v.state == ViewState::Accepted),
        "{views:?}"
    );
    let requests = fk.requests();
    assert_eq!(requests.len(), 3);
    for pair in requests.windows(2) {
        let gap = pair[1].arrived.duration_since(pair[0].arrived);
        assert!(
            gap >= Duration::from_millis(1000),
            "the default keeps request starts one second apart, got {gap:?}"
        );
    }
    assert_eq!(fk.rate_violations(), 0);
}

#[test]
fn an_absurd_retry_after_waits_at_most_an_hour_and_the_run_survives() {
    // chrono panicked past about 8e12 seconds, which killed the run and left the report
    // `sending`; the value is clamped in the client and the date arithmetic is checked.
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let fk = fast_fake();
    let connection = connect(&fk);
    let (ids, _) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queued");
    let id = *ids.first().expect("the demo month has a report");
    fk.script(Behaviour::ServiceUnavailableRetryAfter(
        "99999999999999999999".to_owned(),
    ));
    let before = Utc::now();
    // One attempt per run, so the test does not wait the hour out.
    let views = runtime()
        .block_on(app.send_submissions(
            &connection,
            &[id],
            &fast_pacer(),
            &RetryPolicy {
                max_attempts: 1,
                ..fast_retry()
            },
            &clock,
            &mut |_, _, _| {},
        ))
        .expect("the run completes instead of panicking");
    let view = &views[0];
    assert_eq!(
        view.state,
        ViewState::FailedWillRetry,
        "a 503 is retried later: {view:?}"
    );
    let next = view
        .next_attempt_at
        .expect("a retry is planned at a stored time");
    assert!(
        next > before && next <= Utc::now() + chrono::Duration::hours(1),
        "the next attempt is within the hour FK may ask for at most, not at {next}"
    );
}

#[test]
fn every_misbehaviour_of_fk_ends_in_the_right_state_with_the_facts_kept() {
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let fk = fast_fake();
    let connection = connect(&fk);
    let (ids, _) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queued");
    let cases: Vec<(Behaviour, SubmissionState, bool)> = vec![
        (
            Behaviour::ServiceUnavailable,
            SubmissionState::Accepted,
            true,
        ),
        (Behaviour::Hang, SubmissionState::Uncertain, false),
        (Behaviour::DropAfterBody, SubmissionState::Uncertain, false),
        (
            Behaviour::XmlValidationError("cvc-pattern-valid: '8.30' rad 3".into()),
            SubmissionState::Rejected,
            true,
        ),
        (
            Behaviour::SignatureValidationError("Signaturen kunde inte verifieras".into()),
            SubmissionState::Rejected,
            true,
        ),
        (Behaviour::MalformedXml, SubmissionState::Uncertain, true),
        (
            Behaviour::UnexpectedSoapFault,
            SubmissionState::Uncertain,
            true,
        ),
        (Behaviour::HtmlErrorPage, SubmissionState::Uncertain, true),
    ];
    assert!(
        ids.len() >= cases.len(),
        "the demo month has enough reports"
    );
    let mut uncertain = Vec::new();
    for ((behaviour, expected, answer_kept), id) in cases.iter().zip(&ids) {
        fk.script(behaviour.clone());
        let views = send(&app, &connection, &[*id]);
        let view = &views[0];
        assert_eq!(
            view.state.code(),
            expected.code(),
            "{behaviour:?}: {view:?}"
        );
        let attempts = app.submission_attempts(*id).expect("attempts");
        match behaviour {
            Behaviour::ServiceUnavailable => {
                assert_eq!(attempts.len(), 2, "a 503 is retried once, then accepted");
                assert_eq!(attempts[0].http_status, Some(503));
            }
            _ => assert_eq!(
                attempts.len(),
                1,
                "{behaviour:?} is never retried automatically"
            ),
        }
        let last = attempts.last().expect("an attempt");
        assert_eq!(
            last.answer.is_some(),
            *answer_kept,
            "{behaviour:?}: the raw answer is kept whenever one came"
        );
        match behaviour {
            Behaviour::XmlValidationError(m) | Behaviour::SignatureValidationError(m) => {
                assert_eq!(
                    view.fk_message.as_deref(),
                    Some(m.as_str()),
                    "FK's message is kept verbatim"
                );
                let message = view.message.as_deref().unwrap_or_default();
                assert!(
                    message.contains("Försäkringskassan") && message.contains(m.as_str()),
                    "the user sees a Swedish explanation with FK's text: {message}"
                );
            }
            _ => {}
        }
        if *expected == SubmissionState::Uncertain {
            assert!(
                view.message
                    .as_deref()
                    .is_some_and(|m| m.contains("submissions resolve")),
                "an uncertain submission says what the user can do: {view:?}"
            );
            uncertain.push(*id);
        }
    }

    // The next run neither resends uncertain nor rejected reports.
    let before = fk.requests().len();
    let summary = app
        .submit_month(
            month(),
            &connection,
            &fast_pacer(),
            &fast_retry(),
            &clock,
            &mut |_, _, _| {},
        )
        .expect("a second run");
    let sent_again: Vec<i64> = summary.results.iter().map(|r| r.id).collect();
    for id in &ids[..cases.len()] {
        assert!(
            !sent_again.contains(&id.get()),
            "submission {id} must not be sent again without a decision"
        );
    }
    assert!(
        summary.skipped.iter().any(|s| s.reason_code == "uncertain"),
        "uncertain ones are listed as skipped"
    );
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.reason_code == "rejected_unchanged"),
        "rejected ones are listed as skipped"
    );
    assert_eq!(
        fk.requests().len(),
        before + summary.results.len(),
        "only the remaining reports were sent"
    );

    // The user decides: resend one, confirm one with FK's tx-id, abandon one.
    let resend = app
        .resolve_uncertain(uncertain[0], Decision::Resend, Utc::now())
        .expect("resend");
    assert_eq!(resend.state, ViewState::Queued);
    let confirmed_tx = Uuid::new_v4().to_string();
    let confirmed = app
        .resolve_uncertain(
            uncertain[1],
            Decision::MarkAccepted {
                tx_id: confirmed_tx.clone(),
            },
            Utc::now(),
        )
        .expect("mark accepted");
    assert_eq!(confirmed.tx_id.as_deref(), Some(confirmed_tx.as_str()));
    let abandoned = app
        .resolve_uncertain(uncertain[2], Decision::Abandon, Utc::now())
        .expect("abandon");
    assert_eq!(abandoned.state, ViewState::Abandoned);
    app.resolve_uncertain(uncertain[1], Decision::Abandon, Utc::now())
        .expect_err("only uncertain submissions take a decision");
    let resent = app
        .submit_month(
            month(),
            &connection,
            &fast_pacer(),
            &fast_retry(),
            &clock,
            &mut |_, _, _| {},
        )
        .expect("the resend run");
    let view = resent
        .results
        .iter()
        .find(|r| r.id == uncertain[0].get())
        .expect("the resent submission was sent");
    assert_eq!(view.state, ViewState::Accepted);
    assert_eq!(
        view.attempts, 2,
        "the decision led to exactly one more request"
    );
}

#[test]
fn an_untrusted_or_expired_server_certificate_stops_the_submission_for_good() {
    for mode in [ServerCertMode::Expired, ServerCertMode::UntrustedCa] {
        let folder = Folder::demo();
        sign_month(folder.dir.path(), &folder.key(), |_, b| b);
        let app = folder.open();
        let fk = fake(FakeFkConfig {
            min_interval: Duration::from_millis(100),
            server_cert: mode,
            ..FakeFkConfig::default()
        });
        let connection = connect(&fk);
        let (ids, _) = app
            .queue_month(month(), Environment::Demo, Utc::now())
            .expect("queued");
        let views = send(&app, &connection, &ids[..1]);
        assert_eq!(
            views[0].state,
            ViewState::FailedFinal,
            "{mode:?}: {:?}",
            views[0]
        );
        assert!(
            views[0]
                .message
                .as_deref()
                .is_some_and(|m| m.contains("Servern gick inte att lita på")),
            "{mode:?}: the user message says what is wrong: {:?}",
            views[0].message
        );
        assert!(
            fk.requests().is_empty(),
            "{mode:?}: nothing reached the server"
        );
    }
}

#[test]
fn a_crash_while_sending_leaves_an_uncertain_submission_that_is_never_resent_by_itself() {
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let fk = fake(FakeFkConfig {
        min_interval: Duration::from_millis(100),
        default_behaviour: Behaviour::Hang,
        ..FakeFkConfig::default()
    });
    let connection = connect(&fk);
    let id = {
        let app = folder.open();
        let (ids, _) = app
            .queue_month(month(), Environment::Demo, Utc::now())
            .expect("queued");
        let rt = runtime();
        // The "crash": the run is dropped while its request waits for an answer.
        let outcome = rt.block_on(async {
            tokio::time::timeout(
                Duration::from_millis(700),
                app.send_submissions(
                    &connection,
                    &ids[..1],
                    &fast_pacer(),
                    &fast_retry(),
                    &clock,
                    &mut |_, _, _| {},
                ),
            )
            .await
        });
        assert!(outcome.is_err(), "the run was cut off mid-call");
        let row = folder
            .store()
            .submission(ids[0])
            .expect("readable")
            .expect("exists");
        assert_eq!(
            row.state,
            SubmissionState::Sending,
            "`sending` was committed before the request started"
        );
        ids[0]
    };
    assert_eq!(fk.requests().len(), 1, "the request reached the fake");

    let app = folder.open();
    let row = folder
        .store()
        .submission(id)
        .expect("readable")
        .expect("exists");
    assert_eq!(
        row.state,
        SubmissionState::Uncertain,
        "reopening turns an interrupted `sending` into `uncertain`"
    );
    let attempts = app.submission_attempts(id).expect("attempts");
    assert_eq!(attempts[0].outcome.code(), "interrupted");

    let fk_ok = fast_fake();
    let summary = app
        .submit_month(
            month(),
            &connect(&fk_ok),
            &fast_pacer(),
            &fast_retry(),
            &clock,
            &mut |_, _, _| {},
        )
        .expect("the next run");
    assert!(
        summary.results.iter().all(|r| r.id != id.get()),
        "the uncertain submission is not resent without a decision"
    );
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.submission_id == Some(id.get()) && s.reason_code == "uncertain")
    );
}

#[test]
fn a_report_whose_signature_binds_other_bytes_cannot_be_queued() {
    let folder = Folder::demo();
    let victim = std::sync::Mutex::new(None);
    sign_month(folder.dir.path(), &folder.key(), |id, binding| {
        let mut first = victim.lock().expect("lock");
        if first.is_none() {
            *first = Some(id);
            // The same report id, but the hash of other bytes.
            format!("{id},{}", "0".repeat(64))
        } else {
            binding
        }
    });
    let victim = victim
        .into_inner()
        .expect("lock")
        .expect("one report was tampered with");
    let app = folder.open();
    let (ids, skipped) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("the others queue");
    let store = folder.store();
    assert!(
        store
            .live_submission_for_report(victim)
            .expect("readable")
            .is_none(),
        "the report with a wrong binding was not queued"
    );
    let skip = skipped
        .iter()
        .find(|s| s.report_id == victim.to_string())
        .expect("it is listed as skipped");
    assert_eq!(skip.reason_code, "binding_mismatch");
    assert!(skip.reason.contains("Assistentens"), "{}", skip.reason);
    assert!(!ids.is_empty(), "the correctly signed reports are queued");
}

#[test]
fn signatures_from_an_untrusted_bankid_root_are_never_sent() {
    // Bindings right, but the signer certificates chain to a root the app does not trust:
    // FK would refuse them, so the outbox must not send them.
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, binding| binding);
    std::fs::remove_file(folder.dir.path().join("demo-pki/user-root-tests.der"))
        .expect("the test root was saved by sign_month");
    let app = folder.open();
    let (ids, skipped) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queueing itself works");
    assert!(
        ids.is_empty(),
        "no report with unverifiable signatures is queued"
    );
    assert!(!skipped.is_empty(), "the reports are listed as skipped");
    for skip in &skipped {
        assert_eq!(skip.reason_code, "signature_invalid", "{}", skip.reason);
    }
}

#[test]
fn unsigned_reports_are_skipped_with_the_reason() {
    let folder = Folder::demo();
    let app = folder.open();
    let (ids, skipped) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("nothing to queue is not an error");
    assert!(ids.is_empty(), "nothing unsigned is queued");
    assert!(!skipped.is_empty());
    assert!(
        skipped.iter().all(|s| s.reason_code == "not_signed"),
        "{skipped:?}"
    );
}

#[test]
fn demo_data_never_goes_to_fk_and_real_data_never_to_the_demo() {
    let folder = Folder::demo();
    let app = folder.open();
    for env in [Environment::Test, Environment::Prod] {
        let error = app
            .connect(&ConnectOptions::new(env))
            .expect_err("demo data must not reach a real FK");
        assert!(
            error.to_string().contains("Demodata kan inte skickas"),
            "{env}: {error}"
        );
        app.queue_month(month(), env, Utc::now())
            .expect_err("nor be queued for it");
    }

    let real = tempfile::tempdir().expect("a folder");
    let app = App::open(
        real.path(),
        KeySource::File(real.path().join("k")),
        Utc::now(),
    )
    .expect("opens");
    app.save_provider(
        &assistid_app::register::ProviderInput {
            name: "Omsorg AB".into(),
            org_number: "556677-8899".into(),
            contact: None,
            phone: "08-123 456 78".into(),
        },
        Utc::now(),
    )
    .expect("a real provider");
    let error = app
        .connect(&ConnectOptions::new(Environment::Demo))
        .expect_err("real data must not go to the fake FK");
    assert!(
        error
            .to_string()
            .contains("Riktiga tidredovisningar kan inte skickas till demoläget"),
        "{error}"
    );
}

#[test]
fn a_stored_transport_failure_reads_in_english_with_the_same_facts_and_unchanged_in_swedish() {
    use assistid_core::text::Lang;
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let fk = fast_fake();
    let connection = connect(&fk);
    let (ids, _) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queued");
    fk.script(Behaviour::MalformedXml);
    let sv = send(&app, &connection, &ids[..1]).remove(0);
    assert_eq!(
        sv.state,
        ViewState::Uncertain,
        "broken XML leaves it uncertain: {sv:?}"
    );
    let id = ids[0];
    let stored = folder
        .store()
        .submission(id)
        .expect("readable")
        .expect("stored");
    let told = stored
        .last_error_text
        .clone()
        .expect("a new failure keeps its message's code and parameters");
    assert_eq!(
        (
            told.code.as_str(),
            told.params.get("problem@code").map(String::as_str),
            told.params.get("http_status").map(String::as_str),
        ),
        (
            "elt_unexpected_answer",
            Some("elt_answer_malformed_xml"),
            Some("200")
        ),
        "the code names the failure and the nested description keeps its own: {told:?}"
    );
    let swedish = stored
        .last_error_message
        .clone()
        .expect("the Swedish text is kept as before");
    assert!(
        swedish.starts_with("Försäkringskassan svarade något oväntat (HTTP 200, svaret var trasig eller avklippt XML (vid byte "),
        "Swedish is the error's text as it always was: {swedish}"
    );
    let position = told
        .params
        .get("problem@position")
        .cloned()
        .expect("where the reader stopped");
    let en = app
        .submissions_in(Some(month()), Lang::En)
        .expect("the queue in English")
        .into_iter()
        .find(|v| v.id == id.get())
        .expect("listed");
    let message = en.message.unwrap_or_default();
    assert!(
        message.starts_with(&format!(
            "Försäkringskassan answered something unexpected (HTTP 200, the answer was broken \
             or cut-off XML (at byte {position})). It is unclear whether the report was \
             received"
        )),
        "the queue's card reads in English, with the same status and byte position: {message}"
    );
    assert!(
        message.contains("Check with Försäkringskassan whether the report arrived"),
        "the uncertain card's advice is English too: {message}"
    );
    let same_sv = app
        .submissions_in(Some(month()), Lang::Sv)
        .expect("the queue in Swedish")
        .into_iter()
        .find(|v| v.id == id.get())
        .expect("listed");
    assert_eq!(
        same_sv.message, sv.message,
        "Swedish is byte for byte what the run said"
    );
    assert!(
        same_sv
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with(&swedish)),
        "and begins with the stored Swedish text"
    );
    let history = app
        .history_in(
            &assistid_app::history::HistoryFilter::default(),
            Utc::now(),
            Lang::En,
        )
        .expect("the history in English");
    let in_history = history
        .reports
        .iter()
        .flat_map(|r| r.submissions.iter())
        .find(|s| s.id == id.get())
        .and_then(|s| s.error_message.clone())
        .unwrap_or_default();
    assert!(
        in_history.starts_with("Försäkringskassan answered something unexpected (HTTP 200"),
        "History tells it in English too: {in_history}"
    );
}

#[test]
fn a_report_stopped_before_sending_keeps_its_reasons_code_and_reads_in_english() {
    use assistid_core::text::Lang;
    // Unsigned: the reason itself, in both languages, from the same code.
    let folder = Folder::demo();
    let app = folder.open();
    let (_, skipped) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("nothing to queue is not an error");
    let unsigned = skipped.first().expect("an unsigned report is skipped");
    let version = folder
        .store()
        .report_version_by_id(
            Uuid::parse_str(&unsigned.report_id).expect("the skipped report's id is a UUID"),
        )
        .expect("readable")
        .expect("stored");
    let refused = app
        .signed_request(&version, Environment::Demo)
        .expect("checked")
        .expect_err("an unsigned report is never sent");
    assert_eq!(
        refused.reason, "rapporten är inte underskriven av assistenten och anordnaren",
        "Swedish is the reason as it always was"
    );
    assert_eq!(refused.text.render(Lang::Sv), refused.reason);
    assert_eq!(
        (refused.code, refused.text.code()),
        ("not_signed", "not_ready_not_signed"),
        "the stable code and the message's own code"
    );
    assert_eq!(
        refused.text.render(Lang::En),
        "the report is not signed by the assistant and the provider"
    );

    // Stopped at sending time (queued for the demo, sent on a connection to FK's test
    // service): the failure is stored with its message's code beside the Swedish text, and
    // the queue renders it in English.
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let fk = fast_fake();
    let (ids, _) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queued for the demo");
    let sv = send(&app, &connect_as(&fk, Environment::Test), &ids[..1]).remove(0);
    assert_eq!(sv.state, ViewState::FailedFinal, "stopped for good: {sv:?}");
    assert!(fk.requests().is_empty(), "nothing reached FK");
    let stored = folder
        .store()
        .submission(ids[0])
        .expect("readable")
        .expect("stored");
    assert_eq!(
        stored.last_error_message.as_deref(),
        Some("inskickningen gäller miljön demo"),
        "the Swedish text is kept as it always was"
    );
    let told = stored
        .last_error_text
        .clone()
        .expect("a report stopped before sending keeps its message's code and parameters");
    assert_eq!(
        (
            told.code.as_str(),
            told.params.get("environment").map(String::as_str)
        ),
        ("not_ready_other_environment", Some("demo")),
        "the code names the stop and the environment is its parameter: {told:?}"
    );
    let message_in = |lang| {
        app.submissions_in(Some(month()), lang)
            .expect("the queue")
            .into_iter()
            .find(|v| v.id == ids[0].get())
            .expect("listed")
            .message
    };
    assert_eq!(
        message_in(Lang::En).as_deref(),
        Some("the submission is for the environment demo"),
        "the queue renders the stop in English from its code"
    );
    assert_eq!(
        message_in(Lang::Sv).as_deref(),
        Some("inskickningen gäller miljön demo"),
        "and in Swedish exactly as stored"
    );
    let label_in = |lang| {
        app.submissions_in(Some(month()), lang)
            .expect("the queue")
            .into_iter()
            .find(|v| v.id == ids[0].get())
            .expect("listed")
            .state_label
    };
    assert_eq!(
        (label_in(Lang::Sv), label_in(Lang::En)),
        ("stoppad (inställningar)", "stopped (settings)"),
        "the state's label follows the language too, Swedish as it always was"
    );
}
