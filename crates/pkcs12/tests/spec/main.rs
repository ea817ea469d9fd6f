//! The certificate-file reader shared by FK's client certificate and BankID's RP certificate,
//! as specifications: the files real exporters write open (and only with their password), keys
//! are paired with their certificates by public key, the TLS client key is chosen by its
//! certificate's usage, and damaged or hostile files give errors — never a panic, never
//! unbounded work. The end-to-end proofs over mutual TLS are in `assistid-elt`'s spec (fake
//! FK) and `assistid-bankid`'s (fake BankID).

mod formats;
mod hostile;
mod p12_writer;
mod pairing;
mod support;
