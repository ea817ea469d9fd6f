//! The TypeScript bindings the UI compiles against are exactly what the Rust types generate.

use std::path::PathBuf;

use assistid_desktop::bindings::{message_catalog_typescript, typescript_bindings};
use assistid_desktop::commands::COMMAND_NAMES;

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
fn the_uis_copy_of_the_message_catalogs_is_the_rust_one() {
    let generated = message_catalog_typescript();
    let path = committed_path().with_file_name("messages.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("the message catalog can be written");
    }
    for code in assistid_app::ambiguous_text_codes() {
        assert!(
            !generated.contains(&format!("\"{code}\": {{ sv: ")),
            "{code} has two wordings: the UI must show the error's own text, not guess"
        );
    }
    for code in ["key_missing", "key_in_file", "not_found", "backup_damaged"] {
        assert!(
            generated.contains(&format!("\"{code}\": {{ sv: ")),
            "the UI must be able to render {code} again in the other language"
        );
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: a message of the Rust side changed. Regenerate with \
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
