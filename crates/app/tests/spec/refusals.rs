//! The app's refusals in two languages: a value the user gave that is not valid, a step in
//! the wrong environment and a report that cannot be signed each carry a stable code and
//! parameters; English renders them with the same code and parameters, and Swedish — the
//! reference — is byte-for-byte the text it always was.

use assistid_app::{App, IpcError, KeySource};
use assistid_core::text::Lang;
use chrono::{TimeZone as _, Utc};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

fn demo_app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("a temp dir for the data folder");
    let app = App::open(
        &dir.path().join("data"),
        KeySource::File(dir.path().join("key")),
        now(),
    )
    .expect("a fresh data folder opens");
    assert!(
        app.load_demo_if_empty(now()).expect("the demo loads"),
        "a fresh folder gets the demo"
    );
    (dir, app)
}

/// The parameters' codes (`name@code`) and plain values: what must be the same in every
/// language (a parameter that is a message renders in the language, its code does not).
fn codes_and_plain_values(ipc: &IpcError, plain: &[&str]) -> Vec<(String, String)> {
    ipc.params
        .iter()
        .filter(|(k, _)| k.ends_with("@code") || plain.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn both(err: impl Fn() -> anyhow::Error) -> (IpcError, IpcError) {
    (
        IpcError::in_lang(err(), Lang::Sv),
        IpcError::in_lang(err(), Lang::En),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_enrolment_code_is_refused_with_the_field_named_in_either_language() {
    let (_dir, app) = demo_app();
    let refuse = || async {
        app.enrol_with_relay("https://relay.example", "   ", None, now())
            .await
            .expect_err("an empty code is refused before anything is sent")
    };
    let sv = IpcError::in_lang(refuse().await, Lang::Sv);
    let en = IpcError::in_lang(refuse().await, Lang::En);
    assert_eq!(
        sv.message, "anslutningskod: koden saknas; skriv in koden leverantören gav",
        "Swedish is the message as it always was"
    );
    assert_eq!(
        en.message, "connection code: the code is missing; type in the code the vendor gave",
        "English names the field and what to do in English"
    );
    for ipc in [&sv, &en] {
        assert_eq!(
            (ipc.code.as_str(), ipc.message_code.as_str()),
            ("invalid_input", "invalid_field"),
            "the UI branches on invalid_input in both languages"
        );
        assert_eq!(
            (
                ipc.params.get("field@code").map(String::as_str),
                ipc.params.get("message@code").map(String::as_str)
            ),
            (Some("field_enrolment_code"), Some("enrolment_code_missing")),
            "the field and the message keep their own codes, so the UI can render them again"
        );
    }
}

#[test]
fn a_mistyped_tx_id_is_refused_with_its_value_and_groups_in_either_language() {
    let refuse = || -> anyhow::Error {
        assistid_app::answers::parse_tx_id("4a8db4b8-bc29-4406-901c")
            .expect_err("four groups are not a tx-id")
            .into()
    };
    let (sv, en) = both(refuse);
    assert_eq!(
        sv.message,
        "tx-id: \"4a8db4b8-bc29-4406-901c\" har 23 tecken i grupperna 8-4-4-4 i stället för \
         8-4-4-4-12. Ett tx-id från Försäkringskassan är 36 tecken: siffror 0–9 och bokstäver \
         a–f i fem grupper med bindestreck, 8-4-4-4-12, till exempel \
         4a8db4b8-bc29-4406-901c-3f69298cabe3.",
        "Swedish is byte-for-byte the message it always was"
    );
    assert_eq!(
        en.message,
        "tx-id: \"4a8db4b8-bc29-4406-901c\" has 23 characters in the groups 8-4-4-4 instead of \
         8-4-4-4-12. A tx-id from Försäkringskassan is 36 characters: digits 0–9 and letters \
         a–f in five groups with hyphens, 8-4-4-4-12, for example \
         4a8db4b8-bc29-4406-901c-3f69298cabe3."
    );
    assert_eq!(sv.code, "invalid_input");
    assert_eq!(en.code, "invalid_input");
    let facts = [
        "field",
        "message@what@value",
        "message@what@count",
        "message@what@groups",
    ];
    assert_eq!(
        codes_and_plain_values(&sv, &facts),
        codes_and_plain_values(&en, &facts),
        "the same codes and facts in both languages: {:?}",
        sv.params
    );
    assert_eq!(
        sv.params.get("message@what@groups").map(String::as_str),
        Some("8-4-4-4"),
        "the typed groups are a parameter of their own: {:?}",
        sv.params
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_to_the_relay_is_refused_as_the_wrong_environment_in_either_language() {
    let (_dir, app) = demo_app();
    let refuse = || async {
        app.enrol_with_relay("https://relay.example", "ABCD-1234", None, now())
            .await
            .expect_err("a demo folder never enrols with the vendor's relay")
    };
    let sv = IpcError::in_lang(refuse().await, Lang::Sv);
    let en = IpcError::in_lang(refuse().await, Lang::En);
    assert_eq!(
        sv.message,
        "Demodata kan inte skickas via leverantören. Använd en datamapp med riktiga uppgifter.",
        "Swedish is the message as it always was"
    );
    assert_eq!(
        en.message,
        "Demo data cannot be sent through the vendor. Use a data folder with real data."
    );
    for ipc in [&sv, &en] {
        assert_eq!(
            (ipc.code.as_str(), ipc.message_code.as_str()),
            ("demo_data_to_relay", "demo_data_to_relay"),
            "the refusal keeps its stable code in both languages"
        );
    }
}

#[test]
fn a_report_that_does_not_exist_cannot_be_signed_in_either_language() {
    let (_dir, app) = demo_app();
    let report = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let refuse = || {
        app.prepare_assistant_signing(report, now())
            .expect_err("no such report")
    };
    let sv = IpcError::of_signing(refuse(), Lang::Sv);
    let en = IpcError::of_signing(refuse(), Lang::En);
    assert_eq!(
        sv.message, "rapporten 01234567-89ab-cdef-0123-456789abcdef finns inte",
        "Swedish is the message as it always was"
    );
    assert_eq!(
        en.message,
        "report 01234567-89ab-cdef-0123-456789abcdef does not exist"
    );
    assert_eq!(
        refuse().to_string(),
        sv.message,
        "Display is the Swedish text"
    );
    for ipc in [&sv, &en] {
        assert_eq!(
            (ipc.code.as_str(), ipc.message_code.as_str()),
            ("report_not_found", "report_not_found"),
            "a signing refusal keeps its code in both languages"
        );
    }
    assert_eq!(sv.params, en.params, "the report id is the same parameter");
}

#[test]
fn a_file_from_the_ui_that_did_not_arrive_whole_is_told_with_codes_the_ui_renders_again() {
    use assistid_app::invalid::{refusal, templates};
    let ipc = IpcError::invalid("fil", templates::FILE_INCOMPLETE_UPLOAD.text());
    assert_eq!(
        ipc.message, "fil: filen kom inte fram hel; välj den igen",
        "the shell's Swedish is the message it always was"
    );
    assert_eq!(
        (
            ipc.code.as_str(),
            ipc.message_code.as_str(),
            ipc.params.get("field@code").map(String::as_str),
            ipc.params.get("message@code").map(String::as_str),
        ),
        (
            "invalid_input",
            "invalid_field",
            Some("field_file"),
            Some("file_incomplete_upload")
        ),
        "the UI gets the codes to render it in its own language"
    );
    let en = IpcError::told(
        "invalid_input",
        &refusal("fil", templates::FILE_INCOMPLETE_UPLOAD.text()),
        Lang::En,
    );
    assert_eq!(
        en.message,
        "file: the file did not arrive whole; choose it again"
    );
    let unknown = IpcError::invalid("--sheet", "anges bara för Excel-filer (.xlsx)");
    assert_eq!(
        unknown.params.get("field").map(String::as_str),
        Some("--sheet"),
        "a label that is no template (an option, a setting) stays as it is"
    );
}

#[test]
fn a_register_entry_the_model_refuses_is_told_in_english_with_its_field() {
    let dir = tempfile::tempdir().expect("a temp dir for the data folder");
    let app = App::open(
        &dir.path().join("data"),
        KeySource::File(dir.path().join("key")),
        now(),
    )
    .expect("a fresh data folder opens");
    let provider = |name: &str, phone: &str| assistid_app::register::ProviderInput {
        name: name.into(),
        org_number: "556677-8899".into(),
        contact: None,
        phone: phone.into(),
    };
    let (sv, en) = both(|| {
        app.save_provider(&provider("Omsorg AB", "123"), now())
            .expect_err("a phone number of 3 characters is refused")
    });
    assert_eq!(
        sv.message, "telefon: telefonnumret måste ha minst 7 tecken",
        "Swedish is the message as it always was"
    );
    assert_eq!(
        en.message, "phone: the phone number must have at least 7 characters",
        "English names the field and what is wrong in English"
    );
    assert_eq!(
        (sv.code.as_str(), sv.message_code.as_str()),
        (en.code.as_str(), en.message_code.as_str()),
        "the same codes in both languages"
    );
    assert_eq!(
        codes_and_plain_values(&sv, &[]),
        codes_and_plain_values(&en, &[]),
        "the same parameters' codes in both languages"
    );
    let (sv, en) = both(|| {
        app.save_provider(&provider("   ", "08-123 456 78"), now())
            .expect_err("an empty name is refused")
    });
    assert_eq!(
        (sv.message.as_str(), en.message.as_str()),
        (
            "anordnare: anordnarens namn får inte vara tomt",
            "provider: the provider's name must not be empty"
        ),
        "the name's label is a message of its own, in the UI's language"
    );
    assert!(
        app.provider().expect("the register reads").is_none(),
        "nothing is stored from a refused entry"
    );
}
