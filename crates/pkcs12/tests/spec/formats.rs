//! The files real exporters write: OpenSSL 3's default (PBES2 with AES), OpenSSL 1.x's and
//! Windows' (3DES, SHA-1 MAC), OpenSSL's `-legacy` (RC2-40 certificates) and a file without a
//! MAC. Each opens with its password, presents the leaf with its CA, and refuses another
//! password as the password.

use assistid_core::secret::Sensitive;
use assistid_pkcs12::{Pkcs12Error, client_key, read};

use crate::support::{PASSWORD, client_certificate, openssl_export, password};

#[test]
fn files_exported_by_openssl_open_with_the_encryptions_real_files_use() {
    let cert = client_certificate();
    let ca_der = cert.chain_der().pop().expect("leaf and CA");
    let cases: [(&str, &[&str]); 5] = [
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
        (
            "nothing encrypted and no MAC",
            &["-keypbe", "NONE", "-certpbe", "NONE", "-nomac"],
        ),
    ];
    for (what, options) in cases {
        let file = openssl_export(&cert, options);
        let contents = read(&file, PASSWORD)
            .unwrap_or_else(|e| panic!("{what}: the file is read with its password: {e}"));
        assert_eq!(
            (contents.keys.len(), contents.certificates.len()),
            (1, 2),
            "{what}: one key, the leaf and its CA"
        );
        let key = client_key(&file, &password(), None)
            .unwrap_or_else(|e| panic!("{what}: the client key is found: {e}"));
        assert_eq!(
            key.chain_der(),
            [cert.cert_der().to_vec(), ca_der.clone()],
            "{what}: the chain is the leaf, then its CA"
        );
        assert!(
            key.description().alias == "Omsorg AB"
                && key.description().subject.contains("CN=Omsorg AB"),
            "{what}: the key is named as exported and its certificate described: {:?}",
            key.description()
        );
        let pem = String::from_utf8(key.to_pem().expose().clone()).expect("PEM is text");
        assert!(
            pem.starts_with("-----BEGIN PRIVATE KEY-----\n")
                && pem.matches("-----BEGIN CERTIFICATE-----").count() == 2,
            "{what}: the PEM holds the key, then both certificates"
        );
        if !options.contains(&"-nomac") {
            let wrong = client_key(&file, &Sensitive::new("fel-lösen".to_owned()), None)
                .expect_err("a wrong password must not open the file");
            assert_eq!(
                wrong,
                Pkcs12Error::WrongPassword,
                "{what}: a wrong password is said to be the password"
            );
        }
    }
}

#[test]
fn without_a_mac_a_wrong_password_is_still_the_password() {
    let cert = client_certificate();
    let file = openssl_export(&cert, &["-nomac"]);
    let wrong = client_key(&file, &Sensitive::new("fel-lösen".to_owned()), None)
        .expect_err("nothing decrypts with another password");
    assert_eq!(
        wrong,
        Pkcs12Error::WrongPassword,
        "a file without a MAC whose parts do not decrypt was opened with the wrong password"
    );
    assert!(wrong.to_string().contains("fel lösenord"), "{wrong}");
}
