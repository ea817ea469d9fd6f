//! The CLI's own words — summary lines, table headers, labels — follow `--lang` like the app's
//! messages: English with `--lang en`, Swedish (the reference, unchanged) without; `--json`
//! stays the same in both. Every word is in the catalog, in both languages, with the same
//! parameters.

use assistid_app::core_types::text::{Lang, check_catalog};

use crate::submit::sign_month;
use crate::support::DataDir;
use crate::words::CATALOG;

#[test]
fn every_word_of_the_cli_is_in_both_languages_with_the_same_parameters() {
    let problems = check_catalog(CATALOG);
    assert!(
        problems.is_empty(),
        "the CLI's catalog (crates/cli/src/words.rs) is not whole:\n  {}",
        problems.join("\n  ")
    );
    for template in CATALOG {
        assert!(
            template.code.starts_with("cli_"),
            "{}: the CLI's codes start with cli_ so they never clash with the app's",
            template.code
        );
    }
    // The app's catalogs must not use the same codes for other words.
    for (module, catalog) in assistid_app::all_text_catalogs() {
        for theirs in catalog {
            assert!(
                !CATALOG.iter().any(|ours| ours.code == theirs.code),
                "{}: the code is used by the CLI and by {module}",
                theirs.code
            );
        }
    }
    assert_ne!(
        crate::words::SUBMIT_SUMMARY.wording(Lang::Sv),
        crate::words::SUBMIT_SUMMARY.wording(Lang::En),
        "the two languages are really different words"
    );
}

#[test]
fn review_prints_english_labels_with_lang_en_and_the_same_swedish_without() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let swedish = data.ok(&["review", "--month", "2026-10"]);
    for label in [
        "Månadsöversikt 2026-10 — ",
        " tidredovisningar, sista dag för räkningen ",
        "— assistent ",
        "  rapport-id ",
        "    dag ",
        " klocka ",
        " verklig ",
        "  Summa aktiv tid ",
        "Summa: ",
    ] {
        assert!(
            swedish.contains(label),
            "Swedish stays the default and the reference, {label:?} included:\n{swedish}"
        );
    }
    let english = data.ok(&["--lang", "en", "review", "--month", "2026-10"]);
    for label in [
        "Month overview 2026-10 — ",
        " time reports, last day for the invoice ",
        "— assistant ",
        "  report id ",
        "    day ",
        " clock ",
        " real ",
        "  Total active time ",
        "Total: ",
        "winter time",
    ] {
        assert!(
            english.contains(label),
            "--lang en prints the review's labels in English, {label:?} included:\n{english}"
        );
    }
    for swedish_word in [
        "Månadsöversikt",
        "rapport-id",
        " klocka ",
        "Summa",
        "aktiv tid",
    ] {
        assert!(
            !english.contains(swedish_word),
            "no Swedish label {swedish_word:?} is left in the English review:\n{english}"
        );
    }
    let via_env = data.ok_with_env(
        &[("ASSISTID_LANG", "en")],
        &["review", "--month", "2026-10"],
    );
    assert_eq!(
        via_env, english,
        "ASSISTID_LANG=en gives the same English review as --lang en"
    );
    assert_eq!(
        data.json(&["--lang", "en", "review", "--month", "2026-10"]),
        data.json(&["review", "--month", "2026-10"]),
        "--json is the same in both languages"
    );
}

