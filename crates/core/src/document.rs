//! FK's report document: `Tidredovisning`, schema version 1.8 (`tidredovisning_extern_v1.xsd`).
//!
//! [`render`] writes the document exactly as the schema wants it: the elements in the schema's
//! order, in FK's namespace (declared as the default namespace on the root), times as `HH.MM`,
//! flags as `true`, the employment choice, every text escaped, UTF-8 with an XML declaration and
//! two-space indentation with `\n` line ends. Everything is checked before a byte is written, and
//! a problem becomes a [`DocumentError`] in Swedish that says which field or row is wrong.
//!
//! The rendered bytes are, apart from the XML declaration line and the final line end, already in
//! Canonical XML 1.0 form (start and end tags for every element, one namespace declaration on the
//! root, no attributes, text escaped exactly as C14N escapes it). [`ReportDocument::sha256`] uses
//! that to hash without re-parsing; the specification (`tests/spec/c14n.rs`) proves over a large
//! generated corpus that this equals [`crate::c14n::report_hash`] of the bytes, which in turn
//! equals what `xmllint --c14n` gives.
//!
//! [`parse_report`] reads back the parts of a report the fake FK and the receipt code need.
//!
//! ```
//! use assistid_core::document::{ReportContent, render, parse_report};
//! use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
//! use assistid_core::model::*;
//! use assistid_core::rows::{ClockTime, ReportRow};
//!
//! let provider = Provider::new("Assistans & Omsorg AB", OrgNumber::parse("5566778899").unwrap(),
//!     Some("Åsa Öberg"), Phone::parse("08-123 456 78").unwrap()).unwrap();
//! let person = PersonWithAssistance::new(
//!     Personnummer::from_digits("199001010017").unwrap(), "Erik", "Lind").unwrap();
//! let assistant = Assistant {
//!     id: IdentityNumber::from_digits("198502020020").unwrap(),
//!     first_name: "Maja".into(), last_name: "Ek".into(), phone: None,
//!     collective_agreement: true, employment: Employment::Provider, calculation_period: None,
//! };
//! let rows = [ReportRow { day: 3, from: ClockTime::from_hm(8, 0).unwrap(),
//!     to: ClockTime::END_OF_DAY, kind: TimeKind::Aktiv }];
//! let id = uuid::Uuid::parse_str("0b6e4a1c-6f3e-4d2a-9c1b-2f4e5d6a7b8c").unwrap();
//! let doc = render(&ReportContent {
//!     id, month: "2026-03".parse().unwrap(), provider: &provider, person: &person,
//!     assistant: &assistant, periods: &[], rows: &rows,
//! }).unwrap();
//! let text = std::str::from_utf8(doc.bytes()).unwrap();
//! assert!(text.contains("<anordnareNamn>Assistans &amp; Omsorg AB</anordnareNamn>"));
//! assert!(text.contains("<tomTid>24.00</tomTid>"));
//! assert_eq!(parse_report(doc.bytes()).unwrap().rows, rows);
//! ```

use std::fmt;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use thiserror::Error;
use uuid::Uuid;

use crate::binding::{ReportBinding, parse_report_id};
use crate::c14n::sha256_hex;
use crate::ids::{IdentityNumber, Personnummer};
use crate::model::{Assistant, Employment, PersonWithAssistance, Provider, ReportMonth, TimeKind};
use crate::rows::{ClockTime, ReportRow};

/// FK's namespace for the report (schema `tidredovisning_extern_v1.xsd`, version 1.8).
pub const NAMESPACE: &str =
    "http://schema.forsakringskassan.se/integration/isassistansersattning/tidredovisning/1";

