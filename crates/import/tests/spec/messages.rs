//! Messages in two languages: every import problem carries its code and parameters; Swedish is
//! the reference and English says the same, with the same row, cell and values.

use assistid_core::text::{Lang, check_catalog};
use assistid_import::ProblemCode;

use crate::support::*;

#[test]
fn every_import_message_has_both_wordings_with_the_same_parameters() {
    let problems = check_catalog(assistid_import::messages::CATALOG);
    assert!(
        problems.is_empty(),
        "the import catalog must be whole: {problems:#?}"
    );
    let problems = check_catalog(assistid_core::ids::CATALOG);
    assert!(
        problems.is_empty(),
        "the identity numbers' catalog must be whole: {problems:#?}"
    );
}

#[test]
fn an_unreadable_date_is_explained_in_english_with_the_cell_as_written() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{ASSISTANT};{PERSON};3/29/2026;08:00;16:00;aktiv;"
    )]));
    let p = only_problem(&preview, ProblemCode::InvalidDate);
    assert_eq!(
        p.message_in(Lang::Sv),
        p.message,
        "Swedish is the message as it always was"
    );
    assert_eq!(
        p.message_in(Lang::En),
        "the date \"3/29/2026\" can be read two ways (day/month or month/day): write \
         YYYY-MM-DD, e.g. 2026-03-29",
        "English names the same cell value"
    );
    assert!(p.text.missing_params().is_empty() && p.text.is_translated());
}

#[test]
fn the_autumn_hour_is_explained_in_english_with_an_english_date() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "{ASSISTANT};{PERSON};2026-10-25;01:00;02:30;aktiv;"
    )]));
    let p = only_problem(&preview, ProblemCode::AmbiguousTime);
    assert!(
        p.message.contains("den 25 oktober 2026"),
        "Swedish keeps its long date: {}",
        p.message
    );
    let en = p.message_in(Lang::En);
    assert!(
        en.contains("on October 25, 2026")
            && en.contains("02:30+02:00")
            && en.contains("02:30+01:00"),
        "English gives the same date and both forms to write: {en}"
    );
}

#[test]
fn an_invalid_personnummer_names_the_column_and_the_reason_in_english() {
    let (preview, _) = import_csv(&csv_rows(&[&format!(
        "199001010018;{PERSON};2026-03-02;08:00;16:00;aktiv;"
    )]));
    let p = only_problem(&preview, ProblemCode::InvalidPersonnummer);
    assert_eq!(
        p.message,
        "assistentens personnummer är ogiltigt: kontrollsiffran stämmer inte (felskrivet nummer?)"
    );
    assert_eq!(
        p.message_in(Lang::En),
        "the assistant's personal identity number is not valid: the check digit does not \
         match (a typing error?)"
    );
}
