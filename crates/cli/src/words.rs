//! The CLI's own words — summary lines, table headers, labels — in both languages: the labels
//! around the app's messages follow `--lang` / `ASSISTID_LANG` like the messages do. Swedish is
//! the reference. The spec test includes this file and checks [`CATALOG`] for both languages and
//! the same parameters (the CLI is a program, so the app cannot list it with its catalogs).
//!
//! Only `assistid_app` is named here, so the spec can include the file as it is.

use assistid_app::core_types::model::TimeKind;
use assistid_app::core_types::text::Lang;
pub use assistid_app::core_types::text::Template;
use assistid_app::submit::Environment;

/// `template` in `lang` with its parameters, `{name}` → value.
pub fn say(lang: Lang, template: &'static Template, params: &[(&'static str, String)]) -> String {
    let mut text = template.text();
    for (name, value) in params {
        text = text.with(name, value.clone());
    }
    text.render(lang)
}

/// An environment for people, definite form: `demoläget` / `the demo`.
/// (An environment added later, before it has words here, keeps its Swedish name.)
pub fn environment_label(lang: Lang, environment: Environment) -> &'static str {
    match environment {
        Environment::Demo => ENV_DEMO.wording(lang),
        Environment::Test => ENV_TEST.wording(lang),
        Environment::Prod => ENV_PROD.wording(lang),
        other => other.label(),
    }
}

/// A kind of time for people: `aktiv tid` / `active time` (the domain's own words for it,
/// as the review and the desktop show them).
pub fn kind_label(lang: Lang, kind: TimeKind) -> &'static str {
    use assistid_app::core_types::validation::templates as kinds;
    match kind {
        TimeKind::Aktiv => kinds::KIND_AKTIV.wording(lang),
        TimeKind::Vante => kinds::KIND_VANTE.wording(lang),
        TimeKind::Beredskap => kinds::KIND_BEREDSKAP.wording(lang),
    }
}

macro_rules! words {
    ($($name:ident = $code:literal, $sv:literal, $en:literal;)*) => {
        $(
            #[doc = concat!("`", $code, "`: ", $sv)]
            pub static $name: Template = Template::new($code, $sv, $en);
        )*
        /// Every template of the CLI's own words.
        #[allow(dead_code, reason = "read by the spec test, which includes this file")]
        pub static CATALOG: &[&Template] = &[$(&$name),*];
    };
}

