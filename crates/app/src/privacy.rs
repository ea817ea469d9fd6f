//! The data subject's rights: everything held about one person as JSON (right of access,
//! `schemas/person-export.schema.json`), and erasing what no record needs (right to erasure).
//!
//! One personnummer can be both a person with assistance and an assistant; both roles are
//! exported and erased. Other people appear only as masked numbers (`19900101-****`), except
//! inside the report documents themselves, which are the record about both people and are
//! exported byte for byte.
//!
//! What erasure keeps is the store's retention rule ([`assistid_store::privacy`]): a report that
//! was frozen, signed or sent is a record the provider must keep, with its signatures, FK's
//! answers, its month's shifts between the two people and the register entries naming them;
//! drafts, shifts of months that never became a record and an assistant's phone number go.

use anyhow::Context as _;
use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{Employment, PeriodLength};
use assistid_store::{ErasureCounts, ReportVersion, StoredShift, Subject};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{App, AppError, local_today};

/// The `format` value of an export (bumped when the shape changes incompatibly).
pub const PERSON_EXPORT_FORMAT: &str = "assistid-person-export/1";

/// Everything Assistid holds about one person. The JSON shape is documented in
/// `schemas/person-export.schema.json`.
#[derive(Clone, Serialize)]
pub struct PersonExport {
    /// [`PERSON_EXPORT_FORMAT`].
    pub format: &'static str,
    /// When the export was made.
    pub generated_at: DateTime<Utc>,
    /// The person's identity number (12 digits).
    pub identity_number: String,
    /// The provider that holds the data.
    pub provider: Option<ProviderEntry>,
    /// The register entry as a person with assistance, if any.
    pub as_person_with_assistance: Option<PersonEntry>,
    /// The register entry as an assistant, if any.
    pub as_assistant: Option<AssistantEntry>,
    /// Every shift, in either role, oldest first.
    pub shifts: Vec<ShiftEntry>,
    /// Every report version, in either role, with its signatures and submissions.
    pub reports: Vec<ReportEntry>,
    /// What erasure would keep and why (Swedish).
    pub retention_note_sv: &'static str,
}

/// `Debug` says only how much there is: the export is personal data through and through.
impl std::fmt::Debug for PersonExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonExport")
            .field("shifts", &self.shifts.len())
            .field("reports", &self.reports.len())
            .finish_non_exhaustive()
    }
}

/// The provider (a company, not a person).
#[derive(Clone, Debug, Serialize)]
pub struct ProviderEntry {
    /// Name.
    pub name: String,
    /// Organisationsnummer (10 digits).
    pub org_number: String,
}

/// The register entry of a person with assistance.
#[derive(Clone, Debug, Serialize)]
pub struct PersonEntry {
    /// Given name(s).
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// The decisions from FK recorded for the person (granted hours), oldest first.
    pub granted_hours: Vec<assistid_core::grant::Grant>,
    /// The names of the assistants in the person's team.
    pub team: Vec<String>,
}

/// The register entry of an assistant.
#[derive(Clone, Debug, Serialize)]
pub struct AssistantEntry {
    /// Given name(s).
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Phone, if registered.
    pub phone: Option<String>,
    /// Covered by a collective agreement.
    pub collective_agreement: bool,
    /// `provider`, `other_employer`, `self_employed` or `person_with_assistance`.
    pub employment: &'static str,
    /// The other employer's name, if employed by one.
    pub other_employer_name: Option<String>,
    /// The other employer's organisationsnummer, if employed by one.
    pub other_employer_org_number: Option<String>,
    /// First day of the working-time calculation period.
    pub calculation_period_start: Option<NaiveDate>,
    /// Its length, `28d` or `4m` style.
    pub calculation_period_length: Option<String>,
}

/// `person_with_assistance` or `assistant`: which role the exported person has in an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person received the assistance.
    PersonWithAssistance,
    /// The person gave the assistance.
    Assistant,
}

