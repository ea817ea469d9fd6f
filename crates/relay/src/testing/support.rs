//! What the specs share: a relay (or two) on a fresh database of the shared PostgreSQL
//! cluster, the fake FK with a scaled-down spacing, installations enrolled through the API
//! with a CSR, and reports signed as BankID signs (the process's fake BankID PKI).

use std::path::PathBuf;
use std::time::Duration;

use crate::RelayHandle;
use crate::api::{EnrolResponse, SignatureJson, SubmissionJson, SubmitBody};
use crate::config::Config;
use crate::db::Pool;
use assistid_fakes::bankid::{
    FakeBankId, FakeBankIdConfig, SignInput, UserCertificateAuthority, sign_document,
};
use assistid_fakes::fk::samples::{binding_entry, sample_report};
use assistid_fakes::fk::{Behaviour, FakeFk, FakeFkConfig, FakeFkHandle};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use uuid::Uuid;

use super::pg;

/// The assistant of the sample report.
pub const ASSISTANT: &str = "198001019804";
/// The provider in the sample report.
pub const PROVIDER: &str = "5560360793";
/// The fake FK's spacing in these specs (FK's is 1 s; scaled down as the app's submit
/// benchmark does).
pub const SPACING_MS: u64 = 50;

/// One relay set-up: the database, the relay's files, the fake FK, running instances.
#[derive(Debug)]
pub struct Setup {
    /// The database's connection string.
    pub database_url: String,
    /// The relay's files (CA, server certificate, the vendor's FK certificate, configurations).
    pub dir: tempfile::TempDir,
    /// The fake FK the instances send to.
    pub fk: FakeFkHandle,
    /// The fake BankID the relay starts orders at with the vendor's RP certificate
    /// (`[bankid.test]`).
    pub bankid: FakeBankId,
    /// The in-process instances, in the order started.
    pub relays: Vec<RelayHandle>,
    /// The relay CA's certificate (PEM), which installations trust.
    pub ca_pem: String,
    /// The instances' `queue.lease_secs`.
    pub lease_secs: u64,
    /// Appended to the configuration file (e.g. a `[quotas]` table).
    pub extra_config: String,
    /// FK's spacing and the margin written into each instance's configuration.
    pub tuning: Tuning,
}

/// What the load benchmark changes from the specs' set-up.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// FK's spacing (the fake's and the relay's `spacing_ms`).
    pub spacing_ms: u64,
    /// The relay's `margin_ms`.
    pub margin_ms: u64,
    /// How long the fake FK takes to answer each request.
    pub answer_delay: Duration,
    /// The relay's `queue.max_in_flight`.
    pub max_in_flight: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            spacing_ms: SPACING_MS,
            margin_ms: 3,
            answer_delay: Duration::ZERO,
            max_in_flight: 16,
        }
    }
}

/// The signature date of every sample signature (fixed: domain logic never reads the clock,
/// and the OCSP answer says when it was made).
pub fn signed_at() -> chrono::DateTime<chrono::Utc> {
    chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 2, 12, 0, 0)
        .single()
        .expect("a valid fixed date")
}

fn ca() -> std::sync::Arc<UserCertificateAuthority> {
    UserCertificateAuthority::process_wide().expect("the fake BankID's CA")
}

impl Setup {
    /// A database, the relay's CA and files, the fake FK at [`SPACING_MS`] checking
    /// signatures against the fake BankID's root, and `instances` relay instances.
    pub async fn start(instances: usize, lease_secs: u64) -> Self {
        Self::start_on(pg::shared().new_database().await, instances, lease_secs).await
    }

    /// [`Setup::start`] on a database of the caller's (a cluster of its own, to restart).
    pub async fn start_on(database_url: String, instances: usize, lease_secs: u64) -> Self {
        Self::start_tuned(database_url, instances, lease_secs, Tuning::default()).await
    }

