//! `assistid sign …` in demo mode: the fake BankID runs inside the program over real mutual TLS
//! and approves as the right person unless told otherwise; every signature is verified before
//! it is stored.

use crate::support::DataDir;

pub(crate) fn report_ids(data: &DataDir) -> Vec<String> {
    let status = data.json(&["sign", "status", "--month", "2026-10"]);
    status
        .as_array()
        .expect("the status is a list")
        .iter()
        .filter(|r| r["sendable"] == true)
        .map(|r| r["report_id"].as_str().expect("an id").to_owned())
        .collect()
}

fn state_of(data: &DataDir, id: &str) -> String {
    let status = data.json(&["sign", "status", "--month", "2026-10"]);
    status
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r["report_id"] == id)
        .map(|r| r["state"].as_str().expect("a state").to_owned())
        .expect("the report is listed")
}

#[test]
fn a_demo_month_is_signed_by_the_assistants_and_then_by_the_provider_in_one_order_per_person() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let signatories = data.json(&["provider", "signatory", "list"]);
    assert_eq!(
        signatories.as_array().map(Vec::len),
        Some(1),
        "the demo provider has its manager as signatory: {signatories}"
    );
    let ids = report_ids(&data);
    assert!(ids.len() >= 3, "the demo month has several reports");
    for id in &ids[..3] {
        let out = data.ok(&["sign", "assistant", "--report", id]);
        assert!(
            out.contains("RFA9") && out.contains("Underskriven av"),
            "BankID's messages and the outcome are shown:\n{out}"
        );
        assert_eq!(state_of(&data, id), "assistant_signed");
    }
    let outcome = data.json(&["sign", "provider", "--month", "2026-10"]);
    assert_eq!(outcome["signed"], true, "{outcome}");
    let orders = outcome["provider"]["orders"].as_array().expect("orders");
    assert_eq!(
        orders.len(),
        1,
        "one BankID order for the month's reports of one person"
    );
    assert_eq!(
        orders[0]["reports"].as_array().map(Vec::len),
        Some(3),
        "the provider's one signature covers the three assistant-signed reports"
    );
    for id in &ids[..3] {
        assert_eq!(state_of(&data, id), "fully_signed");
    }
    let text = data.ok(&["sign", "status", "--month", "2026-10"]);
    assert!(
        text.contains("underskriven av assistent och anordnare"),
        "the status says fully signed:\n{text}"
    );
    assert!(
        !text.contains("197205141232"),
        "the status masks personnummer:\n{text}"
    );

    // The export carries the decoded signature documents and who signed when.
    let out = data.path().join("export");
    data.ok(&[
        "report",
        "export",
        "--month",
        "2026-10",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).expect("index.json written"))
            .expect("JSON");
    let first = index["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["id"] == ids[0].as_str())
        .expect("the signed report is exported");
    let roles: Vec<&str> = first["signatures"]
        .as_array()
        .expect("signatures")
        .iter()
        .map(|s| s["role"].as_str().expect("role"))
        .collect();
    assert_eq!(roles, vec!["assistant", "provider"]);
    for role in ["assistant", "provider"] {
        let xml = std::fs::read_to_string(out.join(format!("{}.{role}-signature.xml", ids[0])))
            .expect("the decoded signature document is written");
        assert!(
            xml.contains("http://www.w3.org/2000/09/xmldsig#") && xml.contains("bankIdSignedData"),
            "the {role} signature is BankID's XML-DSig document"
        );
    }
}

