//! Specification: the month review — one report per assistant × person × month, its FK rows with
//! clock and real minutes and DST notes, totals per kind, and issues where they belong.

use assistid_core::ids::IdentityNumber;
use assistid_core::limits::LimitConfig;
use assistid_core::model::{
    Assistant, CalculationPeriod, Employment, PeriodLength, PersonWithAssistance, Provider,
    Register, TimeKind,
};
use assistid_core::review::MonthReview;
use assistid_core::shift::Shift;
use assistid_core::split::shift_rows;
use assistid_core::validation::codes;
use proptest::prelude::*;

use super::model::{assistant, at, date, idnr, month, person, pnr, provider, shift};

struct World {
    provider: Provider,
    persons: Vec<PersonWithAssistance>,
    assistants: Vec<Assistant>,
}

impl World {
    fn new() -> Self {
        Self {
            provider: provider(),
            // Deliberately not in number order: the review sorts.
            persons: vec![
                person(&pnr("19600202", 4), "Cia", "Ek"),
                person(&pnr("19500101", 2), "Bo", "Berg"),
            ],
            assistants: vec![
                assistant(&idnr("19900101", 1), "Anna", Employment::Provider),
                assistant(
                    &idnr("19850612", 3),
                    "Erik",
                    Employment::PersonWithAssistance,
                ),
            ],
        }
    }

    fn register(&self) -> Register<'_> {
        Register {
            provider: Some(&self.provider),
            persons: &self.persons,
            assistants: &self.assistants,
        }
    }

    fn review(&self, m: &str, shifts: &[Shift]) -> MonthReview {
        MonthReview::build(month(m), &self.register(), shifts, &LimitConfig::default())
    }
}

fn anna() -> IdentityNumber {
    idnr("19900101", 1)
}
fn erik() -> IdentityNumber {
    idnr("19850612", 3)
}

fn october_shifts() -> Vec<Shift> {
    let bo = pnr("19500101", 2);
    let cia = pnr("19600202", 4);
    vec![
        shift(
            &anna(),
            &bo,
            "2026-10-24 22:00",
            "2026-10-25 07:00",
            TimeKind::Vante,
        ),
        shift(
            &anna(),
            &bo,
            "2026-10-02 08:00",
            "2026-10-02 12:00",
            TimeKind::Aktiv,
        ),
        shift(
            &erik(),
            &bo,
            "2026-10-02 08:00",
            "2026-10-02 12:00",
            TimeKind::Aktiv,
        ), // double assistance
        shift(
            &anna(),
            &cia,
            "2026-10-31 20:00",
            "2026-11-01 08:00",
            TimeKind::Aktiv,
        ), // into November
        shift(
            &anna(),
            &cia,
            "2026-09-30 22:00",
            "2026-10-01 06:00",
            TimeKind::Beredskap,
        ), // from September
        shift(
            &anna(),
            &cia,
            "2026-09-10 08:00",
            "2026-09-10 12:00",
            TimeKind::Aktiv,
        ), // September only
        shift(
            &anna(),
            &bo,
            "2026-10-01 08:00",
            "2026-10-01 09:00",
            TimeKind::Aktiv,
        ),
    ]
}

#[test]
fn one_report_per_assistant_and_person_ordered_by_person_then_assistant() {
    let w = World::new();
    let review = w.review("2026-10", &october_shifts());
    let keys: Vec<(String, String)> = review
        .reports()
        .iter()
        .map(|r| (r.person_name().to_owned(), r.assistant_name().to_owned()))
        .collect();
    assert_eq!(
        keys,
        [
            ("Bo Berg".to_owned(), "Erik Assistentsson".to_owned()),
            ("Bo Berg".to_owned(), "Anna Assistentsson".to_owned()),
            ("Cia Ek".to_owned(), "Anna Assistentsson".to_owned()),
        ],
        "by personnummer (Bo 1950 before Cia 1960), then assistant number (Erik 1985 before Anna 1990)"
    );
    assert!(
        review.errors().is_empty() && review.warnings().is_empty(),
        "nothing month-level"
    );
}

