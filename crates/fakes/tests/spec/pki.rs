//! The test PKI issues real X.509 certificates with exactly the validity and subject asked for,
//! and PKCS#12 files that read back with the right password only.

use assistid_fakes::pki::{CertSubject, PkiError, TestCa};
use chrono::{DateTime, TimeZone, Utc};
use p12_keystore::KeyStore;
use x509_parser::prelude::{FromDer, X509Certificate};

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .expect("a fixed valid date")
}

#[test]
fn ca_certificate_is_a_self_signed_ca() {
    let ca = TestCa::new("Assistid test CA").expect("a CA can be generated");
    let (_, cert) = X509Certificate::from_der(ca.cert_der()).expect("the CA DER parses");
    assert!(
        cert.is_ca(),
        "the test CA must carry basicConstraints CA=true"
    );
    assert_eq!(
        cert.subject().to_string(),
        cert.issuer().to_string(),
        "a root CA is its own issuer"
    );
    assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn server_certificate_has_the_asked_names_and_validity() {
    let ca = TestCa::new("Assistid test CA").expect("a CA can be generated");
    let server = ca
        .issue_server_cert(&["localhost", "127.0.0.1"], at(2020, 1, 1), at(2021, 1, 1))
        .expect("an (expired) server certificate can be issued");
    let (_, cert) = X509Certificate::from_der(server.cert_der()).expect("the DER parses");
    assert_eq!(
        cert.validity().not_after.timestamp(),
        at(2021, 1, 1).timestamp(),
        "not_after must be exactly what the caller asked for, so tests can issue expired certs"
    );
    let san = cert
        .subject_alternative_name()
        .expect("the SAN extension parses")
        .expect("a server certificate has a SAN extension");
    assert_eq!(
        san.value.general_names.len(),
        2,
        "both the DNS name and the IP address must be present"
    );
    assert_eq!(
        cert.issuer().to_string(),
        X509Certificate::from_der(ca.cert_der())
            .expect("CA parses")
            .1
            .subject()
            .to_string(),
        "the server certificate is issued by the CA"
    );
    assert_eq!(server.chain_der().len(), 2, "chain is leaf then CA");
}

#[test]
fn client_certificate_carries_the_personnummer_as_subject_serial_number() {
    let ca = TestCa::new("Fake BankID CA").expect("a CA can be generated");
    let subject = CertSubject::new("Anna Andersson")
        .with_serial_number("198001019804")
        .with_given_name("Anna")
        .with_surname("Andersson");
    let signer = ca
        .issue_client_cert(&subject, at(2026, 1, 1), at(2028, 1, 1))
        .expect("a signer certificate can be issued");
    let (_, cert) = X509Certificate::from_der(signer.cert_der()).expect("the DER parses");
    let serial = cert
        .subject()
        .iter_by_oid(&x509_parser::oid_registry::OID_X509_SERIALNUMBER)
        .next()
        .expect("subject serialNumber is present")
        .as_str()
        .expect("serialNumber is a string");
    assert_eq!(serial, "198001019804", "BankID puts the personnummer here");
}

#[test]
fn pkcs12_reads_back_with_the_right_password_only() {
    let ca = TestCa::new("Expisoft-like CA").expect("a CA can be generated");
    let client = ca
        .issue_client_cert(
            &CertSubject::new("Omsorg AB").with_organization("Omsorg AB"),
            at(2026, 1, 1),
            at(2028, 1, 1),
        )
        .expect("a client certificate can be issued");
    let p12 = client
        .to_pkcs12("rätt lösen")
        .expect("PKCS#12 can be written");

    let store = KeyStore::from_pkcs12(&p12, "rätt lösen").expect("the right password opens it");
    let (_, chain) = store
        .private_key_chain()
        .expect("the file holds a key with its chain");
    assert_eq!(
        chain.key(),
        client.key_der(),
        "the key survives the round trip"
    );
    assert_eq!(
        chain.chain().first().map(|c| c.as_der().to_vec()),
        Some(client.cert_der().to_vec()),
        "the leaf certificate comes first"
    );
    assert_eq!(chain.chain().len(), 2, "the CA certificate is included");

    assert!(
        KeyStore::from_pkcs12(&p12, "fel lösen").is_err(),
        "a wrong password must not open the file"
    );
}

#[test]
fn signatures_verify_and_empty_validity_is_refused() {
    let ca = TestCa::new("CA").expect("a CA can be generated");
    let cert = ca
        .issue_client_cert(&CertSubject::new("x"), at(2026, 1, 1), at(2027, 1, 1))
        .expect("issued");
    let signature = cert.sign(b"data").expect("signing works");
    assert!(
        signature.len() > 60,
        "an ECDSA P-256 DER signature is about 70 bytes"
    );
    let refused = ca.issue_client_cert(&CertSubject::new("x"), at(2027, 1, 1), at(2026, 1, 1));
    assert!(
        matches!(refused, Err(PkiError::Validity(_))),
        "not_after before not_before is a caller error"
    );
}
