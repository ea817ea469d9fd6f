//! What can go wrong when talking to FK, sorted by what the outbox may safely do next.
//!
//! `Display` is the Swedish message for the coordinator. It may quote FK's fault text (which can
//! quote report values), so log [`EltError::code`] instead, never the message.

use chrono::NaiveDate;
use thiserror::Error;

use crate::environment::Environment;

/// What a failed attempt means for the report, from the outbox's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Disposition {
    /// Nothing reached FK, and trying again unchanged will not help until someone fixes the
    /// settings (certificate, password, trust anchor, endpoint, environment).
    Configuration,
    /// FK certainly did not receive the report (no connection, TLS refused, HTTP 503): an
    /// automatic retry with backoff is safe.
    Transient,
    /// The report may have reached FK but no usable answer came back. Never resend
    /// automatically: FK has no status query, so the user decides.
    Uncertain,
    /// FK received the report and refused it. Final: never resend the same bytes.
    Rejected,
}

/// Which phase a timeout hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Opening the connection (TCP and TLS): nothing was sent.
    Connect,
    /// Waiting for FK's answer after the request was (or may have been) sent.
    Answer,
}

/// What was wrong with an answer that was not a SOAP answer we understand. Never contains
/// the body itself (it may hold personnummer); the raw bytes are kept in
/// [`crate::response::ResponseRecord`] for the outbox to store.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnswerProblem {
    /// The body was empty.
    Empty,
    /// An HTML page (typically a proxy's or load balancer's error page).
    Html,
    /// Not well-formed XML, or cut off (byte offset where reading stopped).
    MalformedXml {
        /// Byte offset where the reader gave up.
        position: u64,
    },
    /// Well-formed XML, but not a SOAP envelope (the root's local name, at most 40 characters).
    NotSoap {
        /// The root element's local name.
        root: String,
    },
    /// A SOAP envelope whose body holds something other than a response or fault (local name,
    /// at most 40 characters).
    UnknownBody {
        /// The body child's local name, or empty when the body was empty.
        element: String,
    },
    /// A `SkickaTidredovisningResponse` without a usable `tx-id` (missing or not a UUID).
    BadTxId,
    /// A success answer with an HTTP status other than 200.
    SuccessWithStatus,
    /// The answer was larger than any FK answer can be; reading stopped.
    TooLarge,
}

impl AnswerProblem {
    fn describe(&self) -> String {
        match self {
            AnswerProblem::Empty => "svaret var tomt".to_owned(),
            AnswerProblem::Html => "svaret var en webbsida i stället för ett SOAP-svar".to_owned(),
            AnswerProblem::MalformedXml { position } => {
                format!("svaret var trasig eller avklippt XML (vid byte {position})")
            }
            AnswerProblem::NotSoap { root } => {
                format!("svaret var XML men inget SOAP-meddelande (rotelement {root})")
            }
            AnswerProblem::UnknownBody { element } if element.is_empty() => {
                "SOAP-svaret var tomt".to_owned()
            }
            AnswerProblem::UnknownBody { element } => {
                format!("SOAP-svaret innehöll ett okänt element ({element})")
            }
            AnswerProblem::BadTxId => "kvittot saknade ett giltigt transaktions-id".to_owned(),
            AnswerProblem::SuccessWithStatus => {
                "ett kvitto kom med en felkod från webbservern".to_owned()
            }
            AnswerProblem::TooLarge => "svaret var orimligt stort".to_owned(),
        }
    }
}

