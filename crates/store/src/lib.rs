//! # assistid-store
//!
//! Assistid's local database: one SQLite file encrypted at rest with SQLCipher (the data is
//! personal and health-related), and the only crate that touches SQL.
//!
//! - **Keys** ([`key`]): 32 random bytes per database, kept in the OS keychain
//!   ([`KeySource::keychain_for_data_dir`]) or, for headless use, in an owner-only key file
//!   ([`KeySource::File`], named by `ASSISTID_KEY_FILE` in the CLI). A wrong or missing key is a
//!   clear error ([`StoreError::WrongKey`], [`StoreError::KeyMissing`]) and never a new empty
//!   database over the old one.
//! - **Schema** ([`schema`]): each table module carries its own migrations; they run in one
//!   transaction, and a database from a newer Assistid is refused ([`StoreError::NewerSchema`]).
//!   WAL mode, foreign keys on.
//! - **Tables**: [`providers`], [`persons`], [`assistants`], [`shifts`] (with a fast,
//!   duplicate-free bulk insert), [`report_versions`] (frozen bytes that never change) and
//!   [`events`] (an append-only audit log). Their typed methods live on [`Store`].
//!
//! Nothing here reads the clock: every timestamp is passed in.
//!
//! ```
//! use assistid_store::{KeySource, Store};
//! use assistid_core::ids::OrgNumber;
//! use assistid_core::model::{Phone, Provider};
//!
//! let dir = tempfile::tempdir()?;
//! let keys = KeySource::File(dir.path().join("assistid.key"));
//! let store = Store::open_in_data_dir(dir.path(), &keys)?;
//! let provider = Provider::new(
//!     "Omsorg AB",
//!     OrgNumber::parse("556677-8899")?,
//!     Some("Karin"),
//!     Phone::parse("08-123 456 78")?,
//! )?;
//! let id = store.add_provider(&provider)?;
//! drop(store);
//!
//! // Reopening with the same key finds the data again.
//! let store = Store::open_in_data_dir(dir.path(), &keys)?;
//! assert_eq!(store.provider(id)?.map(|p| p.provider), Some(provider));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod convert;
pub mod error;
pub mod key;
pub mod schema;
mod store;

pub mod assistants;
pub mod backup;
pub mod events;
pub mod grants;
pub mod outbox;
pub mod owner_only;
pub mod persons;
pub mod privacy;
pub mod providers;
pub mod report_versions;
pub mod sender_lock;
pub mod settings;
pub mod shift_edits;
pub mod shifts;
pub mod signatures;
pub mod teams;

pub use assistants::{AssistantId, StoredAssistant};
pub use error::{Result, StoreError};
pub use events::{Event, EventId, NewEvent};
pub use grants::{GrantId, StoredGrant};
pub use key::{DatabaseKey, KEYCHAIN_SERVICE, KeySource};
pub use outbox::{
    AttemptOutcome, AttemptResult, LastRequest, Resolution, StoredText, Submission,
    SubmissionAttempt, SubmissionId, SubmissionState,
};
pub use persons::{PersonId, StoredPerson};
pub use privacy::{ErasureCounts, Subject};
pub use providers::{ProviderId, StoredProvider};
pub use report_versions::{NewReportVersion, ReportVersion};
pub use sender_lock::{SENDER_LOCK_FILE_NAME, SenderLock};
pub use settings::DataKind;
pub use shifts::{InsertCounts, MAX_SHIFT_MINUTES, ShiftId, StoredShift};
pub use signatures::{
    NewSignatory, NewSignature, SignatoryId, SignatureEnvironment, SignatureId, SignerRole,
    SigningState, StoredSignatory, StoredSignature,
};
pub use store::{DATABASE_FILE_NAME, Store};
pub use teams::TeamMember;

/// Every catalog of the store's messages (see [`assistid_core::text`]), by module: the spec
/// test checks each for both languages and the same parameters.
pub fn text_catalogs() -> Vec<(
    &'static str,
    &'static [&'static assistid_core::text::Template],
)> {
    vec![
        ("error", error::texts::CATALOG),
        ("backup", backup::texts::CATALOG),
    ]
}
