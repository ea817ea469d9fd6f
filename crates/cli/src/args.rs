//! The command line, as clap parses it. Flags are a stable interface: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Assistid: time reports for personal assistance, from shifts to Försäkringskassan.
#[derive(Debug, Parser)]
#[command(name = "assistid", version, about, long_about = None)]
pub struct Cli {
    /// The data folder (database). Default: the operating system's application data folder.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Machine-readable JSON on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// The language of the messages from validation, the import, FK's answers and errors: sv
    /// (default) or en. Default: the environment variable ASSISTID_LANG, else sv.
    #[arg(long, global = true, value_name = "sv|en")]
    pub lang: Option<String>,
    /// More log output on stderr (-v, -vv). Logs never contain personal data.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create demo data (if the data folder is empty) and show the month review.
    Demo(DemoArgs),
    /// Import shifts from a CSV or XLSX file (see schemas/import-shifts.md).
    Import(ImportArgs),
    /// The provider (assistansanordnare).
    #[command(subcommand)]
    Provider(ProviderCmd),
    /// Persons with assistance.
    #[command(subcommand)]
    Person(PersonCmd),
    /// Assistants.
    #[command(subcommand)]
    Assistant(AssistantCmd),
    /// The month review: every report's rows, totals, DST notes, warnings and errors.
    Review(ReviewArgs),
    /// Report documents.
    #[command(subcommand)]
    Report(ReportCmd),
    /// Send the month's signed reports to Försäkringskassan (progress per report, then a table).
    Submit(SubmitArgs),
    /// The outbox: every submission with its state and tx-id; `resolve` decides uncertain ones.
    Submissions(SubmissionsArgs),
    /// Sending through the vendor's relay: `enrol` with the vendor's code, `show`, `leave`
    /// (back to sending directly with the folder's own FK certificate).
    #[command(subcommand)]
    Relay(RelayCmd),
    /// BankID signing: the assistant signs a report, then the provider signs the month.
    #[command(subcommand)]
    Sign(SignCmd),
    /// The submission receipt (PDF; JSON with --json) and the assistants' copies.
    Receipt(ReceiptArgs),
    /// Every version of every report, who signed it, and every send attempt with FK's answer.
    History(HistoryArgs),
    /// The invoice figures (FK 3057 / E-RÄK) per person: real hours, per assistant, missing.
    Invoice(InvoiceArgs),
    /// The month's deadline, what is missing, and the assistants to remind (with phone numbers).
    Reminders(RemindersArgs),
    /// Encrypted backups: `--out FILE` writes one now; `setup`, `confirm`, `folder`, `auto`,
    /// `status`, `verify`.
    Backup(BackupArgs),
    /// Restore a backup into a data folder that has no database (asks for the recovery key).
    Restore(RestoreArgs),
    /// Where this data folder works: demo, or FK's and BankID's test or production services.
    #[command(subcommand)]
    Environment(EnvironmentCmd),
    /// BankID for test and production: the RP certificate and BankID's user-certificate root.
    #[command(subcommand)]
    Bankid(BankidCmd),
    /// Check whether a report file (XML) is exactly one that was signed and sent from this
    /// data folder: hashes, report and version, signers, tx-id, environment.
    Verify(VerifyArgs),
    /// The data folder's settings: `support` (the vendor's support contact).
    #[command(subcommand)]
    Settings(SettingsCmd),
}

/// `assistid settings …`.
#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// The vendor's support contact, shown wherever Assistid says to contact the vendor's
    /// support. Without options it is shown; each option given sets that field (an empty value
    /// removes it); --clear removes all four.
    Support(SupportArgs),
}

/// `assistid settings support`.
#[derive(Debug, Args)]
pub struct SupportArgs {
    /// The vendor's name.
    #[arg(long)]
    pub name: Option<String>,
    /// The support's phone number (e.g. "08-123 456 78").
    #[arg(long)]
    pub phone: Option<String>,
    /// The support's e-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// The support's web address (https://…).
    #[arg(long)]
    pub web: Option<String>,
    /// Remove the whole contact.
    #[arg(long, conflicts_with_all = ["name", "phone", "email", "web"])]
    pub clear: bool,
}

