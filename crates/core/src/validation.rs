//! Checks that catch what would make FK refuse a report, or hold up a person's payment, before
//! anything is signed.
//!
//! Every finding is an [`Issue`]: a severity, a stable machine [`codes`] entry (the UI, the JSON
//! and the importers branch on it), a Swedish message for coordinators that names the shift,
//! day and times concretely, and where it was found. Errors stop a report from being sent;
//! warnings are shown and may be accepted.
//!
//! The rules:
//! - a shift's end must be after its start (`end_not_after_start`);
//! - times in the skipped spring hour (`time_nonexistent`) and times in the repeated autumn hour
//!   without their occurrence (`time_ambiguous`) are refused when a time is resolved
//!   ([`crate::time::LocalTimeError::code`] gives the same codes to importers);
//! - overlapping shifts of one assistant for one person are an error (`overlap_same_person`); for
//!   two persons at the same time a warning (`overlap_two_persons`); two different assistants
//!   for one person at once is double assistance and fine;
//! - shifts over 16 hours are a warning (`long_shift`), with a stronger text over 24 hours;
//! - data FK requires must be there (`missing_provider`, `missing_provider_name`,
//!   `missing_provider_phone`, `missing_person_name`, `missing_assistant_name`);
//! - an assistant with a samordningsnummer cannot sign with BankID (`assistant_cannot_sign_bankid`);
//! - a shift's assistant and person must be in the register (`unknown_assistant`,
//!   `unknown_person`);
//! - daylight saving: `dst_fk_reading_differs` (warning) and `dst_row_not_increasing` (error), see
//!   [`crate::dst`].
//!
//! Overlaps are found in O(n log n): shifts are sorted per assistant by start and swept once.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::dst::DstCalendar;
use crate::ids::{IdentityNumber, Personnummer};
use crate::model::{Assistant, PersonWithAssistance, Provider, Register};
use crate::shift::Shift;
use crate::split::RowFacts;
use crate::text::{Lang, Param, Template, Text};
use crate::time::{Occurrence, ShiftTime};

/// The stable machine codes of every issue. They never change meaning; new ones may be added.
pub mod codes {
    /// A shift's end is not after its start.
    pub const END_NOT_AFTER_START: &str = "end_not_after_start";
    /// A time in the hour skipped on the spring night.
    pub const TIME_NONEXISTENT: &str = "time_nonexistent";
    /// A time in the hour repeated on the autumn night, without its occurrence.
    pub const TIME_AMBIGUOUS: &str = "time_ambiguous";
    /// A UTC offset that Sweden does not use at that local time.
    pub const TIME_WRONG_OFFSET: &str = "time_wrong_offset";
    /// Two shifts of one assistant for one person overlap.
    pub const OVERLAP_SAME_PERSON: &str = "overlap_same_person";
    /// One assistant is booked for two persons at the same time.
    pub const OVERLAP_TWO_PERSONS: &str = "overlap_two_persons";
    /// A shift over 16 hours.
    pub const LONG_SHIFT: &str = "long_shift";
    /// No provider entered.
    pub const MISSING_PROVIDER: &str = "missing_provider";
    /// The provider has no name.
    pub const MISSING_PROVIDER_NAME: &str = "missing_provider_name";
    /// The provider has no (valid) phone number.
    pub const MISSING_PROVIDER_PHONE: &str = "missing_provider_phone";
    /// The provider has no (valid) organisation number.
    pub const MISSING_PROVIDER_ORG_NUMBER: &str = "missing_provider_org_number";
    /// A person with assistance lacks a first or last name.
    pub const MISSING_PERSON_NAME: &str = "missing_person_name";
    /// An assistant lacks a first or last name.
    pub const MISSING_ASSISTANT_NAME: &str = "missing_assistant_name";
    /// The assistant has a samordningsnummer and cannot sign with BankID.
    pub const ASSISTANT_CANNOT_SIGN_BANKID: &str = "assistant_cannot_sign_bankid";
    /// A shift's assistant is not in the register.
    pub const UNKNOWN_ASSISTANT: &str = "unknown_assistant";
    /// A shift's person is not in the register.
    pub const UNKNOWN_PERSON: &str = "unknown_person";
    /// FK's DST summation reads a row differently from the real elapsed time.
    pub const DST_FK_READING_DIFFERS: &str = "dst_fk_reading_differs";
    /// Inside the repeated autumn hour a row's clock end is not after its clock start.
    pub const DST_ROW_NOT_INCREASING: &str = "dst_row_not_increasing";
    /// Hours over the working-time limit of the calculation period.
    pub const WORKING_TIME_LIMIT: &str = "working_time_limit";
    /// The assistant's calculation period is longer than the applicable rule allows.
    pub const CALCULATION_PERIOD_TOO_LONG: &str = "calculation_period_too_long";
}

