//! What each of FK's answers (and each way a send can fail) means, in plain Swedish, and who
//! fixes what — one table, so the CLI and the desktop app say the same (issue 21).
//!
//! Every stored submission carries the stable code of its last problem (`elt_xml_validation`,
//! `elt_answer_timeout`, …, [`assistid_elt::EltError::code`]); [`explain_answer`] turns it into an
//! [`AnswerExplanation`]: a headline, what happened in plain words, who fixes it ([`Fixer`]),
//! what to do, and whether a diagnostics bundle for the vendor's support helps
//! ([`crate::support`]). [`explain_rejection`] adds, for FK's own text, what it says in plain
//! words and — when the fault is in data the coordinator typed (a phone number too short, a
//! name) — where to fix it ([`FixAt`]). FK's own text is always kept verbatim beside it.
//!
//! FK's answer set is the two faults of its WSDL (`XmlValidationError`,
//! `SignatureValidationError`, see ../shared/fk) and the receipt; everything else is transport
//! trouble ([`assistid_elt::EltError`]). The spec test `every_answer_fk_can_give_is_explained`
//! reads the WSDL and proves each has an entry.

use assistid_core::text::{Lang, Template};
use serde::Serialize;

use crate::AppError;

/// FK's partner support for providers, to quote on every screen that sends the user there.
pub const FK_PARTNER_SUPPORT: &str = "Försäkringskassans partnersupport, 0771-17 90 00 (säg att \
     du ringer som assistansanordnare)";

/// How to reach Assistid's own support (the vendor), with what to send.
pub const VENDOR_SUPPORT: &str = "Assistids support: skicka felrapporten (filen som skapas med \
     \"Skapa felrapport till leverantören\" eller `assistid submissions diagnostics`) till den \
     supportadress som står i ert avtal med leverantören, och berätta kort vad du gjorde. \
     Felrapporten innehåller inga personnummer, namn eller tider.";

/// Who fixes a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fixer {
    /// Assistid's vendor: the report or the request Assistid made is wrong (our fault). The
    /// coordinator sends a diagnostics bundle to the vendor's support.
    Vendor,
    /// The coordinator: data in the register or the month, or the signatures.
    Coordinator,
    /// The coordinator, in Settings (certificate, address, CA file, environment).
    Settings,
    /// The coordinator decides after asking FK whether the report arrived (uncertain).
    CheckWithFk,
    /// Nobody: Assistid tries again by itself.
    Nobody,
}

impl Fixer {
    /// The stable code (`vendor`, `coordinator`, `settings`, `check_with_fk`, `nobody`).
    pub fn code(self) -> &'static str {
        match self {
            Fixer::Vendor => "vendor",
            Fixer::Coordinator => "coordinator",
            Fixer::Settings => "settings",
            Fixer::CheckWithFk => "check_with_fk",
            Fixer::Nobody => "nobody",
        }
    }

    /// Who, in Swedish, as a label ("Vem åtgärdar").
    pub fn label_sv(self) -> &'static str {
        self.label(Lang::Sv)
    }

    /// Who, as a label, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let template = match self {
            Fixer::Vendor => &templates::FIXER_VENDOR,
            Fixer::Coordinator => &templates::FIXER_COORDINATOR,
            Fixer::Settings => &templates::FIXER_SETTINGS,
            Fixer::CheckWithFk => &templates::FIXER_CHECK_WITH_FK,
            Fixer::Nobody => &templates::FIXER_NOBODY,
        };
        template.wording(lang)
    }
}

/// What one answer code means (an entry of [`explanations`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerExplanation {
    /// The stable code stored with the submission (`elt_xml_validation`, …).
    pub code: &'static str,
    /// FK's own name of the answer, for FK's two faults (`XmlValidationError`,
    /// `SignatureValidationError`).
    pub fk_name: Option<&'static str>,
    /// One line: what happened.
    pub headline: &'static str,
    /// What it means, in plain Swedish, without jargon.
    pub meaning: &'static str,
    /// Who fixes it.
    pub fixer: Fixer,
    /// What to do, step by step in one paragraph.
    pub what_to_do: &'static str,
    /// Whether a diagnostics bundle for the vendor's support is offered.
    pub diagnostics: bool,
    /// Whether FK's partner support is the place to ask (uncertain sends, FK's own faults).
    pub ask_fk: bool,
    /// The headline, the meaning and what to do in both languages (`answer_<code>_headline`,
    /// `…_meaning`, `…_todo`); the fields above are their Swedish wordings.
    #[serde(skip)]
    pub texts: [Template; 3],
}

