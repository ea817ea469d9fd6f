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

/// What the fake FK checks beyond the envelope and the report's own reader.
#[derive(Clone, Copy, Default)]
pub(crate) struct Strictness<'a> {
    /// The BankID user-certificate roots this FK trusts
    /// ([`super::FakeFkConfig::bankid_roots`]).
    pub(crate) bankid_roots: Option<&'a [Vec<u8>]>,
    /// FK's report schema, validated with xmllint ([`super::FakeFkConfig::report_schema`]).
    pub(crate) report_schema: Option<&'a std::path::Path>,
}

/// Decides the answer for a request body.
pub(crate) fn judge(body: &[u8], strictness: Strictness<'_>) -> Verdict {
    match judge_inner(body, strictness) {
        Ok(v) | Err(v) => v,
    }
}

/// Validates `report` against FK's report schema with xmllint, as FK validates it: `Err` holds
/// xmllint's findings (the document read from standard input is named "rad N").
fn validate_report_schema(schema: &std::path::Path, report: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(schema)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("schemakontrollen kunde inte köras (xmllint: {e})"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(report)
            .map_err(|e| format!("schemakontrollen kunde inte läsa rapporten ({e})"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("schemakontrollen avbröts ({e})"))?;
    if output.status.success() {
        return Ok(());
    }
    let findings: Vec<String> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.ends_with("fails to validate"))
        .map(|line| match line.strip_prefix("-:") {
            Some(rest) => format!("rad {rest}"),
            None => line.to_owned(),
        })
        .collect();
    Err(format!(
        "Tidredovisningen följer inte schemat tidredovisning_extern_v1.xsd: {}",
        findings.join(" ")
    ))
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

fn judge_inner(body: &[u8], strictness: Strictness<'_>) -> Result<Verdict, Verdict> {
    let bankid_roots = strictness.bankid_roots;
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
    if let Some(schema) = strictness.report_schema {
        validate_report_schema(schema, &report).map_err(Verdict::XmlValidation)?;
    }
    let parsed = parse_report(&report).map_err(|e| {
        Verdict::XmlValidation(format!(
            "Tidredovisningen följer inte schemat tidredovisning_extern_v1.xsd: {e}"
        ))
    })?;
    let hash = report_hash(&report).map_err(|e| {
        Verdict::XmlValidation(format!("Tidredovisningen kan inte kanoniseras: {e}"))
    })?;
    let expected_entry = format!("{},{}", parsed.id.hyphenated(), hash);

    let assistant = read_signature(parts[1], "assistent-signatur", bankid_roots)?;
    let provider = read_signature(parts[2], "anordnare-signatur", bankid_roots)?;
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

fn read_signature(
    block: &Element,
    name: &str,
    bankid_roots: Option<&[Vec<u8>]>,
) -> Result<ReadSignature, Verdict> {
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
    // As FK: the XML-DSig (digests of #bidSignedData and #bidKeyInfo, RSA signature value)
    // and the certificate chain, at the time BankID's OCSP answer says the signature was made.
    let produced_at = assistid_bankid::ocsp_produced_at(&ocsp)
        .ok_or_else(|| sig_invalid("OCSP-svaret går inte att läsa (ocspResponse)"))?;
    let verified = match bankid_roots {
        Some(roots) => {
            let verified = assistid_bankid::verify_document(&document, roots, produced_at)
                .map_err(|e| sig_invalid(&format!("{e} ({})", e.code())))?;
            let window = assistid_bankid::OrderWindow {
                started: produced_at,
                completed: produced_at,
            };
            assistid_bankid::verify_ocsp(&ocsp, &verified.certificates_der, roots, window)
                .map_err(|e| sig_invalid(&format!("{e} ({})", e.code())))?;
            verified
        }
        // No BankID root configured: everything but the anchor of the chain.
        None => match assistid_bankid::verify_document(&document, &[], produced_at) {
            Ok(verified) => verified,
            Err(assistid_bankid::SignatureError::UntrustedRoot) => {
                unanchored_document(&document, &sig_invalid)?
            }
            Err(e) => return Err(sig_invalid(&format!("{e} ({})", e.code()))),
        },
    };
    let data = verified
        .user_non_visible_data
        .as_deref()
        .and_then(decode)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| sig_invalid("usrNonVisibleData saknas eller är inte base64-kodad text"))?;
    Ok(ReadSignature {
        entries: data.split(';').map(|e| e.trim().to_owned()).collect(),
        signer_id: verified.personal_number,
    })
}

/// The content of a signature document whose XML-DSig verified but whose chain ends at a root
/// nobody configured: read from the same signed elements the verifier reads.
fn unanchored_document(
    document: &[u8],
    sig_invalid: &dyn Fn(&str) -> Verdict,
) -> Result<assistid_bankid::SignedDocument, Verdict> {
    let root = xml::parse(document).map_err(|_| sig_invalid("signaturen är inte läsbar XML"))?;
    let non_visible = find(&root, "bankIdSignedData")
        .and_then(|d| find(d, "usrNonVisibleData"))
        .map(Element::text);
    let certificates: Vec<Vec<u8>> = find(&root, "KeyInfo")
        .and_then(|k| find(k, "X509Data"))
        .map(|x| {
            x.elements()
                .filter(|e| e.local == "X509Certificate")
                .filter_map(|c| decode(&c.text()))
                .collect()
        })
        .unwrap_or_default();
    let signer_id = certificates
        .first()
        .and_then(|der| subject_serial_number(der));
    Ok(assistid_bankid::SignedDocument {
        user_visible_data: String::new(),
        user_non_visible_data: non_visible,
        personal_number: signer_id,
        name: String::new(),
        given_name: None,
        surname: None,
        certificates_der: certificates,
        certificate_not_before: chrono::DateTime::<chrono::Utc>::MIN_UTC,
        certificate_not_after: chrono::DateTime::<chrono::Utc>::MAX_UTC,
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