/// How serious an issue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The report cannot be sent until this is fixed.
    Error,
    /// Worth a look before sending; does not block.
    Warning,
}

/// One finding, with where it was found. `Debug` masks identity numbers; the serialized form
/// (a user-facing export) carries them in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// Stable snake_case code (see [`codes`]).
    pub code: &'static str,
    /// Swedish text for coordinators, naming the shift, day and times (`text` rendered in
    /// Swedish; [`Issue::message_in`] renders it in another language).
    pub message: String,
    /// The message as its code and parameters (not serialized: the JSON keeps `message`).
    #[serde(skip)]
    pub text: Text,
    /// Index of the shift in the list that was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift: Option<usize>,
    /// Index of the other shift (overlaps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_shift: Option<usize>,
    /// The calendar day concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The person with assistance concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<Personnummer>,
    /// The assistant concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assistant: Option<IdentityNumber>,
}

impl Issue {
    /// An error with no location yet, from a Swedish message not (yet) in a catalog: English
    /// shows the Swedish text. Prefer [`Issue::error_text`].
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(
            Severity::Error,
            code,
            Text::untranslated(code, message.into()),
        )
    }

    /// A warning with no location yet, from a Swedish message not (yet) in a catalog. Prefer
    /// [`Issue::warning_text`].
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(
            Severity::Warning,
            code,
            Text::untranslated(code, message.into()),
        )
    }

    /// An error with no location yet; the code is the template's.
    pub fn error_text(text: Text) -> Self {
        let code = text.template().map_or("untranslated", |t| t.code);
        Self::new(Severity::Error, code, text)
    }

    /// A warning with no location yet; the code is the template's.
    pub fn warning_text(text: Text) -> Self {
        let code = text.template().map_or("untranslated", |t| t.code);
        Self::new(Severity::Warning, code, text)
    }

    /// The message in `lang`.
    pub fn message_in(&self, lang: Lang) -> String {
        match lang {
            Lang::Sv => self.message.clone(),
            _ => self.text.render(lang),
        }
    }

    fn new(severity: Severity, code: &'static str, text: Text) -> Self {
        Self {
            severity,
            code,
            message: text.render(Lang::Sv),
            text,
            shift: None,
            other_shift: None,
            date: None,
            person: None,
            assistant: None,
        }
    }

    /// Sets the shift index.
    pub fn at_shift(mut self, index: usize) -> Self {
        self.shift = Some(index);
        self
    }

    /// Sets the other shift's index.
    pub fn with_other_shift(mut self, index: usize) -> Self {
        self.other_shift = Some(index);
        self
    }

    /// Sets the day.
    pub fn on_date(mut self, date: NaiveDate) -> Self {
        self.date = Some(date);
        self
    }

    /// Sets the person.
    pub fn for_person(mut self, person: &Personnummer) -> Self {
        self.person = Some(person.clone());
        self
    }

    /// Sets the assistant.
    pub fn for_assistant(mut self, assistant: &IdentityNumber) -> Self {
        self.assistant = Some(assistant.clone());
        self
    }

    /// Replaces the code (when several wordings share one code).
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The templates of this module's messages, Swedish and English side by side (see
/// [`crate::text`]); [`CATALOG`] lists them for the completeness check.
pub mod templates {
    use crate::text::Template;

    /// A shift: `2026-10-24 22:00–07:00 (aktiv tid)`.
    pub static SHIFT: Template =
        Template::new("shift", "{start}–{end} ({kind})", "{start}–{end} ({kind})");
    /// A time inside the repeated autumn hour, first occurrence.
    pub static TIME_FIRST: Template = Template::new(
        "time_first_occurrence",
        "{time} (första gången, sommartid)",
        "{time} (first time, summer time)",
    );
    /// A time inside the repeated autumn hour, second occurrence.
    pub static TIME_SECOND: Template = Template::new(
        "time_second_occurrence",
        "{time} (andra gången, vintertid)",
        "{time} (second time, winter time)",
    );
    /// Aktiv tid.
    pub static KIND_AKTIV: Template = Template::new("kind_aktiv", "aktiv tid", "active time");
    /// Väntetid.
    pub static KIND_VANTE: Template = Template::new("kind_vante", "väntetid", "waiting time");
    /// Beredskap.
    pub static KIND_BEREDSKAP: Template =
        Template::new("kind_beredskap", "beredskap", "on-call time");
    /// `7,5 timmar`.
    pub static HOURS: Template =
        Template::new("hours", "{whole},{tenth} timmar", "{whole}.{tenth} hours");

