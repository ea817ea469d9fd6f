//! A shift becomes FK rows: one row per calendar day it touches.
//!
//! By the convention in ELT.md a shift crossing midnight is written as day *d* `HH.MM`–`24.00`
//! and day *d+1* `00.00`–`HH.MM`; a shift crossing a month end gives each month its part (the
//! [`ReportMonth`] comes with every row). Rows come out ordered by day (and so by start). Each row
//! carries its clock, real and FK minutes and a daylight-saving note ([`crate::dst`]).
//!
//! ```
//! use assistid_core::{split::shift_rows, shift::Shift, time::ShiftTime, model::TimeKind};
//! use assistid_core::ids::{IdentityNumber, Personnummer};
//! let at = |s: &str| ShiftTime::resolve(s.parse().expect("valid date-time"), None).expect("exists");
//! let shift = Shift {
//!     assistant: IdentityNumber::from_digits("199001010017").expect("valid"),
//!     person: Personnummer::from_digits("195001010023").expect("valid"),
//!     start: at("2026-03-31T22:00:00"),
//!     end: at("2026-04-01T06:00:00"),
//!     kind: TimeKind::Aktiv,
//!     note: None,
//! };
//! let rows: Vec<String> = shift_rows(&shift)
//!     .map(|(month, f)| format!("{month} {} {}-{}", f.row.day, f.row.from, f.row.to))
//!     .collect();
//! assert_eq!(rows, ["2026-03 31 22.00-24.00", "2026-04 1 00.00-06.00"]);
//! ```

use chrono::{Datelike, NaiveDate};

use crate::dst::{DstCalendar, DstChange, DstNote, RowMinutes};
use crate::model::{ReportMonth, TimeKind};
use crate::rows::{ClockTime, ReportRow};
use crate::shift::Shift;
use crate::time::ShiftTime;

/// One FK row of a shift with its readings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RowFacts {
    /// The row as FK's document writes it.
    pub row: ReportRow,
    /// The calendar date of the row.
    pub date: NaiveDate,
    /// Clock, real and FK minutes and the DST note.
    pub minutes: RowMinutes,
}

impl RowFacts {
    /// `to − from` on the wall clock.
    pub fn clock_minutes(&self) -> u32 {
        self.minutes.clock_minutes
    }

    /// True elapsed minutes.
    pub fn real_minutes(&self) -> u32 {
        self.minutes.real_minutes
    }

    /// FK's reading of the row.
    pub fn fk_minutes(&self) -> u32 {
        self.minutes.fk_minutes
    }

    /// The DST note, when real time differs from clock time.
    pub fn dst_note(&self) -> Option<DstNote> {
        self.minutes.dst_note
    }

    /// False for the one kind of row FK cannot take: inside the repeated autumn hour, a shift
    /// such as 02.30 (first) → 02.15 (second) has its end before its start on the clock.
    pub fn is_increasing(&self) -> bool {
        self.row.from < self.row.to
    }
}

/// The rows of a shift, in order, each with the month it belongs to. A shift whose end is not
/// after its start has no rows. Looks change days up in the tz database directly; a review over
/// many shifts should use [`shift_rows_with`] and one [`DstCalendar`].
pub fn shift_rows(shift: &Shift) -> ShiftRows<'static> {
    ShiftRows::new(shift.start, shift.end, shift.kind, None)
}

/// Like [`shift_rows`], with change days taken from `calendar`.
pub fn shift_rows_with<'c>(shift: &Shift, calendar: &'c DstCalendar) -> ShiftRows<'c> {
    ShiftRows::new(shift.start, shift.end, shift.kind, Some(calendar))
}

/// The rows of a time span (the same as [`shift_rows_with`] without a [`Shift`]).
pub fn span_rows<'c>(
    start: ShiftTime,
    end: ShiftTime,
    kind: TimeKind,
    calendar: Option<&'c DstCalendar>,
) -> ShiftRows<'c> {
    ShiftRows::new(start, end, kind, calendar)
}

/// The last calendar date with a row: the end date, or the day before when the shift ends at
/// midnight (it then ends with `24.00`, not with an empty `00.00`–`00.00` row).
pub fn last_row_date(start: &ShiftTime, end: &ShiftTime) -> NaiveDate {
    let end_date = end.local().date();
    if end.minute_of_day() == 0 && end_date > start.local().date() {
        end_date.pred_opt().unwrap_or(end_date)
    } else {
        end_date
    }
}

/// Iterator over a shift's rows; see [`shift_rows`].
#[derive(Clone, Debug)]
pub struct ShiftRows<'c> {
    start: ShiftTime,
    end: ShiftTime,
    kind: TimeKind,
    next: Option<NaiveDate>,
    last: NaiveDate,
    calendar: Option<&'c DstCalendar>,
}

impl<'c> ShiftRows<'c> {
    fn new(
        start: ShiftTime,
        end: ShiftTime,
        kind: TimeKind,
        calendar: Option<&'c DstCalendar>,
    ) -> Self {
        let valid = end.utc_minutes() > start.utc_minutes();
        Self::with_validity(start, end, kind, calendar, valid)
    }

    /// For callers that already know whether the end is after the start (the review computes
    /// the instants once per shift).
    pub(crate) fn with_validity(
        start: ShiftTime,
        end: ShiftTime,
        kind: TimeKind,
        calendar: Option<&'c DstCalendar>,
        valid: bool,
    ) -> Self {
        Self {
            start,
            end,
            kind,
            next: valid.then(|| start.local().date()),
            last: last_row_date(&start, &end),
            calendar,
        }
    }

    fn change_on(&self, date: NaiveDate) -> Option<DstChange> {
        match self.calendar {
            Some(cal) => cal.change_on(date),
            None => DstChange::on(date),
        }
    }
}

impl Iterator for ShiftRows<'_> {
    type Item = (ReportMonth, RowFacts);

    fn next(&mut self) -> Option<Self::Item> {
        let date = self.next?;
        if date > self.last {
            self.next = None;
            return None;
        }
        self.next = date.succ_opt();
        let starts_here = date == self.start.local().date();
        let ends_here = date == self.end.local().date();
        let (from, from_offset) = if starts_here {
            (
                ClockTime::from_minutes(self.start.minute_of_day()).unwrap_or(ClockTime::MIDNIGHT),
                Some(self.start.offset_minutes()),
            )
        } else {
            (ClockTime::MIDNIGHT, None)
        };
        let (to, to_offset) = if ends_here {
            (
                ClockTime::from_minutes(self.end.minute_of_day()).unwrap_or(ClockTime::END_OF_DAY),
                Some(self.end.offset_minutes()),
            )
        } else {
            (ClockTime::END_OF_DAY, None)
        };
        let minutes = RowMinutes::compute(from, to, from_offset, to_offset, self.change_on(date));
        let row = ReportRow {
            day: date.day(),
            from,
            to,
            kind: self.kind,
        };
        Some((ReportMonth::of(date), RowFacts { row, date, minutes }))
    }
}
