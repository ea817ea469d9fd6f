//! BankID orders through the vendor's relay (docs/RELAY.md, "BankID orders"): when the data
//! folder sends through the relay ([`App::sending_mode`]), [`App::connect_bankid`] hands out
//! a connection whose orders the relay starts, collects and cancels with the **vendor's** RP
//! certificate, over the installation's mutual-TLS certificate. Everything else stays as for a
//! direct order:
//!
//! - the environment is the data folder's (test or prod; the relay refuses demo folders);
//! - the relay puts the enrolled provider's name and organisationsnummer on the first line of
//!   the text (`assistid_core::signtext::relay_text`, the name the relay's); the answer must
//!   carry exactly that composition, else the order is cancelled and nothing is signed;
//! - the signature and its OCSP answer are verified against this folder's BankID roots and
//!   the texts exactly as BankID showed them, before anything is stored
//!   ([`App::store_signature`] as for a direct order);
//! - the messages are BankID's recommended ones for the start mode (QR, same device, phone);
//!   the QR content is the relay's (the QR secret stays at the relay).

use std::time::Duration;

use assistid_bankid::messages::{Lang, MessageKey, message};
use assistid_bankid::ocsp::OrderWindow;
use assistid_bankid::order::{autostart_url, is_uuid};
use assistid_bankid::types::{ErrorCode, HintCode, SignData, base64_len};
use assistid_bankid::{BankIdError, CompletionData};
use assistid_core::ids::{OrgNumber, Personnummer};
use assistid_core::signtext::{relay_header_max_len, relay_text};
use serde::{Deserialize, Serialize};

use super::{
    BankIdEnvironment, CancelSignal, OrderLimits, SigningError, SigningEvent, SigningOptions,
    StartMode, VerifiedCompletion, bankid_error, verify_completion,
};
use crate::submit::relay::{CallError, RelayClient};
use crate::{App, AppError};

/// Network failures in a row while collecting before the order is given up (as a direct
/// order's collect retry: BankID keeps the order meanwhile).
const COLLECT_ATTEMPTS: u32 = 10;

/// The relay's side of a BankID connection: the installation's client and the
/// organisationsnummer the relay's certificate names.
pub(crate) struct RelayOrders {
    client: RelayClient,
    provider: OrgNumber,
}

impl std::fmt::Debug for RelayOrders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayOrders")
            .field("address", &self.client.base)
            .finish_non_exhaustive()
    }
}

impl RelayOrders {
    /// The relay's address.
    pub(crate) fn address(&self) -> &str {
        &self.client.base
    }

    /// "Testa BankID" through the relay (`POST /v1/bankid/check`): the relay starts an order
    /// in `environment` with the vendor's RP certificate and its fixed test text, and cancels
    /// it at once; nobody is asked to sign. `Err`: the relay's or BankID's refusal, or the
    /// relay not reached, in words for the coordinator, with a code.
    pub(crate) async fn check(
        &self,
        environment: BankIdEnvironment,
    ) -> Result<(), (String, String)> {
        #[derive(Deserialize)]
        struct Checked {
            status: String,
        }
        match self
            .client
            .post::<_, Checked>(
                "/v1/bankid/check",
                &serde_json::json!({ "environment": environment.code() }),
            )
            .await
        {
            Ok((_, checked)) if checked.status == "cancelled" => Ok(()),
            Ok((_, checked)) => Err((
                "relay_bad_answer".to_owned(),
                format!(
                    "Relayn svarade \"{}\" i stället för att testordern avbröts.",
                    checked.status
                ),
            )),
            Err(e) => Err((
                match &e {
                    CallError::Refused { code, .. } => code.clone(),
                    CallError::NotReached(_) => "relay_unreachable".to_owned(),
                    CallError::NoAnswer(_) => "relay_no_answer".to_owned(),
                },
                e.describe(),
            )),
        }
    }
}

#[derive(Serialize)]
struct StartBody<'a> {
    environment: &'a str,
    mode: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_initiator: Option<&'a str>,
    personal_number: &'a str,
    text: &'a str,
    binding: &'a str,
}

