//! After sending (issue 6): a demo month signed like BankID and sent to the fake FK over mutual
//! TLS yields a receipt (PDF read back with `pdftotext`, JSON checked against
//! `schemas/receipt.schema.json`), assistants' copies, invoice figures equal to the month review,
//! a history that answers "what was sent for this person in October, and what did FK say", and
//! the month's reminders.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use assistid_app::history::HistoryFilter;
use assistid_app::invoice::{InvoiceFormat, MissingReason};
use assistid_app::receipts::{Outcome, ReceiptRequest, ReceiptScope};
use assistid_app::submit::{
    EltConnection, Pacer, PacingConfig, RetryPolicy, SubmissionView, SubmitSummary,
};
use assistid_app::views::SubmissionState as ViewState;
use assistid_app::{App, KeySource};
use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::review::KindTotal;
use assistid_core::secret::Sensitive;
use assistid_elt::client::Timeouts;
use assistid_elt::{EltClient, Environment, TrustAnchor};
use assistid_fakes::bankid::UserCertificateAuthority;
use assistid_fakes::fk::{BackgroundFakeFk, Behaviour, FakeFk, FakeFkConfig};
use assistid_store::Store;
use assistid_test_kit::Signing;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

const PASSWORD: &str = "test-lösen";
/// Åsa Öberg-Lind, the demo's first person (three assistants, the autumn night).
const ASA: &str = "197503231115";
/// The FK message the fake answers the first report with.
const FK_REJECTION: &str = "cvc-pattern-valid:fromTid=8.30:rad-12";

fn october() -> ReportMonth {
    "2026-10".parse().expect("a valid month")
}

fn clock() -> DateTime<Utc> {
    Utc::now()
}

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
            app.load_demo_if_empty(Utc::now()).expect("demo loads"),
            "a new folder gets the demo data"
        );
        app.month_review(october(), Utc::now())
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

    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join("out").join(name)
    }
}

/// Signs every current version of October like BankID (the shared test kit's
/// [`assistid_test_kit::sign_reports`]): each assistant their report (`skip` leaves some
/// unsigned), the provider the rest in one batch.
pub(crate) fn sign_october(path: &Path, key: &Path, skip: impl Fn(&str) -> bool) -> usize {
    let store = Store::open_in_data_dir(path, &assistid_store::KeySource::File(key.to_path_buf()))
        .expect("the store opens");
    let bankid = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("BankID CA");
    assistid_test_kit::trust_in_demo(path, "tests", bankid.root_der()).expect("root saved");
    let versions: Vec<_> = store
        .latest_report_versions_in_month(october())
        .expect("the month's versions")
        .into_iter()
        .filter(|v| !skip(v.assistant.digits()))
        .collect();
    assistid_test_kit::sign_reports(
        &store,
        &versions,
        &Signing::demo(&bankid, Utc::now()),
        |_, binding| binding,
    )
    .expect("the fake BankID signs the reports and the signatures are stored")
    .len()
}

pub(crate) fn fake_fk() -> BackgroundFakeFk {
    FakeFk::start_background(FakeFkConfig {
        min_interval: Duration::from_millis(100),
        ..FakeFkConfig::default()
    })
    .expect("the fake FK starts")
}

pub(crate) fn submit(app: &App, fk: &BackgroundFakeFk) -> SubmitSummary {
    submit_with(app, fk, &mut |_, _, _| {})
}

/// [`submit`] with a progress callback, called after each report.
pub(crate) fn submit_with(
    app: &App,
    fk: &BackgroundFakeFk,
    progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
) -> SubmitSummary {
    let client = EltClient::builder()
        .endpoint(fk.endpoint())
        .identity(
            fk.client_identity_p12(PASSWORD).expect("client identity"),
            Sensitive::new(PASSWORD.to_owned()),
        )
        .trust(TrustAnchor::PinnedCa(fk.ca_pem().to_owned()))
        .timeouts(Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(10),
        })
        .build()
        .expect("the client builds");
    let connection = EltConnection::from_client(Environment::Demo, fk.endpoint(), client);
    let pacer = Pacer::new(
        PacingConfig::for_tests_and_benchmarks(Duration::from_millis(100), 3)
            .expect("valid pacing")
            .with_margin(Duration::from_millis(40)),
    );
    let retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        ..RetryPolicy::default()
    };
    app.submit_month(october(), &connection, &pacer, &retry, &clock, progress)
        .expect("the month is submitted")
}

