//! XLSX workbooks, generated in the test with rust_xlsxwriter: text cells, real date and time
//! cells, serial numbers, numbers for identity numbers, formulas and merged cells.

use assistid_core::model::TimeKind;
use assistid_import::{ImportFormat, ProblemCode, SourceKind};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::support::*;

const HEADERS: [&str; 7] = [
    "Assistent",
    "Person",
    "Datum",
    "Start",
    "Slut",
    "Typ",
    "Anteckning",
];

fn xlsx(build: impl FnOnce(&mut Worksheet) -> Result<(), XlsxError>) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Pass").expect("a valid sheet name");
    build(sheet).expect("the test workbook is well-formed");
    workbook.save_to_buffer().expect("writing to memory works")
}

fn header(sheet: &mut Worksheet, row: u32) -> Result<(), XlsxError> {
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(row, c as u16, *h)?;
    }
    Ok(())
}

fn text_row(sheet: &mut Worksheet, row: u32, cells: [&str; 6]) -> Result<(), XlsxError> {
    for (c, v) in cells.iter().enumerate() {
        sheet.write_string(row, c as u16, *v)?;
    }
    Ok(())
}

fn first() -> ImportFormat {
    ImportFormat::Xlsx { sheet: None }
}

#[test]
fn text_cells_import_like_csv() {
    let bytes = xlsx(|s| {
        header(s, 0)?;
        text_row(
            s,
            1,
            [ASSISTANT, PERSON, "2026-10-24", "22:00", "07:00", "vänte"],
        )?;
        s.write_string(1, 6, "sov hela natten")?;
        Ok(())
    });
    let (preview, shifts) = import_bytes(&bytes, &first());
    assert_eq!(preview.source.kind, SourceKind::Xlsx);
    assert_eq!(preview.source.sheet.as_deref(), Some("Pass"));
    assert_eq!(shifts.len(), 1, "{:#?}", preview.problems);
    assert_eq!(shifts[0].row, 2, "Excel's row number");
    assert_eq!(shifts[0].shift.real_minutes(), 10 * 60);
    assert_eq!(shifts[0].shift.note.as_deref(), Some("sov hela natten"));
}

#[test]
fn date_cells_time_cells_serials_and_numbers() {
    let bytes = xlsx(|s| {
        header(s, 0)?;
        let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
        let time_fmt = Format::new().set_num_format("hh:mm");
        let duration_fmt = Format::new().set_num_format("[h]:mm");
        // Row 2: date cell, time cells, personnummer typed as numbers.
        s.write_number(1, 0, 199_001_012_385.0)?;
        s.write_number(1, 1, 195_001_012_383.0)?;
        s.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(2026, 3, 2)?, &date_fmt)?;
        s.write_datetime_with_format(1, 3, ExcelDateTime::from_hms(8, 30, 0)?, &time_fmt)?;
        s.write_datetime_with_format(1, 4, ExcelDateTime::from_hms(16, 0, 0)?, &time_fmt)?;
        s.write_string(1, 5, "aktiv")?;
        // Row 3: the date as a bare serial number, times as fractions of a day and as hours.
        text_row(s, 2, [ASSISTANT, PERSON, "", "", "", "beredskap"])?;
        s.write_number(2, 2, 46_085.0)?;
        s.write_number(2, 3, 0.75)?;
        s.write_number(2, 4, 23.0)?;
        // Row 4: 24:00 typed into a duration-formatted cell; the date as a yyyymmdd number.
        text_row(s, 3, [ASSISTANT, PERSON, "", "", "", "aktiv"])?;
        s.write_number(3, 2, 20_260_305.0)?;
        s.write_datetime_with_format(3, 3, ExcelDateTime::from_hms(18, 0, 0)?, &time_fmt)?;
        s.write_number_with_format(3, 4, 1.0, &duration_fmt)?;
        Ok(())
    });
    let (preview, shifts) = import_bytes(&bytes, &first());
    assert_eq!(shifts.len(), 3, "{:#?}", preview.problems);
    let spans: Vec<String> = shifts
        .iter()
        .map(|s| format!("{} {}", s.shift.start, s.shift.end))
        .collect();
    assert_eq!(
        spans,
        vec![
            "2026-03-02T08:30+01:00 2026-03-02T16:00+01:00",
            "2026-03-04T18:00+01:00 2026-03-04T23:00+01:00",
            "2026-03-05T18:00+01:00 2026-03-06T00:00+01:00",
        ]
    );
    assert_eq!(shifts[1].shift.kind, TimeKind::Beredskap);
    assert_eq!(
        shifts[0].shift.assistant.digits(),
        ASSISTANT,
        "a number cell keeps all 12 digits"
    );
}

