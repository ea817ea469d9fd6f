//! What the assistant reads in the BankID app is what FK gets: every row (day, from–to, kind,
//! DST note), the totals in real and clock hours, the names escaped for simpleMarkdownV1, the
//! month and the version, within BankID's 40 000 characters after base64 — one line per row,
//! else one line per day, else a refusal that says what to do. Never a silent cut.
//!
//! `UPDATE_GOLDEN=1 cargo test -p assistid-app --test spec visible_text` rewrites the golden
//! file.

use assistid_app::signing::text::{
    AssistantReport, RowLayout, TextRow, VisibleTextError, assistant_rows_text,
    assistant_rows_text_in, escape_markdown,
};
use assistid_bankid::types::{USER_VISIBLE_DATA_MAX, base64_len};
use assistid_core::dst::DstNote;
use assistid_core::ids::OrgNumber;
use assistid_core::model::{Phone, Provider, ReportMonth, TimeKind};
use assistid_core::review::{KindTotal, Totals};
use assistid_core::rows::{ClockTime, ReportRow};
use proptest::prelude::*;

fn provider() -> Provider {
    Provider::new(
        "Omsorg i Norr AB",
        OrgNumber::parse("202100-5521").expect("a valid organisationsnummer"),
        None,
        Phone::parse("090-123456").expect("a phone number"),
    )
    .expect("a provider")
}

fn october() -> ReportMonth {
    ReportMonth::new(2026, 10).expect("a month")
}

fn t(h: u16, m: u16) -> ClockTime {
    ClockTime::from_hm(h, m).expect("a clock time")
}

fn row(day: u32, from: ClockTime, to: ClockTime, kind: TimeKind, note: Option<DstNote>) -> TextRow {
    TextRow {
        row: ReportRow {
            day,
            from,
            to,
            kind,
        },
        note,
    }
}

fn span(r: &TextRow) -> String {
    format!("{}–{} {}", r.row.from, r.row.to, r.row.kind.label_sv())
}

/// October 2026 with the night the clocks go back (25 October, 03.00 → 02.00): the night
/// row 00.00–07.00 lasts 8 real hours.
fn dst_month() -> AssistantReport {
    let mut rows = vec![
        row(1, t(8, 0), t(16, 0), TimeKind::Aktiv, None),
        row(2, t(8, 0), t(12, 0), TimeKind::Aktiv, None),
        row(2, t(12, 0), t(13, 0), TimeKind::Vante, None),
        row(2, t(13, 0), t(17, 30), TimeKind::Aktiv, None),
        row(
            24,
            t(22, 0),
            ClockTime::from_minutes(24 * 60).expect("24.00"),
            TimeKind::Aktiv,
            None,
        ),
        row(
            25,
            t(0, 0),
            t(7, 0),
            TimeKind::Aktiv,
            Some(DstNote::WinterTime),
        ),
        row(30, t(20, 0), t(23, 0), TimeKind::Beredskap, None),
    ];
    rows.sort_by_key(|r| (r.row.day, r.row.from));
    AssistantReport {
        person_name: "Kalle *Stjärna* Ek".into(),
        assistant_name: "Anna-Karin Berg".into(),
        version: 2,
        totals: Totals {
            aktiv: KindTotal {
                clock_minutes: 8 * 60 + 4 * 60 + 4 * 60 + 30 + 2 * 60 + 7 * 60,
                real_minutes: 8 * 60 + 4 * 60 + 4 * 60 + 30 + 2 * 60 + 8 * 60,
            },
            vante: KindTotal {
                clock_minutes: 60,
                real_minutes: 60,
            },
            beredskap: KindTotal {
                clock_minutes: 3 * 60,
                real_minutes: 3 * 60,
            },
        },
        rows,
    }
}

#[test]
fn golden_a_month_with_the_autumn_night() {
    let (text, layout) =
        assistant_rows_text(&provider(), october(), &dst_month(), USER_VISIBLE_DATA_MAX)
            .expect("a normal month fits");
    assert_eq!(
        layout,
        RowLayout::PerRow,
        "a normal month has one line per row"
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/assistant_text_oktober_2026.md");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).expect("the golden file is written");
    }
    let golden =
        std::fs::read_to_string(&path).expect("the golden file exists (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(
        text, golden,
        "the assistant's text changed; if on purpose, rewrite the golden file with UPDATE_GOLDEN=1"
    );
    for needle in [
        "- 25: 00.00–07.00 aktiv tid (+1 h, vintertid)",
        "Aktiv tid: 26 h 30 min verklig tid (klocktid 25 h 30 min)",
        "Version: 2",
        "Månad: oktober 2026",
        "Assistent: Anna\\-Karin Berg",
        "Assistansberättigad: Kalle \\*Stjärna\\* Ek",
        "Antal rader: 7",
    ] {
        assert!(text.contains(needle), "the text shows {needle:?}:\n{text}");
    }
}

