//! Specification: the JSON receipt is the serde form of the input, follows
//! `schemas/receipt.schema.json`, and matches a golden file.

use std::path::Path;

use assistid_receipt::{FaultKind, Outcome, ReceiptScope, receipt_json};

use super::support::{demo_receipt, person_ref};

fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/receipt.schema.json");
    let text = std::fs::read_to_string(&path).expect("schemas/receipt.schema.json exists");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn problems(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).expect("receipt_json writes JSON");
    validator()
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn the_demo_receipt_matches_the_schema_in_every_outcome_and_scope() {
    let mut receipt = demo_receipt();
    let json = receipt_json(&receipt).expect("serializes");
    assert!(
        problems(&json).is_empty(),
        "accepted + rejected: {:#?}",
        problems(&json)
    );

    receipt.scope = ReceiptScope::PersonMonth {
        person: person_ref(),
    };
    receipt.reports[0].outcome = Outcome::Uncertain {
        explanation: "Tidsgränsen gick ut.".to_owned(),
    };
    receipt.reports[1].outcome = Outcome::NotSent;
    receipt.reports[1].sent_at = None;
    receipt.reports[1].provider_signature = None;
    let json = receipt_json(&receipt).expect("serializes");
    assert!(
        problems(&json).is_empty(),
        "uncertain + not sent: {:#?}",
        problems(&json)
    );

    receipt.scope = ReceiptScope::Other {
        description: "Alla i oktober".to_owned(),
    };
    receipt.reports[1].outcome = Outcome::Rejected {
        fk_message: "x".to_owned(),
        fault: FaultKind::SignatureValidation,
    };
    let json = receipt_json(&receipt).expect("serializes");
    assert!(
        problems(&json).is_empty(),
        "other scope: {:#?}",
        problems(&json)
    );
}

#[test]
fn the_schema_refuses_what_the_receipt_never_writes() {
    let json = receipt_json(&demo_receipt()).expect("serializes");
    let mut value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    value["reports"][0]["canonical_sha256"] = "ABC".into();
    let errors: Vec<String> = validator()
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(!errors.is_empty(), "an uppercase, short hash is refused");
}

#[test]
fn signers_identity_numbers_are_masked_in_json() {
    let json = receipt_json(&demo_receipt()).expect("serializes");
    assert!(
        json.contains("\"signer_id\": \"19700303-****\""),
        "the provider's signer is masked: {json}"
    );
}

#[test]
fn the_demo_receipt_json_matches_the_golden_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec/golden/receipt.json");
    let json = receipt_json(&demo_receipt()).expect("serializes");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, format!("{json}\n")).expect("the golden file can be written");
    }
    let golden = std::fs::read_to_string(&path)
        .expect("tests/spec/golden/receipt.json exists (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(
        json.trim_end(),
        golden.trim_end(),
        "the JSON receipt is stable; review the diff and re-run with UPDATE_GOLDEN=1 if intended"
    );
}
