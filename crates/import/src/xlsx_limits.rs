//! Limits on an untrusted workbook, checked before calamine reads it (issue 18, "Hardening").
//!
//! A workbook is a zip archive of XML parts, and a small one can describe a huge amount of work:
//! a 1.6 KB file with cells at `A1` and `XFD1048576` made calamine's `Range::from_sparse`
//! allocate rows × columns (512 GiB), and the failed allocation aborted the process past every
//! `catch_unwind`. So, in this order, before anything of the sheet reaches the engine:
//!
//! 1. [`check_archive`]: the file is at most [`MAX_FILE_BYTES`]; the zip directory declares at
//!    most [`MAX_ENTRIES`] entries (the zip reader sizes its table from a Zip64 record's count,
//!    so every record it could believe is checked before it runs); every entry
//!    is inflated once, counting bytes, and all of them together may unpack to at most
//!    [`MAX_UNPACKED_BYTES`] ([`MAX_SHARED_STRINGS_BYTES`] for the shared-strings table, which
//!    calamine holds whole). A declared size over the limit is refused without inflating; a size
//!    that lies is caught by the count. calamine later inflates the same bytes again, so
//!    everything it reads is bounded by these limits. The parts calamine parses when it opens
//!    the workbook (shared strings, styles, workbook, its relationships) may have no element
//!    with more than [`MAX_ATTRIBUTES`] attributes: calamine's quick-xml spends quadratic time
//!    on a tag's attributes (RUSTSEC-2026-0194).
//! 2. [`survey`]: the chosen sheet's part gets the same attribute cap, then one streaming pass
//!    over its XML (quick-xml, constant memory) checks every cell address with content: at most [`MAX_COLUMNS`] columns (A–BL) and Excel's
//!    [`MAX_ROWS`] rows, rows in ascending order (as Excel and the format write them). It collects
//!    the formula cells (at most [`MAX_FORMULAS`]) and the merged ranges (at most
//!    [`MAX_MERGED_RANGES`], covering at most [`MAX_MERGED_ROWS`] rows together) without
//!    calamine's formula reader, which expands a shared formula's range and pads its table up to
//!    any index a cell names.
//!
//! The reader ([`crate::xlsx_source`]) then streams calamine's cells one by one under the same
//! caps and never builds a range.

use assistid_core::text::Text;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader, Cursor, Read};

use calamine::Dimensions;
use quick_xml::Reader as XmlReader;
use quick_xml::escape::unescape;
use quick_xml::events::{BytesStart, Event};
use thiserror::Error;
use zip::ZipArchive;

use crate::problem::{ImportProblem, ProblemCode};
use crate::xlsx_source::column_letters;

/// The largest XLSX file read (64 MiB). A schedule is a few hundred kilobytes.
pub(crate) const MAX_FILE_BYTES: u64 = 64 << 20;
/// All entries of the workbook together may unpack to at most this (64 MiB).
pub(crate) const MAX_UNPACKED_BYTES: u64 = 64 << 20;
/// The shared-strings table (`xl/sharedStrings.xml`) may unpack to at most this (16 MiB):
/// calamine keeps every string of it in memory.
pub(crate) const MAX_SHARED_STRINGS_BYTES: u64 = 16 << 20;
/// At most this many entries in the zip archive (a workbook from Excel has a few dozen).
pub(crate) const MAX_ENTRIES: u64 = 10_000;
/// Cells with content are read in the first 64 columns (A–BL) only.
pub(crate) const MAX_COLUMNS: u32 = 64;
/// Excel's last row, 1,048,576: no cell with content may lie below it.
pub(crate) const MAX_ROWS: u32 = 1_048_576;
/// At most this many formula cells in the sheet (each is refused anyway).
pub(crate) const MAX_FORMULAS: usize = 10_000;
/// At most this many merged ranges in the sheet.
pub(crate) const MAX_MERGED_RANGES: usize = 1_000;
/// The merged ranges together may cover at most this many rows (each covered row is visited).
pub(crate) const MAX_MERGED_ROWS: u64 = 100_000;
/// Excel's longest cell text, in UTF-16 units (a longer cell did not come from Excel).
pub(crate) const MAX_CELL_CHARS: usize = 32_767;
/// A formula is quoted in its problem up to this many characters.
const FORMULA_SHOWN_CHARS: usize = 200;
/// At most this many attributes on one element of any part calamine parses (Excel writes a few
/// dozen at most, mostly namespace declarations). calamine 0.31 reads with quick-xml 0.38, which
/// checks a start tag's attribute names for duplicates in quadratic time (RUSTSEC-2026-0194: a
/// tag with 800,000 attributes costs minutes); counted here first, with our own quick-xml
/// (0.42, linear), so calamine never sees a tag that costs more than a few thousand comparisons.
pub(crate) const MAX_ATTRIBUTES: usize = 256;
/// The parts calamine 0.31 parses when it opens a workbook (`Xlsx::new`); the chosen sheet's
/// part is checked by [`survey`] before calamine's cell reader opens it.
const CALAMINE_PARTS: [&str; 4] = [
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
];

