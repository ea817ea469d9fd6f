//! The vendor's support contact (issue 21): name, phone, e-mail and web address, set in
//! Settings (the desktop's "Leverantörens support" block, `assistid settings support`) and shown
//! wherever Assistid tells the coordinator to contact the vendor's support — the rejection and
//! uncertainty explanations ([`crate::answers`]) and the diagnostics bundle ([`crate::support`]).
//!
//! The contact is plain settings of the data folder (`support.name`, `support.phone`,
//! `support.email`, `support.web`). The demo folder gets the demo's own vendor; a folder where
//! nobody has entered one says so plainly, with where to enter it — never a made-up number.

use assistid_core::text::{Lang, Template, Text};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{App, AppError};

const NAME: &str = "support.name";
const PHONE: &str = "support.phone";
const EMAIL: &str = "support.email";
const WEB: &str = "support.web";

/// The longest value accepted in any field (characters).
pub const MAX_FIELD_CHARS: usize = 200;

/// How to reach the vendor's support. Every field is optional; all empty means not set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportContact {
    /// The vendor's (or its support's) name.
    pub name: Option<String>,
    /// A phone number, as the vendor writes it (`08-123 456 78`, `+46 8 …`).
    pub phone: Option<String>,
    /// An e-mail address.
    pub email: Option<String>,
    /// A web address (`https://…`).
    pub web: Option<String>,
}

/// The contact of the demo's vendor, set when the demo data is loaded. It says it is the demo's.
pub fn demo_contact() -> SupportContact {
    SupportContact {
        name: Some("Assistid Demo AB (demoleverantör)".to_owned()),
        phone: Some("08-555 010 00".to_owned()),
        email: Some("support@assistid-demo.example".to_owned()),
        web: Some("https://assistid-demo.example/support".to_owned()),
    }
}

/// The support contact's messages (see [`assistid_core::text`]).
pub mod templates {
    use assistid_core::text::Template;