#[test]
fn a_month_too_long_for_one_line_per_row_gets_one_line_per_day() {
    let report = dst_month();
    let per_row = assistant_rows_text_in(&provider(), october(), &report, RowLayout::PerRow);
    let per_day = assistant_rows_text_in(&provider(), october(), &report, RowLayout::PerDay);
    assert!(per_day.len() < per_row.len(), "per day is shorter");
    let limit = base64_len(per_day.len());
    let (text, layout) =
        assistant_rows_text(&provider(), october(), &report, limit).expect("per day fits");
    assert_eq!(layout, RowLayout::PerDay);
    assert!(
        text.contains("- 2: 08.00–12.00 aktiv tid; 12.00–13.00 väntetid; 13.00–17.30 aktiv tid"),
        "the day's rows after each other, every one still there:\n{text}"
    );
    let refused = assistant_rows_text(&provider(), october(), &report, limit - 4)
        .expect_err("nothing fits: refused, not cut");
    let VisibleTextError::TooLong { rows, .. } = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(*rows, 7);
    let message = refused.to_string();
    assert!(
        message.contains("för många rader") && message.contains("Slå ihop pass"),
        "the coordinator is told what is wrong and what to do: {message}"
    );
}

#[test]
fn markdown_in_names_is_escaped() {
    assert_eq!(escape_markdown("# Rubrik"), "\\# Rubrik");
    assert_eq!(
        escape_markdown("a|b_c~d`e[f]g+h"),
        "a\\|b\\_c\\~d\\`e\\[f\\]g\\+h"
    );
    assert_eq!(
        escape_markdown("rad\nett\r\ttvå"),
        "rad ett  två",
        "no line breaks survive"
    );
    assert_eq!(escape_markdown("\\"), "\\\\");
    assert_eq!(
        escape_markdown("Åsa Öberg"),
        "Åsa Öberg",
        "letters stay as they are"
    );
}

const SPECIAL: &[char] = &['\\', '*', '_', '#', '+', '-', '|', '~', '`', '[', ']'];

fn rows_strategy(max: usize) -> impl Strategy<Value = Vec<TextRow>> {
    prop::collection::vec(
        (
            1u32..=31,
            0u16..(24 * 12),
            1u16..=48,
            0usize..3,
            prop::option::of(prop::bool::ANY),
        ),
        0..max,
    )
    .prop_map(|raw| {
        let mut rows: Vec<TextRow> = raw
            .into_iter()
            .map(|(day, start, len, kind, note)| {
                let from = start * 5;
                let to = (from + len * 5).min(24 * 60);
                TextRow {
                    row: ReportRow {
                        day,
                        from: ClockTime::from_minutes(from).expect("in the day"),
                        to: ClockTime::from_minutes(to.max(from + 1)).expect("in the day"),
                        kind: TimeKind::ALL[kind],
                    },
                    note: note.map(|winter| {
                        if winter {
                            DstNote::WinterTime
                        } else {
                            DstNote::SummerTime
                        }
                    }),
                }
            })
            .collect();
        rows.sort_by_key(|r| (r.row.day, r.row.from));
        rows
    })
}

fn report(rows: Vec<TextRow>, person: String, assistant: String) -> AssistantReport {
    AssistantReport {
        person_name: person,
        assistant_name: assistant,
        version: 1,
        totals: Totals::default(),
        rows,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_row_appears_and_the_limit_holds(
        rows in rows_strategy(900),
        person in "\\PC{0,40}",
        assistant in "\\PC{0,40}",
    ) {
        let report = report(rows, person, assistant);
        match assistant_rows_text(&provider(), october(), &report, USER_VISIBLE_DATA_MAX) {
            Ok((text, layout)) => {
                prop_assert!(base64_len(text.len()) <= USER_VISIBLE_DATA_MAX, "within BankID's limit");
                // Every row, in order, on its day's line.
                let mut lines = text.lines().filter(|l| l.starts_with("- "));
                match layout {
                    RowLayout::PerRow => {
                        for r in &report.rows {
                            let line = lines.next().expect("one line per row");
                            prop_assert!(line.starts_with(&format!("- {}: {}", r.row.day, span(r))), "{line}");
                            if let Some(note) = r.note {
                                prop_assert!(line.contains(note.sv()), "the DST note is on the row: {line}");
                            }
                        }
                    }
                    RowLayout::PerDay => {
                        let day_lines: Vec<&str> = lines.collect();
                        for r in &report.rows {
                            let prefix = format!("- {}: ", r.row.day);
                            let line = day_lines.iter().find(|l| l.starts_with(&prefix)).expect("a line for the day");
                            prop_assert!(line.contains(&span(r)), "{} on {line}", span(r));
                        }
                    }
                }
                let count = format!("Antal rader: {}", report.rows.len());
                prop_assert!(text.contains(&count), "the count is shown");
            }
            Err(VisibleTextError::TooLong { encoded_len, limit, .. }) => {
                prop_assert!(encoded_len > limit, "refused only when even one line per day is too long");
                let per_day = assistant_rows_text_in(&provider(), october(), &report, RowLayout::PerDay);
                prop_assert!(base64_len(per_day.len()) > USER_VISIBLE_DATA_MAX);
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn escaped_names_cannot_format_the_text(name in "\\PC{0,60}|[#*_+|\\-\\\\\n ]{0,20}") {
        let escaped = escape_markdown(&name);
        prop_assert!(!escaped.contains('\n') && !escaped.contains('\r'), "one line");
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                let next = chars.next();
                prop_assert!(next.is_some_and(|n| SPECIAL.contains(&n)), "a backslash only escapes: {escaped:?}");
            } else {
                prop_assert!(!SPECIAL.contains(&c), "{c:?} unescaped in {escaped:?}");
            }
        }
    }
}
