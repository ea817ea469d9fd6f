//! Specification: working-time limits per assistant and calculation period.
//!
//! | employment | collective agreement | limit |
//! |---|---|---|
//! | by the person | no | 52 h/week over ≤ 28 days |
//! | provider / other employer | no | 48 h/week over ≤ 4 months (Working Hours Act) |
//! | any | yes | the configured agreement rule |
//! | self-employed | — | none |
//!
//! Aktiv and vänte count, in real minutes; beredskap does not.

use assistid_core::limits::{LimitConfig, WorkingTimeRule, working_time_issues};
use assistid_core::model::{Assistant, CalculationPeriod, Employment, PeriodLength, TimeKind};
use assistid_core::shift::Shift;
use assistid_core::validation::{Severity, codes};

use super::model::{assistant, date, idnr, month, pnr, shift};

fn with_period(mut a: Assistant, start: &str, length: PeriodLength) -> Assistant {
    a.calculation_period =
        Some(CalculationPeriod::new(date(start), length).expect("a non-zero period"));
    a
}

/// `count` daily shifts of `hours` from `first` (08:00 onwards), of one kind.
fn daily(a: &Assistant, first: &str, count: i64, hours: u32, kind: TimeKind) -> Vec<Shift> {
    let start = date(first);
    (0..count)
        .map(|i| {
            let d = start + chrono::Duration::days(i);
            shift(
                &a.id,
                &pnr("19500101", 2),
                &format!("{d} 08:00"),
                &format!("{d} {:02}:00", 8 + hours),
                kind,
            )
        })
        .collect()
}

fn codes_of(issues: &[assistid_core::validation::Issue]) -> Vec<&'static str> {
    issues.iter().map(|i| i.code).collect()
}

#[test]
fn employed_by_the_person_52_hours_a_week_over_28_days() {
    let a = with_period(
        assistant(
            &idnr("19900101", 1),
            "Anna",
            Employment::PersonWithAssistance,
        ),
        "2026-03-02",
        PeriodLength::Days(28),
    );
    let config = LimitConfig::default();
    // 26 × 8 h = 208 h = exactly 52 h/week over 4 weeks: allowed.
    let at_limit = daily(&a, "2026-03-02", 26, 8, TimeKind::Aktiv);
    assert!(
        working_time_issues(month("2026-03"), &a, &at_limit, &config)
            .iter()
            .all(|i| i.code != codes::WORKING_TIME_LIMIT),
        "an average of exactly 52 h/week is within the limit"
    );
    // 28 × 8 h = 224 h = 56 h/week: over.
    let over = daily(&a, "2026-03-02", 28, 8, TimeKind::Aktiv);
    let issues = working_time_issues(month("2026-03"), &a, &over, &config);
    let warning = issues
        .iter()
        .find(|i| i.code == codes::WORKING_TIME_LIMIT)
        .expect("56 h/week is over 52");
    assert_eq!(
        warning.severity,
        Severity::Warning,
        "FK decides; we warn before sending"
    );
    for part in [
        "224,0 timmar",
        "2026-03-02–2026-03-29",
        "4,0 veckor",
        "56,0 timmar per vecka",
        "52,0 timmar",
    ] {
        assert!(
            warning.message.contains(part),
            "the warning gives {part:?}: {}",
            warning.message
        );
    }
}

#[test]
fn beredskap_is_not_working_time() {
    let a = with_period(
        assistant(
            &idnr("19900101", 1),
            "Anna",
            Employment::PersonWithAssistance,
        ),
        "2026-03-02",
        PeriodLength::Days(28),
    );
    let mut shifts = daily(&a, "2026-03-02", 26, 8, TimeKind::Aktiv);
    // 12 h on call every night on top: not working time under the Working Hours Act.
    for d in 2..=29 {
        shifts.push(shift(
            &a.id,
            &pnr("19500101", 2),
            &format!("2026-03-{d:02} 18:00"),
            &format!("2026-03-{d:02} 23:00"),
            TimeKind::Beredskap,
        ));
    }
    assert!(
        codes_of(&working_time_issues(
            month("2026-03"),
            &a,
            &shifts,
            &LimitConfig::default()
        ))
        .is_empty(),
        "on-call hours do not count towards the limit"
    );
    // Väntetid does count.
    shifts.extend(
        daily(&a, "2026-03-03", 1, 4, TimeKind::Vante)
            .into_iter()
            .map(|mut s| {
                s.start = super::model::at("2026-03-03 18:00");
                s.end = super::model::at("2026-03-03 22:00");
                s.kind = TimeKind::Vante;
                s
            }),
    );
    assert!(
        codes_of(&working_time_issues(
            month("2026-03"),
            &a,
            &shifts,
            &LimitConfig::default()
        ))
        .contains(&codes::WORKING_TIME_LIMIT),
        "waiting time is working time"
    );
}

