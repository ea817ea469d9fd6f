//! The people and settings a report is made of: the provider (assistansanordnare), the person with
//! assistance, the assistant with their employment, the calculation period, the report month and
//! the kinds of time FK knows.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::{IdentityNumber, OrgNumber, Personnummer};

/// Why a value in the register (provider, person, assistant) was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// FK requires at least 7 characters in a phone number.
    #[error("telefonnumret måste ha minst 7 tecken")]
    PhoneTooShort,
    /// A name that FK requires was empty.
    #[error("{field} får inte vara tomt")]
    EmptyName {
        /// Which name (Swedish label).
        field: &'static str,
    },
    /// A month that is not `YYYY-MM` or not a real month.
    #[error("månaden ska skrivas ÅÅÅÅ-MM, t.ex. 2026-03")]
    Month,
    /// A calculation period must be at least one day or month long.
    #[error("beräkningsperiodens längd måste vara minst 1")]
    PeriodLength,
    /// An unknown kind of time.
    #[error("okänd tidstyp {0:?}: använd aktiv, vänte eller beredskap")]
    Kind(String),
}

/// The templates of [`ModelError`]'s messages (see [`crate::text`]); the Swedish wordings are
/// the errors' own `Display` texts, byte for byte.
pub mod templates {
    use crate::text::Template;

    /// [`super::ModelError::PhoneTooShort`].
    pub static PHONE_TOO_SHORT: Template = Template::new(
        "model_phone_too_short",
        "telefonnumret måste ha minst 7 tecken",
        "the phone number must have at least 7 characters",
    );
    /// [`super::ModelError::EmptyName`]: `{field}` is the name's label.
    pub static EMPTY_NAME: Template = Template::new(
        "model_empty_name",
        "{field} får inte vara tomt",
        "{field} must not be empty",
    );
    /// [`super::ModelError::Month`].
    pub static MONTH: Template = Template::new(
        "model_month",
        "månaden ska skrivas ÅÅÅÅ-MM, t.ex. 2026-03",
        "write the month as YYYY-MM, e.g. 2026-03",
    );
    /// [`super::ModelError::PeriodLength`].
    pub static PERIOD_LENGTH: Template = Template::new(
        "model_period_length",
        "beräkningsperiodens längd måste vara minst 1",
        "the calculation period must be at least 1 long",
    );
    /// [`super::ModelError::Kind`]: `{kind}` is the value as typed, quoted.
    pub static KIND: Template = Template::new(
        "model_kind",
        "okänd tidstyp {kind}: använd aktiv, vänte eller beredskap",
        "unknown kind of time {kind}: use aktiv, vänte or beredskap (FK's words)",
    );
    /// The provider's name, as [`super::ModelError::EmptyName`] names it.
    pub static LABEL_PROVIDER_NAME: Template = Template::new(
        "model_label_provider_name",
        "anordnarens namn",
        "the provider's name",
    );
    /// A first name, as [`super::ModelError::EmptyName`] names it.
    pub static LABEL_FIRST_NAME: Template =
        Template::new("model_label_first_name", "förnamn", "the first name");
    /// A last name, as [`super::ModelError::EmptyName`] names it.
    pub static LABEL_LAST_NAME: Template =
        Template::new("model_label_last_name", "efternamn", "the last name");
}

/// Every template of this module's messages (checked for both languages by the app's spec).
pub static CATALOG: &[&crate::text::Template] = &[
    &templates::PHONE_TOO_SHORT,
    &templates::EMPTY_NAME,
    &templates::MONTH,
    &templates::PERIOD_LENGTH,
    &templates::KIND,
    &templates::LABEL_PROVIDER_NAME,
    &templates::LABEL_FIRST_NAME,
    &templates::LABEL_LAST_NAME,
];