/// The first line of every rendered report.
pub const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// What is wrong with a problem text (a name, a phone number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextProblem {
    /// The text is empty.
    Empty,
    /// Spaces (or other blank characters) at the start or end.
    SurroundingWhitespace,
    /// An invisible control character (tab, line break, …) somewhere inside.
    ControlCharacter {
        /// 1-based position in characters.
        position: usize,
        /// The character's code point.
        code_point: u32,
    },
    /// A character XML 1.0 cannot carry at all (U+FFFE, U+FFFF).
    NotAnXmlCharacter {
        /// 1-based position in characters.
        position: usize,
        /// The character's code point.
        code_point: u32,
    },
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextProblem::Empty => f.write_str("är tomt"),
            TextProblem::SurroundingWhitespace => {
                f.write_str("börjar eller slutar med blanksteg; ta bort dem")
            }
            TextProblem::ControlCharacter {
                position,
                code_point,
            } => write!(
                f,
                "innehåller ett osynligt styrtecken (U+{code_point:04X}, t.ex. tabb eller \
                 radbrytning) på plats {position}; ta bort det"
            ),
            TextProblem::NotAnXmlCharacter {
                position,
                code_point,
            } => write!(
                f,
                "innehåller ett tecken som inte kan skickas till Försäkringskassan \
                 (U+{code_point:04X}) på plats {position}; ta bort det"
            ),
        }
    }
}

/// Why a report could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// A name or phone number cannot go into the document as it is.
    #[error("{field} {problem}")]
    Text {
        /// Which field (Swedish label, e.g. "assistentens förnamn").
        field: &'static str,
        /// What is wrong with it.
        problem: TextProblem,
    },
    /// A row's day is not a day of the report month.
    #[error("rad {row}: dag {day} finns inte i {month} (månaden har {days} dagar)")]
    RowDay {
        /// 1-based row number in the report.
        row: usize,
        /// The day given.
        day: u32,
        /// The report month.
        month: ReportMonth,
        /// Days in that month.
        days: u32,
    },
    /// A row's end is not after its start (or not within the day).
    #[error(
        "rad {row} (dag {day}): sluttiden {to} måste vara senare än starttiden {from} och \
         högst 24.00"
    )]
    RowTimes {
        /// 1-based row number in the report.
        row: usize,
        /// The row's day.
        day: u32,
        /// The row's start.
        from: ClockTime,
        /// The row's end.
        to: ClockTime,
    },
    /// A calculation period whose start is after its end, or outside the years FK accepts.
    #[error(
        "beräkningsperiod {index} ({from} – {to}) är ogiltig: startdagen får inte vara efter \
         slutdagen och åren ska ligga mellan 1900 och 9999"
    )]
    Period {
        /// 1-based number of the period in the report.
        index: usize,
        /// The first day.
        from: NaiveDate,
        /// The last day.
        to: NaiveDate,
    },
    /// The bytes are not well-formed XML.
    #[error("rapporten är inte läsbar XML: {reason}")]
    Xml {
        /// The XML reader's description (English, technical).
        reason: String,
    },
    /// The root element is not FK's `Tidredovisning`.
    #[error("dokumentet är ingen tidredovisning enligt Försäkringskassans schema")]
    NotAReport,
    /// A required element is missing.
    #[error("rapporten saknar elementet {element}")]
    Missing {
        /// The element's name (with its parent for row fields).
        element: &'static str,
    },
    /// An element appears more often than the schema allows.
    #[error("elementet {element} förekommer mer än en gång")]
    Repeated {
        /// The element's name.
        element: &'static str,
    },
    /// An element's value does not have the schema's form.
    #[error("elementet {element} har ett ogiltigt värde{}", row.map(|r| format!(" (rad {r})")).unwrap_or_default())]
    Value {
        /// The element's name.
        element: &'static str,
        /// 1-based row number when the element is part of a `rapportRad`.
        row: Option<usize>,
    },
}

impl DocumentError {
    /// A stable machine code for the UI and JSON.
    pub fn code(&self) -> &'static str {
        match self {
            DocumentError::Text { .. } => "document_text",
            DocumentError::RowDay { .. } => "document_row_day",
            DocumentError::RowTimes { .. } => "document_row_times",
            DocumentError::Period { .. } => "document_period",
            DocumentError::Xml { .. } => "document_xml",
            DocumentError::NotAReport => "document_not_a_report",
            DocumentError::Missing { .. } => "document_missing",
            DocumentError::Repeated { .. } => "document_repeated",
            DocumentError::Value { .. } => "document_value",
        }
    }
}

