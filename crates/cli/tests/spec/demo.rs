//! `assistid demo`: a new user's first look.

use crate::support::DataDir;

#[test]
fn demo_creates_data_once_and_shows_the_autumn_change() {
    let data = DataDir::new();
    let first = data.ok(&["demo"]);
    assert!(
        first.contains("Demodata skapades"),
        "the first run says it created demo data:\n{first}"
    );
    assert!(
        first.contains("Månadsöversikt 2026-10"),
        "the demo shows October 2026 by default:\n{first}"
    );
    assert!(
        first.contains("+1 h, vintertid"),
        "the demo month shows a row across the autumn change with its note:\n{first}"
    );
    assert!(
        first.contains("0 fel"),
        "the demo data has warnings but no errors:\n{first}"
    );

    let second = data.ok(&["demo"]);
    assert!(
        second.contains("har redan data"),
        "a second run must not add the demo data again:\n{second}"
    );
    let first_ids: Vec<&str> = first.lines().filter(|l| l.contains("rapport-id")).collect();
    let second_ids: Vec<&str> = second
        .lines()
        .filter(|l| l.contains("rapport-id"))
        .collect();
    assert_eq!(
        first_ids, second_ids,
        "unchanged reports keep their ids (no new versions) between runs"
    );
}

#[test]
fn demo_spring_month_shows_the_lost_hour_and_the_deliberate_warnings() {
    let data = DataDir::new();
    let out = data.ok(&["demo", "--month", "2026-03"]);
    assert!(
        out.contains("\u{2212}1 h, sommartid"),
        "March shows the spring change's note:\n{out}"
    );
    for code in ["working_time_limit", "long_shift"] {
        assert!(
            out.contains(code),
            "the demo deliberately shows a {code} warning:\n{out}"
        );
    }
    assert!(
        !out.contains("19750323-0") && !out.contains("197503230"),
        "text output masks personnummer"
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_without_a_panic() {
    use std::io::Read as _;
    use std::process::{Command, Stdio};
    let data = DataDir::new();
    data.ok(&["demo"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_assistid"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["review", "--month", "2026-10"])
        .env("ASSISTID_KEY_FILE", data.key_file())
        .env_remove("ASSISTID_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the assistid binary runs");
    // The reader goes away before reading anything, as `| head -0` would.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .expect("stderr is readable");
    let status = child.wait().expect("the program ends");
    assert!(
        !stderr.contains("panicked"),
        "a closed output pipe must not end in a panic message; stderr: {stderr}"
    );
    assert!(
        status.code() == Some(141) || status.success(),
        "a closed output pipe ends with 141 (128 + SIGPIPE), or 0 if everything fit in the pipe \
         first; got {status:?}"
    );
}
