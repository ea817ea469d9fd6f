//! Swedish identity numbers as FK's report wants them: personnummer and samordningsnummer
//! (12 digits, `YYYYMMDDNNNN`) and organisationsnummer (10 digits).
//!
//! Parsing accepts the forms people type and spreadsheets produce (`19900101-0017`,
//! `199001010017`, `900101-0017`, with or without a dash or `+`), checks the date and the Luhn
//! checksum, and keeps the canonical digits only. `Debug` never prints the number in full:
//! identity numbers are personal data and must not end up in logs.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why an identity number was refused. Every message names the number's problem in words a
/// coordinator understands (Swedish), without repeating the number itself.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IdError {
    /// Not 10 or 12 digits (after removing one `-` or `+` separator).
    #[error("fel format: ange 12 siffror (ÅÅÅÅMMDDNNNN), t.ex. 199001010017")]
    Format,
    /// The date part is not a real calendar date.
    #[error("datumdelen är inte ett giltigt datum")]
    Date,
    /// The last digit does not match the Luhn checksum.
    #[error("kontrollsiffran stämmer inte (felskrivet nummer?)")]
    Checksum,
    /// An organisation number must have 10 digits and a valid checksum.
    #[error("organisationsnumret ska ha 10 siffror med giltig kontrollsiffra")]
    OrgNumber,
    /// A samordningsnummer was given where only a personnummer is allowed.
    #[error("ett samordningsnummer kan inte användas här; ange personnummer")]
    CoordinationNotAllowed,
}

/// The templates of [`IdError`]'s messages (see [`crate::text`]); the Swedish wordings are the
/// `Display` texts.
pub mod templates {
    use crate::text::Template;

    /// [`super::IdError::Format`].
    pub static FORMAT: Template = Template::new(
        "id_format",
        "fel format: ange 12 siffror (ÅÅÅÅMMDDNNNN), t.ex. 199001010017",
        "wrong format: give 12 digits (YYYYMMDDNNNN), e.g. 199001010017",
    );
    /// [`super::IdError::Date`].
    pub static DATE: Template = Template::new(
        "id_date",
        "datumdelen är inte ett giltigt datum",
        "the date part is not a valid date",
    );
    /// [`super::IdError::Checksum`].
    pub static CHECKSUM: Template = Template::new(
        "id_checksum",
        "kontrollsiffran stämmer inte (felskrivet nummer?)",
        "the check digit does not match (a typing error?)",
    );
    /// [`super::IdError::OrgNumber`].
    pub static ORG_NUMBER: Template = Template::new(
        "id_org_number",
        "organisationsnumret ska ha 10 siffror med giltig kontrollsiffra",
        "the organisation number must have 10 digits with a valid check digit",
    );
    /// [`super::IdError::CoordinationNotAllowed`].
    pub static COORDINATION_NOT_ALLOWED: Template = Template::new(
        "id_coordination_not_allowed",
        "ett samordningsnummer kan inte användas här; ange personnummer",
        "a coordination number cannot be used here; give a personal identity number",
    );
}

/// Every template of this module.
pub static CATALOG: &[&crate::text::Template] = &[
    &templates::FORMAT,
    &templates::DATE,
    &templates::CHECKSUM,
    &templates::ORG_NUMBER,
    &templates::COORDINATION_NOT_ALLOWED,
];

impl IdError {
    /// The message as a [`crate::text::Text`] (Swedish: the `Display` text).
    pub fn text(&self) -> crate::text::Text {
        match self {
            IdError::Format => templates::FORMAT.text(),
            IdError::Date => templates::DATE.text(),
            IdError::Checksum => templates::CHECKSUM.text(),
            IdError::OrgNumber => templates::ORG_NUMBER.text(),
            IdError::CoordinationNotAllowed => templates::COORDINATION_NOT_ALLOWED.text(),
        }
    }
}

/// A personnummer or samordningsnummer, normalized to 12 digits.
///
/// A samordningsnummer has 60 added to the day (`19900161…`). It is accepted for assistants
/// but flagged, because its holder cannot sign with BankID (see [`IdentityNumber::is_coordination`]).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdentityNumber {
    digits: String,
    coordination: bool,
}

