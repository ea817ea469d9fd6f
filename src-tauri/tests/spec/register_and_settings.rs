//! The shell's side of deleting from the register, importing certificates and choosing the
//! environment: the app's refusals reach the UI with their own stable codes (the UI branches on
//! `confirmation_needed`), and the Settings shape comes from the data folder. Choosing the
//! environment switches between the demo folder (`<root>/demo`) and the folder for real data
//! (the root), and demo data and real data never share a folder.
//! (The rules themselves are specified in `crates/app/tests/spec/register_and_settings.rs`.)

use std::path::{Path, PathBuf};

use assistid_app::{App, KeySource};
use assistid_desktop::Desks;
use assistid_desktop::ipc::{self, Environment, Workspace};
use assistid_desktop::shell::{Locations, Shell, certificate_bytes};
use chrono::Utc;

/// A shell on the root folder `<dir>/data` with the key file `<dir>/key`.
fn shell_in(dir: &Path) -> Shell {
    Shell::open(&Locations {
        data_dir: root_of(dir),
        keys: KeySource::File(dir.join("key")),
    })
}

fn root_of(dir: &Path) -> PathBuf {
    dir.join("data")
}

fn demo_shell() -> (tempfile::TempDir, Shell) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let shell = shell_in(dir.path());
    (dir, shell)
}

fn choose(
    shell: &Shell,
    desks: &Desks,
    environment: Environment,
) -> Result<ipc::Settings, ipc::IpcError> {
    tauri::async_runtime::block_on(shell.set_environment(desks, environment))
}

/// The provider's name and the numbers of persons and assistants in the open folder.
fn register_of(shell: &Shell) -> (Option<String>, usize, usize) {
    run(shell, |app| {
        Ok((
            app.provider()?.map(|p| p.name),
            app.persons()?.len(),
            app.assistants()?.len(),
        ))
    })
    .expect("the register reads")
}

fn shifts_in_october(shell: &Shell) -> usize {
    run(shell, |app| {
        let month = assistid_desktop::convert::month("2026-10")?;
        Ok(app
            .month_overview(month, assistid_app::core_types::text::Lang::Sv, Utc::now())?
            .reports
            .len())
    })
    .expect("the overview reads")
}

fn run<T: Send + 'static>(
    shell: &Shell,
    work: impl FnOnce(&assistid_app::App) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ipc::IpcError> {
    tauri::async_runtime::block_on(shell.run(work))
}

#[test]
fn deleting_a_demo_person_with_shifts_asks_first_with_its_own_code_and_then_deletes() {
    let (_dir, shell) = demo_shell();
    let demo = assistid_app::demo::demo_data().expect("the demo data builds");
    let pnr = demo.persons[0].personnummer.digits().to_owned();

    let first = pnr.clone();
    let error = run(&shell, move |app| {
        app.delete_person(&first, false, Utc::now()).map(|_| ())
    })
    .expect_err("unsigned shifts need a confirmation");
    assert_eq!(
        error.code, "confirmation_needed",
        "the UI asks its second question on exactly this code: {error}"
    );
    assert!(error.message.contains("pass"), "{}", error.message);

    let second = pnr.clone();
    run(&shell, move |app| {
        app.delete_person(&second, true, Utc::now()).map(|_| ())
    })
    .expect("confirmed, the person goes");
    let persons = run(&shell, |app| app.persons()).expect("the register reads");
    assert!(
        persons.iter().all(|p| p.personnummer.digits() != pnr),
        "the person is gone"
    );
}

