//! What the provider keeps after sending: the history, receipts, the assistants' copies, the
//! invoice figures and the reminder list — all made by the app crate; the shell writes the
//! files into the data folder's `exports` folder and opens only files it wrote there.

use std::path::{Path, PathBuf};

use assistid_app::App;
use assistid_app::core_types::model::ReportMonth;
use assistid_app::core_types::text::Lang;
use assistid_app::history::HistoryFilter;
use assistid_app::receipts::ReceiptRequest;
use chrono::{DateTime, Utc};

use crate::ipc::{self, IpcError};

/// Where exports go: `<data folder>/exports/<month>/`.
pub fn exports_dir(data_dir: &Path, month: ReportMonth) -> PathBuf {
    data_dir.join("exports").join(month.to_string())
}

/// Creates `<data folder>/exports/<month>[/<sub>]`, every folder of it owner-only (0700 on Unix,
/// tightened when an older version created it readable to others): they are the shell's own.
fn private_exports_dir(
    data_dir: &Path,
    month: ReportMonth,
    sub: Option<&str>,
) -> anyhow::Result<PathBuf> {
    let exports = data_dir.join("exports");
    let month_dir = exports_dir(data_dir, month);
    let mut chain = vec![exports, month_dir.clone()];
    if let Some(sub) = sub {
        chain.push(month_dir.join(sub));
    }
    for dir in &chain {
        assistid_app::owner_only::tighten_dir(dir).map_err(|e| io(dir, &e))?;
    }
    Ok(chain.pop().unwrap_or(month_dir))
}

/// Every submission of every report version, newest first, failures told in `lang`.
pub fn history(app: &App, lang: Lang) -> anyhow::Result<Vec<ipc::HistoryEntry>> {
    history_at(app, Utc::now(), lang)
}

/// [`history`] as of `now` (the browser demo's recorded answers use a fixed instant).
pub fn history_at(
    app: &App,
    now: DateTime<Utc>,
    lang: Lang,
) -> anyhow::Result<Vec<ipc::HistoryEntry>> {
    let history = app.history_in(&HistoryFilter::default(), now, lang)?;
    let mut entries = Vec::new();
    for report in &history.reports {
        let signed_by: Vec<String> = report
            .signatures
            .iter()
            .map(|s| {
                let role = if s.role == "assistant" {
                    "Assistent"
                } else {
                    "Anordnare"
                };
                format!("{role}: {} ({})", s.signer_name, s.signed_on)
            })
            .collect();
        for sub in &report.submissions {
            entries.push(ipc::HistoryEntry {
                submission_id: sub.id.to_string(),
                report_id: report.report_id.clone(),
                version: report.version,
                month: report.month.to_string(),
                person_name: report.person.name.clone(),
                assistant_name: report.assistant.name.clone(),
                queued_at: sub.created_at.to_rfc3339(),
                sent_at: sub.attempts.last().map(|a| a.started_at.to_rfc3339()),
                state: sub.state,
                tx_id: sub.tx_id.clone(),
                fk_message: sub.fk_message.clone(),
                document_sha256: sub.document_sha256.clone(),
                signed_by: signed_by.clone(),
                attempts: u32::try_from(sub.attempts.len()).unwrap_or(u32::MAX),
            });
        }
    }
    entries.sort_by(|a, b| b.queued_at.cmp(&a.queued_at));
    Ok(entries)
}

/// The month's receipt as PDF and JSON.
pub fn export_receipt(
    app: &App,
    data_dir: &Path,
    month: ReportMonth,
    lang: Lang,
) -> anyhow::Result<ipc::WrittenFile> {
    let dir = private_exports_dir(data_dir, month, None)?;
    let pdf = dir.join(format!("kvitto-{month}.pdf"));
    let json = dir.join(format!("kvitto-{month}.json"));
    app.export_receipt(
        &ReceiptRequest::Month { month },
        Some(&pdf),
        Some(&json),
        Utc::now(),
    )?;
    Ok(ipc::WrittenFile {
        path: pdf.display().to_string(),
        description: crate::texts::WRITTEN_RECEIPT
            .with("month", month.to_string())
            .render(lang),
    })
}

/// One PDF per assistant with their reports as sent.
pub fn export_assistant_copies(
    app: &App,
    data_dir: &Path,
    month: ReportMonth,
    lang: Lang,
) -> anyhow::Result<ipc::WrittenFile> {
    let dir = private_exports_dir(data_dir, month, Some("assistenter"))?;
    let written = app.export_assistant_copies(month, None, &dir, Utc::now())?;
    Ok(ipc::WrittenFile {
        path: dir.display().to_string(),
        description: crate::texts::WRITTEN_ASSISTANT_COPIES
            .with("count", written.len())
            .with("month", month.to_string())
            .render(lang),
    })
}