impl IdentityNumber {
    /// Parses a personnummer or samordningsnummer in any common written form.
    ///
    /// A 10-digit form gets its century from `today` (passed in, never read from the clock):
    /// a `+` separator means 100 years or older.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, IdError> {
        let trimmed = input.trim();
        // At most one separator (`-`, `+` or a space), and only before the last four digits:
        // `1990-01-01-0017` is a typo, not a number.
        let (digits, plus) = match trimmed.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            None => (trimmed.to_owned(), false),
            Some((i, sep)) if matches!(sep, '-' | '+' | ' ') && trimmed.len() - i - 1 == 4 => {
                let rest = &trimmed[i + 1..];
                if !rest.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdError::Format);
                }
                (format!("{}{rest}", &trimmed[..i]), sep == '+')
            }
            Some(_) => return Err(IdError::Format),
        };
        let full = match digits.len() {
            12 => digits,
            10 => expand_century(&digits, plus, today)?,
            _ => return Err(IdError::Format),
        };
        Self::from_digits(&full)
    }

    /// Parses exactly 12 digits (the stored and FK form).
    pub fn from_digits(digits: &str) -> Result<Self, IdError> {
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::Format);
        }
        let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().map_err(|_| IdError::Format);
        let year = num(0..4)? as i32;
        let month = num(4..6)?;
        let mut day = num(6..8)?;
        let coordination = day > 60;
        if coordination {
            day -= 60;
        }
        if NaiveDate::from_ymd_opt(year, month, day).is_none() {
            return Err(IdError::Date);
        }
        if num(8..11)? == 0 || !luhn_ok(&digits[2..]) {
            return Err(IdError::Checksum);
        }
        Ok(Self {
            digits: digits.to_owned(),
            coordination,
        })
    }

    /// The 12 digits, as FK's document and the database hold them.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// True for a samordningsnummer (day + 60). Such a person cannot sign with BankID.
    pub fn is_coordination(&self) -> bool {
        self.coordination
    }

    /// The date of birth (for a samordningsnummer: the date with 60 taken off the day).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let year = self.digits[0..4].parse().ok()?;
        let month = self.digits[4..6].parse().ok()?;
        let mut day: u32 = self.digits[6..8].parse().ok()?;
        if self.coordination {
            day -= 60;
        }
        NaiveDate::from_ymd_opt(year, month, day)
    }

    /// A form safe to show in lists and logs: `19900101-****`.
    pub fn masked(&self) -> String {
        format!("{}-****", &self.digits[..8])
    }

    /// The form people read: `ÅÅÅÅMMDD-NNNN` (`19900101-2385`). For screens, lists and
    /// documents only; FK's XML takes [`IdentityNumber::digits`].
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.digits[..8], &self.digits[8..])
    }
}

impl fmt::Debug for IdentityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdentityNumber({})", self.masked())
    }
}

/// Display shows the full 12 digits: use it only where the user should see the number
/// (UI, documents), never in logs.
impl fmt::Display for IdentityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl TryFrom<String> for IdentityNumber {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::from_digits(&value)
    }
}

impl From<IdentityNumber> for String {
    fn from(value: IdentityNumber) -> Self {
        value.digits
    }
}

/// A personnummer (never a samordningsnummer): what a person with assistance must have.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Personnummer(IdentityNumber);

impl Personnummer {
    /// Parses a personnummer in any common form; refuses a samordningsnummer.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, IdError> {
        Self::try_from(IdentityNumber::parse(input, today)?)
    }

    /// Parses exactly 12 digits.
    pub fn from_digits(digits: &str) -> Result<Self, IdError> {
        Self::try_from(IdentityNumber::from_digits(digits)?)
    }

    /// The 12 digits.
    pub fn digits(&self) -> &str {
        self.0.digits()
    }

    /// `19900101-****`, safe for logs.
    pub fn masked(&self) -> String {
        self.0.masked()
    }

    /// `ÅÅÅÅMMDD-NNNN`, the form people read (see [`IdentityNumber::formatted`]).
    pub fn formatted(&self) -> String {
        self.0.formatted()
    }

    /// The general identity number.
    pub fn as_identity(&self) -> &IdentityNumber {
        &self.0
    }
}

