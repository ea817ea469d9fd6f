//! Owner-only files and folders: the data folder (new and existing), and the helpers every
//! export writer uses. Unix modes; on Windows the user's profile is the protection (see
//! `assistid_store::owner_only`) and nothing is checked here.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use assistid_store::Store;
use assistid_store::owner_only::{create_dir_all, create_file, tighten_dir, write_file};

use crate::support::Fixture;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("the path exists")
        .permissions()
        .mode()
        & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn a_new_data_folder_is_created_owner_only() {
    let fx = Fixture::new();
    let data = fx.dir.path().join("ny/Assistid");
    let store = Store::open_in_data_dir(&data, &fx.keys()).expect("opens");
    drop(store);
    assert_eq!(mode(&data), 0o700, "only the user can open the data folder");
    assert_eq!(
        mode(&fx.dir.path().join("ny")),
        0o700,
        "a parent Assistid had to create is owner-only too"
    );
}

#[test]
fn an_existing_data_folder_readable_by_others_is_tightened_when_opened() {
    let fx = Fixture::new();
    let data = fx.dir.path().join("data");
    std::fs::create_dir(&data).expect("created");
    set_mode(&data, 0o755);
    Store::open_in_data_dir(&data, &fx.keys()).expect("opens");
    assert_eq!(
        mode(&data),
        0o700,
        "a data folder an older version made 0755 is owner-only once opened"
    );
}

#[test]
fn files_are_owner_only_from_the_start_and_never_reuse_a_looser_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let new = dir.path().join("a/b/export.json");
    write_file(&new, b"{}").expect("written");
    assert_eq!(mode(&new), 0o600, "an export is owner-only");
    assert_eq!(mode(&dir.path().join("a/b")), 0o700, "new folders are too");
    assert_eq!(mode(&dir.path().join("a")), 0o700);

    // A file from an older version, readable by others, and a leftover temporary file.
    let old = dir.path().join("kvitto.pdf");
    std::fs::write(&old, b"old").expect("written");
    set_mode(&old, 0o644);
    let stale = dir.path().join("kvitto.pdf.tmp");
    std::fs::write(&stale, b"stale").expect("written");
    set_mode(&stale, 0o666);
    write_file(&old, b"new").expect("replaced");
    assert_eq!(std::fs::read(&old).expect("read"), b"new");
    assert_eq!(
        mode(&old),
        0o600,
        "a replaced file gets the new file's mode"
    );
    assert!(!stale.exists(), "the temporary file was renamed into place");

    let created = dir.path().join("person.json");
    drop(create_file(&created).expect("created"));
    assert_eq!(mode(&created), 0o600);
    let err = create_file(&created).expect_err("an existing file is never replaced");
    assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
}

#[test]
fn only_assistids_own_folders_are_tightened() {
    let dir = tempfile::tempdir().expect("temp dir");
    let chosen = dir.path().join("Skrivbord");
    std::fs::create_dir(&chosen).expect("created");
    set_mode(&chosen, 0o755);
    create_dir_all(&chosen).expect("exists already");
    assert_eq!(
        mode(&chosen),
        0o755,
        "a folder the user chose keeps its permissions"
    );
    tighten_dir(&chosen).expect("tightened");
    assert_eq!(mode(&chosen), 0o700, "an Assistid folder is tightened");
}
