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