impl AnswerExplanation {
    /// This explanation with its headline, meaning and what to do in `lang`.
    pub fn in_lang(&self, lang: Lang) -> AnswerExplanation {
        AnswerExplanation {
            headline: self.texts[0].wording(lang),
            meaning: self.texts[1].wording(lang),
            what_to_do: self.texts[2].wording(lang),
            ..self.clone()
        }
    }
}

/// Every template of the answers table, for the completeness check and the UI's copy.
pub fn catalog() -> Vec<&'static Template> {
    EXPLANATIONS
        .iter()
        .flat_map(|e| e.texts.iter())
        .chain(CATALOG.iter().copied())
        .collect()
}

/// The answers' own messages beside the table (see [`assistid_core::text`]).
pub mod templates {
    use assistid_core::text::Template;

    /// [`super::FK_PARTNER_SUPPORT`] in both languages.
    pub static FK_PARTNER_SUPPORT: Template = Template::new(
        "fk_partner_support",
        super::FK_PARTNER_SUPPORT,
        "Försäkringskassan's partner support, 0771-17 90 00 (say that you are calling as an \
         assistance provider, \"assistansanordnare\")",
    );
    /// [`super::VENDOR_SUPPORT`] in both languages.
    pub static VENDOR_SUPPORT: Template = Template::new(
        "vendor_support_generic",
        super::VENDOR_SUPPORT,
        "The vendor's support: send the problem report (the file made with \"Create a problem \
         report for the vendor\" or `assistid submissions diagnostics`) to the support address \
         in your agreement with the vendor, and say briefly what you did. The problem report \
         holds no personal identity numbers, names or times.",
    );
    /// [`super::Fixer::Vendor`]'s label.
    pub static FIXER_VENDOR: Template = Template::new(
        "fixer_vendor",
        "Leverantören av Assistid (inte ni)",
        "The vendor of Assistid (not you)",
    );
    /// [`super::Fixer::Coordinator`]'s label.
    pub static FIXER_COORDINATOR: Template =
        Template::new("fixer_coordinator", "Ni, i uppgifterna", "You, in the data");
    /// [`super::Fixer::Settings`]'s label.
    pub static FIXER_SETTINGS: Template = Template::new(
        "fixer_settings",
        "Ni, under Inställningar",
        "You, under Settings",
    );
    /// [`super::Fixer::CheckWithFk`]'s label.
    pub static FIXER_CHECK_WITH_FK: Template = Template::new(
        "fixer_check_with_fk",
        "Ni, efter att ha frågat Försäkringskassan",
        "You, after asking Försäkringskassan",
    );
    /// [`super::Fixer::Nobody`]'s label.
    pub static FIXER_NOBODY: Template = Template::new(
        "fixer_nobody",
        "Ingen – Assistid försöker igen själv",
        "Nobody – Assistid tries again by itself",
    );

    /// Every template of this module.
    pub static CATALOG: &[&Template] = &[
        &FK_PARTNER_SUPPORT,
        &VENDOR_SUPPORT,
        &FIXER_VENDOR,
        &FIXER_COORDINATOR,
        &FIXER_SETTINGS,
        &FIXER_CHECK_WITH_FK,
        &FIXER_NOBODY,
    ];
}

use templates::CATALOG;

const fn entry(
    code: &'static str,
    fk_name: Option<&'static str>,
    fixer: Fixer,
    texts: [Template; 3],
    diagnostics: bool,
    ask_fk: bool,
) -> AnswerExplanation {
    AnswerExplanation {
        code,
        fk_name,
        headline: texts[0].sv,
        meaning: texts[1].sv,
        fixer,
        what_to_do: texts[2].sv,
        diagnostics,
        ask_fk,
        texts,
    }
}

const UNCERTAIN_TODO_EN: &str = "Call Försäkringskassan's partner support and ask whether the time report arrived; give the time it was sent. If FK has it: choose \"FK fick den\" (FK received it) and type in the tx-id FK reads out. If FK does not have it: choose \"Skicka igen\" (send again). If it should not be sent at all: choose \"Skicka inte\" (do not send). Assistid never sends it again on its own.";

const UNCERTAIN_TODO: &str = "Ring Försäkringskassans partnersupport och fråga om \
     tidredovisningen kom fram; ange tiden då den skickades. Har FK den: välj \"FK fick den\" \
     och skriv in tx-id som FK läser upp. Har FK den inte: välj \"Skicka igen\". Ska den inte \
     skickas alls: välj \"Skicka inte\". Assistid skickar den aldrig igen på egen hand.";

