//! Specification: daylight saving, as ONE table anyone can check against FK's rules.
//!
//! Sweden changes on the spring night (2025-03-30, 2026-03-29: 02:00 → 03:00, winter +01:00 →
//! summer +02:00) and the autumn night (2025-10-26, 2026-10-25: 03:00 → 02:00, the hour 02:00–02:59
//! happens twice). For each shift the table lists the FK rows it becomes, each with
//!
//! - `clock`: `to − from` on the wall clock,
//! - `real`: the true elapsed minutes,
//! - `fk`: FK's summation (clock, +60 on the autumn day / −60 on the spring day when the row runs
//!   from ≤ 02.00 to ≥ 03.00),
//! - `note`: `+1 h, vintertid` / `−1 h, sommartid` whenever real ≠ clock.
//!
//! Where `real ≠ fk` (an end inside the repeated hour read differently from FK's assumption) the
//! row must carry the warning `dst_fk_reading_differs`; a row whose clock end is not after its
//! start must carry the error `dst_row_not_increasing`.

use assistid_core::dst::DstNote;
use assistid_core::model::TimeKind;
use assistid_core::shift::Shift;
use assistid_core::split::shift_rows;
use assistid_core::time::{LocalTimeError, Occurrence, ShiftTime};
use assistid_core::validation::{codes, row_issue};

use super::model::{at_occ, idnr, pnr};

/// The occurrence column: `__` = not given (and not needed), `O1` = first (summer time),
/// `O2` = second (winter time).
const __: Option<Occurrence> = None;
const O1: Option<Occurrence> = Some(Occurrence::First);
const O2: Option<Occurrence> = Some(Occurrence::Second);

const WINTER: Option<&str> = Some("+1 h, vintertid");
const SUMMER: Option<&str> = Some("\u{2212}1 h, sommartid");
const NONE: Option<&str> = None;

/// One expected row: month, day, from, to, clock, real, fk, note.
type Row = (
    &'static str,
    u32,
    &'static str,
    &'static str,
    u32,
    u32,
    u32,
    Option<&'static str>,
);

type OwnedRow = (String, u32, String, String, u32, u32, u32, Option<String>);

/// start, start occurrence, end, end occurrence → rows.
type Case = (
    &'static str,
    Option<Occurrence>,
    &'static str,
    Option<Occurrence>,
    &'static [Row],
);

