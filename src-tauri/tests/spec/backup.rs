//! The desktop's side of backups (issue 20): on a new computer's first start (the demo open,
//! the folder for real data still empty) a backup chosen in the window is restored into the
//! folder for real data and opened there; a wrong key changes nothing, and a folder that has
//! data is never restored over. (The rules themselves: `crates/app/tests/spec/backup.rs`.)

use std::path::Path;

use assistid_app::{App, KeySource};
use assistid_desktop::Desks;
use assistid_desktop::ipc::{self, Workspace};
use assistid_desktop::shell::{Locations, Shell};
use base64::Engine as _;
use chrono::Utc;

fn shell_in(dir: &Path) -> Shell {
    Shell::open(&Locations {
        data_dir: dir.join("data"),
        keys: KeySource::File(dir.join("key")),
    })
}

/// A backup made on "the old computer" of a folder with the demo month; returns the file as
/// the window hands it over, and the recovery key.
fn old_computers_backup(dir: &Path) -> (ipc::ImportFile, String) {
    let now = Utc::now();
    let app = App::open(&dir.join("old"), KeySource::File(dir.join("old.key")), now)
        .expect("the old folder opens");
    assert!(
        app.load_demo_if_empty(now).expect("demo"),
        "it gets the demo month"
    );
    app.month_review("2026-10".parse().expect("a month"), now)
        .expect("the review saves the month's report versions");
    let key = app.prepare_recovery_key(now).expect("a recovery key");
    let key = key.grouped().expose().clone();
    app.confirm_recovery_key(&key, now).expect("confirmed");
    let file = dir.join("old.assistid-backup");
    app.backup_to(&file, now).expect("the backup is written");
    let bytes = std::fs::read(&file).expect("read back");
    (
        ipc::ImportFile {
            file_name: "old.assistid-backup".to_owned(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        },
        key,
    )
}

#[test]
fn a_backup_chosen_at_the_first_start_is_restored_into_the_real_folder_and_opened() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (file, key) = old_computers_backup(dir.path());
    let new = dir.path().join("new");
    let shell = shell_in(&new);
    let desks = Desks::default();
    assert_eq!(
        shell.workspace(),
        Workspace::Demo,
        "the first start opens the demo"
    );
    let settings = tauri::async_runtime::block_on(assistid_desktop::backup::settings(&shell))
        .expect("backup settings");
    assert!(
        settings.can_restore,
        "the folder for real data is empty: restore is offered"
    );

    let wrong = tauri::async_runtime::block_on(assistid_desktop::backup::restore(
        &shell,
        &desks,
        file.clone(),
        "0000-0000-0000-0000-0000-0000-0000".to_owned(),
    ))
    .expect_err("a wrong key is refused");
    assert!(
        wrong.code.starts_with("recovery_key_"),
        "with the key's own code: {wrong:?}"
    );
    assert_eq!(shell.workspace(), Workspace::Demo, "nothing switched");
    assert!(
        !new.join("data").join("assistid.db").exists(),
        "and no database was written"
    );

    let restored = tauri::async_runtime::block_on(assistid_desktop::backup::restore(
        &shell,
        &desks,
        file.clone(),
        key.clone(),
    ))
    .expect("the right key restores");
    assert_eq!(restored.months, vec!["2026-10".to_owned()], "{restored:?}");
    assert!(restored.reports > 0, "the reports are counted");
    assert_eq!(
        shell.workspace(),
        Workspace::Real,
        "the restored folder is the one open now"
    );
    let reports = tauri::async_runtime::block_on(shell.run(|app| {
        Ok(app
            .month_review("2026-10".parse()?, Utc::now())?
            .reports()
            .len())
    }))
    .expect("the overview reads");
    assert!(reports > 0, "the restored month is there");
    let staged: Vec<_> = std::fs::read_dir(new.join("data"))
        .expect("read")
        .flatten()
        .filter(|e| {
            e.file_name().to_string_lossy().contains("staged-backup")
                || e.file_name().to_string_lossy().starts_with(".restore-")
        })
        .map(|e| e.file_name())
        .collect();
    assert!(staged.is_empty(), "the staged copy is gone: {staged:?}");

    let settings = tauri::async_runtime::block_on(assistid_desktop::backup::settings(&shell))
        .expect("backup settings");
    assert!(
        !settings.can_restore,
        "a folder with data is not offered for restore"
    );
    let again = tauri::async_runtime::block_on(assistid_desktop::backup::restore(
        &shell, &desks, file, key,
    ))
    .expect_err("never over existing data");
    assert_eq!(again.code, "restore_folder_not_empty", "{again:?}");
}
