//! Swedish number and time formatting shared by the documents.

use assistid_core::model::TimeKind;
use assistid_core::review::{KindTotal, Totals};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Stockholm;

/// Minutes as hours with two decimals and a decimal comma (`1234` → `20,57`), rounded half up.
pub fn hours(minutes: u64) -> String {
    let hundredths = (minutes * 100 + 30) / 60;
    format!("{},{:02}", hundredths / 100, hundredths % 100)
}

/// A UTC instant as Swedish local time: `2026-11-03 14:05 (svensk tid)`.
pub fn local_time(at: DateTime<Utc>) -> String {
    format!(
        "{} (svensk tid)",
        at.with_timezone(&Stockholm).format("%Y-%m-%d %H:%M")
    )
}

/// `aktiv tid` → `Aktiv tid`.
pub(crate) fn capitalized(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `Aktiv tid: 12,00 h` plus the clock hours where they differ.
pub(crate) fn kind_line(kind: TimeKind, total: KindTotal) -> String {
    let mut line = format!(
        "{}: {} h",
        capitalized(kind.label_sv()),
        hours(total.real_minutes)
    );
    if total.clock_minutes != total.real_minutes {
        line.push_str(&format!(" (klocktid {} h)", hours(total.clock_minutes)));
    }
    line
}

/// The three kinds as lines, real hours first.
pub(crate) fn totals_lines(totals: &Totals) -> Vec<String> {
    TimeKind::ALL
        .iter()
        .map(|&kind| kind_line(kind, totals.of(kind)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_have_a_decimal_comma_and_round_half_up() {
        assert_eq!(hours(0), "0,00", "zero is written out");
        assert_eq!(hours(90), "1,50", "an hour and a half");
        assert_eq!(hours(1234), "20,57", "20 h 34 min is 20.5667 h");
        assert_eq!(hours(1), "0,02", "one minute is 0.0167 h, rounded up");
    }
}