#[test]
fn a_wrong_person_or_a_cancel_exits_5_and_stores_nothing() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let id = report_ids(&data)[0].clone();
    for outcome in ["wrong-person", "cancel"] {
        let out = data.run(&[
            "sign",
            "assistant",
            "--report",
            &id,
            "--demo-outcome",
            outcome,
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(5),
            "{outcome}: signing failed → exit 5; stderr: {stderr}"
        );
        assert!(
            stderr.contains("Ingen underskrift sparades"),
            "{outcome}: the user is told nothing was stored: {stderr}"
        );
        assert_eq!(
            state_of(&data, &id),
            "unsigned",
            "{outcome}: nothing stored"
        );
    }
    let out = data.run(&[
        "sign",
        "assistant",
        "--report",
        &id,
        "--demo-outcome",
        "wrong-person",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("annan person"),
        "the reason is given"
    );
}

#[test]
fn the_provider_cannot_sign_before_the_assistants_exit_3() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let out = data.run(&["sign", "provider", "--month", "2026-10"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "nothing assistant-signed is a data problem; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("assistenten har inte skrivit under"));
}

#[test]
fn same_device_start_shows_bankids_same_device_messages_and_still_signs() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let id = report_ids(&data)[0].clone();
    // On a machine without a BankID app (or URL handler) opening the link fails; the user is
    // told to scan the QR code instead, and the order goes on.
    let out = data.run(&["sign", "assistant", "--report", &id, "--same-device"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the demo signs as usual: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("RFA13"),
        "started on this computer, BankID's same-device text (RFA13) is shown, not RFA1: {stdout}"
    );
    assert_eq!(
        state_of(&data, &id),
        "assistant_signed",
        "the signature was stored"
    );
}

/// Runs and expects a failure; returns stderr.
fn refused(data: &DataDir, args: &[&str]) -> String {
    let out = data.run(args);
    assert_ne!(
        out.status.code(),
        Some(0),
        "`assistid {}` must be refused",
        args.join(" ")
    );
    String::from_utf8(out.stderr).expect("stderr is UTF-8")
}

#[test]
fn a_real_folder_signs_only_with_bankid_of_its_own_environment() {
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
    let shown = data.json(&["environment", "show"]);
    assert_eq!(shown["data_kind"], "real", "{shown}");
    assert_eq!(shown["environment"], serde_json::Value::Null, "{shown}");
    let err = refused(&data, &["sign", "status", "--month", "2026-10"]);
    assert!(
        err.contains("testmiljö eller produktionsmiljö"),
        "nothing is signed before the folder says where it works: {err}"
    );
    let err = refused(
        &data,
        &[
            "sign",
            "assistant",
            "--report",
            "0d6f3a5e-7c1b-4e8a-9f2d-000000000001",
        ],
    );
    assert!(
        err.contains("assistid environment set"),
        "the message says how to choose: {err}"
    );

    data.ok(&["environment", "set", "test"]);
    assert_eq!(data.json(&["environment", "show"])["environment"], "test");
    let report = "0d6f3a5e-7c1b-4e8a-9f2d-000000000001";
    let err = refused(
        &data,
        &["sign", "assistant", "--report", report, "--env", "demo"],
    );
    assert!(
        err.contains("testmiljön") && err.contains("--env demo"),
        "the demo's BankID is never used in a folder working in test: {err}"
    );
    let err = refused(
        &data,
        &[
            "sign",
            "assistant",
            "--report",
            report,
            "--demo-outcome",
            "approve",
        ],
    );
    assert!(
        err.contains("--demo-outcome finns bara i demoläget"),
        "the simulated BankID app does not exist here: {err}"
    );
    let err = refused(&data, &["sign", "assistant", "--report", report]);
    assert!(
        err.contains("RP-certifikatet"),
        "test signs with BankID's test service, which needs the RP certificate: {err}"
    );
}

#[test]
fn bankids_test_service_can_be_replaced_by_a_stand_in_and_production_cannot() {
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
    data.ok(&["environment", "set", "test"]);
    let shown = data.json(&["bankid", "show"]);
    assert_eq!(
        shown["test_service"]["endpoint"], "https://appapi2.test.bankid.com/rp/v6.0",
        "BankID's own test address until another is chosen: {shown}"
    );
    let err = refused(
        &data,
        &["bankid", "set-address", "http://127.0.0.1:4711/rp/v6.0"],
    );
    assert!(
        err.contains("https://"),
        "an address that is not https is refused with how it should look: {err}"
    );
    let set = data.json(&["bankid", "set-address", "https://127.0.0.1:4711/rp/v6.0"]);
    assert_eq!(set["is_default"], false, "{set}");
    let ca = assistid_fakes::pki::TestCa::new("BankID-proxy CA").expect("a CA");
    let ca_file = data.path().join("proxy-ca.pem");
    std::fs::write(&ca_file, ca.cert_pem()).expect("the CA file is written");
    let set = data.json(&["bankid", "set-server-ca", &ca_file.display().to_string()]);
    assert!(
        set["server_ca"][0]["subject"]
            .as_str()
            .is_some_and(|s| s.contains("BankID-proxy CA")),
        "the chosen CA is named: {set}"
    );
    let shown = data.json(&["bankid", "show"]);
    assert_eq!(
        shown["test_service"]["endpoint"], "https://127.0.0.1:4711/rp/v6.0",
        "{shown}"
    );

    data.ok(&["environment", "set", "prod"]);
    for args in [
        &["bankid", "set-address", "https://127.0.0.1:4711/rp/v6.0"][..],
        &["bankid", "set-server-ca", &ca_file.display().to_string()][..],
    ] {
        let err = refused(&data, args);
        assert!(
            err.contains("produktionsmiljön") && err.contains("Ingenting ändrades"),
            "production is always BankID's own (`assistid {}`): {err}",
            args.join(" ")
        );
    }
    let human = data.ok(&["bankid", "show"]);
    assert!(
        human.contains("Produktionsmiljön: alltid BankID:s egen adress"),
        "{human}"
    );
}

#[test]
fn the_demo_folder_cannot_be_moved_to_test_or_production() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let err = refused(&data, &["environment", "set", "prod"]);
    assert!(err.contains("demodata"), "{err}");
    assert_eq!(data.json(&["environment", "show"])["environment"], "demo");
}

#[test]
fn an_assistant_and_the_provider_sign_by_phone() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let id = report_ids(&data)[0].clone();
    let out = data.ok(&[
        "sign",
        "assistant",
        "--report",
        &id,
        "--phone",
        "--call-initiator",
        "user",
    ]);
    assert!(
        out.contains("telefonen") && !out.contains("Skanna QR-koden"),
        "a phone order says where it went, and there is no QR code:\n{out}"
    );
    assert!(
        out.contains("Bekräfta i BankID-appen att du är i ett samtal med oss.")
            && out.contains("RFA9")
            && out.contains("Underskriven av"),
        "BankID's status is printed live in Swedish, then the outcome:\n{out}"
    );
    assert_eq!(state_of(&data, &id), "assistant_signed");
    let outcome = data.json(&[
        "sign",
        "provider",
        "--month",
        "2026-10",
        "--reports",
        &id,
        "--phone",
    ]);
    assert_eq!(outcome["signed"], true, "{outcome}");
    assert_eq!(state_of(&data, &id), "fully_signed");
}

#[test]
fn a_phone_order_the_assistant_says_is_not_in_a_call_exits_5_and_stores_nothing() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let id = report_ids(&data)[0].clone();
    let out = data.run(&[
        "sign",
        "assistant",
        "--report",
        &id,
        "--phone",
        "--demo-outcome",
        "decline-call",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(5),
        "signing failed → exit 5; {stderr}"
    );
    assert!(
        stderr.contains("inte är i ett samtal") && stderr.contains("Ingen underskrift sparades"),
        "the coordinator reads what the assistant answered and that nothing was stored: {stderr}"
    );
    assert_eq!(state_of(&data, &id), "unsigned");

    let refused = data.run(&[
        "sign",
        "assistant",
        "--report",
        &id,
        "--call-initiator",
        "rp",
    ]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "--call-initiator means nothing without --phone: a usage error"
    );
}
