//! # assistid-bankid
//!
//! A client for BankID's Relying Party API v6.0, as Assistid needs it to have time reports
//! signed: `/sign`, `/phone/sign` (an order for a user in a telephone call with the relying
//! party), `/collect` and `/cancel` over mutual TLS ([`client`]), the JSON shapes
//! written to survive new fields and codes ([`types`]), BankID's error table as behaviour
//! ([`error`]), the recommended user messages in Swedish and English ([`messages`]), the
//! animated QR code ([`qr`]), the same-device start on this computer ([`launch`]), a UI-free
//! order driver ([`order`]), a full check of the XML
//! signature BankID returns ([`signature`]) against BankID's user-certificate roots, shipped
//! and pinned ([`user_roots`]), and of the OCSP response beside it ([`ocsp`]).
//!
//! ```
//! use assistid_bankid::{messages, qr, types};
//! use assistid_core::secret::Sensitive;
//!
//! let data = types::SignData::new("Tidredovisning mars 2026", Some(b"r1,abc")).expect("short");
//! assert_eq!(data.user_non_visible_data(), Some("cjEsYWJj"));
//!
//! let secret = Sensitive::new("d28db9a7-4cde-429e-a983-359be676944c".to_owned());
//! let content = qr::qr_content("67df3917-fa0d-44e5-b327-edcc928297f8", &secret, 1);
//! assert!(content.ends_with(".1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"));
//!
//! let hint = types::HintCode::parse("someNewCode");
//! let m = messages::message(
//!     messages::MessageKey::Failed(Some(&hint)),
//!     messages::StartMode::Qr,
//!     messages::Lang::Sv,
//! );
//! assert_eq!((m.id, m.text), ("RFA22", "Okänt fel. Försök igen."));
//! ```
#![deny(missing_docs)]

pub mod client;
pub mod error;
pub mod launch;
pub mod messages;
pub mod ocsp;
pub mod order;
pub mod qr;
pub mod signature;
pub mod types;
pub mod user_roots;

pub use client::{Client, ClientBuilder, Environment, RetryPolicy};
pub use error::BankIdError;
pub use messages::{Lang, Message, MessageKey, StartMode, message};
pub use ocsp::{
    OcspError, OrderWindow, ProvenSignature, VerifiedOcsp, verify_ocsp, verify_signature_with_ocsp,
};
pub use order::{
    CancelSignal, DriveOptions, OrderEvent, OrderOutcome, StartedOrder, autostart_url,
};
pub use signature::{
    Expected, SignatureError, SignedDocument, VerifiedSignature, ocsp_produced_at, verify_document,
    verify_signature,
};
pub use types::{
    CallInitiator, CompletionData, ErrorCode, HintCode, PhoneRequirement, PhoneSignRequest,
    SignData, SignRequest,
};