static EXPLANATIONS: [AnswerExplanation; 22] = [
    entry(
        "elt_xml_validation",
        Some("XmlValidationError"),
        Fixer::Vendor,
        [
            Template::new(
                "answer_elt_xml_validation_headline",
                "Försäkringskassan avvisade filen: den följer inte deras format",
                "Försäkringskassan refused the file: it does not follow their format",
            ),
            Template::new(
                "answer_elt_xml_validation_meaning",
                "Försäkringskassan tog emot tidredovisningen men kunde inte läsa den, eftersom filen \
             inte följer deras tekniska mall. Filen skapas av Assistid, så felet ligger nästan \
             alltid hos oss och inte i era uppgifter. Rapporten är inte inskickad.",
                "Försäkringskassan received the time report but could not read it, because the file does not follow their technical template. The file is made by Assistid, so the fault is almost always ours and not in your data. The report has not been submitted.",
            ),
            Template::new(
                "answer_elt_xml_validation_todo",
                "Skapa en felrapport till leverantören och skicka den till Assistids support. Står \
             det nedan att en uppgift ni har skrivit in är fel (till exempel ett för kort \
             telefonnummer), rätta den; då skapas en ny version som signeras och skickas igen.",
                "Create a problem report for the vendor and send it to the vendor's support. If it says below that a value you typed is wrong (for example a phone number that is too short), correct it; a new version is then made, signed and sent again.",
            ),
        ],
        true,
        false,
    ),
    entry(
        "elt_signature_validation",
        Some("SignatureValidationError"),
        Fixer::Vendor,
        [
            Template::new(
                "answer_elt_signature_validation_headline",
                "Försäkringskassan godtog inte BankID-underskrifterna",
                "Försäkringskassan did not accept the BankID signatures",
            ),
            Template::new(
                "answer_elt_signature_validation_meaning",
                "Försäkringskassan tog emot tidredovisningen men kunde inte kontrollera \
             underskrifterna. Assistid kontrollerar varje underskrift innan den sparas, så felet \
             ligger troligen i hur underskriften skickades, inte hos den som skrev under. \
             Rapporten är inte inskickad.",
                "Försäkringskassan received the time report but could not check the signatures. Assistid checks every signature before it is saved, so the fault is probably in how the signature was sent, not with the person who signed. The report has not been submitted.",
            ),
            Template::new(
                "answer_elt_signature_validation_todo",
                "Skapa en felrapport till leverantören och skicka den till Assistids support. \
             Supporten säger om assistenten och anordnaren ska skriva under på nytt; gör det \
             inte innan dess.",
                "Create a problem report for the vendor and send it to the vendor's support. The support tells you whether the assistant and the provider should sign again; do not do so before that.",
            ),
        ],
        true,
        true,
    ),
    entry(
        "elt_soap_fault",
        None,
        Fixer::CheckWithFk,
        [
            Template::new(
                "answer_elt_soap_fault_headline",
                "Försäkringskassan svarade med ett fel som inte finns i deras beskrivning",
                "Försäkringskassan answered with an error that is not in their description",
            ),
            Template::new(
                "answer_elt_soap_fault_meaning",
                "Svaret var inget av Försäkringskassans två kända fel och inget kvitto. Det går inte \
             att veta om tidredovisningen togs emot.",
                "The answer was neither of Försäkringskassan's two known errors nor a receipt. There is no knowing whether the time report was received.",
            ),
            Template::new(
                "answer_elt_soap_fault_todo",
                UNCERTAIN_TODO,
                UNCERTAIN_TODO_EN,
            ),
        ],
        true,
        true,
    ),
    entry(
        "elt_unexpected_answer",
        None,
        Fixer::CheckWithFk,
        [
            Template::new(
                "answer_elt_unexpected_answer_headline",
                "Svaret från Försäkringskassan gick inte att läsa",
                "The answer from Försäkringskassan could not be read",
            ),
            Template::new(
                "answer_elt_unexpected_answer_meaning",
                "Något svarade, men inte med ett kvitto eller ett känt fel (till exempel en \
             felsida). Det går inte att veta om tidredovisningen togs emot.",
                "Something answered, but not with a receipt or a known error (for example an error page). There is no knowing whether the time report was received.",
            ),
            Template::new(
                "answer_elt_unexpected_answer_todo",
                UNCERTAIN_TODO,
                UNCERTAIN_TODO_EN,
            ),
        ],
        true,
        true,
    ),
    entry(
        "elt_answer_timeout",
        None,
        Fixer::CheckWithFk,
        [
            Template::new(
                "answer_elt_answer_timeout_headline",
                "Inget svar kom i tid",
                "No answer came in time",
            ),
            Template::new(
                "answer_elt_answer_timeout_meaning",
                "Tidredovisningen skickades, men Försäkringskassan svarade inte i tid. Den kan ha \
             kommit fram.",
                "The time report was sent, but Försäkringskassan did not answer in time. It may have arrived.",
            ),
            Template::new(
                "answer_elt_answer_timeout_todo",
                UNCERTAIN_TODO,
                UNCERTAIN_TODO_EN,
            ),
        ],
        false,
        true,
    ),
    entry(
        "elt_connection_lost",
        None,
        Fixer::CheckWithFk,
        [
            Template::new(
                "answer_elt_connection_lost_headline",
                "Förbindelsen bröts innan svaret kom",
                "The connection broke before the answer came",
            ),
            Template::new(
                "answer_elt_connection_lost_meaning",
                "Tidredovisningen skickades, men förbindelsen bröts innan Försäkringskassan \
             svarade. Den kan ha kommit fram.",
                "The time report was sent, but the connection broke before Försäkringskassan answered. It may have arrived.",
            ),
            Template::new(
                "answer_elt_connection_lost_todo",
                UNCERTAIN_TODO,
                UNCERTAIN_TODO_EN,
            ),
        ],
        false,
        true,
    ),
    entry(
        "elt_transport",
        None,
        Fixer::CheckWithFk,
        [
            Template::new(
                "answer_elt_transport_headline",
                "Ett oväntat fel i förbindelsen",
                "An unexpected error in the connection",
            ),
            Template::new(
                "answer_elt_transport_meaning",
                "Något gick fel i förbindelsen medan tidredovisningen skickades. Den kan ha kommit \
             fram.",
                "Something went wrong in the connection while the time report was being sent. It may have arrived.",
            ),
            Template::new(
                "answer_elt_transport_todo",
                UNCERTAIN_TODO,
                UNCERTAIN_TODO_EN,
            ),
        ],
        true,
        true,
    ),
    entry(
        "interrupted",
        None,
        Fixer::CheckWithFk,
        [
            Template::new(
                "answer_interrupted_headline",
                "Programmet stängdes medan tidredovisningen skickades",
                "The program was closed while the time report was being sent",
            ),
            Template::new(
                "answer_interrupted_meaning",
                "Assistid avslutades (eller datorn stängdes av) medan tidredovisningen var på väg. \
             Den kan ha kommit fram.",
                "Assistid was closed (or the computer shut down) while the time report was on its way. It may have arrived.",
            ),
            Template::new("answer_interrupted_todo", UNCERTAIN_TODO, UNCERTAIN_TODO_EN),
        ],
        false,
        true,
    ),
    entry(
        "elt_service_unavailable",
        None,
        Fixer::Nobody,
        [
            Template::new(
                "answer_elt_service_unavailable_headline",
                "Försäkringskassans tjänst var tillfälligt stängd",
                "Försäkringskassan's service was closed for the moment",
            ),
            Template::new(
                "answer_elt_service_unavailable_meaning",
                "Tjänsten tog inte emot något just då. Tidredovisningen kom inte fram.",
                "The service did not take anything in just then. The time report did not arrive.",
            ),
            Template::new(
                "answer_elt_service_unavailable_todo",
                "Inget: Assistid försöker igen automatiskt. Består det en dag, fråga \
             Försäkringskassans partnersupport om driftstörningar.",
                "Nothing: Assistid tries again automatically. If it lasts a day, ask Försäkringskassan's partner support about disruptions.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_unreachable",
        None,
        Fixer::Nobody,
        [
            Template::new(
                "answer_elt_unreachable_headline",
                "Försäkringskassan gick inte att nå",
                "Försäkringskassan could not be reached",
            ),
            Template::new(
                "answer_elt_unreachable_meaning",
                "Datorn fick ingen förbindelse med Försäkringskassan (inget internet, eller en \
             brandvägg som stoppar porten). Tidredovisningen kom inte fram.",
                "The computer got no connection with Försäkringskassan (no internet, or a firewall that blocks the port). The time report did not arrive.",
            ),
            Template::new(
                "answer_elt_unreachable_todo",
                "Kontrollera internetanslutningen. Assistid försöker igen automatiskt. På ett \
             kontorsnät: be den som sköter nätet släppa igenom port 8020 (produktion) eller \
             5000 (test).",
                "Check the internet connection. Assistid tries again automatically. On an office network: ask whoever runs the network to let port 8020 (production) or 5000 (test) through.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_connect_timeout",
        None,
        Fixer::Nobody,
        [
            Template::new(
                "answer_elt_connect_timeout_headline",
                "Försäkringskassan svarade inte när förbindelsen skulle öppnas",
                "Försäkringskassan did not answer when the connection was to be opened",
            ),
            Template::new(
                "answer_elt_connect_timeout_meaning",
                "Ingen förbindelse kom till stånd, så tidredovisningen kom inte fram.",
                "No connection was made, so the time report did not arrive.",
            ),
            Template::new(
                "answer_elt_connect_timeout_todo",
                "Inget: Assistid försöker igen automatiskt. Händer det varje gång, kontrollera \
             internetanslutningen och brandväggen (port 8020 eller 5000).",
                "Nothing: Assistid tries again automatically. If it happens every time, check the internet connection and the firewall (port 8020 or 5000).",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_not_fk_service",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_not_fk_service_headline",
                "Adressen leder inte till Försäkringskassans tjänst",
                "The address does not lead to Försäkringskassan's service",
            ),
            Template::new(
                "answer_elt_not_fk_service_meaning",
                "Servern på adressen är inte Försäkringskassans tjänst för tidredovisning, eller \
             nekade åtkomst (till exempel för att ert certifikat inte är anmält hos FK). \
             Tidredovisningen kom inte fram.",
                "The server at the address is not Försäkringskassan's service for time reports, or it refused access (for example because your certificate is not registered with FK). The time report did not arrive.",
            ),
            Template::new(
                "answer_elt_not_fk_service_todo",
                "Kontrollera adressen under Inställningar mot den Försäkringskassan har gett er. \
             Nekades åtkomst: fråga Försäkringskassans partnersupport om ert certifikat är \
             registrerat för tidredovisning.",
                "Check the address under Settings against the one Försäkringskassan gave you. If access was refused: ask Försäkringskassan's partner support whether your certificate is registered for time reports.",
            ),
        ],
        false,
        true,
    ),
    entry(
        "elt_server_not_trusted",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_server_not_trusted_headline",
                "Servern gick inte att lita på",
                "The server could not be trusted",
            ),
            Template::new(
                "answer_elt_server_not_trusted_meaning",
                "Servern kunde inte visa att den är Försäkringskassan. Assistid skickade därför \
             ingenting.",
                "The server could not show that it is Försäkringskassan. Assistid therefore sent nothing.",
            ),
            Template::new(
                "answer_elt_server_not_trusted_todo",
                "Kontrollera adressen och Försäkringskassans CA-fil under Inställningar. Skicka \
             inte från ett nät där någon kan läsa av trafiken.",
                "Check the address and Försäkringskassan's CA file under Settings. Do not send from a network where someone can read the traffic.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_client_certificate_rejected",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_client_certificate_rejected_headline",
                "Försäkringskassan godtog inte ert certifikat",
                "Försäkringskassan did not accept your certificate",
            ),
            Template::new(
                "answer_elt_client_certificate_rejected_meaning",
                "Certifikatet som visar att det är ni som skickar (e-tjänstelegitimationen från \
             Expisoft) godtogs inte. Tidredovisningen kom inte fram.",
                "The certificate that shows it is you sending (the e-service certificate from Expisoft) was not accepted. The time report did not arrive.",
            ),
            Template::new(
                "answer_elt_client_certificate_rejected_todo",
                "Kontrollera under Inställningar att rätt certifikatfil är vald och att den gäller. \
             Fråga annars Försäkringskassans partnersupport om certifikatet är anmält.",
                "Check under Settings that the right certificate file is chosen and that it is valid. Otherwise ask Försäkringskassan's partner support whether the certificate is registered.",
            ),
        ],
        false,
        true,
    ),
    entry(
        "elt_client_certificate_expired",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_client_certificate_expired_headline",
                "Certifikatet för Försäkringskassan har gått ut",
                "The certificate for Försäkringskassan has expired",
            ),
            Template::new(
                "answer_elt_client_certificate_expired_meaning",
                "Certifikatet som visar att det är ni som skickar gäller inte längre. Inget kan \
             skickas innan ett nytt är inlagt.",
                "The certificate that shows it is you sending is no longer valid. Nothing can be sent before a new one is entered.",
            ),
            Template::new(
                "answer_elt_client_certificate_expired_todo",
                "Förnya certifikatet hos Expisoft och lägg in den nya filen under Inställningar.",
                "Renew the certificate with Expisoft and enter the new file under Settings.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_wrong_certificate_password",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_wrong_certificate_password_headline",
                "Fel lösenord till certifikatfilen",
                "Wrong password for the certificate file",
            ),
            Template::new(
                "answer_elt_wrong_certificate_password_meaning",
                "Certifikatfilen gick inte att öppna med det sparade lösenordet. Inget skickades.",
                "The certificate file could not be opened with the saved password. Nothing was sent.",
            ),
            Template::new(
                "answer_elt_wrong_certificate_password_todo",
                "Lägg in certifikatfilen igen under Inställningar med lösenordet som hörde till \
             filen från Expisoft.",
                "Enter the certificate file again under Settings with the password that came with the file from Expisoft.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_several_client_keys",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_several_client_keys_headline",
                "Certifikatfilen innehåller flera nycklar",
                "The certificate file holds several keys",
            ),
            Template::new(
                "answer_elt_several_client_keys_meaning",
                "Assistid vet inte vilken av nycklarna i filen som ska användas. Inget skickades.",
                "Assistid does not know which of the keys in the file to use. Nothing was sent.",
            ),
            Template::new(
                "answer_elt_several_client_keys_todo",
                "Välj nyckel i fältet \"Nyckel i filen\" under Inställningar.",
                "Choose the key in the field \"Nyckel i filen\" (key in the file) under Settings.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_tls_negotiation",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_tls_negotiation_headline",
                "Ingen säker förbindelse kunde öppnas",
                "No secure connection could be opened",
            ),
            Template::new(
                "answer_elt_tls_negotiation_meaning",
                "Datorn och servern kom inte överens om hur förbindelsen skulle krypteras. Inget \
             skickades.",
                "The computer and the server did not agree on how to encrypt the connection. Nothing was sent.",
            ),
            Template::new(
                "answer_elt_tls_negotiation_todo",
                "Kontrollera adressen och porten under Inställningar, och att ingen proxy eller \
             brandvägg bryter upp trafiken. Består felet: skapa en felrapport till \
             leverantören.",
                "Check the address and the port under Settings, and that no proxy or firewall breaks up the traffic. If the error remains: create a problem report for the vendor.",
            ),
        ],
        true,
        false,
    ),
    entry(
        "elt_invalid_certificate_file",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_invalid_certificate_file_headline",
                "Certifikatfilen kan inte användas",
                "The certificate file cannot be used",
            ),
            Template::new(
                "answer_elt_invalid_certificate_file_meaning",
                "Filen som är vald som certifikat är inte en certifikatfil från Expisoft, eller \
             saknar nyckeln. Inget skickades.",
                "The file chosen as certificate is not a certificate file from Expisoft, or lacks the key. Nothing was sent.",
            ),
            Template::new(
                "answer_elt_invalid_certificate_file_todo",
                "Välj filen från Expisoft (.p12 eller .pfx) under Inställningar.",
                "Choose the file from Expisoft (.p12 or .pfx) under Settings.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_invalid_trust_anchor",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_invalid_trust_anchor_headline",
                "Försäkringskassans CA-fil kan inte läsas",
                "Försäkringskassan's CA file cannot be read",
            ),
            Template::new(
                "answer_elt_invalid_trust_anchor_meaning",
                "Filen som säger vilken server som är Försäkringskassans gick inte att läsa. Inget \
             skickades.",
                "The file that says which server is Försäkringskassan's could not be read. Nothing was sent.",
            ),
            Template::new(
                "answer_elt_invalid_trust_anchor_todo",
                "Välj Försäkringskassans CA-fil (PEM) igen under Inställningar.",
                "Choose Försäkringskassan's CA file (PEM) again under Settings.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_invalid_endpoint",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_invalid_endpoint_headline",
                "Adressen till Försäkringskassan är ogiltig",
                "The address of Försäkringskassan is not valid",
            ),
            Template::new(
                "answer_elt_invalid_endpoint_meaning",
                "Adressen under Inställningar är ingen giltig https-adress. Inget skickades.",
                "The address under Settings is not a valid https address. Nothing was sent.",
            ),
            Template::new(
                "answer_elt_invalid_endpoint_todo",
                "Rätta adressen under Inställningar till den Försäkringskassan har gett er.",
                "Correct the address under Settings to the one Försäkringskassan gave you.",
            ),
        ],
        false,
        false,
    ),
    entry(
        "elt_environment_mismatch",
        None,
        Fixer::Settings,
        [
            Template::new(
                "answer_elt_environment_mismatch_headline",
                "Fel miljö",
                "Wrong environment",
            ),
            Template::new(
                "answer_elt_environment_mismatch_meaning",
                "Demodata kan inte skickas till Försäkringskassan, och riktiga uppgifter inte till \
             demoläget. Inget skickades.",
                "Demo data cannot be sent to Försäkringskassan, and real data not to the demo. Nothing was sent.",
            ),
            Template::new(
                "answer_elt_environment_mismatch_todo",
                "Välj rätt miljö under Inställningar (test eller produktion för riktiga uppgifter).",
                "Choose the right environment under Settings (test or production for real data).",
            ),
        ],
        false,
        false,
    ),
];

