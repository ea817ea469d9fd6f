//! Personal data and secrets, proved on the demo month: the demo folder is made, every report is
//! signed with the demo BankID and sent to the demo FK through the app's API, while a tracing
//! subscriber records everything at TRACE level (the `log` records of rustls and friends too).
//! Then no log line, no user-facing error message and no byte of the database files may hold a
//! personnummer (any form), a name, the demo certificate's password, a SOAP envelope or a BankID
//! body. The right of access and erasure is proved on the same folder.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use assistid_app::demo::demo_data;
use assistid_app::signing::{CancelSignal, SigningOptions};

use crate::demo_bankid::{DemoBankId, DemoOutcome, Signer};
use assistid_app::submit::{ConnectOptions, Pacer, PacingConfig, RetryPolicy};
use assistid_app::{App, IpcError, KeySource};
use assistid_core::model::ReportMonth;
use assistid_core::secret::Sensitive;
use assistid_elt::Environment;
use chrono::Utc;
use uuid::Uuid;

/// The password the demo client certificate is protected with (by the edge that starts the
/// demo's FK; written here so the scan knows what to look for).
const DEMO_CERT_PASSWORD: &str = crate::demo_fk::DEMO_FK_PASSWORD;

/// Everything every test in this binary logs, at every level.
fn captured() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        // `try_init` also routes the `log` crate's records (rustls, reqwest) into tracing.
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || SharedWriter(sink.clone()))
            .try_init();
        buffer
    })
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn october() -> ReportMonth {
    ReportMonth::new(2026, 10).expect("a month")
}

/// Every identity number of the demo, in every way people write them: 12 digits, 10 digits,
/// with a dash after the date (with and without century).
fn identity_number_forms() -> Vec<String> {
    let demo = demo_data().expect("the demo data builds");
    let mut digits: Vec<String> = demo
        .persons
        .iter()
        .map(|p| p.personnummer.digits().to_owned())
        .chain(demo.assistants.iter().map(|a| a.id.digits().to_owned()))
        .collect();
    if let Ok(signatory) = assistid_app::signing::demo_signatory() {
        digits.push(signatory.personnummer.digits().to_owned());
    }
    let mut forms = Vec::new();
    for d in digits {
        forms.push(format!("{}-{}", &d[..8], &d[8..]));
        forms.push(format!("{}-{}", &d[2..8], &d[8..]));
        forms.push(d[2..].to_owned());
        forms.push(d);
    }
    forms
}

/// The demo's family names (given names like "Erik" are too common to search for).
fn family_names() -> Vec<String> {
    let demo = demo_data().expect("the demo data builds");
    demo.persons
        .iter()
        .map(|p| p.last_name.clone())
        .chain(demo.assistants.iter().map(|a| a.last_name.clone()))
        .collect()
}

/// What must never appear in a log line or an error message.
fn forbidden() -> Vec<String> {
    let mut all = identity_number_forms();
    all.push(DEMO_CERT_PASSWORD.to_owned());
    for body_marker in [
        // SOAP bodies.
        "<soap",
        "Envelope",
        "Tidredovisning>",
        // BankID bodies.
        "completionData",
        "qrStartSecret",
        "personalNumber",
        "userNonVisibleData",
        "\"signature\"",
    ] {
        all.push(body_marker.to_owned());
    }
    all
}

fn assert_clean(what: &str, text: &str) {
    for needle in forbidden() {
        for (n, line) in text.lines().enumerate() {
            assert!(
                !line.contains(&needle),
                "{what}, line {}, holds {needle:?} — personal data, secrets and bodies never go \
                 to logs or messages:\n{line}",
                n + 1
            );
        }
    }
}

fn fast_signing() -> SigningOptions {
    SigningOptions {
        collect_interval: Duration::from_millis(30),
        qr_interval: Duration::from_millis(30),
        ..SigningOptions::default()
    }
}

