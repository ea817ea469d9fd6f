//! Least privilege, as configured: a strict CSP, no remote content, minimal capabilities.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

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

/// The names of every package the desktop app depends on, directly or through others (all
/// kinds, all platforms), as Cargo resolves them: `cargo metadata` on this very manifest and
/// lock file, the graph walked from `assistid-desktop`.
fn resolved_dependencies() -> BTreeSet<String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .expect("cargo (the one running this test) starts");
    assert!(
        output.status.success(),
        "cargo metadata must describe the dependency graph (it reads only what is downloaded: \
         `cargo fetch --locked` first, as scripts/test.sh does): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let names: HashMap<&str, &str> = metadata["packages"]
        .as_array()
        .expect("a package list")
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p["name"].as_str()?)))
        .collect();
    let deps: HashMap<&str, Vec<&str>> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("the resolved graph (cargo metadata without --no-deps)")
        .iter()
        .filter_map(|node| {
            let pkgs = node["deps"]
                .as_array()?
                .iter()
                .filter_map(|d| d["pkg"].as_str())
                .collect();
            Some((node["id"].as_str()?, pkgs))
        })
        .collect();
    let root = names
        .iter()
        .find(|(_, name)| **name == "assistid-desktop")
        .map(|(id, _)| *id)
        .expect("assistid-desktop is in the graph");
    let mut seen = BTreeSet::new();
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        for dep in deps.get(id).map(Vec::as_slice).unwrap_or_default() {
            if let Some(name) = names.get(dep)
                && seen.insert((*name).to_owned())
            {
                todo.push(dep);
            }
        }
    }
    seen
}

#[test]
fn no_plugin_gives_the_window_files_a_shell_or_http() {
    let resolved = resolved_dependencies();
    assert!(
        resolved.contains("tauri") && resolved.contains("wry"),
        "the walk must reach Tauri and its webview, or it proves nothing: {resolved:?}"
    );
    for plugin in [
        "tauri-plugin-fs",
        "tauri-plugin-shell",
        "tauri-plugin-http",
        "tauri-plugin-dialog",
        "tauri-plugin-opener",
    ] {
        assert!(
            !resolved.contains(plugin),
            "{plugin} is in the desktop app's dependency graph (directly or through another \
             crate); it would widen what the window can reach: files come in as bytes from the \
             webview's own file input"
        );
    }
    // Every plugin, however it arrives, is one of those reviewed: a new one must be added
    // here on purpose, with docs/SECURITY.md saying what it lets the window do.
    let plugins: Vec<&str> = resolved
        .iter()
        .map(String::as_str)
        .filter(|name| name.starts_with("tauri-plugin"))
        .collect();
    assert_eq!(
        plugins,
        [
            "tauri-plugin",
            "tauri-plugin-single-instance",
            "tauri-plugin-window-state"
        ],
        "only the reviewed plugins (one instance per data folder, the window's size and \
         place) and the plugin build support they need"
    );
}