impl TryFrom<IdentityNumber> for Personnummer {
    type Error = IdError;
    fn try_from(id: IdentityNumber) -> Result<Self, IdError> {
        if id.is_coordination() {
            Err(IdError::CoordinationNotAllowed)
        } else {
            Ok(Self(id))
        }
    }
}

impl TryFrom<String> for Personnummer {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::from_digits(&value)
    }
}

impl From<Personnummer> for String {
    fn from(value: Personnummer) -> Self {
        value.0.digits
    }
}

impl fmt::Debug for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Personnummer({})", self.masked())
    }
}

impl fmt::Display for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A Swedish organisationsnummer, 10 digits with a valid checksum.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgNumber(String);

impl OrgNumber {
    /// Parses `556677-8899`, `5566778899` or the 12-digit form with a `16` prefix.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let parsed = organisationsnummer::Organisationsnummer::parse(input.trim())
            .map_err(|_| IdError::OrgNumber)?;
        if !parsed.valid() {
            return Err(IdError::OrgNumber);
        }
        let digits: String = parsed
            .format()
            .long()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if digits.len() != 10 {
            return Err(IdError::OrgNumber);
        }
        Ok(Self(digits))
    }

    /// The 10 digits, as FK's document wants them.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The form people read: `NNNNNN-NNNN` (`556677-8899`). FK's XML takes
    /// [`OrgNumber::digits`].
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.0[..6], &self.0[6..])
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrgNumber {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgNumber> for String {
    fn from(value: OrgNumber) -> Self {
        value.0
    }
}

fn expand_century(ten: &str, plus: bool, today: NaiveDate) -> Result<String, IdError> {
    use chrono::Datelike;
    let yy: i32 = ten[0..2].parse().map_err(|_| IdError::Format)?;
    let this_year = today.year();
    let mut year = this_year - (this_year - yy).rem_euclid(100);
    // A 10-digit number whose MMDD lies after today in the computed year is from the previous
    // century only if the computed year is this year and the birthday is in the future.
    let mmdd: u32 = ten[2..6].parse().map_err(|_| IdError::Format)?;
    let today_mmdd = today.month() * 100 + today.day();
    let real_mmdd = if mmdd % 100 > 60 { mmdd - 60 } else { mmdd };
    if year == this_year && real_mmdd > today_mmdd {
        year -= 100;
    }
    if plus {
        year -= 100;
    }
    // The year replaces the two-digit year: YYYY + MMDDNNNC.
    Ok(format!("{year:04}{}", &ten[2..]))
}

/// Luhn over the 10 digits `YYMMDDNNNC`, exactly as written (for a samordningsnummer with the
/// day + 60).
///
/// Hand-written on purpose: the `personnummer` crate (3.1.1) computes a samordningsnummer's
/// check digit from the real day instead of the day + 60, so it refuses Skatteverket's own
/// example `701063-2391` and accepts numbers with a wrong check digit. The test
/// `the_personnummer_crate_checks_samordningsnummer_against_the_wrong_day` in
/// `tests/spec/ids.rs` pins this; when it fails the crate has been fixed and can be used here.
fn luhn_ok(ten: &str) -> bool {
    luhn_sum(ten).is_multiple_of(10)
}

/// The Luhn weighted digit sum (weights 2, 1, 2, 1, … from the left) used by personnummer and
/// organisationsnummer. Callers pass ASCII digits only.
fn luhn_sum(digits: &str) -> u32 {
    let mut sum = 0;
    for (i, b) in digits.bytes().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum
}

/// Completes `YYYYMMDDNNN` (11 digits) with its Luhn control digit, giving a 12-digit number
/// that passes the checksum — for demo and test data. `None` unless given exactly 11 digits.
///
/// ```
/// assert_eq!(assistid_core::ids::with_control_digit("19750323111").as_deref(), Some("197503231115"));
/// ```
pub fn with_control_digit(first11: &str) -> Option<String> {
    if first11.len() != 11 || !first11.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let control = (10 - luhn_sum(&first11[2..]) % 10) % 10;
    Some(format!("{first11}{control}"))
}