    /// `missing_provider`.
    pub static MISSING_PROVIDER: Template = Template::new(
        super::codes::MISSING_PROVIDER,
        "Assistansanordnaren är inte inlagd. FK kräver anordnarens namn, organisationsnummer \
         och telefonnummer i varje tidredovisning: lägg in dem under Inställningar.",
        "The assistance provider has not been entered. FK requires the provider's name, \
         organisation number and phone number in every time report: enter them under Settings.",
    );
    /// `missing_provider_name`.
    pub static MISSING_PROVIDER_NAME: Template = Template::new(
        super::codes::MISSING_PROVIDER_NAME,
        "Assistansanordnarens namn saknas. Fyll i det under Inställningar.",
        "The assistance provider's name is missing. Fill it in under Settings.",
    );
    /// `missing_provider_phone`.
    pub static MISSING_PROVIDER_PHONE: Template = Template::new(
        super::codes::MISSING_PROVIDER_PHONE,
        "Assistansanordnarens telefonnummer saknas eller är kortare än 7 tecken, vilket FK \
         kräver. Fyll i det under Inställningar.",
        "The assistance provider's phone number is missing or shorter than the 7 characters FK \
         requires. Fill it in under Settings.",
    );
    /// `missing_person_name`.
    pub static MISSING_PERSON_NAME: Template = Template::new(
        super::codes::MISSING_PERSON_NAME,
        "Brukaren {person} saknar förnamn eller efternamn, som FK kräver. Fyll i namnet i \
         registret.",
        "The person with assistance {person} has no first or last name, which FK requires. \
         Fill in the name in the register.",
    );
    /// `missing_assistant_name`.
    pub static MISSING_ASSISTANT_NAME: Template = Template::new(
        super::codes::MISSING_ASSISTANT_NAME,
        "Assistenten {assistant} saknar förnamn eller efternamn, som FK kräver. Fyll i namnet \
         i registret.",
        "The assistant {assistant} has no first or last name, which FK requires. Fill in the \
         name in the register.",
    );
    /// `assistant_cannot_sign_bankid`.
    pub static ASSISTANT_CANNOT_SIGN_BANKID: Template = Template::new(
        super::codes::ASSISTANT_CANNOT_SIGN_BANKID,
        "{name} har ett samordningsnummer ({number}). Den som har samordningsnummer kan inte få \
         BankID och kan därför inte skriva under tidredovisningen, så den kan inte \
         skickas till FK. Be assistenten skaffa personnummer (via Skatteverket) och \
         byt sedan nummer i registret; tills dess måste tiden redovisas på \
         pappersblankett.",
        "{name} has a coordination number ({number}). Someone with a coordination number \
         cannot get BankID and so cannot sign the time report, which therefore cannot be sent \
         to FK. Ask the assistant to get a personal identity number (from Skatteverket) and \
         then change the number in the register; until then the time must be reported on a \
         paper form.",
    );
    /// `unknown_assistant`.
    pub static UNKNOWN_ASSISTANT: Template = Template::new(
        super::codes::UNKNOWN_ASSISTANT,
        "Passet {shift} har assistenten {assistant}, som inte finns i registret. Lägg in \
         assistenten eller rätta numret.",
        "The shift {shift} has the assistant {assistant}, who is not in the register. Add the \
         assistant or correct the number.",
    );
    /// `unknown_person`.
    pub static UNKNOWN_PERSON: Template = Template::new(
        super::codes::UNKNOWN_PERSON,
        "Passet {shift} gäller brukaren {person}, som inte finns i registret. Lägg in \
         brukaren eller rätta personnumret.",
        "The shift {shift} is for the person with assistance {person}, who is not in the \
         register. Add the person or correct the personal identity number.",
    );
    /// `end_not_after_start`.
    pub static END_NOT_AFTER_START: Template = Template::new(
        super::codes::END_NOT_AFTER_START,
        "Passet {shift} för {assistant} hos {person} slutar inte efter att det \
         börjar. Rätta sluttiden (ett pass över midnatt ska sluta nästa dag).",
        "The shift {shift} of {assistant} with {person} does not end after it starts. Correct \
         the end time (a shift over midnight ends the next day).",
    );
    /// `long_shift`, over a day.
    pub static LONG_SHIFT_OVER_DAY: Template = Template::new(
        "long_shift_over_day",
        "Passet {shift} för {assistant} hos {person} är {hours} långt, mer än ett dygn. \
         Kontrollera noga att start- och slutdatum är rätt innan det skickas.",
        "The shift {shift} of {assistant} with {person} is {hours} long, more than a day. \
         Check carefully that the start and end dates are right before it is sent.",
    );
    /// `long_shift`, over 16 hours.
    pub static LONG_SHIFT: Template = Template::new(
        super::codes::LONG_SHIFT,
        "Passet {shift} för {assistant} hos {person} är {hours} långt (över 16 timmar). \
         Kontrollera att tiderna stämmer.",
        "The shift {shift} of {assistant} with {person} is {hours} long (over 16 hours). \
         Check that the times are right.",
    );
    /// `dst_row_not_increasing`.
    pub static DST_ROW_NOT_INCREASING: Template = Template::new(
        super::codes::DST_ROW_NOT_INCREASING,
        "Passet {shift} ligger i timmen som upprepas natten till vintertid och slutar på \
         klockan före (eller samtidigt som) det börjar ({from}–{to}). FK kan inte ta emot en \
         sådan rad; ändra start eller slut så att raden går framåt på klockan.",
        "The shift {shift} lies in the hour that is repeated on the night summer time ends and \
         ends on the clock before (or when) it starts ({from}–{to}). FK cannot accept such a \
         row; change the start or the end so that the row moves forward on the clock.",
    );
    /// `dst_fk_reading_differs`.
    pub static DST_FK_READING_DIFFERS: Template = Template::new(
        super::codes::DST_FK_READING_DIFFERS,
        "Natten till {date} ställdes klockan tillbaka en timme: raden {from}–{to} i passet som \
         började {started} varade {real} i verkligheten, men Försäkringskassan läser den som {fk}. \
         Tidredovisningen skickas som den är; fakturera {real}.",
        "On the night to {date} the clocks went back one hour: the row {from}–{to} of the shift \
         that began {started} really lasted {real}, but Försäkringskassan reads it as {fk}. The \
         time report is sent as it is; invoice {real}.",
    );
    /// A local date and clock time: `2026-10-24 22.00` / `2026-10-24 22:00`.
    pub static CLOCK_AT: Template = Template::new(
        "clock_at",
        "{date} {hour}.{minute}",
        "{date} {hour}:{minute}",
    );
    /// A duration of whole hours: `10 timmar` / `10 hours`.
    pub static DURATION_HOURS: Template =
        Template::new("duration_hours", "{hours} timmar", "{hours} hours");
    /// A duration of one hour.
    pub static DURATION_ONE_HOUR: Template =
        Template::new("duration_one_hour", "1 timme", "1 hour");
    /// A duration under an hour: `45 minuter` / `45 minutes`.
    pub static DURATION_MINUTES: Template =
        Template::new("duration_minutes", "{minutes} minuter", "{minutes} minutes");
    /// Hours and minutes: `9 timmar och 30 minuter` / `9 hours and 30 minutes`.
    pub static DURATION_HOURS_MINUTES: Template = Template::new(
        "duration_hours_minutes",
        "{hours} och {minutes} minuter",
        "{hours} and {minutes} minutes",
    );
    /// `overlap_same_person`.
    pub static OVERLAP_SAME_PERSON: Template = Template::new(
        super::codes::OVERLAP_SAME_PERSON,
        "{assistant} har två pass hos {person} som överlappar: {earlier} och {later}. En \
         assistent kan inte redovisa samma tid två gånger för samma brukare; rätta tiderna \
         eller ta bort det ena passet.",
        "{assistant} has two overlapping shifts with {person}: {earlier} and {later}. An \
         assistant cannot report the same time twice for the same person with assistance; \
         correct the times or delete one of the shifts.",
    );
    /// `overlap_two_persons`.
    pub static OVERLAP_TWO_PERSONS: Template = Template::new(
        super::codes::OVERLAP_TWO_PERSONS,
        "{assistant} är registrerad hos två brukare samtidigt: hos {person1} {earlier} och \
         hos {person2} {later}. Kontrollera att det stämmer; FK kan ifrågasätta tid som \
         redovisas för två brukare samtidigt.",
        "{assistant} is registered with two persons with assistance at the same time: with \
         {person1} {earlier} and with {person2} {later}. Check that this is right; FK may \
         question time reported for two persons at the same time.",
    );
}

