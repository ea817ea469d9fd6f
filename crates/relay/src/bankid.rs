//! BankID orders through the relay (docs/RELAY.md, "BankID orders"): an installation starts,
//! collects and cancels sign orders, and the relay makes them at BankID with the **vendor's RP
//! certificate**, so a provider needs no BankID agreement of its own.
//!
//! - The text the signer reads (`userVisibleData`) is composed here ([`visible_text`]): a
//!   first line naming the provider the installation is enrolled for (its name, escaped, as
//!   the relay knows it, and its organisationsnummer), then the installation's text. An installation cannot have the vendor sign a text naming another
//!   provider at the top, nor hidden data other than a report binding (`<id>,<sha256>`
//!   entries, checked with `assistid_core::binding::parse_bindings`).
//! - An order belongs to the installation that started it: another installation's collect or
//!   cancel is answered `not_found`.
//! - The animated QR code is computed here from `qrStartToken` and `qrStartSecret` at each
//!   collect (seconds since the order started, on PostgreSQL's clock, so any instance can
//!   answer); the secret never leaves the relay and is erased when the order ends.
//! - `/collect` goes to BankID at most once per `collect_interval_ms` per order, however
//!   often the installation asks for a fresh QR code.
//! - `completionData` (signature and OCSP answer) is passed on as BankID sent it and not
//!   stored: the installation verifies it and stores it as for a direct order.
//! - Logs carry the relay's order id, the installation and codes; never a personnummer, a text
//!   or a signature.

// The handlers' `Err` is the HTTP answer itself (as in `api`).
#![allow(clippy::result_large_err)]

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use assistid_bankid::order::is_uuid;
use assistid_bankid::qr::qr_content;
use assistid_bankid::types::{
    CallInitiator, HintCode, PhoneSignRequest, SignData, SignRequest, Status,
};
use assistid_bankid::{BankIdError, Client, Environment, Lang};
use assistid_core::binding::parse_bindings;
use assistid_core::ids::{OrgNumber, Personnummer};
use assistid_core::secret::Sensitive;
use assistid_core::signtext::{check_visible_len, relay_text};
use hyper::body::Incoming;
use hyper::{Request, StatusCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{Answer, ApiState, database_unavailable, error, json, not_found, read_json};
use crate::config::BankIdConfig;
use crate::db::Pool;
use crate::error::{ConfigError, DbError};
use crate::queue::{self, Installation};

/// Orders older than this no longer count against an installation's limit (BankID ends an
/// order within about three minutes).
const OPEN_ORDER_WINDOW_SECS: f64 = 300.0;

/// An order still `starting` or `pending` this long after it was reserved has ended at BankID
/// (BankID ends an order within about three minutes) without the relay hearing of it (the
/// installation stopped collecting): [`clean_up`] marks it `expired`.
pub const ORDER_LIFETIME: Duration = Duration::from_secs(300);

/// How long an ended order (`complete`, `failed`, `cancelled`, `expired`) stays in
/// `bankid_orders` before [`clean_up`] deletes it: a working day in which the vendor can look
/// at an order a coordinator asks about. Nothing in a row is needed once BankID has forgotten
/// the order (its completion is kept three minutes), and the rows would otherwise grow forever.
pub const ENDED_ORDER_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// How often each instance runs [`clean_up`] (and once when it starts).
pub const CLEAN_UP_INTERVAL: Duration = Duration::from_secs(600);

/// What one [`clean_up`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CleanedUp {
    /// Orders stuck past [`ORDER_LIFETIME`] now marked `expired`.
    pub expired: u64,
    /// Ended orders older than the retention, deleted.
    pub deleted: u64,
}

