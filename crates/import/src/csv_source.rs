//! The CSV reader: sniffs the delimiter from the header line, reads record by record (never the
//! whole file), and decodes each field as UTF-8, or as Windows-1252 once the file shows it is not
//! UTF-8.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use crate::ImportError;
use crate::cells::CellValue;
use crate::engine::Engine;
use crate::preview::{Delimiter, ImportedShift, TextEncoding};
use crate::problem::{ImportProblem, ProblemCode};

/// The longest header line we look for: a "CSV" without a line break in its first MiB is not a
/// CSV file.
const MAX_HEADER_LINE: u64 = 1 << 20;

/// What the CSV reader found out about the file, for the preview.
pub(crate) struct CsvFacts {
    pub(crate) encoding: Option<TextEncoding>,
    pub(crate) delimiter: Option<Delimiter>,
}

/// Decodes fields: UTF-8 until a field is not valid UTF-8, then Windows-1252 for the rest of
/// the file. Windows-1252 text with Swedish letters is practically never valid UTF-8, so the
/// first invalid field decides; a file that had real UTF-8 letters before is mixed, and those
/// fields are flagged rather than silently garbled.
struct FieldDecoder {
    encoding: TextEncoding,
    saw_utf8_letters: bool,
}

impl FieldDecoder {
    /// The text and whether it contradicts the encoding seen so far. UTF-8 text is borrowed:
    /// the reader copies it into a cell buffer it reuses from row to row.
    fn decode<'b>(&mut self, bytes: &'b [u8]) -> (Cow<'b, str>, bool) {
        if self.encoding == TextEncoding::Windows1252 {
            return (windows_1252(bytes), false);
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                if !s.is_ascii() {
                    self.saw_utf8_letters = true;
                }
                (Cow::Borrowed(s), false)
            }
            Err(_) if self.saw_utf8_letters || self.encoding == TextEncoding::Utf8WithBom => {
                (windows_1252(bytes), true)
            }
            Err(_) => {
                self.encoding = TextEncoding::Windows1252;
                (windows_1252(bytes), false)
            }
        }
    }
}

fn windows_1252(bytes: &[u8]) -> Cow<'_, str> {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
}

/// Counts the candidate separators outside quotes and picks the most frequent (semicolon wins
/// a tie, as Swedish Excel writes it).
fn sniff_delimiter(line: &[u8]) -> Option<Delimiter> {
    let mut in_quotes = false;
    let (mut semicolons, mut commas, mut tabs) = (0usize, 0usize, 0usize);
    for &b in line {
        match b {
            b'"' => in_quotes = !in_quotes,
            b';' if !in_quotes => semicolons += 1,
            b',' if !in_quotes => commas += 1,
            b'\t' if !in_quotes => tabs += 1,
            _ => {}
        }
    }
    let best = semicolons.max(commas).max(tabs);
    if best == 0 {
        None
    } else if semicolons == best {
        Some(Delimiter::Semicolon)
    } else if commas == best {
        Some(Delimiter::Comma)
    } else {
        Some(Delimiter::Tab)
    }
}

