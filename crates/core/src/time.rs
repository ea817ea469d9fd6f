//! Local time in Europe/Stockholm, with the two daylight-saving nights made explicit.
//!
//! On the spring night the wall clock jumps from 02:00 to 03:00: times in between do not exist.
//! On the autumn night it goes from 03:00 back to 02:00: times from 02:00 to 02:59 happen twice,
//! first in summer time (+02:00) and then in winter time (+01:00). A [`ShiftTime`] is always
//! resolved: it knows which offset applies, and the input must say which occurrence it means when
//! the local time alone does not. The rules come from the tz database (`chrono-tz`), never from
//! code of our own.

use std::fmt;

use chrono::{Datelike, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which of the two occurrences of a repeated autumn time is meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Occurrence {
    /// The first time, still in summer time (+02:00).
    First,
    /// The second time, already in winter time (+01:00).
    Second,
}

/// A local time that cannot be used as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LocalTimeError {
    /// The time falls in the hour skipped on the spring night.
    #[error(
        "klockslaget {local} finns inte: natten till sommartid hoppar klockan från 02:00 till 03:00"
    )]
    Nonexistent {
        /// The local time as given.
        local: NaiveDateTime,
    },
    /// The time falls in the hour repeated on the autumn night and the input did not say which.
    #[error(
        "klockslaget {local} inträffar två gånger natten till vintertid: ange om det är första \
         (sommartid, +02:00) eller andra gången (vintertid, +01:00)"
    )]
    Ambiguous {
        /// The local time as given.
        local: NaiveDateTime,
    },
    /// An occurrence or offset was given that does not fit the local time.
    #[error("tidsförskjutningen {offset_minutes:+} minuter gäller inte klockan {local} i Sverige")]
    WrongOffset {
        /// The local time as given.
        local: NaiveDateTime,
        /// The offset that was given, in minutes east of UTC.
        offset_minutes: i32,
    },
}

/// A resolved Europe/Stockholm local date-time: the wall-clock reading and its UTC offset.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ShiftTime {
    local: NaiveDateTime,
    /// Minutes east of UTC: 60 (winter) or 120 (summer).
    offset_minutes: i16,
}

impl ShiftTime {
    /// Resolves a wall-clock reading. `occurrence` is needed only inside the repeated autumn
    /// hour; elsewhere it is ignored.
    pub fn resolve(
        local: NaiveDateTime,
        occurrence: Option<Occurrence>,
    ) -> Result<Self, LocalTimeError> {
        match Stockholm.from_local_datetime(&local) {
            LocalResult::Single(dt) => Ok(Self::new_unchecked(
                local,
                dt.offset().fix().local_minus_utc(),
            )),
            LocalResult::None => Err(LocalTimeError::Nonexistent { local }),
            LocalResult::Ambiguous(summer, winter) => match occurrence {
                Some(Occurrence::First) => Ok(Self::new_unchecked(
                    local,
                    summer.offset().fix().local_minus_utc(),
                )),
                Some(Occurrence::Second) => Ok(Self::new_unchecked(
                    local,
                    winter.offset().fix().local_minus_utc(),
                )),
                None => Err(LocalTimeError::Ambiguous { local }),
            },
        }
    }

    /// Resolves a wall-clock reading with an explicit UTC offset (minutes east of UTC), as an
    /// ISO 8601 time like `2026-10-25T02:30+01:00` gives it. The offset must be one Sweden uses
    /// at that moment.
    pub fn with_offset(local: NaiveDateTime, offset_minutes: i32) -> Result<Self, LocalTimeError> {
        let wrong = LocalTimeError::WrongOffset {
            local,
            offset_minutes,
        };
        match Stockholm.from_local_datetime(&local) {
            LocalResult::Single(dt)
                if dt.offset().fix().local_minus_utc() == offset_minutes * 60 =>
            {
                Ok(Self::new_unchecked(local, offset_minutes * 60))
            }
            LocalResult::Ambiguous(a, b)
                if [a, b]
                    .iter()
                    .any(|d| d.offset().fix().local_minus_utc() == offset_minutes * 60) =>
            {
                Ok(Self::new_unchecked(local, offset_minutes * 60))
            }
            LocalResult::None => Err(LocalTimeError::Nonexistent { local }),
            _ => Err(wrong),
        }
    }

    fn new_unchecked(local: NaiveDateTime, offset_seconds: i32) -> Self {
        // Stockholm's offsets are whole hours (+01:00 or +02:00), so the cast is exact.
        Self {
            local,
            offset_minutes: (offset_seconds / 60) as i16,
        }
    }

    /// The wall-clock reading.
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// Minutes east of UTC (60 in winter, 120 in summer).
    pub fn offset_minutes(&self) -> i32 {
        i32::from(self.offset_minutes)
    }

    /// The instant as minutes since the Unix epoch (UTC). Differences of these are real
    /// elapsed time.
    pub fn utc_minutes(&self) -> i64 {
        // Days since 1970-01-01 (day 719 163 counted from 0001-01-01) times 1440, plus the
        // minute of the day: the same as the timestamp in whole minutes (seconds are dropped),
        // without a 64-bit division — the month review calls this millions of times.
        const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;
        let days = i64::from(self.local.date().num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE;
        days * 1440 + i64::from(self.minute_of_day()) - i64::from(self.offset_minutes)
    }

    /// Which occurrence this is, when the local reading happens twice; `None` otherwise.
    pub fn occurrence(&self) -> Option<Occurrence> {
        match Stockholm.from_local_datetime(&self.local) {
            LocalResult::Ambiguous(..) if self.offset_minutes == 120 => Some(Occurrence::First),
            LocalResult::Ambiguous(..) => Some(Occurrence::Second),
            _ => None,
        }
    }
}

impl LocalTimeError {
    /// The stable machine code for this error, the same vocabulary the validation uses
    /// ([`crate::validation::codes`]): `time_nonexistent`, `time_ambiguous`, `time_wrong_offset`.
    pub fn code(&self) -> &'static str {
        match self {
            LocalTimeError::Nonexistent { .. } => crate::validation::codes::TIME_NONEXISTENT,
            LocalTimeError::Ambiguous { .. } => crate::validation::codes::TIME_AMBIGUOUS,
            LocalTimeError::WrongOffset { .. } => crate::validation::codes::TIME_WRONG_OFFSET,
        }
    }
}

impl ShiftTime {
    /// Minutes since the start of the local day (0–1439).
    pub fn minute_of_day(&self) -> u16 {
        use chrono::Timelike;
        let t = self.local.time();
        // hour < 24 and minute < 60, so the value is below 1440 and fits.
        (t.hour() * 60 + t.minute()) as u16
    }

    /// How a coordinator reads the time in a message: `2026-10-25 02:30`, with
    /// `(första gången, sommartid)` / `(andra gången, vintertid)` added inside the repeated
    /// autumn hour so the two readings can be told apart.
    pub fn describe_sv(&self) -> String {
        let base = self.local.format("%Y-%m-%d %H:%M").to_string();
        match self.occurrence() {
            Some(Occurrence::First) => format!("{base} (första gången, sommartid)"),
            Some(Occurrence::Second) => format!("{base} (andra gången, vintertid)"),
            None => base,
        }
    }
}

impl fmt::Debug for ShiftTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self)
    }
}

impl fmt::Display for ShiftTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = self.offset_minutes / 60;
        write!(f, "{}+{:02}:00", self.local.format("%Y-%m-%dT%H:%M"), h)
    }
}
