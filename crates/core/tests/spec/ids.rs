//! Specification: identity numbers (personnummer, samordningsnummer, organisationsnummer).

use assistid_core::ids::{IdError, IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{Employment, TimeKind};

use super::model::{assistant, date, id_digits, idnr, pnr, shift};

/// Skatteverket's published example of a samordningsnummer (day 03 + 60 = 63): its Luhn digit
/// is computed over the digits as written, with the day + 60.
const SAMORDNINGSNUMMER: &str = "197010632391";

#[test]
fn a_valid_personnummer_is_accepted_in_the_forms_people_type() {
    let today = date("2026-11-26");
    for input in [
        "199001010017",
        "19900101-0017",
        " 19900101-0017 ",
        "900101-0017",
        "9001010017",
    ] {
        let id = IdentityNumber::parse(input, today).expect("a valid personnummer");
        assert_eq!(
            id.digits(),
            "199001010017",
            "{input:?} normalizes to the 12 digits FK wants"
        );
        assert!(
            !id.is_coordination(),
            "{input:?} is an ordinary personnummer"
        );
    }
}

#[test]
fn a_wrong_check_digit_a_wrong_date_or_format_is_refused() {
    let today = date("2026-11-26");
    assert_eq!(
        IdentityNumber::parse("199001010018", today),
        Err(IdError::Checksum),
        "a mistyped last digit fails the Luhn check"
    );
    assert_eq!(
        IdentityNumber::parse(&id_digits("19900230", 1), today),
        Err(IdError::Date),
        "30 February is not a date, even with a matching checksum"
    );
    for bad in [
        "",
        "1990010100",
        "19900101-001",
        "abcdefghijkl",
        "1990-01-01-0017",
    ] {
        assert!(
            IdentityNumber::parse(bad, today).is_err(),
            "{bad:?} is not an identity number"
        );
    }
    assert_eq!(
        IdentityNumber::from_digits(&id_digits("19900101", 0)),
        Err(IdError::Checksum),
        "the serial 000 is never issued"
    );
}

#[test]
fn ten_digit_numbers_get_their_century_from_today_and_the_plus_sign() {
    let today = date("2026-11-26");
    let expand = |s: &str| {
        IdentityNumber::parse(s, today)
            .map(|id| id.digits()[..4].to_owned())
            .expect("a valid 10-digit number")
    };
    let ten = |yyyymmdd: &str| id_digits(yyyymmdd, 1)[2..].to_owned();
    assert_eq!(
        expand(&ten("19900101")),
        "1990",
        "90 is within the last 100 years: 1990"
    );
    assert_eq!(expand(&ten("20100101")), "2010", "10 is 2010, not 1910");
    assert_eq!(
        expand(&ten("20260101")),
        "2026",
        "born earlier this year: this century"
    );
    assert_eq!(
        expand(&ten("19261231")),
        "1926",
        "a birthday later this year cannot be this year: 100 years back"
    );
    let plus = {
        let t = ten("19200101");
        format!("{}+{}", &t[..6], &t[6..])
    };
    assert_eq!(
        expand(&plus),
        "1920",
        "a `+` marks someone 100 or older: 1920, not 2020"
    );
}

#[test]
fn a_samordningsnummer_is_accepted_for_assistants_but_flagged() {
    let id = IdentityNumber::from_digits(SAMORDNINGSNUMMER).expect("Skatteverket's example");
    assert!(
        id.is_coordination(),
        "day 63 = 3 + 60 marks a samordningsnummer"
    );
    assert_eq!(
        id.birth_date(),
        Some(date("1970-10-03")),
        "the real date is the day minus 60"
    );
    assert_eq!(
        Personnummer::from_digits(SAMORDNINGSNUMMER),
        Err(IdError::CoordinationNotAllowed),
        "a person with assistance must have a personnummer"
    );
    let a = assistant(&id, "Sam", Employment::Provider);
    assert!(
        a.cannot_sign_with_bankid(),
        "a samordningsnummer holder cannot sign with BankID"
    );
}

/// Why ids.rs computes the Luhn digit itself: `personnummer` 3.1.1 checks a samordningsnummer
/// against the real day instead of the day + 60 as written, so it refuses Skatteverket's own
/// example and accepts a number whose check digit is wrong.
#[test]
fn the_personnummer_crate_checks_samordningsnummer_against_the_wrong_day() {
    let crate_valid = |s: &str| personnummer::Personnummer::parse(s).is_ok_and(|p| p.valid());
    assert!(
        IdentityNumber::from_digits(SAMORDNINGSNUMMER).is_ok(),
        "ours accepts Skatteverket's example samordningsnummer"
    );
    assert!(
        !crate_valid(SAMORDNINGSNUMMER),
        "personnummer 3.1.1 refuses it (if this fails, the crate was fixed: use it in ids.rs)"
    );
    // The check digit the crate wants: Luhn over 701003239 (the real day) = 4.
    assert!(
        crate_valid("197010632394"),
        "personnummer 3.1.1 accepts a samordningsnummer with a check digit from the real day"
    );
    assert_eq!(
        IdentityNumber::from_digits("197010632394"),
        Err(IdError::Checksum),
        "ours refuses that number, as Skatteverket's rule does"
    );
    // For ordinary personnummer both agree.
    for serial in 1..50 {
        let digits = id_digits("19850612", serial);
        assert!(
            crate_valid(&digits) && IdentityNumber::from_digits(&digits).is_ok(),
            "{digits}: ordinary personnummer are valid for both"
        );
    }
}

#[test]
fn debug_output_never_shows_the_full_number() {
    let person = pnr("19900101", 1);
    let assistant_id = idnr("19850612", 3);
    let full_person = person.digits().to_owned();
    let full_assistant = assistant_id.digits().to_owned();
    let s = shift(
        &assistant_id,
        &person,
        "2026-03-02 08:00",
        "2026-03-02 16:00",
        TimeKind::Aktiv,
    );
    let a = assistant(&assistant_id, "Anna", Employment::Provider);
    for text in [
        format!("{person:?}"),
        format!("{assistant_id:?}"),
        format!("{s:?}"),
        format!("{a:?}"),
    ] {
        assert!(
            !text.contains(&full_person[8..]) && !text.contains(&full_assistant[8..]),
            "identity numbers must not reach logs: {text}"
        );
    }
    assert_eq!(
        person.masked(),
        "19900101-****",
        "the masked form keeps only the date"
    );
}

#[test]
fn organisation_numbers_use_the_checksum() {
    let org = OrgNumber::parse("202100-5521").expect("Försäkringskassan's own number is valid");
    assert_eq!(
        org.digits(),
        "2021005521",
        "10 digits without a dash, as FK wants"
    );
    assert_eq!(
        OrgNumber::parse("162021005521").map(|o| o.digits().to_owned()),
        Ok("2021005521".to_owned()),
        "the 12-digit form with the 16 prefix is accepted"
    );
    assert_eq!(
        OrgNumber::parse("202100-5522"),
        Err(IdError::OrgNumber),
        "a wrong check digit is refused"
    );
    assert!(OrgNumber::parse("").is_err(), "an empty number is refused");
}

#[test]
fn identity_numbers_serialize_as_their_twelve_digits() {
    let person = pnr("19900101", 1);
    let json = serde_json::to_string(&person).expect("serializable");
    assert_eq!(
        json,
        format!("\"{}\"", person.digits()),
        "the stored form is the 12 digits"
    );
    let back: Personnummer = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, person, "reading back gives the same number");
    assert!(
        serde_json::from_str::<Personnummer>("\"199001010018\"").is_err(),
        "invalid numbers are refused when read too"
    );
}

#[test]
fn numbers_are_shown_to_people_with_the_hyphen_and_kept_as_digits_for_fk() {
    let pnr = Personnummer::from_digits("199001012385").expect("a valid personnummer");
    assert_eq!(
        pnr.formatted(),
        "19900101-2385",
        "ÅÅÅÅMMDD-NNNN on screens and lists"
    );
    assert_eq!(pnr.digits(), "199001012385", "FK's XML keeps the 12 digits");
    let org = OrgNumber::parse("5566778899").expect("a valid organisationsnummer");
    assert_eq!(
        org.formatted(),
        "556677-8899",
        "NNNNNN-NNNN on screens and lists"
    );
    assert_eq!(org.digits(), "5566778899");
}