/// The invoice figures per person (PDF and CSV).
pub fn export_invoice(
    app: &App,
    data_dir: &Path,
    month: ReportMonth,
    lang: Lang,
) -> anyhow::Result<ipc::WrittenFile> {
    let dir = private_exports_dir(data_dir, month, Some("underlag-rakning"))?;
    let (figures, _) = app.export_invoice_files(month, None, &dir, Utc::now())?;
    Ok(ipc::WrittenFile {
        path: dir.display().to_string(),
        description: crate::texts::WRITTEN_INVOICE
            .with("month", month.to_string())
            .with("count", figures.len())
            .render(lang),
    })
}

/// The month's deadline, what is missing and whom to remind.
pub fn reminders(app: &App, month: ReportMonth) -> anyhow::Result<ipc::Reminders> {
    reminders_at(app, month, Utc::now())
}

/// [`reminders`] as of `now` (the browser demo's recorded answers use a fixed instant).
pub fn reminders_at(
    app: &App,
    month: ReportMonth,
    now: DateTime<Utc>,
) -> anyhow::Result<ipc::Reminders> {
    let r = app.reminders(month, now)?;
    Ok(ipc::Reminders {
        month: r.month.to_string(),
        deadline: r.deadline.to_string(),
        days_left: r.days_left,
        reports: u32::try_from(r.reports).unwrap_or(u32::MAX),
        accepted: u32::try_from(r.accepted).unwrap_or(u32::MAX),
        missing: r
            .missing
            .into_iter()
            .map(|m| ipc::MissingReport {
                person: m.person,
                assistant: m.assistant,
                reason_code: m.reason_code.to_owned(),
                reason: m.reason.to_owned(),
            })
            .collect(),
        assistants_to_remind: r
            .assistants_to_remind
            .into_iter()
            .map(|a| ipc::AssistantToRemind {
                name: a.name,
                phone: a.phone,
                persons: a.persons,
            })
            .collect(),
    })
}

/// The kinds of file the shell writes under `exports` (receipts as PDF and JSON, assistants'
/// copies as PDF, invoice figures as PDF and CSV): the only files it opens.
pub const OPENABLE_EXTENSIONS: [&str; 3] = ["pdf", "csv", "json"];

/// The path to hand to the OS for `path`: its canonical form (symbolic links and `..`
/// resolved), which must lie under the data folder's `exports` and be a folder or a file of a
/// kind the shell writes ([`OPENABLE_EXTENSIONS`]). Anything else is refused: the OS would
/// run a script or a program file instead of showing it.
pub fn export_to_open(data_dir: &Path, path: &str) -> Result<PathBuf, IpcError> {
    let not_ours = || {
        IpcError::invalid(
            "fil",
            assistid_app::invalid::templates::NOT_AN_EXPORT.text(),
        )
    };
    let exports = data_dir.join("exports");
    let (Ok(wanted), Ok(exports)) = (Path::new(path).canonicalize(), exports.canonicalize()) else {
        return Err(not_ours());
    };
    if !wanted.starts_with(&exports) {
        return Err(not_ours());
    }
    if wanted.is_dir() {
        return Ok(wanted);
    }
    let kind = wanted
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match kind {
        Some(kind) if OPENABLE_EXTENSIONS.contains(&kind.as_str()) => Ok(wanted),
        _ => Err(IpcError::invalid(
            "fil",
            format!(
                "{} är inte en fil som Assistid sparar (bara PDF, CSV och JSON öppnas \
                 härifrån); öppna den själv från mappen om du vet vad den är",
                wanted
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
        )),
    }
}

/// Opens a file or folder the shell wrote (under `exports`) with the OS's own program: the
/// canonical path [`export_to_open`] checked, never the string the window sent.
pub fn open_export(data_dir: &Path, path: &str) -> Result<(), IpcError> {
    let wanted = export_to_open(data_dir, path)?;
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(&wanted)
        .spawn()
        .map(|_| ())
        .map_err(|e| IpcError {
            code: "open_failed".to_owned(),
            message: format!("Filen kunde inte öppnas ({e}); den finns i {path}."),
            ..Default::default()
        })
}

fn io(path: &Path, e: &std::io::Error) -> anyhow::Error {
    anyhow::Error::new(IpcError {
        code: "internal".to_owned(),
        message: format!("Mappen {} kunde inte skapas: {e}", path.display()),
        ..Default::default()
    })
}