/// Everything one report (assistant × person × month) is made of, borrowed from the register.
#[derive(Debug, Clone, Copy)]
pub struct ReportContent<'a> {
    /// The report id: a new random UUID for every report version, chosen by the caller and never
    /// reused for different content.
    pub id: Uuid,
    /// The report month (`redovisningsmanad`).
    pub month: ReportMonth,
    /// The provider sending the report.
    pub provider: &'a Provider,
    /// The person who receives assistance.
    pub person: &'a PersonWithAssistance,
    /// The assistant whose time this is (employment decides FK's employment choice).
    pub assistant: &'a Assistant,
    /// The calculation periods (inclusive first and last day) that intersect the month, in order.
    pub periods: &'a [(NaiveDate, NaiveDate)],
    /// The rows, already in FK's order (by day, then start time); written as given.
    pub rows: &'a [ReportRow],
}

/// A rendered report: its id and its exact bytes (UTF-8 XML). Once signed, these bytes are what
/// gets stored and sent; they are never regenerated.
#[derive(Clone, PartialEq, Eq)]
pub struct ReportDocument {
    id: Uuid,
    bytes: Vec<u8>,
}

impl ReportDocument {
    /// The report id (`id` in the document).
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The document's exact bytes, XML declaration included.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Takes the bytes out.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The document's Canonical XML 1.0 form: the bytes without the XML declaration line and the
    /// final line end. Equal to [`crate::c14n::canonicalize`] of [`Self::bytes`] (the
    /// specification proves this over a generated corpus).
    pub fn canonical_bytes(&self) -> &[u8] {
        let start = XML_DECLARATION.len().min(self.bytes.len());
        let end = self.bytes.len().saturating_sub(1).max(start);
        &self.bytes[start..end]
    }

    /// Lowercase hex SHA-256 of the canonical form: the hash in the signing binding. Equal to
    /// [`crate::c14n::report_hash`] of [`Self::bytes`], without re-parsing.
    pub fn sha256(&self) -> String {
        sha256_hex(self.canonical_bytes())
    }

    /// The signing binding for this report (`<id>,<sha256>`, see [`crate::binding`]).
    pub fn binding(&self) -> ReportBinding {
        ReportBinding {
            id: self.id,
            sha256: self.sha256(),
        }
    }
}

/// Shows the id and size only: the bytes hold personnummer.
impl fmt::Debug for ReportDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportDocument")
            .field("id", &self.id)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Checks a text field: not empty, no surrounding blanks, no control characters and nothing
/// XML 1.0 cannot carry. (Line breaks are refused too: every text here is a single line, and
/// XML would turn a `\r` into `\n` on the way, changing what was signed.)
fn check_text(field: &'static str, value: &str) -> Result<(), DocumentError> {
    let problem = |problem| DocumentError::Text { field, problem };
    if value.is_empty() {
        return Err(problem(TextProblem::Empty));
    }
    for (i, c) in value.chars().enumerate() {
        if c.is_control() {
            return Err(problem(TextProblem::ControlCharacter {
                position: i + 1,
                code_point: u32::from(c),
            }));
        }
        if matches!(c, '\u{FFFE}' | '\u{FFFF}') {
            return Err(problem(TextProblem::NotAnXmlCharacter {
                position: i + 1,
                code_point: u32::from(c),
            }));
        }
    }
    let starts_blank = value.chars().next().is_some_and(char::is_whitespace);
    let ends_blank = value.chars().next_back().is_some_and(char::is_whitespace);
    if starts_blank || ends_blank {
        return Err(problem(TextProblem::SurroundingWhitespace));
    }
    Ok(())
}

