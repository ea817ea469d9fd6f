//! Hostile workbooks (issue 18, "Hardening"): no XLSX file may abort the import, hang it or
//! exhaust memory. Each file is built here from its XML, so what it does is readable; the small
//! ones are also committed in `hostile_xlsx/` (replayed below) and as fuzz seeds in
//! `fuzz/seeds/import_xlsx/` (`cargo test -p assistid-import --test spec -- --ignored
//! write_hostile_corpus` writes both from these builders).
//!
//! Before this, a 1.6 KB file with cells at `A1` and `XFD1048576` made calamine allocate
//! rows × columns (512 GiB) and the failed allocation aborted the process past every
//! `catch_unwind`.

use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use assistid_import::{ImportFormat, ImportPreview, ImportedShift, ProblemCode};
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use crate::support::*;

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// Every hostile file is handled in well under this, even in a debug build on a busy machine.
const QUICKLY: Duration = Duration::from_secs(20);

/// A zip archive of the given entries, deflated or stored.
fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, content) in entries {
        zip.start_file(*name, options)
            .expect("a zip entry can be started in memory");
        zip.write_all(content)
            .expect("a zip entry can be written in memory");
    }
    zip.finish()
        .expect("a zip archive can be finished in memory")
        .into_inner()
}

/// A minimal workbook with one sheet, "Pass", whose XML is `<sheetData>{sheet_data}</sheetData>
/// {after}` (merged ranges go in `after`), plus any extra entries (a shared-strings table).
fn workbook(sheet_data: &str, after: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    workbook_with_sheet(
        &format!(
            "<worksheet xmlns=\"{MAIN_NS}\"><sheetData>{sheet_data}</sheetData>{after}</worksheet>"
        ),
        extra,
    )
}

/// A minimal workbook whose one sheet, "Pass", is `sheet` (the whole worksheet XML), plus any
/// extra entries.
fn workbook_with_sheet(sheet: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let workbook = format!(
        "<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"http://schemas.openxmlformats.org/\
         officeDocument/2006/relationships\"><sheets><sheet name=\"Pass\" sheetId=\"1\" \
         r:id=\"rId1\"/></sheets></workbook>"
    );
    let rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/\
                relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.\
                openxmlformats.org/officeDocument/2006/relationships/worksheet\" \
                Target=\"worksheets/sheet1.xml\"/></Relationships>";
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    entries.extend_from_slice(extra);
    zip_of(&entries, CompressionMethod::Deflated)
}

/// An inline-text cell.
fn text(cell: &str, value: &str) -> String {
    format!("<c r=\"{cell}\" t=\"inlineStr\"><is><t>{value}</t></is></c>")
}

/// The header row (row 1) and one valid shift (row 2), as inline text cells.
fn valid_rows() -> String {
    let header: String = ["assistent", "person", "datum", "start", "slut", "typ"]
        .iter()
        .zip('A'..)
        .map(|(h, c)| text(&format!("{c}1"), h))
        .collect();
    let shift: String = [ASSISTANT, PERSON, "2026-03-02", "08:00", "16:00", "aktiv"]
        .iter()
        .zip('A'..)
        .map(|(v, c)| text(&format!("{c}2"), v))
        .collect();
    format!("<row r=\"1\">{header}</row><row r=\"2\">{shift}</row>")
}

