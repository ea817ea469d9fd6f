//! Submitting signed reports to Försäkringskassan through the durable outbox.
//!
//! The flow for a month ([`App::submit_month`]):
//! 1. the month review brings the stored report versions up to date with the data;
//! 2. every current report version that is fully signed — both signatures binding its exact
//!    frozen bytes — and has no live submission is queued; the others are listed as skipped with
//!    the reason (not signed, rejected unchanged, uncertain, already accepted);
//! 3. the queue is sent through one shared [`Pacer`] (at most one request start per second by
//!    default, a few in flight): each submission is checked again, marked `sending` in a
//!    committed transaction, sent, and its outcome — with FK's raw answer — committed;
//! 4. transient failures (FK certainly did not get the report) are retried with exponential
//!    backoff and jitter, still through the pacer; uncertain ones wait for the user's decision
//!    ([`App::resolve_uncertain`]); rejections keep FK's message verbatim.
//!
//! Logs carry submission ids, attempt numbers and error codes only — never personnummer, names
//! or message bodies.

mod binding;
pub mod connection;
pub mod pacer;
pub mod relay;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::Duration;

use assistid_core::c14n::report_hash;
use assistid_core::model::ReportMonth;
use assistid_core::text::{Lang, Param, Text};
use assistid_elt::{
    CertHealth, Disposition, EltError, SignatureBlock, SubmitAttempt, SubmitRequest, build_request,
};
use assistid_store::{
    AttemptOutcome, AttemptResult, LastRequest, ReportVersion, Resolution, SenderLock, SignerRole,
    Submission,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::task::JoinSet;

pub use assistid_elt::{CertStatus, Environment};
pub use assistid_store::{SubmissionAttempt, SubmissionId, SubmissionState};
pub use binding::{BindingError, binding_entries, signature_binds};
pub use connection::{
    CLIENT_CERT_PASSWORD_ENV, ConnectOptions, DEMO_FK_JOURNAL, DemoFkSetup, ELT_CLIENT_CERT_KEY,
    EltConnection, PROXY_ENV, StandInFk, system_proxy_is_set,
};
pub use pacer::{Pacer, PacerPermit, PacingConfig, PacingError, StartTurn};
pub use relay::{RelayFollow, RelayStatus, SENDING_MODE_KEY, SendingMode};

use crate::{App, AppError};

/// A source of the current time, passed in so the use case never reads the clock itself.
pub type Clock<'a> = &'a (dyn Fn() -> DateTime<Utc> + Sync);

/// When and how often a transient failure is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per submission and run, the first included.
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles for each further attempt.
    pub base_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// Transient failures (FK unavailable, no connection) after which a run stops; what is
    /// left waits for the next run. FK's service being away is not helped by knocking more.
    pub max_transient_per_run: u32,
}

impl Default for RetryPolicy {
    /// Five attempts, waiting about 2, 4, 8 and 16 seconds; at most ten transient failures per
    /// run.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            max_transient_per_run: 10,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based): exponential, capped, with jitter
    /// (between half and all of it, so many clients do not retry in step), and at least what
    /// FK asked for in `Retry-After` (at most [`assistid_elt::client::MAX_RETRY_AFTER_SECS`]).
    pub fn delay(&self, attempt: u32, retry_after_secs: Option<u64>) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let half = full / 2;
        let jitter = if half.is_zero() {
            Duration::ZERO
        } else {
            half.mul_f64(rand::random::<f64>())
        };
        // The ELT client clamps `Retry-After` already; a stored or hand-made value is clamped
        // again, so no wait is longer than an hour.
        let asked = Duration::from_secs(
            retry_after_secs
                .unwrap_or(0)
                .min(assistid_elt::client::MAX_RETRY_AFTER_SECS),
        );
        (half + jitter).max(asked)
    }
}

/// The user's decision on a submission whose outcome is uncertain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Send it again (the user checked with FK that it did not arrive).
    Resend,
    /// FK confirmed it arrived, with this tx-id.
    MarkAccepted {
        /// The tx-id FK gave.
        tx_id: String,
    },
    /// Do not send it.
    Abandon,
}

/// One submission as shown to the user.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionView {
    /// The submission id (for `assistid submissions resolve ID`).
    pub id: i64,
    /// The report id of the version sent.
    pub report_id: String,
    /// The version number.
    pub report_version: u32,
    /// The month.
    pub month: String,
    /// `demo`, `test` or `prod`.
    pub environment: String,
    /// The person with assistance, as "Åsa Ö.".
    pub person: String,
    /// The assistant, as "Erik J.".
    pub assistant: String,
    /// The state's code.
    pub state: &'static str,
    /// The state in Swedish.
    pub state_label: &'static str,
    /// Requests started.
    pub attempts: u32,
    /// FK's tx-id once accepted.
    pub tx_id: Option<String>,
    /// FK's message, verbatim, for rejections.
    pub fk_message: Option<String>,
    /// The last error's code.
    pub error_code: Option<String>,
    /// What happened and what to do, in Swedish.
    pub message: Option<String>,
    /// When the next automatic attempt is due.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl SubmissionView {
    /// The state as the store's enum.
    pub fn state(&self) -> Option<SubmissionState> {
        SubmissionState::ALL
            .into_iter()
            .find(|s| s.code() == self.state)
    }
}

/// A report of the month that was not sent in this run, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedReport {
    /// The report id of its current version.
    pub report_id: String,
    /// The person, as "Åsa Ö.".
    pub person: String,
    /// The assistant, as "Erik J.".
    pub assistant: String,
    /// A stable code: `not_signed`, `assistant_not_signed`, `provider_not_signed`,
    /// `binding_mismatch`, `already_accepted`, `rejected_unchanged`, `uncertain`,
    /// `other_environment`.
    pub reason_code: &'static str,
    /// The reason in Swedish, with what to do.
    pub reason: String,
    /// The submission that blocks a new one, if any.
    pub submission_id: Option<i64>,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct SubmitSummary {
    /// The month.
    pub month: String,
    /// The environment.
    pub environment: String,
    /// The service address.
    pub endpoint: String,
    /// The client certificate's health (warns from 30 days before expiry).
    pub certificate: Option<CertHealth>,
    /// Reports not sent, with the reason.
    pub skipped: Vec<SkippedReport>,
    /// The submissions of this run, in the order they finished.
    pub results: Vec<SubmissionView>,
    /// Why the run stopped before sending everything, if it did.
    pub stopped: Option<RunStop>,
}