/// Marks orders that are still `starting` or `pending` `lifetime` after they were reserved as
/// `expired` (the QR secret erased), then deletes ended orders whose end is older than
/// `retention`. `now` is the time to judge by: `None` takes PostgreSQL's clock (as the
/// instances do), a time is passed in by tests. Safe to run on every instance at once.
pub async fn clean_up(
    pool: &Pool,
    now: Option<chrono::DateTime<chrono::Utc>>,
    lifetime: Duration,
    retention: Duration,
) -> Result<CleanedUp, DbError> {
    let client = pool.get().await?;
    let expired = client
        .execute(
            "UPDATE bankid_orders SET state = 'expired', \
             hint_code = coalesce(hint_code, 'expiredTransaction'), qr_start_secret = NULL, \
             finished_at = coalesce($1, clock_timestamp()) \
             WHERE state IN ('starting', 'pending') \
             AND reserved_at < coalesce($1, clock_timestamp()) - make_interval(secs => $2)",
            &[&now, &lifetime.as_secs_f64()],
        )
        .await?;
    let deleted = client
        .execute(
            "DELETE FROM bankid_orders \
             WHERE state IN ('complete', 'failed', 'cancelled', 'expired') \
             AND coalesce(finished_at, reserved_at) \
                 < coalesce($1, clock_timestamp()) - make_interval(secs => $2)",
            &[&now, &retention.as_secs_f64()],
        )
        .await?;
    Ok(CleanedUp { expired, deleted })
}

/// Runs [`clean_up`] when the instance starts and every [`CLEAN_UP_INTERVAL`] until `stop`.
pub async fn clean_up_loop(pool: Pool, mut stop: tokio::sync::watch::Receiver<bool>) {
    while !*stop.borrow() {
        match clean_up(&pool, None, ORDER_LIFETIME, ENDED_ORDER_RETENTION).await {
            Ok(done) if done != CleanedUp::default() => tracing::info!(
                code = "bankid_orders_cleaned",
                expired = done.expired,
                deleted = done.deleted,
                "BankID orders cleaned up"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(code = e.code(), "BankID orders not cleaned up"),
        }
        tokio::select! {
            _ = tokio::time::sleep(CLEAN_UP_INTERVAL) => {}
            _ = stop.changed() => {}
        }
    }
}

/// One environment's BankID as the relay uses it.
#[derive(Debug, Clone)]
pub struct BankIdService {
    client: Client,
    collect_interval: Duration,
    max_open: i64,
}

impl BankIdService {
    /// Builds the client with the vendor's RP certificate for `environment` (`test`, `prod`).
    pub fn from_config(environment: &str, config: &BankIdConfig) -> Result<Self, ConfigError> {
        let read = |path: &std::path::Path| {
            std::fs::read(path).map_err(|e| ConfigError::Read {
                path: path.to_owned(),
                reason: e.to_string(),
            })
        };
        let client_error = |source: BankIdError| ConfigError::BankIdClient {
            environment: environment.to_owned(),
            reason: source.to_string(),
        };
        let bankid_environment = match (&config.tls_root, environment) {
            (Some(path), _) => {
                Environment::Custom(String::from_utf8(read(path)?).map_err(|_| {
                    ConfigError::Certificate {
                        path: path.clone(),
                        reason: "inte PEM-text".to_owned(),
                    }
                })?)
            }
            (None, "prod") => Environment::Production,
            (None, _) => Environment::Test,
        };
        let mut builder = Client::builder(bankid_environment.clone());
        match (&config.address, &bankid_environment) {
            (Some(address), _) => builder = builder.base_url(address.clone()),
            (None, Environment::Custom(_)) => {
                return Err(ConfigError::Invalid(format!(
                    "bankid.{environment}.tls_root kräver bankid.{environment}.address"
                )));
            }
            (None, _) => {}
        }
        let client = builder
            .identity_pkcs12_choosing(
                &read(&config.rp_p12)?,
                &config.password()?,
                config.rp_key.as_deref(),
            )
            .map_err(client_error)?
            .build()
            .map_err(client_error)?;
        Ok(Self {
            client,
            collect_interval: Duration::from_millis(config.collect_interval_ms),
            max_open: config.max_open_orders_per_installation,
        })
    }
}

/// The `userVisibleData` the relay signs for `provider`: a first line naming the provider
/// (its name as the relay knows it, escaped, and its organisationsnummer, the authority), a
/// blank line, then the installation's `text` unchanged (simpleMarkdownV1). The composition is
/// `assistid_core::signtext::relay_text`, which the installation uses to check the text before
/// it trusts a signature.
///
/// ```
/// let provider = assistid_core::ids::OrgNumber::parse("5560360793").expect("valid");
/// assert_eq!(
///     assistid_relay::bankid::visible_text(&provider, Some("Omsorg *AB*"), "Tidredovisning"),
///     "Assistansanordnare: Omsorg \\*AB\\*, organisationsnummer 556036-0793\n\nTidredovisning"
/// );
/// ```
pub fn visible_text(provider: &OrgNumber, name: Option<&str>, text: &str) -> String {
    relay_text(provider, name, text)
}

/// `POST /v1/bankid/orders`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StartOrderBody {
    /// `test` or `prod`: the data folder's environment.
    pub environment: String,
    /// `qr`, `same_device` or `phone`.
    pub mode: String,
    /// Phone orders: `RP` (the coordinator called) or `user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_initiator: Option<String>,
    /// The signer's personnummer (12 digits): only they can sign the order.
    pub personal_number: String,
    /// What the signer reads below the relay's first line (simpleMarkdownV1).
    pub text: String,
    /// The report binding signed as `userNonVisibleData` (`<id>,<sha256>` joined by `;`).
    pub binding: String,
}