/// One shift.
#[derive(Clone, Debug, Serialize)]
pub struct ShiftEntry {
    /// The exported person's role in it.
    pub role: Role,
    /// The other party, masked.
    pub counterpart: String,
    /// Start, local Swedish time with offset (`2026-10-24T22:00+02:00`).
    pub start: String,
    /// End, likewise.
    pub end: String,
    /// `aktiv`, `vante` or `beredskap`.
    pub kind: &'static str,
    /// The note, if any.
    pub note: Option<String>,
    /// Where it came from (import batch), if recorded.
    pub source: Option<String>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

/// One report version with what happened to it.
#[derive(Clone, Debug, Serialize)]
pub struct ReportEntry {
    /// The exported person's role in it.
    pub role: Role,
    /// The other party, masked.
    pub counterpart: String,
    /// Report id.
    pub report_id: Uuid,
    /// Month (`YYYY-MM`).
    pub month: String,
    /// Version number.
    pub version: u32,
    /// SHA-256 of the canonical document.
    pub sha256: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was frozen for signing, if it was.
    pub frozen_at: Option<DateTime<Utc>>,
    /// The version that replaced it, if any.
    pub superseded_by: Option<Uuid>,
    /// The FK document (XML), exactly as stored.
    pub document: String,
    /// Signatures on it.
    pub signatures: Vec<SignatureEntry>,
    /// Submissions of it to FK.
    pub submissions: Vec<SubmissionEntry>,
}

/// One BankID signature on a report version.
#[derive(Clone, Debug, Serialize)]
pub struct SignatureEntry {
    /// `assistant` or `provider`.
    pub role: &'static str,
    /// The signing date FK sees.
    pub signed_on: NaiveDate,
    /// When the order completed.
    pub signed_at: DateTime<Utc>,
    /// Whether the exported person made this signature (the provider's signer is someone
    /// else, whose identity is not part of this export).
    pub signed_by_this_person: bool,
}

/// One submission of a report version to FK.
#[derive(Clone, Debug, Serialize)]
pub struct SubmissionEntry {
    /// `queued`, `accepted`, `rejected`, …
    pub state: &'static str,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// FK's transaction id, once accepted.
    pub tx_id: Option<String>,
    /// FK's message, for a rejection.
    pub fk_message: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// What an erasure did, per role.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ErasureReport {
    /// As a person with assistance, if registered as one.
    pub as_person_with_assistance: Option<ErasureEntry>,
    /// As an assistant, if registered as one.
    pub as_assistant: Option<ErasureEntry>,
}

/// The counts of one role's erasure.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ErasureEntry {
    /// Shifts deleted.
    pub shifts_deleted: usize,
    /// Draft report versions deleted.
    pub draft_versions_deleted: usize,
    /// Shifts kept because their month is a record.
    pub shifts_kept: usize,
    /// Report versions kept because they are records.
    pub versions_kept: usize,
    /// Whether the phone number was removed.
    pub phone_removed: bool,
    /// Whether the register entry itself was deleted.
    pub register_entry_deleted: bool,
}

impl From<ErasureCounts> for ErasureEntry {
    fn from(c: ErasureCounts) -> Self {
        Self {
            shifts_deleted: c.shifts_deleted,
            draft_versions_deleted: c.draft_versions_deleted,
            shifts_kept: c.shifts_kept,
            versions_kept: c.versions_kept,
            phone_removed: c.phone_removed,
            register_entry_deleted: c.register_entry_deleted,
        }
    }
}

const RETENTION_NOTE_SV: &str = "Rapporter som har frysts för signering, signerats eller skickats \
     till Försäkringskassan är underlag som anordnaren måste spara, med signaturer, \
     Försäkringskassans svar och månadens pass mellan samma personer. Utkast, pass i månader \
     som aldrig rapporterats och assistentens telefonnummer kan raderas.";

fn employment_code(e: &Employment) -> &'static str {
    match e {
        Employment::Provider => "provider",
        Employment::OtherEmployer { .. } => "other_employer",
        Employment::SelfEmployed => "self_employed",
        Employment::PersonWithAssistance => "person_with_assistance",
    }
}

fn period_length(p: PeriodLength) -> String {
    match p {
        PeriodLength::Days(n) => format!("{n}d"),
        PeriodLength::Months(n) => format!("{n}m"),
    }
}

