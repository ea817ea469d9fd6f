//! The life of one sign order, free of any UI: start, animated QR ticks, collect every 2 s,
//! progress events, cancel, and the outcome.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use assistid_core::secret::Sensitive;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::client::Client;
use crate::error::BankIdError;
use crate::messages::{Lang, Message, MessageKey, StartMode, message};
use crate::qr::qr_content;
use crate::types::{CompletionData, HintCode, OrderResponse, SignRequest, Status};

/// The URL that opens BankID on this computer for the order (same-device start). Opening it
/// through the operating system is the app's job.
///
/// ```
/// assert_eq!(
///     assistid_bankid::order::autostart_url("abc-123"),
///     "bankid:///?autostarttoken=abc-123&redirect=null"
/// );
/// ```
pub fn autostart_url(auto_start_token: &str) -> String {
    format!("bankid:///?autostarttoken={auto_start_token}&redirect=null")
}

/// An order BankID accepted. Holds the QR secret, which never leaves this value except as
/// QR content.
#[derive(Debug)]
pub struct StartedOrder {
    /// BankID's reference.
    pub order_ref: String,
    /// For [`autostart_url`].
    pub auto_start_token: String,
    /// Public part of the QR code.
    pub qr_start_token: String,
    qr_start_secret: Sensitive<String>,
    /// When the `/sign` answer arrived (the QR time starts here).
    pub started_at: Instant,
}

impl StartedOrder {
    /// Wraps BankID's answer received at `started_at`.
    pub fn new(response: OrderResponse, started_at: Instant) -> Self {
        Self {
            order_ref: response.order_ref,
            auto_start_token: response.auto_start_token,
            qr_start_token: response.qr_start_token,
            qr_start_secret: response.qr_start_secret,
            started_at,
        }
    }

    /// The QR content to show at `now` (whole seconds since the start).
    pub fn qr_content_at(&self, now: Instant) -> String {
        let seconds = now.saturating_duration_since(self.started_at).as_secs();
        qr_content(&self.qr_start_token, &self.qr_start_secret, seconds)
    }

    /// The same-device start URL.
    pub fn autostart_url(&self) -> String {
        autostart_url(&self.auto_start_token)
    }
}

/// Lets the UI cancel a running order (the user closed the dialog). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CancelSignal {
    cancelled: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl CancelSignal {
    /// A signal not yet raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the driver to cancel the order (it calls `/cancel`).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether cancel was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    async fn wait(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// How the driver paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriveOptions {
    /// Between collect calls (BankID asks for 2 s).
    pub collect_interval: Duration,
    /// Between QR redraws (1 s); `None` for a same-device start without QR.
    pub qr_interval: Option<Duration>,
    /// How the order was started (decides some messages).
    pub mode: StartMode,
}

impl Default for DriveOptions {
    fn default() -> Self {
        Self {
            collect_interval: Duration::from_secs(2),
            qr_interval: Some(Duration::from_secs(1)),
            mode: StartMode::Qr,
        }
    }
}

/// Something the UI may show while the order runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrderEvent {
    /// New QR content to draw (every second until the app has picked up the order).
    Qr(String),
    /// The order is pending with this hint (sent when the hint changes).
    Pending {
        /// The hint, if BankID gave one.
        hint: Option<HintCode>,
    },
}

impl OrderEvent {
    /// The message to show for a pending event (`None` for QR ticks).
    pub fn message(&self, mode: StartMode, lang: Lang) -> Option<Message> {
        match self {
            Self::Qr(_) => None,
            Self::Pending { hint } => Some(message(MessageKey::Pending(hint.as_ref()), mode, lang)),
        }
    }
}

/// How an order ended.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum OrderOutcome {
    /// Signed. Verify the signature before storing anything.
    Completed(Box<CompletionData>),
    /// BankID reported the order failed.
    Failed {
        /// Why (hint code; `Unknown` if BankID sent none or a new one).
        hint: HintCode,
    },
    /// We cancelled it on the user's request.
    Cancelled,
}

impl OrderOutcome {
    /// Whether the UI should offer to start a new order (the QR code was not scanned in time
    /// or the app did not start).
    pub fn offers_new_order(&self) -> bool {
        matches!(
            self,
            Self::Failed {
                hint: HintCode::StartFailed | HintCode::ExpiredTransaction
            }
        )
    }

    /// The message for a failed or cancelled order.
    pub fn message(&self, mode: StartMode, lang: Lang) -> Option<Message> {
        match self {
            Self::Completed(_) => None,
            Self::Failed { hint } => Some(message(MessageKey::Failed(Some(hint)), mode, lang)),
            Self::Cancelled => Some(message(
                MessageKey::Failed(Some(&HintCode::UserCancel)),
                mode,
                lang,
            )),
        }
    }
}

/// Starts a sign order; the QR time starts when the answer arrives.
pub async fn start_sign(
    client: &Client,
    request: &SignRequest,
) -> Result<StartedOrder, BankIdError> {
    let response = client.sign(request).await?;
    Ok(StartedOrder::new(response, Instant::now()))
}

/// Drives a started order to its end: emits QR content every `qr_interval` until the app has
/// picked the order up, collects every `collect_interval`, reports hint changes, and cancels
/// (calling `/cancel`) when `cancel` is raised. Errors from BankID end the drive; 503/429 are
/// retried inside the client.
pub async fn drive(
    client: &Client,
    order: &StartedOrder,
    options: DriveOptions,
    cancel: &CancelSignal,
    mut on_event: impl FnMut(OrderEvent),
) -> Result<OrderOutcome, BankIdError> {
    let mut last_hint: Option<Option<HintCode>> = None;
    let mut show_qr = options.qr_interval.is_some();
    let mut next_collect = Instant::now();
    let mut next_qr = Instant::now();
    loop {
        if cancel.is_cancelled() {
            client.cancel(&order.order_ref).await?;
            return Ok(OrderOutcome::Cancelled);
        }
        let now = Instant::now();
        if show_qr && now >= next_qr {
            on_event(OrderEvent::Qr(order.qr_content_at(now)));
            // From now, not from the last due time: after a slow collect, draw one fresh frame
            // instead of a burst of stale ones.
            next_qr = now + options.qr_interval.unwrap_or(options.collect_interval);
        }
        if now >= next_collect {
            let answer = client.collect(&order.order_ref).await?;
            next_collect = Instant::now() + options.collect_interval;
            match answer.status {
                Status::Complete => match answer.completion_data {
                    Some(data) => return Ok(OrderOutcome::Completed(Box::new(data))),
                    None => {
                        return Err(BankIdError::BadResponse(
                            "complete utan completionData".into(),
                        ));
                    }
                },
                Status::Failed => {
                    return Ok(OrderOutcome::Failed {
                        hint: answer
                            .hint_code
                            .unwrap_or_else(|| HintCode::Unknown(String::new())),
                    });
                }
                Status::Pending | Status::Unknown(_) => {
                    let hint = answer.hint_code;
                    // Once the app has the order, the QR code has done its job.
                    if !matches!(
                        hint,
                        None | Some(HintCode::OutstandingTransaction) | Some(HintCode::NoClient)
                    ) {
                        show_qr = false;
                    }
                    if last_hint.as_ref() != Some(&hint) {
                        last_hint = Some(hint.clone());
                        on_event(OrderEvent::Pending { hint });
                    }
                }
            }
        }
        let wake = if show_qr {
            next_collect.min(next_qr)
        } else {
            next_collect
        };
        tokio::select! {
            () = tokio::time::sleep_until(wake) => {}
            () = cancel.wait() => {}
        }
    }
}
