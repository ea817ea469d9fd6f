//! The importer's hot path: storing 100 000 shifts in one `insert_shifts` call into a fresh
//! encrypted database (with all indexes and the duplicate check), next to a plain unencrypted
//! SQLite insert of the same rows into a table without indexes as a floor.
//!
//! Run: `cargo bench -p assistid-store --bench bulk_insert`

use std::hint::black_box;

use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{
    Assistant, Employment, PersonWithAssistance, Phone, Provider, TimeKind,
};
use assistid_core::shift::Shift;
use assistid_core::time::ShiftTime;
use assistid_store::{KeySource, Store};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const ROWS: usize = 100_000;
const ASSISTANTS: usize = 50;

fn valid_digits(yyyymmdd: &str, serial: u32) -> String {
    let ten = format!("{}{:03}", &yyyymmdd[2..], serial);
    let sum: u32 = ten
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    format!("{yyyymmdd}{serial:03}{}", (10 - sum % 10) % 10)
}

struct Data {
    provider: Provider,
    person: PersonWithAssistance,
    assistants: Vec<Assistant>,
    shifts: Vec<Shift>,
}

fn data() -> Data {
    let person = PersonWithAssistance::new(
        Personnummer::from_digits(&valid_digits("19750315", 1)).expect("valid"),
        "Sigrid",
        "Ödmansson",
    )
    .expect("valid");
    let assistants: Vec<Assistant> = (0..ASSISTANTS)
        .map(|i| Assistant {
            id: IdentityNumber::from_digits(&valid_digits(
                "19900101",
                u32::try_from(i + 1).expect("small"),
            ))
            .expect("valid"),
            first_name: "Åsa".to_owned(),
            last_name: format!("Assistent {i}"),
            phone: None,
            collective_agreement: true,
            employment: Employment::Provider,
            calculation_period: None,
        })
        .collect();
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date");
    let shifts = (0..ROWS)
        .map(|i| {
            let a = &assistants[i % ASSISTANTS];
            let day = first + Duration::days(i64::try_from(i / ASSISTANTS).expect("small"));
            let start = day.and_hms_opt(8, 0, 0).expect("a time");
            let end = day.and_hms_opt(16, 30, 0).expect("a time");
            Shift {
                assistant: a.id.clone(),
                person: person.personnummer.clone(),
                start: ShiftTime::resolve(start, None).expect("exists"),
                end: ShiftTime::resolve(end, None).expect("exists"),
                kind: TimeKind::Aktiv,
                note: (i % 10 == 0).then(|| "byte av pass".to_owned()),
            }
        })
        .collect();
    Data {
        provider: Provider::new(
            "Omsorg AB",
            OrgNumber::parse("556677-8899").expect("valid"),
            None,
            Phone::parse("08-123 456 78").expect("valid"),
        )
        .expect("valid"),
        person,
        assistants,
        shifts,
    }
}

fn fresh_store(data: &Data) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_in_data_dir(dir.path(), &KeySource::File(dir.path().join("key")))
        .expect("opens");
    let provider = store.add_provider(&data.provider).expect("provider");
    store.add_person(provider, &data.person).expect("person");
    for a in &data.assistants {
        store.add_assistant(a).expect("assistant");
    }
    (dir, store)
}

fn bench(c: &mut Criterion) {
    let data = data();
    let created_at: DateTime<Utc> = DateTime::from_timestamp(1_800_000_000, 0).expect("instant");
    let mut group = c.benchmark_group("store");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));

    group.bench_function("insert_shifts_100k_encrypted", |b| {
        b.iter_batched(
            || fresh_store(&data),
            |(dir, store)| {
                let counts = store
                    .insert_shifts(&data.shifts, Some("bench"), created_at)
                    .expect("inserted");
                assert_eq!(counts.inserted, ROWS);
                (dir, store)
            },
            BatchSize::PerIteration,
        );
    });

    group.bench_function("insert_shifts_100k_again_all_present", |b| {
        let (_dir, store) = fresh_store(&data);
        store
            .insert_shifts(&data.shifts, Some("bench"), created_at)
            .expect("inserted");
        b.iter(|| {
            let counts = store
                .insert_shifts(&data.shifts, Some("bench"), created_at)
                .expect("checked");
            assert_eq!(counts.already_present, ROWS);
        });
    });

    group.bench_function("floor_plain_sqlite_100k_no_index", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temp dir");
                let conn = rusqlite::Connection::open(dir.path().join("plain.db")).expect("opens");
                conn.execute_batch(
                    "CREATE TABLE t (a TEXT, p TEXT, d TEXT, s TEXT, e TEXT, k TEXT, n TEXT)",
                )
                .expect("table");
                (dir, conn)
            },
            |(dir, mut conn)| {
                let tx = conn.transaction().expect("tx");
                {
                    let mut stmt = tx
                        .prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                        .expect("prepared");
                    for s in &data.shifts {
                        stmt.execute(rusqlite::params![
                            s.assistant.digits(),
                            s.person.digits(),
                            s.start.local().date().to_string(),
                            s.start.local().time().to_string(),
                            s.end.local().time().to_string(),
                            s.kind.code(),
                            s.note,
                        ])
                        .expect("inserted");
                    }
                }
                tx.commit().expect("committed");
                black_box((dir, conn))
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