#[derive(Deserialize)]
struct Started {
    id: String,
    order_ref: String,
    #[serde(default)]
    auto_start_token: Option<String>,
    #[serde(default)]
    qr_data: Option<String>,
    user_visible_data: String,
    #[serde(default)]
    provider_name: Option<String>,
}

#[derive(Deserialize)]
struct Collected {
    status: String,
    #[serde(default)]
    hint_code: Option<String>,
    #[serde(default)]
    qr_data: Option<String>,
    #[serde(default)]
    completion_data: Option<serde_json::Value>,
}

impl App {
    /// BankID's size limits for the part of the text this program writes: through the relay,
    /// the relay's first line (`assistid_core::signtext::relay_text`) takes its share of
    /// `userVisibleData`, so a provider's batch is split with the longest such line counted
    /// (the name on it is the relay's). Unchanged for direct orders.
    pub(crate) fn limits_for_orders(&self, limits: OrderLimits) -> anyhow::Result<OrderLimits> {
        if self.sending_mode()? != crate::submit::SendingMode::Relay {
            return Ok(limits);
        }
        let header = relay_header_max_len();
        Ok(OrderLimits {
            visible: limits.visible.saturating_sub(base64_len(header)),
            ..limits
        })
    }

    /// The BankID side of a folder that sends through the relay: the installation's client
    /// and the enrolled organisationsnummer.
    pub(crate) fn relay_orders(&self) -> anyhow::Result<RelayOrders> {
        let client = self.relay_client()?;
        let provider = self
            .relay_status()?
            .provider
            .and_then(|p| OrgNumber::parse(&p).ok())
            .ok_or_else(|| {
                AppError::told(
                    "relay_not_enrolled",
                    super::error::templates::RELAY_NOT_ENROLLED_FOR_BANKID.text(),
                )
            })?;
        Ok(RelayOrders { client, provider })
    }
}

/// The relay's error for a call made on the way to BankID: BankID's own errors (the relay
/// passes on their code) read as the bankid crate's, so the messages are those of a direct
/// order; the relay's own refusals say so.
fn relay_call_error(e: &CallError) -> SigningError {
    if let CallError::Refused { code, message, .. } = e {
        if let Some(error) = bankid_error_of(code) {
            return bankid_error(&error);
        }
        if code == "order_too_large" {
            return SigningError::NotSignable {
                code: "order_too_large",
                message: super::error::templates::ORDER_TOO_LARGE.with("reason", message),
            };
        }
        return SigningError::Other(AppError::told("relay_bankid_refused", e.text()).into());
    }
    let text = super::error::templates::BANKID_VIA_RELAY_UNREACHABLE.with("reason", e.text());
    SigningError::BankId {
        code: "bankid_unreachable",
        rfa: "RFA5",
        message: text.render(Lang::Sv),
        text: Box::new(text),
    }
}

/// The bankid crate's error for a code the relay passed on (`bankid_already_in_progress`, …).
fn bankid_error_of(code: &str) -> Option<BankIdError> {
    let rest = code.strip_prefix("bankid_")?;
    Some(match rest {
        "unreachable" => BankIdError::Transport("via relayn".into()),
        "bad_response" | "answer_too_large" => BankIdError::BadResponse("via relayn".into()),
        "config" => BankIdError::Config("leverantörens RP-certifikat (relayn)".into()),
        snake => {
            let mut camel = String::new();
            let mut upper = false;
            for c in snake.chars() {
                if c == '_' {
                    upper = true;
                } else if upper {
                    camel.extend(c.to_uppercase());
                    upper = false;
                } else {
                    camel.push(c);
                }
            }
            let code = match ErrorCode::parse(&camel) {
                ErrorCode::Unknown(_) if snake == "unknown_error" => ErrorCode::InternalError,
                other => other,
            };
            BankIdError::Api {
                status: 400,
                code,
                details: String::new(),
                retry_after: None,
            }
        }
    })
}

