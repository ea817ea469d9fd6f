//! Going live: the checklist the Settings screen shows — FK's ELT agreement, the client
//! certificate, FK's CA, BankID's RP agreement, a first report in FK's test service, then
//! production — each step with its state read from the data folder, and the two checks that
//! prove the configuration before the first real report: "Testa anslutningen till
//! Försäkringskassan" (a TLS handshake with the client certificate against the trusted CA, and
//! the certificate's expiry) and "Testa BankID" (an order started with the RP certificate and
//! cancelled at once; nobody is asked to sign).

use assistid_bankid::order::start_sign;
use assistid_bankid::types::{SignData, SignRequest};
use assistid_core::text::{Lang, Param, Template, Text};
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "LiveStepState"))]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Done.
    Done,
    /// Still to do.
    ToDo,
    /// Done once, but needs attention now (a certificate about to expire or expired).
    Attention,
}

/// The going-live checklist's and checks' templates, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    macro_rules! templates {
        ($($(#[$doc:meta])* $name:ident = ($code:expr, $sv:expr, $en:expr $(,)?);)*) => {
            $( $(#[$doc])* pub static $name: Template = Template::new($code, $sv, $en); )*
            /// Every template of going live.
            pub static CATALOG: &[&Template] = &[$(&$name),*];
        };
    }

    templates! {
        /// Step title.
        FK_AGREEMENT = ("fk_agreement",
            "Avtal med Försäkringskassan om elektronisk tidredovisning (ELT)",
            "Agreement with Försäkringskassan on electronic time reporting (ELT)");
        /// Done.
        FK_AGREEMENT_DONE = ("fk_agreement_done",
            "Klart: klientcertifikatet från avtalet är inlagt.",
            "Done: the client certificate from the agreement is in place.");
        /// To do.
        FK_AGREEMENT_TODO = ("fk_agreement_todo",
            "Teckna avtalet om ELT med Försäkringskassan, genom systemleverantören eller \
             som egen anordnare. Med avtalet beställer ni klientcertifikatet.",
            "Sign the ELT agreement with Försäkringskassan, through the system vendor or as a \
             provider of your own. With the agreement you order the client certificate.");
        /// Step title: the folder sends through the vendor's relay (issue 17), which replaces
        /// the agreement, the client certificate and FK's CA of the folder's own.
        FK_RELAY = ("fk_relay",
            "Skicka via leverantören",
            "Send through the vendor");
        /// Enrolled with the relay.
        FK_RELAY_DONE = ("fk_relay_done",
            "Klart: ansluten som {provider} till leverantörens relay ({address}). Leverantören \
             har avtalet och certifikatet hos Försäkringskassan; ni behöver inget eget.",
            "Done: connected as {provider} to the vendor's relay ({address}). The vendor holds \
             the agreement and the certificate with Försäkringskassan; you need none of your \
             own.");
        /// Step title.
        FK_CLIENT_CERTIFICATE = ("fk_client_certificate",
            "Klientcertifikat för Försäkringskassan (Expisoft / FK MCA)",
            "Client certificate for Försäkringskassan (Expisoft / FK MCA)");
        /// The certificate in place.
        FK_CLIENT_CERTIFICATE_DONE = ("fk_client_certificate_done",
            "{subject} ({days} dagar kvar, giltigt till {until}).",
            "{subject} ({days} days left, valid until {until}).");
        /// To do.
        FK_CLIENT_CERTIFICATE_TODO = ("fk_client_certificate_todo",
            "Importera PKCS#12-filen (.p12) med lösenordet under Inställningar.",
            "Import the PKCS#12 file (.p12) with its password under Settings.");
        /// Step title.
        FK_CA = ("fk_ca",
            "Försäkringskassans certifikatutfärdare (CA)",
            "Försäkringskassan's certificate authority (CA)");
        /// To do.
        FK_CA_TODO = ("fk_ca_todo",
            "Välj den CA-fil Försäkringskassan skickade (eller datorns rotcertifikat) för \
             testmiljön och produktionsmiljön under Inställningar.",
            "Choose the CA file Försäkringskassan sent (or this computer's root certificates) \
             for the test and production environments under Settings.");
        /// Chosen.
        FK_CA_DONE = ("fk_ca_done", "Vald för {environments}.", "Chosen for {environments}.");
        /// Both environments.
        BOTH_ENVIRONMENTS = ("test_and_prod", "testmiljön och produktionsmiljön",
            "the test environment and the production environment");
        /// The demo.
        ENV_DEMO = ("env_demo", "demoläget", "the demo");
        /// FK's/BankID's test environment.
        ENV_TEST = ("env_test", "testmiljön", "the test environment");
        /// Production.
        ENV_PROD = ("env_prod", "produktionsmiljön", "the production environment");
        /// Step title.
        BANKID_RP = ("bankid_rp",
            "BankID-avtal via banken (RP-certifikat)",
            "BankID agreement through the bank (RP certificate)");
        /// In place.
        BANKID_RP_DONE = ("bankid_rp_done",
            "{subject} (giltigt till {until}).",
            "{subject} (valid until {until}).");
        /// To do.
        BANKID_RP_TODO = ("bankid_rp_todo",
            "Beställ RP-certifikatet genom er bank och importera det under Inställningar. \
             För BankID:s testmiljö finns BankID:s publika testcertifikat.",
            "Order the RP certificate through your bank and import it under Settings. For \
             BankID's test environment there is BankID's public test certificate.");
        /// Done: the folder signs through the vendor's relay.
        BANKID_RP_VIA_RELAY = ("bankid_rp_via_relay",
            "BankID-underskrifterna görs via leverantörens relay med leverantörens \
             RP-certifikat; datamappen behöver inget eget.",
            "BankID signatures are made through the vendor's relay with the vendor's RP \
             certificate; this data folder needs none of its own.");
        /// "Testa BankID" through the relay: the provider's own certificate is not used.
        BANKID_CHECK_VIA_RELAY = ("bankid_check_via_relay",
            "BankID i {environment} godtog leverantörens RP-certifikat via relayn ({address}): \
             en order startades och avbröts direkt.",
            "BankID in {environment} accepted the vendor's RP certificate through the relay \
             ({address}): an order was started and cancelled at once.");
        /// "Testa BankID" through the relay failed.
        BANKID_CHECK_VIA_RELAY_FAILED = ("bankid_check_via_relay_failed",
            "BankID i {environment} via leverantörens relay ({address}) godtog inte \
             anslutningen: {error} Kontakta leverantören om felet kvarstår.",
            "BankID in {environment} through the vendor's relay ({address}) did not accept the \
             connection: {error} Contact the vendor if the error persists.");
        /// Step title.
        FIRST_TEST_REPORT = ("first_test_report",
            "En första tidredovisning i Försäkringskassans testmiljö",
            "A first time report in Försäkringskassan's test environment");
        /// Done.
        FIRST_TEST_REPORT_DONE = ("first_test_report_done",
            "Klart: Försäkringskassans testmiljö har tagit emot en tidredovisning.",
            "Done: Försäkringskassan's test environment has received a time report.");
        /// To do.
        FIRST_TEST_REPORT_TODO = ("first_test_report_todo",
            "Välj testmiljön, skriv under med BankID:s testmiljö och skicka en \
             tidredovisning. Allt i testmiljön märks TEST.",
            "Choose the test environment, sign with BankID's test environment and send a time \
             report. Everything in the test environment is marked TEST.");
        /// Step title.
        PRODUCTION = ("production", "Produktion", "Production");
        /// Done.
        PRODUCTION_DONE = ("production_done",
            "Klart: Försäkringskassan har tagit emot tidredovisningar.",
            "Done: Försäkringskassan has received time reports.");
        /// Chosen, nothing sent yet.
        PRODUCTION_CHOSEN = ("production_chosen",
            "Produktionsmiljön är vald. Det som gjordes i testmiljön ska \
             skrivas under och skickas igen här.",
            "The production environment is chosen. What was done in the test environment must \
             be signed and sent again here.");
        /// To do.
        PRODUCTION_TODO = ("production_todo",
            "Välj produktionsmiljön när testet har gått igenom.",
            "Choose the production environment when the test has passed.");
        /// FK's connection works.
        FK_CHECK_OK = ("fk_check_ok",
            "Anslutningen till Försäkringskassans {environment} ({endpoint}) fungerar: servern har ett \
             betrott certifikat och godtog klientcertifikatet.{expiry}",
            "The connection to Försäkringskassan's {environment} ({endpoint}) works: the server \
             has a trusted certificate and accepted the client certificate.{expiry}");
        /// FK's connection fails.
        FK_CHECK_FAILED = ("fk_check_failed",
            "Anslutningen till Försäkringskassans {environment} ({endpoint}) fungerar inte: {error}",
            "The connection to Försäkringskassan's {environment} ({endpoint}) does not work: \
             {error}");
        /// The vendor's relay knows the installation.
        RELAY_CHECK_OK = ("relay_check_ok",
            "Anslutningen till leverantörens relay ({address}) fungerar: relayn godtog \
             installationens certifikat och känner igen den som {provider}.",
            "The connection to the vendor's relay ({address}) works: the relay accepted the \
             installation's certificate and knows it as {provider}.");
        /// The vendor's relay cannot be reached or refuses the installation.
        RELAY_CHECK_FAILED = ("relay_check_failed",
            "Anslutningen till leverantörens relay ({address}) fungerar inte: {error}",
            "The connection to the vendor's relay ({address}) does not work: {error}");
        /// No route to BankID.
        BANKID_NO_ROUTE = ("bankid_no_route",
            "Datorn hittar ingen väg till BankID i {environment} ({error}). Kontrollera \
             internetanslutningen och försök igen.",
            "This computer finds no route to BankID in {environment} ({error}). Check the \
             internet connection and try again.");
        /// BankID accepted.
        BANKID_CHECK_OK = ("bankid_check_ok",
            "BankID i {environment} godtog RP-certifikatet: en order startades och \
             avbröts direkt.",
            "BankID in {environment} accepted the RP certificate: an order was started and \
             cancelled at once.");
        /// Cancel failed.
        BANKID_CANCEL_FAILED = ("bankid_cancel_failed",
            "BankID i {environment} startade ordern men kunde inte avbryta den: {error}",
            "BankID in {environment} started the order but could not cancel it: {error}");
        /// BankID refused.
        BANKID_CHECK_FAILED = ("bankid_check_failed",
            "BankID i {environment} godtog inte anslutningen: {error}",
            "BankID in {environment} did not accept the connection: {error}");
        /// An error of our own.
        INTERNAL = ("check_internal", "{error}", "{error}");
    }
}

pub use templates::CATALOG;

/// An environment's name in a sentence (`testmiljön` / `the test environment`).
fn environment_text(label_sv: &str) -> Param {
    match label_sv {
        "demoläget" => Param::Text(templates::ENV_DEMO.text()),
        "testmiljön" => Param::Text(templates::ENV_TEST.text()),
        "produktionsmiljön" => Param::Text(templates::ENV_PROD.text()),
        other => Param::Plain(other.to_owned()),
    }
}

/// One step of going live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveStep {
    /// Stable code: `fk_agreement`, `fk_client_certificate`, `fk_ca` (or, for a folder that
    /// sends through the vendor's relay, `fk_relay` instead of those three), `bankid_rp`,
    /// `first_test_report`, `production`.
    pub code: &'static str,
    /// The step, in Swedish.
    pub title: &'static str,
    /// Where it stands.
    pub state: StepState,
    /// What is done or what to do next, in Swedish.
    pub detail: String,
    /// The title as a text.
    #[serde(skip)]
    pub title_text: Text,
    /// The detail as a text.
    #[serde(skip)]
    pub detail_text: Text,
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
    /// The message as a text.
    #[serde(skip)]
    pub text: Text,
}

impl CheckOutcome {
    fn new(ok: bool, code: impl Into<String>, text: Text) -> Self {
        Self {
            ok,
            code: code.into(),
            message: text.render(Lang::Sv),
            text,
        }
    }
}

fn step(title: &'static Template, state: StepState, detail: Text) -> LiveStep {
    LiveStep {
        code: title.code,
        title: title.sv,
        state,
        detail: detail.render(Lang::Sv),
        title_text: title.text(),
        detail_text: detail,
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
        let relay = self.relay_status()?;
        if relay.mode == crate::submit::SendingMode::Relay {
            // The vendor's agreement, certificate and FK's CA are the relay's: one step.
            let provider = relay
                .provider
                .as_deref()
                .and_then(|digits| assistid_core::ids::OrgNumber::parse(digits).ok())
                .map(|o| o.formatted())
                .unwrap_or_default();
            steps.push(step(
                &templates::FK_RELAY,
                StepState::Done,
                templates::FK_RELAY_DONE
                    .with("provider", provider)
                    .with("address", relay.address.unwrap_or_default()),
            ));
        } else {
            steps.push(step(
                &templates::FK_AGREEMENT,
                if fk_cert.is_some() {
                    StepState::Done
                } else {
                    StepState::ToDo
                },
                if fk_cert.is_some() {
                    templates::FK_AGREEMENT_DONE.text()
                } else {
                    templates::FK_AGREEMENT_TODO.text()
                },
            ));
            steps.push(match fk_cert {
                Some(c) => step(
                    &templates::FK_CLIENT_CERTIFICATE,
                    cert_state(c.status),
                    templates::FK_CLIENT_CERTIFICATE_DONE
                        .with("subject", &c.subject)
                        .with("days", c.days_left.to_string())
                        .with("until", c.not_after.format("%Y-%m-%d").to_string()),
                ),
                None => step(
                    &templates::FK_CLIENT_CERTIFICATE,
                    StepState::ToDo,
                    templates::FK_CLIENT_CERTIFICATE_TODO.text(),
                ),
            });
            let trusted: Vec<&str> = settings
                .fk
                .iter()
                .filter(|f| f.trust != TrustSetting::NotChosen)
                .map(|f| f.environment.label())
                .collect();
            steps.push(step(
                &templates::FK_CA,
                if trusted.is_empty() {
                    StepState::ToDo
                } else {
                    StepState::Done
                },
                if trusted.is_empty() {
                    templates::FK_CA_TODO.text()
                } else {
                    let environments = match trusted.as_slice() {
                        [one] => environment_text(one),
                        ["testmiljön", "produktionsmiljön"] => {
                            Param::Text(templates::BOTH_ENVIRONMENTS.text())
                        }
                        more => Param::Plain(more.join(" och ")),
                    };
                    templates::FK_CA_DONE.with("environments", environments)
                },
            ));
        }
        let via_relay = relay.mode == crate::submit::SendingMode::Relay;
        steps.push(match rp_cert {
            // Through the vendor's relay, orders are made with the vendor's RP certificate.
            None if via_relay => step(
                &templates::BANKID_RP,
                StepState::Done,
                templates::BANKID_RP_VIA_RELAY.text(),
            ),
            Some(c) => step(
                &templates::BANKID_RP,
                cert_state(c.status),
                templates::BANKID_RP_DONE
                    .with("subject", &c.subject)
                    .with("until", c.not_after.format("%Y-%m-%d").to_string()),
            ),
            None => step(
                &templates::BANKID_RP,
                StepState::ToDo,
                templates::BANKID_RP_TODO.text(),
            ),
        });
        steps.push(step(
            &templates::FIRST_TEST_REPORT,
            if accepted_in("test") {
                StepState::Done
            } else {
                StepState::ToDo
            },
            if accepted_in("test") {
                templates::FIRST_TEST_REPORT_DONE.text()
            } else {
                templates::FIRST_TEST_REPORT_TODO.text()
            },
        ));
        let in_prod = settings.environment == Some(assistid_elt::Environment::Prod);
        steps.push(step(
            &templates::PRODUCTION,
            if in_prod && accepted_in("prod") {
                StepState::Done
            } else {
                StepState::ToDo
            },
            match (in_prod, accepted_in("prod")) {
                (true, true) => templates::PRODUCTION_DONE.text(),
                (true, false) => templates::PRODUCTION_CHOSEN.text(),
                (false, _) => templates::PRODUCTION_TODO.text(),
            },
        ));
        Ok(steps)
    }
}

impl App {
    /// "Testa anslutningen" for a folder that sends through the vendor's relay: one call
    /// with the installation's certificate (`GET /v1/installation`), which proves the address,
    /// the relay's server certificate and that the relay still accepts this installation
    /// (not revoked). Nothing is sent to FK.
    pub async fn check_relay_connection(&self) -> CheckOutcome {
        let address = self.relay_address().ok().flatten().unwrap_or_default();
        match self.relay_whoami().await {
            Ok(provider) => CheckOutcome::new(
                true,
                "ok",
                templates::RELAY_CHECK_OK
                    .with("address", address)
                    .with("provider", provider),
            ),
            Err(e) => {
                let code = e
                    .downcast_ref::<crate::AppError>()
                    .map(crate::AppError::code)
                    .unwrap_or("relay_unreachable")
                    .to_owned();
                CheckOutcome::new(
                    false,
                    code.clone(),
                    templates::RELAY_CHECK_FAILED
                        .with("address", address)
                        .with("error", Text::untranslated(code.clone(), e.to_string())),
                )
            }
        }
    }
}

/// "Testa anslutningen till Försäkringskassan": a TLS handshake with FK's service of
/// `connection` using the client certificate, against the CA chosen for it, and the client
/// certificate's expiry at `now`. Nothing is sent.
pub async fn check_fk_connection(connection: &EltConnection, now: DateTime<Utc>) -> CheckOutcome {
    if let Some(health) = connection.certificate_health(now)
        && health.status == CertStatus::Expired
    {
        return CheckOutcome::new(
            false,
            "elt_client_certificate_expired",
            Text::untranslated("elt_client_certificate_expired", health.message),
        );
    }
    match connection.client().connect().await {
        Ok(prepared) => {
            drop(prepared);
            let expiry = connection
                .certificate_health(now)
                .map(|h| format!(" {}", h.message))
                .unwrap_or_default();
            CheckOutcome::new(
                true,
                "ok",
                templates::FK_CHECK_OK
                    .with(
                        "environment",
                        environment_text(connection.environment().label()),
                    )
                    .with("endpoint", connection.endpoint().to_string())
                    .with(
                        "expiry",
                        Text::untranslated("elt_certificate_health", expiry),
                    ),
            )
        }
        Err(e) => CheckOutcome::new(
            false,
            e.code(),
            templates::FK_CHECK_FAILED
                .with(
                    "environment",
                    environment_text(connection.environment().label()),
                )
                .with("endpoint", connection.endpoint().to_string())
                .with("error", Text::untranslated(e.code(), e.to_string())),
        ),
    }
}

/// "Testa BankID": an order started with the RP certificate at the BankID of `connection` and
/// cancelled at once (`/cancel`); nobody is asked to sign and nothing is stored. Through the
/// vendor's relay the relay does the same with the vendor's RP certificate
/// (`POST /v1/bankid/check`). `endUserIp`
/// is this computer's address on its route to BankID, as for every order.
pub async fn check_bankid(connection: &BankIdConnection) -> CheckOutcome {
    let failed = |code: &str, text: Text| CheckOutcome::new(false, code, text);
    let data = match SignData::new(
        "Test av anslutningen från Assistid. Ingenting skrivs under.",
        None,
    ) {
        Ok(data) => data,
        Err(e) => {
            return failed(
                "internal",
                templates::INTERNAL.with("error", Text::untranslated("internal", e.to_string())),
            );
        }
    };
    let environment = environment_text(connection.environment().label_sv());
    if let Some(relay) = connection.relay_orders() {
        // Through the vendor's relay the orders are made with the vendor's RP certificate:
        // the relay starts a test order with it and cancels it at once.
        let address = connection.base_url().to_owned();
        return match relay.check(connection.environment()).await {
            Ok(()) => CheckOutcome::new(
                true,
                "ok",
                templates::BANKID_CHECK_VIA_RELAY
                    .with("environment", environment)
                    .with("address", address),
            ),
            Err((code, error)) => CheckOutcome::new(
                false,
                &code,
                templates::BANKID_CHECK_VIA_RELAY_FAILED
                    .with("environment", environment)
                    .with("address", address)
                    .with("error", Text::untranslated(&code, error)),
            ),
        };
    }
    let Some(client) = connection.direct_client() else {
        return failed(
            "internal",
            templates::INTERNAL.with(
                "error",
                Text::untranslated("internal", "ingen BankID-anslutning".to_owned()),
            ),
        );
    };
    let end_user_ip = match client.end_user_ip().await {
        Ok(ip) => ip.to_string(),
        Err(e) => {
            return failed(
                e.code(),
                templates::BANKID_NO_ROUTE
                    .with("environment", environment)
                    .with("error", Text::untranslated(e.code(), e.to_string())),
            );
        }
    };
    let request = SignRequest::new(&end_user_ip, &data, None);
    match start_sign(client, &request).await {
        Ok(order) => match client.cancel(&order.order_ref).await {
            Ok(()) => CheckOutcome::new(
                true,
                "ok",
                templates::BANKID_CHECK_OK.with("environment", environment),
            ),
            Err(e) => failed(
                e.code(),
                templates::BANKID_CANCEL_FAILED
                    .with("environment", environment)
                    .with("error", Text::untranslated(e.code(), e.to_string())),
            ),
        },
        Err(e) => failed(
            e.code(),
            templates::BANKID_CHECK_FAILED
                .with("environment", environment)
                .with("error", Text::untranslated(e.code(), e.to_string())),
        ),
    }
}