fn shift_entry(role: Role, stored: &StoredShift) -> ShiftEntry {
    let shift = &stored.shift;
    ShiftEntry {
        role,
        counterpart: match role {
            Role::PersonWithAssistance => shift.assistant.masked(),
            Role::Assistant => shift.person.masked(),
        },
        start: shift.start.to_string(),
        end: shift.end.to_string(),
        kind: shift.kind.code(),
        note: shift.note.clone(),
        source: stored.source.clone(),
        created_at: stored.created_at,
    }
}

/// The two roles an identity number can have, as store subjects.
struct Subjects {
    id: IdentityNumber,
    person: Option<assistid_store::StoredPerson>,
    assistant: Option<assistid_store::StoredAssistant>,
}

impl App {
    fn subjects(&self, personnummer: &str, now: DateTime<Utc>) -> anyhow::Result<Subjects> {
        let id = IdentityNumber::parse(personnummer, local_today(now))
            .map_err(|e| AppError::invalid_with("personnummer", e.text()))?;
        let store = self.store();
        let person = match Personnummer::from_digits(id.digits()) {
            Ok(pnr) => store.person_by_personnummer(&pnr).map_err(AppError::from)?,
            Err(_) => None, // a samordningsnummer is never a person with assistance here
        };
        let assistant = store.assistant_by_identity(&id).map_err(AppError::from)?;
        if person.is_none() && assistant.is_none() {
            return Err(AppError::missing_text(
                crate::error::templates::NO_SUCH_SUBJECT.with("personnummer", id.masked()),
            )
            .into());
        }
        Ok(Subjects {
            id,
            person,
            assistant,
        })
    }

    fn report_entries(
        &self,
        role: Role,
        versions: Vec<ReportVersion>,
        subject: &IdentityNumber,
    ) -> anyhow::Result<Vec<ReportEntry>> {
        let store = self.store();
        let mut out = Vec::with_capacity(versions.len());
        for v in versions {
            let signatures = store
                .signatures_for_report(v.report_id)
                .map_err(AppError::from)?
                .into_iter()
                .map(|s| SignatureEntry {
                    role: s.role.code(),
                    signed_on: s.signed_on,
                    signed_at: s.signed_at,
                    signed_by_this_person: s.signer.digits() == subject.digits(),
                })
                .collect();
            let submissions = store
                .submissions_for_report(v.report_id)
                .map_err(AppError::from)?
                .into_iter()
                .map(|s| SubmissionEntry {
                    state: s.state.code(),
                    environment: s.environment,
                    tx_id: s.tx_id,
                    fk_message: s.fk_message,
                    created_at: s.created_at,
                    updated_at: s.updated_at,
                })
                .collect();
            out.push(ReportEntry {
                role,
                counterpart: match role {
                    Role::PersonWithAssistance => v.assistant.masked(),
                    Role::Assistant => v.person.masked(),
                },
                report_id: v.report_id,
                month: v.month.to_string(),
                version: v.version,
                sha256: v.sha256,
                created_at: v.created_at,
                frozen_at: v.frozen_at,
                superseded_by: v.superseded_by,
                document: String::from_utf8(v.document)
                    .context("a stored report document is not UTF-8")?,
                signatures,
                submissions,
            });
        }
        Ok(out)
    }

