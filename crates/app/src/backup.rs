//! Backups and restore for a data folder: the recovery key (made once, shown once, typed back),
//! backups on demand and automatically (after each submission run and daily) into a folder the
//! user chooses, keeping a chosen number of generations, the overview's warning when the last
//! good backup is too old or failed, and the restore onto a new computer.
//!
//! The file format, the keys and the restore's safety rules are the store's
//! ([`assistid_store::backup`]). What a backup holds: the whole database — register, shifts,
//! every report version, signature, submission, attempt with FK's raw answer, the audit log,
//! the settings (FK environment, addresses, FK's CA) and the imported certificates' bytes.
//! What it does **not** hold: the certificates' passwords, which stay in each computer's
//! keychain (with them, the backup and the recovery key alone would let anyone send to FK as
//! the provider); after a restore they are typed again in Settings, and the restore's summary
//! says which ones.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use assistid_store::backup::{self, BackupHeader, BackupLabel, RecoveryKey, WrittenBackup};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, KeySource, StoreKeySource};

pub use assistid_store::backup::{BackupKeyStatus, FILE_EXTENSION, FORMAT_VERSION};

/// The setting naming the folder automatic backups go to.
pub const FOLDER_SETTING: &str = "backup.folder";
/// The setting with the number of automatic backups kept.
pub const KEEP_SETTING: &str = "backup.keep";
const LAST_OK_SETTING: &str = "backup.last_ok";
const LAST_FAILURE_SETTING: &str = "backup.last_failure";
/// Automatic backups kept when nothing else was chosen.
pub const DEFAULT_KEEP: u32 = 10;
/// An automatic backup is due when the last good one is this old.
pub const DAILY: Duration = Duration::hours(24);
/// The overview warns when the last good backup is older than this.
pub const WARN_AFTER: Duration = Duration::days(7);
const AUTO_PREFIX: &str = "assistid-backup-";

/// What the last backup attempt left behind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// The file written (for a success).
    pub file: Option<PathBuf>,
    /// The error code (for a failure).
    pub code: Option<String>,
    /// The error message, Swedish (for a failure).
    pub message: Option<String>,
}

/// Where backups stand for a data folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupStatus {
    /// The active recovery key (fingerprint and dates), `None` before one is confirmed.
    pub key: Option<BackupKeyStatus>,
    /// Whether a recovery key was made but not yet typed back.
    pub key_pending: bool,
    /// The folder for automatic backups, when chosen.
    pub folder: Option<PathBuf>,
    /// How many automatic backups are kept.
    pub keep: u32,
    /// The last good backup.
    pub last_ok: Option<BackupRecord>,
    /// The last failed attempt, when it is newer than the last good backup.
    pub last_failure: Option<BackupRecord>,
}

/// The overview's warning about backups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackupWarning {
    /// `backup_not_set_up`, `backup_never_made`, `backup_failed` or `backup_old`.
    pub code: &'static str,
    /// What is wrong and what to do, Swedish.
    pub message: String,
}

/// Why an automatic backup is being made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutomaticReason {
    /// A submission run ended: back up what FK just answered.
    AfterSubmission,
    /// The daily backup while the app runs.
    Daily,
    /// The user asked for one now (Settings → Säkerhetskopiering).
    Now,
}

/// What a restore brought back, for the screen and the CLI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RestoreSummary {
    /// The provider's name.
    pub provider: Option<String>,
    /// When the backup was made.
    pub backup_made_at: DateTime<Utc>,
    /// The version of Assistid that made it.
    pub backup_app_version: String,
    /// The months with reports (`YYYY-MM`), oldest first.
    pub months: Vec<String>,
    /// Reports (assistant × person × month).
    pub reports: u64,
    /// BankID signatures.
    pub signatures: u64,
    /// Submissions to FK.
    pub submissions: u64,
    /// Submissions FK accepted.
    pub accepted: u64,
    /// When FK last accepted a report.
    pub last_accepted_at: Option<DateTime<Utc>>,
    /// Events in the audit log.
    pub events: u64,
    /// Imported certificates whose password must be typed again on this computer (Swedish
    /// labels).
    pub passwords_needed: Vec<String>,
}

/// Reads a backup's header without the recovery key (provider, date, program version). A
/// backup from a newer Assistid is refused with a message saying so.
pub fn read_header(file: &Path) -> anyhow::Result<BackupHeader> {
    Ok(backup::read_header(file).map_err(AppError::from)?)
}