impl SubmitSummary {
    /// Results in a state.
    pub fn count(&self, state: SubmissionState) -> usize {
        self.results
            .iter()
            .filter(|r| r.state == state.code())
            .count()
    }
}

/// Why a report version cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReady {
    /// Stable code.
    pub code: &'static str,
    /// Swedish reason.
    pub reason: String,
}

impl fmt::Display for NotReady {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

fn not_ready(code: &'static str, reason: impl Into<String>) -> NotReady {
    NotReady {
        code,
        reason: reason.into(),
    }
}

/// "Åsa Ö." from first and last name.
fn short_name(first: &str, last: &str) -> String {
    match last.chars().next() {
        Some(initial) => format!("{first} {initial}."),
        None => first.to_owned(),
    }
}

/// Names by identity number digits.
pub(crate) struct Names(HashMap<String, String>);

impl Names {
    fn of(&self, digits: &str) -> String {
        self.0
            .get(digits)
            .cloned()
            .unwrap_or_else(|| "(okänd)".to_owned())
    }
}

fn decode_b64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(compact.as_bytes()).ok()
}

/// What the outcome of an attempt means, to store.
struct Interpreted {
    outcome: AttemptOutcome,
    tx_id: Option<String>,
    error_code: Option<&'static str>,
    message: Option<String>,
    fk_message: Option<String>,
    retry_after: Option<u64>,
}

fn interpret(result: &Result<assistid_elt::TxId, EltError>) -> Interpreted {
    match result {
        Ok(tx) => Interpreted {
            outcome: AttemptOutcome::Accepted,
            tx_id: Some(tx.to_string()),
            error_code: None,
            message: None,
            fk_message: None,
            retry_after: None,
        },
        Err(e) => Interpreted {
            outcome: match e.disposition() {
                Disposition::Transient => AttemptOutcome::Transient,
                Disposition::Uncertain => AttemptOutcome::Uncertain,
                Disposition::Rejected => AttemptOutcome::Rejected,
                _ => AttemptOutcome::Configuration,
            },
            tx_id: None,
            error_code: Some(e.code()),
            // The EltError messages say what happened and what to do, in Swedish; FK's own
            // text is kept verbatim beside them.
            message: Some(e.to_string()),
            fk_message: e.fk_message().map(str::to_owned),
            retry_after: match e {
                EltError::ServiceUnavailable { retry_after_secs } => *retry_after_secs,
                _ => None,
            },
        },
    }
}

/// The sending outcomes' templates, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    /// What to do about an uncertain submission.
    pub static UNCERTAIN_ADVICE: Template = Template::new(
        "uncertain_advice",
        "Kontrollera med Försäkringskassan om rapporten kom fram ({support}), och välj sedan i \
         Assistid under Skicka eller Historik (\"FK fick den\", \"Skicka igen\" eller \"Skicka \
         inte\"), eller med `assistid submissions resolve {id} --accepted TXID` (den kom fram), \
         `--resend` (skicka igen) eller `--abandon` (skicka inte).",
        "Check with Försäkringskassan whether the report arrived ({support}), then choose in \
         Assistid under Submit or History (\"FK got it\", \"Send again\" or \"Do not send\"), or \
         with `assistid submissions resolve {id} --accepted TXID` (it arrived), `--resend` (send \
         again) or `--abandon` (do not send).",
    );
    /// A run stopped by a setting.
    pub static RUN_STOPPED_CONFIGURATION: Template = Template::new(
        "run_stopped_configuration",
        "Inskicket stoppades: {error} {queue} Rätta inställningen och starta inskicket igen.",
        "Sending was stopped: {error} {queue} Correct the setting and start sending again.",
    );
    /// A run stopped after transient failures.
    pub static RUN_STOPPED_TRANSIENT: Template = Template::new(
        "too_many_transient_failures",
        "Inskicket stoppades efter {failures} misslyckade försök att nå \
         Försäkringskassan (tjänsten otillgänglig eller ingen anslutning). Inget av dem \
         togs emot. {queue} Försök igen senare.",
        "Sending was stopped after {failures} failed attempts to reach Försäkringskassan (the \
         service unavailable or no connection). None of them was received. {queue} Try again \
         later.",
    );
    /// One report left.
    pub static QUEUE_ONE: Template = Template::new(
        "queue_one",
        "1 rapport skickades inte och ligger kvar i kön.",
        "1 report was not sent and stays in the queue.",
    );
    /// Several left.
    pub static QUEUE_MANY: Template = Template::new(
        "queue_many",
        "{count} rapporter skickades inte och ligger kvar i kön.",
        "{count} reports were not sent and stay in the queue.",
    );
}

/// Every template of the sending outcomes.
pub static CATALOG: &[&assistid_core::text::Template] = &[
    &templates::UNCERTAIN_ADVICE,
    &templates::RUN_STOPPED_CONFIGURATION,
    &templates::RUN_STOPPED_TRANSIENT,
    &templates::QUEUE_ONE,
    &templates::QUEUE_MANY,
];

/// What to tell the user to do about an uncertain submission.
pub fn uncertain_advice(id: i64) -> String {
    uncertain_advice_text(id).render(Lang::Sv)
}

/// [`uncertain_advice`] as a text.
pub fn uncertain_advice_text(id: i64) -> Text {
    templates::UNCERTAIN_ADVICE
        .with("id", id.to_string())
        .with("support", crate::answers::FK_PARTNER_SUPPORT)
}