/// Every template of this module (the completeness check reads it).
pub static CATALOG: &[&Template] = &[
    &templates::SHIFT,
    &templates::TIME_FIRST,
    &templates::TIME_SECOND,
    &templates::KIND_AKTIV,
    &templates::KIND_VANTE,
    &templates::KIND_BEREDSKAP,
    &templates::HOURS,
    &templates::MISSING_PROVIDER,
    &templates::MISSING_PROVIDER_NAME,
    &templates::MISSING_PROVIDER_PHONE,
    &templates::MISSING_PERSON_NAME,
    &templates::MISSING_ASSISTANT_NAME,
    &templates::ASSISTANT_CANNOT_SIGN_BANKID,
    &templates::UNKNOWN_ASSISTANT,
    &templates::UNKNOWN_PERSON,
    &templates::END_NOT_AFTER_START,
    &templates::LONG_SHIFT_OVER_DAY,
    &templates::LONG_SHIFT,
    &templates::DST_ROW_NOT_INCREASING,
    &templates::DST_FK_READING_DIFFERS,
    &templates::CLOCK_AT,
    &templates::DURATION_HOURS,
    &templates::DURATION_ONE_HOUR,
    &templates::DURATION_MINUTES,
    &templates::DURATION_HOURS_MINUTES,
    &templates::OVERLAP_SAME_PERSON,
    &templates::OVERLAP_TWO_PERSONS,
];

