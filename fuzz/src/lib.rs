//! What the fuzz targets share: a small register of test identity numbers (the ones in
//! `schemas/examples/`, never real people) and the checks every target makes on top of "does
//! not panic": nothing a user or a log sees may carry a full identity number.
#![forbid(unsafe_code)]

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{Assistant, Employment, PersonWithAssistance, Register};
use assistid_import::{ImportFormat, KnownPeople, preview_with_shifts, validate_imported};
use chrono::NaiveDate;

/// Assistants of `schemas/examples/shifts.csv` (test numbers).
pub const ASSISTANTS: [&str; 2] = ["199001012385", "198507152398"];
/// Persons with assistance of `schemas/examples/shifts.csv` (test numbers).
pub const PERSONS: [&str; 2] = ["195001012383", "194512245673"];

/// The register the import targets check rows against.
pub struct People {
    known: KnownPeople,
    persons: Vec<PersonWithAssistance>,
    assistants: Vec<Assistant>,
}

impl People {
    /// The test people, or `None` if a constant above is not a valid number (then the target
    /// has nothing to check against and does nothing).
    pub fn new() -> Option<Self> {
        let assistants: Vec<IdentityNumber> = ASSISTANTS
            .iter()
            .map(|d| IdentityNumber::from_digits(d).ok())
            .collect::<Option<_>>()?;
        let persons: Vec<Personnummer> = PERSONS
            .iter()
            .map(|d| Personnummer::from_digits(d).ok())
            .collect::<Option<_>>()?;
        Some(Self {
            known: KnownPeople::new(assistants.clone(), persons.clone()),
            persons: persons
                .into_iter()
                .filter_map(|p| PersonWithAssistance::new(p, "Test", "Person").ok())
                .collect(),
            assistants: assistants
                .into_iter()
                .map(|id| Assistant {
                    id,
                    first_name: "Test".into(),
                    last_name: "Assistent".into(),
                    phone: None,
                    collective_agreement: true,
                    employment: Employment::Provider,
                    calculation_period: None,
                })
                .collect(),
        })
    }
}

/// Every way a test identity number could be written: 12 digits, 10 digits, with a dash.
pub fn identity_number_forms() -> Vec<String> {
    let mut forms = Vec::new();
    for digits in ASSISTANTS.iter().chain(PERSONS.iter()) {
        forms.push((*digits).to_owned());
        forms.push(format!("{}-{}", &digits[..8], &digits[8..]));
        forms.push(format!("{}-{}", &digits[2..8], &digits[8..]));
        forms.push(digits[2..].to_owned());
    }
    forms
}

/// Panics (a fuzz finding) if `text`, which a user or a log would see, holds a full test
/// identity number.
pub fn assert_no_identity_number(what: &str, text: &str) {
    for form in identity_number_forms() {
        assert!(
            !text.contains(&form),
            "{what} must mask identity numbers but shows {form}: {text}"
        );
    }
}

/// Imports `data` as `format` the way the app previews a file, then runs core's validation on
/// the shifts, and checks that no problem's Display or Debug shows a full identity number.
pub fn import(data: &[u8], format: &ImportFormat) {
    let Some(people) = People::new() else {
        return;
    };
    let Some(today) = NaiveDate::from_ymd_opt(2026, 11, 1) else {
        return;
    };
    let Ok((preview, shifts)) = preview_with_shifts(data, format, &people.known, today) else {
        return;
    };
    let register = Register {
        provider: None,
        persons: &people.persons,
        assistants: &people.assistants,
    };
    let problems = validate_imported(&shifts, &register);
    for problem in preview.problems.iter().chain(problems.iter()) {
        assert_no_identity_number("an import problem's Display", &problem.to_string());
        assert_no_identity_number("an import problem's Debug", &format!("{problem:?}"));
    }
    assert!(
        preview.problems.len() as u64 <= preview.problems_total,
        "the kept problems are a part of all problems"
    );
}
