//! `--lang en` / `ASSISTID_LANG=en`: what the Rust side says (the review's findings) in
//! English; Swedish without them; an unknown language refused.

use crate::support::DataDir;

#[test]
fn the_review_speaks_english_when_asked_and_swedish_by_default() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let swedish = data.ok(&["review", "--month", "2026-10"]);
    assert!(
        swedish.contains("[overlap_two_persons]: Erik Johansson är registrerad hos två brukare"),
        "Swedish is the default: {swedish}"
    );
    let english = data.ok(&["--lang", "en", "review", "--month", "2026-10"]);
    assert!(
        english.contains(
            "[overlap_two_persons]: Erik Johansson is registered with two persons with \
             assistance at the same time"
        ),
        "--lang en renders the finding in English: {english}"
    );
    assert!(
        english.contains(
            "the clocks went back one hour: the row 00.00–02.30 of the shift that began \
             2026-10-24 22:00 really lasted 3 hours and 30 minutes"
        ),
        "the daylight-saving sentence is English too, its clock time and durations included: \
         {english}"
    );
}

#[test]
fn an_unknown_language_is_refused_with_what_to_choose() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let out = data.run(&["--lang", "de", "review", "--month", "2026-10"]);
    assert_eq!(out.status.code(), Some(3), "a usage problem, exit 3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("välj sv eller en"),
        "the message says which languages there are: {stderr}"
    );
}

#[test]
fn the_vendors_support_contact_is_set_shown_and_refused_when_mistyped() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let demo = data.ok(&["settings", "support"]);
    assert!(
        demo.contains("Assistid Demo AB (demoleverantör)"),
        "the demo folder has the demo's vendor: {demo}"
    );
    data.ok(&["settings", "support", "--clear"]);
    let unset = data.ok(&["--lang", "en", "settings", "support"]);
    assert!(
        unset.contains("has not been entered") && !unset.contains("08-"),
        "an unset contact says so plainly, never a made-up number: {unset}"
    );
    let set = data.ok(&[
        "settings",
        "support",
        "--name",
        "Omsorgsdata AB",
        "--phone",
        "08-123 456 78",
        "--email",
        "support@omsorgsdata.se",
    ]);
    assert_eq!(
        set.trim(),
        "Leverantörens support: Omsorgsdata AB, telefon 08-123 456 78, e-post \
         support@omsorgsdata.se."
    );
    let out = data.run(&["settings", "support", "--web", "omsorgsdata.se"]);
    assert_ne!(
        out.status.code(),
        Some(0),
        "a web address without https:// is refused"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("supportens webbadress") && stderr.contains("omsorgsdata.se"),
        "the refusal names the field and the value: {stderr}"
    );
    let json = data.json(&["settings", "support"]);
    assert_eq!(
        (json["phone"].as_str(), json["web"].as_str()),
        (Some("08-123 456 78"), None),
        "nothing of the refused change is stored"
    );
}