/// The demo month after submission: every report signed and sent, the first one rejected by
/// FK with [`FK_REJECTION`].
pub(crate) fn sent_october() -> (Folder, App, SubmitSummary) {
    let folder = Folder::demo();
    let signed = sign_october(folder.dir.path(), &folder.key(), |_| false);
    let app = folder.open();
    let fk = fake_fk();
    fk.script(Behaviour::XmlValidationError(FK_REJECTION.to_owned()));
    let summary = submit(&app, &fk);
    assert_eq!(
        summary.results.len(),
        signed,
        "every signed report was sent"
    );
    (folder, app, summary)
}

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext reads {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

fn schema_problems(json: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/receipt.schema.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&path).expect("schemas/receipt.schema.json exists"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let value: serde_json::Value = serde_json::from_str(json).expect("the receipt is JSON");
    validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn a_sent_month_yields_a_receipt_that_names_every_report_its_hashes_and_fks_answer() {
    let (folder, app, summary) = sent_october();
    let now = Utc::now();
    let pdf = folder.out("kvitto.pdf");
    let json = folder.out("kvitto.json");
    let (receipt, written) = app
        .export_receipt(
            &ReceiptRequest::Month { month: october() },
            Some(&pdf),
            Some(&json),
            now,
        )
        .expect("the receipt is written");
    assert_eq!(written.len(), 2, "a PDF and a JSON file");
    assert_eq!(
        receipt.reports.len(),
        summary.results.len(),
        "one entry per report sent"
    );

    let text = pdf_text(&pdf);
    for result in &summary.results {
        if let Some(tx) = &result.tx_id {
            assert!(text.contains(tx), "the PDF shows tx-id {tx}");
        }
    }
    for report in &receipt.reports {
        assert!(
            text.contains(&report.canonical_sha256),
            "the PDF shows the canonical hash of {}",
            report.report_id
        );
        assert!(
            text.contains(&report.document_sha256),
            "the PDF shows the hash of the bytes sent"
        );
        assert!(
            text.contains(&report.report_id),
            "the PDF shows the report id"
        );
    }
    for name in [
        "Åsa Öberg-Lind",
        "Johan Åkesson",
        "Lena Ström",
        "Omsorg i Norr AB",
    ] {
        assert!(text.contains(name), "the PDF names {name}");
    }
    assert!(
        text.contains(FK_REJECTION),
        "FK's rejection message is on the receipt verbatim"
    );
    assert!(
        text.contains("+1 h, vintertid"),
        "the autumn night's rows carry their DST note"
    );

    // The JSON written is the schema's document, and the same content.
    let json_text = std::fs::read_to_string(&json).expect("the JSON receipt was written");
    let problems = schema_problems(&json_text);
    assert!(
        problems.is_empty(),
        "the JSON follows the schema: {problems:#?}"
    );

    // Every report: both signers, the time sent, one outcome; the first was rejected.
    let rejected: Vec<_> = receipt
        .reports
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Rejected { .. }))
        .collect();
    assert_eq!(
        rejected.len(),
        1,
        "exactly the scripted report was rejected"
    );
    for r in &receipt.reports {
        assert!(
            r.assistant_signature.is_some(),
            "the assistant's signature is listed"
        );
        assert_eq!(
            r.provider_signature
                .as_ref()
                .map(|s| s.signer_name.as_str()),
            Some("Karin Lindqvist"),
            "the provider's signer is named"
        );
        assert!(r.sent_at.is_some(), "every report has its time sent");
    }

    // Totals are the month review's, DST-corrected.
    let review = app.month_review(october(), now).expect("the review");
    for r in &receipt.reports {
        let reviewed = review
            .reports()
            .iter()
            .find(|x| x.id() == Some(r.report_id.as_str()))
            .expect("the receipt's versions are the current ones");
        assert_eq!(&r.totals, reviewed.totals(), "totals match the review");
    }
    let lena_asa = receipt
        .reports
        .iter()
        .find(|r| r.person.name == "Åsa Öberg-Lind" && r.assistant.name == "Lena Ström")
        .expect("Lena's report for Åsa");
    let night = lena_asa
        .dst_notes
        .iter()
        .find(|n| n.day == 25)
        .expect("the autumn night is noted");
    assert_eq!(
        night.real_minutes,
        night.clock_minutes + 60,
        "the autumn night lasted an hour longer than the clock shows"
    );
}