    /// [`Setup::start_on`] with another spacing, margin, answer delay or in-flight limit.
    pub async fn start_tuned(
        database_url: String,
        instances: usize,
        lease_secs: u64,
        tuning: Tuning,
    ) -> Self {
        crate::db::migrate(&Pool::new(&database_url))
            .await
            .expect("the relay's migrations run on a new database");
        let fk = FakeFk::start(FakeFkConfig {
            min_interval: Duration::from_millis(tuning.spacing_ms),
            default_behaviour: if tuning.answer_delay.is_zero() {
                Behaviour::Normal
            } else {
                Behaviour::Delay(tuning.answer_delay)
            },
            bankid_roots: Some(vec![ca().root_der().to_vec()]),
            ..FakeFkConfig::default()
        })
        .await
        .expect("the fake FK starts");
        let bankid = FakeBankId::start(FakeBankIdConfig::default())
            .await
            .expect("the fake BankID starts");
        let dir = tempfile::tempdir().expect("a folder for the relay's files");
        std::fs::write(
            dir.path().join("bankid-rp.p12"),
            bankid
                .client_pkcs12("rp-pw")
                .expect("the vendor's RP certificate"),
        )
        .expect("bankid-rp.p12 is written");
        std::fs::write(dir.path().join("bankid-rp.pw"), "rp-pw\n").expect("the RP password file");
        std::fs::write(dir.path().join("bankid-tls.pem"), bankid.ssl_root_pem())
            .expect("BankID's TLS root");
        let files = crate::pki::init(
            dir.path(),
            "Leverantören AB",
            &["127.0.0.1".to_owned(), "localhost".to_owned()],
        )
        .expect("the relay's CA and server certificate are made");
        let ca_pem = std::fs::read_to_string(&files.ca_cert).expect("ca.pem");
        std::fs::write(
            dir.path().join("vendor.p12"),
            fk.client_identity_p12("vendor-pw")
                .expect("the vendor's FK certificate"),
        )
        .expect("vendor.p12 is written");
        std::fs::write(dir.path().join("vendor.pw"), "vendor-pw\n").expect("the password file");
        std::fs::write(dir.path().join("fk-ca.pem"), fk.ca_pem()).expect("FK's CA");
        std::fs::write(dir.path().join("bankid-root.pem"), ca().root_pem()).expect("BankID root");
        let mut setup = Self {
            database_url,
            dir,
            fk,
            bankid,
            relays: Vec::new(),
            ca_pem,
            lease_secs,
            extra_config: String::new(),
            tuning,
        };
        for _ in 0..instances {
            setup.start_instance().await;
        }
        setup
    }

    /// The configuration file's text for one more instance.
    pub fn config_text(&self) -> String {
        let d = |name: &str| self.dir.path().join(name).display().to_string();
        format!(
            r#"
listen = "127.0.0.1:0"
database_url = "{db}"
[tls]
ca_cert = "{ca}"
ca_key = "{ca_key}"
server_cert = "{server}"
server_key = "{server_key}"
[fk.test]
endpoint = "{endpoint}"
ca_pem = "{fk_ca}"
client_p12 = "{p12}"
client_password_file = "{pw}"
spacing_ms = {spacing}
margin_ms = {margin}
bankid_roots = ["{root}"]
answer_timeout_secs = 5
[bankid.test]
rp_p12 = "{rp_p12}"
rp_password_file = "{rp_pw}"
address = "{bankid_url}"
tls_root = "{bankid_tls}"
collect_interval_ms = 100
max_open_orders_per_installation = 2
[queue]
lease_secs = {lease}
max_in_flight = {in_flight}
{extra}
"#,
            db = self.database_url,
            ca = d("ca.pem"),
            ca_key = d("ca-key.pem"),
            server = d("server.pem"),
            server_key = d("server-key.pem"),
            endpoint = self.fk.endpoint(),
            fk_ca = d("fk-ca.pem"),
            p12 = d("vendor.p12"),
            pw = d("vendor.pw"),
            root = d("bankid-root.pem"),
            rp_p12 = d("bankid-rp.p12"),
            rp_pw = d("bankid-rp.pw"),
            bankid_url = self.bankid.base_url(),
            bankid_tls = d("bankid-tls.pem"),
            lease = self.lease_secs,
            spacing = self.tuning.spacing_ms,
            margin = self.tuning.margin_ms,
            in_flight = self.tuning.max_in_flight,
            extra = self.extra_config,
        )
    }

