//! The shapes that cross the IPC boundary, as the UI sees them.
//!
//! The app's view types (`assistid_app::views`) and its one [`IpcError`] are re-exported as
//! they are, never mirrored; the shapes defined here are those of the shell's own commands that
//! have no app view type yet. Each derives [`ts_rs::TS`]; `bindings::typescript_bindings` renders
//! them all into `ui/src/lib/backend/generated/ipc.ts` (see `tests/spec/bindings.rs`, which fails
//! when that file is stale). The month review is the same JSON the CLI prints with
//! `review --json` (`schemas/review.schema.json`; `tests/spec/boundary.rs` proves it).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

// The view types of the app's use cases, defined once there (the overview, the month review
// and grid, the register, decisions and their use, the export, the going-live checklist and
// checks, the signatories), and the app's one error.
pub use assistid_app::IpcError;
/// Where a step of going live stands (the app's own enum).
pub use assistid_app::going_live::StepState as LiveStepState;
pub use assistid_app::reports::{ExportedReport, ExportedSignature};
pub use assistid_app::views::{
    Assistant, AssistantColumn, CalculationPeriod, Employment, ExportResult, Grant, GrantPeriod,
    GrantUsage, Issue, KindTotal, MonthGridData, MonthOverview, MonthReview, Occurrence,
    PeriodLength, PeriodRange, PersonDetails, PersonWithAssistance, Provider, RegisterData,
    ReportReview, ReportRow, ReportSummary, Severity, ShiftInput, ShiftRecord, ShiftTime,
    SubmissionState, TeamMember, TimeKind, Totals, UsageLevel,
};
pub use assistid_app::views::{CheckOutcome, LiveStep, Signatory};
// The import session's shapes, defined once in the app's import session.
pub use assistid_app::import_session::{
    ChosenFile, ImportCounts, ImportFile, ImportPreview, ImportProblem, ImportResult, ImportRow,
    ImportRowStatus, SourceInfo,
};

impl From<Language> for assistid_app::core_types::text::Lang {
    fn from(language: Language) -> Self {
        match language {
            Language::Sv => assistid_app::core_types::text::Lang::Sv,
            Language::En => assistid_app::core_types::text::Lang::En,
        }
    }
}

/// The desktop shell's own messages (see [`assistid_app::core_types::text`]): what the shell says itself,
/// beside the app layer's errors. The shell sends them in Swedish with their code and
/// parameters ([`shell_error`]); the UI renders them in its language from
/// `ui/src/lib/backend/generated/messages.ts`.
pub mod shell_texts {
    use assistid_app::core_types::text::Template;

    macro_rules! templates {
        ($($(#[$doc:meta])* $name:ident = ($code:literal, $sv:literal, $en:literal);)*) => {
            $($(#[$doc])* pub static $name: Template = Template::new($code, $sv, $en);)*
            /// Every template of the desktop shell.
            pub static CATALOG: &[&Template] = &[$(&$name),*];
        };
    }

    templates! {
        /// A signing flow the shell no longer has.
        UNKNOWN_ORDER = ("shell_unknown_order",
            "Underskriften finns inte längre (avslutad eller appen omstartad); börja om.",
            "The signing no longer exists (finished, or the app was restarted); start again.");
        /// The signing flow's state could not be read.
        SIGNING_INTERNAL = ("shell_signing_internal",
            "Något gick fel med underskriften; börja om.",
            "Something went wrong with the signing; start again.");
        /// Nothing chosen to sign.
        NOTHING_TO_SIGN = ("shell_nothing_to_sign",
            "Det finns inget att skriva under.",
            "There is nothing to sign.");
        /// The order has not started yet.
        ORDER_NOT_STARTED = ("shell_order_not_started",
            "BankID-ordern har inte startat än; vänta ett ögonblick.",
            "The BankID order has not started yet; wait a moment.");
        /// The simulated BankID app outside the demo.
        SIMULATED_OUTSIDE_DEMO = ("shell_simulated_bankid_outside_demo",
            "Den simulerade BankID-appen finns bara i demoläget.",
            "The simulated BankID app exists only in the demo.");
        /// Somebody else's BankID app on a phone order.
        WRONG_PERSON_PHONE = ("shell_wrong_person_phone",
            "En telefonorder går bara till BankID-appen hos den som ska skriva under; ingen annan kan öppna den.",
            "A phone order goes only to the BankID app of the person who is to sign; nobody else can open it.");
        /// A phone-only action on another order.
        NOT_A_PHONE_ORDER = ("shell_not_a_phone_order",
            "Det här är ingen underskrift via telefonsamtal.",
            "This is not a signing over a phone call.");
        /// A sending run is already going.
        SUBMISSION_RUNNING = ("shell_submission_running",
            "Ett inskick pågår redan; vänta tills det är klart.",
            "A submission is already running; wait until it is done.");
    }
}

/// The shell's own error `code`, told as `text`: the message in Swedish with the text's code
/// and parameters, so the UI renders it in its own language.
pub fn shell_error(code: &str, text: &assistid_app::core_types::text::Text) -> IpcError {
    IpcError::told(code, text, assistid_app::core_types::text::Lang::Sv)
}

/// Where the app talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// Demo data; nothing leaves the computer.
    Demo,
    /// FK's test environment.
    Test,
    /// Production.
    Prod,
}

/// Which of the desktop app's two data folders is open: the demo folder (`<root>/demo`) or the
/// folder for real data (the root itself, the CLI's default folder too). Demo data and real
/// data never share a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Workspace {
    /// The demo folder.
    Demo,
    /// The folder for real data.
    Real,
}

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Swedish (default).
    #[default]
    Sv,
    /// English.
    En,
}

/// What a certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CertificatePurpose {
    /// FK's client certificate (mutual TLS).
    FkClient,
    /// BankID relying-party certificate.
    BankidRp,
}