impl ModelError {
    /// The message as a [`crate::text::Text`] (Swedish: the `Display` text).
    pub fn text(&self) -> crate::text::Text {
        use crate::text::Param;
        match self {
            ModelError::PhoneTooShort => templates::PHONE_TOO_SHORT.text(),
            ModelError::EmptyName { field } => {
                let label = [
                    &templates::LABEL_PROVIDER_NAME,
                    &templates::LABEL_FIRST_NAME,
                    &templates::LABEL_LAST_NAME,
                ]
                .into_iter()
                .find(|t| t.sv == *field)
                .map_or_else(
                    || Param::Plain((*field).to_owned()),
                    |t| Param::Text(t.text()),
                );
                templates::EMPTY_NAME.with("field", label)
            }
            ModelError::Month => templates::MONTH.text(),
            ModelError::PeriodLength => templates::PERIOD_LENGTH.text(),
            ModelError::Kind(kind) => templates::KIND.with("kind", format!("{kind:?}")),
        }
    }
}

/// A phone number as FK accepts it: free text of at least 7 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Trims and checks the length (counted in characters, as FK's schema does).
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let t = input.trim();
        if t.chars().count() < 7 {
            return Err(ModelError::PhoneTooShort);
        }
        Ok(Self(t.to_owned()))
    }

    /// The number as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

fn non_empty(value: &str, field: &'static str) -> Result<String, ModelError> {
    let t = value.trim();
    if t.is_empty() {
        Err(ModelError::EmptyName { field })
    } else {
        Ok(t.to_owned())
    }
}

/// The assistance provider (assistansanordnare) that sends the reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// Company name (`anordnareNamn`).
    pub name: String,
    /// Organisationsnummer.
    pub org_number: OrgNumber,
    /// Who FK's case officer may call (`kontaktperson`).
    pub contact_person: Option<String>,
    /// The provider's phone (`telefonnummerAnordnare`, required by FK).
    pub phone: Phone,
}

impl Provider {
    /// Builds a provider, checking what FK requires.
    pub fn new(
        name: &str,
        org_number: OrgNumber,
        contact_person: Option<&str>,
        phone: Phone,
    ) -> Result<Self, ModelError> {
        Ok(Self {
            name: non_empty(name, "anordnarens namn")?,
            org_number,
            contact_person: contact_person
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            phone,
        })
    }
}

/// A person who receives assistance (personSomHarAssistans).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonWithAssistance {
    /// Personnummer (never a samordningsnummer).
    pub personnummer: Personnummer,
    /// Given name(s).
    pub first_name: String,
    /// Family name.
    pub last_name: String,
}

impl PersonWithAssistance {
    /// Builds a person, refusing empty names.
    pub fn new(
        personnummer: Personnummer,
        first_name: &str,
        last_name: &str,
    ) -> Result<Self, ModelError> {
        Ok(Self {
            personnummer,
            first_name: non_empty(first_name, "förnamn")?,
            last_name: non_empty(last_name, "efternamn")?,
        })
    }
}

/// Who employs the assistant: FK's choice between `anstalldAvPersonSomHarAssistans` and the
/// three variants inside `assistansanordnare`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Employment {
    /// Employed by the provider (`assistentAnstalldAvAnordnare`).
    Provider,
    /// Employed by another employer (`annanArbetsgivare`).
    OtherEmployer {
        /// The employer's name, if known.
        name: Option<String>,
        /// The employer's organisationsnummer.
        org_number: OrgNumber,
    },
    /// Self-employed (`assistentEgenForetagare`).
    SelfEmployed,
    /// Employed by the person with assistance (`anstalldAvPersonSomHarAssistans`).
    PersonWithAssistance,
}

/// An assistant: the person who performs the assistance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assistant {
    /// Personnummer or samordningsnummer.
    pub id: IdentityNumber,
    /// Given name(s).
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// The assistant's phone (`telefonnummerAssistent`, optional in FK's document).
    pub phone: Option<Phone>,
    /// Whether a collective agreement covers the assistant (`kollektivavtal`).
    pub collective_agreement: bool,
    /// Who employs the assistant.
    pub employment: Employment,
    /// The working-time calculation period, if one is set.
    pub calculation_period: Option<CalculationPeriod>,
}

