//! Specification: FK's report document (`Tidredovisning`, schema 1.8).
//!
//! - Every generated document validates against FK's own XSD with xmllint (one xmllint call for
//!   the whole generated set): arbitrary names (markup characters, Swedish letters, emoji, long
//!   names), every employment variant, with and without samordningsnummer, 0..n calculation
//!   periods, 28/29/30/31-day months, both DST months, empty months, hundreds of rows.
//! - Golden files (`tests/golden/*.xml`) fix the exact bytes and hashes of a few reports;
//!   `UPDATE_GOLDEN=1 cargo test -p assistid-core --test spec golden` rewrites them.
//! - What [`render`] refuses, it refuses with a Swedish message naming the field or row.
//! - [`parse_report`] reads back what [`render`] wrote.

use std::path::{Path, PathBuf};
use std::process::Command;

use assistid_core::c14n::report_hash;
use assistid_core::document::{
    DocumentError, NAMESPACE, ParsedReport, ReportContent, ReportDocument, TextProblem,
    XML_DECLARATION, parse_report, render,
};
use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{
    Assistant, Employment, PersonWithAssistance, Phone, Provider, ReportMonth, TimeKind,
};
use assistid_core::rows::{ClockTime, ReportRow};
use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use uuid::Uuid;

/// FK's schema, next to the repository (never copied into it).
pub(crate) fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fk/tidredovisning_extern_v1.xsd")
}

/// One report's data, owned, so that strategies can produce it.
#[derive(Debug, Clone)]
pub(crate) struct OwnedReport {
    pub id: Uuid,
    pub month: ReportMonth,
    pub provider: Provider,
    pub person: PersonWithAssistance,
    pub assistant: Assistant,
    pub periods: Vec<(NaiveDate, NaiveDate)>,
    pub rows: Vec<ReportRow>,
}

impl OwnedReport {
    pub fn content(&self) -> ReportContent<'_> {
        ReportContent {
            id: self.id,
            month: self.month,
            provider: &self.provider,
            person: &self.person,
            assistant: &self.assistant,
            periods: &self.periods,
            rows: &self.rows,
        }
    }

    pub fn render(&self) -> ReportDocument {
        render(&self.content()).expect("generated report data is valid and must render")
    }
}

fn luhn_digit(nine: &str) -> u32 {
    let sum: u32 = nine
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// A valid 12-digit identity number (a samordningsnummer when `coordination`).
pub(crate) fn identity_digits(
    year: u32,
    month: u32,
    day: u32,
    serial: u32,
    coordination: bool,
) -> String {
    let day = if coordination { day + 60 } else { day };
    let nine = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
    format!("{:02}{nine}{}", year / 100, luhn_digit(&nine))
}

/// A valid organisationsnummer (third digit ≥ 2 as the numbering rules want).
pub(crate) fn org_digits(body: u32) -> String {
    let nine = format!("556{:06}", body % 1_000_000);
    format!("{nine}{}", luhn_digit(&nine))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date in the test data")
}

fn hm(h: u16, m: u16) -> ClockTime {
    ClockTime::from_hm(h, m).expect("a real clock time in the test data")
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// Names people and companies have, and names that try to break XML.
pub(crate) fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-zÅÄÖåäöÉéÜü&<>\"' .-]{1,40}",
        2 => "\\PC{1,30}",
        1 => "[a-zåäö&<>\"' ]{150,400}",
        1 => prop::sample::select(vec![
            "Åsa Öberg-Lind & Co",
            "<script>alert('x')</script>",
            "]]>",
            "&amp;",
            "Zoë 😀 Ångström",
            "O'Brien \"Bob\"",
        ])
        .prop_map(str::to_owned),
    ]
    .prop_map(|s| {
        let t = s.trim();
        if t.is_empty() {
            "Åke".to_owned()
        } else {
            t.to_owned()
        }
    })
}

