//! Specification: the submission receipt as PDF — Swedish text, hashes, tx-ids, totals, DST
//! notes, page numbers, and layout that stays inside the margins.

use assistid_core::review::{KindTotal, Totals};
use assistid_receipt::{
    AssistantRef, CHECK_HEADING, FaultKind, Outcome, RECEIPT_TITLE, ReceiptReport, ReceiptScope,
    TEST_RECEIPT_TITLE, receipt_json, receipt_pdf,
};

use super::support::{
    FK_MESSAGE, TX_ID, demo_receipt, idnr, page_count, pdf_text, person_ref, words_outside_margins,
};

/// Collapses runs of whitespace, so text wrapped or spaced by `-layout` can be searched.
fn squashed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_receipt_reads_back_with_title_provider_month_hashes_and_fk_answers() {
    let receipt = demo_receipt();
    let pdf = receipt_pdf(&receipt).expect("the demo receipt renders");
    let text = pdf_text(&pdf);
    let flat = squashed(&text);
    for expected in [
        RECEIPT_TITLE,
        "Assistans & Omsorg i Norrland AB, org.nr 2021005521",
        "2026-10",
        "Sändning run-2026-11-02-001",
        // 09:30 UTC in November is 10:30 in Stockholm.
        "Kvittot skapat 2026-11-02 10:30 (svensk tid)",
        "Åsa Öberg – Erik Johansson",
        "Åsa Öberg – Märta Ödlund",
        "0d6f3a5e-7c1b-4e8a-9f2d-000000000001, version 1",
        &receipt.reports[0].canonical_sha256,
        &receipt.reports[0].document_sha256,
        &format!("Mottagen av FK. Tx-id: {TX_ID}"),
        "fel i dokumentet (XmlValidationError)",
        "Karin Lund (19700303-****), signerad 2026-11-02",
        "Skickad 2026-11-02 10:15 (svensk tid)",
        CHECK_HEADING,
        "Kontrollera filen i Assistid: Verktyg → Kontrollera en fil",
        "assistid verify rapport.xml",
        "Tx-id är Försäkringskassans kvitto",
        "Sida 1 av 1",
    ] {
        assert!(
            flat.contains(expected),
            "the receipt shows {expected:?}; got:\n{text}"
        );
    }
    // The FK message is shown verbatim (it may be wrapped, so compare without whitespace).
    let nospace: String = text.split_whitespace().collect();
    let message: String = FK_MESSAGE.split_whitespace().collect();
    assert!(
        nospace.contains(&message),
        "FK's message appears verbatim:\n{text}"
    );
}

#[test]
fn a_receipt_from_fk_test_service_says_test_in_its_title_notice_every_page_and_json() {
    let mut receipt = many_reports(60, false);
    receipt.fk_test_service = true;
    let pdf = receipt_pdf(&receipt).expect("the test receipt renders");
    let text = pdf_text(&pdf);
    let flat = squashed(&text);
    assert!(
        flat.contains(TEST_RECEIPT_TITLE),
        "the title says TEST and that nothing was sent for real: {flat}"
    );
    assert!(
        flat.contains("fortfarande skrivas under och skickas i produktionsmiljön"),
        "the notice says what is still to do: {flat}"
    );
    let pages = page_count(&pdf);
    assert!(pages > 1, "the check spans several pages");
    assert_eq!(
        flat.matches("TEST – Kvitto").count(),
        pages,
        "every page's header says TEST: {flat}"
    );
    let json = receipt_json(&receipt).expect("JSON");
    assert!(
        json.contains("\"fk_test_service\": true"),
        "the JSON says so too: {json}"
    );

    receipt.fk_test_service = false;
    let flat = squashed(&pdf_text(&receipt_pdf(&receipt).expect("renders")));
    assert!(
        !flat.contains("TEST"),
        "a production receipt never says TEST"
    );
    assert!(
        !receipt_json(&receipt)
            .expect("JSON")
            .contains("fk_test_service"),
        "nor does its JSON"
    );
}

#[test]
fn the_rejected_report_comes_first_and_is_flagged_at_the_top() {
    let text = squashed(&pdf_text(&receipt_pdf(&demo_receipt()).expect("renders")));
    assert!(
        text.contains("1 av 2 tidredovisningar är inte mottagna av FK"),
        "a run with a rejection says so at the top: {text}"
    );
    let rejected = text
        .find("1. Åsa Öberg – Märta Ödlund")
        .expect("the rejected report is number 1");
    let accepted = text
        .find("2. Åsa Öberg – Erik Johansson")
        .expect("the accepted report is number 2");
    assert!(rejected < accepted, "reports that need action come first");
}

#[test]
fn totals_show_real_hours_and_clock_hours_where_daylight_saving_differs() {
    let text = squashed(&pdf_text(&receipt_pdf(&demo_receipt()).expect("renders")));
    // Erik: 30 days × 4.5 h = 135 h, plus 00.00–04.00 on 25 October = 4 clock, 5 real hours.
    assert!(
        text.contains("Aktiv tid: 140,00 h (klocktid 139,00 h)"),
        "real hours first, clock hours where they differ: {text}"
    );
    assert!(
        text.contains(
            "Dag 25 00.00–04.00 aktiv tid: +1 h, vintertid (klocktid 4,00 h, verklig tid 5,00 h)"
        ),
        "the DST row is listed with its note: {text}"
    );
    assert!(
        text.contains("Väntetid: 8,00 h"),
        "Märta's väntetid over midnight: {text}"
    );
    assert!(
        text.contains("Beredskap: 5,00 h"),
        "Märta's beredskap: {text}"
    );
}

