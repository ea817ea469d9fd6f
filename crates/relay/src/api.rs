//! The HTTPS API, version 1 (docs/RELAY.md, "The API"): JSON over TLS; every `/v1/` call but
//! the enrolment needs a client certificate the relay issued and has not revoked.

// The handlers' `Err` is the HTTP answer itself, made once per refused request: boxing it
// would only add an allocation on that path.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use assistid_core::ids::OrgNumber;
use assistid_core::signtext::provider_name;
use assistid_elt::SignatureBlock;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, broadcast, watch};
use uuid::Uuid;

use crate::checks::{self, Handover};
use crate::db::{self, Pool, SubmissionRow};
use crate::metrics::Metrics;
use crate::pki::RelayCa;
use crate::queue::{self, CertLookup, Decision, Enqueued, EnrolRefusal, Installation};

/// Largest request body (a report with two signatures is tens of kilobytes).
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// What every request handler shares.
pub struct ApiState {
    /// PostgreSQL.
    pub pool: Pool,
    /// The relay's CA.
    pub ca: RelayCa,
    /// BankID user-certificate roots per served environment.
    pub roots: HashMap<String, Vec<Vec<u8>>>,
    /// Days a client certificate is valid.
    pub client_cert_days: u32,
    /// Open submissions per installation.
    pub max_open: i64,
    /// Longest long poll.
    pub max_wait: Duration,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// This instance's name.
    pub instance_name: String,
    /// Wakes the senders when something is queued.
    pub wake: Arc<Notify>,
    /// Ids of submissions whose state changed (PostgreSQL NOTIFY, any instance).
    pub changes: broadcast::Sender<Uuid>,
    /// True once the instance is stopping.
    pub stop: watch::Receiver<bool>,
    /// BankID per served environment, with the vendor's RP certificate.
    pub bankid: crate::bankid::Services,
}

impl std::fmt::Debug for ApiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState")
            .field("instance_name", &self.instance_name)
            .finish_non_exhaustive()
    }
}

/// An error answer: `{"error": {"code", "message", "part"}}`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error's parts.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable code.
    pub code: String,
    /// Swedish, for the coordinator.
    pub message: String,
    /// Which part of the request (`report`, `assistant_signature`, `provider_signature`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// BankID's recommended message id (`RFA5`, …) when the error is BankID's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfa: Option<String>,
}

/// `POST /v1/enrol`.
#[derive(Debug, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The one-time code from `assistid-relay enrol`.
    pub code: String,
    /// A PKCS#10 request (PEM) for an ECDSA P-256 key the installation keeps.
    pub csr_pem: String,
    /// The installation's provider (organisationsnummer), when it knows it: a code made for
    /// another one is refused (`enrolment_code_other_provider`) without being used up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The provider's name as the installation has it: recorded as the name on the first line
    /// of BankID texts unless the relay knows one already (the vendor's admin corrects it with
    /// `assistid-relay provider-name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
}

/// The enrolment's answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct EnrolResponse {
    /// The new installation's id.
    pub installation_id: Uuid,
    /// Its provider (10 digits).
    pub provider: String,
    /// Its client certificate (PEM).
    pub certificate_pem: String,
    /// The relay's CA (PEM): it also issued the server certificate.
    pub ca_pem: String,
}

/// A signature as handed over.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignatureJson {
    /// BankID's signature document, base64 (as `completionData.signature`).
    pub signature: String,
    /// BankID's OCSP answer, base64 (as `completionData.ocspResponse`).
    pub ocsp_response: String,
    /// The day it was signed, `YYYY-MM-DD`.
    pub signed_on: String,
}

/// `POST /v1/submissions`.
#[derive(Debug, Serialize, Deserialize)]
pub struct SubmitBody {
    /// `test` or `prod`.
    pub environment: String,
    /// The report's bytes, base64.
    pub report: String,
    /// The assistant's signature.
    pub assistant_signature: SignatureJson,
    /// The provider's signature.
    pub provider_signature: SignatureJson,
}

