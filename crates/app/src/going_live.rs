//! Going live: the checklist the Settings screen shows — FK's ELT agreement, the client
//! certificate, FK's CA, BankID's RP agreement, a first report in FK's test service, then
//! production — each step with its state read from the data folder, and the two checks that
//! prove the configuration before the first real report: "Testa anslutningen till
//! Försäkringskassan" (a TLS handshake with the client certificate against the trusted CA, and
//! the certificate's expiry) and "Testa BankID" (an order started with the RP certificate and
//! cancelled at once; nobody is asked to sign).

use assistid_bankid::order::start_sign;
use assistid_bankid::types::{SignData, SignRequest};
use assistid_elt::CertStatus;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::certificates::CertificatePurpose;
use crate::environments::TrustSetting;
use crate::signing::BankIdConnection;
use crate::submit::EltConnection;
use crate::{App, AppError};

/// Where a step of going live stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Done.
    Done,
    /// Still to do.
    ToDo,
    /// Done once, but needs attention now (a certificate about to expire or expired).
    Attention,
}

/// One step of going live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveStep {
    /// Stable code: `fk_agreement`, `fk_client_certificate`, `fk_ca`, `bankid_rp`,
    /// `first_test_report`, `production`.
    pub code: &'static str,
    /// The step, in Swedish.
    pub title: &'static str,
    /// Where it stands.
    pub state: StepState,
    /// What is done or what to do next, in Swedish.
    pub detail: String,
}

/// The outcome of one of the two checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckOutcome {
    /// True when the check passed.
    pub ok: bool,
    /// Stable code: `ok`, or what failed.
    pub code: String,
    /// What was checked and found, in Swedish.
    pub message: String,
}

fn step(code: &'static str, title: &'static str, state: StepState, detail: String) -> LiveStep {
    LiveStep {
        code,
        title,
        state,
        detail,
    }
}

