//! Signing with BankID from the window: a flow per order, run as a task off the UI thread.
//!
//! The app crate prepares the order (who signs, the exact text, the binding), drives BankID and
//! verifies the signature; the shell only keeps each flow's latest QR content and status, sends
//! every status change as the `sign-status` event, and stores the verified signature through
//! [`assistid_app::App::store_signature`]. The data folder's environment decides which BankID:
//! in the demo folder the demo's fake BankID runs in this process (started here, handed to the
//! app as a stand-in, which the app refuses in any other folder) and the "simulated BankID app"
//! acts on the order as the signer would; in a folder working in FK's test or production
//! service, BankID's own test or production service with the provider's RP certificate.
//!
//! An order is started with the QR code (or the BankID app on this computer) or, during a
//! telephone call with the signer, as a BankID phone order: the shell only maps the UI's choice
//! of who called whom to [`SigningOptions::phone`] ([`options`]); everything else is the app
//! layer's, the same for both.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use assistid_app::App;

use assistid_app::core_types::secret::Sensitive;
use assistid_app::signing::{
    BankIdConnection, BankIdEnvironment, CallInitiator, CancelSignal, PreparedOrder, SigningEvent,
    SigningOptions, StandInBankId, StartMode,
};
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
use chrono::Utc;
use tauri::{AppHandle, Emitter as _};

use crate::ipc::{self, IpcError};
use crate::shell::Shell;
use crate::sign_status::SignStatusFlow;

/// One signing flow.
#[derive(Debug)]
struct Flow {
    order: PreparedOrder,
    cancel: CancelSignal,
    /// BankID's orderRef once the order has started.
    bankid_ref: Option<String>,
    autostart_url: Option<String>,
    qr: Option<String>,
    /// The dialog's status and how the user starts the order: the QR code until they open
    /// BankID on this computer; BankID's messages follow it (RFA1 / RFA13, RFA17B / RFA17A).
    view: SignStatusFlow,
}

/// The flows of this session, by the shell's handle.
#[derive(Debug, Default)]
pub struct SigningDesk {
    flows: Mutex<HashMap<String, Flow>>,
    /// The BankID of the data folder in use and its environment, made once per folder and
    /// environment; in the demo also the demo's running fake BankID.
    connection: tokio::sync::Mutex<Option<Connected>>,
}

/// A BankID connection made for one data folder in one environment.
#[derive(Debug, Clone)]
struct Connected {
    data_dir: PathBuf,
    environment: BankIdEnvironment,
    connection: Arc<BankIdConnection>,
    /// The demo's fake BankID (demo folder only): the simulated BankID app acts through it.
    demo: Option<Arc<FakeBankId>>,
}

fn gone() -> IpcError {
    ipc::shell_error(
        "unknown_order",
        &crate::ipc::shell_texts::UNKNOWN_ORDER.text(),
    )
}

fn internal() -> IpcError {
    ipc::shell_error(
        "internal",
        &crate::ipc::shell_texts::SIGNING_INTERNAL.text(),
    )
}

/// The signing options for the UI's choice: `None` starts the order with the QR code (or the
/// BankID app on this computer); `Some(who called)` starts a BankID phone order
/// ([`SigningOptions::phone`]).
pub fn options(call_initiator: Option<ipc::CallInitiator>) -> SigningOptions {
    match call_initiator {
        None => SigningOptions::default(),
        Some(ipc::CallInitiator::Rp) => SigningOptions::default().phone(CallInitiator::Rp),
        Some(ipc::CallInitiator::User) => SigningOptions::default().phone(CallInitiator::User),
    }
}

/// The UI's shape of the options' call initiator: `None` unless a phone order.
fn ipc_call_initiator(options: &SigningOptions) -> Option<ipc::CallInitiator> {
    (options.start_mode == StartMode::Phone).then_some(match options.call_initiator {
        CallInitiator::Rp => ipc::CallInitiator::Rp,
        CallInitiator::User => ipc::CallInitiator::User,
    })
}

