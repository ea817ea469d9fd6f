//! Entering shifts one at a time (the month grid): add, change and delete one shift, and list
//! one person's shifts of a month with their row ids.
//!
//! The rules are the import's, from core's validation: an unknown assistant or person, an end
//! not after the start, a shift longer than the store allows (31 days) and an overlap with
//! another shift of the same assistant for the same person are refused; overlaps with another
//! person, long shifts and rows FK reads differently at the autumn change are accepted and
//! returned as warnings. Nothing is guessed about daylight saving: a time inside the repeated
//! autumn hour must come with its occurrence (`time_ambiguous` otherwise, so the UI asks), and a
//! time inside the skipped spring hour is refused (`time_nonexistent`).
//!
//! Reports that are already signed or sent:
//! - a signed (frozen) report version is never touched: the change is followed, in the same
//!   transaction, by the month review, which saves a NEW version with a new id; the old
//!   signatures do not cover it and must be taken again (the review warns
//!   `signatures_must_be_retaken`, and [`ReportAfterChange::signatures_must_be_retaken`] says so);
//! - a report that Försäkringskassan has received (`accepted`), or that is queued, being sent or
//!   uncertain, is **refused** (`report_already_sent` / `report_being_sent`): changing the data
//!   would make what Assistid shows differ from what FK has, and a second version could be sent
//!   by mistake. There is deliberately no override here; a correction of a received report is a
//!   matter for FK. A report FK rejected may be changed (that is how it is fixed).
//! - deleting the last shift of a signed report is refused (`signed_report_would_be_empty`): the
//!   signed version would otherwise stay the latest one and could still be sent.
//!
//! Every change is one transaction with its audit event (`shift_added`, `shift_changed`,
//! `shift_deleted`) and the report versions it causes. Time is passed in (`now`).

use std::collections::BTreeSet;

use assistid_core::dst::DstNote;
use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{Register, ReportMonth, TimeKind};
use assistid_core::shift::{MAX_NOTE_CHARS, Shift};
use assistid_core::split::shift_rows;
use assistid_core::text::{Lang, Template, Text};
use assistid_core::time::{LocalTimeError, Occurrence, ShiftTime};
use assistid_core::validation::{self, Issue, codes};
use assistid_store::{MAX_SHIFT_MINUTES, StoredShift, SubmissionState};
use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

use crate::{App, AppError, IpcError};

pub use assistid_store::ShiftId;

/// Where a grid entry is recorded as coming from (`shift_sources.source`).
const GRID_SOURCE: &str = "grid";

/// One shift as typed: identity numbers and Europe/Stockholm wall-clock times as text, the
/// occurrence only for a time inside the repeated autumn hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftInput {
    /// The assistant's personnummer or samordningsnummer.
    pub assistant: String,
    /// The person's personnummer.
    pub person: String,
    /// Start, local `YYYY-MM-DDTHH:MM` (seconds, if given, must be `00`).
    pub start: String,
    /// Which occurrence of a repeated autumn start time is meant; ignored elsewhere.
    pub start_occurrence: Option<Occurrence>,
    /// End, local `YYYY-MM-DDTHH:MM`.
    pub end: String,
    /// Which occurrence of a repeated autumn end time is meant; ignored elsewhere.
    pub end_occurrence: Option<Occurrence>,
    /// The kind of time.
    pub kind: TimeKind,
    /// A note (not sent to FK).
    pub note: Option<String>,
}

/// Why a shift was not stored: a stable `code` the UI branches on (e.g. `time_ambiguous` makes
/// it ask first/second occurrence), the field concerned, and a Swedish message for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct ShiftRefused {
    /// Stable snake_case code: core's validation codes (`time_ambiguous`, `time_nonexistent`,
    /// `end_not_after_start`, `overlap_same_person`, `unknown_assistant`, `unknown_person`,
    /// `dst_row_not_increasing`) or this module's (`invalid_time`, `invalid_input`,
    /// `shift_too_long`, `note_too_long`, `shift_not_found`, `shift_exists`,
    /// `report_already_sent`, `report_being_sent`, `signed_report_would_be_empty`).
    pub code: &'static str,
    /// The input field concerned (`assistant`, `person`, `start`, `end`, `note`), when there is
    /// one.
    pub field: Option<&'static str>,
    /// What is wrong and what to do, in Swedish (`text` rendered in Swedish).
    pub message: String,
    /// The message as its code and parameters, to render in the user's language (boxed: a
    /// refusal travels in `Result`s).
    pub text: Box<Text>,
}

