//! `assistid sign …` and `assistid provider signatory …`: BankID signing on the command line.
//!
//! While an order runs, a terminal shows the animated QR code (redrawn in place every second)
//! and BankID's message under it; when stdout is not a terminal only the messages are printed,
//! each once as it changes. `--json` prints only the outcome.

use std::io::{IsTerminal as _, Write as _};

use anyhow::Context as _;
use assistid_app::core_types::model::ReportMonth;
use assistid_app::core_types::text::Lang;
use assistid_app::signing::{
    AssistantSigned, BankIdConnection, BankIdEnvironment, CallInitiator, CancelSignal, OrderLimits,
    OrderSigned, PreparedOrder, ProviderSigned, SigningError, SigningEvent, SigningOptions,
    StartMode, Uuid, open_bankid_app, qr_terminal,
};
use assistid_app::{App, AppError};
use chrono::{DateTime, Utc};

use crate::args::{CallInitiatorArg, DemoOutcomeArg, EnvArg, SignCmd, SignatoryCmd};
use crate::demo_bankid::DemoBankId;
use crate::exit;
use crate::runtime::block_on;
use crate::words::{self, say};

fn parse_month(text: &str) -> anyhow::Result<ReportMonth> {
    text.parse::<ReportMonth>().map_err(|e| {
        AppError::Invalid {
            field: "--month".into(),
            message: e.to_string(),
        }
        .into()
    })
}

fn parse_report_id(text: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        AppError::Invalid {
            field: "--report".into(),
            message: format!("\"{text}\" är inget rapport-id (UUID)"),
        }
        .into()
    })
}

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value).context("JSON")?);
    Ok(())
}

/// The data folder's BankID environment; `--env`, when given, must name it (one environment
/// per data folder: the folder's FK environment decides BankID's too).
fn environment(app: &App, env: Option<EnvArg>) -> anyhow::Result<BankIdEnvironment> {
    let folder = app.bankid_environment()?;
    let asked = env.map(|e| match e {
        EnvArg::Demo => BankIdEnvironment::Demo,
        EnvArg::Test => BankIdEnvironment::Test,
        EnvArg::Prod => BankIdEnvironment::Prod,
    });
    match asked {
        Some(asked) if asked != folder => Err(AppError::WrongEnvironment {
            code: "bankid_other_environment",
            message: format!(
                "Den här datamappen arbetar i {}, och BankID används i samma miljö; --env {} går \
                 inte här. Utelämna --env, eller använd en datamapp som arbetar i {}.",
                folder.label_sv(),
                asked.code(),
                asked.label_sv()
            ),
        }
        .into()),
        _ => Ok(folder),
    }
}

fn options(same_device: bool) -> SigningOptions {
    SigningOptions {
        start_mode: if same_device {
            StartMode::SameDevice
        } else {
            StartMode::Qr
        },
        ..SigningOptions::default()
    }
}

/// The BankID of the folder's environment: in the demo folder the demo's own BankID started
/// here (its simulated app acting as `--demo-outcome` says), else BankID's test or production
/// service. `--demo-outcome` outside the demo is refused: a real order is only ever approved
/// in the signer's own BankID app.
async fn connect(
    app: &App,
    env: BankIdEnvironment,
    outcome: Option<DemoOutcomeArg>,
) -> anyhow::Result<(BankIdConnection, Option<DemoBankId>)> {
    if env == BankIdEnvironment::Demo {
        let demo = DemoBankId::start(outcome.unwrap_or(DemoOutcomeArg::Approve)).await?;
        let connection = app.connect_stand_in_bankid(demo.stand_in()?)?;
        return Ok((connection, Some(demo)));
    }
    if outcome.is_some() {
        return Err(AppError::WrongEnvironment {
            code: "simulated_bankid_outside_demo",
            message: "--demo-outcome finns bara i demoläget: här skriver den som ska skriva under \
                      i sin egen BankID-app."
                .into(),
        }
        .into());
    }
    Ok((app.connect_bankid()?, None))
}

