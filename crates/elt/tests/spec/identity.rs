//! The provider's certificate file: opened with its password, its expiry read and explained.

use assistid_core::secret::Sensitive;
use assistid_elt::{CertStatus, ClientIdentity, EltClient, EltError, TrustAnchor};
use assistid_fakes::pki::{CertSubject, TestCa};
use chrono::{DateTime, TimeZone, Utc};

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
        .single()
        .expect("valid")
}

fn p12(not_before: DateTime<Utc>, not_after: DateTime<Utc>, password: &str) -> (TestCa, Vec<u8>) {
    let ca = TestCa::new("Fake Expisoft CA").expect("CA");
    let cert = ca
        .issue_client_cert(
            &CertSubject::new("Omsorg AB").with_organization("Omsorg AB"),
            not_before,
            not_after,
        )
        .expect("client certificate");
    let file = cert.to_pkcs12(password).expect("PKCS#12");
    (ca, file)
}

fn password(p: &str) -> Sensitive<String> {
    Sensitive::new(p.to_owned())
}

#[test]
fn opens_with_the_right_password_and_reads_subject_issuer_and_expiry() {
    let (_, file) = p12(at(2025, 6, 1), at(2027, 6, 1), "rätt");
    let identity = ClientIdentity::from_pkcs12(&file, &password("rätt")).expect("opens");
    let info = identity.info();
    assert!(
        info.subject.contains("Omsorg AB"),
        "subject: {}",
        info.subject
    );
    assert!(
        info.issuer.contains("Fake Expisoft CA"),
        "issuer: {}",
        info.issuer
    );
    assert_eq!(info.not_after.timestamp(), at(2027, 6, 1).timestamp());
    assert_eq!(identity.health(at(2026, 11, 26)).status, CertStatus::Ok);
}

#[test]
fn wrong_password_and_garbage_give_clear_errors() {
    let (_, file) = p12(at(2025, 6, 1), at(2027, 6, 1), "rätt");
    let wrong = ClientIdentity::from_pkcs12(&file, &password("fel")).expect_err("wrong password");
    assert!(
        matches!(wrong, EltError::WrongCertificatePassword),
        "{wrong:?}"
    );
    assert!(wrong.to_string().contains("Fel lösenord"), "{wrong}");
    assert!(wrong.is_configuration());

    let garbage =
        ClientIdentity::from_pkcs12(b"not a certificate", &password("x")).expect_err("garbage");
    assert!(
        matches!(garbage, EltError::InvalidCertificateFile { .. }),
        "{garbage:?}"
    );
}

#[test]
fn expired_certificate_says_so_with_its_date_and_the_builder_refuses_it() {
    let (ca, file) = p12(at(2024, 6, 1), at(2026, 6, 1), "pw");
    let identity = ClientIdentity::from_pkcs12(&file, &password("pw")).expect("opens");
    let health = identity.health(at(2026, 11, 26));
    assert_eq!(health.status, CertStatus::Expired);
    assert_eq!(health.expires_on.to_string(), "2026-06-01");
    assert!(
        health.message.contains("2026-06-01") && health.message.contains("Expisoft"),
        "the message names the date and where to renew: {}",
        health.message
    );

    let soon = identity.health(at(2026, 5, 20));
    assert_eq!(
        soon.status,
        CertStatus::ExpiresSoon,
        "12 days before expiry warns"
    );
    assert_eq!(soon.days_left, 12);

    let refused = EltClient::builder()
        .endpoint("https://127.0.0.1:1/elt")
        .identity(file, password("pw"))
        .trust(TrustAnchor::PinnedCa(ca.cert_pem().to_owned()))
        .refuse_expired_at(at(2026, 11, 26))
        .build()
        .expect_err("an expired certificate must not be used");
    match refused {
        EltError::ClientCertificateExpired { expired_on } => {
            assert_eq!(expired_on.to_string(), "2026-06-01")
        }
        other => panic!("expected ClientCertificateExpired, got {other:?}"),
    }
}

#[test]
fn neither_the_password_nor_the_key_reaches_debug_output() {
    let (ca, file) = p12(at(2025, 6, 1), at(2027, 6, 1), "hemligt-lösen");
    let identity = ClientIdentity::from_pkcs12(&file, &password("hemligt-lösen")).expect("opens");
    let debug = format!("{identity:?}");
    assert!(
        !debug.contains("PRIVATE KEY"),
        "the key must not be printed: {debug}"
    );
    let builder = EltClient::builder()
        .endpoint("https://127.0.0.1:1/elt")
        .identity(file, password("hemligt-lösen"))
        .trust(TrustAnchor::PinnedCa(ca.cert_pem().to_owned()));
    let debug = format!("{builder:?}");
    assert!(
        !debug.contains("hemligt"),
        "the password must not be printed: {debug}"
    );
}