/// One FK request of a submission.
#[derive(Debug, Serialize, Deserialize)]
pub struct AttemptJson {
    /// 1-based.
    pub n: i32,
    /// When the request left.
    pub sent_at: Option<DateTime<Utc>>,
    /// When FK's answer came.
    pub answered_at: Option<DateTime<Utc>>,
    /// `accepted`, `rejected`, `transient`, `uncertain`, `configuration`, `instance_lost`,
    /// `not_sent`.
    pub outcome: Option<String>,
    /// FK's HTTP status.
    pub http_status: Option<i32>,
    /// FK's answer, raw, base64.
    pub raw_answer: Option<String>,
    /// The tx-id in it.
    pub tx_id: Option<Uuid>,
    /// The error's code.
    pub error_code: Option<String>,
}

/// A submission as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct SubmissionJson {
    /// The relay's id.
    pub id: Uuid,
    /// The report's id.
    pub report_id: Uuid,
    /// SHA-256 of the report's canonical form.
    pub report_sha256: String,
    /// `test` or `prod`.
    pub environment: String,
    /// `queued`, `sending`, `accepted`, `rejected`, `failed_will_retry`, `uncertain`,
    /// `withdrawn`.
    pub state: String,
    /// FK requests made.
    pub attempts: i32,
    /// FK's tx-id, when accepted.
    pub tx_id: Option<Uuid>,
    /// The last error's code.
    pub error_code: Option<String>,
    /// The decision taken on it when it was uncertain.
    pub decision: Option<String>,
    /// Not retried before.
    pub not_before: Option<DateTime<Utc>>,
    /// Handed over.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Every FK request and FK's raw answer (only in `GET`).
    #[serde(default)]
    pub fk_attempts: Vec<AttemptJson>,
}

impl SubmissionJson {
    fn from_row(row: &SubmissionRow, attempts: Vec<AttemptJson>) -> Self {
        Self {
            id: row.id,
            report_id: row.report_id,
            report_sha256: row.report_sha256.clone(),
            environment: row.environment.clone(),
            state: row.state.clone(),
            attempts: row.attempts,
            tx_id: row.tx_id,
            error_code: row.error_code.clone(),
            decision: row.decision.clone(),
            not_before: row.not_before,
            created_at: row.created_at,
            updated_at: row.updated_at,
            fk_attempts: attempts,
        }
    }
}

/// `POST /v1/submissions/{id}/decision`.
#[derive(Debug, Serialize, Deserialize)]
pub struct DecisionBody {
    /// `resend`, `received` (with `tx_id`) or `do_not_send`.
    pub decision: String,
    /// FK's tx-id, for `received`.
    #[serde(default)]
    pub tx_id: Option<Uuid>,
}

pub(crate) type Answer = Response<Full<Bytes>>;

pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Answer {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

pub(crate) fn error(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    part: Option<&str>,
) -> Answer {
    json(
        status,
        &ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                part: part.map(str::to_owned),
                rfa: None,
            },
        },
    )
}

/// An error from BankID: its code, BankID's recommended Swedish message and its id.
pub(crate) fn error_with_rfa(status: StatusCode, code: &str, message: &str, rfa: &str) -> Answer {
    json(
        status,
        &ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: message.to_owned(),
                part: None,
                rfa: Some(rfa.to_owned()),
            },
        },
    )
}

fn text(status: StatusCode, body: String, content_type: &'static str) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    response
}

pub(crate) fn database_unavailable(e: &crate::error::DbError) -> Answer {
    tracing::warn!(code = e.code(), "request failed: database");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "relay_database_unavailable",
        "Relayn kan inte nå sin databas just nu. Inget har sparats; försök igen om en stund.",
        None,
    )
}

pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(
    req: Request<Incoming>,
) -> Result<T, Answer> {
    let body = Limited::new(req.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|_| {
            error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("Begäran är större än {} MiB.", MAX_BODY / 1024 / 1024),
                None,
            )
        })?
        .to_bytes();
    serde_json::from_slice(&body).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!(
                "Begäran är inte JSON av rätt form (rad {}, kolumn {}).",
                e.line(),
                e.column()
            ),
            None,
        )
    })
}

