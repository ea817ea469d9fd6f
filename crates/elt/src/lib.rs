//! # assistid-elt
//!
//! Försäkringskassan's ELT service (`SkickaTidredovisning`, SOAP 1.1 over mutual TLS) for
//! Assistid, free of desktop assumptions so a relay service can use it for many installations:
//!
//! - [`envelope`]: the request, built by a pure function exactly per FK's WSDL and schema;
//! - [`response`]: FK's receipt (`tx-id`), FK's two faults, other SOAP faults and unexpected
//!   answers, read by a pure function; the raw [`response::ResponseRecord`] to store;
//! - [`client`]: the HTTPS transport with the provider's PKCS#12 certificate, a pinned CA or the
//!   system roots, timeouts, and errors classified for the outbox;
//! - [`error`]: [`error::EltError`] and its [`error::Disposition`]: transient (safe to retry),
//!   uncertain (never resend automatically), rejected (final), configuration;
//! - [`identity`]: reading the certificate file and its expiry health;
//! - [`environment`]: demo / test / prod and the guard against mixing demo and real data.
//!
//! Nothing here reads the clock: times are passed in. Pacing (one call per second) belongs to
//! the caller: one [`client::EltClient::submit`] is exactly one request.
//!
//! ## Running inside a relay service
//! FK's certificate and its one-call-per-second limit belong to the system vendor across all
//! customers. A relay would hold one [`client::EltClient`] (the vendor's certificate) shared by
//! all installations, put one global pacer in front of it, and accept from installations only
//! envelopes built with [`envelope::build_request`] plus the report id/hash they bind (so the
//! relay can re-check the binding); it would store each [`response::ResponseRecord`] and return
//! it to the installation. Nothing in this crate keeps global state, so that needs no change
//! here.
//!
//! ```
//! use assistid_elt::response::parse_response;
//! use assistid_elt::error::Disposition;
//! let fault = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
//!   <soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>fel</faultstring>
//!   <detail><XmlValidationError xmlns="urn:shs:emottagning:SkickaTidredovisning:1">
//!   <message>cvc-pattern-valid: '8.30'</message></XmlValidationError></detail>
//!   </soap:Fault></soap:Body></soap:Envelope>"#;
//! let error = parse_response(500, fault).expect_err("a fault");
//! assert_eq!(error.fk_message(), Some("cvc-pattern-valid: '8.30'"));
//! assert_eq!(error.disposition(), Disposition::Rejected);
//! ```
#![deny(missing_docs)]

pub mod client;
pub mod connection;
pub mod envelope;
pub mod environment;
pub mod error;
pub mod identity;
pub mod response;
pub mod texts;

pub use client::{
    EltClient, EltClientBuilder, EltTransport, HttpsTransport, PreparedConnection, SubmitAttempt,
    Timeouts,
};
pub use envelope::{SignatureBlock, SubmitRequest, build_request};
pub use environment::{
    Environment, EnvironmentConfig, TrustAnchor, check_data_matches_environment,
};
pub use error::{Disposition, EltError};
pub use identity::{CertHealth, CertStatus, CertificateInfo, ClientIdentity, ca_certificates_info};
pub use response::{RawAnswer, ResponseRecord, TxId, parse_response};
