//! The demo's FK starts at the edge, not in the app layer (issue 14): the command line and the
//! desktop shell start the fake FK for the demo folder and hand the app a stand-in — its
//! address, the CA of its server certificate and the client identity it accepts — and the app
//! sends through it without knowing it is a fake. The app refuses the stand-in in a folder with
//! real data, never starts a fake itself, and has the fakes only among its test dependencies.
//! Real encrypted data folders, real signatures from the fake BankID's signing code, the fake
//! FK over mutual TLS on loopback.

use std::path::Path;
use std::time::Duration;

use assistid_app::submit::{ConnectOptions, EltConnection, StandInFk};
use assistid_app::{App, IpcError};
use assistid_core::secret::Sensitive;
use assistid_elt::Environment;
use assistid_fakes::fk::{BackgroundFakeFk, FakeFk, FakeFkConfig};
use assistid_store::{DataKind, Store};
use chrono::Utc;

use crate::submit::{Folder, clock, fast_pacer, fast_retry, month, sign_month};
use assistid_app::views::SubmissionState as ViewState;

/// The password the edge protects the demo's client certificate with (as
/// `crates/cli/src/demo_fk.rs` and `src-tauri/src/demo_fk.rs` do).
pub(crate) const DEMO_FK_PASSWORD: &str = "assistid-demo";

fn code(err: anyhow::Error) -> String {
    IpcError::from(err).code
}

/// What the edge hands the app for the fake `fk`.
fn stand_in(fk: &BackgroundFakeFk) -> StandInFk {
    StandInFk {
        endpoint: fk.endpoint(),
        ca_pem: fk.ca_pem().to_owned(),
        client_identity_p12: fk
            .client_identity_p12(DEMO_FK_PASSWORD)
            .expect("the fake issues a client certificate"),
        password: Sensitive::new(DEMO_FK_PASSWORD.to_owned()),
    }
}

/// The demo wiring of the edge, as the CLI and the desktop shell do it: the fake FK started
/// with what the app says for the folder (its journal there, the demo BankID's roots saved
/// there), then handed to the app as a stand-in. `config` may change the fake's pace.
pub(crate) fn start_demo_fk(app: &App, config: FakeFkConfig) -> (EltConnection, BackgroundFakeFk) {
    let setup = app
        .demo_fk_setup()
        .expect("the demo folder tells the edge how to start its FK");
    let fk = FakeFk::start_background(FakeFkConfig {
        journal: Some(setup.journal),
        bankid_roots: Some(setup.bankid_roots),
        ..config
    })
    .expect("the fake FK starts on loopback");
    let connection = app
        .connect_stand_in_fk(stand_in(&fk))
        .expect("the demo folder connects to the stand-in");
    (connection, fk)
}

/// A folder with real data (the demo month, marked as real data) working in `environment`.
fn real_folder_in(environment: Environment) -> Folder {
    let folder = Folder::demo();
    Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens beside the app")
    .set_data_kind(DataKind::Real, Utc::now())
    .expect("marked as real data");
    folder
        .open()
        .set_environment(environment, Utc::now())
        .expect("the folder works in FK's service");
    folder
}