fn check_content(c: &ReportContent<'_>) -> Result<(), DocumentError> {
    check_text("förnamn för personen med assistans", &c.person.first_name)?;
    check_text("efternamn för personen med assistans", &c.person.last_name)?;
    check_text("assistentens förnamn", &c.assistant.first_name)?;
    check_text("assistentens efternamn", &c.assistant.last_name)?;
    if let Some(phone) = &c.assistant.phone {
        check_text("assistentens telefonnummer", phone.as_str())?;
    }
    check_text("anordnarens namn", &c.provider.name)?;
    if let Some(contact) = &c.provider.contact_person {
        check_text("anordnarens kontaktperson", contact)?;
    }
    check_text("anordnarens telefonnummer", c.provider.phone.as_str())?;
    if let Employment::OtherEmployer {
        name: Some(name), ..
    } = &c.assistant.employment
    {
        check_text("arbetsgivarens namn", name)?;
    }
    for (i, &(from, to)) in c.periods.iter().enumerate() {
        let year_ok = |d: NaiveDate| (1900..=9999).contains(&d.year());
        if from > to || !year_ok(from) || !year_ok(to) {
            return Err(DocumentError::Period {
                index: i + 1,
                from,
                to,
            });
        }
    }
    let days = c.month.days();
    for (i, r) in c.rows.iter().enumerate() {
        if r.day < 1 || r.day > days {
            return Err(DocumentError::RowDay {
                row: i + 1,
                day: r.day,
                month: c.month,
                days,
            });
        }
        if r.from >= r.to || r.to > ClockTime::END_OF_DAY {
            return Err(DocumentError::RowTimes {
                row: i + 1,
                day: r.day,
                from: r.from,
                to: r.to,
            });
        }
    }
    Ok(())
}