/// Everything the ELT client can report as failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EltError {
    /// FK's `XmlValidationError`: the report does not follow FK's schema. `message` is FK's
    /// text, verbatim.
    #[error(
        "Försäkringskassan avvisade tidredovisningen: den följer inte deras format. \
         Försäkringskassans meddelande: {message}. Rätta uppgifterna; då skapas en ny version \
         som måste signeras igen."
    )]
    XmlValidation {
        /// FK's message text, exactly as sent.
        message: String,
    },
    /// FK's `SignatureValidationError`: a signature did not check out. `message` is FK's text,
    /// verbatim.
    #[error(
        "Försäkringskassan godtog inte signaturerna på tidredovisningen. Försäkringskassans \
         meddelande: {message}. Låt assistenten och anordnaren signera rapporten på nytt."
    )]
    SignatureValidation {
        /// FK's message text, exactly as sent.
        message: String,
    },
    /// A SOAP fault of another shape than FK's two documented faults.
    #[error(
        "Försäkringskassan svarade med ett fel ({fault_code}: {fault_string}). Det är oklart om \
         rapporten togs emot; skicka inte om den förrän du har kontrollerat med \
         Försäkringskassan."
    )]
    SoapFault {
        /// The HTTP status the fault came with.
        http_status: u16,
        /// `faultcode` (SOAP 1.1) or `Code/Value` (SOAP 1.2), as sent.
        fault_code: String,
        /// `faultstring` (SOAP 1.1) or `Reason/Text` (SOAP 1.2), as sent.
        fault_string: String,
    },
    /// FK (or something in front of it) answered something that is not a SOAP answer we
    /// understand.
    #[error(
        "Försäkringskassan svarade något oväntat (HTTP {http_status}, {}). Det är oklart om \
         rapporten togs emot; skicka inte om den förrän du har kontrollerat med \
         Försäkringskassan.", problem.describe()
    )]
    UnexpectedAnswer {
        /// The HTTP status.
        http_status: u16,
        /// What was wrong, without the body.
        problem: AnswerProblem,
        /// The body's length in bytes.
        body_len: usize,
    },
    /// An HTTP answer that is not FK's service's: a redirect (3xx), 401 or 403 (typically a
    /// client certificate FK has not enrolled), 404 or 405 (a wrong address or path), 415 (not
    /// a SOAP service). The report did not reach the service: a setting to fix, never an
    /// uncertain send and never retried automatically. See [`not_fk_service_advice`].
    #[error("{}", not_fk_service_advice(*http_status))]
    NotFkService {
        /// The HTTP status.
        http_status: u16,
    },
    /// HTTP 503, or 429 (too many requests: FK's pacing): the service (or its front) is
    /// unavailable or asks us to wait, and did not take the report.
    #[error(
        "Försäkringskassans tjänst är tillfälligt otillgänglig eller ber oss vänta (HTTP 503 \
         eller 429). Rapporten togs inte emot och skickas igen automatiskt."
    )]
    ServiceUnavailable {
        /// Seconds from a `Retry-After` header, when FK sent one, at most
        /// [`crate::client::MAX_RETRY_AFTER_SECS`].
        retry_after_secs: Option<u64>,
    },
    /// No connection could be made: DNS failure, connection refused, network down.
    #[error(
        "Det gick inte att nå Försäkringskassan ({reason}). Kontrollera internetanslutningen, \
         adressen i inställningarna och att brandväggen släpper igenom Försäkringskassans port \
         (8020 för produktion, 5000 för test — inte den vanliga 443); rapporten skickades inte \
         och försöks igen automatiskt."
    )]
    Unreachable {
        /// A short technical reason (no personal data).
        reason: String,
    },
    /// The server's certificate did not verify against the configured trust anchor (unknown
    /// issuer, expired, wrong name).
    #[error(
        "Servern gick inte att lita på: {reason}. Rapporten skickades inte. Kontrollera adressen \
         och certifikatutfärdaren (CA) för miljön i inställningarna."
    )]
    ServerNotTrusted {
        /// Why the server's certificate was refused (Swedish).
        reason: String,
    },
    /// The server refused our client certificate during the TLS handshake.
    #[error(
        "Försäkringskassan godtog inte ert certifikat ({reason}). Rapporten skickades inte. \
         Kontrollera att rätt certifikatfil (från Expisoft) är vald och att den gäller."
    )]
    ClientCertificateRejected {
        /// The TLS alert or reason, short and technical.
        reason: String,
    },
    /// No answer in time.
    #[error("{}", match phase {
        TimeoutPhase::Connect => "Försäkringskassan svarade inte när anslutningen skulle öppnas. Rapporten skickades inte och försöks igen automatiskt.",
        TimeoutPhase::Answer => "Inget svar kom från Försäkringskassan i tid. Rapporten kan ha kommit fram; skicka inte om den förrän du har kontrollerat med Försäkringskassan.",
    })]
    Timeout {
        /// Which phase timed out.
        phase: TimeoutPhase,
    },
    /// The connection broke after the request was sent, or the answer was cut off.
    #[error(
        "Förbindelsen med Försäkringskassan bröts innan svaret kom ({reason}). Rapporten kan ha \
         kommit fram; skicka inte om den förrän du har kontrollerat med Försäkringskassan."
    )]
    ConnectionLost {
        /// A short technical reason.
        reason: String,
    },
    /// The client certificate has expired (checked locally before sending).
    #[error(
        "Certifikatet för Försäkringskassan gick ut {expired_on}. Förnya det hos Expisoft och \
         lägg in den nya filen i inställningarna; inga rapporter kan skickas innan dess."
    )]
    ClientCertificateExpired {
        /// The last day of validity (Swedish date).
        expired_on: NaiveDate,
    },
    /// The certificate file holds several keys that may authenticate a TLS client and none
    /// was chosen (or the choice names none of them).
    #[error(
        "Certifikatfilen innehåller flera nycklar som kan användas för att logga in hos \
         Försäkringskassan: {candidates}. Välj en under Inställningar eller med \
         --client-cert-key (namnet eller serienumret)."
    )]
    SeveralClientKeys {
        /// The candidates, described (name, serial number, last day of validity).
        candidates: String,
    },
    /// The TLS handshake failed before any certificate was judged: no TLS version or cipher
    /// suite both sides accept (or, with a bare handshake_failure alert, a refusal the server
    /// does not explain).
    #[error(
        "Ingen säker förbindelse kunde förhandlas fram med servern ({reason}). Rapporten \
         skickades inte. Kontrollera adressen och porten i inställningarna, och att ingen \
         proxy eller brandvägg bryter upp den krypterade trafiken; består felet, kontakta \
         Försäkringskassan om vilka TLS-versioner tjänsten kräver."
    )]
    TlsNegotiation {
        /// Which side refused and why, short (Swedish).
        reason: String,
    },
    /// The PKCS#12 password is wrong.
    #[error(
        "Fel lösenord för certifikatfilen. Ange lösenordet som hörde till filen från Expisoft."
    )]
    WrongCertificatePassword,
    /// The certificate file could not be used (not PKCS#12, no key, unreadable certificate).
    #[error("Certifikatfilen kan inte användas: {reason}. Välj filen från Expisoft (.p12/.pfx).")]
    InvalidCertificateFile {
        /// What is wrong (Swedish).
        reason: String,
    },
    /// The pinned CA for the environment could not be read.
    #[error(
        "Certifikatutfärdaren (CA) för miljön kan inte läsas: {reason}. Välj en PEM-fil med \
         CA-certifikatet i inställningarna."
    )]
    InvalidTrustAnchor {
        /// What is wrong (Swedish).
        reason: String,
    },
    /// The endpoint address is not a usable HTTPS URL.
    #[error("Adressen till Försäkringskassan är ogiltig: {reason}. Rätta den i inställningarna.")]
    InvalidEndpoint {
        /// What is wrong (Swedish).
        reason: String,
    },
    /// Demo data to a real FK, or real data to the fake.
    #[error("{}", if *data_is_demo {
        format!("Demodata kan inte skickas till Försäkringskassans {}. Byt till demoläget.", environment.label())
    } else {
        "Riktiga tidredovisningar kan inte skickas till demoläget. Välj Försäkringskassans test- eller produktionsmiljö.".to_owned()
    })]
    EnvironmentMismatch {
        /// The environment that was chosen.
        environment: Environment,
        /// Whether the data is demo data.
        data_is_demo: bool,
    },
    /// Any other transport failure; treated as uncertain because we cannot tell whether the
    /// request left the machine.
    #[error(
        "Ett oväntat fel uppstod i förbindelsen med Försäkringskassan ({reason}). Det är oklart \
         om rapporten kom fram; skicka inte om den förrän du har kontrollerat med \
         Försäkringskassan."
    )]
    Transport {
        /// A short technical reason.
        reason: String,
    },
}

