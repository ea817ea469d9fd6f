//! The smallest WebKitGTK window: what any app built on a WebKitGTK web view costs in memory
//! before it does anything of its own. `bench-desktop` starts it in the same X server as the
//! app and measures both the same way, so the app's idle memory can be read as "the platform's
//! floor + what Assistid adds".
//!
//! It is the shell the desktop app runs in, without the app: a GTK window of the app's size
//! holding one WebKit web view with the settings the app applies (`tune_webview` in
//! `src-tauri/src/lib.rs`: hardware acceleration off, cache model `DocumentViewer`), showing a
//! one-line static page. No Tauri, no Rust runtime of ours, no JavaScript. It prints `ready`
//! on standard output once the page has loaded and runs until it is killed or its window is
//! closed.

#[cfg(target_os = "linux")]
fn main() -> anyhow::Result<()> {
    use std::io::Write as _;

    use gtk::prelude::*;
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, LoadEvent, SettingsExt as _, WebContext,
        WebContextExt as _, WebViewExt as _,
    };

    gtk::init().map_err(|e| anyhow::anyhow!("GTK could not start (is DISPLAY set?): {e}"))?;
    let context = WebContext::default()
        .ok_or_else(|| anyhow::anyhow!("WebKit has no default web context"))?;
    context.set_cache_model(CacheModel::DocumentViewer);
    let view = webkit2gtk::WebView::with_context(&context);
    if let Some(settings) = webkit2gtk::WebViewExt::settings(&view) {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
    view.connect_load_changed(|_, event| {
        if event == LoadEvent::Finished {
            let mut out = std::io::stdout();
            // The bench waits for this line; if it is gone there is nobody left to tell.
            let _ = writeln!(out, "ready");
            let _ = out.flush();
        }
    });
    view.load_html(
        "<!doctype html><html lang=\"sv\"><meta charset=\"utf-8\"><title>Golv</title>\
         <body><p>En tom WebKitGTK-sida.</p></body></html>",
        None,
    );

    // The app's window size (src-tauri/tauri.conf.json).
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    window.set_title("WebKitGTK floor");
    window.set_default_size(1200, 800);
    window.add(&view);
    window.connect_destroy(|_| gtk::main_quit());
    window.show_all();
    gtk::main();
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn main() -> anyhow::Result<()> {
    anyhow::bail!("the WebKitGTK floor is measured on Linux only (WebKitGTK is Linux's web view)")
}
