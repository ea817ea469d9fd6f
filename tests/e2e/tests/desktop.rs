//! The desktop app end to end: the real binary, driven through WebDriver under Xvfb, from a
//! fresh data folder (so: the first start, with the demo).
//!
//! Two walks: the demo walk (`walk.rs`), and the live walk (`live.rs`, issue 14 item 10), which
//! goes live through Settings against stand-ins for FK's and BankID's test services. They run
//! one after the other (one app at a time on the display and the two cores).
//!
//! Run with `scripts/e2e.sh` (one walk: `scripts/e2e.sh live_walk`). Without a display or the
//! WebDriver tools this FAILS with what to install; it never skips.

use assistid_e2e::live::{LIVE_STEPS, StandIns};
use assistid_e2e::walk::STEPS;
use assistid_e2e::{Desktop, SessionKeyring, build_app};

/// One walk at a time.
static ONE_WALK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_walk_through_the_real_app() {
    let _one = ONE_WALK.lock().await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_walk_goes_live_through_settings_against_stand_ins() {
    let _one = ONE_WALK.lock().await;
    let app = build_app(false).expect("the desktop app builds");
    let home = tempfile::tempdir().expect("a temporary home");
    let keyring = SessionKeyring::start(home.path()).expect("a keychain for the run");
    let stand_ins = StandIns::start(home.path())
        .await
        .expect("the stand-ins for FK and BankID start");
    let desktop = Desktop::start_with_env(
        &app,
        home,
        &[("DBUS_SESSION_BUS_ADDRESS", keyring.address.clone())],
    )
    .await
    .expect("the app starts under WebDriver");
    for (name, step) in LIVE_STEPS {
        if let Err(e) = step(&desktop, &stand_ins).await {
            let kept = desktop.keep_artifacts().await;
            let _ = desktop.close().await;
            panic!("live step \"{name}\" failed: {e:#}\n(screenshot and logs: {kept})");
        }
        eprintln!("ok: {name}");
    }
    desktop.close().await.expect("the session closes");
    drop(keyring);
}
