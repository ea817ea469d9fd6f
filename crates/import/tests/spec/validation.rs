//! Core's shift validation applied to a file's shifts: overlaps and long shifts land on the
//! rows they concern.

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{Assistant, Employment, PersonWithAssistance, Register};
use assistid_import::{Severity, validate_imported};

use crate::support::*;

#[test]
fn overlaps_and_long_shifts_point_at_rows() {
    let (preview, shifts) = import_csv(&csv_rows(&[
        &format!("{ASSISTANT};{PERSON};2026-03-02;08:00;16:00;aktiv;"),
        &format!("{ASSISTANT};{PERSON};2026-03-02;15:00;18:00;aktiv;"),
        &format!("{ASSISTANT_2};{PERSON};2026-03-03;06:00;23:30;aktiv;"),
    ]));
    assert!(
        preview.can_commit(),
        "the streaming pass sees no problem in these rows"
    );
    let persons = [PersonWithAssistance::new(
        Personnummer::from_digits(PERSON).expect("valid"),
        "Britt",
        "Ek",
    )
    .expect("names given")];
    let assistant = |digits: &str| Assistant {
        id: IdentityNumber::from_digits(digits).expect("valid"),
        first_name: "Åsa".into(),
        last_name: "Öberg".into(),
        phone: None,
        collective_agreement: true,
        employment: Employment::Provider,
        calculation_period: None,
    };
    let assistants = [assistant(ASSISTANT), assistant(ASSISTANT_2)];
    let register = Register {
        provider: None,
        persons: &persons,
        assistants: &assistants,
    };
    let problems = validate_imported(&shifts, &register);
    let found: Vec<(Option<u64>, &str, Severity)> = problems
        .iter()
        .map(|p| (p.row, p.code.as_str(), p.severity))
        .collect();
    assert!(
        found.contains(&(Some(3), "overlap_same_person", Severity::Error)),
        "the later of two overlapping shifts is the error row: {found:?}"
    );
    assert!(
        found.contains(&(Some(4), "long_shift", Severity::Warning)),
        "17.5 hours is a long shift: {found:?}"
    );
    let overlap = problems
        .iter()
        .find(|p| p.code.as_str() == "overlap_same_person")
        .expect("found above");
    assert!(
        overlap.message.contains("rad 2"),
        "names the other row: {}",
        overlap.message
    );
}
