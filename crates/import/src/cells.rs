//! Reading single cells: dates, times (with the autumn occurrence), as text from CSV or as the
//! typed values calamine gives for XLSX (date cells, serial numbers, fractions of a day).

use assistid_core::text::Text;
use assistid_core::time::Occurrence;
use chrono::{Duration, NaiveDate};

use crate::messages as msg;

/// A cell as a source delivers it. CSV cells are always text; XLSX cells keep their type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CellValue {
    /// Nothing in the cell.
    Empty,
    /// Text.
    Text(String),
    /// A number (Excel stores typed numbers, dates without date format, and times as floats).
    Number(f64),
    /// A cell with a date or time format: the Excel serial (days since 1899-12-30, time as the
    /// fraction of a day), already converted from the 1904 system by the reader.
    DateTime {
        /// The date part as calamine computed it, `None` when it is not a date (a duration).
        ymd_hms: Option<(i32, u32, u32, u32, u32, u32)>,
        /// The raw serial value.
        serial: f64,
        /// True when the cell is formatted as a duration (`[h]:mm`).
        duration: bool,
    },
    /// An ISO 8601 date/time string (XLSX cells stored as text dates).
    IsoDateTime(String),
    /// An ISO 8601 duration (`PT8H30M`).
    IsoDuration(String),
    /// A boolean.
    Bool(bool),
    /// An Excel error value such as `#N/A`.
    Error(String),
    /// Refused already by the reader (formula or merged cell): no further checks.
    Refused(String),
}

impl CellValue {
    /// The cell as the user would read it (for messages and the problem's `value`).
    pub(crate) fn display(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s)
            | CellValue::IsoDateTime(s)
            | CellValue::IsoDuration(s)
            | CellValue::Error(s)
            | CellValue::Refused(s) => s.clone(),
            CellValue::Number(n) => number_text(*n),
            CellValue::DateTime {
                ymd_hms: Some((y, mo, d, h, mi, s)),
                serial,
                duration: false,
            } => {
                if *serial < 1.0 {
                    format!("{h:02}:{mi:02}")
                } else if (*h, *mi, *s) == (0, 0, 0) {
                    format!("{y:04}-{mo:02}-{d:02}")
                } else {
                    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
                }
            }
            CellValue::DateTime { serial, .. } => {
                let total = (serial * 1440.0).round() as i64;
                format!("{}:{:02}", total / 60, total % 60)
            }
            CellValue::Bool(b) => if *b { "SANT" } else { "FALSKT" }.to_owned(),
        }
    }

    /// True when the cell holds nothing (or only spaces).
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text for identity numbers, kinds and notes: numbers without decimals.
    /// Text cells are borrowed, not copied: this runs several times on every imported row.
    pub(crate) fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            CellValue::Text(s) => std::borrow::Cow::Borrowed(s.trim()),
            other => std::borrow::Cow::Owned(other.display().trim().to_owned()),
        }
    }
}

/// A number as Excel would show it in a General cell: integers without `.0`.
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Why a date cell was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateError {
    /// Not a form we read.
    Unrecognised,
    /// `29/3/2026` or `3/29/2026`: day and month order unknown.
    SlashOrder,
    /// Looks like a date but is not in the calendar (e.g. 2026-02-30).
    NotInCalendar,
    /// A date cell that also holds a time of day.
    HasTime,
    /// An Excel serial number outside the years that make sense for shifts.
    SerialOutOfRange,
}

impl DateError {
    pub(crate) fn text(self, shown: &str) -> Text {
        match self {
            DateError::Unrecognised => &msg::DATE_UNRECOGNISED,
            DateError::SlashOrder => &msg::DATE_SLASH_ORDER,
            DateError::NotInCalendar => &msg::DATE_NOT_IN_CALENDAR,
            DateError::HasTime => &msg::DATE_HAS_TIME,
            DateError::SerialOutOfRange => &msg::DATE_SERIAL_OUT_OF_RANGE,
        }
        .with("value", shown)
    }
}

