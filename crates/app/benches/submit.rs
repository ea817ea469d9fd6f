//! Submission pacing benchmark: 300 signed reports sent through the outbox to the fake FK,
//! whose answers are delayed 0 ms, 800 ms and 2 s, with the allowed rate raised to 10 per
//! second for the run (the default stays one per second; a test proves it). Reports the
//! achieved start rate against the allowed rate (target ≥ 97 %) and the rate violations the
//! fake FK counted (target 0).
//!
//! `cargo bench -p assistid-app --bench submit` runs the full benchmark. Without `--bench`
//! (as `cargo test --all-targets` runs it) a tiny version runs: 10 reports, no delay.
//!
//! `ASSISTID_BENCH_RATE` (starts per second) and `ASSISTID_BENCH_MARGIN_US` (the pacer's
//! safety margin) vary the settings to show the trade-off.

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use assistid_app::submit::{EltConnection, Environment, Pacer, PacingConfig, RetryPolicy};
use assistid_app::views::SubmissionState as ViewState;
use assistid_app::{App, KeySource};
use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{Assistant, Employment, PersonWithAssistance, Phone, Provider};
use assistid_core::secret::Sensitive;
use assistid_elt::client::Timeouts;
use assistid_elt::{EltClient, TrustAnchor};
use assistid_fakes::bankid::UserCertificateAuthority;
use assistid_fakes::fk::samples::sample_report;
use assistid_fakes::fk::{Behaviour, FakeFk, FakeFkConfig};
use assistid_store::{DataKind, KeySource as StoreKeys, NewReportVersion, Store};
use assistid_test_kit::Signing;
use chrono::Utc;
use uuid::Uuid;

const MONTH: &str = "2026-10";
/// 10 per second: an interval of 100 ms, so the pacer's 2 % margin (2 ms) is larger than the
/// scheduling jitter of a busy 2-core machine between our send and the fake's clock reading.
const DEFAULT_ALLOWED_PER_SECOND: u32 = 10;
/// Enough in flight for the slowest answers: rate × latency = 10/s × 2 s = 20, plus room.
const MAX_IN_FLIGHT: usize = 64;

fn allowed_per_second() -> u32 {
    std::env::var("ASSISTID_BENCH_RATE")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|r| *r > 0)
        .unwrap_or(DEFAULT_ALLOWED_PER_SECOND)
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// `YYYYMMDD` + a 3-digit serial + the Luhn digit.
fn valid_digits(yyyymmdd: &str, serial: u32) -> String {
    let ten = format!("{}{:03}", &yyyymmdd[2..], serial);
    let mut sum = 0;
    for (i, b) in ten.bytes().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    format!("{yyyymmdd}{serial:03}{}", (10 - sum % 10) % 10)
}

/// A data folder with `n` fully signed report versions of the month (one per assistant ×
/// person pair), marked as demo data.
fn prepare(dir: &std::path::Path, n: usize) -> BenchResult<()> {
    let store = Store::open_in_data_dir(dir, &StoreKeys::File(dir.join("bench.key")))?;
    let provider = store.add_provider(&Provider::new(
        "Bänk Omsorg AB",
        OrgNumber::parse("556677-8899")?,
        None,
        Phone::parse("08-123 456 78")?,
    )?)?;
    store.set_data_kind(DataKind::Demo, Utc::now())?;
    let persons_n = 20;
    let assistants_n = n.div_ceil(persons_n);
    let mut persons = Vec::new();
    for i in 0..persons_n {
        let pnr = Personnummer::from_digits(&valid_digits("19500101", i as u32 + 1))?;
        let person = PersonWithAssistance::new(pnr.clone(), "Person", "Bänksson")?;
        store.add_person(provider, &person)?;
        persons.push(pnr);
    }
    let mut assistants = Vec::new();
    for i in 0..assistants_n {
        let id = IdentityNumber::from_digits(&valid_digits("19800101", i as u32 + 1))?;
        store.add_assistant(&Assistant {
            id: id.clone(),
            first_name: "Assistent".into(),
            last_name: "Bänk".into(),
            phone: None,
            collective_agreement: true,
            employment: Employment::Provider,
            calculation_period: None,
        })?;
        assistants.push(id);
    }
    let month = MONTH.parse()?;
    let bankid = UserCertificateAuthority::new("Fake BankID Root CA v1 Test")?;
    // Trusted the way a demo run's fake BankID root is: saved in <data>/demo-pki/.
    assistid_test_kit::trust_in_demo(dir, "bench", bankid.root_der())?;
    let now = Utc::now();
    let mut saved = 0;
    'outer: for assistant in &assistants {
        for person in &persons {
            if saved == n {
                break 'outer;
            }
            let id = Uuid::new_v4();
            let document = sample_report(id, MONTH, assistant.digits());
            store.save_report_version(&NewReportVersion {
                report_id: id,
                assistant,
                person,
                month,
                document: &document,
                created_at: now,
            })?;
            saved += 1;
        }
    }
    let how = Signing {
        provider_name: "Karin Bänk",
        assistant_name: "Bänk Bänksson",
        ..Signing::demo(&bankid, now)
    };
    assistid_test_kit::sign_month(&store, month, &how, |_, binding| binding)?;
    Ok(())
}