impl ShiftRefused {
    /// The shift is not there (`shift_not_found`): deleted meanwhile, or an id that was never
    /// one (a front end hands over the ids it was given).
    pub fn not_found() -> Self {
        Self::new("shift_not_found", None, templates::SHIFT_NOT_FOUND.text())
    }

    fn new(code: &'static str, field: Option<&'static str>, text: Text) -> Self {
        Self {
            code,
            field,
            message: text.render(Lang::Sv),
            text: Box::new(text),
        }
    }

    /// The IPC error, its message in `lang`.
    pub fn ipc_error(&self, lang: Lang) -> IpcError {
        IpcError::told(self.code, &self.text, lang)
    }
}

impl From<ShiftRefused> for IpcError {
    fn from(e: ShiftRefused) -> Self {
        e.ipc_error(Lang::Sv)
    }
}

/// The shift refusals' templates, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    /// "Starttiden".
    pub static START_TIME: Template = Template::new("start_time", "Starttiden", "The start time");
    /// "Sluttiden".
    pub static END_TIME: Template = Template::new("end_time", "Sluttiden", "The end time");
    /// A time that cannot be read.
    pub static INVALID_TIME: Template = Template::new(
        "shift_invalid_time",
        "{which} {value} går inte att läsa; skriv datum och klockslag som \
         2026-10-05T08:00 (hela minuter).",
        "{which} {value} cannot be read; write the date and time as 2026-10-05T08:00 (whole \
         minutes).",
    );
    /// A time in the skipped spring hour.
    pub static NONEXISTENT_TIME: Template = Template::new(
        "shift_time_nonexistent",
        "{which} {when} finns inte: natten till sommartid ({date}) hoppar klockan från 02:00 \
         till 03:00. Ange en tid före 02:00 eller från 03:00.",
        "{which} {when} does not exist: on the night summer time starts ({date}) the clock \
         jumps from 02:00 to 03:00. Give a time before 02:00 or from 03:00.",
    );
    /// A time in the repeated autumn hour.
    pub static AMBIGUOUS_TIME: Template = Template::new(
        "shift_time_ambiguous",
        "{which} {when} inträffar två gånger natten till vintertid ({date}): ange om det är \
         första gången (sommartid, +02:00) eller andra gången (vintertid, +01:00).",
        "{which} {when} happens twice on the night summer time ends ({date}): say whether it \
         is the first time (summer time, +02:00) or the second time (winter time, +01:00).",
    );
    /// Another time error.
    pub static OTHER_TIME_ERROR: Template =
        Template::new("shift_time_error", "{which}: {error}", "{which}: {error}");
    /// The shift is gone.
    pub static SHIFT_NOT_FOUND: Template = Template::new(
        "shift_not_found",
        "Passet finns inte längre (det kan ha tagits bort i ett annat fönster). \
         Läs in månaden igen.",
        "The shift no longer exists (it may have been deleted in another window). Load the \
         month again.",
    );
    /// The assistant's number.
    pub static ASSISTANT_NUMBER: Template = Template::new(
        "shift_assistant_number",
        "Assistentens personnummer: {error}",
        "The assistant's personal identity number: {error}",
    );
    /// The person's number.
    pub static PERSON_NUMBER: Template = Template::new(
        "shift_person_number",
        "Brukarens personnummer: {error}",
        "The personal identity number of the person with assistance: {error}",
    );
    /// A note too long.
    pub static NOTE_TOO_LONG: Template = Template::new(
        "shift_note_too_long",
        "Anteckningen är {length} tecken lång; högst {max} tecken får \
         plats. Korta anteckningen och spara igen.",
        "The note is {length} characters long; at most {max} characters fit. Shorten the note \
         and save again.",
    );
    /// Over 31 days.
    pub static SHIFT_TOO_LONG: Template = Template::new(
        "shift_too_long",
        "Passet {shift} är längre än 31 dygn, vilket inte kan vara rätt. Kontrollera \
         slutdatumet.",
        "The shift {shift} is longer than 31 days, which cannot be right. Check the end date.",
    );
    /// FK has the report.
    pub static REPORT_ALREADY_SENT: Template = Template::new(
        "report_already_sent",
        "Rapporten för {report} är redan mottagen av Försäkringskassan \
         (tx-id {tx_id}). Pass i en mottagen rapport ändras inte i \
         Assistid, eftersom FK redan har tiden; kontakta \
         Försäkringskassan om något behöver rättas.",
        "The report for {report} has already been received by Försäkringskassan (tx-id \
         {tx_id}). Shifts in a received report are not changed in Assistid, because FK already \
         has the time; contact Försäkringskassan if something needs correcting.",
    );
    /// An unknown tx-id.
    pub static UNKNOWN_TX_ID: Template = Template::new("unknown_tx_id", "okänt", "unknown");
    /// The report is on its way.
    pub static REPORT_BEING_SENT: Template = Template::new(
        "report_being_sent",
        "Rapporten för {report} är på väg till Försäkringskassan \
         (status: {state}). Ändra inte passet nu: vänta tills \
         inskickningen är klar, eller avbryt eller lös den under \
         Skicka först, så att FK inte får en annan tid än den som \
         syns här.",
        "The report for {report} is on its way to Försäkringskassan (status: {state}). Do not \
         change the shift now: wait until the submission is finished, or cancel or resolve it \
         under Send first, so that FK does not get a different time from the one shown here.",
    );
    /// The last shift of a signed report.
    pub static SIGNED_REPORT_WOULD_BE_EMPTY: Template = Template::new(
        "signed_report_would_be_empty",
        "Det här är det enda passet i rapporten för {report}, och rapporten är redan \
         underskriven. Utan pass finns ingen tid att redovisa, men den \
         underskrivna versionen skulle finnas kvar. Ändra passet i stället för \
         att ta bort det, eller kontakta support om rapporten inte ska skickas.",
        "This is the only shift in the report for {report}, and the report is already signed. \
         Without shifts there is no time to report, but the signed version would remain. \
         Change the shift instead of deleting it, or contact support if the report is not to \
         be sent.",
    );
    /// `oktober 2026 (Ali Berg hos Åsa Öberg)`.
    pub static REPORT_LABEL: Template = Template::new(
        "report_label",
        "{month} ({assistant} hos {person})",
        "{month} ({assistant} with {person})",
    );
    /// The same shift exists.
    pub static SHIFT_EXISTS: Template = Template::new(
        "shift_exists",
        "Ett likadant pass (samma assistent, brukare, tider och slag) finns redan.",
        "An identical shift (same assistant, person with assistance, times and kind) already \
         exists.",
    );
    /// Submission states, as the refusal names them.
    pub static STATE_QUEUED: Template = Template::new("state_queued", "i kö", "queued");
    /// Being sent.
    pub static STATE_SENDING: Template = Template::new("state_sending", "skickas", "being sent");
    /// Received.
    pub static STATE_ACCEPTED: Template = Template::new("state_accepted", "mottagen", "received");
    /// Rejected.
    pub static STATE_REJECTED: Template = Template::new("state_rejected", "avvisad", "rejected");
    /// Retry pending.
    pub static STATE_FAILED_WILL_RETRY: Template = Template::new(
        "state_failed_will_retry",
        "nytt försök väntar",
        "new attempt pending",
    );
    /// Uncertain.
    pub static STATE_UNCERTAIN: Template = Template::new(
        "state_uncertain",
        "oklart om mottagen",
        "unclear whether received",
    );
    /// Stopped for settings.
    pub static STATE_FAILED_FINAL: Template = Template::new(
        "state_failed_final",
        "stoppad (inställningar)",
        "stopped (settings)",
    );
    /// Abandoned.
    pub static STATE_ABANDONED: Template =
        Template::new("state_abandoned", "avbruten", "cancelled");
}

