//! What the signing dialog shows while an order runs: the [`ipc::SignStatus`] sequence built
//! from the app's [`SigningEvent`]s, BankID's messages chosen for the way the user started the
//! order (QR code, the BankID app on this computer, a phone order). Pure: the desk
//! ([`crate::signing`]) sends each status as the `sign-status` event, and the recorder of the
//! browser demo (the spec test `fixtures`) records the same sequence.

use assistid_app::signing::{PreparedOrder, SignerRole, SigningEvent, StartMode, order_message};

use crate::ipc;

/// One flow's status as the dialog sees it, and how the user started the order.
#[derive(Debug, Clone)]
pub struct SignStatusFlow {
    id: String,
    language: ipc::Language,
    mode: StartMode,
    status: ipc::SignStatus,
}

impl SignStatusFlow {
    /// A flow `id` that has not started at BankID yet: a phone order says it is sending the
    /// order to the signer's phone (and has no QR code); any other shows BankID's message for
    /// a QR start.
    pub fn new(id: &str, language: ipc::Language, phone: bool) -> Self {
        let (message_id, sv, en) = if phone {
            (
                "ASSISTID-PHONE-STARTING",
                "Skickar ordern till BankID-appen i den signerandes telefon.",
                "Sending the order to the BankID app on the signer's phone.",
            )
        } else {
            order_message(Some("outstandingTransaction"), false, StartMode::Qr)
        };
        Self {
            id: id.to_owned(),
            language,
            mode: if phone {
                StartMode::Phone
            } else {
                StartMode::Qr
            },
            status: ipc::SignStatus {
                order_ref: id.to_owned(),
                status: ipc::SignPhase::Pending,
                hint_code: None,
                message: message(message_id, language, sv, en),
                signed_by: None,
                // A phone order has no QR code.
                qr_done: phone,
            },
        }
    }

    /// The latest status.
    pub fn status(&self) -> &ipc::SignStatus {
        &self.status
    }

    /// The language the flow's texts are in (the UI's when the flow started).
    pub fn language(&self) -> ipc::Language {
        self.language
    }

    /// How the user starts the order now.
    pub fn mode(&self) -> StartMode {
        self.mode
    }

    /// The next order of the flow begins (a batch split by BankID's size limits): its QR code
    /// is shown until the app has it.
    pub fn next_order(&mut self) {
        self.status.qr_done = false;
    }

    /// The status after `event`; `Some` when the dialog is to be told.
    pub fn on_event(&mut self, event: &SigningEvent) -> Option<ipc::SignStatus> {
        match event {
            SigningEvent::OrderStarted {
                autostart_url,
                order,
                orders,
                ..
            } => {
                // A phone order has no autostart link (and no QR code).
                let phone = autostart_url.is_empty();
                if phone {
                    self.status.qr_done = true;
                }
                if *orders <= 1 {
                    return None;
                }
                // BankID's size limits split the batch: say which order this is.
                let text = match (self.language, phone) {
                    (ipc::Language::Sv, false) => format!(
                        "Underskrift {order} av {orders}: skanna QR-koden med BankID-appen."
                    ),
                    (ipc::Language::En, false) => format!(
                        "Signature {order} of {orders}: scan the QR code with the BankID app."
                    ),
                    (ipc::Language::Sv, true) => format!(
                        "Underskrift {order} av {orders}: ordern finns nu i BankID-appen i den \
                         signerandes telefon."
                    ),
                    (ipc::Language::En, true) => format!(
                        "Signature {order} of {orders}: the order is now in the BankID app on \
                         the signer's phone."
                    ),
                };
                self.status = ipc::SignStatus {
                    order_ref: self.id.clone(),
                    status: ipc::SignPhase::Pending,
                    hint_code: None,
                    message: ipc::SignMessage {
                        id: "order_of_orders".to_owned(),
                        text,
                    },
                    signed_by: None,
                    qr_done: phone,
                };
                Some(self.status.clone())
            }
            SigningEvent::Qr { .. } => None,
            SigningEvent::Message { hint, .. } => {
                // BankID's message for the hint as the user started the order (the mode may
                // have changed since the order started).
                let (rfa, sv, en) = order_message(hint.as_deref(), false, self.mode);
                // Once the app has the order (outstandingTransaction → userSign), no more QR.
                let qr_done = self.status.qr_done
                    || matches!(hint.as_deref(), Some("userSign" | "started" | "userMrtd"));
                self.status = ipc::SignStatus {
                    order_ref: self.id.clone(),
                    status: ipc::SignPhase::Pending,
                    hint_code: hint.clone(),
                    message: message(rfa, self.language, sv, en),
                    signed_by: None,
                    qr_done,
                };
                Some(self.status.clone())
            }
            _ => None,
        }
    }