#[test]
fn a_receipt_per_person_and_per_run_lists_exactly_those_reports() {
    let (_folder, app, summary) = sent_october();
    let now = Utc::now();
    let person = app
        .receipt(
            &ReceiptRequest::PersonMonth {
                month: october(),
                personnummer: "19750323-1115".to_owned(),
            },
            now,
        )
        .expect("a person-month receipt");
    assert!(
        matches!(&person.scope, ReceiptScope::PersonMonth { person } if person.name == "Åsa Öberg-Lind"),
        "the scope names the person"
    );
    assert!(!person.reports.is_empty());
    assert!(
        person
            .reports
            .iter()
            .all(|r| r.person.personnummer.digits() == ASA),
        "only Åsa's reports"
    );

    let ids: Vec<i64> = summary.results.iter().map(|r| r.id).collect();
    let run = app
        .receipt(&ReceiptRequest::Submissions { ids: ids.clone() }, now)
        .expect("a run receipt");
    assert_eq!(
        run.reports.len(),
        ids.len(),
        "one entry per submission of the run"
    );
    assert!(
        matches!(&run.scope, ReceiptScope::SubmissionRun { run_id } if run_id.starts_with("inskickning ")),
        "the scope names the run's submissions"
    );
    let json = assistid_app::receipts::receipt_json_text(&run).expect("serializes");
    assert!(
        schema_problems(&json).is_empty(),
        "the run receipt follows the schema"
    );

    let unknown = app
        .receipt(&ReceiptRequest::Submissions { ids: vec![99_999] }, now)
        .expect_err("an unknown submission is an error");
    assert!(
        unknown.to_string().contains("99999"),
        "the message names the submission: {unknown}"
    );
}

#[test]
fn assistant_copies_are_one_pdf_per_assistant_with_rows_signing_dates_and_tx_id() {
    let (folder, app, summary) = sent_october();
    let now = Utc::now();
    let copies = app
        .assistant_copies(october(), None, now)
        .expect("the copies");
    assert_eq!(
        copies.len(),
        summary.results.len(),
        "one copy per signed report"
    );
    let dir = folder.out("kopior");
    let written = app
        .export_assistant_copies(october(), None, &dir, now)
        .expect("the copies are written");
    let mut assistants: Vec<&str> = copies.iter().map(|c| c.assistant.name.as_str()).collect();
    assistants.dedup();
    assert_eq!(written.len(), assistants.len(), "one file per assistant");
    assert_eq!(
        written.iter().map(|w| w.reports).sum::<usize>(),
        copies.len(),
        "every copy is in its assistant's file"
    );
    for file in &written {
        let name = file
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file name");
        let rest = name
            .strip_prefix("assistentkopior-2026-10-")
            .expect("named by month and assistant");
        assert!(
            !rest.chars().any(|c| c.is_ascii_digit()),
            "no identity number in {name}"
        );
    }
    let lena = written
        .iter()
        .find(|w| w.path.to_string_lossy().contains("lena-strom"))
        .expect("Lena Ström's file");
    let text = pdf_text(&lena.path);
    let lena_copies: Vec<_> = copies
        .iter()
        .filter(|c| c.assistant.name == "Lena Ström")
        .collect();
    assert!(lena_copies.len() >= 2, "Lena works for two persons");
    for copy in &lena_copies {
        if let Some(tx) = copy.outcome.tx_id() {
            assert!(text.contains(tx), "her file shows tx-id {tx}");
        }
        assert!(
            text.contains(&copy.report_id),
            "her file shows each report id"
        );
    }
    assert!(text.contains("2026-11-02"), "the signing dates are shown");
    assert!(
        text.contains("22.00"),
        "the rows are shown as FK reads them"
    );
    assert!(
        text.contains("Assistentkopia – tidredovisning 2026-10"),
        "each report's page has its heading"
    );
}

