//! A demo month (October 2026, with the autumn DST night) and helpers to read PDFs back.

use std::path::Path;
use std::process::Command;

use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::limits::LimitConfig;
use assistid_core::model::{
    Assistant, Employment, PersonWithAssistance, Phone, Provider, Register, ReportMonth, TimeKind,
};
use assistid_core::review::MonthReview;
use assistid_core::shift::Shift;
use assistid_core::time::ShiftTime;
use assistid_receipt::{
    AssistantRef, DstNoteRow, FaultKind, Outcome, PersonRef, ProviderInfo, ReceiptReport,
    ReceiptScope, SignatureInfo, SubmissionReceipt,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

pub(crate) fn id_digits(yyyymmdd: &str, serial: u32) -> String {
    let body = format!("{}{:03}", &yyyymmdd[2..], serial);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    format!("{yyyymmdd}{:03}{}", serial, (10 - sum % 10) % 10)
}

pub(crate) fn pnr(yyyymmdd: &str, serial: u32) -> Personnummer {
    Personnummer::from_digits(&id_digits(yyyymmdd, serial)).expect("a generated valid personnummer")
}

pub(crate) fn idnr(yyyymmdd: &str, serial: u32) -> IdentityNumber {
    IdentityNumber::from_digits(&id_digits(yyyymmdd, serial)).expect("a generated valid number")
}

pub(crate) fn month() -> ReportMonth {
    "2026-10".parse().expect("a valid month")
}

fn at(s: &str) -> ShiftTime {
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .expect("test times are written YYYY-MM-DD HH:MM");
    ShiftTime::resolve(local, None).expect("test times exist and are unambiguous")
}

fn shift(a: &IdentityNumber, p: &Personnummer, start: &str, end: &str, kind: TimeKind) -> Shift {
    Shift {
        assistant: a.clone(),
        person: p.clone(),
        start: at(start),
        end: at(end),
        kind,
        note: None,
    }
}

pub(crate) fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("a valid UTC time")
}

pub(crate) fn day(s: &str) -> NaiveDate {
    s.parse().expect("test dates are written YYYY-MM-DD")
}

/// The demo month: Åsa Öberg gets assistance from Erik Johansson (every day, and the autumn
/// DST night, where 00.00–04.00 is 5 real hours) and from Märta Ödlund (väntetid, beredskap).
pub(crate) struct Demo {
    pub(crate) provider: Provider,
    pub(crate) persons: Vec<PersonWithAssistance>,
    pub(crate) assistants: Vec<Assistant>,
    pub(crate) shifts: Vec<Shift>,
}

impl Demo {
    pub(crate) fn new() -> Self {
        let asa = pnr("19500101", 2);
        let erik = idnr("19900101", 1);
        let marta = idnr("19850612", 3);
        let mut shifts = Vec::new();
        for d in 1..=31 {
            if d == 25 {
                continue;
            }
            shifts.push(shift(
                &erik,
                &asa,
                &format!("2026-10-{d:02} 08:00"),
                &format!("2026-10-{d:02} 12:30"),
                TimeKind::Aktiv,
            ));
        }
        shifts.push(shift(
            &erik,
            &asa,
            "2026-10-25 00:00",
            "2026-10-25 04:00",
            TimeKind::Aktiv,
        ));
        shifts.push(shift(
            &marta,
            &asa,
            "2026-10-03 22:00",
            "2026-10-04 06:00",
            TimeKind::Vante,
        ));
        shifts.push(shift(
            &marta,
            &asa,
            "2026-10-10 18:00",
            "2026-10-10 23:00",
            TimeKind::Beredskap,
        ));
        let assistant = |id: &IdentityNumber, first: &str, last: &str| Assistant {
            id: id.clone(),
            first_name: first.to_owned(),
            last_name: last.to_owned(),
            phone: None,
            collective_agreement: false,
            employment: Employment::Provider,
            calculation_period: None,
        };
        Self {
            provider: Provider::new(
                "Assistans & Omsorg i Norrland AB",
                OrgNumber::parse("202100-5521").expect("FK's own organisation number is valid"),
                None,
                Phone::parse("08-123 456 78").expect("a long enough phone"),
            )
            .expect("a complete provider"),
            persons: vec![
                PersonWithAssistance::new(asa, "Åsa", "Öberg").expect("a complete person"),
            ],
            assistants: vec![
                assistant(&erik, "Erik", "Johansson"),
                assistant(&marta, "Märta", "Ödlund"),
            ],
            shifts,
        }
    }

    pub(crate) fn review(&self) -> MonthReview {
        let register = Register {
            provider: Some(&self.provider),
            persons: &self.persons,
            assistants: &self.assistants,
        };
        let mut review =
            MonthReview::build(month(), &register, &self.shifts, &LimitConfig::default());
        for (i, report) in review.reports_mut().iter_mut().enumerate() {
            report.set_id(format!("0d6f3a5e-7c1b-4e8a-9f2d-00000000000{i}"));
        }
        review
    }
}

