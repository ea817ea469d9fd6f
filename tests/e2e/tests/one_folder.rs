//! The CLI and the real desktop app on one data folder (issue 15): the desktop binary, driven
//! through WebDriver, sends a month from a real (non-demo) folder working in FK's test service
//! — here a slow fake FK in this process, set up in the folder's settings as a coordinator
//! would (address, FK's CA, the client certificate file) — while `assistid submit` runs on the
//! same folder. FK's pace is measured where FK would measure it, at the fake. Then a second
//! start of the desktop binary must hand over to the first window and end.
//!
//! Run with `scripts/e2e.sh` (after the walk). Fails, never skips, without a display or the
//! WebDriver tools.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use assistid_app::environments::TrustChoice;
use assistid_app::import::ImportOptions;
use assistid_app::submit::Environment;
use assistid_app::{App, KeySource};
use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer, with_control_digit};
use assistid_core::model::{Assistant, Employment, PersonWithAssistance, Phone, Provider};
use assistid_e2e::{Desktop, build_app, target_dir};
use assistid_fakes::bankid::UserCertificateAuthority;
use assistid_fakes::fk::{BackgroundFakeFk, Behaviour, FakeFk, FakeFkConfig, RecordedOutcome};
use assistid_store::{
    DataKind, KeySource as StoreKeys, SignatureEnvironment, Store, Submission, SubmissionState,
};
use assistid_test_kit::{PROVIDER_SIGNER, Signing, sign_reports};
use chrono::{Datelike as _, Months, Utc};
use fantoccini::Locator;
use uuid::Uuid;

const PASSWORD: &str = "en-mapp-två-program";
/// 2 persons × 3 assistants: six reports, six seconds at FK's pace.
const PERSONS: u32 = 2;
const ASSISTANTS: u32 = 3;

/// The month the app opens on (app's `calendar::month_due_next`, asked by the UI through the `deadline` command): the one whose
/// deadline comes next, from today in Sweden.
fn month_in_view() -> String {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive();
    let back = if today.day() <= 5 { 2 } else { 1 };
    let month = today
        .with_day(1)
        .and_then(|first| first.checked_sub_months(Months::new(back)))
        .expect("a month before today exists");
    month.format("%Y-%m").to_string()
}

/// `YYYYMMDD` + a 3-digit serial + the Luhn digit.
fn identity_digits(yyyymmdd: &str, serial: u32) -> String {
    with_control_digit(&format!("{yyyymmdd}{serial:03}"))
        .expect("8 date digits and a 3-digit serial are 11 digits")
}

