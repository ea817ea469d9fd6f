//! CSV as scheduling systems and Excel write it: three delimiters, UTF-8 with and without BOM,
//! Windows-1252, quoted fields, CRLF, `sep=` lines, column aliases in any order.

use assistid_core::model::TimeKind;
use assistid_import::{Column, Delimiter, ImportFormat, TextEncoding, preview};

use crate::support::*;

fn one_row(delimiter: char) -> String {
    HEADER.replace(';', &delimiter.to_string())
        + "\n"
        + &[
            ASSISTANT,
            PERSON,
            "2026-03-02",
            "08:00",
            "16:00",
            "aktiv",
            "x",
        ]
        .join(&delimiter.to_string())
        + "\n"
}

#[test]
fn semicolon_comma_and_tab_are_sniffed_from_the_header() {
    for (c, d) in [
        (';', Delimiter::Semicolon),
        (',', Delimiter::Comma),
        ('\t', Delimiter::Tab),
    ] {
        let (preview, shifts) = import_csv(&one_row(c));
        assert_eq!(preview.source.delimiter, Some(d), "delimiter {c:?}");
        assert_eq!(shifts.len(), 1, "delimiter {c:?}: {:#?}", preview.problems);
        assert!(preview.can_commit());
    }
}

#[test]
fn utf8_with_bom_is_read_and_reported() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(
        csv_rows(&[&format!(
            "{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;väntetid;Åsa"
        )])
        .as_bytes(),
    );
    let (preview, shifts) = import_bytes(&bytes, &ImportFormat::Csv);
    assert_eq!(preview.source.encoding, Some(TextEncoding::Utf8WithBom));
    assert_eq!(shifts.len(), 1, "{:#?}", preview.problems);
    assert_eq!(shifts[0].shift.kind, TimeKind::Vante);
    assert_eq!(shifts[0].shift.note.as_deref(), Some("Åsa"));
    assert_eq!(
        preview.columns[0].column,
        Some(Column::Assistant),
        "the BOM is not part of the first header"
    );
}

#[test]
fn windows_1252_from_swedish_excel_is_detected() {
    // Header with "från"/"till", kind "vänte" and a note with "Å", all as single bytes.
    let mut bytes = b"assistent;person;datum;fr\xE5n;till;typ;anteckning\r\n".to_vec();
    bytes.extend(format!("{ASSISTANT};{PERSON};2026-03-02;22:00;07:00;").as_bytes());
    bytes.extend(b"v\xE4nte;\xC5sa sov\r\n");
    let (preview, shifts) = import_bytes(&bytes, &ImportFormat::Csv);
    assert_eq!(preview.source.encoding, Some(TextEncoding::Windows1252));
    assert!(
        preview.source.describe_sv().contains("Windows-1252"),
        "the preview says which encoding was used: {}",
        preview.source.describe_sv()
    );
    assert_eq!(shifts.len(), 1, "{:#?}", preview.problems);
    assert_eq!(shifts[0].shift.kind, TimeKind::Vante);
    assert_eq!(shifts[0].shift.note.as_deref(), Some("Åsa sov"));
}

#[test]
fn plain_utf8_is_reported_as_utf8() {
    let (preview, _) = import_csv(&one_row(';'));
    assert_eq!(preview.source.encoding, Some(TextEncoding::Utf8));
}

#[test]
fn quoted_fields_crlf_and_sep_line() {
    let text = format!(
        "sep=,\r\nassistent,person,datum,start,slut,typ,anteckning\r\n\
         \"{ASSISTANT}\",{PERSON},2026-03-02,08:00,16:00,aktiv,\"promenad, sedan \"\"fika\"\"\"\r\n"
    );
    let (preview, shifts) = import_csv(&text);
    assert_eq!(preview.header_row, Some(2), "the sep= line comes first");
    assert_eq!(shifts.len(), 1, "{:#?}", preview.problems);
    assert_eq!(shifts[0].row, 3);
    assert_eq!(
        shifts[0].shift.note.as_deref(),
        Some("promenad, sedan \"fika\""),
        "quotes protect the delimiter and escape quotes"
    );
}