    macro_rules! templates {
        ($($(#[$doc:meta])* $name:ident = ($code:literal, $sv:literal, $en:literal);)*) => {
            $($(#[$doc])* pub static $name: Template = Template::new($code, $sv, $en);)*
            /// Every template of the support contact.
            pub static CATALOG: &[&Template] = &[$(&$name),*];
        };
    }

    templates! {
        /// The contact, when one is set.
        SUPPORT_CONTACT = ("support_contact", "Leverantörens support: {contact}.", "The vendor's support: {contact}.");
        /// No contact entered.
        SUPPORT_NOT_SET = ("support_not_set",
            "Leverantörens supportkontakt är inte inlagd i Assistid. Den står i ert avtal med leverantören; lägg in den under Inställningar → Leverantörens support (eller med `assistid settings support`).",
            "The vendor's support contact has not been entered in Assistid. It is in your agreement with the vendor; enter it under Settings → Vendor's support (or with `assistid settings support`).");
        /// The phone part.
        SUPPORT_PHONE = ("support_phone", "telefon {phone}", "phone {phone}");
        /// The e-mail part.
        SUPPORT_EMAIL = ("support_email", "e-post {email}", "e-mail {email}");
        /// The web part.
        SUPPORT_WEB = ("support_web", "webb {web}", "web {web}");
        /// What to send to the vendor's support, before the contact.
        SUPPORT_SEND_BUNDLE = ("support_send_bundle",
            "Skicka felrapporten (filen som skapas med \"Skapa felrapport till leverantören\" eller `assistid submissions diagnostics`) till leverantörens support och berätta kort vad du gjorde. Felrapporten innehåller inga personnummer, namn eller tider. {contact}",
            "Send the problem report (the file made with \"Create a problem report for the vendor\" or `assistid submissions diagnostics`) to the vendor's support and say briefly what you did. The problem report holds no personal identity numbers, names or times. {contact}");
        /// The name field.
        FIELD_NAME = ("support_field_name", "leverantörens namn", "vendor's name");
        /// The phone field.
        FIELD_PHONE = ("support_field_phone", "supportens telefonnummer", "support phone number");
        /// The e-mail field.
        FIELD_EMAIL = ("support_field_email", "supportens e-postadress", "support e-mail address");
        /// The web field.
        FIELD_WEB = ("support_field_web", "supportens webbadress", "support web address");
        /// A field too long.
        TOO_LONG = ("support_too_long",
            "{field}: högst {max} tecken, här står {count}",
            "{field}: at most {max} characters, this one has {count}");
        /// A phone number with other characters than digits, spaces, +, - and parentheses, or
        /// too few digits.
        BAD_PHONE = ("support_bad_phone",
            "{field}: \"{value}\" är inget telefonnummer. Skriv siffror, gärna med riktnummer, t.ex. 08-123 456 78 eller +46 8 123 456 78.",
            "{field}: \"{value}\" is not a phone number. Write digits, with the area code, e.g. 08-123 456 78 or +46 8 123 456 78.");
        /// An e-mail address without `name@domain`.
        BAD_EMAIL = ("support_bad_email",
            "{field}: \"{value}\" är ingen e-postadress. Skriv den som namn@företag.se.",
            "{field}: \"{value}\" is not an e-mail address. Write it as name@company.se.");
        /// A web address that is not http(s).
        BAD_WEB = ("support_bad_web",
            "{field}: \"{value}\" är ingen webbadress. Skriv den som https://företag.se/support.",
            "{field}: \"{value}\" is not a web address. Write it as https://company.se/support.");
        /// One part of the contact line.
        JOIN_1 = ("support_join_1", "{a}", "{a}");
        /// Two parts.
        JOIN_2 = ("support_join_2", "{a}, {b}", "{a}, {b}");
        /// Three parts.
        JOIN_3 = ("support_join_3", "{a}, {b}, {c}", "{a}, {b}, {c}");
        /// Four parts.
        JOIN_4 = ("support_join_4", "{a}, {b}, {c}, {d}", "{a}, {b}, {c}, {d}");
    }

    /// The joins by number of parts less one.
    pub(super) static JOIN: [&Template; 4] = [&JOIN_1, &JOIN_2, &JOIN_3, &JOIN_4];
}

pub use templates::CATALOG;

impl SupportContact {
    /// Whether any field is set.
    pub fn is_set(&self) -> bool {
        [&self.name, &self.phone, &self.email, &self.web]
            .iter()
            .any(|f| f.is_some())
    }

    /// How to reach the vendor's support, as one sentence in `lang`; says plainly when no
    /// contact has been entered.
    pub fn describe(&self, lang: Lang) -> String {
        self.text().render(lang)
    }

    /// [`SupportContact::describe`] as a text.
    pub fn text(&self) -> Text {
        use templates::*;
        if !self.is_set() {
            return SUPPORT_NOT_SET.text();
        }
        let mut parts: Vec<Text> = Vec::new();
        if let Some(phone) = &self.phone {
            parts.push(SUPPORT_PHONE.with("phone", phone));
        }
        if let Some(email) = &self.email {
            parts.push(SUPPORT_EMAIL.with("email", email));
        }
        if let Some(web) = &self.web {
            parts.push(SUPPORT_WEB.with("web", web));
        }
        SUPPORT_CONTACT.with("contact", ContactLine(self.name.clone(), parts).text())
    }

    /// What to send to the vendor's support and how to reach it.
    pub fn send_bundle_text(&self) -> Text {
        templates::SUPPORT_SEND_BUNDLE.with("contact", self.text())
    }

    /// The contact with every field trimmed and checked; empty fields become `None`.
    pub fn checked(&self) -> Result<SupportContact, AppError> {
        use templates::*;
        let field = |value: &Option<String>, label: &'static Template| {
            let value = value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned);
            if let Some(v) = &value {
                let count = v.chars().count();
                if count > MAX_FIELD_CHARS {
                    return Err(AppError::invalid_text(
                        TOO_LONG
                            .with("field", label.text())
                            .with("max", MAX_FIELD_CHARS)
                            .with("count", count),
                    ));
                }
            }
            Ok(value)
        };
        let name = field(&self.name, &FIELD_NAME)?;
        let phone = field(&self.phone, &FIELD_PHONE)?;
        let email = field(&self.email, &FIELD_EMAIL)?;
        let web = field(&self.web, &FIELD_WEB)?;
        if let Some(p) = &phone {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            let allowed = p
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
            if !allowed || digits < 5 {
                return Err(AppError::invalid_text(
                    BAD_PHONE.with("field", FIELD_PHONE.text()).with("value", p),
                ));
            }
        }
        if let Some(e) = &email {
            let well_formed = match e.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains('@')
                }
                None => false,
            };
            if !well_formed || e.contains(char::is_whitespace) {
                return Err(AppError::invalid_text(
                    BAD_EMAIL.with("field", FIELD_EMAIL.text()).with("value", e),
                ));
            }
        }
        if let Some(w) = &web {
            let rest = w
                .strip_prefix("https://")
                .or_else(|| w.strip_prefix("http://"));
            if !rest.is_some_and(|r| r.contains('.') && !r.starts_with('.'))
                || w.contains(char::is_whitespace)
            {
                return Err(AppError::invalid_text(
                    BAD_WEB.with("field", FIELD_WEB.text()).with("value", w),
                ));
            }
        }
        Ok(SupportContact {
            name,
            phone,
            email,
            web,
        })
    }
}

