//! The window's way out of every state (issue 21): the shell's submission card, decisions and
//! "Kontrollera en fil" are the app crate's functions, with the window's ids and files
//! converted at the boundary and refusals in the one error shape.

use assistid_app::core_types::text::Lang;
use assistid_desktop::{convert, ipc, ways_out};
use base64::Engine as _;
use chrono::Utc;

use crate::boundary::demo_app;

fn file(name: &str, bytes: &[u8]) -> ipc::ImportFile {
    ipc::ImportFile {
        file_name: name.to_owned(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

fn ipc_error(e: anyhow::Error) -> ipc::IpcError {
    ipc::IpcError::from(e)
}

#[test]
fn a_chosen_report_file_is_checked_against_what_the_folder_made() {
    let (dir, app) = demo_app();
    let month = convert::month("2026-10").expect("a month");
    let out = dir.path().join("export");
    let index = app
        .export_reports(month, &out, Utc::now())
        .expect("the demo month exports");
    let first = index.reports.first().expect("the demo has reports");
    let bytes = std::fs::read(out.join(&first.file)).expect("the exported report");

    let draft = ways_out::check_file(&app, &file("rapport.xml", &bytes)).expect("checked");
    assert_eq!(
        draft.verdict, "draft",
        "an unsigned demo report is recognised as ours, not sent: {draft:?}"
    );
    assert_eq!(draft.report_id.as_deref(), Some(first.id.as_str()));
    assert!(draft.signers.is_empty() && draft.sendings.is_empty());

    let junk = ways_out::check_file(&app, &file("bild.png", b"\x89PNG")).expect("checked");
    assert_eq!(junk.verdict, "not_a_report", "{junk:?}");
    assert!(!junk.meaning.is_empty(), "the window says what to do");

    let broken = ipc::ImportFile {
        file_name: "rapport.xml".into(),
        content_base64: "not base64!".into(),
    };
    let refused = ipc_error(ways_out::check_file(&app, &broken).expect_err("not whole"));
    assert_eq!(refused.code, "invalid_input");
}

#[test]
fn the_card_refuses_unknown_submissions_and_bad_tx_ids_in_plain_words() {
    let (_dir, app) = demo_app();
    let bad_id = ipc_error(ways_out::detail(&app, "abc", Lang::Sv).expect_err("not an id"));
    assert_eq!(bad_id.code, "invalid_input");
    assert!(bad_id.message.contains("abc"), "{bad_id:?}");

    let missing =
        ipc_error(ways_out::detail(&app, "999", Lang::Sv).expect_err("no such submission"));
    assert_eq!(missing.code, "missing_data", "{missing:?}");

    let tx = ipc_error(
        ways_out::resolve(
            &app,
            "999",
            &ways_out::ResolveDecision::Accepted {
                tx_id: "kvitto 12".into(),
            },
            Lang::Sv,
        )
        .expect_err("not FK's form"),
    );
    assert_eq!(tx.code, "invalid_input");
    assert!(
        tx.message.contains("8-4-4-4-12") && tx.message.contains("kvitto 12"),
        "the window shows what is wrong with the typed tx-id: {tx:?}"
    );

    let diagnostics =
        ipc_error(ways_out::write_diagnostics(&app, app.data_dir(), "999").expect_err("none"));
    assert_eq!(diagnostics.code, "missing_data");
}

#[test]
fn settings_show_and_save_the_vendors_support_contact_in_the_uis_language() {
    let (_dir, app) = demo_app();
    let demo = ways_out::support_contact(&app, Lang::En).expect("read");
    assert!(
        demo.described
            .starts_with("The vendor's support: Assistid Demo AB"),
        "the demo's vendor, told in the UI's language: {demo:?}"
    );
    let saved = ways_out::set_support_contact(
        &app,
        &ways_out::SupportContact {
            name: Some("Omsorgsdata AB".into()),
            phone: Some("08-123 456 78".into()),
            email: None,
            web: None,
            described: String::new(),
        },
        Lang::Sv,
    )
    .expect("saved");
    assert_eq!(
        saved.described,
        "Leverantörens support: Omsorgsdata AB, telefon 08-123 456 78."
    );
    let refused = ipc_error(
        ways_out::set_support_contact(
            &app,
            &ways_out::SupportContact {
                email: Some("ingen adress".into()),
                ..saved
            },
            Lang::Sv,
        )
        .expect_err("not an e-mail address"),
    );
    assert_eq!(
        (refused.code.as_str(), refused.message_code.as_str()),
        ("invalid_input", "support_bad_email"),
        "the UI can render it again and mark the field: {refused:?}"
    );
}
