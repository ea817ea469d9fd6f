//! Embeds the built UI (`../ui/dist`, see `frontendDist` in tauri.conf.json) and the capabilities.

fn main() {
    // Tauri embeds `ui/dist` at compile time. Without it the error would be an obscure macro
    // failure, so say plainly what to run first.
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
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
