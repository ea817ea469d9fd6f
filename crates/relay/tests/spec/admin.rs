//! The vendor's admin commands, run as the real `assistid-relay` program: init, migrate,
//! enrol (the code it prints enrols an installation through the API), installations,
//! provider-name, revoke.

use std::process::Command;

use crate::support::{PROVIDER, Setup, good_handover};

fn relay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_assistid-relay"))
}

fn run(command: &mut Command) -> (bool, String, String) {
    let out = command.output().expect("assistid-relay runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn init_makes_the_ca_and_server_certificate_owner_only_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("a folder");
    let (ok, _, err) = run(relay()
        .args([
            "init",
            "--vendor",
            "Leverantören AB",
            "--server-name",
            "relay.example.se",
            "--dir",
        ])
        .arg(dir.path()));
    assert!(ok, "init succeeds in an empty folder: {err}");
    for name in ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"] {
        assert!(dir.path().join(name).exists(), "{name} is written");
    }
    #[cfg(unix)]
    for key in ["ca-key.pem", "server-key.pem"] {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join(key))
            .expect("the key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{key} is readable by its owner only");
    }
    let before = std::fs::read(dir.path().join("ca-key.pem")).expect("the key");
    let (ok, _, err) = run(relay()
        .args(["init", "--vendor", "X", "--server-name", "x", "--dir"])
        .arg(dir.path()));
    assert!(!ok, "a second init refuses to overwrite");
    assert!(
        err.contains("ca-key.pem"),
        "the refusal names the file: {err}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("ca-key.pem")).expect("the key"),
        before,
        "the CA key is untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_enrol_prints_enrols_and_revoke_shuts_the_installation_out() {
    let mut setup = Setup::start(0, 30).await;
    let config = setup.dir.path().join("relay.toml");
    std::fs::write(&config, setup.config_text()).expect("the config file");
    let (ok, out, err) = run(relay().arg("--config").arg(&config).arg("migrate"));
    assert!(ok, "migrate runs: {err}");
    assert!(out.contains("schemaversion"), "{out}");

    let (ok, _, err) =
        run(relay()
            .arg("--config")
            .arg(&config)
            .args(["enrol", "--provider", "556036-0794"]));
    assert!(!ok, "a wrong organisationsnummer gets no code");
    assert!(
        err.contains("organisationsnummer"),
        "the refusal says why: {err}"
    );
    let (ok, out, err) =
        run(relay()
            .arg("--config")
            .arg(&config)
            .args(["enrol", "--provider", "556036-0793"]));
    assert!(ok, "enrol prints a code: {err}");
    let code = out
        .lines()
        .find_map(|l| l.strip_prefix("Anslutningskod: "))
        .expect("the code is printed")
        .trim()
        .to_owned();
    assert!(
        out.contains("Relayns CA (SHA-256)"),
        "the CA's fingerprint is printed to pin: {out}"
    );

    setup.start_instance().await;
    let installation = setup
        .enrol_with(&code)
        .await
        .unwrap_or_else(|e| panic!("the printed code enrols: {e:?}"));
    let (status, answer) = installation.submit(&setup.url(0), &good_handover().1).await;
    assert_eq!(
        status, 202,
        "the enrolled installation hands over: {answer}"
    );

    let (ok, out, _) = run(relay().arg("--config").arg(&config).arg("installations"));
    assert!(
        ok && out.contains(&installation.id.to_string()) && out.contains(PROVIDER),
        "the installation is listed: {out}"
    );
    let (ok, out, err) = run(relay().arg("--config").arg(&config).args([
        "provider-name",
        "--provider",
        "556036-0793",
        "--name",
        "Omsorg *Assistans* AB",
    ]));
    assert!(ok, "the admin sets the provider's name: {err}");
    assert!(
        out.contains(
            "Assistansanordnare: Omsorg \\*Assistans\\* AB, organisationsnummer 556036-0793"
        ),
        "the admin sees the first line BankID texts get, the name escaped: {out}"
    );
    let (ok, out, _) = run(relay().arg("--config").arg(&config).args([
        "provider-name",
        "--provider",
        "5560360793",
    ]));
    assert!(
        ok && out.contains("Omsorg *Assistans* AB") && out.contains("satt av leverantören"),
        "the name is shown with who set it: {out}"
    );
    let (ok, out, _) = run(relay().arg("--config").arg(&config).arg("installations"));
    assert!(
        ok && out.contains("Omsorg *Assistans* AB"),
        "installations lists the provider's name: {out}"
    );
    let (ok, _, err) = run(relay()
        .arg("--config")
        .arg(&config)
        .args(["revoke", "--installation"])
        .arg(installation.id.to_string()));
    assert!(ok, "revoke succeeds: {err}");
    let (status, answer) = installation.submit(&setup.url(0), &good_handover().1).await;
    assert_eq!(
        status, 403,
        "a revoked installation is shut out at once: {answer}"
    );
    let (ok, _, _) = run(relay().arg("--config").arg(&config).args([
        "revoke",
        "--installation",
        "00000000-0000-4000-8000-000000000000",
    ]));
    assert!(!ok, "revoking an unknown installation fails");
    setup.stop().await;
}