/// Excel's day zero in the 1900 date system (serials from 61 on; Excel's invented 1900-02-29
/// is serial 60, so serials before that are one day off, and no shift is that old anyway).
fn excel_epoch() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1899, 12, 30)
}

/// Shifts are imported for years 2000–2099: a serial outside that is a mistake, not a date.
fn plausible_year(date: NaiveDate) -> bool {
    use chrono::Datelike;
    (2000..=2099).contains(&date.year())
}

fn date_from_serial(serial: f64) -> Result<NaiveDate, DateError> {
    if serial.fract() != 0.0 {
        return Err(DateError::HasTime);
    }
    if !(61.0..=2_958_465.0).contains(&serial) {
        return Err(DateError::SerialOutOfRange);
    }
    let date = excel_epoch()
        .and_then(|e| e.checked_add_signed(Duration::days(serial as i64)))
        .ok_or(DateError::SerialOutOfRange)?;
    if plausible_year(date) {
        Ok(date)
    } else {
        Err(DateError::SerialOutOfRange)
    }
}

/// Reads a date cell.
pub(crate) fn parse_date(cell: &CellValue) -> Result<NaiveDate, DateError> {
    match cell {
        CellValue::Text(s) | CellValue::IsoDateTime(s) => parse_date_text(s),
        CellValue::Number(n) => {
            if n.fract() == 0.0 && (19_000_101.0..=29_991_231.0).contains(n) {
                parse_date_text(&number_text(*n))
            } else {
                date_from_serial(*n)
            }
        }
        CellValue::DateTime {
            ymd_hms: Some((y, mo, d, h, mi, s)),
            duration: false,
            ..
        } => {
            if (*h, *mi, *s) != (0, 0, 0) {
                return Err(DateError::HasTime);
            }
            let date = NaiveDate::from_ymd_opt(*y, *mo, *d).ok_or(DateError::NotInCalendar)?;
            if plausible_year(date) {
                Ok(date)
            } else {
                Err(DateError::SerialOutOfRange)
            }
        }
        _ => Err(DateError::Unrecognised),
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, DateError> {
    let ok = |s: &str, max_len: usize| all_digits(s) && s.len() <= max_len;
    if !(y.len() == 4 && all_digits(y) && ok(m, 2) && ok(d, 2)) {
        return Err(DateError::Unrecognised);
    }
    let year: i32 = y.parse().map_err(|_| DateError::Unrecognised)?;
    let month: u32 = m.parse().map_err(|_| DateError::Unrecognised)?;
    let day: u32 = d.parse().map_err(|_| DateError::Unrecognised)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NotInCalendar)
}

/// Reads a date written as text: `2026-03-29`, `20260329`, `29.03.2026`, `2026/03/29`, an
/// Excel serial number (`46110`), optionally followed by a midnight time (`2026-03-29 00:00`,
/// `2026-03-29T00:00:00`), as spreadsheets export date cells.
pub(crate) fn parse_date_text(input: &str) -> Result<NaiveDate, DateError> {
    let s = input.trim();
    let s = match s.split_once(['T', ' ']) {
        Some((date, time)) => {
            let time = time.trim();
            if matches!(
                time,
                "00:00" | "00:00:00" | "0:00" | "0:00:00" | "00:00:00.000"
            ) {
                date
            } else {
                return Err(DateError::HasTime);
            }
        }
        None => s,
    };
    if all_digits(s) {
        return match s.len() {
            8 => ymd(&s[0..4], &s[4..6], &s[6..8]),
            5 => s
                .parse::<f64>()
                .map_err(|_| DateError::Unrecognised)
                .and_then(date_from_serial),
            _ => Err(DateError::Unrecognised),
        };
    }
    // Exactly three parts and two equal separators, found without collecting them (this runs
    // on every row).
    let mut parts = s.split(['-', '/', '.']);
    let (Some(p0), Some(p1), Some(p2), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateError::Unrecognised);
    };
    let mut separators = s.chars().filter(|c| matches!(c, '-' | '/' | '.'));
    let separator = separators.next();
    if separator != separators.next() {
        return Err(DateError::Unrecognised);
    }
    match separator {
        Some('-') | Some('/') if p0.len() == 4 => ymd(p0, p1, p2),
        Some('.') if p2.len() == 4 => ymd(p2, p1, p0),
        Some('/') if p2.len() == 4 || p2.len() == 2 => Err(DateError::SlashOrder),
        _ => Err(DateError::Unrecognised),
    }
}