/// Sets the uncompressed size an entry declares, in its local header and in the central
/// directory (a zip bomb's lie, or its warning).
fn declare_size(mut zip: Vec<u8>, entry: &str, size: u32) -> Vec<u8> {
    let name = entry.as_bytes();
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46 + name.len()) {
        let (size_at, name_at) = match &zip[at..at + 4] {
            b"PK\x03\x04" => (at + 22, at + 30),
            b"PK\x01\x02" => (at + 24, at + 46),
            _ => continue,
        };
        if zip[name_at..name_at + name.len()] == *name {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {entry} declare the size");
    zip
}

/// Imports a hostile file, failing if it takes longer than [`QUICKLY`].
fn import_hostile(what: &str, bytes: &[u8]) -> (ImportPreview, Vec<ImportedShift>) {
    let started = Instant::now();
    let result = import_bytes(bytes, &ImportFormat::Xlsx { sheet: None });
    let took = started.elapsed();
    assert!(
        took < QUICKLY,
        "{what}: a hostile file is refused or read quickly, not after {took:?}"
    );
    result
}

/// Asserts the import stopped with exactly one problem of `code`, nothing read, nothing to
/// commit, and a message that says `says`; returns the problem's message.
fn assert_refused(what: &str, bytes: &[u8], code: ProblemCode, says: &[&str]) -> String {
    let (preview, shifts) = import_hostile(what, bytes);
    let problem = preview
        .problems
        .iter()
        .find(|p| p.code == code)
        .unwrap_or_else(|| {
            panic!(
                "{what}: the user is told with a {code} problem; problems: {:#?}",
                preview.problems
            )
        });
    for part in says {
        assert!(
            problem.message.contains(part),
            "{what}: the message says {part:?}: {}",
            problem.message
        );
    }
    assert!(
        shifts.is_empty(),
        "{what}: nothing is read from a refused file"
    );
    assert!(
        !preview.can_commit(),
        "{what}: a refused file never commits"
    );
    assert_eq!(
        preview.source.bytes,
        bytes.len() as u64,
        "{what}: the whole file is still hashed"
    );
    problem.message.clone()
}

// The hostile files. Each builder is used by a test below and by `write_hostile_corpus`.

/// One start tag with 200,000 distinct attributes (`a0="" a1="" …`, about 2 MB), the attack of
/// RUSTSEC-2026-0194: calamine's quick-xml (0.38) compares every attribute name with all the
/// names before it, some 20 billion comparisons, minutes of one core.
fn attribute_bomb_tag(element: &str) -> String {
    let mut tag = format!("<{element}");
    for i in 0..200_000 {
        tag.push_str(&format!(" a{i}=\"\""));
    }
    tag.push_str("/>");
    tag
}

/// The file from the issue: cells at A1 and XFD1048576, the last cell Excel has.
fn sparse_a1_xfd1048576() -> Vec<u8> {
    workbook(
        "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\
         <row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>",
        "",
        &[],
    )
}

/// A sheet entry that declares 3.75 GiB unpacked (a zip bomb's header, refused unread).
fn declared_bomb() -> Vec<u8> {
    declare_size(
        workbook(&valid_rows(), "", &[]),
        "xl/worksheets/sheet1.xml",
        0xF000_0000,
    )
}

/// A value in column BM, one past the 64 columns read.
fn column_bm() -> Vec<u8> {
    workbook(
        &format!(
            "{}<row r=\"3\"><c r=\"BM3\"><v>1</v></c></row>",
            valid_rows()
        ),
        "",
        &[],
    )
}

/// A value in row 1,048,577, below the last row Excel has.
fn below_excel() -> Vec<u8> {
    workbook(
        &format!(
            "{}<row r=\"1048577\"><c r=\"A1048577\"><v>1</v></c></row>",
            valid_rows()
        ),
        "",
        &[],
    )
}

/// A shared formula whose range spans the whole column and whose index is four billion:
/// calamine's formula reader would fill a table up to that index.
fn shared_formula_bomb() -> Vec<u8> {
    workbook(
        &format!(
            "{}<row r=\"3\"><c r=\"F3\"><f t=\"shared\" ref=\"F3:F1048576\" \
             si=\"4000000000\">F2</f><v>0</v></c></row>",
            valid_rows()
        ),
        "",
        &[],
    )
}

/// 1,001 merged ranges (the same one: the file stays small).
fn many_merged_ranges() -> Vec<u8> {
    let merges = "<mergeCell ref=\"H3:I3\"/>".repeat(1001);
    workbook(
        &valid_rows(),
        &format!("<mergeCells count=\"1001\">{merges}</mergeCells>"),
        &[],
    )
}

/// A shared string of 40,000 characters (Excel's cells hold at most 32,767) in a cell.
fn long_shared_string() -> Vec<u8> {
    let strings = format!(
        "<sst xmlns=\"{MAIN_NS}\" count=\"1\" uniqueCount=\"1\"><si><t>{}</t></si></sst>",
        "a".repeat(40_000)
    );
    workbook(
        &format!(
            "{}<row r=\"3\"><c r=\"G3\" t=\"s\"><v>0</v></c></row>",
            valid_rows()
        ),
        "",
        &[("xl/sharedStrings.xml", strings.as_bytes())],
    )
}

/// Rows out of order: row 5, then row 2.
fn rows_out_of_order() -> Vec<u8> {
    workbook(
        "<row r=\"5\"><c r=\"A5\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>1</v></c></row>",
        "",
        &[],
    )
}

/// The committed hostile files: name, builder, the code the import must report.
type Builder = fn() -> Vec<u8>;
const CORPUS: [(&str, Builder, ProblemCode); 8] = [
    (
        "sparse_a1_xfd1048576.xlsx",
        sparse_a1_xfd1048576,
        ProblemCode::XlsxTooLarge,
    ),
    (
        "declared_bomb.xlsx",
        declared_bomb,
        ProblemCode::XlsxTooLarge,
    ),
    ("column_bm.xlsx", column_bm, ProblemCode::XlsxTooLarge),
    ("below_excel.xlsx", below_excel, ProblemCode::XlsxTooLarge),
    (
        "shared_formula_bomb.xlsx",
        shared_formula_bomb,
        ProblemCode::FormulaCell,
    ),
    (
        "many_merged_ranges.xlsx",
        many_merged_ranges,
        ProblemCode::XlsxTooLarge,
    ),
    (
        "long_shared_string.xlsx",
        long_shared_string,
        ProblemCode::XlsxTooLarge,
    ),
    (
        "rows_out_of_order.xlsx",
        rows_out_of_order,
        ProblemCode::UnreadableXlsx,
    ),
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/spec/hostile_xlsx")
}

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/import_xlsx")
}