/// Answers one request. `peer` is the SHA-256 of the client certificate, if one was shown;
/// `remote` the address the connection came from (BankID's `endUserIp` of an order).
pub async fn handle(
    state: Arc<ApiState>,
    peer: Option<String>,
    remote: std::net::IpAddr,
    req: Request<Incoming>,
) -> Result<Answer, Infallible> {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let answer = match (&method, segments.as_slice()) {
        (&Method::GET, ["healthz"]) => text(StatusCode::OK, "ok\n".into(), "text/plain"),
        (&Method::GET, ["readyz"]) => readyz(&state).await,
        (&Method::GET, ["metrics"]) => match db::queue_counts(&state.pool).await {
            Ok(counts) => text(
                StatusCode::OK,
                state.metrics.render(&counts, &state.instance_name),
                "text/plain; version=0.0.4",
            ),
            Err(e) => database_unavailable(&e),
        },
        (&Method::POST, ["v1", "enrol"]) => enrol(&state, req).await,
        (_, ["v1", ..]) => match authenticate(&state, peer.as_deref()).await {
            Err(answer) => answer,
            Ok(installation) => match (&method, &segments[1..]) {
                (&Method::GET, ["installation"]) => json(
                    StatusCode::OK,
                    &serde_json::json!({
                        "installation_id": installation.id,
                        "provider": installation.provider.digits(),
                    }),
                ),
                (&Method::POST, ["submissions"]) => submit(&state, &installation, req).await,
                (&Method::GET, ["submissions", id]) => {
                    get_submission(&state, &installation, id, req.uri().query()).await
                }
                (&Method::POST, ["submissions", id, "decision"]) => {
                    decide(&state, &installation, id, req).await
                }
                (&Method::POST, ["bankid", "orders"]) => {
                    crate::bankid::start(&state, &installation, remote, req).await
                }
                (&Method::POST, ["bankid", "check"]) => {
                    crate::bankid::check(&state, &installation, remote, req).await
                }
                (&Method::POST, ["bankid", "orders", id, "collect"]) => {
                    crate::bankid::collect(&state, &installation, id).await
                }
                (&Method::POST, ["bankid", "orders", id, "cancel"]) => {
                    crate::bankid::cancel(&state, &installation, id).await
                }
                _ => not_found(),
            },
        },
        _ => not_found(),
    };
    Ok(answer)
}

pub(crate) fn not_found() -> Answer {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "Det finns ingen sådan adress i relayns API (version 1).",
        None,
    )
}

async fn readyz(state: &ApiState) -> Answer {
    if *state.stop.borrow() {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "stopping\n".into(),
            "text/plain",
        );
    }
    match db::schema_version(&state.pool).await {
        Ok(v) if v == db::CURRENT_VERSION => text(StatusCode::OK, "ready\n".into(), "text/plain"),
        Ok(v) => text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("schema version {v}, expected {}\n", db::CURRENT_VERSION),
            "text/plain",
        ),
        Err(e) => database_unavailable(&e),
    }
}

async fn authenticate(state: &ApiState, peer: Option<&str>) -> Result<Installation, Answer> {
    let Some(peer) = peer else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "client_certificate_required",
            "Installationen visade inget klientcertifikat. Anslut installationen till relayn \
             med en anslutningskod först.",
            None,
        ));
    };
    match queue::installation_for_cert(&state.pool, peer).await {
        Ok(CertLookup::Valid(installation)) => Ok(installation),
        Ok(CertLookup::Revoked) => Err(error(
            StatusCode::FORBIDDEN,
            "certificate_revoked",
            "Installationens certifikat är spärrat hos relayn. Kontakta leverantören för en \
             ny anslutningskod.",
            None,
        )),
        Ok(CertLookup::Unknown) => Err(error(
            StatusCode::UNAUTHORIZED,
            "client_certificate_unknown",
            "Relayn känner inte igen installationens certifikat. Anslut installationen på nytt \
             med en anslutningskod.",
            None,
        )),
        Err(e) => Err(database_unavailable(&e)),
    }
}