/// Every explanation, one per code.
pub fn explanations() -> &'static [AnswerExplanation] {
    &EXPLANATIONS
}

/// The explanation of a stored problem code (`elt_xml_validation`, `interrupted`, …).
pub fn explain_answer(code: &str) -> Option<&'static AnswerExplanation> {
    EXPLANATIONS.iter().find(|e| e.code == code)
}

/// The explanation of one of FK's own faults by FK's name (`XmlValidationError`, …).
pub fn explain_fk_fault(fk_name: &str) -> Option<&'static AnswerExplanation> {
    EXPLANATIONS.iter().find(|e| e.fk_name == Some(fk_name))
}

/// Where the coordinator fixes a value FK refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixAt {
    /// The screen: `register` (the provider, persons and assistants) or `month` (the shifts).
    pub screen: &'static str,
    /// The field, in Swedish ("Anordnarens telefonnummer").
    pub field: &'static str,
    /// FK's element name, as FK's text names it.
    pub element: String,
    /// The value FK quoted, when it quoted one (masked when it looks like a personnummer).
    pub value: Option<String>,
}

/// One rejected (or otherwise failed) submission explained: the table's entry, FK's text in
/// plain words, and where to fix it when the coordinator can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerAdvice {
    /// The table's entry, with `fixer` changed to [`Fixer::Coordinator`] when FK's text points
    /// at a value the coordinator typed.
    pub explanation: AnswerExplanation,
    /// FK's text (or the stored message) in plain Swedish, when it could be read.
    pub fk_text_plain: Option<String>,
    /// Where to fix it, when the coordinator can.
    pub fix_at: Option<FixAt>,
    /// FK's own text, verbatim (shown beside the explanation).
    pub fk_text: Option<String>,
    /// [`FK_PARTNER_SUPPORT`] when asking FK helps.
    pub fk_support: Option<&'static str>,
    /// How to reach the vendor's support and what to send, when the vendor fixes it:
    /// [`VENDOR_SUPPORT`] here, the contact set in Settings once the app fills it in
    /// ([`crate::support_contact`], [`crate::App::submission_detail`]).
    pub vendor_support: Option<String>,
}