fn signing_error(e: assistid_app::signing::SigningError, language: ipc::Language) -> IpcError {
    e.ipc_error(language.into())
}

impl SigningDesk {
    /// The BankID connection for the data folder `app` opened (at `data_dir`), in its
    /// environment: started once per folder and environment (the demo's fake BankID keeps its
    /// root in the folder).
    async fn connection(
        &self,
        app: Arc<Mutex<App>>,
        data_dir: &Path,
    ) -> Result<Connected, IpcError> {
        let environment = Shell::run_on(app.clone(), |app| app.bankid_environment()).await?;
        let mut connection = self.connection.lock().await;
        if let Some(connected) = connection.as_ref()
            && connected.data_dir == data_dir
            && connected.environment == environment
        {
            return Ok(connected.clone());
        }
        let connected = if environment == BankIdEnvironment::Demo {
            let fake = Arc::new(
                FakeBankId::start(FakeBankIdConfig::default())
                    .await
                    .map_err(|e| IpcError {
                        code: "demo_bankid_failed".to_owned(),
                        message: format!("Demons BankID kunde inte starta: {e}"),
                        ..Default::default()
                    })?,
            );
            let stand_in = StandInBankId {
                base_url: fake.base_url(),
                tls_root_pem: fake.ssl_root_pem().to_owned(),
                rp_identity_pem: Sensitive::new(fake.client_identity_pem().map_err(|e| {
                    IpcError {
                        code: "demo_bankid_failed".to_owned(),
                        message: format!("Demons BankID kunde inte starta: {e}"),
                        ..Default::default()
                    }
                })?),
                user_root_der: fake.user_root_der().to_vec(),
            };
            let connection =
                Shell::run_on(app, move |app| app.connect_stand_in_bankid(stand_in)).await?;
            Connected {
                data_dir: data_dir.to_path_buf(),
                environment,
                connection: Arc::new(connection),
                demo: Some(fake),
            }
        } else {
            let connection = Shell::run_on(app, |app| app.connect_bankid()).await?;
            Connected {
                data_dir: data_dir.to_path_buf(),
                environment,
                connection: Arc::new(connection),
                demo: None,
            }
        };
        *connection = Some(connected.clone());
        Ok(connected)
    }

    /// "Testa BankID" on the open data folder's BankID (see
    /// [`assistid_app::going_live::check_bankid`]).
    pub async fn check_bankid(
        &self,
        shell: &Shell,
    ) -> Result<assistid_app::going_live::CheckOutcome, IpcError> {
        let connected = self
            .connection(shell.current_app()?, &shell.data_dir())
            .await?;
        Ok(assistid_app::going_live::check_bankid(&connected.connection).await)
    }

    /// Whether an order is still waiting for its signer (or for its signature to be stored).
    pub fn in_progress(&self) -> bool {
        self.flows.lock().map_or(true, |flows| {
            flows
                .values()
                .any(|f| f.view.status().status == ipc::SignPhase::Pending)
        })
    }

    /// Prepares the orders with `prepare` on the open data folder's app (on a blocking thread)
    /// and starts their flow there: the folder the orders were prepared in is the one their
    /// signatures are stored in, even if the user switches folders meanwhile. A provider batch
    /// BankID's size limits split runs every order back to back in the one flow (each signed
    /// order is stored before the next starts; a failure stops the rest, and what was signed
    /// stays signed). `options` say how the orders start (see [`options`]). Returns what the
    /// dialog shows.
    pub async fn prepare_and_start<F>(
        self: &Arc<Self>,
        handle: AppHandle,
        shell: &Shell,
        options: SigningOptions,
        prepare: F,
    ) -> Result<ipc::SignOrder, IpcError>
    where
        F: FnOnce(&App) -> anyhow::Result<Vec<PreparedOrder>> + Send + 'static,
    {
        let app = shell.current_app()?;
        let (orders, data_dir) = Shell::run_on(app.clone(), move |app| {
            Ok((prepare(app)?, app.data_dir().to_path_buf()))
        })
        .await?;
        self.start(handle, shell, app, &data_dir, options, orders)
            .await
    }

