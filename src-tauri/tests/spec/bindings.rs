//! The TypeScript bindings the UI compiles against are exactly what the Rust types generate.

use std::path::PathBuf;

use assistid_desktop::commands::COMMAND_NAMES;
use assistid_desktop::ipc::typescript_bindings;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend/generated/ipc.ts")
}

#[test]
fn bindings_are_up_to_date() {
    let generated = typescript_bindings(COMMAND_NAMES);
    let path = committed_path();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().expect("the bindings file has a folder"))
            .expect("the generated folder can be created");
        std::fs::write(&path, &generated).expect("the bindings can be written");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: the Rust IPC types or commands changed. Regenerate with \
         `UPDATE_BINDINGS=1 cargo test -p assistid-desktop --test spec bindings` and commit it",
        path.display()
    );
}

#[test]
fn every_command_is_listed_once() {
    let mut names = COMMAND_NAMES.to_vec();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        COMMAND_NAMES.len(),
        "a command registered twice would shadow another"
    );
    for wanted in [
        "month_overview",
        "month_review",
        "month_grid",
        "register",
        "save_provider",
        "load_demo",
        "export_reports",
        "settings",
        "set_language",
    ] {
        assert!(
            COMMAND_NAMES.contains(&wanted),
            "the UI needs the command {wanted}"
        );
    }
}