impl AnswerAdvice {
    /// This advice in `lang`: the table's headline, meaning and what to do, the label texts
    /// and the supports. FK's own text stays verbatim; its plain reading (`fk_text_plain`) and
    /// the field to fix are still Swedish.
    pub fn in_lang(self, lang: Lang) -> AnswerAdvice {
        AnswerAdvice {
            explanation: self.explanation.in_lang(lang),
            fk_support: self
                .fk_support
                .map(|_| templates::FK_PARTNER_SUPPORT.wording(lang)),
            vendor_support: self.vendor_support.map(|v| {
                if v == VENDOR_SUPPORT {
                    templates::VENDOR_SUPPORT.wording(lang).to_owned()
                } else {
                    v
                }
            }),
            ..self
        }
    }
}

/// The explanation of a failed submission: `code` is the stored problem code, `fk_text` FK's
/// fault text as received. `None` for a code the table does not know.
pub fn explain_rejection(code: &str, fk_text: Option<&str>) -> Option<AnswerAdvice> {
    let mut explanation = explain_answer(code)?.clone();
    let reading = fk_text.and_then(read_schema_message);
    let fix_at = reading.as_ref().and_then(|r| r.fix_at.clone());
    if fix_at.is_some() {
        explanation.fixer = Fixer::Coordinator;
    }
    Some(AnswerAdvice {
        fk_text_plain: reading.map(|r| r.plain),
        fix_at,
        fk_text: fk_text.map(str::to_owned),
        fk_support: explanation.ask_fk.then_some(FK_PARTNER_SUPPORT),
        vendor_support: (explanation.fixer == Fixer::Vendor || explanation.diagnostics)
            .then(|| VENDOR_SUPPORT.to_owned()),
        explanation,
    })
}

