//! A tiny namespace-resolved XML tree, enough to read SOAP messages and signature documents
//! without caring which prefix the other side chose (`soapenv:`, `soap:`, `S:` or a default
//! namespace). The ELT client reads FK's answers with it and the fake FK reads requests with it.
//!
//! ```
//! use assistid_core::xml_tree::parse;
//! let root = parse(br#"<s:Envelope xmlns:s="urn:x"><s:Body>hej</s:Body></s:Envelope>"#)
//!     .expect("well-formed");
//! assert!(root.is("urn:x", "Envelope"));
//! assert_eq!(root.child("urn:x", "Body", false).map(|b| b.text()), Some("hej".into()));
//! ```

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use quick_xml::NsReader;
use quick_xml::events::{BytesRef, Event};
use quick_xml::name::ResolveResult;

/// Deeper nesting than this is not a SOAP answer we expect; refusing it bounds the recursion
/// and memory a hostile or broken server can make us spend.
pub const MAX_DEPTH: usize = 64;

/// An element with its resolved namespace and local name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The namespace URI, if the element is in one.
    pub ns: Option<String>,
    /// The local name (without prefix).
    pub local: String,
    /// Child nodes in document order.
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data (entities already resolved, CDATA included as is).
    Text(String),
}

impl Element {
    /// Whether this element has the given namespace and local name.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.ns.as_deref() == Some(ns)
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name whose namespace is `ns` or, when
    /// `or_unqualified` is set, no namespace at all.
    pub fn child(&self, ns: &str, local: &str, or_unqualified: bool) -> Option<&Element> {
        self.elements().find(|e| {
            e.local == local && (e.ns.as_deref() == Some(ns) || (or_unqualified && e.ns.is_none()))
        })
    }

    /// The concatenated direct text content, exactly as sent (no trimming).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for node in &self.children {
            if let Node::Text(t) = node {
                out.push_str(t);
            }
        }
        out
    }
}

/// Why bytes could not be read as XML. The reason never quotes the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlProblem {
    /// No bytes, or only whitespace.
    Empty,
    /// Not well-formed (or truncated); the position is a byte offset.
    Malformed {
        /// Byte offset where reading stopped.
        position: u64,
    },
    /// A `<!DOCTYPE`: never part of a SOAP message, and refused to avoid entity tricks.
    Doctype,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The byte order mark or the declaration names an encoding this reader does not know, or
    /// the bytes are not valid in the named encoding.
    Encoding,
}

/// Parses a whole document and returns its root element.
///
/// The document may be in any encoding XML allows and `encoding_rs` knows: a byte order mark
/// (UTF-8, UTF-16) decides first, then the declaration's `encoding` (`ISO-8859-1`,
/// `windows-1252`, ...); without either it is UTF-8 (XML 1.0, section 4.3.3 and appendix F).
/// A SOAP server in Java may well answer in ISO-8859-1, and a fault from FK that could not be
/// read would turn a final rejection into an uncertain send.
///
/// ```
/// use assistid_core::xml_tree::parse;
/// let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>V\xE4rde</a>";
/// assert_eq!(parse(latin1).map(|a| a.text()), Ok("Värde".to_owned()));
/// ```
pub fn parse(bytes: &[u8]) -> Result<Element, XmlProblem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(XmlProblem::Empty);
    }
    let utf8 = as_utf8(bytes)?;
    let bytes: &[u8] = &utf8;
    let mut reader = NsReader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let malformed = |r: &NsReader<&[u8]>| XmlProblem::Malformed {
            position: r.buffer_position(),
        };
        let (resolved, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok(pair) => pair,
            Err(_) => return Err(malformed(&reader)),
        };
        let ns = match resolved {
            ResolveResult::Bound(ns) => Some(ns.as_ref().to_owned()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(_) => return Err(malformed(&reader)),
        };
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let _ = e;
                // A second root element: not a well-formed document.
                return Err(malformed(&reader));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlProblem::TooDeep);
                }
                let local = e.local_name().as_ref().to_owned();
                stack.push(Element {
                    ns,
                    local,
                    children: Vec::new(),
                });
            }
            Event::Empty(e) => {
                let local = e.local_name().as_ref().to_owned();
                let element = Element {
                    ns,
                    local,
                    children: Vec::new(),
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(malformed(&reader));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(done)),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                match stack.last_mut() {
                    Some(parent) => push_text(parent, &text),
                    None if text.trim().is_empty() => {}
                    None => return Err(malformed(&reader)),
                }
            }
            Event::GeneralRef(r) => {
                let Some(c) = reference_char(&r) else {
                    // An entity no DTD of ours declares (DTDs are refused): not well-formed.
                    return Err(malformed(&reader));
                };
                match stack.last_mut() {
                    Some(parent) => push_text(parent, c.encode_utf8(&mut [0; 4])),
                    None => return Err(malformed(&reader)),
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(parent) => push_text(parent, &c.xml10_content()),
                None => return Err(malformed(&reader)),
            },
            Event::DocType(_) => return Err(XmlProblem::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
        buf.clear();
    }
    match (root, stack.is_empty()) {
        (Some(root), true) => Ok(root),
        (None, _) if stack.is_empty() => Err(XmlProblem::Empty),
        _ => Err(XmlProblem::Malformed {
            position: reader.buffer_position(),
        }),
    }
}