/// Checks the whole backup `file` with the typed recovery key: every chunk, their order, the
/// end and the checksum. Writes nothing.
pub fn verify(file: &Path, recovery_key: &str) -> anyhow::Result<BackupHeader> {
    let recovery = parse_key(recovery_key)?;
    Ok(backup::verify(file, &recovery).map_err(AppError::from)?)
}

fn parse_key(typed: &str) -> Result<RecoveryKey, AppError> {
    Ok(RecoveryKey::parse(typed)?)
}

impl App {
    /// Makes a new recovery key for this folder's backups and returns it to be shown **once**
    /// (printed or written down). Backups use it only after [`App::confirm_recovery_key`].
    /// Making another one later starts a new key: older backups keep opening with the older
    /// key only.
    pub fn prepare_recovery_key(&self, now: DateTime<Utc>) -> anyhow::Result<RecoveryKey> {
        Ok(self
            .store()
            .prepare_recovery_key(now)
            .map_err(AppError::from)?)
    }

    /// Takes the recovery key typed back by the user: when it is the one just shown, backups
    /// are turned on with it.
    pub fn confirm_recovery_key(&self, typed: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
        let key = parse_key(typed)?;
        self.store()
            .confirm_recovery_key(&key, now)
            .map_err(AppError::from)?;
        let status = self.store().backup_key_status().map_err(AppError::from)?;
        self.log_event(
            now,
            "recovery_key_confirmed",
            None,
            serde_json::json!({ "key_id": status.map(|s| s.key_id) }),
        )
    }

    /// Chooses the folder automatic backups go to (a network drive or a synced folder) and how
    /// many of them are kept (at least 1). The folder is created when missing.
    pub fn set_backup_folder(
        &self,
        folder: &Path,
        keep: u32,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if keep == 0 {
            return Err(AppError::invalid_with(
                "antal säkerhetskopior",
                crate::invalid::templates::KEEP_AT_LEAST_ONE_BACKUP.text(),
            )
            .into());
        }
        let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
        let text = folder.to_str().ok_or_else(|| {
            AppError::invalid_with(
                "mapp för säkerhetskopior",
                crate::invalid::templates::FOLDER_NAME_UNSTORABLE.text(),
            )
        })?;
        crate::owner_only::create_dir_all(&folder).with_context(|| {
            format!(
                "mappen {} kunde inte skapas; välj en mapp du kan skriva i",
                folder.display()
            )
        })?;
        let store = self.store();
        store
            .transaction(|s| -> Result<(), AppError> {
                s.set_setting(FOLDER_SETTING, text, now)?;
                s.set_setting(KEEP_SETTING, &keep.to_string(), now)?;
                Ok(())
            })
            .map_err(anyhow::Error::from)
    }

    /// Where backups stand.
    pub fn backup_status(&self) -> anyhow::Result<BackupStatus> {
        let store = self.store();
        let setting = |key: &str| store.setting(key).map_err(AppError::from);
        let record = |key: &str| -> anyhow::Result<Option<BackupRecord>> {
            Ok(setting(key)?.and_then(|json| serde_json::from_str(&json).ok()))
        };
        let last_ok = record(LAST_OK_SETTING)?;
        let last_failure = record(LAST_FAILURE_SETTING)?
            .filter(|failure| last_ok.as_ref().is_none_or(|ok| failure.at > ok.at));
        Ok(BackupStatus {
            key: store.backup_key_status().map_err(AppError::from)?,
            key_pending: setting(backup::PENDING_BACKUP_KEY_SETTING)?.is_some(),
            folder: setting(FOLDER_SETTING)?.map(PathBuf::from),
            keep: setting(KEEP_SETTING)?
                .and_then(|n| n.parse().ok())
                .unwrap_or(DEFAULT_KEEP),
            last_ok,
            last_failure,
        })
    }

