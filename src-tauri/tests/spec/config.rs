//! Least privilege, as configured: a strict CSP, no remote content, minimal capabilities.

use serde_json::Value;

fn json(relative: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).expect("the config file exists");
    serde_json::from_str(&text).expect("the config file is JSON")
}

#[test]
fn the_csp_allows_only_the_app_itself_and_tauri_ipc() {
    let conf = json("tauri.conf.json");
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'", "no inline or remote scripts");
    assert_eq!(
        csp["connect-src"], "ipc: http://ipc.localhost",
        "the UI talks only to Tauri's IPC"
    );
    let text = csp.to_string();
    assert!(
        !text.contains("https:") && !text.contains("*"),
        "no remote origins in the CSP: {text}"
    );
    assert!(
        conf["build"].get("devUrl").is_none(),
        "no dev server: the built UI is embedded"
    );
    assert_eq!(conf["build"]["frontendDist"], "../ui/dist");
}

#[test]
fn the_window_may_only_listen_to_events() {
    let cap = json("capabilities/default.json");
    let permissions: Vec<&str> = cap["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        permissions,
        ["core:event:allow-listen", "core:event:allow-unlisten"],
        "nothing beyond events"
    );
    assert!(
        !cap.to_string().contains("remote"),
        "no remote URLs get capabilities"
    );
}

#[test]
fn only_files_the_shell_exported_can_be_opened_from_the_window() {
    let dir = tempfile::tempdir().expect("a temp data folder");
    let data = dir.path();
    std::fs::create_dir_all(data.join("exports/2026-10")).expect("exports folder");
    let outside = data.join("assistid.db");
    std::fs::write(&outside, b"x").expect("a file outside exports");
    for path in [
        outside.display().to_string(),
        data.join("exports/../assistid.db").display().to_string(),
        "/etc/passwd".to_owned(),
        data.join("exports/does-not-exist.pdf")
            .display()
            .to_string(),
    ] {
        let err = assistid_desktop::records::open_export(data, &path)
            .expect_err("a path outside the exports (or not written) must be refused");
        assert_eq!(err.code, "invalid_input", "refused as bad input: {path}");
    }
}

#[test]
fn no_plugin_gives_the_window_files_a_shell_or_http() {
    let manifest = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"),
    )
    .expect("the manifest");
    for plugin in [
        "tauri-plugin-fs",
        "tauri-plugin-shell",
        "tauri-plugin-http",
        "tauri-plugin-dialog",
        "tauri-plugin-opener",
    ] {
        assert!(
            !manifest.contains(plugin),
            "{plugin} would widen what the window can reach; files come in as bytes from the \
             webview's own file input"
        );
    }
}
