//! A way out of every state (issue 21) in the desktop app: the submission card (the request
//! time to quote to FK, the audit trail, FK's answer explained, the decisions on an uncertain
//! submission), the diagnostics bundle for the vendor's support, and "Kontrollera en fil".
//! Each function delegates to one use case of [`assistid_app::App`] — the same ones
//! `assistid submissions show|resolve|diagnostics` and `assistid verify` call.

use std::path::Path;

use assistid_app::App;
use assistid_app::core_types::text::Lang;
use assistid_app::submit::{Decision, SubmissionId};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ipc::{self, IpcError};

/// Who fixes a problem (the app's own enum, crossing as it is).
pub use assistid_app::answers::Fixer;

/// Where the coordinator fixes a value FK refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FixAt {
    /// `register` or `month`: the screen to open.
    pub screen: String,
    /// The field, in Swedish.
    pub field: String,
    /// The value FK quoted, when it quoted one.
    pub value: Option<String>,
}

/// What FK's answer (or a failed send) means and who fixes what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AnswerAdvice {
    /// The stable code (`elt_xml_validation`, …): the UI's messages are keyed by it.
    pub code: String,
    /// FK's own name of its fault (`XmlValidationError`), for FK's faults.
    pub fk_name: Option<String>,
    /// One line: what happened (Swedish).
    pub headline: String,
    /// What it means, in plain Swedish.
    pub meaning: String,
    /// Who fixes it.
    pub fixer: Fixer,
    /// What to do (Swedish).
    pub what_to_do: String,
    /// Whether "Skapa felrapport till leverantören" is offered.
    pub diagnostics: bool,
    /// FK's text in plain Swedish, when it could be read.
    pub fk_text_plain: Option<String>,
    /// Where to fix it, when the coordinator can.
    pub fix_at: Option<FixAt>,
    /// FK's own text, verbatim.
    pub fk_text: Option<String>,
    /// FK's partner support, when asking FK helps.
    pub fk_support: Option<String>,
    /// How to reach the vendor's support, when the vendor fixes it.
    pub vendor_support: Option<String>,
}

/// One request to FK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RequestTime {
    /// 1, 2, …
    pub attempt: u32,
    /// When it left for FK, else when it was started (RFC 3339).
    pub at: String,
    /// `accepted`, `rejected`, `transient`, `uncertain`, `configuration`, `interrupted`,
    /// `in_flight`.
    pub outcome: String,
    /// The HTTP status, when an answer came.
    pub http_status: Option<u16>,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrailEntry {
    /// When (RFC 3339).
    pub at: String,
    /// The event's code.
    pub kind: String,
    /// What happened (Swedish).
    pub text: String,
}

/// One submission with the way out of its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubmissionDetail {
    /// The submission as the queue shows it.
    pub item: ipc::SubmissionItem,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// SHA-256 of the exact bytes sent.
    pub document_sha256: String,
    /// When the last request left for FK (RFC 3339): the time to quote to FK.
    pub request_at: Option<String>,
    /// Every request.
    pub requests: Vec<RequestTime>,
    /// The audit trail, oldest first.
    pub trail: Vec<TrailEntry>,
    /// What the last problem means (none for accepted, queued, sending, abandoned).
    pub advice: Option<AnswerAdvice>,
    /// Whether "FK fick den", "Skicka igen" and "Skicka inte" are offered (uncertain only).
    pub can_resolve: bool,
}

/// The coordinator's decision on an uncertain submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResolveDecision {
    /// FK has it: the tx-id FK gave.
    Accepted {
        /// As typed; checked against FK's form.
        tx_id: String,
    },
    /// FK does not have it: send it again with the next run.
    Resend,
    /// Do not send it.
    Abandon,
}

/// A signer of a checked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckedSigner {
    /// `assistant` or `provider`.
    pub role: String,
    /// The name BankID gave.
    pub name: String,
    /// When (RFC 3339).
    pub signed_at: String,
    /// `demo`, `test` or `prod`.
    pub environment: String,
}

/// A submission of a checked file's version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckedSending {
    /// The submission.
    pub submission_id: String,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// Its state.
    pub state: ipc::SubmissionState,
    /// FK's tx-id once accepted.
    pub tx_id: Option<String>,
    /// When the last request left (RFC 3339).
    pub sent_at: Option<String>,
}