/// The kind of time for people (`aktiv tid` / `active time`).
pub fn kind_text(kind: crate::model::TimeKind) -> Text {
    use crate::model::TimeKind;
    match kind {
        TimeKind::Aktiv => templates::KIND_AKTIV.text(),
        TimeKind::Vante => templates::KIND_VANTE.text(),
        TimeKind::Beredskap => templates::KIND_BEREDSKAP.text(),
    }
}

/// A time as a coordinator reads it, with its occurrence inside the repeated autumn hour; the
/// date only when `with_date`.
fn time_param(time: &ShiftTime, with_date: bool) -> Param {
    let base = if with_date {
        time.local().format("%Y-%m-%d %H:%M").to_string()
    } else {
        time.local().format("%H:%M").to_string()
    };
    match time.occurrence() {
        Some(Occurrence::First) => Param::Text(templates::TIME_FIRST.with("time", base)),
        Some(Occurrence::Second) => Param::Text(templates::TIME_SECOND.with("time", base)),
        None => Param::Plain(base),
    }
}

/// The shift as a coordinator recognises it, as a [`Text`].
pub fn shift_text(shift: &Shift) -> Text {
    let same_day = shift.end.local().date() == shift.start.local().date();
    templates::SHIFT
        .with("start", time_param(&shift.start, true))
        .with("end", time_param(&shift.end, !same_day))
        .with("kind", kind_text(shift.kind))
}

/// The shift as a coordinator recognises it: `2026-10-24 22:00–2026-10-25 07:00 (aktiv tid)`.
pub fn describe_shift(shift: &Shift) -> String {
    shift_text(shift).render(Lang::Sv)
}

/// The provider's data FK requires. The types already guarantee a valid phone and organisation
/// number once a [`Provider`] exists; the codes `missing_provider_phone` and
/// `missing_provider_org_number` are for importers and the store reading incomplete records.
pub fn check_provider(provider: Option<&Provider>) -> Vec<Issue> {
    let Some(provider) = provider else {
        return vec![Issue::error_text(templates::MISSING_PROVIDER.text())];
    };
    let mut out = Vec::new();
    if provider.name.trim().is_empty() {
        out.push(Issue::error_text(templates::MISSING_PROVIDER_NAME.text()));
    }
    if provider.phone.as_str().chars().count() < 7 {
        out.push(Issue::error_text(templates::MISSING_PROVIDER_PHONE.text()));
    }
    out
}

/// A person's names, which FK requires.
pub fn check_person(person: &PersonWithAssistance) -> Vec<Issue> {
    if person.first_name.trim().is_empty() || person.last_name.trim().is_empty() {
        vec![
            Issue::error_text(
                templates::MISSING_PERSON_NAME.with("person", person.personnummer.masked()),
            )
            .for_person(&person.personnummer),
        ]
    } else {
        Vec::new()
    }
}