/// The document's bytes as UTF-8 (see [`parse`] for the rules).
fn as_utf8(bytes: &[u8]) -> Result<Cow<'_, [u8]>, XmlProblem> {
    let (encoding, rest) = if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        (encoding, bytes.get(bom..).unwrap_or_default())
    } else if bytes.starts_with(&[b'<', 0, b'?', 0]) {
        (UTF_16LE, bytes)
    } else if bytes.starts_with(&[0, b'<', 0, b'?']) {
        (UTF_16BE, bytes)
    } else {
        match declared_encoding(bytes) {
            None => return Ok(Cow::Borrowed(bytes)),
            Some(label) => match Encoding::for_label(label.as_bytes()) {
                // Bytes readable as an ASCII declaration cannot be UTF-16 (that needs a byte
                // order mark or UTF-16 bytes, handled above).
                Some(encoding) if encoding == UTF_16LE || encoding == UTF_16BE => {
                    return Err(XmlProblem::Encoding);
                }
                Some(encoding) => (encoding, bytes),
                None => return Err(XmlProblem::Encoding),
            },
        }
    };
    if encoding == UTF_8 {
        return Ok(Cow::Borrowed(rest));
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(rest);
    if had_errors {
        return Err(XmlProblem::Encoding);
    }
    Ok(Cow::Owned(text.into_owned().into_bytes()))
}

/// The `encoding` pseudo-attribute of an ASCII-compatible XML declaration, if there is one.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(256))?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(head.get(5..end)?).ok()?;
    let after = declaration.split_once("encoding")?.1.trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = after.get(1..)?.split(quote).next()?;
    Some(value.trim().to_owned())
}

/// Appends character data to an element, joined with the text right before it: the reader
/// reports `t&amp;u` as three pieces (text, reference, text), the tree keeps one text node.
fn push_text(parent: &mut Element, text: &str) {
    if let Some(Node::Text(last)) = parent.children.last_mut() {
        last.push_str(text);
    } else {
        parent.children.push(Node::Text(text.to_owned()));
    }
}

/// The character a general reference in text stands for: one of XML's five predefined entities
/// (`&amp;`, `&lt;`, `&gt;`, `&apos;`, `&quot;`) or a character reference (`&#233;`,
/// `&#xE9;`). `None` for any other name (an entity only a DTD could declare, and DTDs are
/// refused) and for a character reference to U+0000 or beyond Unicode.
///
/// quick-xml reports these references as events of their own (`Event::GeneralRef`) between the
/// pieces of text around them; every reader of untrusted XML here resolves them with this.
///
/// ```
/// use assistid_core::xml_tree::reference_char;
/// use quick_xml::events::BytesRef;
/// assert_eq!(reference_char(&BytesRef::new("amp")), Some('&'));
/// assert_eq!(reference_char(&BytesRef::new("#xE9")), Some('é'));
/// assert_eq!(reference_char(&BytesRef::new("nbsp")), None);
/// ```
pub fn reference_char(reference: &BytesRef<'_>) -> Option<char> {
    if reference.is_char_ref() {
        return reference.resolve_char_ref().ok().flatten();
    }
    quick_xml::escape::resolve_xml_entity(reference).and_then(|s| s.chars().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_prefixes_and_default_namespaces_alike() {
        let a = parse(br#"<s:E xmlns:s="urn:x"><s:B>t&amp;u</s:B></s:E>"#).expect("well-formed");
        let b = parse(br#"<E xmlns="urn:x"><B>t&amp;u</B></E>"#).expect("well-formed");
        assert_eq!(a, b, "the prefix must not matter, only the namespace");
        assert_eq!(
            a.child("urn:x", "B", false).map(Element::text).as_deref(),
            Some("t&u"),
            "entities are resolved"
        );
        assert_eq!(
            a.child("urn:x", "B", false).map(|b| b.children.len()),
            Some(1),
            "the text around a reference is one text node"
        );
        let refs = parse("<a>&#233;&#xE9;&lt;&gt;&apos;&quot;<![CDATA[&amp;]]></a>".as_bytes())
            .expect("well-formed");
        assert_eq!(
            refs.text(),
            "éé<>'\"&amp;",
            "character references and CDATA as written"
        );
        assert!(
            matches!(parse(b"<a>&nbsp;</a>"), Err(XmlProblem::Malformed { .. })),
            "an undeclared entity is not well-formed"
        );
    }

    #[test]
    fn reads_every_encoding_xml_allows_and_refuses_unknown_ones() {
        let latin1 = parse(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xC5sa</a>");
        assert_eq!(latin1.map(|a| a.text()), Ok("Åsa".to_owned()), "ISO-8859-1");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>Öl</a>".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            parse(&utf16).map(|a| a.text()),
            Ok("Öl".to_owned()),
            "UTF-16LE"
        );
        assert_eq!(
            parse(b"\xEF\xBB\xBF<a>x</a>").map(|a| a.text()),
            Ok("x".to_owned()),
            "a UTF-8 byte order mark"
        );
        assert_eq!(
            parse(b"<?xml version='1.0' encoding='x-klingon'?><a/>"),
            Err(XmlProblem::Encoding),
            "an unknown encoding is not guessed"
        );
        assert_eq!(
            parse(b"<?xml version='1.0' encoding='UTF-16'?><a/>"),
            Err(XmlProblem::Encoding),
            "single-byte text cannot be UTF-16"
        );
    }

    #[test]
    fn refuses_truncated_doctype_and_empty_input() {
        assert!(matches!(
            parse(b"<a><b></b>"),
            Err(XmlProblem::Malformed { .. })
        ));
        assert_eq!(
            parse(b"<!DOCTYPE a><a/>"),
            Err(XmlProblem::Doctype),
            "DTDs are refused"
        );
        assert_eq!(parse(b"  \n"), Err(XmlProblem::Empty));
        assert!(matches!(
            parse(b"<a/><b/>"),
            Err(XmlProblem::Malformed { .. })
        ));
    }
}