/// `assistid verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The report file (XML), e.g. one written by `assistid report export`.
    #[arg(value_name = "FILE.xml")]
    pub file: PathBuf,
}

/// `assistid environment …`.
#[derive(Debug, Subcommand)]
pub enum EnvironmentCmd {
    /// Show the folder's environment (FK and BankID go together).
    Show,
    /// Choose FK's and BankID's test or production service for a folder with real data.
    Set {
        /// `test` or `prod`.
        #[arg(value_enum)]
        environment: RealEnvArg,
    },
}

/// A real environment.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RealEnvArg {
    /// FK's and BankID's test services.
    Test,
    /// FK and BankID in production.
    Prod,
}

/// `assistid bankid …`.
#[derive(Debug, Subcommand)]
pub enum BankidCmd {
    /// Import the provider's BankID RP certificate (PKCS#12 from the bank). The password is
    /// read from ASSISTID_BANKID_CERT_PASSWORD, else from the first line of stdin; it is kept in
    /// the OS keychain, the file's bytes in the encrypted database.
    ImportRpCertificate {
        /// The PKCS#12 file (.p12 / .pfx).
        #[arg(value_name = "FILE.p12")]
        file: PathBuf,
    },
    /// Test environment only: name an extra root certificate for user certificates (PEM or
    /// DER) to trust beside BankID's own test root, which ships with the program — for a
    /// stand-in for BankID's test service. Refused in production, where only BankID's own
    /// production root (shipped with the program) is trusted.
    SetUserRoot {
        /// The root certificate file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Test environment only: the address of BankID's test service — for a stand-in such as
    /// a vendor's or a BankID test proxy. Without URL, BankID's own test address again.
    /// Refused in production, which is always BankID's own address.
    SetAddress {
        /// The service's base URL (https://…/rp/v6.0).
        #[arg(value_name = "URL")]
        url: Option<String>,
    },
    /// Test environment only: the CA file (PEM) the test service's TLS certificate must chain
    /// to — the stand-in's, with SetAddress. Without FILE, BankID's own test TLS root again.
    /// Refused in production, which trusts only BankID's own root.
    SetServerCa {
        /// The CA certificate file (PEM).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Show the BankID settings (the RP certificate's subject and validity, the root file, the
    /// test service's address and CA).
    Show,
}

/// `assistid backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Write a backup to this file now (it must not exist).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Set-up and automatic backups.
    #[command(subcommand)]
    pub command: Option<BackupCmd>,
}

/// `assistid backup <command>`.
#[derive(Debug, Subcommand)]
pub enum BackupCmd {
    /// Make the recovery key (shown once: print it or write it down), then type it back.
    Setup,
    /// Type back the recovery key shown by `setup` (from stdin or ASSISTID_RECOVERY_KEY).
    Confirm,
    /// Choose the folder for automatic backups and how many are kept.
    Folder {
        /// The folder (a network drive or a synced folder is best).
        dir: PathBuf,
        /// How many automatic backups to keep.
        #[arg(long, default_value_t = 10)]
        keep: u32,
    },
    /// Make the automatic backup into the chosen folder if one is due (for a daily schedule).
    Auto,
    /// Whether backups are set up, where they go, the last good one and any warning.
    Status,
    /// Check a backup file with the recovery key (reads everything, writes nothing).
    Verify {
        /// The backup file.
        file: PathBuf,
    },
}

/// `assistid restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file. The recovery key is read from stdin (or ASSISTID_RECOVERY_KEY).
    pub file: PathBuf,
}