async fn enrol(state: &ApiState, req: Request<Incoming>) -> Answer {
    let body: EnrolRequest = match read_json(req).await {
        Ok(b) => b,
        Err(answer) => return answer,
    };
    let expected = match body.provider.as_deref().map(OrgNumber::parse) {
        None => None,
        Some(Ok(orgnr)) => Some(orgnr),
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "provider_invalid",
                format!(
                    "Anordnarens organisationsnummer {:?} är inte giltigt (10 siffror med rätt \
                     kontrollsiffra). Rätta det i Assistid och försök igen; koden är inte \
                     förbrukad.",
                    body.provider.as_deref().unwrap_or_default()
                ),
                Some("provider"),
            );
        }
    };
    let name = match body.provider_name.as_deref().map(provider_name) {
        None => None,
        Some(Ok(name)) => Some(name),
        Some(Err(e)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "provider_name_invalid",
                format!(
                    "Anordnarens namn går inte att använda ({e}). Rätta namnet i Assistid och \
                     försök igen; koden är inte förbrukad."
                ),
                Some("provider_name"),
            );
        }
    };
    let days = state.client_cert_days;
    let csr = body.csr_pem.clone();
    let result = queue::enrol_for(
        &state.pool,
        &body.code,
        expected.as_ref(),
        name.as_deref(),
        |installation, orgnr| state.ca.issue_client(&csr, installation, orgnr, days),
    )
    .await;
    match result {
        Ok(Ok((installation, provider, issued))) => {
            tracing::info!(code = "enrolled", installation = %installation, "installation enrolled");
            json(
                StatusCode::OK,
                &EnrolResponse {
                    installation_id: installation,
                    provider,
                    certificate_pem: issued.cert_pem,
                    ca_pem: state.ca.cert_pem().to_owned(),
                },
            )
        }
        Ok(Err(EnrolRefusal::CodeInvalid)) => {
            tracing::info!(code = "enrolment_code_invalid", "enrolment refused");
            error(
                StatusCode::FORBIDDEN,
                "enrolment_code_invalid",
                "Anslutningskoden gäller inte: den är fel skriven, redan använd eller för gammal. \
                 Be leverantören om en ny kod.",
                Some("code"),
            )
        }
        Ok(Err(EnrolRefusal::OtherProvider { code_for })) => {
            tracing::info!(
                code = "enrolment_code_other_provider",
                "enrolment refused, code kept"
            );
            let ours = expected
                .as_ref()
                .map(|o| o.digits().to_owned())
                .unwrap_or_default();
            error(
                StatusCode::CONFLICT,
                "enrolment_code_other_provider",
                format!(
                    "Anslutningskoden gäller organisationsnummer {code_for}, men datamappens \
                     anordnare har {ours}. Koden är inte förbrukad. Kontrollera anordnarens \
                     organisationsnummer i Assistid, eller be leverantören om en kod för {ours}."
                ),
                Some("code"),
            )
        }
        Err(crate::error::RelayError::Pki(e)) => error(
            StatusCode::BAD_REQUEST,
            "csr_invalid",
            e.to_string(),
            Some("csr_pem"),
        ),
        Err(crate::error::RelayError::Db(e)) => database_unavailable(&e),
        Err(e) => {
            tracing::warn!(code = e.code(), "enrolment failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                e.code(),
                e.to_string(),
                None,
            )
        }
    }
}

fn decode_part(text: &str, part: &str) -> Result<Vec<u8>, Answer> {
    STANDARD.decode(text.trim()).map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            "bad_base64",
            format!("{part} är inte giltig base64."),
            Some(part),
        )
    })
}

fn signature_block(json: &SignatureJson, part: &str) -> Result<SignatureBlock, Answer> {
    Ok(SignatureBlock {
        signature_xml: decode_part(&json.signature, part)?,
        ocsp_response: decode_part(&json.ocsp_response, part)?,
        signed_on: checks::parse_day(&json.signed_on).ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "bad_date",
                format!("{part}.signed_on ska vara ett datum ÅÅÅÅ-MM-DD."),
                Some(part),
            )
        })?,
    })
}

