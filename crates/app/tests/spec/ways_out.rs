//! A way out of every state (issue 21): FK's answers explained with who fixes what, the
//! uncertain submission's card (request time, audit trail, the decisions), the diagnostics
//! bundle without personal data, and "Kontrollera en fil" — on real data folders, real
//! signatures and the fake FK over mutual TLS.

use std::path::Path;

use assistid_app::answers::{
    FK_PARTNER_SUPPORT, Fixer, explain_answer, explain_fk_fault, explain_rejection, parse_tx_id,
};
use assistid_app::submit::Decision;
use assistid_app::verify::FileVerdict;
use assistid_elt::error::{AnswerProblem, TimeoutPhase};
use assistid_elt::{EltError, Environment};
use assistid_fakes::fk::Behaviour;
use chrono::{NaiveDate, Utc};

use crate::submit::{Folder, connect_as, fast_fake, month, send, sign_month};
use assistid_app::views::SubmissionState as ViewState;

/// Every answer the ELT client can report, one of each variant.
fn every_elt_error() -> Vec<EltError> {
    let reason = || "x".to_owned();
    vec![
        EltError::XmlValidation { message: reason() },
        EltError::SignatureValidation { message: reason() },
        EltError::SoapFault {
            http_status: 500,
            fault_code: reason(),
            fault_string: reason(),
        },
        EltError::UnexpectedAnswer {
            http_status: 502,
            problem: AnswerProblem::Html,
            body_len: 1,
        },
        EltError::NotFkService { http_status: 404 },
        EltError::ServiceUnavailable {
            retry_after_secs: None,
        },
        EltError::Unreachable { reason: reason() },
        EltError::ServerNotTrusted { reason: reason() },
        EltError::ClientCertificateRejected { reason: reason() },
        EltError::Timeout {
            phase: TimeoutPhase::Connect,
        },
        EltError::Timeout {
            phase: TimeoutPhase::Answer,
        },
        EltError::ConnectionLost { reason: reason() },
        EltError::ClientCertificateExpired {
            expired_on: NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date"),
        },
        EltError::SeveralClientKeys {
            candidates: reason(),
        },
        EltError::TlsNegotiation { reason: reason() },
        EltError::WrongCertificatePassword,
        EltError::InvalidCertificateFile { reason: reason() },
        EltError::InvalidTrustAnchor { reason: reason() },
        EltError::InvalidEndpoint { reason: reason() },
        EltError::EnvironmentMismatch {
            environment: Environment::Prod,
            data_is_demo: true,
        },
        EltError::Transport { reason: reason() },
    ]
}

#[test]
fn every_answer_fk_can_give_is_explained() {
    // FK's answer set: the faults of FK's own WSDL.
    let wsdl_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fk/SkickaTidredovisningInteraction_1.0_shsbp10.wsdl");
    let wsdl = std::fs::read_to_string(&wsdl_path).expect("FK's WSDL is beside the repository");
    let faults: Vec<&str> = wsdl
        .split("<wsdl:fault name=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(
        faults.contains(&"XmlValidationError") && faults.contains(&"SignatureValidationError"),
        "the WSDL names FK's two faults: {faults:?}"
    );
    for fault in &faults {
        let e = explain_fk_fault(fault)
            .unwrap_or_else(|| panic!("FK's fault {fault} has an explanation"));
        assert!(
            !e.meaning.is_empty() && !e.what_to_do.is_empty(),
            "{fault}: says what it means and what to do"
        );
        assert_eq!(
            e.fixer,
            Fixer::Vendor,
            "{fault}: the file and its signatures are Assistid's work, so the vendor fixes it"
        );
        assert!(e.diagnostics, "{fault}: a diagnostics bundle is offered");
    }
    // And every other way a send can end, by the code stored with the submission.
    let mut codes: Vec<&str> = every_elt_error().iter().map(EltError::code).collect();
    codes.push("interrupted");
    for code in codes {
        let e = explain_answer(code).unwrap_or_else(|| panic!("{code} has an explanation"));
        assert!(
            !e.headline.is_empty() && !e.meaning.is_empty() && !e.what_to_do.is_empty(),
            "{code}: headline, meaning and what to do"
        );
        if e.fixer == Fixer::CheckWithFk {
            assert!(
                e.ask_fk,
                "{code}: an uncertain outcome sends the user to FK's partner support"
            );
        }
    }
}

