//! The documented example files in `schemas/examples/` import without a single problem, so the
//! documentation cannot rot.

use std::path::PathBuf;

use assistid_import::ImportFormat;

use crate::support::*;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/examples")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(example(name)).expect("the example file is part of the repository")
}

#[test]
fn the_csv_example_imports_cleanly() {
    let (preview, shifts) = import_bytes(&read("shifts.csv"), &ImportFormat::Csv);
    assert!(preview.problems.is_empty(), "{:#?}", preview.problems);
    assert_eq!(shifts.len() as u64, preview.counts.rows_read);
    assert!(shifts.len() >= 8, "the example shows every feature");
}

#[test]
fn the_xlsx_example_gives_the_same_shifts_as_the_csv_example() {
    let (_, from_csv) = import_bytes(&read("shifts.csv"), &ImportFormat::Csv);
    let (preview, from_xlsx) =
        import_bytes(&read("shifts.xlsx"), &ImportFormat::Xlsx { sheet: None });
    assert!(preview.problems.is_empty(), "{:#?}", preview.problems);
    let strip =
        |v: Vec<assistid_import::ImportedShift>| v.into_iter().map(|s| s.shift).collect::<Vec<_>>();
    assert_eq!(strip(from_xlsx), strip(from_csv));
}

/// Regenerates `schemas/examples/shifts.xlsx` from the CSV example with real date and time
/// cells: `cargo test -p assistid-import --test spec -- --ignored write_xlsx_example`.
#[test]
#[ignore = "writes into the source tree; run by hand after changing shifts.csv"]
fn write_xlsx_example() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let text = String::from_utf8(read("shifts.csv")).expect("the example is UTF-8");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Pass").expect("valid name");
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let time_fmt = Format::new().set_num_format("hh:mm");
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            let (r, c) = (r as u32, c as u16);
            let plain_time = cell.len() == 5 && cell.as_bytes()[2] == b':' && cell != "24:00";
            let written = if r > 0 && c == 2 {
                let d = chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").expect("ISO dates");
                use chrono::Datelike;
                let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                    .expect("valid");
                sheet
                    .write_datetime_with_format(r, c, x, &date_fmt)
                    .map(|_| ())
            } else if r > 0 && (c == 3 || c == 4) && plain_time {
                let h: u16 = cell[..2].parse().expect("hour");
                let m: u8 = cell[3..].parse().expect("minute");
                let x = ExcelDateTime::from_hms(h, m, 0).expect("valid");
                sheet
                    .write_datetime_with_format(r, c, x, &time_fmt)
                    .map(|_| ())
            } else {
                sheet.write_string(r, c, cell).map(|_| ())
            };
            written.expect("cell written");
        }
    }
    workbook.save(example("shifts.xlsx")).expect("saved");
}
