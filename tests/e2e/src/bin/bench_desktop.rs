//! Cold start to an interactive overview, idle memory, and the month grid of a person with
//! 40 assistants, in the real desktop app (run by `scripts/bench-desktop.sh` under Xvfb).
//! Release build unless `--debug`.
//!
//! "Start" is the WebDriver session request, which makes tauri-driver start WebKitWebDriver and
//! that start the app; "interactive" is the first report row of the overview in the DOM (the
//! data has then come back from Rust). The figure therefore includes the WebDriver's own start
//! and is an upper bound for a double-click start.
//!
//! Memory, after 5 s idle, over the app and its WebKit processes: RSS summed (counts the
//! libraries the processes share once per process, so it over-states) and PSS summed (each
//! shared page divided among the processes that map it — what the three use together).
//!
//! The grid: a data folder with the demo plus one person whom 40 assistants each serve one
//! shift every day of October 2026 (1 240 shifts); the time from leaving the overview to the
//! month grid's last cell (day 31, assistant 40) painted, measured inside the webview with
//! `performance.now()`; then typing a shift into a cell until its new text shows (entry,
//! validation and storing in Rust, the grid's re-render).

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use assistid_app::import::ImportOptions;
use assistid_app::register::{AssistantInput, PersonInput};
use assistid_app::{App, KeySource};
use assistid_e2e::{Desktop, build_app, walk};

/// Assistants serving the grid's person.
const ASSISTANTS: usize = 40;
/// The first eleven digits of the grid person's personnummer (the control digit is added).
const GRID_PERSON_11: &str = "19520304002";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let release = !std::env::args().any(|a| a == "--debug");
    let app = build_app(release)?;
    println!(
        "binary: {} ({} build, {} bytes)",
        app.display(),
        if release { "release" } else { "debug" },
        std::fs::metadata(&app).map(|m| m.len()).unwrap_or(0)
    );

    let d = Desktop::start(&app).await?;
    d.find(walk::OVERVIEW_ROW).await?;
    let start_ms = d.spawned_at.elapsed().as_millis();
    println!("cold start to interactive overview: {start_ms} ms (target < 1500 ms)");
    let t = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let memory = memory_of_tree(d.driver_pid());
    println!(
        "idle memory after {} s over {} processes (app + WebKit; target < 200 MB): \
         RSS {} MiB, PSS {} MiB [{}]",
        t.elapsed().as_secs(),
        memory.processes.len(),
        memory.rss_kib / 1024,
        memory.pss_kib / 1024,
        memory.processes.join(", ")
    );
    d.close().await.ok();

    grid(&app).await
}

/// The month grid of a person with 40 assistants × 31 days.
async fn grid(app: &Path) -> anyhow::Result<()> {
    let home = tempfile::tempdir().context("a temporary home")?;
    prepare_grid_data(home.path())?;
    let d = Desktop::start_in(app, home).await?;
    d.find(walk::OVERVIEW_ROW).await?;
    d.open_screen("month").await?;
    d.find(&format!(
        "select option[value='{}']",
        with_control_digit(GRID_PERSON_11)?
    ))
    .await?
    .click()
    .await?;
    let last_cell = format!("#cell-30-{}", ASSISTANTS - 1);
    d.find(&last_cell).await?;
    let mut paints = Vec::new();
    for _ in 0..5 {
        let ms = d
            .client
            .execute_async(
                r#"const [last, done] = arguments;
                   location.hash = '#/overview';
                   setTimeout(() => {
                     const t0 = performance.now();
                     location.hash = '#/month';
                     const poll = () => document.getElementById(last)
                       ? requestAnimationFrame(() => done(performance.now() - t0))
                       : requestAnimationFrame(poll);
                     poll();
                   }, 300);"#,
                vec![last_cell.trim_start_matches('#').into()],
            )
            .await
            .context("timing the grid")?;
        paints.push(ms.as_f64().unwrap_or(f64::NAN));
    }
    println!(
        "overview → month grid ({ASSISTANTS} assistants × 31 days, 1 240 shifts) painted: {} ms \
         (target < 100 ms)",
        list(&paints)
    );

    let mut edits = Vec::new();
    for i in 0..5 {
        let cell = format!("cell-{}-{}", 20 + i, ASSISTANTS - 1);
        let outcome = d
            .client
            .execute_async(
                r#"const [id, done] = arguments;
                   const cell = document.getElementById(id);
                   cell.focus();
                   const before = cell.textContent;
                   const t0 = performance.now();
                   const key = (k) => document.activeElement.dispatchEvent(
                     new KeyboardEvent('keydown', { key: k, bubbles: true }));
                   key('Enter');
                   requestAnimationFrame(() => {
                     const editor = document.getElementById('cell-editor');
                     if (!editor) { done('no editor opened'); return; }
                     editor.value = '6-7';
                     editor.dispatchEvent(new Event('input', { bubbles: true }));
                     editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
                     const poll = () => {
                       const err = document.getElementById('entry-error');
                       if (err) { done('error: ' + err.textContent); return; }
                       const now = document.getElementById(id)?.textContent ?? '';
                       if (now !== before && now.includes('06')) done(performance.now() - t0);
                       else if (performance.now() - t0 > 10000) done('no change within 10 s');
                       else requestAnimationFrame(poll);
                     };
                     poll();
                   });"#,
                vec![cell.into()],
            )
            .await
            .context("timing an entry")?;
        match outcome.as_f64() {
            Some(ms) => edits.push(ms),
            None => {
                println!(
                    "typing a shift into the grid: not measured ({})",
                    outcome.as_str().unwrap_or("unexpected answer")
                );
                break;
            }
        }
    }
    if !edits.is_empty() {
        println!(
            "typing \"6-7\" + Enter → cell shows the stored shift (Rust round trip + re-render): \
             {} ms",
            list(&edits)
        );
    }
    d.close().await.ok();
    Ok(())
}

