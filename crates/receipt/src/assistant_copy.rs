//! The assistant's copy: one page per report with the rows as sent, the totals, the signing
//! dates and FK's tx-id, so an assistant can see what they signed.

use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::review::{ReportReview, Totals};
use assistid_core::rows::ClockTime;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::ReceiptError;
use crate::format::{capitalized, hours, local_time};
use crate::layout::{Cell, Fonts, Pages, Strip, Weight, gap, rule};
use crate::model::{AssistantRef, Outcome, PersonRef, ProviderInfo, ReceiptReport};

/// One row as sent to FK, with its readings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CopyRow {
    /// Day of the month.
    pub day: u32,
    /// Start (`HH.MM`).
    pub from: ClockTime,
    /// End (`HH.MM`).
    pub to: ClockTime,
    /// The kind of time.
    pub kind: TimeKind,
    /// Wall-clock minutes.
    pub clock_minutes: u32,
    /// Real minutes.
    pub real_minutes: u32,
    /// Daylight-saving note, if any.
    pub dst_note: Option<String>,
}

/// The input of one assistant's copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssistantCopy {
    /// The provider.
    pub provider: ProviderInfo,
    /// The report month.
    pub month: ReportMonth,
    /// When the copy was made (passed in).
    pub generated_at: DateTime<Utc>,
    /// The person with assistance (shown by name and masked personnummer only).
    pub person: PersonRef,
    /// The assistant.
    pub assistant: AssistantRef,
    /// The report's id.
    pub report_id: String,
    /// The report's version.
    pub version: u32,
    /// SHA-256 of the canonical form (what was signed).
    pub canonical_sha256: String,
    /// The rows exactly as sent, ordered by day then start.
    pub rows: Vec<CopyRow>,
    /// Totals per kind.
    pub totals: Totals,
    /// The day the assistant signed.
    pub assistant_signed_on: Option<NaiveDate>,
    /// The day the provider signed.
    pub provider_signed_on: Option<NaiveDate>,
    /// FK's answer.
    pub outcome: Outcome,
}

impl AssistantCopy {
    /// Builds the copy from the receipt entry and the review of the version that was sent.
    pub fn new(
        provider: &ProviderInfo,
        month: ReportMonth,
        generated_at: DateTime<Utc>,
        report: &ReceiptReport,
        review: &ReportReview,
    ) -> Self {
        Self {
            provider: provider.clone(),
            month,
            generated_at,
            person: report.person.clone(),
            assistant: report.assistant.clone(),
            report_id: report.report_id.clone(),
            version: report.version,
            canonical_sha256: report.canonical_sha256.clone(),
            rows: review
                .rows_with_minutes()
                .map(|(row, m)| CopyRow {
                    day: row.day,
                    from: row.from,
                    to: row.to,
                    kind: row.kind,
                    clock_minutes: m.clock_minutes,
                    real_minutes: m.real_minutes,
                    dst_note: m.dst_note.map(|n| n.sv().to_owned()),
                })
                .collect(),
            totals: *review.totals(),
            assistant_signed_on: report.assistant_signature.as_ref().map(|s| s.signed_on),
            provider_signed_on: report.provider_signature.as_ref().map(|s| s.signed_on),
            outcome: report.outcome.clone(),
        }
    }

    /// A file name safe on Windows, macOS and Linux, without any identity number:
    /// `assistentkopia-2026-10-erik-johansson-<first 8 of the report id>.pdf`.
    pub fn file_name(&self) -> String {
        let short: String = ascii_slug(&self.report_id).chars().take(8).collect();
        format!(
            "assistentkopia-{}-{}-{}.pdf",
            self.month,
            ascii_slug(&self.assistant.name),
            short
        )
    }
}

/// Lowercase ASCII with `-` between words: Swedish letters folded (`Åsa Öberg` → `asa-oberg`),
/// everything else dropped.
pub fn ascii_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            'ý' | 'ÿ' => 'y',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if folded == '-' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(folded);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("namnlos");
    }
    out
}

