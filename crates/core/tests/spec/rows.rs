//! Specification: FK rows (`rapportRad`) and how shifts become rows.
//!
//! - Clock times are `HH.MM` with a dot and two-digit hour, `00.00`–`24.00`.
//! - A shift crossing midnight becomes day *d* `HH.MM`–`24.00` and day *d+1* `00.00`–`HH.MM`;
//!   crossing a month end, each month gets its part. Rows come out by day, then start.
//! - Properties: real = clock on ordinary days; a shift's rows never overlap and their real
//!   minutes add up to the shift's; every row of a month has a day within the month and
//!   `from < to ≤ 24.00`.

use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::rows::{ClockTime, ReportRow};
use assistid_core::shift::Shift;
use assistid_core::split::shift_rows;
use assistid_core::time::ShiftTime;
use chrono::{Duration, NaiveDate, TimeZone};
use chrono_tz::Europe::Stockholm;
use proptest::prelude::*;

use super::model::{idnr, pnr, shift};

fn rows_of(start: &str, end: &str) -> Vec<(String, String)> {
    let s = shift(
        &idnr("19900101", 1),
        &pnr("19500101", 2),
        start,
        end,
        TimeKind::Vante,
    );
    shift_rows(&s)
        .map(|(m, f)| {
            (
                m.to_string(),
                format!("{} {}-{}", f.row.day, f.row.from, f.row.to),
            )
        })
        .collect()
}

fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn clock_times_are_written_as_fk_wants_them() {
    let t = |h, m| ClockTime::from_hm(h, m).expect("a valid time");
    assert_eq!(t(8, 30).to_string(), "08.30", "two-digit hour and a dot");
    assert_eq!(t(0, 0).to_string(), "00.00", "midnight starting a day");
    assert_eq!(
        ClockTime::END_OF_DAY.to_string(),
        "24.00",
        "midnight ending a day"
    );
    assert!(ClockTime::from_hm(24, 1).is_none(), "nothing after 24.00");
    assert!(ClockTime::from_hm(7, 60).is_none(), "minutes stop at 59");
    assert_eq!(
        "08.30".parse::<ClockTime>().ok(),
        Some(t(8, 30)),
        "FK's form parses back"
    );
    for bad in ["8.30", "08:30", "0830", "24.01", "08.5"] {
        assert!(
            bad.parse::<ClockTime>().is_err(),
            "{bad:?} is not FK's HH.MM"
        );
    }
    let json = serde_json::to_string(&t(8, 30)).expect("serializable");
    assert_eq!(json, "\"08.30\"", "JSON carries the time as FK writes it");
}

#[test]
fn a_day_shift_is_one_row() {
    assert_eq!(
        rows_of("2026-05-04 08:00", "2026-05-04 16:30"),
        owned(&[("2026-05", "4 08.00-16.30")]),
        "a shift inside one day is one row"
    );
}

#[test]
fn a_shift_across_midnight_ends_with_24_and_starts_again_at_00() {
    assert_eq!(
        rows_of("2026-05-04 22:00", "2026-05-05 07:00"),
        owned(&[("2026-05", "4 22.00-24.00"), ("2026-05", "5 00.00-07.00")]),
        "ELT.md's convention for overnight shifts"
    );
    assert_eq!(
        rows_of("2026-05-04 22:00", "2026-05-05 00:00"),
        owned(&[("2026-05", "4 22.00-24.00")]),
        "ending at midnight ends with 24.00 and adds no empty row"
    );
    assert_eq!(
        rows_of("2026-05-05 00:00", "2026-05-05 06:00"),
        owned(&[("2026-05", "5 00.00-06.00")]),
        "starting at midnight starts with 00.00"
    );
}

#[test]
fn a_shift_across_a_month_end_gives_each_month_its_part() {
    assert_eq!(
        rows_of("2026-04-30 20:00", "2026-05-01 08:00"),
        owned(&[("2026-04", "30 20.00-24.00"), ("2026-05", "1 00.00-08.00")]),
        "April keeps 30 April, May gets 1 May"
    );
    assert_eq!(
        rows_of("2024-02-28 12:00", "2024-03-01 12:00"),
        owned(&[
            ("2024-02", "28 12.00-24.00"),
            ("2024-02", "29 00.00-24.00"),
            ("2024-03", "1 00.00-12.00"),
        ]),
        "a leap day in the middle is a full day"
    );
}

#[test]
fn a_shift_whose_end_is_not_after_its_start_has_no_rows() {
    assert!(
        rows_of("2026-05-04 10:00", "2026-05-04 10:00").is_empty(),
        "an empty shift gives no row (validation reports it)"
    );
    assert!(
        rows_of("2026-05-04 10:00", "2026-05-04 09:00").is_empty(),
        "a backwards shift gives no row (validation reports it)"
    );
}

