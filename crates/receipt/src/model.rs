//! The receipt's input model: what the app fills in from the database after sending. Serialized
//! as-is for the JSON receipt (documented in `schemas/receipt.schema.json`).

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::review::{ReportReview, Totals};
use assistid_core::rows::ClockTime;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Serialize, Serializer};

/// The provider (assistansanordnare) the documents are about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProviderInfo {
    /// Company name.
    pub name: String,
    /// Organisationsnummer, 10 digits.
    pub org_number: String,
}

/// The person with assistance. The JSON carries the personnummer in full: the receipt is the
/// provider's own record of what was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonRef {
    /// Personnummer (12 digits).
    pub personnummer: Personnummer,
    /// `Förnamn Efternamn`.
    pub name: String,
}

/// The assistant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssistantRef {
    /// Personnummer or samordningsnummer (12 digits).
    pub identity_number: IdentityNumber,
    /// `Förnamn Efternamn`.
    pub name: String,
}

/// What the receipt covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReceiptScope {
    /// One submission run (one press of "Skicka").
    SubmissionRun {
        /// The run's id as the app stores it.
        run_id: String,
    },
    /// Every report of one person for the month.
    PersonMonth {
        /// The person.
        person: PersonRef,
    },
    /// Anything else, described in Swedish (e.g. "Alla tidredovisningar för oktober").
    Other {
        /// The description shown on the receipt.
        description: String,
    },
}

/// A BankID signature on a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureInfo {
    /// The signer's name as BankID returned it.
    pub signer_name: String,
    /// The signer's identity number; shown and serialized masked (`19900101-****`) only.
    #[serde(serialize_with = "masked_id")]
    pub signer_id: Option<IdentityNumber>,
    /// The day of signing (`datumForSignatur`).
    pub signed_on: NaiveDate,
}

fn masked_id<S: Serializer>(id: &Option<IdentityNumber>, s: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => s.serialize_some(&id.masked()),
        None => s.serialize_none(),
    }
}

/// Which kind of fault FK (or the transport) answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultKind {
    /// FK's `XmlValidationError`: the report broke FK's schema.
    XmlValidation,
    /// FK's `SignatureValidationError`: a signature did not check out.
    SignatureValidation,
    /// Another SOAP fault.
    Other,
}

impl FaultKind {
    /// Swedish words for the receipt.
    pub fn sv(self) -> &'static str {
        match self {
            FaultKind::XmlValidation => "fel i dokumentet (XmlValidationError)",
            FaultKind::SignatureValidation => "fel i en underskrift (SignatureValidationError)",
            FaultKind::Other => "annat fel från FK",
        }
    }
}

/// What happened when the report was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// FK accepted the report and answered with a transaction id.
    Accepted {
        /// FK's tx-id (a UUID): FK's receipt, quoted when tracing a report with FK.
        tx_id: String,
    },
    /// FK refused the report with a SOAP fault.
    Rejected {
        /// FK's message, verbatim.
        fk_message: String,
        /// Which fault.
        fault: FaultKind,
    },
    /// The call may or may not have reached FK (timeout, broken connection): check before
    /// sending again.
    Uncertain {
        /// What is known, in Swedish.
        explanation: String,
    },
    /// Not sent (yet).
    NotSent,
}

impl Outcome {
    /// FK's tx-id when accepted.
    pub fn tx_id(&self) -> Option<&str> {
        match self {
            Outcome::Accepted { tx_id } => Some(tx_id),
            _ => None,
        }
    }

    /// One Swedish line for the documents.
    pub fn describe_sv(&self) -> String {
        match self {
            Outcome::Accepted { tx_id } => format!("Mottagen av FK. Tx-id: {tx_id}"),
            Outcome::Rejected { fk_message, fault } => {
                format!(
                    "Avvisad av FK – {}. FK:s meddelande: ”{fk_message}”",
                    fault.sv()
                )
            }
            Outcome::Uncertain { explanation } => {
                format!("Oklart om FK tog emot den: {explanation}")
            }
            Outcome::NotSent => "Inte skickad".to_owned(),
        }
    }
}

/// A row whose real duration differs from its clock span because of a daylight-saving change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DstNoteRow {
    /// Day of the month.
    pub day: u32,
    /// Start as FK writes it (`HH.MM`).
    pub from: ClockTime,
    /// End as FK writes it.
    pub to: ClockTime,
    /// The kind of time.
    pub kind: TimeKind,
    /// Wall-clock minutes.
    pub clock_minutes: u32,
    /// Real minutes.
    pub real_minutes: u32,
    /// The note (`+1 h, vintertid` / `−1 h, sommartid`).
    pub note: String,
}

impl DstNoteRow {
    /// The DST-noted rows of a reviewed report.
    pub fn from_review(report: &ReportReview) -> Vec<Self> {
        report
            .rows_with_minutes()
            .filter_map(|(row, m)| {
                m.dst_note.map(|note| Self {
                    day: row.day,
                    from: row.from,
                    to: row.to,
                    kind: row.kind,
                    clock_minutes: m.clock_minutes,
                    real_minutes: m.real_minutes,
                    note: note.sv().to_owned(),
                })
            })
            .collect()
    }
}

/// One report on a receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceiptReport {
    /// The person with assistance.
    pub person: PersonRef,
    /// The assistant.
    pub assistant: AssistantRef,
    /// The report's `id` (lowercase UUID).
    pub report_id: String,
    /// The report's version (1 for the first, higher for corrections).
    pub version: u32,
    /// Lowercase hex SHA-256 of the exact report bytes sent (base64-decoded `tidredovisning`).
    pub document_sha256: String,
    /// Lowercase hex SHA-256 of the report's Canonical XML 1.0 form: the hash both signatures
    /// bind (`userNonVisibleData`), and the one to check a report file against.
    pub canonical_sha256: String,
    /// The assistant's signature, if taken.
    pub assistant_signature: Option<SignatureInfo>,
    /// The provider's signature, if taken.
    pub provider_signature: Option<SignatureInfo>,
    /// When the report was sent (shown in Swedish local time).
    pub sent_at: Option<DateTime<Utc>>,
    /// FK's answer.
    pub outcome: Outcome,
    /// Clock and real minutes per kind of time (from the month review).
    pub totals: Totals,
    /// Rows with a daylight-saving note.
    pub dst_notes: Vec<DstNoteRow>,
}

/// A submission receipt: per submission run or per person and month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubmissionReceipt {
    /// The provider.
    pub provider: ProviderInfo,
    /// The report month.
    pub month: ReportMonth,
    /// When the receipt was made (passed in; shown in Europe/Stockholm time).
    pub generated_at: DateTime<Utc>,
    /// What the receipt covers.
    pub scope: ReceiptScope,
    /// The reports, in the order they should be listed.
    pub reports: Vec<ReceiptReport>,
    /// True when what the receipt lists was done in FK's **test** service (and signed with
    /// BankID's test service): the PDF is then marked TEST on every page, and the JSON carries
    /// `"fk_test_service": true`. Nothing on such a receipt reached FK for real.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fk_test_service: bool,
}