/// An installed certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CertificateInfo {
    /// What it is for.
    pub purpose: CertificatePurpose,
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// Expiry (RFC 3339).
    pub not_after: String,
    /// Whether the PKCS#12 password is in the OS keychain.
    pub password_in_keychain: bool,
    /// `ok`, `expires_soon` (from 30 days before expiry), `expired` or `not_yet_valid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<String>,
    /// What to tell the user (Swedish): how long it is valid, or the warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

/// The Settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// Where the app talks to.
    pub environment: Environment,
    /// UI language.
    pub language: Language,
    /// Installed certificates.
    pub certificates: Vec<CertificateInfo>,
    /// `demo` or `real`: what the data folder holds (a demo folder only ever sends to the demo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub data_kind: Option<String>,
    /// False while a real data folder has no environment chosen yet (`environment` then shows
    /// FK's test service, which nothing is sent to until the user chooses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub environment_chosen: Option<bool>,
    /// Which data folder is open (the desktop app keeps demo and real data apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub workspace: Option<Workspace>,
    /// The open data folder's path, to show the user where their data lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub data_folder: Option<String>,
    /// FK's test and production services as set up in a folder for real data (address and
    /// which server certificates are trusted); absent in the demo folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fk_services: Option<Vec<FkService>>,
    /// BankID's test service as set up in a folder for real data (address, TLS trust, extra
    /// user-certificate root); absent in the demo folder. Production has nothing to set up:
    /// it is always BankID's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bankid_test: Option<BankIdTestService>,
}

/// BankID's test service as set up in the data folder (Settings → BankID, test only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BankIdTestService {
    /// The address orders go to.
    pub endpoint: String,
    /// BankID's own test address (what "use BankID's address" goes back to).
    pub default_endpoint: String,
    /// Whether `endpoint` is BankID's own.
    pub is_default: bool,
    /// The CA certificates the service's TLS certificate must chain to; empty: BankID's own
    /// test TLS root, shipped with the program.
    pub server_ca: Vec<CaCertificate>,
    /// The extra user-certificate root trusted beside BankID's test root, if chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_root: Option<CaCertificate>,
}

/// One of FK's real services (test or prod) as set up in the data folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FkService {
    /// `test` or `prod`.
    pub environment: Environment,
    /// The address reports are sent to.
    pub endpoint: String,
    /// FK's published address for this service (what "use FK's address" goes back to).
    pub default_endpoint: String,
    /// Whether `endpoint` is FK's published address.
    pub is_default: bool,
    /// Which server certificates are trusted.
    pub trust: FkTrust,
}

/// Which server certificates are trusted for one of FK's services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FkTrust {
    /// `imported_ca` (FK's CA file chosen in the settings), `ca_file` (a PEM file named on the
    /// command line), `system_roots` (the computer's root certificates) or `not_chosen`
    /// (nothing can be sent there until one is chosen).
    pub kind: String,
    /// The imported CA certificates (`imported_ca`).
    pub certificates: Vec<CaCertificate>,
    /// The file's path (`ca_file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub path: Option<String>,
}

/// One imported CA certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaCertificate {
    /// The subject, RFC 4514 style.
    pub subject: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
}

/// What the user chose to trust for one of FK's services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrustChoice {
    /// The computer's root certificates.
    SystemRoots,
    /// FK's CA certificates in a PEM file chosen in the webview.
    CaFile {
        /// The file (name and bytes).
        file: ImportFile,
    },
}

/// Who signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    /// The assistant who worked.
    Assistant,
    /// The provider's signatory.
    Provider,
}