/// An assistant's names and whether they can sign with BankID.
pub fn check_assistant(assistant: &Assistant) -> Vec<Issue> {
    let mut out = Vec::new();
    if assistant.first_name.trim().is_empty() || assistant.last_name.trim().is_empty() {
        out.push(
            Issue::error_text(
                templates::MISSING_ASSISTANT_NAME.with("assistant", assistant.id.masked()),
            )
            .for_assistant(&assistant.id),
        );
    }
    if assistant.cannot_sign_with_bankid() {
        out.push(
            Issue::error_text(
                templates::ASSISTANT_CANNOT_SIGN_BANKID
                    .with("name", assistant.full_name())
                    .with("number", assistant.id.masked()),
            )
            .for_assistant(&assistant.id),
        );
    }
    out
}

/// Checks one shift on its own: end after start, length, and that its assistant and person are
/// in the register. `index` is the shift's position in the list being checked.
pub fn check_shift(index: usize, shift: &Shift, register: &Register<'_>) -> Vec<Issue> {
    let mut out = Vec::new();
    let assistant = register.assistant(&shift.assistant);
    let person = register.person(&shift.person);
    if assistant.is_none() {
        out.push(unknown_assistant(index, shift));
    }
    if person.is_none() {
        out.push(unknown_person(index, shift));
    }
    let assistant_name = assistant.map_or_else(|| shift.assistant.masked(), Assistant::full_name);
    let person_name = person.map_or_else(|| shift.person.masked(), PersonWithAssistance::full_name);
    out.extend(shift_length_issue(
        index,
        shift,
        &assistant_name,
        &person_name,
    ));
    out
}

pub(crate) fn unknown_assistant(index: usize, shift: &Shift) -> Issue {
    Issue::error_text(
        templates::UNKNOWN_ASSISTANT
            .with("shift", shift_text(shift))
            .with("assistant", shift.assistant.masked()),
    )
    .at_shift(index)
    .on_date(shift.start.local().date())
    .for_assistant(&shift.assistant)
}

pub(crate) fn unknown_person(index: usize, shift: &Shift) -> Issue {
    Issue::error_text(
        templates::UNKNOWN_PERSON
            .with("shift", shift_text(shift))
            .with("person", shift.person.masked()),
    )
    .at_shift(index)
    .on_date(shift.start.local().date())
    .for_person(&shift.person)
}

/// End not after start, or longer than 16 hours.
pub(crate) fn shift_length_issue(
    index: usize,
    shift: &Shift,
    assistant_name: &str,
    person_name: &str,
) -> Option<Issue> {
    shift_length_issue_with(
        index,
        shift,
        shift.real_minutes(),
        assistant_name,
        person_name,
    )
}

/// [`shift_length_issue`] with the shift's real minutes already computed.
pub(crate) fn shift_length_issue_with(
    index: usize,
    shift: &Shift,
    real: i64,
    assistant_name: &str,
    person_name: &str,
) -> Option<Issue> {
    if (1..=16 * 60).contains(&real) {
        return None;
    }
    let with_names = |t: &'static Template| {
        t.with("shift", shift_text(shift))
            .with("assistant", assistant_name)
            .with("person", person_name)
    };
    let issue = if real <= 0 {
        Issue::error_text(with_names(&templates::END_NOT_AFTER_START))
    } else if real > 24 * 60 {
        Issue::warning_text(
            with_names(&templates::LONG_SHIFT_OVER_DAY).with("hours", hours_text(real)),
        )
        .with_code(codes::LONG_SHIFT)
    } else if real > 16 * 60 {
        Issue::warning_text(with_names(&templates::LONG_SHIFT).with("hours", hours_text(real)))
    } else {
        return None;
    };
    Some(
        issue
            .at_shift(index)
            .on_date(shift.start.local().date())
            .for_assistant(&shift.assistant)
            .for_person(&shift.person),
    )
}