#[test]
fn a_schema_message_about_a_typed_value_points_at_the_field_and_masks_personnummer() {
    let fk = "cvc-minLength-valid: Value '12345' with length = '5' is not facet-valid with \
              respect to minLength '7'. cvc-type.3.1.3: The value '12345' of element \
              'telefonnummerAnordnare' is not valid. (19121212-1212)";
    let advice = explain_rejection("elt_xml_validation", Some(fk)).expect("explained");
    assert_eq!(
        advice.explanation.fixer,
        Fixer::Coordinator,
        "a phone number the coordinator typed is theirs to fix"
    );
    let fix = advice.fix_at.expect("where to fix it");
    assert_eq!(fix.screen, "register");
    assert_eq!(fix.field, "Anordnarens telefonnummer");
    assert_eq!(fix.value.as_deref(), Some("12345"));
    let plain = advice.fk_text_plain.expect("FK's text in plain words");
    assert!(plain.contains("för kort"), "{plain}");
    assert_eq!(
        advice.fk_text.as_deref(),
        Some(fk),
        "FK's own text is kept verbatim beside the explanation"
    );

    let ours = explain_rejection(
        "elt_xml_validation",
        Some(
            "cvc-pattern-valid: Value '8.30' is not facet-valid with respect to pattern \
              '([01][0-9]|2[0-4])\\.[0-5][0-9]' for type 'Tid'. cvc-type.3.1.3: The value \
              '8.30' of element 'fromTid' is not valid.",
        ),
    )
    .expect("explained");
    assert_eq!(
        ours.explanation.fixer,
        Fixer::Vendor,
        "a time Assistid wrote is Assistid's fault"
    );
    assert!(ours.fix_at.is_none(), "nothing for the coordinator to fix");
    assert!(
        ours.fk_text_plain
            .as_deref()
            .is_some_and(|p| p.contains("starttiden") && p.contains("fel form")),
        "{ours:?}"
    );
    assert!(
        ours.vendor_support.is_some(),
        "the vendor's support is named"
    );
}

#[test]
fn a_typed_tx_id_must_have_the_form_fk_issues() {
    assert_eq!(
        parse_tx_id("  4A8DB4B8-BC29-4406-901C-3F69298CABE3 ").expect("FK's form"),
        "4a8db4b8-bc29-4406-901c-3f69298cabe3",
        "spaces are ignored and the tx-id is kept in lowercase"
    );
    for (typed, says) in [
        ("", "Inget tx-id"),
        ("4a8db4b8-bc29-4406-901c-3f69298cabe", "8-4-4-4-11"),
        ("4a8db4b8bc294406901c3f69298cabe3", "32 tecken"),
        ("4a8db4b8-bc29-4406-901c-3f69298cabeg", "\"g\""),
    ] {
        let message = parse_tx_id(typed).expect_err("not FK's form").to_string();
        assert!(
            message.contains(says) && message.contains("8-4-4-4-12"),
            "{typed:?}: the message says what is wrong and what a tx-id looks like: {message}"
        );
    }
}

#[test]
fn an_uncertain_submission_has_a_way_out_with_the_request_time_and_its_trail() {
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let fk = fast_fake();
    let connection = connect_as(&fk, Environment::Demo);
    let (ids, _) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queued");
    fk.script(Behaviour::DropAfterBody);
    let views = send(&app, &connection, &ids[..1]);
    assert_eq!(views[0].state, ViewState::Uncertain, "{views:?}");

    let detail = app.submission_detail(ids[0]).expect("the card's facts");
    assert!(
        detail.can_resolve,
        "an uncertain submission takes a decision"
    );
    let request_at = detail.request_at.expect("the time to quote to FK");
    assert_eq!(detail.requests.len(), 1);
    assert_eq!(
        detail.requests[0].sent_at,
        Some(request_at),
        "the time quoted is when the request left"
    );
    let kinds: Vec<&str> = detail.trail.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "submission_queued",
            "submission_sending",
            "submission_uncertain"
        ],
        "the trail shows the queueing, the send and its outcome"
    );
    let advice = detail.advice.expect("explained");
    assert_eq!(advice.explanation.fixer, Fixer::CheckWithFk);
    assert_eq!(advice.fk_support, Some(FK_PARTNER_SUPPORT));

    let wrong = app
        .resolve_uncertain(
            ids[0],
            Decision::MarkAccepted {
                tx_id: "kvitto 12".into(),
            },
            Utc::now(),
        )
        .expect_err("not a tx-id");
    assert!(
        wrong.to_string().contains("8-4-4-4-12"),
        "the refusal says what a tx-id looks like: {wrong}"
    );
    let view = app
        .resolve_uncertain(
            ids[0],
            Decision::MarkAccepted {
                tx_id: "4A8DB4B8-BC29-4406-901C-3F69298CABE3".into(),
            },
            Utc::now(),
        )
        .expect("the decision is stored");
    assert_eq!(view.state, ViewState::Accepted);
    assert_eq!(
        view.tx_id.as_deref(),
        Some("4a8db4b8-bc29-4406-901c-3f69298cabe3")
    );
    let after = app.submission_detail(ids[0]).expect("the card's facts");
    assert!(!after.can_resolve, "a decided submission takes no more");
    assert_eq!(
        after.trail.last().map(|t| t.text.as_str()),
        Some("Beslut: Försäkringskassan fick den (tx-id angivet)"),
        "the decision is in the trail"
    );
}