/// The folder, prepared as a coordinator would have it after going live in FK's test service:
/// provider, people, the month imported and reviewed, every report signed (by the fake
/// BankID, whose root the folder trusts in test as `assistid bankid set-user-root` does), FK's
/// address, CA and the client certificate file in the settings. Returns the report ids.
fn prepare_folder(
    data: &Path,
    key: &Path,
    month: &str,
    bankid: &UserCertificateAuthority,
    fake: &BackgroundFakeFk,
) -> anyhow::Result<Vec<Uuid>> {
    std::fs::create_dir_all(data)?;
    let now = Utc::now();
    let store = Store::open_in_data_dir(data, &StoreKeys::File(key.to_path_buf()))?;
    let provider = store.add_provider(&Provider::new(
        "Två Program Omsorg AB",
        OrgNumber::parse("556677-8899")?,
        Some("Karin Krasch"),
        Phone::parse("08-123 456 78")?,
    )?)?;
    store.set_data_kind(DataKind::Real, now)?;
    let mut persons = Vec::new();
    for i in 0..PERSONS {
        let digits = identity_digits("19500101", i + 1);
        let pnr = Personnummer::from_digits(&digits)?;
        store.add_person(
            provider,
            &PersonWithAssistance::new(pnr, "Person", &format!("Mapp {i}"))?,
        )?;
        persons.push(digits);
    }
    let mut assistants = Vec::new();
    for i in 0..ASSISTANTS {
        let digits = identity_digits("19800101", i + 1);
        store.add_assistant(&Assistant {
            id: IdentityNumber::from_digits(&digits)?,
            first_name: "Assistent".into(),
            last_name: format!("Mapp {i}"),
            phone: None,
            collective_agreement: true,
            employment: Employment::Provider,
            calculation_period: None,
        })?;
        assistants.push(digits);
    }
    let mut csv = String::from("assistent;person;datum;start;slut;typ\n");
    for (a, assistant) in assistants.iter().enumerate() {
        for (p, person) in persons.iter().enumerate() {
            let day = (p + a) % 28 + 1;
            csv.push_str(&format!(
                "{assistant};{person};{month}-{day:02};08:00;14:00;aktiv\n"
            ));
        }
    }
    drop(store);

    let home = data.parent().context("the data folder has a parent")?;
    let app = App::open(data, KeySource::File(key.to_path_buf()), now)?;
    app.set_environment(Environment::Test, now)?;
    app.set_fk_endpoint(Environment::Test, Some(&fake.endpoint()), now)?;
    app.set_fk_trust(
        Environment::Test,
        TrustChoice::CaPem(fake.ca_pem().as_bytes()),
        now,
    )?;
    let root = home.join("fake-bankid-root.der");
    std::fs::write(&root, bankid.root_der())?;
    app.set_bankid_test_user_root(&root, now)?;
    let csv_path = home.join("month.csv");
    std::fs::write(&csv_path, csv)?;
    app.import_commit(&csv_path, &ImportOptions::default(), now)?;
    let report_month = month.parse()?;
    app.month_review(report_month, now)?;
    drop(app);

    let store = Store::open_in_data_dir(data, &StoreKeys::File(key.to_path_buf()))?;
    let p12 = home.join("fk-client.p12");
    std::fs::write(&p12, fake.client_identity_p12(PASSWORD)?)?;
    store.set_setting(
        assistid_store::settings::ELT_CLIENT_CERT_PATH,
        p12.to_str().context("UTF-8 temporary path")?,
        now,
    )?;
    let versions = store.latest_report_versions_in_month(report_month)?;
    if versions.len() != (PERSONS * ASSISTANTS) as usize {
        bail!(
            "one report per assistant and person, got {}",
            versions.len()
        );
    }
    // Signed as BankID's test service would (the shared kit, with the fake BankID's signing
    // code): each assistant their report, then one provider order per person (the product's
    // rule), each over that person's reports.
    let how = Signing {
        bankid,
        environment: SignatureEnvironment::Test,
        provider_signer: PROVIDER_SIGNER,
        provider_name: "Karin Krasch",
        assistant_name: "Mapp Mappsson",
        signed_at: now,
        signed_on: now.date_naive(),
    };
    let mut ids = Vec::new();
    for person in &persons {
        let own: Vec<_> = versions
            .iter()
            .filter(|v| v.person.digits() == person.as_str())
            .cloned()
            .collect();
        ids.extend(sign_reports(&store, &own, &how, |_, binding| binding)?);
    }
    Ok(ids)
}

fn submissions(data: &Path, key: &Path) -> anyhow::Result<Vec<Submission>> {
    Ok(Store::open_in_data_dir(data, &StoreKeys::File(key.to_path_buf()))?.all_submissions()?)
}

/// The `assistid` program of this build (`ASSISTID_CLI_BIN` names another).
fn cli_binary() -> PathBuf {
    std::env::var_os("ASSISTID_CLI_BIN")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug").join("assistid"))
}

