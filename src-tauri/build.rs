//! Embeds the built UI (`../ui/dist`, see `frontendDist` in tauri.conf.json) and the capabilities.

fn main() {
    // Tauri embeds `ui/dist` at compile time. Without it the error would be an obscure macro
    // failure, so say plainly what to run first.
    // Read when the script runs, not baked in when it is compiled: checkouts that share a
    // target directory (CI's clean clone and a working copy) share this compiled script.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into());
    let dist = std::path::Path::new(&manifest_dir).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed=../ui/dist");
    if !dist.exists() {
        eprintln!(
            "error: ui/dist/index.html is missing: build the UI first with \
             `cd ui && npm ci && npm run build`, then build src-tauri again"
        );
        std::process::exit(1);
    }
    tauri_build::build();
}
