//! What the signer reads in the BankID app (`userVisibleData`, simpleMarkdownV1), and how a
//! provider's batch is split into as few orders as BankID's size limits allow.
//!
//! The assistant's text ([`assistant_rows_text`]) lists every row exactly as it goes to FK
//! (day, from–to, kind, and the daylight-saving note where real time differs from the clock),
//! the totals in real and clock hours, the person's name, the month and the report version.
//! BankID takes at most 40 000 characters after base64, about 30 000 bytes of text. A month
//! that does not fit one row per line is written **one line per day** (the day's rows after
//! each other, every from–to still there); a month that does not fit even so is **refused**
//! with [`VisibleTextError::TooLong`], which says what to do. Nothing is ever cut silently.
//!
//! Names come from the register and are escaped ([`escape_markdown`]) so they can never
//! format the text or start a heading or list.

use std::fmt::Write as _;

use assistid_bankid::types::{USER_NON_VISIBLE_DATA_MAX, USER_VISIBLE_DATA_MAX, base64_len};
use assistid_core::dst::DstNote;
use assistid_core::model::{Provider, ReportMonth, TimeKind};
use assistid_core::review::{ReportReview, Totals};
use assistid_core::rows::ReportRow;
use assistid_core::signtext::provider_line;

/// BankID's limits on one order, in characters after base64 encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderLimits {
    /// `userVisibleData` (BankID: 40 000).
    pub visible: usize,
    /// `userNonVisibleData` (BankID: 200 000).
    pub non_visible: usize,
}

impl Default for OrderLimits {
    fn default() -> Self {
        Self {
            visible: USER_VISIBLE_DATA_MAX,
            non_visible: USER_NON_VISIBLE_DATA_MAX,
        }
    }
}

