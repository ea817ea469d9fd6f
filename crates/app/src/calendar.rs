//! The calendar facts the screens show: the nights the clocks change (and which wall-clock
//! times they skip or repeat) and FK's deadline for a month. The UI asks these of Rust instead
//! of re-deriving the rules; the browser demo replays recorded answers.
//!
//! The change nights come from the tz database (core's [`assistid_core::dst`] and
//! [`assistid_core::time::ShiftTime::resolve`]), never from a rule like "the last Sunday of
//! March". The deadline is [`ReportMonth::deadline`] (the 5th of the second month after). "Today"
//! is always passed in: nothing here reads the clock.

use assistid_core::dst::DstCalendar;
use assistid_core::model::ReportMonth;
use assistid_core::time::{LocalTimeError, ShiftTime};
use chrono::{Datelike as _, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// Which way the clocks go on a change night.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClockChange {
    /// Summer time begins: an hour of wall-clock times is skipped.
    Spring,
    /// Winter time begins: an hour of wall-clock times happens twice.
    Autumn,
}

/// One night the clocks change, with the wall-clock times that night skips or repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DstNight {
    /// The day of the change, `YYYY-MM-DD`.
    pub date: String,
    /// Spring (skipped hour) or autumn (repeated hour).
    pub change: ClockChange,
    /// First affected wall-clock time, `HH:MM` (inclusive).
    pub from: String,
    /// End of the affected times, `HH:MM` (exclusive).
    pub to: String,
    /// UTC offset in minutes at the start of the day.
    pub offset_before: i32,
    /// UTC offset in minutes at the end of the day.
    pub offset_after: i32,
}

/// The change nights of one year, in date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DstYear {
    /// The year asked about.
    pub year: i32,
    /// Its change nights (two in Sweden today; none in a year without summer time).
    pub nights: Vec<DstNight>,
}

/// Whether a wall-clock reading exists once, never (skipped in spring) or twice (repeated in
/// autumn, so the user must say which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LocalTimeClass {
    /// Happens exactly once.
    Normal,
    /// Does not exist (the spring night's skipped hour).
    Skipped,
    /// Happens twice (the autumn night's repeated hour).
    Repeated,
}

/// How loudly a deadline should be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineUrgency {
    /// More than ten days left.
    Calm,
    /// Four to ten days left.
    Soon,
    /// Three days or fewer, including the day itself.
    Urgent,
    /// The deadline has passed.
    Passed,
}

/// FK's deadline for a month as seen on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Deadline {
    /// The report month, `YYYY-MM`.
    pub month: String,
    /// The last day FK must have the month's reports, `YYYY-MM-DD`.
    pub deadline: String,
    /// Days from today to the deadline: 0 on the day itself, negative once passed.
    pub days_left: i32,
    /// How loudly to show the countdown.
    pub urgency: DeadlineUrgency,
}

/// The change nights of `year`, asked of the tz database.
pub fn dst_year(year: i32) -> DstYear {
    let calendar = DstCalendar::for_years(year, year);
    let nights = calendar
        .changes()
        .iter()
        .filter_map(|change| {
            let (from, to) = affected_times(change.date())?;
            Some(DstNight {
                date: change.date().to_string(),
                change: if change.is_spring() {
                    ClockChange::Spring
                } else {
                    ClockChange::Autumn
                },
                from: from.format("%H:%M").to_string(),
                to: to.format("%H:%M").to_string(),
                offset_before: change.offset_at_start(),
                offset_after: change.offset_at_end(),
            })
        })
        .collect();
    DstYear { year, nights }
}

/// The first affected minute of a change day and the minute after the last one.
fn affected_times(date: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
    let mut first = None;
    let mut last = None;
    for minute in 0..24 * 60 {
        let time = NaiveTime::from_num_seconds_from_midnight_opt(minute * 60, 0)?;
        if classify_local(date.and_time(time)) != LocalTimeClass::Normal {
            first.get_or_insert(time);
            last = Some(time);
        }
    }
    let end = last?
        .overflowing_add_signed(chrono::TimeDelta::minutes(1))
        .0;
    Some((first?, end))
}

/// Whether the wall-clock reading `local` exists once, never or twice in Sweden.
pub fn classify_local(local: NaiveDateTime) -> LocalTimeClass {
    match ShiftTime::resolve(local, None) {
        Ok(_) => LocalTimeClass::Normal,
        Err(LocalTimeError::Nonexistent { .. }) => LocalTimeClass::Skipped,
        Err(_) => LocalTimeClass::Repeated,
    }
}

/// FK's deadline for `month` as seen on `today`.
pub fn deadline(month: ReportMonth, today: NaiveDate) -> Deadline {
    let date = month.deadline();
    let days = (date - today).num_days();
    let days_left = i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX });
    Deadline {
        month: month.to_string(),
        deadline: date.to_string(),
        days_left,
        urgency: match days_left {
            ..0 => DeadlineUrgency::Passed,
            0..=3 => DeadlineUrgency::Urgent,
            4..=10 => DeadlineUrgency::Soon,
            _ => DeadlineUrgency::Calm,
        },
    }
}

/// The month whose deadline comes next on `today`: the earliest month that has ended and whose
/// deadline is today or later (the current month is never due: it has not ended yet). None only
/// for a day outside the years a report month can have.
pub fn month_due_next(today: NaiveDate) -> Option<ReportMonth> {
    let current = ReportMonth::new(today.year(), today.month()).ok()?;
    let before_last = current.prev().prev();
    Some(if before_last.deadline() >= today {
        before_last
    } else {
        current.prev()
    })
}