fn arb_phone() -> impl Strategy<Value = Phone> {
    "[0-9+() -]{7,20}".prop_map(|s| {
        Phone::parse(&s)
            .or_else(|_| Phone::parse("08-123 45 67"))
            .expect("the fallback phone is valid")
    })
}

fn arb_identity(coordination: bool) -> impl Strategy<Value = IdentityNumber> {
    (1930u32..2006, 1u32..=12, 1u32..=28, 1u32..1000).prop_map(move |(y, m, d, s)| {
        IdentityNumber::from_digits(&identity_digits(y, m, d, s, coordination))
            .expect("generated identity numbers have valid dates and checksums")
    })
}

fn arb_org() -> impl Strategy<Value = OrgNumber> {
    any::<u32>().prop_map(|b| OrgNumber::parse(&org_digits(b)).expect("generated orgnr is valid"))
}

fn arb_employment() -> impl Strategy<Value = Employment> {
    prop_oneof![
        Just(Employment::Provider),
        Just(Employment::SelfEmployed),
        Just(Employment::PersonWithAssistance),
        (proptest::option::of(arb_name()), arb_org())
            .prop_map(|(name, org_number)| Employment::OtherEmployer { name, org_number }),
    ]
}

fn arb_month() -> impl Strategy<Value = ReportMonth> {
    prop_oneof![
        // Any month of a decade: 28/29/30/31 days.
        (2020i32..2031, 1u32..=12),
        // The DST months, more often.
        (2020i32..2031, prop::sample::select(vec![3u32, 10])),
        // February of leap and common years.
        (
            prop::sample::select(vec![2024i32, 2025, 2028, 2100]),
            Just(2u32)
        ),
    ]
    .prop_map(|(y, m)| ReportMonth::new(y, m).expect("a real month"))
}

fn arb_rows(month: ReportMonth) -> impl Strategy<Value = Vec<ReportRow>> {
    let days = month.days();
    let row = (
        1..=days,
        0u16..1440,
        prop::sample::select(TimeKind::ALL.to_vec()),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(day, from, kind, len)| {
            let to = from + 1 + len.index(usize::from(1440 - from)) as u16;
            ReportRow {
                day,
                from: ClockTime::from_minutes(from).expect("from < 1440"),
                to: ClockTime::from_minutes(to).expect("to <= 1440"),
                kind,
            }
        });
    let count = prop_oneof![3 => 0usize..8, 2 => 8usize..70, 1 => 200usize..400];
    count.prop_flat_map(move |n| {
        prop::collection::vec(row.clone(), n).prop_map(|mut rows| {
            rows.sort();
            rows
        })
    })
}

fn arb_periods(month: ReportMonth) -> impl Strategy<Value = Vec<(NaiveDate, NaiveDate)>> {
    let first = month.first_day();
    prop::collection::vec((-130i64..30, 0i64..130), 0..4).prop_map(move |spans| {
        spans
            .into_iter()
            .map(|(start, len)| {
                let from = first + chrono::Duration::days(start);
                (from, from + chrono::Duration::days(len))
            })
            .collect()
    })
}

pub(crate) fn arb_report() -> impl Strategy<Value = OwnedReport> {
    let people = (
        (
            arb_name(),
            arb_org(),
            proptest::option::of(arb_name()),
            arb_phone(),
        ),
        (arb_identity(false), arb_name(), arb_name()),
        (
            any::<bool>().prop_flat_map(arb_identity),
            arb_name(),
            arb_name(),
            proptest::option::of(arb_phone()),
            any::<bool>(),
            arb_employment(),
        ),
        any::<u128>(),
    );
    (people, arb_month()).prop_flat_map(|(people, month)| {
        (
            Just(people),
            Just(month),
            arb_periods(month),
            arb_rows(month),
        )
            .prop_map(
                |(
                    ((pname, org, contact, pphone), (pnr, pfirst, plast), assistant, id_bits),
                    month,
                    periods,
                    rows,
                )| {
                    let (aid, afirst, alast, aphone, agreement, employment) = assistant;
                    OwnedReport {
                        id: uuid::Builder::from_random_bytes(id_bits.to_le_bytes()).into_uuid(),
                        month,
                        provider: Provider::new(&pname, org, contact.as_deref(), pphone)
                            .expect("generated provider is valid"),
                        person: PersonWithAssistance::new(
                            Personnummer::try_from(pnr).expect("a personnummer"),
                            &pfirst,
                            &plast,
                        )
                        .expect("generated person is valid"),
                        assistant: Assistant {
                            id: aid,
                            first_name: afirst,
                            last_name: alast,
                            phone: aphone,
                            collective_agreement: agreement,
                            employment,
                            calculation_period: None,
                        },
                        periods,
                        rows,
                    }
                },
            )
    })
}