pub(crate) fn provider_info() -> ProviderInfo {
    ProviderInfo {
        name: "Assistans & Omsorg i Norrland AB".to_owned(),
        org_number: "2021005521".to_owned(),
    }
}

pub(crate) fn person_ref() -> PersonRef {
    PersonRef {
        personnummer: pnr("19500101", 2),
        name: "Åsa Öberg".to_owned(),
    }
}

pub(crate) const TX_ID: &str = "6b1f0c1e-2d3a-4f5b-8c9d-0e1f2a3b4c5d";
pub(crate) const FK_MESSAGE: &str = "cvc-pattern-valid: Value '8.30' is not facet-valid with respect to pattern '([01][0-9]|2[0-4])\\.[0-5][0-9]' for type 'KlockslagTyp'.";

/// The receipt of the demo month: Erik's report (first) accepted, Märta's rejected by FK.
pub(crate) fn demo_receipt() -> SubmissionReceipt {
    let review = Demo::new().review();
    let reports = review
        .reports()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let signature = |name: &str, id: IdentityNumber, d: &str| SignatureInfo {
                signer_name: name.to_owned(),
                signer_id: Some(id),
                signed_on: day(d),
            };
            ReceiptReport {
                person: PersonRef {
                    personnummer: r.person().clone(),
                    name: r.person_name().to_owned(),
                },
                assistant: AssistantRef {
                    identity_number: r.assistant().clone(),
                    name: r.assistant_name().to_owned(),
                },
                report_id: r.id().expect("the demo sets ids").to_owned(),
                version: 1,
                document_sha256: format!("{:064x}", 0xabc0 + i),
                canonical_sha256: format!("{:064x}", 0xdef0 + i),
                assistant_signature: Some(signature(
                    r.assistant_name(),
                    r.assistant().clone(),
                    "2026-11-01",
                )),
                provider_signature: Some(signature(
                    "Karin Lund",
                    idnr("19700303", 5),
                    "2026-11-02",
                )),
                sent_at: Some(utc(2026, 11, 2, 9, 15 + i as u32)),
                outcome: if r.assistant_name() == "Erik Johansson" {
                    Outcome::Accepted {
                        tx_id: TX_ID.to_owned(),
                    }
                } else {
                    Outcome::Rejected {
                        fk_message: FK_MESSAGE.to_owned(),
                        fault: FaultKind::XmlValidation,
                    }
                },
                totals: *r.totals(),
                dst_notes: DstNoteRow::from_review(r),
            }
        })
        .collect::<Vec<_>>();
    // The review lists Märta (born 1985) first; put Erik first so the receipt has to reorder.
    let mut reports = reports;
    reports.reverse();
    SubmissionReceipt {
        provider: provider_info(),
        month: month(),
        generated_at: utc(2026, 11, 2, 9, 30),
        scope: ReceiptScope::SubmissionRun {
            run_id: "run-2026-11-02-001".to_owned(),
        },
        reports,
        fk_test_service: false,
    }
}

/// `pdftotext -layout` of a PDF.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("the PDF can be written");
    run_text(&path, &["-layout"])
}

/// `pdftotext -bbox` of a PDF: the HTML with one `<word>` per word and its box.
pub(crate) fn pdf_bbox(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("the PDF can be written");
    run_text(&path, &["-bbox"])
}

fn run_text(path: &Path, args: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(args)
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext reads the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

/// Number of pages, from `pdfinfo`.
pub(crate) fn page_count(pdf: &[u8]) -> usize {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("the PDF can be written");
    let out = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports the page count")
}

/// Every word's right edge is inside the page width minus the margin, and its left edge inside
/// the left margin; returns the offending words.
pub(crate) fn words_outside_margins(pdf: &[u8]) -> Vec<String> {
    let html = pdf_bbox(pdf);
    let mut bad = Vec::new();
    for line in html.lines().filter(|l| l.contains("<word ")) {
        let attr = |name: &str| -> f32 {
            let key = format!("{name}=\"");
            line.split(&key)
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .and_then(|v| v.parse().ok())
                .expect("pdftotext -bbox gives xMin/xMax")
        };
        // 50 pt margins on A4 (595.28 pt); allow half a point of rounding.
        if attr("xMax") > 595.28 - 50.0 + 0.5 || attr("xMin") < 50.0 - 0.5 {
            bad.push(line.trim().to_owned());
        }
    }
    bad
}

/// The review's report with this id.
pub(crate) fn review_report<'a>(
    review: &'a MonthReview,
    id: &str,
) -> &'a assistid_core::review::ReportReview {
    review
        .reports()
        .iter()
        .find(|r| r.id() == Some(id))
        .expect("the receipt's report is in the review")
}
