//! Inclusive Canonical XML 1.0 without comments, and the report hash FK checks signatures against.
//!
//! ELT.md, "Signing binding": what a BankID signature binds is `<report id>,<sha256>`, where the
//! hash is the lowercase hex SHA-256 of the report's **Canonical XML 1.0** form (inclusive,
//! without comments, whole document). FK computes the same hash on its side, so one byte of
//! difference means a rejected report. We therefore do not write our own canonicalizer: we use
//! `xml-sec`'s (pure Rust) and the specification (`tests/spec/c14n.rs`) proves its output
//! byte-identical to libxml2's `xmllint --c14n` over a large generated corpus of report documents
//! and namespace-heavy generic XML.
//!
//! Which crate: TOOLING.md names two pure-Rust canonicalizers, `bergshamra-c14n` 0.11 and `xml-sec`
//! 0.4. Over the generated corpus (2,200 documents) `bergshamra-c14n` differed from xmllint in 719:
//! its parser skips XML's attribute-value normalization (a literal tab or line break in an
//! attribute value must become a space), which no pre-processing of ours can repair without
//! writing an XML parser. `xml-sec` (its own `xmloxide` parser, DTDs off) differed only in the 93
//! documents with a literal `\r`, which XML 1.0 §2.11 says a processor must turn into `\n` before
//! parsing; we do that step ourselves ([`normalize_line_ends`]) and then `xml-sec` agrees with
//! xmllint on the whole corpus. Speed (release, this machine, same corpus): `xml-sec` ~0.35 ms and
//! `bergshamra-c14n` ~0.2 ms per document on average, which does not outweigh a wrong byte; and
//! reports we render ourselves are hashed without re-parsing anyway
//! ([`crate::document::ReportDocument::sha256`]).
//!
//! One known difference between libxml2 and the W3C text remains and is not in the corpus: a
//! namespace URI containing `&`, `<` or `"` is written escaped by the specification (and by us),
//! raw by libxml2. Reports never have such a namespace.
//!
//! Documents with a `<!DOCTYPE …>` are refused: a report never has one, and a DTD could change the
//! canonical form through default attributes and entities.
//!
//! ```
//! use assistid_core::c14n::{canonicalize, report_hash};
//! let xml = br#"<?xml version="1.0"?><a b='1' a="2"><c/></a>"#;
//! assert_eq!(canonicalize(xml).unwrap(), br#"<a a="2" b="1"><c></c></a>"#);
//! assert_eq!(report_hash(xml).unwrap().len(), 64);
//! ```

use std::borrow::Cow;

use sha2::{Digest, Sha256};
use thiserror::Error;
use xml_sec::c14n::{C14nAlgorithm, C14nMode};

/// Why a document could not be canonicalized.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum C14nError {
    /// The bytes are not UTF-8 (the only encoding reports use).
    #[error("dokumentet är inte UTF-8-kodat (byte {position})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        position: usize,
    },
    /// The XML declaration names an encoding other than UTF-8.
    #[error("dokumentet anger teckenkodningen {encoding:?}; endast UTF-8 stöds")]
    Encoding {
        /// The encoding the declaration names.
        encoding: String,
    },
    /// The document is not well-formed XML (or uses a DTD, which reports never do).
    #[error("dokumentet är inte giltig XML: {reason}")]
    Malformed {
        /// The parser's description of the problem (English, technical).
        reason: String,
    },
}

impl C14nError {
    /// A stable machine code for the UI and JSON.
    pub fn code(&self) -> &'static str {
        match self {
            C14nError::NotUtf8 { .. } => "c14n_not_utf8",
            C14nError::Encoding { .. } => "c14n_encoding",
            C14nError::Malformed { .. } => "c14n_malformed",
        }
    }
}

/// The inclusive Canonical XML 1.0 form (without comments) of a whole document.
///
/// The input is UTF-8 (a leading byte-order mark is allowed); the output is UTF-8.
pub fn canonicalize(xml: &[u8]) -> Result<Vec<u8>, C14nError> {
    let text = std::str::from_utf8(xml).map_err(|e| C14nError::NotUtf8 {
        position: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(encoding) = declared_encoding(text) {
        // Names are case-insensitive (XML 1.0 §4.3.3).
        if !encoding.eq_ignore_ascii_case("utf-8") {
            return Err(C14nError::Encoding {
                encoding: encoding.to_owned(),
            });
        }
    }
    let text = normalize_line_ends(text);
    let algorithm = C14nAlgorithm::new(C14nMode::Inclusive1_0, false);
    xml_sec::c14n::canonicalize_xml(text.as_bytes(), &algorithm).map_err(|e| C14nError::Malformed {
        reason: e.to_string(),
    })
}

/// XML 1.0 §2.11, end-of-line handling: every `\r\n` and every `\r` not followed by `\n`
/// becomes `\n` before parsing. (A `&#13;` character reference is not a line end and stays.)
pub fn normalize_line_ends(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The `encoding` named in the XML declaration, if there is a declaration and it names one.
fn declared_encoding(text: &str) -> Option<&str> {
    let decl = text.strip_prefix("<?xml")?;
    if !decl.starts_with([' ', '\t', '\n', '\r']) {
        return None; // a processing instruction like `<?xml-stylesheet …?>`
    }
    let decl = &decl[..decl.find("?>")?];
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = &after[1..];
    Some(&value[..value.find(quote)?])
}

/// The lowercase hex SHA-256 of some bytes (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The report hash of ELT.md's signing binding: the lowercase hex SHA-256 of the document's
/// inclusive Canonical XML 1.0 form without comments.
///
/// Use this for any bytes we did not render ourselves (received, stored by an older version,
/// edited). For a document just rendered, [`crate::document::ReportDocument::sha256`] gives the
/// same value faster.
pub fn report_hash(xml: &[u8]) -> Result<String, C14nError> {
    Ok(sha256_hex(&canonicalize(xml)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_doctype_because_reports_never_have_one() {
        let err = canonicalize(b"<!DOCTYPE a [<!ATTLIST a b CDATA 'x'>]><a/>")
            .expect_err("a DTD must be refused");
        assert_eq!(err.code(), "c14n_malformed");
    }

    #[test]
    fn refuses_other_encodings_and_invalid_utf8() {
        let err = canonicalize(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>")
            .expect_err("latin-1 is not supported");
        assert_eq!(err.code(), "c14n_encoding");
        let err = canonicalize(b"<a>\xff</a>").expect_err("invalid UTF-8 must be refused");
        assert_eq!(err, C14nError::NotUtf8 { position: 3 });
    }

    #[test]
    fn line_ends_are_normalized_as_xml_requires() {
        assert_eq!(normalize_line_ends("a\r\nb\rc\n\r\r\nd"), "a\nb\nc\n\n\nd");
        assert!(matches!(normalize_line_ends("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn finds_the_declared_encoding() {
        assert_eq!(
            declared_encoding("<?xml version='1.0' encoding = 'latin1'?><a/>"),
            Some("latin1")
        );
        assert_eq!(
            declared_encoding("<?xml version=\"1.0\"?><a encoding='x'/>"),
            None
        );
        assert_eq!(declared_encoding("<?xml-model encoding='x'?><a/>"), None);
    }

    #[test]
    fn accepts_a_byte_order_mark() {
        let out = canonicalize(b"\xef\xbb\xbf<a>x</a>").expect("a BOM is allowed in UTF-8");
        assert_eq!(out, b"<a>x</a>");
    }
}