/// Every template of the shift refusals.
pub static CATALOG: &[&Template] = &[
    &templates::START_TIME,
    &templates::END_TIME,
    &templates::INVALID_TIME,
    &templates::NONEXISTENT_TIME,
    &templates::AMBIGUOUS_TIME,
    &templates::OTHER_TIME_ERROR,
    &templates::SHIFT_NOT_FOUND,
    &templates::ASSISTANT_NUMBER,
    &templates::PERSON_NUMBER,
    &templates::NOTE_TOO_LONG,
    &templates::SHIFT_TOO_LONG,
    &templates::REPORT_ALREADY_SENT,
    &templates::UNKNOWN_TX_ID,
    &templates::REPORT_BEING_SENT,
    &templates::SIGNED_REPORT_WOULD_BE_EMPTY,
    &templates::REPORT_LABEL,
    &templates::SHIFT_EXISTS,
    &templates::STATE_QUEUED,
    &templates::STATE_SENDING,
    &templates::STATE_ACCEPTED,
    &templates::STATE_REJECTED,
    &templates::STATE_FAILED_WILL_RETRY,
    &templates::STATE_UNCERTAIN,
    &templates::STATE_FAILED_FINAL,
    &templates::STATE_ABANDONED,
];

/// The template of a submission's state for people (Swedish: [`SubmissionState::label_sv`]);
/// `None` for a state the store adds later, until it has one.
pub fn state_template(state: SubmissionState) -> Option<&'static Template> {
    Some(match state {
        SubmissionState::Queued => &templates::STATE_QUEUED,
        SubmissionState::Sending => &templates::STATE_SENDING,
        SubmissionState::Accepted => &templates::STATE_ACCEPTED,
        SubmissionState::Rejected => &templates::STATE_REJECTED,
        SubmissionState::FailedWillRetry => &templates::STATE_FAILED_WILL_RETRY,
        SubmissionState::Uncertain => &templates::STATE_UNCERTAIN,
        SubmissionState::FailedFinal => &templates::STATE_FAILED_FINAL,
        SubmissionState::Abandoned => &templates::STATE_ABANDONED,
        _ => return None,
    })
}