/// What "Kontrollera en fil" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FileCheck {
    /// `sent`, `signed_not_sent`, `draft`, `same_content_other_bytes`, `changed`, `unknown`,
    /// `not_a_report`: the UI's messages are keyed by it.
    pub verdict: String,
    /// One line (Swedish).
    pub headline: String,
    /// What it means and what to do (Swedish).
    pub meaning: String,
    /// SHA-256 of the file's bytes.
    pub file_sha256: String,
    /// SHA-256 of its canonical XML, when it is XML.
    pub canonical_sha256: Option<String>,
    /// The report id, when it is a report.
    pub report_id: Option<String>,
    /// `YYYY-MM`, when it is a report.
    pub month: Option<String>,
    /// The stored version's number.
    pub version: Option<u32>,
    /// The person with assistance.
    pub person: Option<String>,
    /// The assistant.
    pub assistant: Option<String>,
    /// The signers.
    pub signers: Vec<CheckedSigner>,
    /// The submissions.
    pub sendings: Vec<CheckedSending>,
}

fn submission_id(text: &str) -> Result<SubmissionId, IpcError> {
    text.parse::<i64>().map(SubmissionId::new).map_err(|_| {
        IpcError::invalid(
            "inskickning",
            assistid_app::invalid::templates::NOT_A_SUBMISSION_ID.with("value", text),
        )
    })
}

fn advice(a: &assistid_app::answers::AnswerAdvice) -> AnswerAdvice {
    let e = &a.explanation;
    AnswerAdvice {
        code: e.code.to_owned(),
        fk_name: e.fk_name.map(str::to_owned),
        headline: e.headline.to_owned(),
        meaning: e.meaning.to_owned(),
        fixer: e.fixer,
        what_to_do: e.what_to_do.to_owned(),
        diagnostics: e.diagnostics,
        fk_text_plain: a.fk_text_plain.clone(),
        fix_at: a.fix_at.as_ref().map(|f| FixAt {
            screen: f.screen.to_owned(),
            field: f.field.to_owned(),
            value: f.value.clone(),
        }),
        fk_text: a.fk_text.clone(),
        fk_support: a.fk_support.map(str::to_owned),
        vendor_support: a.vendor_support.clone(),
    }
}

/// One submission with its requests, trail and explanation.
pub fn detail(app: &App, id: &str, lang: Lang) -> anyhow::Result<SubmissionDetail> {
    let d = app.submission_detail_in(submission_id(id)?, lang)?;
    Ok(SubmissionDetail {
        item: crate::submission::item(&d.submission),
        environment: d.submission.environment.clone(),
        document_sha256: d.document_sha256,
        request_at: d.request_at.map(|t| t.to_rfc3339()),
        requests: d
            .requests
            .iter()
            .map(|r| RequestTime {
                attempt: r.attempt,
                at: r.sent_at.unwrap_or(r.started_at).to_rfc3339(),
                outcome: r.outcome.to_owned(),
                http_status: r.http_status,
            })
            .collect(),
        trail: d
            .trail
            .into_iter()
            .map(|t| TrailEntry {
                at: t.at.to_rfc3339(),
                kind: t.kind,
                text: t.text,
            })
            .collect(),
        advice: d.advice.as_ref().map(advice),
        can_resolve: d.can_resolve,
    })
}

/// The coordinator's decision on an uncertain submission ([`App::resolve_uncertain`]; for a
/// report handed to the vendor's relay, [`App::decide_uncertain_via_relay`]), then the card
/// again.
pub fn resolve(
    app: &App,
    id: &str,
    decision: &ResolveDecision,
    lang: Lang,
) -> anyhow::Result<SubmissionDetail> {
    resolve_at(app, id, decision, lang, Utc::now())
}

