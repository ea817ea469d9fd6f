//! Keys paired with their certificates by public key, and the key that authenticates a TLS
//! client chosen by its certificate's usage: files without (or with a misleading) localKeyId,
//! several keys, a key without its certificate.

use assistid_pkcs12::{Lacking, Pkcs12Error, client_key, client_key_candidates, read};

use crate::p12_writer::{self, Bag, Content};
use crate::support::{PASSWORD, client_certificate, password, rsa_pair, signing_pair};

#[test]
fn a_key_and_certificate_without_local_key_id_are_paired_by_public_key() {
    let cert = client_certificate();
    let ca_der = cert.chain_der().pop().expect("leaf and CA");
    // A signing key and its certificate beside the login key, none of them named or tied by a
    // localKeyId, the certificates before the keys and the signing key first.
    let (signing_key, signing_cert) = signing_pair();
    let bare = p12_writer::write(
        &[
            Bag::bare(Content::Certificate(ca_der.clone())),
            Bag::bare(Content::Certificate(signing_cert)),
            Bag::bare(Content::Certificate(cert.cert_der().to_vec())),
            Bag::bare(Content::Key(signing_key)),
            Bag::bare(Content::Key(cert.key_der().to_vec())),
        ],
        PASSWORD,
    );
    let contents = read(&bare, PASSWORD).expect("the file is read");
    assert_eq!(
        (contents.keys.len(), contents.certificates.len()),
        (2, 3),
        "bags without localKeyId are kept, not dropped"
    );
    let key = client_key(&bare, &password(), None)
        .expect("only the login key's certificate allows client authentication");
    assert_eq!(
        key.key_pkcs8(),
        cert.key_der(),
        "the login key is presented, not the signing key"
    );
    assert_eq!(
        key.chain_der(),
        [cert.cert_der().to_vec(), ca_der],
        "with the certificate of its public key, then that certificate's issuer"
    );
    assert!(
        key.description().alias.contains("Omsorg AB"),
        "a key without a name is listed under its certificate's subject: {:?}",
        key.description()
    );
}

#[test]
fn a_misleading_local_key_id_does_not_pair_a_key_with_another_keys_certificate() {
    let cert = client_certificate();
    let ca_der = cert.chain_der().pop().expect("leaf and CA");
    // The login key's id is the CA certificate's, as a careless exporter might write it.
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
    let key = client_key(&misleading, &password(), None).expect("paired by public key");
    assert_eq!(
        key.chain_der().first().map(Vec::as_slice),
        Some(cert.cert_der()),
        "the leaf is presented, not the certificate the misleading localKeyId names"
    );
    assert_eq!(
        key.description().alias,
        "inloggning",
        "an unnamed key takes its certificate's name"
    );
}

#[test]
fn several_login_keys_are_listed_and_one_is_chosen_by_serial_or_name_never_guessed() {
    let (old_key, old_cert) = rsa_pair("Omsorg AB 2024");
    let (new_key, new_cert) = rsa_pair("Omsorg AB 2026");
    let file = p12_writer::write(
        &[
            Bag::bare(Content::Certificate(new_cert)),
            Bag::bare(Content::Certificate(old_cert)),
            Bag::bare(Content::Key(old_key)),
            Bag {
                content: Content::Key(new_key),
                local_key_id: None,
                friendly_name: Some("ny".to_owned()),
            },
        ],
        PASSWORD,
    );
    let err = client_key(&file, &password(), None).expect_err("two login keys: the user chooses");
    let Pkcs12Error::SeveralClientKeys { candidates } = &err else {
        panic!("two keys that may log in are refused with their list, not guessed: {err:?}");
    };
    assert_eq!(candidates.len(), 2, "{candidates:?}");
    let message = err.to_string();
    assert!(
        message.contains("\"ny\"") && message.contains("CN=Omsorg AB 2024"),
        "the message lists both keys by name: {message}"
    );
    let listed = client_key_candidates(&file, &password()).expect("listed");
    assert_eq!(&listed, candidates, "the list is the one the refusal names");
    for candidate in &listed {
        let by_serial = client_key(
            &file,
            &password(),
            Some(&candidate.serial.to_uppercase().replace(':', "")),
        )
        .expect("chosen by serial number, whatever its case and colons");
        assert_eq!(
            by_serial.description(),
            candidate,
            "the serial number picks that certificate"
        );
    }
    let by_name = client_key(&file, &password(), Some("ny")).expect("chosen by name");
    assert!(by_name.description().subject.contains("2026"));
    let wrong = client_key(&file, &password(), Some("finns-inte"))
        .expect_err("a choice that names no candidate");
    assert!(
        matches!(wrong, Pkcs12Error::SeveralClientKeys { .. }),
        "a choice naming none of them is refused with the list: {wrong:?}"
    );
}

#[test]
fn files_without_a_usable_client_key_say_what_is_missing() {
    let (signing_key, signing_cert) = signing_pair();
    let (key, _) = rsa_pair("Omsorg AB");
    let (_, other_cert) = rsa_pair("Någon annan");
    let cases = [
        (
            "only a signing key",
            vec![
                Bag::bare(Content::Certificate(signing_cert.clone())),
                Bag::bare(Content::Key(signing_key)),
            ],
            "clientAuth",
            Lacking::ClientAuth,
        ),
        (
            "a certificate for another key, whatever the localKeyId says",
            vec![
                Bag {
                    content: Content::Certificate(other_cert),
                    local_key_id: Some(vec![9; 20]),
                    friendly_name: None,
                },
                Bag {
                    content: Content::Key(key.clone()),
                    local_key_id: Some(vec![9; 20]),
                    friendly_name: None,
                },
            ],
            "hör ihop",
            Lacking::MatchingCertificate,
        ),
        (
            "a key without any certificate",
            vec![Bag::bare(Content::Key(key))],
            "inget certifikat",
            Lacking::Certificate,
        ),
        (
            "certificates only",
            vec![Bag::bare(Content::Certificate(signing_cert))],
            "ingen privat nyckel",
            Lacking::PrivateKey,
        ),
    ];
    for (what, bags, says, lacks) in cases {
        let file = p12_writer::write(&bags, PASSWORD);
        let err = client_key(&file, &password(), None).expect_err(what);
        assert!(
            matches!(&err, Pkcs12Error::NoClientKey { reason, .. } if reason.contains(says)),
            "{what}: the file opens but has no client key, and the message says why ({says}): \
             {err:?}"
        );
        assert!(
            matches!(&err, Pkcs12Error::NoClientKey { lacking, .. } if *lacking == lacks),
            "{what}: the error names what is missing ({lacks:?}) for callers that tell the \
             cases apart without reading the text: {err:?}"
        );
    }
}