    /// Starts a flow for orders prepared in `app` (the data folder the signatures are stored
    /// in) and returns what the dialog shows.
    async fn start(
        self: &Arc<Self>,
        handle: AppHandle,
        shell: &Shell,
        app: Arc<Mutex<App>>,
        data_dir: &Path,
        options: SigningOptions,
        orders: Vec<PreparedOrder>,
    ) -> Result<ipc::SignOrder, IpcError> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (Some(first), Some(answer)) = (
            orders.first().cloned(),
            crate::sign_status::sign_order(&id, &orders, ipc_call_initiator(&options)),
        ) else {
            return Err(ipc::shell_error(
                "nothing_to_sign",
                &crate::ipc::shell_texts::NOTHING_TO_SIGN.text(),
            ));
        };
        let connection = self.connection(app.clone(), data_dir).await?.connection;
        let phone = options.start_mode == StartMode::Phone;
        let cancel = CancelSignal::new();
        let view = SignStatusFlow::new(&id, shell.language(), phone);
        self.flows.lock().map_err(|_| internal())?.insert(
            id.clone(),
            Flow {
                order: first,
                cancel: cancel.clone(),
                bankid_ref: None,
                autostart_url: None,
                qr: None,
                view,
            },
        );
        let desk = Arc::clone(self);
        let flow_id = id.clone();
        tauri::async_runtime::spawn(async move {
            let count = orders.len();
            let mut final_status = None;
            let mut name = String::new();
            for order in orders {
                desk.set_current_order(&flow_id, &order);
                let mut on_event = |event: SigningEvent| desk.on_event(&handle, &flow_id, event);
                let signed = order
                    .sign(&connection, &options, &cancel, &mut on_event)
                    .await;
                let stored = match signed {
                    Ok(signed) => {
                        name = signed_name(&signed);
                        Shell::run_on(app.clone(), move |app| Ok(app.store_signature(&signed)?))
                            .await
                            .map(|_| ())
                    }
                    Err(e) => Err(desk.failure(&flow_id, e)),
                };
                if let Err(e) = stored {
                    final_status = Some(e);
                    break;
                }
            }
            desk.finish(&handle, &flow_id, |view| match final_status {
                Some(e) => view.failed(e),
                None => view.signed(count, &name),
            });
        });
        Ok(answer)
    }

    /// The order the flow is on now (the simulated BankID app acts on its signer).
    fn set_current_order(&self, id: &str, order: &PreparedOrder) {
        if let Ok(mut flows) = self.flows.lock()
            && let Some(flow) = flows.get_mut(id)
        {
            flow.order = order.clone();
            flow.bankid_ref = None;
            flow.autostart_url = None;
            flow.qr = None;
            flow.view.next_order();
        }
    }

    fn on_event(&self, handle: &AppHandle, id: &str, event: SigningEvent) {
        let Ok(mut flows) = self.flows.lock() else {
            return;
        };
        let Some(flow) = flows.get_mut(id) else {
            return;
        };
        match &event {
            SigningEvent::OrderStarted {
                autostart_url,
                order_ref,
                ..
            } => {
                flow.autostart_url = (!autostart_url.is_empty()).then(|| autostart_url.clone());
                flow.bankid_ref = Some(order_ref.clone());
            }
            SigningEvent::Qr { content } => flow.qr = Some(content.clone()),
            _ => {}
        }
        if let Some(status) = flow.view.on_event(&event) {
            emit(handle, &status);
        }
    }

    /// The flow's last status (signed or failed), sent to the dialog; no more QR code.
    fn finish(
        &self,
        handle: &AppHandle,
        id: &str,
        last: impl FnOnce(&mut SignStatusFlow) -> ipc::SignStatus,
    ) {
        let status = match self.flows.lock() {
            Ok(mut flows) => match flows.get_mut(id) {
                Some(flow) => {
                    flow.qr = None;
                    last(&mut flow.view)
                }
                None => return,
            },
            Err(_) => return,
        };
        emit(handle, &status);
    }

    /// The flow's latest status (the dialog asks once when it starts listening).
    pub fn status(&self, id: &str) -> Result<ipc::SignStatus, IpcError> {
        let flows = self.flows.lock().map_err(|_| internal())?;
        flows
            .get(id)
            .map(|f| f.view.status().clone())
            .ok_or_else(gone)
    }

    /// The QR code to show now, as an SVG document; empty when there is none (not started yet,
    /// or the app already has the order).
    pub fn qr_svg(&self, id: &str) -> Result<String, IpcError> {
        let flows = self.flows.lock().map_err(|_| internal())?;
        let flow = flows.get(id).ok_or_else(gone)?;
        match &flow.qr {
            Some(content)
                if !flow.view.status().qr_done
                    && flow.view.status().status == ipc::SignPhase::Pending =>
            {
                crate::sign_status::qr_svg(content).ok_or_else(internal)
            }
            _ => Ok(String::new()),
        }
    }

    /// Cancels the flow's order (BankID's `/cancel`); the task then reports `failed`.
    pub fn cancel(&self, id: &str) -> Result<(), IpcError> {
        let flows = self.flows.lock().map_err(|_| internal())?;
        flows.get(id).ok_or_else(gone)?.cancel.cancel();
        Ok(())
    }

    /// The same-device link (`bankid:///?autostarttoken=…`) for opening BankID on this
    /// computer: from now on the flow's messages are those of a same-device start (RFA13 while
    /// the app starts, RFA17A if it never does), and the current one is shown again so.
    pub fn start_on_this_computer(&self, handle: &AppHandle, id: &str) -> Result<String, IpcError> {
        let mut flows = self.flows.lock().map_err(|_| internal())?;
        let flow = flows.get_mut(id).ok_or_else(gone)?;
        let url = flow.autostart_url.clone().ok_or_else(|| {
            ipc::shell_error(
                "order_not_started",
                &crate::ipc::shell_texts::ORDER_NOT_STARTED.text(),
            )
        })?;
        if let Some(status) = flow.view.on_this_computer() {
            emit(handle, &status);
        }
        Ok(url)
    }

    /// Why the flow failed, for the dialog: an order BankID ended gets BankID's message for
    /// the way the user started it, in the shell's language.
    fn failure(&self, id: &str, e: assistid_app::signing::SigningError) -> IpcError {
        let Ok(flows) = self.flows.lock() else {
            return signing_error(e, ipc::Language::Sv);
        };
        let Some(view) = flows.get(id).map(|f| &f.view) else {
            return signing_error(e, ipc::Language::Sv);
        };
        if let assistid_app::signing::SigningError::OrderFailed { hint, .. } = &e {
            return view.failure(e.code(), hint);
        }
        signing_error(e, view.language())
    }

    /// Demo: the simulated BankID app acts on the flow's order. The app refuses it for an
    /// order outside the demo (`simulated_bankid_outside_demo`).
    pub async fn simulate(
        &self,
        shell: &Shell,
        id: &str,
        action: ipc::SimulatedBankIdAction,
    ) -> Result<(), IpcError> {
        let connected = self
            .connection(shell.current_app()?, &shell.data_dir())
            .await?;
        let (order, bankid_ref) = {
            let flows = self.flows.lock().map_err(|_| internal())?;
            let flow = flows.get(id).ok_or_else(gone)?;
            let bankid_ref = flow.bankid_ref.clone().ok_or_else(|| {
                ipc::shell_error(
                    "order_not_started",
                    &crate::ipc::shell_texts::ORDER_NOT_STARTED.text(),
                )
            })?;
            (flow.order.clone(), bankid_ref)
        };
        let signer = order
            .simulated_signer(&connected.connection)
            .map_err(|e| signing_error(e, shell.language()))?;
        let fake = connected.demo.as_ref().ok_or_else(|| {
            ipc::shell_error(
                "simulated_bankid_outside_demo",
                &crate::ipc::shell_texts::SIMULATED_OUTSIDE_DEMO.text(),
            )
        })?;
        let user = fake.user(&bankid_ref);
        let acted = match action {
            ipc::SimulatedBankIdAction::Approve => {
                user.approve_as(signer.personnummer.digits(), signer.name)
            }
            ipc::SimulatedBankIdAction::Cancel => user.cancel(),
            ipc::SimulatedBankIdAction::Expire => user.expire(),
            // Somebody else's BankID (a valid test personnummer): the app must refuse it.
            ipc::SimulatedBankIdAction::WrongPerson => {
                user.approve_as("198001019879", "Demo Demosson")
            }
            ipc::SimulatedBankIdAction::DeclineCall => user.decline_call(),
        };
        acted.map_err(|e| match e {
            // A phone order reaches only its signer's own BankID app.
            assistid_fakes::bankid::FakeBankIdError::WrongPerson => ipc::shell_error(
                "wrong_person_phone",
                &crate::ipc::shell_texts::WRONG_PERSON_PHONE.text(),
            ),
            assistid_fakes::bankid::FakeBankIdError::NotAPhoneOrder => ipc::shell_error(
                "not_a_phone_order",
                &crate::ipc::shell_texts::NOT_A_PHONE_ORDER.text(),
            ),
            e => IpcError {
                code: "internal".to_owned(),
                message: format!("Den simulerade BankID-appen svarade inte: {e}"),
                ..Default::default()
            },
        })
    }
}

