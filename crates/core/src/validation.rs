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
    /// Swedish text for coordinators, naming the shift, day and times.
    pub message: String,
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
    /// An error with no location yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message.into())
    }

    /// A warning with no location yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message.into())
    }

    fn new(severity: Severity, code: &'static str, message: String) -> Self {
        Self {
            severity,
            code,
            message,
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

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The shift as a coordinator recognises it: `2026-10-24 22:00–2026-10-25 07:00 (aktiv tid)`.
pub fn describe_shift(shift: &Shift) -> String {
    let end = if shift.end.local().date() == shift.start.local().date() {
        let full = shift.end.describe_sv();
        // Same day: drop the repeated date ("2026-10-24 " is 11 characters).
        full.get(11..).map(str::to_owned).unwrap_or(full)
    } else {
        shift.end.describe_sv()
    };
    format!(
        "{}–{} ({})",
        shift.start.describe_sv(),
        end,
        shift.kind.label_sv()
    )
}

/// The provider's data FK requires. The types already guarantee a valid phone and organisation
/// number once a [`Provider`] exists; the codes `missing_provider_phone` and
/// `missing_provider_org_number` are for importers and the store reading incomplete records.
pub fn check_provider(provider: Option<&Provider>) -> Vec<Issue> {
    let Some(provider) = provider else {
        return vec![Issue::error(
            codes::MISSING_PROVIDER,
            "Assistansanordnaren är inte inlagd. FK kräver anordnarens namn, organisationsnummer \
             och telefonnummer i varje tidredovisning: lägg in dem under Inställningar.",
        )];
    };
    let mut out = Vec::new();
    if provider.name.trim().is_empty() {
        out.push(Issue::error(
            codes::MISSING_PROVIDER_NAME,
            "Assistansanordnarens namn saknas. Fyll i det under Inställningar.",
        ));
    }
    if provider.phone.as_str().chars().count() < 7 {
        out.push(Issue::error(
            codes::MISSING_PROVIDER_PHONE,
            "Assistansanordnarens telefonnummer saknas eller är kortare än 7 tecken, vilket FK \
             kräver. Fyll i det under Inställningar.",
        ));
    }
    out
}

/// A person's names, which FK requires.
pub fn check_person(person: &PersonWithAssistance) -> Vec<Issue> {
    if person.first_name.trim().is_empty() || person.last_name.trim().is_empty() {
        vec![
            Issue::error(
                codes::MISSING_PERSON_NAME,
                format!(
                    "Brukaren {} saknar förnamn eller efternamn, som FK kräver. Fyll i namnet i \
                     registret.",
                    person.personnummer.masked()
                ),
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
            Issue::error(
                codes::MISSING_ASSISTANT_NAME,
                format!(
                    "Assistenten {} saknar förnamn eller efternamn, som FK kräver. Fyll i namnet \
                     i registret.",
                    assistant.id.masked()
                ),
            )
            .for_assistant(&assistant.id),
        );
    }
    if assistant.cannot_sign_with_bankid() {
        out.push(
            Issue::error(
                codes::ASSISTANT_CANNOT_SIGN_BANKID,
                format!(
                    "{} har ett samordningsnummer ({}). Den som har samordningsnummer kan inte få \
                     BankID och kan därför inte skriva under tidredovisningen, så den kan inte \
                     skickas till FK. Be assistenten skaffa personnummer (via Skatteverket) och \
                     byt sedan nummer i registret; tills dess måste tiden redovisas på \
                     pappersblankett.",
                    assistant.full_name(),
                    assistant.id.masked()
                ),
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
    Issue::error(
        codes::UNKNOWN_ASSISTANT,
        format!(
            "Passet {} har assistenten {}, som inte finns i registret. Lägg in assistenten eller \
             rätta numret.",
            describe_shift(shift),
            shift.assistant.masked()
        ),
    )
    .at_shift(index)
    .on_date(shift.start.local().date())
    .for_assistant(&shift.assistant)
}

pub(crate) fn unknown_person(index: usize, shift: &Shift) -> Issue {
    Issue::error(
        codes::UNKNOWN_PERSON,
        format!(
            "Passet {} gäller brukaren {}, som inte finns i registret. Lägg in brukaren eller \
             rätta personnumret.",
            describe_shift(shift),
            shift.person.masked()
        ),
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
    let issue = if real <= 0 {
        Issue::error(
            codes::END_NOT_AFTER_START,
            format!(
                "Passet {} för {assistant_name} hos {person_name} slutar inte efter att det \
                 börjar. Rätta sluttiden (ett pass över midnatt ska sluta nästa dag).",
                describe_shift(shift)
            ),
        )
    } else if real > 24 * 60 {
        Issue::warning(
            codes::LONG_SHIFT,
            format!(
                "Passet {} för {assistant_name} hos {person_name} är {} långt, mer än ett dygn. \
                 Kontrollera noga att start- och slutdatum är rätt innan det skickas.",
                describe_shift(shift),
                hours_sv(real)
            ),
        )
    } else if real > 16 * 60 {
        Issue::warning(
            codes::LONG_SHIFT,
            format!(
                "Passet {} för {assistant_name} hos {person_name} är {} långt (över 16 timmar). \
                 Kontrollera att tiderna stämmer.",
                describe_shift(shift),
                hours_sv(real)
            ),
        )
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
        Issue::error(
            codes::DST_ROW_NOT_INCREASING,
            format!(
                "Passet {} ligger i timmen som upprepas natten till vintertid och slutar på \
                 klockan före (eller samtidigt som) det börjar ({}–{}). FK kan inte ta emot en \
                 sådan rad; ändra start eller slut så att raden går framåt på klockan.",
                describe_shift(shift),
                facts.row.from,
                facts.row.to
            ),
        )
    } else if facts.minutes.fk_reading_differs() {
        // One plain sentence: what happened, and what it means for the invoice (issue 21).
        Issue::warning(
            codes::DST_FK_READING_DIFFERS,
            format!(
                "Natten till {} ställdes klockan tillbaka en timme: raden {}–{} i passet som \
                 började {} varade {} i verkligheten, men Försäkringskassan läser den som {}. \
                 Tidredovisningen skickas som den är; fakturera {}.",
                facts.date,
                facts.row.from,
                facts.row.to,
                shift.start.local().format("%Y-%m-%d %H.%M"),
                crate::grant::hours_sv(u64::from(facts.minutes.real_minutes)),
                crate::grant::hours_sv(u64::from(facts.minutes.fk_minutes)),
                crate::grant::hours_sv(u64::from(facts.minutes.real_minutes)),
            ),
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

/// `7,5 timmar`, Swedish style.
pub(crate) fn hours_sv(minutes: i64) -> String {
    let text = format!("{:.1}", minutes as f64 / 60.0).replace('.', ",");
    format!("{text} timmar")
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
        Issue::error(
            codes::OVERLAP_SAME_PERSON,
            format!(
                "{name_of_assistant} har två pass hos {} som överlappar: {} och {}. En assistent \
                 kan inte redovisa samma tid två gånger för samma brukare; rätta tiderna eller \
                 ta bort det ena passet.",
                person_name(&l.person),
                describe_shift(e),
                describe_shift(l)
            ),
        )
    } else {
        Issue::warning(
            codes::OVERLAP_TWO_PERSONS,
            format!(
                "{name_of_assistant} är registrerad hos två brukare samtidigt: hos {} {} och hos \
                 {} {}. Kontrollera att det stämmer; FK kan ifrågasätta tid som redovisas för två \
                 brukare samtidigt.",
                person_name(&e.person),
                describe_shift(e),
                person_name(&l.person),
                describe_shift(l)
            ),
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
