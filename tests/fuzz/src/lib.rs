//! What each fuzz target checks, as one plain function per target ([`TARGETS`]), so that the
//! same checks run in two places: under libFuzzer in `fuzz/` (each target is one call into this
//! crate) and in the ordinary test build, where `tests/spec` replays every committed seed
//! (`fuzz/seeds/<target>/`) and every input a fuzz run kept (`fuzz/corpus/<target>/`). A
//! finding is therefore a failing `cargo test` as soon as its input is a seed, without the
//! instrumented fuzz build.
//!
//! Besides "does not panic", every target checks what a user or a log may see: never a full
//! identity number. The register here holds test identity numbers only (the ones in
//! `schemas/examples/`, never real people).

pub mod seeds;

use assistid_bankid::BankIdError;
use assistid_bankid::signature::{
    Expected, canonicalize_element_by_id, canonicalize_signed_info, verify_signature,
};
use assistid_bankid::types::{CollectResponse, ErrorBody, OrderResponse};
use assistid_core::c14n::canonicalize;
use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::{Assistant, Employment, PersonWithAssistance, Register};
use assistid_core::secret::Sensitive;
use assistid_elt::error::EltError;
use assistid_elt::response::{RawAnswer, ResponseRecord, parse_answer};
use assistid_import::{ImportFormat, KnownPeople, preview_with_shifts, validate_imported};
use chrono::NaiveDate;

/// One fuzz target: its name (the binary in `fuzz/` and the folder under `fuzz/seeds/` and
/// `fuzz/corpus/`) and the check it runs on one input.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The target's name.
    pub name: &'static str,
    /// The check: returns for any input, panics on a finding.
    pub check: fn(&[u8]),
}

/// Every fuzz target, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: [Target; 7] = [
    Target {
        name: "import_csv",
        check: import_csv,
    },
    Target {
        name: "import_xlsx",
        check: import_xlsx,
    },
    Target {
        name: "elt_response",
        check: elt_response,
    },
    Target {
        name: "bankid_json",
        check: bankid_json,
    },
    Target {
        name: "bankid_signature",
        check: bankid_signature,
    },
    Target {
        name: "c14n",
        check: c14n,
    },
    Target {
        name: "pkcs12",
        check: pkcs12,
    },
];

/// Assistants of `schemas/examples/shifts.csv` (test numbers).
pub const ASSISTANTS: [&str; 2] = ["199001012385", "198507152398"];
/// Persons with assistance of `schemas/examples/shifts.csv` (test numbers).
pub const PERSONS: [&str; 2] = ["195001012383", "194512245673"];

/// The register the import targets check rows against.
#[derive(Debug)]
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

/// `import_csv`: a CSV import file from anywhere (a scheduling system's export, or a hostile
/// file).
pub fn import_csv(data: &[u8]) {
    import(data, &ImportFormat::Csv);
}

/// `import_xlsx`: an XLSX import file (a zip of XML parts) from anywhere. calamine panics on
/// some hostile workbooks; the importer catches panics that start inside calamine and reports
/// the file as unreadable, so such a panic never reaches this function's caller.
pub fn import_xlsx(data: &[u8]) {
    import(data, &ImportFormat::Xlsx { sheet: None });
}

/// Statuses FK and the things in front of it really send, plus whatever the bytes say.
fn http_status(selector: u8, raw: u8) -> u16 {
    match selector % 6 {
        0 => 200,
        1 => 500,
        2 => 503,
        3 => 400,
        4 => 502,
        _ => 100 + u16::from(raw) * 2,
    }
}

/// `elt_response`: FK's answer to a submission (or whatever a hostile network or a broken
/// proxy sends instead): the first two bytes choose the HTTP status, the rest is the body.
pub fn elt_response(data: &[u8]) {
    let [selector, raw, body @ ..] = data else {
        return;
    };
    let answer = RawAnswer {
        status: http_status(*selector, *raw),
        body: body.to_vec(),
        retry_after_secs: (selector & 0x80 != 0).then_some(u64::from(*raw)),
    };
    let outcome = parse_answer(&answer);
    match &outcome {
        Ok(_) => assert!(
            matches!(answer.status, 200 | 503),
            "a receipt is only a receipt with HTTP 200 (or FK's receipt behind a 503), not {}",
            answer.status
        ),
        Err(error) => {
            let _ = (error.code(), error.disposition(), error.fk_message());
            let shown = error.to_string();
            if matches!(error, EltError::UnexpectedAnswer { .. }) {
                // An answer we do not understand is described, never quoted.
                assert_no_identity_number("an unexpected answer's message", &shown);
            }
        }
    }
    let Some(at) = chrono::DateTime::from_timestamp(1_790_000_000, 0) else {
        return;
    };
    let record = ResponseRecord::new(&answer, at, &outcome);
    assert_no_identity_number("a response record's Debug", &format!("{record:?}"));
    assert_eq!(record.body, answer.body, "the raw answer is kept unchanged");
}