#[test]
fn row_numbers_are_file_lines_blank_lines_included() {
    let text = format!(
        "{HEADER}\n\n{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;aktiv;\n;;;;;;\n{STRANGER};{PERSON};2026-03-02;08:00;16:00;aktiv;\n"
    );
    let (preview, shifts) = import_csv(&text);
    assert_eq!(shifts[0].row, 3);
    assert_problem(
        &preview,
        Some(5),
        Some("assistent"),
        assistid_import::ProblemCode::UnknownAssistant,
    );
    assert_eq!(preview.counts.rows_read, 2, "blank rows are not data rows");
}

#[test]
fn aliases_in_any_order_and_unknown_columns_ignored() {
    let text = format!(
        "Brukare;Lön;Assistent_personnummer;Datum;Från;Till;Tidstyp;Notering\n\
         {PERSON};123;{ASSISTANT};20260302;8;1630;Beredskap;jour\n"
    );
    let (preview, shifts) = import_csv(&text);
    assert_eq!(shifts.len(), 1, "{:#?}", preview.problems);
    let s = &shifts[0].shift;
    assert_eq!(s.kind, TimeKind::Beredskap);
    assert_eq!(s.start.to_string(), "2026-03-02T08:00+01:00");
    assert_eq!(s.end.to_string(), "2026-03-02T16:30+01:00");
    assert_eq!(preview.columns[1].header, "Lön");
    assert_eq!(
        preview.columns[1].column, None,
        "an unknown column is listed and ignored"
    );
}

#[test]
fn common_writings_of_numbers_dates_and_times() {
    let rows = [
        format!("19900101-2385;{PERSON};2026-03-02;8;16;A;"),
        format!("900101-2385;{PERSON};29.03.2026;08.30;1600;aktiv tid;"),
        format!("{ASSISTANT};{PERSON};2026/03/04;0830;16:00:00;Vänte-tid;"),
        format!("{ASSISTANT};{PERSON};46090;08:30;16:00;b;"),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let (preview, shifts) = import_csv(&csv_rows(&refs));
    assert_eq!(shifts.len(), 4, "{:#?}", preview.problems);
    assert_eq!(
        shifts[3].shift.start.local().date(),
        date(2026, 3, 9),
        "46090 is an Excel serial"
    );
    assert!(
        shifts
            .iter()
            .all(|s| s.shift.assistant.digits() == ASSISTANT)
    );
}

#[test]
fn the_hash_identifies_the_file() {
    let register = register();
    let a = preview(
        one_row(';').as_bytes(),
        &ImportFormat::Csv,
        &register,
        today(),
    )
    .expect("memory");
    let b = preview(
        one_row(';').as_bytes(),
        &ImportFormat::Csv,
        &register,
        today(),
    )
    .expect("memory");
    let c = preview(
        one_row(',').as_bytes(),
        &ImportFormat::Csv,
        &register,
        today(),
    )
    .expect("memory");
    assert_eq!(a.source.sha256, b.source.sha256, "same bytes, same hash");
    assert_ne!(a.source.sha256, c.source.sha256, "other bytes, other hash");
    assert_eq!(a.source.sha256.len(), 64);
}

#[test]
fn the_preview_serializes_for_the_ui() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{STRANGER};{PERSON};2026-03-02;08:00;16:00;aktiv;"
    )]));
    let json = serde_json::to_value(&preview).expect("the preview is plain data");
    assert_eq!(json["problems"][0]["code"], "unknown_assistant");
    assert_eq!(json["problems"][0]["column"], "assistent");
    assert_eq!(json["problems"][0]["severity"], "error");
    assert_eq!(json["counts"]["rows_with_errors"], 1);
}
