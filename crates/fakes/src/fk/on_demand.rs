//! Answers that are not FK's service's, on demand (issue 15): what a wrong address, a
//! certificate FK has not enrolled, a redirect or a front in FK's way answers — and a 503 that
//! carries FK's receipt. Scripted per request with [`super::Behaviour::OnDemand`].

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};

use super::check::{self, Verdict};
use super::{RecordedOutcome, html_response, xml_response};

/// One answer the fake gives on demand instead of FK's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnDemand {
    /// This HTTP status with a web server's HTML page (404 for a wrong path, 401/403 for a
    /// certificate FK has not enrolled, 405, 415); the request is not processed.
    Status(u16),
    /// A redirect (301, 302, 307, 308) to this address; the request is not processed.
    Redirect(u16, String),
    /// HTTP 503, but the request *is* processed like FK and the body is FK's receipt (or
    /// fault): a front that says "unavailable" after the service took the report.
    UnavailableWithReceipt,
}

impl OnDemand {
    /// A short stable name (for the fake's record).
    pub fn name(&self) -> &'static str {
        match self {
            OnDemand::Status(_) => "on_demand_status",
            OnDemand::Redirect(..) => "on_demand_redirect",
            OnDemand::UnavailableWithReceipt => "on_demand_503_with_receipt",
        }
    }
}

/// The answer, and what to record for it.
pub(super) fn respond(
    answer: &OnDemand,
    body: &[u8],
    strictness: check::Strictness<'_>,
) -> (Response<Full<Bytes>>, RecordedOutcome) {
    match answer {
        OnDemand::Status(status) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::NOT_FOUND);
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            (
                html_response(status, &title),
                RecordedOutcome::Scripted(answer.name()),
            )
        }
        OnDemand::Redirect(status, location) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::MOVED_PERMANENTLY);
            let mut response = html_response(status, "Moved");
            if let Ok(value) = hyper::header::HeaderValue::from_str(location) {
                response
                    .headers_mut()
                    .insert(hyper::header::LOCATION, value);
            }
            (response, RecordedOutcome::Scripted(answer.name()))
        }
        OnDemand::UnavailableWithReceipt => match check::judge(body, strictness) {
            Verdict::Accepted { report_id, tx_id } => (
                xml_response(StatusCode::SERVICE_UNAVAILABLE, check::receipt(tx_id)),
                RecordedOutcome::Accepted { report_id, tx_id },
            ),
            _ => (
                html_response(StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable"),
                RecordedOutcome::Scripted(answer.name()),
            ),
        },
    }
}