/// A time of day as written in a start or end cell, with the occurrence hint for the repeated
/// autumn hour if the cell carries one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CellTime {
    /// Minutes since midnight, 0–1440 (1440 = `24:00`).
    pub(crate) minutes: u16,
    /// What the cell says about the repeated autumn hour.
    pub(crate) hint: Option<OccurrenceHint>,
}

/// How a time cell names the occurrence of a repeated autumn time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OccurrenceHint {
    /// An explicit UTC offset in minutes (`+02:00` → 120): the primary, documented form.
    Offset(i32),
    /// `(1)`/`(2)` or `S`/`V` (sommartid/vintertid).
    Occurrence(Occurrence),
}

/// Why a time cell was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeError {
    /// Not a form we read.
    Unrecognised,
    /// Hour over 24, minute over 59, or `24:MM` with minutes.
    OutOfRange,
    /// Seconds other than zero: FK works in whole minutes.
    Seconds,
    /// A time cell that also holds a date.
    HasDate,
}

impl TimeError {
    pub(crate) fn text(self, shown: &str) -> Text {
        match self {
            TimeError::Unrecognised => &msg::TIME_UNRECOGNISED,
            TimeError::OutOfRange => &msg::TIME_OUT_OF_RANGE,
            TimeError::Seconds => &msg::TIME_SECONDS,
            TimeError::HasDate => &msg::TIME_HAS_DATE,
        }
        .with("value", shown)
    }
}

/// Reads a start or end cell.
pub(crate) fn parse_time(cell: &CellValue) -> Result<CellTime, TimeError> {
    let plain = |minutes| {
        Ok(CellTime {
            minutes,
            hint: None,
        })
    };
    match cell {
        CellValue::Text(s) => parse_time_text(s),
        CellValue::IsoDateTime(s) => {
            if s.contains('-') {
                Err(TimeError::HasDate)
            } else {
                parse_time_text(s)
            }
        }
        CellValue::IsoDuration(s) => parse_iso_duration(s).and_then(plain),
        CellValue::Number(n) => {
            if n.fract() == 0.0 {
                // Someone typed 8 or 1630 into a General cell.
                parse_time_text(&number_text(*n))
            } else if (0.0..1.0).contains(n) {
                fraction_of_day(*n).and_then(plain)
            } else {
                Err(TimeError::Unrecognised)
            }
        }
        CellValue::DateTime {
            serial, duration, ..
        } => {
            if *duration || *serial <= 1.0 {
                // A time cell is a fraction of a day; `24:00` typed into a time cell is 1.0.
                fraction_of_day(*serial).and_then(plain)
            } else {
                Err(TimeError::HasDate)
            }
        }
        _ => Err(TimeError::Unrecognised),
    }
}

fn fraction_of_day(value: f64) -> Result<u16, TimeError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(TimeError::OutOfRange);
    }
    let seconds = (value * 86_400.0).round() as u32;
    if !seconds.is_multiple_of(60) {
        return Err(TimeError::Seconds);
    }
    u16::try_from(seconds / 60).map_err(|_| TimeError::OutOfRange)
}