/// A submission's state for people (Swedish: [`SubmissionState::label_sv`]).
pub fn state_text(state: SubmissionState) -> Text {
    state_template(state).map_or_else(
        || Text::untranslated("submission_state", state.label_sv()),
        Template::text,
    )
}

/// A stored shift with its id and what it amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftView {
    /// The row id (what change and delete take).
    pub id: ShiftId,
    /// The shift.
    pub shift: Shift,
    /// Wall-clock minutes, summed over its FK rows.
    pub clock_minutes: u32,
    /// Minutes actually worked.
    pub real_minutes: u32,
    /// The daylight-saving note of its rows, when real time differs from clock time.
    pub dst_note: Option<DstNote>,
}

impl ShiftView {
    fn of(stored: StoredShift) -> Self {
        let mut clock = 0u32;
        let mut note = None;
        for (_, facts) in shift_rows(&stored.shift) {
            clock = clock.saturating_add(facts.clock_minutes());
            note = note.or(facts.dst_note());
        }
        let real = u32::try_from(stored.shift.real_minutes().max(0)).unwrap_or(u32::MAX);
        Self {
            id: stored.id,
            shift: stored.shift,
            clock_minutes: clock,
            real_minutes: real,
            dst_note: note,
        }
    }
}

/// What became of one report (assistant × person × month) the change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportAfterChange {
    /// The month.
    pub month: ReportMonth,
    /// The assistant.
    pub assistant: IdentityNumber,
    /// The person.
    pub person: Personnummer,
    /// The current version's id, when the report still exists and a document could be made.
    pub report_id: Option<Uuid>,
    /// True when the version before the change was signed: its signatures do not cover the new
    /// version and must be taken again (assistant first, then provider).
    pub signatures_must_be_retaken: bool,
}

/// The result of adding or changing a shift.
#[derive(Debug, Clone)]
pub struct ShiftSaved {
    /// The shift as stored.
    pub shift: ShiftView,
    /// Warnings the shift has (accepted, but worth a look): long shift, the assistant at two
    /// persons at once, FK reading a row differently at the autumn change.
    pub warnings: Vec<Issue>,
    /// The reports the change touched.
    pub reports: Vec<ReportAfterChange>,
}

/// The result of deleting a shift.
#[derive(Debug, Clone)]
pub struct ShiftDeleted {
    /// The shift that was deleted; `None` when it did not exist (deleting twice is harmless).
    pub shift: Option<ShiftView>,
    /// The reports the change touched.
    pub reports: Vec<ReportAfterChange>,
}

/// A report key: assistant, person, month.
pub(crate) type ReportKey = (IdentityNumber, Personnummer, ReportMonth);

/// The reports a shift's rows belong to (one per month it touches).
pub(crate) fn keys_of(shift: &Shift) -> Vec<ReportKey> {
    let months: BTreeSet<ReportMonth> = shift_rows(shift).map(|(m, _)| m).collect();
    months
        .into_iter()
        .map(|m| (shift.assistant.clone(), shift.person.clone(), m))
        .collect()
}

#[derive(Clone, Copy)]
enum End {
    Start,
    End,
}