/// `n` reports drawn deterministically from [`arb_report`] (the same every run for a seed).
pub(crate) fn sample_reports(n: usize, seed: u8) -> Vec<OwnedReport> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = arb_report();
    (0..n)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("the report strategy always produces a value")
                .current()
        })
        .collect()
}

/// Runs `xmllint --noout --schema FK.xsd` over all files in one call; returns its stderr on
/// failure.
pub(crate) fn xmllint_validate(files: &[PathBuf]) -> Result<(), String> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema_path())
        .args(files)
        .output()
        .expect("xmllint must be installed (apt-get install libxml2-utils)");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed reports (golden files)
// ---------------------------------------------------------------------------------------------

fn fixed_provider() -> Provider {
    Provider::new(
        "Assistans & Omsorg i Norr AB",
        OrgNumber::parse(&org_digits(123_456)).expect("valid orgnr"),
        Some("Åsa Öberg-Lind"),
        Phone::parse("08-123 456 78").expect("valid phone"),
    )
    .expect("valid provider")
}

fn fixed_person() -> PersonWithAssistance {
    PersonWithAssistance::new(
        Personnummer::from_digits(&identity_digits(1990, 1, 1, 1, false)).expect("valid pnr"),
        "Erik",
        "Lind <\"Kalle\"> O'Neil",
    )
    .expect("valid person")
}

fn fixed_assistant(employment: Employment, coordination: bool) -> Assistant {
    Assistant {
        id: IdentityNumber::from_digits(&identity_digits(1985, 2, 2, 2, coordination))
            .expect("valid identity number"),
        first_name: "Märta".into(),
        last_name: "Ek & Söner".into(),
        phone: Some(Phone::parse("070-123 45 67").expect("valid phone")),
        collective_agreement: true,
        employment,
        calculation_period: None,
    }
}

fn row(day: u32, from: ClockTime, to: ClockTime, kind: TimeKind) -> ReportRow {
    ReportRow {
        day,
        from,
        to,
        kind,
    }
}

