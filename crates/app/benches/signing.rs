//! Signing benchmark: what a coordinator waits for besides BankID itself, and what the FK
//! submission pays per report before sending.
//!
//! Measures, on the demo data with the in-process fake BankID (collect every 20 ms, the fake
//! user approves after 20 ms):
//! - a provider batch over every assistant-signed report of the month (prepare + one order +
//!   verify + store on all reports), and
//! - `App::verify_stored_signatures` for one fully signed report (both signatures re-verified
//!   against the stored bytes), averaged over many calls.
//!
//! `cargo bench -p assistid-app --bench signing` runs it (200 verifications). Without `--bench`
//! (as `cargo test --all-targets` runs it) a tiny version runs (5 verifications).

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use assistid_app::signing::{
    BankIdEnvironment, CancelSignal, DEMO_SIGNATORY, SigningOptions, StandInBankId, Uuid,
};
use assistid_app::{App, KeySource};
use assistid_core::ids::Personnummer;
use assistid_core::secret::Sensitive;
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
use chrono::Utc;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BenchResult<()> {
    let full = std::env::args().any(|a| a == "--bench");
    let runs = if full { 200 } else { 5 };
    let dir = tempfile::tempdir()?;
    let app = App::open(
        dir.path(),
        KeySource::File(dir.path().join("k")),
        Utc::now(),
    )?;
    app.load_demo_if_empty(Utc::now())?;
    let month = "2026-10".parse()?;
    let ids: Vec<Uuid> = app
        .month_review(month, Utc::now())?
        .reports()
        .iter()
        .filter(|r| r.is_sendable())
        .filter_map(|r| r.id().and_then(|i| Uuid::parse_str(i).ok()))
        .collect();
    let options = SigningOptions {
        collect_interval: Duration::from_millis(20),
        qr_interval: Duration::from_millis(20),
        ..SigningOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let batch = runtime.block_on(async {
        // The demo's BankID as the demo wiring starts it; its user approves every order
        // after 20 ms as the person the order names.
        let fake = FakeBankId::start(FakeBankIdConfig {
            auto_approve_after: Some(Duration::from_millis(20)),
            ..FakeBankIdConfig::default()
        })
        .await?;
        let bankid = app.connect_stand_in_bankid(StandInBankId {
            base_url: fake.base_url(),
            tls_root_pem: fake.ssl_root_pem().to_owned(),
            rp_identity_pem: Sensitive::new(fake.client_identity_pem()?),
            user_root_der: fake.user_root_der().to_vec(),
        })?;
        let mut quiet = |_| {};
        for &id in &ids {
            app.sign_as_assistant(id, &bankid, &options, &CancelSignal::new(), &mut quiet)
                .await?;
        }
        let started = Instant::now();
        let signatory = Personnummer::from_digits(DEMO_SIGNATORY)?;
        app.sign_as_provider(
            month,
            None,
            &signatory,
            &bankid,
            &options,
            &CancelSignal::new(),
            &mut quiet,
        )
        .await?;
        Ok::<_, Box<dyn std::error::Error>>(started.elapsed())
    })?;
    println!(
        "provider batch over {} reports (1 order, incl. ~60 ms of fake-user and collect waits): {:.1} ms",
        ids.len(),
        batch.as_secs_f64() * 1000.0
    );
    let started = Instant::now();
    for _ in 0..runs {
        app.verify_stored_signatures(ids[0], BankIdEnvironment::Demo)?;
    }
    let each = started.elapsed() / runs;
    println!(
        "verify_stored_signatures (assistant + provider signature): {:.2} ms per report over {runs} runs",
        each.as_secs_f64() * 1000.0
    );
    Ok(())
}