#[test]
fn the_diagnostics_bundle_carries_ids_hashes_and_codes_but_no_personal_data() {
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let fk = fast_fake();
    let connection = connect_as(&fk, Environment::Demo);
    let (ids, _) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queued");
    let fk_text =
        "cvc-pattern-valid: Value '19121212-1212' is not facet-valid (Åsa Öberg-Lind, Ek & Söner)";
    fk.script(Behaviour::XmlValidationError(fk_text.into()));
    let views = send(&app, &connection, &ids[..1]);
    assert_eq!(views[0].state, ViewState::Rejected);
    let detail = app.submission_detail(ids[0]).expect("the card's facts");
    assert!(!detail.can_resolve, "a rejection is final: no decision");
    let advice = detail.advice.expect("a rejection is explained");
    assert_eq!(advice.explanation.fk_name, Some("XmlValidationError"));
    let vendor = advice.vendor_support.clone().unwrap_or_default();
    let demo_vendor = assistid_app::support_contact::demo_contact();
    for part in [&demo_vendor.phone, &demo_vendor.email] {
        let part = part.as_deref().unwrap_or("?");
        assert!(
            vendor.contains(part),
            "our fault sends the coordinator to the vendor's support, so it says how to reach \
             it ({part}): {vendor}"
        );
    }
    let english = app
        .submission_detail_in(ids[0], assistid_core::text::Lang::En)
        .expect("the card's facts in English")
        .advice
        .expect("explained");
    assert_eq!(
        english.explanation.headline,
        "Försäkringskassan refused the file: it does not follow their format",
        "the explanation is translated"
    );
    assert_eq!(
        english.fk_text.as_deref(),
        Some(fk_text),
        "FK's own text is never translated"
    );
    assert!(
        english
            .vendor_support
            .as_deref()
            .is_some_and(|v| v.starts_with("Send the problem report") && v.contains("phone ")),
        "the vendor's support in English: {:?}",
        english.vendor_support
    );
    assert_eq!(
        advice.fk_text.as_deref(),
        Some(fk_text),
        "verbatim beside it"
    );

    let out = folder.dir.path().join("felrapport.json");
    let bundle = app
        .write_diagnostics(ids[0], &out, Utc::now())
        .expect("the bundle is written");
    assert_eq!(bundle.error_code.as_deref(), Some("elt_xml_validation"));
    assert_eq!(bundle.fk_fault, Some("XmlValidationError"));
    assert_eq!(bundle.attempts.len(), 1);
    assert!(
        bundle.attempts[0].answer_sha256.is_some(),
        "FK's answer is identified by its hash"
    );
    let written = std::fs::read_to_string(&out).expect("the file is there");
    assert!(
        written.contains(&bundle.report_id) && written.contains(&bundle.document_sha256),
        "ids and hashes are in it"
    );
    assert!(
        written.contains("19121212-****") && written.contains("[namn] [namn]-[namn]"),
        "FK's text is kept with the personnummer and the register's names masked: {written}"
    );
    let mut forbidden: Vec<String> = vec!["191212121212".into(), "19121212-1212".into()];
    for p in app.persons().expect("persons") {
        forbidden.push(p.personnummer.digits().to_owned());
        forbidden.extend([p.first_name.clone(), p.last_name.clone()]);
    }
    for a in app.assistants().expect("assistants") {
        forbidden.push(a.id.digits().to_owned());
        forbidden.extend([a.first_name.clone(), a.last_name.clone()]);
    }
    forbidden.extend(["Åsa".into(), "Öberg".into(), "Söner".into()]);
    for word in &forbidden {
        assert!(
            !written.contains(word.as_str()),
            "the bundle holds no personnummer or name ({word}): {written}"
        );
    }
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/diagnostics.schema.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path).expect("schemas/diagnostics.schema.json exists"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let value: serde_json::Value = serde_json::from_str(&written).expect("the bundle is JSON");
    let problems: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        problems.is_empty(),
        "the bundle follows schemas/diagnostics.schema.json, the vendor's interface: {problems:?}"
    );
    app.write_diagnostics(ids[0], &out, Utc::now())
        .expect_err("an existing file is never overwritten");
}