/// The golden reports: one per employment variant, an empty month and both DST months with
/// overnight rows ending at 24.00.
fn golden_reports() -> Vec<(&'static str, OwnedReport)> {
    let base = |n: u128, month: &str, employment, coordination| OwnedReport {
        id: Uuid::from_u128(0x0b6e_4a1c_6f3e_4d2a_9c1b_2f4e_5d6a_7b00 + n),
        month: month.parse().expect("valid month"),
        provider: fixed_provider(),
        person: fixed_person(),
        assistant: fixed_assistant(employment, coordination),
        periods: vec![],
        rows: vec![
            row(2, hm(8, 0), hm(16, 30), TimeKind::Aktiv),
            row(2, hm(16, 30), hm(17, 0), TimeKind::Vante),
            row(14, hm(22, 0), ClockTime::END_OF_DAY, TimeKind::Beredskap),
            row(15, ClockTime::MIDNIGHT, hm(6, 0), TimeKind::Beredskap),
        ],
    };
    let mut provider = base(1, "2026-04", Employment::Provider, false);
    provider.periods = vec![
        (ymd(2026, 3, 16), ymd(2026, 4, 12)),
        (ymd(2026, 4, 13), ymd(2026, 5, 10)),
    ];
    let mut other = base(
        2,
        "2026-02",
        Employment::OtherEmployer {
            name: Some("Bemanning & Co AB".into()),
            org_number: OrgNumber::parse(&org_digits(654_321)).expect("valid orgnr"),
        },
        true,
    );
    other.assistant.collective_agreement = false;
    let mut self_employed = base(3, "2024-02", Employment::SelfEmployed, false);
    self_employed.provider.contact_person = None;
    self_employed.assistant.phone = None;
    self_employed
        .rows
        .push(row(29, hm(9, 0), hm(12, 0), TimeKind::Aktiv));
    let mut by_person = base(4, "2026-01", Employment::PersonWithAssistance, false);
    by_person.assistant.collective_agreement = false;
    by_person.periods = vec![
        (ymd(2026, 1, 1), ymd(2026, 1, 28)),
        (ymd(2026, 1, 29), ymd(2026, 2, 25)),
    ];
    let mut empty = base(5, "2026-06", Employment::Provider, false);
    empty.rows.clear();
    let mut dst = base(6, "2026-10", Employment::Provider, false);
    dst.periods = vec![(ymd(2026, 9, 1), ymd(2026, 12, 31))];
    dst.rows = vec![
        // The autumn night (25 October 2026): clock times as worked, FK corrects the hour.
        row(24, hm(20, 0), ClockTime::END_OF_DAY, TimeKind::Aktiv),
        row(25, ClockTime::MIDNIGHT, hm(4, 0), TimeKind::Vante),
        row(25, hm(4, 0), hm(8, 0), TimeKind::Aktiv),
        row(31, hm(23, 0), ClockTime::END_OF_DAY, TimeKind::Beredskap),
    ];
    let mut spring = base(7, "2026-03", Employment::Provider, false);
    spring.rows = vec![
        // The spring night (29 March 2026): 00.00–04.00 is 3 real hours; FK corrects it.
        row(28, hm(22, 0), ClockTime::END_OF_DAY, TimeKind::Vante),
        row(29, ClockTime::MIDNIGHT, hm(4, 0), TimeKind::Vante),
        row(31, hm(7, 15), hm(15, 45), TimeKind::Aktiv),
    ];
    vec![
        ("employed_by_provider", provider),
        ("other_employer_samordningsnummer", other),
        ("self_employed_leap_february", self_employed),
        ("employed_by_person", by_person),
        ("empty_month", empty),
        ("dst_october", dst),
        ("dst_march", spring),
    ]
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn xmllint_c14n_hash(file: &Path) -> String {
    let out = Command::new("xmllint")
        .arg("--c14n")
        .arg(file)
        .output()
        .expect("xmllint must be installed");
    assert!(
        out.status.success(),
        "xmllint --c14n failed on {}",
        file.display()
    );
    assistid_core::c14n::sha256_hex(&out.stdout)
}

#[test]
fn golden_reports_match_their_files_byte_for_byte_and_their_hashes() {
    let dir = golden_dir();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut hashes = String::new();
    let mut files = Vec::new();
    for (name, report) in golden_reports() {
        let doc = report.render();
        let path = dir.join(format!("{name}.xml"));
        if update {
            std::fs::create_dir_all(&dir).expect("create tests/golden");
            std::fs::write(&path, doc.bytes()).expect("write golden file");
        }
        let golden = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}); run with UPDATE_GOLDEN=1",
                path.display()
            )
        });
        assert!(
            golden == doc.bytes(),
            "{name}: rendered bytes differ from {}:\n--- golden\n{}\n--- rendered\n{}",
            path.display(),
            String::from_utf8_lossy(&golden),
            String::from_utf8_lossy(doc.bytes())
        );
        let hash = doc.sha256();
        assert_eq!(
            report_hash(&golden).expect("golden files canonicalize"),
            hash,
            "{name}: the fast hash must equal the canonicalizer's"
        );
        assert_eq!(
            xmllint_c14n_hash(&path),
            hash,
            "{name}: the hash must equal SHA-256 of xmllint's canonical form"
        );
        hashes.push_str(&format!("{hash}  {name}.xml\n"));
        files.push(path);
    }
    let hash_file = dir.join("SHA256SUMS");
    if update {
        std::fs::write(&hash_file, &hashes).expect("write golden hashes");
    }
    let expected = std::fs::read_to_string(&hash_file).expect("tests/golden/SHA256SUMS exists");
    assert_eq!(
        expected, hashes,
        "golden hashes changed: the documents' canonical form moved"
    );
    xmllint_validate(&files).unwrap_or_else(|e| panic!("golden files must validate:\n{e}"));
}