fn many_reports(n: usize, long: bool) -> assistid_receipt::SubmissionReceipt {
    let mut receipt = demo_receipt();
    let template = receipt.reports[1].clone();
    receipt.scope = ReceiptScope::PersonMonth {
        person: person_ref(),
    };
    receipt.reports = (0..n)
        .map(|i| {
            let mut r: ReceiptReport = template.clone();
            r.report_id = format!("0d6f3a5e-7c1b-4e8a-9f2d-{i:012}");
            r.assistant = AssistantRef {
                identity_number: idnr("19900101", 1 + (i as u32 % 900)),
                name: if long {
                    format!("Anna-Karin Maria Elisabeth Öhrström-Åkerlund-Västerbottensdotter von Ekenstam nr {i}")
                } else {
                    format!("Assistent {i}")
                },
            };
            r.outcome = if long {
                Outcome::Rejected {
                    fk_message: format!("{} {}", FK_MESSAGE.repeat(3), "x".repeat(140)),
                    fault: FaultKind::Other,
                }
            } else {
                Outcome::Accepted { tx_id: format!("6b1f0c1e-2d3a-4f5b-8c9d-{i:012}") }
            };
            r.totals = Totals {
                aktiv: KindTotal { clock_minutes: 60 * i as u64, real_minutes: 60 * i as u64 },
                ..Totals::default()
            };
            r
        })
        .collect();
    receipt
}

#[test]
fn sixty_reports_span_several_pages_numbered_x_of_n() {
    let receipt = many_reports(60, false);
    let pdf = receipt_pdf(&receipt).expect("60 reports render");
    let pages = page_count(&pdf);
    println!("60-report receipt: {} bytes, {pages} pages", pdf.len());
    assert!(
        pages >= 5,
        "60 report blocks need several pages, got {pages}"
    );
    let text = pdf_text(&pdf);
    let per_page: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(
        per_page.len(),
        pages,
        "pdftotext separates pages with form feeds"
    );
    for (i, page) in per_page.iter().enumerate() {
        let label = format!("Sida {} av {pages}", i + 1);
        assert!(page.contains(&label), "page {} carries {label:?}", i + 1);
    }
    for i in 0..60 {
        let tx = format!("6b1f0c1e-2d3a-4f5b-8c9d-{i:012}");
        let hits: Vec<usize> = per_page
            .iter()
            .enumerate()
            .filter(|(_, p)| p.contains(&tx))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(hits.len(), 1, "report {i}'s tx-id appears exactly once");
        let heading = format!("Assistent {i}");
        let heading_page = per_page
            .iter()
            .position(|p| squashed(p).contains(&format!("{}. Åsa Öberg – {heading}", i + 1)))
            .expect("every report has its heading");
        assert_eq!(
            heading_page, hits[0],
            "report {i}'s block is not split from its heading"
        );
    }
    assert!(
        words_outside_margins(&pdf).is_empty(),
        "nothing overflows the margins"
    );
}

#[test]
fn long_names_and_long_fk_messages_wrap_inside_the_margins() {
    let receipt = many_reports(4, true);
    let pdf = receipt_pdf(&receipt).expect("long texts render");
    let outside = words_outside_margins(&pdf);
    assert!(
        outside.is_empty(),
        "every word is within the page width minus the margin: {outside:#?}"
    );
    let nospace: String = pdf_text(&pdf).split_whitespace().collect();
    assert!(
        nospace.contains("Öhrström-Åkerlund-Västerbottensdotter"),
        "long names are wrapped, not cut"
    );
    assert!(
        nospace.contains(&"x".repeat(140)),
        "a long unbroken word is broken across lines, not cut"
    );
}

#[test]
fn an_uncertain_or_unsent_report_says_so_in_plain_swedish() {
    let mut receipt = demo_receipt();
    receipt.reports[0].outcome = Outcome::Uncertain {
        explanation:
            "Anslutningen bröts innan FK svarade. Kontrollera med FK innan du skickar igen."
                .to_owned(),
    };
    receipt.reports[1].outcome = Outcome::NotSent;
    receipt.reports[1].sent_at = None;
    receipt.reports[1].provider_signature = None;
    let text = squashed(&pdf_text(&receipt_pdf(&receipt).expect("renders")));
    assert!(
        text.contains("Oklart om FK tog emot den: Anslutningen bröts"),
        "{text}"
    );
    assert!(
        text.contains("Anordnarens underskrift Inte signerad"),
        "{text}"
    );
    assert!(text.contains("Skickad Inte skickad"), "{text}");
    assert!(text.contains("FK:s svar Inte skickad"), "{text}");
    assert!(
        text.contains("2 av 2 tidredovisningar är inte mottagna av FK"),
        "{text}"
    );
}

#[test]
fn the_pdf_is_small_because_the_font_is_subset() {
    let pdf = receipt_pdf(&demo_receipt()).expect("renders");
    assert!(
        pdf.len() < 120_000,
        "a two-report receipt is small (font subset), got {} bytes",
        pdf.len()
    );
}
