//! The demo's FK is started by the shell, at the edge (issue 14): for the demo folder the
//! window's sending run and "Testa anslutningen" get the fake FK the shell starts and hands
//! to the app as a stand-in, running as long as the shell's link to it; a folder with real
//! data never gets it and goes to FK's service from its settings.

use assistid_app::going_live::check_fk_connection;
use assistid_app::register::ProviderInput;
use assistid_app::submit::Environment;
use assistid_app::{App, KeySource};
use assistid_desktop::demo_fk::FkLink;
use chrono::Utc;

use crate::boundary::demo_app;

#[test]
fn the_demo_folder_reaches_the_fk_the_shell_started() {
    let (_dir, app) = demo_app();
    let link = FkLink::connect(&app, Environment::Demo)
        .expect("the shell starts the demo's FK for the demo folder");
    assert_eq!(link.connection().environment(), Environment::Demo);
    assert!(
        link.connection()
            .endpoint()
            .starts_with("https://127.0.0.1:"),
        "the demo's FK runs on this computer: {}",
        link.connection().endpoint()
    );
    let outcome =
        tauri::async_runtime::block_on(check_fk_connection(link.connection(), Utc::now()));
    assert!(
        outcome.ok,
        "\"Testa anslutningen\" in the demo shakes hands with the fake the shell started, with \
         the client certificate it handed the app: {}",
        outcome.message
    );
    assert_eq!(
        link.demo_rate_violations(),
        Some(0),
        "the shell, which owns the fake, reads its pacing count"
    );
}

#[test]
fn a_folder_with_real_data_never_gets_the_demo_fk() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let app = App::open(
        &dir.path().join("data"),
        KeySource::File(dir.path().join("key")),
        Utc::now(),
    )
    .expect("a fresh data folder opens");
    app.save_provider(
        &ProviderInput {
            name: "Omsorg AB".into(),
            org_number: "556677-8899".into(),
            contact: None,
            phone: "08-123 456 78".into(),
        },
        Utc::now(),
    )
    .expect("a real provider");
    app.set_environment(Environment::Test, Utc::now())
        .expect("the folder works in FK's test service");
    let err = FkLink::connect(&app, Environment::Demo)
        .expect_err("real data is never sent to the demo's FK");
    assert!(
        err.to_string()
            .contains("Riktiga tidredovisningar kan inte skickas till demoläget"),
        "refused before anything starts, with the reason: {err}"
    );
    let err = FkLink::connect(&app, Environment::Test)
        .expect_err("FK's test service needs its CA chosen in Settings first");
    assert!(
        err.to_string().contains("Inställningar"),
        "a real folder goes to FK's service from its settings, not to a fake: {err}"
    );
}