// ---------------------------------------------------------------------------------------------
// Schema validity over generated reports
// ---------------------------------------------------------------------------------------------

#[test]
fn every_generated_report_validates_against_fks_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = sample_reports(300, 7);
    let mut files = Vec::new();
    let (mut coordination, mut periods, mut empty, mut many_rows) = (0, 0, 0, 0);
    let mut employments = [0; 4];
    let mut month_lengths = std::collections::BTreeSet::new();
    let mut dst_months = 0;
    for (i, r) in reports.iter().enumerate() {
        let doc = r.render();
        let path = dir.path().join(format!("report-{i:04}.xml"));
        std::fs::write(&path, doc.bytes()).expect("write report");
        files.push(path);
        coordination += usize::from(r.assistant.id.is_coordination());
        periods += usize::from(!r.periods.is_empty());
        empty += usize::from(r.rows.is_empty());
        many_rows += usize::from(r.rows.len() >= 200);
        month_lengths.insert(r.month.days());
        dst_months += usize::from(matches!(r.month.month(), 3 | 10));
        employments[match r.assistant.employment {
            Employment::Provider => 0,
            Employment::OtherEmployer { .. } => 1,
            Employment::SelfEmployed => 2,
            Employment::PersonWithAssistance => 3,
        }] += 1;
    }
    // The sample must really cover what this test claims to cover.
    assert!(coordination > 0 && periods > 0 && empty > 0 && many_rows > 0 && dst_months > 0);
    assert!(
        employments.iter().all(|&n| n > 0),
        "every employment variant: {employments:?}"
    );
    assert_eq!(
        month_lengths.len(),
        4,
        "28, 29, 30 and 31-day months: {month_lengths:?}"
    );
    if let Err(e) = xmllint_validate(&files) {
        panic!("generated reports must validate against FK's XSD:\n{e}");
    }
}

#[test]
fn the_schema_check_itself_catches_a_broken_document() {
    // Guard against a vacuous validation: a `8.30` time and a `false` flag must fail.
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = golden_reports()[0].1.render();
    let text = String::from_utf8(doc.into_bytes()).expect("UTF-8");
    for (what, from, to) in [
        (
            "one-digit hour",
            "<fromTid>08.00</fromTid>",
            "<fromTid>8.00</fromTid>",
        ),
        (
            "colon",
            "<fromTid>08.00</fromTid>",
            "<fromTid>08:00</fromTid>",
        ),
        (
            "false flag",
            "<aktivTid>true</aktivTid>",
            "<aktivTid>false</aktivTid>",
        ),
        ("uppercase id", "<id>0b6e", "<id>0B6E"),
    ] {
        assert!(text.contains(from), "{what}: fixture must contain {from}");
        let path = dir.path().join("broken.xml");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
        assert!(
            xmllint_validate(&[path]).is_err(),
            "{what} must fail FK's XSD"
        );
    }
}