const SMALL: f32 = 8.0;

/// The assistant's copy as an A4 PDF (one page for any month; a second only for very many rows).
pub fn assistant_copy_pdf(copy: &AssistantCopy) -> Result<Vec<u8>, ReceiptError> {
    let fonts = Fonts::load()?;
    let mut pages = Pages::new();
    let title = copy_title(copy);
    copy_pages(&fonts, &mut pages, copy);
    pages.render(
        &fonts,
        &title,
        &format!(
            "Skapad {} av {}",
            local_time(copy.generated_at),
            copy.provider.name
        ),
    )
}

fn copy_title(copy: &AssistantCopy) -> String {
    format!("Assistentkopia – tidredovisning {}", copy.month)
}

/// Lays out one copy from the current position (a fresh page for the first copy).
fn copy_pages(fonts: &Fonts, pages: &mut Pages, copy: &AssistantCopy) {
    let title = copy_title(copy);
    pages.flow(fonts.paragraph(0.0, &title, 14.0, Weight::Bold));
    pages.place(gap(2.0));
    let label = 125.0;
    let kv = |l: &str, v: String| fonts.key_values(l, &[v], SMALL + 0.5, label);
    pages.place(kv("Assistent", copy.assistant.name.clone()));
    pages.place(kv(
        "Person med assistans",
        format!(
            "{} ({})",
            copy.person.name,
            copy.person.personnummer.as_identity().masked()
        ),
    ));
    pages.place(kv(
        "Anordnare",
        format!(
            "{}, org.nr {}",
            copy.provider.name, copy.provider.org_number
        ),
    ));
    pages.place(kv(
        "Tidredovisning",
        format!("{}, version {}", copy.report_id, copy.version),
    ));
    pages.place(kv("SHA-256 (kanonisk XML)", copy.canonical_sha256.clone()));
    let date = |d: Option<NaiveDate>| d.map_or("inte signerad".to_owned(), |d| d.to_string());
    pages.place(kv(
        "Underskrifter",
        format!(
            "Assistenten {}, anordnaren {}",
            date(copy.assistant_signed_on),
            date(copy.provider_signed_on)
        ),
    ));
    pages.place(kv("FK:s svar", copy.outcome.describe_sv()));
    pages.place(gap(4.0));

    // Compact table: 31+ rows fit one page at 8 pt.
    let columns = [0.0, 45.0, 90.0, 135.0, 245.0, 320.0, 405.0];
    let widths = [30.0, 40.0, 40.0, 105.0, 65.0, 70.0, 90.0];
    let header = [
        "Dag",
        "Från",
        "Till",
        "Slag",
        "Klocktid",
        "Verklig tid",
        "Anmärkning",
    ];
    let header_strip = table_row(
        fonts,
        &columns,
        &widths,
        &header.map(str::to_owned),
        Weight::Bold,
    );
    pages.place(header_strip);
    pages.place(rule(0.5));
    for row in &copy.rows {
        let cells = [
            row.day.to_string(),
            row.from.to_string(),
            row.to.to_string(),
            capitalized(row.kind.label_sv()),
            format!("{} h", hours(u64::from(row.clock_minutes))),
            format!("{} h", hours(u64::from(row.real_minutes))),
            row.dst_note.clone().unwrap_or_default(),
        ];
        pages.place(table_row(fonts, &columns, &widths, &cells, Weight::Regular));
    }
    if copy.rows.is_empty() {
        pages.place(kv("", "Inga rader".to_owned()));
    }
    pages.place(rule(0.5));
    for kind in TimeKind::ALL {
        let total = copy.totals.of(kind);
        let cells = [
            String::new(),
            String::new(),
            String::new(),
            format!("Summa {}", kind.label_sv()),
            format!("{} h", hours(total.clock_minutes)),
            format!("{} h", hours(total.real_minutes)),
            String::new(),
        ];
        pages.place(table_row(fonts, &columns, &widths, &cells, Weight::Bold));
    }
    pages.place(gap(4.0));
    pages.flow(fonts.paragraph(
        0.0,
        "Verklig tid är den tid som faktiskt gick; den skiljer sig från klocktiden bara natten \
         då sommartid eller vintertid börjar. FK räknar själv om timmarna för de nätterna.",
        SMALL,
        Weight::Regular,
    ));
}

