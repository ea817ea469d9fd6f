//! The right client certificate (issue 15): of the keys in a PKCS#12 file, the one whose
//! certificate may authenticate a TLS client is presented; when several may, the user picks
//! one by name or serial number. Keys are paired with their certificates by public key, so files
//! whose bags carry no (or a wrong) localKeyId work; files come from `openssl pkcs12 -export`
//! with each encryption real files use, and from a writer of our own for layouts openssl cannot
//! make (crates/pkcs12/tests/spec/p12_writer.rs). The reader's own cases (formats, pairing,
//! hostile files) are specified in `assistid-pkcs12`'s spec; here, FK's end of them: the
//! choice among keys and the handshake with the fake FK.

use assistid_core::secret::Sensitive;
use assistid_elt::identity::client_key_candidates;
use assistid_elt::{ClientIdentity, EltError};
use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKeyChain};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

const PASSWORD: &str = "nyckelfil";

/// One key of the file: its name, common name and what its certificate allows.
struct Key {
    alias: &'static str,
    common_name: &'static str,
    eku: Vec<ExtendedKeyUsagePurpose>,
    usage: Vec<KeyUsagePurpose>,
}

/// A PKCS#12 file with these keys, all issued by one CA, like a vendor's file with an
/// authentication and a signing key.
fn file_with(keys: &[Key]) -> Vec<u8> {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Fake Expisoft CA");
    ca_params.distinguished_name = dn;
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, &ca_key);
    let mut store = KeyStore::new();
    for (n, key) in keys.iter().enumerate() {
        let leaf_key = KeyPair::generate().expect("leaf key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("leaf params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, key.common_name);
        params.distinguished_name = dn;
        params.extended_key_usages = key.eku.clone();
        params.key_usages = key.usage.clone();
        let leaf = params
            .signed_by(&leaf_key, &issuer)
            .expect("leaf certificate");
        let chain = PrivateKeyChain::new(
            leaf_key.serialize_der(),
            [u8::try_from(n).expect("few keys") + 1; 20],
            [
                Certificate::from_der(leaf.der()).expect("leaf DER"),
                Certificate::from_der(ca_cert.der()).expect("CA DER"),
            ],
        );
        store.add_entry(key.alias, KeyStoreEntry::PrivateKeyChain(chain));
    }
    store.writer(PASSWORD).write().expect("PKCS#12 written")
}

fn password() -> Sensitive<String> {
    Sensitive::new(PASSWORD.to_owned())
}

fn authentication(alias: &'static str, common_name: &'static str) -> Key {
    Key {
        alias,
        common_name,
        eku: vec![ExtendedKeyUsagePurpose::ClientAuth],
        usage: vec![KeyUsagePurpose::DigitalSignature],
    }
}

fn signing_only() -> Key {
    Key {
        alias: "a-underskrift",
        common_name: "Omsorg AB underskrift",
        eku: vec![ExtendedKeyUsagePurpose::EmailProtection],
        usage: vec![KeyUsagePurpose::ContentCommitment],
    }
}

#[test]
fn the_key_for_client_authentication_is_chosen_over_a_signing_key() {
    // The signing key's alias sorts first: the old code took whichever came first.
    let file = file_with(&[signing_only(), authentication("b-inloggning", "Omsorg AB")]);
    let identity = ClientIdentity::from_pkcs12(&file, &password())
        .expect("one key may authenticate a client: it is the one used");
    assert!(
        identity.info().subject.contains("CN=Omsorg AB")
            && !identity.info().subject.contains("underskrift"),
        "the authentication key's certificate is presented, not the signing one: {}",
        identity.info().subject
    );
}

