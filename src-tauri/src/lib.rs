//! # assistid-desktop
//!
//! Assistid's desktop shell (Tauri 2). It opens the data folder in use (the demo folder
//! `<root>/demo`, loaded with the demo month on the first start, or the folder for real data,
//! the root itself; see [`shell`]), and registers the [`commands`] — each a one-line delegation to
//! [`assistid_app::App`] with the JSON shapes of [`ipc`] converted at the boundary
//! ([`convert`]). The UI (`ui/`, built into `ui/dist` and embedded) reaches these types through
//! the generated `ui/src/lib/backend/generated/ipc.ts`.
//!
//! Least privilege: the window may call only these commands and listen to events
//! (`capabilities/default.json`); a strict CSP; no shell, file-system or HTTP plugins. One
//! instance at a time; the window's size and position are remembered. Logs go through
//! `tracing` to the OS log folder and never contain personal data.
//!
//! ```
//! // The bindings list every registered command.
//! let ts = assistid_desktop::bindings::typescript_bindings(assistid_desktop::commands::COMMAND_NAMES);
//! assert!(ts.contains("'month_overview'"));
//! ```
#![deny(missing_docs)]

pub mod backup;
pub mod bindings;
pub mod calendar;
pub mod commands;
pub mod convert;
pub mod demo_fk;
pub mod desks;
pub mod events;
pub mod ipc;
pub mod records;
pub mod relay;
pub mod shell;
pub mod sign_status;
pub mod signing;
pub mod submission;
pub mod texts;
pub mod ways_out;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use assistid_app::import_session::staging::clear_staging;
use tauri::Manager as _;

pub use desks::Desks;
pub use shell::default_data_dir;

/// The OS log folder for Assistid (`…/Assistid/logs` beside the data), overridden by
/// `ASSISTID_LOG_DIR`.
pub fn default_log_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("ASSISTID_LOG_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("se", "Assistid", "Assistid")
        .map(|d| d.data_local_dir().join("logs"))
        .context("kunde inte hitta loggmappen; ange ASSISTID_LOG_DIR")
}

/// Creates the log folder owner-only (0700 on Unix, tightened when it already existed): the
/// daily files inside it are created by the log writer with the default permissions, so the
/// folder is what keeps others out. On Windows the folder is in the user's profile.
pub fn prepare_log_dir(dir: &Path) -> std::io::Result<()> {
    assistid_app::owner_only::tighten_dir(dir)
}

/// Starts logging to a daily file in the log folder. Only events and codes are logged, never
/// personnummer, names or documents (no layer of Assistid puts them into log fields).
fn start_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = default_log_dir().ok()?;
    prepare_log_dir(&dir).ok()?;
    let (writer, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::daily(dir, "assistid.log"));
    let filter = tracing_subscriber::EnvFilter::try_from_env("ASSISTID_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Linux (WebKitGTK): no hardware-accelerated compositing. Assistid is forms and tables, with
/// nothing for a GPU to do, and where no GPU driver is present (a virtual display, a remote
/// desktop, our CI) WebKitGTK composites through Mesa's software OpenGL: measured with the
/// release build under Xvfb, that cost the web process about 95 MiB and made the 40-assistant
/// month grid about three times slower to show (docs/PERFORMANCE.md). The cache model is a
/// document viewer's. WebView2 and WKWebView on the users' platforms decide for themselves.
fn tune_webview(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let applied = window.with_webview(|webview| {
            use webkit2gtk::{
                CacheModel, HardwareAccelerationPolicy, SettingsExt as _, WebContextExt as _,
                WebViewExt as _,
            };
            let view = webview.inner();
            if let Some(settings) = view.settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
            // One local page that never navigates: no back/forward page cache and the smallest
            // memory cache (WebKit's model for a document viewer, not a web browser).
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = applied {
            tracing::warn!(error = %e, "could not change the webview's settings");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Runs the desktop app until its window closes.
pub fn run() -> anyhow::Result<()> {
    let _log_guard = start_logging();
    let locations = shell::Locations::from_env()?;
    let shell = shell::Shell::open(&locations);
    // Files staged in an earlier session, in either data folder.
    clear_staging(&locations.data_dir);
    clear_staging(&shell::workspace_dir(
        &locations.data_dir,
        ipc::Workspace::Demo,
    ));
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
    tauri::Builder::default()
        // A second start brings the running window to the front instead of opening the same
        // database twice.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                tune_webview(&window);
            }
            backup::start_daily(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            // The window is gone: files staged for import go with it.
            if matches!(event, tauri::WindowEvent::Destroyed)
                && let Some(desks) = window.try_state::<Desks>()
            {
                desks.import.clear();
            }
        })
        .manage(shell)
        .manage(Desks::default())
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .context("Tauri")?;
    Ok(())
}
