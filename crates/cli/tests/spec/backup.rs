//! `assistid backup` and `assistid restore`, as a coordinator or a script uses them: the
//! recovery key shown once and typed back, a backup written, restored on "another computer"
//! (another folder and key file), and a restore that would overwrite data refused.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::DataDir;

/// Runs `assistid --data-dir DIR ARGS…` with `stdin` as its input.
fn run_with_input(data: &Path, key: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_assistid"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("ASSISTID_KEY_FILE", key)
        .env_remove("ASSISTID_RECOVERY_KEY")
        .env_remove("ASSISTID_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the assistid binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("the input is written");
    child.wait_with_output().expect("the program ends")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_backup_made_on_one_computer_restores_on_another_with_the_recovery_key() {
    let old = DataDir::new();
    old.ok(&["demo"]);
    let setup = old.json(&["backup", "setup"]);
    let key = setup["recovery_key"]
        .as_str()
        .expect("setup prints the recovery key once")
        .to_owned();
    assert_eq!(key.len(), 34, "seven groups of four: {key}");

    let file = old.path().join("backup.assistid-backup");
    let file_arg = file.to_str().expect("a UTF-8 path");
    let refused = old.run(&["backup", "--out", file_arg]);
    assert_ne!(
        refused.status.code(),
        Some(0),
        "no backup before the key is confirmed"
    );
    assert!(
        text(&refused).1.contains("återställningsnyckel"),
        "and the message says what to do: {}",
        text(&refused).1
    );

    let confirmed = run_with_input(old.path(), &old.key_file(), &["backup", "confirm"], &key);
    assert_eq!(confirmed.status.code(), Some(0), "{:?}", text(&confirmed));
    let written = old.ok(&["backup", "--out", file_arg]);
    assert!(written.contains("Säkerhetskopian är skriven"), "{written}");
    let status = old.json(&["backup", "status"]);
    assert_eq!(status["set_up"], true, "{status}");
    assert!(
        status["last_ok"]["at"].is_string(),
        "the backup is remembered: {status}"
    );

    // The new computer: another folder, another key file.
    let new = DataDir::new();
    let target = new.path().join("Assistid");
    let restored = run_with_input(&target, &new.key_file(), &["restore", file_arg], &key);
    let (stdout, stderr) = text(&restored);
    assert_eq!(restored.status.code(), Some(0), "{stdout} {stderr}");
    assert!(
        stderr.contains("Säkerhetskopia gjord"),
        "the header is shown first: {stderr}"
    );
    for expected in ["Återställt till", "Anordnare:", "2026-10", "Rapporter:"] {
        assert!(
            stdout.contains(expected),
            "the summary shows {expected:?}: {stdout}"
        );
    }
    let review = Command::new(env!("CARGO_BIN_EXE_assistid"))
        .arg("--data-dir")
        .arg(&target)
        .args(["review", "--month", "2026-10"])
        .env("ASSISTID_KEY_FILE", new.key_file())
        .output()
        .expect("runs");
    assert_eq!(
        review.status.code(),
        Some(0),
        "the restored folder works: {:?}",
        text(&review)
    );

    // Restoring again over the restored folder is refused, and it stays as it is.
    let again = run_with_input(&target, &new.key_file(), &["restore", file_arg], &key);
    assert_ne!(
        again.status.code(),
        Some(0),
        "never over an existing database"
    );
    assert!(
        text(&again)
            .1
            .contains("innehåller redan en Assistid-databas"),
        "{}",
        text(&again).1
    );

    // A wrong key writes nothing anywhere.
    let elsewhere = DataDir::new();
    let wrong = run_with_input(
        &elsewhere.path().join("x"),
        &elsewhere.key_file(),
        &["restore", file_arg],
        "0000-0000-0000-0000-0000-0000-0000",
    );
    assert_ne!(wrong.status.code(), Some(0), "a wrong key is refused");
    assert!(
        std::fs::read_dir(elsewhere.path())
            .expect("read")
            .next()
            .is_none(),
        "nothing was written: not the folder, not a key"
    );
}
