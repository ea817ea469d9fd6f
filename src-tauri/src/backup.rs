//! Backups in the desktop app (issue 20): the Settings section's facts, a backup now, the
//! daily backup while the app runs, and the restore of a backup chosen in the webview into the
//! folder for real data ("Återställ från säkerhetskopia").
//!
//! The backup file to restore arrives as bytes from the webview's own file input, like an
//! import file; it is staged owner-only in the root folder, restored from, and deleted. The
//! backup folder is a path the user types (the webview cannot name a folder): backups are
//! encrypted, so a folder chosen by mistake exposes nothing.

use std::time::Duration;

use assistid_app::App;
use assistid_app::backup::AutomaticReason;
use chrono::Utc;
use tauri::{AppHandle, Manager as _};

use crate::ipc::{self, IpcError};
use crate::shell::{DATABASE_FILE, Shell};

/// How often the daily backup checks whether one is due (it writes at most once a day).
const DAILY_CHECK: Duration = Duration::from_secs(60 * 60);
/// The first check after the start, so a laptop opened each morning gets its backup.
const FIRST_CHECK: Duration = Duration::from_secs(2 * 60);

/// The Settings section and the overview's warning.
pub async fn settings(shell: &Shell) -> Result<ipc::BackupSettings, IpcError> {
    let can_restore = !shell.root_dir().join(DATABASE_FILE).exists();
    shell
        .run(move |app| {
            let status = app.backup_status()?;
            let warning = app.backup_warning(Utc::now())?;
            Ok(ipc::BackupSettings {
                set_up: status.key.is_some(),
                key_pending: status.key_pending,
                folder: status.folder.map(|f| f.display().to_string()),
                keep: status.keep,
                last_ok_at: status.last_ok.map(|r| r.at.to_rfc3339()),
                last_failure_at: status.last_failure.as_ref().map(|r| r.at.to_rfc3339()),
                last_failure: status.last_failure.and_then(|r| r.message),
                warning_code: warning.as_ref().map(|w| w.code.to_owned()),
                warning: warning.map(|w| w.message),
                can_restore,
            })
        })
        .await
}

/// A backup into the chosen folder now.
pub async fn backup_now(shell: &Shell) -> Result<(), IpcError> {
    shell
        .run(
            |app| match app.automatic_backup(AutomaticReason::Now, Utc::now())? {
                Some(_) => Ok(()),
                None => Err(assistid_app::AppError::missing_text(
                    assistid_app::error::templates::BACKUP_NOT_SET_UP.text(),
                )
                .into()),
            },
        )
        .await
}

/// Checks once an hour whether the daily backup is due, on the open folder.
pub fn start_daily(handle: AppHandle) {
    let spawned = std::thread::Builder::new()
        .name("daily-backup".to_owned())
        .spawn(move || {
            std::thread::sleep(FIRST_CHECK);
            loop {
                daily(&handle);
                std::thread::sleep(DAILY_CHECK);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "the daily backup could not be started");
    }
}

fn daily(handle: &AppHandle) {
    let Some(shell) = handle.try_state::<Shell>() else {
        return;
    };
    let Ok(app) = shell.current_app() else {
        return;
    };
    let Ok(app) = app.lock() else {
        return;
    };
    match app.automatic_backup(AutomaticReason::Daily, Utc::now()) {
        Ok(Some(written)) => tracing::info!(bytes = written.bytes, "daily backup written"),
        Ok(None) => {}
        // Remembered for the overview's warning; only the code goes to the log.
        Err(e) => tracing::warn!(
            code = %IpcError::in_lang(e, assistid_app::core_types::text::Lang::Sv).code,
            "daily backup failed"
        ),
    }
}

/// Restores the chosen backup into the folder for real data and opens it there.
pub async fn restore(
    shell: &Shell,
    desks: &dyn crate::shell::FolderUsers,
    file: ipc::ImportFile,
    recovery_key: String,
) -> Result<ipc::RestoreResult, IpcError> {
    let bytes = file.bytes().ok_or_else(|| {
        IpcError::invalid(
            "säkerhetskopia",
            assistid_app::invalid::templates::FILE_INCOMPLETE_UPLOAD.text(),
        )
    })?;
    if let Some(busy) = desks.busy() {
        return Err(busy);
    }
    let root = shell.root_dir().to_path_buf();
    let keys = shell.keys();
    let (app, summary) = tauri::async_runtime::spawn_blocking(move || {
        let staged = root.join(format!(
            ".staged-backup-{}.assistid-backup",
            uuid::Uuid::new_v4()
        ));
        assistid_app::owner_only::create_dir_all(&root)?;
        assistid_app::owner_only::write_file(&staged, &bytes)?;
        let restored = App::restore_backup(&staged, &recovery_key, &root, keys, Utc::now());
        let _ = std::fs::remove_file(&staged);
        restored
    })
    .await
    .map_err(|e| IpcError {
        code: "internal".to_owned(),
        message: format!("återställningen avbröts ({e})"),
        ..Default::default()
    })?
    .map_err(IpcError::from)?;
    shell.open_restored(desks, app)?;
    let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(ipc::RestoreResult {
        provider: summary.provider,
        backup_made_at: summary.backup_made_at.to_rfc3339(),
        months: summary.months,
        reports: count(summary.reports),
        signatures: count(summary.signatures),
        submissions: count(summary.submissions),
        accepted: count(summary.accepted),
        last_accepted_at: summary.last_accepted_at.map(|t| t.to_rfc3339()),
        passwords_needed: summary.passwords_needed,
    })
}
