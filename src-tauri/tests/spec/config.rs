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