#[test]
fn employed_by_an_organisation_48_hours_and_the_calendar_month_by_default() {
    let a = assistant(&idnr("19900101", 1), "Anna", Employment::Provider);
    // 31 days = 4.43 weeks; 48 h/week allows 212.6 h. 27 × 8 = 216 h is over.
    let shifts = daily(&a, "2026-03-01", 27, 8, TimeKind::Aktiv);
    let issues = working_time_issues(month("2026-03"), &a, &shifts, &LimitConfig::default());
    let warning = issues
        .iter()
        .find(|i| i.code == codes::WORKING_TIME_LIMIT)
        .expect("216 h in March is over 48 h/week");
    assert!(
        warning.message.contains("arbetstidslagen"),
        "names the rule: {}",
        warning.message
    );
    assert!(
        warning.message.contains("kalendermånaden"),
        "says the default period is used"
    );
    let fewer = daily(&a, "2026-03-01", 26, 8, TimeKind::Aktiv);
    assert!(
        working_time_issues(month("2026-03"), &a, &fewer, &LimitConfig::default()).is_empty(),
        "208 h in March is under 212.6 h"
    );
}

#[test]
fn a_collective_agreement_uses_the_configured_rule() {
    let mut a = with_period(
        assistant(&idnr("19900101", 1), "Anna", Employment::Provider),
        "2026-03-02",
        PeriodLength::Days(28),
    );
    a.collective_agreement = true;
    let config = LimitConfig {
        collective_agreement: WorkingTimeRule {
            max_average_minutes_per_week: 40 * 60,
            max_period: PeriodLength::Days(28),
        },
    };
    let shifts = daily(&a, "2026-03-02", 21, 8, TimeKind::Aktiv); // 168 h = 42 h/week
    let issues = working_time_issues(month("2026-03"), &a, &shifts, &config);
    assert_eq!(
        codes_of(&issues),
        [codes::WORKING_TIME_LIMIT],
        "42 h/week is over the agreement's 40"
    );
    assert!(
        issues[0].message.contains("kollektivavtalet"),
        "names the agreement"
    );
    assert!(
        working_time_issues(month("2026-03"), &a, &shifts, &LimitConfig::default()).is_empty(),
        "the default agreement rule is the Working Hours Act's 48 h"
    );
}

#[test]
fn the_self_employed_have_no_statutory_limit() {
    let a = assistant(&idnr("19900101", 1), "Anna", Employment::SelfEmployed);
    let shifts = daily(&a, "2026-03-01", 31, 14, TimeKind::Aktiv);
    assert!(
        working_time_issues(month("2026-03"), &a, &shifts, &LimitConfig::default()).is_empty(),
        "no working-time act applies to the self-employed"
    );
}

#[test]
fn a_period_longer_than_the_rule_allows_is_warned_about() {
    let a = with_period(
        assistant(
            &idnr("19900101", 1),
            "Anna",
            Employment::PersonWithAssistance,
        ),
        "2026-03-01",
        PeriodLength::Months(1),
    );
    let issues = working_time_issues(month("2026-03"), &a, &[], &LimitConfig::default());
    assert_eq!(
        codes_of(&issues),
        [codes::CALCULATION_PERIOD_TOO_LONG],
        "31 days is longer than the 28 days allowed when employed by the person"
    );
    assert!(
        issues[0].message.contains("28 dagar"),
        "says the maximum: {}",
        issues[0].message
    );
}

#[test]
fn real_minutes_count_so_the_autumn_night_has_five_hours() {
    let a = with_period(
        assistant(&idnr("19900101", 1), "Anna", Employment::Provider),
        "2026-10-25",
        PeriodLength::Days(7),
    );
    let mut a = a;
    a.collective_agreement = true;
    // A limit of 4.5 h a week over one week: 00:00–04:00 is 4 h on the clock but 5 h worked.
    let config = LimitConfig {
        collective_agreement: WorkingTimeRule {
            max_average_minutes_per_week: 270,
            max_period: PeriodLength::Days(7),
        },
    };
    let night = [shift(
        &a.id,
        &pnr("19500101", 2),
        "2026-10-25 00:00",
        "2026-10-25 04:00",
        TimeKind::Aktiv,
    )];
    let issues = working_time_issues(month("2026-10"), &a, &night, &config);
    assert!(
        issues
            .iter()
            .any(|i| i.code == codes::WORKING_TIME_LIMIT && i.message.contains("5,0 timmar")),
        "the real 5 hours are counted, not the 4 on the clock: {issues:?}"
    );
}