fn list(values: &[f64]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        let _ = write!(out, "{}{v:.0}", if i == 0 { "" } else { ", " });
    }
    out
}

/// The demo, plus one person with 40 assistants who each work 08–16 on every day of October
/// 2026 (double assistance on paper: a heavy grid, not a realistic roster).
fn prepare_grid_data(home: &Path) -> anyhow::Result<()> {
    let (data, key) = Desktop::data_dir_in(home);
    let now = chrono::Utc::now();
    let app = App::open(&data, KeySource::File(key), now)?;
    app.load_demo_if_empty(now)?;
    app.save_person(
        &PersonInput {
            personnummer: with_control_digit(GRID_PERSON_11)?,
            first_name: "Greta".into(),
            last_name: "Rutnät".into(),
        },
        now,
    )?;
    let person = with_control_digit(GRID_PERSON_11)?;
    let mut csv = String::from("assistent;person;datum;start;slut;typ\n");
    for a in 0..ASSISTANTS {
        let pnr = assistant_pnr(a)?;
        app.save_assistant(
            &AssistantInput {
                personnummer: pnr.clone(),
                first_name: format!("Assistent{a}"),
                last_name: "Rutnät".into(),
                ..AssistantInput::default()
            },
            now,
        )?;
        for day in 1..=31 {
            let _ = writeln!(csv, "{pnr};{person};2026-10-{day:02};08:00;16:00;aktiv");
        }
    }
    let file = home.join("grid.csv");
    std::fs::write(&file, csv)?;
    app.import_commit(&file, &ImportOptions::default(), now)
        .context("importing the grid's shifts")?;
    Ok(())
}

fn assistant_pnr(i: usize) -> anyhow::Result<String> {
    with_control_digit(&format!(
        "19850{}{:02}{:03}",
        1 + i % 9,
        1 + i % 28,
        200 + i
    ))
}

fn with_control_digit(first11: &str) -> anyhow::Result<String> {
    assistid_core::ids::with_control_digit(first11)
        .with_context(|| format!("{first11} is not 11 digits"))
}

/// Memory of the app and its WebKit processes.
struct Memory {
    rss_kib: u64,
    pss_kib: u64,
    processes: Vec<String>,
}

/// The processes below `root` (the tauri-driver) other than the drivers themselves, with their
/// summed VmRSS and Pss (KiB).
fn memory_of_tree(root: u32) -> Memory {
    let mut all = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
                continue;
            };
            let ppid: u32 = field(&status, "PPid:").parse().unwrap_or(0);
            let rss = kib(&field(&status, "VmRSS:"));
            let pss = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
                .map(|s| kib(&field(&s, "Pss:")))
                .unwrap_or(0);
            all.push((pid, ppid, rss, pss, field(&status, "Name:")));
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(all.iter().filter(|t| t.1 == p).map(|t| t.0));
        i += 1;
    }
    let drivers = ["tauri-driver", "WebKitWebDriver"];
    let counted: Vec<_> = all
        .iter()
        .filter(|t| tree.contains(&t.0) && !drivers.contains(&t.4.as_str()))
        .collect();
    Memory {
        rss_kib: counted.iter().map(|t| t.2).sum(),
        pss_kib: counted.iter().map(|t| t.3).sum(),
        processes: counted
            .iter()
            .map(|t| format!("{} {} MiB RSS / {} MiB PSS", t.4, t.2 / 1024, t.3 / 1024))
            .collect(),
    }
}

fn field(text: &str, name: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

fn kib(value: &str) -> u64 {
    value.trim_end_matches("kB").trim().parse().unwrap_or(0)
}