/// One order: the demo's simulated app acts on it (demo only), then it is signed and stored.
async fn sign_order(
    app: &App,
    order: PreparedOrder,
    connection: &BankIdConnection,
    demo: Option<&DemoBankId>,
    options: &SigningOptions,
    cancel: &CancelSignal,
    progress: &mut Progress,
) -> Result<(OrderSigned, String), SigningError> {
    let simulated = match demo {
        Some(demo) => {
            let signer = order.simulated_signer(connection)?;
            Some(demo.user_for(signer.personnummer, signer.name))
        }
        None => None,
    };
    let mut on_event = |e: SigningEvent| {
        if let (Some(user), SigningEvent::OrderStarted { order_ref, .. }) = (&simulated, &e) {
            user.act_on(order_ref);
        }
        progress.event(e);
    };
    let signed = order
        .sign(connection, options, cancel, &mut on_event)
        .await?;
    let name = signed.signer_name().to_owned();
    Ok((app.store_signature(&signed)?, name))
}

/// `--phone [--call-initiator rp|user]`: a BankID phone order instead of a QR code.
fn phone_options(
    options: SigningOptions,
    phone: bool,
    call_initiator: Option<CallInitiatorArg>,
) -> SigningOptions {
    if !phone {
        return options;
    }
    options.phone(match call_initiator.unwrap_or(CallInitiatorArg::Rp) {
        CallInitiatorArg::Rp => CallInitiator::Rp,
        CallInitiatorArg::User => CallInitiator::User,
    })
}

/// Draws events: QR in place on a terminal, messages once each otherwise.
struct Progress {
    json: bool,
    /// Open the BankID app on this computer when an order starts.
    same_device: bool,
    /// A phone order: no QR code; the signer opens BankID on their own phone.
    phone: bool,
    tty: bool,
    drawn_lines: usize,
    qr: Option<String>,
    message: Option<String>,
    header: Option<String>,
}

impl Progress {
    fn new(json: bool, same_device: bool) -> Self {
        Self {
            json,
            same_device,
            phone: false,
            tty: std::io::stdout().is_terminal(),
            drawn_lines: 0,
            qr: None,
            message: None,
            header: None,
        }
    }

    fn event(&mut self, event: SigningEvent) {
        if let SigningEvent::OrderStarted { autostart_url, .. } = &event
            && self.same_device
            && let Err(e) = open_bankid_app(autostart_url)
        {
            eprintln!(
                "{}",
                say(
                    crate::lang(),
                    &words::OPEN_BANKID_FAILED,
                    &[("error", format!("{e:#}"))]
                )
            );
        }
        if self.json {
            return;
        }
        match event {
            SigningEvent::OrderStarted {
                order,
                orders,
                reports,
                ..
            } => {
                let lang = crate::lang();
                let position = if orders > 1 {
                    say(
                        lang,
                        &words::SIGNING_POSITION,
                        &[
                            ("order", order.to_string()),
                            ("orders", orders.to_string()),
                            ("reports", reports.to_string()),
                        ],
                    )
                } else {
                    String::new()
                };
                let prompt = if self.phone {
                    &words::PHONE_PROMPT
                } else {
                    &words::SCAN_PROMPT
                };
                let header = format!("{position}{}", prompt.wording(lang));
                self.drawn_lines = 0;
                self.qr = None;
                if !self.tty {
                    println!("{header}");
                }
                self.header = Some(header);
            }
            SigningEvent::Qr { content } if self.tty => {
                self.qr = qr_terminal(&content).ok();
                self.redraw();
            }
            SigningEvent::Message { id, sv, en, .. } => {
                let said = match crate::lang() {
                    Lang::Sv => sv,
                    Lang::En => en,
                };
                let text = format!("{said} ({id})");
                if self.message.as_deref() == Some(text.as_str()) {
                    return;
                }
                self.message = Some(text.clone());
                if self.tty {
                    self.redraw();
                } else {
                    println!("{text}");
                }
            }
            _ => {}
        }
    }