async fn submit(state: &ApiState, installation: &Installation, req: Request<Incoming>) -> Answer {
    let body: SubmitBody = match read_json(req).await {
        Ok(b) => b,
        Err(answer) => return answer,
    };
    let Some(roots) = state.roots.get(&body.environment) else {
        return error(
            StatusCode::BAD_REQUEST,
            "environment_not_served",
            format!(
                "Relayn skickar inte till FK:s miljö \"{}\". Kontrollera mappens miljö \
                 (test eller prod) eller kontakta leverantören.",
                body.environment
            ),
            Some("environment"),
        );
    };
    let handover = match (|| {
        Ok::<_, Answer>(Handover {
            report: decode_part(&body.report, "report")?,
            assistant: signature_block(&body.assistant_signature, "assistant_signature")?,
            provider: signature_block(&body.provider_signature, "provider_signature")?,
        })
    })() {
        Ok(h) => h,
        Err(answer) => return answer,
    };
    let provider = installation.provider.clone();
    let roots = roots.clone();
    let checked =
        tokio::task::spawn_blocking(move || checks::check(&handover, &provider, &roots)).await;
    let checked = match checked {
        Ok(Ok(checked)) => checked,
        Ok(Err(refusal)) => {
            state.metrics.refused();
            tracing::info!(code = refusal.code(), installation = %installation.id, "handover refused");
            let part = match refusal.signer() {
                Some(checks::Signer::Assistant) => "assistant_signature",
                Some(checks::Signer::Provider) => "provider_signature",
                None => "report",
            };
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                refusal.code(),
                refusal.to_string(),
                Some(part),
            );
        }
        Err(_) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "check_failed",
                "Kontrollen av rapporten avbröts. Försök igen.",
                None,
            );
        }
    };
    match queue::enqueue(
        &state.pool,
        installation,
        &body.environment,
        &checked,
        state.max_open,
    )
    .await
    {
        Ok(Enqueued::New(row)) => {
            tracing::info!(code = "queued", submission = %row.id, installation = %installation.id, report = %row.report_id, "report queued");
            state.wake.notify_waiters();
            json(
                StatusCode::ACCEPTED,
                &SubmissionJson::from_row(&row, Vec::new()),
            )
        }
        Ok(Enqueued::Existing(row)) => {
            json(StatusCode::OK, &SubmissionJson::from_row(&row, Vec::new()))
        }
        Ok(Enqueued::Conflict(row)) => error(
            StatusCode::CONFLICT,
            "report_version_conflict",
            format!(
                "Rapporten {} är redan överlämnad med annat innehåll (inlämning {}, {}). \
                 En ändrad rapport får ett nytt id i Assistid.",
                row.report_id, row.id, row.state
            ),
            Some("report"),
        ),
        Ok(Enqueued::PersonOfAnotherProvider) => {
            state.metrics.refused();
            tracing::info!(code = "wrong_provider", installation = %installation.id, "handover refused: person bound to another provider");
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_provider",
                "I tidredovisningen är personen med assistans själv assistentens arbetsgivare, \
                 och personens rapporter skickas redan via leverantören av en annan anordnare. \
                 En installation kan bara skicka sina egna rapporter. Har personen bytt \
                 anordnare: be leverantören att släppa den gamla kopplingen.",
                Some("report"),
            )
        }
        Ok(Enqueued::QuotaFull) => error(
            StatusCode::TOO_MANY_REQUESTS,
            "quota_queue_full",
            format!(
                "Installationen har redan {} rapporter som väntar hos relayn. Vänta tills de är \
                 skickade.",
                state.max_open
            ),
            None,
        ),
        Err(e) => database_unavailable(&e),
    }
}

fn parse_id(id: &str) -> Result<Uuid, Answer> {
    Uuid::parse_str(id).map_err(|_| not_found())
}

fn query_value<'a>(query: Option<&'a str>, key: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