fn signed_name(signed: &assistid_app::signing::SignedOrder) -> String {
    signed.signer_name().to_owned()
}

fn emit(handle: &AppHandle, status: &ipc::SignStatus) {
    if let Err(e) = handle.emit(ipc::EVENT_SIGN_STATUS, status) {
        tracing::warn!(error = %e, "sign status not delivered");
    }
}

/// Prepares the order for one report: its assistant, or the provider's signatory.
pub fn prepare(
    app: &assistid_app::App,
    report_id: &str,
    role: ipc::SignerRole,
) -> anyhow::Result<Vec<PreparedOrder>> {
    let id = uuid::Uuid::parse_str(report_id)
        .map_err(|_| {
            IpcError::invalid(
                "rapport",
                assistid_app::invalid::templates::NOT_A_REPORT_ID.with("value", report_id),
            )
        })
        .map_err(anyhow_ipc)?;
    let now = Utc::now();
    match role {
        ipc::SignerRole::Assistant => Ok(vec![app.prepare_assistant_signing(id, now)?]),
        ipc::SignerRole::Provider => {
            let month = app.report_month(id)?;
            provider_orders(app, month, Some(&[id]), None)
        }
    }
}

/// The provider's orders for the month covering the given (or every ready) report, signed by
/// `signatory` (a personnummer) or, when none is named, by the provider's only signatory: the
/// app's order plan, with its refusals (`no_signatory`, `choose_signatory`, `not_a_signatory`,
/// `nothing_to_sign`).
pub fn provider_orders(
    app: &assistid_app::App,
    month: assistid_app::core_types::model::ReportMonth,
    only: Option<&[uuid::Uuid]>,
    signatory: Option<&str>,
) -> anyhow::Result<Vec<PreparedOrder>> {
    Ok(app
        .provider_order_plan(
            month,
            only,
            signatory,
            assistid_app::signing::OrderLimits::default(),
            Utc::now(),
        )?
        .orders)
}

/// An [`IpcError`] carried through `anyhow` (converted back unchanged at the boundary).
fn anyhow_ipc(e: IpcError) -> anyhow::Error {
    anyhow::Error::new(e)
}