struct SchemaReading {
    plain: String,
    fix_at: Option<FixAt>,
}

/// The text between the first pair of single quotes after `marker`.
fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let open = rest.find('\'')? + 1;
    let close = rest[open..].find('\'')?;
    Some(&rest[open..open + close])
}

/// The local name of an element as a validator writes it (`'{"ns":telefonnummer}'`,
/// `'ns:telefonnummer'` or `'telefonnummer'`).
fn local_name(raw: &str) -> &str {
    let raw = raw.trim_matches(|c| c == '{' || c == '}' || c == '"');
    raw.rsplit([':', '}', '"']).next().unwrap_or(raw)
}

/// Elements whose content the coordinator typed, and where to fix them.
fn typed_field(element: &str) -> Option<(&'static str, &'static str)> {
    Some(match element {
        "telefonnummerAnordnare" => ("register", "Anordnarens telefonnummer"),
        "telefonnummerAssistent" => ("register", "Assistentens telefonnummer"),
        "telefonnummer" => ("register", "Anordnarens telefonnummer"),
        "anordnareNamn" => ("register", "Anordnarens namn"),
        "kontaktperson" => ("register", "Anordnarens kontaktperson"),
        "fornamn" => ("register", "Förnamn (assistent eller person med assistans)"),
        "efternamn" => (
            "register",
            "Efternamn (assistent eller person med assistans)",
        ),
        "arbetsgivareNamn" => ("register", "Arbetsgivarens namn"),
        _ => return None,
    })
}