async fn full_json(state: &ApiState, row: &SubmissionRow) -> Result<SubmissionJson, Answer> {
    let attempts = db::attempts(&state.pool, row.id)
        .await
        .map_err(|e| database_unavailable(&e))?;
    Ok(SubmissionJson::from_row(
        row,
        attempts
            .into_iter()
            .map(|a| AttemptJson {
                n: a.n,
                sent_at: a.sent_at,
                answered_at: a.answered_at,
                outcome: a.outcome,
                http_status: a.http_status,
                raw_answer: a.raw_answer.map(|b| STANDARD.encode(b)),
                tx_id: a.tx_id,
                error_code: a.error_code,
            })
            .collect(),
    ))
}

/// `GET /v1/submissions/{id}?wait=SECONDS&seen=STATE`: answers at once, or — with `wait` —
/// as soon as the state is no longer `seen` (default: the state when the call came), at the
/// latest after `wait` seconds.
async fn get_submission(
    state: &ApiState,
    installation: &Installation,
    id: &str,
    query: Option<&str>,
) -> Answer {
    let id = match parse_id(id) {
        Ok(id) => id,
        Err(answer) => return answer,
    };
    let wait = query_value(query, "wait")
        .and_then(|w| w.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::ZERO)
        .min(state.max_wait);
    let mut changes = state.changes.subscribe();
    let deadline = tokio::time::Instant::now() + wait;
    let mut stop = state.stop.clone();
    let mut seen: Option<String> = query_value(query, "seen").map(str::to_owned);
    loop {
        let row = match queue::submission(&state.pool, installation.id, id).await {
            Ok(Some(row)) => row,
            Ok(None) => return not_found(),
            Err(e) => return database_unavailable(&e),
        };
        let seen_state = seen.get_or_insert_with(|| row.state.clone());
        if wait.is_zero()
            || row.state != *seen_state
            || tokio::time::Instant::now() >= deadline
            || *stop.borrow()
        {
            return match full_json(state, &row).await {
                Ok(body) => json(StatusCode::OK, &body),
                Err(answer) => answer,
            };
        }
        // A change of this submission wakes the poll; re-read at least once a second in case
        // a notification was missed (a reconnect of the listener).
        let sleep = tokio::time::sleep_until(
            deadline.min(tokio::time::Instant::now() + Duration::from_secs(1)),
        );
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                changed = changes.recv() => match changed {
                    Ok(changed) if changed != id => continue,
                    _ => break,
                },
                _ = &mut sleep => break,
                _ = stop.changed() => break,
            }
        }
    }
}

async fn decide(
    state: &ApiState,
    installation: &Installation,
    id: &str,
    req: Request<Incoming>,
) -> Answer {
    let id = match parse_id(id) {
        Ok(id) => id,
        Err(answer) => return answer,
    };
    let body: DecisionBody = match read_json(req).await {
        Ok(b) => b,
        Err(answer) => return answer,
    };
    let decision = match (body.decision.as_str(), body.tx_id) {
        ("resend", _) => Decision::Resend,
        ("received", Some(tx)) => Decision::Received(tx),
        ("received", None) => {
            return error(
                StatusCode::BAD_REQUEST,
                "tx_id_required",
                "Beslutet \"received\" kräver FK:s tx-id (tx_id).",
                Some("tx_id"),
            );
        }
        ("do_not_send", _) => Decision::DoNotSend,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "unknown_decision",
                "Beslutet ska vara resend, received eller do_not_send.",
                Some("decision"),
            );
        }
    };
    match queue::decide(&state.pool, installation.id, id, &decision).await {
        Ok(Some(Ok(row))) => {
            tracing::info!(code = "decided", submission = %id, decision = %body.decision, "uncertain submission decided");
            if row.state == "queued" {
                state.wake.notify_waiters();
            }
            match full_json(state, &row).await {
                Ok(body) => json(StatusCode::OK, &body),
                Err(answer) => answer,
            }
        }
        Ok(Some(Err(row))) => error(
            StatusCode::CONFLICT,
            "not_uncertain",
            format!(
                "Inlämningen är {} och väntar inte på något beslut: bara en osäker inlämning \
                 (uncertain) kan skickas om eller avslutas.",
                row.state
            ),
            Some("decision"),
        ),
        Ok(None) => not_found(),
        Err(e) => database_unavailable(&e),
    }
}
