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
//! month grid painted (its last day's row in the DOM, in a frame's callbacks, then one task
//! later), measured inside the webview with `performance.now()`, split by the Month screen's User
//! Timing marks into waiting for the data, building the table and laying it out + painting it,
//! beside the `month_grid` command timed alone. The grid renders only the assistant columns in
//! view (ui/src/lib/gridHtml.ts), so it is also timed how long a jump to the last assistant's
//! column (scrolled to the far right) takes until that column is painted; then typing a shift
//! into a cell until its new text shows (entry, validation and storing in Rust, the grid's
//! re-render).
//!
//! With `ASSISTID_BENCH_MAPPINGS` set, each process's PSS is also printed by mapped file.

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
    if !memory.others.is_empty() {
        println!(
            "  WARNING: other WebKit/Assistid processes were running ({}): they share library \
             pages with ours, so the PSS above is too low; measure again on an otherwise idle \
             machine",
            memory.others.join(", ")
        );
    }
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
    // The last day's first assistant: the table is built (rows are rendered in one go).
    let last_row_cell = "#cell-30-0";
    d.find(last_row_cell).await?;
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
                     const since = (name) => {
                       const mark = performance.getEntriesByName(name).pop();
                       return mark && mark.startTime >= t0 ? mark.startTime - t0 : NaN;
                     };
                     // Found in a frame's callbacks: that frame lays out and paints it; a task
                     // queued now runs after that paint.
                     const poll = () => document.getElementById(last)
                       ? setTimeout(() => done([
                           performance.now() - t0,
                           since('assistid:grid-data'),
                           since('assistid:grid-dom'),
                         ]), 0)
                       : requestAnimationFrame(poll);
                     requestAnimationFrame(poll);
                   }, 300);"#,
                vec![last_row_cell.trim_start_matches('#').into()],
            )
            .await
            .context("timing the grid")?;
        let at = |i: usize| ms.get(i).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
        paints.push((at(0), at(1), at(2)));
    }
    println!(
        "overview → month grid ({ASSISTANTS} assistants × 31 days, 1 240 shifts) painted: {} ms \
         (target < 100 ms)",
        list(&paints.iter().map(|p| p.0).collect::<Vec<_>>())
    );
    println!(
        "  of which until the data was there (mount + IPC): {} ms; then the table built (model, \
         rows, DOM): {} ms; then laid out and painted: {} ms",
        list(&paints.iter().map(|p| p.1).collect::<Vec<_>>()),
        list(&paints.iter().map(|p| p.2 - p.1).collect::<Vec<_>>()),
        list(&paints.iter().map(|p| p.0 - p.2).collect::<Vec<_>>())
    );

    // Where the table's own time goes: WebKit's layout of the finished table (hidden and shown
    // again), and a copy of its DOM built and laid out without Svelte.
    let split = d
        .client
        .execute(
            r#"const table = document.querySelector('table.grid');
               const t0 = performance.now();
               table.style.display = 'none'; void table.offsetHeight;
               table.style.display = ''; void table.offsetHeight;
               const layout = performance.now() - t0;
               const t1 = performance.now();
               const copy = table.cloneNode(true);
               table.parentNode.appendChild(copy); void copy.offsetHeight;
               const cloned = performance.now() - t1;
               copy.remove();
               return [layout, cloned];"#,
            vec![],
        )
        .await
        .context("splitting the table's time")?;
    let at = |i: usize| split.get(i).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
    println!(
        "  the table alone: layout {:.0} ms; the same DOM copied and laid out without Svelte {:.0} ms",
        at(0),
        at(1)
    );

    // The share of the above that is Rust + IPC: the grid's command alone, as the screen calls
    // it (the rest is Svelte building the table and WebKit laying it out and painting it).
    let person = with_control_digit(GRID_PERSON_11)?;
    let ipc = d
        .client
        .execute_async(
            r#"const [person, done] = arguments;
               const invoke = window.__TAURI_INTERNALS__.invoke;
               (async () => {
                 const times = [];
                 let size = 0;
                 for (let i = 0; i < 5; i++) {
                   const t0 = performance.now();
                   const data = await invoke('month_grid', { month: '2026-10', person });
                   times.push(performance.now() - t0);
                   size = JSON.stringify(data).length;
                 }
                 done({ times, size });
               })().catch((e) => done({ error: String(e?.message ?? e) }));"#,
            vec![person.into()],
        )
        .await
        .context("timing the grid's command")?;
    match ipc.get("times").and_then(|t| t.as_array()) {
        Some(times) => println!(
            "  of which the month_grid command (Rust + IPC, {} bytes of JSON): {} ms",
            ipc.get("size").and_then(|s| s.as_u64()).unwrap_or(0),
            list(&times.iter().filter_map(|t| t.as_f64()).collect::<Vec<_>>())
        ),
        None => println!("  the month_grid command alone: not measured ({ipc})"),
    }

    // Scrolling: from the first columns to the last assistant's, until that column is painted.
    let last_column_cell = format!("cell-30-{}", ASSISTANTS - 1);
    let mut scrolls = Vec::new();
    for _ in 0..5 {
        let ms = d
            .client
            .execute_async(
                r#"const [last, done] = arguments;
                   const area = document.querySelector('.grid-wrap');
                   area.scrollLeft = 0;
                   // Two frames: the grid is back at its first columns and painted.
                   requestAnimationFrame(() => requestAnimationFrame(() => {
                     const t0 = performance.now();
                     area.scrollLeft = area.scrollWidth;
                     const poll = () => document.getElementById(last)
                       ? setTimeout(() => done(performance.now() - t0), 0)
                       : performance.now() - t0 > 5000 ? done('not shown within 5 s')
                       : requestAnimationFrame(poll);
                     requestAnimationFrame(poll);
                   }));"#,
                vec![last_column_cell.clone().into()],
            )
            .await
            .context("timing a scroll")?;
        match ms.as_f64() {
            Some(ms) => scrolls.push(ms),
            None => {
                println!(
                    "scrolling to the last assistant: not measured ({})",
                    ms.as_str().unwrap_or("unexpected answer")
                );
                break;
            }
        }
    }
    if !scrolls.is_empty() {
        println!(
            "scrolling from the first to the last assistant → its column painted: {} ms",
            list(&scrolls)
        );
    }

    // Typing into the last assistant's column (in view after the scroll above).
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
    /// WebKit or Assistid processes outside the measured tree (another app, a stuck test):
    /// PSS divides shared pages among every process that maps them, so these lower ours.
    others: Vec<String>,
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
    if std::env::var_os("ASSISTID_BENCH_MAPPINGS").is_some() {
        for t in &counted {
            print_top_mappings(t.0, &t.4);
        }
    }
    let others = all
        .iter()
        .filter(|t| !tree.contains(&t.0))
        .filter(|t| {
            ["WebKitWebProces", "WebKitNetworkPr", "assistid-deskto"].contains(&t.4.as_str())
        })
        .map(|t| format!("{} {}", t.4, t.0))
        .collect();
    Memory {
        others,
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

/// With `ASSISTID_BENCH_MAPPINGS` set: where a process's PSS goes, by mapped file (anonymous
/// memory, the heap and stacks each summed under their own name), largest first.
fn print_top_mappings(pid: u32, name: &str) {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return;
    };
    let mut by_name: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut current = String::new();
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            current = line
                .split_whitespace()
                .nth(5)
                .unwrap_or("[anonymous]")
                .to_owned();
        } else if let Some(v) = line.strip_prefix("Pss:") {
            *by_name.entry(current.clone()).or_default() += kib(v);
        }
    }
    let mut top: Vec<_> = by_name.into_iter().collect();
    top.sort_by_key(|t| std::cmp::Reverse(t.1));
    println!("  {name} ({pid}), PSS by mapping:");
    for (file, kib) in top.iter().take(12) {
        println!("    {:>7} KiB  {file}", kib);
    }
}
