//! Reading the report binding out of a BankID signature document: the base64 text of
//! `usrNonVisibleData` (in BankID's `bankIdSignedData`), which holds `<report id>,<sha256>`
//! entries joined with `;`.
//!
//! This is the check the outbox makes before queueing and again before sending: the signature
//! must bind the exact frozen bytes that go to FK. The full cryptographic verification of the
//! signature is the signing module's; this check needs no trust roots.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// BankID's namespace of `bankIdSignedData`.
const BANKID_TYPES_NS: &str = "http://www.bankid.com/signature/v1.0.0/types";

/// Why the binding could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// The document is not readable XML.
    #[error("underskriften går inte att läsa som XML")]
    Unreadable,
    /// No `usrNonVisibleData` (the signature binds nothing).
    #[error("underskriften saknar den dolda kopplingen till en rapport (usrNonVisibleData)")]
    Missing,
    /// More than one `usrNonVisibleData`: not BankID's shape.
    #[error("underskriften innehåller flera dolda kopplingar och godtas inte")]
    Duplicate,
    /// The content is not base64 of UTF-8 text.
    #[error("den dolda kopplingen i underskriften är inte läsbar text")]
    NotText,
}

/// The binding entries (`<report id>,<sha256>`) a signature document carries.
pub fn binding_entries(signature_xml: &[u8]) -> Result<Vec<String>, BindingError> {
    let mut reader = NsReader::from_reader(signature_xml);
    let mut found: Option<String> = None;
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(ns), Event::Start(start)))
                if ns.as_ref() == BANKID_TYPES_NS
                    && start.local_name().as_ref() == "usrNonVisibleData" =>
            {
                if found.is_some() || inside {
                    return Err(BindingError::Duplicate);
                }
                inside = true;
                text.clear();
            }
            Ok((_, Event::Text(t))) if inside => {
                text.push_str(&t.xml10_content());
            }
            Ok((_, Event::GeneralRef(r))) if inside => {
                let c =
                    assistid_core::xml_tree::reference_char(&r).ok_or(BindingError::Unreadable)?;
                text.push(c);
            }
            Ok((ResolveResult::Bound(ns), Event::End(end)))
                if inside
                    && ns.as_ref() == BANKID_TYPES_NS
                    && end.local_name().as_ref() == "usrNonVisibleData" =>
            {
                inside = false;
                found = Some(std::mem::take(&mut text));
            }
            Ok((_, Event::Eof)) => break,
            Ok(_) => {}
            Err(_) => return Err(BindingError::Unreadable),
        }
    }
    let encoded = found.ok_or(BindingError::Missing)?;
    let compact: String = encoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| BindingError::NotText)?;
    let decoded = String::from_utf8(bytes).map_err(|_| BindingError::NotText)?;
    Ok(decoded
        .split(';')
        .map(|entry| entry.trim().to_owned())
        .filter(|entry| !entry.is_empty())
        .collect())
}

/// True when the signature document binds exactly `binding` (`<report id>,<sha256>`).
pub fn signature_binds(signature_xml: &[u8], binding: &str) -> Result<bool, BindingError> {
    Ok(binding_entries(signature_xml)?
        .iter()
        .any(|entry| entry == binding))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(non_visible: &str) -> Vec<u8> {
        format!(
            "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><Object>\
             <bankIdSignedData xmlns=\"http://www.bankid.com/signature/v1.0.0/types\" \
             Id=\"bidSignedData\"><usrVisibleData>eA==</usrVisibleData>\
             <usrNonVisibleData>{}</usrNonVisibleData></bankIdSignedData></Object></Signature>",
            STANDARD.encode(non_visible)
        )
        .into_bytes()
    }

    #[test]
    fn a_batch_signature_binds_each_of_its_reports() {
        let doc = document("a,1;b,2");
        assert_eq!(
            binding_entries(&doc),
            Ok(vec!["a,1".to_owned(), "b,2".to_owned()])
        );
        assert_eq!(signature_binds(&doc, "b,2"), Ok(true));
        assert_eq!(
            signature_binds(&doc, "b,3"),
            Ok(false),
            "another hash is another report"
        );
    }

    #[test]
    fn an_element_in_another_namespace_does_not_count() {
        let doc = b"<x><usrNonVisibleData>YSwx</usrNonVisibleData></x>";
        assert_eq!(binding_entries(doc), Err(BindingError::Missing));
        assert_eq!(binding_entries(b"<x"), Err(BindingError::Unreadable));
    }
}
