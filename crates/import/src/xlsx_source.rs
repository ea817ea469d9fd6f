//! The XLSX reader (calamine), hardened against hostile workbooks (issue 18).
//!
//! A workbook is a zip archive, so the file is held in memory (at most 64 MiB): stream big
//! imports as CSV. Nothing of it reaches calamine unchecked ([`xlsx_limits`]): first the archive
//! (its size, its entry count, and what every entry really unpacks to: 64 MiB in all, 16 MiB
//! for the shared strings), then one streaming pass over the chosen sheet's XML (every cell
//! address with content within 64 columns, A–BL, and Excel's 1,048,576 rows, rows in order;
//! the formula cells and the merged ranges, counted). Then calamine's cell reader
//! (`Xlsx::worksheet_cells_reader`) streams the sheet's cells one at a time, under the same
//! caps and with no cell longer than Excel allows (32,767 characters); no `Range` is ever built.
//! calamine's `worksheet_range` built one from the cells' bounding box with
//! `Range::from_sparse`, which allocates rows × columns: cells at `A1` and `XFD1048576` asked for
//! 512 GiB, and the failed allocation aborted the process past every `catch_unwind`.
//!
//! Cells are grouped into rows as they come (a row holds at most 64 cells; a cell given twice
//! keeps its last value), the header row is searched in the first 20 rows, and every later row
//! goes to the engine at once, so memory is one row plus what the engine keeps. A file over a
//! limit is one `xlsx_too_large` problem that names the cell or the part and what to do; a
//! damaged one is `unreadable_xlsx`.
//!
//! Refused per cell: formulas (the file must hold values, not a calculation that may show
//! something else elsewhere) and merged ranges (a merged cell's value belongs to no single row).
//! Both come from the survey of the sheet's XML, not from calamine's formula reader, which
//! expands a shared formula's range and pads its table up to any index a cell names. A row with
//! no value that holds a formula or lies in a merged range is refused too.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Dimensions, Reader, Xlsx, XlsxError};

use crate::cells::CellValue;
use crate::columns::Column;
use crate::engine::Engine;
use crate::preview::ImportedShift;
use crate::problem::{ImportProblem, ProblemCode};
use crate::xlsx_limits::{
    self, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, Refusal, SheetSurvey, cell_name, unreadable,
};
use crate::{ImportError, csv_source};