#[test]
fn the_minimal_workbook_of_these_tests_imports() {
    // Without this, a refusal below could come from a broken test workbook.
    let (preview, shifts) = import_hostile("a valid workbook", &workbook(&valid_rows(), "", &[]));
    assert_eq!(
        shifts.len(),
        1,
        "the shift is read: {:#?}",
        preview.problems
    );
    assert!(preview.can_commit(), "{:#?}", preview.problems);
}

#[test]
fn cells_at_a1_and_xfd1048576_are_refused_at_once_without_a_huge_allocation() {
    let message = assert_refused(
        "A1 + XFD1048576",
        &sparse_a1_xfd1048576(),
        ProblemCode::XlsxTooLarge,
        &["XFD1048576", "A–BL"],
    );
    assert!(
        message.contains("flytta"),
        "the message says what to do: {message}"
    );
}

#[test]
fn an_empty_formatted_cell_far_away_is_ignored_and_the_rows_are_read() {
    // Excel writes formatted empty cells; one at XFD1048576 is no reason to refuse a file.
    let bytes = workbook(
        &format!(
            "{}<row r=\"1048576\"><c r=\"XFD1048576\" s=\"0\"/></row>",
            valid_rows()
        ),
        "",
        &[],
    );
    let (preview, shifts) = import_hostile("an empty cell at XFD1048576", &bytes);
    assert_eq!(
        shifts.len(),
        1,
        "the shift above is read: {:#?}",
        preview.problems
    );
    assert!(preview.can_commit(), "{:#?}", preview.problems);
}

#[test]
fn a_zip_bomb_is_refused_by_what_it_declares_without_unpacking() {
    assert_refused(
        "an entry declaring 3.75 GiB",
        &declared_bomb(),
        ProblemCode::XlsxTooLarge,
        &["64 MB", "xl/worksheets/sheet1.xml"],
    );
}

#[test]
fn a_zip_bomb_is_refused_by_what_it_unpacks_to_even_when_it_lies() {
    // 65 MiB of spaces deflate to ~65 KB: an honest bomb and one declaring 1 KB.
    let spaces = vec![b' '; 65 << 20];
    let honest = workbook(&valid_rows(), "", &[("xl/padding.xml", &spaces)]);
    assert!(
        honest.len() < 1 << 20,
        "the bomb is small: {} bytes",
        honest.len()
    );
    assert_refused(
        "an entry unpacking to 65 MiB",
        &honest,
        ProblemCode::XlsxTooLarge,
        &["64 MB", "xl/padding.xml"],
    );
    // The zip reader bounds what it reads of the packed data, not what that inflates to: the
    // count is what catches the lie.
    let lying = declare_size(honest, "xl/padding.xml", 1024);
    assert_refused(
        "an entry declaring 1 KB, unpacking to 65 MiB",
        &lying,
        ProblemCode::XlsxTooLarge,
        &["64 MB", "xl/padding.xml"],
    );
}

#[test]
fn a_shared_strings_table_over_16_mib_is_refused() {
    let strings = format!(
        "<sst xmlns=\"{MAIN_NS}\"><si><t>{}</t></si></sst>",
        "a".repeat(17 << 20)
    );
    assert_refused(
        "a 17 MiB shared-strings table",
        &workbook(
            &valid_rows(),
            "",
            &[("xl/sharedStrings.xml", strings.as_bytes())],
        ),
        ProblemCode::XlsxTooLarge,
        &["xl/sharedStrings.xml", "16 MB"],
    );
}

#[test]
fn a_file_over_64_mib_is_refused_unread() {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.resize((64 << 20) + 1, 0);
    assert_refused(
        "a 64 MiB + 1 byte file",
        &bytes,
        ProblemCode::XlsxTooLarge,
        &["större än 64 MB", "CSV"],
    );
}