fn parse_iso_duration(s: &str) -> Result<u16, TimeError> {
    let rest = s.trim().strip_prefix("PT").ok_or(TimeError::Unrecognised)?;
    let (mut hours, mut minutes, mut seconds) = (0u32, 0u32, 0f64);
    let mut number = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' => number.push(c),
            'H' | 'M' | 'S' => {
                let value: f64 = number.parse().map_err(|_| TimeError::Unrecognised)?;
                number.clear();
                match c {
                    'H' => hours = value as u32,
                    'M' => minutes = value as u32,
                    _ => seconds = value,
                }
            }
            _ => return Err(TimeError::Unrecognised),
        }
    }
    if seconds.round() != 0.0 {
        return Err(TimeError::Seconds);
    }
    let total = hours * 60 + minutes;
    if total > 1440 {
        return Err(TimeError::OutOfRange);
    }
    u16::try_from(total).map_err(|_| TimeError::OutOfRange)
}

/// Reads a time written as text: `8`, `08`, `8:30`, `08.30`, `0830`, `08:30:00`, each optionally
/// followed by the occurrence of a repeated autumn time: `+02:00`/`+01:00` (primary), `(1)`/`(2)`,
/// or `S`/`V` (sommartid/vintertid).
pub(crate) fn parse_time_text(input: &str) -> Result<CellTime, TimeError> {
    let s = input.trim();
    // Digits and separators only (`08:30`, almost every cell) cannot carry an occurrence: no
    // `+`, and every suffix `split_occurrence` looks for ends in a letter or `)`.
    let (clock, hint) = if s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
    {
        (s, None)
    } else {
        split_occurrence(s)?
    };
    let clock = clock.trim();
    let (hour, minute, second) = if all_digits(clock) {
        match clock.len() {
            1 | 2 => (clock, "0", "0"),
            3 => (&clock[..1], &clock[1..], "0"),
            4 => (&clock[..2], &clock[2..], "0"),
            _ => return Err(TimeError::Unrecognised),
        }
    } else {
        // Two or three parts, without collecting them (this runs twice on every row).
        let mut parts = clock.split([':', '.']);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(h), Some(m), None, _) if m.len() == 2 => (h, m, "0"),
            (Some(h), Some(m), Some(sec), None) if m.len() == 2 && sec.len() == 2 => (h, m, sec),
            _ => return Err(TimeError::Unrecognised),
        }
    };
    if !(all_digits(hour) && hour.len() <= 2 && all_digits(minute) && all_digits(second)) {
        return Err(TimeError::Unrecognised);
    }
    let number = |s: &str| s.parse::<u16>().map_err(|_| TimeError::Unrecognised);
    let (h, m, sec) = (number(hour)?, number(minute)?, number(second)?);
    if sec >= 60 || m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(TimeError::OutOfRange);
    }
    if sec != 0 {
        return Err(TimeError::Seconds);
    }
    Ok(CellTime {
        minutes: h * 60 + m,
        hint,
    })
}

fn split_occurrence(s: &str) -> Result<(&str, Option<OccurrenceHint>), TimeError> {
    if let Some((clock, offset)) = s.split_once('+') {
        return Ok((clock, Some(OccurrenceHint::Offset(parse_offset(offset)?))));
    }
    let lower = s.to_lowercase();
    for (suffix, occurrence) in [
        ("(1)", Occurrence::First),
        ("(2)", Occurrence::Second),
        ("sommartid", Occurrence::First),
        ("vintertid", Occurrence::Second),
        ("sommar", Occurrence::First),
        ("vinter", Occurrence::Second),
        ("s", Occurrence::First),
        ("v", Occurrence::Second),
    ] {
        if let Some(clock) = lower.strip_suffix(suffix) {
            // The suffix is ASCII, so the byte length of `clock` is the same in `s`.
            let Some(clock) = s.get(..clock.len()) else {
                return Err(TimeError::Unrecognised);
            };
            // A bare letter must be separated from the time (`02:30 S`), so that nothing
            // else ending in s/v slips through.
            if suffix.len() == 1 && !clock.ends_with(' ') {
                return Err(TimeError::Unrecognised);
            }
            return Ok((clock, Some(OccurrenceHint::Occurrence(occurrence))));
        }
    }
    Ok((s, None))
}