#[test]
fn rows_are_ordered_by_day_and_split_at_midnight_and_month_ends() {
    let w = World::new();
    let review = w.review("2026-10", &october_shifts());
    let bo_anna = review
        .report(&pnr("19500101", 2), &anna())
        .expect("Anna works for Bo in October");
    let rows: Vec<String> = bo_anna
        .rows()
        .iter()
        .map(|r| format!("{} {}-{} {}", r.day, r.from, r.to, r.kind))
        .collect();
    assert_eq!(
        rows,
        [
            "1 08.00-09.00 aktiv",
            "2 08.00-12.00 aktiv",
            "24 22.00-24.00 vante",
            "25 00.00-07.00 vante"
        ],
        "rows by day then start, whatever order the shifts came in"
    );
    let cia_anna = review
        .report(&pnr("19600202", 4), &anna())
        .expect("Anna works for Cia in October");
    let rows: Vec<String> = cia_anna
        .rows()
        .iter()
        .map(|r| format!("{} {}-{}", r.day, r.from, r.to))
        .collect();
    assert_eq!(
        rows,
        ["1 00.00-06.00", "31 20.00-24.00"],
        "October gets only its parts of shifts from September and into November"
    );
}

#[test]
fn a_row_across_the_autumn_change_shows_clock_and_real_time_with_a_note() {
    let w = World::new();
    let review = w.review("2026-10", &october_shifts());
    let report = review
        .report(&pnr("19500101", 2), &anna())
        .expect("Anna works for Bo");
    let (row, minutes) = report
        .rows_with_minutes()
        .find(|(r, _)| r.day == 25)
        .expect("the change night row");
    assert_eq!(row.to.to_string(), "07.00", "the clock time as worked");
    assert_eq!(
        (minutes.clock_minutes, minutes.real_minutes),
        (420, 480),
        "7 hours on the clock, 8 worked"
    );
    assert_eq!(
        minutes.dst_note.map(|n| n.sv()),
        Some("+1 h, vintertid"),
        "the row says why the hours differ"
    );
    let vante = report.totals().vante;
    assert_eq!(
        (vante.clock_minutes, vante.real_minutes),
        (120 + 420, 120 + 480),
        "totals per kind carry both clock and real minutes"
    );
    assert_eq!(
        report.totals().aktiv.real_minutes,
        60 + 240,
        "aktiv is 1 h + 4 h"
    );
}

#[test]
fn the_json_has_the_documented_shape() {
    let w = World::new();
    let mut review = w.review("2026-10", &october_shifts());
    review.reports_mut()[1].set_id("0b0f7e4e-3c39-4e59-9d8e-6c1f0f5d2a11");
    let json = serde_json::to_value(&review).expect("the review serializes");
    assert_eq!(json["month"], "2026-10", "the month as YYYY-MM");
    let report = &json["reports"][1];
    assert_eq!(
        report["id"], "0b0f7e4e-3c39-4e59-9d8e-6c1f0f5d2a11",
        "the id the store set"
    );
    assert_eq!(
        json["reports"][0]["id"],
        serde_json::Value::Null,
        "no id until the store sets one"
    );
    assert_eq!(
        report["person"],
        pnr("19500101", 2).digits(),
        "12-digit personnummer"
    );
    assert_eq!(
        report["assistant"],
        anna().digits(),
        "12-digit assistant number"
    );
    let night = &report["rows"][3];
    assert_eq!(
        night,
        &serde_json::json!({
            "day": 25, "from": "00.00", "to": "07.00", "kind": "vante",
            "clock_minutes": 420, "real_minutes": 480, "fk_minutes": 480,
            "dst_note": "+1 h, vintertid"
        }),
        "a row carries FK's times, the kind code, both durations and the note"
    );
    assert_eq!(
        report["rows"][0]["dst_note"],
        serde_json::Value::Null,
        "no note: null"
    );
    assert_eq!(
        report["totals"]["vante"],
        serde_json::json!({"clock_minutes": 540, "real_minutes": 600}),
        "totals per kind"
    );
    assert!(
        report["errors"].is_array() && report["warnings"].is_array(),
        "issue lists"
    );
}