impl Assistant {
    /// True when the assistant cannot sign with BankID (samordningsnummer).
    pub fn cannot_sign_with_bankid(&self) -> bool {
        self.id.is_coordination()
    }
}

/// The register a review works against: the provider, the persons and the assistants, borrowed
/// from wherever they are kept.
#[derive(Clone, Copy, Debug, Default)]
pub struct Register<'a> {
    /// The provider; `None` until it has been entered (the review then says what is missing).
    pub provider: Option<&'a Provider>,
    /// Persons with assistance.
    pub persons: &'a [PersonWithAssistance],
    /// Assistants.
    pub assistants: &'a [Assistant],
}

impl<'a> Register<'a> {
    /// The person with this personnummer (linear search; for messages and small registers).
    pub fn person(&self, personnummer: &Personnummer) -> Option<&'a PersonWithAssistance> {
        self.persons
            .iter()
            .find(|p| &p.personnummer == personnummer)
    }

    /// The assistant with this identity number (linear search).
    pub fn assistant(&self, id: &IdentityNumber) -> Option<&'a Assistant> {
        self.assistants.iter().find(|a| &a.id == id)
    }
}

impl PersonWithAssistance {
    /// `Förnamn Efternamn`, for messages.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

impl Assistant {
    /// `Förnamn Efternamn`, for messages.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The length of a calculation period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum PeriodLength {
    /// A number of days (e.g. 28).
    Days(u32),
    /// A number of calendar months (e.g. 4).
    Months(u32),
}

/// A working-time calculation period (berakningsperiod): periods of `length` repeat back to back
/// from `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalculationPeriod {
    /// The first day of the first period.
    pub start: NaiveDate,
    /// How long each period is.
    pub length: PeriodLength,
}

impl CalculationPeriod {
    /// Builds a period, refusing a zero length.
    pub fn new(start: NaiveDate, length: PeriodLength) -> Result<Self, ModelError> {
        match length {
            PeriodLength::Days(0) | PeriodLength::Months(0) => Err(ModelError::PeriodLength),
            _ => Ok(Self { start, length }),
        }
    }

    /// The `n`th period (0 = the one starting at `start`), as inclusive `(from, to)` dates.
    fn nth(&self, n: i64) -> Option<(NaiveDate, NaiveDate)> {
        match self.length {
            PeriodLength::Days(d) => {
                let d = i64::from(d);
                let from = self
                    .start
                    .checked_add_signed(chrono::Duration::days(n * d))?;
                let to = from.checked_add_signed(chrono::Duration::days(d - 1))?;
                Some((from, to))
            }
            PeriodLength::Months(m) => {
                let from = add_months(self.start, n * i64::from(m))?;
                let next = add_months(self.start, (n + 1) * i64::from(m))?;
                Some((from, next.pred_opt()?))
            }
        }
    }

    /// Every period (inclusive `from`, `to`) that shares at least one day with `month`, in order.
    /// Days of the month before `start` belong to no period.
    pub fn periods_intersecting(&self, month: ReportMonth) -> Vec<(NaiveDate, NaiveDate)> {
        let (first, last) = (month.first_day(), month.last_day());
        if last < self.start {
            return Vec::new();
        }
        // Find the index of the period containing `max(first, start)`.
        let probe = first.max(self.start);
        let mut n = match self.length {
            PeriodLength::Days(d) => (probe - self.start).num_days() / i64::from(d),
            PeriodLength::Months(m) => {
                let months = i64::from(probe.year() - self.start.year()) * 12
                    + i64::from(probe.month())
                    - i64::from(self.start.month());
                (months / i64::from(m)).max(0)
            }
        };
        // Month arithmetic can overshoot by one when the start day is late in the month.
        while n > 0 && self.nth(n).is_some_and(|(from, _)| from > probe) {
            n -= 1;
        }
        let mut out = Vec::new();
        while let Some((from, to)) = self.nth(n) {
            if from > last {
                break;
            }
            if to >= first {
                out.push((from, to));
            }
            n += 1;
        }
        out
    }
}

