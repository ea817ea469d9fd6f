//! What the shell writes under `exports` is owner-only, and what it opens from there is only
//! what it writes, by its canonical path.

use std::path::Path;

use assistid_app::core_types::text::Lang;
use assistid_desktop::records;

use crate::boundary::demo_app;

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .expect("the path exists")
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn exports_and_their_folders_are_owner_only_even_where_an_older_version_made_them_open() {
    use std::os::unix::fs::PermissionsExt as _;
    let (_dir, app) = demo_app();
    let data = app.data_dir().to_path_buf();
    assert_eq!(mode(&data), 0o700, "the data folder is owner-only");
    // An older version created the exports folder readable to everyone.
    let exports = data.join("exports");
    std::fs::create_dir_all(exports.join("2026-10")).expect("created");
    for dir in [&exports, &exports.join("2026-10")] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let month = assistid_desktop::convert::month("2026-10").expect("a month");
    let written =
        records::export_invoice(&app, &data, month, Lang::Sv).expect("the figures are written");
    let folder = Path::new(&written.path);
    let mut files = 0;
    for entry in std::fs::read_dir(folder).expect("the folder exists") {
        let path = entry.expect("an entry").path();
        assert_eq!(
            mode(&path),
            0o600,
            "{} holds names and hours: only the user may read it",
            path.display()
        );
        files += 1;
    }
    assert!(files >= 2, "a PDF and a CSV per person were written");
    assert!(
        written
            .description
            .starts_with("Underlag för räkningen (FK 3057 / E-RÄK) för 2026-10, "),
        "Swedish is the notice as it always was: {}",
        written.description
    );
    let again = records::export_invoice(&app, &data, month, Lang::En).expect("written again");
    assert!(
        again
            .description
            .starts_with("Figures for the invoice (FK 3057 / E-RÄK) for 2026-10, ")
            && again.description.ends_with(" persons"),
        "in English mode the notice is English, with the same month and count: {}",
        again.description
    );
    for dir in [
        exports.clone(),
        exports.join("2026-10"),
        folder.to_path_buf(),
    ] {
        assert_eq!(mode(&dir), 0o700, "{} is owner-only", dir.display());
    }
}

#[cfg(unix)]
#[test]
fn the_log_folder_is_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("a temp dir");
    let logs = dir.path().join("Assistid/logs");
    assistid_desktop::prepare_log_dir(&logs).expect("created");
    assert_eq!(mode(&logs), 0o700, "a new log folder is owner-only");
    std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assistid_desktop::prepare_log_dir(&logs).expect("tightened");
    assert_eq!(mode(&logs), 0o700, "an existing log folder is tightened");
}

#[test]
fn only_the_kinds_of_file_the_shell_writes_are_opened_and_by_their_canonical_path() {
    let dir = tempfile::tempdir().expect("a temp data folder");
    let data = dir.path();
    let month = data.join("exports/2026-10");
    std::fs::create_dir_all(&month).expect("exports folder");
    for name in [
        "kvitto-2026-10.pdf",
        "kvitto-2026-10.json",
        "underlag.CSV",
        "run.sh",
        "evil.desktop",
        "page.html",
        "report.xml",
        "noextension",
    ] {
        std::fs::write(month.join(name), b"x").expect("a file");
    }
    let canonical_month = month.canonicalize().expect("canonical");
    for name in ["kvitto-2026-10.pdf", "kvitto-2026-10.json", "underlag.CSV"] {
        // Reached through a detour: the OS gets the resolved path, not the string.
        let detour = data.join("exports/2026-10/../2026-10").join(name);
        let opened = records::export_to_open(data, &detour.display().to_string())
            .unwrap_or_else(|e| panic!("{name} is a file the shell writes: {e:?}"));
        assert_eq!(
            opened,
            canonical_month.join(name),
            "{name} is opened by its canonical path"
        );
    }
    assert_eq!(
        records::export_to_open(data, &month.display().to_string()).expect("a folder"),
        canonical_month,
        "the folders the shell writes into can be shown"
    );
    for name in [
        "run.sh",
        "evil.desktop",
        "page.html",
        "report.xml",
        "noextension",
    ] {
        let err = records::export_to_open(data, &month.join(name).display().to_string())
            .expect_err("a kind of file the shell never writes is refused");
        assert_eq!(err.code, "invalid_input", "{name}");
        assert!(
            err.message.contains("PDF, CSV och JSON") && err.message.contains(name),
            "the message names the file and what can be opened: {}",
            err.message
        );
    }
}

#[cfg(unix)]
#[test]
fn a_link_under_exports_to_a_file_outside_is_refused() {
    let dir = tempfile::tempdir().expect("a temp data folder");
    let data = dir.path();
    let month = data.join("exports/2026-10");
    std::fs::create_dir_all(&month).expect("exports folder");
    let secret = data.join("hemlig.pdf");
    std::fs::write(&secret, b"x").expect("a file outside exports");
    let link = month.join("kvitto.pdf");
    std::os::unix::fs::symlink(&secret, &link).expect("a symbolic link");
    let err = records::export_to_open(data, &link.display().to_string())
        .expect_err("the link resolves outside exports");
    assert_eq!(err.code, "invalid_input");
}