#[rustfmt::skip]
const TABLE: &[Case] = &[
    // ── Autumn 2026 (2026-10-25) ─────────────────────────────────────────────────────────────
    // start               occ  end                 occ    month     day from     to       clock real  fk  note
    ("2026-10-25 00:00", __, "2026-10-25 04:00", __, &[("2026-10", 25, "00.00", "04.00",  240,  300,  300, WINTER)]), // ELT.md: 5 h
    ("2026-10-25 00:00", __, "2026-10-25 03:00", __, &[("2026-10", 25, "00.00", "03.00",  180,  240,  240, WINTER)]),
    ("2026-10-25 01:00", __, "2026-10-25 03:00", __, &[("2026-10", 25, "01.00", "03.00",  120,  180,  180, WINTER)]),
    ("2026-10-25 00:00", __, "2026-10-25 02:00", O1, &[("2026-10", 25, "00.00", "02.00",  120,  120,  120, NONE)]),
    ("2026-10-25 00:00", __, "2026-10-25 02:00", O2, &[("2026-10", 25, "00.00", "02.00",  120,  180,  120, WINTER)]), // FK reads 120
    ("2026-10-25 02:00", O1, "2026-10-25 04:00", __, &[("2026-10", 25, "02.00", "04.00",  120,  180,  180, WINTER)]),
    ("2026-10-25 02:00", O2, "2026-10-25 04:00", __, &[("2026-10", 25, "02.00", "04.00",  120,  120,  180, NONE)]),   // FK reads 180
    ("2026-10-25 02:00", O1, "2026-10-25 03:00", __, &[("2026-10", 25, "02.00", "03.00",   60,  120,  120, WINTER)]),
    ("2026-10-25 02:00", O2, "2026-10-25 03:00", __, &[("2026-10", 25, "02.00", "03.00",   60,   60,  120, NONE)]),   // FK reads 120
    ("2026-10-25 02:00", O1, "2026-10-25 02:00", O2, &[("2026-10", 25, "02.00", "02.00",    0,   60,   0, WINTER)]),  // not increasing
    ("2026-10-25 02:30", O1, "2026-10-25 02:45", O1, &[("2026-10", 25, "02.30", "02.45",   15,   15,   15, NONE)]),
    ("2026-10-25 02:30", O2, "2026-10-25 02:45", O2, &[("2026-10", 25, "02.30", "02.45",   15,   15,   15, NONE)]),
    ("2026-10-25 02:15", O1, "2026-10-25 02:45", O2, &[("2026-10", 25, "02.15", "02.45",   30,   90,   30, WINTER)]), // FK reads 30
    ("2026-10-25 03:00", __, "2026-10-25 07:00", __, &[("2026-10", 25, "03.00", "07.00",  240,  240,  240, NONE)]),
    ("2026-10-25 00:00", __, "2026-10-25 01:59", __, &[("2026-10", 25, "00.00", "01.59",  119,  119,  119, NONE)]),
    // overnight across the change
    ("2026-10-24 22:00", __, "2026-10-25 07:00", __, &[("2026-10", 24, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2026-10", 25, "00.00", "07.00",  420,  480,  480, WINTER)]),
    // 24 h across the change, and the whole change day
    ("2026-10-24 12:00", __, "2026-10-25 12:00", __, &[("2026-10", 24, "12.00", "24.00",  720,  720,  720, NONE),
                                                       ("2026-10", 25, "00.00", "12.00",  720,  780,  780, WINTER)]),
    ("2026-10-25 00:00", __, "2026-10-26 00:00", __, &[("2026-10", 25, "00.00", "24.00", 1440, 1500, 1500, WINTER)]),
    // examiner's rows: ends just around and inside the repeated hour, the next night, 48 h
    ("2026-10-25 01:30", __, "2026-10-25 02:30", O1, &[("2026-10", 25, "01.30", "02.30",   60,   60,   60, NONE)]),
    ("2026-10-25 01:30", __, "2026-10-25 02:30", O2, &[("2026-10", 25, "01.30", "02.30",   60,  120,   60, WINTER)]), // FK reads 60
    ("2026-10-25 02:30", O1, "2026-10-25 03:30", __, &[("2026-10", 25, "02.30", "03.30",   60,  120,   60, WINTER)]), // FK reads 60
    ("2026-10-25 02:30", O2, "2026-10-25 03:30", __, &[("2026-10", 25, "02.30", "03.30",   60,   60,   60, NONE)]),
    ("2026-10-25 01:59", __, "2026-10-25 03:01", __, &[("2026-10", 25, "01.59", "03.01",   62,  122,  122, WINTER)]),
    ("2026-10-25 22:00", __, "2026-10-26 06:00", __, &[("2026-10", 25, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2026-10", 26, "00.00", "06.00",  360,  360,  360, NONE)]),
    ("2026-10-24 12:00", __, "2026-10-26 12:00", __, &[("2026-10", 24, "12.00", "24.00",  720,  720,  720, NONE),
                                                       ("2026-10", 25, "00.00", "24.00", 1440, 1500, 1500, WINTER),
                                                       ("2026-10", 26, "00.00", "12.00",  720,  720,  720, NONE)]),
    ("2026-10-24 23:00", __, "2026-10-25 02:00", O1, &[("2026-10", 24, "23.00", "24.00",   60,   60,   60, NONE),
                                                       ("2026-10", 25, "00.00", "02.00",  120,  120,  120, NONE)]),
    // ending at midnight before the change: no empty 00.00–00.00 row
    ("2026-10-24 18:00", __, "2026-10-25 00:00", __, &[("2026-10", 24, "18.00", "24.00",  360,  360,  360, NONE)]),
    // the Sunday before is an ordinary night (nothing is hard-coded to Sundays)
    ("2026-10-18 00:00", __, "2026-10-18 04:00", __, &[("2026-10", 18, "00.00", "04.00",  240,  240,  240, NONE)]),

    // ── Spring 2026 (2026-03-29) ─────────────────────────────────────────────────────────────
    ("2026-03-29 00:00", __, "2026-03-29 04:00", __, &[("2026-03", 29, "00.00", "04.00",  240,  180,  180, SUMMER)]), // ELT.md: 3 h
    ("2026-03-29 00:00", __, "2026-03-29 03:00", __, &[("2026-03", 29, "00.00", "03.00",  180,  120,  120, SUMMER)]),
    ("2026-03-29 01:00", __, "2026-03-29 03:00", __, &[("2026-03", 29, "01.00", "03.00",  120,   60,   60, SUMMER)]),
    ("2026-03-29 03:00", __, "2026-03-29 07:00", __, &[("2026-03", 29, "03.00", "07.00",  240,  240,  240, NONE)]),
    ("2026-03-29 00:00", __, "2026-03-29 01:59", __, &[("2026-03", 29, "00.00", "01.59",  119,  119,  119, NONE)]),
    ("2026-03-28 22:00", __, "2026-03-29 07:00", __, &[("2026-03", 28, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2026-03", 29, "00.00", "07.00",  420,  360,  360, SUMMER)]),
    ("2026-03-28 12:00", __, "2026-03-29 12:00", __, &[("2026-03", 28, "12.00", "24.00",  720,  720,  720, NONE),
                                                       ("2026-03", 29, "00.00", "12.00",  720,  660,  660, SUMMER)]),
    ("2026-03-29 00:00", __, "2026-03-30 00:00", __, &[("2026-03", 29, "00.00", "24.00", 1440, 1380, 1380, SUMMER)]),
    ("2026-03-29 01:59", __, "2026-03-29 03:01", __, &[("2026-03", 29, "01.59", "03.01",   62,    2,    2, SUMMER)]),
    ("2026-03-29 01:30", __, "2026-03-29 03:30", __, &[("2026-03", 29, "01.30", "03.30",  120,   60,   60, SUMMER)]),
    ("2026-03-29 03:00", __, "2026-03-29 03:30", __, &[("2026-03", 29, "03.00", "03.30",   30,   30,   30, NONE)]),
    ("2026-03-28 12:00", __, "2026-03-30 12:00", __, &[("2026-03", 28, "12.00", "24.00",  720,  720,  720, NONE),
                                                       ("2026-03", 29, "00.00", "24.00", 1440, 1380, 1380, SUMMER),
                                                       ("2026-03", 30, "00.00", "12.00",  720,  720,  720, NONE)]),
    ("2026-03-29 22:00", __, "2026-03-30 06:00", __, &[("2026-03", 29, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2026-03", 30, "00.00", "06.00",  360,  360,  360, NONE)]),

    // ── 2025 (spring 2025-03-30, autumn 2025-10-26) ──────────────────────────────────────────
    ("2025-03-30 00:00", __, "2025-03-30 04:00", __, &[("2025-03", 30, "00.00", "04.00",  240,  180,  180, SUMMER)]),
    ("2025-03-29 22:00", __, "2025-03-30 07:00", __, &[("2025-03", 29, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2025-03", 30, "00.00", "07.00",  420,  360,  360, SUMMER)]),
    ("2025-10-26 00:00", __, "2025-10-26 04:00", __, &[("2025-10", 26, "00.00", "04.00",  240,  300,  300, WINTER)]),
    ("2025-10-26 02:00", O2, "2025-10-26 04:00", __, &[("2025-10", 26, "02.00", "04.00",  120,  120,  180, NONE)]),
    ("2025-10-25 22:00", __, "2025-10-26 07:00", __, &[("2025-10", 25, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2025-10", 26, "00.00", "07.00",  420,  480,  480, WINTER)]),
    ("2025-10-25 12:00", __, "2025-10-26 12:00", __, &[("2025-10", 25, "12.00", "24.00",  720,  720,  720, NONE),
                                                       ("2025-10", 26, "00.00", "12.00",  720,  780,  780, WINTER)]),
    // 2026-10-25 is not a change day in 2025's calendar sense: 2025-10-19 is ordinary too
    ("2025-10-19 00:00", __, "2025-10-19 04:00", __, &[("2025-10", 19, "00.00", "04.00",  240,  240,  240, NONE)]),

    // ── Month and year ends: each month gets its part ────────────────────────────────────────
    ("2026-03-31 22:00", __, "2026-04-01 06:00", __, &[("2026-03", 31, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2026-04",  1, "00.00", "06.00",  360,  360,  360, NONE)]),
    ("2026-10-31 20:00", __, "2026-11-01 08:00", __, &[("2026-10", 31, "20.00", "24.00",  240,  240,  240, NONE),
                                                       ("2026-11",  1, "00.00", "08.00",  480,  480,  480, NONE)]),
    ("2026-02-28 22:00", __, "2026-03-01 06:00", __, &[("2026-02", 28, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2026-03",  1, "00.00", "06.00",  360,  360,  360, NONE)]),
    ("2025-12-31 22:00", __, "2026-01-01 06:00", __, &[("2025-12", 31, "22.00", "24.00",  120,  120,  120, NONE),
                                                       ("2026-01",  1, "00.00", "06.00",  360,  360,  360, NONE)]),
    // 48 h: a full middle day
    ("2026-04-29 12:00", __, "2026-05-01 12:00", __, &[("2026-04", 29, "12.00", "24.00",  720,  720,  720, NONE),
                                                       ("2026-04", 30, "00.00", "24.00", 1440, 1440, 1440, NONE),
                                                       ("2026-05",  1, "00.00", "12.00",  720,  720,  720, NONE)]),
];

/// Times the user must resolve: the importer/UI asks, the core never guesses.
#[rustfmt::skip]
const REFUSED: &[(&str, Option<Occurrence>, &str)] = &[
    ("2026-03-29 02:00", __, codes::TIME_NONEXISTENT), // the clock jumps from 02:00 to 03:00
    ("2026-03-29 02:30", __, codes::TIME_NONEXISTENT),
    ("2026-03-29 02:59", O1, codes::TIME_NONEXISTENT), // an occurrence does not make it exist
    ("2025-03-30 02:15", __, codes::TIME_NONEXISTENT),
    ("2026-10-25 02:00", __, codes::TIME_AMBIGUOUS),   // happens twice: first or second?
    ("2026-10-25 02:30", __, codes::TIME_AMBIGUOUS),
    ("2026-10-25 02:59", __, codes::TIME_AMBIGUOUS),
    ("2025-10-26 02:30", __, codes::TIME_AMBIGUOUS),
];

fn local(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .expect("table times are YYYY-MM-DD HH:MM")
}

fn case_shift(start: &str, so: Option<Occurrence>, end: &str, eo: Option<Occurrence>) -> Shift {
    Shift {
        assistant: idnr("19900101", 1),
        person: pnr("19500101", 2),
        start: at_occ(start, so),
        end: at_occ(end, eo),
        kind: TimeKind::Aktiv,
        note: None,
    }
}

#[test]
fn the_dst_table_gives_the_rows_clock_real_and_fk_minutes_and_notes() {
    for &(start, so, end, eo, expected) in TABLE {
        let shift = case_shift(start, so, end, eo);
        let got: Vec<OwnedRow> = shift_rows(&shift)
            .map(|(m, f)| {
                (
                    m.to_string(),
                    f.row.day,
                    f.row.from.to_string(),
                    f.row.to.to_string(),
                    f.clock_minutes(),
                    f.real_minutes(),
                    f.fk_minutes(),
                    f.dst_note().map(|n| n.sv().to_owned()),
                )
            })
            .collect();
        let want: Vec<OwnedRow> = expected
            .iter()
            .map(|r| {
                (
                    r.0.to_owned(),
                    r.1,
                    r.2.to_owned(),
                    r.3.to_owned(),
                    r.4,
                    r.5,
                    r.6,
                    r.7.map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(
            got, want,
            "{start} ({so:?}) → {end} ({eo:?}): rows and readings"
        );
        let real_sum: u32 = want.iter().map(|r| r.5).sum();
        assert_eq!(
            i64::from(real_sum),
            shift.real_minutes(),
            "{start} → {end}: the rows' real minutes add up to the shift's real length"
        );
    }
}

#[test]
fn rows_fk_reads_differently_are_flagged_never_silent() {
    for &(start, so, end, eo, _) in TABLE {
        let shift = case_shift(start, so, end, eo);
        for (_, facts) in shift_rows(&shift) {
            let issue = row_issue(0, &shift, &facts);
            let expected = if facts.row.from >= facts.row.to {
                Some(codes::DST_ROW_NOT_INCREASING)
            } else if facts.real_minutes() != facts.fk_minutes() {
                Some(codes::DST_FK_READING_DIFFERS)
            } else {
                None
            };
            assert_eq!(
                issue.as_ref().map(|i| i.code),
                expected,
                "{start} ({so:?}) → {end} ({eo:?}): a row FK would read differently from the \
                 real time must say so"
            );
            if let Some(issue) = issue.filter(|i| i.code == codes::DST_FK_READING_DIFFERS) {
                let real = assistid_core::grant::hours_sv(u64::from(facts.real_minutes()));
                let fk = assistid_core::grant::hours_sv(u64::from(facts.fk_minutes()));
                assert!(
                    issue
                        .message
                        .contains(&format!("varade {real} i verkligheten"))
                        && issue.message.contains(&format!("läser den som {fk}"))
                        && issue.message.contains(&format!("fakturera {real}")),
                    "the warning gives both numbers in hours and says what to invoice: {}",
                    issue.message
                );
            }
        }
    }
}

#[test]
fn real_totals_equal_fks_summation_when_no_row_is_flagged() {
    for &(start, so, end, eo, rows) in TABLE {
        if rows.iter().any(|r| r.5 != r.6) {
            continue;
        }
        let shift = case_shift(start, so, end, eo);
        let fk: u32 = shift_rows(&shift).map(|(_, f)| f.fk_minutes()).sum();
        assert_eq!(
            i64::from(fk),
            shift.real_minutes(),
            "{start} → {end}: FK's own summation must give the hours actually worked"
        );
    }
}

#[test]
fn times_in_the_skipped_or_repeated_hour_must_be_resolved_by_the_user() {
    for &(time, occ, code) in REFUSED {
        let err = ShiftTime::resolve(local(time), occ)
            .expect_err("the core never guesses a time that does not exist or happens twice");
        assert_eq!(
            err.code(),
            code,
            "{time}: the importer and UI share this code"
        );
        match err {
            LocalTimeError::Nonexistent { .. } => assert!(
                err.to_string().contains("finns inte"),
                "the message says the time does not exist"
            ),
            LocalTimeError::Ambiguous { .. } => assert!(
                err.to_string().contains("två gånger"),
                "the message says the time happens twice and asks which"
            ),
            _ => panic!("{time}: only nonexistent or ambiguous is expected"),
        }
    }
}

#[test]
fn the_hour_boundaries_themselves_are_ordinary_times() {
    for time in [
        "2026-10-25 01:59",
        "2026-10-25 03:00",
        "2026-03-29 01:59",
        "2026-03-29 03:00",
    ] {
        assert!(
            ShiftTime::resolve(local(time), None).is_ok(),
            "{time} happens exactly once, no occurrence needed"
        );
    }
    let first = at_occ("2026-10-25 02:00", O1);
    let second = at_occ("2026-10-25 02:00", O2);
    assert_eq!(
        second.utc_minutes() - first.utc_minutes(),
        60,
        "the two readings of 02:00 are an hour apart"
    );
    assert_eq!(
        first.occurrence(),
        Some(Occurrence::First),
        "a resolved time remembers its occurrence"
    );
}

#[test]
fn notes_have_swedish_and_english_texts() {
    assert_eq!(
        DstNote::WinterTime.sv(),
        "+1 h, vintertid",
        "ELT.md's wording"
    );
    assert_eq!(
        DstNote::SummerTime.sv(),
        "\u{2212}1 h, sommartid",
        "with a real minus sign"
    );
    assert_eq!(
        DstNote::WinterTime.en(),
        "+1 h, winter time",
        "English for the UI"
    );
    assert_eq!(
        DstNote::SummerTime.en(),
        "\u{2212}1 h, summer time",
        "English for the UI"
    );
}