    /// The overview's warning, if any: backups not set up (real data only), never made, the
    /// last attempt failed, or the last good one is older than a week.
    pub fn backup_warning(&self, now: DateTime<Utc>) -> anyhow::Result<Option<BackupWarning>> {
        if self.store().data_kind().map_err(AppError::from)? == Some(assistid_store::DataKind::Demo)
        {
            return Ok(None);
        }
        let status = self.backup_status()?;
        let date = |at: DateTime<Utc>| crate::local_today(at).format("%Y-%m-%d").to_string();
        if status.key.is_none() {
            return Ok(Some(BackupWarning {
                code: "backup_not_set_up",
                message: "Säkerhetskopiering är inte påslagen: om datorn går sönder eller \
                          försvinner går alla rapporter, underskrifter och kvitton förlorade. \
                          Slå på den under Inställningar → Säkerhetskopiering."
                    .to_owned(),
            }));
        }
        if let Some(failure) = &status.last_failure {
            return Ok(Some(BackupWarning {
                code: "backup_failed",
                message: format!(
                    "Den senaste säkerhetskopieringen ({}) misslyckades: {} Kontrollera mappen \
                     under Inställningar → Säkerhetskopiering och gör en säkerhetskopia nu.",
                    date(failure.at),
                    failure.message.as_deref().unwrap_or("okänt fel.")
                ),
            }));
        }
        match &status.last_ok {
            None => Ok(Some(BackupWarning {
                code: "backup_never_made",
                message: "Ingen säkerhetskopia har gjorts ännu. Välj en mapp under \
                          Inställningar → Säkerhetskopiering (gärna en nätverksmapp eller en \
                          synkroniserad mapp) och gör en säkerhetskopia nu."
                    .to_owned(),
            })),
            Some(ok) if now - ok.at > WARN_AFTER => Ok(Some(BackupWarning {
                code: "backup_old",
                message: format!(
                    "Den senaste lyckade säkerhetskopian är från {}, mer än en vecka sedan. \
                     Gör en säkerhetskopia nu under Inställningar → Säkerhetskopiering.",
                    date(ok.at)
                ),
            })),
            Some(_) => Ok(None),
        }
    }

    fn label(&self) -> anyhow::Result<BackupLabel> {
        Ok(BackupLabel {
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            provider: self.provider()?.map(|p| p.name),
        })
    }

    /// Writes a backup to `out` (a file that must not exist). A success or failure is
    /// remembered for the overview and logged in the audit log (without the file's path).
    pub fn backup_to(&self, out: &Path, now: DateTime<Utc>) -> anyhow::Result<WrittenBackup> {
        let label = self.label()?;
        let result = self.store().write_backup(out, &label, now);
        self.remember(&result, false, now)?;
        Ok(result.map_err(AppError::from)?)
    }

    fn remember(
        &self,
        result: &Result<WrittenBackup, backup::BackupError>,
        automatic: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let (setting, record, kind, details) = match result {
            Ok(written) => (
                LAST_OK_SETTING,
                BackupRecord {
                    at: now,
                    file: Some(written.path.clone()),
                    code: None,
                    message: None,
                },
                "backup_written",
                serde_json::json!({
                    "bytes": written.bytes,
                    "key_id": written.header.key.key_id,
                    "automatic": automatic,
                }),
            ),
            // Not set up: nothing to remember; the overview already says so.
            Err(backup::BackupError::NotSetUp) => return Ok(()),
            Err(e) => (
                LAST_FAILURE_SETTING,
                BackupRecord {
                    at: now,
                    file: None,
                    code: Some(e.code().to_owned()),
                    message: Some(e.to_string()),
                },
                "backup_failed",
                serde_json::json!({ "code": e.code(), "automatic": automatic }),
            ),
        };
        let json = serde_json::to_string(&record).context("backup record")?;
        self.store()
            .set_setting(setting, &json, now)
            .map_err(AppError::from)?;
        self.log_event(now, kind, None, details)
    }

