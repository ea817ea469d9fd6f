//! The RP certificate file, read by the reader FK's certificate uses too (`assistid-pkcs12`):
//! a file whose bags carry no localKeyId works over mutual TLS with the fake BankID (the key is
//! paired with its certificate by public key), and a file with several keys for client
//! authentication is refused with their list unless one is chosen — the FK rule.

use assistid_bankid::client::pkcs12_to_pem;
use assistid_bankid::types::{SignData, SignRequest};
use assistid_bankid::{BankIdError, Client, Environment};
use assistid_core::secret::Sensitive;
use assistid_fakes::bankid::FakeBankId;
use assistid_pkcs12::{FileContents, read};

use crate::p12_writer::{self, Bag, Content};
use crate::support::{PASSWORD, fast};

fn password() -> Sensitive<String> {
    Sensitive::new(PASSWORD.to_owned())
}

/// An RP certificate the fake accepts, read back into its key and its certificates (leaf, CA).
fn issued(fake: &FakeBankId) -> FileContents {
    let p12 = fake
        .client_pkcs12(PASSWORD)
        .expect("the fake issues an RP certificate");
    read(&p12, PASSWORD).expect("the issued file is read")
}

fn key_of(contents: &FileContents) -> Vec<u8> {
    contents.keys.first().expect("a key").pkcs8.expose().clone()
}

fn certificate(contents: &FileContents, n: usize) -> Vec<u8> {
    contents
        .certificates
        .get(n)
        .expect("leaf and CA")
        .der
        .clone()
}

/// One sign order through a client with `file` (and `choice`): the fake answers only over a
/// handshake in which the client presented a certificate it issued, with that certificate's key.
async fn fake_accepts_an_order_with(fake: &FakeBankId, file: &[u8], choice: Option<&str>) {
    let client = Client::builder(Environment::Custom(fake.ssl_root_pem().to_owned()))
        .base_url(fake.base_url())
        .identity_pkcs12_choosing(file, &password(), choice)
        .unwrap_or_else(|e| panic!("the RP file opens with its password: {e}"))
        .build()
        .expect("the client builds");
    let data = SignData::new("Tidredovisning mars 2026", None).expect("short");
    let before = fake.requests().len();
    client
        .sign(&SignRequest::new("127.0.0.1", &data, None))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "the handshake with the file's key and certificate succeeds and BankID answers: {e}"
            )
        });
    assert_eq!(
        fake.requests().len(),
        before + 1,
        "the fake BankID received the order over mutual TLS"
    );
}

#[tokio::test]
async fn an_rp_file_without_local_key_id_works_over_mutual_tls() {
    let fake = FakeBankId::start(fast())
        .await
        .expect("the fake BankID starts");
    let contents = issued(&fake);
    // No localKeyId and no name anywhere, the CA first and the key last: p12-keystore, which
    // read RP files before, found no key in such a file.
    let bare = p12_writer::write(
        &[
            Bag::bare(Content::Certificate(certificate(&contents, 1))),
            Bag::bare(Content::Certificate(certificate(&contents, 0))),
            Bag::bare(Content::Key(key_of(&contents))),
        ],
        PASSWORD,
    );
    let pem = pkcs12_to_pem(&bare, &password()).expect("the key is paired by public key");
    assert!(
        pem.expose().starts_with("-----BEGIN PRIVATE KEY-----\n")
            && pem.expose().matches("-----BEGIN CERTIFICATE-----").count() == 2,
        "the key, then the leaf and its CA"
    );
    fake_accepts_an_order_with(&fake, &bare, None).await;
}

#[tokio::test]
async fn an_rp_file_with_two_login_keys_is_refused_with_the_list_unless_one_is_chosen() {
    let fake = FakeBankId::start(fast())
        .await
        .expect("the fake BankID starts");
    let first = issued(&fake);
    let second = issued(&fake);
    let file = p12_writer::write(
        &[
            Bag::bare(Content::Certificate(certificate(&first, 0))),
            Bag::bare(Content::Certificate(certificate(&second, 0))),
            Bag::bare(Content::Certificate(certificate(&first, 1))),
            Bag {
                content: Content::Key(key_of(&first)),
                local_key_id: None,
                friendly_name: Some("rp-1".to_owned()),
            },
            Bag {
                content: Content::Key(key_of(&second)),
                local_key_id: None,
                friendly_name: Some("rp-2".to_owned()),
            },
        ],
        PASSWORD,
    );
    let err = pkcs12_to_pem(&file, &password()).expect_err("two keys may log in: no guess");
    let BankIdError::Config(message) = &err else {
        panic!("a file that cannot be used is a configuration error: {err:?}");
    };
    assert!(
        message.contains("flera nycklar")
            && message.contains("\"rp-1\"")
            && message.contains("\"rp-2\""),
        "the message lists the keys by name: {message}"
    );
    fake_accepts_an_order_with(&fake, &file, Some("rp-2")).await;
}
