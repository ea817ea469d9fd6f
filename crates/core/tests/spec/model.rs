//! Specification: the register and the calendar — report months and calculation periods.
//!
//! Also holds the small builders the other topic files share (`at`, `shift`, `assistant`, ...).

use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{
    Assistant, CalculationPeriod, Employment, PeriodLength, PersonWithAssistance, Phone, Provider,
    ReportMonth, TimeKind,
};
use assistid_core::shift::Shift;
use assistid_core::time::{Occurrence, ShiftTime};
use chrono::NaiveDate;

/// A valid 12-digit identity number for `yyyymmdd` and a 3-digit serial (Luhn digit computed).
pub(crate) fn id_digits(yyyymmdd: &str, serial: u32) -> String {
    let body = format!("{}{:03}", &yyyymmdd[2..], serial);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    format!("{yyyymmdd}{:03}{}", serial, (10 - sum % 10) % 10)
}

pub(crate) fn pnr(yyyymmdd: &str, serial: u32) -> Personnummer {
    Personnummer::from_digits(&id_digits(yyyymmdd, serial)).expect("a generated valid personnummer")
}

pub(crate) fn idnr(yyyymmdd: &str, serial: u32) -> IdentityNumber {
    IdentityNumber::from_digits(&id_digits(yyyymmdd, serial)).expect("a generated valid number")
}

pub(crate) fn date(s: &str) -> NaiveDate {
    s.parse().expect("test dates are written YYYY-MM-DD")
}

pub(crate) fn month(s: &str) -> ReportMonth {
    s.parse().expect("test months are written YYYY-MM")
}

/// `"2026-10-25 02:30"` resolved, with an occurrence for the repeated autumn hour.
pub(crate) fn at_occ(s: &str, occ: Option<Occurrence>) -> ShiftTime {
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .expect("test times are written YYYY-MM-DD HH:MM");
    ShiftTime::resolve(local, occ).expect("test times exist and are unambiguous or resolved")
}

pub(crate) fn at(s: &str) -> ShiftTime {
    at_occ(s, None)
}

pub(crate) fn shift(
    assistant: &IdentityNumber,
    person: &Personnummer,
    start: &str,
    end: &str,
    kind: TimeKind,
) -> Shift {
    Shift {
        assistant: assistant.clone(),
        person: person.clone(),
        start: at(start),
        end: at(end),
        kind,
        note: None,
    }
}

pub(crate) fn provider() -> Provider {
    Provider::new(
        "Assistans & Co AB",
        OrgNumber::parse("202100-5521").expect("FK's own organisation number is valid"),
        Some("Åsa Öberg"),
        Phone::parse("08-123 456 78").expect("a long enough phone"),
    )
    .expect("a complete provider")
}

pub(crate) fn person(id: &Personnummer, first: &str, last: &str) -> PersonWithAssistance {
    PersonWithAssistance::new(id.clone(), first, last).expect("a complete person")
}

pub(crate) fn assistant(id: &IdentityNumber, first: &str, employment: Employment) -> Assistant {
    Assistant {
        id: id.clone(),
        first_name: first.to_owned(),
        last_name: "Assistentsson".to_owned(),
        phone: None,
        collective_agreement: false,
        employment,
        calculation_period: None,
    }
}

fn periods(start: &str, length: PeriodLength, m: &str) -> Vec<(String, String)> {
    CalculationPeriod::new(date(start), length)
        .expect("a non-zero length")
        .periods_intersecting(month(m))
        .into_iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()))
        .collect()
}

#[test]
fn report_months_know_their_length_including_leap_years() {
    for (m, days) in [
        ("2026-02", 28),
        ("2024-02", 29),
        ("2026-04", 30),
        ("2026-10", 31),
        ("2026-12", 31),
    ] {
        assert_eq!(
            month(m).days(),
            days,
            "{m} has {days} days, rows may use 1..={days}"
        );
    }
    assert_eq!(
        month("2026-12").next().to_string(),
        "2027-01",
        "December is followed by January of the next year"
    );
    assert!(
        "2026-13".parse::<ReportMonth>().is_err(),
        "there is no 13th month"
    );
    assert!(
        "2026-3".parse::<ReportMonth>().is_err(),
        "FK writes months with two digits"
    );
}

#[test]
fn day_periods_repeat_back_to_back_from_the_start() {
    assert_eq!(
        periods("2026-01-05", PeriodLength::Days(28), "2026-03"),
        pairs(&[
            ("2026-02-02", "2026-03-01"),
            ("2026-03-02", "2026-03-29"),
            ("2026-03-30", "2026-04-26"),
        ]),
        "28-day periods from 5 Jan: three of them touch March"
    );
}

