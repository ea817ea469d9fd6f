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
use crate::types::{
    CompletionData, HintCode, OrderResponse, PhoneSignRequest, SignRequest, Status,
};

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

/// Whether `token` has the shape of BankID's tokens: a UUID (8-4-4-4-12 hexadecimal digits).
/// An `autoStartToken` goes into a URL the operating system opens; anything else is refused
/// before it gets there.
///
/// ```
/// use assistid_bankid::order::is_uuid;
/// assert!(is_uuid("67df3917-fa0d-44e5-b327-edcc928297f8"));
/// assert!(!is_uuid("67df3917-fa0d-44e5-b327-edcc928297f8&redirect=https://evil"));
/// ```
pub fn is_uuid(token: &str) -> bool {
    token.len() == 36
        && token.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
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
    phone: bool,
}

impl StartedOrder {
    /// Wraps BankID's answer received at `started_at`, refusing tokens that are not UUIDs (an
    /// `autoStartToken` ends up in a URL the operating system opens; a QR start token in the
    /// QR code).
    pub fn try_new(response: OrderResponse, started_at: Instant) -> Result<Self, BankIdError> {
        if !is_uuid(&response.auto_start_token) || !is_uuid(&response.qr_start_token) {
            return Err(BankIdError::BadResponse(
                "autoStartToken eller qrStartToken är inget UUID".into(),
            ));
        }
        Ok(Self::new(response, started_at))
    }

    /// Wraps BankID's answer received at `started_at` without checking its tokens; prefer
    /// [`StartedOrder::try_new`] (what [`start_sign`] uses).
    pub fn new(response: OrderResponse, started_at: Instant) -> Self {
        Self {
            order_ref: response.order_ref,
            auto_start_token: response.auto_start_token,
            qr_start_token: response.qr_start_token,
            qr_start_secret: response.qr_start_secret,
            started_at,
            phone: false,
        }
    }

    /// A phone order (`/phone/sign`) BankID accepted at `started_at`. It has no QR code and no
    /// autostart: its tokens are empty, [`drive`] never draws a QR code for it, and
    /// [`StartedOrder::autostart_url`] must not be used.
    pub fn phone(order_ref: String, started_at: Instant) -> Self {
        Self {
            order_ref,
            auto_start_token: String::new(),
            qr_start_token: String::new(),
            qr_start_secret: Sensitive::new(String::new()),
            started_at,
            phone: true,
        }
    }