/// Why a workbook is not read. The messages are the Swedish texts the user sees.
#[derive(Debug, Error, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error(
        "Excel-filen är större än 64 MB, och så stora arbetsböcker läser Assistid inte: dela upp \
         schemat i flera filer (till exempel en per månad) eller spara det som CSV"
    )]
    FileTooLarge,
    /// The zip archive has more than [`MAX_ENTRIES`] entries.
    #[error(
        "Excel-filen består av fler än 10 000 delar, vilket ingen arbetsbok från Excel gör: filen \
         är trasig eller manipulerad. Öppna den i Excel och spara om den som .xlsx"
    )]
    TooManyEntries,
    /// The entries unpack to more than [`MAX_UNPACKED_BYTES`].
    #[error(
        "Excel-filen packas upp till mer än 64 MB (delen \"{entry}\"): så stora arbetsböcker \
         läser Assistid inte, och en liten fil som blir så stor är troligen manipulerad. Dela upp \
         schemat i flera filer eller spara det som CSV"
    )]
    Unpacked {
        /// The entry where the total passed the limit (shortened).
        entry: String,
    },
    /// The shared-strings table unpacks to more than [`MAX_SHARED_STRINGS_BYTES`].
    #[error(
        "Excel-filens texttabell (xl/sharedStrings.xml) packas upp till mer än 16 MB: så mycket \
         text har inget schema. Dela upp schemat i flera filer eller spara det som CSV"
    )]
    SharedStrings,
    /// A cell with content beyond column [`MAX_COLUMNS`].
    #[error(
        "cell {cell} har ett värde, men Assistid läser bara kolumnerna A–BL (64 kolumner): \
         flytta passkolumnerna längst till vänster och ta bort innehållet till höger om kolumn BL"
    )]
    ColumnBeyondLimit {
        /// The cell's row number as Excel shows it.
        row: u64,
        /// The cell's name (`BM2`).
        cell: String,
    },
    /// A cell with content below row [`MAX_ROWS`].
    #[error(
        "cell {cell} ligger nedanför rad 1 048 576, Excels sista rad: filen kommer inte från \
         Excel och är troligen manipulerad. Öppna den i Excel och spara om den som .xlsx"
    )]
    RowBeyondLimit {
        /// The cell's name (`A1048577`).
        cell: String,
    },
    /// A cell with more text than Excel allows.
    #[error(
        "cell {cell} innehåller mer än 32 767 tecken, mer än en Excel-cell rymmer: filen kommer \
         inte från Excel och är troligen manipulerad. Töm cellen eller spara schemat som CSV"
    )]
    CellTooLong {
        /// The cell's row number as Excel shows it.
        row: u64,
        /// The cell's name.
        cell: String,
    },
    /// More than [`MAX_FORMULAS`] formula cells.
    #[error(
        "bladet har fler än 10 000 formler: kopiera bladet och klistra in det som värden \
         (Klistra in special → Värden) innan det importeras"
    )]
    TooManyFormulas,
    /// More than [`MAX_MERGED_RANGES`] merged ranges, or more than [`MAX_MERGED_ROWS`] rows in
    /// them.
    #[error(
        "bladet har fler än 1 000 sammanslagna cellområden, eller sammanslagna områden som \
         täcker mer än 100 000 rader: dela upp dem (Start → Sammanfoga och centrera → Dela upp celler)"
    )]
    TooManyMergedRanges,
    /// Damaged: the zip archive or the sheet's XML cannot be read (the detail says where).
    #[error("{0}")]
    Broken(String),
}