    fn redraw(&mut self) {
        let mut out = std::io::stdout().lock();
        if self.drawn_lines > 0 {
            // Up to where the last frame began, and clear it.
            let _ = write!(out, "\x1b[{}A\x1b[J", self.drawn_lines);
        }
        let mut frame = String::new();
        if let Some(h) = &self.header {
            frame.push_str(h);
            frame.push('\n');
        }
        if let Some(qr) = &self.qr {
            frame.push_str(qr);
            if !qr.ends_with('\n') {
                frame.push('\n');
            }
        }
        if let Some(m) = &self.message {
            frame.push_str(m);
            frame.push('\n');
        }
        self.drawn_lines = frame.lines().count();
        let _ = out.write_all(frame.as_bytes());
        let _ = out.flush();
    }
}

/// The exit code and message for a failed signing.
fn failure(err: &SigningError, json: bool) -> anyhow::Result<u8> {
    let code = if err.is_data_problem() {
        exit::DATA_PROBLEMS
    } else {
        exit::SIGNING_FAILED
    };
    if json {
        print_json(&serde_json::json!({
            "signed": false,
            "code": err.code(),
            "message": err.to_string(),
        }))?;
    }
    let lang = crate::lang();
    eprintln!(
        "{}",
        say(lang, &words::ERROR_PREFIX, &[("message", err.to_string())])
    );
    if !err.is_data_problem() {
        eprintln!("{}", words::NOTHING_SIGNED.wording(lang));
    }
    Ok(code)
}

/// A cancel signal raised when the user presses Ctrl-C: the order is then cancelled at BankID
/// (`/cancel`), as closing the dialog does in the desktop app. Call inside the runtime.
fn cancel_on_ctrl_c() -> CancelSignal {
    let cancel = CancelSignal::new();
    let raise = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            raise.cancel();
        }
    });
    cancel
}

