//! The submission receipt as PDF and JSON.

use crate::ReceiptError;
use crate::format::{hours, local_time, totals_lines};
use crate::layout::{Fonts, Pages, Strip, Weight, gap, highlighted, rule};
use crate::model::{Outcome, ReceiptReport, ReceiptScope, SignatureInfo, SubmissionReceipt};

/// The receipt's title.
pub const RECEIPT_TITLE: &str = "Kvitto – tidredovisningar till Försäkringskassan";

/// The title of a receipt for FK's test service (see [`SubmissionReceipt::fk_test_service`]).
pub const TEST_RECEIPT_TITLE: &str =
    "TEST – kvitto från Försäkringskassans testmiljö, inte en riktig inskickning";

/// The notice at the top of a receipt for FK's test service.
pub const TEST_NOTICE: &str = "TEST: det här gjordes i Försäkringskassans testmiljö med BankID:s \
     testmiljö. Ingenting på kvittot har skickats till Försäkringskassan på riktigt, och \
     tidredovisningarna ska fortfarande skrivas under och skickas i produktionsmiljön.";

/// The heading of the closing section on how to check a report against the receipt.
pub const CHECK_HEADING: &str = "Så kontrollerar du en tidredovisning mot kvittot";

const BODY: f32 = 9.0;

/// Where the receipt sends a coordinator to check a file: Assistid itself, never a terminal.
pub const CHECK_IN_ASSISTID: &str = "Kontrollera filen i Assistid: Verktyg → Kontrollera en fil \
     (välj XML-filen), eller assistid verify rapport.xml.";

/// The paragraphs under [`CHECK_HEADING`], in plain Swedish.
const CHECK_TEXT: [&str; 5] = [
    "Varje tidredovisning är en XML-fil. Kvittot anger filens SHA-256, ett fingeravtryck som \
         ändras om så mycket som ett tecken i filen ändras. Både assistentens och anordnarens \
         BankID-underskrift gäller just detta fingeravtryck.",
    CHECK_IN_ASSISTID,
    "Assistid räknar fingeravtrycken åt dig och säger om filen är exakt den som skrevs under \
         och skickades, med tx-id, vem som skrev under och när, och om den gick till \
         Försäkringskassan eller bara till testmiljön. Om filen skiljer sig är det inte samma \
         tidredovisning, och Assistid säger hur.",
    "För en granskare utan Assistid: \"SHA-256 (skickade byte)\" gäller filens byte som de är; \
         \"SHA-256 (kanonisk XML)\" gäller filens kanoniska form (Canonical XML 1.0, utan \
         kommentarer), som underskrifterna gäller.",
    "Tx-id är Försäkringskassans kvitto på att de tog emot tidredovisningen. Ange det om \
         du behöver fråga FK om en viss tidredovisning: med det kan FK spåra just den \
         sändningen.",
];
const LABEL_WIDTH: f32 = 125.0;

/// The receipt as pretty-printed JSON (the serde form of [`SubmissionReceipt`]).
pub fn receipt_json(receipt: &SubmissionReceipt) -> Result<String, ReceiptError> {
    serde_json::to_string_pretty(receipt).map_err(ReceiptError::Json)
}

/// The receipt as an A4 PDF.
pub fn receipt_pdf(receipt: &SubmissionReceipt) -> Result<Vec<u8>, ReceiptError> {
    let fonts = Fonts::load()?;
    let mut pages = Pages::new();
    let title = if receipt.fk_test_service {
        TEST_RECEIPT_TITLE
    } else {
        RECEIPT_TITLE
    };

    pages.flow(fonts.paragraph(0.0, title, 15.0, Weight::Bold));
    pages.place(gap(4.0));
    if receipt.fk_test_service {
        pages.place(highlighted(&fonts, TEST_NOTICE, BODY, (255, 236, 153)));
        pages.place(gap(4.0));
    }
    let scope = match &receipt.scope {
        ReceiptScope::SubmissionRun { run_id } => format!("Sändning {run_id}"),
        ReceiptScope::PersonMonth { person } => format!(
            "Alla tidredovisningar för {} ({}) under månaden",
            person.name,
            person.personnummer.as_identity()
        ),
        ReceiptScope::Other { description } => description.clone(),
    };
    for (label, value) in [
        (
            "Anordnare",
            format!(
                "{}, org.nr {}",
                receipt.provider.name, receipt.provider.org_number
            ),
        ),
        ("Månad", receipt.month.to_string()),
        ("Omfattning", scope),
        ("Kvittot skapat", local_time(receipt.generated_at)),
        ("Antal tidredovisningar", summary(&receipt.reports)),
    ] {
        pages.place(fonts.key_values(label, &[value], BODY, LABEL_WIDTH));
    }
    let unsettled = receipt
        .reports
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Accepted { .. }))
        .count();
    if unsettled > 0 {
        pages.place(gap(4.0));
        pages.place(highlighted(
            &fonts,
            &format!(
                "{unsettled} av {} tidredovisningar är inte mottagna av FK. De står först nedan.",
                receipt.reports.len()
            ),
            BODY,
            (255, 228, 196),
        ));
    }
    pages.place(gap(6.0));
    pages.place(rule(1.0));

    // Reports FK has not accepted first: they are what the coordinator must act on.
    let mut order: Vec<&ReceiptReport> = receipt.reports.iter().collect();
    order.sort_by_key(|r| matches!(r.outcome, Outcome::Accepted { .. }));
    for (i, report) in order.into_iter().enumerate() {
        pages.keep_together(report_block(&fonts, i + 1, report));
    }

    pages.place(gap(8.0));
    // The section is read as a whole: kept on one page rather than leaving a paragraph behind.
    pages.keep_together(check_section(&fonts).into_iter().flatten().collect());

    pages.render(
        &fonts,
        title,
        &format!(
            "{}Kvitto {} – {}",
            if receipt.fk_test_service {
                "TEST – "
            } else {
                ""
            },
            receipt.month,
            receipt.provider.name
        ),
    )
}