/// The daylight-saving issue of one row of a shift, if any.
pub fn row_issue(index: usize, shift: &Shift, facts: &RowFacts) -> Option<Issue> {
    let issue = if !facts.is_increasing() {
        Issue::error_text(
            templates::DST_ROW_NOT_INCREASING
                .with("shift", shift_text(shift))
                .with("from", facts.row.from.to_string())
                .with("to", facts.row.to.to_string()),
        )
    } else if facts.minutes.fk_reading_differs() {
        // One plain sentence: what happened, and what it means for the invoice (issue 21).
        Issue::warning_text(
            templates::DST_FK_READING_DIFFERS
                .with("date", facts.date)
                .with("from", facts.row.from.to_string())
                .with("to", facts.row.to.to_string())
                .with(
                    "started",
                    templates::CLOCK_AT
                        .with("date", shift.start.local().format("%Y-%m-%d").to_string())
                        .with("hour", shift.start.local().format("%H").to_string())
                        .with("minute", shift.start.local().format("%M").to_string()),
                )
                .with("real", duration_text(facts.minutes.real_minutes))
                .with("fk", duration_text(facts.minutes.fk_minutes)),
        )
    } else {
        return None;
    };
    Some(
        issue
            .at_shift(index)
            .on_date(facts.date)
            .for_assistant(&shift.assistant)
            .for_person(&shift.person),
    )
}

/// A duration in words, as [`crate::grant::hours_sv`] writes it in Swedish: `10 timmar`,
/// `1 timme`, `45 minuter`, `9 timmar och 30 minuter` (English alike).
pub(crate) fn duration_text(minutes: impl Into<u64>) -> Text {
    let minutes: u64 = minutes.into();
    let (h, m) = (minutes / 60, minutes % 60);
    let hours = if h == 1 {
        templates::DURATION_ONE_HOUR.text()
    } else {
        templates::DURATION_HOURS.with("hours", h)
    };
    match (h, m) {
        (0, m) => templates::DURATION_MINUTES.with("minutes", m),
        (_, 0) => hours,
        (_, m) => templates::DURATION_HOURS_MINUTES
            .with("hours", hours)
            .with("minutes", m),
    }
}

/// `7,5 timmar` / `7.5 hours`.
pub(crate) fn hours_text(minutes: i64) -> Text {
    let text = format!("{:.1}", minutes as f64 / 60.0);
    let (whole, tenth) = text.split_once('.').unwrap_or((&text, "0"));
    templates::HOURS.with("whole", whole).with("tenth", tenth)
}

/// One shift as the overlap sweep sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SweepItem<K> {
    pub person: K,
    pub start: i64,
    pub end: i64,
    pub index: usize,
}

/// Sweeps ONE assistant's shifts, sorted by start, and calls `on_overlap(earlier index, later
/// item, same_person)` for each shift that starts before an earlier one of the same assistant ended:
/// at most once per (shift, other person), against the earlier shift that ends last.
pub(crate) fn sweep_overlaps<K: PartialEq + Copy>(
    items: impl IntoIterator<Item = SweepItem<K>>,
    mut on_overlap: impl FnMut(usize, &SweepItem<K>, bool),
) {
    // Per person: the latest end so far and its shift. An assistant works for few persons, so a
    // small vector beats a map.
    let mut open: Vec<(K, i64, usize)> = Vec::new();
    for item in items {
        if item.end <= item.start {
            continue;
        }
        for &(person, end, index) in &open {
            if end > item.start {
                on_overlap(index, &item, person == item.person);
            }
        }
        match open.iter_mut().find(|(p, _, _)| *p == item.person) {
            Some(entry) if entry.1 < item.end => *entry = (item.person, item.end, item.index),
            Some(_) => {}
            None => open.push((item.person, item.end, item.index)),
        }
    }
}

/// The overlap issue between two shifts of one assistant.
pub(crate) fn overlap_issue(
    earlier: (usize, &Shift),
    later: (usize, &Shift),
    same_person: bool,
    register: &Register<'_>,
) -> Issue {
    let (ei, e) = earlier;
    let (li, l) = later;
    let name_of_assistant = register
        .assistant(&l.assistant)
        .map_or_else(|| l.assistant.masked(), Assistant::full_name);
    let person_name = |p: &Personnummer| {
        register
            .person(p)
            .map_or_else(|| p.masked(), PersonWithAssistance::full_name)
    };
    let issue = if same_person {
        Issue::error_text(
            templates::OVERLAP_SAME_PERSON
                .with("assistant", name_of_assistant)
                .with("person", person_name(&l.person))
                .with("earlier", shift_text(e))
                .with("later", shift_text(l)),
        )
    } else {
        Issue::warning_text(
            templates::OVERLAP_TWO_PERSONS
                .with("assistant", name_of_assistant)
                .with("person1", person_name(&e.person))
                .with("earlier", shift_text(e))
                .with("person2", person_name(&l.person))
                .with("later", shift_text(l)),
        )
    };
    issue
        .at_shift(li)
        .with_other_shift(ei)
        .on_date(l.start.local().date())
        .for_assistant(&l.assistant)
        .for_person(&l.person)
}

