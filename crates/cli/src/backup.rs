//! `assistid backup` and `assistid restore`: encrypted backups of the data folder (see
//! `assistid_app::backup`). The recovery key is read from `ASSISTID_RECOVERY_KEY` when set,
//! else as one line from stdin (asked for on stderr), and is never logged.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::Path;

use anyhow::Context as _;
use assistid_app::backup::{AutomaticReason, BackupStatus};
use assistid_app::core_types::secret::Sensitive;
use assistid_app::{App, AppError, KeySource};
use chrono::{DateTime, Utc};

use crate::args::{BackupArgs, BackupCmd, RestoreArgs};
use crate::words::{self, say};

fn read_recovery_key(prompt: &str) -> anyhow::Result<Sensitive<String>> {
    if let Some(value) = std::env::var_os("ASSISTID_RECOVERY_KEY") {
        let text = value.into_string().map_err(|_| AppError::Invalid {
            field: "ASSISTID_RECOVERY_KEY".into(),
            message: "innehåller ogiltiga tecken".into(),
        })?;
        return Ok(Sensitive::new(text));
    }
    eprint!("{prompt} ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("återställningsnyckeln kunde inte läsas")?;
    Ok(Sensitive::new(line))
}

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn backup(
    data_dir: &Path,
    keys: KeySource,
    args: BackupArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    if let (Some(_), Some(_)) = (&args.out, &args.command) {
        anyhow::bail!(AppError::Invalid {
            field: "--out".into(),
            message: "ange antingen --out FIL eller ett underkommando, inte båda".into(),
        });
    }
    if let BackupCmd::Verify { file } = args.command.as_ref().unwrap_or(&BackupCmd::Status)
        && args.out.is_none()
    {
        let typed = read_recovery_key(words::RECOVERY_KEY_PROMPT.wording(crate::lang()))?;
        let header = assistid_app::backup::verify(file, typed.expose())?;
        if json {
            println!(
                "{}",
                serde_json::json!({
                    "ok": true,
                    "created_at": header.created_at,
                    "provider": header.provider,
                    "app_version": header.app_version,
                })
            );
        } else {
            println!(
                "{}",
                say(
                    crate::lang(),
                    &words::BACKUP_VERIFIED,
                    &[
                        ("file", file.display().to_string()),
                        ("at", local(header.created_at)),
                        ("version", header.app_version.to_string()),
                    ]
                )
            );
        }
        return Ok(0);
    }
    let app = App::open(data_dir, keys, now)?;
    if let Some(out) = &args.out {
        let written = app.backup_to(out, now)?;
        if json {
            println!(
                "{}",
                serde_json::json!({
                    "file": written.path.display().to_string(),
                    "bytes": written.bytes,
                    "created_at": written.header.created_at,
                })
            );
        } else {
            println!(
                "{}",
                say(
                    crate::lang(),
                    &words::BACKUP_WRITTEN,
                    &[
                        ("file", written.path.display().to_string()),
                        ("kb", written.bytes.div_ceil(1024).to_string()),
                    ]
                )
            );
        }
        return Ok(0);
    }
    match args.command.unwrap_or(BackupCmd::Status) {
        BackupCmd::Setup => {
            let key = app.prepare_recovery_key(now)?;
            let grouped = key.grouped();
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "recovery_key": grouped.expose(), "confirmed": false })
                );
                return Ok(0);
            }
            let lang = crate::lang();
            println!("{}", words::RECOVERY_KEY_SHOWN.wording(lang));
            println!();
            println!("    {}", grouped.expose());
            println!();
            println!("{}", words::RECOVERY_KEY_KEEP.wording(lang));
            if std::io::stdin().is_terminal() {
                let typed = read_recovery_key(words::RECOVERY_KEY_AGAIN.wording(lang))?;
                app.confirm_recovery_key(typed.expose(), now)?;
                println!("{}", words::BACKUP_CONFIRMED.wording(lang));
            } else {
                println!("{}", words::BACKUP_CONFIRM_LATER.wording(lang));
            }
            Ok(0)
        }
        BackupCmd::Confirm => {
            let typed = read_recovery_key(words::RECOVERY_KEY_PROMPT.wording(crate::lang()))?;
            app.confirm_recovery_key(typed.expose(), now)?;
            if json {
                println!("{}", serde_json::json!({ "confirmed": true }));
            } else {
                println!("{}", words::BACKUP_CONFIRMED.wording(crate::lang()));
            }
            Ok(0)
        }
        BackupCmd::Folder { dir, keep } => {
            app.set_backup_folder(&dir, keep, now)?;
            if !json {
                println!(
                    "Automatiska säkerhetskopior sparas i {} (de {keep} senaste behålls).",
                    dir.display()
                );
            }
            Ok(0)
        }
        BackupCmd::Auto => {
            let written = app.automatic_backup(AutomaticReason::Daily, now)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "file": written.as_ref().map(|w| w.path.display().to_string()),
                    })
                );
            } else if let Some(written) = written {
                println!("Säkerhetskopian är skriven: {}", written.path.display());
            } else {
                println!(
                    "Ingen säkerhetskopia behövdes (den senaste är yngre än ett dygn, eller \
                     ingen mapp är vald)."
                );
            }
            Ok(0)
        }
        BackupCmd::Status => {
            let status = app.backup_status()?;
            let warning = app.backup_warning(now)?;
            if json {
                println!("{}", status_json(&status, warning.as_ref()));
            } else {
                print_status(&status, warning.as_ref());
            }
            Ok(0)
        }
        BackupCmd::Verify { .. } => Ok(0),
    }
}

