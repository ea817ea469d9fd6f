//! `assistid submit` and `assistid submissions`: a demo month from signatures to tx-ids against
//! the fake FK the program starts itself, and the exit codes scripts rely on.

use std::path::Path;

use assistid_app::core_types::model::ReportMonth;
use assistid_fakes::bankid::UserCertificateAuthority;
use assistid_store::{KeySource, Store};
use assistid_test_kit::Signing;
use chrono::Utc;

use crate::support::DataDir;

/// Signs every current report version of the month like BankID (the shared test kit's
/// [`assistid_test_kit::sign_month`]): each assistant their report, the provider all in one
/// batch, with a fake BankID CA the demo folder trusts. Returns how many reports were signed.
pub(crate) fn sign_month(data_dir: &Path, key: &Path, month: &str) -> usize {
    let store = Store::open_in_data_dir(data_dir, &KeySource::File(key.to_path_buf()))
        .expect("the store opens");
    let month: ReportMonth = month.parse().expect("a month");
    let bankid = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("CA");
    assistid_test_kit::trust_in_demo(data_dir, "tests", bankid.root_der()).expect("root saved");
    let how = Signing {
        provider_name: "Test Testsson",
        ..Signing::demo(&bankid, Utc::now())
    };
    assistid_test_kit::sign_month(&store, month, &how, |_, binding| binding)
        .expect("the fake BankID signs the month and the signatures are stored")
        .len()
}

#[test]
fn a_signed_demo_month_goes_from_submit_to_tx_ids_with_no_rate_violation() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let unsigned = data.run(&["submit", "--month", "2026-10"]);
    assert_eq!(
        unsigned.status.code(),
        Some(3),
        "nothing signed: exit 3 (data problems); stdout: {}",
        String::from_utf8_lossy(&unsigned.stdout)
    );
    assert!(
        String::from_utf8_lossy(&unsigned.stdout).contains("inte underskriven"),
        "unsigned reports are listed with the reason"
    );

    let count = sign_month(data.path(), &data.key_file(), "2026-10");
    let out = data.ok(&["submit", "--month", "2026-10", "--env", "demo"]);
    let progress: Vec<&str> = out.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(
        progress.len(),
        count,
        "one progress line per report:\n{out}"
    );
    assert!(
        progress[0].starts_with(&format!("[1/{count}] ")) && progress[0].contains("skickad, tx-id"),
        "progress lines name the report and its tx-id:\n{out}"
    );
    assert!(
        out.contains("Demo-FK räknade 0 för täta anrop"),
        "the demo FK counted no rate violation:\n{out}"
    );
    assert!(
        !out.contains("19850312") && !out.contains("19750323"),
        "no personnummer in the output"
    );

    let list = data.json(&["submissions", "--month", "2026-10"]);
    let rows = list.as_array().expect("a JSON list");
    assert_eq!(rows.len(), count);
    for row in rows {
        assert_eq!(row["state"], "accepted", "{row}");
        assert!(
            row["tx_id"].as_str().is_some_and(|t| t.len() == 36),
            "each accepted report has its tx-id: {row}"
        );
    }

    // Running again sends nothing and still succeeds.
    let again = data.json(&["submit", "--month", "2026-10"]);
    assert_eq!(again["results"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        again["rate_violations"], 0,
        "--json still reports the demo FK's count, read by the CLI from the fake it started: \
         {again}"
    );
    let resolve = data.run(&["submissions", "resolve", "1", "--abandon"]);
    assert_eq!(
        resolve.status.code(),
        Some(3),
        "only uncertain submissions take a decision"
    );
}

#[test]
fn demo_data_is_refused_for_fks_real_services() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let out = data.run(&["submit", "--month", "2026-10", "--env", "test"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Demodata kan inte skickas"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
