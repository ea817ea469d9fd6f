//! One BankID order: how it runs, what it reports, and its start, collect and cancel up to a
//! verified completion.

use std::time::Duration;

use assistid_bankid::CancelSignal;
use assistid_bankid::messages::StartMode;
use assistid_bankid::messages::{Lang, MessageKey, message};
use assistid_bankid::ocsp::OrderWindow;
use assistid_bankid::order::{
    DriveOptions, OrderEvent, OrderOutcome, drive, start_phone_sign, start_sign,
};
use assistid_bankid::types::CallInitiator;
use assistid_bankid::types::{HintCode, PhoneSignRequest, SignData, SignRequest};
use assistid_core::ids::Personnummer;
use assistid_store::SignerRole;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::connection::wrong_environment;
use super::connection::{BankIdConnection, BankIdEnvironment};
use super::text::OrderLimits;
use super::{SigningError, VerifiedCompletion, bankid_error, verify_completion};

/// How a signing flow runs.
#[derive(Debug, Clone)]
pub struct SigningOptions {
    /// Between collect calls (BankID: 2 s; shorter in tests).
    pub collect_interval: Duration,
    /// Between QR redraws (1 s).
    pub qr_interval: Duration,
    /// BankID's size limits (smaller in tests, to force a split).
    pub limits: OrderLimits,
    /// The clock: read when an order starts and when its completion arrives, the window the
    /// OCSP answer must fall in. The signing date is the OCSP answer's `producedAt`, not this
    /// clock.
    pub clock: fn() -> DateTime<Utc>,
    /// How the user starts the order: QR code (any machine) or the BankID app on this
    /// computer; BankID's messages differ between the two. The QR code is offered in both.
    pub start_mode: StartMode,
    /// Phone orders ([`StartMode::Phone`]) only: who called whom (BankID's `callInitiator`).
    pub call_initiator: CallInitiator,
}

impl Default for SigningOptions {
    fn default() -> Self {
        Self {
            collect_interval: Duration::from_secs(2),
            qr_interval: Duration::from_secs(1),
            limits: OrderLimits::default(),
            start_mode: StartMode::Qr,
            call_initiator: CallInitiator::Rp,
            clock: Utc::now,
        }
    }
}

/// Progress of a signing flow, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SigningEvent {
    /// A BankID order was started.
    OrderStarted {
        /// This order's number (1-based).
        order: usize,
        /// How many orders the flow needs.
        orders: usize,
        /// How many reports this order covers.
        reports: usize,
        /// Same-device start: open with the OS URL handler.
        autostart_url: String,
        /// BankID's reference for the order (not secret; the demo's simulated app acts on it).
        order_ref: String,
        /// The BankID environment the order runs in.
        environment: BankIdEnvironment,
    },
    /// New QR content to draw (every second until the app has the order).
    Qr {
        /// `bankid.<token>.<time>.<code>`.
        content: String,
    },
    /// BankID's message for the current state (shown as it changes).
    Message {
        /// The hint code, if BankID gave one.
        hint: Option<String>,
        /// BankID's message id, e.g. `RFA1`.
        id: &'static str,
        /// Swedish text.
        sv: &'static str,
        /// English text.
        en: &'static str,
    },
}

/// One BankID order ready to be signed: who must sign, the text they read, the binding of the
/// reports it covers. Made by [`App::prepare_assistant_signing`](crate::App::prepare_assistant_signing) or
/// [`App::prepare_provider_signing`](crate::App::prepare_provider_signing); [`PreparedOrder::sign`] needs no [`App`](crate::App), so its future is
/// `Send` (the desktop shell can run it on any task).
#[derive(Clone)]
pub struct PreparedOrder {
    pub(super) role: SignerRole,
    /// The data folder's BankID environment when the order was prepared.
    pub(super) environment: BankIdEnvironment,
    pub(super) report_ids: Vec<Uuid>,
    pub(super) visible_text: String,
    pub(super) binding: String,
    pub(super) signer: Personnummer,
    pub(super) signer_name: String,
    pub(super) order: usize,
    pub(super) orders: usize,
}

impl std::fmt::Debug for PreparedOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedOrder")
            .field("role", &self.role)
            .field("environment", &self.environment)
            .field("report_ids", &self.report_ids)
            .field("signer", &self.signer)
            .field("order", &self.order)
            .field("orders", &self.orders)
            .finish_non_exhaustive()
    }
}

impl PreparedOrder {
    /// Whose signature this order asks for.
    pub fn role(&self) -> SignerRole {
        self.role
    }

    /// The report versions it covers.
    pub fn report_ids(&self) -> &[Uuid] {
        &self.report_ids
    }

