//! The shell's side of deleting from the register, importing certificates and choosing the
//! environment: the app's refusals reach the UI with their own stable codes (the UI branches on
//! `confirmation_needed`), and the Settings shape comes from the data folder.
//! (The rules themselves are specified in `crates/app/tests/spec/register_and_settings.rs`.)

use assistid_app::KeySource;
use assistid_desktop::ipc;
use assistid_desktop::shell::{Locations, Shell, certificate_bytes};
use chrono::Utc;

fn demo_shell() -> (tempfile::TempDir, Shell) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let shell = Shell::open(&Locations {
        data_dir: dir.path().join("data"),
        keys: KeySource::File(dir.path().join("key")),
    });
    (dir, shell)
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
            &assistid_core::secret::Sensitive::new("fel".to_owned()),
            Utc::now(),
        )
    })
    .expect_err("not a PKCS#12 file");
    assert_eq!(error.code, "not_pkcs12", "{error}");
    assert!(error.message.contains("fk.p12"), "{}", error.message);
}

/// Bytes that are not a PKCS#12 file (the shell has no certificate generator of its own).
fn not_a_pkcs12_file_base64() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b"-----BEGIN CERTIFICATE-----\nMII\n")
}
