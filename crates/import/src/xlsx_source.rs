//! The XLSX reader (calamine). A workbook is a zip archive that calamine reads as a whole, so
//! an XLSX file is held in memory: stream big imports as CSV.
//!
//! Refused per cell: formulas (the file must hold values, not a calculation that may show
//! something else elsewhere) and merged ranges (a merged cell's value belongs to no single row).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::{Data, Dimensions, Reader, Xlsx};

use crate::cells::CellValue;
use crate::columns::Column;
use crate::engine::Engine;
use crate::preview::ImportedShift;
use crate::problem::{ImportProblem, ProblemCode};
use crate::{ImportError, csv_source};

/// How many rows from the top we search for the header row (title rows may come first).
const HEADER_SEARCH_ROWS: usize = 20;

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column index.
pub(crate) fn column_letters(index: u32) -> String {
    let mut n = index + 1;
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
    let a = format!("{}{}", column_letters(d.start.1), d.start.0 + 1);
    let b = format!("{}{}", column_letters(d.end.1), d.end.0 + 1);
    if a == b { a } else { format!("{a}:{b}") }
}

/// Reads an XLSX workbook into the engine. Returns the sheet that was read.
pub(crate) fn read<R, E, F>(
    mut reader: R,
    sheet: Option<&str>,
    engine: &mut Engine<'_, F>,
) -> Result<Option<String>, ImportError<E>>
where
    R: Read,
    F: FnMut(ImportedShift) -> Result<(), E>,
{
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
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
                "filen är ingen Excel-fil (XLSX): är det en CSV-fil? Välj i så fall formatet CSV",
            )
        }));
        return Ok(None);
    }
    let mut workbook = match guarded(|| Xlsx::new(Cursor::new(bytes))) {
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
            format!(
                "bladet \"{}\" finns inte i arbetsboken; bladen heter: {}",
                sheet.unwrap_or_default(),
                names.join(", ")
            ),
        ));
        return Ok(None);
    };
    let range = match guarded(|| workbook.worksheet_range(&name)) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            engine.stop(unreadable(&e.to_string()));
            return Ok(Some(name));
        }
        Err(broken) => {
            engine.stop(unreadable(broken));
            return Ok(Some(name));
        }
    };
    // Formulas: absolute (row, column) → formula text.
    let mut formulas: HashMap<(u32, u32), String> = HashMap::new();
    if let Ok(Ok(f)) = guarded(|| workbook.worksheet_formula(&name))
        && let Some((r0, c0)) = f.start()
    {
        for (r, c, text) in f.used_cells() {
            if !text.is_empty() {
                formulas.insert((r0 + r as u32, c0 + c as u32), text.clone());
            }
        }
    }
    let merged: Vec<Dimensions> = match guarded(|| workbook.load_merged_regions())
        .unwrap_or_else(|broken| Err(calamine::XlsxError::Unexpected(broken)))
    {
        Ok(()) => workbook
            .merged_regions_by_sheet(&name)
            .into_iter()
            .map(|(_, _, d)| *d)
            .collect(),
        Err(e) => {
            engine.stop(unreadable(&e.to_string()));
            return Ok(Some(name));
        }
    };

    let Some((row0, col0)) = range.start() else {
        return Ok(Some(name));
    };
    let rows: Vec<&[Data]> = range.rows().collect();
    // The header row: the first row naming at least two known columns, else the first row
    // with anything in it (which then gets the missing-header problem).
    let recognised = |r: &[Data]| {
        r.iter()
            .filter(|d| Column::from_header(&cell_value(d).display()).is_some())
            .count()
    };
    let header_index = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|r| recognised(r) >= 2)
        .or_else(|| {
            rows.iter()
                .position(|r| r.iter().any(|d| !cell_value(d).is_blank()))
        });
    let Some(header_index) = header_index else {
        return Ok(Some(name));
    };
    let header_abs_row = row0 + header_index as u32;
    let mut headers: Vec<String> = vec![String::new(); col0 as usize];
    headers.extend(rows[header_index].iter().map(|d| cell_value(d).display()));
    if !engine.header(u64::from(header_abs_row) + 1, &headers) {
        return Ok(Some(name));
    }

    let merged_below_header: Vec<Dimensions> = merged
        .into_iter()
        .filter(|d| d.end.0 > header_abs_row)
        .collect();
    for (i, data_row) in rows.iter().enumerate().skip(header_index + 1) {
        let abs_row = row0 + i as u32;
        let row_no = u64::from(abs_row) + 1;
        let mut problems = Vec::new();
        let mut cells: Vec<CellValue> = vec![CellValue::Empty; col0 as usize];
        for (j, data) in data_row.iter().enumerate() {
            let abs_col = col0 + j as u32;
            let header = engine
                .header_of_index(abs_col as usize)
                .unwrap_or_default()
                .to_owned();
            if let Some(formula) = formulas.get(&(abs_row, abs_col)) {
                let shown = cell_value(data).display();
                problems.push(ImportProblem::cell(
                    row_no,
                    &header,
                    &shown,
                    ProblemCode::FormulaCell,
                    format!(
                        "formeln i cell {}{} (={formula}) kan inte importeras: kopiera \
                         kolumnen och klistra in den som värden (Klistra in special → Värden)",
                        column_letters(abs_col),
                        row_no
                    ),
                ));
                cells.push(CellValue::Refused(shown));
                continue;
            }
            if let Some(region) = merged_below_header
                .iter()
                .find(|d| d.contains(abs_row, abs_col))
            {
                let shown = cell_value(data).display();
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
                        format!(
                            "cellerna {} är sammanslagna: dela upp dem (Start → Sammanfoga och \
                             centrera → Dela upp celler) och skriv värdet i varje rad",
                            range_name(region)
                        ),
                    ));
                }
                cells.push(CellValue::Refused(shown));
                continue;
            }
            cells.push(cell_value(data));
        }
        if problems.is_empty() && cells.iter().all(CellValue::is_blank) {
            continue;
        }
        engine
            .row(row_no, &cells, problems)
            .map_err(ImportError::Stopped)?;
    }
    Ok(Some(name))
}

/// What a panic inside calamine becomes (see [`guarded`]).
const BROKEN_WORKBOOK: &str = "arbetsboken är trasig eller manipulerad";

/// Runs one calamine call on the untrusted workbook, turning a panic inside calamine into an
/// error. Fuzzing (`fuzz/`, target `import_xlsx`) found that calamine 0.31 indexes the shared
/// strings table with the cell's number unchecked (`cells_reader.rs`), so a cell that points
/// past the table panicked the import; a malicious file must be "unreadable", never a crash.
/// Only calamine's calls are guarded: a panic in Assistid's own code stays a bug that tests see.
fn guarded<T>(call: impl FnOnce() -> T) -> Result<T, &'static str> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).map_err(|_| BROKEN_WORKBOOK)
}

fn unreadable(detail: &str) -> ImportProblem {
    ImportProblem::file(
        ProblemCode::UnreadableXlsx,
        format!(
            "Excel-filen kan inte läsas ({detail}): öppna den i Excel och spara om den som \
             .xlsx"
        ),
    )
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