/// The answer to a started order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StartedOrderJson {
    /// The relay's id of the order (for collect and cancel).
    pub id: Uuid,
    /// BankID's reference (not secret).
    pub order_ref: String,
    /// For the same-device start URL (not for phone orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_start_token: Option<String>,
    /// The first QR code's content (not for phone orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_data: Option<String>,
    /// The whole `userVisibleData` as sent to BankID (plain text, not base64).
    pub user_visible_data: String,
    /// The provider's name on the first line, as the relay knows it (absent: the line names
    /// only the organisationsnummer), so the installation can recompose the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
}

/// The answer to a collect (and a cancel).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CollectJson {
    /// `pending`, `complete`, `failed` or `cancelled`.
    pub status: String,
    /// BankID's hint code, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_code: Option<String>,
    /// The QR code's content now, while the app has not picked up the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_data: Option<String>,
    /// BankID's `completionData` as it came (`complete` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_data: Option<serde_json::Value>,
}

fn bad(code: &str, message: impl Into<String>, part: &str) -> Answer {
    error(StatusCode::BAD_REQUEST, code, message, Some(part))
}

/// BankID's error as the API passes it on: its code and BankID's recommended message.
fn bankid_failed(state: &ApiState, e: &BankIdError) -> Answer {
    state.metrics.bankid_error();
    tracing::warn!(code = e.code(), "BankID call failed");
    let m = e.user_message(Lang::Sv);
    let status = match e {
        BankIdError::Api {
            code: assistid_bankid::ErrorCode::AlreadyInProgress,
            ..
        } => StatusCode::CONFLICT,
        _ => StatusCode::BAD_GATEWAY,
    };
    crate::api::error_with_rfa(status, e.code(), m.text, m.id)
}

fn mode_of(text: &str) -> Option<&'static str> {
    match text {
        "qr" => Some("qr"),
        "same_device" => Some("same_device"),
        "phone" => Some("phone"),
        _ => None,
    }
}