fn add_months(date: NaiveDate, months: i64) -> Option<NaiveDate> {
    let months = u32::try_from(months).ok()?;
    date.checked_add_months(Months::new(months))
}

/// A report month (`redovisningsmanad`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReportMonth {
    year: i32,
    month: u32,
}

impl ReportMonth {
    /// A month from its year and number (1–12).
    pub fn new(year: i32, month: u32) -> Result<Self, ModelError> {
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return Err(ModelError::Month);
        }
        Ok(Self { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month number, 1–12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// Number of days (28–31).
    pub fn days(self) -> u32 {
        self.last_day().day()
    }

    /// The following month.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The preceding month.
    pub fn prev(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// FK's deadline for the person's invoice: the 5th of the second month after.
    pub fn deadline(self) -> NaiveDate {
        let m = self.next().next();
        NaiveDate::from_ymd_opt(m.year, m.month, 5).unwrap_or(NaiveDate::MAX)
    }
}

impl fmt::Display for ReportMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for ReportMonth {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (y, m) = s.split_once('-').ok_or(ModelError::Month)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(ModelError::Month);
        }
        let year = y.parse().map_err(|_| ModelError::Month)?;
        let month = m.parse().map_err(|_| ModelError::Month)?;
        Self::new(year, month)
    }
}

impl TryFrom<String> for ReportMonth {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ReportMonth> for String {
    fn from(value: ReportMonth) -> Self {
        value.to_string()
    }
}

/// The kinds of time FK distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeKind {
    /// Aktiv tid: ordinary assistance (`aktivTid`).
    Aktiv,
    /// Väntetid: present and available (`vanteTid`).
    Vante,
    /// Beredskap: on call (`beredskapsTid`).
    Beredskap,
}

impl TimeKind {
    /// All kinds, in FK's order.
    pub const ALL: [TimeKind; 3] = [TimeKind::Aktiv, TimeKind::Vante, TimeKind::Beredskap];

    /// The stable machine name (`aktiv`, `vante`, `beredskap`) used in files and JSON.
    pub fn code(self) -> &'static str {
        match self {
            TimeKind::Aktiv => "aktiv",
            TimeKind::Vante => "vante",
            TimeKind::Beredskap => "beredskap",
        }
    }

    /// The Swedish label for people.
    pub fn label_sv(self) -> &'static str {
        match self {
            TimeKind::Aktiv => "aktiv tid",
            TimeKind::Vante => "väntetid",
            TimeKind::Beredskap => "beredskap",
        }
    }

    /// The element name in FK's report row.
    pub fn fk_element(self) -> &'static str {
        match self {
            TimeKind::Aktiv => "aktivTid",
            TimeKind::Vante => "vanteTid",
            TimeKind::Beredskap => "beredskapsTid",
        }
    }
}

impl fmt::Display for TimeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for TimeKind {
    type Err = ModelError;
    /// Accepts the codes and the common ways people write them (`aktiv tid`, `väntetid`,
    /// `vänte`, `A`/`V`/`B`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        match norm.as_str() {
            "aktiv" | "aktivtid" | "a" | "active" => Ok(TimeKind::Aktiv),
            "vante" | "vänte" | "väntetid" | "vantetid" | "v" | "waiting" => Ok(TimeKind::Vante),
            "beredskap" | "beredskapstid" | "b" | "oncall" | "on-call" => Ok(TimeKind::Beredskap),
            _ => Err(ModelError::Kind(s.trim().to_owned())),
        }
    }
}
