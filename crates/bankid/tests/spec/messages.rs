//! Every hint and error code has BankID's recommended message, in both languages.

use assistid_bankid::messages::{Lang, MessageKey, StartMode, message};
use assistid_bankid::types::{ErrorCode, HintCode};

fn id(key: MessageKey<'_>, mode: StartMode) -> &'static str {
    let sv = message(key, mode, Lang::Sv);
    let en = message(key, mode, Lang::En);
    assert_eq!(sv.id, en.id, "both languages show the same RFA message");
    assert!(
        !sv.text.is_empty() && !en.text.is_empty(),
        "texts are never empty"
    );
    assert_ne!(sv.text, en.text, "Swedish and English differ");
    sv.id
}

#[test]
fn pending_hints_have_their_messages() {
    let table = [
        ("outstandingTransaction", StartMode::Qr, "RFA1"),
        ("outstandingTransaction", StartMode::SameDevice, "RFA13"),
        ("noClient", StartMode::Qr, "RFA1"),
        ("started", StartMode::SameDevice, "RFA15A"),
        ("userSign", StartMode::Qr, "RFA9"),
        ("userMrtd", StartMode::Qr, "RFA23"),
        ("userCallConfirm", StartMode::Qr, "RFA21"),
        ("someFutureHint", StartMode::Qr, "RFA21"),
    ];
    for (code, mode, expected) in table {
        let hint = HintCode::parse(code);
        assert_eq!(
            id(MessageKey::Pending(Some(&hint)), mode),
            expected,
            "pending {code} in {mode:?}"
        );
    }
    assert_eq!(
        id(MessageKey::Pending(None), StartMode::Qr),
        "RFA21",
        "pending without hint"
    );
}

#[test]
fn failed_hints_have_their_messages() {
    let table = [
        ("userCancel", StartMode::Qr, "RFA6"),
        ("cancelled", StartMode::Qr, "RFA3"),
        ("expiredTransaction", StartMode::Qr, "RFA8"),
        ("certificateErr", StartMode::Qr, "RFA16"),
        ("startFailed", StartMode::Qr, "RFA17B"),
        ("startFailed", StartMode::SameDevice, "RFA17A"),
        ("userDeclinedCall", StartMode::Qr, "RFA22"),
        ("notSupportedByUserApp", StartMode::Qr, "RFA22"),
        ("transactionRiskBlocked", StartMode::Qr, "RFA22"),
        ("someFutureFailure", StartMode::Qr, "RFA22"),
    ];
    for (code, mode, expected) in table {
        let hint = HintCode::parse(code);
        assert_eq!(
            id(MessageKey::Failed(Some(&hint)), mode),
            expected,
            "failed {code} in {mode:?}"
        );
    }
}

#[test]
fn error_codes_have_their_messages() {
    let table = [
        ("alreadyInProgress", "RFA4"),
        ("requestTimeout", "RFA5"),
        ("internalError", "RFA5"),
        ("maintenance", "RFA5"),
        ("invalidParameters", "RFA22"),
        ("unauthorized", "RFA22"),
        ("notFound", "RFA22"),
        ("methodNotAllowed", "RFA22"),
        ("unsupportedMediaType", "RFA22"),
        ("brandNewError", "RFA22"),
    ];
    for (code, expected) in table {
        let code_value = ErrorCode::parse(code);
        assert_eq!(
            id(MessageKey::Error(&code_value), StartMode::Qr),
            expected,
            "error {code}"
        );
    }
    assert_eq!(
        id(MessageKey::DeviceChoice, StartMode::Qr),
        "RFA19",
        "device choice"
    );
}

#[test]
fn texts_are_exactly_bankids() {
    let m = |key, lang| message(key, StartMode::Qr, lang).text;
    assert_eq!(
        m(
            MessageKey::Pending(Some(&HintCode::OutstandingTransaction)),
            Lang::Sv
        ),
        "Starta BankID-appen."
    );
    assert_eq!(
        m(MessageKey::Pending(Some(&HintCode::UserSign)), Lang::Sv),
        "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under."
    );
    assert_eq!(
        m(MessageKey::Error(&ErrorCode::AlreadyInProgress), Lang::En),
        "An identification or signing for this personal number is already started. Please try again."
    );
    assert_eq!(
        m(MessageKey::Failed(Some(&HintCode::UserCancel)), Lang::Sv),
        "Åtgärden avbruten."
    );
    assert_eq!(
        m(MessageKey::InternalError, Lang::Sv),
        "Internt tekniskt fel. Försök igen."
    );
    assert!(
        m(MessageKey::Failed(Some(&HintCode::StartFailed)), Lang::Sv)
            .ends_with("https://install.bankid.com"),
        "RFA17B points to the installation page"
    );
}