#[test]
fn history_answers_what_was_sent_for_a_person_in_october_and_what_fk_said() {
    let (folder, app, summary) = sent_october();
    let now = Utc::now();
    let store = Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens beside the app");
    let events_before = store.events_after(None, 100_000).expect("events").len();

    let history = app
        .history(
            &HistoryFilter {
                month: Some(october()),
                person: Some(ASA.to_owned()),
                include_raw: true,
                ..HistoryFilter::default()
            },
            now,
        )
        .expect("the history");
    assert!(!history.reports.is_empty(), "Åsa has reports in October");
    for report in &history.reports {
        assert_eq!(report.person.name, "Åsa Öberg-Lind", "only Åsa's reports");
        assert_eq!(report.signatures.len(), 2, "who signed, assistant first");
        assert_eq!(report.signatures[0].role, "assistant");
        assert!(
            report
                .signatures
                .iter()
                .all(|s| s.signer.ends_with("-****")),
            "signers' numbers are masked"
        );
        let submission = report.submissions.first().expect("it was sent");
        let attempt = submission.attempts.first().expect("one request at least");
        let answer = attempt
            .answer
            .as_deref()
            .expect("FK's raw answer on request");
        match (&submission.tx_id, &submission.fk_message) {
            (Some(tx), _) => assert!(
                answer.contains(tx.as_str()),
                "the raw receipt holds the tx-id"
            ),
            (None, Some(message)) => {
                assert_eq!(message, FK_REJECTION, "FK's message verbatim");
                assert!(
                    answer.contains("XmlValidationError"),
                    "the raw fault is kept"
                );
            }
            _ => panic!("every sent report has FK's answer: {submission:?}"),
        }
    }

    // Without --raw the answers are left out, but their size is told.
    let short = app
        .history(
            &HistoryFilter {
                month: Some(october()),
                person: Some(ASA.to_owned()),
                ..HistoryFilter::default()
            },
            now,
        )
        .expect("the history");
    assert!(
        short
            .reports
            .iter()
            .flat_map(|r| &r.submissions)
            .flat_map(|s| &s.attempts)
            .all(|a| a.answer.is_none() && a.answer_bytes > 0),
        "raw answers only on request"
    );

    // By tx-id, without a month: exactly that report.
    let tx = summary
        .results
        .iter()
        .find_map(|r| r.tx_id.clone())
        .expect("some report was accepted");
    let by_tx = app
        .history(
            &HistoryFilter {
                tx_id: Some(tx.to_uppercase()),
                ..HistoryFilter::default()
            },
            now,
        )
        .expect("the history");
    assert_eq!(by_tx.reports.len(), 1, "one version has this tx-id");
    assert_eq!(
        by_tx.reports[0].submissions[0].tx_id.as_deref(),
        Some(tx.as_str())
    );

    // By assistant: Lena's reports for two persons.
    let lena = app
        .history(
            &HistoryFilter {
                assistant: Some("197901307897".to_owned()),
                ..HistoryFilter::default()
            },
            now,
        )
        .expect("the history");
    assert!(
        lena.reports
            .iter()
            .all(|r| r.assistant.name == "Lena Ström")
            && lena.reports.len() >= 2,
        "Lena's reports in every month"
    );

    assert_eq!(
        store.events_after(None, 100_000).expect("events").len(),
        events_before,
        "reading the history writes nothing"
    );
}

