//! `assistid relay enrol|show|leave` as a coordinator meets it before any relay answers: the
//! folder sends directly until it enrols, a wrong address or CA file is refused in plain
//! Swedish, an unreachable relay is said so, and nothing is stored by a failed enrolment.
//! (Enrolling and sending against a real relay: crates/app/tests/spec/relay.rs.)

use crate::support::DataDir;

fn with_provider() -> DataDir {
    let data = DataDir::new();
    data.ok(&[
        "provider",
        "add",
        "--name",
        "Åsa & Co Assistans AB",
        "--org-number",
        "556703-7485",
        "--phone",
        "08-123 45 67",
    ]);
    data
}

fn refused(data: &DataDir, args: &[&str]) -> String {
    let out = data.run(args);
    assert_ne!(
        out.status.code(),
        Some(0),
        "`assistid {}` must fail",
        args.join(" ")
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_folder_sends_directly_until_it_enrols_and_a_failed_enrolment_stores_nothing() {
    let data = with_provider();
    let shown = data.ok(&["relay", "show"]);
    assert!(
        shown.contains("skickar direkt"),
        "a new folder sends directly: {shown}"
    );
    let status = data.json(&["relay", "show"]);
    assert_eq!(status["mode"], "direct", "{status}");

    let err = refused(
        &data,
        &[
            "relay",
            "enrol",
            "--address",
            "http://relay.example",
            "--code",
            "X",
        ],
    );
    assert!(
        err.contains("https://"),
        "the address must be https, and the message says so: {err}"
    );

    let ca = data.path().join("not-a-ca.pem");
    std::fs::write(&ca, "inget certifikat").expect("a file");
    let err = refused(
        &data,
        &[
            "relay",
            "enrol",
            "--address",
            "https://127.0.0.1:1",
            "--code",
            "AAAA-BBBB",
            "--ca",
            &ca.to_string_lossy(),
        ],
    );
    assert!(
        err.contains("relayns CA") && err.contains("ca.pem"),
        "a file that is no CA certificate is named and what to ask for said: {err}"
    );

    // Port 1 on loopback: nothing listens.
    let err = refused(
        &data,
        &[
            "relay",
            "enrol",
            "--address",
            "https://127.0.0.1:1",
            "--code",
            "AAAA-BBBB",
        ],
    );
    assert!(
        err.contains("Relayn gick inte att nå") && err.contains("adressen"),
        "an unreachable relay is said so, with what to check: {err}"
    );
    let status = data.json(&["relay", "show"]);
    assert_eq!(status["mode"], "direct", "nothing was stored: {status}");
    assert!(status["address"].is_null(), "{status}");

    // Leaving when never enrolled is harmless.
    let left = data.json(&["relay", "leave"]);
    assert_eq!(left["mode"], "direct", "{left}");
}