fn status_json(
    status: &BackupStatus,
    warning: Option<&assistid_app::backup::BackupWarning>,
) -> serde_json::Value {
    serde_json::json!({
        "set_up": status.key.is_some(),
        "key_pending": status.key_pending,
        "key_id": status.key.as_ref().map(|k| k.key_id.clone()),
        "folder": status.folder.as_ref().map(|f| f.display().to_string()),
        "keep": status.keep,
        "last_ok": status.last_ok,
        "last_failure": status.last_failure,
        "warning": warning,
    })
}

fn print_status(status: &BackupStatus, warning: Option<&assistid_app::backup::BackupWarning>) {
    match &status.key {
        Some(key) => println!(
            "Återställningsnyckel: skapad {} (id {}).",
            local(key.created_at),
            key.key_id
        ),
        None if status.key_pending => {
            println!("Återställningsnyckel: väntar på bekräftelse (assistid backup confirm).")
        }
        None => println!("Återställningsnyckel: ingen (assistid backup setup)."),
    }
    match &status.folder {
        Some(folder) => println!(
            "Mapp för automatiska säkerhetskopior: {} (de {} senaste behålls).",
            folder.display(),
            status.keep
        ),
        None => println!("Mapp för automatiska säkerhetskopior: ingen vald."),
    }
    if let Some(ok) = &status.last_ok {
        println!("Senaste lyckade: {}", local(ok.at));
    }
    if let Some(failure) = &status.last_failure {
        println!(
            "Senaste misslyckade: {} — {}",
            local(failure.at),
            failure.message.as_deref().unwrap_or("")
        );
    }
    if let Some(warning) = warning {
        println!("VARNING: {}", warning.message);
    }
}

pub fn restore(
    data_dir: &Path,
    keys: KeySource,
    args: &RestoreArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    // The header first: a newer backup is refused before the key is asked for.
    let header = assistid_app::backup::read_header(&args.file)?;
    if !json {
        eprintln!(
            "Säkerhetskopia gjord {} av Assistid {}{}.",
            local(header.created_at),
            header.app_version,
            header
                .provider
                .as_deref()
                .map(|p| format!(" för {p}"))
                .unwrap_or_default()
        );
    }
    let typed = read_recovery_key(words::RECOVERY_KEY_PROMPT.wording(crate::lang()))?;
    let (_app, summary) = App::restore_backup(&args.file, typed.expose(), data_dir, keys, now)?;
    if json {
        println!(
            "{}",
            serde_json::to_string(&summary).context("sammanfattningen kunde inte skrivas")?
        );
        return Ok(0);
    }
    println!("Återställt till {}:", data_dir.display());
    println!(
        "  Anordnare: {}",
        summary.provider.as_deref().unwrap_or("(ingen registrerad)")
    );
    println!(
        "  Månader: {}",
        match (summary.months.first(), summary.months.last()) {
            (Some(first), Some(last)) if first != last =>
                format!("{first} – {last} ({} st.)", summary.months.len()),
            (Some(only), _) => only.clone(),
            _ => "inga".to_owned(),
        }
    );
    println!(
        "  Rapporter: {}, underskrifter: {}, inskickningar: {} ({} mottagna), händelser: {}",
        summary.reports, summary.signatures, summary.submissions, summary.accepted, summary.events
    );
    println!(
        "  Senast mottagen av FK: {}",
        summary
            .last_accepted_at
            .map(local)
            .unwrap_or_else(|| "aldrig".to_owned())
    );
    for label in &summary.passwords_needed {
        println!(
            "  Lösenordet till {label} finns inte på den här datorn: importera certifikatet \
             igen under Inställningar innan du skickar eller signerar."
        );
    }
    Ok(0)
}

/// The automatic backup after a submission run; a failure is a warning (it is remembered
/// for the overview too), never the run's failure.
pub fn after_submission(app: &App, json: bool) {
    let written = app.automatic_backup(AutomaticReason::AfterSubmission, Utc::now());
    report_after_submission(&written.map(|w| w.map(|w| w.path)), json);
}

/// Tells about the automatic backup a send run took ([`assistid_app::send_run::SentRun`]).
pub fn report_after_submission(backup: &anyhow::Result<Option<std::path::PathBuf>>, json: bool) {
    match backup {
        Ok(Some(path)) if !json => {
            println!("Säkerhetskopia: {}", path.display());
        }
        Ok(_) => {}
        Err(e) => eprintln!(
            "VARNING: säkerhetskopian efter inskickningen kunde inte göras: {}",
            crate::user_message(e)
        ),
    }
}