#[test]
fn the_demo_folder_sends_through_the_fk_the_edge_started() {
    let folder = Folder::demo();
    let signed = sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let (connection, fk) = start_demo_fk(
        &app,
        FakeFkConfig {
            min_interval: Duration::from_millis(100),
            ..FakeFkConfig::default()
        },
    );
    assert_eq!(
        connection.environment(),
        Environment::Demo,
        "a stand-in is the demo's FK"
    );
    assert_eq!(
        connection.endpoint(),
        fk.endpoint(),
        "the app sends to the address the edge gave it, nowhere else"
    );
    let summary = app
        .submit_month(
            month(),
            &connection,
            &fast_pacer(),
            &fast_retry(),
            &clock,
            &mut |_, _, _| {},
        )
        .expect("the month is sent");
    assert_eq!(
        summary.results.len(),
        signed.len(),
        "every signed report was sent"
    );
    assert!(
        summary
            .results
            .iter()
            .all(|r| r.state == ViewState::Accepted),
        "the demo's FK accepted every report (it checks the signatures against the demo \
         BankID's roots the app named): {:?}",
        summary.results
    );
    assert_eq!(
        fk.requests().len(),
        signed.len(),
        "the fake the edge started received every report, once"
    );
    assert_eq!(
        fk.rate_violations(),
        0,
        "the pacing holds, measured at the fake the edge owns"
    );
    let journal = folder
        .dir
        .path()
        .join(assistid_app::submit::DEMO_FK_JOURNAL);
    assert!(
        std::fs::metadata(&journal).is_ok_and(|m| m.len() > 0),
        "the fake keeps its journal in the demo folder, where the app said ({})",
        journal.display()
    );
}

#[test]
fn the_app_does_not_start_the_demo_fk_itself() {
    let folder = Folder::demo();
    let app = folder.open();
    let err = app
        .connect(&ConnectOptions::new(Environment::Demo))
        .expect_err("the app layer starts no fake: the demo's FK comes from the edge");
    let message = err.to_string();
    assert_eq!(code(err), "demo_fk_not_started");
    assert!(
        message.contains("assistid submit") && message.contains("Assistid-appen"),
        "the coordinator is told where the demo sends from: {message}"
    );
}

#[test]
fn a_folder_with_real_data_refuses_the_demo_fk() {
    let fk = FakeFk::start_background(FakeFkConfig::default()).expect("the fake FK starts");
    for environment in [Environment::Test, Environment::Prod] {
        let folder = real_folder_in(environment);
        let app = folder.open();
        let err = app
            .connect_stand_in_fk(stand_in(&fk))
            .expect_err("the demo's FK is refused in a folder with real data");
        let message = err.to_string();
        assert_eq!(code(err), "demo_fk_in_real_folder", "{environment}");
        assert!(
            message.contains("riktiga uppgifter") && message.contains("testmiljö"),
            "{environment}: the coordinator is told why and where to send instead: {message}"
        );
        let err = app
            .demo_fk_setup()
            .expect_err("nor is the edge told how to start one for it");
        assert_eq!(code(err), "demo_fk_in_real_folder", "{environment}");
    }
    assert!(
        fk.requests().is_empty(),
        "nothing from a folder with real data reached the demo's FK"
    );
}

/// `[dependencies]` of a Cargo manifest: the names of the table's entries.
fn normal_dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
        } else if in_dependencies
            && !line.starts_with('#')
            && let Some((name, _)) = line.split_once(['=', '.'])
        {
            names.push(name.trim().to_owned());
        }
    }
    names
}

fn sources_naming(dir: &Path, needle: &str, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("the app's sources are readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources_naming(&path, needle, found);
        } else if std::fs::read_to_string(&path).is_ok_and(|text| text.contains(needle)) {
            found.push(path.display().to_string());
        }
    }
}

#[test]
fn the_app_crate_has_the_fakes_only_among_its_test_dependencies() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest =
        std::fs::read_to_string(crate_dir.join("Cargo.toml")).expect("the manifest is readable");
    let dependencies = normal_dependencies(&manifest);
    assert!(
        dependencies.iter().any(|d| d == "assistid-elt"),
        "the manifest's [dependencies] were read (the ELT client is one): {dependencies:?}"
    );
    assert!(
        !dependencies.iter().any(|d| d == "assistid-fakes"),
        "assistid-fakes must not be a normal dependency of assistid-app: the fakes start at the \
         edge (CLI, desktop shell), and code that signs and sends must not be able to start \
         one: {dependencies:?}"
    );
    let mut found = Vec::new();
    sources_naming(&crate_dir.join("src"), "assistid_fakes", &mut found);
    assert!(
        found.is_empty(),
        "the app's sources must not name the fakes, not even in unit tests: {found:?}"
    );
}