/// `assistid receipt`.
#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// The month (YYYY-MM); not needed with --submissions.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Write the receipt here: a PDF, or the JSON receipt if the name ends in `.json`.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: Option<PathBuf>,
    /// Only this person's reports (personnummer).
    #[arg(long, value_name = "PNR")]
    pub person: Option<String>,
    /// A receipt for these submissions (one run), e.g. `12-20` or `12,13,14`.
    #[arg(long, value_name = "ID,ID…", conflicts_with_all = ["month", "person"])]
    pub submissions: Option<String>,
    /// Also write the assistants' copies into this folder: one PDF per assistant.
    #[arg(long, value_name = "DIR")]
    pub assistant_copies: Option<PathBuf>,
}

/// `assistid history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only this month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Only this person's reports (personnummer).
    #[arg(long, value_name = "PNR")]
    pub person: Option<String>,
    /// Only this assistant's reports (personnummer).
    #[arg(long, value_name = "PNR")]
    pub assistant: Option<String>,
    /// Only the report FK gave this tx-id.
    #[arg(long, value_name = "ID")]
    pub tx_id: Option<String>,
    /// Show FK's raw answer of every attempt.
    #[arg(long)]
    pub raw: bool,
}

/// `assistid invoice`.
#[derive(Debug, Args)]
pub struct InvoiceArgs {
    /// The month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Only this person (personnummer).
    #[arg(long, value_name = "PNR")]
    pub person: Option<String>,
    /// `FILE.pdf` (one person), `FILE.csv` (one or all persons), or a folder: one PDF and one CSV
    /// per person.
    #[arg(long, value_name = "FILE.pdf|FILE.csv|DIR")]
    pub out: Option<PathBuf>,
}

/// `assistid reminders`.
#[derive(Debug, Args)]
pub struct RemindersArgs {
    /// The month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
}

/// `assistid submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Where to send: `demo` (a fake FK started on this computer), `test` or `prod`.
    /// Default: the `elt.environment` setting, or `demo` for demo data.
    #[arg(long, value_name = "demo|test|prod")]
    pub env: Option<String>,
    /// Another service address for this run (e.g. another FK test service).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The CA certificate (PEM) to trust for the server, for this run.
    #[arg(long, value_name = "FILE.pem")]
    pub ca: Option<PathBuf>,
    /// The client certificate (PKCS#12) for this run; its password comes from
    /// ASSISTID_CLIENT_CERT_PASSWORD.
    #[arg(long, value_name = "FILE.p12")]
    pub client_cert: Option<PathBuf>,
    /// Which key of the certificate file to use when it holds several that may log in to FK
    /// (the name or serial number the error message lists).
    #[arg(long, value_name = "NAME|SERIAL")]
    pub client_cert_key: Option<String>,
}

/// `assistid relay …`.
#[derive(Debug, Subcommand)]
pub enum RelayCmd {
    /// Enrol this data folder with the vendor's relay; from then on `assistid submit` sends
    /// through it.
    Enrol(RelayEnrolArgs),
    /// Whether the folder sends directly or through the relay, and which.
    Show,
    /// Back to sending directly with the folder's own FK certificate.
    Leave,
}

/// `assistid relay enrol`.
#[derive(Debug, Args)]
pub struct RelayEnrolArgs {
    /// The relay's address from the vendor (https://…).
    #[arg(long, value_name = "URL")]
    pub address: String,
    /// The one-time enrolment code from the vendor.
    #[arg(long, value_name = "CODE")]
    pub code: String,
    /// The relay's CA certificate (PEM, the vendor's `ca.pem`); default: the system's roots.
    #[arg(long, value_name = "FILE.pem")]
    pub ca: Option<PathBuf>,
}

/// `assistid submissions`.
#[derive(Debug, Args)]
pub struct SubmissionsArgs {
    /// Only this month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub action: Option<SubmissionsCmd>,
}

