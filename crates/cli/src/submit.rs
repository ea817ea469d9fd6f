//! `assistid submit` and `assistid submissions`: sending signed reports to FK through the
//! outbox, with a progress line per report, a closing table, and the user's decisions on
//! uncertain submissions.

use std::io::Write as _;

use anyhow::Context as _;
use assistid_app::App;
use assistid_app::AppError;
use assistid_app::core_types::model::ReportMonth;
use assistid_app::submit::{
    CertStatus, ConnectOptions, Decision, Environment, RelayFollow, SendingMode, SubmissionId,
    SubmissionView, SubmitSummary,
};
use assistid_app::views::SubmissionState as State;
use chrono::{DateTime, Utc};

use crate::args::{RelayCmd, SubmissionsArgs, SubmissionsCmd, SubmitArgs};
use crate::demo_fk::DemoFk;
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

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value).context("JSON")?);
    Ok(())
}

/// One line about one submission: what happened and, for problems, what to do.
fn outcome_text(view: &SubmissionView) -> String {
    let lang = crate::lang();
    let message = view.message.as_deref().unwrap_or("").to_owned();
    match view.state {
        State::Accepted => say(
            lang,
            &words::OUTCOME_ACCEPTED,
            &[("tx", view.tx_id.as_deref().unwrap_or("?").to_owned())],
        ),
        State::Rejected => say(
            lang,
            &words::OUTCOME_REJECTED,
            &[(
                "message",
                view.fk_message
                    .as_deref()
                    .unwrap_or(words::OUTCOME_NO_MESSAGE.wording(lang))
                    .to_owned(),
            )],
        ),
        State::Uncertain => say(
            lang,
            &words::OUTCOME_UNCERTAIN,
            &[("id", view.id.to_string()), ("message", message)],
        ),
        _ => say(
            lang,
            &words::OUTCOME_OTHER,
            &[
                ("state", view.state_label.to_string()),
                ("id", view.id.to_string()),
                ("message", message),
            ],
        ),
    }
}

/// The exit code of a run: 6 when anything was rejected, is uncertain or could not be sent,
/// or the run stopped early (a configuration problem, FK unavailable); 3 when nothing could be
/// sent because reports are not ready (not signed); else 0.
fn exit_code(summary: &SubmitSummary) -> u8 {
    if summary.stopped.is_some() || summary.results.iter().any(|r| r.state != State::Accepted) {
        return exit::NOT_ALL_ACCEPTED;
    }
    let not_ready = summary
        .skipped
        .iter()
        .any(|s| !matches!(s.reason_code, "already_accepted"));
    if summary.results.is_empty() && not_ready {
        return exit::DATA_PROBLEMS;
    }
    0
}

pub fn submit(app: &App, args: &SubmitArgs, json: bool) -> anyhow::Result<u8> {
    let month = parse_month(&args.month)?;
    let environment = match &args.env {
        Some(text) => text.parse::<Environment>().map_err(|e| AppError::Invalid {
            field: "--env".into(),
            message: e.to_string(),
        })?,
        None => app.default_environment()?,
    };
    // A folder enrolled with the vendor's relay sends through it (test or production); the
    // options for a direct connection do not apply then.
    if environment != Environment::Demo && app.sending_mode()? == SendingMode::Relay {
        if args.endpoint.is_some() || args.ca.is_some() || args.client_cert.is_some() {
            return Err(AppError::Invalid {
                field: "--endpoint/--ca/--client-cert".into(),
                message: "datamappen skickar via leverantörens relay; de här valen gäller bara \
                          direkt sändning (assistid relay leave)"
                    .into(),
            }
            .into());
        }
        return submit_via_relay(app, month, environment, json);
    }
    // The demo folder sends to the demo's FK, started here at the edge and kept running until
    // the run is over; another address given for the run (another FK service) is FK's way.
    let (connection, demo) = if environment == Environment::Demo && args.endpoint.is_none() {
        app.check_environment(environment)?;
        let (connection, demo) = DemoFk::connect(app)?;
        (connection, Some(demo))
    } else {
        let mut options = ConnectOptions::new(environment);
        options.endpoint = args.endpoint.clone();
        options.ca_file = args.ca.clone();
        options.client_cert = args.client_cert.clone();
        options.client_cert_key = args.client_cert_key.clone();
        (app.connect(&options)?, None)
    };
    let clock = Utc::now;
    if !json {
        let lang = crate::lang();
        println!(
            "{}",
            say(
                lang,
                &words::SENDING,
                &[
                    ("month", month.to_string()),
                    (
                        "environment",
                        words::environment_label(lang, environment).to_owned()
                    ),
                    ("endpoint", connection.endpoint().to_string()),
                ]
            )
        );
        if let Some(health) = connection.certificate_health(Utc::now())
            && health.status != CertStatus::Ok
        {
            println!("{}: {}", words::WARNING_CAPS.wording(lang), health.message);
        }
    }
    let mut progress = |done: usize, total: usize, view: &SubmissionView| {
        if !json {
            println!(
                "[{done}/{total}] {} – {}: {}",
                view.person,
                view.assistant,
                outcome_text(view)
            );
            let _ = std::io::stdout().flush();
        }
    };
    // The run waits for another program's run on this folder (one sender per data folder,
    // docs/CLI.md): say so, or the program looks stuck.
    if app.another_program_is_sending()? {
        let notice = words::ANOTHER_SENDER.wording(crate::lang());
        if json {
            eprintln!("{notice}");
        } else {
            println!("{notice}");
            let _ = std::io::stdout().flush();
        }
    }
    let run = app.queue_run(month, connection.environment(), clock())?;
    let sent = app.send_queued(&run, &connection, &clock, &mut progress)?;
    // What FK just answered is the first thing worth a backup (issue 20), taken by the run; a
    // failure is remembered for the overview and never turns the run into a failure.
    crate::backup::report_after_submission(&sent.backup, json);
    let summary = sent.summary;
    // The pacing as the demo's FK measured it (read from the fake this program runs).
    let rate_violations = demo.as_ref().map(DemoFk::rate_violations);
    if json {
        print_json(&SubmitOutput {
            summary: &summary,
            rate_violations,
        })?;
    } else {
        print_summary(app, &summary, rate_violations)?;
    }
    Ok(exit_code(&summary))
}

