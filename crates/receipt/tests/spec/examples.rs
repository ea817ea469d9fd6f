//! Writes the example documents for `scripts/receipt-screenshots.sh` when
//! `RECEIPT_EXAMPLES_DIR` is set (otherwise does nothing).

use assistid_receipt::{AssistantCopy, InvoiceFigures, assistant_copy_pdf, receipt_pdf};

use super::support::{Demo, demo_receipt, month, person_ref, provider_info, utc};

#[test]
fn write_example_documents_when_asked() {
    let Some(dir) = std::env::var_os("RECEIPT_EXAMPLES_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("the examples directory can be made");
    let receipt = demo_receipt();
    let review = Demo::new().review();
    std::fs::write(
        dir.join("receipt.pdf"),
        receipt_pdf(&receipt).expect("renders"),
    )
    .expect("written");
    let copy = AssistantCopy::new(
        &provider_info(),
        month(),
        utc(2026, 11, 2, 9, 30),
        &receipt.reports[0],
        super::support::review_report(&review, &receipt.reports[0].report_id),
    );
    std::fs::write(
        dir.join("assistant-copy.pdf"),
        assistant_copy_pdf(&copy).expect("renders"),
    )
    .expect("written");
    let figures = InvoiceFigures::from_review(
        &review,
        &person_ref(),
        &[assistid_receipt::MissingReport {
            assistant: receipt.reports[1].assistant.clone(),
            reason: assistid_receipt::MissingReason::RejectedByFk,
        }],
    );
    std::fs::write(
        dir.join("invoice.pdf"),
        figures
            .to_pdf(&provider_info(), utc(2026, 11, 2, 9, 30))
            .expect("renders"),
    )
    .expect("written");
    std::fs::write(dir.join("invoice.csv"), figures.to_csv()).expect("written");
}