/// `POST /v1/bankid/orders`: checks, reserves a place under the installation's limit, starts
/// the order at BankID with the vendor's certificate, and keeps what collect needs.
pub async fn start(
    state: &ApiState,
    installation: &Installation,
    remote: IpAddr,
    req: Request<Incoming>,
) -> Answer {
    let body: StartOrderBody = match read_json(req).await {
        Ok(b) => b,
        Err(answer) => return answer,
    };
    let Some(service) = state.bankid.get(&body.environment).cloned() else {
        return bad(
            "environment_not_served",
            format!(
                "Relayn gör inga BankID-underskrifter i miljön \"{}\". Kontrollera mappens miljö \
                 (test eller prod) eller kontakta leverantören.",
                body.environment
            ),
            "environment",
        );
    };
    let Some(mode) = mode_of(&body.mode) else {
        return bad(
            "unknown_mode",
            "Startsättet ska vara qr, same_device eller phone.",
            "mode",
        );
    };
    let call_initiator = match (
        mode,
        body.call_initiator.as_deref().map(CallInitiator::parse),
    ) {
        ("phone", Some(Some(who))) => Some(who),
        ("phone", _) => {
            return bad(
                "call_initiator_required",
                "En underskrift per telefon behöver call_initiator: RP (du ringde upp) eller \
                 user (personen ringde dig).",
                "call_initiator",
            );
        }
        _ => None,
    };
    let today = chrono::Utc::now().date_naive();
    let Ok(signer) = Personnummer::parse(&body.personal_number, today) else {
        return bad(
            "bad_personal_number",
            "Personnumret för den som ska skriva under är inte ett giltigt personnummer (12 \
             siffror). Kontrollera personen i registret.",
            "personal_number",
        );
    };
    if parse_bindings(&body.binding).is_err() {
        return bad(
            "bad_binding",
            "Den dolda delen av underskriften ska vara rapporternas bindning (id,sha256). \
             Relayn skriver inte under något annat.",
            "binding",
        );
    }
    let name = match queue::provider_name(&state.pool, &installation.provider).await {
        Ok(name) => name.map(|(name, _)| name),
        Err(e) => return database_unavailable(&e),
    };
    let text = visible_text(&installation.provider, name.as_deref(), &body.text);
    let data = match check_visible_len(&text)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            SignData::new(&text, Some(body.binding.as_bytes())).map_err(|e| e.to_string())
        }) {
        Ok(data) => data,
        Err(e) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "order_too_large",
                format!(
                    "Texten är för lång för en BankID-underskrift med relayns första rad ({e}). \
                     Skriv under färre rapporter åt gången."
                ),
                Some("text"),
            );
        }
    };
    let id = Uuid::new_v4();
    if let Err(refused) = reserve_place(
        &state.pool,
        installation.id,
        id,
        &body.environment,
        mode,
        service.max_open,
    )
    .await
    {
        return refused;
    }
    let started = if let Some(who) = call_initiator {
        let request = PhoneSignRequest::new(&signer, who, &data);
        service
            .client
            .phone_sign(&request)
            .await
            .and_then(|answer| {
                if answer.order_ref.is_empty() || answer.order_ref.len() > 100 {
                    Err(BankIdError::BadResponse(
                        "orderRef saknas eller är orimlig".into(),
                    ))
                } else {
                    Ok((answer.order_ref, None))
                }
            })
    } else {
        let request = SignRequest::new(&remote.to_string(), &data, Some(signer.digits()));
        match service.client.sign(&request).await {
            Ok(answer) if is_uuid(&answer.auto_start_token) && is_uuid(&answer.qr_start_token) => {
                Ok((
                    answer.order_ref,
                    Some((
                        answer.auto_start_token,
                        answer.qr_start_token,
                        answer.qr_start_secret,
                    )),
                ))
            }
            Ok(answer) => {
                let _ = service.client.cancel(&answer.order_ref).await;
                Err(BankIdError::BadResponse(
                    "autoStartToken eller qrStartToken är inget UUID".into(),
                ))
            }
            Err(e) => Err(e),
        }
    };
    let (order_ref, tokens) = match started {
        Ok(started) => started,
        Err(e) => {
            let _ = finish(&state.pool, id, "failed", Some(e.code())).await;
            return bankid_failed(state, &e);
        }
    };
    let (auto_start, qr) = match &tokens {
        Some((auto, token, secret)) => (Some(auto.clone()), Some((token.clone(), secret.clone()))),
        None => (None, None),
    };
    match mark_started(&state.pool, id, &order_ref, qr.as_ref()).await {
        Ok(true) => {}
        Ok(false) => {
            // Cancelled through the API while BankID was starting it: end it there too.
            let _ = service.client.cancel(&order_ref).await;
            return error(
                StatusCode::CONFLICT,
                "bankid_order_cancelled",
                "Underskriften avbröts medan den startades. Ingenting skrevs under.",
                None,
            );
        }
        Err(e) => {
            // The order runs at BankID but the relay cannot keep it: end it there.
            let _ = service.client.cancel(&order_ref).await;
            return database_unavailable(&e);
        }
    }
    state.metrics.bankid_started(mode);
    tracing::info!(code = "bankid_order_started", order = %id, installation = %installation.id, mode, "BankID order started");
    json(
        StatusCode::CREATED,
        &StartedOrderJson {
            id,
            order_ref,
            auto_start_token: auto_start,
            qr_data: qr.map(|(token, secret)| qr_content(&token, &secret, 0)),
            user_visible_data: text,
            provider_name: name,
        },
    )
}