#[test]
fn submit_submissions_and_history_print_english_labels_with_lang_en() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let unsigned = data.run(&["--lang", "en", "submit", "--month", "2026-10"]);
    let unsigned = String::from_utf8_lossy(&unsigned.stdout).into_owned();
    assert!(
        unsigned.contains("Not sent now:") && unsigned.contains("Summary 2026-10: 0 received"),
        "the summary of a run with nothing signed is English:\n{unsigned}"
    );
    let history_before = data.ok(&["--lang", "en", "history", "--month", "2026-10"]);
    assert!(
        history_before.contains(": report ")
            && history_before.contains("    created ")
            && history_before.contains("    SHA-256 (canonical XML) ")
            && history_before.contains("    not signed")
            && history_before.contains("    not sent"),
        "an unsigned, unsent report's history is English:\n{history_before}"
    );
    let none = data.ok(&["--lang", "en", "submissions", "--month", "2026-10"]);
    assert_eq!(none.trim(), "No submissions yet.");

    let count = sign_month(data.path(), &data.key_file(), "2026-10");
    let sent = data.ok(&[
        "--lang", "en", "submit", "--month", "2026-10", "--env", "demo",
    ]);
    assert!(
        sent.contains(&format!(
            "Summary 2026-10: {count} received, 0 rejected, 0 uncertain, 0 other, 0 not sent."
        )),
        "the summary line is English:\n{sent}"
    );
    assert!(
        sent.contains("Person – assistant") && sent.contains("tx id / message"),
        "the table's headers are English:\n{sent}"
    );
    assert!(
        sent.lines().next().is_some_and(|l| l
            .starts_with("Sending time reports for 2026-10 to the demo (https://127.0.0.1:")
            && l.ends_with("), at most one call per second.")),
        "the first progress line is English:\n{sent}"
    );
    assert!(
        sent.lines()
            .filter(|l| l.starts_with('['))
            .all(|l| l.contains(": sent, tx id ")),
        "each report's progress line is English:\n{sent}"
    );
    assert!(
        sent.contains("The demo FK counted 0 calls too close together."),
        "the demo FK's count is English:\n{sent}"
    );
    assert!(
        !sent.contains("Sammanfattning") && !sent.contains("Demo-FK räknade"),
        "no Swedish label is left:\n{sent}"
    );

    let table_en = data.ok(&["--lang", "en", "submissions", "--month", "2026-10"]);
    let table_sv = data.ok(&["submissions", "--month", "2026-10"]);
    assert!(
        table_en
            .lines()
            .next()
            .is_some_and(|h| h.contains("Person – assistant")
                && h.contains("Status")
                && h.contains("tx id / message")),
        "the submissions table's header is English:\n{table_en}"
    );
    assert!(
        table_sv
            .lines()
            .next()
            .is_some_and(|h| h.contains("Person – assistent") && h.contains("tx-id / meddelande")),
        "the Swedish header is unchanged:\n{table_sv}"
    );

    let history = data.ok(&["--lang", "en", "history", "--month", "2026-10"]);
    assert!(
        history.contains("    signed by the assistant ")
            && history.contains("    signed by the provider ")
            && history.contains("    submission 1 (demo): ")
            && history.contains(", tx id ")
            && history.contains("      attempt 1 "),
        "a sent report's history is English:\n{history}"
    );
    let history_sv = data.ok(&["history", "--month", "2026-10"]);
    assert!(
        history_sv.contains("    underskriven av assistenten ")
            && history_sv.contains("    inskickning 1 (demo): ")
            && history_sv.contains("      försök 1 "),
        "the Swedish history is unchanged:\n{history_sv}"
    );
    assert_eq!(
        data.json(&["--lang", "en", "history", "--month", "2026-10"]),
        data.json(&["history", "--month", "2026-10"]),
        "--json is the same in both languages"
    );
}

#[test]
fn signing_prompts_and_confirmations_are_english_with_lang_en() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let ids = crate::sign::report_ids(&data);
    let first = ids.first().expect("the demo month has a sendable report");

    let refused = data.run(&[
        "--lang",
        "en",
        "sign",
        "assistant",
        "--report",
        first,
        "--demo-outcome",
        "cancel",
    ]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("error: ") && stderr.contains("No signature was stored."),
        "a failed signing says in English that nothing was stored: {stderr}"
    );
    assert!(
        !stderr.contains("fel: ") && !stderr.contains("Ingen underskrift"),
        "no Swedish label is left on stderr: {stderr}"
    );

    let signed = data.ok(&["--lang", "en", "sign", "assistant", "--report", first]);
    assert!(
        signed.contains("Scan the QR code with the BankID app.")
            && signed.contains(&format!(
                "The report {first} is locked; next step: the provider signs"
            )),
        "the prompt and the confirmation are English:\n{signed}"
    );
    assert!(
        !signed.contains("Skanna") && !signed.contains("Underskriven av"),
        "no Swedish prompt or confirmation is left:\n{signed}"
    );

    let status = data.ok(&["--lang", "en", "sign", "status", "--month", "2026-10"]);
    assert!(
        status.starts_with("Signatures 2026-10:")
            && status.contains(": signed by the assistant")
            && status.contains(": not signed")
            && status.contains("      assistant: "),
        "the signing status is English:\n{status}"
    );
    let status_sv = data.ok(&["sign", "status", "--month", "2026-10"]);
    assert!(
        status_sv.starts_with("Underskrifter 2026-10:")
            && status_sv.contains(": underskriven av assistenten")
            && status_sv.contains("      assistent: "),
        "the Swedish status is unchanged:\n{status_sv}"
    );
}

