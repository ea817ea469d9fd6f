//! FK's answers: the receipt (`tx-id`), FK's two faults, other SOAP faults and everything else,
//! read by a pure function; and the raw record the outbox stores for tracing.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::envelope::{ELT_NS, SOAP_ENVELOPE_NS, SOAP12_ENVELOPE_NS};
use crate::error::{AnswerProblem, EltError};
use assistid_core::xml_tree::{self as xml, Element, XmlProblem};

/// FK's transaction id: the only receipt that a report was taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TxId(Uuid);

impl TxId {
    /// The id as a UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }

    /// Reads a tx-id in FK's UUID form (36 characters with hyphens, any case; surrounding
    /// whitespace ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() != 36 {
            return None;
        }
        Uuid::try_parse(text).ok().map(Self)
    }
}

impl From<Uuid> for TxId {
    fn from(value: Uuid) -> Self {
        Self(value)
    }
}

impl fmt::Display for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}

/// An HTTP answer as it came off the wire: status and body bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct RawAnswer {
    /// The HTTP status code.
    pub status: u16,
    /// The body, unmodified.
    pub body: Vec<u8>,
    /// Seconds from a `Retry-After` header, if any (the HTTPS transports clamp it to
    /// [`crate::client::MAX_RETRY_AFTER_SECS`]).
    pub retry_after_secs: Option<u64>,
}

impl fmt::Debug for RawAnswer {
    // Bodies may echo report data; never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawAnswer")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// What the outbox stores for every answer FK gave, success or not (FK recommends keeping the
/// response for tracing).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRecord {
    /// The HTTP status.
    pub http_status: u16,
    /// The body, raw.
    pub body: Vec<u8>,
    /// When the answer arrived (passed in by the caller).
    pub received_at: DateTime<Utc>,
    /// The tx-id, when the answer was a receipt.
    pub tx_id: Option<TxId>,
    /// The error code ([`EltError::code`]) when the answer was not a receipt.
    pub error_code: Option<String>,
}

impl ResponseRecord {
    /// Records `answer` with its interpretation.
    pub fn new(
        answer: &RawAnswer,
        received_at: DateTime<Utc>,
        outcome: &Result<TxId, EltError>,
    ) -> Self {
        Self {
            http_status: answer.status,
            body: answer.body.clone(),
            received_at,
            tx_id: outcome.as_ref().ok().copied(),
            error_code: outcome.as_ref().err().map(|e| e.code().to_owned()),
        }
    }
}

impl fmt::Debug for ResponseRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseRecord")
            .field("http_status", &self.http_status)
            .field("body_len", &self.body.len())
            .field("received_at", &self.received_at)
            .field("tx_id", &self.tx_id)
            .field("error_code", &self.error_code)
            .finish()
    }
}

/// Reads FK's answer.
///
/// - A `SkickaTidredovisningResponse` with a UUID `tx-id` and HTTP 200 is a receipt.
/// - FK's `XmlValidationError` and `SignatureValidationError` faults become
///   [`EltError::XmlValidation`] / [`EltError::SignatureValidation`] with FK's `message`
///   verbatim.
/// - Any other SOAP 1.1 or 1.2 fault becomes [`EltError::SoapFault`].
/// - HTTP 503 or 429 (FK's pacing: "too many requests") without a SOAP fault or FK's receipt
///   becomes [`EltError::ServiceUnavailable`]; with FK's receipt it is a receipt.
/// - 3xx, 401, 403, 404, 405 and 415 become [`EltError::NotFkService`] (see [`parse_answer`]).
/// - Everything else becomes [`EltError::UnexpectedAnswer`], which never carries the body.
///
/// Prefixes do not matter, only namespaces; unknown extension elements are ignored.
///
/// ```
/// use assistid_elt::response::parse_response;
/// let body = br#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
///   <SkickaTidredovisningResponse xmlns="urn:shs:emottagning:SkickaTidredovisning:1">
///     <tx-id>14e81789-715d-497b-b63c-eada732800eb</tx-id>
///   </SkickaTidredovisningResponse></S:Body></S:Envelope>"#;
/// let tx = parse_response(200, body).expect("a receipt");
/// assert_eq!(tx.to_string(), "14e81789-715d-497b-b63c-eada732800eb");
/// ```
pub fn parse_response(status: u16, body: &[u8]) -> Result<TxId, EltError> {
    parse_answer(&RawAnswer {
        status,
        body: body.to_vec(),
        retry_after_secs: None,
    })
}

