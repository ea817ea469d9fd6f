//! The desktop app sends through the vendor's relay (issue 17): Settings → "Skicka via
//! leverantören" enrols a folder for real data with the vendor's one-time code, the window's
//! send run then goes through the relay (never straight to FK), and the coordinator's
//! decision on an uncertain report goes to the relay. A real `assistid-relay` runs
//! in-process on a throwaway PostgreSQL cluster (the relay's test kit, `assistid_relay::testing`) with the fake FK behind it over mutual TLS.

use std::path::Path;
use std::time::Duration;

use assistid_app::core_types::ids::Personnummer;
use assistid_app::core_types::model::ReportMonth;
use assistid_app::send_run::QueuedRun;
use assistid_app::signing::BankIdSettings;
use assistid_app::submit::{RelayFollow, SubmissionId, SubmissionView};
use assistid_app::{App, KeySource};
use assistid_desktop::{ipc, relay, submission, ways_out};
use assistid_elt::Environment;
use assistid_fakes::bankid::{SignInput, UserCertificateAuthority, sign_document};
use assistid_fakes::fk::Behaviour;
use assistid_fakes::pki::window_around;
use assistid_store::{DataKind, NewSignature, SignatureEnvironment, SignerRole, Store};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use assistid_relay::testing::support::{self, Setup};

/// The provider's signatory (a valid personnummer).
const PROVIDER_SIGNER: &str = "197001019871";

fn month() -> ReportMonth {
    "2026-10".parse().expect("a valid month")
}

/// A data folder with the demo register marked as real data, set to FK's test service,
/// trusting the fake BankID's root, with every report of the month signed by its assistant
/// and the provider's batch (as BankID returns them).
struct RealFolder {
    /// Kept for as long as the folder is used.
    _dir: tempfile::TempDir,
    app: App,
    /// The folder's key file, for the window's send run on a connection of its own.
    key: std::path::PathBuf,
}

impl RealFolder {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (data, key) = (dir.path().join("data"), dir.path().join("key"));
        let app = App::open(&data, KeySource::File(key.clone()), Utc::now())
            .expect("a new data folder opens");
        assert!(
            app.load_demo_if_empty(Utc::now())
                .expect("the register loads")
        );
        app.month_review(month(), Utc::now())
            .expect("the review saves the report versions");
        store(&data, &key)
            .set_data_kind(DataKind::Real, Utc::now())
            .expect("marked as real data");
        app.set_environment(Environment::Test, Utc::now())
            .expect("the folder works in FK's test service");
        let bankid = UserCertificateAuthority::process_wide().expect("the fake BankID's CA");
        let root = dir.path().join("bankid-root.der");
        std::fs::write(&root, bankid.root_der()).expect("the root file is written");
        app.save_bankid_settings(
            &BankIdSettings {
                rp_certificate: None,
                user_root_ca: Some(root),
            },
            Utc::now(),
        )
        .expect("the root is trusted");
        sign_month(&data, &key, &bankid);
        RealFolder {
            _dir: dir,
            app,
            key,
        }
    }
}

fn store(data: &Path, key: &Path) -> Store {
    Store::open_in_data_dir(data, &assistid_store::KeySource::File(key.to_path_buf()))
        .expect("the store opens beside the app")
}

/// Every report of the month signed by its assistant, then all of them by the provider in
/// one batch, bound as BankID binds them (`<id>,<sha256>` in the non-visible data).
fn sign_month(data: &Path, key: &Path, bankid: &UserCertificateAuthority) {
    let store = store(data, key);
    let now = Utc::now();
    let signed_on = NaiveDate::from_ymd_opt(2026, 11, 2).expect("a date");
    let versions = store
        .latest_report_versions_in_month(month())
        .expect("the month's versions");
    assert!(!versions.is_empty(), "the month has reports to send");
    let visible = STANDARD.encode("Tidredovisning oktober 2026");
    let save = |role, ids: &[Uuid], signer: &str, non_visible: &str| {
        let signature = sign_document(
            bankid,
            &SignInput {
                user_visible_data: &visible,
                user_non_visible_data: Some(non_visible),
                personal_number: signer,
                name: "Test Testsson",
                signed_at: now,
                certificate_validity: window_around(now),
            },
        )
        .expect("the fake BankID signs");
        store
            .save_signature(&NewSignature {
                role,
                environment: SignatureEnvironment::Test,
                report_ids: ids,
                order_ref: &Uuid::new_v4().to_string(),
                signer: &Personnummer::from_digits(signer).expect("a valid personnummer"),
                signer_name: "Test Testsson",
                signed_on,
                signed_at: now,
                user_visible_data: &visible,
                user_non_visible_data: non_visible,
                signature_base64: &signature.signature_base64(),
                ocsp_response_base64: &signature.ocsp_base64(),
                completion_data_json: &signature
                    .completion_data(signer, "Test Testsson", signed_on)
                    .to_string(),
            })
            .expect("the signature is stored");
    };
    for version in &versions {
        save(
            SignerRole::Assistant,
            &[version.report_id],
            version.assistant.digits(),
            &STANDARD.encode(&version.binding),
        );
    }
    let ids: Vec<Uuid> = versions.iter().map(|v| v.report_id).collect();
    let batch: Vec<String> = versions.iter().map(|v| v.binding.clone()).collect();
    save(
        SignerRole::Provider,
        &ids,
        PROVIDER_SIGNER,
        &STANDARD.encode(batch.join(";")),
    );
}