#[test]
fn invoice_figures_equal_the_month_review_and_list_missing_reports_first() {
    let folder = Folder::demo();
    // Fatima has not signed anything: her reports are missing.
    let fatima = "199106074561";
    sign_october(folder.dir.path(), &folder.key(), |a| a == fatima);
    let app = folder.open();
    let fk = fake_fk();
    submit(&app, &fk);
    let now = Utc::now();

    let review = app.month_review(october(), now).expect("the review");
    let figures = app
        .invoice_figures(october(), None, now)
        .expect("the figures");
    let mut persons: Vec<&str> = review.reports().iter().map(|r| r.person_name()).collect();
    persons.dedup();
    assert_eq!(
        figures.len(),
        persons.len(),
        "one entry per person with reports"
    );
    for f in &figures {
        let reports: Vec<_> = review
            .reports()
            .iter()
            .filter(|r| r.person() == &f.person.personnummer)
            .collect();
        for kind in TimeKind::ALL {
            let sum = reports
                .iter()
                .fold(KindTotal::default(), |acc, r| KindTotal {
                    clock_minutes: acc.clock_minutes + r.totals().of(kind).clock_minutes,
                    real_minutes: acc.real_minutes + r.totals().of(kind).real_minutes,
                });
            assert_eq!(
                f.totals.of(kind),
                sum,
                "{kind:?} for {} matches the review",
                f.person.name
            );
        }
        assert_eq!(f.per_assistant.len(), reports.len(), "hours per assistant");
        let fatima_here = reports.iter().any(|r| r.assistant().digits() == fatima);
        assert_eq!(
            f.missing
                .iter()
                .any(|m| m.reason == MissingReason::NotSignedByAssistant),
            fatima_here,
            "{}: Fatima's unsigned report is missing exactly where she works",
            f.person.name
        );
    }
    let asa = figures
        .iter()
        .find(|f| f.person.personnummer.digits() == ASA)
        .expect("Åsa's figures");
    assert!(
        asa.totals.vante.real_minutes == asa.totals.vante.clock_minutes + 60,
        "Åsa's väntetid includes the autumn night's extra hour"
    );

    let csv = folder.out("asa.csv");
    app.export_invoice(october(), Some(ASA), &csv, InvoiceFormat::Csv, now)
        .expect("the CSV is written");
    let csv_text = String::from_utf8(std::fs::read(&csv).expect("read")).expect("UTF-8");
    assert!(
        csv_text.contains("Saknas;Fatima Hassan"),
        "the CSV lists the missing report"
    );
    let pdf = folder.out("asa.pdf");
    app.export_invoice(october(), Some(ASA), &pdf, InvoiceFormat::Pdf, now)
        .expect("the PDF is written");
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Saknas: Fatima Hassan (assistenten har inte signerat)"),
        "the PDF names the missing report prominently:\n{text}"
    );
    let all_pdf = app
        .export_invoice(
            october(),
            None,
            &folder.out("alla.pdf"),
            InvoiceFormat::Pdf,
            now,
        )
        .expect_err("a PDF is per person");
    assert!(all_pdf.to_string().contains("--person"), "{all_pdf}");
    let (_, files) = app
        .export_invoice_files(october(), None, &folder.out("underlag"), now)
        .expect("one PDF and CSV per person");
    assert_eq!(files.len(), 2 * figures.len());
}

#[test]
fn reminders_give_the_deadline_what_is_missing_and_whom_to_call() {
    let folder = Folder::demo();
    let app = folder.open();
    let now: DateTime<Utc> = "2026-11-26T12:00:00Z".parse().expect("an instant");
    let before = app.reminders(october(), now).expect("reminders");
    assert_eq!(
        before.deadline,
        NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date"),
        "the 5th of the second month after"
    );
    assert_eq!(before.days_left, 9, "from 26 November");
    assert_eq!(before.accepted, 0);
    assert_eq!(
        before.missing.len(),
        before.reports,
        "nothing is signed yet"
    );
    let erik = before
        .assistants_to_remind
        .iter()
        .find(|a| a.name == "Erik Johansson")
        .expect("Erik is to be reminded");
    assert_eq!(
        erik.phone.as_deref(),
        Some("070-111 22 33"),
        "with his phone number"
    );
    assert!(erik.persons.len() >= 2, "Erik works for several persons");
    let jonas = before
        .assistants_to_remind
        .iter()
        .find(|a| a.name == "Jonas Berg")
        .expect("Jonas is to be reminded");
    assert_eq!(jonas.phone, None, "Jonas has no phone registered");

    sign_october(folder.dir.path(), &folder.key(), |_| false);
    let app = folder.open();
    let fk = fake_fk();
    submit(&app, &fk);
    let after = app.reminders(october(), now).expect("reminders");
    assert!(
        after.missing.is_empty(),
        "all accepted: {:?}",
        after.missing
    );
    assert!(after.assistants_to_remind.is_empty());
    assert_eq!(after.accepted, after.reports);
}