    /// Whether this is a phone order (no QR code, no autostart).
    pub fn is_phone(&self) -> bool {
        self.phone
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

impl DriveOptions {
    /// A phone order's pacing: collect every 2 s, no QR code, phone messages.
    pub fn phone() -> Self {
        Self {
            collect_interval: Duration::from_secs(2),
            qr_interval: None,
            mode: StartMode::Phone,
        }
    }
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

/// Starts a sign order; the QR time starts when the answer arrives. An answer whose tokens
/// are not UUIDs is refused, and that order cancelled (best effort).
pub async fn start_sign(
    client: &Client,
    request: &SignRequest,
) -> Result<StartedOrder, BankIdError> {
    let response = client.sign(request).await?;
    let order_ref = response.order_ref.clone();
    match StartedOrder::try_new(response, Instant::now()) {
        Ok(order) => Ok(order),
        Err(e) => {
            cancel_quietly(client, &order_ref).await;
            Err(e)
        }
    }
}

/// Starts a phone order (`/phone/sign`). BankID's answer has only the order reference; an
/// empty or oversized one is refused (and a non-empty one cancelled, best effort). Drive it
/// with [`drive`] and [`DriveOptions::phone`], like any other order.
pub async fn start_phone_sign(
    client: &Client,
    request: &PhoneSignRequest,
) -> Result<StartedOrder, BankIdError> {
    let response = client.phone_sign(request).await?;
    let order_ref = response.order_ref;
    if order_ref.is_empty() || order_ref.len() > 100 || !order_ref.is_ascii() {
        if !order_ref.is_empty() {
            cancel_quietly(client, &order_ref).await;
        }
        return Err(BankIdError::BadResponse(
            "orderRef saknas eller är orimlig".into(),
        ));
    }
    Ok(StartedOrder::phone(order_ref, Instant::now()))
}

/// How [`drive_with`] rides out network errors on `/collect`: the order goes on at BankID while
/// our connection is down, so collect is retried with a growing wait, within bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectRetry {
    /// Collects in a row that may fail with a network error before the drive gives up.
    pub max_attempts: u32,
    /// The wait after the first failure; doubled after each further one.
    pub first_backoff: Duration,
    /// The longest single wait.
    pub max_backoff: Duration,
    /// The longest time without a successful collect: BankID keeps a completed order for
    /// about 3 minutes, so retrying longer can only find it gone.
    pub max_outage: Duration,
}

impl Default for CollectRetry {
    fn default() -> Self {
        Self {
            max_attempts: 10,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(8),
            max_outage: Duration::from_secs(170),
        }
    }
}

/// How long a best-effort `/cancel` may take before it is given up.
pub const CANCEL_TIMEOUT: Duration = Duration::from_secs(5);

/// `/cancel` for an order we are leaving because of an error, so it does not stay open at
/// BankID (and block the person's next order with `alreadyInProgress`). Its own failure is
/// logged by code and otherwise ignored: the error that made us leave is what the user sees.
async fn cancel_quietly(client: &Client, order_ref: &str) {
    match tokio::time::timeout(CANCEL_TIMEOUT, client.cancel(order_ref)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(code = e.code(), "best-effort cancel failed"),
        Err(_) => tracing::debug!("best-effort cancel timed out"),
    }
}

/// Drives a started order to its end: emits QR content every `qr_interval` until the app has
/// picked the order up, collects every `collect_interval`, reports hint changes, and cancels
/// (calling `/cancel`) when `cancel` is raised. Network errors on collect are retried as
/// [`CollectRetry::default`] says; other errors from BankID end the drive (503/429 are retried
/// inside the client). Every error exit cancels the order at BankID first (best effort).
pub async fn drive(
    client: &Client,
    order: &StartedOrder,
    options: DriveOptions,
    cancel: &CancelSignal,
    on_event: impl FnMut(OrderEvent),
) -> Result<OrderOutcome, BankIdError> {
    drive_with(
        client,
        order,
        options,
        CollectRetry::default(),
        cancel,
        on_event,
    )
    .await
}

/// [`drive`] with its own [`CollectRetry`].
pub async fn drive_with(
    client: &Client,
    order: &StartedOrder,
    options: DriveOptions,
    retry: CollectRetry,
    cancel: &CancelSignal,
    on_event: impl FnMut(OrderEvent),
) -> Result<OrderOutcome, BankIdError> {
    let result = drive_inner(client, order, options, retry, cancel, on_event).await;
    if let Err(e) = &result
        && !e.is_cancel_failure()
    {
        cancel_quietly(client, &order.order_ref).await;
    }
    result.map_err(DriveError::into_inner)
}

/// An error that ended a drive, and whether it came from our own `/cancel`.
enum DriveError {
    Cancel(BankIdError),
    Other(BankIdError),
}

impl DriveError {
    fn is_cancel_failure(&self) -> bool {
        matches!(self, Self::Cancel(_))
    }

    fn into_inner(self) -> BankIdError {
        match self {
            Self::Cancel(e) | Self::Other(e) => e,
        }
    }
}

impl From<BankIdError> for DriveError {
    fn from(e: BankIdError) -> Self {
        Self::Other(e)
    }
}

async fn drive_inner(
    client: &Client,
    order: &StartedOrder,
    options: DriveOptions,
    retry: CollectRetry,
    cancel: &CancelSignal,
    mut on_event: impl FnMut(OrderEvent),
) -> Result<OrderOutcome, DriveError> {
    let mut failures: u32 = 0;
    let mut last_answer = Instant::now();
    let mut last_hint: Option<Option<HintCode>> = None;
    let mut show_qr = options.qr_interval.is_some() && !order.is_phone();
    let mut next_collect = Instant::now();
    let mut next_qr = Instant::now();
    loop {
        if cancel.is_cancelled() {
            client
                .cancel(&order.order_ref)
                .await
                .map_err(DriveError::Cancel)?;
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
            let answer = match client.collect(&order.order_ref).await {
                Ok(answer) => {
                    failures = 0;
                    last_answer = Instant::now();
                    answer
                }
                Err(BankIdError::Transport(_))
                    if failures + 1 < retry.max_attempts
                        && last_answer.elapsed() < retry.max_outage =>
                {
                    // The order lives on at BankID: wait a little longer each time, then ask
                    // again (the QR code keeps turning meanwhile).
                    let backoff = retry
                        .first_backoff
                        .saturating_mul(2u32.saturating_pow(failures))
                        .min(retry.max_backoff);
                    failures += 1;
                    tracing::debug!(failures, "collect failed on the network; retrying");
                    next_collect = Instant::now() + backoff;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            next_collect = Instant::now() + options.collect_interval;
            match answer.status {
                Status::Complete => match answer.completion_data {
                    Some(data) => return Ok(OrderOutcome::Completed(Box::new(data))),
                    None => {
                        return Err(BankIdError::BadResponse(
                            "complete utan completionData".into(),
                        )
                        .into());
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