const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// `oktober 2026`.
pub fn month_sv(month: ReportMonth) -> String {
    let name = usize::try_from(month.month())
        .ok()
        .and_then(|m| MONTHS_SV.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or("?");
    format!("{name} {}", month.year())
}

/// `7 h`, `7 h 30 min`.
pub fn hours(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// One kind of time: real hours, with the clock hours when they differ (DST).
fn kind_line(kind: TimeKind, totals: &Totals) -> String {
    let t = totals.of(kind);
    let label = kind.label_sv();
    let mut label = label.to_owned();
    if let Some(first) = label.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    if t.clock_minutes == t.real_minutes {
        format!("{label}: {}", hours(t.real_minutes))
    } else {
        format!(
            "{label}: {} verklig tid (klocktid {})",
            hours(t.real_minutes),
            hours(t.clock_minutes)
        )
    }
}

fn kinds_inline(totals: &Totals) -> String {
    TimeKind::ALL
        .iter()
        .map(|&k| {
            let t = totals.of(k);
            if t.clock_minutes == t.real_minutes {
                format!("{} {}", k.label_sv(), hours(t.real_minutes))
            } else {
                format!(
                    "{} {} (klocktid {})",
                    k.label_sv(),
                    hours(t.real_minutes),
                    hours(t.clock_minutes)
                )
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What one report is, for the texts.
#[derive(Debug, Clone)]
pub struct ReportSummary {
    /// The person's name.
    pub person_name: String,
    /// The assistant's name.
    pub assistant_name: String,
    /// Totals per kind.
    pub totals: Totals,
}

// One escaping for the app's texts and the relay's first line.
pub use assistid_core::signtext::escape_markdown;

/// One row of the assistant's report as FK gets it, with its daylight-saving note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRow {
    /// The row as in FK's document.
    pub row: ReportRow,
    /// Present when the row's real time differs from its clock time (a DST night).
    pub note: Option<DstNote>,
}

/// Everything the assistant's text shows.
#[derive(Debug, Clone)]
pub struct AssistantReport {
    /// The person's name.
    pub person_name: String,
    /// The assistant's name.
    pub assistant_name: String,
    /// The report version (1, 2, …) being signed.
    pub version: u32,
    /// Totals per kind.
    pub totals: Totals,
    /// Every row, in the document's order.
    pub rows: Vec<TextRow>,
}

impl AssistantReport {
    /// The report's rows, notes and totals from the month review, for `version`.
    pub fn from_review(report: &ReportReview, version: u32) -> Self {
        Self {
            person_name: report.person_name().to_owned(),
            assistant_name: report.assistant_name().to_owned(),
            version,
            totals: *report.totals(),
            rows: report
                .rows_with_minutes()
                .map(|(row, minutes)| TextRow {
                    row: *row,
                    note: minutes.dst_note,
                })
                .collect(),
        }
    }
}

/// Why the assistant's text could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VisibleTextError {
    /// Even with one line per day the rows do not fit BankID's 40 000 characters.
    #[error(
        "Tidredovisningen har för många rader ({rows} st) för att visas i BankID-appen, även med \
         en rad per dag ({encoded_len} tecken efter kodning, högst {limit}). Slå ihop pass som \
         ligger direkt efter varandra samma dag i tidlistan och försök igen."
    )]
    TooLong {
        /// Rows in the report.
        rows: usize,
        /// The shortest text's length after base64.
        encoded_len: usize,
        /// The limit after base64.
        limit: usize,
    },
}

/// How the rows are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowLayout {
    /// One line per row.
    PerRow,
    /// One line per day, the day's rows after each other.
    PerDay,
}

fn row_span(r: &TextRow) -> String {
    match r.note {
        None => format!("{}–{} {}", r.row.from, r.row.to, r.row.kind.label_sv()),
        Some(note) => format!(
            "{}–{} {} ({})",
            r.row.from,
            r.row.to,
            r.row.kind.label_sv(),
            note.sv()
        ),
    }
}

/// The assistant's text in `layout`, without the limit check.
pub fn assistant_rows_text_in(
    provider: &Provider,
    month: ReportMonth,
    report: &AssistantReport,
    layout: RowLayout,
) -> String {
    let month_name = month_sv(month);
    let mut out = String::new();
    let _ = writeln!(out, "# Tidredovisning {month_name}");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        provider_line(&provider.name, &provider.org_number)
    );
    let _ = writeln!(
        out,
        "Assistansberättigad: {}",
        escape_markdown(&report.person_name)
    );
    let _ = writeln!(
        out,
        "Assistent: {}",
        escape_markdown(&report.assistant_name)
    );
    let _ = writeln!(out, "Månad: {month_name}");
    let _ = writeln!(out, "Version: {}", report.version);
    let _ = writeln!(out);
    let _ = writeln!(out, "## Rader till Försäkringskassan");
    let _ = writeln!(out);
    if report.rows.is_empty() {
        let _ = writeln!(out, "Inga rader denna månad.");
    }
    match layout {
        RowLayout::PerRow => {
            for r in &report.rows {
                let _ = writeln!(out, "- {}: {}", r.row.day, row_span(r));
            }
        }
        RowLayout::PerDay => {
            let mut i = 0;
            while i < report.rows.len() {
                let day = report.rows[i].row.day;
                let mut spans = Vec::new();
                while i < report.rows.len() && report.rows[i].row.day == day {
                    spans.push(row_span(&report.rows[i]));
                    i += 1;
                }
                let _ = writeln!(out, "- {day}: {}", spans.join("; "));
            }
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "## Summa");
    let _ = writeln!(out);
    for kind in TimeKind::ALL {
        let _ = writeln!(out, "{}", kind_line(kind, &report.totals));
    }
    let _ = writeln!(out, "Antal rader: {}", report.rows.len());
    let _ = writeln!(out);
    let _ = write!(
        out,
        "Jag skriver under att raderna ovan är min egen redovisning av den assistans jag har \
         utfört, så som de skickas till Försäkringskassan."
    );
    out
}

/// The assistant's text: every row as FK gets it, one per line, or one line per day when that
/// does not fit within `limit` characters after base64 (BankID: [`USER_VISIBLE_DATA_MAX`]);
/// [`VisibleTextError::TooLong`] when neither fits. Never cut.
pub fn assistant_rows_text(
    provider: &Provider,
    month: ReportMonth,
    report: &AssistantReport,
    limit: usize,
) -> Result<(String, RowLayout), VisibleTextError> {
    let mut shortest = 0;
    for layout in [RowLayout::PerRow, RowLayout::PerDay] {
        let text = assistant_rows_text_in(provider, month, report, layout);
        shortest = base64_len(text.len());
        if shortest <= limit {
            return Ok((text, layout));
        }
    }
    Err(VisibleTextError::TooLong {
        rows: report.rows.len(),
        encoded_len: shortest,
        limit,
    })
}

/// The provider's text for one order of a batch: month, number of reports, per person the
/// assistants and real totals.
pub fn provider_text(
    provider: &Provider,
    month: ReportMonth,
    reports: &[&ReportSummary],
    order: usize,
    orders: usize,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Tidredovisningar {}", month_sv(month));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        provider_line(&provider.name, &provider.org_number)
    );
    let _ = writeln!(out, "Månad: {}", month_sv(month));
    if orders > 1 {
        let _ = writeln!(
            out,
            "Antal tidredovisningar: {} (underskrift {order} av {orders})",
            reports.len()
        );
    } else {
        let _ = writeln!(out, "Antal tidredovisningar: {}", reports.len());
    }
    let mut person: Option<&str> = None;
    for r in reports {
        if person != Some(r.person_name.as_str()) {
            person = Some(r.person_name.as_str());
            let _ = writeln!(out);
            let _ = writeln!(out, "## {}", escape_markdown(&r.person_name));
        }
        let _ = writeln!(
            out,
            "- {}: {}",
            escape_markdown(&r.assistant_name),
            kinds_inline(&r.totals)
        );
    }
    let _ = writeln!(out);
    let _ = write!(
        out,
        "Jag skriver under för anordnaren att tidredovisningarna ovan är riktiga. Varje \
         tidredovisning är redan underskriven av sin assistent."
    );
    out
}