/// `bankid_json`: BankID's JSON answers to `/sign` (`/auth`), `/collect` and errors, as a
/// compromised BankID endpoint or a broken proxy could send them; a complete collect answer's
/// signature and OCSP response are decoded and the signature is checked as the app would.
pub fn bankid_json(data: &[u8]) {
    match serde_json::from_slice::<OrderResponse>(data) {
        Ok(order) => {
            // The secret may by chance be a part of another field (the order reference is
            // shown), so "the secret's text is not in the output" is not the rule; the rule is
            // that the output does not depend on the secret at all.
            let shown = format!("{order:?}");
            let mut other = order.clone();
            other.qr_start_secret = Sensitive::new(format!("{}x", order.qr_start_secret.expose()));
            assert_eq!(
                shown,
                format!("{other:?}"),
                "the QR secret never appears in Debug output"
            );
        }
        Err(e) => {
            let error = BankIdError::bad_json(&e);
            assert_no_identity_number("a BankID JSON error", &error.to_string());
        }
    }
    if let Ok(body) = serde_json::from_slice::<ErrorBody>(data) {
        let error = BankIdError::from_response(400, data, None);
        let _ = (body.error_code, error.code(), error.is_retryable());
    }
    let _ = BankIdError::from_response(503, data, Some("1"));
    match serde_json::from_slice::<CollectResponse>(data) {
        Ok(collect) => {
            assert_no_identity_number("a collect answer's Debug", &format!("{collect:?}"));
            let Some(completion) = collect.completion_data else {
                return;
            };
            let _ = completion.ocsp_der();
            let Ok(xml) = completion.signature_xml() else {
                return;
            };
            let Some(at) = chrono::DateTime::from_timestamp(1_790_000_000, 0) else {
                return;
            };
            let expected = Expected {
                user_visible_data: "VGlkcmVkb3Zpc25pbmc=",
                user_non_visible_data: None,
                personal_number: ASSISTANTS[0],
            };
            let _ = verify_signature(&xml, &expected, &completion.user.personal_number, &[], at);
        }
        Err(e) => {
            let error = BankIdError::bad_json(&e);
            assert_no_identity_number("a BankID JSON error", &error.to_string());
        }
    }
}

/// `bankid_signature`: the XML-DSig document in `completionData.signature`, as a compromised
/// BankID endpoint could send it: parsed, its references canonicalized and the whole signature
/// checked.
pub fn bankid_signature(data: &[u8]) {
    let Some(at) = chrono::DateTime::from_timestamp(1_790_000_000, 0) else {
        return;
    };
    let expected = Expected {
        user_visible_data: "VGlkcmVkb3Zpc25pbmc=",
        user_non_visible_data: Some("cjEsYWJj"),
        personal_number: ASSISTANTS[0],
    };
    // No trusted root: every check before the chain runs, and the chain check never succeeds.
    let roots: Vec<Vec<u8>> = Vec::new();
    match verify_signature(data, &expected, ASSISTANTS[0], &roots, at) {
        Ok(_) => panic!("no signature can chain to a root when none is trusted"),
        Err(e) => {
            let _ = e.code();
            let _ = e.to_string();
        }
    }
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = canonicalize_element_by_id(xml, "bidSignedData");
        let _ = canonicalize_element_by_id(xml, "bidKeyInfo");
        let _ = canonicalize_signed_info(xml);
    }
}

/// `c14n`: Canonical XML 1.0 of any bytes (what the report hash and so every signature depends
/// on). Agreement with libxml2 is checked separately, in one batch over the corpus
/// (`crates/core/tests/spec/fuzz_corpus.rs`): a fuzz target cannot start xmllint for each of
/// its thousands of inputs a second.
pub fn c14n(data: &[u8]) {
    let Ok(canonical) = canonicalize(data) else {
        return;
    };
    // The canonical form is itself a well-formed document whose canonical form it is.
    let again = canonicalize(&canonical).unwrap_or_else(|e| {
        panic!(
            "the canonical form must parse again ({e}):\n{}",
            String::from_utf8_lossy(&canonical)
        )
    });
    assert!(
        again == canonical,
        "canonicalization must be idempotent:\n--- once\n{}\n--- twice\n{}",
        String::from_utf8_lossy(&canonical),
        String::from_utf8_lossy(&again)
    );
}

/// The password of the `pkcs12` seeds (made at fuzz and test time by [`seeds`], never
/// committed), so that mutations of them get past the MAC and the decryption into the bags and
/// the pairing.
pub const PKCS12_SEED_PASSWORD: &str = "fuzz";

/// `pkcs12`: a certificate file (FK's client certificate or BankID's RP certificate, as the
/// user picks it) opened with the seeds' password: the shared reader and the key pairing must
/// return for any bytes, within the reader's iteration limits, and what they return must hold
/// together — a chosen key comes with its certificate first in the chain and is one of the
/// listed candidates; every error has a Swedish text to show.
pub fn pkcs12(data: &[u8]) {
    let password = Sensitive::new(PKCS12_SEED_PASSWORD.to_owned());
    let candidates = assistid_pkcs12::client_key_candidates(data, &password);
    match assistid_pkcs12::client_key(data, &password, None) {
        Ok(key) => {
            assert!(
                !key.key_pkcs8().is_empty() && !key.chain_der().is_empty(),
                "a chosen key comes with its certificate"
            );
            let listed = candidates.unwrap_or_else(|e| {
                panic!("a file whose key was chosen must list its candidates: {e}")
            });
            assert!(
                listed.contains(key.description()),
                "the chosen key must be one of the listed candidates: {:?} not in {listed:?}",
                key.description()
            );
            let pem = key.to_pem();
            assert!(
                pem.expose().starts_with(b"-----BEGIN PRIVATE KEY-----\n"),
                "the PEM starts with the key"
            );
        }
        Err(e) => {
            assert!(
                !e.to_string().trim().is_empty(),
                "every error has a text: {e:?}"
            );
            if let assistid_pkcs12::Pkcs12Error::SeveralClientKeys {
                candidates: several,
            } = &e
            {
                assert!(
                    several.len() > 1,
                    "several means more than one: {several:?}"
                );
            }
        }
    }
}
