//! `assistid` — Assistid on the command line: headless and scriptable, with stable flags, `--json`
//! output and meaningful exit codes (see `docs/CLI.md`).

mod after_sending;
mod args;
mod backup;
mod demo_bankid;
mod demo_fk;
mod live;
mod output;
mod privacy;
mod runtime;
mod sign;
mod submit;
mod ways_out;
mod words;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use anyhow::Context as _;
use assistid_app::core_types::text::Lang;
use assistid_app::{App, AppError, KeySource};
use clap::Parser as _;

use crate::args::{Cli, Command};

/// Exit codes, part of the stable interface.
mod exit {
    /// Something unexpected went wrong.
    pub const FAILURE: u8 = 1;
    /// The data has problems that block the operation (import errors, review errors).
    pub const DATA_PROBLEMS: u8 = 3;
    /// The database could not be opened (key missing or wrong, newer schema, locked).
    pub const DATABASE: u8 = 4;
    /// `sign`: the BankID signing failed, was cancelled or its signature was refused.
    pub const SIGNING_FAILED: u8 = 5;
    /// `submit`: some reports were rejected by FK, are uncertain, or could not be sent.
    pub const NOT_ALL_ACCEPTED: u8 = 6;
}

/// The language of the messages, chosen once at start (`--lang`, else `ASSISTID_LANG`).
static LANG: OnceLock<Lang> = OnceLock::new();

/// The language messages are rendered in (Swedish unless chosen otherwise).
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// `--lang`, else `ASSISTID_LANG`, else Swedish; an unknown language is an error.
fn choose_lang(flag: Option<&str>) -> Result<Lang, AppError> {
    let env = std::env::var("ASSISTID_LANG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    match flag.map(str::to_owned).or(env) {
        None => Ok(Lang::Sv),
        Some(text) => text
            .parse()
            .map_err(
                |e: assistid_app::core_types::text::UnknownLang| AppError::Invalid {
                    field: "--lang".into(),
                    message: e.to_string(),
                },
            ),
    }
}

fn main() -> ExitCode {
    quiet_on_closed_output();
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match choose_lang(cli.lang.as_deref()) {
        Ok(lang) => {
            let _ = LANG.set(lang);
        }
        Err(e) => {
            eprintln!("fel: {e}");
            return ExitCode::from(exit::DATA_PROBLEMS);
        }
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let code = match err.downcast_ref::<AppError>() {
                Some(e) if e.is_database_access() => exit::DATABASE,
                Some(e) if e.is_data_problem() => exit::DATA_PROBLEMS,
                _ => exit::FAILURE,
            };
            eprintln!(
                "{}",
                words::say(
                    lang(),
                    &words::ERROR_PREFIX,
                    &[("message", user_message(&err))]
                )
            );
            ExitCode::from(code)
        }
    }
}

/// Output into a pipe whose reader has gone (`assistid history | head`) ends the program
/// quietly, as Unix tools do, instead of with a panic message: `println!` panics when stdout is
/// closed, and this hook turns exactly that panic into exit code 141 (128 + SIGPIPE). Every
/// other panic keeps the default report. Stopping here is no worse than the panic it replaces:
/// every use case commits before it prints, and a `submit` stopped between reports leaves the
/// outbox as truthful as a crash does (the crash suite proves that).
fn quiet_on_closed_output() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// The message for the user: the app error's own text when there is one (written for
/// coordinators), otherwise the error chain.
fn user_message(err: &anyhow::Error) -> String {
    if let Some(app) = err.downcast_ref::<AppError>() {
        return app.message_in(lang());
    }
    if let Some(refused) = err.downcast_ref::<assistid_app::shifts::ShiftRefused>() {
        return refused.text.render(lang());
    }
    // BankID's messages and the signing refusals in the chosen language (Swedish: the
    // error's own text, as before).
    if let Some(signing) = err.downcast_ref::<assistid_app::signing::SigningError>()
        && !matches!(signing, assistid_app::signing::SigningError::Other(_))
    {
        return signing.text().render(lang());
    }
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

fn init_logging(verbose: u8) {
    // Logs go to stderr and never carry personal data (the libraries log only masked values).
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ASSISTID_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn default_data_dir() -> anyhow::Result<PathBuf> {
    directories::ProjectDirs::from("se", "Assistid", "Assistid")
        .map(|d| d.data_dir().to_path_buf())
        .context("kunde inte hitta programdatamappen; ange --data-dir")
}

fn key_source() -> KeySource {
    match std::env::var_os("ASSISTID_KEY_FILE") {
        Some(path) if !path.is_empty() => KeySource::File(PathBuf::from(path)),
        _ => KeySource::Keychain,
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let data_dir = match cli.data_dir {
        Some(dir) => dir,
        None => default_data_dir()?,
    };
    let now = chrono::Utc::now();
    let json = cli.json;
    match cli.command {
        Command::Demo(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            let created = app.load_demo_if_empty(now)?;
            output::demo(&app, created, &args, json, now)
        }
        Command::Import(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            output::import(&app, &args, json, now)
        }
        Command::Provider(cmd) => {
            let app = App::open(&data_dir, key_source(), now)?;
            output::provider(&app, cmd, json, now)
        }
        Command::Person(cmd) => {
            let app = App::open(&data_dir, key_source(), now)?;
            output::person(&app, cmd, json, now)
        }
        Command::Assistant(cmd) => {
            let app = App::open(&data_dir, key_source(), now)?;
            output::assistant(&app, cmd, json, now)
        }
        Command::Review(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            output::review(&app, &args, json, now)
        }
        Command::Report(cmd) => {
            let app = App::open(&data_dir, key_source(), now)?;
            output::report(&app, cmd, json, now)
        }
        Command::Submit(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            submit::submit(&app, &args, json)
        }
        Command::Submissions(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            submit::submissions(&app, args, json, now)
        }
        Command::Relay(cmd) => {
            let app = App::open(&data_dir, key_source(), now)?;
            submit::relay(&app, cmd, json, now)
        }
        Command::Sign(cmd) => {
            let app = App::open(&data_dir, key_source(), now)?;
            sign::sign(&app, cmd, json, now)
        }
        Command::Receipt(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            after_sending::receipt(&app, &args, json, now)
        }
        Command::History(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            after_sending::history(&app, &args, json, now)
        }
        Command::Invoice(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            after_sending::invoice(&app, &args, json, now)
        }
        Command::Reminders(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            after_sending::reminders(&app, &args, json, now)
        }
        Command::Backup(args) => backup::backup(&data_dir, key_source(), args, json, now),
        Command::Restore(args) => backup::restore(&data_dir, key_source(), &args, json, now),
        Command::Environment(cmd) => {
            let app = App::open(&data_dir, key_source(), now)?;
            live::environment(&app, cmd, json, now)
        }
        Command::Bankid(cmd) => {
            let app = App::open(&data_dir, key_source(), now)?;
            live::bankid(&app, cmd, json, now)
        }
        Command::Verify(args) => {
            let app = App::open(&data_dir, key_source(), now)?;
            ways_out::verify(&app, &args.file, json)
        }
        Command::Settings(args::SettingsCmd::Support(args)) => {
            let app = App::open(&data_dir, key_source(), now)?;
            ways_out::support_contact(&app, args, json, now)
        }
    }
}