    /// The text the signer reads in the BankID app (simpleMarkdownV1).
    pub fn visible_text(&self) -> &str {
        &self.visible_text
    }

    /// The binding sent as `userNonVisibleData` (`<id>,<sha256>` entries joined by `;`).
    pub fn binding(&self) -> &str {
        &self.binding
    }

    /// The name of the person who must sign (for the UI; the personnummer stays here).
    pub fn signer_name(&self) -> &str {
        &self.signer_name
    }

    /// The BankID environment the order is for (the data folder's when it was prepared).
    pub fn environment(&self) -> BankIdEnvironment {
        self.environment
    }

    /// Who the demo's simulated BankID app may approve as: the person meant to sign. Only
    /// for an order of the demo folder on the demo's stand-in BankID; anywhere else it is
    /// refused (`simulated_bankid_outside_demo`): a real order is only ever approved in the
    /// signer's own BankID app.
    pub fn simulated_signer(
        &self,
        connection: &BankIdConnection,
    ) -> Result<SimulatedSigner<'_>, SigningError> {
        if self.environment != BankIdEnvironment::Demo
            || connection.environment != BankIdEnvironment::Demo
        {
            return Err(SigningError::Other(
                wrong_environment(
                    "simulated_bankid_outside_demo",
                    crate::error::templates::SIMULATED_BANKID_OUTSIDE_DEMO.text(),
                )
                .into(),
            ));
        }
        Ok(SimulatedSigner {
            personnummer: &self.signer,
            name: &self.signer_name,
        })
    }

    /// This order's number and how many the flow needs (`(1, 1)` normally).
    pub fn position(&self) -> (usize, usize) {
        (self.order, self.orders)
    }

    /// Starts the BankID order, reports progress, and verifies the signature on completion.
    /// Nothing is stored: give the result to [`App::store_signature`](crate::App::store_signature).
    pub async fn sign(
        self,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) -> Result<SignedOrder, SigningError> {
        if connection.environment != self.environment {
            return Err(SigningError::Other(
                wrong_environment(
                    "bankid_other_environment",
                    crate::error::templates::ORDER_OTHER_ENVIRONMENT
                        .with("order", self.environment.text())
                        .with("connection", connection.environment.text()),
                )
                .into(),
            ));
        }
        let completion = run_order(
            connection,
            &self.visible_text,
            &self.binding,
            &self.signer,
            (self.order, self.orders, self.report_ids.len()),
            options,
            cancel,
            on_event,
        )
        .await?;
        Ok(SignedOrder {
            order: self,
            completion,
        })
    }
}

/// The person the demo's simulated BankID app approves as ([`PreparedOrder::simulated_signer`]).
#[derive(Debug, Clone, Copy)]
pub struct SimulatedSigner<'a> {
    /// The signer's personnummer.
    pub personnummer: &'a Personnummer,
    /// The signer's name.
    pub name: &'a str,
}

/// A completed order whose signature passed every check, not yet stored.
pub struct SignedOrder {
    pub(super) order: PreparedOrder,
    pub(super) completion: VerifiedCompletion,
}

impl SignedOrder {
    /// The name of the person who signed, as BankID gave it.
    pub fn signer_name(&self) -> &str {
        &self.completion.completion.user.name
    }
}

impl std::fmt::Debug for SignedOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedOrder")
            .field("order", &self.order)
            .field("completed_at", &self.completion.completed_at)
            .finish_non_exhaustive()
    }
}

/// BankID's recommended message (id such as `RFA13`, Swedish and English text) for an order
/// in `hint` (the hint code as [`SigningEvent::Message`] and [`SigningError::OrderFailed`]
/// carry it; `None` when BankID gave none), pending or `failed`, as the user started it:
/// for a shell whose start mode changes after the order started (the QR code first, then
/// "open BankID on this computer"), so its messages follow the mode the user chose.
pub fn order_message(
    hint: Option<&str>,
    failed: bool,
    mode: StartMode,
) -> (&'static str, &'static str, &'static str) {
    let hint = hint.map(HintCode::parse);
    let key = |hint| {
        if failed {
            MessageKey::Failed(hint)
        } else {
            MessageKey::Pending(hint)
        }
    };
    let sv = message(key(hint.as_ref()), mode, Lang::Sv);
    let en = message(key(hint.as_ref()), mode, Lang::En);
    (sv.id, sv.text, en.text)
}

/// [`order_message`] as a text with BankID's code (`bankid_rfa6`, …), to render in any
/// language: what the shell shows when an order ended without a signature.
pub fn order_message_text(
    hint: Option<&str>,
    failed: bool,
    mode: StartMode,
) -> assistid_core::text::Text {
    let hint = hint.map(HintCode::parse);
    let key = if failed {
        MessageKey::Failed(hint.as_ref())
    } else {
        MessageKey::Pending(hint.as_ref())
    };
    message(key, mode, Lang::Sv).text_of()
}

