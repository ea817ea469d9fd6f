//! What the signer reads in the BankID app (`userVisibleData`, simpleMarkdownV1), and how a
//! provider's batch is split into as few orders as BankID's size limits allow.

use std::fmt::Write as _;

use assistid_bankid::types::{USER_NON_VISIBLE_DATA_MAX, USER_VISIBLE_DATA_MAX, base64_len};
use assistid_core::model::{Provider, ReportMonth, TimeKind};
use assistid_core::review::Totals;

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
    /// Number of rows.
    pub rows: usize,
}

/// The assistant's text: provider, person, month, each kind of time with real hours (and clock
/// hours where they differ), the number of rows, and that the times are the assistant's own.
pub fn assistant_text(provider: &Provider, month: ReportMonth, report: &ReportSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Tidredovisning {}", month_sv(month));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Anordnare: {} ({})",
        provider.name, provider.org_number
    );
    let _ = writeln!(out, "Assistansberättigad: {}", report.person_name);
    let _ = writeln!(out, "Assistent: {}", report.assistant_name);
    let _ = writeln!(out, "Månad: {}", month_sv(month));
    let _ = writeln!(out);
    for kind in TimeKind::ALL {
        let _ = writeln!(out, "{}", kind_line(kind, &report.totals));
    }
    let _ = writeln!(out, "Antal rader: {}", report.rows);
    let _ = writeln!(out);
    let _ = write!(
        out,
        "Jag skriver under att tiderna ovan är min egen redovisning av den assistans jag har \
         utfört."
    );
    out
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
        "Anordnare: {} ({})",
        provider.name, provider.org_number
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
            let _ = writeln!(out, "## {}", r.person_name);
        }
        let _ = writeln!(out, "- {}: {}", r.assistant_name, kinds_inline(&r.totals));
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
