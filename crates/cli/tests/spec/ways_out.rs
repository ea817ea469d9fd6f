//! `assistid verify`, `assistid submissions show|diagnostics` and the tx-id check of
//! `submissions resolve` (issue 21): a demo month signed and sent to the demo's fake FK, then
//! checked as a coordinator (or the vendor's support) would.

use crate::submit::sign_month;
use crate::support::DataDir;

/// A demo folder whose October is signed and accepted by the demo's FK, with the reports
/// exported into `<data>/export`.
fn sent_demo() -> DataDir {
    let data = DataDir::new();
    data.ok(&["demo"]);
    sign_month(data.path(), &data.key_file(), "2026-10");
    data.ok(&["submit", "--month", "2026-10", "--env", "demo"]);
    let out = data.path().join("export");
    let out = out.to_str().expect("a UTF-8 path");
    data.ok(&["report", "export", "--month", "2026-10", "--out", out]);
    data
}

#[test]
fn verify_says_whether_a_report_file_is_exactly_one_that_was_sent() {
    let data = sent_demo();
    let list = data.json(&["submissions", "--month", "2026-10"]);
    let first = &list[0];
    let report_id = first["report_id"].as_str().expect("a report id");
    let tx_id = first["tx_id"].as_str().expect("a tx-id");
    let file = data.path().join("export").join(format!("{report_id}.xml"));
    let file = file.to_str().expect("a UTF-8 path");

    let out = data.ok(&["verify", file]);
    assert!(
        out.starts_with("Ja: filen är exakt version 1 som demoläget tog emot"),
        "the first line answers the question:\n{out}"
    );
    for expected in [
        tx_id,
        "SHA-256 (filens byte)",
        "Underskriven av",
        "Assistent",
    ] {
        assert!(out.contains(expected), "verify shows {expected:?}:\n{out}");
    }
    let json = data.json(&["verify", file]);
    assert_eq!(json["verdict"], "sent", "{json}");
    assert_eq!(json["sendings"][0]["tx_id"], tx_id);

    let changed = data.path().join("changed.xml");
    let text = std::fs::read_to_string(file).expect("the exported report");
    std::fs::write(&changed, text.replacen("<fornamn>", "<fornamn>X", 1)).expect("written");
    let refused = data.run(&["verify", changed.to_str().expect("UTF-8")]);
    assert_eq!(
        refused.status.code(),
        Some(3),
        "a file that is not the one sent exits 3"
    );
    assert!(
        String::from_utf8_lossy(&refused.stdout).starts_with("Filen har ändrats"),
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );
}

#[test]
fn show_and_diagnostics_give_the_facts_without_personal_data_and_a_bad_tx_id_is_explained() {
    let data = sent_demo();
    let shown = data.ok(&["submissions", "show", "1"]);
    assert!(
        shown.contains("Skickades till Försäkringskassan") && shown.contains("Händelser:"),
        "show gives the time to quote to FK and the audit trail:\n{shown}"
    );
    let detail = data.json(&["submissions", "show", "1"]);
    assert_eq!(detail["submission"]["state"], "accepted", "{detail}");
    assert!(detail["request_at"].is_string(), "{detail}");

    let out = data.path().join("felrapport.json");
    let out = out.to_str().expect("UTF-8");
    let said = data.ok(&["submissions", "diagnostics", "1", "--out", out]);
    assert!(said.contains("inga personnummer"), "{said}");
    let bundle = std::fs::read_to_string(out).expect("the bundle is written");
    assert!(bundle.contains("assistid-felrapport/1"), "{bundle}");
    // The demo's persons and assistants: none of their numbers or names.
    for forbidden in ["19850312", "19750323", "Öberg", "Johansson"] {
        assert!(
            !bundle.contains(forbidden),
            "the bundle holds no personal data ({forbidden}):\n{bundle}"
        );
    }
    let again = data.run(&["submissions", "diagnostics", "1", "--out", out]);
    assert_eq!(
        again.status.code(),
        Some(3),
        "an existing file is never overwritten"
    );

    let bad = data.run(&["submissions", "resolve", "1", "--accepted", "kvitto-12"]);
    assert_eq!(bad.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("8-4-4-4-12") && stderr.contains("kvitto-12"),
        "the refusal says what is wrong and what a tx-id looks like: {stderr}"
    );
}

/// A named pipe (or a link to one) given to `verify` is refused at once, instead of waiting
/// for a writer that never comes.
#[test]
fn verify_refuses_a_named_pipe_at_once() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let pipe = data.path().join("rapport.xml");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "the named pipe is made");
    let release = pipe.clone();
    std::thread::spawn(move || {
        // Lets a reader that wrongly waits on the pipe go, instead of hanging the run.
        std::thread::sleep(std::time::Duration::from_secs(8));
        let _ = std::fs::OpenOptions::new().write(true).open(&release);
    });
    let started = std::time::Instant::now();
    let out = data.run(&["verify", pipe.to_str().expect("UTF-8")]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(6),
        "refused at once, not after waiting for a writer"
    );
    assert!(!out.status.success(), "a pipe is no report file");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ingen vanlig fil"),
        "the message says what is wrong: {stderr}"
    );
}