#[test]
fn several_candidates_are_listed_and_the_user_picks_by_name_or_serial() {
    let file = file_with(&[
        authentication("gammal", "Omsorg AB 2024"),
        authentication("ny", "Omsorg AB 2026"),
        signing_only(),
    ]);
    let err = ClientIdentity::from_pkcs12(&file, &password())
        .expect_err("two keys may log in: guessing would present the wrong one half the time");
    assert!(matches!(err, EltError::SeveralClientKeys { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("\"gammal\"")
            && message.contains("\"ny\"")
            && !message.contains("a-underskrift")
            && message.contains("--client-cert-key"),
        "the message lists the candidates (not the signing key) and how to choose: {message}"
    );

    let candidates = client_key_candidates(&file, &password()).expect("listed");
    assert_eq!(candidates.len(), 2, "{candidates:?}");
    let by_name = ClientIdentity::from_pkcs12_choosing(&file, &password(), Some("ny"))
        .expect("chosen by name");
    assert!(by_name.info().subject.contains("2026"));
    let old = candidates
        .iter()
        .find(|c| c.alias == "gammal")
        .expect("listed by name");
    let by_serial = ClientIdentity::from_pkcs12_choosing(
        &file,
        &password(),
        Some(&old.serial.to_uppercase().replace(':', "")),
    )
    .expect("chosen by serial number, whatever its case and colons");
    assert!(by_serial.info().subject.contains("2024"));
    let wrong = ClientIdentity::from_pkcs12_choosing(&file, &password(), Some("finns-inte"))
        .expect_err("a choice that names no candidate");
    assert!(
        matches!(wrong, EltError::SeveralClientKeys { .. }),
        "{wrong:?}"
    );
}

#[test]
fn a_file_with_only_a_signing_key_says_so() {
    let file = file_with(&[signing_only()]);
    let err = ClientIdentity::from_pkcs12(&file, &password()).expect_err("no login key");
    assert!(
        err.to_string().contains("clientAuth"),
        "the message says what is missing: {err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Keys paired with their certificates by public key; files as real exporters write them.
// ---------------------------------------------------------------------------------------------

use assistid_elt::{EltClient, TrustAnchor};
use assistid_fakes::fk::{FakeFk, FakeFkConfig, FakeFkHandle, RecordedOutcome};
use assistid_fakes::pki::{CertSubject, IssuedCert};

use crate::p12_writer::{self, Bag, Content};
use crate::pkcs12_support::openssl_export;
use crate::support::{ASSISTANT, bankid_ca, signed_request};

/// A client certificate the fake FK accepts: its key and chain make the TLS handshake only
/// when the key presented is the certificate's.
fn accepted_certificate(fake: &FakeFkHandle) -> IssuedCert {
    fake.client_ca()
        .issue_client_cert_valid_now(&CertSubject::new("Omsorg AB").with_organization("Omsorg AB"))
        .expect("the fake's client CA issues a certificate")
}

/// One report sent over mutual TLS with the file: FK's fake answers with a tx-id only when the
/// client presented the right certificate with the key that belongs to it.
async fn fk_accepts_a_report_with(fake: &FakeFkHandle, file: Vec<u8>, what: &str) {
    let client = EltClient::builder()
        .endpoint(fake.endpoint())
        .identity(file, password())
        .trust(TrustAnchor::PinnedCa(fake.ca_pem().to_owned()))
        .build()
        .unwrap_or_else(|e| panic!("{what}: the client builds with the file: {e}"));
    let before = fake.requests().len();
    let attempt = client
        .submit(&signed_request(&bankid_ca(), ASSISTANT).1)
        .await;
    assert!(
        attempt.outcome.is_ok(),
        "{what}: the handshake with the file's key and certificate succeeds and FK answers: {:?}",
        attempt.outcome
    );
    let requests = fake.requests();
    assert!(
        requests.len() == before + 1
            && matches!(requests[before].outcome, RecordedOutcome::Accepted { .. }),
        "{what}: the fake FK received and accepted the report"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_exported_by_openssl_open_with_the_encryptions_real_files_use() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("the fake FK starts");
    let cert = accepted_certificate(&fake);
    let cases: [(&str, &[&str]); 4] = [
        (
            "OpenSSL 3's default (PBES2: PBKDF2-HMAC-SHA-256 + AES-256-CBC, SHA-256 MAC)",
            &[],
        ),
        (
            "OpenSSL 1.x and Windows (pbeWithSHAAnd3-KeyTripleDES-CBC, SHA-1 MAC)",
            &[
                "-keypbe",
                "PBE-SHA1-3DES",
                "-certpbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1",
            ],
        ),
        (
            "OpenSSL's -legacy (3DES key, pbeWithSHAAnd40BitRC2-CBC certificates)",
            &["-legacy"],
        ),
        ("no MAC at all (-nomac)", &["-nomac"]),
    ];
    for (what, options) in cases {
        let file = openssl_export(&cert, options);
        let identity = ClientIdentity::from_pkcs12(&file, &password())
            .unwrap_or_else(|e| panic!("{what}: the file opens with its password: {e}"));
        assert!(
            identity.info().subject.contains("CN=Omsorg AB"),
            "{what}: the leaf certificate is described, not the CA: {}",
            identity.info().subject
        );
        let wrong = ClientIdentity::from_pkcs12(&file, &Sensitive::new("fel-lösen".to_owned()))
            .expect_err("a wrong password must not open the file");
        assert!(
            matches!(wrong, EltError::WrongCertificatePassword),
            "{what}: a wrong password is said to be the password ({wrong:?})"
        );
        assert!(
            wrong.to_string().contains("Fel lösenord"),
            "{what}: {wrong}"
        );
        fk_accepts_a_report_with(&fake, file, what).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_and_certificate_without_local_key_id_are_paired_by_public_key() {
    let fake = FakeFk::start(FakeFkConfig::default())
        .await
        .expect("the fake FK starts");
    let cert = accepted_certificate(&fake);
    let ca_der = cert.chain_der().pop().expect("leaf and CA");
    // A signing key and its certificate beside the login key, none of them named or tied by
    // a localKeyId, the certificates before the keys and the signing key first.
    let (signing_key, signing_cert) = signing_pair();
    let bare = p12_writer::write(
        &[
            Bag::bare(Content::Certificate(ca_der.clone())),
            Bag::bare(Content::Certificate(signing_cert.clone())),
            Bag::bare(Content::Certificate(cert.cert_der().to_vec())),
            Bag::bare(Content::Key(signing_key.clone())),
            Bag::bare(Content::Key(cert.key_der().to_vec())),
        ],
        PASSWORD,
    );
    let candidates = client_key_candidates(&bare, &password()).expect("the file is read");
    assert_eq!(
        candidates.len(),
        1,
        "every key is found, and only the login key's certificate allows client \
         authentication: {candidates:?}"
    );
    assert!(
        candidates[0].alias.contains("Omsorg AB"),
        "a key without a name is listed under its certificate's subject: {:?}",
        candidates[0].alias
    );
    fk_accepts_a_report_with(&fake, bare, "no localKeyId anywhere").await;

    // A localKeyId is a hint, not the truth: here the login key's id is the CA certificate's,
    // as a careless exporter might write it. Pairing by it would present the CA's certificate.
    let misleading = p12_writer::write(
        &[
            Bag {
                content: Content::Certificate(ca_der),
                local_key_id: Some(vec![1; 20]),
                friendly_name: None,
            },
            Bag {
                content: Content::Certificate(cert.cert_der().to_vec()),
                local_key_id: Some(vec![2; 20]),
                friendly_name: Some("inloggning".to_owned()),
            },
            Bag {
                content: Content::Key(cert.key_der().to_vec()),
                local_key_id: Some(vec![1; 20]),
                friendly_name: None,
            },
        ],
        PASSWORD,
    );
    let identity = ClientIdentity::from_pkcs12(&misleading, &password())
        .expect("the key is paired with the certificate of its public key");
    assert!(
        identity.info().subject.contains("CN=Omsorg AB"),
        "the leaf is presented, not the certificate the misleading localKeyId names: {}",
        identity.info().subject
    );
    let listed = client_key_candidates(&misleading, &password()).expect("read");
    assert_eq!(
        listed.iter().map(|c| c.alias.as_str()).collect::<Vec<_>>(),
        ["inloggning"],
        "an unnamed key takes its certificate's name"
    );
    fk_accepts_a_report_with(&fake, misleading, "a misleading localKeyId").await;
}

/// An ECDSA key and a self-signed certificate for signing only (no clientAuth).
fn signing_pair() -> (Vec<u8>, Vec<u8>) {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Omsorg AB underskrift");
    params.distinguished_name = dn;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
    params.key_usages = vec![KeyUsagePurpose::ContentCommitment];
    let cert = params.self_signed(&key).expect("certificate");
    (key.serialize_der(), cert.der().to_vec())
}
