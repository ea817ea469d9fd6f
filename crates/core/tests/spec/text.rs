//! Specification: messages in two languages — every message is a stable code plus named
//! parameters, with a Swedish (the reference) and an English wording side by side; both name
//! the same parameters and every message the program builds supplies them.

use assistid_core::model::{Employment, Register, TimeKind};
use assistid_core::text::{Lang, Template, check_catalog};
use assistid_core::validation::{check_provider, codes, validate_shifts};

use super::model::{assistant, idnr, person, pnr, provider, shift};

#[test]
fn every_core_message_has_both_wordings_with_the_same_parameters() {
    for (name, catalog) in [
        ("validation", assistid_core::validation::CATALOG),
        ("limits", assistid_core::limits::CATALOG),
    ] {
        let problems = check_catalog(catalog);
        assert!(
            problems.is_empty(),
            "the {name} catalog must be whole: {problems:#?}"
        );
    }
}

#[test]
fn the_completeness_check_finds_a_missing_wording_and_a_parameter_only_one_language_names() {
    static NO_EN: Template = Template::new("no_en", "Hej {name}", "");
    static DIFFERENT: Template = Template::new("different", "Passet {shift}", "The shift {row}");
    let problems = check_catalog(&[&NO_EN, &DIFFERENT, &DIFFERENT]);
    for expected in [
        "no_en: no en wording",
        "different: Swedish names",
        "used twice",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "the check must report {expected:?}: {problems:#?}"
        );
    }
    let text = DIFFERENT.with("shift", "x");
    assert_eq!(
        text.missing_params(),
        vec!["different.row".to_owned()],
        "a parameter only the English wording names is reported as missing"
    );
    assert_eq!(
        text.render(Lang::En),
        "The shift {row}",
        "a missing parameter stays visible instead of vanishing"
    );
}

#[test]
fn languages_are_read_as_the_ui_and_the_environment_name_them() {
    for (given, lang) in [
        ("sv", Lang::Sv),
        ("EN", Lang::En),
        ("en_GB.UTF-8", Lang::En),
        ("sv-SE", Lang::Sv),
    ] {
        assert_eq!(given.parse::<Lang>().ok(), Some(lang), "{given:?}");
    }
    assert!(
        "de".parse::<Lang>().is_err() && "english".parse::<Lang>().is_err(),
        "an unknown language is refused, not guessed"
    );
    assert_eq!(Lang::default(), Lang::Sv, "Swedish is the default");
}

fn register_fixture() -> (
    Vec<assistid_core::model::PersonWithAssistance>,
    Vec<assistid_core::model::Assistant>,
    assistid_core::model::Provider,
) {
    (
        vec![person(&pnr("19500101", 2), "Bo", "Berg")],
        vec![assistant(
            &idnr("19900101", 1),
            "Anna",
            Employment::Provider,
        )],
        provider(),
    )
}

#[test]
fn a_shift_that_ends_before_it_starts_is_explained_in_english_with_the_same_facts() {
    let (persons, assistants, provider) = register_fixture();
    let register = Register {
        provider: Some(&provider),
        persons: &persons,
        assistants: &assistants,
    };
    let shifts = [shift(
        &idnr("19900101", 1),
        &pnr("19500101", 2),
        "2026-03-05 22:00",
        "2026-03-05 07:00",
        TimeKind::Vante,
    )];
    let issues = validate_shifts(&shifts, &register);
    let issue = issues.first().expect("the shift is refused");
    assert_eq!(issue.code, codes::END_NOT_AFTER_START);
    assert_eq!(
        issue.message_in(Lang::Sv),
        issue.message,
        "Swedish is the message as it always was"
    );
    assert_eq!(
        issue.message_in(Lang::En),
        "The shift 2026-03-05 22:00–07:00 (waiting time) of Anna Assistentsson with Bo Berg \
         does not end after it starts. Correct the end time (a shift over midnight ends the \
         next day).",
        "the English message names the same shift, people and kind of time"
    );
    assert!(
        issue.text.missing_params().is_empty(),
        "every parameter is supplied: {:?}",
        issue.text.missing_params()
    );
    assert!(issue.text.is_translated(), "no Swedish-only part inside");
}

#[test]
fn the_long_shift_warning_gives_hours_the_english_way() {
    let (persons, assistants, provider) = register_fixture();
    let register = Register {
        provider: Some(&provider),
        persons: &persons,
        assistants: &assistants,
    };
    let shifts = [shift(
        &idnr("19900101", 1),
        &pnr("19500101", 2),
        "2026-03-05 06:00",
        "2026-03-05 23:30",
        TimeKind::Aktiv,
    )];
    let issues = validate_shifts(&shifts, &register);
    let issue = issues.first().expect("a long shift is a warning");
    assert_eq!(issue.code, codes::LONG_SHIFT);
    assert!(
        issue.message.contains("17,5 timmar"),
        "Swedish keeps the decimal comma: {}",
        issue.message
    );
    let en = issue.message_in(Lang::En);
    assert!(
        en.contains("17.5 hours") && en.contains("(active time)"),
        "English uses a decimal point and English words: {en}"
    );
}

#[test]
fn a_missing_provider_is_explained_in_english() {
    let issues = check_provider(None);
    let issue = issues.first().expect("no provider is an error");
    assert_eq!(issue.code, codes::MISSING_PROVIDER);
    assert!(
        issue
            .message_in(Lang::En)
            .ends_with("enter them under Settings."),
        "the English text says where to fix it: {}",
        issue.message_in(Lang::En)
    );
    assert_eq!(
        serde_json::to_value(&issue.text).expect("a text serializes"),
        serde_json::json!({"code": "missing_provider", "params": {}}),
        "a text crosses boundaries as its code and parameters"
    );
}

#[test]
fn a_message_with_a_message_inside_gives_both_codes_and_parameters_for_rendering_again() {
    static OUTER: Template = Template::new("outer", "{what} saknas", "{what} is missing");
    static INNER: Template = Template::new("inner", "passet {id}", "the shift {id}");
    let text = OUTER.with("what", INNER.with("id", "7"));
    let flat = text.params_flat(Lang::Sv);
    assert_eq!(
        flat.get("what").map(String::as_str),
        Some("passet 7"),
        "the rendered value stays, for a UI that cannot render again"
    );
    assert_eq!(
        (
            flat.get("what@code").map(String::as_str),
            flat.get("what@id").map(String::as_str)
        ),
        (Some("inner"), Some("7")),
        "the inner message's code and parameters, to render it in the other language"
    );
    assert_eq!(
        text.params_in(Lang::Sv).len(),
        1,
        "params_in stays the plain list"
    );
}
