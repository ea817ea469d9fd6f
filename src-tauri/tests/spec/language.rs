//! The UI's language reaches the Rust side: with English chosen in Settings, an error crossing
//! IPC comes back in English, with its stable code, its message's code and its parameters;
//! Swedish stays the default.

use std::path::Path;

use assistid_app::KeySource;
use assistid_desktop::ipc;
use assistid_desktop::shell::{Locations, Shell};
use chrono::Utc;

fn shell_in(dir: &Path) -> Shell {
    Shell::open(&Locations {
        data_dir: dir.join("data"),
        keys: KeySource::File(dir.join("key")),
    })
}

/// A shift in the hour skipped on the spring night, for the first demo person and assistant.
fn add_spring_gap_shift(shell: &Shell) -> ipc::IpcError {
    tauri::async_runtime::block_on(shell.run(|app| {
        let person = app.persons()?[0].personnummer.digits().to_owned();
        let assistant = app.assistants()?[0].id.digits().to_owned();
        let typed = ipc::ShiftInput {
            person,
            assistant,
            start: "2026-03-29T02:30".into(),
            start_occurrence: None,
            end: "2026-03-29T06:00".into(),
            end_occurrence: None,
            kind: ipc::TimeKind::Aktiv,
            note: None,
        };
        assistid_desktop::convert::shift_answer(
            app.add_shift(&assistid_desktop::convert::shift_input(&typed), Utc::now()),
        )
    }))
    .expect_err("02:30 does not exist on the spring night")
}

#[test]
fn an_ipc_error_comes_back_in_english_when_the_ui_is_english() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let shell = shell_in(dir.path());
    tauri::async_runtime::block_on(shell.load_demo_here()).expect("the demo loads");

    let swedish = add_spring_gap_shift(&shell);
    assert_eq!(
        swedish.code, "time_nonexistent",
        "the grid branches on the code"
    );
    assert!(
        swedish
            .message
            .starts_with("Starttiden 2026-03-29 02:30 finns inte"),
        "Swedish is the default: {}",
        swedish.message
    );

    shell
        .set_language(ipc::Language::En)
        .expect("the language is saved");
    let english = add_spring_gap_shift(&shell);
    assert_eq!(
        english.code, swedish.code,
        "the code does not depend on the language"
    );
    assert_eq!(
        english.message,
        "The start time 2026-03-29 02:30 does not exist: on the night summer time starts \
         (2026-03-29) the clock jumps from 02:00 to 03:00. Give a time before 02:00 or from \
         03:00.",
        "with English chosen the message is English"
    );
    assert_eq!(english.message_code, "shift_time_nonexistent");
    assert_eq!(
        english.params.get("date").map(String::as_str),
        Some("2026-03-29"),
        "the parameters cross IPC beside the message: {:?}",
        english.params
    );
    assert_eq!(
        english.params.get("which").map(String::as_str),
        Some("The start time"),
        "a parameter that is words is in the same language"
    );
    let reopened = shell_in(dir.path());
    assert_eq!(
        reopened.language(),
        ipc::Language::En,
        "the choice is kept in desktop-settings.json for the next start"
    );
}

#[test]
fn the_reviews_findings_are_rendered_in_the_ui_language() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let shell = shell_in(dir.path());
    tauri::async_runtime::block_on(shell.load_demo_here()).expect("the demo loads");
    let review = tauri::async_runtime::block_on(
        shell.run(|app| app.month_review(assistid_desktop::convert::month("2026-10")?, Utc::now())),
    )
    .expect("the review reads");
    let sv =
        assistid_desktop::convert::review_in(&review, assistid_app::core_types::text::Lang::Sv)
            .expect("converts");
    let en =
        assistid_desktop::convert::review_in(&review, assistid_app::core_types::text::Lang::En)
            .expect("converts");
    let pairs: Vec<(&str, &str)> = sv
        .reports
        .iter()
        .zip(&en.reports)
        .flat_map(|(s, e)| {
            s.warnings
                .iter()
                .zip(&e.warnings)
                .map(|(a, b)| (a.message.as_str(), b.message.as_str()))
        })
        .collect();
    assert!(
        !pairs.is_empty(),
        "the demo's October has warnings (the autumn night)"
    );
    for (s, e) in pairs {
        assert_ne!(s, e, "each warning is rendered in English: {e}");
    }
}