impl End {
    fn field(self) -> &'static str {
        match self {
            End::Start => "start",
            End::End => "end",
        }
    }

    fn label(self) -> Text {
        match self {
            End::Start => templates::START_TIME.text(),
            End::End => templates::END_TIME.text(),
        }
    }
}

fn parse_local(text: &str, end: End) -> Result<NaiveDateTime, ShiftRefused> {
    let t = text.trim();
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .filter(|d| chrono::Timelike::second(d) == 0)
    .ok_or_else(|| {
        ShiftRefused::new(
            "invalid_time",
            Some(end.field()),
            templates::INVALID_TIME
                .with("which", end.label())
                .with("value", format!("{t:?}")),
        )
    })
}

fn resolve(
    text: &str,
    occurrence: Option<Occurrence>,
    end: End,
) -> Result<ShiftTime, ShiftRefused> {
    let local = parse_local(text, end)?;
    ShiftTime::resolve(local, occurrence).map_err(|e| {
        let when = local.format("%Y-%m-%d %H:%M").to_string();
        let date = local.format("%Y-%m-%d").to_string();
        let message = match &e {
            LocalTimeError::Nonexistent { .. } => templates::NONEXISTENT_TIME
                .with("which", end.label())
                .with("when", when)
                .with("date", date),
            LocalTimeError::Ambiguous { .. } => templates::AMBIGUOUS_TIME
                .with("which", end.label())
                .with("when", when)
                .with("date", date),
            other => templates::OTHER_TIME_ERROR
                .with("which", end.label())
                .with("error", Text::untranslated(e.code(), other.to_string())),
        };
        ShiftRefused::new(e.code(), Some(end.field()), message)
    })
}

fn refuse(issue: &Issue, field: Option<&'static str>) -> ShiftRefused {
    ShiftRefused::new(issue.code, field, issue.text.clone())
}

impl App {
    /// One person's shifts that overlap `month` (Swedish local time), with their ids, ordered
    /// by start: what the month grid shows and edits.
    pub fn shifts_of_person_in_month(
        &self,
        person: &str,
        month: ReportMonth,
    ) -> anyhow::Result<Vec<ShiftView>> {
        let person = Personnummer::from_digits(person.trim())
            .map_err(|e| AppError::invalid_with("personnummer", e.text()))?;
        let from = midnight(month.first_day())?;
        let to = midnight(month.next().first_day())?;
        Ok(self
            .store()
            .shifts_of_person(&person, from, to)
            .map_err(AppError::from)?
            .into_iter()
            .map(ShiftView::of)
            .collect())
    }

    /// Adds one shift. Refused with a [`ShiftRefused`] (inside the `anyhow::Error`) when it
    /// breaks a rule; see the module documentation.
    pub fn add_shift(&self, input: &ShiftInput, now: DateTime<Utc>) -> anyhow::Result<ShiftSaved> {
        let shift = self.shift_from_input(input, now)?;
        let warnings = self.check_new_shift(&shift, None)?;
        let keys = keys_of(&shift);
        self.store().transaction(|store| -> anyhow::Result<_> {
            self.refuse_if_sent(&keys)?;
            let before = self.latest_versions(&keys)?;
            let id = store
                .add_shift(&shift, Some(GRID_SOURCE), now)
                .map_err(|e| store_refusal(e, "shift_exists"))?;
            let reports = self.after_change(&keys, &before, now)?;
            self.log_event(
                now,
                "shift_added",
                None,
                serde_json::json!({
                    "shift": id.get(),
                    "months": months_of(&keys),
                    "kind": shift.kind.code(),
                    "warnings": warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
                }),
            )?;
            let stored = self.stored(id)?;
            Ok(ShiftSaved {
                shift: stored,
                warnings,
                reports,
            })
        })
    }