#[test]
fn a_date_cell_with_a_time_of_day_is_refused() {
    let bytes = xlsx(|s| {
        header(s, 0)?;
        text_row(s, 1, [ASSISTANT, PERSON, "", "08:00", "16:00", "aktiv"])?;
        let fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        s.write_datetime_with_format(
            1,
            2,
            ExcelDateTime::from_ymd(2026, 3, 2)?.and_hms(8, 0, 0)?,
            &fmt,
        )?;
        Ok(())
    });
    let (preview, _) = import_bytes(&bytes, &first());
    assert_problem(&preview, Some(2), Some("Datum"), ProblemCode::InvalidDate);
}

#[test]
fn a_formula_cell_is_refused_with_its_cell_name() {
    let bytes = xlsx(|s| {
        header(s, 0)?;
        text_row(
            s,
            1,
            [ASSISTANT, PERSON, "2026-03-02", "08:00", "16:00", "aktiv"],
        )?;
        text_row(
            s,
            2,
            [ASSISTANT, PERSON, "2026-03-03", "", "16:00", "aktiv"],
        )?;
        s.write_formula(2, 3, "=D2")?;
        Ok(())
    });
    let (preview, shifts) = import_bytes(&bytes, &first());
    let p = only_problem(&preview, ProblemCode::FormulaCell);
    assert_eq!((p.row, p.column.as_deref()), (Some(3), Some("Start")));
    assert!(
        p.message.contains("formeln i cell D3") && p.message.contains("värden"),
        "names the cell and says to paste values: {}",
        p.message
    );
    assert_eq!(
        shifts.len(),
        1,
        "only the row without a formula is imported"
    );
    assert!(!preview.can_commit());
}

#[test]
fn merged_cells_are_refused_on_every_row_they_cover() {
    let bytes = xlsx(|s| {
        header(s, 0)?;
        for r in 1..=3 {
            text_row(s, r, [ASSISTANT, PERSON, "", "08:00", "16:00", "aktiv"])?;
        }
        s.write_string(3, 2, "2026-03-04")?;
        s.merge_range(1, 2, 2, 2, "2026-03-02", &Format::new())?;
        Ok(())
    });
    let (preview, shifts) = import_bytes(&bytes, &first());
    for row in [2, 3] {
        assert_problem(&preview, Some(row), Some("Datum"), ProblemCode::MergedCells);
    }
    let p = preview
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::MergedCells)
        .expect("a merged-cells problem");
    assert!(
        p.message.contains("C2:C3"),
        "names the range: {}",
        p.message
    );
    assert!(
        !preview
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::MissingValue),
        "the empty cells of a merge are not reported again as missing"
    );
    assert_eq!(shifts.len(), 1, "row 4 is outside the merge");
}

#[test]
fn a_title_row_above_the_header_is_skipped() {
    let bytes = xlsx(|s| {
        s.merge_range(0, 0, 0, 6, "Schema mars 2026", &Format::new())?;
        header(s, 2)?;
        text_row(
            s,
            3,
            [ASSISTANT, PERSON, "2026-03-02", "08:00", "16:00", "aktiv"],
        )?;
        Ok(())
    });
    let (preview, shifts) = import_bytes(&bytes, &first());
    assert_eq!(preview.header_row, Some(3));
    assert_eq!(shifts.len(), 1, "{:#?}", preview.problems);
    assert_eq!(shifts[0].row, 4);
}