fn is_blank_line(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// Reads a CSV file into the engine.
pub(crate) fn read<R, E, F>(
    reader: R,
    engine: &mut Engine<'_, F>,
) -> Result<CsvFacts, ImportError<E>>
where
    R: Read,
    F: FnMut(ImportedShift) -> Result<(), E>,
{
    let mut facts = CsvFacts {
        encoding: None,
        delimiter: None,
    };
    let mut input = BufReader::with_capacity(64 * 1024, reader);
    let start = input.fill_buf()?;
    if let Some(problem) = refuse_by_magic(start) {
        engine.stop(problem);
        return Ok(facts);
    }
    let mut encoding = TextEncoding::Utf8;
    if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
        input.consume(3);
        encoding = TextEncoding::Utf8WithBom;
    }

    // The header is the first line that is not blank; Excel may write `sep=;` before it.
    let mut line_no: u64 = 0;
    let mut header_line = Vec::new();
    let mut given_delimiter = None;
    loop {
        header_line.clear();
        let read = (&mut input)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut header_line)?;
        if read == 0 {
            facts.encoding = Some(encoding);
            return Ok(facts);
        }
        line_no += 1;
        if read as u64 == MAX_HEADER_LINE && !header_line.ends_with(b"\n") {
            engine.stop(ImportProblem::file(
                ProblemCode::UnsupportedFileType,
                crate::messages::NOT_CSV.text(),
            ));
            return Ok(facts);
        }
        if is_blank_line(&header_line) {
            continue;
        }
        let lower = header_line.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix(b"sep=") {
            given_delimiter = match rest.first() {
                Some(b';') => Some(Delimiter::Semicolon),
                Some(b',') => Some(Delimiter::Comma),
                Some(b'\t') => Some(Delimiter::Tab),
                _ => None,
            };
            continue;
        }
        break;
    }
    let Some(delimiter) = given_delimiter.or_else(|| sniff_delimiter(&header_line)) else {
        let mut decoder = FieldDecoder {
            encoding,
            saw_utf8_letters: false,
        };
        let (text, _) = decoder.decode(trim_line_end(&header_line));
        let text = text.into_owned();
        facts.encoding = Some(decoder.encoding);
        engine.stop(ImportProblem {
            row: Some(line_no),
            value: Some(text),
            ..ImportProblem::file(
                ProblemCode::WrongDelimiter,
                crate::messages::WRONG_DELIMITER.text(),
            )
        });
        return Ok(facts);
    };
    facts.delimiter = Some(delimiter);

    let mut decoder = FieldDecoder {
        encoding,
        saw_utf8_letters: false,
    };
    let mut splitter = RecordSplitter::new(delimiter.byte());
    let mut line = header_line;
    let mut cells: Vec<CellValue> = Vec::new();
    // `line` holds the header line first; after that each loop reads the next physical line.
    let mut record_row = line_no;
    let mut first = true;
    loop {
        if !first {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                if splitter.in_record() {
                    // The file ends inside a quoted field: take what there is. (Feeding a line
                    // break here, as before, only added it to the still-open field, and the
                    // loop never ended: found by fuzzing, `fuzz_findings.rs`.)
                    splitter.end_of_input();
                } else {
                    break;
                }
            } else {
                line_no += 1;
            }
            if !splitter.in_record() {
                record_row = line_no;
            }
        }
        first = false;
        if !splitter.feed(&line) {
            continue;
        }
        let mut reader_problems = Vec::new();
        let fields = splitter.fields();
        for (i, field) in fields.iter().enumerate() {
            let (text, mixed) = decoder.decode(field);
            if mixed {
                let column = engine
                    .header_of_index(i)
                    .unwrap_or("(okänd kolumn)")
                    .to_owned();
                reader_problems.push(ImportProblem::cell(
                    record_row,
                    &column,
                    &text,
                    ProblemCode::MixedEncoding,
                    crate::messages::MIXED_ENCODING.text(),
                ));
                set_cell(&mut cells, i, CellValue::Refused(text.into_owned()));
            } else if let Some(CellValue::Text(buffer)) = cells.get_mut(i) {
                // The same columns come row after row: reuse the cell's buffer instead of
                // allocating a new string for every field.
                buffer.clear();
                buffer.push_str(&text);
            } else {
                set_cell(&mut cells, i, CellValue::Text(text.into_owned()));
            }
        }
        cells.truncate(fields.len());
        splitter.clear();
        if !engine.has_header() {
            let headers: Vec<String> = cells.iter().map(CellValue::display).collect();
            if !engine.header(record_row, &headers) {
                break;
            }
            continue;
        }
        if reader_problems.is_empty() && cells.iter().all(CellValue::is_blank) {
            continue;
        }
        engine
            .row(record_row, &cells, reader_problems)
            .map_err(ImportError::Stopped)?;
    }
    facts.encoding = Some(decoder.encoding);
    Ok(facts)
}

/// Puts `value` in cell `i`, which is at most one past the end.
fn set_cell(cells: &mut Vec<CellValue>, i: usize, value: CellValue) {
    match cells.get_mut(i) {
        Some(cell) => *cell = value,
        None => cells.push(value),
    }
}