async fn scenario(
    desktop: &Desktop,
    (data, key): (&Path, &Path),
    month: &str,
    fake: &BackgroundFakeFk,
    reports: &[Uuid],
) -> anyhow::Result<()> {
    // The window opened the prepared folder (not the demo): FK's test service, our people.
    desktop
        .wait_for_text("[data-testid=test-banner]", "TEST")
        .await
        .context("the real folder working in FK's test service is open")?;
    desktop
        .wait_for_text("main", "Mapp 0")
        .await
        .context("the overview lists the prepared folder's people")?;
    // The desktop window starts the run.
    desktop.open_screen("submit").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut clicked = false;
        for button in desktop
            .client
            .find_all(Locator::Css("main button.primary"))
            .await?
        {
            if button.text().await.unwrap_or_default().contains("Skicka")
                && button.is_enabled().await.unwrap_or(false)
            {
                button.click().await?;
                clicked = true;
                break;
            }
        }
        if clicked {
            break;
        }
        if Instant::now() > deadline {
            bail!(
                "the Submit screen never offered to send the month's {} reports",
                reports.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Once the desktop has a request in flight, the CLI is started on the same folder.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !submissions(data, key)?
        .iter()
        .any(|s| s.state == SubmissionState::Sending)
    {
        if Instant::now() > deadline {
            bail!("the desktop app never started sending");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let cli = Command::new(cli_binary())
        .arg("--data-dir")
        .arg(data)
        .args(["submit", "--month", month])
        .env("ASSISTID_KEY_FILE", key)
        .env("ASSISTID_CLIENT_CERT_PASSWORD", PASSWORD)
        .env_remove("ASSISTID_LOG")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not run {}", cli_binary().display()))?;
    let stdout = String::from_utf8_lossy(&cli.stdout);
    if cli.status.code() != Some(0) {
        bail!(
            "the CLI beside the desktop's run must end well (exit 0), got {:?}\n{stdout}\n{}",
            cli.status.code(),
            String::from_utf8_lossy(&cli.stderr)
        );
    }
    if !stdout.contains("Ett annat program") || !stdout.contains("väntar") {
        bail!("the CLI must say that another program is sending and that it waits:\n{stdout}");
    }

    // The desktop's queue shows FK's tx-id for every report.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut with_tx = 0;
        for item in desktop
            .client
            .find_all(Locator::Css("main ul.queue li"))
            .await?
        {
            if item
                .text()
                .await
                .unwrap_or_default()
                .contains("Transaktions-id")
            {
                with_tx += 1;
            }
        }
        if with_tx == reports.len() {
            break;
        }
        if Instant::now() > deadline {
            bail!("the window shows {with_tx} of {} tx-ids", reports.len());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    let requests = fake.requests();
    if fake.rate_violations() != 0 {
        bail!(
            "the CLI and the desktop app together must keep FK's one call a second; arrivals: {:?}",
            requests.iter().map(|r| r.arrived_wall).collect::<Vec<_>>()
        );
    }
    if fake.duplicates() != 0 {
        bail!("a report was sent twice");
    }
    if requests.len() != reports.len() {
        bail!(
            "one request per report, whichever program sent it: {} requests for {} reports",
            requests.len(),
            reports.len()
        );
    }
    let after = submissions(data, key)?;
    for report in reports {
        let sub = after
            .iter()
            .find(|s| s.report_id == *report)
            .with_context(|| format!("report {report} was queued"))?;
        let fk_tx = requests.iter().find_map(|r| match r.outcome {
            RecordedOutcome::Accepted { report_id, tx_id } if report_id == *report => {
                Some(tx_id.to_string())
            }
            _ => None,
        });
        if sub.state != SubmissionState::Accepted || sub.tx_id.is_none() || sub.tx_id != fk_tx {
            bail!("report {report}: stored {sub:?}, but FK issued {fk_tx:?}");
        }
        if sub.attempts != 1 {
            bail!("report {report} was attempted {} times", sub.attempts);
        }
    }
    Ok(())
}

/// A second start of the desktop binary, with the same environment: it must hand over to
/// the running window (tauri-plugin-single-instance) and end, and the first window stays.
async fn second_start_ends(desktop: &Desktop, app: &Path) -> anyhow::Result<()> {
    let home = desktop.home.path();
    let (data, key) = Desktop::data_dir_in(home);
    let mut second = Command::new(app)
        .env("ASSISTID_DATA_DIR", data)
        .env("ASSISTID_KEY_FILE", key)
        .env("ASSISTID_LOG_DIR", home.join("logs-second"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("ASSISTID_CLIENT_CERT_PASSWORD", PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("the desktop binary starts a second time")?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            let _ = second.wait();
            bail!(
                "a second start of the desktop app on the same folder was still running after \
                 20 s: the single-instance hand-over did not happen"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    if !status.success() {
        bail!("the second start should end quietly after handing over, ended {status}");
    }
    // The first window still answers.
    desktop.open_screen("history").await?;
    desktop
        .wait_for_text("main", "Mottagen")
        .await
        .context("the first window still works after the second start")?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_and_the_desktop_app_send_from_one_folder_and_a_second_start_hands_over() {
    let app = build_app(false).expect("the desktop app builds");
    let home = tempfile::tempdir().expect("a temporary home");
    let (data, key) = Desktop::data_dir_in(home.path());
    let month = month_in_view();
    let bankid = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("BankID CA");
    // FK answers after two seconds: the desktop's run has requests in flight when the CLI comes.
    let fake = FakeFk::start_background(FakeFkConfig {
        default_behaviour: Behaviour::Delay(Duration::from_secs(2)),
        bankid_roots: Some(vec![bankid.root_der().to_vec()]),
        ..FakeFkConfig::default()
    })
    .expect("the fake FK starts on loopback");
    let reports =
        prepare_folder(&data, &key, &month, &bankid, &fake).expect("the data folder is prepared");

    let desktop =
        Desktop::start_in_with_env(&app, home, &[("ASSISTID_CLIENT_CERT_PASSWORD", PASSWORD)])
            .await
            .expect("the app starts under WebDriver");
    let result = match scenario(&desktop, (&data, &key), &month, &fake, &reports).await {
        Ok(()) => second_start_ends(&desktop, &app).await,
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        let kept = desktop.keep_artifacts().await;
        let _ = desktop.close().await;
        panic!("{e:#}\n(screenshot and logs: {kept})");
    }
    desktop.close().await.expect("the session closes");
}
