//! Build, canonicalize and hash reports of 60 rows (issue 2, section 6: target > 20,000 reports
//! per second). Run with
//! `CARGO_TARGET_DIR=/work/target-core cargo bench -p assistid-core --bench document`;
//! criterion prints the throughput in reports (elements) per second.
//!
//! - `render_and_hash`: what the app does for a report it builds: render, then SHA-256 of the
//!   canonical bytes the renderer already produced (proven equal to the canonicalizer's output in
//!   `tests/spec/c14n.rs`).
//! - `render_canonicalize_hash`: the same through the full canonicalizer (parse + C14N), as for
//!   bytes we did not render ourselves.
//! - `render`: the document alone.

use std::hint::black_box;

use assistid_core::c14n::report_hash;
use assistid_core::document::{ReportContent, render};
use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{
    Assistant, Employment, PersonWithAssistance, Phone, Provider, ReportMonth, TimeKind,
};
use assistid_core::rows::{ClockTime, ReportRow};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

struct Fixture {
    provider: Provider,
    person: PersonWithAssistance,
    assistant: Assistant,
    month: ReportMonth,
    rows: Vec<ReportRow>,
}

fn fixture() -> Fixture {
    let provider = Provider::new(
        "Assistans & Omsorg i Norr AB",
        OrgNumber::parse("5566778899").expect("valid orgnr"),
        Some("Åsa Öberg-Lind"),
        Phone::parse("08-123 456 78").expect("valid phone"),
    )
    .expect("valid provider");
    let person = PersonWithAssistance::new(
        Personnummer::from_digits("199001010017").expect("valid personnummer"),
        "Erik",
        "Lind",
    )
    .expect("valid person");
    let assistant = Assistant {
        id: IdentityNumber::from_digits("198502020020").expect("valid personnummer"),
        first_name: "Märta".into(),
        last_name: "Ek & Söner".into(),
        phone: Some(Phone::parse("070-123 45 67").expect("valid phone")),
        collective_agreement: true,
        employment: Employment::Provider,
        calculation_period: None,
    };
    let t = |h, m| ClockTime::from_hm(h, m).expect("valid time");
    // Two rows a day for 30 days: a day shift and an evening on call.
    let rows = (1..=30)
        .flat_map(|day| {
            [
                ReportRow {
                    day,
                    from: t(7, 30),
                    to: t(16, 0),
                    kind: TimeKind::Aktiv,
                },
                ReportRow {
                    day,
                    from: t(18, 0),
                    to: ClockTime::END_OF_DAY,
                    kind: TimeKind::Beredskap,
                },
            ]
        })
        .collect();
    Fixture {
        provider,
        person,
        assistant,
        month: ReportMonth::new(2026, 10).expect("valid month"),
        rows,
    }
}

fn content(f: &Fixture) -> ReportContent<'_> {
    ReportContent {
        id: uuid::Uuid::from_u128(0x0b6e_4a1c_6f3e_4d2a_9c1b_2f4e_5d6a_7b8c),
        month: f.month,
        provider: &f.provider,
        person: &f.person,
        assistant: &f.assistant,
        periods: &[],
        rows: &f.rows,
    }
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    assert_eq!(f.rows.len(), 60, "the benchmark is about 60-row reports");
    let mut group = c.benchmark_group("report_60_rows");
    group.throughput(Throughput::Elements(1));
    group.bench_function("render_and_hash", |b| {
        b.iter(|| {
            let doc = render(black_box(&content(&f))).expect("valid report");
            black_box(doc.sha256())
        })
    });
    group.bench_function("render_canonicalize_hash", |b| {
        b.iter(|| {
            let doc = render(black_box(&content(&f))).expect("valid report");
            black_box(report_hash(doc.bytes()).expect("canonicalizable"))
        })
    });
    group.bench_function("render", |b| {
        b.iter(|| black_box(render(black_box(&content(&f))).expect("valid report")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