/// Splits CSV records (RFC 4180: fields in double quotes may hold the delimiter, line breaks and
/// doubled quotes) one physical line at a time, so row numbers are exact file lines. A quote
/// inside an unquoted field is an ordinary character, as Excel reads it.
struct RecordSplitter {
    delimiter: u8,
    fields: Vec<Vec<u8>>,
    used: usize,
    state: SplitState,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SplitState {
    /// At the start of a field (nothing read yet for it).
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: either a doubled quote or the closing one.
    QuoteInQuoted,
    /// Between records.
    Idle,
}

impl RecordSplitter {
    fn new(delimiter: u8) -> Self {
        Self {
            delimiter,
            fields: Vec::new(),
            used: 0,
            state: SplitState::Idle,
        }
    }

    /// True while a record continues on the next line (inside a quoted field).
    fn in_record(&self) -> bool {
        self.state == SplitState::Quoted
    }

    fn field(&mut self) -> &mut Vec<u8> {
        if self.used == 0 {
            self.start_field();
        }
        let i = self.used - 1;
        &mut self.fields[i]
    }

    fn start_field(&mut self) {
        if self.used == self.fields.len() {
            self.fields.push(Vec::new());
        } else {
            self.fields[self.used].clear();
        }
        self.used += 1;
    }

    /// The input ended inside a quoted field: the field ends there, so the next [`Self::feed`]
    /// (of the empty rest) completes the record.
    fn end_of_input(&mut self) {
        if self.state == SplitState::Quoted {
            self.state = SplitState::Unquoted;
        }
    }

    /// Feeds one physical line (with its line break). Returns true when a record is complete.
    fn feed(&mut self, line: &[u8]) -> bool {
        if self.state == SplitState::Idle && !line.contains(&b'"') {
            self.feed_unquoted(line);
            true
        } else {
            self.feed_bytes(line)
        }
    }

    /// The common case, a whole record without quotes: split at the delimiters and copy each
    /// field at once. The same fields as [`Self::feed_bytes`] (a unit test compares them): the
    /// line break ends the record and a `\r` before it is dropped from the last field.
    fn feed_unquoted(&mut self, line: &[u8]) {
        self.used = 0;
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let delimiter = self.delimiter;
        for piece in body.split(|&b| b == delimiter) {
            self.start_field();
            self.fields[self.used - 1].extend_from_slice(piece);
        }
        let f = self.field();
        if f.last() == Some(&b'\r') {
            f.pop();
        }
        self.state = SplitState::Idle;
    }

    /// Feeds a line byte by byte through the quoting rules.
    fn feed_bytes(&mut self, line: &[u8]) -> bool {
        if self.state == SplitState::Idle {
            self.used = 0;
            self.start_field();
            self.state = SplitState::FieldStart;
        }
        for &b in line {
            match (self.state, b) {
                (SplitState::Quoted, b'"') => self.state = SplitState::QuoteInQuoted,
                (SplitState::Quoted, _) => self.field().push(b),
                (SplitState::QuoteInQuoted, b'"') => {
                    self.field().push(b'"');
                    self.state = SplitState::Quoted;
                }
                (SplitState::FieldStart, b'"') => self.state = SplitState::Quoted,
                (_, b'\n') => {
                    let f = self.field();
                    if f.last() == Some(&b'\r') {
                        f.pop();
                    }
                    self.state = SplitState::Idle;
                    return true;
                }
                (_, d) if d == self.delimiter => {
                    self.start_field();
                    self.state = SplitState::FieldStart;
                }
                // Text after a closing quote is kept, as Excel does.
                (_, _) => {
                    if self.state == SplitState::QuoteInQuoted && b == b'\r' {
                        continue;
                    }
                    self.field().push(b);
                    if self.state != SplitState::QuoteInQuoted {
                        self.state = SplitState::Unquoted;
                    }
                }
            }
        }
        // A last line without a line break ends the record too, unless inside quotes.
        if self.state == SplitState::Quoted {
            false
        } else {
            let f = self.field();
            if f.last() == Some(&b'\r') {
                f.pop();
            }
            self.state = SplitState::Idle;
            true
        }
    }

    /// The fields of the completed record.
    fn fields(&self) -> &[Vec<u8>] {
        &self.fields[..self.used]
    }

