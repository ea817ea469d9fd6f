//! Refreshes `docs/screenshots/app-*.png` from the real app (run by `scripts/screenshots.sh`
//! under Xvfb): the main screens of the demo, an import with errors, the BankID dialog waiting
//! with its QR code, a sending run with FK's pace, History after a report was sent, Verktyg →
//! Kontrollera en fil on that report's file, and Settings in the folder for real data, taken
//! through WebDriver.

use std::path::PathBuf;

use anyhow::Context as _;
use assistid_e2e::walk;
use assistid_e2e::{Desktop, build_app, workspace_root};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("docs/screenshots"));
    std::fs::create_dir_all(&out).with_context(|| format!("could not create {}", out.display()))?;
    let app = build_app(false)?;
    let d = Desktop::start(&app).await?;
    let result = shoot(&d, &out).await;
    d.close().await.ok();
    result
}

async fn shoot(d: &Desktop, out: &std::path::Path) -> anyhow::Result<()> {
    let settle = || tokio::time::sleep(std::time::Duration::from_millis(600));
    walk::overview_shows_the_demo_month(d).await?;
    settle().await;
    // WebKitGTK's first WebDriver screenshot can return the frame painted before the data came
    // in; a throw-away shot first gives the current one.
    let _ = d.client.screenshot().await;
    settle().await;
    d.screenshot(&out.join("app-overview.png")).await?;
    walk::month_shows_a_dst_note(d).await?;
    settle().await;
    d.screenshot(&out.join("app-month.png")).await?;
    walk::register_shows_the_demo_provider(d).await?;
    settle().await;
    d.screenshot(&out.join("app-register.png")).await?;
    d.open_screen("settings").await?;
    settle().await;
    d.screenshot(&out.join("app-settings.png")).await?;
    d.open_screen("sign").await?;
    settle().await;
    d.screenshot(&out.join("app-sign.png")).await?;
    d.open_screen("overview").await?;
    d.find("button.lang").await?.click().await?;
    d.wait_for_text("header nav", "Overview").await?;
    d.find(walk::OVERVIEW_ROW).await?;
    settle().await;
    d.screenshot(&out.join("app-overview-en.png")).await?;
    d.find("button.lang").await?.click().await?;
    d.wait_for_text("header nav", "Översikt").await?;
    // Issue 21: History after a report was signed and sent, and Verktyg → Kontrollera en fil
    // recognising that report's file.
    // An import with errors: the bad row flagged with its row, value and problem.
    walk::import_preview_flags_the_bad_row(d).await?;
    settle().await;
    d.screenshot(&out.join("app-import-errors.png")).await?;
    walk::fix_the_bad_row_and_save(d).await?;
    // The BankID dialog: the QR code shown, waiting for the assistant.
    walk::start_the_assistants_signature(d).await?;
    settle().await;
    d.screenshot(&out.join("app-bankid.png")).await?;
    let case = walk::import_case()?;
    walk::approve_in_simulated_app(d, &case.assistant).await?;
    walk::provider_signs(d).await?;
    // Sending: the run with FK's pace, caught while it sends.
    walk::start_sending_and_see_the_pace(d).await?;
    d.screenshot(&out.join("app-sending.png")).await?;
    walk::see_the_tx_id(d).await?;
    d.open_screen("history").await?;
    d.wait_for_text("main table.data", "Mottagen").await?;
    settle().await;
    d.screenshot(&out.join("app-history.png")).await?;
    walk::the_sent_report_file_is_recognised_in_tools(d).await?;
    settle().await;
    d.screenshot(&out.join("app-verify-file.png")).await?;
    // Going live: Settings in the folder for real data, FK's CA file loaded.
    walk::go_live_and_load_fks_ca(d).await?;
    settle().await;
    d.screenshot(&out.join("app-settings-real.png")).await?;
    walk::back_to_the_demo(d).await?;
    println!("screenshots written to {}", out.display());
    Ok(())
}
