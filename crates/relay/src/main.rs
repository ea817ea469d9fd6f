//! `assistid-relay`: the vendor's relay service and its admin commands (docs/RELAY.md).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use assistid_relay::config::Config;
use assistid_relay::db::{self, Pool};
use assistid_relay::{RelayHandle, pki, queue};
use clap::{Parser, Subcommand};
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(
    name = "assistid-relay",
    version,
    about = "Assistid's relay: one FK certificate and one FK pace for every installation"
)]
struct Cli {
    /// The configuration file.
    #[arg(
        long,
        short,
        global = true,
        default_value = "/etc/assistid-relay/relay.toml"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the service until SIGTERM or Ctrl-C (then finishes the requests in flight).
    Serve,
    /// Brings the database to this version's schema and exits.
    Migrate,
    /// Makes the relay's CA and server certificate in a folder (refuses to overwrite).
    Init {
        /// Where to write ca.pem, ca-key.pem, server.pem, server-key.pem.
        #[arg(long)]
        dir: PathBuf,
        /// The vendor's name (the CA's organisation).
        #[arg(long)]
        vendor: String,
        /// The relay's host names or IP addresses, as installations will reach it.
        #[arg(long = "server-name", required = true)]
        server_names: Vec<String>,
    },
    /// Prints a one-time enrolment code for a provider's installation.
    Enrol {
        /// The provider's organisationsnummer.
        #[arg(long)]
        provider: String,
    },
    /// Revokes an installation (all its certificates) or one certificate.
    Revoke {
        /// The installation's id.
        #[arg(long, conflicts_with = "certificate")]
        installation: Option<Uuid>,
        /// A certificate's SHA-256 fingerprint (hex).
        #[arg(long)]
        certificate: Option<String>,
    },
    /// Lists the installations, with the provider's name as the relay knows it.
    Installations,
    /// Shows or corrects the provider's name that the relay writes on the first line of every
    /// BankID text (with the organisationsnummer, which stays the authority).
    ProviderName {
        /// The provider's organisationsnummer.
        #[arg(long)]
        provider: String,
        /// The name to set (as registered at Bolagsverket); without it, the name is shown.
        #[arg(long)]
        name: Option<String>,
    },
    /// Releases a person with assistance who employs their assistants from the provider
    /// that first sent such a report for them (the person has changed provider).
    ReleasePerson {
        /// The person's personnummer (12 digits, or with a hyphen).
        #[arg(long)]
        personnummer: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(assistid_relay::log_filter(
            &std::env::var("ASSISTID_RELAY_LOG").unwrap_or_else(|_| "info".to_owned()),
        ))
        .with_writer(std::io::stderr)
        .init();
    if let Command::Init {
        dir,
        vendor,
        server_names,
    } = &cli.command
    {
        let files = pki::init(dir, vendor, server_names)?;
        println!(
            "Skapade {}, {}, {} och {}.",
            files.ca_cert.display(),
            files.ca_key.display(),
            files.server_cert.display(),
            files.server_key.display()
        );
        return Ok(());
    }
    let config = Config::load(&cli.config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    runtime.block_on(run(cli.command, config))
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let pool = Pool::new(&config.database_url);
    match command {
        Command::Serve => {
            let relay = RelayHandle::start(&config).await?;
            let drain = Duration::from_secs(config.queue.drain_secs);
            wait_for_signal().await?;
            tracing::info!(
                code = "stopping",
                "signal received: finishing requests in flight"
            );
            relay.shutdown(drain).await;
        }
        Command::Migrate => {
            let version = db::migrate(&pool).await?;
            println!("Databasen har schemaversion {version}.");
        }
        Command::Enrol { provider } => {
            db::migrate(&pool).await?;
            let (code, expires) =
                queue::create_enrolment_code(&pool, &provider, config.tls.enrolment_code_days)
                    .await?;
            let ca = std::fs::read(&config.tls.ca_cert)
                .with_context(|| format!("{}", config.tls.ca_cert.display()))?;
            let ca_der = {
                use rustls::pki_types::CertificateDer;
                use rustls::pki_types::pem::PemObject as _;
                CertificateDer::from_pem_slice(&ca)
                    .context("ca_cert")?
                    .to_vec()
            };
            println!("Anslutningskod: {code}");
            println!(
                "Gäller till: {} (en gång)",
                expires.format("%Y-%m-%d %H:%M UTC")
            );
            println!("Relayns CA (SHA-256): {}", pki::fingerprint(&ca_der));
        }
        Command::Revoke {
            installation,
            certificate,
        } => {
            let found = match (installation, certificate) {
                (Some(id), _) => queue::revoke_installation(&pool, id).await?,
                (None, Some(sha)) => queue::revoke_certificate(&pool, &sha).await?,
                (None, None) => anyhow::bail!("Ange --installation ID eller --certificate SHA256."),
            };
            anyhow::ensure!(
                found,
                "Det finns ingen sådan installation eller sådant certifikat."
            );
            println!("Spärrat.");
        }
        Command::Installations => {
            for row in queue::installations(&pool).await? {
                let revoked = row
                    .revoked_at
                    .map(|t| format!("spärrad {}", t.format("%Y-%m-%d")))
                    .unwrap_or_default();
                println!(
                    "{}  {}  {}  ansluten {}  {revoked}",
                    row.id,
                    row.provider,
                    row.provider_name.as_deref().unwrap_or("(namn saknas)"),
                    row.enrolled_at.format("%Y-%m-%d")
                );
            }
        }
        Command::ProviderName { provider, name } => {
            let orgnr = assistid_core::ids::OrgNumber::parse(&provider).map_err(|_| {
                anyhow::anyhow!(
                    "Organisationsnumret {provider:?} är inte giltigt (10 siffror med rätt \
                     kontrollsiffra)."
                )
            })?;
            db::migrate(&pool).await?;
            if let Some(name) = name {
                let name = assistid_core::signtext::provider_name(&name)
                    .map_err(|e| anyhow::anyhow!("Namnet går inte att använda: {e}."))?;
                queue::set_provider_name(&pool, &orgnr, &name).await?;
                println!(
                    "BankID-texternas första rad blir nu: {}",
                    assistid_core::signtext::relay_header(&orgnr, Some(&name))
                );
            } else {
                match queue::provider_name(&pool, &orgnr).await? {
                    Some((name, set_by)) => {
                        let by = if set_by == "admin" {
                            "satt av leverantören"
                        } else {
                            "från installationens anslutning"
                        };
                        println!("{name} ({by})");
                    }
                    None => println!(
                        "Relayn känner inget namn för {}: BankID-texterna visar bara \
                         organisationsnumret. Ange det med --name.",
                        orgnr.formatted()
                    ),
                }
            }
        }
        Command::ReleasePerson { personnummer } => {
            let pnr = assistid_core::ids::Personnummer::parse(
                &personnummer,
                chrono::Utc::now().date_naive(),
            )
            .map_err(|e| anyhow::anyhow!("Personnumret går inte att läsa: {e}"))?;
            db::migrate(&pool).await?;
            if queue::release_person(&pool, pnr.digits()).await? {
                println!("Kopplingen är släppt: nästa anordnare som skickar för personen kopplas.");
            } else {
                println!("Personen var inte kopplad till någon anordnare.");
            }
        }
        Command::Init { .. } => {}
    }
    Ok(())
}

async fn wait_for_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("SIGTERM handler")?;
        tokio::select! {
            _ = term.recv() => {}
            r = tokio::signal::ctrl_c() => r.context("Ctrl-C handler")?,
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.context("Ctrl-C handler")?;
    Ok(())
}