/// The outcome of one spawned request.
type Finished = (SubmissionId, u32, SubmitAttempt);

/// How often a sender waiting for another program's run tries the folder's lock again.
pub const SENDER_LOCK_POLL: Duration = Duration::from_millis(200);

/// What a sending run did ([`App::send_run`]).
#[derive(Debug, Clone, Serialize)]
pub struct SendRun {
    /// The submissions of this run, in the order they reached their state.
    pub results: Vec<SubmissionView>,
    /// Why the run stopped before sending everything, if it did.
    pub stopped: Option<RunStop>,
}

/// Why a run stopped early: nothing more was started, and the rest stays queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunStop {
    /// A stable code: the error's code (`elt_not_fk_service`, `elt_client_certificate_rejected`,
    /// …) or `too_many_transient_failures`.
    pub code: &'static str,
    /// What happened, what to check and what happens to the rest, in Swedish.
    pub message: String,
    /// The message as a text, to render in the user's language.
    #[serde(skip)]
    pub text: Text,
    /// Reports of the run that were not sent (they stay in the queue).
    pub left_in_queue: usize,
}

impl RunStop {
    fn new(code: &'static str, text: Text, left_in_queue: usize) -> Self {
        Self {
            code,
            message: text.render(Lang::Sv),
            text,
            left_in_queue,
        }
    }

    fn configuration(error: &EltError, left_in_queue: usize) -> Self {
        Self::new(
            error.code(),
            templates::RUN_STOPPED_CONFIGURATION
                .with("error", Text::untranslated(error.code(), error.to_string()))
                .with("queue", queue_note(left_in_queue)),
            left_in_queue,
        )
    }

    fn too_many_transient(failures: u32, left_in_queue: usize) -> Self {
        Self::new(
            "too_many_transient_failures",
            templates::RUN_STOPPED_TRANSIENT
                .with("failures", failures)
                .with("queue", queue_note(left_in_queue)),
            left_in_queue,
        )
    }
}

fn queue_note(left: usize) -> Param {
    match left {
        0 => Param::Plain(String::new()),
        1 => Param::Text(templates::QUEUE_ONE.text()),
        n => Param::Text(templates::QUEUE_MANY.with("count", n)),
    }
}

/// The request committed as `sending` whose departure is still to be noted.
struct Departing {
    id: SubmissionId,
    attempt: u32,
    left: tokio::sync::oneshot::Receiver<tokio::time::Instant>,
}

/// When the departing request left (`Err` when it never did).
async fn departure(
    departing: &mut Option<Departing>,
) -> Result<tokio::time::Instant, tokio::sync::oneshot::error::RecvError> {
    match departing {
        Some(d) => (&mut d.left).await,
        None => std::future::pending().await,
    }
}

/// The next request, holding the pacer's turn: its connection is being opened while the
/// start comes due; its `sending` state is committed [`PacingConfig::commit_lead`] before.
struct Reserved {
    id: SubmissionId,
    envelope: Vec<u8>,
    slot: PacerPermit,
    turn: pacer::StartTurn,
    connecting: tokio::task::JoinHandle<Result<assistid_elt::PreparedConnection, EltError>>,
}

impl App {
    pub(crate) fn names(&self) -> anyhow::Result<Names> {
        let mut map = HashMap::new();
        for p in self.persons()? {
            map.insert(
                p.personnummer.digits().to_owned(),
                short_name(&p.first_name, &p.last_name),
            );
        }
        for a in self.assistants()? {
            map.insert(
                a.id.digits().to_owned(),
                short_name(&a.first_name, &a.last_name),
            );
        }
        Ok(Names(map))
    }

    pub(crate) fn view(
        &self,
        submission: &Submission,
        names: &Names,
    ) -> anyhow::Result<SubmissionView> {
        let version = self
            .store()
            .report_version_by_id(submission.report_id)
            .map_err(AppError::from)?;
        let (person, assistant) = match &version {
            Some(v) => (names.of(v.person.digits()), names.of(v.assistant.digits())),
            None => ("(okänd)".to_owned(), "(okänd)".to_owned()),
        };
        let message = match submission.state {
            SubmissionState::Uncertain => Some(format!(
                "{} {}",
                submission.last_error_message.clone().unwrap_or_default(),
                uncertain_advice(submission.id.get())
            )),
            SubmissionState::Accepted => None,
            _ => submission.last_error_message.clone(),
        };
        Ok(SubmissionView {
            id: submission.id.get(),
            report_id: submission.report_id.to_string(),
            report_version: submission.report_version,
            month: submission.month.to_string(),
            environment: submission.environment.clone(),
            person,
            assistant,
            state: submission.state.code(),
            state_label: submission.state.label_sv(),
            attempts: submission.attempts,
            tx_id: submission.tx_id.clone(),
            fk_message: submission.fk_message.clone(),
            error_code: submission.last_error_code.clone(),
            message: message.map(|m| m.trim().to_owned()),
            next_attempt_at: submission.next_attempt_at,
        })
    }