/// [`parse_response`] for a [`RawAnswer`] (uses its `Retry-After`).
///
/// Besides the rules there: FK's receipt is a receipt with HTTP 200, 503 or 429 (a front that
/// answers "unavailable" after the service took the report must not make us send it again);
/// an answer with a status that is not FK's service's — 3xx, 401, 403, 404, 405, 415 — is
/// [`EltError::NotFkService`] unless it carries FK's own receipt (then uncertain) or one of FK's
/// two documented faults.
pub fn parse_answer(answer: &RawAnswer) -> Result<TxId, EltError> {
    let parsed = parse_soap(answer);
    if !crate::error::is_not_fk_service_status(answer.status) {
        return parsed;
    }
    match parsed {
        Err(e @ (EltError::XmlValidation { .. } | EltError::SignatureValidation { .. })) => Err(e),
        Err(
            e @ EltError::UnexpectedAnswer {
                problem: AnswerProblem::SuccessWithStatus,
                ..
            },
        ) => Err(e),
        _ => Err(EltError::NotFkService {
            http_status: answer.status,
        }),
    }
}

fn parse_soap(answer: &RawAnswer) -> Result<TxId, EltError> {
    let status = answer.status;
    let busy = crate::error::is_busy_status(status);
    let body = answer.body.as_slice();
    let unexpected = |problem| EltError::UnexpectedAnswer {
        http_status: status,
        problem,
        body_len: body.len(),
    };
    // A transport of the caller's own may not have clamped the header: clamp again.
    let unavailable = || EltError::ServiceUnavailable {
        retry_after_secs: answer
            .retry_after_secs
            .map(|secs| secs.min(crate::client::MAX_RETRY_AFTER_SECS)),
    };
    let root = match xml::parse(body) {
        Ok(root) => root,
        Err(problem) => {
            if busy {
                return Err(unavailable());
            }
            return Err(unexpected(match problem {
                XmlProblem::Empty => AnswerProblem::Empty,
                _ if looks_like_html(body) => AnswerProblem::Html,
                XmlProblem::Malformed { position } => AnswerProblem::MalformedXml { position },
                XmlProblem::Doctype | XmlProblem::TooDeep | XmlProblem::Encoding => {
                    AnswerProblem::MalformedXml { position: 0 }
                }
            }));
        }
    };
    let soap_ns = match root.ns.as_deref() {
        Some(ns)
            if root.local == "Envelope" && (ns == SOAP_ENVELOPE_NS || ns == SOAP12_ENVELOPE_NS) =>
        {
            ns.to_owned()
        }
        _ => {
            if busy {
                return Err(unavailable());
            }
            if root.local.eq_ignore_ascii_case("html") {
                return Err(unexpected(AnswerProblem::Html));
            }
            return Err(unexpected(AnswerProblem::NotSoap {
                root: short(&root.local),
            }));
        }
    };
    let Some(body_element) = root.child(&soap_ns, "Body", false) else {
        return Err(unexpected(AnswerProblem::UnknownBody {
            element: String::new(),
        }));
    };
    let Some(payload) = body_element.elements().next() else {
        if busy {
            return Err(unavailable());
        }
        return Err(unexpected(AnswerProblem::UnknownBody {
            element: String::new(),
        }));
    };
    if payload.is(&soap_ns, "Fault") {
        return Err(read_fault(status, &soap_ns, payload));
    }
    let is_receipt = payload.is(ELT_NS, "SkickaTidredovisningResponse");
    if busy && !is_receipt {
        return Err(unavailable());
    }
    if is_receipt {
        let receipt = payload
            .child(ELT_NS, "tx-id", true)
            .and_then(|e| TxId::parse(&e.text()));
        // A 503 that carries FK's receipt: the service took the report (accepted). One whose
        // receipt is unusable says nothing: unavailable, as any other 503.
        let tx_id = match receipt {
            Some(tx_id) => tx_id,
            None if busy => return Err(unavailable()),
            None => return Err(unexpected(AnswerProblem::BadTxId)),
        };
        if status != 200 && !busy {
            return Err(unexpected(AnswerProblem::SuccessWithStatus));
        }
        return Ok(tx_id);
    }
    Err(unexpected(AnswerProblem::UnknownBody {
        element: short(&payload.local),
    }))
}

