//! Removing a person with assistance or an assistant from the register.
//!
//! **The rules.** A register entry may be deleted only when nothing that must be kept depends
//! on it:
//!
//! - A report (one assistant, one person, one month) is a *record* once any version of it has
//!   been frozen for signing, signed or queued for FK (the same rule as the right to erasure,
//!   [`assistid_store::privacy`]). Records are what FK's tracing (the tx-id, FK's answer) and
//!   the provider's own books need, so while a person or an assistant has one, their register
//!   entry stays: deleting is refused with [`DeletionError::Blocked`], which names the reports
//!   (how many, which months, signed or sent) and the right way instead — for a person, erasing
//!   what may be erased once the retention period is over (`assistid person erase`); for an
//!   assistant, ending the employment (no new shifts) and the same erasure later.
//! - Shifts that never made it into a record (months not yet signed) are plain working data.
//!   They go with the entry, but only when the user has seen how many and said yes:
//!   without `confirmed` the deletion is refused with [`DeletionError::ConfirmationNeeded`],
//!   which says what would go. Draft report versions (never frozen) go too.
//! - Everything happens in one transaction together with an audit event (`person_deleted` /
//!   `assistant_deleted`) that holds row ids and counts only, never a personnummer or a name.
//!   The check is made again inside that transaction, so a report signed a moment earlier still
//!   blocks.

use std::collections::BTreeSet;

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::ReportMonth;
use assistid_store::{NewEvent, Store, StoreError, Subject};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{App, AppError, local_today};

/// Why a register entry cannot be deleted, or what the user must confirm first.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeletionError {
    /// Signed or sent reports depend on the entry: it must be kept.
    #[error("{message}")]
    Blocked {
        /// The Swedish explanation: what blocks and what to do instead.
        message: String,
        /// The records that block it.
        records: RecordSummary,
    },
    /// Unsigned shifts would be deleted with the entry; the user has not confirmed yet.
    #[error("{message}")]
    ConfirmationNeeded {
        /// The Swedish question: what will be deleted.
        message: String,
        /// What would be deleted.
        plan: DeletionPlan,
    },
    /// The entry is not in the register.
    #[error("{0}")]
    NotFound(String),
}

impl DeletionError {
    /// A stable snake_case code: `delete_blocked`, `confirmation_needed` or `not_found`.
    pub fn code(&self) -> &'static str {
        match self {
            DeletionError::Blocked { .. } => "delete_blocked",
            DeletionError::ConfirmationNeeded { .. } => "confirmation_needed",
            DeletionError::NotFound(_) => "not_found",
        }
    }
}

/// The reports that are records and keep a register entry in place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecordSummary {
    /// Reports (assistant × person × month) whose signing has started but that are not signed.
    pub frozen: usize,
    /// Reports signed by at least one party and not sent.
    pub signed: usize,
    /// Reports queued for or sent to FK.
    pub submitted: usize,
    /// The months of those reports, oldest first (`YYYY-MM`).
    pub months: Vec<String>,
}

impl RecordSummary {
    /// The number of reports that are records.
    pub fn total(&self) -> usize {
        self.frozen + self.signed + self.submitted
    }
}

/// What deleting an entry would remove (when nothing blocks it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeletionPlan {
    /// Shifts that go with the entry.
    pub shifts: usize,
    /// Draft report versions (never frozen) that go with it.
    pub draft_versions: usize,
    /// The months those shifts lie in, oldest first (`YYYY-MM`).
    pub months: Vec<String>,
}

/// What a deletion did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Deleted {
    /// Shifts deleted with the entry.
    pub shifts_deleted: usize,
    /// Draft report versions deleted with it.
    pub draft_versions_deleted: usize,
}

/// Where the entry stands: blocked by records, or free to go with what would go with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeletionCheck {
    /// Records depend on the entry.
    Blocked(RecordSummary),
    /// The entry may be deleted; this goes with it.
    Allowed(DeletionPlan),
}

/// Which register entry, with its name for messages.
struct Target {
    subject: Subject,
    name: String,
    role: Role,
}

#[derive(Clone, Copy)]
enum Role {
    Person,
    Assistant,
}

impl Role {
    fn event(self) -> &'static str {
        match self {
            Role::Person => "person_deleted",
            Role::Assistant => "assistant_deleted",
        }
    }
}

