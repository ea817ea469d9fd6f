//! FK's report rows (`rapportRad`): a day of the month, a clock time span and a kind of time.
//!
//! Shifts become rows by the convention in ELT.md: a shift that crosses midnight is written as
//! day *d* `HH.MM`–`24.00` and day *d+1* `00.00`–`HH.MM`; a shift crossing a month end is split
//! at the boundary and each part belongs to its own month's report.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::TimeKind;

/// A wall-clock time of day as FK writes it (`HH.MM`), from `00.00` to `24.00` inclusive.
/// `24.00` only ever ends a row. Serialized as FK writes it (`"08.30"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ClockTime(u16);

impl ClockTime {
    /// Midnight at the start of a day (`00.00`).
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    /// Midnight at the end of a day (`24.00`).
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    /// From minutes since the start of the day (0–1440); `None` outside that range.
    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= 24 * 60).then_some(Self(minutes))
    }

    /// From hour and minute; `24:00` is allowed, nothing after it.
    pub fn from_hm(hour: u16, minute: u16) -> Option<Self> {
        if minute >= 60 {
            return None;
        }
        Self::from_minutes(hour.checked_mul(60)?.checked_add(minute)?)
    }

    /// Minutes since the start of the day.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// FK's form: two-digit hour, a dot, two-digit minute (`08.30`, `24.00`).
    pub fn fk(self) -> String {
        self.to_string()
    }
}

impl FromStr for ClockTime {
    type Err = ClockTimeError;
    /// Parses FK's form `HH.MM` (two-digit hour, a dot, two-digit minute), `00.00`–`24.00`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ClockTimeError(s.to_owned());
        let (h, m) = s.split_once('.').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let hour = h.parse().map_err(|_| bad())?;
        let minute = m.parse().map_err(|_| bad())?;
        Self::from_hm(hour, minute).ok_or_else(bad)
    }
}

/// A clock time that is not FK's `HH.MM` between `00.00` and `24.00`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("klockslaget {0:?} ska skrivas TT.MM mellan 00.00 och 24.00, t.ex. 08.30")]
pub struct ClockTimeError(pub String);

impl TryFrom<String> for ClockTime {
    type Error = ClockTimeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ClockTime> for String {
    fn from(value: ClockTime) -> Self {
        value.to_string()
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}.{:02}", self.0 / 60, self.0 % 60)
    }
}

/// One row of FK's `tidrapport`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReportRow {
    /// Day of the report month, 1–31.
    pub day: u32,
    /// Start of the row (`fromTid`).
    pub from: ClockTime,
    /// End of the row (`tomTid`), after `from`.
    pub to: ClockTime,
    /// The kind of time.
    pub kind: TimeKind,
}

impl ReportRow {
    /// The wall-clock span in minutes (`to − from`), what FK reads before its DST correction.
    pub fn clock_minutes(&self) -> u32 {
        u32::from(self.to.minutes().saturating_sub(self.from.minutes()))
    }
}