/// Appends text escaped as Canonical XML escapes text nodes (`&`, `<`, `>`; quotes stay), which
/// is also correct XML. `\r` never reaches here ([`check_text`] refuses it).
fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Writes `<indent><name>text</name>\n` with the text escaped.
fn leaf(out: &mut String, indent: &str, name: &str, text: &str) {
    out.push_str(indent);
    out.push('<');
    out.push_str(name);
    out.push('>');
    push_escaped(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// Writes a leaf whose text needs no escaping (numbers, dates, fixed words).
fn leaf_plain(out: &mut String, indent: &str, name: &str, text: fmt::Arguments<'_>) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{indent}<{name}>{text}</{name}>");
}

/// Appends a day of the month (1–31, checked before).
fn push_day(out: &mut String, day: u32) {
    if day >= 10 {
        out.push(char::from(b'0' + (day / 10 % 10) as u8));
    }
    out.push(char::from(b'0' + (day % 10) as u8));
}

/// Appends `HH.MM` (same as `ClockTime`'s `Display`).
fn push_clock(out: &mut String, time: ClockTime) {
    let (h, m) = (time.minutes() / 60, time.minutes() % 60);
    for d in [h / 10 % 10, h % 10] {
        out.push(char::from(b'0' + d as u8));
    }
    out.push('.');
    for d in [m / 10, m % 10] {
        out.push(char::from(b'0' + d as u8));
    }
}

fn open(out: &mut String, indent: &str, name: &str) {
    let _ = writeln!(out, "{indent}<{name}>");
}

fn close(out: &mut String, indent: &str, name: &str) {
    let _ = writeln!(out, "{indent}</{name}>");
}

/// Renders FK's `Tidredovisning` document for one report.
///
/// Every field is checked first (texts, rows, periods); nothing is written for content FK
/// would refuse. The id is used as given: choose a new one for every report version.
pub fn render(content: &ReportContent<'_>) -> Result<ReportDocument, DocumentError> {
    check_content(content)?;
    let c = content;
    let mut out = String::with_capacity(1200 + c.rows.len() * 140 + c.periods.len() * 100);
    out.push_str(XML_DECLARATION);
    let _ = writeln!(out, "<Tidredovisning xmlns=\"{NAMESPACE}\">");
    const I1: &str = "  ";
    const I2: &str = "    ";
    const I3: &str = "      ";

    leaf_plain(&mut out, I1, "id", format_args!("{}", c.id.hyphenated()));
    leaf_plain(
        &mut out,
        I1,
        "redovisningsmanad",
        format_args!("{}", c.month),
    );

    open(&mut out, I1, "personSomHarAssistans");
    leaf_plain(
        &mut out,
        I2,
        "personnummer",
        format_args!("{}", c.person.personnummer.digits()),
    );
    leaf(&mut out, I2, "fornamn", &c.person.first_name);
    leaf(&mut out, I2, "efternamn", &c.person.last_name);
    close(&mut out, I1, "personSomHarAssistans");

    open(&mut out, I1, "assistent");
    let id_element = if c.assistant.id.is_coordination() {
        "samordningsnummer"
    } else {
        "personnummer"
    };
    leaf_plain(
        &mut out,
        I2,
        id_element,
        format_args!("{}", c.assistant.id.digits()),
    );
    leaf(&mut out, I2, "fornamn", &c.assistant.first_name);
    leaf(&mut out, I2, "efternamn", &c.assistant.last_name);
    leaf_plain(
        &mut out,
        I2,
        "kollektivavtal",
        format_args!("{}", c.assistant.collective_agreement),
    );
    close(&mut out, I1, "assistent");

    for (from, to) in c.periods {
        open(&mut out, I1, "berakningsperiod");
        leaf_plain(
            &mut out,
            I2,
            "fromDag",
            format_args!("{}", from.format("%Y-%m-%d")),
        );
        leaf_plain(
            &mut out,
            I2,
            "tomDag",
            format_args!("{}", to.format("%Y-%m-%d")),
        );
        close(&mut out, I1, "berakningsperiod");
    }

    match &c.assistant.employment {
        Employment::PersonWithAssistance => {
            leaf_plain(
                &mut out,
                I1,
                "anstalldAvPersonSomHarAssistans",
                format_args!("true"),
            );
        }
        employment => {
            open(&mut out, I1, "assistansanordnare");
            leaf(&mut out, I2, "anordnareNamn", &c.provider.name);
            leaf_plain(
                &mut out,
                I2,
                "organisationsnummer",
                format_args!("{}", c.provider.org_number.digits()),
            );
            if let Some(contact) = &c.provider.contact_person {
                leaf(&mut out, I2, "kontaktperson", contact);
            }
            leaf(&mut out, I2, "telefonnummer", c.provider.phone.as_str());
            match employment {
                Employment::OtherEmployer { name, org_number } => {
                    open(&mut out, I2, "annanArbetsgivare");
                    if let Some(name) = name {
                        leaf(&mut out, I3, "arbetsgivareNamn", name);
                    }
                    leaf_plain(
                        &mut out,
                        I3,
                        "organisationsnummer",
                        format_args!("{}", org_number.digits()),
                    );
                    close(&mut out, I2, "annanArbetsgivare");
                }
                Employment::SelfEmployed => {
                    leaf_plain(
                        &mut out,
                        I2,
                        "assistentEgenForetagare",
                        format_args!("true"),
                    );
                }
                Employment::Provider | Employment::PersonWithAssistance => {
                    leaf_plain(
                        &mut out,
                        I2,
                        "assistentAnstalldAvAnordnare",
                        format_args!("true"),
                    );
                }
            }
            close(&mut out, I1, "assistansanordnare");
        }
    }

    if c.rows.is_empty() {
        // Canonical XML writes empty elements as a start and an end tag.
        out.push_str("  <tidrapport></tidrapport>\n");
    } else {
        open(&mut out, I1, "tidrapport");
        for r in c.rows {
            // Hand-written digits: this loop is most of the rendering time.
            out.push_str("    <rapportRad>\n      <dag>");
            push_day(&mut out, r.day);
            out.push_str("</dag>\n      <fromTid>");
            push_clock(&mut out, r.from);
            out.push_str("</fromTid>\n      <tomTid>");
            push_clock(&mut out, r.to);
            out.push_str("</tomTid>\n      <");
            let kind = r.kind.fk_element();
            out.push_str(kind);
            out.push_str(">true</");
            out.push_str(kind);
            out.push_str(">\n    </rapportRad>\n");
        }
        close(&mut out, I1, "tidrapport");
    }

    leaf(
        &mut out,
        I1,
        "telefonnummerAnordnare",
        c.provider.phone.as_str(),
    );
    if let Some(phone) = &c.assistant.phone {
        leaf(&mut out, I1, "telefonnummerAssistent", phone.as_str());
    }
    out.push_str("</Tidredovisning>\n");
    Ok(ReportDocument {
        id: c.id,
        bytes: out.into_bytes(),
    })
}

/// What [`parse_report`] reads back from a report document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedReport {
    /// The report id.
    pub id: Uuid,
    /// The report month.
    pub month: ReportMonth,
    /// The person with assistance.
    pub person: Personnummer,
    /// The assistant (personnummer or samordningsnummer, as the document says).
    pub assistant: IdentityNumber,
    /// The rows in document order.
    pub rows: Vec<ReportRow>,
}

/// Where the reader is, as far as the parts we read are concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Id,
    Month,
    PersonNumber,
    AssistantPersonnummer,
    AssistantSamordningsnummer,
    Day,
    From,
    To,
    Kind(TimeKind),
    Other,
}