/// [`resolve`] with the decision made at `now` (the recorded browser demo decides at a fixed
/// instant).
pub fn resolve_at(
    app: &App,
    id: &str,
    decision: &ResolveDecision,
    lang: Lang,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<SubmissionDetail> {
    let decision = match decision {
        ResolveDecision::Accepted { tx_id } => Decision::MarkAccepted {
            tx_id: tx_id.clone(),
        },
        ResolveDecision::Resend => Decision::Resend,
        ResolveDecision::Abandon => Decision::Abandon,
    };
    // A submission handed to the vendor's relay is decided there first (the relay holds
    // it); any other is decided here alone.
    tauri::async_runtime::block_on(app.decide_uncertain_via_relay(
        submission_id(id)?,
        decision,
        now,
    ))?;
    detail(app, id, lang)
}

/// Writes the diagnostics bundle into `<data>/exports/<month>/felrapporter/` (owner-only), a
/// new file each time, and says where: the user opens the folder and attaches the file.
pub fn write_diagnostics(
    app: &App,
    data_dir: &Path,
    id: &str,
    lang: assistid_app::core_types::text::Lang,
) -> anyhow::Result<ipc::WrittenFile> {
    let sid = submission_id(id)?;
    let month = app.submission_detail(sid)?.submission.month;
    let month = crate::convert::month(&month)?;
    let dir = crate::records::exports_dir(data_dir, month).join("felrapporter");
    for d in [
        data_dir.join("exports"),
        crate::records::exports_dir(data_dir, month),
        dir.clone(),
    ] {
        assistid_app::owner_only::tighten_dir(&d).map_err(|e| {
            IpcError::told(
                "internal",
                &crate::texts::FOLDER_NOT_MADE
                    .with("path", d.display().to_string())
                    .with("reason", e.to_string()),
                lang,
            )
        })?;
    }
    let now = Utc::now();
    let path = dir.join(format!(
        "felrapport-inskickning-{id}-{}.json",
        now.format("%Y%m%dT%H%M%S%.3fZ")
    ));
    app.write_diagnostics(sid, &path, now)?;
    Ok(ipc::WrittenFile {
        path: path.display().to_string(),
        description: crate::texts::WRITTEN_DIAGNOSTICS.text().render(lang),
    })
}

/// "Kontrollera en fil": the file the user chose in the webview (name and bytes).
pub fn check_file(app: &App, file: &ipc::ImportFile) -> anyhow::Result<FileCheck> {
    let bytes = file.bytes().ok_or_else(|| {
        IpcError::invalid(
            "fil",
            assistid_app::invalid::templates::FILE_INCOMPLETE_UPLOAD.text(),
        )
    })?;
    let c = app.check_report_file(&bytes)?;
    Ok(FileCheck {
        verdict: c.verdict.code().to_owned(),
        headline: c.headline,
        meaning: c.meaning,
        file_sha256: c.file_sha256,
        canonical_sha256: c.canonical_sha256,
        report_id: c.report_id,
        month: c.month,
        version: c.version,
        person: c.person,
        assistant: c.assistant,
        signers: c
            .signers
            .into_iter()
            .map(|s| CheckedSigner {
                role: s.role.to_owned(),
                name: s.name,
                signed_at: s.signed_at.to_rfc3339(),
                environment: s.environment.to_owned(),
            })
            .collect(),
        sendings: c
            .sendings
            .into_iter()
            .map(|s| CheckedSending {
                submission_id: s.submission_id.to_string(),
                environment: s.environment,
                state: s.state,
                tx_id: s.tx_id,
                sent_at: s.sent_at.map(|t| t.to_rfc3339()),
            })
            .collect(),
    })
}

/// The vendor's support contact, as Settings edits it ("Leverantörens support").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SupportContact {
    /// The vendor's name.
    pub name: Option<String>,
    /// The support's phone number.
    pub phone: Option<String>,
    /// The support's e-mail address.
    pub email: Option<String>,
    /// The support's web address.
    pub web: Option<String>,
    /// How the contact reads where Assistid tells the user to contact the vendor, in the UI's
    /// language ("not entered yet" when empty); ignored when saving.
    #[serde(default)]
    pub described: String,
}

fn support_out(c: assistid_app::support_contact::SupportContact, lang: Lang) -> SupportContact {
    SupportContact {
        described: c.describe(lang),
        name: c.name,
        phone: c.phone,
        email: c.email,
        web: c.web,
    }
}

/// The vendor's support contact.
pub fn support_contact(app: &App, lang: Lang) -> anyhow::Result<SupportContact> {
    Ok(support_out(app.support_contact()?, lang))
}

/// Saves the vendor's support contact (each field checked; empty removes it).
pub fn set_support_contact(
    app: &App,
    contact: &SupportContact,
    lang: Lang,
) -> anyhow::Result<SupportContact> {
    let saved = app.set_support_contact(
        &assistid_app::support_contact::SupportContact {
            name: contact.name.clone(),
            phone: contact.phone.clone(),
            email: contact.email.clone(),
            web: contact.web.clone(),
        },
        Utc::now(),
    )?;
    Ok(support_out(saved, lang))
}