fn message_event(hint: Option<&HintCode>, failed: bool, mode: StartMode) -> SigningEvent {
    let key = |hint| {
        if failed {
            MessageKey::Failed(hint)
        } else {
            MessageKey::Pending(hint)
        }
    };
    let sv = message(key(hint), mode, Lang::Sv);
    let en = message(key(hint), mode, Lang::En);
    SigningEvent::Message {
        hint: hint.map(ToString::to_string),
        id: sv.id,
        sv: sv.text,
        en: en.text,
    }
}

/// Best-effort cancel of an order we leave because of an error.
async fn cancel_quietly(relay: &RelayOrders, id: &str) {
    let path = format!("/v1/bankid/orders/{id}/cancel");
    if tokio::time::timeout(
        Duration::from_secs(5),
        relay
            .client
            .post::<_, serde_json::Value>(&path, &serde_json::json!({})),
    )
    .await
    .is_err()
    {
        tracing::debug!("best-effort cancel through the relay timed out");
    }
}

/// One order through the relay: start, QR and messages while it runs, cancel on request,
/// and on completion the same verification as a direct order.
#[allow(clippy::too_many_arguments)]
pub(super) async fn run_order(
    relay: &RelayOrders,
    environment: BankIdEnvironment,
    user_roots: &[Vec<u8>],
    visible_text: &str,
    binding: &str,
    signer: &Personnummer,
    (order_no, orders, reports): (usize, usize, usize),
    options: &SigningOptions,
    cancel: &CancelSignal,
    on_event: &mut (dyn FnMut(SigningEvent) + Send),
) -> Result<VerifiedCompletion, SigningError> {
    let phone = options.start_mode == StartMode::Phone;
    // The same size rules as a direct order, on the text BankID will show (its first line
    // without a name here; the relay refuses what does not fit with its name).
    SignData::new(
        &relay_text(&relay.provider, None, visible_text),
        Some(binding.as_bytes()),
    )
    .map_err(|e| {
        SigningError::not_signable(
            "order_too_large",
            super::error::templates::ORDER_TOO_LARGE.with("reason", e.to_string()),
        )
    })?;
    let started_at = (options.clock)();
    let body = StartBody {
        environment: environment.code(),
        mode: match options.start_mode {
            StartMode::SameDevice => "same_device",
            StartMode::Phone => "phone",
            _ => "qr",
        },
        call_initiator: phone.then(|| options.call_initiator.as_str()),
        personal_number: signer.digits(),
        text: visible_text,
        binding,
    };
    let (_, started): (u16, Started) = relay
        .client
        .post("/v1/bankid/orders", &body)
        .await
        .map_err(|e| relay_call_error(&e))?;
    // The relay's first line names the enrolled organisationsnummer and the name the relay
    // knows the provider by, escaped; anything else in the text is ours, byte for byte.
    let expected_text = relay_text(
        &relay.provider,
        started.provider_name.as_deref(),
        visible_text,
    );
    let data = SignData::new(&expected_text, Some(binding.as_bytes()));
    let (true, false, Ok(data)) = (
        started.user_visible_data == expected_text,
        started
            .auto_start_token
            .as_deref()
            .is_some_and(|t| !is_uuid(t)),
        data,
    ) else {
        cancel_quietly(relay, &started.id).await;
        return Err(SigningError::Other(
            AppError::told(
                "relay_text_mismatch",
                super::error::templates::RELAY_TEXT_MISMATCH.text(),
            )
            .into(),
        ));
    };
    on_event(SigningEvent::OrderStarted {
        order: order_no,
        orders,
        reports,
        autostart_url: match (&started.auto_start_token, phone) {
            (Some(token), false) => autostart_url(token),
            _ => String::new(),
        },
        order_ref: started.order_ref.clone(),
        environment,
    });
    if let Some(qr) = &started.qr_data {
        on_event(SigningEvent::Qr {
            content: qr.clone(),
        });
    }
    let completion = match drive(relay, &started.id, options, cancel, on_event).await {
        Ok(completion) => completion,
        Err(e) => {
            if !matches!(
                e,
                SigningError::Cancelled | SigningError::OrderFailed { .. }
            ) {
                cancel_quietly(relay, &started.id).await;
            }
            return Err(e);
        }
    };
    let window = OrderWindow {
        started: started_at,
        completed: (options.clock)(),
    };
    verify_completion(
        completion,
        &data,
        signer,
        (environment, user_roots),
        started.order_ref,
        window,
    )
}

