//! Deleting from the register, importing the provider's certificates, and choosing FK's
//! environment — the rules the Register and Settings screens rely on.
//!
//! - Deleting a person or an assistant is refused while signed or sent reports depend on them
//!   (the message names them and the right path instead); unsigned shifts go with the entry only
//!   after the user has confirmed, in one transaction with an audit event.
//! - A PKCS#12 file is checked with its password in memory (wrong password, not PKCS#12, expired
//!   are refused with their own message), kept in the encrypted database, its password in the
//!   OS keychain (here keyring's API over a process-wide in-memory store: no test ever touches a
//!   real keychain), and used by the connection to FK.
//! - Demo data folders stay demo; real data never goes to the demo.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Once};

use assistid_app::certificates::{CertificatePurpose, MAX_PKCS12_BYTES};
use assistid_app::deletion::{DeletionCheck, DeletionError};
use assistid_app::environments::{EnvironmentError, TrustChoice, TrustSetting};
use assistid_app::submit::{CertStatus, ConnectOptions};
use assistid_app::{App, KeySource};
use assistid_core::secret::Sensitive;
use assistid_elt::Environment;
use assistid_fakes::fk::{FakeFk, FakeFkConfig};
use assistid_fakes::pki::{CertSubject, TestCa};
use assistid_store::Store;
use chrono::{DateTime, Duration, Utc};

use crate::submit::{Folder, sign_month};

const CERT_PASSWORD: &str = "rätt-lösen 42";

fn now() -> DateTime<Utc> {
    Utc::now()
}

// ---------------------------------------------------------------- a keychain for tests

pub(crate) type Secrets = Arc<Mutex<HashMap<(String, String), Vec<u8>>>>;

/// keyring's API over one in-memory map for the whole test binary: unlike keyring's own mock
/// (one secret per entry object), a password written through one entry is found by the next,
/// as in a real keychain.
struct MemoryKeychain(Secrets);

struct MemoryCredential {
    secrets: Secrets,
    key: (String, String),
}

impl keyring::credential::CredentialApi for MemoryCredential {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        self.secrets
            .lock()
            .map_err(|_| keyring::Error::NoStorageAccess("poisoned".into()))?
            .insert(self.key.clone(), secret.to_vec());
        Ok(())
    }
    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        self.secrets
            .lock()
            .map_err(|_| keyring::Error::NoStorageAccess("poisoned".into()))?
            .get(&self.key)
            .cloned()
            .ok_or(keyring::Error::NoEntry)
    }
    fn delete_credential(&self) -> keyring::Result<()> {
        self.secrets
            .lock()
            .map_err(|_| keyring::Error::NoStorageAccess("poisoned".into()))?
            .remove(&self.key)
            .map(|_| ())
            .ok_or(keyring::Error::NoEntry)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl keyring::credential::CredentialBuilderApi for MemoryKeychain {
    fn build(
        &self,
        _target: Option<&str>,
        service: &str,
        user: &str,
    ) -> keyring::Result<Box<keyring::credential::Credential>> {
        Ok(Box::new(MemoryCredential {
            secrets: self.0.clone(),
            key: (service.to_owned(), user.to_owned()),
        }))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub(crate) fn keychain() -> &'static Secrets {
    static SECRETS: std::sync::OnceLock<Secrets> = std::sync::OnceLock::new();
    static ONCE: Once = Once::new();
    let secrets = SECRETS.get_or_init(Secrets::default);
    ONCE.call_once(|| {
        keyring::set_default_credential_builder(Box::new(MemoryKeychain(secrets.clone())));
    });
    secrets
}

fn keychain_password(service: &str, account: &str) -> Option<String> {
    keychain()
        .lock()
        .expect("the test keychain is usable")
        .get(&(service.to_owned(), account.to_owned()))
        .map(|b| String::from_utf8_lossy(b).into_owned())
}

// ---------------------------------------------------------------- helpers

fn code_of(error: &anyhow::Error) -> &'static str {
    if let Some(e) = error.downcast_ref::<DeletionError>() {
        return e.code();
    }
    if let Some(e) = error.downcast_ref::<assistid_app::certificates::CertificateError>() {
        return e.code();
    }
    if let Some(e) = error.downcast_ref::<EnvironmentError>() {
        return e.code();
    }
    if let Some(e) = error.downcast_ref::<assistid_app::AppError>() {
        return e.code();
    }
    "other"
}

fn store_of(folder: &Folder) -> Store {
    Store::open_in_data_dir(
        folder.dir.path(),
        &assistid_store::KeySource::File(folder.key()),
    )
    .expect("the store opens beside the app")
}

fn events_of_kind(folder: &Folder, kind: &str) -> Vec<serde_json::Value> {
    store_of(folder)
        .events_after(None, 10_000)
        .expect("the audit log reads")
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.details)
        .collect()
}

