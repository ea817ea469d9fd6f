//! What the fake FK does with a well-behaved request: read the envelope, check the report and
//! that both signatures bind exactly this report, and decide the answer.

use assistid_core::c14n::report_hash;
use assistid_core::document::parse_report;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;
use x509_parser::prelude::{FromDer, X509Certificate};

use assistid_core::xml_tree::{self as xml, Element};

/// SOAP 1.1 envelope namespace.
pub(crate) const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// FK's ELT namespace.
pub(crate) const ELT_NS: &str = "urn:shs:emottagning:SkickaTidredovisning:1";

/// The decision for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Accepted: the report id and the new tx-id.
    Accepted { report_id: Uuid, tx_id: Uuid },
    /// FK's `XmlValidationError`.
    XmlValidation(String),
    /// FK's `SignatureValidationError`.
    SignatureValidation(String),
    /// The SOAP message itself is broken (a `soap:Client` fault).
    BadRequest(String),
}

/// Decides the answer for a request body.
pub(crate) fn judge(body: &[u8]) -> Verdict {
    match judge_inner(body) {
        Ok(v) | Err(v) => v,
    }
}

/// The id of the report a request carries, if the envelope and report can be read (for the
/// record of requests that are not judged, e.g. scripted failures).
pub(crate) fn report_id(body: &[u8]) -> Option<Uuid> {
    let root = xml::parse(body).ok()?;
    let operation = root
        .child(SOAP_NS, "Body", false)?
        .elements()
        .find(|e| e.is(ELT_NS, "SkickaTidredovisning"))?;
    let report = operation
        .elements()
        .find(|e| e.is(ELT_NS, "tidredovisning"))
        .and_then(|e| decode(&e.text()))?;
    parse_report(&report).ok().map(|parsed| parsed.id)
}

fn judge_inner(body: &[u8]) -> Result<Verdict, Verdict> {
    let bad = |m: &str| Verdict::BadRequest(m.to_owned());
    let root = xml::parse(body).map_err(|_| bad("The request is not well-formed XML."))?;
    if !root.is(SOAP_NS, "Envelope") {
        return Err(bad("The request is not a SOAP 1.1 envelope."));
    }
    let operation = root
        .child(SOAP_NS, "Body", false)
        .and_then(|b| b.elements().next())
        .filter(|e| e.is(ELT_NS, "SkickaTidredovisning"))
        .ok_or_else(|| bad("The SOAP body does not hold SkickaTidredovisning."))?;
    // Extension elements from other namespaces are allowed (`xs:any ##other`) and ignored.
    let parts: Vec<&Element> = operation
        .elements()
        .filter(|e| e.ns.as_deref() == Some(ELT_NS))
        .collect();
    let names: Vec<&str> = parts.iter().map(|e| e.local.as_str()).collect();
    if names != ["tidredovisning", "assistent-signatur", "anordnare-signatur"] {
        return Err(Verdict::XmlValidation(format!(
            "cvc-complex-type.2.4: SkickaTidredovisning ska innehålla tidredovisning, \
             assistent-signatur, anordnare-signatur i den ordningen; fick {names:?}"
        )));
    }
    let report = decode(&parts[0].text()).ok_or_else(|| {
        Verdict::XmlValidation("tidredovisning är inte giltig base64 (xs:base64Binary)".into())
    })?;
    let parsed = parse_report(&report).map_err(|e| {
        Verdict::XmlValidation(format!(
            "Tidredovisningen följer inte schemat tidredovisning_extern_v1.xsd: {e}"
        ))
    })?;
    let hash = report_hash(&report).map_err(|e| {
        Verdict::XmlValidation(format!("Tidredovisningen kan inte kanoniseras: {e}"))
    })?;
    let expected_entry = format!("{},{}", parsed.id.hyphenated(), hash);

    let assistant = read_signature(parts[1], "assistent-signatur")?;
    let provider = read_signature(parts[2], "anordnare-signatur")?;
    for (who, signature) in [("Assistentens", &assistant), ("Anordnarens", &provider)] {
        if !signature.entries.iter().any(|e| e == &expected_entry) {
            return Err(Verdict::SignatureValidation(format!(
                "{who} signatur gäller inte denna tidredovisning: signerad data saknar \
                 {expected_entry} (the signed data does not bind this report)"
            )));
        }
    }
    if assistant.signer_id.as_deref() != Some(parsed.assistant.digits()) {
        return Err(Verdict::SignatureValidation(
            "Assistentens signatur är gjord av någon annan än assistenten i tidredovisningen \
             (signer does not match the report's assistant)"
                .to_owned(),
        ));
    }
    Ok(Verdict::Accepted {
        report_id: parsed.id,
        tx_id: Uuid::new_v4(),
    })
}

