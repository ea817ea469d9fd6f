//! Specification: validation — every issue has a stable code, a severity, a Swedish message that
//! names the shift concretely, and where it was found.

use assistid_core::ids::IdentityNumber;
use assistid_core::model::{Employment, Register, TimeKind};
use assistid_core::validation::{
    Severity, check_assistant, check_provider, codes, find_overlaps, validate_shifts,
};

use super::model::{assistant, idnr, person, pnr, provider, shift};

struct Fixture {
    persons: Vec<assistid_core::model::PersonWithAssistance>,
    assistants: Vec<assistid_core::model::Assistant>,
    provider: assistid_core::model::Provider,
}

impl Fixture {
    fn new() -> Self {
        Self {
            persons: vec![
                person(&pnr("19500101", 2), "Bo", "Berg"),
                person(&pnr("19600202", 4), "Cia", "Ek"),
            ],
            assistants: vec![
                assistant(&idnr("19900101", 1), "Anna", Employment::Provider),
                assistant(&idnr("19850612", 3), "Erik", Employment::Provider),
            ],
            provider: provider(),
        }
    }

    fn register(&self) -> Register<'_> {
        Register {
            provider: Some(&self.provider),
            persons: &self.persons,
            assistants: &self.assistants,
        }
    }
}

fn anna() -> IdentityNumber {
    idnr("19900101", 1)
}
fn erik() -> IdentityNumber {
    idnr("19850612", 3)
}

#[test]
fn an_end_not_after_the_start_is_an_error_naming_the_shift() {
    let f = Fixture::new();
    let shifts = [shift(
        &anna(),
        &pnr("19500101", 2),
        "2026-03-05 22:00",
        "2026-03-05 07:00",
        TimeKind::Aktiv,
    )];
    let issues = validate_shifts(&shifts, &f.register());
    assert_eq!(issues.len(), 1, "exactly one problem: {issues:?}");
    let issue = &issues[0];
    assert_eq!(
        issue.code,
        codes::END_NOT_AFTER_START,
        "stable code for the UI"
    );
    assert_eq!(
        issue.severity,
        Severity::Error,
        "such a shift cannot be reported"
    );
    assert_eq!(issue.shift, Some(0), "points at the shift");
    for part in [
        "2026-03-05 22:00",
        "07:00",
        "Anna Assistentsson",
        "Bo Berg",
        "nästa dag",
    ] {
        assert!(
            issue.message.contains(part),
            "the message names {part:?}: {}",
            issue.message
        );
    }
}

#[test]
fn overlapping_shifts_for_one_person_are_an_error() {
    let f = Fixture::new();
    let bo = pnr("19500101", 2);
    let shifts = [
        shift(
            &anna(),
            &bo,
            "2026-03-05 08:00",
            "2026-03-05 16:00",
            TimeKind::Aktiv,
        ),
        shift(
            &anna(),
            &bo,
            "2026-03-05 15:00",
            "2026-03-05 20:00",
            TimeKind::Vante,
        ),
    ];
    let issues = find_overlaps(&shifts, &f.register());
    assert_eq!(issues.len(), 1, "one overlap: {issues:?}");
    assert_eq!(
        issues[0].code,
        codes::OVERLAP_SAME_PERSON,
        "same assistant, same person"
    );
    assert_eq!(
        issues[0].severity,
        Severity::Error,
        "the same time cannot be reported twice"
    );
    assert_eq!(
        (issues[0].shift, issues[0].other_shift),
        (Some(1), Some(0)),
        "both shifts named"
    );
    assert!(
        issues[0].message.contains("08:00") && issues[0].message.contains("15:00"),
        "the message gives both shifts' times: {}",
        issues[0].message
    );
}

#[test]
fn one_assistant_with_two_persons_at_once_is_a_warning() {
    let f = Fixture::new();
    let shifts = [
        shift(
            &anna(),
            &pnr("19500101", 2),
            "2026-03-05 08:00",
            "2026-03-05 16:00",
            TimeKind::Aktiv,
        ),
        shift(
            &anna(),
            &pnr("19600202", 4),
            "2026-03-05 12:00",
            "2026-03-05 14:00",
            TimeKind::Aktiv,
        ),
    ];
    let issues = find_overlaps(&shifts, &f.register());
    assert_eq!(issues.len(), 1, "one overlap: {issues:?}");
    assert_eq!(
        issues[0].code,
        codes::OVERLAP_TWO_PERSONS,
        "two persons at once"
    );
    assert_eq!(
        issues[0].severity,
        Severity::Warning,
        "possible (e.g. shared assistance), but check"
    );
    assert!(
        issues[0].message.contains("Bo Berg") && issues[0].message.contains("Cia Ek"),
        "names both persons: {}",
        issues[0].message
    );
}

#[test]
fn double_assistance_and_back_to_back_shifts_are_fine() {
    let f = Fixture::new();
    let bo = pnr("19500101", 2);
    let shifts = [
        shift(
            &anna(),
            &bo,
            "2026-03-05 08:00",
            "2026-03-05 16:00",
            TimeKind::Aktiv,
        ),
        shift(
            &erik(),
            &bo,
            "2026-03-05 08:00",
            "2026-03-05 16:00",
            TimeKind::Aktiv,
        ),
        shift(
            &anna(),
            &bo,
            "2026-03-05 16:00",
            "2026-03-05 22:00",
            TimeKind::Vante,
        ),
    ];
    assert!(
        validate_shifts(&shifts, &f.register()).is_empty(),
        "two assistants for one person is double assistance; a shift may start when one ends"
    );
}

