//! Overnight shifts, `24:00`, and the two daylight-saving nights as a table: clock times in,
//! resolved times and real minutes out.

use assistid_import::ProblemCode;

use crate::support::*;

/// (date, start, end, expected start, expected end, real minutes, why)
const CASES: &[(&str, &str, &str, &str, &str, i64, &str)] = &[
    (
        "2026-03-02",
        "22:00",
        "07:00",
        "2026-03-02T22:00+01:00",
        "2026-03-03T07:00+01:00",
        9 * 60,
        "an earlier end is the next day",
    ),
    (
        "2026-03-02",
        "16:00",
        "24:00",
        "2026-03-02T16:00+01:00",
        "2026-03-03T00:00+01:00",
        8 * 60,
        "24:00 is midnight",
    ),
    (
        "2026-03-02",
        "16:00",
        "00:00",
        "2026-03-02T16:00+01:00",
        "2026-03-03T00:00+01:00",
        8 * 60,
        "00:00 as end is midnight too",
    ),
    (
        "2026-03-28",
        "22:00",
        "07:00",
        "2026-03-28T22:00+01:00",
        "2026-03-29T07:00+02:00",
        8 * 60,
        "spring night: one hour less",
    ),
    (
        "2026-10-24",
        "22:00",
        "07:00",
        "2026-10-24T22:00+02:00",
        "2026-10-25T07:00+01:00",
        10 * 60,
        "autumn night: one hour more",
    ),
    (
        "2026-10-25",
        "00:00",
        "04:00",
        "2026-10-25T00:00+02:00",
        "2026-10-25T04:00+01:00",
        5 * 60,
        "ELT.md: 00-04 is 5 h in autumn",
    ),
    (
        "2026-03-29",
        "00:00",
        "04:00",
        "2026-03-29T00:00+01:00",
        "2026-03-29T04:00+02:00",
        3 * 60,
        "ELT.md: 00-04 is 3 h in spring",
    ),
    (
        "2026-03-29",
        "01:00",
        "03:00",
        "2026-03-29T01:00+01:00",
        "2026-03-29T03:00+02:00",
        60,
        "03:00 exists on the spring night",
    ),
    (
        "2026-10-25",
        "02:30+02:00",
        "02:30+01:00",
        "2026-10-25T02:30+02:00",
        "2026-10-25T02:30+01:00",
        60,
        "same clock, two occurrences: primary offset form",
    ),
    (
        "2026-10-25",
        "02:30 (1)",
        "03:00",
        "2026-10-25T02:30+02:00",
        "2026-10-25T03:00+01:00",
        90,
        "(1) is the first occurrence",
    ),
    (
        "2026-10-25",
        "02:30 (2)",
        "03:00",
        "2026-10-25T02:30+01:00",
        "2026-10-25T03:00+01:00",
        30,
        "(2) is the second occurrence",
    ),
    (
        "2026-10-25",
        "01:00",
        "02:15 S",
        "2026-10-25T01:00+02:00",
        "2026-10-25T02:15+02:00",
        75,
        "S is sommartid",
    ),
    (
        "2026-10-25",
        "01:00",
        "02:15 V",
        "2026-10-25T01:00+02:00",
        "2026-10-25T02:15+01:00",
        135,
        "V is vintertid",
    ),
    (
        "2026-10-25",
        "03:00",
        "02:00",
        "2026-10-25T03:00+01:00",
        "2026-10-26T02:00+01:00",
        23 * 60,
        "02:00 after 03:00 is the next day, unambiguous there",
    ),
    (
        "2026-10-31",
        "20:00",
        "08:00",
        "2026-10-31T20:00+01:00",
        "2026-11-01T08:00+01:00",
        12 * 60,
        "across a month end",
    ),
];

#[test]
fn overnight_and_dst_table() {
    for (day, start, end, want_start, want_end, minutes, why) in CASES {
        let (preview, shifts) = import_csv(&csv_rows(&[&format!(
            "{ASSISTANT};{PERSON};{day};{start};{end};aktiv;"
        )]));
        assert_eq!(shifts.len(), 1, "{why}: {:#?}", preview.problems);
        let s = &shifts[0].shift;
        assert_eq!(
            (
                s.start.to_string().as_str(),
                s.end.to_string().as_str(),
                s.real_minutes()
            ),
            (*want_start, *want_end, *minutes),
            "{why}"
        );
    }
}

#[test]
fn a_time_in_the_skipped_spring_hour_does_not_exist() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{ASSISTANT};{PERSON};2026-03-29;02:30;06:00;aktiv;"
    )]));
    let p = only_problem(&preview, ProblemCode::NonexistentTime);
    assert_eq!((p.row, p.column.as_deref()), (Some(2), Some("start")));
    assert!(p.message.contains("finns inte"), "{}", p.message);
}

#[test]
fn a_time_in_the_repeated_autumn_hour_must_say_which() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{ASSISTANT};{PERSON};2026-10-25;01:00;02:30;aktiv;"
    )]));
    let p = only_problem(&preview, ProblemCode::AmbiguousTime);
    assert_eq!((p.row, p.column.as_deref()), (Some(2), Some("slut")));
    assert!(
        p.message.contains("02:30+02:00") && p.message.contains("02:30+01:00"),
        "the message shows the primary form to write: {}",
        p.message
    );
}

#[test]
fn an_offset_sweden_does_not_use_then_is_refused() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{ASSISTANT};{PERSON};2026-07-01;14:00+01:00;16:00;aktiv;"
    )]));
    assert_problem(&preview, Some(2), Some("start"), ProblemCode::WrongOffset);
}

#[test]
fn the_second_occurrence_before_the_first_is_end_not_after_start() {
    // 02:30 in winter time is 01:30 UTC; 02:45 in summer time is 00:45 UTC.
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{ASSISTANT};{PERSON};2026-10-25;02:30 (2);02:45 (1);aktiv;"
    )]));
    assert_problem(
        &preview,
        Some(2),
        Some("slut"),
        ProblemCode::EndNotAfterStart,
    );
}

#[test]
fn the_preview_counts_shifts_per_start_month() {
    let (preview, _) = import_csv(&csv_rows(&[
        &format!("{ASSISTANT};{PERSON};2026-10-31;20:00;08:00;aktiv;"),
        &format!("{ASSISTANT};{PERSON};2026-11-01;20:00;08:00;aktiv;"),
        &format!("{ASSISTANT_2};{PERSON};2026-11-01;20:00;08:00;vänte;"),
    ]));
    let months: Vec<(String, u64)> = preview
        .shifts_per_month
        .iter()
        .map(|(m, n)| (m.to_string(), *n))
        .collect();
    assert_eq!(
        months,
        vec![("2026-10".to_owned(), 1), ("2026-11".to_owned(), 2)]
    );
}