#[test]
fn a_value_past_column_bl_is_refused_with_its_cell() {
    let bytes = column_bm();
    let (preview, _) = import_hostile("a value in BM3", &bytes);
    let problem = only_problem(&preview, ProblemCode::XlsxTooLarge);
    assert_eq!(problem.row, Some(3), "the problem names the row");
    assert!(
        problem.message.contains("cell BM3") && problem.message.contains("64 kolumner"),
        "names the cell and the limit: {}",
        problem.message
    );
    // Column BL, the 64th, is still read.
    let bytes = workbook(
        &format!(
            "{}<row r=\"2\">{}</row>",
            valid_rows(),
            text("BL2", "extra")
        ),
        "",
        &[],
    );
    let (preview, shifts) = import_hostile("a value in BL2", &bytes);
    assert_eq!(
        shifts.len(),
        1,
        "column BL is within the limit: {:#?}",
        preview.problems
    );
}

#[test]
fn a_value_below_excels_last_row_is_refused_at_once() {
    assert_refused(
        "a value in A1048577",
        &below_excel(),
        ProblemCode::XlsxTooLarge,
        &["A1048577", "1 048 576"],
    );
}

#[test]
fn a_sheet_with_many_rows_streams_without_a_range() {
    // 20,000 rows: read one at a time (the old reader built the whole range first).
    let mut rows = valid_rows();
    for r in 3..20_003 {
        rows.push_str(&format!(
            "<row r=\"{r}\">{}{}{}{}{}{}</row>",
            text(&format!("A{r}"), ASSISTANT),
            text(&format!("B{r}"), PERSON),
            text(&format!("C{r}"), "2026-03-02"),
            text(&format!("D{r}"), "08:00"),
            text(&format!("E{r}"), "16:00"),
            text(&format!("F{r}"), "aktiv"),
        ));
    }
    let (preview, _) = import_hostile("20,000 rows", &workbook(&rows, "", &[]));
    assert_eq!(
        preview.counts.rows_read, 20_001,
        "every row is read: {:#?}",
        preview.problems
    );
    assert_eq!(
        preview.counts.duplicates_in_file, 20_000,
        "the repeated rows are duplicates of row 2"
    );
}

#[test]
fn rows_without_a_value_are_still_refused_for_a_merged_range_or_a_formula() {
    // Streaming sees only cells with values; the survey's merged ranges and formulas still reach
    // the rows between (as the range of the old reader did).
    let row5: String = [ASSISTANT, PERSON, "2026-03-03", "08:00", "16:00", "aktiv"]
        .iter()
        .zip('A'..)
        .map(|(v, c)| text(&format!("{c}5"), v))
        .collect();
    let bytes = workbook(
        &format!(
            "{}<row r=\"4\"><c r=\"D4\"><f>D2</f></c></row><row r=\"5\">{row5}</row>",
            valid_rows()
        ),
        "<mergeCells count=\"1\"><mergeCell ref=\"G2:G3\"/></mergeCells>",
        &[],
    );
    let (preview, shifts) = import_hostile("empty merged and formula rows", &bytes);
    for row in [2, 3] {
        assert!(
            preview.problems.iter().any(|p| p.row == Some(row)
                && p.code == ProblemCode::MergedCells
                && p.message.contains("G2:G3")),
            "row {row} lies in the merged range G2:G3: {:#?}",
            preview.problems
        );
    }
    assert_problem(&preview, Some(4), Some("start"), ProblemCode::FormulaCell);
    assert_eq!(
        shifts.iter().map(|s| s.row).collect::<Vec<_>>(),
        vec![5],
        "only row 5 is clean: {:#?}",
        preview.problems
    );
}

#[test]
fn a_shared_formula_bomb_is_a_formula_cell_not_a_hang() {
    let (preview, shifts) =
        import_hostile("a shared formula over F3:F1048576", &shared_formula_bomb());
    let problem = only_problem(&preview, ProblemCode::FormulaCell);
    assert_eq!(
        (problem.row, problem.column.as_deref()),
        (Some(3), Some("typ")),
        "the formula cell is named"
    );
    assert!(
        problem.message.contains("formeln i cell F3 (=F2)"),
        "quotes the formula: {}",
        problem.message
    );
    assert_eq!(shifts.len(), 1, "row 2 is still read");
}