fn submit_via_relay(
    app: &App,
    month: ReportMonth,
    environment: Environment,
    json: bool,
) -> anyhow::Result<u8> {
    let address = app.relay_address()?.unwrap_or_default();
    if !json {
        let lang = crate::lang();
        println!(
            "{}",
            say(
                lang,
                &words::SENDING_VIA_RELAY,
                &[
                    ("month", month.to_string()),
                    (
                        "environment",
                        words::environment_label(lang, environment).to_owned()
                    ),
                    ("address", address.clone()),
                ]
            )
        );
    }
    let mut progress = |done: usize, total: usize, view: &SubmissionView| {
        if !json {
            println!(
                "[{done}/{total}] {} – {}: {}",
                view.person,
                view.assistant,
                outcome_text(view)
            );
            let _ = std::io::stdout().flush();
        }
    };
    let summary = app.submit_month_via_relay(
        month,
        environment,
        &RelayFollow::default(),
        &Utc::now,
        &mut progress,
    )?;
    crate::backup::after_submission(app, json);
    if json {
        print_json(&SubmitOutput {
            summary: &summary,
            rate_violations: None,
        })?;
    } else {
        print_summary(app, &summary, None)?;
    }
    Ok(exit_code(&summary))
}

/// `assistid relay enrol|show|leave`.
pub fn relay(app: &App, cmd: RelayCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    let status = match cmd {
        RelayCmd::Enrol(args) => {
            let ca = match &args.ca {
                Some(path) => {
                    Some(
                        std::fs::read_to_string(path).map_err(|e| AppError::Invalid {
                            field: "--ca".into(),
                            message: format!("filen {} kan inte läsas: {e}", path.display()),
                        })?,
                    )
                }
                None => None,
            };
            block_on(app.enrol_with_relay(&args.address, &args.code, ca.as_deref(), now))??
        }
        RelayCmd::Show => app.relay_status()?,
        RelayCmd::Leave => app.leave_relay(now)?,
    };
    if json {
        print_json(&status)?;
        return Ok(0);
    }
    match status.mode {
        SendingMode::Relay => {
            println!(
                "Datamappen skickar via leverantörens relay: {}",
                status.address.as_deref().unwrap_or("?")
            );
            println!(
                "Installation {} för organisationsnummer {}.",
                status.installation_id.as_deref().unwrap_or("?"),
                status.provider.as_deref().unwrap_or("?")
            );
        }
        SendingMode::Direct => {
            println!("Datamappen skickar direkt till Försäkringskassan med sitt eget certifikat.")
        }
    }
    Ok(0)
}

/// `submit --json`: the app's summary and, in the demo, what the demo's FK measured.
#[derive(serde::Serialize)]
struct SubmitOutput<'a> {
    #[serde(flatten)]
    summary: &'a SubmitSummary,
    /// In the demo: the requests the demo's FK counted as too close together (0 expected).
    rate_violations: Option<usize>,
}

