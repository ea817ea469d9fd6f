//! Streaming import benchmark: writes a CSV of 1,000,000 shift rows (or `IMPORT_BENCH_ROWS`) to
//! a temporary file, previews it through `for_each_shift` with a counting callback, and prints
//! rows per second and the process's peak resident memory (VmHWM from /proc/self/status).
//!
//! Run: `cargo bench -p assistid-import --bench import`

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_import::{ImportFormat, KnownPeople, for_each_shift};
use chrono::{Duration, NaiveDate};

/// A checksum-valid (fake) 12-digit personnummer for a birth date and serial.
fn personnummer(year: i32, month: u32, day: u32, serial: u32) -> String {
    let eleven = format!("{year:04}{month:02}{day:02}{serial:03}");
    let ten = &eleven[2..];
    let sum: u32 = ten
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    format!("{eleven}{}", (10 - sum % 10) % 10)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = std::env::var("IMPORT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let assistants: Vec<String> = (0..200)
        .map(|i| personnummer(1970 + (i % 30) as i32, 1 + i % 12, 1 + i % 28, 100 + i))
        .collect();
    let persons: Vec<String> = (0..50)
        .map(|i| personnummer(1940 + i as i32, 1 + i % 12, 1 + i % 28, 200 + i))
        .collect();
    let register = KnownPeople::new(
        assistants
            .iter()
            .map(|a| IdentityNumber::from_digits(a).expect("generated numbers are valid")),
        persons
            .iter()
            .map(|p| Personnummer::from_digits(p).expect("generated numbers are valid")),
    );

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("shifts.csv");
    let mut out = BufWriter::new(File::create(&path)?);
    writeln!(out, "assistent;person;datum;start;slut;typ;anteckning")?;
    let first_day = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    let kinds = ["aktiv", "vänte", "beredskap"];
    for i in 0..rows {
        let a = (i % 200) as usize;
        let rest = i / 200;
        let p = (rest % 50) as usize;
        let day = first_day + Duration::days((rest / 50 % 365) as i64);
        let (start, end, kind) = if i % 5 == 0 {
            (22, 7, kinds[1]) // overnight
        } else {
            let start = (i % 12) + 6;
            (start, (start + 6) % 24, kinds[(i % 3) as usize])
        };
        writeln!(
            out,
            "{};{};{};{start:02}:00;{end:02}:00;{kind};{}",
            assistants[a],
            persons[p],
            day.format("%Y-%m-%d"),
            if i % 10 == 0 {
                "anteckning med å, ä och ö"
            } else {
                ""
            }
        )?;
    }
    out.flush()?;
    drop(out);
    let bytes = std::fs::metadata(&path)?.len();
    let rss_before = peak_rss_kib();

    let today = NaiveDate::from_ymd_opt(2026, 11, 26).ok_or("date")?;
    let started = Instant::now();
    let mut shifts = 0u64;
    let preview = for_each_shift(
        BufReader::new(File::open(&path)?),
        &ImportFormat::Csv,
        &register,
        today,
        |_| {
            shifts += 1;
            Ok::<(), std::convert::Infallible>(())
        },
    )?;
    let elapsed = started.elapsed().as_secs_f64();
    let rss_after = peak_rss_kib();

    println!(
        "import_csv_streaming rows={rows} file={:.1} MiB time={elapsed:.2} s rate={:.0} rows/s \
         shifts={shifts} errors={} peak_rss_before={:.1} MiB peak_rss_after={:.1} MiB",
        bytes as f64 / 1_048_576.0,
        rows as f64 / elapsed,
        preview.counts.errors,
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
    );
    if preview.counts.errors > 0 {
        println!(
            "first problems: {:#?}",
            &preview.problems[..preview.problems.len().min(3)]
        );
    }
    Ok(())
}