struct ReadSignature {
    entries: Vec<String>,
    signer_id: Option<String>,
}

fn read_signature(block: &Element, name: &str) -> Result<ReadSignature, Verdict> {
    let field = |local: &str| block.child(ELT_NS, local, false).map(Element::text);
    let invalid = |what: &str| Verdict::XmlValidation(format!("{name}: {what}"));
    let (Some(signature), Some(ocsp), Some(date)) = (
        field("signature"),
        field("ocspResponse"),
        field("datumForSignatur"),
    ) else {
        return Err(invalid(
            "ska innehålla signature, ocspResponse och datumForSignatur",
        ));
    };
    if chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").is_err() {
        return Err(invalid("datumForSignatur är inget datum (xs:date)"));
    }
    let ocsp = decode(&ocsp).ok_or_else(|| invalid("ocspResponse är inte giltig base64"))?;
    let sig_invalid = |what: &str| Verdict::SignatureValidation(format!("{name}: {what}"));
    if ocsp.is_empty() {
        return Err(sig_invalid("OCSP-svaret saknas"));
    }
    let document = decode(&signature).ok_or_else(|| invalid("signature är inte giltig base64"))?;
    let root = xml::parse(&document).map_err(|_| sig_invalid("signaturen är inte läsbar XML"))?;
    let non_visible = find(&root, "bankIdSignedData")
        .and_then(|d| find(d, "usrNonVisibleData"))
        .ok_or_else(|| sig_invalid("signaturen saknar bankIdSignedData/usrNonVisibleData"))?;
    let data = decode(&non_visible.text())
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| sig_invalid("usrNonVisibleData är inte giltig base64-kodad text"))?;
    let signer_id = find(&root, "KeyInfo")
        .and_then(|k| find(k, "X509Data"))
        .and_then(|x| x.elements().find(|e| e.local == "X509Certificate"))
        .and_then(|c| decode(&c.text()))
        .and_then(|der| subject_serial_number(&der));
    Ok(ReadSignature {
        entries: data.split(';').map(|e| e.trim().to_owned()).collect(),
        signer_id,
    })
}

/// The first descendant (depth first) with this local name, namespace ignored (BankID's
/// signature mixes the XML-DSig and BankID namespaces).
fn find<'a>(element: &'a Element, local: &str) -> Option<&'a Element> {
    for child in element.elements() {
        if child.local == local {
            return Some(child);
        }
        if let Some(found) = find(child, local) {
            return Some(found);
        }
    }
    None
}

/// The subject's `serialNumber` (BankID: the signer's personnummer).
fn subject_serial_number(der: &[u8]) -> Option<String> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let serial = cert
        .subject()
        .iter_by_oid(&x509_parser::oid_registry::OID_X509_SERIALNUMBER)
        .next()?
        .as_str()
        .ok()?
        .to_owned();
    Some(serial)
}

/// Base64 with any whitespace (line breaks in pretty-printed XML) removed.
fn decode(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(compact).ok()
}

/// Escapes text for XML element content.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// FK's receipt.
pub(crate) fn receipt(tx_id: Uuid) -> String {
    format!(
        "<soapenv:Envelope xmlns:soapenv=\"{SOAP_NS}\"><soapenv:Body>\
         <SkickaTidredovisningResponse xmlns=\"{ELT_NS}\"><tx-id>{}</tx-id>\
         </SkickaTidredovisningResponse></soapenv:Body></soapenv:Envelope>",
        tx_id.hyphenated()
    )
}

/// One of FK's two faults.
pub(crate) fn fk_fault(element: &str, message: &str) -> String {
    format!(
        "<soapenv:Envelope xmlns:soapenv=\"{SOAP_NS}\"><soapenv:Body><soapenv:Fault>\
         <faultcode>soapenv:Client</faultcode><faultstring>{element}</faultstring><detail>\
         <ns2:{element} xmlns:ns2=\"{ELT_NS}\"><ns2:message>{}</ns2:message></ns2:{element}>\
         </detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
        escape(message)
    )
}

/// A plain SOAP 1.1 fault.
pub(crate) fn soap_fault(code: &str, text: &str) -> String {
    format!(
        "<soapenv:Envelope xmlns:soapenv=\"{SOAP_NS}\"><soapenv:Body><soapenv:Fault>\
         <faultcode>{}</faultcode><faultstring>{}</faultstring></soapenv:Fault></soapenv:Body>\
         </soapenv:Envelope>",
        escape(code),
        escape(text)
    )
}
