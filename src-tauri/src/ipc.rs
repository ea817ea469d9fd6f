//! The shapes that cross the IPC boundary, as the UI sees them.
//!
//! Each type derives [`ts_rs::TS`]; `bindings::typescript_bindings` renders them all into
//! `ui/src/lib/backend/generated/ipc.ts` (see `tests/spec/bindings.rs`, which fails when that
//! file is stale). The review shapes are converted from the domain's own JSON (the same JSON the
//! CLI prints with `review --json`, described in `schemas/review.schema.json`), so the UI and the
//! CLI can never disagree about a field.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

// The view types of the app's use cases, defined once there (the overview, decisions and
// their use).
pub use assistid_app::views::{
    Grant, GrantPeriod, GrantUsage, Issue, MonthOverview, ReportSummary, Severity, SubmissionState,
    UsageLevel,
};
// The import session's shapes, defined once in the app's import session.
pub use assistid_app::import_session::{
    ChosenFile, ImportCounts, ImportFile, ImportPreview, ImportProblem, ImportResult, ImportRow,
    ImportRowStatus, SourceInfo,
};

/// The one error shape every command rejects with: a stable code, a message in the UI's
/// language, and the message's own code and parameters.
///
/// Mirrors [`assistid_app::IpcError`] (a spec test proves both serialize alike).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IpcError {
    /// Stable snake_case code the UI may branch on (`not_available`, `invalid_input`, …).
    pub code: String,
    /// Text for coordinators in the UI's language (Swedish by default): what is wrong and where.
    pub message: String,
    /// The message's own stable code (`shift_note_too_long`, …); empty for a message not
    /// built from one (see `assistid_core::text`).
    #[serde(default)]
    pub message_code: String,
    /// The message's parameters by name, in the same language as `message`; a parameter that
    /// is a message of its own (`what`) also gives its code (`what@code`) and parameters
    /// (`what@name`), so the UI renders the whole message again after a language switch.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, String>,
}

impl From<assistid_app::IpcError> for IpcError {
    fn from(e: assistid_app::IpcError) -> Self {
        IpcError {
            code: e.code,
            message: e.message,
            message_code: e.message_code,
            params: e.params,
        }
    }
}

impl From<Language> for assistid_app::core_types::text::Lang {
    fn from(language: Language) -> Self {
        match language {
            Language::Sv => assistid_app::core_types::text::Lang::Sv,
            Language::En => assistid_app::core_types::text::Lang::En,
        }
    }
}

impl From<anyhow::Error> for IpcError {
    fn from(e: anyhow::Error) -> Self {
        // A shell error carried through a use case comes back unchanged.
        if let Some(own) = e.downcast_ref::<IpcError>() {
            return own.clone();
        }
        // The app's one conversion (a shift refusal keeps its own code, `time_ambiguous`, …);
        // messages in Swedish.
        assistid_app::IpcError::from(e).into()
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for IpcError {}

/// The desktop shell's own messages (see [`assistid_app::core_types::text`]): what the shell says itself,
/// beside the app layer's errors. The shell sends them in Swedish with their code and
/// parameters ([`IpcError::shell`]); the UI renders them in its language from
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

impl IpcError {
    /// The shell's own error `code`, told as `text`: the message in Swedish with the text's
    /// code and parameters, so the UI renders it in its own language.
    pub fn shell(code: &str, text: &assistid_app::core_types::text::Text) -> Self {
        use assistid_app::core_types::text::Lang;
        IpcError {
            code: code.to_owned(),
            message: text.render(Lang::Sv),
            message_code: text.code().to_owned(),
            params: text.params_flat(Lang::Sv),
        }
    }

    /// The answer of a command whose use case the app crate does not offer yet.
    pub fn not_available(what: &str) -> Self {
        IpcError {
            code: "not_available".to_owned(),
            message: format!("{what} finns inte i den här versionen av Assistid ännu."),
            ..Default::default()
        }
    }

    /// A value from the UI that is not what the command expects.
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        IpcError {
            code: "invalid_input".to_owned(),
            message: format!("{field}: {message}"),
            ..Default::default()
        }
    }
}

/// The kind of time (FK's `tidsslag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TimeKind {
    /// Active time.
    Aktiv,
    /// Waiting time (väntetid).
    Vante,
    /// On call (beredskap).
    Beredskap,
}

/// Minutes of one kind of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KindTotal {
    /// Wall-clock minutes, as FK's document reads them.
    pub clock_minutes: u32,
    /// Minutes actually worked (differs across a DST change).
    pub real_minutes: u32,
}

