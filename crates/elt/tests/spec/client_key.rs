//! The right client certificate (issue 15): of the keys in a PKCS#12 file, the one whose
//! certificate may authenticate a TLS client is presented; when several may, the user picks
//! one by name or serial number.

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