/// Collects through the relay until the order ends: a fresh QR code every `qr_interval` while
/// the app has not picked the order up (the relay asks BankID at most every 2 s), BankID's
/// message when the hint changes.
async fn drive(
    relay: &RelayOrders,
    id: &str,
    options: &SigningOptions,
    cancel: &CancelSignal,
    on_event: &mut (dyn FnMut(SigningEvent) + Send),
) -> Result<CompletionData, SigningError> {
    let path = format!("/v1/bankid/orders/{id}/collect");
    let mut last_hint: Option<Option<String>> = None;
    let mut failures = 0u32;
    let mut showing_qr = options.start_mode != StartMode::Phone;
    loop {
        if cancel.is_cancelled() {
            relay
                .client
                .post::<_, serde_json::Value>(
                    &format!("/v1/bankid/orders/{id}/cancel"),
                    &serde_json::json!({}),
                )
                .await
                .map_err(|e| relay_call_error(&e))?;
            return Err(SigningError::Cancelled);
        }
        let wait = if showing_qr {
            options.qr_interval.min(options.collect_interval)
        } else {
            options.collect_interval
        };
        let collected: Collected = match relay.client.post(&path, &serde_json::json!({})).await {
            Ok((_, answer)) => {
                failures = 0;
                answer
            }
            Err(CallError::Refused { code, .. })
                if matches!(
                    code.as_str(),
                    "bankid_unreachable" | "relay_database_unavailable"
                ) && failures + 1 < COLLECT_ATTEMPTS =>
            {
                failures += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            Err(e @ (CallError::NotReached(_) | CallError::NoAnswer(_)))
                if failures + 1 < COLLECT_ATTEMPTS =>
            {
                failures += 1;
                tracing::debug!(failures, code = "relay_collect_failed", "{}", e.describe());
                tokio::time::sleep(wait).await;
                continue;
            }
            Err(e) => return Err(relay_call_error(&e)),
        };
        let hint = collected.hint_code.as_deref().map(HintCode::parse);
        match collected.status.as_str() {
            "complete" => {
                let data = collected.completion_data.ok_or_else(|| {
                    bankid_error(&BankIdError::BadResponse(
                        "complete utan completionData".into(),
                    ))
                })?;
                return serde_json::from_value::<CompletionData>(data).map_err(|e| {
                    bankid_error(&BankIdError::BadResponse(format!(
                        "completionData via relayn: {e}"
                    )))
                });
            }
            // Cancelled at the relay, not by this flow (its own cancel returns above).
            "cancelled" => return Err(SigningError::Cancelled),
            "failed" => {
                let hint = hint.unwrap_or_else(|| HintCode::Unknown(String::new()));
                on_event(message_event(Some(&hint), true, options.start_mode));
                return Err(super::error::order_failed(
                    &hint,
                    options.start_mode,
                    matches!(hint, HintCode::StartFailed | HintCode::ExpiredTransaction),
                ));
            }
            _ => {
                if let Some(qr) = collected.qr_data.filter(|_| showing_qr) {
                    on_event(SigningEvent::Qr { content: qr });
                } else if !matches!(
                    hint,
                    None | Some(HintCode::OutstandingTransaction) | Some(HintCode::NoClient)
                ) {
                    showing_qr = false;
                }
                if last_hint.as_ref() != Some(&collected.hint_code) {
                    last_hint = Some(collected.hint_code.clone());
                    on_event(message_event(hint.as_ref(), false, options.start_mode));
                }
            }
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = wait_cancel(cancel) => {}
        }
    }
}

async fn wait_cancel(cancel: &CancelSignal) {
    while !cancel.is_cancelled() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