#[test]
fn issues_sit_on_the_report_they_concern() {
    let mut w = World::new();
    let sam = IdentityNumber::from_digits("197010632391").expect("Skatteverket's example");
    w.assistants
        .push(assistant(&sam, "Sam", Employment::Provider));
    let bo = pnr("19500101", 2);
    let shifts = vec![
        shift(
            &anna(),
            &bo,
            "2026-03-05 08:00",
            "2026-03-05 16:00",
            TimeKind::Aktiv,
        ),
        shift(
            &anna(),
            &bo,
            "2026-03-05 15:00",
            "2026-03-05 18:00",
            TimeKind::Aktiv,
        ),
        shift(
            &sam,
            &bo,
            "2026-03-06 08:00",
            "2026-03-06 16:00",
            TimeKind::Aktiv,
        ),
        shift(
            &idnr("19770707", 5),
            &bo,
            "2026-03-07 08:00",
            "2026-03-07 16:00",
            TimeKind::Aktiv,
        ),
    ];
    let review = w.review("2026-03", &shifts);
    let anna_report = review.report(&bo, &anna()).expect("Anna's report");
    assert_eq!(
        anna_report
            .errors()
            .iter()
            .map(|i| i.code)
            .collect::<Vec<_>>(),
        [codes::OVERLAP_SAME_PERSON],
        "the overlap belongs to Anna's report for Bo"
    );
    assert!(!anna_report.is_sendable(), "an error blocks sending");
    let sam_report = review.report(&bo, &sam).expect("Sam's report");
    assert_eq!(
        sam_report
            .errors()
            .iter()
            .map(|i| i.code)
            .collect::<Vec<_>>(),
        [codes::ASSISTANT_CANNOT_SIGN_BANKID],
        "Sam's report cannot be signed"
    );
    assert_eq!(
        review.errors().iter().map(|i| i.code).collect::<Vec<_>>(),
        [codes::UNKNOWN_ASSISTANT],
        "a shift of an unregistered assistant belongs to no report: month-level"
    );
    assert_eq!(review.errors()[0].shift, Some(3), "and points at the shift");
    assert!(review.has_errors(), "the month has errors");

    let no_provider = MonthReview::build(
        month("2026-03"),
        &Register {
            provider: None,
            ..w.register()
        },
        &shifts,
        &LimitConfig::default(),
    );
    assert!(
        no_provider
            .errors()
            .iter()
            .any(|i| i.code == codes::MISSING_PROVIDER),
        "FK requires the provider's data in every report"
    );
}

#[test]
fn working_time_warnings_reach_every_report_of_the_assistant() {
    let mut w = World::new();
    w.assistants[1].calculation_period =
        Some(CalculationPeriod::new(date("2026-03-02"), PeriodLength::Days(28)).expect("valid"));
    let mut shifts = Vec::new();
    for d in 2..=29 {
        // Erik works 8 h a day for Bo and 1 h for Cia: 252 h in 28 days, 63 h/week.
        shifts.push(shift(
            &erik(),
            &pnr("19500101", 2),
            &format!("2026-03-{d:02} 08:00"),
            &format!("2026-03-{d:02} 16:00"),
            TimeKind::Aktiv,
        ));
        shifts.push(shift(
            &erik(),
            &pnr("19600202", 4),
            &format!("2026-03-{d:02} 17:00"),
            &format!("2026-03-{d:02} 18:00"),
            TimeKind::Aktiv,
        ));
    }
    let review = w.review("2026-03", &shifts);
    let erik_reports: Vec<_> = review
        .reports()
        .iter()
        .filter(|r| r.assistant() == &erik())
        .collect();
    assert_eq!(erik_reports.len(), 2, "Erik has a report per person");
    for r in erik_reports {
        let warning = r
            .warnings()
            .iter()
            .find(|i| i.code == codes::WORKING_TIME_LIMIT)
            .expect("the limit concerns all of Erik's time, so every report shows it");
        assert!(
            warning.message.contains("252,0 timmar"),
            "with the numbers: {}",
            warning.message
        );
        assert_eq!(
            r.calculation_periods(),
            [
                (date("2026-03-02"), date("2026-03-29")),
                (date("2026-03-30"), date("2026-04-26"))
            ],
            "the report lists the periods that intersect the month (FK's berakningsperiod)"
        );
    }
}

