//! The vendor's support contact (issue 21): set in Settings, checked field by field, said
//! plainly when nobody has entered it — never a made-up number — and the demo's own vendor in
//! the demo folder.

use assistid_app::IpcError;
use assistid_app::support_contact::SupportContact;
use assistid_core::text::Lang;

use crate::shifts::{Folder, now};

fn contact(name: &str, phone: &str, email: &str, web: &str) -> SupportContact {
    let field = |v: &str| Some(v.to_owned());
    SupportContact {
        name: field(name),
        phone: field(phone),
        email: field(email),
        web: field(web),
    }
}

#[test]
fn a_folder_without_a_contact_says_so_plainly_in_both_languages() {
    let (_folder, app) = Folder::new();
    let stored = app.support_contact().expect("the settings are read");
    assert!(!stored.is_set(), "nobody has entered one");
    let sv = stored.describe(Lang::Sv);
    let en = stored.describe(Lang::En);
    assert!(
        sv.contains("inte inlagd") && en.contains("has not been entered"),
        "says that it is missing and where to enter it: {sv} / {en}"
    );
    assert!(
        !sv.chars().any(|c| c.is_ascii_digit()),
        "no made-up phone number: {sv}"
    );
    let vendor = app.vendor_support(Lang::Sv).expect("told");
    assert!(
        vendor.contains("Skicka felrapporten") && vendor.contains("inte inlagd"),
        "what to send, and that the contact is missing: {vendor}"
    );
}

#[test]
fn the_contact_is_stored_trimmed_and_told_with_every_field() {
    let (_folder, app) = Folder::new();
    let saved = app
        .set_support_contact(
            &contact(
                " Omsorgsdata AB ",
                "08-123 456 78",
                "support@omsorgsdata.se",
                "https://omsorgsdata.se/support",
            ),
            now(),
        )
        .expect("a well-formed contact is stored");
    assert_eq!(saved.name.as_deref(), Some("Omsorgsdata AB"), "trimmed");
    assert_eq!(
        app.support_contact().expect("read back"),
        saved,
        "what is shown is what is stored"
    );
    assert_eq!(
        saved.describe(Lang::Sv),
        "Leverantörens support: Omsorgsdata AB, telefon 08-123 456 78, e-post \
         support@omsorgsdata.se, webb https://omsorgsdata.se/support."
    );
    assert_eq!(
        saved.describe(Lang::En),
        "The vendor's support: Omsorgsdata AB, phone 08-123 456 78, e-mail \
         support@omsorgsdata.se, web https://omsorgsdata.se/support."
    );
    let fewer = app
        .set_support_contact(
            &SupportContact {
                web: Some(String::new()),
                ..saved
            },
            now(),
        )
        .expect("an empty field removes it");
    assert_eq!(fewer.web, None);
    assert!(
        !app.support_contact()
            .expect("read back")
            .describe(Lang::Sv)
            .contains("webb"),
        "a removed field is not shown"
    );
}

#[test]
fn a_mistyped_field_is_refused_with_its_name_and_value_and_nothing_is_stored() {
    let (_folder, app) = Folder::new();
    let good = contact("A AB", "08-123 456 78", "a@b.se", "https://b.se");
    app.set_support_contact(&good, now()).expect("stored");
    for (bad, field, value) in [
        (
            SupportContact {
                email: Some("support.b.se".into()),
                ..good.clone()
            },
            "support_field_email",
            "support.b.se",
        ),
        (
            SupportContact {
                phone: Some("ring oss".into()),
                ..good.clone()
            },
            "support_field_phone",
            "ring oss",
        ),
        (
            SupportContact {
                web: Some("b.se/support".into()),
                ..good.clone()
            },
            "support_field_web",
            "b.se/support",
        ),
    ] {
        let err = app
            .set_support_contact(&bad, now())
            .expect_err("a mistyped field is refused");
        let ipc = IpcError::in_lang(err, Lang::En);
        assert_eq!(ipc.code, "invalid_input", "the user fixes it");
        assert_eq!(
            (
                ipc.params.get("field@code").map(String::as_str),
                ipc.params.get("value").map(String::as_str)
            ),
            (Some(field), Some(value)),
            "the message names the field and the value: {}",
            ipc.message
        );
        assert_eq!(
            app.support_contact().expect("read back"),
            good,
            "nothing of a refused contact is stored"
        );
    }
}

#[test]
fn the_demo_folder_has_the_demos_vendor() {
    let dir = tempfile::tempdir().expect("a folder");
    let app = assistid_app::App::open(
        dir.path(),
        assistid_app::KeySource::File(dir.path().join("k.key")),
        now(),
    )
    .expect("opens");
    app.load_demo_if_empty(now()).expect("the demo loads");
    let stored = app.support_contact().expect("read");
    assert_eq!(stored, assistid_app::support_contact::demo_contact());
    assert!(
        stored.describe(Lang::Sv).contains("demo"),
        "the demo's vendor says that it is the demo's"
    );
}

#[test]
fn a_failed_submissions_advice_names_the_stored_contact_not_a_generic_text() {
    let (_folder, app) = Folder::new();
    let unset = app
        .explain_submission("elt_xml_validation", None, Lang::Sv)
        .expect("explained")
        .expect("FK's schema fault is in the table");
    let vendor = unset
        .vendor_support
        .expect("our fault: the vendor's support is named");
    assert!(
        vendor.contains("inte inlagd"),
        "without a stored contact the advice says plainly that none is set: {vendor}"
    );
    assert_ne!(
        vendor,
        assistid_app::answers::VENDOR_SUPPORT,
        "never the generic text that names no one"
    );
    app.set_support_contact(
        &contact(
            "Omsorgsdata AB",
            "08-123 456 78",
            "support@omsorgsdata.se",
            "https://omsorgsdata.se/support",
        ),
        now(),
    )
    .expect("stored");
    for lang in [Lang::Sv, Lang::En] {
        let advice = app
            .explain_submission("elt_xml_validation", Some("cvc-pattern-valid: …"), lang)
            .expect("explained")
            .expect("in the table");
        let vendor = advice.vendor_support.unwrap_or_default();
        assert!(
            vendor.contains("08-123 456 78") && vendor.contains("support@omsorgsdata.se"),
            "the advice after `assistid submit` and in the queue names the stored contact \
             ({lang}): {vendor}"
        );
        assert_eq!(
            vendor,
            app.vendor_support(lang).expect("told"),
            "the same words as the submission's detail and the diagnostics ({lang})"
        );
    }
    assert!(
        app.explain_submission("no_such_code", None, Lang::Sv)
            .expect("read")
            .is_none(),
        "a code the table does not know has no advice"
    );
}
