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
//! shared page divided among the processes that map it — what the three use together). It is
//! read twice: in the WebDriver session above (whose automation adds to the app and the web
//! process) and with the app started directly, as a user starts it — the figure that counts.
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
//! Beside it, in the same X server and measured the same way, the platform's floor: the smallest
//! WebKitGTK window (`webkit-floor`: a GTK window with one web view under the app's WebKit
//! settings and a one-line page, no Tauri and no code of ours). The app's figure minus the
//! floor's is what Assistid itself adds. The floor is measured before the app and again after
//! it, so a change in the machine's state between the two shows.
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

    let floor_before = floor_memory().await?;
    let d = Desktop::start(&app).await?;
    d.find(walk::OVERVIEW_ROW).await?;
    let start_ms = d.spawned_at.elapsed().as_millis();
    println!("cold start to interactive overview: {start_ms} ms (target < 1500 ms)");
    tokio::time::sleep(IDLE).await;
    memory_of_tree(d.driver_pid()).print("Assistid under WebDriver (automation adds to both)");
    d.close().await.ok();
    // As a user starts it: no WebDriver session (its automation costs memory in the app and
    // the web process), measured as long after the start as the run above was.
    let memory = app_memory(&app, Duration::from_millis(start_ms as u64) + IDLE).await?;
    memory.print("Assistid as a user starts it (target < 200 MB = 190.7 MiB)");
    let floor_after = floor_memory().await?;
    println!(
        "  Assistid above the WebKitGTK floor: {} MiB PSS (floor {} MiB before the app, {} MiB \
         after; the target leaves {} MiB above the floor)",
        (memory.pss_kib as i64 - floor_before.pss_kib.max(floor_after.pss_kib) as i64) / 1024,
        floor_before.pss_kib / 1024,
        floor_after.pss_kib / 1024,
        (TARGET_KIB as i64 - floor_before.pss_kib.max(floor_after.pss_kib) as i64) / 1024,
    );

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

/// How long the app (and the floor) sit idle before their memory is read.
const IDLE: Duration = Duration::from_secs(5);
/// The idle-memory target: 200 MB, in KiB.
const TARGET_KIB: u64 = 200_000_000 / 1024;

/// The WebKitGTK floor (`webkit-floor`, built beside this program): started, left idle as
/// long as the app, measured the same way, and ended before anything else runs.
async fn floor_memory() -> anyhow::Result<Memory> {
    use tokio::io::AsyncBufReadExt as _;

    let exe = std::env::current_exe().context("where the bench program is")?;
    let floor = exe.with_file_name("webkit-floor");
    let mut child = tokio::process::Command::new(&floor)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| {
            format!(
                "could not start {} (build it with `cargo build --release -p assistid-e2e \
                 --bins`, as scripts/bench-desktop.sh does)",
                floor.display()
            )
        })?;
    let pid = child.id().context("the floor's process id")?;
    let stdout = child.stdout.take().context("the floor's output")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await? {
            if line.trim() == "ready" {
                return Ok(());
            }
        }
        anyhow::bail!("the floor ended before its page loaded")
    })
    .await
    .context("the floor's page did not load within 30 s")?;
    ready?;
    tokio::time::sleep(IDLE).await;
    let memory = memory_of_tree(pid);
    memory.print("WebKitGTK floor (an empty web view, same settings)");
    end_tree(&mut child, pid).await?;
    Ok(memory)
}

/// The app started directly, as by a double-click, in a fresh home with the demo (the same
/// environment `Desktop::start` gives it); measured `after` its start, then ended.
async fn app_memory(app: &Path, after: Duration) -> anyhow::Result<Memory> {
    let home = tempfile::tempdir().context("a temporary home")?;
    let (data, key) = assistid_e2e::Desktop::data_dir_in(home.path());
    let mut child = tokio::process::Command::new(app)
        .env("ASSISTID_DATA_DIR", data)
        .env("ASSISTID_KEY_FILE", key)
        .env("ASSISTID_LOG_DIR", home.path().join("logs"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("share"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("could not start {}", app.display()))?;
    let pid = child.id().context("the app's process id")?;
    tokio::time::sleep(after).await;
    let memory = memory_of_tree(pid);
    end_tree(&mut child, pid).await?;
    Ok(memory)
}

/// Kills `child` and waits (up to 10 s) until the processes it started are gone too, so they
/// are neither counted as "other WebKit processes" nor share pages with what is measured next.
async fn end_tree(child: &mut tokio::process::Child, pid: u32) -> anyhow::Result<()> {
    let children = descendants(pid);
    child.kill().await.context("ending the process")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while children
        .iter()
        .any(|p| Path::new(&format!("/proc/{p}")).exists())
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
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
    let tree = subtree(root, &all.iter().map(|t| (t.0, t.1)).collect::<Vec<_>>());
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
            [
                "WebKitWebProces",
                "WebKitNetworkPr",
                "assistid-deskto",
                "webkit-floor",
            ]
            .contains(&t.4.as_str())
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

impl Memory {
    fn print(&self, what: &str) {
        println!(
            "idle memory after {} s, {what}: RSS {} MiB, PSS {} MiB over {} processes [{}]",
            IDLE.as_secs(),
            self.rss_kib / 1024,
            self.pss_kib / 1024,
            self.processes.len(),
            self.processes.join(", ")
        );
        if !self.others.is_empty() {
            println!(
                "  WARNING: other WebKit/Assistid processes were running ({}): they share \
                 library pages with these, so the PSS above is too low; measure again on an \
                 otherwise idle machine",
                self.others.join(", ")
            );
        }
    }
}

/// The processes below `root`, at any depth.
fn descendants(root: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                parents.push((pid, field(&status, "PPid:").parse::<u32>().unwrap_or(0)));
            }
        }
    }
    let mut tree = subtree(root, &parents);
    tree.remove(0);
    tree
}

/// `root` and every process below it, given each process's parent (`(pid, ppid)`).
fn subtree(root: u32, parents: &[(u32, u32)]) -> Vec<u32> {
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|t| t.1 == p).map(|t| t.0));
        i += 1;
    }
    tree
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
