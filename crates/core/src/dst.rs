//! Daylight saving in FK's rows: clock time, real time and FK's own reading.
//!
//! Assistants report wall-clock times and FK sums the hours itself, correcting rows that span a
//! change. The person's invoice must show the hours actually worked, so every row carries three
//! numbers. These are the decided semantics, and `tests/spec/dst.rs` checks them as one table:
//!
//! | number | meaning |
//! |---|---|
//! | `clock_minutes` | `to − from` on the wall clock, what the row says at face value |
//! | `real_minutes` | true elapsed time between the row's two resolved instants (its ends are the shift's resolved start/end, or a midnight, which in Sweden is never inside a change) |
//! | `fk_minutes` | FK's summation: `clock_minutes`, **+60** on the autumn-change day and **−60** on the spring-change day when `from ≤ 02.00` and `to ≥ 03.00` (the row covers the whole changed hour) |
//!
//! - Every row whose real time differs from its clock time gets a [`DstNote`]: `+1 h, vintertid`
//!   in autumn, `−1 h, sommartid` in spring.
//! - Real totals equal FK's summation: 00.00–04.00 on the autumn night is 240 clock minutes and
//!   300 real (= FK) minutes; on the spring night 180.
//! - The only rows where real time and FK's reading differ have an end inside the repeated
//!   autumn hour `[02:00, 03:00)` whose occurrence is not the one FK's rule assumes, e.g. a row
//!   from 02.00 (second occurrence, winter time) to 04.00 is 120 real minutes while FK reads 180.
//!   Such a row is never silently accepted: the review warns `dst_fk_reading_differs` with both
//!   numbers.
//! - Times in the skipped spring hour do not exist and times in the repeated autumn hour need
//!   their occurrence; both are refused when a [`crate::time::ShiftTime`] is resolved.
//!
//! Which days are change days comes from the tz database (`chrono-tz`), never from a rule like
//! "the last Sunday of March"; [`DstCalendar`] caches the answer for the years a review needs.

use std::fmt;

use chrono::{Datelike, LocalResult, NaiveDate, NaiveTime, Offset, TimeZone};
use chrono_tz::Europe::Stockholm;
use serde::{Serialize, Serializer};

use crate::rows::ClockTime;

/// The wall-clock hour FK's rule looks at: a row must start at or before 02.00 ...
const FK_WINDOW_START: u16 = 2 * 60;
/// ... and end at or after 03.00 to be corrected.
const FK_WINDOW_END: u16 = 3 * 60;

/// A day on which Sweden's UTC offset changes, with the offsets at the start and end of the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DstChange {
    date: NaiveDate,
    offset_at_start: i16,
    offset_at_end: i16,
}

impl DstChange {
    /// The change on `date`, if the offset at the day's first midnight differs from the offset at
    /// its last (asked of `chrono-tz`; no rule of our own).
    pub fn on(date: NaiveDate) -> Option<Self> {
        let start = offset_at_midnight(date)?;
        let end = offset_at_midnight(date.succ_opt()?)?;
        (start != end).then_some(Self {
            date,
            offset_at_start: start,
            offset_at_end: end,
        })
    }

    /// The day of the change.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// True on the spring night (the clock jumps forward, summer time begins).
    pub fn is_spring(&self) -> bool {
        self.offset_at_end > self.offset_at_start
    }

    /// True on the autumn night (the clock goes back, winter time begins).
    pub fn is_autumn(&self) -> bool {
        self.offset_at_end < self.offset_at_start
    }

    /// UTC offset in minutes at `00.00` of the day.
    pub fn offset_at_start(&self) -> i32 {
        i32::from(self.offset_at_start)
    }

    /// UTC offset in minutes at `24.00` of the day.
    pub fn offset_at_end(&self) -> i32 {
        i32::from(self.offset_at_end)
    }
}

/// The UTC offset (minutes) at local midnight starting `date`. Midnight is never inside a change
/// in Sweden, so the answer is unique; should the tz database ever say otherwise, the earlier
/// offset is used.
fn offset_at_midnight(date: NaiveDate) -> Option<i16> {
    let local = date.and_time(NaiveTime::MIN);
    let dt = match Stockholm.from_local_datetime(&local) {
        LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => dt,
        LocalResult::None => return None,
    };
    i16::try_from(dt.offset().fix().local_minus_utc() / 60).ok()
}

/// The change days of a range of years, looked up once so that splitting a million shifts does
/// not ask the tz database a million times. Dates outside the range are looked up directly.
#[derive(Clone, Debug, Default)]
pub struct DstCalendar {
    years: Option<(i32, i32)>,
    changes: Vec<DstChange>,
}

impl DstCalendar {
    /// An empty cache: every question goes straight to the tz database.
    pub fn uncached() -> Self {
        Self::default()
    }

