//! Cold start to an interactive overview, and idle memory, of the desktop app (run by
//! `scripts/bench-desktop.sh` under Xvfb). Release build unless `--debug`.
//!
//! "Start" is the WebDriver session request, which makes tauri-driver start WebKitWebDriver and
//! that start the app; "interactive" is the first report row of the overview in the DOM (the
//! data has then come back from Rust). The figure therefore includes the WebDriver's own start
//! and is an upper bound for a double-click start. Memory is the summed RSS of the app and its
//! WebKit processes after 5 s idle.

use std::time::{Duration, Instant};

use assistid_e2e::{Desktop, build_app, walk};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let release = !std::env::args().any(|a| a == "--debug");
    let app = build_app(release)?;
    let d = Desktop::start(&app).await?;
    d.find(walk::OVERVIEW_ROW).await?;
    let start_ms = d.spawned_at.elapsed().as_millis();
    let t = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (rss_kib, processes) = rss_of_tree(d.driver_pid());
    println!(
        "binary: {} ({} build, {} bytes)",
        app.display(),
        if release { "release" } else { "debug" },
        std::fs::metadata(&app).map(|m| m.len()).unwrap_or(0)
    );
    println!("cold start to interactive overview: {start_ms} ms (target < 1500 ms)");
    println!(
        "idle RSS after {} s: {} MiB over {processes} processes (app + WebKit; target < 200 MB)",
        t.elapsed().as_secs(),
        rss_kib / 1024
    );
    d.close().await.ok();
    Ok(())
}

/// Summed VmRSS (KiB) of the app and its descendants: the processes below `root` (the
/// tauri-driver) other than the drivers themselves.
fn rss_of_tree(root: u32) -> (u64, usize) {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
                continue;
            };
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(|v| v.trim().to_owned())
                    .unwrap_or_default()
            };
            let ppid: u32 = field("PPid:").parse().unwrap_or(0);
            let rss: u64 = field("VmRSS:")
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap_or(0);
            parents.push((pid, ppid, rss, field("Name:")));
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, pp, _, _)| *pp == p)
                .map(|(pid, _, _, _)| *pid),
        );
        i += 1;
    }
    let drivers = ["tauri-driver", "WebKitWebDriver"];
    let counted: Vec<_> = parents
        .iter()
        .filter(|(pid, _, _, name)| tree.contains(pid) && !drivers.contains(&name.as_str()))
        .collect();
    (
        counted.iter().map(|(_, _, rss, _)| rss).sum(),
        counted.len(),
    )
}