/// `assistid submissions …`.
#[derive(Debug, Subcommand)]
pub enum SubmissionsCmd {
    /// Decide an uncertain submission (after checking with FK whether it arrived).
    Resolve(ResolveArgs),
    /// One submission: the time to quote to FK, FK's answer explained (who fixes what), the
    /// audit trail.
    Show {
        /// The submission id (from `assistid submissions`).
        id: i64,
    },
    /// Write a diagnostics bundle for the vendor's support (ids, hashes, codes, versions; no
    /// personnummer, names or report).
    Diagnostics {
        /// The submission id (from `assistid submissions`).
        id: i64,
        /// Where to write it (JSON; never overwritten).
        #[arg(long, value_name = "FILE.json")]
        out: PathBuf,
    },
}

/// `assistid submissions resolve`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("decision").required(true).args(["resend", "accepted", "abandon"])))]
pub struct ResolveArgs {
    /// The submission id (from `assistid submissions`).
    pub id: i64,
    /// It did not arrive: send it again at the next `assistid submit`.
    #[arg(long)]
    pub resend: bool,
    /// It arrived: FK's tx-id.
    #[arg(long, value_name = "TXID")]
    pub accepted: Option<String>,
    /// Do not send it.
    #[arg(long)]
    pub abandon: bool,
}

/// `assistid demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The month to show (default: October 2026, the autumn DST change).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
}

/// `assistid import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV or XLSX file.
    pub file: PathBuf,
    /// Only show what would be imported; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// XLSX: the sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Import the valid rows even if some rows have errors (the rows with errors are skipped).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Import only if the file is still the one previewed: its SHA-256 as `--dry-run` shows it.
    /// A file that changed since is refused and nothing is stored.
    #[arg(long, value_name = "SHA256")]
    pub sha256: Option<String>,
}

/// `assistid provider …`.
#[derive(Debug, Subcommand)]
pub enum ProviderCmd {
    /// Register a provider (or update it, same organisationsnummer).
    Add {
        /// Company name.
        #[arg(long)]
        name: String,
        /// Organisationsnummer (10 digits).
        #[arg(long)]
        org_number: String,
        /// Contact person FK may call.
        #[arg(long)]
        contact: Option<String>,
        /// Phone (at least 7 characters; FK requires it).
        #[arg(long)]
        phone: String,
    },
    /// List providers.
    List,
    /// The people allowed to sign reports for the provider with BankID.
    #[command(subcommand)]
    Signatory(SignatoryCmd),
}

/// `assistid provider signatory …`.
#[derive(Debug, Subcommand)]
pub enum SignatoryCmd {
    /// Add a person who signs for the provider (firmatecknare).
    Add {
        /// Personnummer (12 digits; 10 digits and dashes are accepted).
        #[arg(long)]
        personnummer: String,
        /// Given name.
        #[arg(long)]
        first_name: String,
        /// Family name.
        #[arg(long)]
        last_name: String,
    },
    /// List the provider's signatories.
    List,
}

/// Which BankID to use.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnvArg {
    /// The demo's BankID inside this program (the demo folder only).
    Demo,
    /// BankID's test environment.
    Test,
    /// BankID in production.
    Prod,
}

/// What the demo's simulated BankID app does.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DemoOutcomeArg {
    /// Approve as the right person (after about 1.5 s).
    Approve,
    /// The user cancels.
    Cancel,
    /// Nobody signs in time.
    Expire,
    /// Someone else approves: the signature must be refused.
    WrongPerson,
    /// The user's BankID is blocked.
    CertificateErr,
    /// Phone orders: the user says in the app that no call is going on.
    DeclineCall,
}

/// Who called whom, for a BankID phone order (`--call-initiator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CallInitiatorArg {
    /// The coordinator called the signer (BankID's "RP").
    Rp,
    /// The signer called the coordinator (BankID's "user").
    User,
}

