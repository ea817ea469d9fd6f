//! Specification of the BankID client: QR vectors, messages, JSON shapes, the error table,
//! the order flow against the fake BankID over real mutual TLS, and signature verification.

mod errors;
mod flow;
mod flow_as_prescribed;
mod messages;
mod ocsp;
#[path = "../../../pkcs12/tests/spec/p12_writer.rs"]
mod p12_writer;
mod parsing;
mod phone;
mod qr;
mod real_signatures;
mod rp_certificate;
mod signature;
mod support;