    /// The automatic backup: into the chosen folder as `assistid-backup-<local time>.assistid-backup`,
    /// then the oldest of this folder's automatic backups beyond the chosen number are removed
    /// (backups made with another recovery key — another data folder sharing the backup folder
    /// — are never touched). `Daily` does nothing when the last good backup is younger than a
    /// day. Returns `None` when nothing was due or backups are not set up (no recovery key or
    /// no folder).
    pub fn automatic_backup(
        &self,
        reason: AutomaticReason,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<WrittenBackup>> {
        let status = self.backup_status()?;
        let (Some(key), Some(folder)) = (&status.key, &status.folder) else {
            return Ok(None);
        };
        if reason == AutomaticReason::Daily
            && status
                .last_ok
                .as_ref()
                .is_some_and(|ok| now - ok.at < DAILY)
            && status.last_failure.is_none()
        {
            return Ok(None);
        }
        let stamp = now
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y-%m-%d-%H%M%S")
            .to_string();
        let mut out = folder.join(format!("{AUTO_PREFIX}{stamp}.{FILE_EXTENSION}"));
        let mut n = 2;
        while out.exists() {
            out = folder.join(format!("{AUTO_PREFIX}{stamp}-{n}.{FILE_EXTENSION}"));
            n += 1;
        }
        let label = self.label()?;
        let result = crate::owner_only::create_dir_all(folder)
            .map_err(|source| backup::BackupError::Io {
                path: folder.clone(),
                action: "skapas",
                source,
            })
            .and_then(|()| self.store().write_backup(&out, &label, now));
        self.remember(&result, true, now)?;
        let written = result.map_err(AppError::from)?;
        prune(folder, &key.key_id, status.keep, now);
        Ok(Some(written))
    }

    /// Restores the backup `file` into the data folder `data_dir` (which must hold no
    /// database), opening it with the recovery key the user typed; the restored database gets
    /// a new key from `keys` (this computer's keychain or the key file). The whole file is
    /// checked before anything is written. Returns the open folder and what it holds.
    pub fn restore_backup(
        file: &Path,
        recovery_key: &str,
        data_dir: &Path,
        keys: KeySource,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(App, RestoreSummary)> {
        let recovery = parse_key(recovery_key)?;
        backup::refuse_occupied(data_dir).map_err(AppError::from)?;
        // Refuse a newer backup before asking anything else of the file, and check all of it
        // before anything (even the folder's identity for the keychain) is written.
        read_header(file)?;
        backup::verify(file, &recovery).map_err(AppError::from)?;
        let source = match &keys {
            KeySource::Keychain => {
                StoreKeySource::keychain_for_folder(data_dir).map_err(AppError::from)?
            }
            KeySource::File(path) => StoreKeySource::File(path.clone()),
        };
        let (header, store) =
            backup::restore(file, &recovery, data_dir, &source).map_err(AppError::from)?;
        drop(store);
        let app = App::open(data_dir, keys, now)?;
        let contents = app.store().contents().map_err(AppError::from)?;
        let mut passwords_needed = Vec::new();
        for certificate in app.certificates(now)? {
            if !certificate.password_in_keychain {
                passwords_needed.push(certificate.purpose.label_sv().to_owned());
            }
        }
        // The previous computer's last backup is not this one's.
        app.store()
            .remove_setting(LAST_FAILURE_SETTING)
            .map_err(AppError::from)?;
        app.log_event(
            now,
            "restored_from_backup",
            None,
            serde_json::json!({
                "backup_made_at": header.created_at,
                "key_id": header.key.key_id,
                "format": header.format,
            }),
        )?;
        Ok((
            app,
            RestoreSummary {
                provider: contents.provider,
                backup_made_at: header.created_at,
                backup_app_version: header.app_version,
                months: contents.months,
                reports: contents.reports,
                signatures: contents.signatures,
                submissions: contents.submissions,
                accepted: contents.accepted,
                last_accepted_at: contents.last_accepted_at,
                events: contents.events,
                passwords_needed,
            },
        ))
    }
}

/// How old an unfinished automatic backup (`<name>.partial`) must be before it counts as left
/// behind by a program that was stopped while writing it. A backup takes seconds; another
/// program may be writing one right now, so a young one is never touched.
const ABANDONED_PARTIAL: chrono::Duration = chrono::Duration::hours(1);

/// Removes this data folder's oldest automatic backups beyond `keep`, and its unfinished ones
/// (`.partial`) started more than [`ABANDONED_PARTIAL`] before `now` — what a program stopped
/// mid-backup leaves (the time is the one written in the file's header, so no clock but the
/// caller's is read). Best effort: a file that cannot be read or removed stays, which is safe;
/// another data folder's files (another recovery key) are never touched.
fn prune(folder: &Path, key_id: &str, keep: u32, now: DateTime<Utc>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let finished = format!(".{FILE_EXTENSION}");
    let unfinished = format!(".{FILE_EXTENSION}.partial");
    let mut ours: Vec<(DateTime<Utc>, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.starts_with(AUTO_PREFIX) {
            continue;
        }
        let partial = name.ends_with(&unfinished);
        if !partial && !name.ends_with(&finished) {
            continue;
        }
        let Ok(header) = backup::read_header(&entry.path()) else {
            continue;
        };
        if header.key.key_id != key_id {
            continue;
        }
        if !partial {
            ours.push((header.created_at, entry.path()));
        } else if now - header.created_at > ABANDONED_PARTIAL {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => tracing::info!("an unfinished backup left behind was removed"),
                Err(e) => tracing::warn!(error = %e, "an unfinished backup could not be removed"),
            }
        }
    }
    ours.sort();
    let excess = ours.len().saturating_sub(keep as usize);
    for (_, path) in ours.into_iter().take(excess) {
        if let Err(e) = std::fs::remove_file(&path) {
            tracing::warn!(error = %e, "an old backup could not be removed");
        }
    }
}