/// `assistid sign …`.
#[derive(Debug, Subcommand)]
pub enum SignCmd {
    /// The assistant signs one report (its latest version) with BankID.
    Assistant {
        /// The report id (see `assistid review` or `sign status`).
        #[arg(long, value_name = "ID")]
        report: String,
        /// Which BankID: always the data folder's environment (`assistid environment`); when
        /// given, it must name that environment.
        #[arg(long, value_enum)]
        env: Option<EnvArg>,
        /// Demo folder only: what the simulated BankID app does.
        #[arg(long, value_enum)]
        demo_outcome: Option<DemoOutcomeArg>,
        /// Start the BankID app on this computer (the QR code stays available as well).
        #[arg(long)]
        same_device: bool,
        /// Sign over the phone: the order goes to the BankID app on the signer's own phone
        /// while you are in a call with them (no QR code).
        #[arg(long, conflicts_with = "same_device")]
        phone: bool,
        /// With --phone: who called whom (default rp: you called the signer).
        #[arg(long, value_enum, requires = "phone", value_name = "rp|user")]
        call_initiator: Option<CallInitiatorArg>,
    },
    /// The provider signs the month's assistant-signed reports in one BankID order (or as few
    /// as BankID's size limits allow).
    Provider {
        /// The month (YYYY-MM).
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// Only these reports (comma-separated ids).
        #[arg(long, value_name = "ID,ID…")]
        reports: Option<String>,
        /// The signatory's personnummer (needed when the provider has several).
        #[arg(long, value_name = "PNR")]
        signatory: Option<String>,
        /// Which BankID: always the data folder's environment (`assistid environment`); when
        /// given, it must name that environment.
        #[arg(long, value_enum)]
        env: Option<EnvArg>,
        /// Demo folder only: what the simulated BankID app does.
        #[arg(long, value_enum)]
        demo_outcome: Option<DemoOutcomeArg>,
        /// Start the BankID app on this computer (the QR code stays available as well).
        #[arg(long)]
        same_device: bool,
        /// Sign over the phone: the order goes to the BankID app on the signer's own phone
        /// while you are in a call with them (no QR code).
        #[arg(long, conflicts_with = "same_device")]
        phone: bool,
        /// With --phone: who called whom (default rp: you called the signer).
        #[arg(long, value_enum, requires = "phone", value_name = "rp|user")]
        call_initiator: Option<CallInitiatorArg>,
    },
    /// Each report's signing state for a month.
    Status {
        /// The month (YYYY-MM).
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
}

/// `assistid person …`.
#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    /// Register a person with assistance (or update, same personnummer).
    Add {
        /// Personnummer (12 digits; 10 digits and dashes are accepted).
        #[arg(long)]
        personnummer: String,
        /// Given name.
        #[arg(long)]
        first_name: String,
        /// Family name.
        #[arg(long)]
        last_name: String,
    },
    /// List persons with assistance.
    List,
    /// The person's team: the assistants who work for them (the month grid's columns).
    /// Importing or entering a shift adds its assistant automatically.
    #[command(subcommand)]
    Team(TeamCmd),
    /// The person's decisions from FK (beviljade timmar) and how much of them a month uses.
    #[command(subcommand)]
    Grant(GrantCmd),
    /// Write everything held about one person (either role) to a JSON file: the right of
    /// access (schemas/person-export.schema.json). The file is created owner-only and never
    /// overwrites an existing one.
    Export {
        /// Personnummer or samordningsnummer (12 digits; 10 digits and dashes are accepted).
        #[arg(long)]
        personnummer: String,
        /// The JSON file to create.
        #[arg(long, value_name = "FILE.json")]
        out: PathBuf,
    },
    /// Erase what no record needs about one person (either role): draft reports, shifts of
    /// months never reported, an assistant's phone number. Signed and sent reports are kept
    /// (docs/SECURITY.md, "Retention").
    Erase {
        /// Personnummer or samordningsnummer.
        #[arg(long)]
        personnummer: String,
        /// Confirms the erasure; without it nothing is changed.
        #[arg(long)]
        yes: bool,
    },
}

