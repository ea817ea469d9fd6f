//! `assistid person export` and `assistid person erase`: the right of access and erasure.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use assistid_app::App;
use chrono::{DateTime, Utc};

use crate::args::PersonCmd;

/// Creates `path` for writing, owner-only (`assistid_app::owner_only::create_file`), refusing
/// to replace an existing file (an export is personal data; overwriting the wrong file is worse).
fn create_private(path: &Path) -> anyhow::Result<std::fs::File> {
    assistid_app::owner_only::create_file(path)
        .with_context(|| format!("kunde inte skapa {} (finns filen redan?)", path.display()))
}

pub fn person(app: &App, cmd: PersonCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    match cmd {
        PersonCmd::Export { personnummer, out } => {
            let export = app.export_person(&personnummer, now)?;
            let bytes =
                serde_json::to_vec_pretty(&export).context("exporten kunde inte skrivas")?;
            let mut file = create_private(&out)?;
            file.write_all(&bytes)
                .and_then(|()| file.sync_all())
                .with_context(|| format!("kunde inte skriva {}", out.display()))?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "file": out.display().to_string(),
                        "shifts": export.shifts.len(),
                        "reports": export.reports.len(),
                    })
                );
            } else {
                println!(
                    "Skrev {} ({} pass, {} rapportversioner).",
                    out.display(),
                    export.shifts.len(),
                    export.reports.len()
                );
            }
            Ok(0)
        }
        PersonCmd::Erase { personnummer, yes } => {
            if !yes {
                anyhow::bail!(assistid_app::AppError::Missing(
                    "radering ändrar registret och kan inte ångras: lägg till --yes för att \
                     bekräfta (exportera gärna först med assistid person export)"
                        .into()
                ));
            }
            let report = app.erase_person(&personnummer, now)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&report).context("resultatet kunde inte skrivas")?
                );
            } else {
                for (role, entry) in [
                    (
                        "Som person med assistans",
                        &report.as_person_with_assistance,
                    ),
                    ("Som assistent", &report.as_assistant),
                ] {
                    let Some(e) = entry else { continue };
                    println!(
                        "{role}: {} pass och {} utkast raderade; {} pass och {} rapportversioner \
                         sparas som underlag{}{}.",
                        e.shifts_deleted,
                        e.draft_versions_deleted,
                        e.shifts_kept,
                        e.versions_kept,
                        if e.phone_removed {
                            "; telefonnumret raderat"
                        } else {
                            ""
                        },
                        if e.register_entry_deleted {
                            "; borttagen ur registret"
                        } else {
                            ""
                        },
                    );
                }
            }
            Ok(0)
        }
        PersonCmd::Add { .. } | PersonCmd::List | PersonCmd::Team(_) | PersonCmd::Grant(_) => {
            anyhow::bail!("internt fel: kommandot hanteras inte här")
        }
    }
}