/// FK's field names in plain Swedish, for the explanation.
fn field_in_words(element: &str) -> String {
    match element {
        "fromTid" => "starttiden på en rad".to_owned(),
        "tomTid" => "sluttiden på en rad".to_owned(),
        "dag" => "dagen på en rad".to_owned(),
        "rapportRad" | "tidrapport" => "raderna i tidredovisningen".to_owned(),
        "personnummer" | "samordningsnummer" => "ett personnummer".to_owned(),
        "organisationsnummer" => "organisationsnumret".to_owned(),
        "redovisningsmanad" => "månaden".to_owned(),
        "id" => "tidredovisningens id".to_owned(),
        other => match typed_field(other) {
            Some((_, field)) => field.to_lowercase(),
            None => format!("fältet {other}"),
        },
    }
}

/// Reads a schema validator's message (Xerces' `cvc-…` codes, as FK's service writes them)
/// into plain Swedish, with where to fix the value when the coordinator typed it.
fn read_schema_message(text: &str) -> Option<SchemaReading> {
    let masked = assistid_import::mask_identity_numbers(text);
    let value = quoted_after(&masked, "Value").or_else(|| quoted_after(&masked, "value"));
    let element = quoted_after(&masked, "of element")
        .or_else(|| quoted_after(&masked, "starting with element"))
        .or_else(|| quoted_after(&masked, "content of element"))
        .map(local_name);
    let what = element.map_or_else(|| "ett fält".to_owned(), field_in_words);
    let shown = value.map(|v| format!(" (\"{v}\")")).unwrap_or_default();
    let plain = if masked.contains("cvc-pattern-valid") {
        format!("Värdet{shown} i {what} har fel form enligt Försäkringskassans mall.")
    } else if masked.contains("cvc-minLength-valid") {
        format!("Värdet{shown} i {what} är för kort enligt Försäkringskassans mall.")
    } else if masked.contains("cvc-maxLength-valid") {
        format!("Värdet{shown} i {what} är för långt enligt Försäkringskassans mall.")
    } else if masked.contains("cvc-enumeration-valid") {
        format!("Värdet{shown} i {what} är inte ett av de tillåtna värdena.")
    } else if masked.contains("cvc-datatype-valid") || masked.contains("cvc-type.3.1.3") {
        format!("Värdet{shown} i {what} är inte av rätt slag (till exempel ett datum eller tal).")
    } else if masked.contains("cvc-complex-type.2.4.a") {
        format!("Filen har {what} på ett ställe där Försäkringskassan väntade sig något annat.")
    } else if masked.contains("cvc-complex-type.2.4.b") {
        format!("Något saknas i {what}.")
    } else {
        return None;
    };
    let fix_at = element.and_then(|e| {
        typed_field(e).map(|(screen, field)| FixAt {
            screen,
            field,
            element: e.to_owned(),
            value: value.map(str::to_owned),
        })
    });
    Some(SchemaReading { plain, fix_at })
}