impl Refusal {
    /// The problem the user sees: limits are `xlsx_too_large`, damage is `unreadable_xlsx`.
    pub(crate) fn problem(&self) -> ImportProblem {
        match self {
            Refusal::Broken(detail) => unreadable(detail),
            Refusal::ColumnBeyondLimit { row, .. } | Refusal::CellTooLong { row, .. } => {
                ImportProblem::row(
                    *row,
                    ProblemCode::XlsxTooLarge,
                    Text::untranslated("xlsx_too_large", self.to_string()),
                )
            }
            _ => ImportProblem::file(
                ProblemCode::XlsxTooLarge,
                Text::untranslated("xlsx_too_large", self.to_string()),
            ),
        }
    }
}

/// The problem for a workbook that cannot be read; `detail` says why.
pub(crate) fn unreadable(detail: &str) -> ImportProblem {
    ImportProblem::file(
        ProblemCode::UnreadableXlsx,
        crate::messages::UNREADABLE_XLSX.with("detail", detail),
    )
}

/// Excel's name of a 0-based cell position (`A1`).
pub(crate) fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

/// The first `max` characters of `text`, with `…` when something was cut.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn broken(what: &str, error: impl std::fmt::Display) -> Refusal {
    Refusal::Broken(format!("{what}: {}", shortened(&error.to_string(), 200)))
}

/// True for the shared-strings part as calamine finds it (case-insensitive, `\` or `/`).
fn is_shared_strings(name: &str) -> bool {
    name.replace('\\', "/")
        .eq_ignore_ascii_case("xl/sharedStrings.xml")
}

/// The entry counts of the Zip64 end-of-central-directory records in `bytes` that the zip reader
/// could believe. The reader reserves its table of entries from such a count, checking only that
/// the entries' minimal size (46 bytes each, from the directory's offset) fits before the record:
/// up to a million and a half entries in a 64 MiB file. So every record in the file that passes
/// that check is seen here, whichever one the reader would use; the bytes of a real workbook's
/// packed data that happen to look like a record's signature almost never pass it.
fn zip64_entry_counts(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    const SIGNATURE: &[u8; 4] = b"PK\x06\x06";
    const CENTRAL_HEADER_BYTES: u64 = 46;
    let field = |record: &[u8], at: usize| {
        record
            .get(at..at + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes)
    };
    bytes
        .windows(SIGNATURE.len())
        .enumerate()
        .filter(|(_, w)| w == SIGNATURE)
        .filter_map(move |(at, _)| {
            let record = &bytes[at..];
            // Entries in total (offset 32); the directory's offset (offset 48).
            let (entries, directory) = (field(record, 32)?, field(record, 48)?);
            let fits = entries
                .saturating_mul(CENTRAL_HEADER_BYTES)
                .saturating_add(directory)
                <= at as u64;
            fits.then_some(entries)
        })
}

