//! Real signatures from BankID's test environment (`../shared/fixtures/bankid/`, see its
//! README) against the user-certificate roots shipped in the crate: the genuine ones verify
//! under the test root and not under the production root; each altered one is refused for the
//! reason it was altered.

use std::path::PathBuf;

use assistid_bankid::signature::{SignatureError, SignedPart};
use assistid_bankid::user_roots::{
    self, PRODUCTION_ROOT_PEM, PRODUCTION_ROOT_SHA256, TEST_ROOT_PEM, TEST_ROOT_SHA256,
    UserRootError,
};
use assistid_bankid::{Environment, SignedDocument, verify_document};
use chrono::{DateTime, TimeZone, Utc};
use x509_parser::prelude::{FromDer, X509Certificate};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/bankid")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "the real BankID fixture {} must be readable (the shared fixtures sit beside the \
             project): {e}",
            path.display()
        )
    })
}

fn june_2019() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 6, 1, 12, 0, 0)
        .single()
        .expect("a valid fixed date")
}

fn test_roots() -> Vec<Vec<u8>> {
    vec![user_roots::test_root_der().expect("the shipped test root matches its pin")]
}

fn production_roots() -> Vec<Vec<u8>> {
    vec![user_roots::production_root_der().expect("the shipped production root matches its pin")]
}

fn verify_under_test_root(name: &str) -> Result<SignedDocument, SignatureError> {
    verify_document(&fixture(name), &test_roots(), june_2019())
}