/// What the signer would read below the relay's first line in the connection test
/// ([`check`]); the order is cancelled at once, nobody is asked to sign.
pub const CHECK_TEXT: &str =
    "Test av anslutningen till BankID via leverantören. Ingenting skrivs under.";

/// `POST /v1/bankid/check`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckBody {
    /// `test` or `prod`: the data folder's environment.
    pub environment: String,
}

/// The answer to a connection test that BankID accepted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckJson {
    /// `cancelled`: the order was started and cancelled at once.
    pub status: String,
    /// BankID's reference of the test order (not secret).
    pub order_ref: String,
}

/// `POST /v1/bankid/check` ("Testa BankID" of an installation that signs through the relay):
/// starts an order with the vendor's RP certificate, the relay's first line and the fixed
/// [`CHECK_TEXT`], no hidden data and no signer, and cancels it at BankID at once. It counts
/// against the installation's order limit like any order and is kept as `cancelled`. 200 when
/// BankID accepted both calls; BankID's error as for an order otherwise.
pub async fn check(
    state: &ApiState,
    installation: &Installation,
    remote: IpAddr,
    req: Request<Incoming>,
) -> Answer {
    let body: CheckBody = match read_json(req).await {
        Ok(b) => b,
        Err(answer) => return answer,
    };
    let Some(service) = state.bankid.get(&body.environment).cloned() else {
        return bad(
            "environment_not_served",
            format!(
                "Relayn gör inga BankID-underskrifter i miljön \"{}\". Kontrollera mappens miljö \
                 (test eller prod) eller kontakta leverantören.",
                body.environment
            ),
            "environment",
        );
    };
    let name = match queue::provider_name(&state.pool, &installation.provider).await {
        Ok(name) => name.map(|(name, _)| name),
        Err(e) => return database_unavailable(&e),
    };
    let text = visible_text(&installation.provider, name.as_deref(), CHECK_TEXT);
    let data = match SignData::new(&text, None) {
        Ok(data) => data,
        Err(e) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "order_too_large",
                format!("Testtexten går inte att skicka till BankID ({e})."),
                None,
            );
        }
    };
    let id = Uuid::new_v4();
    if let Err(refused) = reserve_place(
        &state.pool,
        installation.id,
        id,
        &body.environment,
        "qr",
        service.max_open,
    )
    .await
    {
        return refused;
    }
    let request = SignRequest::new(&remote.to_string(), &data, None);
    let order_ref = match service.client.sign(&request).await {
        Ok(answer) => answer.order_ref,
        Err(e) => {
            let _ = finish(&state.pool, id, "failed", Some(e.code())).await;
            return bankid_failed(state, &e);
        }
    };
    let cancelled = service.client.cancel(&order_ref).await;
    let _ = finish(&state.pool, id, "cancelled", Some("cancelled")).await;
    if let Err(e) = cancelled {
        return bankid_failed(state, &e);
    }
    tracing::info!(code = "bankid_check", order = %id, installation = %installation.id, "BankID connection test: started and cancelled");
    json(
        StatusCode::OK,
        &CheckJson {
            status: "cancelled".to_owned(),
            order_ref,
        },
    )
}

/// One order as the relay keeps it.
struct OrderRow {
    environment: String,
    order_ref: Option<String>,
    qr: Option<(String, Sensitive<String>)>,
    state: String,
    hint_code: Option<String>,
    since_collect: Option<f64>,
    age_secs: f64,
}

impl OrderRow {
    fn qr_now(&self) -> Option<String> {
        let showing = matches!(
            self.hint_code.as_deref(),
            None | Some("outstandingTransaction") | Some("noClient")
        );
        match (&self.qr, self.state.as_str(), showing) {
            (Some((token, secret)), "pending", true) => {
                // Whole seconds since the order started; the clock is PostgreSQL's.
                let secs = if self.age_secs.is_finite() && self.age_secs > 0.0 {
                    self.age_secs.floor() as u64
                } else {
                    0
                };
                Some(qr_content(token, secret, secs))
            }
            _ => None,
        }
    }

    fn answer(&self) -> CollectJson {
        CollectJson {
            status: match self.state.as_str() {
                "starting" => "pending".to_owned(),
                // Ended at BankID unheard (`clean_up`): as BankID itself says it.
                "expired" => "failed".to_owned(),
                other => other.to_owned(),
            },
            hint_code: self.hint_code.clone(),
            qr_data: self.qr_now(),
            completion_data: None,
        }
    }
}