/// How many rows from the top we search for the header row (title rows may come first).
const HEADER_SEARCH_ROWS: usize = 20;

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column index.
pub(crate) fn column_letters(index: u32) -> String {
    let mut n = u64::from(index) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn cell_value(data: &Data) -> CellValue {
    match data {
        Data::Empty => CellValue::Empty,
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Float(f) => CellValue::Number(*f),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => {
            let ymd_hms = dt.is_datetime().then(|| {
                let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
                (
                    i32::from(y),
                    u32::from(mo),
                    u32::from(d),
                    u32::from(h),
                    u32::from(mi),
                    u32::from(s),
                )
            });
            CellValue::DateTime {
                ymd_hms,
                serial: dt.as_f64(),
                duration: dt.is_duration(),
            }
        }
        Data::DateTimeIso(s) => CellValue::IsoDateTime(s.clone()),
        Data::DurationIso(s) => CellValue::IsoDuration(s.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
    }
}

fn range_name(d: &Dimensions) -> String {
    let a = cell_name(d.start.0, d.start.1);
    let b = cell_name(d.end.0, d.end.1);
    if a == b { a } else { format!("{a}:{b}") }
}

/// True when a text is longer than an Excel cell can hold ([`MAX_CELL_CHARS`] UTF-16 units).
fn too_long(text: &str) -> bool {
    text.len() > MAX_CELL_CHARS && text.encode_utf16().count() > MAX_CELL_CHARS
}

/// The text of a cell that holds text.
fn cell_text<'v>(value: &'v DataRef<'_>) -> Option<&'v str> {
    match value {
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            Some(text)
        }
        DataRef::SharedString(text) => Some(text),
        _ => None,
    }
}

/// Reads an XLSX workbook into the engine. Returns the sheet that was read.
pub(crate) fn read<R, E, F>(
    reader: R,
    sheet: Option<&str>,
    engine: &mut Engine<'_, F>,
) -> Result<Option<String>, ImportError<E>>
where
    R: Read,
    F: FnMut(ImportedShift) -> Result<(), E>,
{
    let mut bytes = Vec::new();
    // One byte past the limit tells a file at the limit from a larger one.
    reader
        .take(xlsx_limits::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.is_empty() {
        return Ok(None);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        let problem = csv_source::refuse_by_magic(&bytes).filter(|p| {
            // An old .xls is reported as such; anything else here is probably a CSV.
            p.message.contains(".xls")
        });
        engine.stop(problem.unwrap_or_else(|| {
            ImportProblem::file(
                ProblemCode::UnsupportedFileType,
                crate::messages::NOT_XLSX.text(),
            )
        }));
        return Ok(None);
    }
    if let Err(refusal) = guarded(|| xlsx_limits::check_archive(&bytes))
        .unwrap_or_else(|broken| Err(Refusal::Broken(broken.into())))
    {
        engine.stop(refusal.problem());
        return Ok(None);
    }
    let mut workbook = match guarded(|| Xlsx::new(Cursor::new(&bytes[..]))) {
        Ok(Ok(w)) => w,
        Ok(Err(e)) => {
            engine.stop(unreadable(&e.to_string()));
            return Ok(None);
        }
        Err(broken) => {
            engine.stop(unreadable(broken));
            return Ok(None);
        }
    };
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            .cloned(),
        None => names.first().cloned(),
    };
    let Some(name) = name else {
        engine.stop(ImportProblem::file(
            ProblemCode::SheetNotFound,
            crate::messages::SHEET_NOT_FOUND
                .with("sheet", sheet.unwrap_or_default())
                .with("sheets", names.join(", ")),
        ));
        return Ok(None);
    };
    // Formulas, merged ranges and every cell address, checked before any row is read.
    let survey = match guarded(|| xlsx_limits::survey(&bytes, &name))
        .unwrap_or_else(|broken| Err(Refusal::Broken(broken.into())))
    {
        Ok(survey) => survey,
        Err(refusal) => {
            engine.stop(refusal.problem());
            return Ok(Some(name));
        }
    };
    let (book, sheet_name) = (&mut workbook, name.as_str());
    let mut cells = match guarded(move || {
        // Moved in, so the reader may borrow the workbook beyond the call.
        let book = book;
        book.worksheet_cells_reader(sheet_name)
    }) {
        Ok(Ok(cells)) => cells,
        // A chart sheet: nothing to read (calamine's ranges treat it as empty too).
        Ok(Err(XlsxError::NotAWorksheet(_))) => return Ok(Some(name)),
        Ok(Err(e)) => {
            engine.stop(unreadable(&e.to_string()));
            return Ok(Some(name));
        }
        Err(broken) => {
            engine.stop(unreadable(broken));
            return Ok(Some(name));
        }
    };

    let mut rows = Rows::new(engine, survey);
    let mut pending: Option<PendingRow> = None;
    while !rows.done {
        let cell = match guarded(|| cells.next_cell()) {
            Ok(Ok(Some(cell))) => cell,
            Ok(Ok(None)) => break,
            Ok(Err(e)) => {
                rows.engine.stop(unreadable(&e.to_string()));
                return Ok(Some(name));
            }
            Err(broken) => {
                rows.engine.stop(unreadable(broken));
                return Ok(Some(name));
            }
        };
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        // The survey refused all of these already; calamine's own reading is checked again.
        let (row, col) = cell.get_position();
        let row_no = u64::from(row) + 1;
        let refusal = if row >= MAX_ROWS {
            Some(Refusal::RowBeyondLimit {
                cell: cell_name(row, col),
            })
        } else if col >= MAX_COLUMNS {
            Some(Refusal::ColumnBeyondLimit {
                row: row_no,
                cell: cell_name(row, col),
            })
        } else if cell_text(value).is_some_and(too_long) {
            Some(Refusal::CellTooLong {
                row: row_no,
                cell: cell_name(row, col),
            })
        } else if pending.as_ref().is_some_and(|p| row < p.row) {
            Some(Refusal::Broken(
                "raderna i bladet står inte i ordning".to_owned(),
            ))
        } else {
            None
        };
        if let Some(refusal) = refusal {
            rows.engine.stop(refusal.problem());
            return Ok(Some(name));
        }
        let value = cell_value(&Data::from(value.clone()));
        match &mut pending {
            Some(p) if p.row == row => p.set(col, value),
            _ => {
                if let Some(done) = pending.take() {
                    rows.row(done).map_err(ImportError::Stopped)?;
                }
                let mut p = PendingRow {
                    row,
                    cells: Vec::new(),
                };
                p.set(col, value);
                pending = Some(p);
            }
        }
    }
    if let Some(done) = pending.take() {
        rows.row(done).map_err(ImportError::Stopped)?;
    }
    rows.finish().map_err(ImportError::Stopped)?;
    Ok(Some(name))
}

/// One sheet row as its cells arrive: every cell with content in its column (at most
/// [`MAX_COLUMNS`]); a cell given twice keeps its last value, as calamine's ranges did.
struct PendingRow {
    row: u32,
    cells: Vec<CellValue>,
}

impl PendingRow {
    fn set(&mut self, col: u32, value: CellValue) {
        let col = col as usize;
        if self.cells.len() <= col {
            self.cells.resize(col + 1, CellValue::Empty);
        }
        self.cells[col] = value;
    }

    fn non_blank(&self) -> bool {
        self.cells.iter().any(|c| !c.is_blank())
    }

    /// How many cells name a known column.
    fn recognised(&self) -> usize {
        self.cells
            .iter()
            .filter(|c| Column::from_header(&c.display()).is_some())
            .count()
    }
}

/// The rows of the sheet in order: finds the header row, then sends every data row to the
/// engine with the formula and merged-cell problems of its cells. Rows without any value that
/// hold a formula or lie in a merged range are checked too (they are refused).
struct Rows<'e, 'r, F> {
    engine: &'e mut Engine<'r, F>,
    survey: SheetSurvey,
    /// True when nothing more is to be read (the header row was refused).
    done: bool,
    /// The first row with a value: the header is searched in [`HEADER_SEARCH_ROWS`] rows from
    /// it.
    first_row: Option<u32>,
    window: Vec<PendingRow>,
    /// The search window had no row with text: the next row with text is the header.
    header_late: bool,
    header_row: Option<u32>,
    /// Rows above this one are done.
    next_row: u32,
    /// Merged ranges reaching below the header, by first row.
    merged: Vec<Dimensions>,
    next_merged: usize,
    /// The merged ranges covering the current row.
    active: Vec<Dimensions>,
    /// Every row below the header that a merged range covers.
    merged_rows: BTreeSet<u32>,
}

impl<'e, 'r, E, F> Rows<'e, 'r, F>
where
    F: FnMut(ImportedShift) -> Result<(), E>,
{
    fn new(engine: &'e mut Engine<'r, F>, survey: SheetSurvey) -> Self {
        Self {
            engine,
            survey,
            done: false,
            first_row: None,
            window: Vec::new(),
            header_late: false,
            header_row: None,
            next_row: 0,
            merged: Vec::new(),
            next_merged: 0,
            active: Vec::new(),
            merged_rows: BTreeSet::new(),
        }
    }

    fn row(&mut self, row: PendingRow) -> Result<(), E> {
        if self.done {
            return Ok(());
        }
        if self.header_row.is_some() {
            return self.data_row(row);
        }
        if self.header_late {
            if row.non_blank() {
                self.accept_header(row);
            }
            return Ok(());
        }
        let first = *self.first_row.get_or_insert(row.row);
        if u64::from(row.row) < u64::from(first) + HEADER_SEARCH_ROWS as u64 {
            self.window.push(row);
            return Ok(());
        }
        self.decide_header()?;
        self.row(row)
    }

    /// The end of the sheet.
    fn finish(&mut self) -> Result<(), E> {
        if !self.done && self.header_row.is_none() && !self.header_late {
            self.decide_header()?;
        }
        Ok(())
    }

    /// The header row: the first row of the window naming at least two known columns, else the
    /// first row with anything in it (which then gets the missing-header problem).
    fn decide_header(&mut self) -> Result<(), E> {
        let window = std::mem::take(&mut self.window);
        let header = window
            .iter()
            .position(|r| r.recognised() >= 2)
            .or_else(|| window.iter().position(PendingRow::non_blank));
        let Some(header) = header else {
            self.header_late = true;
            return Ok(());
        };
        let mut rest = window.into_iter().skip(header);
        if let Some(header) = rest.next() {
            self.accept_header(header);
        }
        for row in rest {
            if self.done {
                break;
            }
            self.data_row(row)?;
        }
        Ok(())
    }

    fn accept_header(&mut self, row: PendingRow) {
        let headers: Vec<String> = row.cells.iter().map(CellValue::display).collect();
        if !self.engine.header(u64::from(row.row) + 1, &headers) {
            self.done = true;
            return;
        }
        self.header_row = Some(row.row);
        self.next_row = row.row.saturating_add(1);
        self.merged = self
            .survey
            .merged
            .iter()
            .filter(|d| d.end.0 > row.row)
            .copied()
            .collect();
        self.merged.sort_by_key(|d| d.start.0);
        for d in &self.merged {
            // The survey capped the rows of all merged ranges together.
            let last = d.end.0.min(MAX_ROWS - 1);
            self.merged_rows
                .extend(d.start.0.max(row.row.saturating_add(1))..=last);
        }
    }

    fn data_row(&mut self, row: PendingRow) -> Result<(), E> {
        // Rows between the last one and this one without a value, but with a formula or in a
        // merged range.
        let mut between: BTreeSet<u32> = self
            .merged_rows
            .range(self.next_row..row.row)
            .copied()
            .collect();
        between.extend(
            self.survey
                .formulas
                .range((self.next_row, 0)..(row.row, 0))
                .map(|((r, _), _)| *r),
        );
        for empty in between {
            self.check_row(empty, Vec::new())?;
            if self.done {
                return Ok(());
            }
        }
        self.next_row = row.row.saturating_add(1);
        self.check_row(row.row, row.cells)
    }

    /// Sends one data row to the engine, refusing its formula cells and merged cells.
    fn check_row(&mut self, row: u32, mut values: Vec<CellValue>) -> Result<(), E> {
        while self
            .merged
            .get(self.next_merged)
            .is_some_and(|d| d.start.0 <= row)
        {
            self.active.push(self.merged[self.next_merged]);
            self.next_merged += 1;
        }
        self.active.retain(|d| d.end.0 >= row);
        let width = self
            .active
            .iter()
            .map(|d| d.end.1.saturating_add(1))
            .chain(
                self.survey
                    .formulas
                    .range((row, 0)..=(row, u32::MAX))
                    .map(|((_, c), _)| c.saturating_add(1)),
            )
            .fold(values.len() as u32, u32::max)
            .min(MAX_COLUMNS) as usize;
        values.resize(width.max(values.len()), CellValue::Empty);
        let row_no = u64::from(row) + 1;
        let mut problems = Vec::new();
        let mut cells: Vec<CellValue> = Vec::with_capacity(values.len());
        for (j, value) in values.into_iter().enumerate() {
            let col = j as u32;
            let header = self
                .engine
                .header_of_index(j)
                .unwrap_or_default()
                .to_owned();
            if let Some(formula) = self.survey.formulas.get(&(row, col)) {
                let shown = value.display();
                let formula = if formula.is_empty() {
                    String::new()
                } else {
                    format!(" (={formula})")
                };
                problems.push(ImportProblem::cell(
                    row_no,
                    &header,
                    &shown,
                    ProblemCode::FormulaCell,
                    crate::messages::FORMULA_CELL
                        .with("cell", cell_name(row, col))
                        .with("formula", formula),
                ));
                cells.push(CellValue::Refused(shown));
                continue;
            }
            if let Some(region) = self.active.iter().find(|d| d.contains(row, col)) {
                let shown = value.display();
                // Every row the region covers is refused, with one problem per row.
                if !problems
                    .iter()
                    .any(|p: &ImportProblem| p.code == ProblemCode::MergedCells)
                {
                    problems.push(ImportProblem::cell(
                        row_no,
                        &header,
                        &shown,
                        ProblemCode::MergedCells,
                        crate::messages::MERGED_CELLS.with("range", range_name(region)),
                    ));
                }
                cells.push(CellValue::Refused(shown));
                continue;
            }
            cells.push(value);
        }
        if problems.is_empty() && cells.iter().all(CellValue::is_blank) {
            return Ok(());
        }
        self.engine.row(row_no, &cells, problems)
    }
}

/// What a panic inside calamine becomes (see [`guarded`]).
const BROKEN_WORKBOOK: &str = "arbetsboken är trasig eller manipulerad";

/// Runs one calamine call on the untrusted workbook, turning a panic inside calamine into an
/// error. Fuzzing (`fuzz/`, target `import_xlsx`) found that calamine 0.31 indexes the shared
/// strings table with the cell's number unchecked (`cells_reader.rs`), so a cell that points
/// past the table panicked the import; a malicious file must be "unreadable", never a crash.
/// Guarded are calamine's calls and the checks before them ([`xlsx_limits`]), whose zip and XML
/// readers see the same untrusted bytes; the fuzz target's panic hook still aborts on any panic
/// outside calamine, so fuzzing reports those as crashes. A panic in the row handling stays a
/// bug that tests see.
fn guarded<T>(call: impl FnOnce() -> T) -> Result<T, &'static str> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).map_err(|_| BROKEN_WORKBOOK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_like_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
    }
}