#[test]
fn month_lengths_and_dst_months_accept_their_last_day_only() {
    for (month, days) in [
        ("2026-02", 28),
        ("2024-02", 29),
        ("2026-04", 30),
        ("2026-03", 31),
        ("2026-10", 31),
    ] {
        let mut report = golden_reports().remove(0).1;
        report.month = month.parse().expect("valid month");
        report.periods.clear();
        report.rows = vec![row(days, hm(22, 0), ClockTime::END_OF_DAY, TimeKind::Aktiv)];
        assert!(
            render(&report.content()).is_ok(),
            "{month}: day {days} exists"
        );
        report.rows[0].day = days + 1;
        let err = render(&report.content()).expect_err("a day after the month's end");
        assert_eq!(err.code(), "document_row_day", "{month}");
        assert!(
            err.to_string().contains(&format!("dag {}", days + 1))
                && err.to_string().contains(&format!("{days} dagar")),
            "the message names the day and the month length: {err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Exact form
// ---------------------------------------------------------------------------------------------

#[test]
fn the_document_has_fks_namespace_order_and_formats() {
    let doc = golden_reports()[0].1.render();
    let text = std::str::from_utf8(doc.bytes()).expect("UTF-8");
    assert!(text.starts_with(XML_DECLARATION), "UTF-8 declaration first");
    assert!(
        text.contains(&format!("<Tidredovisning xmlns=\"{NAMESPACE}\">")),
        "FK's namespace as the default namespace on the root"
    );
    assert!(!text.contains('\r'), "line ends are \\n only");
    let order = [
        "<id>",
        "<redovisningsmanad>2026-04<",
        "<personSomHarAssistans>",
        "<assistent>",
        "<berakningsperiod>",
        "<assistansanordnare>",
        "<anordnareNamn>",
        "<organisationsnummer>",
        "<kontaktperson>",
        "<telefonnummer>",
        "<assistentAnstalldAvAnordnare>true<",
        "<tidrapport>",
        "<rapportRad>",
        "<telefonnummerAnordnare>",
        "<telefonnummerAssistent>",
    ];
    let mut at = 0;
    for part in order {
        let found = text[at..]
            .find(part)
            .unwrap_or_else(|| panic!("{part} must follow in schema order"));
        at += found;
    }
    assert!(
        text.contains("<fromTid>08.00</fromTid>"),
        "two-digit hours with a dot"
    );
    assert!(
        text.contains("<tomTid>24.00</tomTid>"),
        "24.00 ends an overnight row"
    );
    assert!(
        text.contains("<fromTid>00.00</fromTid>"),
        "00.00 starts the next day"
    );
    assert!(text.contains("<efternamn>Lind &lt;\"Kalle\"&gt; O'Neil</efternamn>"));
    assert!(text.contains("<anordnareNamn>Assistans &amp; Omsorg i Norr AB</anordnareNamn>"));
}

#[test]
fn each_employment_variant_writes_its_choice() {
    let cases = [
        (
            Employment::Provider,
            "<assistentAnstalldAvAnordnare>true</assistentAnstalldAvAnordnare>",
        ),
        (
            Employment::SelfEmployed,
            "<assistentEgenForetagare>true</assistentEgenForetagare>",
        ),
        (
            Employment::PersonWithAssistance,
            "<anstalldAvPersonSomHarAssistans>true</anstalldAvPersonSomHarAssistans>",
        ),
        (
            Employment::OtherEmployer {
                name: None,
                org_number: OrgNumber::parse(&org_digits(42)).expect("valid orgnr"),
            },
            "<annanArbetsgivare>\n      <organisationsnummer>",
        ),
    ];
    for (employment, expected) in cases {
        let mut report = golden_reports().remove(0).1;
        report.assistant.employment = employment.clone();
        let doc = report.render();
        let text = std::str::from_utf8(doc.bytes()).expect("UTF-8");
        assert!(
            text.contains(expected),
            "{employment:?} must write {expected}"
        );
        assert_eq!(
            text.contains("<assistansanordnare>"),
            employment != Employment::PersonWithAssistance,
            "{employment:?}: the provider block only when the person does not employ"
        );
    }
}

#[test]
fn a_samordningsnummer_is_written_as_such() {
    let report = &golden_reports()[1].1;
    assert!(report.assistant.id.is_coordination(), "fixture");
    let doc = report.render();
    let text = std::str::from_utf8(doc.bytes()).expect("UTF-8");
    assert!(text.contains(&format!(
        "<samordningsnummer>{}</samordningsnummer>",
        report.assistant.id.digits()
    )));
}

#[test]
fn debug_output_never_shows_the_bytes() {
    let doc = golden_reports()[0].1.render();
    let debug = format!("{doc:?}");
    assert!(
        !debug.contains("199001"),
        "no personnummer in Debug: {debug}"
    );
}

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------

#[test]
fn names_that_xml_or_fk_cannot_carry_are_refused_with_the_field_named() {
    type Edit = fn(&mut OwnedReport, String);
    let fields: [(&str, Edit); 6] = [
        ("förnamn för personen med assistans", |r, v| {
            r.person.first_name = v
        }),
        ("efternamn för personen med assistans", |r, v| {
            r.person.last_name = v
        }),
        ("assistentens förnamn", |r, v| r.assistant.first_name = v),
        ("assistentens efternamn", |r, v| r.assistant.last_name = v),
        ("anordnarens namn", |r, v| r.provider.name = v),
        ("anordnarens kontaktperson", |r, v| {
            r.provider.contact_person = Some(v)
        }),
    ];
    for (field, edit) in fields {
        for (value, problem) in [
            ("Anna\u{7}", "document_text"),
            ("An\nna", "document_text"),
            ("An\rna", "document_text"),
            ("An\tna", "document_text"),
            (" Anna", "document_text"),
            ("Anna ", "document_text"),
            ("", "document_text"),
            ("An\u{85}na", "document_text"),
            ("Anna\u{FFFE}", "document_text"),
        ] {
            let mut report = golden_reports().remove(0).1;
            edit(&mut report, value.to_owned());
            let err = render(&report.content()).expect_err("must be refused");
            assert_eq!(err.code(), problem);
            let DocumentError::Text { field: named, .. } = &err else {
                panic!("a text error expected, got {err:?}");
            };
            assert_eq!(*named, field, "the error names the field");
            assert!(
                err.to_string().starts_with(field),
                "message starts with the field: {err}"
            );
        }
    }
    let mut report = golden_reports().remove(0).1;
    report.person.first_name = "An\nna".into();
    let err = render(&report.content()).expect_err("line break");
    assert_eq!(
        err,
        DocumentError::Text {
            field: "förnamn för personen med assistans",
            problem: TextProblem::ControlCharacter {
                position: 3,
                code_point: 10
            }
        }
    );
    assert!(err.to_string().contains("plats 3"), "{err}");
}

#[test]
fn other_employer_name_and_phones_are_checked_too() {
    let mut report = golden_reports().remove(0).1;
    report.assistant.employment = Employment::OtherEmployer {
        name: Some("Bolag\u{1b}".into()),
        org_number: OrgNumber::parse(&org_digits(1)).expect("valid orgnr"),
    };
    let err = render(&report.content()).expect_err("escape character in employer name");
    assert!(err.to_string().starts_with("arbetsgivarens namn"), "{err}");

    let mut report = golden_reports().remove(0).1;
    report.assistant.phone = Some(Phone::parse("070-12\n34 567").expect("Phone allows it"));
    let err = render(&report.content()).expect_err("line break in the assistant's phone");
    assert!(
        err.to_string().starts_with("assistentens telefonnummer"),
        "{err}"
    );
}

#[test]
fn rows_are_checked_before_anything_is_written() {
    let cases = [
        (
            row(0, hm(8, 0), hm(9, 0), TimeKind::Aktiv),
            "document_row_day",
        ),
        (
            row(31, hm(8, 0), hm(9, 0), TimeKind::Aktiv),
            "document_row_day",
        ),
        (
            row(3, hm(9, 0), hm(9, 0), TimeKind::Aktiv),
            "document_row_times",
        ),
        (
            row(3, hm(9, 0), hm(8, 0), TimeKind::Aktiv),
            "document_row_times",
        ),
        (
            row(
                3,
                ClockTime::END_OF_DAY,
                ClockTime::END_OF_DAY,
                TimeKind::Aktiv,
            ),
            "document_row_times",
        ),
    ];
    for (bad, code) in cases {
        let mut report = golden_reports().remove(0).1; // April: 30 days
        report.rows.insert(1, bad);
        let err = render(&report.content()).expect_err("a bad row");
        assert_eq!(err.code(), code, "{bad:?}");
        assert!(
            err.to_string().starts_with("rad 2"),
            "the row is named: {err}"
        );
    }
}

#[test]
fn a_period_ending_before_it_starts_is_refused() {
    let mut report = golden_reports().remove(0).1;
    report.periods = vec![
        (ymd(2026, 4, 1), ymd(2026, 4, 28)),
        (ymd(2026, 5, 1), ymd(2026, 4, 1)),
    ];
    let err = render(&report.content()).expect_err("reversed period");
    assert_eq!(err.code(), "document_period");
    assert!(err.to_string().starts_with("beräkningsperiod 2"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------------------------

fn expected_parse(r: &OwnedReport) -> ParsedReport {
    ParsedReport {
        id: r.id,
        month: r.month,
        person: r.person.personnummer.clone(),
        assistant: r.assistant.id.clone(),
        rows: r.rows.clone(),
    }
}

proptest! {
    #![proptest_config(Config { cases: 64, ..Config::default() })]

    #[test]
    fn parsing_a_rendered_report_gives_back_its_data(report in arb_report()) {
        let doc = report.render();
        let parsed = parse_report(doc.bytes()).expect("a rendered report parses");
        prop_assert_eq!(parsed, expected_parse(&report));
        prop_assert_eq!(doc.id(), report.id);
    }
}

#[test]
fn the_parser_refuses_what_is_not_a_report() {
    let doc = golden_reports()[0].1.render();
    let text = String::from_utf8(doc.into_bytes()).expect("UTF-8");
    let cases = [
        (
            text.replace(NAMESPACE, "urn:other"),
            "document_not_a_report",
        ),
        (
            text.replace("<fromTid>08.00<", "<fromTid>8.00<"),
            "document_value",
        ),
        (text.replacen("<dag>2</dag>", "", 1), "document_missing"),
        (
            text.replacen("<aktivTid>true<", "<aktivTid>false<", 1),
            "document_value",
        ),
        (text.replacen("<id>", "<id>X", 1), "document_value"),
        (text[..text.len() / 2].to_owned(), "document_xml"),
        (
            text.replacen(
                "<redovisningsmanad>",
                "<redovisningsmanad>2026-04</redovisningsmanad><redovisningsmanad>",
                1,
            ),
            "document_repeated",
        ),
        ("<Tidredovisning/>".to_owned(), "document_not_a_report"),
    ];
    for (i, (bad, code)) in cases.into_iter().enumerate() {
        let err = parse_report(bad.as_bytes()).expect_err("must be refused");
        assert_eq!(err.code(), code, "case {i}: {err}");
    }
}

#[test]
fn the_parser_accepts_other_prefixes_and_cdata() {
    // FK's schema is about names and namespaces, not about how a sender spells the prefix.
    let r = &golden_reports()[0].1;
    let doc = r.render();
    let text = std::str::from_utf8(doc.bytes()).expect("UTF-8");
    let mut prefixed = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        prefixed.push(c);
        if c == '<' {
            match chars.peek() {
                Some('/') => {
                    chars.next();
                    prefixed.push_str("/fk:");
                }
                Some(next) if next.is_ascii_alphabetic() => prefixed.push_str("fk:"),
                _ => {}
            }
        }
    }
    let prefixed = prefixed.replace("xmlns=", "xmlns:fk=");
    let parsed = parse_report(prefixed.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{prefixed}"));
    assert_eq!(parsed, expected_parse(r));
    let cdata = text.replacen("<dag>2</dag>", "<dag><![CDATA[2]]></dag>", 1);
    assert_eq!(
        parse_report(cdata.as_bytes()).expect("CDATA text"),
        expected_parse(r)
    );
}