    /// Everything held about the person with this personnummer (or samordningsnummer), in
    /// either role: the right of access. [`AppError::Missing`] if neither register knows them.
    pub fn export_person(
        &self,
        personnummer: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<PersonExport> {
        let subjects = self.subjects(personnummer, now)?;
        let store = self.store();
        let provider = store
            .list_providers()
            .map_err(AppError::from)?
            .into_iter()
            .next()
            .map(|p| ProviderEntry {
                name: p.provider.name,
                org_number: p.provider.org_number.digits().to_owned(),
            });
        let mut shifts = Vec::new();
        let mut reports = Vec::new();
        if let Some(person) = &subjects.person {
            let subject = Subject::Person(person.id);
            for s in store.shifts_of_subject(subject).map_err(AppError::from)? {
                shifts.push(shift_entry(Role::PersonWithAssistance, &s));
            }
            let versions = store
                .report_versions_of_subject(subject)
                .map_err(AppError::from)?;
            reports.extend(self.report_entries(
                Role::PersonWithAssistance,
                versions,
                &subjects.id,
            )?);
        }
        if let Some(assistant) = &subjects.assistant {
            let subject = Subject::Assistant(assistant.id);
            for s in store.shifts_of_subject(subject).map_err(AppError::from)? {
                shifts.push(shift_entry(Role::Assistant, &s));
            }
            let versions = store
                .report_versions_of_subject(subject)
                .map_err(AppError::from)?;
            reports.extend(self.report_entries(Role::Assistant, versions, &subjects.id)?);
        }
        shifts.sort_by(|a, b| a.start.cmp(&b.start));
        self.log_event(
            now,
            "person_exported",
            None,
            serde_json::json!({ "shifts": shifts.len(), "reports": reports.len() }),
        )?;
        Ok(PersonExport {
            format: PERSON_EXPORT_FORMAT,
            generated_at: now,
            identity_number: subjects.id.digits().to_owned(),
            provider,
            as_person_with_assistance: subjects
                .person
                .map(|p| -> anyhow::Result<PersonEntry> {
                    let store = self.store();
                    Ok(PersonEntry {
                        granted_hours: store
                            .grants_of(p.id)
                            .map_err(AppError::from)?
                            .into_iter()
                            .map(|g| g.grant)
                            .collect(),
                        team: store
                            .team_of(p.id)
                            .map_err(AppError::from)?
                            .into_iter()
                            .map(|m| format!("{} {}", m.first_name, m.last_name))
                            .collect(),
                        first_name: p.person.first_name,
                        last_name: p.person.last_name,
                    })
                })
                .transpose()?,
            as_assistant: subjects.assistant.map(|a| {
                let a = a.assistant;
                let (other_employer_name, other_employer_org_number) = match &a.employment {
                    Employment::OtherEmployer { name, org_number } => {
                        (name.clone(), Some(org_number.digits().to_owned()))
                    }
                    _ => (None, None),
                };
                AssistantEntry {
                    employment: employment_code(&a.employment),
                    first_name: a.first_name,
                    last_name: a.last_name,
                    phone: a.phone.map(|p| p.as_str().to_owned()),
                    collective_agreement: a.collective_agreement,
                    other_employer_name,
                    other_employer_org_number,
                    calculation_period_start: a.calculation_period.map(|p| p.start),
                    calculation_period_length: a
                        .calculation_period
                        .map(|p| period_length(p.length)),
                }
            }),
            shifts,
            reports,
            retention_note_sv: RETENTION_NOTE_SV,
        })
    }

    /// Erases what no record needs about the person with this personnummer, in either role
    /// (the retention rule is in the module documentation), in one transaction.
    /// [`AppError::Missing`] if neither register knows them.
    pub fn erase_person(
        &self,
        personnummer: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ErasureReport> {
        let subjects = self.subjects(personnummer, now)?;
        let store = self.store();
        let report = store
            .transaction(
                |store| -> Result<ErasureReport, assistid_store::StoreError> {
                    let mut report = ErasureReport::default();
                    if let Some(person) = &subjects.person {
                        report.as_person_with_assistance =
                            Some(store.erase_unrecorded(Subject::Person(person.id))?.into());
                    }
                    if let Some(assistant) = &subjects.assistant {
                        report.as_assistant = Some(
                            store
                                .erase_unrecorded(Subject::Assistant(assistant.id))?
                                .into(),
                        );
                    }
                    Ok(report)
                },
            )
            .map_err(AppError::from)?;
        self.log_event(
            now,
            "person_erased",
            None,
            serde_json::to_value(&report).context("the erasure counts are plain JSON")?,
        )?;
        // The deleted rows are zeroed in their pages (secure_delete), but older copies of those
        // pages are still in the write-ahead log until a checkpoint: empty it now.
        if !store.truncate_wal().map_err(AppError::from)? {
            tracing::warn!(
                "erasure committed; the write-ahead log is in use by another connection and is \
                 emptied at its next checkpoint"
            );
        }
        Ok(report)
    }
}