async fn load(
    state: &ApiState,
    installation: &Installation,
    id: &str,
) -> Result<(Uuid, OrderRow), Answer> {
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    match order(&state.pool, installation.id, id).await {
        Ok(Some(row)) => Ok((id, row)),
        Ok(None) => Err(not_found()),
        Err(e) => Err(database_unavailable(&e)),
    }
}

/// `POST /v1/bankid/orders/{id}/collect`.
pub async fn collect(state: &ApiState, installation: &Installation, id: &str) -> Answer {
    let (id, row) = match load(state, installation, id).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let Some(service) = state.bankid.get(&row.environment).cloned() else {
        return not_found();
    };
    let fresh = row
        .since_collect
        .is_some_and(|s| s * 1000.0 < service.collect_interval.as_millis() as f64);
    let ask_bankid = match row.state.as_str() {
        // Completed: BankID keeps the completion a few minutes; a second collect (the first
        // answer lost on the way) gets it again from there, the relay keeps no copy.
        "complete" => true,
        "pending" => !fresh,
        _ => false,
    };
    let (Some(order_ref), true) = (row.order_ref.clone(), ask_bankid) else {
        return json(StatusCode::OK, &row.answer());
    };
    let answer = match service.client.collect(&order_ref).await {
        Ok(answer) => answer,
        Err(e) => return bankid_failed(state, &e),
    };
    let hint = answer.hint_code.as_ref().map(HintCode::to_string);
    let result = match answer.status {
        Status::Complete => match answer.completion_data {
            Some(data) => {
                if row.state != "complete" {
                    if let Err(e) = finish(&state.pool, id, "complete", None).await {
                        return database_unavailable(&e);
                    }
                    state.metrics.bankid_ended("complete");
                    tracing::info!(code = "bankid_order_complete", order = %id, installation = %installation.id, "BankID order complete");
                }
                return json(
                    StatusCode::OK,
                    &CollectJson {
                        status: "complete".to_owned(),
                        hint_code: None,
                        qr_data: None,
                        completion_data: Some(data.raw),
                    },
                );
            }
            None => {
                let e = BankIdError::BadResponse("complete utan completionData".into());
                return bankid_failed(state, &e);
            }
        },
        Status::Failed => {
            state.metrics.bankid_ended("failed");
            tracing::info!(code = "bankid_order_failed", order = %id, installation = %installation.id, hint = hint.as_deref().unwrap_or(""), "BankID order failed");
            finish(&state.pool, id, "failed", hint.as_deref()).await
        }
        _ => collected(&state.pool, id, hint.as_deref()).await,
    };
    if let Err(e) = result {
        return database_unavailable(&e);
    }
    match order(&state.pool, installation.id, id).await {
        Ok(Some(row)) => json(StatusCode::OK, &row.answer()),
        Ok(None) => not_found(),
        Err(e) => database_unavailable(&e),
    }
}

/// `POST /v1/bankid/orders/{id}/cancel`.
pub async fn cancel(state: &ApiState, installation: &Installation, id: &str) -> Answer {
    let (id, row) = match load(state, installation, id).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    if matches!(row.state.as_str(), "starting" | "pending") {
        if let (Some(order_ref), Some(service)) =
            (row.order_ref.as_deref(), state.bankid.get(&row.environment))
            && let Err(e) = service.client.cancel(order_ref).await
        {
            return bankid_failed(state, &e);
        }
        if let Err(e) = finish(&state.pool, id, "cancelled", Some("cancelled")).await {
            return database_unavailable(&e);
        }
        state.metrics.bankid_ended("cancelled");
        tracing::info!(code = "bankid_order_cancelled", order = %id, installation = %installation.id, "BankID order cancelled");
    }
    match order(&state.pool, installation.id, id).await {
        Ok(Some(row)) => json(StatusCode::OK, &row.answer()),
        Ok(None) => not_found(),
        Err(e) => database_unavailable(&e),
    }
}

