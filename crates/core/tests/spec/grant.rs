//! Granted hours: a decision from FK against the real minutes worked in a month.

use assistid_core::grant::{
    Grant, GrantError, GrantPeriod, UsageLevel, hours_sv, month_usage, real_minutes_between,
};
use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::shift::Shift;
use assistid_core::time::{Occurrence, ShiftTime};
use chrono::{NaiveDate, NaiveDateTime};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn at(text: &str) -> ShiftTime {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("the time parses");
    ShiftTime::resolve(local, Some(Occurrence::First)).expect("the time exists in Sweden")
}

fn shift(from: &str, to: &str) -> Shift {
    Shift {
        assistant: IdentityNumber::from_digits("199001012385").expect("a valid number"),
        person: Personnummer::from_digits("197503150018").expect("a valid personnummer"),
        start: at(from),
        end: at(to),
        kind: TimeKind::Aktiv,
        note: None,
    }
}

fn october() -> ReportMonth {
    ReportMonth::new(2026, 10).expect("a month")
}

#[test]
fn the_night_the_clock_goes_back_counts_the_hour_it_really_lasted() {
    // 25 October 2026: the clock goes back at 03.00; 22.00–07.00 is ten real hours.
    let night = shift("2026-10-24 22:00", "2026-10-25 07:00");
    assert_eq!(
        real_minutes_between(&[night], date(2026, 10, 1), date(2026, 10, 31)),
        600,
        "granted hours are used in real time, as the invoice counts them"
    );
}

#[test]
fn a_shift_across_the_month_end_counts_only_its_part_in_the_month() {
    let across = shift("2026-10-31 20:00", "2026-11-01 04:00");
    assert_eq!(
        real_minutes_between(&[across], date(2026, 10, 1), date(2026, 10, 31)),
        240,
        "20.00–24.00 belongs to October, the rest to November"
    );
}

#[test]
fn hours_per_week_give_the_month_its_share_of_days() {
    let grant = Grant::new(70 * 60, GrantPeriod::Week, date(2026, 1, 1), None).expect("valid");
    let usage = month_usage(&grant, october(), &[]).expect("the decision applies in October");
    assert_eq!(
        usage.granted_minutes,
        31 * 10 * 60,
        "70 hours a week is 10 hours a day, 310 hours in 31 days"
    );
    assert_eq!(usage.level, UsageLevel::Within);
}

#[test]
fn a_decision_that_starts_mid_month_grants_only_its_days() {
    let grant = Grant::new(310 * 60, GrantPeriod::Month, date(2026, 10, 22), None).expect("valid");
    let usage = month_usage(
        &grant,
        october(),
        &[shift("2026-10-21 08:00", "2026-10-21 16:00")],
    )
    .expect("applies from the 22nd");
    assert_eq!(usage.from, date(2026, 10, 22));
    assert_eq!(
        usage.granted_minutes,
        10 * 10 * 60,
        "10 of 31 days of 310 hours"
    );
    assert_eq!(
        usage.used_minutes, 0,
        "a shift before the decision is not counted against it"
    );
}

#[test]
fn at_ninety_percent_the_coordinator_is_warned_with_the_numbers() {
    let grant = Grant::new(10 * 60, GrantPeriod::Month, date(2026, 1, 1), None).expect("valid");
    let usage = month_usage(
        &grant,
        october(),
        &[shift("2026-10-24 22:00", "2026-10-25 07:00")],
    )
    .expect("applies");
    // Nine hours on the clock, ten real hours: exactly the grant, not over it.
    assert_eq!(usage.used_minutes, 600);
    assert_eq!(
        usage.level,
        UsageLevel::Near,
        "100 % used is near, not over"
    );
    let text = usage
        .warning_sv("Sigrid Ödmansson", october())
        .expect("near the grant gives a warning");
    assert!(
        text.contains("100 %") && text.contains("10 timmar av 10 timmar"),
        "the warning says how much of what is used: {text}"
    );
}

#[test]
fn more_than_granted_is_exceeded_and_says_by_how_much() {
    let grant = Grant::new(9 * 60, GrantPeriod::Month, date(2026, 1, 1), None).expect("valid");
    let usage = month_usage(
        &grant,
        october(),
        &[shift("2026-10-24 22:00", "2026-10-25 07:00")],
    )
    .expect("applies");
    assert_eq!(usage.level, UsageLevel::Exceeded);
    assert_eq!(
        usage.over_minutes(),
        60,
        "the autumn night's extra hour is over the grant"
    );
    let text = usage
        .warning_sv("Sigrid Ödmansson", october())
        .expect("a warning");
    assert!(text.contains("1 timme mer än beslutet"), "{text}");
}

#[test]
fn a_whole_period_decision_counts_everything_since_it_began() {
    let grant = Grant::new(
        20 * 60,
        GrantPeriod::Decision,
        date(2026, 9, 1),
        Some(date(2027, 2, 28)),
    )
    .expect("valid");
    let shifts = [
        shift("2026-08-31 08:00", "2026-08-31 18:00"),
        shift("2026-09-10 08:00", "2026-09-10 18:00"),
        shift("2026-10-10 08:00", "2026-10-10 16:00"),
    ];
    let usage = month_usage(&grant, october(), &shifts).expect("applies");
    assert_eq!(
        usage.from,
        date(2026, 9, 1),
        "counted from the decision's first day"
    );
    assert_eq!(usage.granted_minutes, 20 * 60, "the whole period's hours");
    assert_eq!(
        usage.used_minutes,
        18 * 60,
        "September's and October's shifts, not August's"
    );
    assert_eq!(usage.level, UsageLevel::Near);
}

#[test]
fn a_decision_outside_the_month_does_not_apply() {
    let grant = Grant::new(
        600,
        GrantPeriod::Week,
        date(2026, 1, 1),
        Some(date(2026, 9, 30)),
    )
    .expect("valid");
    assert_eq!(month_usage(&grant, october(), &[]), None);
}

#[test]
fn impossible_decisions_are_refused_with_what_to_check() {
    let from = date(2026, 1, 1);
    assert_eq!(
        Grant::new(0, GrantPeriod::Week, from, None),
        Err(GrantError::NoHours)
    );
    assert!(matches!(
        Grant::new(169 * 60, GrantPeriod::Week, from, None),
        Err(GrantError::TooManyHours { .. })
    ));
    assert_eq!(
        Grant::new(600, GrantPeriod::Decision, from, None),
        Err(GrantError::DecisionPeriodNeedsEnd)
    );
    assert!(matches!(
        Grant::new(600, GrantPeriod::Month, from, Some(date(2025, 12, 31))),
        Err(GrantError::EndsBeforeStart { .. })
    ));
}

#[test]
fn decisions_overlap_when_they_share_a_day() {
    let first = Grant::new(
        600,
        GrantPeriod::Week,
        date(2026, 1, 1),
        Some(date(2026, 6, 30)),
    )
    .expect("valid");
    let next = Grant::new(600, GrantPeriod::Week, date(2026, 7, 1), None).expect("valid");
    let same_day = Grant::new(600, GrantPeriod::Week, date(2026, 6, 30), None).expect("valid");
    assert!(!first.overlaps(&next), "back to back is not an overlap");
    assert!(first.overlaps(&same_day) && same_day.overlaps(&first));
    assert_eq!(hours_sv(90), "1 timme och 30 minuter");
}
