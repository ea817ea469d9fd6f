//! The request FK's `SkickaTidredovisning` operation expects, built as bytes by a pure function.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;

/// The SOAP 1.1 envelope namespace.
pub const SOAP_ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace (only ever read, for faults from misconfigured proxies).
pub const SOAP12_ENVELOPE_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
/// The namespace of FK's request, response and fault elements.
pub const ELT_NS: &str = "urn:shs:emottagning:SkickaTidredovisning:1";
/// The W3C xmlmime namespace of the `contentType` attribute.
pub const XMLMIME_NS: &str = "http://www.w3.org/2005/05/xmlmime";
/// The `soapAction` of the operation in FK's WSDL (sent quoted in the `SOAPAction` header, as
/// SOAP 1.1 §6.1.1 asks).
pub const SOAP_ACTION: &str =
    "urn:shs:emottagning:SkickaTidredovisningResponder:1:SkickaTidredovisning";
/// The `Content-Type` of a SOAP 1.1 request.
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

/// One BankID signature as FK wants it: the signature document, its OCSP response and the day
/// of signing (`SignatureType` in FK's responder schema).
#[derive(Clone, PartialEq, Eq)]
pub struct SignatureBlock {
    /// The XML signature document exactly as BankID returned it (decoded from BankID's base64).
    pub signature_xml: Vec<u8>,
    /// BankID's OCSP response, DER (decoded from BankID's base64).
    pub ocsp_response: Vec<u8>,
    /// The day the signature was made (`datumForSignatur`).
    pub signed_on: NaiveDate,
}

impl fmt::Debug for SignatureBlock {
    // Signature documents carry the signer's personnummer: show sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureBlock")
            .field("signature_xml_len", &self.signature_xml.len())
            .field("ocsp_response_len", &self.ocsp_response.len())
            .field("signed_on", &self.signed_on)
            .finish()
    }
}

/// Everything one `SkickaTidredovisning` call carries.
#[derive(Clone, PartialEq, Eq)]
pub struct SubmitRequest {
    /// The report document, exactly the bytes that were signed.
    pub report: Vec<u8>,
    /// The assistant's signature (`assistent-signatur`).
    pub assistant_signature: SignatureBlock,
    /// The provider's signature (`anordnare-signatur`); one provider signature may cover many
    /// reports and is then attached to each of them.
    pub provider_signature: SignatureBlock,
}

impl fmt::Debug for SubmitRequest {
    // The report holds personnummer and names: show sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubmitRequest")
            .field("report_len", &self.report.len())
            .field("assistant_signature", &self.assistant_signature)
            .field("provider_signature", &self.provider_signature)
            .finish()
    }
}

/// Builds the SOAP 1.1 request envelope for `request`.
///
/// The body element `SkickaTidredovisning` uses FK's namespace as default namespace, so every
/// child is qualified as the schema's `elementFormDefault="qualified"` demands. Binary parts are
/// standard base64 without line breaks (valid `xs:base64Binary`). The report carries
/// `xmime:contentType="text/xml"`, which `xmime:base64Binary` allows; the signature and OCSP
/// parts carry no attribute. No SOAP header is sent: FK's WSDL defines none.
///
/// ```
/// use assistid_elt::envelope::{build_request, SignatureBlock, SubmitRequest};
/// use chrono::NaiveDate;
/// let day = NaiveDate::from_ymd_opt(2026, 11, 3).expect("valid date");
/// let block = SignatureBlock { signature_xml: b"<sig/>".to_vec(), ocsp_response: vec![0x30, 0x03], signed_on: day };
/// let request = SubmitRequest { report: b"<r/>".to_vec(), assistant_signature: block.clone(), provider_signature: block };
/// let xml = String::from_utf8(build_request(&request)).expect("UTF-8");
/// assert!(xml.contains("<datumForSignatur>2026-11-03</datumForSignatur>"));
/// ```
pub fn build_request(request: &SubmitRequest) -> Vec<u8> {
    let mut out = String::with_capacity(
        512 + (request.report.len()
            + request.assistant_signature.signature_xml.len()
            + request.provider_signature.signature_xml.len()
            + request.assistant_signature.ocsp_response.len()
            + request.provider_signature.ocsp_response.len())
            * 4
            / 3,
    );
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<soapenv:Envelope xmlns:soapenv=\"");
    out.push_str(SOAP_ENVELOPE_NS);
    out.push_str("\">");
    out.push_str("<soapenv:Body>");
    out.push_str("<SkickaTidredovisning xmlns=\"");
    out.push_str(ELT_NS);
    out.push_str("\" xmlns:xmime=\"");
    out.push_str(XMLMIME_NS);
    out.push_str("\">");
    out.push_str("<tidredovisning xmime:contentType=\"text/xml\">");
    STANDARD.encode_string(&request.report, &mut out);
    out.push_str("</tidredovisning>");
    push_signature(&mut out, "assistent-signatur", &request.assistant_signature);
    push_signature(&mut out, "anordnare-signatur", &request.provider_signature);
    out.push_str("</SkickaTidredovisning>");
    out.push_str("</soapenv:Body>");
    out.push_str("</soapenv:Envelope>\n");
    out.into_bytes()
}

fn push_signature(out: &mut String, element: &str, block: &SignatureBlock) {
    out.push('<');
    out.push_str(element);
    out.push_str("><signature>");
    STANDARD.encode_string(&block.signature_xml, out);
    out.push_str("</signature><ocspResponse>");
    STANDARD.encode_string(&block.ocsp_response, out);
    out.push_str("</ocspResponse><datumForSignatur>");
    out.push_str(&block.signed_on.format("%Y-%m-%d").to_string());
    out.push_str("</datumForSignatur></");
    out.push_str(element);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_sizes_not_content() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 2).expect("valid date");
        let block = SignatureBlock {
            signature_xml: b"<sig>198001019802</sig>".to_vec(),
            ocsp_response: vec![1, 2, 3],
            signed_on: day,
        };
        let request = SubmitRequest {
            report: b"<r>198001019802</r>".to_vec(),
            assistant_signature: block.clone(),
            provider_signature: block,
        };
        let debug = format!("{request:?}");
        assert!(
            !debug.contains("198001019802"),
            "personnummer must never reach Debug output: {debug}"
        );
        assert!(debug.contains("report_len"));
    }
}