    /// Starts one more relay instance on the same database.
    pub async fn start_instance(&mut self) -> usize {
        let config = Config::from_toml(&self.config_text()).expect("the spec's config is valid");
        let relay = RelayHandle::start(&config).await.expect("the relay starts");
        self.relays.push(relay);
        self.relays.len() - 1
    }

    /// The base URL of instance `i`.
    pub fn url(&self, i: usize) -> String {
        format!("https://127.0.0.1:{}", self.relays[i].addr().port())
    }

    /// The database, for looking behind the API.
    pub fn pool(&self) -> Pool {
        Pool::new(&self.database_url)
    }

    /// A one-time code for `orgnr`, as `assistid-relay enrol` prints it.
    pub async fn code(&self, orgnr: &str) -> String {
        crate::queue::create_enrolment_code(&self.pool(), orgnr, 14)
            .await
            .expect("an enrolment code is made")
            .0
    }

    /// A client without a certificate that trusts the relay's CA.
    pub fn anonymous(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(
                reqwest::Certificate::from_pem(self.ca_pem.as_bytes()).expect("the relay CA"),
            )
            .build()
            .expect("a client")
    }

    /// Enrols an installation for `orgnr` through instance 0's API with a CSR.
    pub async fn enrol(&self, orgnr: &str) -> Installation {
        let code = self.code(orgnr).await;
        self.enrol_with(&code)
            .await
            .expect("the enrolment succeeds")
    }

    /// Posts an enrolment with `code`; `Err` holds the status and the error body.
    pub async fn enrol_with(&self, code: &str) -> Result<Installation, (u16, Value)> {
        self.enrol_as(code, None).await
    }

    /// Posts an enrolment with `code` for an installation whose provider is `provider` (as
    /// the app sends it); `Err` holds the status and the error body.
    pub async fn enrol_as(
        &self,
        code: &str,
        provider: Option<&str>,
    ) -> Result<Installation, (u16, Value)> {
        self.enrol_named(code, provider, None).await
    }

    /// [`Setup::enrol_as`] with the provider's name as the installation sends it (the name on
    /// the first line of BankID texts).
    pub async fn enrol_named(
        &self,
        code: &str,
        provider: Option<&str>,
        name: Option<&str>,
    ) -> Result<Installation, (u16, Value)> {
        let key = rcgen::KeyPair::generate().expect("a P-256 key");
        let csr = rcgen::CertificateParams::new(Vec::<String>::new())
            .expect("params")
            .serialize_request(&key)
            .expect("a CSR")
            .pem()
            .expect("PEM");
        let response = self
            .anonymous()
            .post(format!("{}/v1/enrol", self.url(0)))
            .header("content-type", "application/json")
            .body(
                serde_json::to_vec(&{
                    let mut body = serde_json::json!({"code": code, "csr_pem": csr});
                    if let Some(provider) = provider {
                        body["provider"] = Value::String(provider.to_owned());
                    }
                    if let Some(name) = name {
                        body["provider_name"] = Value::String(name.to_owned());
                    }
                    body
                })
                .expect("JSON"),
            )
            .send()
            .await
            .expect("the relay answers the enrolment");
        let status = response.status().as_u16();
        if status != 200 {
            return Err((status, json(response).await.expect("a JSON error")));
        }
        let enrolled: EnrolResponse = json(response).await.expect("the enrolment's JSON");
        let identity = format!("{}{}", enrolled.certificate_pem, key.serialize_pem());
        let client = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(
                reqwest::Certificate::from_pem(enrolled.ca_pem.as_bytes()).expect("the CA"),
            )
            .identity(reqwest::Identity::from_pem(identity.as_bytes()).expect("an identity"))
            .build()
            .expect("a client with the installation's certificate");
        Ok(Installation {
            id: enrolled.installation_id,
            client,
        })
    }

