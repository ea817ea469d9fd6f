//! `assistid receipt`, `history`, `invoice` and `reminders` on a demo month signed like BankID
//! and sent to the demo FK the program starts itself.

use std::path::Path;
use std::process::Command;

use crate::submit::sign_month;
use crate::support::DataDir;

const ASA: &str = "197503231115";

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    assert!(out.status.success(), "pdftotext reads {}", path.display());
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn receipt_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/receipt.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the schema exists"))
            .expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

#[test]
fn before_sending_reminders_name_the_deadline_and_the_assistants_to_call() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let text = data.ok(&["reminders", "--month", "2026-10"]);
    assert!(
        text.contains("Sista dag för räkningen för 2026-10: 2026-12-05"),
        "the deadline is the 5th of the second month after:\n{text}"
    );
    assert!(
        text.contains("Erik Johansson: 070-111 22 33"),
        "assistants to remind come with their phone numbers:\n{text}"
    );
    assert!(!text.contains(ASA), "no personnummer in the output");
    let json = data.json(&["reminders", "--month", "2026-10"]);
    assert_eq!(json["deadline"], "2026-12-05");
    assert_eq!(json["accepted"], 0);
    assert!(
        json["assistants_to_remind"]
            .as_array()
            .is_some_and(|a| a.len() == 5),
        "all five assistants have something to sign: {json}"
    );

    let nothing = data.run(&["receipt", "--month", "2026-10"]);
    assert_eq!(
        nothing.status.code(),
        Some(3),
        "a receipt needs somewhere to go: exit 3"
    );
    assert!(
        String::from_utf8_lossy(&nothing.stderr).contains("--out"),
        "the message says what to give"
    );
    let bad = data.run(&["invoice", "--month", "2026-13"]);
    assert_eq!(
        bad.status.code(),
        Some(3),
        "a wrong month is the user's to fix"
    );
}

#[test]
fn after_sending_the_receipt_copies_history_and_invoice_figures_read_correctly() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let count = sign_month(data.path(), &data.key_file(), "2026-10");
    data.ok(&["submit", "--month", "2026-10", "--env", "demo"]);
    let out = data.path().join("ut");

    // The receipt: PDF, and with --json the JSON receipt on stdout and beside the PDF.
    let pdf = out.join("kvitto-2026-10.pdf");
    let pdf_arg = pdf.to_string_lossy().into_owned();
    let copies = out.join("kopior");
    let copies_arg = copies.to_string_lossy().into_owned();
    let text = data.ok(&[
        "receipt",
        "--month",
        "2026-10",
        "--out",
        &pdf_arg,
        "--assistant-copies",
        &copies_arg,
    ]);
    assert!(
        text.contains(&format!("{count} tidredovisningar, {count} mottagna av FK")),
        "the summary counts the accepted reports:\n{text}"
    );
    assert!(!text.contains(ASA), "no personnummer in the output");
    let receipt = data.json(&["receipt", "--month", "2026-10", "--out", &pdf_arg]);
    let problems: Vec<String> = receipt_validator()
        .iter_errors(&receipt)
        .map(|e| e.to_string())
        .collect();
    assert!(
        problems.is_empty(),
        "stdout is the schema's receipt: {problems:#?}"
    );
    let beside: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(pdf.with_extension("json")).expect("the JSON beside the PDF"),
    )
    .expect("JSON");
    assert_eq!(beside["reports"], receipt["reports"], "the same receipt");
    let reports = receipt["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), count);
    let pdf_text_all = pdf_text(&pdf);
    for r in reports {
        let tx = r["outcome"]["tx_id"]
            .as_str()
            .expect("every report accepted");
        assert!(pdf_text_all.contains(tx), "the PDF shows tx-id {tx}");
        let hash = r["document_sha256"].as_str().expect("a hash");
        assert!(pdf_text_all.contains(hash), "the PDF shows the hash sent");
    }
    assert!(pdf_text_all.contains("Åsa Öberg-Lind"));

    let files: Vec<_> = std::fs::read_dir(&copies)
        .expect("the copies folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(files.len(), 5, "one file per assistant: {files:?}");
    assert!(
        files.contains(&"assistentkopior-2026-10-erik-johansson.pdf".to_owned()),
        "{files:?}"
    );

    // Per person: only Åsa's reports.
    let person = data.json(&["receipt", "--month", "2026-10", "--person", ASA]);
    assert_eq!(person["scope"]["kind"], "person_month");
    assert!(
        person["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .all(|r| r["person"]["personnummer"] == ASA)
    );

    // History: what was sent for Åsa in October, and what FK said.
    let history = data.json(&["history", "--month", "2026-10", "--person", ASA, "--raw"]);
    let entries = history["reports"].as_array().expect("reports");
    assert!(!entries.is_empty());
    for e in entries {
        let s = &e["submissions"][0];
        assert_eq!(s["state"], "accepted", "{e}");
        let tx = s["tx_id"].as_str().expect("a tx-id");
        let raw = s["attempts"][0]["answer"]
            .as_str()
            .expect("FK's raw answer");
        assert!(raw.contains(tx), "the raw answer holds the tx-id");
    }
    let tx = entries[0]["submissions"][0]["tx_id"]
        .as_str()
        .expect("a tx-id")
        .to_owned();
    let by_tx = data.ok(&["history", "--tx-id", &tx]);
    assert_eq!(
        by_tx.lines().filter(|l| l.starts_with("2026-10 ")).count(),
        1,
        "one report has this tx-id:\n{by_tx}"
    );
    assert!(by_tx.contains(&format!("tx-id {tx}")), "{by_tx}");

    // Invoice figures: equal to the review, nothing missing.
    let csv = out.join("rakning.csv");
    let csv_arg = csv.to_string_lossy().into_owned();
    let figures = data.json(&["invoice", "--month", "2026-10", "--out", &csv_arg]);
    let review = data.json(&["review", "--month", "2026-10"]);
    for f in figures.as_array().expect("one entry per person") {
        let pnr = f["person"]["personnummer"].as_str().expect("a pnr");
        let real: u64 = review["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .filter(|r| r["person"] == pnr)
            .map(|r| {
                r["totals"]["vante"]["real_minutes"]
                    .as_u64()
                    .expect("minutes")
            })
            .sum();
        assert_eq!(
            f["totals"]["vante"]["real_minutes"].as_u64(),
            Some(real),
            "väntetid in real hours matches the review"
        );
        assert_eq!(f["missing"].as_array().map(Vec::len), Some(0));
    }
    let csv_text = String::from_utf8(std::fs::read(&csv).expect("the CSV")).expect("UTF-8");
    assert!(csv_text.starts_with('\u{feff}'), "a BOM for Excel");
    assert_eq!(
        csv_text.matches("Månad;Person").count(),
        1,
        "one header for every person"
    );
    let text = data.ok(&["invoice", "--month", "2026-10", "--person", ASA]);
    assert!(
        text.contains("Saknas: inga"),
        "nothing missing after sending:\n{text}"
    );
    let reminders = data.json(&["reminders", "--month", "2026-10"]);
    assert_eq!(reminders["accepted"].as_u64(), Some(count as u64));
}
