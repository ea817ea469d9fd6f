//! Specification: the assistant's copy — one printable page with the rows as sent, totals,
//! signing dates and tx-id; file names without identity numbers.

use assistid_receipt::{
    AssistantCopy, ascii_slug, assistant_copies, assistant_copies_per_assistant, assistant_copy_pdf,
};

use super::support::{
    Demo, TX_ID, demo_receipt, month, page_count, pdf_text, provider_info, review_report, utc,
    words_outside_margins,
};

fn copies() -> Vec<AssistantCopy> {
    let review = Demo::new().review();
    let receipt = demo_receipt();
    receipt
        .reports
        .iter()
        .map(|report| {
            let r = review_report(&review, &report.report_id);
            AssistantCopy::new(
                &provider_info(),
                month(),
                utc(2026, 11, 2, 9, 30),
                report,
                r,
            )
        })
        .collect()
}

#[test]
fn a_full_month_of_rows_fits_one_page_with_totals_dates_and_tx_id() {
    let copy = &copies()[0];
    assert_eq!(copy.rows.len(), 31, "Erik works every day of October");
    let pdf = assistant_copy_pdf(copy).expect("renders");
    assert_eq!(page_count(&pdf), 1, "31 rows fit on one A4 page");
    let text = pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Assistentkopia – tidredovisning 2026-10",
        "Erik Johansson",
        "Åsa Öberg (19500101-****)",
        &format!("Mottagen av FK. Tx-id: {TX_ID}"),
        "Assistenten 2026-11-01, anordnaren 2026-11-02",
        "25 00.00 04.00 Aktiv tid 4,00 h 5,00 h +1 h, vintertid",
        "31 08.00 12.30 Aktiv tid 4,50 h 4,50 h",
        "Summa aktiv tid 139,00 h 140,00 h",
        "Sida 1 av 1",
    ] {
        assert!(
            flat.contains(expected),
            "the copy shows {expected:?}:\n{text}"
        );
    }
    assert!(
        !flat.contains("19500101002"),
        "the person's full personnummer is not on the assistant's copy"
    );
    assert!(
        words_outside_margins(&pdf).is_empty(),
        "the table stays inside the margins"
    );
}

#[test]
fn very_many_rows_flow_onto_a_second_page() {
    let mut copy = copies()[0].clone();
    let rows = copy.rows.clone();
    copy.rows = rows.iter().cycle().take(80).cloned().collect();
    let pdf = assistant_copy_pdf(&copy).expect("renders");
    assert_eq!(
        page_count(&pdf),
        2,
        "80 rows need a second page, not a third"
    );
    assert!(
        pdf_text(&pdf).contains("Sida 2 av 2"),
        "the second page is numbered"
    );
}

#[test]
fn batch_file_names_are_ascii_without_identity_numbers_and_unique() {
    let mut all = copies();
    all.push(all[0].clone());
    let files = assistant_copies(&all).expect("renders");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "assistentkopia-2026-10-erik-johansson-0d6f3a5e.pdf",
            "assistentkopia-2026-10-marta-odlund-0d6f3a5e.pdf",
            "assistentkopia-2026-10-erik-johansson-0d6f3a5e-2.pdf",
        ],
        "one file per report, named by assistant, ASCII-folded, de-duplicated"
    );
    for (name, bytes) in &files {
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
            "{name} is safe on Windows"
        );
        assert!(bytes.starts_with(b"%PDF-"), "{name} is a PDF");
    }
    assert_eq!(
        ascii_slug("  Åsa Öberg-Lind & Co  "),
        "asa-oberg-lind-co",
        "Swedish letters fold, punctuation becomes one dash"
    );
    assert_eq!(
        ascii_slug("CON"),
        "con",
        "reserved Windows names stay inside a longer file name"
    );
    assert_eq!(
        ascii_slug("???"),
        "namnlos",
        "a name of only symbols still gives a file name"
    );
}

#[test]
fn a_batch_per_assistant_puts_each_assistants_reports_in_one_file_one_page_each() {
    let mut all = copies();
    // The same assistant for a second person: both reports go into one file.
    let mut second = all[0].clone();
    second.person.name = "Johan Åkesson".to_owned();
    second.report_id = "7d3c2b1a-0000-4000-8000-000000000002".to_owned();
    all.push(second);
    let first_name = all[0].assistant.name.clone();
    let assistants = {
        let mut ids: Vec<&str> = all
            .iter()
            .map(|c| c.assistant.identity_number.digits())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    let files = assistant_copies_per_assistant(&all).expect("renders");
    assert_eq!(files.len(), assistants, "one file per assistant");
    let (name, pdf) = &files[0];
    assert_eq!(
        name,
        &format!("assistentkopior-2026-10-{}.pdf", ascii_slug(&first_name)),
        "named by month and assistant, no identity number"
    );
    let copies_in_file = all
        .iter()
        .filter(|c| c.assistant.identity_number == all[0].assistant.identity_number)
        .count();
    assert_eq!(
        page_count(pdf),
        copies_in_file,
        "each report of the assistant starts its own page"
    );
    let text = pdf_text(pdf);
    assert!(
        text.contains("Johan Åkesson") && text.contains("7d3c2b1a-0000-4000-8000-000000000002"),
        "the second person's report is in the same file"
    );
}