    /// The request for a report version to FK's `environment`: its exact frozen bytes and
    /// both signatures made with BankID of the same environment (a test signature never goes
    /// to FK's production service, nor the reverse, and a demo signature only to the demo),
    /// after checking that each signature binds exactly these bytes. The one place that reads
    /// the signing tables.
    pub fn signed_request(
        &self,
        version: &ReportVersion,
        environment: Environment,
    ) -> anyhow::Result<Result<SubmitRequest, NotReady>> {
        let bankid = crate::signing::BankIdEnvironment::for_fk(environment);
        if version.superseded_by.is_some() {
            return Ok(Err(not_ready(
                "superseded",
                "en nyare version av rapporten finns; skriv under och skicka den",
            )));
        }
        if !version.is_frozen() {
            return Ok(Err(not_ready(
                "not_signed",
                "rapporten är inte underskriven av assistenten och anordnaren",
            )));
        }
        // The stored hash and binding must still describe the stored bytes.
        let hash = report_hash(&version.document).map_err(|e| AppError::Invalid {
            field: "rapportdokument".to_owned(),
            message: e.to_string(),
        })?;
        if hash != version.sha256 || version.binding != format!("{},{hash}", version.report_id) {
            return Ok(Err(not_ready(
                "document_changed",
                "rapportens lagrade innehåll stämmer inte med dess kontrollsumma; skapa och \
                 signera en ny version",
            )));
        }
        let signatures = self
            .store()
            .signatures_for_report_in(version.report_id, bankid.stored())
            .map_err(AppError::from)?;
        let mut blocks: [Option<SignatureBlock>; 2] = [None, None];
        for signature in &signatures {
            let (slot, who) = match signature.role {
                SignerRole::Assistant => (0, "Assistentens"),
                SignerRole::Provider => (1, "Anordnarens"),
            };
            if signature.environment != bankid.stored() {
                return Ok(Err(not_ready(
                    "signature_other_environment",
                    format!(
                        "{who} underskrift gjordes med BankID i {} och skickas aldrig till \
                         Försäkringskassan i {}; skriv under igen i {}",
                        crate::signing::BankIdEnvironment::of_stored(signature.environment)
                            .label_sv(),
                        environment.label(),
                        bankid.label_sv()
                    ),
                )));
            }
            let (Some(xml), Some(ocsp)) = (
                decode_b64(&signature.signature_base64),
                decode_b64(&signature.ocsp_response_base64),
            ) else {
                return Ok(Err(not_ready(
                    "signature_unreadable",
                    format!("{who} underskrift går inte att läsa; skriv under igen"),
                )));
            };
            match signature_binds(&xml, &version.binding) {
                Ok(true) => {}
                Ok(false) => {
                    return Ok(Err(not_ready(
                        "binding_mismatch",
                        format!(
                            "{who} underskrift gäller inte exakt den här versionen av rapporten; \
                             skriv under igen"
                        ),
                    )));
                }
                Err(e) => {
                    return Ok(Err(not_ready(
                        "binding_mismatch",
                        format!("{who} underskrift: {e}; skriv under igen"),
                    )));
                }
            }
            blocks[slot] = Some(SignatureBlock {
                signature_xml: xml,
                ocsp_response: ocsp,
                signed_on: signature.signed_on,
            });
        }
        let [assistant, provider] = blocks;
        let Some(assistant_signature) = assistant else {
            return Ok(Err(not_ready(
                "assistant_not_signed",
                format!(
                    "assistenten har inte skrivit under rapporten med BankID i {}",
                    bankid.label_sv()
                ),
            )));
        };
        let Some(provider_signature) = provider else {
            return Ok(Err(not_ready(
                "provider_not_signed",
                format!(
                    "anordnaren har inte skrivit under rapporten med BankID i {}",
                    bankid.label_sv()
                ),
            )));
        };
        // The bindings hold; now the signatures themselves, in full: XML-DSig, the signer's
        // certificate chain to BankID's root, the signer, and the texts shown — exactly what
        // FK will check, so a bad signature is caught here and never sent.
        if let Err(e) = self.verify_stored_signatures(version.report_id, bankid) {
            return Ok(Err(not_ready("signature_invalid", e.to_string())));
        }
        Ok(Ok(SubmitRequest {
            report: version.document.clone(),
            assistant_signature,
            provider_signature,
        }))
    }

    /// Brings the month's report versions up to date and queues every ready one for
    /// `environment`. Returns the submissions to send now (new ones, and queued or retrying
    /// ones from earlier runs) and the reports skipped, with the reason.
    pub fn queue_month(
        &self,
        month: ReportMonth,
        environment: assistid_elt::Environment,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(Vec<SubmissionId>, Vec<SkippedReport>)> {
        self.check_environment(environment)?;
        if self.provider()?.is_none() {
            return Err(AppError::Missing(
                "ingen anordnare är registrerad; lägg in anordnaren först".to_owned(),
            )
            .into());
        }
        self.month_review(month, now)?;
        let names = self.names()?;
        let store = self.store();
        let mut to_send = Vec::new();
        let mut skipped = Vec::new();
        for version in store
            .latest_report_versions_in_month(month)
            .map_err(AppError::from)?
        {
            let skip =
                |code: &'static str, reason: String, id: Option<SubmissionId>| SkippedReport {
                    report_id: version.report_id.to_string(),
                    person: names.of(version.person.digits()),
                    assistant: names.of(version.assistant.digits()),
                    reason_code: code,
                    reason,
                    submission_id: id.map(SubmissionId::get),
                };
            if let Some(live) = store
                .live_submission_for_report_in(version.report_id, environment.as_str())
                .map_err(AppError::from)?
            {
                let id = Some(live.id);
                match live.state {
                    SubmissionState::Accepted => skipped.push(skip(
                        "already_accepted",
                        format!(
                            "redan mottagen av Försäkringskassan (tx-id {})",
                            live.tx_id.as_deref().unwrap_or("?")
                        ),
                        id,
                    )),
                    SubmissionState::Rejected => skipped.push(skip(
                        "rejected_unchanged",
                        format!(
                            "avvisades av Försäkringskassan ({}); rätta uppgifterna så skapas en \
                             ny version som måste skrivas under igen",
                            live.fk_message.as_deref().unwrap_or("inget meddelande")
                        ),
                        id,
                    )),
                    SubmissionState::Uncertain | SubmissionState::Sending => skipped.push(skip(
                        "uncertain",
                        format!(
                            "oklart om Försäkringskassan tog emot den. {}",
                            uncertain_advice(live.id.get())
                        ),
                        id,
                    )),
                    _ if live.environment != environment.as_str() => skipped.push(skip(
                        "other_environment",
                        format!("ligger i kö för miljön {}", live.environment),
                        id,
                    )),
                    _ => to_send.push(live.id),
                }
                continue;
            }
            match self.signed_request(&version, environment)? {
                Ok(_) => {
                    // The transition and its audit event commit together: a crash between
                    // them would leave a gap in the audit log.
                    let queued = store.transaction(|store| -> anyhow::Result<_> {
                        let queued = match store.enqueue_submission(
                            version.report_id,
                            environment.as_str(),
                            now,
                        ) {
                            Ok(queued) => queued,
                            // Another program on this folder queued it a moment ago: send
                            // (or skip) that submission instead.
                            Err(assistid_store::StoreError::AlreadyExists { .. }) => {
                                return Ok(None);
                            }
                            Err(e) => return Err(AppError::from(e).into()),
                        };
                        self.log_event(
                            now,
                            "submission_queued",
                            Some(version.report_id),
                            serde_json::json!({
                                "submission": queued.id.get(),
                                "environment": environment.as_str(),
                            }),
                        )?;
                        Ok(Some(queued))
                    })?;
                    match queued {
                        Some(queued) => {
                            tracing::info!(submission = queued.id.get(), "submission queued");
                            to_send.push(queued.id);
                        }
                        None => {
                            if let Some(live) = store
                                .live_submission_for_report(version.report_id)
                                .map_err(AppError::from)?
                                && matches!(
                                    live.state,
                                    SubmissionState::Queued | SubmissionState::FailedWillRetry
                                )
                                && live.environment == environment.as_str()
                            {
                                to_send.push(live.id);
                            }
                        }
                    }
                }
                Err(problem) => skipped.push(skip(problem.code, problem.reason, None)),
            }
        }
        Ok((to_send, skipped))
    }