    /// Lets a set-up end: instances shut down gracefully, the fake stops.
    pub async fn stop(self) {
        for relay in self.relays {
            relay.shutdown(Duration::from_secs(10)).await;
        }
        self.fk.shutdown();
    }
}

/// An enrolled installation.
#[derive(Debug)]
pub struct Installation {
    /// The relay's id of it.
    pub id: Uuid,
    /// A client presenting its certificate and trusting the relay's CA.
    pub client: reqwest::Client,
}

/// A signed handover of a sample report: both signatures bind `signed` (normally the report
/// itself), the assistant's made by `assistant_signer`.
pub fn handover_signed(
    report: &[u8],
    signed: &[u8],
    signed_id: Uuid,
    assistant_signer: &str,
) -> SubmitBody {
    let entry = binding_entry(signed_id, signed).expect("the report canonicalizes");
    let non_visible = STANDARD.encode(entry);
    let visible = STANDARD.encode("Tidredovisning november 2026");
    let block = |pnr: &str| {
        let signature = sign_document(
            &ca(),
            &SignInput {
                user_visible_data: &visible,
                user_non_visible_data: Some(&non_visible),
                personal_number: pnr,
                name: "Anna Andersson",
                signed_at: signed_at(),
                certificate_validity: assistid_fakes::pki::window_around(signed_at()),
            },
        )
        .expect("the fake BankID signs");
        SignatureJson {
            signature: STANDARD.encode(signature.xml.as_bytes()),
            ocsp_response: STANDARD.encode(&signature.ocsp_der),
            signed_on: "2026-11-02".to_owned(),
        }
    };
    SubmitBody {
        environment: "test".to_owned(),
        report: STANDARD.encode(report),
        assistant_signature: block(assistant_signer),
        provider_signature: block("197001019871"),
    }
}

/// A new sample report of [`PROVIDER`] and its correct handover.
pub fn good_handover() -> (Uuid, SubmitBody) {
    let id = Uuid::new_v4();
    let report = sample_report(id, "2026-11", ASSISTANT);
    (id, handover_signed(&report, &report, id, ASSISTANT))
}

impl Installation {
    /// Posts a handover to instance `url`; the status and the JSON answer.
    pub async fn submit(&self, url: &str, body: &SubmitBody) -> (u16, Value) {
        let (status, answer, _) = self.post(url, "/v1/submissions", body).await;
        (status, answer)
    }

    /// Posts `body` as JSON to `path` of instance `url` with the installation's certificate;
    /// the status, the JSON answer (`null` when the answer is not JSON) and the answer's text.
    pub async fn post(
        &self,
        url: &str,
        path: &str,
        body: &impl serde::Serialize,
    ) -> (u16, Value, String) {
        let response = self
            .client
            .post(format!("{url}{path}"))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).expect("JSON"))
            .send()
            .await
            .expect("the relay answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("an answer body");
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, value, text)
    }

    /// Hands over and expects it queued; the submission's id.
    pub async fn submit_ok(&self, url: &str, body: &SubmitBody) -> Uuid {
        let (status, answer) = self.submit(url, body).await;
        assert_eq!(status, 202, "a correct handover is queued: {answer}");
        serde_json::from_value::<SubmissionJson>(answer)
            .expect("a submission")
            .id
    }

    /// The submission now.
    pub async fn get(&self, url: &str, id: Uuid) -> SubmissionJson {
        self.client
            .get(format!("{url}/v1/submissions/{id}"))
            .send()
            .await
            .expect("the relay answers")
            .bytes()
            .await
            .map(|b| serde_json::from_slice(&b))
            .expect("a body")
            .expect("a submission")
    }

    /// Long-polls until the submission reaches `state` (or panics after `limit`).
    pub async fn wait_for(
        &self,
        url: &str,
        id: Uuid,
        state: &str,
        limit: Duration,
    ) -> SubmissionJson {
        let deadline = tokio::time::Instant::now() + limit;
        let mut seen = String::new();
        loop {
            // The first look answers at once; then wait for a change from what was seen.
            let query = if seen.is_empty() {
                String::new()
            } else {
                format!("?wait=5&seen={seen}")
            };
            let now: SubmissionJson = self
                .client
                .get(format!("{url}/v1/submissions/{id}{query}"))
                .send()
                .await
                .expect("the relay answers the long poll")
                .bytes()
                .await
                .map(|b| serde_json::from_slice(&b))
                .expect("a body")
                .expect("a submission");
            if now.state == state {
                return now;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "submission {id} should reach {state} within {limit:?}, is {} ({:?})",
                now.state,
                now.error_code
            );
            seen = now.state;
        }
    }

    /// Posts a decision on an uncertain submission.
    pub async fn decide(&self, url: &str, id: Uuid, body: Value) -> (u16, Value) {
        let (status, answer, _) = self
            .post(url, &format!("/v1/submissions/{id}/decision"), &body)
            .await;
        (status, answer)
    }
}