/// "Namn, telefon …, e-post …" in the language of the message around it.
struct ContactLine(Option<String>, Vec<Text>);

impl ContactLine {
    /// The line as a text: the parts joined with ", " (a template per count keeps it a text).
    fn text(self) -> Text {
        let ContactLine(name, parts) = self;
        let mut all: Vec<assistid_core::text::Param> = Vec::new();
        if let Some(name) = name {
            all.push(name.into());
        }
        all.extend(parts.into_iter().map(Into::into));
        let mut text = templates::JOIN[all.len().saturating_sub(1).min(3)].text();
        for (slot, value) in ["a", "b", "c", "d"].into_iter().zip(all) {
            text = text.with(slot, value);
        }
        text
    }
}

/// The settings' keys with the contact's values.
pub(crate) fn setting_pairs(contact: &SupportContact) -> [(&'static str, Option<&str>); 4] {
    [
        (NAME, contact.name.as_deref()),
        (PHONE, contact.phone.as_deref()),
        (EMAIL, contact.email.as_deref()),
        (WEB, contact.web.as_deref()),
    ]
}

impl App {
    /// The vendor's support contact as set in Settings (all `None` when never set).
    pub fn support_contact(&self) -> anyhow::Result<SupportContact> {
        let store = self.store();
        let get = |key: &str| -> anyhow::Result<Option<String>> {
            Ok(store
                .setting(key)
                .map_err(AppError::from)?
                .filter(|v| !v.trim().is_empty()))
        };
        Ok(SupportContact {
            name: get(NAME)?,
            phone: get(PHONE)?,
            email: get(EMAIL)?,
            web: get(WEB)?,
        })
    }

    /// Sets the vendor's support contact (every field checked first; an empty field removes
    /// it; nothing is stored when one is refused), all in one transaction. Returns what is
    /// stored.
    pub fn set_support_contact(
        &self,
        contact: &SupportContact,
        now: DateTime<Utc>,
    ) -> anyhow::Result<SupportContact> {
        let checked = contact.checked()?;
        self.store().transaction(|s| -> Result<(), AppError> {
            for (key, value) in setting_pairs(&checked) {
                match value {
                    Some(v) => s.set_setting(key, v, now)?,
                    None => {
                        s.remove_setting(key)?;
                    }
                }
            }
            Ok(())
        })?;
        Ok(checked)
    }

    /// How to reach the vendor's support and what to send, in `lang` (see
    /// [`SupportContact::send_bundle_text`]).
    pub fn vendor_support(&self, lang: Lang) -> anyhow::Result<String> {
        Ok(self.support_contact()?.send_bundle_text().render(lang))
    }
}
