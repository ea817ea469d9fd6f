//! The text a signer reads in BankID, as the app and the relay compose it: one escaping for
//! names, the provider's lines, the relay's first line and BankID's size limit.

use assistid_core::ids::OrgNumber;
use assistid_core::signtext::{
    PROVIDER_NAME_MAX, SignTextError, USER_VISIBLE_DATA_MAX, check_visible_len, escape_markdown,
    provider_line, provider_name, relay_header, relay_header_max_len, relay_text,
};
use proptest::prelude::*;

fn org() -> OrgNumber {
    OrgNumber::parse("556036-0793").expect("a valid organisationsnummer")
}

#[test]
fn the_apps_provider_line_keeps_its_exact_bytes() {
    assert_eq!(
        provider_line("Omsorg AB", &org()),
        "Anordnare: Omsorg AB (5560360793)",
        "the direct orders' texts (golden files) depend on this line"
    );
}

#[test]
fn the_relays_first_line_names_the_provider_and_its_number() {
    assert_eq!(
        relay_text(&org(), Some("Omsorg AB"), "Text"),
        "Assistansanordnare: Omsorg AB, organisationsnummer 556036-0793\n\nText"
    );
    assert_eq!(
        relay_text(&org(), None, "Text"),
        "Assistansanordnare: organisationsnummer 556036-0793\n\nText",
        "without a known name the line names the number alone"
    );
}

#[test]
fn a_name_is_one_line_of_bounded_length() {
    assert_eq!(
        provider_name("  Omsorg\n\tAB  ").expect("usable"),
        "Omsorg AB",
        "whitespace and line breaks collapse to single spaces"
    );
    assert_eq!(provider_name(" \n "), Err(SignTextError::NameEmpty));
    assert_eq!(
        provider_name(&"x".repeat(PROVIDER_NAME_MAX + 1)),
        Err(SignTextError::NameTooLong {
            chars: PROVIDER_NAME_MAX + 1,
            max: PROVIDER_NAME_MAX
        })
    );
}

#[test]
fn the_size_check_is_bankids_base64_limit() {
    let fits = "a".repeat(USER_VISIBLE_DATA_MAX / 4 * 3);
    assert_eq!(check_visible_len(&fits), Ok(()), "exactly the limit fits");
    assert!(
        matches!(
            check_visible_len(&format!("{fits}a")),
            Err(SignTextError::TooLong {
                limit: USER_VISIBLE_DATA_MAX,
                ..
            })
        ),
        "one byte more does not"
    );
}

proptest! {
    #[test]
    fn no_name_can_format_the_first_line(raw in "\\PC{0,200}") {
        if let Ok(name) = provider_name(&raw) {
            let header = relay_header(&org(), Some(&name));
            prop_assert!(!header.contains('\n'), "the first line stays one line: {header:?}");
            prop_assert!(
                header.ends_with(", organisationsnummer 556036-0793"),
                "the number closes the line: {header:?}"
            );
            prop_assert!(
                relay_text(&org(), Some(&name), "").len() <= relay_header_max_len(),
                "within the bound the installation keeps free"
            );
            let escaped = escape_markdown(&name);
            let mut chars = escaped.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    prop_assert!(chars.next().is_some(), "a backslash always escapes something");
                } else {
                    prop_assert!(
                        !"*_#+-|~`[]".contains(c),
                        "{c:?} is never left unescaped in {escaped:?}"
                    );
                }
            }
        }
    }
}