/// Whether an HTTP status says the service is busy and did not take the request: 503
/// (unavailable) and 429 (too many requests, FK's pacing). See [`EltError::ServiceUnavailable`].
pub fn is_busy_status(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// The statuses that are not FK's service answering: see [`EltError::NotFkService`].
pub fn is_not_fk_service_status(status: u16) -> bool {
    matches!(status, 300..=399 | 401 | 403 | 404 | 405 | 415)
}

/// What an answer with `status` from something other than FK's service means, and what to check
/// (Swedish, for the coordinator).
pub fn not_fk_service_advice(status: u16) -> String {
    let check_address = "Kontrollera adressen i inställningarna: den ska vara exakt den \
                         Försäkringskassan har gett er, med sökväg och port (8020 för produktion, \
                         5000 för test).";
    match status {
        300..=399 => format!(
            "Adressen till Försäkringskassan skickar vidare till en annan adress (HTTP {status}), \
             så rapporten kom inte fram till tjänsten. {check_address}"
        ),
        401 | 403 => format!(
            "Försäkringskassan nekade åtkomst (HTTP {status}), så rapporten togs inte emot. \
             Troligen är certifikatet inte anmält hos Försäkringskassan för tidredovisning, eller \
             så är fel certifikat valt. Kontrollera med Försäkringskassan att certifikatet från \
             Expisoft är registrerat för er, och att rätt certifikat är valt i inställningarna. \
             {check_address}"
        ),
        404 | 405 => format!(
            "Adressen svarar inte som Försäkringskassans tjänst för tidredovisning (HTTP \
             {status}: fel sökväg eller fel server), så rapporten kom inte fram. {check_address}"
        ),
        _ => format!(
            "Servern på adressen tog inte emot rapporten som ett meddelande till \
             Försäkringskassans tjänst (HTTP {status}), så den kom inte fram; adressen leder \
             troligen till fel tjänst. {check_address}"
        ),
    }
}

impl EltError {
    /// What the outbox may do next.
    pub fn disposition(&self) -> Disposition {
        match self {
            EltError::XmlValidation { .. } | EltError::SignatureValidation { .. } => {
                Disposition::Rejected
            }
            EltError::SoapFault { .. }
            | EltError::UnexpectedAnswer { .. }
            | EltError::ConnectionLost { .. }
            | EltError::Transport { .. } => Disposition::Uncertain,
            EltError::Timeout { phase } => match phase {
                TimeoutPhase::Connect => Disposition::Transient,
                TimeoutPhase::Answer => Disposition::Uncertain,
            },
            EltError::ServiceUnavailable { .. } | EltError::Unreachable { .. } => {
                Disposition::Transient
            }
            EltError::ServerNotTrusted { .. }
            | EltError::NotFkService { .. }
            | EltError::ClientCertificateRejected { .. }
            | EltError::SeveralClientKeys { .. }
            | EltError::TlsNegotiation { .. }
            | EltError::ClientCertificateExpired { .. }
            | EltError::WrongCertificatePassword
            | EltError::InvalidCertificateFile { .. }
            | EltError::InvalidTrustAnchor { .. }
            | EltError::InvalidEndpoint { .. }
            | EltError::EnvironmentMismatch { .. } => Disposition::Configuration,
        }
    }

    /// FK certainly did not receive the report (configuration problems included: they fail
    /// before anything is sent).
    pub fn is_certainly_not_received(&self) -> bool {
        matches!(
            self.disposition(),
            Disposition::Transient | Disposition::Configuration
        )
    }

    /// An automatic retry (with backoff) is safe and may help.
    pub fn is_retryable(&self) -> bool {
        self.disposition() == Disposition::Transient
    }

    /// The report may have reached FK: never resend automatically.
    pub fn is_uncertain(&self) -> bool {
        self.disposition() == Disposition::Uncertain
    }

    /// FK refused the report (final; fix the data and sign a new version).
    pub fn is_rejection(&self) -> bool {
        self.disposition() == Disposition::Rejected
    }

    /// A settings problem the user must fix before anything can be sent.
    pub fn is_configuration(&self) -> bool {
        self.disposition() == Disposition::Configuration
    }

    /// FK's message text for the two FK faults (verbatim), for storing with the rejection.
    pub fn fk_message(&self) -> Option<&str> {
        match self {
            EltError::XmlValidation { message } | EltError::SignatureValidation { message } => {
                Some(message)
            }
            _ => None,
        }
    }

    /// A stable snake_case code for the UI, JSON and logs.
    pub fn code(&self) -> &'static str {
        match self {
            EltError::XmlValidation { .. } => "elt_xml_validation",
            EltError::SignatureValidation { .. } => "elt_signature_validation",
            EltError::SoapFault { .. } => "elt_soap_fault",
            EltError::UnexpectedAnswer { .. } => "elt_unexpected_answer",
            EltError::NotFkService { .. } => "elt_not_fk_service",
            EltError::ServiceUnavailable { .. } => "elt_service_unavailable",
            EltError::Unreachable { .. } => "elt_unreachable",
            EltError::ServerNotTrusted { .. } => "elt_server_not_trusted",
            EltError::ClientCertificateRejected { .. } => "elt_client_certificate_rejected",
            EltError::Timeout {
                phase: TimeoutPhase::Connect,
            } => "elt_connect_timeout",
            EltError::Timeout { .. } => "elt_answer_timeout",
            EltError::ConnectionLost { .. } => "elt_connection_lost",
            EltError::ClientCertificateExpired { .. } => "elt_client_certificate_expired",
            EltError::WrongCertificatePassword => "elt_wrong_certificate_password",
            EltError::SeveralClientKeys { .. } => "elt_several_client_keys",
            EltError::TlsNegotiation { .. } => "elt_tls_negotiation",
            EltError::InvalidCertificateFile { .. } => "elt_invalid_certificate_file",
            EltError::InvalidTrustAnchor { .. } => "elt_invalid_trust_anchor",
            EltError::InvalidEndpoint { .. } => "elt_invalid_endpoint",
            EltError::EnvironmentMismatch { .. } => "elt_environment_mismatch",
            EltError::Transport { .. } => "elt_transport",
        }
    }
}