#[test]
fn the_import_summary_is_english_with_lang_en() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let path = data.path().join("shifts.csv");
    std::fs::write(
        &path,
        "assistent;person;datum;start;slut;typ;anteckning\n\
         198503121231;197503231115;2026-12-02;08:00;16:00;aktiv;\n\
         198503121231;197503231115;2026-12-03;08:00;16:00;aktivt;fel typ\n",
    )
    .expect("write the import file");
    let file = path.to_str().expect("utf-8 path");

    let refused = data.run(&["--lang", "en", "import", file]);
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(refused.status.code(), Some(3), "errors block the import");
    assert!(
        stdout.contains("2 rows read: 1 valid, 1 with errors, 0 with warnings;")
            && stdout.contains("  ERROR row 3, column typ, value \"aktivt\": "),
        "the counts and the problem's labels are English: {stdout}"
    );
    let refused_sv = data.run(&["import", file]);
    let stdout_sv = String::from_utf8_lossy(&refused_sv.stdout);
    assert!(
        stdout_sv.contains("2 rader lästa: 1 giltiga, 1 med fel, 0 med varningar;")
            && stdout_sv.contains("  FEL rad 3, kolumn typ, värde \"aktivt\": "),
        "the Swedish summary is unchanged: {stdout_sv}"
    );

    let imported = data.ok(&["--lang", "en", "import", file, "--skip-invalid"]);
    assert!(
        imported.contains("Imported: 1 new shifts, 1 rows skipped."),
        "the outcome is English: {imported}"
    );
}

#[test]
fn backups_prompts_and_confirmations_are_english_with_lang_en() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let setup = data.ok(&["--lang", "en", "backup", "setup"]);
    assert!(
        setup.starts_with("Your recovery key (shown only now):")
            && setup.contains("Print it or write it down and keep it locked away")
            && setup.contains("Then confirm with: assistid backup confirm"),
        "setup speaks English (stdin is no terminal here, so it says how to confirm):\n{setup}"
    );
    let key = setup
        .lines()
        .find_map(|l| l.strip_prefix("    "))
        .expect("the key is shown indented")
        .trim()
        .to_owned();
    let confirmed = data.ok_with_env(
        &[("ASSISTID_RECOVERY_KEY", key.as_str())],
        &["--lang", "en", "backup", "confirm"],
    );
    assert_eq!(confirmed.trim(), "Confirmed. Backups are switched on.");

    let file = data.path().join("backup.assistid-backup");
    let file = file.to_str().expect("a UTF-8 path");
    let written = data.ok(&["--lang", "en", "backup", "--out", file]);
    assert!(
        written.starts_with("The backup has been written: ")
            && written.contains("It opens only with the recovery key."),
        "the confirmation is English: {written}"
    );
    // A backup never overwrites a file: the Swedish one gets a name of its own.
    let file_sv = data.path().join("kopia.assistid-backup");
    let written_sv = data.ok(&["backup", "--out", file_sv.to_str().expect("a UTF-8 path")]);
    assert!(
        written_sv.starts_with("Säkerhetskopian är skriven: ")
            && written_sv.contains("Den öppnas bara med återställningsnyckeln."),
        "the Swedish confirmation is unchanged: {written_sv}"
    );
    let verified = data.ok_with_env(
        &[("ASSISTID_RECOVERY_KEY", key.as_str())],
        &["--lang", "en", "backup", "verify", file],
    );
    assert!(
        verified.contains("is whole and opens with the key (made "),
        "the check's answer is English: {verified}"
    );
}

#[test]
fn the_registers_confirmations_are_english_with_lang_en() {
    let data = DataDir::new();
    let empty = data.ok(&["--lang", "en", "person", "list"]);
    assert_eq!(
        empty.trim(),
        "No persons are registered (assistid person add)."
    );
    assert_eq!(
        data.ok(&["--lang", "en", "provider", "list"]).trim(),
        "No provider is registered (assistid provider add)."
    );
    let added = data.ok(&[
        "--lang",
        "en",
        "provider",
        "add",
        "--name",
        "Åsa & Co Assistans AB",
        "--org-number",
        "556703-7485",
        "--phone",
        "08-123 45 67",
    ]);
    assert_eq!(added.trim(), "The provider is registered.");
    let person = [
        "person",
        "add",
        "--personnummer",
        "19750323-1115",
        "--first-name",
        "Åsa",
        "--last-name",
        "Öberg",
    ];
    let mut english = vec!["--lang", "en"];
    english.extend_from_slice(&person);
    assert_eq!(
        data.ok(&english).trim(),
        "The person is registered.",
        "a new person is confirmed in English"
    );
    assert_eq!(
        data.ok(&person).trim(),
        "Personen uppdaterad.",
        "the same person again is an update, confirmed in Swedish as before"
    );
}
