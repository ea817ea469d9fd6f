//! Specification: the invoice figures (FK 3057 / E-RÄK) equal the month review by construction,
//! list missing reports at the top, and export as PDF and Excel-friendly CSV.

use assistid_core::model::TimeKind;
use assistid_receipt::{AssistantRef, InvoiceFigures, MissingReason, MissingReport, hours};

use super::support::{
    Demo, idnr, page_count, pdf_text, person_ref, provider_info, utc, words_outside_margins,
};

fn missing() -> Vec<MissingReport> {
    vec![MissingReport {
        assistant: AssistantRef {
            identity_number: idnr("19850612", 3),
            name: "Märta Ödlund".to_owned(),
        },
        reason: MissingReason::RejectedByFk,
    }]
}

#[test]
fn the_figures_equal_the_review_totals() {
    let review = Demo::new().review();
    let figures = InvoiceFigures::from_review(&review, &person_ref(), &missing());
    for kind in TimeKind::ALL {
        let sum_real: u64 = review
            .reports()
            .iter()
            .map(|r| r.totals().of(kind).real_minutes)
            .sum();
        let sum_clock: u64 = review
            .reports()
            .iter()
            .map(|r| r.totals().of(kind).clock_minutes)
            .sum();
        assert_eq!(
            figures.totals.of(kind).real_minutes,
            sum_real,
            "{kind}: real minutes are the review's"
        );
        assert_eq!(
            figures.totals.of(kind).clock_minutes,
            sum_clock,
            "{kind}: clock minutes are the review's"
        );
    }
    assert_eq!(
        figures.per_assistant.len(),
        review.reports().len(),
        "one line per report/assistant"
    );
    for (line, report) in figures.per_assistant.iter().zip(review.reports()) {
        assert_eq!(
            &line.totals,
            report.totals(),
            "per-assistant hours are the report's totals"
        );
    }
    // The autumn night counts 5 real hours: 30 × 4.5 + 5.
    assert_eq!(
        figures.totals.aktiv.real_minutes,
        140 * 60,
        "aktiv tid is DST-corrected"
    );
}

#[test]
fn the_csv_has_a_bom_semicolons_decimal_commas_and_the_review_figures() {
    let review = Demo::new().review();
    let figures = InvoiceFigures::from_review(&review, &person_ref(), &missing());
    let csv = figures.to_csv();
    assert!(
        csv.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 BOM so Swedish Excel reads å, ä, ö"
    );
    let text = String::from_utf8(csv[3..].to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Månad;Person;Rad;Assistent;Rapport-id;Aktiv tid (h);Väntetid (h);Beredskap (h);Aktiv tid klocktid (h);Väntetid klocktid (h);Beredskap klocktid (h);Kommentar",
        "the documented header"
    );
    assert!(
        lines.iter().all(|l| l.split(';').count() == 12),
        "every record has 12 fields"
    );
    let summa: Vec<&str> = lines[1].split(';').collect();
    assert_eq!(summa[2], "Summa", "the sum comes first");
    assert_eq!(
        summa[5],
        hours(figures.totals.aktiv.real_minutes),
        "aktiv tid equals the review"
    );
    assert_eq!(summa[5], "140,00", "decimal comma");
    assert_eq!(
        summa[6],
        hours(
            review
                .reports()
                .iter()
                .map(|r| r.totals().vante.real_minutes)
                .sum()
        ),
        "väntetid equals the review"
    );
    assert_eq!(summa[8], "139,00", "clock hours alongside");
    assert!(
        text.contains("Saknas;Märta Ödlund;;;;;;;;avvisad av FK"),
        "the missing report is a row: {text}"
    );
    assert!(
        text.contains("Assistent;Erik Johansson;0d6f3a5e-7c1b-4e8a-9f2d-000000000001;140,00"),
        "{text}"
    );
    assert!(text.ends_with("\r\n"), "CRLF line ends for Windows");
}

#[test]
fn the_pdf_lists_what_is_missing_at_the_top_and_the_hours() {
    let review = Demo::new().review();
    let figures = InvoiceFigures::from_review(&review, &person_ref(), &missing());
    let pdf = figures
        .to_pdf(&provider_info(), utc(2026, 11, 2, 9, 30))
        .expect("renders");
    assert_eq!(page_count(&pdf), 1, "one person's month fits one page");
    let text = pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let saknas = flat
        .find("Saknas: Märta Ödlund (avvisad av FK)")
        .expect("missing reports are listed");
    let hours_at = flat.find("Tid för räkningen").expect("the hours section");
    assert!(saknas < hours_at, "missing reports come before the figures");
    for expected in [
        "Underlag för räkning (FK 3057 / E-RÄK) – 2026-10",
        "Aktiv tid 140,00 h 139,00 h",
        "Väntetid 8,00 h 8,00 h",
        "Beredskap 5,00 h 5,00 h",
        "Erik Johansson 140,00 h 0,00 h 0,00 h",
        "Märta Ödlund 0,00 h 8,00 h 5,00 h",
        "Sista dag för räkningen 2026-12-05",
        "Sida 1 av 1",
    ] {
        assert!(
            flat.contains(expected),
            "the figures show {expected:?}:\n{text}"
        );
    }
    assert!(words_outside_margins(&pdf).is_empty(), "inside the margins");

    let none = InvoiceFigures::from_review(&review, &person_ref(), &[]);
    let text = pdf_text(
        &none
            .to_pdf(&provider_info(), utc(2026, 11, 2, 9, 30))
            .expect("renders"),
    );
    assert!(
        text.contains("Saknas: inga."),
        "a complete month says nothing is missing:\n{text}"
    );
}

#[test]
fn cells_that_excel_would_run_as_formulas_are_neutralised() {
    let review = Demo::new().review();
    let mut person = person_ref();
    person.name = "=HYPERLINK(\"https://evil.invalid\";\"Klicka\")".to_owned();
    let mut missing = missing();
    let hostile_starts = ["+46 70", "-2+3", "@SUM(A1)", "\tTabb", "\rRetur"];
    for (n, name) in hostile_starts.iter().enumerate() {
        let mut m = missing[0].clone();
        m.assistant.name = (*name).to_owned();
        m.assistant.identity_number = idnr("19850612", u32::try_from(n).expect("small") + 4);
        missing.push(m);
    }
    let figures = InvoiceFigures::from_review(&review, &person, &missing);
    let csv = figures.to_csv();
    let text = String::from_utf8(csv[3..].to_vec()).expect("UTF-8");
    assert!(
        text.contains("2026-10;\"'=HYPERLINK(\"\"https://evil.invalid\"\";\"\"Klicka\"\")\";"),
        "a person's name starting with = is prefixed with a quote (and CSV-quoted for its ;): {text}"
    );
    for expected in [
        "Saknas;'+46 70;",
        "Saknas;'-2+3;",
        "Saknas;'@SUM(A1);",
        "Saknas;'\tTabb;",
        "Saknas;\"'\rRetur\";",
    ] {
        assert!(
            text.contains(expected),
            "a cell starting like a formula is written as {expected:?}: {text}"
        );
    }
    assert!(
        text.contains("Saknas;Märta Ödlund;"),
        "an ordinary name is written unchanged: {text}"
    );
    assert!(
        text.contains("Summa;;;140,00"),
        "figures are not touched: {text}"
    );
}