impl App {
    /// The checklist for going live, read from the data folder at `now`.
    pub fn going_live(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<LiveStep>> {
        let certificates = self.certificates(now)?;
        let fk_cert = certificates
            .iter()
            .find(|c| c.purpose == CertificatePurpose::FkClient);
        let rp_cert = certificates
            .iter()
            .find(|c| c.purpose == CertificatePurpose::BankIdRp);
        let settings = self.environment_settings()?;
        let submissions = self.store().all_submissions().map_err(AppError::from)?;
        let accepted_in = |env: &str| {
            submissions.iter().any(|s| {
                s.environment == env && s.state == assistid_store::SubmissionState::Accepted
            })
        };
        let cert_state = |status: CertStatus| match status {
            CertStatus::Ok => StepState::Done,
            _ => StepState::Attention,
        };
        let mut steps = Vec::new();
        steps.push(step(
            "fk_agreement",
            "Avtal med Försäkringskassan om elektronisk tidredovisning (ELT)",
            if fk_cert.is_some() {
                StepState::Done
            } else {
                StepState::ToDo
            },
            if fk_cert.is_some() {
                "Klart: klientcertifikatet från avtalet är inlagt.".to_owned()
            } else {
                "Teckna avtalet om ELT med Försäkringskassan, genom systemleverantören eller \
                 som egen anordnare. Med avtalet beställer ni klientcertifikatet."
                    .to_owned()
            },
        ));
        steps.push(match fk_cert {
            Some(c) => step(
                "fk_client_certificate",
                "Klientcertifikat för Försäkringskassan (Expisoft / FK MCA)",
                cert_state(c.status),
                format!(
                    "{} ({} dagar kvar, giltigt till {}).",
                    c.subject,
                    c.days_left,
                    c.not_after.format("%Y-%m-%d")
                ),
            ),
            None => step(
                "fk_client_certificate",
                "Klientcertifikat för Försäkringskassan (Expisoft / FK MCA)",
                StepState::ToDo,
                "Importera PKCS#12-filen (.p12) med lösenordet under Inställningar.".to_owned(),
            ),
        });
        let trusted: Vec<&str> = settings
            .fk
            .iter()
            .filter(|f| f.trust != TrustSetting::NotChosen)
            .map(|f| f.environment.label())
            .collect();
        steps.push(step(
            "fk_ca",
            "Försäkringskassans certifikatutfärdare (CA)",
            if trusted.is_empty() {
                StepState::ToDo
            } else {
                StepState::Done
            },
            if trusted.is_empty() {
                "Välj den CA-fil Försäkringskassan skickade (eller datorns rotcertifikat) för \
                 testmiljön och produktionsmiljön under Inställningar."
                    .to_owned()
            } else {
                format!("Vald för {}.", trusted.join(" och "))
            },
        ));
        steps.push(match rp_cert {
            Some(c) => step(
                "bankid_rp",
                "BankID-avtal via banken (RP-certifikat)",
                cert_state(c.status),
                format!(
                    "{} (giltigt till {}).",
                    c.subject,
                    c.not_after.format("%Y-%m-%d")
                ),
            ),
            None => step(
                "bankid_rp",
                "BankID-avtal via banken (RP-certifikat)",
                StepState::ToDo,
                "Beställ RP-certifikatet genom er bank och importera det under Inställningar. \
                 För BankID:s testmiljö finns BankID:s publika testcertifikat."
                    .to_owned(),
            ),
        });
        steps.push(step(
            "first_test_report",
            "En första tidredovisning i Försäkringskassans testmiljö",
            if accepted_in("test") {
                StepState::Done
            } else {
                StepState::ToDo
            },
            if accepted_in("test") {
                "Klart: Försäkringskassans testmiljö har tagit emot en tidredovisning.".to_owned()
            } else {
                "Välj testmiljön, skriv under med BankID:s testmiljö och skicka en \
                 tidredovisning. Allt i testmiljön märks TEST."
                    .to_owned()
            },
        ));
        let in_prod = settings.environment == Some(assistid_elt::Environment::Prod);
        steps.push(step(
            "production",
            "Produktion",
            if in_prod && accepted_in("prod") {
                StepState::Done
            } else {
                StepState::ToDo
            },
            match (in_prod, accepted_in("prod")) {
                (true, true) => {
                    "Klart: Försäkringskassan har tagit emot tidredovisningar.".to_owned()
                }
                (true, false) => "Produktionsmiljön är vald. Det som gjordes i testmiljön ska \
                                  skrivas under och skickas igen här."
                    .to_owned(),
                (false, _) => "Välj produktionsmiljön när testet har gått igenom.".to_owned(),
            },
        ));
        Ok(steps)
    }
}

/// "Testa anslutningen till Försäkringskassan": a TLS handshake with FK's service of
/// `connection` using the client certificate, against the CA chosen for it, and the client
/// certificate's expiry at `now`. Nothing is sent.
pub async fn check_fk_connection(connection: &EltConnection, now: DateTime<Utc>) -> CheckOutcome {
    if let Some(health) = connection.certificate_health(now)
        && health.status == CertStatus::Expired
    {
        return CheckOutcome {
            ok: false,
            code: "elt_client_certificate_expired".to_owned(),
            message: health.message,
        };
    }
    match connection.client().connect().await {
        Ok(prepared) => {
            drop(prepared);
            let expiry = connection
                .certificate_health(now)
                .map(|h| format!(" {}", h.message))
                .unwrap_or_default();
            CheckOutcome {
                ok: true,
                code: "ok".to_owned(),
                message: format!(
                    "Anslutningen till Försäkringskassans {} ({}) fungerar: servern har ett \
                     betrott certifikat och godtog klientcertifikatet.{expiry}",
                    connection.environment().label(),
                    connection.endpoint()
                ),
            }
        }
        Err(e) => CheckOutcome {
            ok: false,
            code: e.code().to_owned(),
            message: format!(
                "Anslutningen till Försäkringskassans {} ({}) fungerar inte: {e}",
                connection.environment().label(),
                connection.endpoint()
            ),
        },
    }
}

/// "Testa BankID": an order started with the RP certificate at the BankID of `connection` and
/// cancelled at once (`/cancel`); nobody is asked to sign and nothing is stored. `endUserIp`
/// is this computer's address on its route to BankID, as for every order.
pub async fn check_bankid(connection: &BankIdConnection) -> CheckOutcome {
    let failed = |code: &str, message: String| CheckOutcome {
        ok: false,
        code: code.to_owned(),
        message,
    };
    let data = match SignData::new(
        "Test av anslutningen från Assistid. Ingenting skrivs under.",
        None,
    ) {
        Ok(data) => data,
        Err(e) => return failed("internal", e.to_string()),
    };
    let environment = connection.environment().label_sv();
    let end_user_ip = match connection.client.end_user_ip().await {
        Ok(ip) => ip.to_string(),
        Err(e) => {
            return failed(
                e.code(),
                format!(
                    "Datorn hittar ingen väg till BankID i {environment} ({e}). Kontrollera \
                     internetanslutningen och försök igen."
                ),
            );
        }
    };
    let request = SignRequest::new(&end_user_ip, &data, None);
    match start_sign(&connection.client, &request).await {
        Ok(order) => match connection.client.cancel(&order.order_ref).await {
            Ok(()) => CheckOutcome {
                ok: true,
                code: "ok".to_owned(),
                message: format!(
                    "BankID i {environment} godtog RP-certifikatet: en order startades och \
                     avbröts direkt."
                ),
            },
            Err(e) => failed(
                e.code(),
                format!("BankID i {environment} startade ordern men kunde inte avbryta den: {e}"),
            ),
        },
        Err(e) => failed(
            e.code(),
            format!("BankID i {environment} godtog inte anslutningen: {e}"),
        ),
    }
}