/// A report's totals per kind of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Totals {
    /// Active time.
    pub aktiv: KindTotal,
    /// Waiting time.
    pub vante: KindTotal,
    /// On call.
    pub beredskap: KindTotal,
}

/// One FK report row (a shift split at midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportRow {
    /// Day of the month.
    pub day: u32,
    /// `HH.MM`.
    pub from: String,
    /// `HH.MM`; `24.00` ends a row at midnight.
    pub to: String,
    /// Kind of time.
    pub kind: TimeKind,
    /// Wall-clock minutes.
    pub clock_minutes: u32,
    /// Minutes actually worked.
    pub real_minutes: u32,
    /// Minutes as FK counts them.
    pub fk_minutes: u32,
    /// "+1 h, vintertid" / "−1 h, sommartid" when the row crosses a DST change.
    pub dst_note: Option<String>,
}

/// A calculation period that intersects the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PeriodRange {
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day (`YYYY-MM-DD`).
    pub to: String,
}

/// The review of one report (assistant × person × month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportReview {
    /// The current version's id; null when no document can be made yet.
    pub id: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// The person's personnummer (12 digits).
    pub person: String,
    /// The person's name.
    pub person_name: String,
    /// The assistant's identity number (12 digits).
    pub assistant: String,
    /// The assistant's name.
    pub assistant_name: String,
    /// Calculation periods intersecting the month.
    pub calculation_periods: Vec<PeriodRange>,
    /// The report's rows.
    pub rows: Vec<ReportRow>,
    /// Totals per kind.
    pub totals: Totals,
    /// Errors (block signing).
    pub errors: Vec<Issue>,
    /// Warnings.
    pub warnings: Vec<Issue>,
}

/// The month review: every report and the month's own issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MonthReview {
    /// `YYYY-MM`.
    pub month: String,
    /// One per assistant × person.
    pub reports: Vec<ReportReview>,
    /// Month-wide errors.
    pub errors: Vec<Issue>,
    /// Month-wide warnings.
    pub warnings: Vec<Issue>,
}

/// The assistance provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Provider {
    /// Company name.
    pub name: String,
    /// Organisationsnummer.
    pub org_number: String,
    /// Contact person.
    pub contact_person: Option<String>,
    /// Phone.
    pub phone: String,
}

/// A person with assistance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonWithAssistance {
    /// Personnummer.
    pub personnummer: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
}

/// Who employs an assistant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Employment {
    /// The provider.
    Provider,
    /// Another employer.
    OtherEmployer {
        /// Its name.
        name: Option<String>,
        /// Its organisationsnummer.
        org_number: String,
    },
    /// Self-employed.
    SelfEmployed,
    /// The person with assistance.
    PersonWithAssistance,
}

/// A calculation period's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum PeriodLength {
    /// In days.
    Days(u32),
    /// In months.
    Months(u32),
}

/// A working-time calculation period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CalculationPeriod {
    /// First day of the first period (`YYYY-MM-DD`).
    pub start: String,
    /// Length of each period.
    pub length: PeriodLength,
}

/// An assistant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Assistant {
    /// Personnummer or samordningsnummer.
    pub id: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Covered by a collective agreement.
    pub collective_agreement: bool,
    /// Who employs the assistant.
    pub employment: Employment,
    /// The calculation period, if set.
    pub calculation_period: Option<CalculationPeriod>,
}

/// The whole register, for the Register screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegisterData {
    /// The provider, once registered.
    pub provider: Option<Provider>,
    /// Persons with assistance.
    pub persons: Vec<PersonWithAssistance>,
    /// Assistants.
    pub assistants: Vec<Assistant>,
}

/// A resolved Europe/Stockholm wall-clock reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShiftTime {
    /// `YYYY-MM-DDTHH:MM:SS`, no offset.
    pub local: String,
    /// Minutes east of UTC: 120 (summer) or 60 (winter).
    pub offset_minutes: i32,
}

/// A piece of work shown in the month grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShiftRecord {
    /// The stored shift's id (what `update_shift` and `delete_shift` take).
    pub id: String,
    /// Person (12 digits).
    pub person: String,
    /// Assistant (12 digits).
    pub assistant: String,
    /// Start.
    pub start: ShiftTime,
    /// End.
    pub end: ShiftTime,
    /// Kind of time.
    pub kind: TimeKind,
    /// A note.
    pub note: Option<String>,
    /// Wall-clock minutes.
    pub clock_minutes: u32,
    /// Minutes actually worked.
    pub real_minutes: u32,
    /// DST note, if any.
    pub dst_note: Option<String>,
}