/// Checks the zip archive before calamine opens it: entry count, and what every entry really
/// unpacks to (see the module docs).
pub(crate) fn check_archive(bytes: &[u8]) -> Result<(), Refusal> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Refusal::FileTooLarge);
    }
    if zip64_entry_counts(bytes).any(|n| n > MAX_ENTRIES) {
        return Err(Refusal::TooManyEntries);
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken("zip-arkivet", e))?;
    if archive.len() as u64 > MAX_ENTRIES {
        return Err(Refusal::TooManyEntries);
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| broken("en del av zip-arkivet", e))?;
        let name = shortened(entry.name(), 100);
        let shared_strings = is_shared_strings(entry.name());
        let left = MAX_UNPACKED_BYTES.saturating_sub(total);
        let limit = if shared_strings {
            left.min(MAX_SHARED_STRINGS_BYTES)
        } else {
            left
        };
        let too_large = || {
            if shared_strings && total + MAX_SHARED_STRINGS_BYTES <= MAX_UNPACKED_BYTES {
                Refusal::SharedStrings
            } else {
                Refusal::Unpacked {
                    entry: name.clone(),
                }
            }
        };
        if entry.size() > limit {
            return Err(too_large());
        }
        let unpacked = io::copy(&mut (&mut entry).take(limit + 1), &mut io::sink())
            .map_err(|e| broken(&format!("delen \"{name}\""), e))?;
        if unpacked > limit {
            return Err(too_large());
        }
        total += unpacked;
    }
    for part in CALAMINE_PARTS {
        check_attribute_counts(&mut archive, part)?;
    }
    Ok(())
}

/// What [`survey`] found in the sheet.
#[derive(Debug, Default)]
pub(crate) struct SheetSurvey {
    /// Formula cells within the caps: (row, column) → the formula (shortened; empty for a cell
    /// that shares another cell's formula).
    pub(crate) formulas: BTreeMap<(u32, u32), String>,
    /// Merged ranges that start within the column cap.
    pub(crate) merged: Vec<Dimensions>,
}

/// Refuses the part calamine opens for `path` when one of its elements has more than
/// [`MAX_ATTRIBUTES`] attributes (see there). A part that is missing is calamine's to report;
/// one our reader cannot read is refused, since calamine would then read it unchecked.
fn check_attribute_counts<R: Read + io::Seek>(
    archive: &mut ZipArchive<R>,
    path: &str,
) -> Result<(), Refusal> {
    let name = zip_name(archive, path);
    let entry = match archive.by_name(&name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(()),
        Err(e) => return Err(broken(&format!("delen \"{}\"", shortened(path, 100)), e)),
    };
    let mut xml = xml_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml
            .read_event_into(&mut buf)
            .map_err(|e| broken(&format!("delen \"{}\"", shortened(path, 100)), e))?
        {
            Event::Start(e) | Event::Empty(e)
                if e.attributes()
                    .with_checks(false)
                    .take(MAX_ATTRIBUTES + 1)
                    .count()
                    > MAX_ATTRIBUTES =>
            {
                return Err(Refusal::Broken(format!(
                    "ett element i delen {} har fler än {MAX_ATTRIBUTES} attribut, vilket ingen \
                     arbetsbok från Excel har; filen är troligen manipulerad",
                    shortened(path, 100)
                )));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// An XML reader configured as calamine configures its own (so both see the same cells).
fn xml_reader<R: BufRead>(reader: R) -> XmlReader<R> {
    let mut xml = XmlReader::from_reader(reader);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    xml
}

/// The zip entry calamine opens for `path`: the first whose name equals it ignoring ASCII case
/// and with `\` read as `/` (calamine's `path_to_zip_path`).
fn zip_name<R: Read + io::Seek>(archive: &ZipArchive<R>, path: &str) -> String {
    archive
        .file_names()
        .find(|n| path.eq_ignore_ascii_case(&n.replace('\\', "/")))
        .unwrap_or(path)
        .to_owned()
}

fn attribute<'e>(element: &'e BytesStart<'_>, key: &str) -> Option<std::borrow::Cow<'e, str>> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value)
}

/// The path of the sheet named `sheet`, resolved as calamine resolves it: its relationship id
/// in `xl/workbook.xml`, that id's target in `xl/_rels/workbook.xml.rels`, under `xl/`.
/// `None` when the workbook does not say.
fn sheet_path<R: Read + io::Seek>(archive: &mut ZipArchive<R>, sheet: &str) -> Option<String> {
    let mut targets: HashMap<String, String> = HashMap::new();
    {
        let name = zip_name(archive, "xl/_rels/workbook.xml.rels");
        let mut xml = xml_reader(BufReader::new(archive.by_name(&name).ok()?));
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).ok()? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    let id = attribute(&e, "Id")
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    let target = attribute(&e, "Target")
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    targets.insert(id, target);
                }
                Event::Eof => break,
                _ => {}
            }
        }
    }
    let name = zip_name(archive, "xl/workbook.xml");
    let mut xml = xml_reader(BufReader::new(archive.by_name(&name).ok()?));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                let named = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "name")
                    // Unescaped but not whitespace-normalized, as calamine reads it.
                    .and_then(|a| unescape(&a.value).ok().map(|v| v.into_owned()));
                if named.as_deref() != Some(sheet) {
                    continue;
                }
                let id = attribute(&e, "r:id").or_else(|| attribute(&e, "relationships:id"))?;
                let target = targets.get(id.as_ref())?;
                return Some(
                    if let Some(rest) = target.strip_prefix('/')
                        && rest.starts_with("xl/")
                    {
                        rest.to_owned()
                    } else if target.starts_with("xl/") {
                        target.clone()
                    } else {
                        format!("xl/{target}")
                    },
                );
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A cell reference (`B7`; no `$`, as calamine reads it) as a 0-based (row, column); the
/// column is `None` for a row reference (`7`). Numbers too large for Excel saturate (they are
/// refused by the caps), `None` when it is no reference at all.
fn parse_reference(text: &[u8]) -> Option<(u64, Option<u64>)> {
    let (mut row, mut col): (u64, u64) = (0, 0);
    let mut pow: u64 = 1;
    let mut reading_row = true;
    for &c in text.iter().rev() {
        match c {
            b'0'..=b'9' if reading_row => {
                row = row.saturating_add(u64::from(c - b'0').saturating_mul(pow));
                pow = pow.saturating_mul(10);
            }
            b'A'..=b'Z' | b'a'..=b'z' => {
                if reading_row {
                    if row == 0 {
                        return None;
                    }
                    pow = 1;
                    reading_row = false;
                }
                let letter = u64::from(c.to_ascii_uppercase() - b'A') + 1;
                col = col.saturating_add(letter.saturating_mul(pow));
                pow = pow.saturating_mul(26);
            }
            _ => return None,
        }
    }
    let row = row.checked_sub(1)?;
    Some((row, col.checked_sub(1)))
}

