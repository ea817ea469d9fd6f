//! A CSV file's working copy as text: fixes and skips never edit the user's file. A fixed
//! record's lines are replaced (a record that spanned several lines keeps its line count with
//! blank lines, so every other row keeps the row number the user sees), and a skipped record
//! becomes blank lines (the importer ignores blank rows).

use assistid_import::TextEncoding;

use super::templates;
use crate::AppError;
use crate::import::ImportReport;

/// The working text of a staged CSV file, decoded as the importer read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WorkingCsv {
    delimiter: u8,
    lines: Vec<String>,
}

impl WorkingCsv {
    /// The working text of `bytes` as the importer's preview (`report`) read them: its
    /// delimiter and encoding.
    pub(super) fn decode(bytes: &[u8], report: &ImportReport) -> WorkingCsv {
        let delimiter = report.preview.source.delimiter.map_or(b';', |d| d.byte());
        let text = match report.preview.source.encoding {
            Some(TextEncoding::Windows1252) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            _ => {
                let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                String::from_utf8_lossy(bytes).into_owned()
            }
        };
        let lines = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
            .collect();
        WorkingCsv { delimiter, lines }
    }

    /// The working text as the bytes the importer reads (UTF-8, `\n` between lines).
    pub(super) fn to_bytes(&self) -> Vec<u8> {
        self.lines.join("\n").into_bytes()
    }

    /// Every record: its first line (1-based) and its cells.
    pub(super) fn records(&self) -> Vec<(u64, Vec<String>)> {
        let text = self.lines.join("\n");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        let mut record = csv::StringRecord::new();
        // Line numbers come from byte offsets: the csv crate does not count the blank lines it
        // skips, and the importer (and so the user) counts every physical line.
        let newlines: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        // An unreadable tail ends the list: the importer has already said what is wrong.
        while let Ok(true) = reader.read_record(&mut record) {
            let mut byte = record
                .position()
                .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
            // The recorded start is before the blank lines the reader skipped on its way.
            while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
                byte += 1;
            }
            let line = newlines.partition_point(|&nl| nl < byte) as u64 + 1;
            out.push((line, record.iter().map(str::to_owned).collect()));
        }
        out
    }

    /// Replaces the record that starts on `row` with `values` (or with nothing), keeping the
    /// number of lines. Refused (`import_row_missing`) when no record starts on `row`.
    pub(super) fn replace_record(
        &mut self,
        row: u64,
        values: Option<&[String]>,
    ) -> Result<(), AppError> {
        let missing = || AppError::invalid_text(templates::ROW_MISSING.with("row", row));
        let records = self.records();
        let index = records
            .iter()
            .position(|(line, _)| *line == row)
            .ok_or_else(missing)?;
        let first = usize::try_from(row.saturating_sub(1)).unwrap_or(usize::MAX);
        let end = records
            .get(index + 1)
            .and_then(|(next, _)| usize::try_from(next.saturating_sub(1)).ok())
            .unwrap_or(self.lines.len())
            .min(self.lines.len());
        if first >= end {
            return Err(missing());
        }
        let replacement = match values {
            Some(values) => self.encode(values)?,
            None => String::new(),
        };
        for (i, line) in self.lines[first..end].iter_mut().enumerate() {
            *line = if i == 0 {
                replacement.clone()
            } else {
                String::new()
            };
        }
        Ok(())
    }

    /// One record as a line of this file (its delimiter, quoted where needed).
    fn encode(&self, values: &[String]) -> Result<String, AppError> {
        let unwritable = |e: &dyn std::fmt::Display| {
            AppError::invalid_text(templates::ROW_UNWRITABLE.with("error", e.to_string()))
        };
        let mut writer = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // A typed value never spans lines: that would move every later row.
        let one_line: Vec<String> = values
            .iter()
            .map(|v| v.replace(['\r', '\n'], " ").trim().to_owned())
            .collect();
        writer.write_record(&one_line).map_err(|e| unwritable(&e))?;
        let bytes = writer.into_inner().map_err(|e| unwritable(&e))?;
        let text = String::from_utf8_lossy(&bytes);
        Ok(text.trim_end_matches('\n').to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[&str]) -> WorkingCsv {
        WorkingCsv {
            delimiter: b';',
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    #[test]
    fn a_fix_replaces_only_its_record_and_keeps_every_row_number() {
        let mut csv = text(&["a;b", "1;\"x", "y\"", "3;4"]);
        csv.replace_record(2, Some(&["5".to_owned(), "6".to_owned()]))
            .expect("row 2 exists");
        assert_eq!(
            csv.lines,
            vec!["a;b", "5;6", "", "3;4"],
            "the two-line record becomes one line and a blank one"
        );
        let rows: Vec<u64> = csv.records().iter().map(|(l, _)| *l).collect();
        assert!(
            rows.contains(&4),
            "the last record still starts on line 4: {rows:?}"
        );
    }

    #[test]
    fn a_skipped_row_becomes_blank_and_an_unknown_row_is_refused() {
        let mut csv = text(&["a;b", "1;2", "3;4"]);
        csv.replace_record(2, None).expect("row 2 exists");
        assert_eq!(csv.lines, vec!["a;b", "", "3;4"], "row 3 keeps its number");
        let refused = csv
            .replace_record(9, None)
            .expect_err("a row that is not in the file is an error, not a silent no-op");
        assert_eq!(
            (refused.code(), refused.text().code()),
            ("invalid_input", "import_row_missing"),
            "the refusal has its stable code and message code"
        );
    }

    #[test]
    fn typed_values_with_the_delimiter_are_quoted_on_one_line() {
        let csv = text(&["a;b"]);
        let line = csv
            .encode(&["x;y".to_owned(), "z\nw".to_owned()])
            .expect("encodable");
        assert_eq!(line, "\"x;y\";z w");
    }
}