#[test]
fn a_named_sheet_is_read_and_a_missing_one_is_named() {
    let bytes = xlsx(|s| {
        header(s, 0)?;
        text_row(
            s,
            1,
            [ASSISTANT, PERSON, "2026-03-02", "08:00", "16:00", "aktiv"],
        )?;
        Ok(())
    });
    let (_, shifts) = import_bytes(
        &bytes,
        &ImportFormat::Xlsx {
            sheet: Some("pass".into()),
        },
    );
    assert_eq!(shifts.len(), 1, "sheet names match case-insensitively");
    let (preview, _) = import_bytes(
        &bytes,
        &ImportFormat::Xlsx {
            sheet: Some("April".into()),
        },
    );
    let p = only_problem(&preview, ProblemCode::SheetNotFound);
    assert!(
        p.message.contains("Pass"),
        "lists the sheets: {}",
        p.message
    );
}

#[test]
fn a_csv_file_given_as_xlsx_and_a_broken_zip() {
    let (preview, _) = import_bytes(HEADER.as_bytes(), &first());
    only_problem(&preview, ProblemCode::UnsupportedFileType);
    let (preview, _) = import_bytes(b"PK\x03\x04 not really a zip", &first());
    only_problem(&preview, ProblemCode::UnreadableXlsx);
    let (preview, _) = import_bytes(b"", &first());
    only_problem(&preview, ProblemCode::EmptyFile);
}

#[test]
fn a_header_only_sheet() {
    let bytes = xlsx(|s| header(s, 0));
    let (preview, _) = import_bytes(&bytes, &first());
    only_problem(&preview, ProblemCode::NoDataRows);
}

/// The change nights in real date and time cells (which cannot carry an occurrence) and in
/// text cells with the marker: as in CSV, a time in the skipped hour does not exist, one in the
/// repeated hour must say which, and a marked one is taken as marked.
#[test]
fn change_nights_in_date_and_time_cells_must_be_resolved_as_in_csv() {
    let bytes = xlsx(|s| {
        header(s, 0)?;
        let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
        let time_fmt = Format::new().set_num_format("hh:mm");
        let cells = |s: &mut Worksheet, row: u32, date: (u16, u8, u8), from: u16, to: (u16, u8)| {
            text_row(s, row, [ASSISTANT, PERSON, "", "", "", "aktiv"])?;
            s.write_datetime_with_format(
                row,
                2,
                ExcelDateTime::from_ymd(date.0, date.1, date.2)?,
                &date_fmt,
            )?;
            s.write_datetime_with_format(row, 3, ExcelDateTime::from_hms(from, 0, 0)?, &time_fmt)?;
            s.write_datetime_with_format(
                row,
                4,
                ExcelDateTime::from_hms(to.0, to.1, 0)?,
                &time_fmt,
            )?;
            Ok::<(), XlsxError>(())
        };
        // Row 2: 01:00–02:30 on the autumn night, as time cells: which 02:30?
        cells(s, 1, (2026, 10, 25), 1, (2, 30))?;
        // Row 3: 01:00–02:30 on the spring night: 02:30 does not exist.
        cells(s, 2, (2026, 3, 29), 1, (2, 30))?;
        // Row 4: 00:00–04:00 on the autumn night, time cells: five real hours.
        cells(s, 3, (2026, 10, 25), 0, (4, 0))?;
        // Row 5: the same night in text cells with the marker: the second 02:30.
        text_row(
            s,
            4,
            [
                ASSISTANT,
                PERSON_2,
                "2026-10-25",
                "01:00",
                "02:30 (2)",
                "aktiv",
            ],
        )?;
        Ok(())
    });
    let (preview, shifts) = import_bytes(&bytes, &first());
    let ambiguous = only_problem(&preview, ProblemCode::AmbiguousTime);
    assert_eq!(
        ambiguous.row,
        Some(2),
        "the repeated hour in a time cell must be resolved by the user: {ambiguous:?}"
    );
    let nonexistent = only_problem(&preview, ProblemCode::NonexistentTime);
    assert_eq!(
        nonexistent.row,
        Some(3),
        "the skipped hour does not exist: {nonexistent:?}"
    );
    let minutes: Vec<(u64, i64)> = shifts
        .iter()
        .map(|s| (s.row, s.shift.real_minutes()))
        .collect();
    assert_eq!(
        minutes,
        vec![(4, 300), (5, 150)],
        "00:00–04:00 on the autumn night is five real hours; 01:00 to the second 02:30 is 2.5"
    );
}