/// Which of the two occurrences of a repeated autumn time is meant (02:00–02:59 on the night
/// the clocks go back): `first` in summer time (+02:00), `second` in winter time (+01:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Occurrence {
    /// The first time, still summer time.
    First,
    /// The second time, already winter time.
    Second,
}

/// A shift as typed in the month grid, to add or change one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShiftInput {
    /// Person (12 digits).
    pub person: String,
    /// Assistant (12 digits).
    pub assistant: String,
    /// Start, local `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// Needed only when `start` falls in the repeated autumn hour; never guessed.
    pub start_occurrence: Option<Occurrence>,
    /// End, local `YYYY-MM-DDTHH:MM`.
    pub end: String,
    /// Needed only when `end` falls in the repeated autumn hour; never guessed.
    pub end_occurrence: Option<Occurrence>,
    /// Kind of time.
    pub kind: TimeKind,
    /// A note (not sent to FK).
    pub note: Option<String>,
}

/// A column of the month grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssistantColumn {
    /// Identity number (12 digits).
    pub id: String,
    /// Display name.
    pub name: String,
}

/// Everything the Month screen needs for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MonthGridData {
    /// `YYYY-MM`.
    pub month: String,
    /// The person.
    pub person: PersonWithAssistance,
    /// Columns in display order.
    pub assistants: Vec<AssistantColumn>,
    /// The month's work, per assistant.
    pub shifts: Vec<ShiftRecord>,
    /// One review per assistant with work this month: totals and issues, and of its rows only
    /// those with a DST note (the cells come from `shifts`; a row per shift again would double
    /// the answer for nothing).
    pub reports: Vec<ReportReview>,
    /// Month-wide errors concerning this person.
    pub errors: Vec<Issue>,
    /// Month-wide warnings concerning this person.
    pub warnings: Vec<Issue>,
    /// The identity numbers of the assistants in the person's team (the columns a
    /// coordinator chose; the other columns are assistants who worked this month).
    pub team: Vec<String>,
    /// The person's granted against used hours in the month (one per decision that applies).
    pub granted_hours: Vec<GrantUsage>,
}

/// One assistant in a person's team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeamMember {
    /// Identity number (12 digits).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The first day in the team (`YYYY-MM-DD`), when known.
    pub since: Option<String>,
}

/// A person's team and decisions, for the Register screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonDetails {
    /// The person's personnummer (12 digits).
    pub person: String,
    /// The assistants in the person's team.
    pub team: Vec<TeamMember>,
    /// The person's decisions, oldest first.
    pub grants: Vec<Grant>,
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

/// A person who signs for the provider (firmatecknare).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Signatory {
    /// The personnummer, 12 digits (what `start_provider_batch` takes to choose the signer).
    pub personnummer: String,
    /// The personnummer masked, for display.
    pub masked: String,
    /// First and last name.
    pub name: String,
}

/// Where a step of going live stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LiveStepState {
    /// Done.
    Done,
    /// Still to do.
    ToDo,
    /// Done once, needs attention now (a certificate about to expire or expired).
    Attention,
}

/// One step of the going-live checklist in Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LiveStep {
    /// `fk_agreement`, `fk_client_certificate`, `fk_ca`, `bankid_rp`, `first_test_report`,
    /// `production`.
    pub code: String,
    /// The step (Swedish).
    pub title: String,
    /// Where it stands.
    pub state: LiveStepState,
    /// What is done or what to do next (Swedish).
    pub detail: String,
}

/// The outcome of "Testa anslutningen till Försäkringskassan" or "Testa BankID".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckOutcome {
    /// True when the check passed.
    pub ok: bool,
    /// `ok`, or what failed.
    pub code: String,
    /// What was checked and found (Swedish).
    pub message: String,
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

/// One exported report (`index.json` entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportedReport {
    /// Report id.
    pub id: String,
    /// Version number.
    pub version: u32,
    /// `YYYY-MM`.
    pub month: String,
    /// Person (12 digits).
    pub person: String,
    /// Assistant (12 digits).
    pub assistant: String,
    /// SHA-256 of the canonical form.
    pub sha256: String,
    /// `<id>,<sha256>`.
    pub binding: String,
    /// File name next to the index.
    pub file: String,
    /// False when the report has errors.
    pub sendable: bool,
    /// Error codes.
    pub errors: Vec<String>,
}

/// The result of exporting a month's reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportResult {
    /// The folder the files were written to.
    pub folder: String,
    /// `YYYY-MM`.
    pub month: String,
    /// One entry per report.
    pub reports: Vec<ExportedReport>,
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