#[test]
fn a_month_without_a_provider_has_no_receipt() {
    let dir = tempfile::tempdir().expect("a folder");
    let app = App::open(
        dir.path(),
        KeySource::File(dir.path().join("k")),
        Utc::now(),
    )
    .expect("opens");
    let err = app
        .receipt(&ReceiptRequest::Month { month: october() }, Utc::now())
        .expect_err("no provider");
    assert!(err.to_string().contains("anordnare"), "{err}");
}

#[test]
fn a_correction_after_sending_shows_the_version_sent_and_the_new_one_with_the_same_hours() {
    let (folder, app, _summary) = sent_october();
    let now = Utc::now();
    let before = app
        .receipt(&ReceiptRequest::Month { month: october() }, now)
        .expect("the receipt");
    let lena_asa = |r: &&assistid_app::receipts::ReceiptReport| {
        r.person.name == "Åsa Öberg-Lind" && r.assistant.name == "Lena Ström"
    };
    let sent = before
        .reports
        .iter()
        .find(lena_asa)
        .expect("Lena's report for Åsa")
        .clone();

    // An extra hour for Lena on Friday 30 October: a new version that is not signed.
    let store = Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens");
    let at = |s: &str| {
        assistid_core::time::ShiftTime::resolve(
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time"),
            None,
        )
        .expect("an unambiguous time")
    };
    store
        .insert_shifts(
            [assistid_core::shift::Shift {
                assistant: sent.assistant.identity_number.clone(),
                person: sent.person.personnummer.clone(),
                start: at("2026-10-30 08:00"),
                end: at("2026-10-30 09:00"),
                kind: TimeKind::Aktiv,
                note: None,
            }],
            Some("test"),
            now,
        )
        .expect("the shift is stored");
    drop(store);

    let after = app
        .receipt(&ReceiptRequest::Month { month: october() }, now)
        .expect("the receipt");
    let lena: Vec<_> = after.reports.iter().filter(lena_asa).collect();
    assert_eq!(lena.len(), 2, "the version sent and the new one");
    assert_eq!(lena[0].report_id, sent.report_id, "version 1 first");
    assert_eq!(
        lena[0].outcome, sent.outcome,
        "the version sent keeps FK's answer"
    );
    assert_eq!(
        lena[0].totals, sent.totals,
        "read back from its document, the sent version has the same (DST-corrected) hours"
    );
    assert_eq!(lena[0].dst_notes, sent.dst_notes, "and the same DST notes");
    assert_eq!(lena[1].version, 2);
    assert_eq!(
        lena[1].outcome,
        Outcome::NotSent,
        "the correction is not sent"
    );
    assert_eq!(
        lena[1].totals.aktiv.real_minutes,
        sent.totals.aktiv.real_minutes + 60,
        "the correction has the extra hour"
    );

    let figures = app
        .invoice_figures(october(), Some(ASA), now)
        .expect("the figures");
    assert!(
        figures[0]
            .missing
            .iter()
            .any(|m| m.assistant.name == "Lena Ström"
                && m.reason == MissingReason::NotSignedByAssistant),
        "the unsigned correction is missing until it is signed and sent: {:?}",
        figures[0].missing
    );
}

