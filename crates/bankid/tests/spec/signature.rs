//! Signature verification: a genuine signature passes; every kind of wrong or tampered
//! signature fails with its own error.

use std::sync::OnceLock;

use assistid_bankid::signature::{
    SignatureError, SignedPart, canonicalize_element_by_id, canonicalize_signed_info,
};
use assistid_bankid::{Expected, VerifiedSignature, verify_signature};
use assistid_fakes::bankid::{SignInput, UserCertificateAuthority, sign_document};
use chrono::{DateTime, TimeZone, Utc};

const ANNA: &str = "199001011239";
const BERIT: &str = "198502023453";
const VISIBLE: &str = "VGlkcmVkb3Zpc25pbmcgbWFycyAyMDI2"; // "Tidredovisning mars 2026"
const BINDING: &str = "cjEsMDEyM2FiY2Q="; // "r1,0123abcd"

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
        .single()
        .expect("a valid fixed date")
}

fn ca() -> &'static UserCertificateAuthority {
    static CA: OnceLock<UserCertificateAuthority> = OnceLock::new();
    CA.get_or_init(|| {
        UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("a CA can be made")
    })
}

fn signed(
    visible: &str,
    binding: Option<&str>,
    pnr: &str,
    validity: (DateTime<Utc>, DateTime<Utc>),
) -> String {
    sign_document(
        ca(),
        &SignInput {
            user_visible_data: visible,
            user_non_visible_data: binding,
            personal_number: pnr,
            name: "Anna Andersson",
            signed_at: at(2026, 6, 1),
            certificate_validity: validity,
        },
    )
    .expect("the fake signs")
    .xml
}

fn genuine() -> String {
    signed(
        VISIBLE,
        Some(BINDING),
        ANNA,
        (at(2026, 1, 1), at(2027, 1, 1)),
    )
}

fn expected() -> Expected<'static> {
    Expected {
        user_visible_data: VISIBLE,
        user_non_visible_data: Some(BINDING),
        personal_number: ANNA,
    }
}

fn check(xml: &str, completion_pnr: &str) -> Result<VerifiedSignature, SignatureError> {
    verify_signature(
        xml.as_bytes(),
        &expected(),
        completion_pnr,
        &[ca().root_der().to_vec()],
        at(2026, 6, 1),
    )
}

#[test]
fn a_genuine_signature_verifies_and_names_the_signer() {
    let verified = check(&genuine(), ANNA).expect("a genuine signature passes every check");
    assert_eq!(verified.personal_number, ANNA);
    assert_eq!(verified.name, "Anna Andersson");
    assert_eq!(verified.given_name.as_deref(), Some("Anna"));
    assert_eq!(verified.surname.as_deref(), Some("Andersson"));
}

#[test]
fn a_signature_of_other_report_bytes_is_refused() {
    let other = signed(
        VISIBLE,
        Some("cjEsZmZmZg=="),
        ANNA,
        (at(2026, 1, 1), at(2027, 1, 1)),
    );
    assert_eq!(
        check(&other, ANNA),
        Err(SignatureError::NonVisibleDataDiffers)
    );
    assert_eq!(
        SignatureError::NonVisibleDataDiffers.to_string(),
        "Underskriften gäller en annan version av tidredovisningen."
    );
    let none = signed(VISIBLE, None, ANNA, (at(2026, 1, 1), at(2027, 1, 1)));
    assert_eq!(
        check(&none, ANNA),
        Err(SignatureError::NonVisibleDataDiffers),
        "a missing binding is refused"
    );
}

#[test]
fn a_signature_of_another_visible_text_is_refused() {
    let other = signed(
        "QW5uYW4gdGV4dA==",
        Some(BINDING),
        ANNA,
        (at(2026, 1, 1), at(2027, 1, 1)),
    );
    assert_eq!(check(&other, ANNA), Err(SignatureError::VisibleDataDiffers));
}

#[test]
fn a_signature_by_another_person_is_refused() {
    let berit = signed(
        VISIBLE,
        Some(BINDING),
        BERIT,
        (at(2026, 1, 1), at(2027, 1, 1)),
    );
    assert_eq!(
        check(&berit, BERIT),
        Err(SignatureError::WrongSigner),
        "Berit signed Anna's report"
    );
    assert_eq!(
        check(&berit, ANNA),
        Err(SignatureError::CompletionUserMismatch),
        "BankID's answer and the certificate disagree"
    );
}

#[test]
fn tampered_signed_data_fails_its_digest() {
    let xml = genuine().replace(BINDING, "cjEsZmZmZg==");
    assert_eq!(
        check(&xml, ANNA),
        Err(SignatureError::DigestMismatch(SignedPart::SignedData))
    );
}

#[test]
fn tampered_signed_info_fails_the_signature_value() {
    let xml = genuine().replacen(
        "Type=\"http://www.bankid.com/signature/v1.0.0/types\"",
        "Type=\"http://www.bankid.com/signature/v1.0.0/typez\"",
        1,
    );
    assert_ne!(xml, genuine(), "the test changed SignedInfo");
    assert_eq!(
        check(&xml, ANNA),
        Err(SignatureError::SignatureValueInvalid)
    );
}

#[test]
fn a_tampered_signature_value_is_refused() {
    let xml = genuine();
    let start = xml.find("<SignatureValue>").expect("present") + "<SignatureValue>".len();
    let mut bytes = xml.into_bytes();
    bytes[start + 10] = if bytes[start + 10] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let xml = String::from_utf8(bytes).expect("still ASCII");
    assert_eq!(
        check(&xml, ANNA),
        Err(SignatureError::SignatureValueInvalid)
    );
}