#[test]
fn the_demo_folder_refuses_test_and_prod_with_an_explanation_and_settings_say_demo() {
    let (_dir, shell) = demo_shell();
    let settings = shell.settings();
    assert_eq!(settings.environment, ipc::Environment::Demo);
    assert_eq!(settings.data_kind.as_deref(), Some("demo"));
    assert_eq!(settings.environment_chosen, Some(true));
    assert!(settings.certificates.is_empty(), "nothing imported yet");

    for env in [ipc::Environment::Test, ipc::Environment::Prod] {
        let environment = assistid_desktop::shell::app_environment(env);
        let error = run(&shell, move |app| {
            app.set_environment(environment, Utc::now())
        })
        .expect_err("demo data never goes to a real FK");
        assert_eq!(error.code, "demo_data_folder", "{error}");
        assert!(
            error.message.contains("egen datamapp"),
            "the answer says a real data folder is needed, not `not_available`: {}",
            error.message
        );
    }
    assert_eq!(shell.settings().environment, ipc::Environment::Demo);
}

#[test]
fn a_certificate_needs_its_file_and_a_wrong_password_is_named() {
    let (_dir, shell) = demo_shell();
    let missing = certificate_bytes(None).expect_err("no file chosen");
    assert_eq!(missing.code, "file_missing");

    let content = not_a_pkcs12_file_base64();
    let (name, bytes) = certificate_bytes(Some(&ipc::ImportFile {
        file_name: "fk.p12".to_owned(),
        content_base64: content,
    }))
    .expect("base64 decodes");
    let error = run(&shell, move |app| {
        app.import_certificate(
            assistid_app::certificates::CertificatePurpose::FkClient,
            &name,
            &bytes,
            &assistid_app::core_types::secret::Sensitive::new("fel".to_owned()),
            Utc::now(),
        )
    })
    .expect_err("not a PKCS#12 file");
    assert_eq!(error.code, "not_pkcs12", "{error}");
    assert!(error.message.contains("fk.p12"), "{}", error.message);
}

#[test]
fn the_first_start_opens_the_demo_in_its_own_folder_and_remembers_it() {
    let (dir, shell) = demo_shell();
    let root = root_of(dir.path());
    assert_eq!(shell.workspace(), Workspace::Demo);
    assert_eq!(shell.data_dir(), root.join("demo"));
    assert!(root.join("demo").join("assistid.db").exists());
    assert!(
        !root.join("assistid.db").exists(),
        "the root stays free for real data"
    );
    let settings = shell.settings();
    assert_eq!(settings.workspace, Some(Workspace::Demo));
    assert_eq!(
        settings.data_folder.as_deref(),
        Some(root.join("demo").display().to_string().as_str())
    );
    assert_eq!(settings.environment, Environment::Demo);
    assert!(
        register_of(&shell).0.is_some(),
        "the demo provider is there"
    );
    drop(shell);
    let again = shell_in(dir.path());
    assert_eq!(again.workspace(), Workspace::Demo, "remembered");
}

#[test]
fn choosing_test_in_the_demo_opens_an_empty_real_folder_and_the_demo_comes_back_untouched() {
    let (dir, shell) = demo_shell();
    let root = root_of(dir.path());
    let desks = Desks::default();
    let demo = register_of(&shell);
    let demo_reports = shifts_in_october(&shell);
    assert!(demo_reports > 0);

    let settings = choose(&shell, &desks, Environment::Test).expect("test opens the real folder");
    assert_eq!(settings.environment, Environment::Test);
    assert_eq!(settings.environment_chosen, Some(true));
    assert_eq!(settings.workspace, Some(Workspace::Real));
    assert_eq!(settings.data_kind.as_deref(), Some("real"));
    assert_eq!(
        settings.data_folder.as_deref(),
        Some(root.display().to_string().as_str())
    );
    assert_eq!(shell.data_dir(), root);
    assert_eq!(
        register_of(&shell),
        (None, 0, 0),
        "a new real folder starts empty: the user starts in the Register"
    );
    assert_eq!(shifts_in_october(&shell), 0, "no demo rows in real data");

    let settings = choose(&shell, &desks, Environment::Demo).expect("back to the demo");
    assert_eq!(settings.environment, Environment::Demo);
    assert_eq!(settings.workspace, Some(Workspace::Demo));
    assert_eq!(register_of(&shell), demo, "the demo is as it was");
    assert_eq!(shifts_in_october(&shell), demo_reports);

    // The real folder kept its own environment.
    drop(shell);
    let real = App::open(&root, KeySource::File(dir.path().join("key")), Utc::now())
        .expect("the real folder opens");
    assert_eq!(
        real.environment_settings().expect("settings").environment,
        Some(assistid_app::submit::Environment::Test)
    );
    assert!(real.provider().expect("provider").is_none());
}