fn summary(reports: &[ReceiptReport]) -> String {
    let count = |f: fn(&Outcome) -> bool| reports.iter().filter(|r| f(&r.outcome)).count();
    format!(
        "{} (mottagna av FK: {}, avvisade: {}, oklara: {}, inte skickade: {})",
        reports.len(),
        count(|o| matches!(o, Outcome::Accepted { .. })),
        count(|o| matches!(o, Outcome::Rejected { .. })),
        count(|o| matches!(o, Outcome::Uncertain { .. })),
        count(|o| matches!(o, Outcome::NotSent)),
    )
}

fn signature(sig: Option<&SignatureInfo>) -> String {
    match sig {
        Some(sig) => {
            let id = sig
                .signer_id
                .as_ref()
                .map(|id| format!(" ({})", id.masked()))
                .unwrap_or_default();
            format!("{}{id}, signerad {}", sig.signer_name, sig.signed_on)
        }
        None => "Inte signerad".to_owned(),
    }
}

fn report_block(fonts: &Fonts, number: usize, report: &ReceiptReport) -> Vec<Strip> {
    let mut strips = fonts.paragraph(
        0.0,
        &format!(
            "{number}. {} – {}",
            report.person.name, report.assistant.name
        ),
        10.5,
        Weight::Bold,
    );
    let kv = |label: &str, values: Vec<String>| fonts.key_values(label, &values, BODY, LABEL_WIDTH);
    strips.push(kv(
        "Person",
        vec![format!(
            "{}, {}",
            report.person.name,
            report.person.personnummer.as_identity()
        )],
    ));
    strips.push(kv(
        "Assistent",
        vec![format!(
            "{}, {}",
            report.assistant.name, report.assistant.identity_number
        )],
    ));
    strips.push(kv(
        "Tidredovisning",
        vec![format!("{}, version {}", report.report_id, report.version)],
    ));
    strips.push(kv(
        "SHA-256 (kanonisk XML)",
        vec![report.canonical_sha256.clone()],
    ));
    strips.push(kv(
        "SHA-256 (skickade byte)",
        vec![report.document_sha256.clone()],
    ));
    strips.push(kv(
        "Assistentens underskrift",
        vec![signature(report.assistant_signature.as_ref())],
    ));
    strips.push(kv(
        "Anordnarens underskrift",
        vec![signature(report.provider_signature.as_ref())],
    ));
    strips.push(kv(
        "Skickad",
        vec![
            report
                .sent_at
                .map(local_time)
                .unwrap_or_else(|| "Inte skickad".to_owned()),
        ],
    ));
    strips.push(kv("FK:s svar", vec![report.outcome.describe_sv()]));
    strips.push(kv("Tid (verkliga timmar)", totals_lines(&report.totals)));
    if !report.dst_notes.is_empty() {
        strips.push(kv(
            "Sommartid/vintertid",
            report
                .dst_notes
                .iter()
                .map(|n| {
                    format!(
                        "Dag {} {}–{} {}: {} (klocktid {} h, verklig tid {} h)",
                        n.day,
                        n.from,
                        n.to,
                        n.kind.label_sv(),
                        n.note,
                        hours(u64::from(n.clock_minutes)),
                        hours(u64::from(n.real_minutes)),
                    )
                })
                .collect(),
        ));
    }
    strips.push(gap(2.0));
    strips.push(rule(0.5));
    strips
}

fn check_section(fonts: &Fonts) -> Vec<Vec<Strip>> {
    let mut heading = fonts.paragraph(0.0, CHECK_HEADING, 11.0, Weight::Bold);
    heading.push(gap(2.0));
    let mut parts = vec![heading];
    for text in CHECK_TEXT {
        let mut paragraph = fonts.paragraph(0.0, text, BODY, Weight::Regular);
        paragraph.push(gap(3.0));
        parts.push(paragraph);
    }
    parts
}