fn read_fault(status: u16, soap_ns: &str, fault: &Element) -> EltError {
    // FK's own faults sit in the detail; look there first (SOAP 1.1 `detail` is unqualified,
    // SOAP 1.2 `Detail` is qualified).
    let detail = fault
        .child(soap_ns, "detail", true)
        .or_else(|| fault.child(soap_ns, "Detail", true));
    if let Some(detail) = detail {
        for element in detail.elements() {
            let message = || {
                element
                    .child(ELT_NS, "message", true)
                    .map(Element::text)
                    .unwrap_or_default()
            };
            if element.is(ELT_NS, "XmlValidationError") {
                return EltError::XmlValidation { message: message() };
            }
            if element.is(ELT_NS, "SignatureValidationError") {
                return EltError::SignatureValidation { message: message() };
            }
        }
    }
    let (fault_code, fault_string) = if soap_ns == SOAP12_ENVELOPE_NS {
        let code = fault
            .child(soap_ns, "Code", false)
            .and_then(|c| c.child(soap_ns, "Value", false))
            .map(Element::text);
        let reason = fault
            .child(soap_ns, "Reason", false)
            .and_then(|r| r.child(soap_ns, "Text", false))
            .map(Element::text);
        (code, reason)
    } else {
        (
            fault.child(soap_ns, "faultcode", true).map(Element::text),
            fault.child(soap_ns, "faultstring", true).map(Element::text),
        )
    };
    if crate::error::is_busy_status(status) && fault_code.is_none() && fault_string.is_none() {
        return EltError::ServiceUnavailable {
            retry_after_secs: None,
        };
    }
    EltError::SoapFault {
        http_status: status,
        fault_code: fault_code.unwrap_or_default().trim().to_owned(),
        fault_string: fault_string.unwrap_or_default().trim().to_owned(),
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let head: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(64)
        .map(u8::to_ascii_lowercase)
        .collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

/// At most 40 characters of a name, for error details.
fn short(name: &str) -> String {
    name.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_id_needs_the_hyphenated_uuid_form() {
        assert!(TxId::parse("14e81789-715d-497b-b63c-eada732800eb").is_some());
        assert!(
            TxId::parse("14e81789715d497bb63ceada732800eb").is_none(),
            "FK documents the hyphenated form; anything else is suspicious"
        );
        assert!(TxId::parse("not-a-uuid").is_none());
    }

    #[test]
    fn record_keeps_the_raw_body_but_debug_does_not_show_it() {
        let answer = RawAnswer {
            status: 500,
            body: b"<x>198001019802</x>".to_vec(),
            retry_after_secs: None,
        };
        let at = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).expect("valid timestamp");
        let outcome = parse_answer(&answer);
        let record = ResponseRecord::new(&answer, at, &outcome);
        assert_eq!(record.body, answer.body, "the body is stored raw");
        assert_eq!(record.error_code.as_deref(), Some("elt_unexpected_answer"));
        assert!(!format!("{record:?}").contains("198001019802"));
        assert!(!format!("{answer:?}").contains("198001019802"));
    }
}
