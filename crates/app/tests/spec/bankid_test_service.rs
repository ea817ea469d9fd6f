//! BankID's test service set up in Settings (issue 14 item 10): a stand-in for
//! `appapi2.test.bankid.com` — a vendor's, or a BankID test proxy — is reached at the address
//! chosen for the folder, its TLS certificate checked against the CA file chosen for it, and
//! its signatures against the extra user-certificate root chosen for test. Production stays
//! BankID's own: its address, TLS root and user-certificate root cannot be replaced, and
//! settings made for test never reach it. Real encrypted data folders, the fake BankID over
//! mutual TLS on loopback.

use assistid_app::bankid_service::{BANKID_TEST_ENDPOINT, BankIdTestService};
use assistid_app::certificates::CertificatePurpose;
use assistid_app::going_live::check_bankid;
use assistid_app::signing::BankIdEnvironment;
use assistid_app::{App, IpcError};
use assistid_bankid::user_roots::production_root_der;
use assistid_core::secret::Sensitive;
use assistid_elt::Environment;
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
use assistid_store::{DataKind, KeySource, Store};
use chrono::Utc;

use crate::register_and_settings::keychain;
use crate::submit::Folder;

const PRODUCTION_ADDRESS: &str = "https://appapi2.bankid.com/rp/v6.0";

fn code(err: anyhow::Error) -> (String, String) {
    let ipc = IpcError::from(err);
    (ipc.code, ipc.message)
}

/// The demo month in a folder marked as real data, working in `environment`.
fn real_folder(environment: Environment) -> (Folder, App) {
    let folder = Folder::demo();
    Store::open_in_data_dir(folder.dir.path(), &KeySource::File(folder.key()))
        .expect("the store opens")
        .set_data_kind(DataKind::Real, Utc::now())
        .expect("marked as real data");
    let app = folder.open();
    app.set_environment(environment, Utc::now())
        .expect("the environment is chosen");
    (folder, app)
}