#[test]
fn a_root_with_the_same_name_but_another_key_is_skipped_not_trusted() {
    // A renewed root (or the demo's roots from earlier runs) can share its predecessor's name:
    // the chain must end at the root whose key verifies it, wherever it stands in the list.
    let same_name =
        UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("a CA can be made");
    let roots = [same_name.root_der().to_vec(), ca().root_der().to_vec()];
    let result = verify_signature(
        genuine().as_bytes(),
        &expected(),
        ANNA,
        &roots,
        at(2026, 6, 1),
    );
    assert!(
        result.is_ok(),
        "the genuine root later in the list must be found: {result:?}"
    );
    let only_impostor = [same_name.root_der().to_vec()];
    let result = verify_signature(
        genuine().as_bytes(),
        &expected(),
        ANNA,
        &only_impostor,
        at(2026, 6, 1),
    );
    assert_eq!(
        result,
        Err(SignatureError::UntrustedRoot),
        "a same-name root with another key is not trusted"
    );
}

#[test]
fn a_chain_to_another_root_is_refused() {
    let other = UserCertificateAuthority::new("Another root").expect("a CA can be made");
    let result = verify_signature(
        genuine().as_bytes(),
        &expected(),
        ANNA,
        &[other.root_der().to_vec()],
        at(2026, 6, 1),
    );
    assert_eq!(result, Err(SignatureError::UntrustedRoot));
}

#[test]
fn an_expired_signer_certificate_is_refused() {
    let old = signed(
        VISIBLE,
        Some(BINDING),
        ANNA,
        (at(2024, 1, 1), at(2025, 1, 1)),
    );
    assert!(
        matches!(
            check(&old, ANNA),
            Err(SignatureError::CertificateNotValid { .. })
        ),
        "a certificate that expired before the check is refused"
    );
}

#[test]
fn a_second_element_with_the_same_id_is_refused() {
    let xml = genuine().replace(
        "<Object>",
        "<Object><bankIdSignedData xmlns=\"http://www.bankid.com/signature/v1.0.0/types\" Id=\"bidSignedData\"></bankIdSignedData></Object><Object>",
    );
    assert_eq!(
        check(&xml, ANNA),
        Err(SignatureError::DuplicateId("bidSignedData".into()))
    );
}

#[test]
fn garbage_is_unreadable_not_a_panic() {
    assert!(matches!(
        check("not xml", ANNA),
        Err(SignatureError::Unreadable(_))
    ));
    assert!(matches!(
        check("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>", ANNA),
        Err(SignatureError::UnexpectedShape(_))
    ));
    assert!(matches!(
        verify_signature(&[0xff, 0xfe], &expected(), ANNA, &[], at(2026, 6, 1)),
        Err(SignatureError::Unreadable(_))
    ));
}

#[test]
fn subset_canonicalization_includes_inherited_namespaces() {
    // Canonical XML 1.0, document subset: the apex element gets every in-scope namespace.
    let xml = r#"<a:root xmlns:a="urn:a" xmlns="urn:d"><b Id="x" z="1"   y='2'><c/></b></a:root>"#;
    let canonical = canonicalize_element_by_id(xml, "x").expect("canonicalizes");
    assert_eq!(
        String::from_utf8(canonical).expect("UTF-8"),
        r#"<b xmlns="urn:d" xmlns:a="urn:a" Id="x" y="2" z="1"><c></c></b>"#
    );
}

#[test]
fn canonical_forms_agree_with_xmllint() {
    let xmllint = std::path::Path::new("/usr/bin/xmllint");
    assert!(
        xmllint.exists(),
        "/usr/bin/xmllint is missing: this cross-check needs it and must not be skipped; \
         install it with scripts/setup.sh (Debian package libxml2-utils)"
    );
    let xml = genuine();
    let dir = tempfile::tempdir().expect("a temp dir");
    // Each referenced element declares its default namespace itself, so its subset form equals
    // the canonical form of the element as a document of its own, which xmllint computes.
    let cases = [
        (
            "signed-info",
            "<SignedInfo",
            "</SignedInfo>",
            canonicalize_signed_info(&xml).expect("c14n"),
        ),
        (
            "key-info",
            "<KeyInfo",
            "</KeyInfo>",
            canonicalize_element_by_id(&xml, "bidKeyInfo").expect("c14n"),
        ),
        (
            "signed-data",
            "<bankIdSignedData",
            "</bankIdSignedData>",
            canonicalize_element_by_id(&xml, "bidSignedData").expect("c14n"),
        ),
    ];
    for (name, open, close, ours) in cases {
        let start = xml.find(open).expect("element present");
        let end = xml.find(close).expect("element closed") + close.len();
        let path = dir.path().join(format!("{name}.xml"));
        std::fs::write(&path, &xml[start..end]).expect("written");
        let output = std::process::Command::new(xmllint)
            .arg("--c14n")
            .arg(&path)
            .output()
            .expect("xmllint runs");
        assert!(output.status.success(), "xmllint accepts {name}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&ours),
            "our canonical form of {name} is xmllint's"
        );
    }
}

#[test]
fn the_signing_time_is_read_from_the_ocsp_response() {
    let signature = sign_document(
        ca(),
        &SignInput {
            user_visible_data: VISIBLE,
            user_non_visible_data: Some(BINDING),
            personal_number: ANNA,
            name: "Anna Andersson",
            signed_at: at(2026, 6, 1),
            certificate_validity: (at(2026, 1, 1), at(2027, 1, 1)),
        },
    )
    .expect("the fake signs");
    assert_eq!(
        assistid_bankid::ocsp_produced_at(&signature.ocsp_der),
        Some(at(2026, 6, 1)),
        "producedAt is when the signature was made"
    );
    assert_eq!(
        assistid_bankid::ocsp_produced_at(b"\x30\x00"),
        None,
        "garbage gives no time"
    );
}