/// A started signing flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignOrder {
    /// The shell's handle for this flow (not BankID's orderRef).
    pub order_ref: String,
    /// Who signs.
    pub role: SignerRole,
    /// The signer's name.
    pub signer_name: String,
    /// Exactly the text BankID shows the signer.
    pub user_visible_text: String,
    /// The report versions the signature covers.
    pub report_ids: Vec<String>,
    /// A phone order (BankID's `/phone/sign`): who called whom. Null for an order started
    /// with the QR code or the BankID app on this computer.
    pub call_initiator: Option<CallInitiator>,
}

/// Who called whom in a phone order (BankID's `callInitiator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CallInitiator {
    /// We (the provider's coordinator) called the signer ("Vi ringer upp"): BankID's `RP`.
    Rp,
    /// The signer called us: BankID's `user`.
    User,
}

/// Where a signing flow is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignPhase {
    /// Waiting for the signer.
    Pending,
    /// Ended without a signature; nothing stored.
    Failed,
    /// Signed, verified and stored.
    Complete,
}

/// A message for the signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignMessage {
    /// BankID's message id (`RFA1`, …) or the app's code.
    pub id: String,
    /// The text in the UI's language.
    pub text: String,
}

/// A signing flow's state, sent as the `sign-status` event on every change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignStatus {
    /// The flow.
    pub order_ref: String,
    /// Where it is.
    pub status: SignPhase,
    /// BankID's hintCode as received.
    pub hint_code: Option<String>,
    /// The message to show.
    pub message: SignMessage,
    /// On completion: who signed.
    pub signed_by: Option<String>,
    /// Whether BankID's app has the order (the QR code is no longer needed).
    pub qr_done: bool,
}

/// What the demo's simulated BankID app does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SimulatedBankIdAction {
    /// Approve as the person who must sign.
    Approve,
    /// Cancel in the app.
    Cancel,
    /// Let the order expire.
    Expire,
    /// Approve as somebody else (Assistid must refuse the signature).
    WrongPerson,
    /// Phone orders: the signer says in the app that no call is going on.
    DeclineCall,
}

/// One report in the submission queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubmissionItem {
    /// The submission (outbox row).
    pub submission_id: String,
    /// The report version sent.
    pub report_id: String,
    /// Its version number.
    pub version: u32,
    /// `YYYY-MM`.
    pub month: String,
    /// The person's name.
    pub person_name: String,
    /// The assistant's name.
    pub assistant_name: String,
    /// Its state.
    pub state: SubmissionState,
    /// Attempts made.
    pub attempts: u32,
    /// FK's transaction id once FK answered.
    pub tx_id: Option<String>,
    /// FK's own text (rejections), unchanged.
    pub fk_message: Option<String>,
    /// What it means and what to do, in plain Swedish.
    pub explanation: Option<String>,
    /// When the next attempt is due (RFC 3339).
    pub next_attempt_at: Option<String>,
}

/// The queue, with the pace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubmissionQueue {
    /// The month's submissions (this environment).
    pub items: Vec<SubmissionItem>,
    /// FK's allowed pace.
    pub rate_per_second: u32,
    /// Whether a run is sending now.
    pub running: bool,
    /// The vendor's relay the folder sends through (its address); absent when the folder
    /// sends straight to FK with its own FK certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub relay_address: Option<String>,
}

/// How a data folder sends its reports to FK (Settings → "Skicka via leverantören").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SendingMode {
    /// Straight to FK with the provider's own FK certificate.
    Direct,
    /// Through the vendor's relay, with the certificate the relay issued at enrolment.
    Relay,
}

/// The folder's connection to the vendor's relay as Settings shows it (no key in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RelaySettings {
    /// How the folder sends now.
    pub mode: SendingMode,
    /// Whether this folder may send through the vendor: a folder for real data (demo data
    /// never leaves the computer).
    pub available: bool,
    /// The relay's address (`https://…`), when enrolled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub address: Option<String>,
    /// The installation's id at the relay (to quote to the vendor's support).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub installation_id: Option<String>,
    /// The organisationsnummer the relay's certificate names (`NNNNNN-NNNN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provider: Option<String>,
    /// When the folder was enrolled (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub enrolled_at: Option<String>,
    /// Whether the relay's own CA file is trusted for its address (else the computer's root
    /// certificates).
    pub pinned_ca: bool,
}

/// One send attempt with FK's raw answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RawFkAnswer {
    /// The submission.
    pub submission_id: String,
    /// Every attempt: when, the outcome, FK's answer as received (the SOAP body).
    pub attempts: Vec<RawAttempt>,
}

/// One attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RawAttempt {
    /// Attempt number.
    pub attempt: u32,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// What came of it.
    pub outcome: String,
    /// FK's answer as received, when there was one.
    pub raw_answer: Option<String>,
}

/// A file the shell wrote for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WrittenFile {
    /// Where it is.
    pub path: String,
    /// What it is, for the notice.
    pub description: String,
}

