//! `assistid environment …` and `assistid bankid …`: going live from the command line — the
//! folder's environment (FK's and BankID's test or production services, always together) and
//! BankID's RP certificate and user-certificate root for them.

use std::io::BufRead as _;

use anyhow::Context as _;
use assistid_app::certificates::CertificatePurpose;
use assistid_app::core_types::secret::Sensitive;
use assistid_app::signing::{BankIdSettings, CERT_PASSWORD_ENV};
use assistid_app::{App, AppError};
use chrono::{DateTime, Utc};

use crate::args::{BankidCmd, EnvironmentCmd, RealEnvArg};

fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value).context("JSON")?);
    Ok(())
}

pub fn environment(
    app: &App,
    cmd: EnvironmentCmd,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    if let EnvironmentCmd::Set { environment } = cmd {
        let env = match environment {
            RealEnvArg::Test => assistid_app::submit::Environment::Test,
            RealEnvArg::Prod => assistid_app::submit::Environment::Prod,
        };
        app.set_environment(env, now)?;
    }
    let settings = app.environment_settings()?;
    let environment = settings.environment.map(|e| e.as_str());
    if json {
        print_json(&serde_json::json!({
            "data_kind": settings.data_kind.code(),
            "environment": environment,
        }))?;
    } else {
        match settings.environment {
            Some(env) => println!(
                "Datamappen arbetar i {}: Försäkringskassan och BankID i samma miljö.",
                env.label()
            ),
            None => println!(
                "Ingen miljö är vald. Välj med assistid environment set test (Försäkringskassans \
                 och BankID:s testmiljöer) eller set prod."
            ),
        }
    }
    Ok(0)
}

/// The RP certificate's password: the environment variable, else the first line of stdin.
fn rp_password() -> anyhow::Result<Sensitive<String>> {
    if let Some(value) = std::env::var_os(CERT_PASSWORD_ENV) {
        return Ok(Sensitive::new(value.to_string_lossy().into_owned()));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("lösenordet kunde inte läsas från standard in")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(AppError::Missing(format!(
            "lösenordet till RP-certifikatet saknas: ange det i {CERT_PASSWORD_ENV} eller på \
             första raden på standard in"
        ))
        .into());
    }
    Ok(Sensitive::new(password))
}

pub fn bankid(app: &App, cmd: BankidCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    match cmd {
        BankidCmd::ImportRpCertificate { file } => {
            let bytes = std::fs::read(&file)
                .with_context(|| format!("kunde inte läsa {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let installed = app.import_certificate(
                CertificatePurpose::BankIdRp,
                &name,
                &bytes,
                &rp_password()?,
                now,
            )?;
            if json {
                print_json(&serde_json::json!({
                    "imported": true,
                    "subject": installed.subject,
                    "issuer": installed.issuer,
                    "not_after": installed.not_after,
                }))?;
            } else {
                println!(
                    "RP-certifikatet för BankID är inlagt: {} (utfärdat av {}, giltigt till {}). \
                     Lösenordet ligger i nyckelringen.",
                    installed.subject,
                    installed.issuer,
                    installed.not_after.format("%Y-%m-%d")
                );
            }
            Ok(0)
        }
        BankidCmd::SetUserRoot { file } => {
            let path = std::fs::canonicalize(&file)
                .with_context(|| format!("kunde inte hitta {}", file.display()))?;
            app.set_bankid_test_user_root(&path, now)?;
            if json {
                print_json(&serde_json::json!({ "user_root_ca": path }))?;
            } else {
                println!(
                    "Extra rotcertifikat för BankID:s testmiljö: {} (utöver BankID:s eget \
                     testrotcertifikat, som följer med programmet)",
                    path.display()
                );
            }
            Ok(0)
        }
        BankidCmd::SetAddress { url } => {
            app.set_bankid_endpoint(app.bankid_environment()?, url.as_deref(), now)?;
            let service = app.bankid_test_service()?;
            if json {
                print_json(&serde_json::json!({
                    "endpoint": service.endpoint,
                    "is_default": service.is_default,
                }))?;
            } else if service.is_default {
                println!(
                    "BankID:s testmiljö nås på BankID:s egen adress: {}",
                    service.endpoint
                );
            } else {
                println!(
                    "BankID:s testmiljö nås på {} (i produktionsmiljön alltid BankID:s egen \
                     adress)",
                    service.endpoint
                );
            }
            Ok(0)
        }
        BankidCmd::SetServerCa { file } => {
            let bytes = file
                .as_ref()
                .map(|f| {
                    std::fs::read(f).with_context(|| format!("kunde inte läsa {}", f.display()))
                })
                .transpose()?;
            app.set_bankid_server_ca(app.bankid_environment()?, bytes.as_deref(), now)?;
            let service = app.bankid_test_service()?;
            let subjects: Vec<&str> = service
                .server_ca
                .iter()
                .map(|c| c.subject.as_str())
                .collect();
            if json {
                print_json(&serde_json::json!({ "server_ca": service.server_ca }))?;
            } else if subjects.is_empty() {
                println!(
                    "BankID:s testmiljö kontrolleras mot BankID:s eget TLS-rotcertifikat, som \
                     följer med programmet."
                );
            } else {
                println!(
                    "BankID-tjänsten i testmiljön kontrolleras mot: {}",
                    subjects.join("; ")
                );
            }
            Ok(0)
        }
        BankidCmd::Show => {
            let BankIdSettings {
                rp_certificate,
                user_root_ca,
            } = app.bankid_settings()?;
            let rp = app
                .certificates(now)?
                .into_iter()
                .find(|c| c.purpose == CertificatePurpose::BankIdRp);
            let service = app.bankid_test_service()?;
            if json {
                print_json(&serde_json::json!({
                    "rp_certificate": rp.as_ref().map(|c| serde_json::json!({
                        "subject": c.subject,
                        "not_after": c.not_after,
                    })),
                    "rp_certificate_path": rp_certificate,
                    "user_root_ca": user_root_ca,
                    "test_service": service,
                }))?;
            } else {
                match &rp {
                    Some(c) => println!(
                        "RP-certifikat: {} (giltigt till {})",
                        c.subject,
                        c.not_after.format("%Y-%m-%d")
                    ),
                    None => println!(
                        "RP-certifikat: inte inlagt (assistid bankid import-rp-certificate FIL.p12)"
                    ),
                }
                println!(
                    "Rotcertifikat för användarcertifikat: BankID:s egna (test och produktion), \
                     följer med programmet"
                );
                if let Some(p) = &user_root_ca {
                    println!("Extra rotcertifikat, bara i testmiljön: {}", p.display());
                }
                if let Some(root) = &service.user_root {
                    println!(
                        "Extra rotcertifikat valt i inställningarna, bara i testmiljön: {}",
                        root.subject
                    );
                }
                println!(
                    "BankID:s testmiljö: {}{}",
                    service.endpoint,
                    if service.is_default {
                        " (BankID:s egen adress)"
                    } else {
                        ""
                    }
                );
                if !service.server_ca.is_empty() {
                    let subjects: Vec<&str> = service
                        .server_ca
                        .iter()
                        .map(|c| c.subject.as_str())
                        .collect();
                    println!(
                        "Testmiljöns TLS-certifikat kontrolleras mot: {}",
                        subjects.join("; ")
                    );
                }
                println!("Produktionsmiljön: alltid BankID:s egen adress och egna certifikat");
            }
            Ok(0)
        }
    }
}