    /// Caches the change days of `first_year..=last_year` (at most 50 years are cached; a wider
    /// range caches its first 50 and looks up the rest directly).
    pub fn for_years(first_year: i32, last_year: i32) -> Self {
        let last_year = last_year.min(first_year.saturating_add(49));
        let mut changes = Vec::new();
        for year in first_year..=last_year {
            for month in 1..=12 {
                let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
                    continue;
                };
                let Some(next) = first.checked_add_months(chrono::Months::new(1)) else {
                    continue;
                };
                // Only months whose two ends differ can hold a change; scan their days.
                if offset_at_midnight(first) == offset_at_midnight(next) {
                    continue;
                }
                let mut day = first;
                while day < next {
                    if let Some(change) = DstChange::on(day) {
                        changes.push(change);
                    }
                    let Some(succ) = day.succ_opt() else { break };
                    day = succ;
                }
            }
        }
        Self {
            years: (first_year <= last_year).then_some((first_year, last_year)),
            changes,
        }
    }

    /// Caches the year of `month` and the years on either side (shifts near New Year and
    /// calculation periods reach into them).
    pub fn around(month: crate::model::ReportMonth) -> Self {
        Self::for_years(month.year() - 1, month.year() + 1)
    }

    /// The change on `date`, if any.
    pub fn change_on(&self, date: NaiveDate) -> Option<DstChange> {
        match self.years {
            Some((first, last)) if (first..=last).contains(&date.year()) => {
                self.changes.iter().find(|c| c.date == date).copied()
            }
            _ => DstChange::on(date),
        }
    }

    /// The cached change days, in date order.
    pub fn changes(&self) -> &[DstChange] {
        &self.changes
    }
}

/// The note a row gets when its real time differs from its clock time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DstNote {
    /// Autumn: the row lasted an hour longer than the clock shows.
    WinterTime,
    /// Spring: the row lasted an hour shorter than the clock shows.
    SummerTime,
}

impl DstNote {
    /// The Swedish text shown on the row: `+1 h, vintertid` / `−1 h, sommartid` (with a real
    /// minus sign, U+2212).
    pub fn sv(self) -> &'static str {
        match self {
            DstNote::WinterTime => "+1 h, vintertid",
            DstNote::SummerTime => "\u{2212}1 h, sommartid",
        }
    }

    /// The English text: `+1 h, winter time` / `−1 h, summer time`.
    pub fn en(self) -> &'static str {
        match self {
            DstNote::WinterTime => "+1 h, winter time",
            DstNote::SummerTime => "\u{2212}1 h, summer time",
        }
    }
}

impl fmt::Display for DstNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sv())
    }
}

/// Serialized as its Swedish text, as the review JSON shows it.
impl Serialize for DstNote {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.sv())
    }
}

/// The three readings of one row (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RowMinutes {
    /// `to − from` on the wall clock (0 if `to` is not after `from`, which only a row inside the
    /// repeated autumn hour can produce and which the validation refuses).
    pub clock_minutes: u32,
    /// True elapsed time.
    pub real_minutes: u32,
    /// What FK's summation makes of the row.
    pub fk_minutes: u32,
    /// Present when real time differs from clock time.
    pub dst_note: Option<DstNote>,
}

impl RowMinutes {
    /// Works out the readings of a row on one day.
    ///
    /// `from_offset`/`to_offset` are the UTC offsets (minutes) of the row's ends when they are the
    /// shift's own resolved start/end; `None` means the end is a midnight (`00.00` starting the
    /// day or `24.00` ending it), whose offset is known from `change` (or equals the other end's
    /// when the day has no change).
    pub fn compute(
        from: ClockTime,
        to: ClockTime,
        from_offset: Option<i32>,
        to_offset: Option<i32>,
        change: Option<DstChange>,
    ) -> Self {
        let clock = i32::from(to.minutes()) - i32::from(from.minutes());
        let Some(change) = change else {
            // No change that day: the offset is the same at both ends, real time = clock time.
            let clock = clock.max(0).unsigned_abs();
            return Self {
                clock_minutes: clock,
                real_minutes: clock,
                fk_minutes: clock,
                dst_note: None,
            };
        };
        let from_off = from_offset.unwrap_or(change.offset_at_start());
        let to_off = to_offset.unwrap_or(change.offset_at_end());
        // Instants are local − offset, so real = clock − (to_off − from_off).
        let real = clock - (to_off - from_off);
        let covers_window = from.minutes() <= FK_WINDOW_START && to.minutes() >= FK_WINDOW_END;
        let fk = match (covers_window, change.is_autumn()) {
            (true, true) => clock + 60,
            (true, false) => clock - 60,
            (false, _) => clock,
        };
        let dst_note = match real.cmp(&clock) {
            std::cmp::Ordering::Greater => Some(DstNote::WinterTime),
            std::cmp::Ordering::Less => Some(DstNote::SummerTime),
            std::cmp::Ordering::Equal => None,
        };
        Self {
            clock_minutes: clock.max(0).unsigned_abs(),
            real_minutes: real.max(0).unsigned_abs(),
            fk_minutes: fk.max(0).unsigned_abs(),
            dst_note,
        }
    }

    /// True when FK's summation reads the row differently from the real elapsed time (only
    /// possible with an end inside the repeated autumn hour).
    pub fn fk_reading_differs(&self) -> bool {
        self.real_minutes != self.fk_minutes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calendar_finds_the_2026_changes_from_the_tz_database() {
        let cal = DstCalendar::for_years(2026, 2026);
        let dates: Vec<String> = cal.changes().iter().map(|c| c.date().to_string()).collect();
        assert_eq!(
            dates,
            ["2026-03-29", "2026-10-25"],
            "Sweden changes on the last Sundays of March and October 2026"
        );
        assert!(cal.changes()[0].is_spring(), "March is the spring change");
        assert!(cal.changes()[1].is_autumn(), "October is the autumn change");
    }
}
