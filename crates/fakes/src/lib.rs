//! # assistid-fakes
//!
//! Fake Försäkringskassan ELT and fake BankID RP v6 servers for tests and the demo mode. Both are
//! real HTTPS servers on loopback with mutual TLS and certificates generated at start-up.
#![deny(missing_docs)]

pub mod bankid;
pub mod fk;
pub mod pkcs12;
pub mod pki;
pub mod raw_https;
