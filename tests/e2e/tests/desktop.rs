//! The desktop app end to end: the real binary, driven through WebDriver under Xvfb, from a
//! fresh data folder (so: the first start, with the demo).
//!
//! Run with `scripts/e2e.sh`. Without a display or the WebDriver tools this FAILS with what to
//! install; it never skips.

use assistid_e2e::walk::STEPS;
use assistid_e2e::{Desktop, build_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_walk_through_the_real_app() {
    let app = build_app(false).expect("the desktop app builds");
    let desktop = Desktop::start(&app)
        .await
        .expect("the app starts under WebDriver");
    for (name, step) in STEPS {
        if let Err(e) = step(&desktop).await {
            let kept = desktop.keep_artifacts().await;
            let _ = desktop.close().await;
            panic!("step \"{name}\" failed: {e:#}\n(screenshot and logs: {kept})");
        }
        eprintln!("ok: {name}");
    }
    desktop.close().await.expect("the session closes");
}