    /// Forgets the completed record (keeping the buffers).
    fn clear(&mut self) {
        self.used = 0;
    }
}

/// UTF-16 without a byte order mark: ASCII text in it has a zero in every other byte. A single
/// stray NUL in a UTF-8 or Windows-1252 file is not UTF-16; the row holding it is refused on its
/// own, with its row and column.
fn looks_utf16(start: &[u8]) -> bool {
    let head = &start[..start.len().min(64)];
    if head.len() < 4 {
        return false;
    }
    let zeros_at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|(i, b)| i % 2 == parity && **b == 0)
            .count()
    };
    let half = head.len() / 2;
    zeros_at(0) * 2 > half || zeros_at(1) * 2 > half
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Files that are not text at all, recognised by their first bytes.
pub(crate) fn refuse_by_magic(start: &[u8]) -> Option<ImportProblem> {
    if start.starts_with(b"PK\x03\x04") {
        return Some(ImportProblem::file(
            ProblemCode::UnsupportedFileType,
            crate::messages::XLSX_AS_CSV.text(),
        ));
    }
    if start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(ImportProblem::file(
            ProblemCode::UnsupportedFileType,
            crate::messages::OLD_XLS.text(),
        ));
    }
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) || looks_utf16(start) {
        return Some(ImportProblem::file(
            ProblemCode::UnsupportedEncoding,
            crate::messages::UTF16.text(),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a;b;c\n"), Some(Delimiter::Semicolon));
        assert_eq!(sniff_delimiter(b"a,b,c\n"), Some(Delimiter::Comma));
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), Some(Delimiter::Tab));
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n"), Some(Delimiter::Comma));
        assert_eq!(sniff_delimiter(b"abc\n"), None);
    }

    fn split(lines: &[&[u8]]) -> Vec<Vec<String>> {
        let mut s = RecordSplitter::new(b';');
        let mut out = Vec::new();
        for line in lines {
            if s.feed(line) {
                out.push(
                    s.fields()
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect(),
                );
                s.clear();
            }
        }
        out
    }

    #[test]
    fn records_split_like_excel_reads_them() {
        assert_eq!(split(&[b"a;b;c\r\n"]), vec![vec!["a", "b", "c"]]);
        assert_eq!(split(&[b"\"a;b\";\"x\"\"y\"\n"]), vec![vec!["a;b", "x\"y"]]);
        assert_eq!(
            split(&[b"\"two\n", b"lines\";z\n"]),
            vec![vec!["two\nlines", "z"]]
        );
        assert_eq!(
            split(&[b"5\" sk\xe4rm;x"]),
            vec![vec!["5\" sk\u{fffd}rm", "x"]]
        );
        assert_eq!(split(&[b";;\n"]), vec![vec!["", "", ""]]);
    }

    #[test]
    fn unquoted_lines_split_the_same_at_once_as_byte_by_byte() {
        let lines: [&[u8]; 12] = [
            b"a;b;c\n",
            b"a;b;c\r\n",
            b"a;b;c",
            b"a;b;c\r",
            b"\n",
            b"\r\n",
            b"",
            b";;\r\n",
            b"a\r;b\r\r\n",
            b"199001012385;195001012383;2026-10-24;22:00;07:00;v\xc3\xa4nte\n",
            b"x,y;z\tw\n",
            b";\n",
        ];
        for line in lines {
            let mut at_once = RecordSplitter::new(b';');
            at_once.feed_unquoted(line);
            let mut bytewise = RecordSplitter::new(b';');
            assert!(
                bytewise.feed_bytes(line),
                "an unquoted line is a whole record"
            );
            assert_eq!(
                at_once.fields(),
                bytewise.fields(),
                "the fast split must give the byte-by-byte fields for {:?}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn windows_1252_is_detected_on_the_first_invalid_field() {
        let mut d = FieldDecoder {
            encoding: TextEncoding::Utf8,
            saw_utf8_letters: false,
        };
        assert_eq!(d.decode(b"abc"), (Cow::from("abc"), false));
        assert_eq!(d.decode(b"v\xe4nte"), (Cow::from("vänte"), false));
        assert_eq!(d.encoding, TextEncoding::Windows1252);
    }
}
