//! BankID's recommended user messages (RFA texts) in Swedish and English, as data.

use serde::Serialize;

use crate::types::{ErrorCode, HintCode};

/// The language of a message: the one language type of Assistid's messages.
pub use assistid_core::text::Lang;
use assistid_core::text::{Template, Text};

/// How the order was started; some messages differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum StartMode {
    /// The user scans an animated QR code with a phone.
    Qr,
    /// BankID is opened on this computer through the autostart URL.
    SameDevice,
    /// A phone order (`/phone/sign`): the user is in a telephone call with the relying party
    /// and gets the order in the BankID app on their own phone. The coordinator reads the
    /// messages to them.
    Phone,
}

/// A message to show the user, with BankID's id for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Message {
    /// BankID's identifier, e.g. `RFA1`.
    pub id: &'static str,
    /// The text to show.
    pub text: &'static str,
    /// The message in both languages, with its stable code (see [`CATALOG`]).
    #[serde(skip)]
    pub template: &'static Template,
}

impl Message {
    /// The message as a text with its stable code, to render in any language.
    pub fn text_of(&self) -> Text {
        self.template.text()
    }
}

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageKey<'a> {
    /// A pending order's hint code; `None` when BankID sent none.
    Pending(Option<&'a HintCode>),
    /// A failed order's hint code; `None` when BankID sent none.
    Failed(Option<&'a HintCode>),
    /// An error answer's code.
    Error(&'a ErrorCode),
    /// BankID could not be reached or kept failing (RFA5).
    InternalError,
    /// The question whether to use BankID on this computer or a mobile BankID (RFA19).
    DeviceChoice,
}

/// BankID's RFA1.
pub static RFA1: Template = Template::new(
    "bankid_rfa1",
    "Starta BankID-appen.",
    "Start your BankID app.",
);
/// BankID's RFA3.
pub static RFA3: Template = Template::new(
    "bankid_rfa3",
    "Åtgärden avbruten. Försök igen.",
    "Action cancelled. Please try again.",
);
/// BankID's RFA4.
pub static RFA4: Template = Template::new(
    "bankid_rfa4",
    "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
    "An identification or signing for this personal number is already started. Please try again.",
);
/// BankID's RFA5.
pub static RFA5: Template = Template::new(
    "bankid_rfa5",
    "Internt tekniskt fel. Försök igen.",
    "Internal error. Please try again.",
);
/// BankID's RFA6.
pub static RFA6: Template = Template::new("bankid_rfa6", "Åtgärden avbruten.", "Action cancelled.");
/// BankID's RFA8.
pub static RFA8: Template = Template::new(
    "bankid_rfa8",
    "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
    "The BankID app is not responding. Please check that it's started and that you have internet access. If you don't have a valid BankID you can get one from your bank. Try again.",
);
/// BankID's RFA9.
pub static RFA9: Template = Template::new(
    "bankid_rfa9",
    "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
    "Enter your security code in the BankID app and select Identify or Sign.",
);
/// BankID's RFA13.
pub static RFA13: Template = Template::new(
    "bankid_rfa13",
    "Försöker starta BankID-appen.",
    "Trying to start your BankID app.",
);
/// BankID's RFA15A.
pub static RFA15A: Template = Template::new(
    "bankid_rfa15a",
    "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank.",
    "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don't have a BankID which can be used for this identification/signing on this computer. If you have a BankID card, please insert it into your card reader. If you don't have a BankID you can get one from your bank.",
);
/// BankID's RFA16.
pub static RFA16: Template = Template::new(
    "bankid_rfa16",
    "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
    "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
);
/// BankID's RFA17A.
pub static RFA17A: Template = Template::new(
    "bankid_rfa17a",
    "BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
    "The BankID app couldn't be found on your computer or mobile device. Please install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
);
/// BankID's RFA17B.
pub static RFA17B: Template = Template::new(
    "bankid_rfa17b",
    "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
    "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. If you don't have the BankID app, you need to install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
);
/// BankID's RFA19.
pub static RFA19: Template = Template::new(
    "bankid_rfa19",
    "Vill du identifiera dig eller skriva under med BankID på den här datorn eller med ett Mobilt BankID?",
    "Would you like to identify yourself or sign with a BankID on this computer, or with a Mobile BankID?",
);
/// BankID's RFA21.
pub static RFA21: Template = Template::new(
    "bankid_rfa21",
    "Identifiering eller underskrift pågår.",
    "Identification or signing in progress.",
);
/// BankID's RFA22.
pub static RFA22: Template = Template::new(
    "bankid_rfa22",
    "Okänt fel. Försök igen.",
    "Unknown error. Please try again.",
);
/// BankID's RFA23.
pub static RFA23: Template = Template::new(
    "bankid_rfa23",
    "Fotografera och läs av din ID-handling med BankID-appen.",
    "Process your machine-readable travel document using the BankID app.",
);

// BankID's RFA table, as far as we could check it (docs/BANKID.md and the well-used client
// libraries), has no texts of its own for the phone orders' codes (`userCallConfirm`,
// `userDeclinedCall`, `notSupportedByUserApp`): these are ours, written in the RFA texts'
// voice, used only for phone orders (other orders never get these codes and keep RFA21/RFA22),
// and carry Assistid ids (`ASSISTID-…`) so nobody mistakes them for BankID's.
/// Ours (see above), for phone orders.
pub static PHONE_CALL_CONFIRM: Template = Template::new(
    "bankid_assistid_phone_confirm",
    "Bekräfta i BankID-appen att du är i ett samtal med oss.",
    "Confirm in the BankID app that you are in a call with us.",
);
/// Ours (see above), for phone orders.
pub static PHONE_DECLINED_CALL: Template = Template::new(
    "bankid_assistid_phone_declined",
    "Åtgärden avbruten. Du angav i BankID-appen att du inte är i ett samtal med oss.",
    "Action cancelled. You stated in the BankID app that you are not in a call with us.",
);
/// Ours (see above), for phone orders.
pub static NOT_SUPPORTED_BY_USER_APP: Template = Template::new(
    "bankid_assistid_app_update",
    "Din BankID-app behöver uppdateras för att kunna skriva under. Uppdatera appen från din appbutik och försök igen.",
    "Your BankID app needs to be updated to sign. Update the app from your app store and try again.",
);

/// Every message of this module, each with its stable code (`bankid_rfa1`, …,
/// `bankid_assistid_phone_confirm`): what the app's errors carry so that the UI renders them in
/// its language.
pub static CATALOG: &[&Template] = &[
    &RFA1,
    &RFA3,
    &RFA4,
    &RFA5,
    &RFA6,
    &RFA8,
    &RFA9,
    &RFA13,
    &RFA15A,
    &RFA16,
    &RFA17A,
    &RFA17B,
    &RFA19,
    &RFA21,
    &RFA22,
    &RFA23,
    &PHONE_CALL_CONFIRM,
    &PHONE_DECLINED_CALL,
    &NOT_SUPPORTED_BY_USER_APP,
];

fn pick(id: &'static str, template: &'static Template, lang: Lang) -> Message {
    Message {
        id,
        text: template.wording(lang),
        template,
    }
}

/// The message BankID recommends for `key`, in `lang`, for an order started in `mode`.
///
/// ```
/// use assistid_bankid::messages::{message, Lang, MessageKey, StartMode};
/// use assistid_bankid::types::HintCode;
/// let m = message(MessageKey::Pending(Some(&HintCode::UserSign)), StartMode::Qr, Lang::Sv);
/// assert_eq!(m.id, "RFA9");
/// ```
pub fn message(key: MessageKey<'_>, mode: StartMode, lang: Lang) -> Message {
    match key {
        MessageKey::Pending(hint) => match hint {
            Some(HintCode::OutstandingTransaction) => match mode {
                StartMode::Qr | StartMode::Phone => pick("RFA1", &RFA1, lang),
                StartMode::SameDevice => pick("RFA13", &RFA13, lang),
            },
            Some(HintCode::NoClient) => pick("RFA1", &RFA1, lang),
            Some(HintCode::Started) => pick("RFA15A", &RFA15A, lang),
            Some(HintCode::UserSign) => pick("RFA9", &RFA9, lang),
            Some(HintCode::UserMrtd) => pick("RFA23", &RFA23, lang),
            Some(HintCode::UserCallConfirm) if mode == StartMode::Phone => {
                pick("ASSISTID-PHONE-CONFIRM", &PHONE_CALL_CONFIRM, lang)
            }
            _ => pick("RFA21", &RFA21, lang),
        },
        MessageKey::Failed(hint) => match hint {
            Some(HintCode::UserCancel) => pick("RFA6", &RFA6, lang),
            Some(HintCode::Cancelled) => pick("RFA3", &RFA3, lang),
            Some(HintCode::ExpiredTransaction) => pick("RFA8", &RFA8, lang),
            Some(HintCode::CertificateErr) => pick("RFA16", &RFA16, lang),
            Some(HintCode::StartFailed) => match mode {
                StartMode::Qr => pick("RFA17B", &RFA17B, lang),
                StartMode::SameDevice => pick("RFA17A", &RFA17A, lang),
                // A phone order has no QR code; the app could not take the order.
                StartMode::Phone => pick("RFA22", &RFA22, lang),
            },
            Some(HintCode::UserDeclinedCall) if mode == StartMode::Phone => {
                pick("ASSISTID-PHONE-DECLINED", &PHONE_DECLINED_CALL, lang)
            }
            Some(HintCode::NotSupportedByUserApp) if mode == StartMode::Phone => {
                pick("ASSISTID-APP-UPDATE", &NOT_SUPPORTED_BY_USER_APP, lang)
            }
            _ => pick("RFA22", &RFA22, lang),
        },
        MessageKey::Error(code) => match code {
            ErrorCode::AlreadyInProgress => pick("RFA4", &RFA4, lang),
            ErrorCode::RequestTimeout | ErrorCode::InternalError | ErrorCode::Maintenance => {
                pick("RFA5", &RFA5, lang)
            }
            // Our own bugs and configuration errors: the user can do nothing but try again
            // later; the log and `is_our_bug` tell support what happened.
            ErrorCode::InvalidParameters
            | ErrorCode::Unauthorized
            | ErrorCode::NotFound
            | ErrorCode::MethodNotAllowed
            | ErrorCode::UnsupportedMediaType => pick("RFA22", &RFA22, lang),
            ErrorCode::Unknown(_) => pick("RFA22", &RFA22, lang),
        },
        MessageKey::InternalError => pick("RFA5", &RFA5, lang),
        MessageKey::DeviceChoice => pick("RFA19", &RFA19, lang),
    }
}