struct Row {
    delay: Duration,
    sent: usize,
    accepted: usize,
    start_rate: f64,
    wall: Duration,
    violations: usize,
    closest_gap: Duration,
}

fn run(n: usize, delay: Duration) -> BenchResult<Row> {
    let dir = tempfile::tempdir()?;
    prepare(dir.path(), n)?;
    let app = App::open(
        dir.path(),
        KeySource::File(dir.path().join("bench.key")),
        Utc::now(),
    )?;
    let interval = Duration::from_secs(1) / allowed_per_second();
    let fk = FakeFk::start_background(FakeFkConfig {
        min_interval: interval,
        default_behaviour: if delay.is_zero() {
            Behaviour::Normal
        } else {
            Behaviour::Delay(delay)
        },
        ..FakeFkConfig::default()
    })?;
    let password = "bench";
    let client = EltClient::builder()
        .endpoint(fk.endpoint())
        .identity(
            fk.client_identity_p12(password)?,
            Sensitive::new(password.to_owned()),
        )
        .trust(TrustAnchor::PinnedCa(fk.ca_pem().to_owned()))
        .timeouts(Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(30),
        })
        .build()?;
    let connection = EltConnection::from_client(Environment::Demo, fk.endpoint(), client);
    let mut pacing = PacingConfig::for_tests_and_benchmarks(interval, MAX_IN_FLIGHT)?;
    // The safety margin (default 2 % of the interval) can be varied to show the trade-off.
    if let Some(us) = std::env::var("ASSISTID_BENCH_MARGIN_US")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        pacing = pacing.with_margin(Duration::from_micros(us));
    }
    let pacer = Pacer::new(pacing);
    let clock = Utc::now;
    let started = Instant::now();
    let month = MONTH.parse()?;
    let summary = app.submit_month(
        month,
        &connection,
        &pacer,
        &RetryPolicy::default(),
        &clock,
        &mut |_, _, _| {},
    )?;
    let wall = started.elapsed();
    let requests = fk.requests();
    let start_rate = match (requests.first(), requests.last()) {
        (Some(first), Some(last)) if requests.len() > 1 => {
            (requests.len() - 1) as f64 / last.arrived.duration_since(first.arrived).as_secs_f64()
        }
        _ => 0.0,
    };
    let closest_gap = requests
        .windows(2)
        .map(|w| w[1].arrived.duration_since(w[0].arrived))
        .min()
        .unwrap_or_default();
    Ok(Row {
        delay,
        sent: requests.len(),
        accepted: summary
            .results
            .iter()
            .filter(|r| r.state == ViewState::Accepted)
            .count(),
        start_rate,
        wall,
        violations: fk.rate_violations(),
        closest_gap,
    })
}

fn main() -> BenchResult<()> {
    let full = std::env::args().any(|a| a == "--bench");
    let (n, delays): (usize, Vec<u64>) = if full {
        (300, vec![0, 800, 2000])
    } else {
        (10, vec![0])
    };
    let margin =
        std::env::var("ASSISTID_BENCH_MARGIN_US").unwrap_or_else(|_| "default (2 %)".into());
    let allowed = allowed_per_second();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "submit: started {} UTC, load {}",
        Utc::now().format("%Y-%m-%d %H:%M"),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "submit: {n} reports, allowed {allowed}/s, {MAX_IN_FLIGHT} in flight, margin µs {margin}{}",
        if full {
            ""
        } else {
            " (quick check; full run: cargo bench -p assistid-app --bench submit)"
        }
    );
    println!(
        "| answer delay | sent | accepted | starts/s | achieved / allowed | duration | rate violations | closest gap |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut ok = true;
    for delay_ms in delays {
        let row = run(n, Duration::from_millis(delay_ms))?;
        let ratio = row.start_rate / f64::from(allowed) * 100.0;
        println!(
            "| {} ms | {} | {} | {:.2} | {:.1} % | {:.1} s | {} | {:.1} ms |",
            row.delay.as_millis(),
            row.sent,
            row.accepted,
            row.start_rate,
            ratio,
            row.wall.as_secs_f64(),
            row.violations,
            row.closest_gap.as_secs_f64() * 1000.0
        );
        // The quick check (under `cargo test`) only proves the path works; timing figures
        // (violations) come from the full run, never from a test.
        ok &= row.accepted == n && (!full || row.violations == 0);
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "submit: ended {} UTC, load {}",
        Utc::now().format("%H:%M"),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    if !ok {
        return Err("not every report was accepted without rate violations".into());
    }
    Ok(())
}
