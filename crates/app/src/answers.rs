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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
        match self {
            Fixer::Vendor => "Leverantören av Assistid (inte ni)",
            Fixer::Coordinator => "Ni, i uppgifterna",
            Fixer::Settings => "Ni, under Inställningar",
            Fixer::CheckWithFk => "Ni, efter att ha frågat Försäkringskassan",
            Fixer::Nobody => "Ingen – Assistid försöker igen själv",
        }
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
}

const fn entry(
    code: &'static str,
    fk_name: Option<&'static str>,
    fixer: Fixer,
    texts: [&'static str; 3],
    diagnostics: bool,
    ask_fk: bool,
) -> AnswerExplanation {
    AnswerExplanation {
        code,
        fk_name,
        headline: texts[0],
        meaning: texts[1],
        fixer,
        what_to_do: texts[2],
        diagnostics,
        ask_fk,
    }
}

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
            "Försäkringskassan avvisade filen: den följer inte deras format",
            "Försäkringskassan tog emot tidredovisningen men kunde inte läsa den, eftersom filen \
             inte följer deras tekniska mall. Filen skapas av Assistid, så felet ligger nästan \
             alltid hos oss och inte i era uppgifter. Rapporten är inte inskickad.",
            "Skapa en felrapport till leverantören och skicka den till Assistids support. Står \
             det nedan att en uppgift ni har skrivit in är fel (till exempel ett för kort \
             telefonnummer), rätta den; då skapas en ny version som signeras och skickas igen.",
        ],
        true,
        false,
    ),
    entry(
        "elt_signature_validation",
        Some("SignatureValidationError"),
        Fixer::Vendor,
        [
            "Försäkringskassan godtog inte BankID-underskrifterna",
            "Försäkringskassan tog emot tidredovisningen men kunde inte kontrollera \
             underskrifterna. Assistid kontrollerar varje underskrift innan den sparas, så felet \
             ligger troligen i hur underskriften skickades, inte hos den som skrev under. \
             Rapporten är inte inskickad.",
            "Skapa en felrapport till leverantören och skicka den till Assistids support. \
             Supporten säger om assistenten och anordnaren ska skriva under på nytt; gör det \
             inte innan dess.",
        ],
        true,
        true,
    ),
    entry(
        "elt_soap_fault",
        None,
        Fixer::CheckWithFk,
        [
            "Försäkringskassan svarade med ett fel som inte finns i deras beskrivning",
            "Svaret var inget av Försäkringskassans två kända fel och inget kvitto. Det går inte \
             att veta om tidredovisningen togs emot.",
            UNCERTAIN_TODO,
        ],
        true,
        true,
    ),
    entry(
        "elt_unexpected_answer",
        None,
        Fixer::CheckWithFk,
        [
            "Svaret från Försäkringskassan gick inte att läsa",
            "Något svarade, men inte med ett kvitto eller ett känt fel (till exempel en \
             felsida). Det går inte att veta om tidredovisningen togs emot.",
            UNCERTAIN_TODO,
        ],
        true,
        true,
    ),
    entry(
        "elt_answer_timeout",
        None,
        Fixer::CheckWithFk,
        [
            "Inget svar kom i tid",
            "Tidredovisningen skickades, men Försäkringskassan svarade inte i tid. Den kan ha \
             kommit fram.",
            UNCERTAIN_TODO,
        ],
        false,
        true,
    ),
    entry(
        "elt_connection_lost",
        None,
        Fixer::CheckWithFk,
        [
            "Förbindelsen bröts innan svaret kom",
            "Tidredovisningen skickades, men förbindelsen bröts innan Försäkringskassan \
             svarade. Den kan ha kommit fram.",
            UNCERTAIN_TODO,
        ],
        false,
        true,
    ),
    entry(
        "elt_transport",
        None,
        Fixer::CheckWithFk,
        [
            "Ett oväntat fel i förbindelsen",
            "Något gick fel i förbindelsen medan tidredovisningen skickades. Den kan ha kommit \
             fram.",
            UNCERTAIN_TODO,
        ],
        true,
        true,
    ),
    entry(
        "interrupted",
        None,
        Fixer::CheckWithFk,
        [
            "Programmet stängdes medan tidredovisningen skickades",
            "Assistid avslutades (eller datorn stängdes av) medan tidredovisningen var på väg. \
             Den kan ha kommit fram.",
            UNCERTAIN_TODO,
        ],
        false,
        true,
    ),
    entry(
        "elt_service_unavailable",
        None,
        Fixer::Nobody,
        [
            "Försäkringskassans tjänst var tillfälligt stängd",
            "Tjänsten tog inte emot något just då. Tidredovisningen kom inte fram.",
            "Inget: Assistid försöker igen automatiskt. Består det en dag, fråga \
             Försäkringskassans partnersupport om driftstörningar.",
        ],
        false,
        false,
    ),
    entry(
        "elt_unreachable",
        None,
        Fixer::Nobody,
        [
            "Försäkringskassan gick inte att nå",
            "Datorn fick ingen förbindelse med Försäkringskassan (inget internet, eller en \
             brandvägg som stoppar porten). Tidredovisningen kom inte fram.",
            "Kontrollera internetanslutningen. Assistid försöker igen automatiskt. På ett \
             kontorsnät: be den som sköter nätet släppa igenom port 8020 (produktion) eller \
             5000 (test).",
        ],
        false,
        false,
    ),
    entry(
        "elt_connect_timeout",
        None,
        Fixer::Nobody,
        [
            "Försäkringskassan svarade inte när förbindelsen skulle öppnas",
            "Ingen förbindelse kom till stånd, så tidredovisningen kom inte fram.",
            "Inget: Assistid försöker igen automatiskt. Händer det varje gång, kontrollera \
             internetanslutningen och brandväggen (port 8020 eller 5000).",
        ],
        false,
        false,
    ),
    entry(
        "elt_not_fk_service",
        None,
        Fixer::Settings,
        [
            "Adressen leder inte till Försäkringskassans tjänst",
            "Servern på adressen är inte Försäkringskassans tjänst för tidredovisning, eller \
             nekade åtkomst (till exempel för att ert certifikat inte är anmält hos FK). \
             Tidredovisningen kom inte fram.",
            "Kontrollera adressen under Inställningar mot den Försäkringskassan har gett er. \
             Nekades åtkomst: fråga Försäkringskassans partnersupport om ert certifikat är \
             registrerat för tidredovisning.",
        ],
        false,
        true,
    ),
    entry(
        "elt_server_not_trusted",
        None,
        Fixer::Settings,
        [
            "Servern gick inte att lita på",
            "Servern kunde inte visa att den är Försäkringskassan. Assistid skickade därför \
             ingenting.",
            "Kontrollera adressen och Försäkringskassans CA-fil under Inställningar. Skicka \
             inte från ett nät där någon kan läsa av trafiken.",
        ],
        false,
        false,
    ),
    entry(
        "elt_client_certificate_rejected",
        None,
        Fixer::Settings,
        [
            "Försäkringskassan godtog inte ert certifikat",
            "Certifikatet som visar att det är ni som skickar (e-tjänstelegitimationen från \
             Expisoft) godtogs inte. Tidredovisningen kom inte fram.",
            "Kontrollera under Inställningar att rätt certifikatfil är vald och att den gäller. \
             Fråga annars Försäkringskassans partnersupport om certifikatet är anmält.",
        ],
        false,
        true,
    ),
    entry(
        "elt_client_certificate_expired",
        None,
        Fixer::Settings,
        [
            "Certifikatet för Försäkringskassan har gått ut",
            "Certifikatet som visar att det är ni som skickar gäller inte längre. Inget kan \
             skickas innan ett nytt är inlagt.",
            "Förnya certifikatet hos Expisoft och lägg in den nya filen under Inställningar.",
        ],
        false,
        false,
    ),
    entry(
        "elt_wrong_certificate_password",
        None,
        Fixer::Settings,
        [
            "Fel lösenord till certifikatfilen",
            "Certifikatfilen gick inte att öppna med det sparade lösenordet. Inget skickades.",
            "Lägg in certifikatfilen igen under Inställningar med lösenordet som hörde till \
             filen från Expisoft.",
        ],
        false,
        false,
    ),
    entry(
        "elt_several_client_keys",
        None,
        Fixer::Settings,
        [
            "Certifikatfilen innehåller flera nycklar",
            "Assistid vet inte vilken av nycklarna i filen som ska användas. Inget skickades.",
            "Välj nyckel i fältet \"Nyckel i filen\" under Inställningar.",
        ],
        false,
        false,
    ),
    entry(
        "elt_tls_negotiation",
        None,
        Fixer::Settings,
        [
            "Ingen säker förbindelse kunde öppnas",
            "Datorn och servern kom inte överens om hur förbindelsen skulle krypteras. Inget \
             skickades.",
            "Kontrollera adressen och porten under Inställningar, och att ingen proxy eller \
             brandvägg bryter upp trafiken. Består felet: skapa en felrapport till \
             leverantören.",
        ],
        true,
        false,
    ),
    entry(
        "elt_invalid_certificate_file",
        None,
        Fixer::Settings,
        [
            "Certifikatfilen kan inte användas",
            "Filen som är vald som certifikat är inte en certifikatfil från Expisoft, eller \
             saknar nyckeln. Inget skickades.",
            "Välj filen från Expisoft (.p12 eller .pfx) under Inställningar.",
        ],
        false,
        false,
    ),
    entry(
        "elt_invalid_trust_anchor",
        None,
        Fixer::Settings,
        [
            "Försäkringskassans CA-fil kan inte läsas",
            "Filen som säger vilken server som är Försäkringskassans gick inte att läsa. Inget \
             skickades.",
            "Välj Försäkringskassans CA-fil (PEM) igen under Inställningar.",
        ],
        false,
        false,
    ),
    entry(
        "elt_invalid_endpoint",
        None,
        Fixer::Settings,
        [
            "Adressen till Försäkringskassan är ogiltig",
            "Adressen under Inställningar är ingen giltig https-adress. Inget skickades.",
            "Rätta adressen under Inställningar till den Försäkringskassan har gett er.",
        ],
        false,
        false,
    ),
    entry(
        "elt_environment_mismatch",
        None,
        Fixer::Settings,
        [
            "Fel miljö",
            "Demodata kan inte skickas till Försäkringskassan, och riktiga uppgifter inte till \
             demoläget. Inget skickades.",
            "Välj rätt miljö under Inställningar (test eller produktion för riktiga uppgifter).",
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
    /// [`VENDOR_SUPPORT`] when the vendor fixes it.
    pub vendor_support: Option<&'static str>,
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
            .then_some(VENDOR_SUPPORT),
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
    let problem = |what: String| {
        Err(AppError::invalid(
            "tx-id",
            format!(
                "{what} Ett tx-id från Försäkringskassan är 36 tecken: siffror 0–9 och \
                 bokstäver a–f i fem grupper med bindestreck, 8-4-4-4-12, till exempel \
                 4a8db4b8-bc29-4406-901c-3f69298cabe3."
            ),
        ))
    };
    if typed.is_empty() {
        return problem("Inget tx-id är ifyllt.".to_owned());
    }
    if let Some(bad) = typed
        .chars()
        .find(|c| !(c.is_ascii_hexdigit() || *c == '-'))
    {
        return problem(format!(
            "\"{typed}\" innehåller tecknet \"{bad}\", som inte finns i ett tx-id."
        ));
    }
    let groups: Vec<usize> = typed.split('-').map(str::len).collect();
    if groups != [8, 4, 4, 4, 12] {
        let count = typed.chars().count();
        return problem(format!(
            "\"{typed}\" har {count} tecken i grupperna {} i stället för 8-4-4-4-12.",
            groups
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("-")
        ));
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