fn parse_offset(offset: &str) -> Result<i32, TimeError> {
    let o = offset.trim();
    if !o.is_ascii() {
        return Err(TimeError::Unrecognised);
    }
    let (h, m) = match o.split_once(':') {
        Some((h, m)) => (h, m),
        None if o.len() == 4 => (&o[..2], &o[2..]),
        None => (o, "0"),
    };
    if !(all_digits(h) && h.len() <= 2 && all_digits(m) && m.len() <= 2) {
        return Err(TimeError::Unrecognised);
    }
    let h: i32 = h.parse().map_err(|_| TimeError::Unrecognised)?;
    let m: i32 = m.parse().map_err(|_| TimeError::Unrecognised)?;
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test dates are real")
    }

    #[test]
    fn dates_in_every_unambiguous_form() {
        for text in [
            "2026-03-29",
            "20260329",
            "29.03.2026",
            "29.3.2026",
            "2026/03/29",
            "46110",
            "2026-03-29 00:00:00",
            "2026-03-29T00:00:00",
        ] {
            assert_eq!(parse_date_text(text), Ok(date(2026, 3, 29)), "{text}");
        }
        assert_eq!(parse_date_text("29/3/2026"), Err(DateError::SlashOrder));
        assert_eq!(parse_date_text("2026-02-30"), Err(DateError::NotInCalendar));
        assert_eq!(parse_date_text("mars"), Err(DateError::Unrecognised));
        assert_eq!(parse_date_text("2026-03-29 08:00"), Err(DateError::HasTime));
    }

    #[test]
    fn times_in_every_common_form() {
        for (text, minutes) in [
            ("8", 480),
            ("08", 480),
            ("8:30", 510),
            ("08.30", 510),
            ("0830", 510),
            ("830", 510),
            ("08:30:00", 510),
            ("24:00", 1440),
            ("0", 0),
        ] {
            assert_eq!(
                parse_time_text(text).map(|t| t.minutes),
                Ok(minutes),
                "{text}"
            );
        }
        assert_eq!(parse_time_text("25:00"), Err(TimeError::OutOfRange));
        assert_eq!(parse_time_text("24:30"), Err(TimeError::OutOfRange));
        assert_eq!(parse_time_text("08:30:15"), Err(TimeError::Seconds));
        assert_eq!(parse_time_text("kväll"), Err(TimeError::Unrecognised));
    }

    #[test]
    fn occurrence_hints() {
        let hint = |s: &str| parse_time_text(s).map(|t| t.hint);
        assert_eq!(hint("02:30+02:00"), Ok(Some(OccurrenceHint::Offset(120))));
        assert_eq!(hint("02:30 +01:00"), Ok(Some(OccurrenceHint::Offset(60))));
        let first = Some(OccurrenceHint::Occurrence(Occurrence::First));
        let second = Some(OccurrenceHint::Occurrence(Occurrence::Second));
        assert_eq!(hint("02:30 (1)"), Ok(first));
        assert_eq!(hint("02:30(2)"), Ok(second));
        assert_eq!(hint("02:30 S"), Ok(first));
        assert_eq!(hint("02:30 v"), Ok(second));
        assert_eq!(hint("02:30 vintertid"), Ok(second));
        assert_eq!(hint("02:30"), Ok(None));
    }

    #[test]
    fn excel_cells() {
        assert_eq!(
            parse_time(&CellValue::Number(0.5)).map(|t| t.minutes),
            Ok(720)
        );
        assert_eq!(
            parse_time(&CellValue::Number(8.0)).map(|t| t.minutes),
            Ok(480)
        );
        assert_eq!(
            parse_date(&CellValue::Number(46110.0)),
            Ok(date(2026, 3, 29))
        );
        assert_eq!(
            parse_date(&CellValue::Number(20_260_329.0)),
            Ok(date(2026, 3, 29))
        );
        assert_eq!(
            parse_time(&CellValue::IsoDuration("PT8H30M0S".into())).map(|t| t.minutes),
            Ok(510)
        );
    }
}