fn table_row(
    fonts: &Fonts,
    columns: &[f32; 7],
    widths: &[f32; 7],
    texts: &[String; 7],
    weight: Weight,
) -> Strip {
    let cells: Vec<Cell<'_>> = (0..7)
        .map(|i| Cell {
            x: columns[i],
            width: widths[i],
            text: &texts[i],
            weight,
            right: (4..6).contains(&i) || i == 0,
        })
        .collect();
    fonts.row(&cells, SMALL)
}

/// One PDF per report, named by [`AssistantCopy::file_name`] (names made unique if two copies
/// would share one).
pub fn assistant_copies(copies: &[AssistantCopy]) -> Result<Vec<(String, Vec<u8>)>, ReceiptError> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::with_capacity(copies.len());
    for copy in copies {
        let mut name = copy.file_name();
        let mut n = 2;
        while out.iter().any(|(existing, _)| existing == &name) {
            name = format!("{}-{n}.pdf", copy.file_name().trim_end_matches(".pdf"));
            n += 1;
        }
        out.push((name, assistant_copy_pdf(copy)?));
    }
    Ok(out)
}

/// Several copies in one PDF, each starting on a new page (an assistant's batch: every report
/// of the month they worked on, one person per page).
pub fn assistant_copies_pdf(copies: &[AssistantCopy]) -> Result<Vec<u8>, ReceiptError> {
    let fonts = Fonts::load()?;
    let mut pages = Pages::new();
    for (i, copy) in copies.iter().enumerate() {
        if i > 0 {
            pages.new_page();
        }
        copy_pages(&fonts, &mut pages, copy);
    }
    let (title, footer) = match copies.first() {
        Some(first) => (
            format!(
                "Assistentkopior – {} – {}",
                first.assistant.name, first.month
            ),
            format!(
                "Skapad {} av {}",
                local_time(first.generated_at),
                first.provider.name
            ),
        ),
        None => ("Assistentkopior".to_owned(), String::new()),
    };
    pages.render(&fonts, &title, &footer)
}

/// One PDF per assistant (grouped by identity number, in the order of first appearance), each
/// holding that assistant's copies: `assistentkopior-YYYY-MM-<assistant name, ASCII-folded>.pdf`
/// (`-2`, `-3` … when two assistants share a name). No identity numbers in the names.
pub fn assistant_copies_per_assistant(
    copies: &[AssistantCopy],
) -> Result<Vec<(String, Vec<u8>)>, ReceiptError> {
    let mut groups: Vec<Vec<AssistantCopy>> = Vec::new();
    for copy in copies {
        match groups.iter_mut().find(|g| {
            g.first()
                .is_some_and(|f| f.assistant.identity_number == copy.assistant.identity_number)
        }) {
            Some(group) => group.push(copy.clone()),
            None => groups.push(vec![copy.clone()]),
        }
    }
    let mut out: Vec<(String, Vec<u8>)> = Vec::with_capacity(groups.len());
    for group in groups {
        let Some(first) = group.first() else { continue };
        let base = format!(
            "assistentkopior-{}-{}",
            first.month,
            ascii_slug(&first.assistant.name)
        );
        let mut name = format!("{base}.pdf");
        let mut n = 2;
        while out.iter().any(|(existing, _)| existing == &name) {
            name = format!("{base}-{n}.pdf");
            n += 1;
        }
        out.push((name, assistant_copies_pdf(&group)?));
    }
    Ok(out)
}