/// One order: start, demo user, drive with events, verify.
#[allow(clippy::too_many_arguments)]
pub(super) async fn run_order(
    connection: &BankIdConnection,
    visible_text: &str,
    binding: &str,
    signer: &Personnummer,
    (order_no, orders, reports): (usize, usize, usize),
    options: &SigningOptions,
    cancel: &CancelSignal,
    on_event: &mut (dyn FnMut(SigningEvent) + Send),
) -> Result<VerifiedCompletion, SigningError> {
    let client = match &connection.via {
        super::connection::Via::Direct(client) => client,
        // The folder sends through the vendor's relay: so do its BankID orders.
        super::connection::Via::Relay(relay_orders) => {
            return super::relay::run_order(
                relay_orders,
                connection.environment,
                &connection.user_roots,
                visible_text,
                binding,
                signer,
                (order_no, orders, reports),
                options,
                cancel,
                on_event,
            )
            .await;
        }
    };
    let data = SignData::new(visible_text, Some(binding.as_bytes())).map_err(|e| {
        SigningError::not_signable(
            "order_too_large",
            super::error::templates::ORDER_TOO_LARGE.with("reason", e.to_string()),
        )
    })?;
    let phone = options.start_mode == StartMode::Phone;
    let started_at = (options.clock)();
    let order = if phone {
        // The coordinator is in a call with the signer: the order goes to the BankID app of
        // the signer's personnummer, with no QR code and no autostart.
        let request = PhoneSignRequest::new(signer, options.call_initiator, &data);
        start_phone_sign(client, &request).await
    } else {
        // endUserIp: this computer's address on its route to BankID, never a fixed address.
        let end_user_ip = client
            .end_user_ip()
            .await
            .map_err(|e| bankid_error(&e))?
            .to_string();
        let request = SignRequest::new(&end_user_ip, &data, Some(signer.digits()));
        start_sign(client, &request).await
    }
    .map_err(|e| bankid_error(&e))?;
    on_event(SigningEvent::OrderStarted {
        order: order_no,
        orders,
        reports,
        autostart_url: if phone {
            String::new()
        } else {
            order.autostart_url()
        },
        order_ref: order.order_ref.clone(),
        environment: connection.environment,
    });
    let drive_options = DriveOptions {
        collect_interval: options.collect_interval,
        qr_interval: (!phone).then_some(options.qr_interval),
        mode: options.start_mode,
    };
    let outcome = drive(
        client,
        &order,
        drive_options,
        cancel,
        |event| match &event {
            OrderEvent::Qr(content) => on_event(SigningEvent::Qr {
                content: content.clone(),
            }),
            OrderEvent::Pending { hint } => {
                let sv = message(
                    MessageKey::Pending(hint.as_ref()),
                    options.start_mode,
                    Lang::Sv,
                );
                let en = message(
                    MessageKey::Pending(hint.as_ref()),
                    options.start_mode,
                    Lang::En,
                );
                on_event(SigningEvent::Message {
                    hint: hint.as_ref().map(ToString::to_string),
                    id: sv.id,
                    sv: sv.text,
                    en: en.text,
                });
            }
            _ => {}
        },
    )
    .await
    .map_err(|e| bankid_error(&e))?;
    let completion = match outcome {
        OrderOutcome::Completed(data) => *data,
        OrderOutcome::Cancelled => return Err(SigningError::Cancelled),
        failed => {
            let hint = match &failed {
                OrderOutcome::Failed { hint } => hint.clone(),
                _ => HintCode::Unknown(String::new()),
            };
            let m = message(
                MessageKey::Failed(Some(&hint)),
                options.start_mode,
                Lang::Sv,
            );
            let en = message(
                MessageKey::Failed(Some(&hint)),
                options.start_mode,
                Lang::En,
            );
            on_event(SigningEvent::Message {
                hint: Some(hint.to_string()),
                id: m.id,
                sv: m.text,
                en: en.text,
            });
            return Err(super::error::order_failed(
                &hint,
                options.start_mode,
                failed.offers_new_order(),
            ));
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
        (connection.environment, &connection.user_roots),
        order.order_ref.clone(),
        window,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// Compiles only if signing an order can run on any task (the desktop shell's commands
    /// need `Send` futures; the `App` stays on its own thread for prepare and store).
    #[allow(dead_code)]
    fn signing_a_prepared_order_is_send(
        order: PreparedOrder,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) {
        let future = order.sign(connection, options, cancel, on_event);
        assert_send(&future);
    }
}