/// The stand-in's RP certificate imported as the user would (PKCS#12 and its password).
fn import_rp_certificate(app: &App, fake: &FakeBankId) {
    keychain();
    let password = "rp-lösen 7";
    app.import_certificate(
        CertificatePurpose::BankIdRp,
        "rp.p12",
        &fake
            .client_pkcs12(password)
            .expect("the stand-in issues an RP certificate"),
        &Sensitive::new(password.to_owned()),
        Utc::now(),
    )
    .expect("the RP certificate is imported");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stand_in_for_bankids_test_service_is_reached_as_set_up_in_settings() {
    let fake = FakeBankId::start(FakeBankIdConfig::default())
        .await
        .expect("the stand-in starts");
    let (_folder, app) = real_folder(Environment::Test);
    import_rp_certificate(&app, &fake);
    assert_eq!(
        app.bankid_test_service().expect("read"),
        BankIdTestService {
            endpoint: BANKID_TEST_ENDPOINT.to_owned(),
            is_default: true,
            server_ca: Vec::new(),
            user_root: None,
        },
        "until something is chosen, test means BankID's own test service"
    );
    assert_eq!(
        app.connect_bankid().expect("connects").base_url(),
        BANKID_TEST_ENDPOINT
    );

    let now = Utc::now();
    app.set_bankid_endpoint(BankIdEnvironment::Test, Some(&fake.base_url()), now)
        .expect("an https address is taken for test");
    // Without its CA, the stand-in's TLS certificate is not trusted: BankID's own test root is.
    let refused = check_bankid(&app.connect_bankid().expect("connects")).await;
    assert!(
        !refused.ok,
        "a server BankID's test root did not issue is refused: {refused:?}"
    );
    assert!(
        fake.requests().is_empty(),
        "nothing reached a server that is not trusted"
    );

    app.set_bankid_server_ca(
        BankIdEnvironment::Test,
        Some(fake.ssl_root_pem().as_bytes()),
        now,
    )
    .expect("the stand-in's CA file is taken for test");
    app.set_bankid_user_root(
        BankIdEnvironment::Test,
        Some(fake.user_root_pem().as_bytes()),
        now,
    )
    .expect("the stand-in's user-certificate root is taken for test");
    let service = app.bankid_test_service().expect("read");
    assert_eq!(service.endpoint, fake.base_url());
    assert!(!service.is_default, "the address is no longer BankID's own");
    assert_eq!(
        service.server_ca.len(),
        1,
        "the CA file is shown: {service:?}"
    );
    assert!(
        service.user_root.is_some(),
        "the extra root is shown: {service:?}"
    );

    let connection = app.connect_bankid().expect("connects");
    assert_eq!(connection.base_url(), fake.base_url());
    let checked = check_bankid(&connection).await;
    assert!(
        checked.ok,
        "the stand-in takes the RP certificate over TLS it is trusted for: {checked:?}"
    );
    let paths: Vec<String> = fake.requests().into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["sign", "cancel"], "an order started and cancelled");
    let roots = app
        .bankid_user_roots(BankIdEnvironment::Test)
        .expect("roots");
    assert!(
        roots.contains(&fake.user_root_der().to_vec()),
        "test trusts the chosen root beside BankID's own test root"
    );

    // Back to BankID's own: the address and the CA can be reset, the root removed.
    app.set_bankid_endpoint(BankIdEnvironment::Test, None, now)
        .expect("reset");
    app.set_bankid_server_ca(BankIdEnvironment::Test, None, now)
        .expect("reset");
    app.set_bankid_user_root(BankIdEnvironment::Test, None, now)
        .expect("removed");
    assert!(
        app.bankid_test_service().expect("read").is_default,
        "BankID's own test address again"
    );
    assert!(
        !app.bankid_user_roots(BankIdEnvironment::Test)
            .expect("roots")
            .contains(&fake.user_root_der().to_vec()),
        "the removed root is no longer trusted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_is_always_bankids_own_address_and_certificates() {
    let fake = FakeBankId::start(FakeBankIdConfig::default())
        .await
        .expect("the stand-in starts");
    let (_folder, app) = real_folder(Environment::Test);
    import_rp_certificate(&app, &fake);
    let now = Utc::now();
    app.set_bankid_endpoint(BankIdEnvironment::Test, Some(&fake.base_url()), now)
        .expect("set for test");
    app.set_bankid_server_ca(
        BankIdEnvironment::Test,
        Some(fake.ssl_root_pem().as_bytes()),
        now,
    )
    .expect("set for test");
    app.set_bankid_user_root(
        BankIdEnvironment::Test,
        Some(fake.user_root_pem().as_bytes()),
        now,
    )
    .expect("set for test");

    for (what, result) in [
        (
            "address",
            app.set_bankid_endpoint(BankIdEnvironment::Prod, Some(&fake.base_url()), now),
        ),
        (
            "TLS CA",
            app.set_bankid_server_ca(
                BankIdEnvironment::Prod,
                Some(fake.ssl_root_pem().as_bytes()),
                now,
            ),
        ),
        (
            "user-certificate root",
            app.set_bankid_user_root(
                BankIdEnvironment::Prod,
                Some(fake.user_root_pem().as_bytes()),
                now,
            ),
        ),
    ] {
        let (code, message) = code(result.expect_err("production cannot be overridden"));
        assert_eq!(code, "bankid_production_pinned", "{what}: {message}");
        assert!(
            message.contains("produktionsmiljön") && message.contains("Ingenting ändrades"),
            "{what}: the coordinator is told production is BankID's own and nothing changed: \
             {message}"
        );
    }

    // The folder moves to production: what was chosen for test is not used there.
    app.set_environment(Environment::Prod, now)
        .expect("production");
    let connection = app.connect_bankid().expect("connects");
    assert_eq!(
        connection.base_url(),
        PRODUCTION_ADDRESS,
        "production orders go to BankID's own production address"
    );
    assert_eq!(
        app.bankid_user_roots(BankIdEnvironment::Prod)
            .expect("roots"),
        vec![production_root_der().expect("the shipped production root")],
        "production trusts BankID's production root and nothing chosen for test"
    );
}

#[test]
fn wrong_addresses_and_files_are_refused_with_what_to_do_and_nothing_changes() {
    let (_folder, app) = real_folder(Environment::Test);
    let now = Utc::now();
    for bad in [
        "http://appapi2.test.bankid.com/rp/v6.0",
        "appapi2",
        "https://",
    ] {
        let (code, message) = code(
            app.set_bankid_endpoint(BankIdEnvironment::Test, Some(bad), now)
                .expect_err("not an https address"),
        );
        assert_eq!(code, "invalid_endpoint", "{bad}");
        assert!(
            message.contains(bad) && message.contains("https://"),
            "the message quotes the address and says how it should look: {message}"
        );
    }
    let ca = assistid_fakes::pki::TestCa::new("BankID-proxy CA").expect("a CA");
    app.set_bankid_server_ca(BankIdEnvironment::Test, Some(ca.cert_pem().as_bytes()), now)
        .expect("a CA file is taken");
    let (code_, message) = code(
        app.set_bankid_server_ca(
            BankIdEnvironment::Test,
            Some("Det här är ingen CA.\n".as_bytes()),
            now,
        )
        .expect_err("not a certificate"),
    );
    assert_eq!(code_, "invalid_ca");
    assert!(
        message.contains("CA-fil") && message.contains("PEM"),
        "the message says which file and what to choose: {message}"
    );
    let (code_, _) = code(
        app.set_bankid_user_root(BankIdEnvironment::Test, Some(b"\x30\x03\x02\x01\x01"), now)
            .expect_err("not a certificate"),
    );
    assert_eq!(code_, "invalid_user_root");
    let two = format!("{}{}", ca.cert_pem(), ca.cert_pem());
    let (code_, message) = code(
        app.set_bankid_user_root(BankIdEnvironment::Test, Some(two.as_bytes()), now)
            .expect_err("a root is one certificate"),
    );
    assert_eq!(code_, "invalid_user_root", "{message}");
    // A DER root is taken as well as PEM.
    app.set_bankid_user_root(BankIdEnvironment::Test, Some(ca.cert_der()), now)
        .expect("a DER root is taken");
    let service = app.bankid_test_service().expect("read");
    assert!(
        service.is_default
            && service.server_ca.len() == 1
            && service.server_ca[0].subject.contains("BankID-proxy CA")
            && service.user_root.is_some(),
        "the refusals changed nothing: {service:?}"
    );

    // The demo folder's BankID is the demo's own.
    let demo = Folder::demo();
    let app = demo.open();
    let (code_, message) = code(
        app.set_bankid_endpoint(BankIdEnvironment::Test, Some("https://example.se/rp"), now)
            .expect_err("the demo folder has no BankID to set up"),
    );
    assert_eq!(code_, "bankid_demo_fixed", "{message}");
}