    /// Commits the outcome of an attempt and says whether (and when) to retry in this run.
    fn record_attempt(
        &self,
        id: SubmissionId,
        attempt: u32,
        sent: &SubmitAttempt,
        retry: &RetryPolicy,
        clock: Clock<'_>,
    ) -> anyhow::Result<(Submission, Option<Duration>)> {
        let now = clock();
        let meaning = interpret(&sent.outcome);
        let retry_in = (meaning.outcome == AttemptOutcome::Transient)
            .then(|| retry.delay(attempt, meaning.retry_after));
        // Checked: a date past chrono's range would panic and leave the report `sending`.
        let next_attempt_at = retry_in.and_then(|d| {
            chrono::Duration::from_std(d)
                .ok()
                .and_then(|d| now.checked_add_signed(d))
        });
        let answer = sent.answer.as_ref();
        // The outcome and its audit event commit together (no gap in the audit log).
        let saved = self.store().transaction(|store| -> anyhow::Result<_> {
            // Another program (or a recovery) may have marked it uncertain meanwhile: FK's
            // answer is kept all the same, with an event that says so.
            let late = store.is_late_answer(id, attempt).map_err(AppError::from)?;
            let saved = store
                .finish_submission_attempt(
                    id,
                    attempt,
                    &AttemptResult {
                        finished_at: now,
                        outcome: meaning.outcome,
                        http_status: answer.map(|a| a.status),
                        answer: answer.map(|a| a.body.as_slice()),
                        tx_id: meaning.tx_id.as_deref(),
                        error_code: meaning.error_code,
                        error_message: meaning.message.as_deref(),
                        fk_message: meaning.fk_message.as_deref(),
                        next_attempt_at,
                    },
                )
                .map_err(AppError::from)?;
            if late {
                self.log_event(
                    now,
                    "submission_late_answer",
                    Some(saved.report_id),
                    serde_json::json!({
                        "submission": id.get(),
                        "attempt": attempt,
                        "outcome": meaning.outcome.code(),
                        "state": saved.state.code(),
                    }),
                )?;
            } else {
                self.log_event(
                    now,
                    &format!("submission_{}", saved.state.code()),
                    Some(saved.report_id),
                    serde_json::json!({
                        "submission": id.get(),
                        "attempt": attempt,
                        "error_code": meaning.error_code,
                    }),
                )?;
            }
            Ok(saved)
        })?;
        let retry_in = retry_in.filter(|_| saved.state == SubmissionState::FailedWillRetry);
        tracing::info!(
            submission = id.get(),
            attempt,
            outcome = meaning.outcome.code(),
            error = meaning.error_code.unwrap_or(""),
            "submission attempt finished"
        );
        let again = retry_in.filter(|_| attempt < retry.max_attempts);
        Ok((saved, again))
    }