/// Makes the demo folder, signs every October report (assistants, then the provider) and sends
/// them to the demo FK. Returns the folder; the messages of the user-facing errors met on the
/// way (and provoked on purpose) go to `messages`.
fn demo_month_signed_and_sent(messages: &mut Vec<String>) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("a temporary data folder");
    let app = App::open(
        dir.path(),
        KeySource::File(dir.path().join("test.key")),
        Utc::now(),
    )
    .expect("a new data folder opens");
    app.load_demo_if_empty(Utc::now())
        .expect("the demo data loads");
    let review = app
        .month_review(october(), Utc::now())
        .expect("the review builds");
    let ids: Vec<Uuid> = review
        .reports()
        .iter()
        .filter(|r| r.is_sendable())
        .filter_map(|r| r.id().and_then(|id| Uuid::parse_str(id).ok()))
        .collect();
    assert!(!ids.is_empty(), "the demo month has reports to sign");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the signing flows");
    runtime.block_on(async {
        let bankid = DemoBankId::start(&app, Duration::from_millis(40)).await;
        // Someone else approves first: refused, and its message is a user-facing one.
        let err = app
            .sign_as_assistant(
                ids[0],
                &bankid,
                &fast_signing(),
                &CancelSignal::new(),
                &mut bankid.acting(DemoOutcome::WrongPerson, Signer::nobody(), |_| {}),
            )
            .await
            .expect_err("a signature by the wrong person is refused");
        messages.push(err.to_string());
        for id in &ids {
            app.sign_as_assistant(
                *id,
                &bankid,
                &fast_signing(),
                &CancelSignal::new(),
                &mut bankid.acting(
                    DemoOutcome::Approve,
                    Signer::assistant_of(&app, &bankid, *id),
                    |_| {},
                ),
            )
            .await
            .expect("each assistant signs their report");
        }
        let signatory = assistid_app::signing::demo_signatory().expect("the demo signatory");
        if app
            .signatories()
            .expect("readable")
            .iter()
            .all(|s| s.personnummer != signatory.personnummer)
        {
            app.add_signatory(
                signatory.personnummer.digits(),
                &signatory.first_name,
                &signatory.last_name,
                Utc::now(),
            )
            .expect("the demo manager becomes a signatory");
        }
        app.sign_as_provider(
            october(),
            None,
            &signatory.personnummer,
            &bankid,
            &fast_signing(),
            &CancelSignal::new(),
            &mut bankid.acting(
                DemoOutcome::Approve,
                Signer::named(&signatory.personnummer, "Karin Lindqvist"),
                |_| {},
            ),
        )
        .await
        .expect("the provider signs the month");
    });

    // The demo's FK as the edge starts it (the CLI's and the desktop's demo wiring).
    let (connection, _fk) =
        crate::demo_fk::start_demo_fk(&app, assistid_fakes::fk::FakeFkConfig::default());
    let summary = app
        .submit_month(
            october(),
            &connection,
            &Pacer::new(PacingConfig::default()),
            &RetryPolicy::default(),
            &Utc::now,
            &mut |_, _, view| {
                if let Some(m) = &view.message {
                    messages.push(m.clone());
                }
            },
        )
        .expect("the month is sent");
    assert!(
        !summary.results.is_empty(),
        "the demo FK received the month's reports"
    );

    // User-facing errors provoked on purpose, as the CLI and the desktop show them.
    let demo = demo_data().expect("the demo data builds");
    let person = demo.persons[0].personnummer.digits().to_owned();
    for err in [
        app.save_person(
            &assistid_app::register::PersonInput {
                personnummer: format!("{}0", &person[..11]),
                first_name: "Test".into(),
                last_name: "Testsson".into(),
            },
            Utc::now(),
        )
        .map(|_| ())
        .expect_err("a wrong control digit is refused"),
        app.export_person("191212121212", Utc::now())
            .map(|_| ())
            .expect_err("an unknown person has nothing to export"),
        app.connect(&ConnectOptions::new(Environment::Prod))
            .map(|_| ())
            .expect_err("demo data never goes to the real FK"),
    ] {
        messages.push(err.to_string());
        messages.push(IpcError::from(err).message);
    }
    (dir, app)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_demo_month_leaves_no_personal_data_in_logs_messages_or_database_files() {
    let buffer = captured();
    let mut messages = Vec::new();
    let (dir, app) = demo_month_signed_and_sent(&mut messages);

    let logs =
        String::from_utf8_lossy(&buffer.lock().expect("the log buffer").clone()).into_owned();
    assert!(
        logs.lines().count() > 10,
        "the subscriber saw the run (at TRACE level the libraries log plenty); got:\n{logs}"
    );
    assert_clean("the log", &logs);
    for message in &messages {
        assert_clean("a user-facing error message", message);
    }
    for view in app.submissions(Some(october())).expect("the outbox") {
        if let Some(m) = &view.message {
            assert_clean("a submission's message", m);
        }
    }

    // The database, its WAL and any journal, while the app still has it open.
    let mut secrets: Vec<Vec<u8>> = identity_number_forms()
        .into_iter()
        .map(String::into_bytes)
        .collect();
    secrets.extend(family_names().into_iter().map(String::into_bytes));
    secrets.push(DEMO_CERT_PASSWORD.as_bytes().to_vec());
    let mut checked = 0;
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let path = dir.path().join(format!("assistid.db{suffix}"));
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        checked += 1;
        for secret in &secrets {
            assert!(
                !contains(&bytes, secret),
                "{} holds {:?} in plaintext; the database is encrypted (SQLCipher)",
                path.display(),
                String::from_utf8_lossy(secret)
            );
        }
    }
    assert!(
        checked >= 2,
        "the database and its WAL file exist while the app is open"
    );
    drop(app);
}