fn demo_person() -> (String, String) {
    let demo = assistid_app::demo::demo_data().expect("the demo data builds");
    let p = &demo.persons[0];
    (p.personnummer.digits().to_owned(), p.full_name())
}

fn demo_assistant() -> (String, String) {
    let demo = assistid_app::demo::demo_data().expect("the demo data builds");
    let a = &demo.assistants[0];
    (a.id.digits().to_owned(), a.full_name())
}

fn real_folder() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("a temporary data folder");
    let app = App::open(dir.path(), KeySource::File(dir.path().join("k")), now())
        .expect("a new data folder opens");
    app.save_provider(
        &assistid_app::register::ProviderInput {
            name: "Omsorg AB".into(),
            org_number: "556677-8899".into(),
            contact: None,
            phone: "08-123 456 78".into(),
        },
        now(),
    )
    .expect("a real provider registers");
    (dir, app)
}

/// A PKCS#12 file like a vendor's, issued by a test CA, valid from `from` to `until`.
pub(crate) fn pkcs12(subject: &str, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<u8> {
    let ca = TestCa::new("Expisoft Test CA").expect("a test CA");
    ca.issue_client_cert(
        &CertSubject::new(subject).with_organization(subject),
        from,
        until,
    )
    .expect("a client certificate")
    .to_pkcs12(CERT_PASSWORD)
    .expect("a PKCS#12 file")
}

fn password(text: &str) -> Sensitive<String> {
    Sensitive::new(text.to_owned())
}

// ---------------------------------------------------------------- deletion

#[test]
fn a_person_with_only_unsigned_shifts_is_deleted_after_confirmation_in_one_step_with_an_audit_event()
 {
    let folder = Folder::demo();
    let app = folder.open();
    let (pnr, name) = demo_person();

    let error = app
        .delete_person(&pnr, false, now())
        .expect_err("unsigned shifts need the user's confirmation first");
    assert_eq!(code_of(&error), "confirmation_needed", "{error}");
    let message = error.to_string();
    assert!(
        message.contains(&name) && message.contains("pass") && message.contains("2026-10"),
        "the question names the person, the shifts and their months: {message}"
    );
    assert!(
        !message.contains(&pnr),
        "the message never shows a full personnummer: {message}"
    );
    assert!(
        app.persons()
            .expect("persons")
            .iter()
            .any(|p| p.personnummer.digits() == pnr),
        "nothing is deleted before the user has confirmed"
    );
    let DeletionCheck::Allowed(plan) = app
        .person_deletion_check(&pnr, now())
        .expect("the check reads")
    else {
        panic!("an unsigned demo month blocks nothing");
    };
    assert!(plan.shifts > 0, "the demo person has shifts");

    let deleted = app
        .delete_person(&pnr, true, now())
        .expect("confirmed, the person goes");
    assert_eq!(
        deleted.shifts_deleted, plan.shifts,
        "exactly the shifts the check announced go with the person"
    );
    assert!(
        !app.persons()
            .expect("persons")
            .iter()
            .any(|p| p.personnummer.digits() == pnr),
        "the person is gone from the register"
    );
    let review = app
        .month_review("2026-10".parse().expect("month"), now())
        .expect("the month reviews without the person");
    assert!(
        !serde_json::to_string(&review)
            .expect("the review serializes")
            .contains(&pnr),
        "no report of the month is about the deleted person any more"
    );
    let events = events_of_kind(&folder, "person_deleted");
    assert_eq!(events.len(), 1, "one audit event records the deletion");
    assert_eq!(
        events[0]["shifts_deleted"].as_u64(),
        Some(plan.shifts as u64),
        "the event holds the counts: {}",
        events[0]
    );
}

#[test]
fn a_person_or_assistant_with_signed_reports_is_never_deleted_and_the_message_says_why_and_what_to_do()
 {
    let folder = Folder::demo();
    sign_month(folder.dir.path(), &folder.key(), |_, b| b);
    let app = folder.open();
    let (pnr, name) = demo_person();

    let DeletionCheck::Blocked(records) = app
        .person_deletion_check(&pnr, now())
        .expect("the check reads")
    else {
        panic!("signed reports must block the deletion");
    };
    assert!(
        records.signed > 0,
        "the signed reports are counted: {records:?}"
    );
    assert_eq!(records.months, ["2026-10"], "and their month named");

    for confirmed in [false, true] {
        let error = app
            .delete_person(&pnr, confirmed, now())
            .expect_err("signed reports must be kept, confirmation or not");
        assert_eq!(code_of(&error), "delete_blocked", "{error}");
        let message = error.to_string();
        for expected in [
            name.as_str(),
            "signerade",
            "2026-10",
            "Försäkringskassan",
            "person erase",
        ] {
            assert!(
                message.contains(expected),
                "the refusal must mention {expected:?}: {message}"
            );
        }
    }
    assert!(
        app.persons()
            .expect("persons")
            .iter()
            .any(|p| p.personnummer.digits() == pnr),
        "the person stays in the register"
    );

    let (assistant, assistant_name) = demo_assistant();
    let error = app
        .delete_assistant(&assistant, true, now())
        .expect_err("an assistant who signed a report stays");
    assert_eq!(code_of(&error), "delete_blocked", "{error}");
    let message = error.to_string();
    assert!(
        message.contains(&assistant_name) && message.contains("anställningen"),
        "the assistant's refusal points to ending the employment instead: {message}"
    );
    assert!(
        events_of_kind(&folder, "person_deleted").is_empty()
            && events_of_kind(&folder, "assistant_deleted").is_empty(),
        "nothing was deleted, so nothing is logged as deleted"
    );
}

#[test]
fn an_entry_without_shifts_is_deleted_at_once_and_an_unknown_one_is_named() {
    let (dir, app) = real_folder();
    app.save_assistant(
        &assistid_app::register::AssistantInput {
            personnummer: "19900101-0017".into(),
            first_name: "Ny".into(),
            last_name: "Assistent".into(),
            ..Default::default()
        },
        now(),
    )
    .expect("a new assistant registers");
    let deleted = app
        .delete_assistant("199001010017", false, now())
        .expect("nothing depends on a new assistant, so no confirmation is needed");
    assert_eq!(deleted.shifts_deleted, 0);
    assert!(
        app.assistants().expect("assistants").is_empty(),
        "the assistant is gone"
    );
    let error = app
        .delete_assistant("199001010017", false, now())
        .expect_err("a second delete finds nobody");
    assert_eq!(code_of(&error), "not_found", "{error}");
    assert!(
        !error.to_string().contains("199001010017") && error.to_string().contains("****"),
        "the number is masked in the message: {error}"
    );
    drop(dir);
}

// ---------------------------------------------------------------- certificates

#[test]
fn a_certificate_file_is_checked_with_its_password_and_kept_encrypted_with_the_password_in_the_keychain()
 {
    keychain();
    let folder = Folder::demo();
    let app = folder.open();
    let t = now();
    let file = pkcs12("Omsorg AB", t - Duration::days(1), t + Duration::days(700));

    let installed = app
        .import_certificate(
            CertificatePurpose::FkClient,
            "omsorg.p12",
            &file,
            &password(CERT_PASSWORD),
            t,
        )
        .expect("the right password opens a valid file");
    assert!(installed.subject.contains("Omsorg AB"), "{installed:?}");
    assert!(
        installed.issuer.contains("Expisoft Test CA"),
        "{installed:?}"
    );
    assert_eq!(installed.status, CertStatus::Ok);
    assert!(installed.password_in_keychain);
    assert_eq!(
        keychain_password(
            assistid_app::submit::connection::CLIENT_CERT_KEYCHAIN_SERVICE,
            &assistid_app::submit::connection::client_cert_keychain_account(folder.dir.path())
                .expect("the folder has an identity")
        )
        .as_deref(),
        Some(CERT_PASSWORD),
        "the password is in the keychain entry the FK connection reads"
    );
    assert_eq!(
        app.imported_pkcs12(CertificatePurpose::FkClient)
            .expect("reads")
            .as_deref(),
        Some(file.as_slice()),
        "the exact file is kept"
    );
    let listed = app.certificates(t).expect("the settings list certificates");
    assert_eq!(
        listed,
        vec![installed.clone()],
        "the settings show what was imported"
    );
    let shown = format!(
        "{installed:?} {}",
        serde_json::to_string(&installed).expect("serializes")
    );
    assert!(
        !shown.contains(CERT_PASSWORD),
        "the password never appears in what the settings show: {shown}"
    );
    assert_eq!(
        events_of_kind(&folder, "certificate_imported").len(),
        1,
        "the import is in the audit log"
    );
    assert!(
        !store_of(&folder)
            .setting("certificate.fk_client.info")
            .expect("reads")
            .unwrap_or_default()
            .contains(CERT_PASSWORD),
        "the password is not in the database"
    );

    // The BankID RP certificate goes to the keychain entry the BankID connection reads.
    let rp = pkcs12(
        "Omsorg AB RP",
        t - Duration::days(1),
        t + Duration::days(20),
    );
    let installed = app
        .import_certificate(
            CertificatePurpose::BankIdRp,
            "rp.p12",
            &rp,
            &password(CERT_PASSWORD),
            t,
        )
        .expect("the RP certificate imports");
    assert_eq!(
        installed.status,
        CertStatus::ExpiresSoon,
        "20 days left is inside the 30-day warning"
    );
    assert!(
        installed.message.contains("BankID") && installed.message.contains("går ut"),
        "the warning names BankID and the expiry: {}",
        installed.message
    );
    let org = app
        .provider()
        .expect("reads")
        .expect("the demo has a provider")
        .org_number
        .digits()
        .to_owned();
    assert_eq!(
        keychain_password(assistid_app::signing::KEYCHAIN_SERVICE, &org).as_deref(),
        Some(CERT_PASSWORD)
    );
    assert_eq!(app.certificates(t).expect("lists").len(), 2);
}

#[test]
fn wrong_password_not_pkcs12_and_expired_files_are_refused_with_their_own_message_and_nothing_is_kept()
 {
    keychain();
    let folder = Folder::demo();
    let app = folder.open();
    let t = now();
    let good = pkcs12("Omsorg AB", t - Duration::days(1), t + Duration::days(700));
    let expired = pkcs12("Omsorg AB", t - Duration::days(800), t - Duration::days(3));
    let pem = TestCa::new("Some CA")
        .expect("a CA")
        .cert_pem()
        .as_bytes()
        .to_vec();
    let cases: Vec<(&str, Vec<u8>, &str, &str, &str)> = vec![
        (
            "wrong password",
            good.clone(),
            "fel-lösen",
            "wrong_certificate_password",
            "Fel lösenord",
        ),
        (
            "empty password",
            good.clone(),
            "",
            "password_missing",
            "lösenordet",
        ),
        (
            "random bytes",
            b"inte ett certifikat".to_vec(),
            CERT_PASSWORD,
            "not_pkcs12",
            "ingen certifikatfil",
        ),
        (
            "a PEM certificate",
            pem,
            CERT_PASSWORD,
            "not_pkcs12",
            "ingen certifikatfil",
        ),
        (
            "a huge file",
            vec![0x30; MAX_PKCS12_BYTES + 1],
            CERT_PASSWORD,
            "not_pkcs12",
            "ingen certifikatfil",
        ),
        (
            "an expired certificate",
            expired,
            CERT_PASSWORD,
            "certificate_expired",
            "gick ut",
        ),
    ];
    for (what, bytes, pw, code, text) in cases {
        let error = app
            .import_certificate(
                CertificatePurpose::FkClient,
                "fil.p12",
                &bytes,
                &password(pw),
                t,
            )
            .expect_err(what);
        assert_eq!(code_of(&error), code, "{what}: {error}");
        assert!(
            error.to_string().contains(text),
            "{what}: the message must say {text:?}: {error}"
        );
        if !pw.is_empty() {
            assert!(
                !error.to_string().contains(pw),
                "{what}: the message never repeats the password"
            );
        }
    }
    assert!(
        app.certificates(t).expect("lists").is_empty(),
        "no failed import leaves anything behind"
    );
    assert_eq!(
        app.imported_pkcs12(CertificatePurpose::FkClient)
            .expect("reads"),
        None
    );
}

/// A folder for real data set to send to FK's test service at a fake FK's address, with the
/// fake's client certificate imported (its password in the test keychain); no trust chosen.
fn real_folder_sending_to_a_fake_fk() -> (
    tempfile::TempDir,
    App,
    assistid_fakes::fk::BackgroundFakeFk,
    assistid_app::certificates::InstalledCertificate,
) {
    keychain();
    let (dir, app) = real_folder();
    let t = now();
    let fake = FakeFk::start_background(FakeFkConfig::default()).expect("the fake FK starts");
    let file = fake
        .client_identity_p12(CERT_PASSWORD)
        .expect("the fake FK issues a client certificate");
    let installed = app
        .import_certificate(
            CertificatePurpose::FkClient,
            "fk.p12",
            &file,
            &password(CERT_PASSWORD),
            t,
        )
        .expect("imports");
    app.set_environment(Environment::Test, t)
        .expect("real data may go to FK's test service");
    app.set_fk_endpoint(Environment::Test, Some(&fake.endpoint()), t)
        .expect("the address is https");
    (dir, app, fake, installed)
}

#[test]
fn the_connection_to_fk_uses_the_imported_certificate_and_the_configured_trust_anchor() {
    let (dir, app, fake, installed) = real_folder_sending_to_a_fake_fk();
    let t = now();

    let error = app
        .connect(&ConnectOptions::new(Environment::Test))
        .expect_err("without a chosen trust anchor nothing is sent");
    assert!(
        error.to_string().contains("certifikatutfärdare"),
        "the user is told to choose the CA: {error}"
    );

    let ca = dir.path().join("fk-ca.pem");
    std::fs::write(&ca, fake.ca_pem()).expect("the CA file is written");
    let store = Store::open_in_data_dir(
        dir.path(),
        &assistid_store::KeySource::File(dir.path().join("k")),
    )
    .expect("the store opens");
    store
        .set_setting("elt.test.ca_path", &ca.display().to_string(), t)
        .expect("the CA setting is saved");
    let settings = app.environment_settings().expect("reads");
    assert_eq!(settings.environment, Some(Environment::Test));
    assert_eq!(
        settings.fk[0].trust,
        TrustSetting::PinnedCa(ca.display().to_string())
    );
    let connection = app
        .connect(&ConnectOptions::new(Environment::Test))
        .expect("the imported certificate, its keychain password and the pinned CA connect");
    assert_eq!(connection.endpoint(), fake.endpoint());
    assert_eq!(
        connection.client().certificate().map(|c| c.subject.clone()),
        Some(installed.subject),
        "the client presents the imported certificate"
    );
}

#[test]
fn fks_ca_chosen_in_the_settings_is_what_the_connection_trusts_and_a_bad_file_changes_nothing() {
    let (_dir, app, fake, _) = real_folder_sending_to_a_fake_fk();
    let t = now();

    let error = app
        .connect(&ConnectOptions::new(Environment::Test))
        .expect_err("nothing is sent before the trust is chosen");
    assert!(
        error.to_string().contains("Inställningar → Miljö"),
        "the coordinator is told where to choose it: {error}"
    );

    let other_ca = TestCa::new("Någon annans CA").expect("a CA");
    let key_only = other_ca
        .issue_server_cert_valid_now(&["fk.example"])
        .expect("a server certificate")
        .key_pem()
        .to_owned();
    for (what, bytes, says) in [
        ("not PEM", b"hej".to_vec(), "inget certifikat"),
        (
            "a private key",
            key_only.into_bytes(),
            "inte ett certifikat",
        ),
        ("not text", vec![0xff, 0xfe, 0x00], "ingen textfil"),
        (
            "too large",
            vec![b'a'; assistid_app::environments::MAX_CA_PEM_BYTES + 1],
            "några få kB",
        ),
    ] {
        let error = app
            .set_fk_trust(Environment::Test, TrustChoice::CaPem(&bytes), t)
            .expect_err(what);
        assert_eq!(code_of(&error), "invalid_ca", "{what}: {error}");
        assert!(
            error.to_string().contains(says) && error.to_string().contains("PEM-fil"),
            "{what}: the message says what is wrong and what to choose: {error}"
        );
    }
    let error = app
        .set_fk_trust(
            Environment::Test,
            TrustChoice::CaPem(fake.ca_pem().as_bytes()),
            t + Duration::days(365 * 100),
        )
        .expect_err("an expired CA is refused");
    assert!(
        error.to_string().contains("gick ut"),
        "the message says it expired: {error}"
    );
    assert_eq!(
        app.environment_settings().expect("reads").fk[0].trust,
        TrustSetting::NotChosen,
        "a refused file leaves nothing behind"
    );

    // A CA that did not issue FK's server certificate: the handshake fails, nothing is sent.
    app.set_fk_trust(
        Environment::Test,
        TrustChoice::CaPem(other_ca.cert_pem().as_bytes()),
        t,
    )
    .expect("a valid CA file is kept");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let connection = app
        .connect(&ConnectOptions::new(Environment::Test))
        .expect("configured");
    assert!(
        runtime.block_on(connection.client().connect()).is_err(),
        "a server certificate from another CA is not trusted"
    );

    app.set_fk_trust(
        Environment::Test,
        TrustChoice::CaPem(fake.ca_pem().as_bytes()),
        t,
    )
    .expect("FK's CA file is kept");
    let settings = app.environment_settings().expect("reads");
    match &settings.fk[0].trust {
        TrustSetting::ImportedCa(certs) => {
            assert_eq!(certs.len(), 1, "one certificate in the file: {certs:?}");
            assert!(certs[0].not_after > t, "its expiry is shown");
        }
        other => panic!("the imported CA is shown as such, not {other:?}"),
    }
    assert_eq!(
        settings.fk[1].trust,
        TrustSetting::NotChosen,
        "the choice is per environment: production is untouched"
    );
    let connection = app
        .connect(&ConnectOptions::new(Environment::Test))
        .expect("configured");
    runtime
        .block_on(connection.client().connect())
        .expect("FK's CA from the settings verifies the server: TLS with the client certificate");

    app.set_fk_trust(Environment::Test, TrustChoice::SystemRoots, t)
        .expect("the computer's roots can be chosen instead");
    assert_eq!(
        app.environment_settings().expect("reads").fk[0].trust,
        TrustSetting::SystemRoots,
        "the new choice replaces the imported CA"
    );
    let connection = app
        .connect(&ConnectOptions::new(Environment::Test))
        .expect("configured");
    assert!(
        runtime.block_on(connection.client().connect()).is_err(),
        "the fake FK's test CA is not among the computer's roots"
    );
    let error = app
        .set_fk_trust(Environment::Demo, TrustChoice::SystemRoots, t)
        .expect_err("the demo trusts only its own fake");
    assert_eq!(code_of(&error), "invalid_input", "{error}");
}

// ---------------------------------------------------------------- environments

#[test]
fn a_demo_folder_stays_demo_and_real_data_never_goes_to_the_demo() {
    let folder = Folder::demo();
    let app = folder.open();
    let settings = app.environment_settings().expect("reads");
    assert_eq!(settings.environment, Some(Environment::Demo));
    assert_eq!(
        settings.fk[0].endpoint,
        assistid_elt::environment::FK_TEST_ENDPOINT,
        "FK's published test address is the default"
    );
    assert!(settings.fk.iter().all(|e| e.is_default));
    for env in [Environment::Test, Environment::Prod] {
        let error = app
            .set_environment(env, now())
            .expect_err("demo data never goes to a real FK");
        assert_eq!(code_of(&error), "demo_data_folder", "{error}");
        assert!(
            error.to_string().contains("egen datamapp"),
            "the user is told a real data folder is needed: {error}"
        );
    }
    app.set_environment(Environment::Demo, now())
        .expect("the demo stays possible");
    assert_eq!(
        app.environment_settings().expect("reads").environment,
        Some(Environment::Demo)
    );

    let (_dir, real) = real_folder();
    assert_eq!(
        real.environment_settings().expect("reads").environment,
        None,
        "real data has no environment until the user chooses"
    );
    let error = real
        .set_environment(Environment::Demo, now())
        .expect_err("real data never goes to the fake FK");
    assert_eq!(code_of(&error), "real_data_not_demo", "{error}");
    real.set_environment(Environment::Prod, now())
        .expect("real data may go to production");
    assert_eq!(
        real.default_environment().expect("the submission reads it"),
        Environment::Prod,
        "the submission sends where the setting says"
    );

    let error = real
        .set_fk_endpoint(Environment::Prod, Some("http://fk.example/x"), now())
        .expect_err("plain http is refused");
    assert_eq!(code_of(&error), "invalid_endpoint", "{error}");
    real.set_fk_endpoint(Environment::Prod, Some("https://fk.example:8020/x"), now())
        .expect("an https address is kept");
    let prod = real.environment_settings().expect("reads").fk[1].clone();
    assert_eq!(
        (prod.endpoint.as_str(), prod.is_default),
        ("https://fk.example:8020/x", false)
    );
    real.set_fk_endpoint(Environment::Prod, None, now())
        .expect("back to FK's address");
    assert!(real.environment_settings().expect("reads").fk[1].is_default);
}

/// A PKCS#12 file with two keys that may log in (client authentication), named `gammal` and
/// `ny`, issued by one CA.
fn file_with_two_login_keys() -> Vec<u8> {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKeyChain};
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, Issuer, KeyPair,
    };
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Expisoft Test CA");
    ca_params.distinguished_name = dn;
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, &ca_key);
    let mut store = KeyStore::new();
    for (n, (alias, name)) in [("gammal", "Omsorg AB 2024"), ("ny", "Omsorg AB 2026")]
        .into_iter()
        .enumerate()
    {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        params.distinguished_name = dn;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.not_after = rcgen::date_time_ymd(2030, 1, 1);
        let leaf = params.signed_by(&key, &issuer).expect("certificate");
        let chain = PrivateKeyChain::new(
            key.serialize_der(),
            [u8::try_from(n).expect("two") + 1; 20],
            [
                Certificate::from_der(leaf.der()).expect("DER"),
                Certificate::from_der(ca_cert.der()).expect("DER"),
            ],
        );
        store.add_entry(alias, KeyStoreEntry::PrivateKeyChain(chain));
    }
    store.writer(CERT_PASSWORD).write().expect("PKCS#12")
}

#[test]
fn a_file_with_several_login_keys_is_imported_with_the_key_the_user_picked() {
    keychain();
    let folder = Folder::demo();
    let app = folder.open();
    let t = now();
    let file = file_with_two_login_keys();
    let error = app
        .import_certificate(
            CertificatePurpose::FkClient,
            "två-nycklar.p12",
            &file,
            &password(CERT_PASSWORD),
            t,
        )
        .expect_err("two keys may log in: the user must pick one");
    assert_eq!(code_of(&error), "several_client_keys", "{error}");
    assert!(
        error.to_string().contains("\"gammal\"")
            && error.to_string().contains("\"ny\"")
            && error.to_string().contains("Nyckel i filen"),
        "the message lists the keys and says where to choose: {error}"
    );
    assert!(
        app.certificates(t).expect("lists").is_empty(),
        "nothing is half-imported"
    );
    let installed = app
        .import_certificate_choosing_key(
            CertificatePurpose::FkClient,
            "två-nycklar.p12",
            &file,
            &password(CERT_PASSWORD),
            Some("ny"),
            t,
        )
        .expect("imported with the chosen key");
    assert!(
        installed.subject.contains("2026"),
        "the chosen key's certificate is described: {installed:?}"
    );
}