#[test]
fn a_report_file_is_recognised_as_sent_changed_reformatted_or_unknown() {
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let fk = fast_fake();
    let connection = connect_as(&fk, Environment::Demo);
    let (ids, _) = app
        .queue_month(month(), Environment::Demo, Utc::now())
        .expect("queued");
    let views = send(&app, &connection, &ids[..1]);
    assert_eq!(views[0].state, ViewState::Accepted, "{views:?}");
    let exported = folder.dir.path().join("export");
    app.export_reports(month(), &exported, Utc::now())
        .expect("the reports are exported");
    let file = exported.join(format!("{}.xml", views[0].report_id));
    let bytes = std::fs::read(&file).expect("the exported report");

    let sent = app.check_report_file(&bytes).expect("checked");
    assert_eq!(sent.verdict, FileVerdict::Sent, "{sent:?}");
    assert_eq!(
        sent.sendings[0].tx_id, views[0].tx_id,
        "the check names FK's tx-id"
    );
    assert_eq!(sent.signers.len(), 2, "both signers are named");
    assert_eq!(sent.signers[0].role, "assistant");
    assert_eq!(sent.sendings[0].environment, "demo");
    assert!(sent.sendings[0].same_bytes);

    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    let reformatted = text.replace('\n', "\r\n");
    assert_ne!(
        reformatted.as_bytes(),
        bytes.as_slice(),
        "the test changes the line ends"
    );
    let other = app
        .check_report_file(reformatted.as_bytes())
        .expect("checked");
    assert_eq!(
        other.verdict,
        FileVerdict::SameContentOtherBytes,
        "only the line ends changed: {other:?}"
    );

    let changed = text.replacen("<fornamn>", "<fornamn>X", 1);
    let changed = app.check_report_file(changed.as_bytes()).expect("checked");
    assert_eq!(changed.verdict, FileVerdict::Changed, "{changed:?}");
    assert!(
        changed.signers.is_empty(),
        "no signer vouches for a changed file"
    );

    let unknown = text.replace(&views[0].report_id, "00000000-0000-4000-8000-000000000000");
    let unknown = app.check_report_file(unknown.as_bytes()).expect("checked");
    assert_eq!(unknown.verdict, FileVerdict::Unknown, "{unknown:?}");

    let junk = app.check_report_file(b"not xml").expect("checked");
    assert_eq!(junk.verdict, FileVerdict::NotAReport);
    assert!(!junk.meaning.is_empty(), "says what to do");

    // Hostile copies of the sent report: an external entity (XXE) and a billion laughs, both
    // in a DTD before the real report element with its real id. Neither is expanded, read
    // from disk or taken for the sent report.
    let body = text
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .unwrap_or(&text);
    assert!(
        body.len() < text.len(),
        "the declaration is taken off, so the DTD stands where a real one would"
    );
    let laughs: String = (1..10)
        .map(|n| {
            format!(
                "<!ENTITY l{n} \"&l{m};&l{m};&l{m};&l{m};&l{m};&l{m};&l{m};&l{m};&l{m};&l{m};\">",
                m = n - 1
            )
        })
        .collect();
    let hostile = [
        (
            "XXE",
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE Tidredovisning [<!ENTITY x SYSTEM \
                 \"file:///etc/passwd\">]>{}",
                body.replacen("<fornamn>", "<fornamn>&x;", 1)
            ),
        ),
        (
            "billion laughs",
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE Tidredovisning [<!ENTITY l0 \"ha\">{laughs}]>{}",
                body.replacen("<fornamn>", "<fornamn>&l9;", 1)
            ),
        ),
        (
            "a DTD that changes nothing",
            format!("<?xml version=\"1.0\"?><!DOCTYPE Tidredovisning>{body}"),
        ),
    ];
    for (name, file) in hostile {
        let started = std::time::Instant::now();
        let check = app.check_report_file(file.as_bytes()).expect("checked");
        assert_eq!(
            check.verdict,
            FileVerdict::NotAReport,
            "{name}: a report never has a DTD; it is not taken for the sent report: {check:?}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{name}: refused at once, nothing expanded"
        );
        let shown = format!("{check:?}");
        assert!(
            !shown.contains("root:") && !shown.contains("hahaha"),
            "{name}: nothing of an entity's expansion shows"
        );
    }
}
