//! Shared test helpers: realistic signed requests, golden files and xmllint validation.

use std::path::{Path, PathBuf};
use std::process::Command;

use assistid_elt::{SignatureBlock, SubmitRequest};
use assistid_fakes::bankid::{SignInput, UserCertificateAuthority, sign_document};
use assistid_fakes::fk::samples::{binding_entry, sample_report};
use assistid_fakes::pki::window_around;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

/// The assistant in every sample report (a valid test personnummer).
pub const ASSISTANT: &str = "198001019804";

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a fixed valid date")
}

/// The fake BankID's certificate authority (its signer certificates carry the personnummer).
pub fn bankid_ca() -> UserCertificateAuthority {
    UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("the BankID CA builds")
}

/// A request whose report is valid and whose two signatures are real XML-DSig documents from
/// the fake BankID's signing code, both binding that exact report; the assistant signs as
/// `signer`, the provider's signature covers this report and one other.
pub fn signed_request(bankid: &UserCertificateAuthority, signer: &str) -> (Uuid, SubmitRequest) {
    let id = Uuid::new_v4();
    let report = sample_report(id, "2026-10", ASSISTANT);
    let entry = binding_entry(id, &report).expect("the sample report canonicalizes");
    let other = binding_entry(Uuid::new_v4(), b"<other/>").expect("canonicalizes");
    let now = Utc::now();
    let block = |pnr: &str, non_visible: &str| {
        let visible = STANDARD.encode("Tidredovisning oktober 2026");
        let non_visible = STANDARD.encode(non_visible);
        let signature = sign_document(
            bankid,
            &SignInput {
                user_visible_data: &visible,
                user_non_visible_data: Some(&non_visible),
                personal_number: pnr,
                name: "Anna Andersson",
                signed_at: now,
                certificate_validity: window_around(now),
            },
        )
        .expect("the fake BankID signs");
        SignatureBlock {
            signature_xml: signature.xml.into_bytes(),
            ocsp_response: signature.ocsp_der,
            signed_on: day(2026, 11, 2),
        }
    };
    (
        id,
        SubmitRequest {
            report,
            assistant_signature: block(signer, &entry),
            provider_signature: block("197001019871", &format!("{other};{entry}")),
        },
    )
}

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares with a golden file in `tests/golden/`. Only `UPDATE_GOLDEN=1` (a person, on
/// purpose) writes it; a missing golden file fails, so a test run can never pass by writing the
/// expectation it then meets.
pub fn assert_golden(name: &str, actual: &[u8]) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("golden file can be written");
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "the golden file {} is missing or unreadable ({e}); create it with \
             `UPDATE_GOLDEN=1 cargo test -p assistid-elt --test spec golden`, review it and \
             commit it",
            path.display(),
        )
    });
    assert!(
        expected == actual,
        "{name} differs from the golden file; if the change is intended, rerun with \
         UPDATE_GOLDEN=1 and review the diff\n--- expected\n{}\n--- actual\n{}",
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(actual)
    );
}

pub fn fk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fk")
}

/// The `SkickaTidredovisning` element of an envelope (it declares its own namespaces).
pub fn body_child(envelope: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(envelope).expect("envelopes are UTF-8");
    let start = text
        .find("<SkickaTidredovisning ")
        .expect("the body holds SkickaTidredovisning");
    let end_tag = "</SkickaTidredovisning>";
    let end = text.find(end_tag).expect("SkickaTidredovisning is closed") + end_tag.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        &text[start..end]
    )
    .into_bytes()
}

/// Validates the body child of every envelope against FK's responder schema in ONE xmllint run.
/// Returns xmllint's verdict per file (true = valid) and its combined output.
pub fn xmllint_responder_schema(envelopes: &[Vec<u8>]) -> (Vec<bool>, String) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let files: Vec<PathBuf> = envelopes
        .iter()
        .enumerate()
        .map(|(i, envelope)| {
            let path = dir.path().join(format!("request-{i}.xml"));
            std::fs::write(&path, body_child(envelope)).expect("temp file can be written");
            path
        })
        .collect();
    let output = Command::new("/usr/bin/xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(fk_dir().join("SkickaTidredovisningResponder_1.0.xsd"))
        .args(&files)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils)");
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    let verdicts = files
        .iter()
        .map(|f| text.contains(&format!("{} validates", f.display())))
        .collect();
    (verdicts, text)
}