/// Reads what blocks or goes with a deletion of `subject`; runs inside the caller's transaction
/// when there is one.
fn check(store: &Store, subject: Subject) -> Result<DeletionCheck, StoreError> {
    let versions = store.report_versions_of_subject(subject)?;
    let mut records = RecordSummary::default();
    let mut months = BTreeSet::new();
    // One report = one (assistant, person, month); count the report, not each version, by its
    // most advanced state.
    let mut reports: std::collections::BTreeMap<(String, String, ReportMonth), u8> =
        std::collections::BTreeMap::new();
    let mut drafts = 0;
    for v in &versions {
        let state = if !store.submissions_for_report(v.report_id)?.is_empty() {
            3
        } else if !store.signatures_for_report(v.report_id)?.is_empty() {
            2
        } else if v.is_frozen() {
            1
        } else {
            0
        };
        if state == 0 {
            drafts += 1;
            continue;
        }
        let key = (
            v.assistant.digits().to_owned(),
            v.person.digits().to_owned(),
            v.month,
        );
        let entry = reports.entry(key).or_insert(0);
        *entry = (*entry).max(state);
        months.insert(v.month.to_string());
    }
    for state in reports.values() {
        match state {
            1 => records.frozen += 1,
            2 => records.signed += 1,
            _ => records.submitted += 1,
        }
    }
    if records.total() > 0 {
        records.months = months.into_iter().collect();
        return Ok(DeletionCheck::Blocked(records));
    }
    let shifts = store.shifts_of_subject(subject)?;
    let months: BTreeSet<String> = shifts
        .iter()
        .map(|s| {
            let start = s.shift.start.local();
            format!(
                "{:04}-{:02}",
                chrono::Datelike::year(&start),
                chrono::Datelike::month(&start)
            )
        })
        .collect();
    Ok(DeletionCheck::Allowed(DeletionPlan {
        shifts: shifts.len(),
        draft_versions: drafts,
        months: months.into_iter().collect(),
    }))
}

fn months_sv(months: &[String]) -> String {
    match months {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} och {last}", first.join(", ")),
    }
}

fn reports_sv(n: usize) -> String {
    if n == 1 {
        "1 tidredovisning".to_owned()
    } else {
        format!("{n} tidredovisningar")
    }
}

fn blocked_message(target: &Target, records: &RecordSummary) -> String {
    let mut what = Vec::new();
    if records.submitted > 0 {
        what.push(format!(
            "{} är skickade till Försäkringskassan",
            reports_sv(records.submitted)
        ));
    }
    if records.signed > 0 {
        what.push(format!("{} är signerade", reports_sv(records.signed)));
    }
    if records.frozen > 0 {
        what.push(format!(
            "signering har påbörjats för {}",
            reports_sv(records.frozen)
        ));
    }
    let why = format!(
        "{} ({}). De måste sparas: Försäkringskassan spårar varje inskickad redovisning och ni \
         behöver dem i er egen dokumentation",
        what.join(", "),
        months_sv(&records.months)
    );
    match target.role {
        Role::Person => format!(
            "{} kan inte tas bort ur registret: {why}. Låt personen stå kvar (lägg bara inte in \
             fler pass). När lagringstiden har gått ut kan personuppgifterna raderas med \
             funktionen för radering (assistid person erase), som tar bort allt som inte måste \
             sparas.",
            target.name
        ),
        Role::Assistant => format!(
            "{} kan inte tas bort ur registret: {why}. Har anställningen upphört räcker det att \
             inte lägga in fler pass; assistenten står kvar för de redovisningar som finns. När \
             lagringstiden har gått ut kan personuppgifterna raderas med funktionen för \
             radering (assistid person erase).",
            target.name
        ),
    }
}

fn confirmation_message(target: &Target, plan: &DeletionPlan) -> String {
    let shifts = if plan.shifts == 1 {
        "1 pass".to_owned()
    } else {
        format!("{} pass", plan.shifts)
    };
    format!(
        "{} har {shifts} som inte är signerade ({}). Passen tas bort tillsammans med {} och \
         kan inte återställas. Vill du ta bort {}?",
        target.name,
        months_sv(&plan.months),
        match target.role {
            Role::Person => "personen",
            Role::Assistant => "assistenten",
        },
        target.name
    )
}

