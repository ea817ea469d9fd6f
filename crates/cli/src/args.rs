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