/// [`reserve`], answered: the refusal to send back when the installation's limit is reached
/// (`bankid_orders_limit`) or the database cannot be reached.
async fn reserve_place(
    pool: &Pool,
    installation: Uuid,
    id: Uuid,
    environment: &str,
    mode: &str,
    max_open: i64,
) -> Result<(), Answer> {
    match reserve(pool, installation, id, environment, mode, max_open).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(error(
            StatusCode::TOO_MANY_REQUESTS,
            "bankid_orders_limit",
            format!(
                "Installationen har redan {max_open} BankID-underskrifter igång hos relayn. Avsluta \
                 eller avbryt dem först och försök sedan igen."
            ),
            None,
        )),
        Err(e) => Err(database_unavailable(&e)),
    }
}

/// Reserves a place for a new order under the installation's limit (the installation's row is
/// locked, so two instances cannot both take the last place). `false`: the limit is reached.
async fn reserve(
    pool: &Pool,
    installation: Uuid,
    id: Uuid,
    environment: &str,
    mode: &str,
    max_open: i64,
) -> Result<bool, DbError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "SELECT 1 FROM installations WHERE id = $1 FOR UPDATE",
        &[&installation],
    )
    .await?;
    let open: i64 = tx
        .query_one(
            "SELECT count(*) FROM bankid_orders WHERE installation_id = $1 \
             AND state IN ('starting', 'pending') \
             AND reserved_at > clock_timestamp() - make_interval(secs => $2)",
            &[&installation, &OPEN_ORDER_WINDOW_SECS],
        )
        .await?
        .get(0);
    if open >= max_open {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO bankid_orders (id, installation_id, environment, mode, state) \
         VALUES ($1, $2, $3, $4, 'starting')",
        &[&id, &installation, &environment, &mode],
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Keeps BankID's answer for a reserved order; `false` when the order was cancelled meanwhile.
async fn mark_started(
    pool: &Pool,
    id: Uuid,
    order_ref: &str,
    qr: Option<&(String, Sensitive<String>)>,
) -> Result<bool, DbError> {
    let client = pool.get().await?;
    let updated = client
        .execute(
            "UPDATE bankid_orders SET state = 'pending', order_ref = $2, qr_start_token = $3, \
             qr_start_secret = $4, started_at = clock_timestamp() \
             WHERE id = $1 AND state = 'starting'",
            &[
                &id,
                &order_ref,
                &qr.map(|(token, _)| token.as_str()),
                &qr.map(|(_, secret)| secret.expose().as_str()),
            ],
        )
        .await?;
    Ok(updated == 1)
}

/// Ends an order: its state and hint; the QR secret is erased.
async fn finish(pool: &Pool, id: Uuid, state: &str, hint: Option<&str>) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE bankid_orders SET state = $2, hint_code = coalesce($3, hint_code), \
             qr_start_secret = NULL, finished_at = clock_timestamp(), \
             collected_at = clock_timestamp() WHERE id = $1",
            &[&id, &state, &hint],
        )
        .await?;
    Ok(())
}

async fn collected(pool: &Pool, id: Uuid, hint: Option<&str>) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE bankid_orders SET hint_code = $2, collected_at = clock_timestamp() \
             WHERE id = $1 AND state = 'pending'",
            &[&id, &hint],
        )
        .await?;
    Ok(())
}

async fn order(pool: &Pool, installation: Uuid, id: Uuid) -> Result<Option<OrderRow>, DbError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT environment, order_ref, qr_start_token, qr_start_secret, state, \
             hint_code, \
             extract(epoch FROM clock_timestamp() - collected_at)::float8, \
             extract(epoch FROM clock_timestamp() - coalesce(started_at, reserved_at))::float8 \
             FROM bankid_orders WHERE id = $1 AND installation_id = $2",
            &[&id, &installation],
        )
        .await?;
    Ok(row.map(|row| {
        let token: Option<String> = row.get(2);
        let secret: Option<String> = row.get(3);
        OrderRow {
            environment: row.get(0),
            order_ref: row.get(1),
            qr: token.zip(secret.map(Sensitive::new)),
            state: row.get(4),
            hint_code: row.get(5),
            since_collect: row.get(6),
            age_secs: row.get(7),
        }
    }))
}

/// The order services per environment, as the API holds them.
pub type Services = std::collections::HashMap<String, Arc<BankIdService>>;