#[test]
fn a_dst_row_fk_reads_differently_is_warned_in_the_review() {
    let w = World::new();
    let bo = pnr("19500101", 2);
    let s = Shift {
        start: super::model::at_occ(
            "2026-10-25 02:00",
            Some(assistid_core::time::Occurrence::Second),
        ),
        end: at("2026-10-25 04:00"),
        ..shift(
            &anna(),
            &bo,
            "2026-10-25 03:00",
            "2026-10-25 04:00",
            TimeKind::Aktiv,
        )
    };
    let review = w.review("2026-10", &[s]);
    let report = review.report(&bo, &anna()).expect("one report");
    let warning = report
        .warnings()
        .iter()
        .find(|i| i.code == codes::DST_FK_READING_DIFFERS)
        .expect("FK reads 180 where 120 were worked: say so");
    assert!(
        warning.message.contains("varade 2 timmar i verkligheten")
            && warning.message.contains("läser den som 3 timmar")
            && warning.message.contains("fakturera 2 timmar"),
        "one plain sentence with both figures and what to invoice: {}",
        warning.message
    );
    assert!(
        !warning.message.contains('('),
        "no parentheses in the sentence: {}",
        warning.message
    );
}

fn arb_shift() -> impl Strategy<Value = Shift> {
    let assistants = [anna(), erik()];
    let persons = [pnr("19500101", 2), pnr("19600202", 4)];
    (
        0usize..2,
        0usize..2,
        0i64..(40 * 24 * 4),
        1i64..(20 * 4),
        0usize..3,
    )
        .prop_map(move |(a, p, start_q, len_q, k)| {
            // Start anywhere from 2026-09-25 in 15-minute steps (avoiding DST nights here:
            // the DST table covers them), 15 min – 20 h long.
            let base = date("2026-09-25").and_hms_opt(0, 0, 0).expect("midnight");
            let start = base + chrono::Duration::minutes(start_q * 15);
            let end = start + chrono::Duration::minutes(len_q * 15);
            let resolve = |t: chrono::NaiveDateTime| {
                assistid_core::time::ShiftTime::resolve(
                    t,
                    Some(assistid_core::time::Occurrence::First),
                )
                .unwrap_or_else(|_| at("2026-10-01 00:00"))
            };
            Shift {
                assistant: assistants[a].clone(),
                person: persons[p].clone(),
                start: resolve(start),
                end: resolve(end),
                kind: TimeKind::ALL[k],
                note: None,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_review_holds_exactly_the_months_rows_of_every_shift(shifts in proptest::collection::vec(arb_shift(), 0..40)) {
        let w = World::new();
        let m = month("2026-10");
        let review = w.review("2026-10", &shifts);
        let expected_real: u64 = shifts
            .iter()
            .flat_map(shift_rows)
            .filter(|(rm, _)| *rm == m)
            .map(|(_, f)| u64::from(f.real_minutes()))
            .sum();
        let mut got_real = 0;
        for r in review.reports() {
            let sum: u64 = r.row_minutes().iter().map(|x| u64::from(x.real_minutes)).sum();
            let totals: u64 = TimeKind::ALL.iter().map(|k| r.totals().of(*k).real_minutes).sum();
            prop_assert_eq!(sum, totals, "the totals are the sum of the rows");
            got_real += sum;
            for pair in r.rows().windows(2) {
                prop_assert!((pair[0].day, pair[0].from) <= (pair[1].day, pair[1].from), "rows by day then start");
            }
            for row in r.rows() {
                prop_assert!(row.day >= 1 && row.day <= m.days(), "day within October");
                prop_assert!(row.from < row.to, "from before to");
            }
        }
        prop_assert_eq!(got_real, expected_real, "every October row of every shift is in exactly one report");
    }
}
