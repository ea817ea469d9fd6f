//! Specification of the ELT client: the envelope FK expects, how every kind of answer is read,
//! the certificate file and its health, environments, and real mutual TLS against the fake FK.

mod client_key;
mod early_connection;
mod environment;
mod identity;
mod independent_fk;
#[path = "../../../pkcs12/tests/spec/p12_writer.rs"]
mod p12_writer;
// The reader's own spec helpers; this spec uses only `openssl_export`.
#[allow(dead_code, reason = "shared with the pkcs12 spec, which uses the rest")]
#[path = "../../../pkcs12/tests/spec/support.rs"]
mod pkcs12_support;
mod request_envelope;
mod responses;
mod support;
mod texts;
mod transport;