#[test]
fn a_month_long_period_is_one_period_when_it_starts_on_the_first() {
    assert_eq!(
        periods("2026-01-01", PeriodLength::Months(1), "2026-03"),
        pairs(&[("2026-03-01", "2026-03-31")]),
        "a calendar-month period equals the report month"
    );
    assert_eq!(
        periods("2026-01-01", PeriodLength::Months(4), "2026-03"),
        pairs(&[("2026-01-01", "2026-04-30")]),
        "a 4-month period from January covers March"
    );
    assert_eq!(
        periods("2026-01-01", PeriodLength::Months(4), "2026-05"),
        pairs(&[("2026-05-01", "2026-08-31")]),
        "the second 4-month period starts in May"
    );
}

#[test]
fn a_period_starting_mid_month_splits_the_months() {
    assert_eq!(
        periods("2026-01-15", PeriodLength::Months(1), "2026-02"),
        pairs(&[("2026-01-15", "2026-02-14"), ("2026-02-15", "2026-03-14")]),
        "monthly periods from the 15th: February touches two of them"
    );
}

#[test]
fn month_end_starts_clamp_to_the_last_day_of_shorter_months() {
    // 31 Jan + 1 month = 28 Feb (clamped), + 2 months = 31 Mar: periods are counted from the
    // start date each time, so they do not drift.
    assert_eq!(
        periods("2026-01-31", PeriodLength::Months(1), "2026-02"),
        pairs(&[("2026-01-31", "2026-02-27"), ("2026-02-28", "2026-03-30")]),
        "a period from 31 Jan ends the day before 28 Feb; the next runs to the day before 31 Mar"
    );
    assert_eq!(
        periods("2026-01-31", PeriodLength::Months(1), "2026-04"),
        pairs(&[("2026-03-31", "2026-04-29"), ("2026-04-30", "2026-05-30")]),
        "30 Apr (31 Jan + 3 months, clamped) starts a period"
    );
}

#[test]
fn months_before_the_period_start_have_no_period() {
    assert!(
        periods("2026-05-01", PeriodLength::Days(28), "2026-03").is_empty(),
        "days before the first period belong to no period"
    );
    assert_eq!(
        periods("2026-03-15", PeriodLength::Days(7), "2026-03"),
        pairs(&[
            ("2026-03-15", "2026-03-21"),
            ("2026-03-22", "2026-03-28"),
            ("2026-03-29", "2026-04-04"),
        ]),
        "the month the period starts in has periods only from the start day"
    );
}

#[test]
fn a_zero_length_period_is_refused() {
    assert!(
        CalculationPeriod::new(date("2026-01-01"), PeriodLength::Days(0)).is_err(),
        "a period of 0 days would divide by zero"
    );
    assert!(
        CalculationPeriod::new(date("2026-01-01"), PeriodLength::Months(0)).is_err(),
        "a period of 0 months would never advance"
    );
}

#[test]
fn time_kinds_parse_the_ways_people_write_them() {
    for (text, kind) in [
        ("aktiv", TimeKind::Aktiv),
        ("Aktiv tid", TimeKind::Aktiv),
        ("väntetid", TimeKind::Vante),
        ("vante", TimeKind::Vante),
        ("B", TimeKind::Beredskap),
    ] {
        assert_eq!(
            text.parse::<TimeKind>().ok(),
            Some(kind),
            "{text:?} is {kind}"
        );
    }
}

#[test]
fn every_model_error_reads_in_swedish_as_its_own_text_and_in_english_with_the_same_facts() {
    use assistid_core::text::Lang;
    let errors = [
        Phone::parse("123").expect_err("too short"),
        Provider::new(
            "  ",
            OrgNumber::parse("5560360793").expect("valid orgnr"),
            None,
            Phone::parse("08-123 45 67").expect("valid phone"),
        )
        .expect_err("an empty name"),
        "2026-13".parse::<ReportMonth>().expect_err("no 13th month"),
        "sova"
            .parse::<TimeKind>()
            .expect_err("not one of FK's kinds"),
    ];
    for error in &errors {
        let text = error.text();
        assert_eq!(
            text.render(Lang::Sv),
            error.to_string(),
            "Swedish is the reference: byte for byte the error's own text"
        );
        assert!(
            text.is_translated() && text.missing_params().is_empty(),
            "{error:?} has an English wording with every parameter filled"
        );
        assert_ne!(
            text.render(Lang::En),
            text.render(Lang::Sv),
            "{error:?} reads in English in English mode"
        );
    }
    assert_eq!(
        errors[1].text().render(Lang::En),
        "the provider's name must not be empty",
        "the name's label is translated too"
    );
    assert!(
        errors[3].text().render(Lang::En).contains("\"sova\""),
        "the value as typed is kept, quoted, in every language"
    );
}