/// A position as u32, or `u32::MAX` when larger (then beyond every cap).
fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Reads the text of the element just started (a formula), as written, up to its end.
fn element_text<R: BufRead>(xml: &mut XmlReader<R>) -> Result<String, Refusal> {
    let mut text = String::new();
    let mut buf = Vec::new();
    let mut depth = 0u32;
    loop {
        buf.clear();
        match xml
            .read_event_into(&mut buf)
            .map_err(|e| broken("bladets XML", e))?
        {
            // Enough of the text is kept to show; the rest is read past.
            Event::Text(t) if text.len() < FORMULA_SHOWN_CHARS * 4 => {
                text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if text.len() < FORMULA_SHOWN_CHARS * 4 => {
                match assistid_core::xml_tree::reference_char(&r) {
                    Some(c) => text.push(c),
                    None => {
                        text.push('&');
                        text.push_str(&r);
                        text.push(';');
                    }
                }
            }
            Event::CData(t) if text.len() < FORMULA_SHOWN_CHARS * 4 => {
                text.push_str(&t.xml10_content());
            }
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(shortened(&text, FORMULA_SHOWN_CHARS))
}

/// One streaming pass over the sheet named `sheet` (see the module docs). A sheet whose part is
/// missing gives an empty survey (calamine then reports it).
pub(crate) fn survey(bytes: &[u8], sheet: &str) -> Result<SheetSurvey, Refusal> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken("zip-arkivet", e))?;
    let path = sheet_path(&mut archive, sheet).ok_or_else(|| {
        Refusal::Broken(format!(
            "bladet \"{}\" saknas i arbetsbokens innehållsförteckning",
            shortened(sheet, 100)
        ))
    })?;
    check_attribute_counts(&mut archive, &path)?;
    let name = zip_name(&archive, &path);
    let entry = match archive.by_name(&name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(SheetSurvey::default()),
        Err(e) => return Err(broken("bladets del i zip-arkivet", e)),
    };
    let mut xml = xml_reader(BufReader::new(entry));
    let mut found = SheetSurvey::default();
    let mut merged_rows: u64 = 0;
    let mut in_sheet_data = false;
    // Where calamine puts a cell without an address: after the previous one.
    let (mut row_index, mut col_index): (u32, u32) = (0, 0);
    let mut last_row_with_content: Option<u32> = None;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| broken("bladets XML", e))?;
        match event {
            Event::Start(e) if !in_sheet_data && e.local_name().as_ref() == "sheetData" => {
                in_sheet_data = true;
            }
            Event::End(e) if in_sheet_data && e.local_name().as_ref() == "sheetData" => {
                in_sheet_data = false;
            }
            Event::Start(e) if in_sheet_data && e.local_name().as_ref() == "row" => {
                if let Some(r) = attribute(&e, "r") {
                    let (row, _) = parse_reference(r.as_bytes()).ok_or_else(|| {
                        Refusal::Broken("en rad har en felaktig radreferens".into())
                    })?;
                    row_index = clamp(row);
                }
            }
            Event::End(e) if in_sheet_data && e.local_name().as_ref() == "row" => {
                row_index = row_index.saturating_add(1);
                col_index = 0;
            }
            Event::Start(e) if in_sheet_data && e.local_name().as_ref() == "c" => {
                let (row, col) = match attribute(&e, "r") {
                    Some(r) => match parse_reference(r.as_bytes()) {
                        Some((row, Some(col))) => (clamp(row), clamp(col)),
                        _ => {
                            return Err(Refusal::Broken(
                                "en cell har en felaktig cellreferens".into(),
                            ));
                        }
                    },
                    None => (row_index, col_index),
                };
                col_index = col.saturating_add(1);
                let (has_content, formula) = cell_contents(&mut xml)?;
                if !has_content && formula.is_none() {
                    continue;
                }
                if row >= MAX_ROWS {
                    return Err(Refusal::RowBeyondLimit {
                        cell: cell_name(row, col),
                    });
                }
                if col >= MAX_COLUMNS {
                    return Err(Refusal::ColumnBeyondLimit {
                        row: u64::from(row) + 1,
                        cell: cell_name(row, col),
                    });
                }
                if let Some(previous) = last_row_with_content
                    && row < previous
                {
                    return Err(Refusal::Broken(format!(
                        "raderna i bladet står inte i ordning: rad {} kommer efter rad {}",
                        u64::from(row) + 1,
                        u64::from(previous) + 1
                    )));
                }
                last_row_with_content = Some(row);
                if let Some(formula) = formula {
                    found.formulas.insert((row, col), formula);
                    if found.formulas.len() > MAX_FORMULAS {
                        return Err(Refusal::TooManyFormulas);
                    }
                }
            }
            Event::Start(e) if !in_sheet_data && e.local_name().as_ref() == "mergeCell" => {
                let Some(reference) = attribute(&e, "ref") else {
                    continue;
                };
                let mut corners = reference
                    .as_bytes()
                    .split(|&b| b == b':')
                    .map(parse_reference);
                let (Some(Some((r1, Some(c1)))), second, None) =
                    (corners.next(), corners.next(), corners.next())
                else {
                    return Err(Refusal::Broken(
                        "ett sammanslaget cellområde har en felaktig referens".into(),
                    ));
                };
                let (r2, c2) = match second {
                    None => (r1, c1),
                    Some(Some((r2, Some(c2)))) => (r2, c2),
                    Some(_) => {
                        return Err(Refusal::Broken(
                            "ett sammanslaget cellområde har en felaktig referens".into(),
                        ));
                    }
                };
                let (top, bottom) = (r1.min(r2), r1.max(r2));
                let (left, right) = (c1.min(c2), c1.max(c2));
                let top_row = top.min(u64::from(MAX_ROWS));
                let bottom_row = bottom.min(u64::from(MAX_ROWS) - 1);
                merged_rows += (bottom_row + 1).saturating_sub(top_row);
                if left < u64::from(MAX_COLUMNS) {
                    found.merged.push(Dimensions::new(
                        (clamp(top), clamp(left)),
                        (clamp(bottom), clamp(right)),
                    ));
                }
                if found.merged.len() > MAX_MERGED_RANGES || merged_rows > MAX_MERGED_ROWS {
                    return Err(Refusal::TooManyMergedRanges);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(found)
}

/// Reads a cell's children up to its end: whether it has a value (`<v>`, `<is>`) and its
/// formula (`<f>`), if any.
fn cell_contents<R: BufRead>(xml: &mut XmlReader<R>) -> Result<(bool, Option<String>), Refusal> {
    let mut has_content = false;
    let mut formula = None;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml
            .read_event_into(&mut buf)
            .map_err(|e| broken("bladets XML", e))?
        {
            Event::Start(e) => match e.local_name().as_ref() {
                "f" => formula = Some(element_text(xml)?),
                "v" | "is" => {
                    has_content = true;
                    element_text(xml)?;
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "c" => break,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((has_content, formula))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_like_calamine_and_saturate_instead_of_overflowing() {
        assert_eq!(parse_reference(b"A1"), Some((0, Some(0))));
        assert_eq!(
            parse_reference(b"XFD1048576"),
            Some((1_048_575, Some(16_383)))
        );
        assert_eq!(parse_reference(b"7"), Some((6, None)));
        assert_eq!(parse_reference(b"A0"), None, "rows start at 1");
        assert_eq!(parse_reference(b"A"), None, "a cell needs a row");
        assert_eq!(parse_reference(b"1A"), None);
        assert_eq!(parse_reference(b"$A$1"), None);
        let (row, col) = parse_reference(b"ZZZZZZZZZZZZZZZ99999999999999999999999")
            .expect("letters then digits is a reference");
        assert!(row >= u64::from(MAX_ROWS) && col.is_some_and(|c| c >= u64::from(MAX_COLUMNS)));
    }

    /// A Zip64 end-of-central-directory record declaring `entries`, at offset `at`.
    fn zip64_record_at(at: usize, entries: u64) -> Vec<u8> {
        let mut bytes = vec![0; at];
        bytes.extend_from_slice(b"PK\x06\x06");
        bytes.extend_from_slice(&44u64.to_le_bytes());
        bytes.extend_from_slice(&[0; 12]);
        bytes.extend_from_slice(&entries.to_le_bytes());
        bytes.extend_from_slice(&entries.to_le_bytes());
        bytes.extend_from_slice(&(entries * 46).to_le_bytes());
        bytes.extend_from_slice(&0u64.to_le_bytes());
        bytes
    }

    #[test]
    fn a_zip64_record_declaring_more_entries_than_allowed_is_refused() {
        let bytes = zip64_record_at(20_000 * 46, 20_000);
        assert_eq!(
            zip64_entry_counts(&bytes).collect::<Vec<_>>(),
            vec![20_000],
            "a record the zip reader would believe is seen"
        );
        assert_eq!(check_archive(&bytes), Err(Refusal::TooManyEntries));
    }

    #[test]
    fn a_record_the_zip_reader_would_not_believe_is_no_reason_to_refuse() {
        // Packed data may hold the signature by chance; its "count" then cannot fit before it.
        let bytes = zip64_record_at(4, 5_000_000);
        assert_eq!(zip64_entry_counts(&bytes).count(), 0);
        assert!(
            matches!(check_archive(&bytes), Err(Refusal::Broken(_))),
            "this one is no zip archive at all"
        );
    }

    #[test]
    fn shortened_cuts_at_characters() {
        assert_eq!(shortened("åäö", 2), "åä…");
        assert_eq!(shortened("åäö", 3), "åäö");
    }
}