fn print_summary(
    app: &App,
    summary: &SubmitSummary,
    rate_violations: Option<usize>,
) -> anyhow::Result<()> {
    let lang = crate::lang();
    if !summary.skipped.is_empty() {
        println!();
        println!("{}", words::NOT_SENT_NOW.wording(lang));
        for s in &summary.skipped {
            println!("  {} – {}: {}", s.person, s.assistant, s.reason);
        }
    }
    println!();
    let count = |state: State| summary.results.iter().filter(|r| r.state == state).count();
    let other = summary
        .results
        .iter()
        .filter(|r| {
            !matches!(
                r.state,
                State::Accepted | State::Rejected | State::Uncertain
            )
        })
        .count();
    println!(
        "{}",
        say(
            lang,
            &words::SUBMIT_SUMMARY,
            &[
                ("month", summary.month.to_string()),
                ("accepted", count(State::Accepted).to_string()),
                ("rejected", count(State::Rejected).to_string()),
                ("uncertain", count(State::Uncertain).to_string()),
                ("other", other.to_string()),
                ("skipped", summary.skipped.len().to_string()),
            ]
        )
    );
    if !summary.results.is_empty() {
        print_table(&summary.results);
    }
    for r in summary
        .results
        .iter()
        .filter(|r| matches!(r.state, State::Rejected | State::FailedFinal))
    {
        // The same explanation as `submissions show` and the desktop: the vendor's support
        // as stored in Settings, not a generic text.
        let advice = match r.error_code.as_deref() {
            Some(code) => app.explain_submission(code, r.fk_message.as_deref(), lang)?,
            None => None,
        };
        if let Some(advice) = advice {
            println!();
            println!(
                "{}",
                say(
                    lang,
                    &words::SUBMISSION_ABOUT,
                    &[
                        ("id", r.id.to_string()),
                        ("assistant", r.assistant.clone()),
                        ("person", r.person.clone()),
                    ]
                )
            );
            crate::ways_out::print_advice(&advice, "  ");
            if advice.explanation.diagnostics {
                println!(
                    "{}",
                    say(lang, &words::DIAGNOSTICS_HINT, &[("id", r.id.to_string())])
                );
            }
        }
    }
    if count(State::Uncertain) > 0 {
        println!();
        println!(
            "{}",
            say(
                lang,
                &words::UNCERTAIN_HINT,
                &[(
                    "fk",
                    assistid_app::answers::templates::FK_PARTNER_SUPPORT
                        .wording(lang)
                        .to_owned()
                )]
            )
        );
    }
    if let Some(stop) = &summary.stopped {
        println!();
        println!("{}", stop.text.render(lang));
    }
    if let Some(violations) = rate_violations {
        println!(
            "{}",
            say(
                lang,
                &words::DEMO_RATE,
                &[("violations", violations.to_string())]
            )
        );
    }
    Ok(())
}

fn print_table(rows: &[SubmissionView]) {
    let lang = crate::lang();
    println!(
        "  {:>4}  {:<28}  {:<22}  {}",
        words::TABLE_ID.wording(lang),
        words::TABLE_WHO.wording(lang),
        words::TABLE_STATE.wording(lang),
        words::TABLE_DETAIL.wording(lang)
    );
    for r in rows {
        let detail = match r.state {
            State::Accepted => r.tx_id.clone().unwrap_or_default(),
            State::Rejected => r.fk_message.clone().unwrap_or_default(),
            _ => r.error_code.clone().unwrap_or_default(),
        };
        println!(
            "  {:>4}  {:<28}  {:<22}  {}",
            r.id,
            format!("{} – {}", r.person, r.assistant),
            r.state_label,
            detail
        );
    }
}

pub fn submissions(
    app: &App,
    args: SubmissionsArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    match &args.action {
        Some(SubmissionsCmd::Show { id }) => return crate::ways_out::show(app, *id, json),
        Some(SubmissionsCmd::Diagnostics { id, out }) => {
            return crate::ways_out::diagnostics(app, *id, out, json);
        }
        _ => {}
    }
    if let Some(SubmissionsCmd::Resolve(resolve)) = args.action {
        let decision = match (resolve.resend, resolve.accepted, resolve.abandon) {
            (true, None, false) => Decision::Resend,
            (false, Some(tx_id), false) => Decision::MarkAccepted { tx_id },
            (false, None, true) => Decision::Abandon,
            _ => {
                return Err(AppError::Invalid {
                    field: "beslut".into(),
                    message: "välj exakt ett av --resend, --accepted TXID och --abandon".into(),
                }
                .into());
            }
        };
        // In relay mode the decision goes to the relay first (it holds the report).
        let view = if app.sending_mode()? == SendingMode::Relay {
            block_on(app.decide_uncertain_via_relay(SubmissionId::new(resolve.id), decision, now))??
        } else {
            app.resolve_uncertain(SubmissionId::new(resolve.id), decision, now)?
        };
        if json {
            print_json(&view)?;
        } else {
            println!(
                "Inskickning {} ({} – {}): {}.",
                view.id, view.person, view.assistant, view.state_label
            );
            if view.state == State::Queued {
                println!(
                    "Den skickas vid nästa körning: assistid submit --month {}",
                    view.month
                );
            }
        }
        return Ok(0);
    }
    let month = args.month.as_deref().map(parse_month).transpose()?;
    // JSON keeps the Swedish reference text (docs/CLI.md); the table follows --lang.
    let lang = if json {
        assistid_app::core_types::text::Lang::Sv
    } else {
        crate::lang()
    };
    let list = app.submissions_in(month, lang)?;
    if json {
        print_json(&list)?;
        return Ok(0);
    }
    if list.is_empty() {
        println!("{}", words::NO_SUBMISSIONS.wording(lang));
        return Ok(0);
    }
    print_table(&list);
    Ok(0)
}