#[test]
fn report_rows_serialize_with_fk_times_and_kind_codes() {
    let row = ReportRow {
        day: 3,
        from: ClockTime::from_hm(22, 0).expect("valid"),
        to: ClockTime::END_OF_DAY,
        kind: TimeKind::Vante,
    };
    let json = serde_json::to_value(row).expect("serializable");
    assert_eq!(
        json,
        serde_json::json!({"day": 3, "from": "22.00", "to": "24.00", "kind": "vante"}),
        "the row's JSON matches the review interface"
    );
    assert_eq!(
        row.clock_minutes(),
        120,
        "22.00–24.00 is two hours on the clock"
    );
}

/// A shift from a UTC instant and a length: always a real, resolvable shift (the end side is
/// resolved through its true offset, so the repeated autumn hour is covered too).
fn shift_from(start_utc: chrono::DateTime<chrono::Utc>, minutes: i64) -> Shift {
    let to_shift_time = |utc: chrono::DateTime<chrono::Utc>| {
        let local = utc.with_timezone(&Stockholm);
        let offset = chrono::Offset::fix(local.offset()).local_minus_utc() / 60;
        ShiftTime::with_offset(local.naive_local(), offset).expect("a real instant resolves")
    };
    Shift {
        assistant: idnr("19900101", 1),
        person: pnr("19500101", 2),
        start: to_shift_time(start_utc),
        end: to_shift_time(start_utc + Duration::minutes(minutes)),
        kind: TimeKind::Aktiv,
        note: None,
    }
}

fn start_of_2025() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

/// Start instants over 2025–2026 in 15-minute steps, so the change nights are hit often.
fn start_instant() -> impl Strategy<Value = chrono::DateTime<chrono::Utc>> {
    let base = start_of_2025();
    prop_oneof![
        (0i64..(2 * 365 * 96)).prop_map(move |q| base + Duration::minutes(q * 15)),
        // Near the four change nights.
        (0usize..4, -48i64..48).prop_map(move |(i, q)| {
            let night = ["2025-03-30", "2025-10-26", "2026-03-29", "2026-10-25"][i];
            let d: NaiveDate = night.parse().expect("a valid date");
            d.and_hms_opt(0, 0, 0).expect("midnight").and_utc() + Duration::minutes(q * 15)
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn on_ordinary_days_real_time_equals_clock_time(day in 0u32..365, from in 0u16..1439, len in 1u16..1440) {
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid") + Duration::days(i64::from(day));
        prop_assume!(assistid_core::dst::DstChange::on(date).is_none());
        let to = from.saturating_add(len).min(1439);
        prop_assume!(to > from);
        let at = |m: u16| {
            ShiftTime::resolve(date.and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0).expect("valid"), None)
                .expect("ordinary days have every time once")
        };
        let s = Shift { start: at(from), end: at(to), ..shift_from(start_of_2025(), 60) };
        let rows: Vec<_> = shift_rows(&s).collect();
        prop_assert_eq!(rows.len(), 1, "a shift inside one day is one row");
        let f = rows[0].1;
        prop_assert_eq!(f.real_minutes(), f.clock_minutes(), "no DST change, so real = clock");
        prop_assert_eq!(f.fk_minutes(), f.clock_minutes(), "and FK reads it as it stands");
        prop_assert!(f.dst_note().is_none(), "no note on an ordinary day");
    }

    #[test]
    fn rows_never_overlap_and_add_up_to_the_shift(start in start_instant(), minutes in 1i64..3000) {
        let s = shift_from(start, minutes);
        let rows: Vec<_> = shift_rows(&s).collect();
        prop_assert!(!rows.is_empty(), "a shift with a length has rows");
        for pair in rows.windows(2) {
            prop_assert_eq!(pair[0].1.date.succ_opt(), Some(pair[1].1.date), "one row per day, in order");
            prop_assert_eq!(pair[0].1.row.to, ClockTime::END_OF_DAY, "a row followed by another ends at 24.00");
            prop_assert_eq!(pair[1].1.row.from, ClockTime::MIDNIGHT, "the next day starts at 00.00");
        }
        let real: i64 = rows.iter().map(|r| i64::from(r.1.real_minutes())).sum();
        prop_assert_eq!(real, s.real_minutes(), "the rows' real minutes are the shift's real length");
    }

    #[test]
    fn every_row_fits_its_month(start in start_instant(), minutes in 1i64..3000) {
        let s = shift_from(start, minutes);
        for (month, f) in shift_rows(&s) {
            prop_assert_eq!(month, ReportMonth::of(f.date), "the row belongs to its date's month");
            prop_assert!(f.row.day >= 1 && f.row.day <= month.days(), "day {} within {}", f.row.day, month);
            prop_assert!(f.row.to <= ClockTime::END_OF_DAY, "nothing after 24.00");
            // The only row whose end is not after its start lies inside the repeated autumn
            // hour; the validation refuses it (dst_row_not_increasing).
            let autumn = assistid_core::dst::DstChange::on(f.date).is_some_and(|c| c.is_autumn());
            prop_assert!(f.row.from < f.row.to || (autumn && f.row.from.minutes() < 180),
                "from < to for {} {}–{}", f.date, f.row.from, f.row.to);
        }
    }
}