/// One send of one report version, for the History screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HistoryEntry {
    /// The submission.
    pub submission_id: String,
    /// The report version sent.
    pub report_id: String,
    /// Its version number.
    pub version: u32,
    /// `YYYY-MM`.
    pub month: String,
    /// The person's name.
    pub person_name: String,
    /// The assistant's name.
    pub assistant_name: String,
    /// When it was queued (RFC 3339).
    pub queued_at: String,
    /// When the last attempt started (RFC 3339), if one did.
    pub sent_at: Option<String>,
    /// Its state.
    pub state: SubmissionState,
    /// FK's tx-id once accepted.
    pub tx_id: Option<String>,
    /// FK's own text (rejections), unchanged.
    pub fk_message: Option<String>,
    /// SHA-256 of the exact bytes sent (lowercase hex).
    pub document_sha256: String,
    /// Who signed, and on which date: `Assistent: Namn (2026-11-02)`.
    pub signed_by: Vec<String>,
    /// Attempts made.
    pub attempts: u32,
}

/// A report FK has not accepted yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MissingReport {
    /// The person's name.
    pub person: String,
    /// The assistant's name.
    pub assistant: String,
    /// `not_signed_by_assistant`, `not_signed_by_provider`, `not_sent`, `rejected_by_fk`,
    /// `uncertain`.
    pub reason_code: String,
    /// Why, in Swedish.
    pub reason: String,
}

/// An assistant who still has to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssistantToRemind {
    /// The name.
    pub name: String,
    /// The phone number, if registered.
    pub phone: Option<String>,
    /// The persons whose reports wait for them.
    pub persons: Vec<String>,
}

/// The month's deadline, what is missing, and whom to remind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Reminders {
    /// `YYYY-MM`.
    pub month: String,
    /// The 5th of the second month after (`YYYY-MM-DD`).
    pub deadline: String,
    /// Days left (negative once passed).
    #[ts(type = "number")]
    pub days_left: i64,
    /// Reports in the month.
    pub reports: u32,
    /// Reports FK accepted.
    pub accepted: u32,
    /// The others, with why.
    pub missing: Vec<MissingReport>,
    /// Assistants who have not signed.
    pub assistants_to_remind: Vec<AssistantToRemind>,
}

/// Progress of long work, sent as the `progress` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    /// What is being done (`demo_load`, `export`).
    pub task: String,
    /// Steps done.
    pub done: u32,
    /// Steps in all.
    pub total: u32,
}

/// Backups as the Settings screen and the overview show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupSettings {
    /// Whether a recovery key has been confirmed (backups are on).
    pub set_up: bool,
    /// Whether a recovery key was shown but not yet typed back.
    pub key_pending: bool,
    /// The folder automatic backups go to.
    pub folder: Option<String>,
    /// How many automatic backups are kept.
    pub keep: u32,
    /// When the last good backup was made (RFC 3339).
    pub last_ok_at: Option<String>,
    /// When the last attempt failed, if that is newer than the last good one (RFC 3339).
    pub last_failure_at: Option<String>,
    /// Why it failed (Swedish).
    pub last_failure: Option<String>,
    /// The overview's warning: `backup_not_set_up`, `backup_never_made`, `backup_failed` or
    /// `backup_old`.
    pub warning_code: Option<String>,
    /// The warning's text (Swedish).
    pub warning: Option<String>,
    /// Whether the folder for real data has no database yet, so a backup can be restored into
    /// it ("Återställ från säkerhetskopia").
    pub can_restore: bool,
}

/// A new recovery key, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecoveryKeyShown {
    /// Seven groups of four symbols, e.g. `7K3M-…`.
    pub recovery_key: String,
}

/// What a restore brought back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RestoreResult {
    /// The provider's name.
    pub provider: Option<String>,
    /// When the backup was made (RFC 3339).
    pub backup_made_at: String,
    /// The months with reports (`YYYY-MM`).
    pub months: Vec<String>,
    /// Reports (assistant × person × month).
    pub reports: u32,
    /// BankID signatures.
    pub signatures: u32,
    /// Submissions to FK.
    pub submissions: u32,
    /// Of which FK accepted.
    pub accepted: u32,
    /// When FK last accepted a report (RFC 3339).
    pub last_accepted_at: Option<String>,
    /// Certificates whose password must be typed again (Swedish labels).
    pub passwords_needed: Vec<String>,
}

/// Event names the shell emits (payloads: [`Progress`] for `progress`).
pub const EVENT_PROGRESS: &str = "progress";
/// The event with a [`SignStatus`] on every change of a signing flow.
pub const EVENT_SIGN_STATUS: &str = "sign-status";
/// The event with a [`SubmissionItem`] on every state change in the queue.
pub const EVENT_SUBMISSION: &str = "submission-progress";
/// The event with an [`IpcError`] when a submission run stops before its end.
pub const EVENT_SUBMISSION_FAILED: &str = "submission-failed";