fn subject_cn(der: &[u8]) -> String {
    let (_, cert) = X509Certificate::from_der(der).expect("a certificate BankID sent parses");
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_shipped_roots_have_their_pinned_fingerprints_recomputed_here() {
    use sha2::{Digest, Sha256};
    for (what, pem, pin) in [
        ("test", TEST_ROOT_PEM, TEST_ROOT_SHA256),
        ("production", PRODUCTION_ROOT_PEM, PRODUCTION_ROOT_SHA256),
    ] {
        let der = user_roots::pem_certificate_to_der(pem).expect("the shipped PEM decodes");
        assert_eq!(
            hex::encode(Sha256::digest(&der)),
            pin,
            "the {what} root file must be exactly the certificate whose fingerprint is pinned"
        );
    }
}

#[test]
fn the_shipped_roots_are_bankids_self_signed_member_bank_roots() {
    for (der, cn) in [
        (test_roots().remove(0), "Test BankID Root CA v1 Test"),
        (production_roots().remove(0), "BankID Root CA v1"),
    ] {
        let (_, cert) = X509Certificate::from_der(&der).expect("a shipped root parses");
        assert_eq!(
            subject_cn(&der),
            cn,
            "the root must be the one it is named as"
        );
        assert_eq!(
            cert.subject(),
            cert.issuer(),
            "{cn} must be a root: its own issuer"
        );
        assert!(
            cert.verify_signature(None).is_ok(),
            "{cn} must be signed with its own key"
        );
        let subject = cert.subject().to_string();
        assert!(
            subject.contains("O=Finansiell ID-Teknik BID AB")
                && subject.contains("OU=BankID Member Banks CA"),
            "{cn} must be BankID's member banks root (not its TLS root): {subject}"
        );
    }
}

#[test]
fn a_root_file_that_is_not_the_pinned_one_is_refused() {
    let swapped = user_roots::pinned_der(PRODUCTION_ROOT_PEM, TEST_ROOT_SHA256);
    assert!(
        matches!(swapped, Err(UserRootError::FingerprintMismatch { ref actual }) if actual == PRODUCTION_ROOT_SHA256),
        "a certificate other than the pinned one must not load as the root: {swapped:?}"
    );
    assert!(
        matches!(
            user_roots::pinned_der("not a pem", TEST_ROOT_SHA256),
            Err(UserRootError::Unreadable(_))
        ),
        "a file without a certificate must be refused as unreadable"
    );
}

#[test]
fn each_environment_gets_its_own_root() {
    assert_eq!(
        user_roots::for_environment(&Environment::Test).expect("test root loads"),
        test_roots(),
        "BankID's test environment must be trusted through the test root only"
    );
    assert_eq!(
        user_roots::for_environment(&Environment::Production).expect("production root loads"),
        production_roots(),
        "production must be trusted through the production root only"
    );
    assert!(
        user_roots::for_environment(&Environment::Custom(String::new()))
            .expect("no shipped root is needed")
            .is_empty(),
        "a custom BankID gets no shipped root: whoever configures it names its root"
    );
}

#[test]
fn the_two_genuine_signatures_verify_at_2019_06_01_under_the_test_root() {
    for (name, pnr, signer) in [
        (
            "signatur_1_Anna_Andersson.xml",
            "197210310020",
            "Anna Andersson",
        ),
        (
            "signatur_2_Karl_Karlsson.xml",
            "197210310012",
            "Karl Karlsson",
        ),
    ] {
        let document = verify_under_test_root(name)
            .unwrap_or_else(|e| panic!("{name} is a genuine BankID test signature: {e:?}"));
        assert_eq!(
            document.personal_number.as_deref(),
            Some(pnr),
            "{name}: the signer is the serialNumber of the signer certificate"
        );
        assert_eq!(document.name, signer, "{name}: the signer's name is the CN");
        let chain: Vec<String> = document
            .certificates_der
            .iter()
            .map(|d| subject_cn(d))
            .collect();
        assert_eq!(
            chain,
            [
                signer,
                "Testbank A Customer CA1 v1 for BankID Test",
                "Testbank A CA v1 for BankID Test"
            ],
            "{name}: BankID sends three RSA certificates, signer first, no root"
        );
        for der in &document.certificates_der {
            let (_, cert) = X509Certificate::from_der(der).expect("parses");
            assert_eq!(
                cert.public_key().algorithm.algorithm.to_id_string(),
                "1.2.840.113549.1.1.1",
                "{name}: every certificate in BankID's test chain is RSA"
            );
        }
    }
}

#[test]
fn the_genuine_signatures_are_refused_under_the_production_root() {
    for name in [
        "signatur_1_Anna_Andersson.xml",
        "signatur_2_Karl_Karlsson.xml",
    ] {
        let result = verify_document(&fixture(name), &production_roots(), june_2019());
        assert!(
            matches!(result, Err(SignatureError::UntrustedRoot)),
            "{name} was made in BankID's test environment and must never pass as production: \
             {result:?}"
        );
    }
}

#[test]
fn the_genuine_signatures_are_refused_once_the_signer_certificate_has_expired() {
    let after = Utc
        .with_ymd_and_hms(2021, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid fixed date");
    let result = verify_document(
        &fixture("signatur_1_Anna_Andersson.xml"),
        &test_roots(),
        after,
    );
    assert!(
        matches!(result, Err(SignatureError::CertificateNotValid { .. })),
        "the signer certificate ran out on 2020-12-05; a check after that must say so: {result:?}"
    );
}

#[test]
fn altered_signed_data_is_refused_by_the_digest_of_bid_signed_data() {
    let result = verify_under_test_root("invalid_signed_data.xml");
    assert_eq!(
        result.err(),
        Some(SignatureError::DigestMismatch(SignedPart::SignedData)),
        "the signed texts were changed after signing: the #bidSignedData digest must catch it"
    );
}

#[test]
fn altered_key_info_is_refused_by_the_digest_of_bid_key_info() {
    let result = verify_under_test_root("invalid_key_info.xml");
    assert_eq!(
        result.err(),
        Some(SignatureError::DigestMismatch(SignedPart::KeyInfo)),
        "the certificates were changed after signing: the #bidKeyInfo digest must catch it"
    );
}

/// Undoes the pretty-printing of `invalid_signature.xml`: the whitespace between tags, and
/// around element text, that was added after signing (BankID's documents have none).
fn undo_pretty_print(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut pending = String::new();
    for c in xml.chars() {
        if c.is_whitespace() {
            pending.push(c);
            continue;
        }
        if !(out.ends_with('>') || c == '<') {
            out.push_str(&pending);
        }
        pending.clear();
        out.push(c);
    }
    out
}

#[test]
fn an_altered_signature_value_is_refused() {
    // This fixture is the genuine document with one character of SignatureValue changed and
    // then pretty-printed. The added whitespace is itself a change to the signed data, and the
    // references are checked first (XML-DSig core validation), so as it stands it fails there.
    let as_given = verify_under_test_root("invalid_signature.xml");
    assert_eq!(
        as_given.err(),
        Some(SignatureError::DigestMismatch(SignedPart::SignedData)),
        "whitespace added inside bankIdSignedData after signing changes what was signed"
    );
    // With the reformatting undone, everything signed is as BankID made it and only the
    // changed SignatureValue is left: that is what must refuse it.
    let xml = String::from_utf8(fixture("invalid_signature.xml")).expect("the fixture is UTF-8");
    let compact = undo_pretty_print(&xml);
    assert_eq!(
        compact.len(),
        fixture("invalid_key_info.xml").len(),
        "undoing the pretty-printing must give back a document of BankID's own length"
    );
    let result = verify_document(compact.as_bytes(), &test_roots(), june_2019());
    assert_eq!(
        result.err(),
        Some(SignatureError::SignatureValueInvalid),
        "the signature value was changed: it must not verify with the signer's key"
    );
}
