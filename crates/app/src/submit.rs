//! Submitting signed reports to Försäkringskassan through the durable outbox.
//!
//! The flow for a month ([`App::submit_month`](crate::App::submit_month)):
//! 1. the month review brings the stored report versions up to date with the data;
//! 2. every current report version that is fully signed — both signatures binding its exact
//!    frozen bytes — and has no live submission is queued; the others are listed as skipped with
//!    the reason (not signed, rejected unchanged, uncertain, already accepted);
//! 3. the queue is sent through one shared [`Pacer`] (at most one request start per second by
//!    default, a few in flight): each submission is checked again, marked `sending` in a
//!    committed transaction, sent, and its outcome — with FK's raw answer — committed;
//! 4. transient failures (FK certainly did not get the report) are retried with exponential
//!    backoff and jitter, still through the pacer; uncertain ones wait for the user's decision
//!    ([`App::resolve_uncertain`](crate::App::resolve_uncertain)); rejections keep FK's message verbatim.
//!
//! Logs carry submission ids, attempt numbers and error codes only — never personnummer, names
//! or message bodies.

mod answer;
mod binding;
pub mod connection;
pub mod pacer;
mod queue;
mod recovery;
pub mod relay;
mod request;
mod send;
pub(crate) use send::run_to_end;
mod views;

use chrono::{DateTime, Utc};

pub use assistid_elt::{CertStatus, Environment};
pub use assistid_store::{DataKind, SubmissionAttempt, SubmissionId, SubmissionState};
pub use binding::{BindingError, binding_entries, signature_binds};
pub use connection::{
    CLIENT_CERT_PASSWORD_ENV, ConnectOptions, DEMO_FK_JOURNAL, DemoFkSetup, ELT_CLIENT_CERT_KEY,
    EltConnection, PROXY_ENV, StandInFk, system_proxy_is_set,
};
pub use pacer::{Pacer, PacerPermit, PacingConfig, PacingError, StartTurn};
pub use relay::{RelayFollow, RelayStatus, SENDING_MODE_KEY, SendingMode};

use answer::interpret;
pub use answer::{CATALOG, templates, uncertain_advice, uncertain_advice_text};
pub use recovery::Decision;
pub use request::NotReady;
use request::not_ready;
/// The templates of a report stopped before sending ([`NotReady::text`]).
pub use request::{CATALOG as NOT_READY_CATALOG, templates as not_ready_templates};
pub use send::{RetryPolicy, RunStop, SENDER_LOCK_POLL, SendRun};
pub use views::{SkippedReport, SubmissionView, SubmitSummary, state_label_in};

/// A source of the current time, passed in so the use case never reads the clock itself.
pub type Clock<'a> = &'a (dyn Fn() -> DateTime<Utc> + Sync);

/// SHA-256 of bytes as lowercase hex (the outbox's `document_sha256`).
mod sha2_digest {
    pub(super) fn digest(bytes: &[u8]) -> String {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(bytes))
    }
}