    /// The request to send for a submission, checked again just before sending; `Err` with the
    /// reason when it may not go (the caller marks it `failed_final`).
    fn envelope_for(
        &self,
        submission: &Submission,
        connection: &EltConnection,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Result<Vec<u8>, NotReady>> {
        if submission.environment != connection.environment().as_str() {
            return Ok(Err(not_ready(
                "other_environment",
                format!("inskickningen gäller miljön {}", submission.environment),
            )));
        }
        if let Some(health) = connection.certificate_health(now)
            && health.status == assistid_elt::CertStatus::Expired
        {
            return Ok(Err(not_ready(
                "elt_client_certificate_expired",
                EltError::ClientCertificateExpired {
                    expired_on: health.expires_on,
                }
                .to_string(),
            )));
        }
        let Some(version) = self
            .store()
            .report_version_by_id(submission.report_id)
            .map_err(AppError::from)?
        else {
            return Ok(Err(not_ready("not_found", "rapportversionen finns inte")));
        };
        let request = match self.signed_request(&version, connection.environment())? {
            Ok(request) => request,
            Err(problem) => return Ok(Err(problem)),
        };
        // The bytes sent must be the bytes queued.
        let digest = {
            use sha2_digest::digest;
            digest(&request.report)
        };
        if digest != submission.document_sha256 {
            return Ok(Err(not_ready(
                "document_changed",
                "rapportens innehåll har ändrats sedan den lades i kö",
            )));
        }
        Ok(Ok(build_request(&request)))
    }

    /// Sends the given submissions through `pacer`, committing every transition; calls
    /// `progress(done, total, view)` as each one reaches its state for this run. Returns the
    /// views in the order they finished. See [`App::send_run`], which also says why a run
    /// stopped early.
    pub async fn send_submissions(
        &self,
        connection: &EltConnection,
        ids: &[SubmissionId],
        pacer: &Pacer,
        retry: &RetryPolicy,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<Vec<SubmissionView>> {
        Ok(self
            .send_run(connection, ids, pacer, retry, clock, progress)
            .await?
            .results)
    }

    /// Waits until this process is the data folder's only sender ([`SenderLock`]), polling
    /// every [`SENDER_LOCK_POLL`]; another program's run ends within minutes.
    async fn become_sender(&self) -> anyhow::Result<SenderLock> {
        let mut told = false;
        loop {
            if let Some(lock) = SenderLock::try_acquire(&self.data_dir).map_err(AppError::from)? {
                return Ok(lock);
            }
            if !told {
                tracing::info!("another program is sending from this data folder; waiting");
                told = true;
            }
            tokio::time::sleep(SENDER_LOCK_POLL).await;
        }
    }

    /// Sends the given submissions as the data folder's one sender, through `pacer`,
    /// committing every transition; calls `progress(done, total, view)` as each one reaches
    /// its state for this run.
    ///
    /// - First the folder's [`SenderLock`] is taken (waiting while another program sends), and
    ///   rows a dead sender left `sending` become `uncertain`.
    /// - Before every send, under that lock, the last request's departure is read from the
    ///   database and FK's interval is kept after it; each request's departure is noted in the
    ///   database before the next one may start.
    /// - An answer that means "not received — configuration" (a wrong address, a certificate
    ///   FK has not enrolled, a TLS alert) stops the run: nothing more is started, the rest
    ///   stays queued, and [`SendRun::stopped`] says what to check. So does reaching
    ///   [`RetryPolicy::max_transient_per_run`] transient failures.
    pub async fn send_run(
        &self,
        connection: &EltConnection,
        ids: &[SubmissionId],
        pacer: &Pacer,
        retry: &RetryPolicy,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SendRun> {
        let _sender = self.become_sender().await?;
        // Holding the lock: every `sending` row was left by a program that died.
        self.recover_interrupted_submissions(clock())?;
        let names = self.names()?;
        let total = ids.len();
        let mut waiting: VecDeque<(SubmissionId, Option<tokio::time::Instant>)> =
            ids.iter().map(|id| (*id, None)).collect();
        let mut in_flight: JoinSet<Finished> = JoinSet::new();
        let mut next: Option<(SubmissionId, Vec<u8>)> = None;
        // The request whose turn it is: its connection opening, its commit not yet done.
        let mut reserved: Option<Reserved> = None;
        // The request committed and on its way out: its departure is noted in the database
        // before the next request may be reserved.
        let mut departing: Option<Departing> = None;
        let mut stopped: Option<RunStop> = None;
        let mut transient_failures: u32 = 0;
        let lead = pacer.config().commit_lead();
        let spacing = pacer.config().spacing();
        let mut results = Vec::with_capacity(total);
        let mut finish = |view: SubmissionView, results: &mut Vec<SubmissionView>| {
            results.push(view);
            if let Some(last) = results.last() {
                progress(results.len(), total, last);
            }
        };
        loop {
            if stopped.is_some() {
                // Nothing more starts; what is in flight finishes and is recorded.
                next = None;
                if let Some(r) = reserved.take() {
                    r.connecting.abort();
                }
                waiting.clear();
            }
            // Check and build the next request before waiting for the pacer, so the time
            // between a granted start and the request leaving is short and steady.
            if next.is_none() && stopped.is_none() {
                let instant = tokio::time::Instant::now();
                if let Some(pos) = waiting
                    .iter()
                    .position(|(_, due)| due.is_none_or(|t| t <= instant))
                {
                    let Some((id, _)) = waiting.remove(pos) else {
                        continue;
                    };
                    let submission = self
                        .store()
                        .submission(id)
                        .map_err(AppError::from)?
                        .ok_or_else(|| {
                            AppError::missing_text(
                                crate::error::templates::SUBMISSION_MISSING
                                    .with("id", id.to_string()),
                            )
                        })?;
                    if !matches!(
                        submission.state,
                        SubmissionState::Queued | SubmissionState::FailedWillRetry
                    ) {
                        finish(self.view(&submission, &names)?, &mut results);
                        continue;
                    }
                    match self.envelope_for(&submission, connection, clock())? {
                        Ok(envelope) => next = Some((id, envelope)),
                        Err(problem) => {
                            let now = clock();
                            let failed =
                                self.store().transaction(|store| -> anyhow::Result<_> {
                                    let failed = store
                                        .fail_submission_before_sending(
                                            id,
                                            problem.code,
                                            &problem.reason,
                                            now,
                                        )
                                        .map_err(AppError::from)?;
                                    self.log_event(
                                        now,
                                        "submission_failed_final",
                                        Some(failed.report_id),
                                        serde_json::json!({
                                            "submission": id.get(),
                                            "error_code": problem.code,
                                        }),
                                    )?;
                                    Ok(failed)
                                })?;
                            tracing::warn!(
                                submission = id.get(),
                                code = problem.code,
                                "submission stopped before sending"
                            );
                            finish(self.view(&failed, &names)?, &mut results);
                        }
                    }
                    continue;
                }
            }
            if next.is_none()
                && reserved.is_none()
                && departing.is_none()
                && waiting.is_empty()
                && in_flight.is_empty()
            {
                break;
            }
            let earliest_retry = waiting.iter().filter_map(|(_, due)| *due).min();
            let commit_at = reserved.as_ref().map(|r| {
                r.turn
                    .due()
                    .checked_sub(lead)
                    .unwrap_or_else(tokio::time::Instant::now)
            });
            tokio::select! {
                // Starting on time comes first: a result waiting a few milliseconds to be
                // committed changes nothing, a late start lowers the rate for good.
                biased;
                () = sleep_until_or_forever(commit_at), if reserved.is_some() => {
                    let Some(Reserved { id, envelope, slot, turn, connecting }) = reserved.take()
                    else {
                        continue;
                    };
                    // Committed before the request starts: a crash from here on leaves
                    // `sending`, which becomes `uncertain` at the next start.
                    let now = clock();
                    let attempt = self.store().transaction(|store| -> anyhow::Result<_> {
                        let attempt = store
                            .begin_submission_attempt(id, now)
                            .map_err(AppError::from)?;
                        self.log_event(
                            now,
                            "submission_sending",
                            None,
                            serde_json::json!({ "submission": id.get(), "attempt": attempt }),
                        )?;
                        Ok(attempt)
                    })?;
                    tracing::info!(submission = id.get(), attempt, "submission sending");
                    let (left_tx, left_rx) = tokio::sync::oneshot::channel();
                    departing = Some(Departing { id, attempt, left: left_rx });
                    in_flight.spawn(async move {
                        let sent = match connecting.await {
                            Ok(Ok(ready)) => {
                                turn.wait().await;
                                // The spacing to the next request counts from the moment
                                // this one left (or, when it never did, from the previous);
                                // the departure is noted in the database first.
                                ready
                                    .submit_envelope(envelope, move || {
                                        let _ = left_tx.send(tokio::time::Instant::now());
                                        turn.sent_now();
                                    })
                                    .await
                            }
                            // Nothing was sent: the turn passes on unused.
                            Ok(Err(error)) => SubmitAttempt {
                                answer: None,
                                outcome: Err(error),
                            },
                            Err(_) => SubmitAttempt {
                                answer: None,
                                outcome: Err(EltError::Unreachable {
                                    reason: "anslutningen avbröts innan rapporten skickades"
                                        .to_owned(),
                                }),
                            },
                        };
                        drop(slot);
                        (id, attempt, sent)
                    });
                }
                left = departure(&mut departing), if departing.is_some() => {
                    if let Some(Departing { id, attempt, .. }) = departing.take()
                        && let Ok(at) = left
                    {
                        // The wall-clock moment it left: now, less the time since.
                        let now = clock();
                        let ago = chrono::Duration::from_std(
                            tokio::time::Instant::now().saturating_duration_since(at),
                        )
                        .unwrap_or_default();
                        let left_at = now.checked_sub_signed(ago).unwrap_or(now);
                        self.store()
                            .mark_attempt_sent(id, attempt, left_at)
                            .map_err(AppError::from)?;
                    }
                }
                (slot, mut turn) = pacer.reserve(),
                    if next.is_some() && reserved.is_none() && departing.is_none() => {
                    if let Some((id, envelope)) = next.take() {
                        // FK counts calls, not programs: read under the sender lock, before
                        // every send, when this folder's last request left (another run's,
                        // a crashed program's, or this run's own) and keep the interval.
                        let now = clock();
                        match self.store().last_request().map_err(AppError::from)? {
                            Some(LastRequest::Ended(at)) => turn.not_before(at, now),
                            None => {}
                            // In flight and not yet noted as sent: it may leave any moment.
                            Some(_) => turn.not_before(now, now),
                        }
                        // TCP and TLS are opened while the turn comes due, so only the
                        // request itself is written when it does — starting a quarter spacing
                        // after the previous request left, so the server's handshake work does
                        // not compete with its reading of that request.
                        let client = connection.client().clone();
                        let connect_at = turn.due().checked_sub(spacing * 3 / 4);
                        let connecting = tokio::spawn(async move {
                            if let Some(at) = connect_at {
                                tokio::time::sleep_until(at).await;
                            }
                            client.connect().await
                        });
                        reserved = Some(Reserved { id, envelope, slot, turn, connecting });
                    }
                }
                Some(joined) = in_flight.join_next(), if !in_flight.is_empty() => {
                    // A panicked task leaves its row `sending`: uncertain at the next start,
                    // which is the truth (we do not know whether it reached FK).
                    let (id, attempt, sent) = joined
                        .map_err(|e| anyhow::anyhow!("ett sändningsjobb avbröts: {e}"))?;
                    let (saved, again) = self.record_attempt(id, attempt, &sent, retry, clock)?;
                    if let Err(error) = &sent.outcome {
                        if error.is_configuration() && stopped.is_none() {
                            stopped = Some(RunStop::configuration(error, waiting.len()));
                        } else if error.is_retryable() {
                            transient_failures += 1;
                            if transient_failures >= retry.max_transient_per_run
                                && stopped.is_none()
                            {
                                stopped = Some(RunStop::too_many_transient(
                                    transient_failures,
                                    waiting.len() + usize::from(again.is_some()),
                                ));
                            }
                        }
                    }
                    match again {
                        Some(wait) if stopped.is_none() => {
                            waiting.push_back((id, Some(tokio::time::Instant::now() + wait)));
                        }
                        _ => finish(self.view(&saved, &names)?, &mut results),
                    }
                }
                () = sleep_until_or_forever(earliest_retry), if next.is_none() && earliest_retry.is_some() => {}
                // Unreachable by construction (something is always in flight, ready or due);
                // never spin.
                else => break,
            }
        }
        if let Some(stop) = &stopped {
            tracing::warn!(code = stop.code, "submission run stopped early");
        }
        Ok(SendRun { results, stopped })
    }

    /// Queues the month's ready reports for the connection's environment and sends them (and
    /// earlier queued ones of the month) on a runtime of its own. Blocks until every
    /// submission of the run has reached a state; `progress` is called as each does.
    pub fn submit_month(
        &self,
        month: ReportMonth,
        connection: &EltConnection,
        pacer: &Pacer,
        retry: &RetryPolicy,
        clock: Clock<'_>,
        progress: &mut (dyn FnMut(usize, usize, &SubmissionView) + Send),
    ) -> anyhow::Result<SubmitSummary> {
        let (ids, skipped) = self.queue_month(month, connection.environment(), clock())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| anyhow::anyhow!("kunde inte starta sändningen: {e}"))?;
        let run =
            runtime.block_on(self.send_run(connection, &ids, pacer, retry, clock, progress))?;
        Ok(SubmitSummary {
            month: month.to_string(),
            environment: connection.environment().as_str().to_owned(),
            endpoint: connection.endpoint().to_owned(),
            certificate: connection.certificate_health(clock()),
            skipped,
            results: run.results,
            stopped: run.stopped,
        })
    }

    /// The outbox, oldest first; only `month`'s when given.
    pub fn submissions(&self, month: Option<ReportMonth>) -> anyhow::Result<Vec<SubmissionView>> {
        let names = self.names()?;
        let list = match month {
            Some(m) => self.store().submissions_in_month(m),
            None => self.store().all_submissions(),
        }
        .map_err(AppError::from)?;
        list.iter().map(|s| self.view(s, &names)).collect()
    }

    /// The stored attempts of a submission (with FK's raw answers).
    pub fn submission_attempts(
        &self,
        id: SubmissionId,
    ) -> anyhow::Result<Vec<assistid_store::SubmissionAttempt>> {
        Ok(self
            .store()
            .submission_attempts(id)
            .map_err(AppError::from)?)
    }

    /// Whether another program (the desktop app, another `assistid submit`) is sending from
    /// this data folder right now: it holds the folder's [`SenderLock`]. A snapshot, for telling
    /// the user why a run is about to wait; [`App::send_run`] waits for the lock by itself.
    pub fn another_program_is_sending(&self) -> anyhow::Result<bool> {
        Ok(SenderLock::is_held(&self.data_dir).map_err(AppError::from)?)
    }

    /// After a crash: submissions left `sending` become `uncertain` (never resent without a
    /// decision) — when no live program is sending from this data folder. Takes the folder's
    /// [`SenderLock`] for the moment of the recovery; when another process holds it (it is
    /// sending), nothing is touched and the result is empty. Called when the folder is opened.
    pub fn recover_if_no_sender(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<SubmissionId>> {
        match SenderLock::try_acquire(&self.data_dir).map_err(AppError::from)? {
            Some(_lock) => self.recover_interrupted_submissions(now),
            None => {
                tracing::info!("another program is sending from this data folder; no recovery");
                Ok(Vec::new())
            }
        }
    }

    /// After a crash: submissions left `sending` become `uncertain`, unconditionally. Call it
    /// only while holding the folder's [`SenderLock`] ([`App::recover_if_no_sender`] does).
    pub fn recover_interrupted_submissions(
        &self,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<SubmissionId>> {
        // The recovery and its audit events commit together (no gap in the audit log).
        let ids = self.store().transaction(|store| -> anyhow::Result<_> {
            let ids = store
                .recover_interrupted_submissions(now)
                .map_err(AppError::from)?;
            for id in &ids {
                self.log_event(
                    now,
                    "submission_interrupted",
                    None,
                    serde_json::json!({ "submission": id.get() }),
                )?;
            }
            Ok(ids)
        })?;
        for id in &ids {
            tracing::warn!(
                submission = id.get(),
                "interrupted submission is now uncertain"
            );
        }
        Ok(ids)
    }

    /// The user's decision on an uncertain submission, with an audit event. `Resend` queues
    /// it again (sent at the next [`App::submit_month`] of its month).
    pub fn resolve_uncertain(
        &self,
        id: SubmissionId,
        decision: Decision,
        now: DateTime<Utc>,
    ) -> anyhow::Result<SubmissionView> {
        let resolution = match &decision {
            Decision::Resend => Resolution::Resend,
            Decision::MarkAccepted { tx_id } => Resolution::MarkAccepted {
                tx_id: crate::answers::parse_tx_id(tx_id)?,
            },
            Decision::Abandon => Resolution::Abandon,
        };
        let decision_code = match decision {
            Decision::Resend => "resend",
            Decision::MarkAccepted { .. } => "mark_accepted",
            Decision::Abandon => "abandon",
        };
        // The decision and its audit event commit together (no gap in the audit log).
        let saved = self.store().transaction(|store| -> anyhow::Result<_> {
            let saved = store
                .resolve_submission(id, &resolution, now)
                .map_err(|e| match e {
                    assistid_store::StoreError::Invalid { reason } => {
                        AppError::invalid("inskickning", reason)
                    }
                    other => AppError::from(other),
                })?;
            self.log_event(
                now,
                "submission_resolved",
                Some(saved.report_id),
                serde_json::json!({ "submission": id.get(), "decision": decision_code }),
            )?;
            Ok(saved)
        })?;
        tracing::info!(
            submission = id.get(),
            decision = decision_code,
            "uncertain submission resolved"
        );
        let names = self.names()?;
        self.view(&saved, &names)
    }
}

async fn sleep_until_or_forever(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// SHA-256 of bytes as lowercase hex (the outbox's `document_sha256`).
mod sha2_digest {
    pub(super) fn digest(bytes: &[u8]) -> String {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_waits_grow_and_stay_within_bounds() {
        let policy = RetryPolicy::default();
        for attempt in 1..=8 {
            let wait = policy.delay(attempt, None);
            let full = (policy.base_delay * 2u32.pow(attempt - 1)).min(policy.max_delay);
            assert!(
                wait >= full / 2 && wait <= full,
                "attempt {attempt}: {wait:?} must lie between half and all of {full:?}"
            );
        }
        assert!(
            policy.delay(1, Some(30)) >= Duration::from_secs(30),
            "FK's Retry-After is honoured"
        );
        assert!(
            policy.delay(1, Some(u64::MAX)) <= Duration::from_secs(60 * 60),
            "an absurd Retry-After waits at most an hour"
        );
    }

    #[test]
    fn short_names_keep_the_initial() {
        assert_eq!(short_name("Åsa", "Öberg-Lind"), "Åsa Ö.");
        assert_eq!(short_name("Erik", ""), "Erik");
    }
}