    /// The user opens BankID on this computer: from now on the messages are those of a
    /// same-device start (RFA13 while the app starts, RFA17A if it never does); `Some` with
    /// the current one shown again so, while the QR code would still be shown.
    pub fn on_this_computer(&mut self) -> Option<ipc::SignStatus> {
        if self.mode == StartMode::SameDevice {
            return None;
        }
        self.mode = StartMode::SameDevice;
        if self.status.status != ipc::SignPhase::Pending || self.status.qr_done {
            return None;
        }
        let hint = self
            .status
            .hint_code
            .clone()
            .unwrap_or_else(|| "outstandingTransaction".to_owned());
        let (rfa, sv, en) = order_message(Some(&hint), false, self.mode);
        self.status.message = message(rfa, self.language, sv, en);
        Some(self.status.clone())
    }

    /// BankID ended the order with `hint` (the failure's own `code`): BankID's message for the
    /// way the user started it, with its code and parameters, in the flow's language.
    pub fn failure(&self, code: &str, hint: &str) -> ipc::IpcError {
        let text = assistid_app::signing::order_message_text(Some(hint), true, self.mode);
        ipc::IpcError::told(code, &text, self.language.into())
    }

    /// Every order of the flow is signed (`count` orders, the last by `name`) and stored.
    pub fn signed(&mut self, count: usize, name: &str) -> ipc::SignStatus {
        self.status = ipc::SignStatus {
            order_ref: self.id.clone(),
            status: ipc::SignPhase::Complete,
            hint_code: None,
            message: ipc::SignMessage {
                id: "signed".to_owned(),
                text: match (self.language, count) {
                    (ipc::Language::Sv, 1) => "Underskriften är klar och sparad.".to_owned(),
                    (ipc::Language::Sv, n) => {
                        format!("Alla {n} underskrifter är klara och sparade.")
                    }
                    (ipc::Language::En, 1) => "Signed and saved.".to_owned(),
                    (ipc::Language::En, n) => format!("All {n} signatures signed and saved."),
                },
            },
            signed_by: Some(name.to_owned()),
            qr_done: true,
        };
        self.status.clone()
    }

    /// The flow stopped with `error` (an order BankID ended, or a signature not stored).
    pub fn failed(&mut self, error: ipc::IpcError) -> ipc::SignStatus {
        self.status = ipc::SignStatus {
            order_ref: self.id.clone(),
            status: ipc::SignPhase::Failed,
            hint_code: None,
            message: ipc::SignMessage {
                id: error.code,
                text: error.message,
            },
            signed_by: None,
            qr_done: true,
        };
        self.status.clone()
    }
}

/// What the dialog shows when flow `id` starts for `orders` (the first one's signer and text,
/// every report of them); `None` when there is nothing to sign.
pub fn sign_order(
    id: &str,
    orders: &[PreparedOrder],
    call_initiator: Option<ipc::CallInitiator>,
) -> Option<ipc::SignOrder> {
    let first = orders.first()?;
    Some(ipc::SignOrder {
        order_ref: id.to_owned(),
        role: if first.role() == SignerRole::Assistant {
            ipc::SignerRole::Assistant
        } else {
            ipc::SignerRole::Provider
        },
        signer_name: first.signer_name().to_owned(),
        user_visible_text: first.visible_text().to_owned(),
        report_ids: orders
            .iter()
            .flat_map(|o| o.report_ids())
            .map(|r| r.hyphenated().to_string())
            .collect(),
        call_initiator,
    })
}

/// The QR code for BankID's QR `content`, as an SVG document; `None` if it cannot be drawn.
pub fn qr_svg(content: &str) -> Option<String> {
    let code = qrcode::QrCode::new(content.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
    )
}

fn message(id: &str, language: ipc::Language, sv: &str, en: &str) -> ipc::SignMessage {
    ipc::SignMessage {
        id: id.to_owned(),
        text: match language {
            ipc::Language::Sv => sv.to_owned(),
            ipc::Language::En => en.to_owned(),
        },
    }
}