#[derive(Default)]
struct RowParts {
    day: Option<u32>,
    from: Option<ClockTime>,
    to: Option<ClockTime>,
    kind: Option<TimeKind>,
}

fn parse_clock(text: &str) -> Option<ClockTime> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b'.' {
        return None;
    }
    let digit = |i: usize| b[i].is_ascii_digit().then(|| u16::from(b[i] - b'0'));
    let hour = digit(0)? * 10 + digit(1)?;
    let minute = digit(3)? * 10 + digit(4)?;
    ClockTime::from_hm(hour, minute)
}

fn set_once<T>(slot: &mut Option<T>, value: T, element: &'static str) -> Result<(), DocumentError> {
    if slot.is_some() {
        return Err(DocumentError::Repeated { element });
    }
    *slot = Some(value);
    Ok(())
}

/// Reads a report document back: id, month, the person's and the assistant's identity numbers
/// and the rows. Checks the root element and namespace and the form of every value it reads;
/// it is not a schema validator (use FK's XSD for that).
pub fn parse_report(bytes: &[u8]) -> Result<ParsedReport, DocumentError> {
    let xml_err = |e: quick_xml::Error| DocumentError::Xml {
        reason: e.to_string(),
    };
    let mut reader = NsReader::from_reader(bytes);
    // Stack of element local names below the root, to know which `personnummer` is whose.
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut seen_root = false;
    let mut text = String::new();
    let mut id = None;
    let mut month = None;
    let mut person = None;
    let mut assistant = None;
    let mut rows: Vec<ReportRow> = Vec::new();
    let mut row: Option<RowParts> = None;

    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(xml_err)?;
        let in_fk_ns = matches!(&resolved, ResolveResult::Bound(ns) if ns.as_ref() == NAMESPACE);
        match event {
            Event::Start(e) if !seen_root => {
                if !in_fk_ns || e.local_name().as_ref() != "Tidredovisning" {
                    return Err(DocumentError::NotAReport);
                }
                seen_root = true;
            }
            Event::Empty(e) if !seen_root => {
                if !in_fk_ns || e.local_name().as_ref() != "Tidredovisning" {
                    return Err(DocumentError::NotAReport);
                }
                // An empty root: the checks below name what is missing.
                break;
            }
            Event::Start(e) => {
                if !in_fk_ns {
                    // Foreign elements cannot be part of FK's report.
                    return Err(DocumentError::NotAReport);
                }
                let name = e.local_name().as_ref().as_bytes().to_vec();
                if path.len() == 1 && path[0] == b"tidrapport" && name == b"rapportRad" {
                    row = Some(RowParts::default());
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                if !in_fk_ns {
                    return Err(DocumentError::NotAReport);
                }
                // An empty element is an element with empty text.
                path.push(e.local_name().as_ref().as_bytes().to_vec());
                text.clear();
                finish_element(
                    &path,
                    &text,
                    &mut id,
                    &mut month,
                    &mut person,
                    &mut assistant,
                    &mut row,
                    rows.len(),
                )?;
                path.pop();
            }
            Event::Text(t) => {
                text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) => {
                let c = crate::xml_tree::reference_char(&r).ok_or_else(|| DocumentError::Xml {
                    reason: "an undeclared entity reference".to_owned(),
                })?;
                text.push(c);
            }
            Event::CData(t) => {
                text.push_str(&t.xml10_content());
            }
            Event::End(_) => {
                if path.is_empty() {
                    // The root closes: nothing after it matters.
                    break;
                }
                finish_element(
                    &path,
                    &text,
                    &mut id,
                    &mut month,
                    &mut person,
                    &mut assistant,
                    &mut row,
                    rows.len(),
                )?;
                if path.len() == 2 && path[0] == b"tidrapport" && path[1] == b"rapportRad" {
                    let n = rows.len() + 1;
                    let parts = row.take().unwrap_or_default();
                    let day = parts.day.ok_or(DocumentError::Missing {
                        element: "rapportRad/dag",
                    })?;
                    let from = parts.from.ok_or(DocumentError::Missing {
                        element: "rapportRad/fromTid",
                    })?;
                    let to = parts.to.ok_or(DocumentError::Missing {
                        element: "rapportRad/tomTid",
                    })?;
                    let kind = parts.kind.ok_or(DocumentError::Missing {
                        element: "rapportRad/aktivTid|vanteTid|beredskapsTid",
                    })?;
                    if from >= to {
                        return Err(DocumentError::Value {
                            element: "tomTid",
                            row: Some(n),
                        });
                    }
                    rows.push(ReportRow {
                        day,
                        from,
                        to,
                        kind,
                    });
                }
                path.pop();
                text.clear();
            }
            Event::Eof => {
                return Err(DocumentError::Xml {
                    reason: "unexpected end of document".to_owned(),
                });
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }

    let month: ReportMonth = month.ok_or(DocumentError::Missing {
        element: "redovisningsmanad",
    })?;
    for (i, r) in rows.iter().enumerate() {
        if r.day > month.days() {
            return Err(DocumentError::Value {
                element: "dag",
                row: Some(i + 1),
            });
        }
    }
    Ok(ParsedReport {
        id: id.ok_or(DocumentError::Missing { element: "id" })?,
        month,
        person: person.ok_or(DocumentError::Missing {
            element: "personSomHarAssistans/personnummer",
        })?,
        assistant: assistant.ok_or(DocumentError::Missing {
            element: "assistent/personnummer|samordningsnummer",
        })?,
        rows,
    })
}

fn slot_of(path: &[Vec<u8>]) -> Slot {
    let names: Vec<&[u8]> = path.iter().map(Vec::as_slice).collect();
    match names.as_slice() {
        [b"id"] => Slot::Id,
        [b"redovisningsmanad"] => Slot::Month,
        [b"personSomHarAssistans", b"personnummer"] => Slot::PersonNumber,
        [b"assistent", b"personnummer"] => Slot::AssistantPersonnummer,
        [b"assistent", b"samordningsnummer"] => Slot::AssistantSamordningsnummer,
        [b"tidrapport", b"rapportRad", leaf] => match *leaf {
            b"dag" => Slot::Day,
            b"fromTid" => Slot::From,
            b"tomTid" => Slot::To,
            b"aktivTid" => Slot::Kind(TimeKind::Aktiv),
            b"vanteTid" => Slot::Kind(TimeKind::Vante),
            b"beredskapsTid" => Slot::Kind(TimeKind::Beredskap),
            _ => Slot::Other,
        },
        _ => Slot::Other,
    }
}

#[allow(clippy::too_many_arguments)]
fn finish_element(
    path: &[Vec<u8>],
    text: &str,
    id: &mut Option<Uuid>,
    month: &mut Option<ReportMonth>,
    person: &mut Option<Personnummer>,
    assistant: &mut Option<IdentityNumber>,
    row: &mut Option<RowParts>,
    rows_done: usize,
) -> Result<(), DocumentError> {
    // Schema types `xsd:token` collapse surrounding whitespace; FK would accept it, so do we.
    let value = text.trim();
    let row_no = Some(rows_done + 1);
    let bad = |element: &'static str, row: Option<usize>| DocumentError::Value { element, row };
    let slot = slot_of(path);
    match slot {
        Slot::Id => {
            let v = parse_report_id(value).ok_or(bad("id", None))?;
            set_once(id, v, "id")
        }
        Slot::Month => {
            let ok_shape = value.len() == 7;
            let v: ReportMonth = value
                .parse()
                .ok()
                .filter(|_| ok_shape)
                .ok_or(bad("redovisningsmanad", None))?;
            set_once(month, v, "redovisningsmanad")
        }
        Slot::PersonNumber => {
            let v = Personnummer::from_digits(value).map_err(|_| bad("personnummer", None))?;
            set_once(person, v, "personSomHarAssistans/personnummer")
        }
        Slot::AssistantPersonnummer | Slot::AssistantSamordningsnummer => {
            let v = IdentityNumber::from_digits(value).map_err(|_| bad("assistent", None))?;
            let says_coordination = slot == Slot::AssistantSamordningsnummer;
            if v.is_coordination() != says_coordination {
                return Err(bad(
                    if says_coordination {
                        "samordningsnummer"
                    } else {
                        "personnummer"
                    },
                    None,
                ));
            }
            set_once(assistant, v, "assistent/personnummer")
        }
        Slot::Day | Slot::From | Slot::To | Slot::Kind(_) => {
            let Some(parts) = row.as_mut() else {
                return Ok(());
            };
            match slot {
                Slot::Day => {
                    let v = value
                        .parse::<u32>()
                        .ok()
                        .filter(|d| (1..=31).contains(d) && !value.starts_with('+'))
                        .ok_or(bad("dag", row_no))?;
                    set_once(&mut parts.day, v, "dag")
                }
                Slot::From => {
                    let v = parse_clock(value)
                        .filter(|t| *t < ClockTime::END_OF_DAY)
                        .ok_or(bad("fromTid", row_no))?;
                    set_once(&mut parts.from, v, "fromTid")
                }
                Slot::To => {
                    let v = parse_clock(value).ok_or(bad("tomTid", row_no))?;
                    set_once(&mut parts.to, v, "tomTid")
                }
                Slot::Kind(kind) => {
                    if text != "true" {
                        return Err(bad(kind.fk_element(), row_no));
                    }
                    set_once(
                        &mut parts.kind,
                        kind,
                        "rapportRad/aktivTid|vanteTid|beredskapsTid",
                    )
                }
                _ => Ok(()),
            }
        }
        Slot::Other => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_checks_name_the_problem() {
        assert_eq!(
            check_text("fält", "a\tb"),
            Err(DocumentError::Text {
                field: "fält",
                problem: TextProblem::ControlCharacter {
                    position: 2,
                    code_point: 9
                }
            })
        );
        assert!(check_text("fält", " a").is_err(), "leading blank");
        assert!(
            check_text("fält", "a\u{a0}").is_err(),
            "trailing no-break space"
        );
        assert!(check_text("fält", "").is_err(), "empty");
        assert!(check_text("fält", "a\u{FFFF}").is_err(), "non-character");
        assert!(
            check_text("fält", "Åsa <&> \"'").is_ok(),
            "markup characters are escaped"
        );
    }

    #[test]
    fn escapes_as_canonical_xml_does() {
        let mut out = String::new();
        push_escaped(&mut out, "a&b<c>d\"e'f");
        assert_eq!(out, "a&amp;b&lt;c&gt;d\"e'f");
    }

    #[test]
    fn clock_parsing_is_strict() {
        assert_eq!(parse_clock("08.30"), ClockTime::from_hm(8, 30));
        assert_eq!(parse_clock("24.00"), Some(ClockTime::END_OF_DAY));
        for bad in ["8.30", "08:30", "24.01", "08.60", "+8.30", "08.3"] {
            assert_eq!(parse_clock(bad), None, "{bad} must be refused");
        }
    }
}