/// Splits entries `0..binding_lens.len()` into consecutive orders, as few as the limits
/// allow: each order's `;`-joined binding must stay within `limits.non_visible` after base64,
/// and `visible_len(range)` (the text's UTF-8 length for those entries) within
/// `limits.visible` after base64. `None` if a single entry does not fit on its own.
pub fn plan_orders(
    binding_lens: &[usize],
    visible_len: impl Fn(std::ops::Range<usize>) -> usize,
    limits: OrderLimits,
) -> Option<Vec<std::ops::Range<usize>>> {
    let mut orders = Vec::new();
    let mut start = 0;
    while start < binding_lens.len() {
        let mut end = start;
        let mut binding_len = 0usize;
        while end < binding_lens.len() {
            let next_binding = binding_len + binding_lens[end] + usize::from(end > start);
            if base64_len(next_binding) > limits.non_visible
                || base64_len(visible_len(start..end + 1)) > limits.visible
            {
                break;
            }
            binding_len = next_binding;
            end += 1;
        }
        if end == start {
            return None;
        }
        orders.push(start..end);
        start = end;
    }
    Some(orders)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_200_000_limit_takes_1470_report_bindings_per_order() {
        // `<uuid>,<sha256>` is 36 + 1 + 64 = 101 characters; with `;` between entries, n
        // entries are 102n − 1 bytes, which base64 makes ≤ 200 000 for n ≤ 1470.
        let lens = vec![101; 3000];
        let orders =
            plan_orders(&lens, |_| 10, OrderLimits::default()).expect("every single binding fits");
        assert_eq!(
            orders,
            vec![0..1470, 1470..2940, 2940..3000],
            "as few orders as possible, each as full as the limit allows"
        );
        assert!(base64_len(102 * 1470 - 1) <= 200_000, "1470 entries fit");
        assert!(base64_len(102 * 1471 - 1) > 200_000, "1471 would not");
    }

    #[test]
    fn the_visible_text_limit_splits_too() {
        let lens = vec![101; 10];
        let limits = OrderLimits {
            visible: 40,
            non_visible: 200_000,
        };
        // 12 bytes per entry → 3 entries = 36 bytes = 48 base64 > 40; 2 entries = 24 → 32.
        let orders = plan_orders(&lens, |r| r.len() * 12, limits).expect("fits");
        assert_eq!(orders.len(), 5, "two reports per order: {orders:?}");
    }

    #[test]
    fn an_entry_that_cannot_fit_alone_is_reported() {
        let limits = OrderLimits {
            visible: 40_000,
            non_visible: 100,
        };
        assert_eq!(plan_orders(&[101], |_| 1, limits), None);
    }
}
