//! Month review over 1 000 000 shifts (target: under 200 ms in release).
//!
//! October 2026 (the autumn DST month), 3 000 assistants × 50 persons: each assistant works for
//! 1–3 persons, ~333 back-to-back shifts of 1–2.5 hours with short gaps, so some cross midnight
//! and some cross the DST change. Every assistant exceeds the working-time limit, so the
//! warnings are built too.
//!
//! Run: `CARGO_TARGET_DIR=/work/target-core cargo bench -p assistid-core --bench review`

use std::hint::black_box;
use std::time::Duration;

use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::limits::LimitConfig;
use assistid_core::model::{
    Assistant, Employment, PersonWithAssistance, Phone, Provider, Register, ReportMonth, TimeKind,
};
use assistid_core::review::MonthReview;
use assistid_core::shift::Shift;
use assistid_core::time::ShiftTime;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::Stockholm;
use criterion::{Criterion, criterion_group, criterion_main};

const ASSISTANTS: usize = 3_000;
const PERSONS: usize = 50;
const SHIFTS: usize = 1_000_000;

/// A small deterministic generator (no dependency, same data every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn id_digits(date: NaiveDate, serial: u32) -> String {
    let body = format!("{}{:03}", &date.format("%Y%m%d").to_string()[2..], serial);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    format!(
        "{}{body}{}",
        &date.format("%Y").to_string()[..2],
        (10 - sum % 10) % 10
    )
}

fn number(i: usize) -> String {
    let date =
        NaiveDate::from_ymd_opt(1950, 1, 1).expect("valid") + chrono::Days::new(i as u64 / 900);
    id_digits(date, (i % 900) as u32 + 1)
}

fn to_shift_time(utc: chrono::DateTime<chrono::Utc>) -> ShiftTime {
    let local = utc.with_timezone(&Stockholm);
    let offset = chrono::Offset::fix(local.offset()).local_minus_utc() / 60;
    ShiftTime::with_offset(local.naive_local(), offset).expect("a real instant resolves")
}

struct Data {
    provider: Provider,
    persons: Vec<PersonWithAssistance>,
    assistants: Vec<Assistant>,
    shifts: Vec<Shift>,
}

fn data() -> Data {
    let mut rng = Lcg(42);
    let persons: Vec<PersonWithAssistance> = (0..PERSONS)
        .map(|i| {
            PersonWithAssistance::new(
                Personnummer::from_digits(&number(i)).expect("generated valid"),
                "Brukare",
                &format!("Nummer{i}"),
            )
            .expect("complete")
        })
        .collect();
    let assistants: Vec<Assistant> = (0..ASSISTANTS)
        .map(|i| Assistant {
            id: IdentityNumber::from_digits(&number(100_000 + i)).expect("generated valid"),
            first_name: "Assistent".into(),
            last_name: format!("Nummer{i}"),
            phone: None,
            collective_agreement: i % 3 == 0,
            employment: if i % 4 == 0 {
                Employment::PersonWithAssistance
            } else {
                Employment::Provider
            },
            calculation_period: None,
        })
        .collect();
    let month_start = Stockholm
        .with_ymd_and_hms(2026, 10, 1, 0, 0, 0)
        .single()
        .expect("midnight exists")
        .with_timezone(&chrono::Utc);
    let mut shifts = Vec::with_capacity(SHIFTS);
    let per_assistant = SHIFTS / ASSISTANTS + 1;
    for a in &assistants {
        let served: Vec<usize> = (0..1 + rng.below(3))
            .map(|_| rng.below(PERSONS as u64) as usize)
            .collect();
        let mut t = month_start + chrono::Duration::minutes(rng.below(120) as i64);
        for _ in 0..per_assistant {
            if shifts.len() == SHIFTS {
                break;
            }
            let len = 60 + 15 * rng.below(7) as i64;
            let end = t + chrono::Duration::minutes(len);
            let p = served[rng.below(served.len() as u64) as usize];
            shifts.push(Shift {
                assistant: a.id.clone(),
                person: persons[p].personnummer.clone(),
                start: to_shift_time(t),
                end: to_shift_time(end),
                kind: TimeKind::ALL[rng.below(3) as usize],
                note: None,
            });
            t = end + chrono::Duration::minutes(15 * rng.below(2) as i64);
        }
    }
    Data {
        provider: Provider::new(
            "Assistans AB",
            OrgNumber::parse("202100-5521").expect("valid"),
            None,
            Phone::parse("08-123 456 78").expect("valid"),
        )
        .expect("complete"),
        persons,
        assistants,
        shifts,
    }
}

fn bench(c: &mut Criterion) {
    let data = data();
    let register = Register {
        provider: Some(&data.provider),
        persons: &data.persons,
        assistants: &data.assistants,
    };
    let month: ReportMonth = "2026-10".parse().expect("valid month");
    let config = LimitConfig::default();
    let review = MonthReview::build(month, &register, &data.shifts, &config);
    let rows: usize = review.reports().iter().map(|r| r.rows().len()).sum();
    println!(
        "{} shifts → {} reports, {} rows, {} report warnings",
        data.shifts.len(),
        review.reports().len(),
        rows,
        review
            .reports()
            .iter()
            .map(|r| r.warnings().len())
            .sum::<usize>()
    );
    let mut group = c.benchmark_group("review");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("month_review_1m_shifts", |b| {
        b.iter(|| {
            MonthReview::build(
                black_box(month),
                &register,
                black_box(&data.shifts),
                &config,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