words! {
    // The month review (`review`, `demo`).
    REVIEW_HEADLINE = "cli_review_headline",
        "Månadsöversikt {month} — {reports} tidredovisningar, sista dag för räkningen {deadline}",
        "Month overview {month} — {reports} time reports, last day for the invoice {deadline}";
    ERROR_LABEL = "cli_error_label", "FEL", "ERROR";
    WARNING_LABEL = "cli_warning_label", "Varning", "Warning";
    REVIEW_TOTAL = "cli_review_total", "Summa: {errors} fel, {warnings} varningar.",
        "Total: {errors} errors, {warnings} warnings.";
    REPORT_HEADLINE = "cli_report_headline", "■ {person} ({person_id}) — assistent {assistant} ({assistant_id})",
        "■ {person} ({person_id}) — assistant {assistant} ({assistant_id})";
    REPORT_LINE = "cli_report_line", "  rapport-id {id}   {rows} rader   {state}",
        "  report id {id}   {rows} rows   {state}";
    REPORT_NO_ID = "cli_report_no_id", "(inget ännu)", "(none yet)";
    REPORT_SENDABLE = "cli_report_sendable", "kan skrivas under", "can be signed";
    REPORT_HAS_ERRORS = "cli_report_has_errors", "har fel som måste rättas",
        "has errors that must be corrected";
    ROW_DAY = "cli_row_day", "dag", "day";
    ROW_CLOCK = "cli_row_clock", "klocka", "clock";
    ROW_REAL = "cli_row_real", "verklig", "real";
    NO_DST_ROW = "cli_no_dst_row", "    (ingen rad berörs av sommar-/vintertid)",
        "    (no row is affected by summer/winter time)";
    KIND_TOTAL = "cli_kind_total", "Summa", "Total";
    CLOCK_TIME = "cli_clock_time", "(klocktid {hours})", "(clock time {hours})";

    // `submit`'s progress lines.
    ENV_DEMO = "cli_env_demo", "demoläget", "the demo";
    ENV_TEST = "cli_env_test", "testmiljön", "the test environment";
    ENV_PROD = "cli_env_prod", "produktionsmiljön", "the production environment";
    SENDING = "cli_sending",
        "Skickar tidredovisningar för {month} till {environment} ({endpoint}), högst ett anrop per sekund.",
        "Sending time reports for {month} to {environment} ({endpoint}), at most one call per second.";
    SENDING_VIA_RELAY = "cli_sending_via_relay",
        "Skickar tidredovisningar för {month} till {environment} via leverantörens relay ({address}).",
        "Sending time reports for {month} to {environment} through the vendor's relay ({address}).";
    WARNING_CAPS = "cli_warning_caps", "VARNING", "WARNING";
    ANOTHER_SENDER = "cli_another_sender",
        "Ett annat program (Assistid-fönstret eller en annan körning av assistid) skickar redan från den här datamappen. Den här körningen väntar tills det är klart och skickar sedan det som är kvar – ingen rapport skickas två gånger.",
        "Another program (the Assistid window or another run of assistid) is already sending from this data folder. This run waits until it is done and then sends what is left – no report is sent twice.";
    OUTCOME_ACCEPTED = "cli_outcome_accepted", "skickad, tx-id {tx}", "sent, tx id {tx}";
    OUTCOME_REJECTED = "cli_outcome_rejected", "AVVISAD av Försäkringskassan: {message}",
        "REJECTED by Försäkringskassan: {message}";
    OUTCOME_NO_MESSAGE = "cli_outcome_no_message", "(inget meddelande)", "(no message)";
    OUTCOME_UNCERTAIN = "cli_outcome_uncertain", "OKLART om den kom fram (inskickning {id}): {message}",
        "UNCERTAIN whether it arrived (submission {id}): {message}";
    OUTCOME_OTHER = "cli_outcome_other", "{state} (inskickning {id}): {message}",
        "{state} (submission {id}): {message}";

    // `submit`'s summary and the submissions table.
    NOT_SENT_NOW = "cli_not_sent_now", "Inte skickade nu:", "Not sent now:";
    SUBMIT_SUMMARY = "cli_submit_summary",
        "Sammanfattning {month}: {accepted} mottagna, {rejected} avvisade, {uncertain} oklara, {other} övriga, {skipped} inte skickade.",
        "Summary {month}: {accepted} received, {rejected} rejected, {uncertain} uncertain, {other} other, {skipped} not sent.";
    SUBMISSION_ABOUT = "cli_submission_about",
        "Inskickning {id} (assistent {assistant}, person med assistans {person}):",
        "Submission {id} (assistant {assistant}, person receiving assistance {person}):";
    DIAGNOSTICS_HINT = "cli_diagnostics_hint",
        "  Felrapport till leverantören: assistid submissions diagnostics {id} --out felrapport-{id}.json",
        "  Error report for the vendor: assistid submissions diagnostics {id} --out felrapport-{id}.json";
    UNCERTAIN_HINT = "cli_uncertain_hint",
        "Oklara inskickningar skickas aldrig om automatiskt. Kontrollera med Försäkringskassan ({fk}) och välj sedan för varje: assistid submissions resolve ID --accepted TXID | --resend | --abandon (assistid submissions show ID visar tiden att ange).",
        "Uncertain submissions are never sent again automatically. Check with Försäkringskassan ({fk}) and then choose for each: assistid submissions resolve ID --accepted TXID | --resend | --abandon (assistid submissions show ID shows the time to give).";
    DEMO_RATE = "cli_demo_rate", "Demo-FK räknade {violations} för täta anrop.",
        "The demo FK counted {violations} calls too close together.";
    TABLE_ID = "cli_table_id", "ID", "ID";
    TABLE_WHO = "cli_table_who", "Person – assistent", "Person – assistant";
    TABLE_STATE = "cli_table_state", "Status", "Status";
    TABLE_DETAIL = "cli_table_detail", "tx-id / meddelande", "tx id / message";
    NO_SUBMISSIONS = "cli_no_submissions", "Inga inskickningar ännu.", "No submissions yet.";

    // `history`.
    NO_HISTORY = "cli_no_history", "Ingen historik matchar sökningen.",
        "No history matches the search.";
    HISTORY_REPORT = "cli_history_report", "{month} {person} – {assistant}: rapport {id} version {version}",
        "{month} {person} – {assistant}: report {id} version {version}";
    HISTORY_SUPERSEDED = "cli_history_superseded", " (ersatt av {next})", " (replaced by {next})";
    HISTORY_CREATED = "cli_history_created", "    skapad {at}", "    created {at}";
    HISTORY_HASH = "cli_history_hash", "    SHA-256 (kanonisk XML) {hash}",
        "    SHA-256 (canonical XML) {hash}";
    HISTORY_UNSIGNED = "cli_history_unsigned", "    inte underskriven", "    not signed";
    HISTORY_SIGNED = "cli_history_signed", "    underskriven av {role} {name} ({signer}) {on}",
        "    signed by {role} {name} ({signer}) {on}";
    ROLE_ASSISTANT = "cli_role_assistant", "assistenten", "the assistant";
    ROLE_PROVIDER = "cli_role_provider", "anordnaren", "the provider";
    HISTORY_UNSENT = "cli_history_unsent", "    inte skickad", "    not sent";
    HISTORY_TX = "cli_history_tx", ", tx-id {tx}", ", tx id {tx}";
    HISTORY_FK_MESSAGE = "cli_history_fk_message", ", FK:s meddelande: ”{message}”",
        ", FK's message: ”{message}”";
    HISTORY_SUBMISSION = "cli_history_submission", "    inskickning {id} ({environment}): {state}",
        "    submission {id} ({environment}): {state}";
    HISTORY_ATTEMPT = "cli_history_attempt", "      försök {attempt} {at}: {outcome}",
        "      attempt {attempt} {at}: {outcome}";
    HISTORY_RAW = "cli_history_raw", "      FK:s svar (rått):", "      FK's answer (raw):";

    // `import`'s summary.
    IMPORT_FILE = "cli_import_file", "Fil: {file} (SHA-256 {sha256})", "File: {file} (SHA-256 {sha256})";
    IMPORT_COUNTS = "cli_import_counts",
        "{read} rader lästa: {valid} giltiga, {errors} med fel, {warnings} med varningar; {shifts} pass ({present} finns redan, {new} nya).",
        "{read} rows read: {valid} valid, {errors} with errors, {warnings} with warnings; {shifts} shifts ({present} already there, {new} new).";
    IMPORT_ROW = "cli_import_row", "rad {row}", "row {row}";
    IMPORT_WHOLE_FILE = "cli_import_whole_file", "filen", "the file";
    IMPORT_COLUMN = "cli_import_column", ", kolumn {column}", ", column {column}";
    IMPORT_VALUE = "cli_import_value", ", värde {value}", ", value {value}";
    IMPORT_MORE = "cli_import_more", "  … och {count} problem till (visas inte).",
        "  … and {count} more problems (not shown).";
    IMPORT_BIG_FILE = "cli_import_big_file",
        "Obs: filen är stor; överlappande pass kontrolleras i månadsöversikten (assistid review).",
        "Note: the file is large; overlapping shifts are checked in the month overview (assistid review).";
    IMPORTED = "cli_imported", "Importerat: {new} nya pass{skipped}.", "Imported: {new} new shifts{skipped}.";
    IMPORT_SKIPPED = "cli_import_skipped", ", {count} rader hoppades över", ", {count} rows skipped";
    IMPORT_PREVIEW_ONLY = "cli_import_preview_only", "Förhandsgranskning: ingenting har sparats.",
        "Preview: nothing has been saved.";

    // `backup`'s prompts and confirmations.
    RECOVERY_KEY_PROMPT = "cli_recovery_key_prompt", "Återställningsnyckel:", "Recovery key:";
    BACKUP_VERIFIED = "cli_backup_verified",
        "Säkerhetskopian {file} är hel och öppnas med nyckeln (gjord {at} av Assistid {version}).",
        "The backup {file} is whole and opens with the key (made {at} by Assistid {version}).";
    BACKUP_WRITTEN = "cli_backup_written",
        "Säkerhetskopian är skriven: {file} ({kb} kB). Den öppnas bara med återställningsnyckeln.",
        "The backup has been written: {file} ({kb} kB). It opens only with the recovery key.";
    RECOVERY_KEY_SHOWN = "cli_recovery_key_shown", "Din återställningsnyckel (visas bara nu):",
        "Your recovery key (shown only now):";
    RECOVERY_KEY_KEEP = "cli_recovery_key_keep",
        "Skriv ut den eller skriv ner den och förvara den inlåst, skild från datorn. Utan den kan ingen säkerhetskopia öppnas — inte heller av oss.",
        "Print it or write it down and keep it locked away, apart from the computer. Without it no backup can be opened — not even by us.";
    RECOVERY_KEY_AGAIN = "cli_recovery_key_again",
        "Skriv in nyckeln igen för att bekräfta att du har skrivit ner den:",
        "Type the key again to confirm that you have written it down:";
    BACKUP_CONFIRMED = "cli_backup_confirmed", "Bekräftad. Säkerhetskopiering är påslagen.",
        "Confirmed. Backups are switched on.";
    BACKUP_CONFIRM_LATER = "cli_backup_confirm_later", "Bekräfta sedan med: assistid backup confirm",
        "Then confirm with: assistid backup confirm";

    // The register: saved, and the empty lists.
    PROVIDER_CREATED = "cli_provider_created", "Anordnaren registrerad.", "The provider is registered.";
    PROVIDER_UPDATED = "cli_provider_updated", "Anordnaren uppdaterad.", "The provider is updated.";
    PERSON_CREATED = "cli_person_created", "Personen registrerad.", "The person is registered.";
    PERSON_UPDATED = "cli_person_updated", "Personen uppdaterad.", "The person is updated.";
    ASSISTANT_CREATED = "cli_assistant_created", "Assistenten registrerad.",
        "The assistant is registered.";
    ASSISTANT_UPDATED = "cli_assistant_updated", "Assistenten uppdaterad.", "The assistant is updated.";
    SAVED_WARNING = "cli_saved_warning", "Varning: {warning}", "Warning: {warning}";
    NO_PROVIDER = "cli_no_provider", "Ingen anordnare är registrerad (assistid provider add).",
        "No provider is registered (assistid provider add).";
    NO_PERSONS = "cli_no_persons", "Inga personer är registrerade (assistid person add).",
        "No persons are registered (assistid person add).";
    NO_ASSISTANTS = "cli_no_assistants", "Inga assistenter är registrerade (assistid assistant add).",
        "No assistants are registered (assistid assistant add).";

    // Errors on stderr (the unknown language itself is told in Swedish: it is not known yet).
    ERROR_PREFIX = "cli_error_prefix", "fel: {message}", "error: {message}";

    // Signing with BankID (`sign`): the prompts and the confirmations.
    OPEN_BANKID_FAILED = "cli_open_bankid_failed", "{error}; skanna QR-koden med BankID-appen i stället.",
        "{error}; scan the QR code with the BankID app instead.";
    SIGNING_POSITION = "cli_signing_position", "BankID-underskrift {order} av {orders} ({reports} tidredovisningar). ",
        "BankID signature {order} of {orders} ({reports} time reports). ";
    PHONE_PROMPT = "cli_phone_prompt",
        "Ordern är skickad till BankID-appen på telefonen hos den som ska skriva under. Be hen öppna BankID-appen medan ni pratar. Avbryt med Ctrl-C.",
        "The order has been sent to the BankID app on the phone of the person who is to sign. Ask them to open the BankID app while you talk. Cancel with Ctrl-C.";
    SCAN_PROMPT = "cli_scan_prompt", "Skanna QR-koden med BankID-appen.",
        "Scan the QR code with the BankID app.";
    NOTHING_SIGNED = "cli_nothing_signed", "Ingen underskrift sparades.", "No signature was stored.";
    ASSISTANT_SIGNED = "cli_assistant_signed",
        "Underskriven av {name} {on}. Rapporten {id} är låst; nästa steg: anordnaren skriver under (assistid sign provider).",
        "Signed by {name} {on}. The report {id} is locked; next step: the provider signs (assistid sign provider).";
    PROVIDER_SIGNED_ONE = "cli_provider_signed_one",
        "Anordnaren skrev under {count} tidredovisningar för {month} i {orders} BankID-underskrift.",
        "The provider signed {count} time reports for {month} in {orders} BankID signature.";
    PROVIDER_SIGNED_MANY = "cli_provider_signed_many",
        "Anordnaren skrev under {count} tidredovisningar för {month} i {orders} BankID-underskrifter.",
        "The provider signed {count} time reports for {month} in {orders} BankID signatures.";
    SIGNING_SKIPPED = "cli_signing_skipped", "  hoppades över: {id} {person} / {assistant}: {reason}",
        "  skipped: {id} {person} / {assistant}: {reason}";
    SIGNATURES_OF = "cli_signatures_of", "Underskrifter {month}:", "Signatures {month}:";
    FULLY_SIGNED = "cli_fully_signed", "underskriven av assistent och anordnare",
        "signed by the assistant and the provider";
    ASSISTANT_SIGNED_STATE = "cli_assistant_signed_state", "underskriven av assistenten",
        "signed by the assistant";
    NOT_SIGNED = "cli_not_signed", "inte underskriven", "not signed";
    SIGNER_ASSISTANT = "cli_signer_assistant", "assistent", "assistant";
    SIGNER_PROVIDER = "cli_signer_provider", "anordnare", "provider";

    // An explanation of FK's answer (`print_advice`).
    ADVICE_PLAIN = "cli_advice_plain", "Med andra ord: {plain}", "In other words: {plain}";
    ADVICE_FIX = "cli_advice_fix", "Rätta: {field}{value} (i registret: assistid provider/person/assistant).",
        "Correct: {field}{value} (in the register: assistid provider/person/assistant).";
    ADVICE_NOW = "cli_advice_now", ", nu \"{value}\"", ", now \"{value}\"";
    ADVICE_FIXER = "cli_advice_fixer", "Vem åtgärdar: {fixer}.", "Who fixes it: {fixer}.";
    ADVICE_TODO = "cli_advice_todo", "Gör så här: {todo}", "What to do: {todo}";
    ADVICE_FK_TEXT = "cli_advice_fk_text", "Försäkringskassans text (ordagrant): {text}",
        "Försäkringskassan's text (verbatim): {text}";
    ADVICE_ASK = "cli_advice_ask", "Fråga: {fk}.", "Ask: {fk}.";
}