/// Overlapping shifts of the same assistant (O(n log n): sorted per assistant by start).
pub fn find_overlaps(shifts: &[Shift], register: &Register<'_>) -> Vec<Issue> {
    // Sorted by (assistant, start, index) as before, but on integers: each distinct assistant
    // gets its rank in the assistants' order once, instead of comparing identity-number text
    // in every comparison of the sort.
    let mut ranks: HashMap<&IdentityNumber, u32> = HashMap::new();
    for shift in shifts {
        ranks.entry(&shift.assistant).or_insert(0);
    }
    let mut distinct: Vec<&IdentityNumber> = ranks.keys().copied().collect();
    distinct.sort();
    for (rank, assistant) in distinct.into_iter().enumerate() {
        ranks.insert(assistant, u32::try_from(rank).unwrap_or(u32::MAX));
    }
    let mut order: Vec<(u32, i64, usize)> = shifts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let rank = ranks.get(&s.assistant).copied().unwrap_or(u32::MAX);
            (rank, s.start.utc_minutes(), i)
        })
        .collect();
    // The index makes every key distinct, so an unstable sort gives the one order.
    order.sort_unstable();
    let order: Vec<usize> = order.into_iter().map(|(_, _, i)| i).collect();
    let mut out = Vec::new();
    for group in order.chunk_by(|&a, &b| shifts[a].assistant == shifts[b].assistant) {
        let items = group.iter().map(|&i| SweepItem {
            person: &shifts[i].person,
            start: shifts[i].start.utc_minutes(),
            end: shifts[i].end.utc_minutes(),
            index: i,
        });
        sweep_overlaps(items, |earlier, later, same| {
            let later = later.index;
            out.push(overlap_issue(
                (earlier, &shifts[earlier]),
                (later, &shifts[later]),
                same,
                register,
            ));
        });
    }
    out
}

/// Every shift-level check over a list of shifts (as an importer previews them): each shift on
/// its own, its rows' daylight-saving issues, and overlaps. Register checks are separate
/// ([`check_provider`], [`check_person`], [`check_assistant`]).
pub fn validate_shifts(shifts: &[Shift], register: &Register<'_>) -> Vec<Issue> {
    let assistants: HashMap<&IdentityNumber, &Assistant> =
        register.assistants.iter().map(|a| (&a.id, a)).collect();
    let persons: HashMap<&Personnummer, &PersonWithAssistance> = register
        .persons
        .iter()
        .map(|p| (&p.personnummer, p))
        .collect();
    // The change days of the shifts' years, looked up once instead of twice per row.
    let years = shifts.iter().fold(None, |years: Option<(i32, i32)>, s| {
        let (a, b) = (s.start.local().year(), s.end.local().year());
        let (lo, hi) = (a.min(b), a.max(b));
        Some(years.map_or((lo, hi), |(first, last)| (first.min(lo), last.max(hi))))
    });
    let calendar = years.map_or_else(DstCalendar::uncached, |(first, last)| {
        DstCalendar::for_years(first, last)
    });
    let mut out = Vec::new();
    for (index, shift) in shifts.iter().enumerate() {
        let assistant = assistants.get(&shift.assistant);
        let person = persons.get(&shift.person);
        if assistant.is_none() {
            out.push(unknown_assistant(index, shift));
        }
        if person.is_none() {
            out.push(unknown_person(index, shift));
        }
        // The names go into a message only when there is one: most shifts have none, and
        // formatting two names per shift was a large part of an import's checks.
        let real = shift.real_minutes();
        if !(1..=16 * 60).contains(&real) {
            let assistant_name =
                assistant.map_or_else(|| shift.assistant.masked(), |a| a.full_name());
            let person_name = person.map_or_else(|| shift.person.masked(), |p| p.full_name());
            out.extend(shift_length_issue_with(
                index,
                shift,
                real,
                &assistant_name,
                &person_name,
            ));
        }
        for (_, facts) in crate::split::shift_rows_with(shift, &calendar) {
            out.extend(row_issue(index, shift, &facts));
        }
    }
    out.extend(find_overlaps(shifts, register));
    out
}