fn follow() -> RelayFollow {
    RelayFollow {
        max_wait: Duration::from_secs(30),
        poll: Duration::from_secs(5),
    }
}

/// The window's send run (`submission::send_run`, on a connection of its own) for `ids` of
/// the queued `run`; every view it reported.
fn send(folder: &RealFolder, run: &QueuedRun, ids: &[SubmissionId]) -> Vec<SubmissionView> {
    let mut part = run.clone();
    part.ids = ids.to_vec();
    let mut seen = Vec::new();
    submission::send_run(
        &part,
        KeySource::File(folder.key.clone()),
        &follow(),
        &mut |_, _, view| seen.push(view.clone()),
    )
    .expect("the run through the relay completes");
    seen
}

fn ca_file(setup: &Setup) -> ipc::ImportFile {
    ipc::ImportFile {
        file_name: "ca.pem".to_owned(),
        content_base64: STANDARD.encode(&setup.ca_pem),
    }
}

fn provider_digits(app: &App) -> String {
    app.provider()
        .expect("readable")
        .expect("the register has the provider")
        .org_number
        .digits()
        .to_owned()
}

#[test]
fn settings_enrol_the_folder_and_the_windows_send_run_goes_through_the_relay() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the relay");
    let setup = runtime.block_on(Setup::start(1, 30));
    let folder = RealFolder::new();
    let app = &folder.app;

    let before = relay::status(app).expect("Settings read the relay block");
    assert_eq!(
        before.mode,
        ipc::SendingMode::Direct,
        "a folder sends directly until it enrols"
    );
    assert!(
        before.available,
        "a folder for real data may send through the vendor"
    );
    assert!(before.address.is_none() && before.provider.is_none());

    // A code for another organisationsnummer: refused with the relay's words, nothing stored,
    // and the code is still usable by its own provider.
    let other = support::orgnr("559000123");
    let code = runtime.block_on(setup.code(&other));
    let refused = ipc::IpcError::from(
        relay::enrol(app, &setup.url(0), &code, Some(&ca_file(&setup))).expect_err("refused"),
    );
    assert_eq!(refused.code, "relay_other_provider", "{refused:?}");
    assert!(
        refused.message.contains(&other) && refused.message.contains("inte förbrukad"),
        "the window says which number the code is for and that it still works: {refused:?}"
    );
    assert_eq!(
        relay::status(app).expect("readable").mode,
        ipc::SendingMode::Direct,
        "nothing was stored"
    );

    let code = runtime.block_on(setup.code(&provider_digits(app)));
    let enrolled = relay::enrol(app, &setup.url(0), &code, Some(&ca_file(&setup)))
        .expect("\"Anslut\" with the vendor's code enrols the folder");
    assert_eq!(enrolled.mode, ipc::SendingMode::Relay);
    assert_eq!(enrolled.address.as_deref(), Some(setup.url(0).as_str()));
    let provider = enrolled.provider.clone().expect("enrolled as a provider");
    assert!(
        provider.contains('-') && provider.replace('-', "") == provider_digits(app),
        "the organisationsnummer is shown as the coordinator writes it: {provider}"
    );
    assert!(enrolled.enrolled_at.is_some() && enrolled.installation_id.is_some());
    assert!(
        enrolled.pinned_ca,
        "the relay's own CA file is trusted for its address"
    );
    // The going-live checklist no longer asks for an FK agreement, certificate and CA of the
    // folder's own: the vendor's relay holds them.
    let steps = app.going_live(Utc::now()).expect("the checklist");
    let codes: Vec<&str> = steps.iter().map(|s| s.code).collect();
    assert_eq!(
        codes.first(),
        Some(&"fk_relay"),
        "one step for sending through the vendor: {codes:?}"
    );
    assert!(
        !codes
            .iter()
            .any(|c| ["fk_agreement", "fk_client_certificate", "fk_ca"].contains(c)),
        "{codes:?}"
    );
    assert_eq!(steps[0].state, assistid_app::going_live::StepState::Done);
    assert!(
        steps[0].detail.contains(&provider) && steps[0].detail.contains(&setup.url(0)),
        "the step says as whom and where: {}",
        steps[0].detail
    );

    // Every report of the month, also those whose assistant the person employs (no
    // organisation in the report): the relay takes them as the enrolled provider's.
    let run = app
        .queue_run(month(), Environment::Test, Utc::now())
        .expect("queued for FK's test service");
    let (ids, skipped) = (run.ids.clone(), run.skipped.clone());
    assert!(skipped.is_empty(), "every report is queued: {skipped:?}");
    assert!(ids.len() >= 3, "the demo month has several reports");
    let (first, last) = ids.split_at(ids.len() - 1);
    let seen = send(&folder, &run, first);
    for view in seen
        .iter()
        .filter(|v| first.contains(&SubmissionId::new(v.id)))
    {
        assert_eq!(
            view.state, "accepted",
            "FK accepted it through the relay: {view:?}"
        );
        assert!(
            view.tx_id.is_some(),
            "the tx-id is kept in the folder: {view:?}"
        );
    }
    assert_eq!(
        setup.fk.requests().len(),
        first.len(),
        "each report reached FK once, through the relay (the folder has no FK certificate)"
    );
    assert_eq!(setup.fk.rate_violations(), 0, "the relay kept FK's pace");

    // FK's answer is lost: uncertain in the folder, and the decision goes to the relay.
    setup.fk.script(Behaviour::DropAfterBody);
    let seen = send(&folder, &run, last);
    let uncertain = seen.last().expect("the run reported the report");
    assert_eq!(uncertain.state, "uncertain", "{uncertain:?}");
    let refused = ipc::IpcError::from(relay::leave(app).expect_err("not while it waits"));
    assert_eq!(refused.code, "relay_submissions_open", "{refused:?}");
    let id = uncertain.id.to_string();
    let decided = ways_out::resolve(
        app,
        &id,
        &ways_out::ResolveDecision::Resend,
        assistid_app::core_types::text::Lang::Sv,
    )
    .expect("\"Skicka igen\" is decided through the relay");
    assert_eq!(
        decided.item.state,
        ipc::SubmissionState::Queued,
        "{decided:?}"
    );
    // Had only the folder decided, the relay would still hold it uncertain and the next run
    // would find it so; the relay queued it again and sends it.
    let seen = send(&folder, &run, last);
    let resent = seen.last().expect("the run reported the report");
    assert_eq!(
        resent.state, "accepted",
        "sent again on the decision: {resent:?}"
    );
    assert_eq!(
        setup.fk.requests().len(),
        ids.len() + 1,
        "once more, on the decision only"
    );

    // "Testa anslutningen" asks the relay, with the installation's certificate.
    let check = runtime.block_on(app.check_relay_connection());
    assert!(check.ok, "{check:?}");
    assert!(
        check.message.contains(&provider) && check.message.contains(&setup.url(0)),
        "the check says as whom the relay knows the folder: {}",
        check.message
    );
    let installation = enrolled.installation_id.clone().expect("an id");
    assert!(
        runtime
            .block_on(assistid_relay::queue::revoke_installation(
                &setup.pool(),
                installation.parse().expect("a UUID"),
            ))
            .expect("the database answers"),
        "the vendor revokes the installation"
    );
    let check = runtime.block_on(app.check_relay_connection());
    assert!(
        !check.ok,
        "a revoked installation fails the check: {check:?}"
    );
    assert!(
        check.message.contains("certificate_revoked"),
        "with the relay's reason: {}",
        check.message
    );

    let left = relay::leave(app).expect("\"Sluta skicka via leverantören\"");
    assert_eq!(left.mode, ipc::SendingMode::Direct);
    assert!(
        left.address.is_none() && left.provider.is_none(),
        "{left:?}"
    );
    let codes: Vec<&str> = app
        .going_live(Utc::now())
        .expect("the checklist")
        .iter()
        .map(|s| s.code)
        .collect();
    assert!(
        codes.contains(&"fk_client_certificate") && !codes.contains(&"fk_relay"),
        "sending directly needs the folder's own certificate again: {codes:?}"
    );
    runtime.block_on(setup.stop());
    drop(folder);
}

#[test]
fn a_demo_folder_cannot_send_through_the_vendor() {
    let (_dir, app) = crate::boundary::demo_app();
    let status = relay::status(&app).expect("readable");
    assert!(!status.available, "demo data never leaves the computer");
    let refused = ipc::IpcError::from(
        relay::enrol(
            &app,
            "https://relay.example",
            "AAAA-BBBB-CCCC-DDDD-EEEE",
            None,
        )
        .expect_err("the demo folder is refused"),
    );
    assert_eq!(refused.code, "demo_data_to_relay", "{refused:?}");
    let refused = ipc::IpcError::from(
        relay::enrol(&app, "http://relay.example", "AAAA", None).expect_err("not https"),
    );
    assert_eq!(refused.code, "invalid_input", "{refused:?}");
    assert!(refused.message.contains("https://"), "{refused:?}");
}