pub fn sign(app: &App, cmd: SignCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    match cmd {
        SignCmd::Assistant {
            report,
            env,
            demo_outcome,
            same_device,
            phone,
            call_initiator,
        } => {
            let id = parse_report_id(&report)?;
            let env = environment(app, env)?;
            let options = phone_options(options(same_device), phone, call_initiator);
            let mut progress = Progress::new(json, same_device);
            progress.phone = phone;
            let result = block_on(async {
                let (connection, demo) = connect(app, env, demo_outcome).await?;
                let signed: Result<AssistantSigned, SigningError> = async {
                    let order = app.prepare_assistant_signing(id, (options.clock)())?;
                    let (stored, signer_name) = sign_order(
                        app,
                        order,
                        &connection,
                        demo.as_ref(),
                        &options,
                        &cancel_on_ctrl_c(),
                        &mut progress,
                    )
                    .await?;
                    Ok(AssistantSigned {
                        report_id: id,
                        signature_id: stored.signature_id,
                        signed_on: stored.signed_on,
                        signer_name,
                    })
                }
                .await;
                anyhow::Ok(signed)
            })??;
            match result {
                Ok(signed) => {
                    if json {
                        print_json(&serde_json::json!({ "signed": true, "assistant": signed }))?;
                    } else {
                        println!(
                            "{}",
                            say(
                                crate::lang(),
                                &words::ASSISTANT_SIGNED,
                                &[
                                    ("name", signed.signer_name.to_string()),
                                    ("on", signed.signed_on.to_string()),
                                    ("id", signed.report_id.to_string()),
                                ]
                            )
                        );
                    }
                    Ok(0)
                }
                Err(e) => failure(&e, json),
            }
        }
        SignCmd::Provider {
            month,
            reports,
            signatory,
            env,
            demo_outcome,
            same_device,
            phone,
            call_initiator,
        } => {
            let month = parse_month(&month)?;
            let only: Option<Vec<Uuid>> = reports
                .map(|list| {
                    list.split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(parse_report_id)
                        .collect::<anyhow::Result<Vec<_>>>()
                })
                .transpose()?;
            // The app's choice of the provider's signatory, with its refusals.
            let signatory = app
                .provider_signatory(signatory.as_deref(), now)?
                .personnummer;
            let env = environment(app, env)?;
            let options = phone_options(options(same_device), phone, call_initiator);
            let mut progress = Progress::new(json, same_device);
            progress.phone = phone;
            let result = block_on(async {
                let (connection, demo) = connect(app, env, demo_outcome).await?;
                let signed: Result<ProviderSigned, SigningError> = async {
                    let plan = app.prepare_provider_signing(
                        month,
                        only.as_deref(),
                        &signatory,
                        OrderLimits::default(),
                        (options.clock)(),
                    )?;
                    let cancel = cancel_on_ctrl_c();
                    let mut orders = Vec::new();
                    // Every order of a split batch, back to back; those signed before a
                    // failure stay stored.
                    for order in plan.orders {
                        let (stored, _) = sign_order(
                            app,
                            order,
                            &connection,
                            demo.as_ref(),
                            &options,
                            &cancel,
                            &mut progress,
                        )
                        .await?;
                        orders.push(stored);
                    }
                    Ok(ProviderSigned {
                        orders,
                        skipped: plan.skipped,
                    })
                }
                .await;
                anyhow::Ok(signed)
            })??;
            match result {
                Ok(signed) => {
                    if json {
                        print_json(&serde_json::json!({ "signed": true, "provider": signed }))?;
                    } else {
                        let count: usize = signed.orders.iter().map(|o| o.reports.len()).sum();
                        let lang = crate::lang();
                        let template = if signed.orders.len() == 1 {
                            &words::PROVIDER_SIGNED_ONE
                        } else {
                            &words::PROVIDER_SIGNED_MANY
                        };
                        println!(
                            "{}",
                            say(
                                lang,
                                template,
                                &[
                                    ("count", count.to_string()),
                                    ("month", month.to_string()),
                                    ("orders", signed.orders.len().to_string()),
                                ]
                            )
                        );
                        for s in &signed.skipped {
                            println!(
                                "{}",
                                say(
                                    lang,
                                    &words::SIGNING_SKIPPED,
                                    &[
                                        ("id", s.report_id.to_string()),
                                        ("person", s.person_name.to_string()),
                                        ("assistant", s.assistant_name.to_string()),
                                        ("reason", s.reason.to_string()),
                                    ]
                                )
                            );
                        }
                    }
                    Ok(0)
                }
                Err(e) => failure(&e, json),
            }
        }
        SignCmd::Status { month } => {
            let month = parse_month(&month)?;
            let status = app.signing_status(month, now)?;
            if json {
                print_json(&status)?;
            } else {
                let lang = crate::lang();
                println!(
                    "{}",
                    say(lang, &words::SIGNATURES_OF, &[("month", month.to_string())])
                );
                for r in &status {
                    let state = match r.state {
                        "fully_signed" => words::FULLY_SIGNED.wording(lang),
                        "assistant_signed" => words::ASSISTANT_SIGNED_STATE.wording(lang),
                        _ => words::NOT_SIGNED.wording(lang),
                    };
                    println!(
                        "  {}  {} / {}: {state}",
                        r.report_id, r.person_name, r.assistant_name
                    );
                    for s in &r.signatures {
                        println!(
                            "      {}: {} ({}) {}",
                            if s.role == "assistant" {
                                words::SIGNER_ASSISTANT.wording(lang)
                            } else {
                                words::SIGNER_PROVIDER.wording(lang)
                            },
                            s.signer_name,
                            s.signer_masked,
                            s.signed_on
                        );
                    }
                }
            }
            Ok(0)
        }
    }
}

pub fn signatory(
    app: &App,
    cmd: SignatoryCmd,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    match cmd {
        SignatoryCmd::Add {
            personnummer,
            first_name,
            last_name,
        } => {
            let added = app.add_signatory(&personnummer, &first_name, &last_name, now)?;
            if json {
                print_json(&serde_json::json!({
                    "action": "created",
                    "name": added.full_name(),
                    "personnummer": added.personnummer.masked(),
                }))?;
            } else {
                println!(
                    "Firmatecknare registrerad: {} ({}).",
                    added.full_name(),
                    added.personnummer.masked()
                );
            }
            Ok(0)
        }
        SignatoryCmd::List => {
            let all = app.signatories()?;
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "name": s.full_name(),
                            "personnummer": s.personnummer.digits(),
                        })
                    })
                    .collect();
                print_json(&list)?;
            } else if all.is_empty() {
                println!("Inga firmatecknare (assistid provider signatory add).");
            } else {
                for s in &all {
                    println!("{}  {}", s.personnummer.masked(), s.full_name());
                }
            }
            Ok(0)
        }
    }
}
