//! The signing binding: what a BankID signature's `userNonVisibleData` carries to tie it to
//! exact report bytes (ELT.md, "Signing binding").
//!
//! - one report: `<report id>,<sha256>` — the id as a lowercase hyphenated UUID, the hash as the
//!   64 lowercase hex digits of [`crate::c14n::report_hash`];
//! - the provider's batch (many reports in one order): those entries joined with `;`.
//!
//! [`parse_bindings`] reads both forms strictly (no spaces, no uppercase, no empty entries, no
//! repeated report), so a signature is only accepted for exactly what was signed.
//!
//! ```
//! use assistid_core::binding::{ReportBinding, batch_binding, parse_bindings};
//! let id = uuid::Uuid::parse_str("0b6e4a1c-6f3e-4d2a-9c1b-2f4e5d6a7b8c").unwrap();
//! let one = ReportBinding::new(id, "ab".repeat(32)).unwrap();
//! let text = batch_binding(&[one.clone()]);
//! assert_eq!(text, format!("{id},{}", "ab".repeat(32)));
//! assert_eq!(parse_bindings(&text).unwrap(), vec![one]);
//! ```

use std::collections::HashSet;
use std::fmt;

use thiserror::Error;
use uuid::Uuid;

/// Why a binding string (or one of its parts) was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BindingError {
    /// The string is empty or one `;`-separated entry is empty.
    #[error("signeringsunderlaget är tomt eller har en tom post (post {entry})")]
    Empty {
        /// 1-based entry number.
        entry: usize,
    },
    /// An entry is not `<id>,<hash>`.
    #[error("post {entry} i signeringsunderlaget ska vara <id>,<kontrollsumma>")]
    Shape {
        /// 1-based entry number.
        entry: usize,
    },
    /// The id is not a lowercase hyphenated UUID.
    #[error("post {entry} i signeringsunderlaget har ett ogiltigt rapport-id")]
    Id {
        /// 1-based entry number.
        entry: usize,
    },
    /// The hash is not 64 lowercase hex digits.
    #[error("post {entry} i signeringsunderlaget har en ogiltig kontrollsumma (64 små hex-tecken)")]
    Hash {
        /// 1-based entry number.
        entry: usize,
    },
    /// The same report id appears twice.
    #[error("post {entry} i signeringsunderlaget upprepar en rapport som redan finns med")]
    Duplicate {
        /// 1-based entry number.
        entry: usize,
    },
}

impl BindingError {
    /// A stable machine code for the UI and JSON.
    pub fn code(&self) -> &'static str {
        match self {
            BindingError::Empty { .. } => "binding_empty",
            BindingError::Shape { .. } => "binding_shape",
            BindingError::Id { .. } => "binding_id",
            BindingError::Hash { .. } => "binding_hash",
            BindingError::Duplicate { .. } => "binding_duplicate",
        }
    }
}

/// One report's binding: its id and the hash of its canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportBinding {
    /// The report id (`id` in the document).
    pub id: Uuid,
    /// Lowercase hex SHA-256 of the canonical form (64 characters).
    pub sha256: String,
}

impl ReportBinding {
    /// Builds a binding, checking that the hash is 64 lowercase hex digits.
    pub fn new(id: Uuid, sha256: impl Into<String>) -> Result<Self, BindingError> {
        let sha256 = sha256.into();
        if !is_sha256_hex(&sha256) {
            return Err(BindingError::Hash { entry: 1 });
        }
        Ok(Self { id, sha256 })
    }
}

/// `<id>,<hash>`: the binding entry for one report.
impl fmt::Display for ReportBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.id.hyphenated(), self.sha256)
    }
}

/// The binding string for one report: `<id>,<hash>` (the id lowercase and hyphenated).
pub fn binding(id: &Uuid, sha256: &str) -> String {
    format!("{},{sha256}", id.hyphenated())
}

/// The provider's batch binding: the entries of [`binding`] joined with `;`, in the given order.
/// With one report it equals that report's single binding.
pub fn batch_binding(entries: &[ReportBinding]) -> String {
    let mut out = String::with_capacity(entries.len() * 102);
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(&entry.to_string());
    }
    out
}

/// Reads a single or batch binding string back, strictly: every entry `<id>,<hash>` with a
/// lowercase hyphenated UUID and 64 lowercase hex digits, no whitespace, no empty entries and no
/// report twice.
pub fn parse_bindings(text: &str) -> Result<Vec<ReportBinding>, BindingError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (i, entry) in text.split(';').enumerate() {
        let n = i + 1;
        if entry.is_empty() {
            return Err(BindingError::Empty { entry: n });
        }
        let (id, hash) = entry
            .split_once(',')
            .ok_or(BindingError::Shape { entry: n })?;
        let id = parse_report_id(id).ok_or(BindingError::Id { entry: n })?;
        if !is_sha256_hex(hash) {
            return Err(BindingError::Hash { entry: n });
        }
        if !seen.insert(id) {
            return Err(BindingError::Duplicate { entry: n });
        }
        out.push(ReportBinding {
            id,
            sha256: hash.to_owned(),
        });
    }
    Ok(out)
}

/// A report id exactly as FK's schema writes it: a hyphenated UUID in lowercase hex.
pub fn parse_report_id(text: &str) -> Option<Uuid> {
    let id = Uuid::try_parse(text).ok()?;
    let mut buf = Uuid::encode_buffer();
    (id.hyphenated().encode_lower(&mut buf) == text).then_some(id)
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b6e4a1c-6f3e-4d2a-9c1b-2f4e5d6a7b8c";

    #[test]
    fn refuses_uppercase_braced_or_simple_ids() {
        assert!(parse_report_id(ID).is_some());
        assert!(parse_report_id(&ID.to_uppercase()).is_none());
        assert!(parse_report_id(&format!("{{{ID}}}")).is_none());
        assert!(parse_report_id(&ID.replace('-', "")).is_none());
    }

    #[test]
    fn refuses_malformed_entries_with_their_position() {
        let hash = "0".repeat(64);
        let good = format!("{ID},{hash}");
        assert_eq!(
            parse_bindings(&format!("{good};")),
            Err(BindingError::Empty { entry: 2 })
        );
        assert_eq!(
            parse_bindings(&format!("{good};{good}")),
            Err(BindingError::Duplicate { entry: 2 })
        );
        assert_eq!(
            parse_bindings(&format!("{ID},{}", "A".repeat(64))),
            Err(BindingError::Hash { entry: 1 })
        );
        assert_eq!(
            parse_bindings(&format!(" {good}")),
            Err(BindingError::Id { entry: 1 })
        );
        assert_eq!(parse_bindings(ID), Err(BindingError::Shape { entry: 1 }));
        assert_eq!(parse_bindings(""), Err(BindingError::Empty { entry: 1 }));
    }
}