/// A tx-id as the coordinator typed it (read aloud by FK, copied from a mail), checked against
/// the form FK issues — a UUID, `4a8db4b8-bc29-4406-901c-3f69298cabe3` — and returned in
/// lowercase. Spaces around it are ignored; anything else wrong is named.
pub fn parse_tx_id(text: &str) -> Result<String, AppError> {
    let typed = text.trim();
    use crate::invalid::templates as t;
    let problem = |what: assistid_core::text::Text| {
        Err(AppError::invalid_with(
            "tx-id",
            t::NOT_A_TX_ID.with("what", what),
        ))
    };
    if typed.is_empty() {
        return problem(t::TX_ID_EMPTY.text());
    }
    if let Some(bad) = typed
        .chars()
        .find(|c| !(c.is_ascii_hexdigit() || *c == '-'))
    {
        return problem(
            t::TX_ID_BAD_CHARACTER
                .with("value", typed)
                .with("character", bad.to_string()),
        );
    }
    let groups: Vec<usize> = typed.split('-').map(str::len).collect();
    if groups != [8, 4, 4, 4, 12] {
        let count = typed.chars().count();
        return problem(
            t::TX_ID_BAD_GROUPS
                .with("value", typed)
                .with("count", count)
                .with(
                    "groups",
                    groups
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("-"),
                ),
        );
    }
    Ok(typed.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        for (i, e) in EXPLANATIONS.iter().enumerate() {
            assert!(
                EXPLANATIONS[i + 1..].iter().all(|o| o.code != e.code),
                "{} is explained once",
                e.code
            );
        }
    }

    #[test]
    fn local_names_lose_their_namespace() {
        assert_eq!(local_name("{\"urn:x\":telefonnummer}"), "telefonnummer");
        assert_eq!(local_name("ns2:fromTid"), "fromTid");
        assert_eq!(local_name("dag"), "dag");
    }
}