#[test]
fn too_many_merged_ranges_are_refused() {
    assert_refused(
        "1,001 merged ranges",
        &many_merged_ranges(),
        ProblemCode::XlsxTooLarge,
        &["sammanslagna", "Dela upp celler"],
    );
    // One range over 200,000 rows is too many rows to visit.
    let bytes = workbook(
        &valid_rows(),
        "<mergeCells count=\"1\"><mergeCell ref=\"H3:H200003\"/></mergeCells>",
        &[],
    );
    assert_refused(
        "a merged range over 200,000 rows",
        &bytes,
        ProblemCode::XlsxTooLarge,
        &["sammanslagna"],
    );
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused() {
    let (preview, _) = import_hostile("a 40,000-character cell", &long_shared_string());
    let problem = only_problem(&preview, ProblemCode::XlsxTooLarge);
    assert_eq!(problem.row, Some(3));
    assert!(
        problem.message.contains("cell G3") && problem.message.contains("32 767"),
        "names the cell and Excel's limit: {}",
        problem.message
    );
}

#[test]
fn rows_out_of_order_are_unreadable() {
    assert_refused(
        "row 5 before row 2",
        &rows_out_of_order(),
        ProblemCode::UnreadableXlsx,
        &["inte i ordning", "spara om"],
    );
}

#[test]
fn the_committed_hostile_files_are_refused_quickly() {
    for (name, build, code) in CORPUS {
        let path = corpus_dir().join(name);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("{} is committed: {e}", path.display()));
        assert_eq!(
            bytes,
            build(),
            "{name} is what its builder writes (regenerate with --ignored write_hostile_corpus)"
        );
        assert!(
            bytes.len() < 4096,
            "{name} stays a small fuzz seed: {} bytes",
            bytes.len()
        );
        let (preview, _) = import_hostile(name, &bytes);
        assert!(
            preview.problems.iter().any(|p| p.code == code),
            "{name}: reported as {code}: {:#?}",
            preview.problems
        );
        assert!(!preview.can_commit(), "{name} is never committed");
        let seed = seeds_dir().join(name);
        assert_eq!(
            std::fs::read(&seed).ok().as_deref(),
            Some(bytes.as_slice()),
            "{name} is also a fuzz seed in {}",
            seed.display()
        );
    }
}

#[test]
#[ignore = "writes the committed hostile files; run by hand after changing a builder"]
fn write_hostile_corpus() {
    for dir in [corpus_dir(), seeds_dir()] {
        std::fs::create_dir_all(&dir).expect("the folder can be made");
        for (name, build, _) in CORPUS {
            std::fs::write(dir.join(name), build()).expect("the file can be written");
        }
    }
}

#[test]
fn a_tag_with_200000_attributes_is_refused_before_calamine_parses_it() {
    // In the sheet (read by calamine's cell reader) and in the styles (read when calamine opens
    // the workbook): refused within seconds, never handed to calamine's quadratic check.
    let in_sheet = workbook(
        &format!(
            "{}<row r=\"3\">{}</row>",
            valid_rows(),
            attribute_bomb_tag("c")
        ),
        "",
        &[],
    );
    let message = assert_refused(
        "200,000 attributes on a cell",
        &in_sheet,
        ProblemCode::UnreadableXlsx,
        &["xl/worksheets/sheet1.xml", "fler än 256 attribut"],
    );
    assert!(
        message.contains("spara om den som .xlsx"),
        "the message says what to do: {message}"
    );
    let styles = format!(
        "<styleSheet xmlns=\"{MAIN_NS}\"><cellXfs count=\"1\">{}</cellXfs></styleSheet>",
        attribute_bomb_tag("xf")
    );
    let in_styles = workbook(&valid_rows(), "", &[("xl/styles.xml", styles.as_bytes())]);
    assert_refused(
        "200,000 attributes in the styles",
        &in_styles,
        ProblemCode::UnreadableXlsx,
        &["xl/styles.xml", "fler än 256 attribut"],
    );
}

#[test]
fn a_tag_with_as_many_attributes_as_allowed_is_read() {
    // The cap is on the count, not on the kind of tag: 256 attributes on the worksheet's root
    // (namespace declarations, as Excel writes a few of them) still import.
    let mut root_attributes = String::new();
    for i in 0..255 {
        root_attributes.push_str(&format!(" xmlns:n{i}=\"urn:n{i}\""));
    }
    let sheet = format!(
        "<worksheet xmlns=\"{MAIN_NS}\"{root_attributes}><sheetData>{}</sheetData></worksheet>",
        valid_rows()
    );
    let bytes = workbook_with_sheet(&sheet, &[]);
    let (preview, shifts) = import_hostile("256 attributes on the root", &bytes);
    assert!(
        preview.problems.is_empty(),
        "256 attributes are within the cap: {:#?}",
        preview.problems
    );
    assert_eq!(shifts.len(), 1, "the one shift is read");
}