#[test]
fn the_choice_of_folder_and_environment_survives_a_reopen() {
    let (dir, shell) = demo_shell();
    choose(&shell, &Desks::default(), Environment::Prod).expect("prod opens the real folder");
    drop(shell);
    let shell = shell_in(dir.path());
    assert_eq!(shell.workspace(), Workspace::Real);
    assert_eq!(shell.data_dir(), root_of(dir.path()));
    let settings = shell.settings();
    assert_eq!(settings.environment, Environment::Prod);
    assert_eq!(register_of(&shell), (None, 0, 0), "no demo loaded on start");
}

#[test]
fn fks_address_and_trusted_ca_are_set_in_the_real_folder_and_a_bad_ca_file_is_refused() {
    use assistid_desktop::ipc::{ImportFile, TrustChoice};
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let (_dir, shell) = demo_shell();
    assert_eq!(
        shell.settings().fk_services,
        None,
        "the demo folder sends only to the demo: no FK services to set up"
    );
    choose(&shell, &Desks::default(), Environment::Test).expect("test opens the real folder");
    let services = shell.settings().fk_services.expect("shown for real data");
    assert_eq!(
        services
            .iter()
            .map(|s| (s.environment, s.is_default, s.trust.kind.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (Environment::Test, true, "not_chosen"),
            (Environment::Prod, true, "not_chosen")
        ],
        "FK's published addresses, nothing trusted until the user chooses"
    );
    assert!(
        services[1].endpoint.starts_with("https://")
            && services[1].endpoint == services[1].default_endpoint
    );

    let error = tauri::async_runtime::block_on(shell.set_fk_trust(
        Environment::Test,
        TrustChoice::CaFile {
            file: ImportFile {
                file_name: "fk.pem".into(),
                content_base64: b64(b"inget certifikat"),
            },
        },
    ))
    .expect_err("not a certificate");
    assert_eq!(error.code, "invalid_ca", "{error:?}");
    assert!(
        error.message.contains("PEM-fil"),
        "says what to choose: {}",
        error.message
    );
    let error = tauri::async_runtime::block_on(shell.set_fk_trust(
        Environment::Test,
        TrustChoice::CaFile {
            file: ImportFile {
                file_name: "fk.pem".into(),
                content_base64: "not base64!".into(),
            },
        },
    ))
    .expect_err("a file that did not arrive whole");
    assert_eq!(error.code, "invalid_input", "{error:?}");
    assert_eq!(
        shell.settings().fk_services.expect("shown")[0].trust.kind,
        "not_chosen",
        "a refused file changes nothing"
    );

    let ca = assistid_fakes::pki::TestCa::new("FK Test CA").expect("a CA");
    let settings = tauri::async_runtime::block_on(shell.set_fk_trust(
        Environment::Test,
        TrustChoice::CaFile {
            file: ImportFile {
                file_name: "fk.pem".into(),
                content_base64: b64(ca.cert_pem().as_bytes()),
            },
        },
    ))
    .expect("FK's CA file is kept");
    let test = &settings.fk_services.expect("shown")[0];
    assert_eq!(test.trust.kind, "imported_ca");
    assert!(
        test.trust.certificates.len() == 1
            && test.trust.certificates[0].subject.contains("FK Test CA"),
        "the imported certificate is shown: {:?}",
        test.trust.certificates
    );
    let settings = tauri::async_runtime::block_on(
        shell.set_fk_trust(Environment::Prod, TrustChoice::SystemRoots),
    )
    .expect("the computer's roots for production");
    assert_eq!(
        settings.fk_services.expect("shown")[1].trust.kind,
        "system_roots"
    );

    let error = tauri::async_runtime::block_on(
        shell.set_fk_endpoint(Environment::Prod, Some("http://fk.example/x".into())),
    )
    .expect_err("plain http");
    assert_eq!(error.code, "invalid_endpoint", "{error:?}");
    let settings = tauri::async_runtime::block_on(
        shell.set_fk_endpoint(Environment::Prod, Some("https://fk.example:8020/x".into())),
    )
    .expect("an https address");
    let prod = &settings.fk_services.expect("shown")[1];
    assert_eq!(
        (prod.endpoint.as_str(), prod.is_default),
        ("https://fk.example:8020/x", false)
    );
    let settings = tauri::async_runtime::block_on(shell.set_fk_endpoint(Environment::Prod, None))
        .expect("back to FK's address");
    assert!(settings.fk_services.expect("shown")[1].is_default);
}

#[test]
fn bankids_test_service_is_set_up_in_the_real_folders_settings_and_production_refuses_it() {
    fn block(
        answer: impl std::future::Future<Output = Result<ipc::Settings, ipc::IpcError>>,
    ) -> Result<ipc::Settings, ipc::IpcError> {
        tauri::async_runtime::block_on(answer)
    }
    use assistid_desktop::ipc::ImportFile;
    use base64::Engine as _;
    let file = |name: &str, bytes: &[u8]| ImportFile {
        file_name: name.into(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    };
    let (_dir, shell) = demo_shell();
    assert_eq!(
        shell.settings().bankid_test,
        None,
        "the demo folder signs with the demo's own BankID: nothing to set up"
    );
    choose(&shell, &Desks::default(), Environment::Test).expect("test opens the real folder");
    let shown = shell.settings().bankid_test.expect("shown for real data");
    assert!(
        shown.is_default
            && shown.endpoint == shown.default_endpoint
            && shown.server_ca.is_empty()
            && shown.user_root.is_none(),
        "BankID's own test service until something is chosen: {shown:?}"
    );

    let error = block(shell.set_bankid_endpoint(Some("http://127.0.0.1:4711/rp/v6.0".into())))
        .expect_err("plain http");
    assert_eq!(error.code, "invalid_endpoint", "{error:?}");
    let error = block(shell.set_bankid_server_ca(Some(file("ca.pem", b"ingen CA"))))
        .expect_err("not a certificate");
    assert_eq!(error.code, "invalid_ca", "{error:?}");

    let ca = assistid_fakes::pki::TestCa::new("BankID-proxy CA").expect("a CA");
    let root = assistid_fakes::pki::TestCa::new("Test BankID Root").expect("a root");
    block(shell.set_bankid_endpoint(Some("https://127.0.0.1:4711/rp/v6.0".into())))
        .expect("an https address");
    block(shell.set_bankid_server_ca(Some(file("ca.pem", ca.cert_pem().as_bytes()))))
        .expect("the CA file");
    let settings = block(shell.set_bankid_user_root(Some(file("root.der", root.cert_der()))))
        .expect("the root file (DER)");
    let shown = settings.bankid_test.expect("shown");
    assert_eq!(shown.endpoint, "https://127.0.0.1:4711/rp/v6.0");
    assert!(
        !shown.is_default
            && shown.server_ca.len() == 1
            && shown.server_ca[0].subject.contains("BankID-proxy CA")
            && shown
                .user_root
                .as_ref()
                .is_some_and(|r| r.subject.contains("Test BankID Root")),
        "the choices are shown: {shown:?}"
    );

    choose(&shell, &Desks::default(), Environment::Prod).expect("production");
    for error in [
        block(shell.set_bankid_endpoint(Some("https://127.0.0.1:4711/rp/v6.0".into()))),
        block(shell.set_bankid_server_ca(None)),
        block(shell.set_bankid_user_root(Some(file("root.der", root.cert_der())))),
    ] {
        let error = error.expect_err("production is always BankID's own");
        assert_eq!(error.code, "bankid_production_pinned", "{error:?}");
    }
}

#[test]
fn the_real_folder_is_never_given_the_demo() {
    let (_dir, shell) = demo_shell();
    choose(&shell, &Desks::default(), Environment::Test).expect("test");
    let error = tauri::async_runtime::block_on(shell.load_demo_here())
        .expect_err("the demo is not loaded into real data");
    assert_eq!(error.code, "real_data_not_demo", "{error}");
    assert_eq!(register_of(&shell), (None, 0, 0));
}

#[test]
fn a_root_that_already_holds_real_data_opens_as_it_is() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = root_of(dir.path());
    {
        let app = App::open(&root, KeySource::File(dir.path().join("key")), Utc::now())
            .expect("the CLI's folder");
        app.save_provider(
            &assistid_app::register::ProviderInput {
                name: "Omsorg AB".into(),
                org_number: "556677-8899".into(),
                contact: None,
                phone: "08-123 456 78".into(),
            },
            Utc::now(),
        )
        .expect("a real provider");
    }
    let shell = shell_in(dir.path());
    assert_eq!(shell.workspace(), Workspace::Real);
    assert_eq!(register_of(&shell).0.as_deref(), Some("Omsorg AB"));
    assert!(!root.join("demo").exists(), "no demo folder made");

    let desks = Desks::default();
    choose(&shell, &desks, Environment::Demo).expect("the demo gets its own folder");
    assert_eq!(shell.data_dir(), root.join("demo"));
    assert_ne!(register_of(&shell).0.as_deref(), Some("Omsorg AB"));
    choose(&shell, &desks, Environment::Test).expect("back to the real data");
    assert_eq!(register_of(&shell).0.as_deref(), Some("Omsorg AB"));
}

#[test]
fn a_root_holding_demo_data_from_an_older_version_is_never_given_test_or_prod() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = root_of(dir.path());
    {
        let app = App::open(&root, KeySource::File(dir.path().join("key")), Utc::now())
            .expect("an older installation's folder");
        app.load_demo_if_empty(Utc::now()).expect("the demo");
    }
    let shell = shell_in(dir.path());
    assert_eq!(shell.workspace(), Workspace::Real);
    assert_eq!(shell.settings().environment, Environment::Demo);
    let error = choose(&shell, &Desks::default(), Environment::Test)
        .expect_err("demo data never goes to a real FK");
    assert_eq!(error.code, "demo_data_folder", "{error}");
    assert!(
        error.message.contains(&root.display().to_string()),
        "the message names the folder to move: {}",
        error.message
    );
    assert_eq!(shell.settings().environment, Environment::Demo);
    assert_eq!(shell.data_dir(), root);
}

#[test]
fn switching_is_refused_while_a_submission_runs() {
    let (dir, shell) = demo_shell();
    let desks = Desks::default();
    desks.submission.begin().expect("a run starts");
    let error = choose(&shell, &desks, Environment::Test).expect_err("busy");
    assert_eq!(error.code, "busy", "{error}");
    assert!(error.message.contains("inskick"), "{}", error.message);
    assert_eq!(shell.workspace(), Workspace::Demo);
    assert!(!root_of(dir.path()).join("assistid.db").exists());
    desks.submission.end();
    choose(&shell, &desks, Environment::Test).expect("after the run");
    assert_eq!(shell.workspace(), Workspace::Real);
}

/// Bytes that are not a PKCS#12 file (the shell has no certificate generator of its own).
fn not_a_pkcs12_file_base64() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b"-----BEGIN CERTIFICATE-----\nMII\n")
}