/// A Luhn-valid organisationsnummer starting with `nine` (9 digits).
pub fn orgnr(nine: &str) -> String {
    let sum: u32 = nine
        .chars()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            let v = if i % 2 == 0 { d * 2 } else { d };
            if v > 9 { v - 9 } else { v }
        })
        .sum();
    format!("{nine}{}", (10 - sum % 10) % 10)
}

/// A path in the set-up's folder.
pub fn path(setup: &Setup, name: &str) -> PathBuf {
    setup.dir.path().join(name)
}

/// An installation enrolled straight in the database (no relay instance needed).
#[derive(Debug)]
pub struct Enrolled {
    /// The relay's id of it.
    pub id: Uuid,
}

impl Setup {
    /// Enrols an installation for `orgnr` without the API (for specs that queue before any
    /// instance runs).
    pub async fn enrol_without_relay(&self, orgnr: &str) -> Enrolled {
        let code = self.code(orgnr).await;
        let ca = crate::pki::RelayCa::load(
            &self.dir.path().join("ca.pem"),
            &self.dir.path().join("ca-key.pem"),
        )
        .expect("the relay CA loads");
        let key = rcgen::KeyPair::generate().expect("a key");
        let csr = rcgen::CertificateParams::new(Vec::<String>::new())
            .expect("params")
            .serialize_request(&key)
            .expect("a CSR")
            .pem()
            .expect("PEM");
        let (id, _, _) = crate::queue::enrol(&self.pool(), &code, |id, org| {
            ca.issue_client(&csr, id, org, 30)
        })
        .await
        .expect("the database answers")
        .expect("the code is valid");
        Enrolled { id }
    }
}

/// Checks and queues a handover for an installation of [`PROVIDER`] straight in the
/// database; the submission's id.
pub async fn enqueue(pool: &Pool, installation: Uuid, body: &SubmitBody) -> Uuid {
    let decode = |s: &str| STANDARD.decode(s).expect("base64");
    let block = |s: &SignatureJson| assistid_elt::SignatureBlock {
        signature_xml: decode(&s.signature),
        ocsp_response: decode(&s.ocsp_response),
        signed_on: signed_at().date_naive(),
    };
    let handover = crate::checks::Handover {
        report: decode(&body.report),
        assistant: block(&body.assistant_signature),
        provider: block(&body.provider_signature),
    };
    let provider = assistid_core::ids::OrgNumber::parse(PROVIDER).expect("the provider");
    let checked = crate::checks::check(&handover, &provider, &[ca().root_der().to_vec()])
        .expect("the handover passes the checks");
    let installation = crate::queue::Installation {
        id: installation,
        provider,
    };
    match crate::queue::enqueue(pool, &installation, "test", &checked, 1000)
        .await
        .expect("the database answers")
    {
        crate::queue::Enqueued::New(row) => row.id,
        other => panic!("a new report is queued, got {other:?}"),
    }
}

/// Reads a JSON answer (reqwest is built without its `json` feature in this workspace).
pub async fn json<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, serde_json::Error> {
    let bytes = response.bytes().await.unwrap_or_default();
    serde_json::from_slice(&bytes)
}
