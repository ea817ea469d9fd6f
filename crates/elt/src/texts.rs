//! [`EltError`]'s messages as texts (see [`assistid_core::text`]): a stable code and
//! parameters, in Swedish (the reference: exactly the error's `Display`) and English. What the
//! outbox stores beside the Swedish text, so that the queue, the history and the uncertain
//! card show a failed send in the UI's language.
//!
//! Parameters are the facts (HTTP status, the date a certificate expired) and short technical
//! reasons as they came (a TLS alert, a network library's words); FK's own texts stay
//! verbatim.

use assistid_core::text::{Template, Text};

use crate::environment::Environment;
use crate::error::{AnswerProblem, EltError, TimeoutPhase};

macro_rules! templates {
    ($($(#[$doc:meta])* $name:ident = ($code:literal, $sv:expr, $en:expr);)*) => {
        $($(#[$doc])* pub static $name: Template = Template::new($code, $sv, $en);)*
        /// Every template of this module.
        pub static CATALOG: &[&Template] = &[$(&$name),*];
    };
}

/// The templates.
pub mod templates {
    use super::Template;

    templates! {
        /// FK's `XmlValidationError`.
        XML_VALIDATION = ("elt_xml_validation",
            "Försäkringskassan avvisade tidredovisningen: den följer inte deras format. \
             Försäkringskassans meddelande: {message}. Rätta uppgifterna; då skapas en ny version \
             som måste signeras igen.",
            "Försäkringskassan rejected the time report: it does not follow their format. \
             Försäkringskassan's message: {message}. Correct the data; a new version is then \
             made, which must be signed again.");
        /// FK's `SignatureValidationError`.
        SIGNATURE_VALIDATION = ("elt_signature_validation",
            "Försäkringskassan godtog inte signaturerna på tidredovisningen. Försäkringskassans \
             meddelande: {message}. Låt assistenten och anordnaren signera rapporten på nytt.",
            "Försäkringskassan did not accept the signatures on the time report. \
             Försäkringskassan's message: {message}. Have the assistant and the provider sign \
             the report again.");
        /// Another SOAP fault.
        SOAP_FAULT = ("elt_soap_fault",
            "Försäkringskassan svarade med ett fel ({fault_code}: {fault_string}). Det är oklart om \
             rapporten togs emot; skicka inte om den förrän du har kontrollerat med \
             Försäkringskassan.",
            "Försäkringskassan answered with an error ({fault_code}: {fault_string}). It is unclear \
             whether the report was received; do not send it again until you have checked with \
             Försäkringskassan.");
        /// An answer that is not a SOAP answer we understand.
        UNEXPECTED_ANSWER = ("elt_unexpected_answer",
            "Försäkringskassan svarade något oväntat (HTTP {http_status}, {problem}). Det är oklart \
             om rapporten togs emot; skicka inte om den förrän du har kontrollerat med \
             Försäkringskassan.",
            "Försäkringskassan answered something unexpected (HTTP {http_status}, {problem}). It is \
             unclear whether the report was received; do not send it again until you have \
             checked with Försäkringskassan.");
        /// HTTP 503, or 429 (FK's pacing).
        SERVICE_UNAVAILABLE = ("elt_service_unavailable",
            "Försäkringskassans tjänst är tillfälligt otillgänglig eller ber oss vänta (HTTP 503 \
             eller 429). Rapporten togs inte emot och skickas igen automatiskt.",
            "Försäkringskassan's service is temporarily unavailable or asks us to wait (HTTP 503 \
             or 429). The report was not received and will be sent again automatically.");
        /// No connection.
        UNREACHABLE = ("elt_unreachable",
            "Det gick inte att nå Försäkringskassan ({reason}). Kontrollera internetanslutningen, \
             adressen i inställningarna och att brandväggen släpper igenom Försäkringskassans port \
             (8020 för produktion, 5000 för test — inte den vanliga 443); rapporten skickades inte \
             och försöks igen automatiskt.",
            "Försäkringskassan could not be reached ({reason}). Check the internet connection, the \
             address in Settings and that the firewall lets Försäkringskassan's port through \
             (8020 for production, 5000 for test — not the usual 443); the report was not sent \
             and will be tried again automatically.");
        /// The server's certificate was refused.
        SERVER_NOT_TRUSTED = ("elt_server_not_trusted",
            "Servern gick inte att lita på: {reason}. Rapporten skickades inte. Kontrollera adressen \
             och certifikatutfärdaren (CA) för miljön i inställningarna.",
            "The server could not be trusted: {reason}. The report was not sent. Check the address \
             and the certificate authority (CA) for the environment in Settings.");
        /// Our client certificate was refused.
        CLIENT_CERTIFICATE_REJECTED = ("elt_client_certificate_rejected",
            "Försäkringskassan godtog inte ert certifikat ({reason}). Rapporten skickades inte. \
             Kontrollera att rätt certifikatfil (från Expisoft) är vald och att den gäller.",
            "Försäkringskassan did not accept your certificate ({reason}). The report was not sent. \
             Check that the right certificate file (from Expisoft) is chosen and that it is \
             valid.");
        /// No connection in time.
        CONNECT_TIMEOUT = ("elt_connect_timeout",
            "Försäkringskassan svarade inte när anslutningen skulle öppnas. Rapporten skickades inte och försöks igen automatiskt.",
            "Försäkringskassan did not answer when the connection was to be opened. The report was \
             not sent and will be tried again automatically.");
        /// No answer in time.
        ANSWER_TIMEOUT = ("elt_answer_timeout",
            "Inget svar kom från Försäkringskassan i tid. Rapporten kan ha kommit fram; skicka inte om den förrän du har kontrollerat med Försäkringskassan.",
            "No answer came from Försäkringskassan in time. The report may have arrived; do not \
             send it again until you have checked with Försäkringskassan.");
        /// The connection broke.
        CONNECTION_LOST = ("elt_connection_lost",
            "Förbindelsen med Försäkringskassan bröts innan svaret kom ({reason}). Rapporten kan ha \
             kommit fram; skicka inte om den förrän du har kontrollerat med Försäkringskassan.",
            "The connection with Försäkringskassan broke before the answer came ({reason}). The \
             report may have arrived; do not send it again until you have checked with \
             Försäkringskassan.");
        /// The client certificate has expired.
        CLIENT_CERTIFICATE_EXPIRED = ("elt_client_certificate_expired",
            "Certifikatet för Försäkringskassan gick ut {expired_on}. Förnya det hos Expisoft och \
             lägg in den nya filen i inställningarna; inga rapporter kan skickas innan dess.",
            "The certificate for Försäkringskassan expired on {expired_on}. Renew it with Expisoft \
             and add the new file in Settings; no reports can be sent before then.");
        /// Several keys and none chosen.
        SEVERAL_CLIENT_KEYS = ("elt_several_client_keys",
            "Certifikatfilen innehåller flera nycklar som kan användas för att logga in hos \
             Försäkringskassan: {candidates}. Välj en under Inställningar eller med \
             --client-cert-key (namnet eller serienumret).",
            "The certificate file holds several keys that can be used to log in to \
             Försäkringskassan: {candidates}. Choose one under Settings or with \
             --client-cert-key (the name or the serial number).");
        /// No TLS version or cipher both sides accept.
        TLS_NEGOTIATION = ("elt_tls_negotiation",
            "Ingen säker förbindelse kunde förhandlas fram med servern ({reason}). Rapporten \
             skickades inte. Kontrollera adressen och porten i inställningarna, och att ingen \
             proxy eller brandvägg bryter upp den krypterade trafiken; består felet, kontakta \
             Försäkringskassan om vilka TLS-versioner tjänsten kräver.",
            "No secure connection could be negotiated with the server ({reason}). The report was \
             not sent. Check the address and the port in Settings, and that no proxy or firewall \
             breaks up the encrypted traffic; if the error persists, ask Försäkringskassan which \
             TLS versions the service requires.");
        /// The PKCS#12 password is wrong.
        WRONG_CERTIFICATE_PASSWORD = ("elt_wrong_certificate_password",
            "Fel lösenord för certifikatfilen. Ange lösenordet som hörde till filen från Expisoft.",
            "Wrong password for the certificate file. Give the password that came with the file \
             from Expisoft.");
        /// The certificate file cannot be used.
        INVALID_CERTIFICATE_FILE = ("elt_invalid_certificate_file",
            "Certifikatfilen kan inte användas: {reason}. Välj filen från Expisoft (.p12/.pfx).",
            "The certificate file cannot be used: {reason}. Choose the file from Expisoft \
             (.p12/.pfx).");
        /// The pinned CA cannot be read.
        INVALID_TRUST_ANCHOR = ("elt_invalid_trust_anchor",
            "Certifikatutfärdaren (CA) för miljön kan inte läsas: {reason}. Välj en PEM-fil med \
             CA-certifikatet i inställningarna.",
            "The certificate authority (CA) for the environment cannot be read: {reason}. Choose \
             a PEM file with the CA certificate in Settings.");
        /// The address is not a usable HTTPS URL.
        INVALID_ENDPOINT = ("elt_invalid_endpoint",
            "Adressen till Försäkringskassan är ogiltig: {reason}. Rätta den i inställningarna.",
            "The address of Försäkringskassan is not valid: {reason}. Correct it in Settings.");
        /// Demo data to a real FK.
        DEMO_DATA_TO_FK = ("elt_demo_data_to_fk",
            "Demodata kan inte skickas till Försäkringskassans {environment}. Byt till demoläget.",
            "Demo data cannot be sent to Försäkringskassan's {environment}. Switch to the demo \
             mode.");
        /// Real data to the demo.
        REAL_DATA_TO_DEMO = ("elt_real_data_to_demo",
            "Riktiga tidredovisningar kan inte skickas till demoläget. Välj Försäkringskassans test- eller produktionsmiljö.",
            "Real time reports cannot be sent to the demo mode. Choose Försäkringskassan's test \
             or production environment.");
        /// Any other transport failure.
        TRANSPORT = ("elt_transport",
            "Ett oväntat fel uppstod i förbindelsen med Försäkringskassan ({reason}). Det är oklart \
             om rapporten kom fram; skicka inte om den förrän du har kontrollerat med \
             Försäkringskassan.",
            "An unexpected error occurred in the connection with Försäkringskassan ({reason}). It \
             is unclear whether the report arrived; do not send it again until you have checked \
             with Försäkringskassan.");

        /// A redirect (3xx).
        NOT_FK_REDIRECT = ("elt_not_fk_redirect",
            "Adressen till Försäkringskassan skickar vidare till en annan adress (HTTP {status}), \
             så rapporten kom inte fram till tjänsten. {check_address}",
            "The address of Försäkringskassan forwards to another address (HTTP {status}), so the \
             report did not reach the service. {check_address}");
        /// 401 or 403.
        NOT_FK_DENIED = ("elt_not_fk_denied",
            "Försäkringskassan nekade åtkomst (HTTP {status}), så rapporten togs inte emot. \
             Troligen är certifikatet inte anmält hos Försäkringskassan för tidredovisning, eller \
             så är fel certifikat valt. Kontrollera med Försäkringskassan att certifikatet från \
             Expisoft är registrerat för er, och att rätt certifikat är valt i inställningarna. \
             {check_address}",
            "Försäkringskassan denied access (HTTP {status}), so the report was not received. \
             Probably the certificate is not registered with Försäkringskassan for time \
             reporting, or the wrong certificate is chosen. Check with Försäkringskassan that the \
             certificate from Expisoft is registered for you, and that the right certificate is \
             chosen in Settings. {check_address}");
        /// 404 or 405.
        NOT_FK_WRONG_PATH = ("elt_not_fk_wrong_path",
            "Adressen svarar inte som Försäkringskassans tjänst för tidredovisning (HTTP \
             {status}: fel sökväg eller fel server), så rapporten kom inte fram. {check_address}",
            "The address does not answer as Försäkringskassan's time reporting service (HTTP \
             {status}: wrong path or wrong server), so the report did not arrive. {check_address}");
        /// 415 and anything else.
        NOT_FK_OTHER = ("elt_not_fk_other",
            "Servern på adressen tog inte emot rapporten som ett meddelande till \
             Försäkringskassans tjänst (HTTP {status}), så den kom inte fram; adressen leder \
             troligen till fel tjänst. {check_address}",
            "The server at the address did not take the report as a message to \
             Försäkringskassan's service (HTTP {status}), so it did not arrive; the address \
             probably leads to the wrong service. {check_address}");
        /// What to check about the address.
        CHECK_ADDRESS = ("elt_check_address",
            "Kontrollera adressen i inställningarna: den ska vara exakt den \
             Försäkringskassan har gett er, med sökväg och port (8020 för produktion, \
             5000 för test).",
            "Check the address in Settings: it must be exactly the one Försäkringskassan gave \
             you, with path and port (8020 for production, 5000 for test).");

        /// The answer was empty.
        ANSWER_EMPTY = ("elt_answer_empty", "svaret var tomt", "the answer was empty");
        /// An HTML page.
        ANSWER_HTML = ("elt_answer_html",
            "svaret var en webbsida i stället för ett SOAP-svar",
            "the answer was a web page instead of a SOAP answer");
        /// Broken XML.
        ANSWER_MALFORMED = ("elt_answer_malformed_xml",
            "svaret var trasig eller avklippt XML (vid byte {position})",
            "the answer was broken or cut-off XML (at byte {position})");
        /// XML but not SOAP.
        ANSWER_NOT_SOAP = ("elt_answer_not_soap",
            "svaret var XML men inget SOAP-meddelande (rotelement {root})",
            "the answer was XML but no SOAP message (root element {root})");
        /// An empty SOAP body.
        ANSWER_EMPTY_BODY = ("elt_answer_empty_body",
            "SOAP-svaret var tomt",
            "the SOAP answer was empty");
        /// An unknown element in the SOAP body.
        ANSWER_UNKNOWN_BODY = ("elt_answer_unknown_body",
            "SOAP-svaret innehöll ett okänt element ({element})",
            "the SOAP answer held an unknown element ({element})");
        /// No usable tx-id.
        ANSWER_BAD_TX_ID = ("elt_answer_bad_tx_id",
            "kvittot saknade ett giltigt transaktions-id",
            "the receipt lacked a valid transaction id");
        /// A receipt with an error status.
        ANSWER_SUCCESS_WITH_STATUS = ("elt_answer_success_with_status",
            "ett kvitto kom med en felkod från webbservern",
            "a receipt came with an error code from the web server");
        /// Too large.
        ANSWER_TOO_LARGE = ("elt_answer_too_large",
            "svaret var orimligt stort",
            "the answer was unreasonably large");

        /// The demo mode.
        ENV_DEMO = ("elt_environment_demo", "demoläget", "demo mode");
        /// FK's test environment.
        ENV_TEST = ("elt_environment_test", "testmiljön", "test environment");
        /// FK's production environment.
        ENV_PROD = ("elt_environment_prod", "produktionsmiljön", "production environment");
    }
}

pub use templates::CATALOG;

impl AnswerProblem {
    /// What was wrong with the answer, as a text.
    pub fn text(&self) -> Text {
        use templates::*;
        match self {
            AnswerProblem::Empty => ANSWER_EMPTY.text(),
            AnswerProblem::Html => ANSWER_HTML.text(),
            AnswerProblem::MalformedXml { position } => {
                ANSWER_MALFORMED.with("position", *position)
            }
            AnswerProblem::NotSoap { root } => ANSWER_NOT_SOAP.with("root", root),
            AnswerProblem::UnknownBody { element } if element.is_empty() => {
                ANSWER_EMPTY_BODY.text()
            }
            AnswerProblem::UnknownBody { element } => ANSWER_UNKNOWN_BODY.with("element", element),
            AnswerProblem::BadTxId => ANSWER_BAD_TX_ID.text(),
            AnswerProblem::SuccessWithStatus => ANSWER_SUCCESS_WITH_STATUS.text(),
            AnswerProblem::TooLarge => ANSWER_TOO_LARGE.text(),
        }
    }
}

/// [`crate::error::not_fk_service_advice`] as a text.
pub fn not_fk_service_text(status: u16) -> Text {
    use templates::*;
    let template = match status {
        300..=399 => &NOT_FK_REDIRECT,
        401 | 403 => &NOT_FK_DENIED,
        404 | 405 => &NOT_FK_WRONG_PATH,
        _ => &NOT_FK_OTHER,
    };
    template
        .with("status", status)
        .with("check_address", CHECK_ADDRESS.text())
}

/// An environment's name as a text ("testmiljön" / "test environment").
pub fn environment_text(environment: Environment) -> Text {
    use templates::*;
    match environment {
        Environment::Demo => ENV_DEMO.text(),
        Environment::Test => ENV_TEST.text(),
        Environment::Prod => ENV_PROD.text(),
    }
}

impl EltError {
    /// The message as a text with its stable code and parameters; in Swedish exactly the
    /// `Display` text. FK's own texts and technical reasons are parameters, kept as they came.
    pub fn text(&self) -> Text {
        use templates::*;
        match self {
            EltError::XmlValidation { message } => XML_VALIDATION.with("message", message),
            EltError::SignatureValidation { message } => {
                SIGNATURE_VALIDATION.with("message", message)
            }
            EltError::SoapFault {
                fault_code,
                fault_string,
                ..
            } => SOAP_FAULT
                .with("fault_code", fault_code)
                .with("fault_string", fault_string),
            EltError::UnexpectedAnswer {
                http_status,
                problem,
                ..
            } => UNEXPECTED_ANSWER
                .with("http_status", *http_status)
                .with("problem", problem.text()),
            EltError::NotFkService { http_status } => not_fk_service_text(*http_status),
            EltError::ServiceUnavailable { .. } => SERVICE_UNAVAILABLE.text(),
            EltError::Unreachable { reason } => UNREACHABLE.with("reason", reason),
            EltError::ServerNotTrusted { reason } => SERVER_NOT_TRUSTED.with("reason", reason),
            EltError::ClientCertificateRejected { reason } => {
                CLIENT_CERTIFICATE_REJECTED.with("reason", reason)
            }
            EltError::Timeout {
                phase: TimeoutPhase::Connect,
            } => CONNECT_TIMEOUT.text(),
            EltError::Timeout {
                phase: TimeoutPhase::Answer,
            } => ANSWER_TIMEOUT.text(),
            EltError::ConnectionLost { reason } => CONNECTION_LOST.with("reason", reason),
            EltError::ClientCertificateExpired { expired_on } => {
                CLIENT_CERTIFICATE_EXPIRED.with("expired_on", *expired_on)
            }
            EltError::SeveralClientKeys { candidates } => {
                SEVERAL_CLIENT_KEYS.with("candidates", candidates)
            }
            EltError::TlsNegotiation { reason } => TLS_NEGOTIATION.with("reason", reason),
            EltError::WrongCertificatePassword => WRONG_CERTIFICATE_PASSWORD.text(),
            EltError::InvalidCertificateFile { reason } => {
                INVALID_CERTIFICATE_FILE.with("reason", reason)
            }
            EltError::InvalidTrustAnchor { reason } => INVALID_TRUST_ANCHOR.with("reason", reason),
            EltError::InvalidEndpoint { reason } => INVALID_ENDPOINT.with("reason", reason),
            EltError::EnvironmentMismatch {
                environment,
                data_is_demo: true,
            } => DEMO_DATA_TO_FK.with("environment", environment_text(*environment)),
            EltError::EnvironmentMismatch { .. } => REAL_DATA_TO_DEMO.text(),
            EltError::Transport { reason } => TRANSPORT.with("reason", reason),
        }
    }
}