    /// Changes the shift `id` to `input` (times, kind, note, even assistant or person). The
    /// reports of both the old and the new shift are checked and brought up to date.
    pub fn update_shift(
        &self,
        id: ShiftId,
        input: &ShiftInput,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ShiftSaved> {
        let old = self.existing(id)?;
        let shift = self.shift_from_input(input, now)?;
        if old.shift == shift {
            let warnings = self.check_new_shift(&shift, Some(id)).unwrap_or_default();
            return Ok(ShiftSaved {
                shift: ShiftView::of(old),
                warnings,
                reports: Vec::new(),
            });
        }
        let warnings = self.check_new_shift(&shift, Some(id))?;
        let mut keys = keys_of(&old.shift);
        for k in keys_of(&shift) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        self.store().transaction(|store| -> anyhow::Result<_> {
            self.refuse_if_sent(&keys)?;
            self.refuse_emptying_signed(&keys_of(&old.shift), id, Some(&shift))?;
            let before = self.latest_versions(&keys)?;
            store
                .replace_shift(id, &shift)
                .map_err(|e| store_refusal(e, "shift_exists"))?;
            let reports = self.after_change(&keys, &before, now)?;
            self.log_event(
                now,
                "shift_changed",
                None,
                serde_json::json!({
                    "shift": id.get(),
                    "months": months_of(&keys),
                    "kind": shift.kind.code(),
                    "warnings": warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
                }),
            )?;
            Ok(ShiftSaved {
                shift: self.stored(id)?,
                warnings,
                reports,
            })
        })
    }

    /// Deletes the shift `id`. Deleting a shift that no longer exists does nothing.
    pub fn delete_shift(&self, id: ShiftId, now: DateTime<Utc>) -> anyhow::Result<ShiftDeleted> {
        let Some(old) = self.store().shift(id).map_err(AppError::from)? else {
            return Ok(ShiftDeleted {
                shift: None,
                reports: Vec::new(),
            });
        };
        let keys = keys_of(&old.shift);
        self.store().transaction(|store| -> anyhow::Result<_> {
            self.refuse_if_sent(&keys)?;
            self.refuse_emptying_signed(&keys, id, None)?;
            let before = self.latest_versions(&keys)?;
            store.delete_shift(id).map_err(AppError::from)?;
            let reports = self.after_change(&keys, &before, now)?;
            self.log_event(
                now,
                "shift_deleted",
                None,
                serde_json::json!({ "shift": id.get(), "months": months_of(&keys) }),
            )?;
            Ok(ShiftDeleted {
                shift: Some(ShiftView::of(old)),
                reports,
            })
        })
    }

    fn existing(&self, id: ShiftId) -> anyhow::Result<StoredShift> {
        self.store()
            .shift(id)
            .map_err(AppError::from)?
            .ok_or_else(|| ShiftRefused::not_found().into())
    }

    fn stored(&self, id: ShiftId) -> anyhow::Result<ShiftView> {
        Ok(ShiftView::of(self.existing(id)?))
    }

    /// Parses and resolves the input; no register lookups yet.
    fn shift_from_input(&self, input: &ShiftInput, now: DateTime<Utc>) -> anyhow::Result<Shift> {
        let today = crate::local_today(now);
        let assistant = IdentityNumber::parse(&input.assistant, today).map_err(|e| {
            ShiftRefused::new(
                "invalid_input",
                Some("assistant"),
                templates::ASSISTANT_NUMBER.with("error", e.text()),
            )
        })?;
        let person = Personnummer::parse(&input.person, today).map_err(|e| {
            ShiftRefused::new(
                "invalid_input",
                Some("person"),
                templates::PERSON_NUMBER.with("error", e.text()),
            )
        })?;
        let start = resolve(&input.start, input.start_occurrence, End::Start)?;
        let end = resolve(&input.end, input.end_occurrence, End::End)?;
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if let Some(length) = note
            .as_deref()
            .map(|n| n.chars().count())
            .filter(|&n| n > MAX_NOTE_CHARS)
        {
            return Err(ShiftRefused::new(
                "note_too_long",
                Some("note"),
                templates::NOTE_TOO_LONG
                    .with("length", length)
                    .with("max", MAX_NOTE_CHARS),
            )
            .into());
        }
        Ok(Shift {
            assistant,
            person,
            start,
            end,
            kind: input.kind,
            note,
        })
    }

    /// Core's checks of one shift, its rows and its overlaps with the assistant's stored
    /// shifts (leaving out `except`, the shift being changed). Errors refuse; warnings return.
    fn check_new_shift(
        &self,
        shift: &Shift,
        except: Option<ShiftId>,
    ) -> anyhow::Result<Vec<Issue>> {
        let provider = self.provider()?;
        let persons = self.persons()?;
        let assistants = self.assistants()?;
        let register = Register {
            provider: provider.as_ref(),
            persons: &persons,
            assistants: &assistants,
        };
        let mut warnings = Vec::new();
        for issue in validation::check_shift(0, shift, &register) {
            if issue.is_error() {
                let field = match issue.code {
                    codes::UNKNOWN_ASSISTANT => Some("assistant"),
                    codes::UNKNOWN_PERSON => Some("person"),
                    _ => Some("end"),
                };
                return Err(refuse(&issue, field).into());
            }
            warnings.push(issue);
        }
        if shift.real_minutes() > MAX_SHIFT_MINUTES {
            return Err(ShiftRefused::new(
                "shift_too_long",
                Some("end"),
                templates::SHIFT_TOO_LONG.with("shift", validation::shift_text(shift)),
            )
            .into());
        }
        for (_, facts) in shift_rows(shift) {
            if let Some(issue) = validation::row_issue(0, shift, &facts) {
                if issue.is_error() {
                    return Err(refuse(&issue, Some("end")).into());
                }
                warnings.push(issue);
            }
        }
        let neighbours = self
            .store()
            .shifts_of_assistant_between(
                &shift.assistant,
                shift.start.utc_minutes(),
                shift.end.utc_minutes(),
            )
            .map_err(AppError::from)?;
        for other in neighbours.into_iter().filter(|n| Some(n.id) != except) {
            let pair = [other.shift, shift.clone()];
            for issue in validation::find_overlaps(&pair, &register) {
                if issue.is_error() {
                    return Err(refuse(&issue, Some("start")).into());
                }
                warnings.push(issue);
            }
        }
        Ok(warnings)
    }

    /// Refuses when a report of `keys` is received by FK or on its way there.
    fn refuse_if_sent(&self, keys: &[ReportKey]) -> anyhow::Result<()> {
        for key in keys {
            if let Some(refused) = self.sent_refusal(key)? {
                return Err(refused.into());
            }
        }
        Ok(())
    }

    /// Why the report `key` may not change, when FK has received it (`report_already_sent`)
    /// or it is queued, being sent or uncertain (`report_being_sent`); `None` when it may. The
    /// grid refuses with it, and the import refuses the rows that would change such a report.
    ///
    /// Only submissions of the folder's environment count (issue 14): a report FK's *test*
    /// service received can still be corrected once the folder works in production, where it
    /// has not been sent (the change makes a new version, signed again there).
    pub(crate) fn sent_refusal(&self, key: &ReportKey) -> anyhow::Result<Option<ShiftRefused>> {
        let (assistant, person, month) = key;
        let here = self.folder_environment_code()?;
        let store = self.store();
        let versions = store
            .report_versions_in_month(*month)
            .map_err(AppError::from)?;
        for version in versions
            .iter()
            .filter(|v| &v.assistant == assistant && &v.person == person)
        {
            for submission in store
                .submissions_for_report(version.report_id)
                .map_err(AppError::from)?
                .into_iter()
                .filter(|s| here.is_none_or(|env| s.environment == env))
            {
                let which = || self.report_label_text(assistant, person, *month);
                match submission.state {
                    SubmissionState::Accepted => {
                        return Ok(Some(ShiftRefused::new(
                            "report_already_sent",
                            None,
                            templates::REPORT_ALREADY_SENT.with("report", which()).with(
                                "tx_id",
                                submission.tx_id.as_deref().map_or_else(
                                    || templates::UNKNOWN_TX_ID.text().into(),
                                    assistid_core::text::Param::from,
                                ),
                            ),
                        )));
                    }
                    SubmissionState::Queued
                    | SubmissionState::Sending
                    | SubmissionState::FailedWillRetry
                    | SubmissionState::Uncertain => {
                        return Ok(Some(ShiftRefused::new(
                            "report_being_sent",
                            None,
                            templates::REPORT_BEING_SENT
                                .with("report", which())
                                .with("state", state_text(submission.state)),
                        )));
                    }
                    _ => {}
                }
            }
        }
        Ok(None)
    }

    /// Refuses to leave a signed report without any shift (its signed version would stay the
    /// latest and could still be sent). `replacement` is the shift that takes `id`'s place.
    fn refuse_emptying_signed(
        &self,
        keys: &[ReportKey],
        id: ShiftId,
        replacement: Option<&Shift>,
    ) -> anyhow::Result<()> {
        let store = self.store();
        for key @ (assistant, person, month) in keys {
            if replacement.is_some_and(|r| keys_of(r).contains(key)) {
                continue;
            }
            let Some(latest) = store
                .latest_report_version(assistant, person, *month)
                .map_err(AppError::from)?
            else {
                continue;
            };
            if !latest.is_frozen() {
                continue;
            }
            let others = self
                .shifts_of_person_in_month(person.digits(), *month)?
                .into_iter()
                .filter(|s| s.id != id && &s.shift.assistant == assistant)
                .any(|s| keys_of(&s.shift).contains(key));
            if !others {
                return Err(ShiftRefused::new(
                    "signed_report_would_be_empty",
                    None,
                    templates::SIGNED_REPORT_WOULD_BE_EMPTY
                        .with("report", self.report_label_text(assistant, person, *month)),
                )
                .into());
            }
        }
        Ok(())
    }

    /// `2026-10 (Ali Berg hos Åsa Öberg)` (names from the register; masked numbers for
    /// anyone not in it), as a text.
    pub(crate) fn report_label_text(
        &self,
        assistant: &IdentityNumber,
        person: &Personnummer,
        month: ReportMonth,
    ) -> Text {
        let assistant_name = self
            .assistants()
            .ok()
            .and_then(|all| all.into_iter().find(|a| &a.id == assistant))
            .map_or_else(|| assistant.masked(), |a| a.full_name());
        let person_name = self
            .persons()
            .ok()
            .and_then(|all| all.into_iter().find(|p| &p.personnummer == person))
            .map_or_else(|| person.masked(), |p| p.full_name());
        templates::REPORT_LABEL
            .with("month", month.to_string())
            .with("assistant", assistant_name)
            .with("person", person_name)
    }

    fn latest_versions(&self, keys: &[ReportKey]) -> anyhow::Result<Vec<Option<(Uuid, bool)>>> {
        keys.iter()
            .map(|(a, p, m)| {
                Ok(self
                    .store()
                    .latest_report_version(a, p, *m)
                    .map_err(AppError::from)?
                    .map(|v| (v.report_id, v.is_frozen())))
            })
            .collect()
    }

    /// Brings the touched months' report versions up to date (a signed version is never
    /// changed: a new one is saved) and says what became of each touched report.
    fn after_change(
        &self,
        keys: &[ReportKey],
        before: &[Option<(Uuid, bool)>],
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<ReportAfterChange>> {
        let months: BTreeSet<ReportMonth> = keys.iter().map(|(_, _, m)| *m).collect();
        let mut out = Vec::new();
        for month in months {
            let review = self.month_review(month, now)?;
            for ((assistant, person, m), was) in keys.iter().zip(before) {
                if *m != month {
                    continue;
                }
                let report_id = review
                    .report(person, assistant)
                    .and_then(|r| r.id())
                    .and_then(|id| Uuid::parse_str(id).ok());
                let signatures_must_be_retaken = matches!(
                    (was, report_id),
                    (Some((old, true)), Some(new)) if *old != new
                );
                out.push(ReportAfterChange {
                    month,
                    assistant: assistant.clone(),
                    person: person.clone(),
                    report_id,
                    signatures_must_be_retaken,
                });
            }
        }
        Ok(out)
    }
}

fn months_of(keys: &[ReportKey]) -> Vec<String> {
    let months: BTreeSet<String> = keys.iter().map(|(_, _, m)| m.to_string()).collect();
    months.into_iter().collect()
}

fn midnight(date: chrono::NaiveDate) -> anyhow::Result<i64> {
    // Midnight never falls inside a change in Sweden, so it always resolves.
    Ok(
        ShiftTime::resolve(date.and_time(chrono::NaiveTime::MIN), None)
            .map_err(|e| AppError::invalid("datum", e))?
            .utc_minutes(),
    )
}

/// A store refusal the user can act on becomes a [`ShiftRefused`]; anything else stays as it is.
fn store_refusal(e: assistid_store::StoreError, exists_code: &'static str) -> anyhow::Error {
    match e {
        assistid_store::StoreError::AlreadyExists { .. } => {
            ShiftRefused::new(exists_code, None, templates::SHIFT_EXISTS.text()).into()
        }
        other => AppError::from(other).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_in_whole_minutes_with_or_without_seconds() {
        for ok in [
            "2026-10-05T08:00",
            "2026-10-05T08:00:00",
            "2026-10-05 08:00",
        ] {
            assert!(parse_local(ok, End::Start).is_ok(), "{ok} is a valid time");
        }
        for bad in [
            "2026-10-05",
            "08:00",
            "2026-10-05T08:00:30",
            "2026-13-01T08:00",
        ] {
            let e = parse_local(bad, End::End).expect_err("not a usable time");
            assert_eq!(e.code, "invalid_time", "{bad} is refused");
            assert_eq!(e.field, Some("end"), "the message names the field");
        }
    }
}