/// `assistid person team …`.
#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// Add an assistant to the person's team.
    Add {
        /// The person's personnummer.
        #[arg(long)]
        personnummer: String,
        /// The assistant's personnummer or samordningsnummer.
        #[arg(long)]
        assistant: String,
        /// The assistant's first day for the person (YYYY-MM-DD), if known.
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: Option<String>,
    },
    /// Remove an assistant from the person's team (their shifts and reports stay).
    Remove {
        /// The person's personnummer.
        #[arg(long)]
        personnummer: String,
        /// The assistant's personnummer or samordningsnummer.
        #[arg(long)]
        assistant: String,
    },
    /// List the person's team.
    List {
        /// The person's personnummer.
        #[arg(long)]
        personnummer: String,
    },
}

/// `assistid person grant …`.
#[derive(Debug, Subcommand)]
pub enum GrantCmd {
    /// Record a decision from FK: granted hours per week, month or the whole decision period.
    Add {
        /// The person's personnummer.
        #[arg(long)]
        personnummer: String,
        /// Granted hours: 40, 37,5 or 37:30.
        #[arg(long)]
        hours: String,
        /// What the hours are counted per.
        #[arg(long, value_enum, default_value = "week")]
        per: GrantPeriodArg,
        /// The decision's first day (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        /// The decision's last day (YYYY-MM-DD); leave out for "until further notice".
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
    },
    /// List the person's decisions.
    List {
        /// The person's personnummer.
        #[arg(long)]
        personnummer: String,
    },
    /// Remove a mistyped decision (its id from `grant list`).
    Remove {
        /// The person's personnummer.
        #[arg(long)]
        personnummer: String,
        /// The decision's id.
        #[arg(long)]
        id: i64,
    },
    /// Granted against used hours in a month, for every person with a decision (or one).
    Usage {
        /// The month (YYYY-MM).
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// Only this person.
        #[arg(long)]
        personnummer: Option<String>,
    },
}

/// What granted hours are counted per.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GrantPeriodArg {
    /// Hours per week (FK's usual form).
    Week,
    /// Hours per calendar month.
    Month,
    /// Hours for the whole decision period (needs --to).
    Decision,
}

/// Who employs an assistant.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EmploymentArg {
    /// Employed by the provider.
    Provider,
    /// Employed by another employer (give --employer-org and optionally --employer-name).
    Other,
    /// Self-employed.
    SelfEmployed,
    /// Employed by the person with assistance.
    Person,
}

/// `assistid assistant …`.
#[derive(Debug, Subcommand)]
pub enum AssistantCmd {
    /// Register an assistant (or update, same identity number).
    Add(Box<AssistantAddArgs>),
    /// List assistants.
    List,
}

/// `assistid assistant add`.
#[derive(Debug, Args)]
pub struct AssistantAddArgs {
    /// Personnummer or samordningsnummer.
    #[arg(long)]
    pub personnummer: String,
    /// Given name.
    #[arg(long)]
    pub first_name: String,
    /// Family name.
    #[arg(long)]
    pub last_name: String,
    /// Phone (at least 7 characters).
    #[arg(long)]
    pub phone: Option<String>,
    /// The assistant is covered by a collective agreement.
    #[arg(long)]
    pub collective_agreement: bool,
    /// Who employs the assistant.
    #[arg(long, value_enum, default_value = "provider")]
    pub employment: EmploymentArg,
    /// Other employer's organisationsnummer (with --employment other).
    #[arg(long)]
    pub employer_org: Option<String>,
    /// Other employer's name (with --employment other).
    #[arg(long)]
    pub employer_name: Option<String>,
    /// First day of the calculation period (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub period_start: Option<String>,
    /// Length of each calculation period: `28d` (days) or `4m` (months).
    #[arg(long, value_name = "N{d|m}")]
    pub period_length: Option<String>,
}

/// `assistid review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
}

/// `assistid report …`.
#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Write each report's exact bytes and an index.json.
    Export {
        /// The month (YYYY-MM).
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// The folder to write to (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}
