//! Damaged and hostile files: errors, never a panic, never unbounded work.

use std::time::{Duration, Instant};

use assistid_pkcs12::{MAX_PKCS12_BYTES, Pkcs12Error, client_key};

use crate::p12_writer::{self, Bag, Content, Iterations};
use crate::support::{PASSWORD, password, rsa_pair};

#[test]
fn damaged_files_give_errors_or_the_same_certificate_never_a_panic() {
    let (key, cert) = rsa_pair("Omsorg AB");
    let file = p12_writer::write(
        &[
            Bag::bare(Content::Certificate(cert)),
            Bag::bare(Content::Key(key)),
        ],
        PASSWORD,
    );
    let intact = client_key(&file, &password(), None).expect("the intact file opens");
    // Every truncation, and a flipped bit at many places: an error, or (a flip outside what the
    // MAC covers that changes nothing) the same certificate — never a panic.
    let mut mutations: Vec<Vec<u8>> = (0..file.len()).map(|n| file[..n].to_vec()).collect();
    for at in (0..file.len()).step_by(7) {
        let mut flipped = file.clone();
        flipped[at] ^= 0x10;
        mutations.push(flipped);
    }
    for (n, mutated) in mutations.iter().enumerate() {
        if let Ok(key) = client_key(mutated, &password(), None) {
            assert_eq!(
                key.description(),
                intact.description(),
                "mutation {n}: a damaged file that opens shows the same certificate"
            );
        }
    }
}

#[test]
fn an_iteration_count_past_the_limit_is_refused_before_any_work() {
    let heavy = p12_writer::write_with(
        &[Bag::bare(Content::Certificate(vec![0x30, 0x00]))],
        PASSWORD,
        &Iterations {
            // Just past the limit: the writer has to compute the MAC too.
            mac: 1_000_001,
            encryption: 2048,
        },
    );
    let started = Instant::now();
    let err = client_key(&heavy, &password(), None).expect_err("too heavy");
    assert!(
        matches!(&err, Pkcs12Error::Unreadable { reason } if reason.contains("iterationer"))
            && started.elapsed() < Duration::from_secs(5),
        "a MAC asking for more than a million iterations is refused at once ({:?}): {err}",
        started.elapsed()
    );
    let heavy_key = p12_writer::write_with(
        &[Bag::bare(Content::Key(vec![0x30, 0x00]))],
        PASSWORD,
        &Iterations {
            mac: 2048,
            encryption: 1_000_001,
        },
    );
    let started = Instant::now();
    let err = client_key(&heavy_key, &password(), None).expect_err("too heavy");
    assert!(
        err.to_string().contains("iterationer") && started.elapsed() < Duration::from_secs(5),
        "an encryption asking for more than a million iterations is refused at once ({:?}): {err}",
        started.elapsed()
    );
}

#[test]
fn oversized_and_foreign_files_are_refused_as_unreadable() {
    let huge = vec![0x30; MAX_PKCS12_BYTES + 1];
    let err = client_key(&huge, &password(), None).expect_err("too big");
    assert!(
        matches!(&err, Pkcs12Error::Unreadable { reason } if reason.contains("för stor")),
        "a file larger than any certificate file is refused before it is parsed: {err}"
    );
    for (what, bytes) in [
        ("empty", &b""[..]),
        ("text", &b"-----BEGIN CERTIFICATE-----\nMIIB\n"[..]),
        ("an empty DER sequence", &[0x30, 0x00][..]),
    ] {
        let err = client_key(bytes, &password(), None).expect_err(what);
        assert!(
            matches!(&err, Pkcs12Error::Unreadable { reason } if reason.contains("PKCS#12")),
            "{what}: not a PKCS#12 file, said in Swedish: {err}"
        );
    }
}