/// Issue 18: an import after FK accepted a report made a new version of it, which could be
/// signed and sent as a second report for the same assistant, person and month. The import
/// follows the month grid: the row is refused with the grid's words, and nothing is stored.
#[test]
fn an_import_cannot_reopen_a_report_fk_has_accepted() {
    let (folder, app, summary) = sent_october();
    let accepted = summary
        .results
        .iter()
        .find(|r| r.state == ViewState::Accepted)
        .expect("the fake FK accepted reports after the first");
    let tx_id = accepted
        .tx_id
        .clone()
        .expect("an accepted report has a tx-id");
    let version = Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens")
    .report_version_by_id(Uuid::parse_str(&accepted.report_id).expect("a report id"))
    .expect("read")
    .expect("the version sent is stored");
    let (assistant, person) = (version.assistant.digits(), version.person.digits());
    let before = app
        .shifts_of_person_in_month(person, october())
        .expect("the month's shifts");
    // A half hour the assistant has no shift with this person (no overlap to muddy the test).
    let free = (1..=28)
        .filter(|d| *d != 25)
        .filter_map(|d| NaiveDate::from_ymd_opt(2026, 10, d))
        .find(|date| {
            let (from, to) = (date.and_hms_opt(3, 0, 0), date.and_hms_opt(3, 30, 0));
            before.iter().all(|s| {
                s.shift.assistant.digits() != assistant
                    || Some(s.shift.end.local()) <= from
                    || Some(s.shift.start.local()) >= to
            })
        })
        .expect("a free half hour in October");
    let file = folder.out("en-rad-till.csv");
    std::fs::create_dir_all(folder.out("")).expect("the out folder");
    std::fs::write(
        &file,
        format!(
            "assistent;person;datum;start;slut;typ\n{assistant};{person};{free};03:00;03:30;aktiv\n"
        ),
    )
    .expect("the file is written");

    let options = assistid_app::import::ImportOptions::default();
    let preview = app
        .import_preview(&file, &options, Utc::now())
        .expect("a preview");
    let problem = preview
        .validation_problems
        .iter()
        .find(|p| p.row == Some(2) && p.code.as_str() == "report_already_sent")
        .unwrap_or_else(|| {
            panic!(
                "the row is refused as the grid refuses it: {:?}",
                preview.validation_problems
            )
        });
    assert!(problem.is_error(), "an error, not a warning");
    assert!(
        problem.message.contains(&tx_id)
            && problem.message.contains("mottagen av Försäkringskassan")
            && problem.message.contains("kontakta Försäkringskassan"),
        "says FK has the report (with its tx-id) and that a correction is a matter for FK: {}",
        problem.message
    );
    assert_eq!(preview.error_count(), 1, "one error, on that row");

    let refused = app
        .import_commit(&file, &options, Utc::now())
        .expect_err("the commit is refused");
    assert!(
        refused.to_string().contains("ingenting importerades"),
        "nothing was imported: {refused:#}"
    );
    assert_eq!(
        app.shifts_of_person_in_month(person, october())
            .expect("the month's shifts")
            .len(),
        before.len(),
        "no shift was added to the accepted report"
    );
    let review = app
        .month_review(october(), Utc::now())
        .expect("the month reviews");
    let report = review
        .reports()
        .iter()
        .find(|r| r.assistant().digits() == assistant && r.person().digits() == person)
        .expect("the report is in the review");
    assert_eq!(
        report.id(),
        Some(accepted.report_id.as_str()),
        "the accepted version is still the report: no new version to sign and send"
    );
}

/// Every file and folder under `dir` with its Unix permission bits.
#[cfg(unix)]
fn modes_under(dir: &Path) -> Vec<(PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(next) = todo.pop() {
        for entry in std::fs::read_dir(&next).expect("readable folder") {
            let path = entry.expect("an entry").path();
            let meta = std::fs::metadata(&path).expect("metadata");
            if meta.is_dir() {
                todo.push(path.clone());
            }
            out.push((path, meta.permissions().mode() & 0o777));
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn every_export_is_owner_only_and_so_is_the_data_folder() {
    use std::os::unix::fs::PermissionsExt as _;
    let (folder, app, _) = sent_october();
    let now = Utc::now();
    app.export_reports(october(), &folder.out("rapporter"), now)
        .expect("reports exported");
    app.export_receipt(
        &ReceiptRequest::Month { month: october() },
        Some(&folder.out("kvitto/kvitto.pdf")),
        Some(&folder.out("kvitto/kvitto.json")),
        now,
    )
    .expect("receipt exported");
    app.export_assistant_copies(october(), None, &folder.out("kopior"), now)
        .expect("copies exported");
    app.export_invoice_files(october(), None, &folder.out("underlag"), now)
        .expect("invoice figures exported");
    let written = modes_under(&folder.dir.path().join("out"));
    for kind in ["xml", "json", "pdf", "csv"] {
        assert!(
            written
                .iter()
                .any(|(p, _)| p.extension().is_some_and(|e| e == kind)),
            "the exports include .{kind} files: {written:?}"
        );
    }
    for (path, mode) in &written {
        let expected = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(
            *mode,
            expected,
            "{} holds personal data (full personnummer in the report XML and signatures): \
             only the user may read it",
            path.display()
        );
    }

    drop(app);
    let data = folder.dir.path();
    std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let _app = folder.open();
    assert_eq!(
        std::fs::metadata(data)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777,
        0o700,
        "opening a data folder that others could read makes it owner-only"
    );
}