#[test]
fn overlaps_are_found_however_the_shifts_are_ordered() {
    let f = Fixture::new();
    let bo = pnr("19500101", 2);
    // A long shift and a short one inside it, listed in reverse order, among other shifts.
    let shifts = [
        shift(
            &anna(),
            &bo,
            "2026-03-06 10:00",
            "2026-03-06 11:00",
            TimeKind::Aktiv,
        ),
        shift(
            &erik(),
            &bo,
            "2026-03-06 00:00",
            "2026-03-06 23:00",
            TimeKind::Aktiv,
        ),
        shift(
            &anna(),
            &bo,
            "2026-03-05 20:00",
            "2026-03-06 12:00",
            TimeKind::Aktiv,
        ),
    ];
    let issues = find_overlaps(&shifts, &f.register());
    assert_eq!(
        issues.len(),
        1,
        "the short shift inside the long one: {issues:?}"
    );
    assert_eq!(
        (issues[0].shift, issues[0].other_shift),
        (Some(0), Some(2)),
        "later shift first"
    );
}

#[test]
fn long_shifts_are_warnings_with_a_stronger_text_over_a_day() {
    let f = Fixture::new();
    let bo = pnr("19500101", 2);
    let shifts = [
        shift(
            &anna(),
            &bo,
            "2026-03-05 06:00",
            "2026-03-05 22:00",
            TimeKind::Aktiv,
        ), // 16 h: fine
        shift(
            &anna(),
            &bo,
            "2026-03-06 06:00",
            "2026-03-06 23:00",
            TimeKind::Aktiv,
        ), // 17 h
        shift(
            &anna(),
            &bo,
            "2026-03-07 06:00",
            "2026-03-08 08:00",
            TimeKind::Aktiv,
        ), // 26 h
    ];
    let issues = validate_shifts(&shifts, &f.register());
    let long: Vec<_> = issues
        .iter()
        .filter(|i| i.code == codes::LONG_SHIFT)
        .collect();
    assert_eq!(
        long.len(),
        2,
        "over 16 hours is unusual, exactly 16 is not: {issues:?}"
    );
    assert!(
        long.iter().all(|i| i.severity == Severity::Warning),
        "long shifts may be real"
    );
    assert!(
        long[0].message.contains("17,0 timmar"),
        "gives the length: {}",
        long[0].message
    );
    assert!(
        long[1].message.contains("mer än ett dygn"),
        "stronger text: {}",
        long[1].message
    );
}

#[test]
fn shifts_outside_the_register_are_errors() {
    let f = Fixture::new();
    let stranger = idnr("19770707", 5);
    let shifts = [shift(
        &stranger,
        &pnr("19990909", 6),
        "2026-03-05 08:00",
        "2026-03-05 16:00",
        TimeKind::Aktiv,
    )];
    let codes_found: Vec<_> = validate_shifts(&shifts, &f.register())
        .iter()
        .map(|i| i.code)
        .collect();
    assert_eq!(
        codes_found,
        [codes::UNKNOWN_ASSISTANT, codes::UNKNOWN_PERSON],
        "both the assistant and the person must be registered"
    );
}

#[test]
fn a_samordningsnummer_assistant_cannot_sign_and_the_message_says_what_to_do() {
    let id = IdentityNumber::from_digits("197010632391").expect("Skatteverket's example");
    let issues = check_assistant(&assistant(&id, "Sam", Employment::Provider));
    assert_eq!(issues.len(), 1, "one problem: {issues:?}");
    assert_eq!(
        issues[0].code,
        codes::ASSISTANT_CANNOT_SIGN_BANKID,
        "stable code"
    );
    assert_eq!(
        issues[0].severity,
        Severity::Error,
        "no one could sign the report"
    );
    for part in [
        "samordningsnummer",
        "BankID",
        "personnummer",
        "Skatteverket",
    ] {
        assert!(
            issues[0].message.contains(part),
            "explains {part:?}: {}",
            issues[0].message
        );
    }
    assert!(
        !issues[0].message.contains("2391"),
        "the message masks the number"
    );
}

#[test]
fn a_missing_provider_and_missing_names_are_errors() {
    let issues = check_provider(None);
    assert_eq!(issues.len(), 1, "one problem");
    assert_eq!(
        issues[0].code,
        codes::MISSING_PROVIDER,
        "nothing can be sent without a provider"
    );
    assert!(
        issues[0].message.contains("telefonnummer"),
        "says what FK requires"
    );
    assert!(
        check_provider(Some(&provider())).is_empty(),
        "a complete provider is fine"
    );

    let mut nameless = assistant(&anna(), "Anna", Employment::Provider);
    nameless.last_name = "  ".into();
    let issues = check_assistant(&nameless);
    assert_eq!(
        issues.iter().map(|i| i.code).collect::<Vec<_>>(),
        [codes::MISSING_ASSISTANT_NAME],
        "FK requires names"
    );
}

#[test]
fn time_errors_share_the_validation_vocabulary() {
    let local =
        chrono::NaiveDateTime::parse_from_str("2026-10-25 02:30", "%Y-%m-%d %H:%M").expect("valid");
    let err = assistid_core::time::ShiftTime::resolve(local, None).expect_err("ambiguous");
    assert_eq!(
        err.code(),
        codes::TIME_AMBIGUOUS,
        "importers report it with the same code"
    );
    let issues_json = serde_json::to_value(assistid_core::validation::Issue::error(
        err.code(),
        err.to_string(),
    ))
    .expect("serializable");
    assert_eq!(
        issues_json["code"], "time_ambiguous",
        "the JSON carries the code"
    );
    assert_eq!(issues_json["severity"], "error", "and the severity");
}