impl App {
    fn person_target(&self, personnummer: &str, now: DateTime<Utc>) -> anyhow::Result<Target> {
        let pnr = Personnummer::parse(personnummer, local_today(now))
            .map_err(|e| AppError::invalid_with("personnummer", e.text()))?;
        let stored = self
            .store()
            .person_by_personnummer(&pnr)
            .map_err(AppError::from)?
            .ok_or_else(|| {
                DeletionError::NotFound(format!(
                    "Det finns ingen person med assistans med personnumret {} i registret.",
                    pnr.masked()
                ))
            })?;
        Ok(Target {
            subject: Subject::Person(stored.id),
            name: stored.person.full_name(),
            role: Role::Person,
        })
    }

    fn assistant_target(&self, identity: &str, now: DateTime<Utc>) -> anyhow::Result<Target> {
        let id = IdentityNumber::parse(identity, local_today(now))
            .map_err(|e| AppError::invalid_with("personnummer", e.text()))?;
        let stored = self
            .store()
            .assistant_by_identity(&id)
            .map_err(AppError::from)?
            .ok_or_else(|| {
                DeletionError::NotFound(format!(
                    "Det finns ingen assistent med personnumret {} i registret.",
                    id.masked()
                ))
            })?;
        Ok(Target {
            subject: Subject::Assistant(stored.id),
            name: stored.assistant.full_name(),
            role: Role::Assistant,
        })
    }

    /// What blocks deleting the person with assistance, or what would go with them.
    pub fn person_deletion_check(
        &self,
        personnummer: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<DeletionCheck> {
        let target = self.person_target(personnummer, now)?;
        Ok(check(self.store(), target.subject).map_err(AppError::from)?)
    }

    /// What blocks deleting the assistant, or what would go with them.
    pub fn assistant_deletion_check(
        &self,
        identity: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<DeletionCheck> {
        let target = self.assistant_target(identity, now)?;
        Ok(check(self.store(), target.subject).map_err(AppError::from)?)
    }

    /// Deletes a person with assistance from the register (see the module documentation for
    /// the rules). `confirmed` says the user has agreed to delete the person's unsigned shifts.
    ///
    /// Errors: [`DeletionError::Blocked`] when signed or sent reports depend on the person,
    /// [`DeletionError::ConfirmationNeeded`] when shifts would go and `confirmed` is false,
    /// [`DeletionError::NotFound`] when there is no such person.
    pub fn delete_person(
        &self,
        personnummer: &str,
        confirmed: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Deleted> {
        let target = self.person_target(personnummer, now)?;
        self.delete_target(&target, confirmed, now)
    }

    /// Deletes an assistant from the register; the same rules as [`App::delete_person`].
    pub fn delete_assistant(
        &self,
        identity: &str,
        confirmed: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Deleted> {
        let target = self.assistant_target(identity, now)?;
        self.delete_target(&target, confirmed, now)
    }

    fn delete_target(
        &self,
        target: &Target,
        confirmed: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Deleted> {
        self.store()
            .transaction(|store| -> anyhow::Result<Deleted> {
                let plan = match check(store, target.subject).map_err(AppError::from)? {
                    DeletionCheck::Blocked(records) => {
                        return Err(DeletionError::Blocked {
                            message: blocked_message(target, &records),
                            records,
                        }
                        .into());
                    }
                    DeletionCheck::Allowed(plan) => plan,
                };
                if plan.shifts > 0 && !confirmed {
                    return Err(DeletionError::ConfirmationNeeded {
                        message: confirmation_message(target, &plan),
                        plan,
                    }
                    .into());
                }
                let counts = store
                    .erase_unrecorded(target.subject)
                    .map_err(AppError::from)?;
                if !counts.register_entry_deleted
                    || counts.shifts_kept > 0
                    || counts.versions_kept > 0
                {
                    // The check above found no record, so this would be a bug; never half-delete.
                    anyhow::bail!("registerposten kunde inte tas bort helt; inget har ändrats");
                }
                let id = match target.subject {
                    Subject::Person(id) => id.get(),
                    Subject::Assistant(id) => id.get(),
                    _ => 0,
                };
                let deleted = Deleted {
                    shifts_deleted: counts.shifts_deleted,
                    draft_versions_deleted: counts.draft_versions_deleted,
                };
                store
                    .append_event(&NewEvent {
                        at: now,
                        kind: target.role.event(),
                        report_id: None,
                        details: &serde_json::json!({
                            "row_id": id,
                            "shifts_deleted": deleted.shifts_deleted,
                            "draft_versions_deleted": deleted.draft_versions_deleted,
                            "confirmed": confirmed,
                        }),
                    })
                    .map_err(AppError::from)?;
                Ok(deleted)
            })
    }
}