#[test]
fn secrets_print_as_placeholders() {
    let password = Sensitive::new("hemligt-lösen".to_owned());
    let mut options = ConnectOptions::new(Environment::Test);
    options.password = Some(password.clone());
    for shown in [
        format!("{password:?}"),
        format!("{password}"),
        format!("{options:?}"),
        format!("{:?}", KeySource::File("nyckel".into())),
    ] {
        assert!(
            !shown.contains("hemligt"),
            "a secret never reaches Debug or Display output: {shown}"
        );
    }
    let builder = assistid_elt::EltClient::builder()
        .identity(Vec::new(), Sensitive::new("hemligt-lösen".to_owned()));
    assert!(
        !format!("{builder:?}").contains("hemligt"),
        "the ELT client builder does not show the certificate password"
    );
    let key = assistid_store::DatabaseKey::generate();
    let hex = key.to_hex();
    assert!(
        !format!("{key:?}").contains(hex.expose().as_str()),
        "the database key never shows in Debug output"
    );
}

#[test]
fn a_person_gets_everything_held_about_them_and_erasure_keeps_only_records() {
    let dir = tempfile::tempdir().expect("a temporary data folder");
    let key = dir.path().join("test.key");
    let now = Utc::now();
    let app = App::open(dir.path(), KeySource::File(key.clone()), now).expect("opens");
    app.load_demo_if_empty(now).expect("the demo data loads");
    app.month_review(october(), now)
        .expect("the review saves October's report versions");
    let demo = demo_data().expect("the demo data builds");
    let person = &demo.persons[0];
    let pnr = person.personnummer.digits();

    // October becomes a record for this person: its versions are frozen, as signing does.
    let store = assistid_store::Store::open_in_data_dir(
        dir.path(),
        &assistid_store::KeySource::File(key.clone()),
    )
    .expect("the store opens beside the app");
    let october_versions: Vec<_> = store
        .latest_report_versions_in_month(october())
        .expect("readable")
        .into_iter()
        .filter(|v| v.person == person.personnummer)
        .collect();
    assert!(
        !october_versions.is_empty(),
        "the demo person has October reports"
    );
    for v in &october_versions {
        store
            .freeze_report_version(v.report_id, now)
            .expect("frozen for signing");
    }
    drop(store);

    let before = app
        .export_person(&format!("{}-{}", &pnr[2..8], &pnr[8..]), now)
        .expect("the person is found by a 10-digit number with dash too");
    let json = serde_json::to_value(&before).expect("the export is JSON");
    assert_eq!(json["format"], "assistid-person-export/1");
    assert_eq!(json["identity_number"], pnr);
    assert_eq!(
        json["as_person_with_assistance"]["last_name"],
        person.last_name.as_str()
    );
    let months: std::collections::BTreeSet<&str> =
        before.shifts.iter().map(|s| &s.start[..7]).collect();
    assert!(
        months.contains("2026-03") && months.contains("2026-10"),
        "the demo person has shifts in both demo months: {months:?}"
    );
    for shift in &before.shifts {
        assert!(
            shift.counterpart.ends_with("-****"),
            "other people are masked: {}",
            shift.counterpart
        );
    }
    assert!(
        !format!("{before:?}").contains(pnr),
        "Debug of an export says only how much there is"
    );

    let erased = app.erase_person(pnr, now).expect("erasure runs");
    let counts = erased
        .as_person_with_assistance
        .expect("the number is a person with assistance");
    assert!(
        counts.shifts_deleted > 0 && counts.shifts_kept > 0,
        "March (never reported) goes, October (frozen) stays: {counts:?}"
    );
    assert_eq!(
        counts.versions_kept,
        october_versions.len(),
        "every frozen version is a record and stays"
    );
    assert!(!counts.register_entry_deleted, "records name the person");
    let wal = app
        .data_dir()
        .join(format!("{}-wal", assistid_store::DATABASE_FILE_NAME));
    assert_eq!(
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0),
        0,
        "after an erasure the write-ahead log is checkpointed and truncated: no older copy of \
         an erased row stays in {}",
        wal.display()
    );

    let after = app.export_person(pnr, now).expect("still registered");
    assert!(
        after.shifts.iter().all(|s| !s.start.starts_with("2026-03")),
        "no March shift is left"
    );
    assert!(
        after.reports.iter().all(|r| r.frozen_at.is_some()),
        "only records are left among the report versions"
    );
    assert_eq!(
        after.reports.len(),
        october_versions.len(),
        "every record is still exported"
    );

    // An assistant who has only drafts left (nothing signed) leaves the register entirely.
    let assistant = demo
        .assistants
        .iter()
        .find(|a| october_versions.iter().all(|v| v.assistant != a.id))
        .expect("some demo assistant never worked for the first person in October");
    let erased = app
        .erase_person(assistant.id.digits(), now)
        .expect("erasure runs");
    let counts = erased.as_assistant.expect("the number is an assistant");
    assert!(
        counts.register_entry_deleted,
        "an assistant without records is removed from the register: {counts:?}"
    );
    let err = app
        .export_person(assistant.id.digits(), now)
        .expect_err("nothing is held about them any more");
    assert!(
        !err.to_string().contains(assistant.id.digits()),
        "the message masks the number: {err}"
    );
}
