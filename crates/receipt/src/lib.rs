//! # assistid-receipt
//!
//! What a provider keeps and hands on after sending time reports to Försäkringskassan:
//!
//! - the **submission receipt** ([`SubmissionReceipt`]) per submission run or per person and
//!   month, as PDF ([`receipt_pdf`]) and JSON ([`receipt_json`], documented in
//!   `schemas/receipt.schema.json`);
//! - the **assistant's copy** ([`AssistantCopy`]): one printable page per report with the rows as
//!   sent ([`assistant_copy_pdf`], batch: [`assistant_copies`], or one file per assistant:
//!   [`assistant_copies_per_assistant`]);
//! - the **invoice figures** for FK 3057 / E-RÄK ([`InvoiceFigures`], built from the month review
//!   with [`InvoiceFigures::from_review`]) as PDF and CSV.
//!
//! Pure: input structs in, bytes out. No clock (the time a document is made is an input), no
//! files, no database: the app fills the input structs. PDFs are A4 with DejaVu Sans embedded
//! (subset) so Swedish letters render and can be copied out as text.
//!
//! ```
//! use assistid_core::review::Totals;
//! use assistid_receipt::{ProviderInfo, ReceiptScope, SubmissionReceipt, receipt_json, receipt_pdf};
//! use chrono::{TimeZone, Utc};
//!
//! let receipt = SubmissionReceipt {
//!     provider: ProviderInfo { name: "Assistans Norr AB".into(), org_number: "5560160680".into() },
//!     month: "2026-10".parse().expect("a valid month"),
//!     generated_at: Utc.with_ymd_and_hms(2026, 11, 3, 13, 5, 0).single().expect("a valid time"),
//!     scope: ReceiptScope::SubmissionRun { run_id: "run-1".into() },
//!     reports: vec![],
//!     fk_test_service: false,
//! };
//! let pdf = receipt_pdf(&receipt).expect("an empty receipt renders");
//! assert!(pdf.starts_with(b"%PDF-"));
//! assert!(receipt_json(&receipt).expect("serializes").contains("\"run_id\": \"run-1\""));
//! ```
#![deny(missing_docs)]

mod assistant_copy;
mod format;
mod invoice;
mod layout;
mod model;
mod receipt;

pub use assistant_copy::{
    AssistantCopy, CopyRow, ascii_slug, assistant_copies, assistant_copies_pdf,
    assistant_copies_per_assistant, assistant_copy_pdf,
};
pub use format::{hours, local_time};
pub use invoice::{
    AssistantHours, InvoiceFigures, MissingReason, MissingReport, WarningLine, granted_line,
};
pub use model::{
    AssistantRef, DstNoteRow, FaultKind, Outcome, PersonRef, ProviderInfo, ReceiptReport,
    ReceiptScope, SignatureInfo, SubmissionReceipt,
};
pub use receipt::{
    CHECK_HEADING, CHECK_IN_ASSISTID, RECEIPT_TITLE, TEST_NOTICE, TEST_RECEIPT_TITLE, receipt_json,
    receipt_pdf,
};

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// The embedded font could not be read (a build problem, not a user one).
    #[error("typsnittet i programmet kunde inte läsas")]
    Font,
    /// The page size or layout was refused by the PDF library.
    #[error("sidan kunde inte ställas upp")]
    Layout,
    /// The PDF library refused the document.
    #[error("PDF-filen kunde inte skapas: {0}")]
    Pdf(String),
    /// The JSON could not be written.
    #[error("JSON-kvittot kunde inte skapas: {0}")]
    Json(#[source] serde_json::Error),
}
