//! Messages in two languages on the app layer: every catalog is whole, a shift refusal and a
//! going-live step render in English with the same facts, and an IPC error carries its
//! message's code and parameters in the language asked for. Swedish stays the reference.

use assistid_app::shifts::ShiftRefused;
use assistid_app::{AppError, IpcError};
use assistid_core::text::{Lang, check_catalog};

use super::shifts::{Folder, input, now};

#[test]
fn every_app_catalog_has_both_wordings_with_the_same_parameters() {
    for (name, catalog) in assistid_app::text_catalogs() {
        let problems = check_catalog(catalog);
        assert!(
            problems.is_empty(),
            "the {name} catalog must be whole: {problems:#?}"
        );
    }
}

fn refusal(err: anyhow::Error) -> ShiftRefused {
    err.downcast::<ShiftRefused>()
        .expect("a shift refusal, with its code and text")
}

#[test]
fn a_shift_in_the_skipped_spring_hour_is_refused_in_either_language() {
    let (_folder, app) = Folder::new();
    let err = app
        .add_shift(&input("2026-03-29T02:30", "2026-03-29T06:00"), now())
        .expect_err("02:30 does not exist that night");
    let refused = refusal(err);
    assert_eq!(refused.code, "time_nonexistent");
    assert_eq!(
        refused.message,
        "Starttiden 2026-03-29 02:30 finns inte: natten till sommartid (2026-03-29) hoppar \
         klockan från 02:00 till 03:00. Ange en tid före 02:00 eller från 03:00.",
        "Swedish is the reference and unchanged"
    );
    let ipc = refused.ipc_error(Lang::En);
    assert_eq!(
        ipc.message,
        "The start time 2026-03-29 02:30 does not exist: on the night summer time starts \
         (2026-03-29) the clock jumps from 02:00 to 03:00. Give a time before 02:00 or from \
         03:00."
    );
    assert_eq!(
        (ipc.code.as_str(), ipc.message_code.as_str()),
        ("time_nonexistent", "shift_time_nonexistent"),
        "the UI branches on the refusal's code; the message has its own"
    );
    assert_eq!(
        ipc.params.get("when").map(String::as_str),
        Some("2026-03-29 02:30"),
        "the parameters cross with the message, so the UI could render it again"
    );
    assert!(refused.text.missing_params().is_empty());
}

#[test]
fn an_overlap_refusal_names_both_shifts_in_english() {
    let (_folder, app) = Folder::new();
    app.add_shift(&input("2026-10-05T08:00", "2026-10-05T16:00"), now())
        .expect("the first shift is stored");
    let refused = refusal(
        app.add_shift(&input("2026-10-05T15:00", "2026-10-05T20:00"), now())
            .expect_err("the same assistant cannot work twice for one person at once"),
    );
    assert_eq!(refused.code, "overlap_same_person");
    let en = refused.text.render(Lang::En);
    assert!(
        en.starts_with("Ali Berg has two overlapping shifts with Åsa Öberg: 2026-10-05 08:00–16:00 (active time)")
            && en.contains("2026-10-05 15:00–20:00 (active time)"),
        "the English refusal names the people and both shifts: {en}"
    );
    assert!(refused.text.is_translated(), "no Swedish-only part: {en}");
}

#[test]
fn the_going_live_checklist_reads_in_english() {
    let (_folder, app) = Folder::new();
    let steps = app.going_live(now()).expect("the checklist is read");
    assert_eq!(steps.len(), 6, "six steps");
    for step in &steps {
        assert_eq!(
            step.title_text.render(Lang::Sv),
            step.title,
            "{}",
            step.code
        );
        assert_eq!(
            step.detail_text.render(Lang::Sv),
            step.detail,
            "{}",
            step.code
        );
        assert!(
            step.title_text.is_translated() && step.detail_text.is_translated(),
            "{} has both languages",
            step.code
        );
    }
    assert_eq!(
        steps[0].title_text.render(Lang::En),
        "Agreement with Försäkringskassan on electronic time reporting (ELT)"
    );
    assert_eq!(
        steps[5].detail_text.render(Lang::En),
        "Choose the production environment when the test has passed."
    );
}

#[test]
fn a_mistyped_personnummer_in_the_register_is_explained_in_english() {
    let (_folder, app) = Folder::new();
    let err = app
        .save_person(
            &assistid_app::register::PersonInput {
                personnummer: "195001012384".into(),
                first_name: "Bo".into(),
                last_name: "Berg".into(),
            },
            now(),
        )
        .expect_err("the check digit is wrong");
    assert_eq!(
        err.to_string(),
        "personnummer: kontrollsiffran stämmer inte (felskrivet nummer?)",
        "Swedish is the message as it always was"
    );
    let ipc = IpcError::in_lang(err, Lang::En);
    assert_eq!(ipc.code, "invalid_input");
    assert_eq!(
        ipc.message,
        "personal identity number: the check digit does not match (a typing error?)"
    );
}

#[test]
fn an_app_error_crosses_ipc_in_the_language_asked_for() {
    let told = AppError::invalid_text(assistid_app::shifts::templates::SHIFT_EXISTS.text());
    let sv = IpcError::in_lang(told.into(), Lang::Sv);
    assert_eq!(sv.code, "invalid_input");
    assert_eq!(
        sv.message,
        "Ett likadant pass (samma assistent, brukare, tider och slag) finns redan."
    );
    let told = AppError::invalid_text(assistid_app::shifts::templates::SHIFT_EXISTS.text());
    let en = IpcError::in_lang(told.into(), Lang::En);
    assert_eq!(
        (en.code.as_str(), en.message_code.as_str()),
        ("invalid_input", "shift_exists")
    );
    assert!(
        en.message.starts_with("An identical shift"),
        "{}",
        en.message
    );
    let unexpected = IpcError::in_lang(anyhow::anyhow!("disk full"), Lang::En);
    assert_eq!(
        (unexpected.code.as_str(), unexpected.message.as_str()),
        ("internal", "Something went wrong: disk full")
    );
}

#[test]
fn the_apps_own_error_types_cross_ipc_with_their_codes_through_the_one_conversion() {
    use assistid_app::bankid_service::BankIdServiceError;
    use assistid_app::environments::EnvironmentError;
    let pinned = IpcError::in_lang(BankIdServiceError::ProductionPinned.into(), Lang::En);
    assert_eq!(
        pinned.code, "bankid_production_pinned",
        "a refused BankID override keeps its own code, which the UI branches on"
    );
    assert!(
        pinned.message.contains("BankID i produktionsmiljön"),
        "its message is the error's own (Swedish until it has a template): {}",
        pinned.message
    );
    let real = IpcError::in_lang(EnvironmentError::RealDataToDemo.into(), Lang::Sv);
    assert_eq!(
        (real.code.as_str(), real.message.as_str()),
        (
            "real_data_not_demo",
            EnvironmentError::RealDataToDemo.to_string().as_str()
        ),
        "the environment choice's refusal crosses with its own code and message, not as internal"
    );
}

#[test]
fn every_catalog_of_the_rust_side_is_whole_and_each_code_means_one_message() {
    let catalogs = assistid_app::all_text_catalogs();
    for module in [
        "core::validation",
        "import::messages",
        "store::error",
        "store::backup",
        "bankid::messages",
        "elt::texts",
        "app::signing",
        "app::submit::relay",
    ] {
        assert!(
            catalogs.iter().any(|(name, _)| name == module),
            "the UI renders {module}'s messages again, so it must be listed"
        );
    }
    for (name, catalog) in &catalogs {
        let problems = check_catalog(catalog);
        assert!(
            problems.is_empty(),
            "the {name} catalog must be whole: {problems:#?}"
        );
    }
    // The review's and the import's checks of a shift share a few codes on purpose (the same
    // finding, worded for each source); those are not errors and the UI's copy leaves them out
    // (it shows their own text). Every other code names one wording.
    let conflicts: Vec<String> = assistid_app::text_code_conflicts()
        .into_iter()
        .filter(|c| !c.contains("core::validation and import::messages"))
        .collect();
    assert!(
        conflicts.is_empty(),
        "an error's message code must name one wording, else the UI renders another message \
         after a language switch: {conflicts:#?}"
    );
}

#[test]
fn a_database_whose_key_file_is_gone_is_told_in_english_with_where_the_key_was_looked_for() {
    let (folder, app) = Folder::new();
    drop(app);
    let elsewhere = folder.key().with_file_name("moved.key");
    let err = assistid_app::App::open(
        folder
            .key()
            .parent()
            .expect("the key is in the data folder"),
        assistid_app::KeySource::File(elsewhere.clone()),
        now(),
    )
    .expect_err("another key file does not open the database, and no new one is made");
    let sv = err
        .downcast_ref::<AppError>()
        .map(|e| e.message_in(Lang::Sv))
        .unwrap_or_default();
    let ipc = IpcError::in_lang(err, Lang::En);
    assert!(
        ipc.message
            .contains(&format!("is not in the key file {}", elsewhere.display()))
            && ipc.message.contains("restore the key"),
        "the English message says where the key was looked for and what to do: {}",
        ipc.message
    );
    assert!(
        sv.contains("finns inte i nyckelfilen"),
        "Swedish stays as it was: {sv}"
    );
    assert_eq!(
        (
            ipc.message_code.as_str(),
            ipc.params.get("location@code").map(String::as_str),
            ipc.params.get("location@path").cloned(),
        ),
        (
            "key_missing",
            Some("key_in_file"),
            Some(elsewhere.display().to_string())
        ),
        "the nested part of the message crosses with its own code and parameters, so the UI \
         can render it again in the other language"
    );
}

#[test]
fn a_signing_failure_reaches_the_ui_with_its_own_code_without_anyhow() {
    use assistid_app::signing::SigningError;
    let cancelled = IpcError::of_signing(SigningError::Cancelled, Lang::Sv);
    assert_eq!(
        cancelled.code, "signing_cancelled",
        "the UI branches on the refusal's own code"
    );
    let inside = IpcError::of_signing(
        SigningError::Other(AppError::Missing("ingen anordnare".into()).into()),
        Lang::Sv,
    );
    assert_eq!(
        inside.code, "missing_data",
        "an app error inside a signing failure keeps its own code, never `internal`"
    );
    assert!(
        inside.message.contains("ingen anordnare"),
        "and its message: {}",
        inside.message
    );
}

#[test]
fn a_missing_record_is_told_in_english_with_the_same_parameters_and_unchanged_in_swedish() {
    let (_folder, app) = Folder::new();
    let sv = app
        .export_person("191212121212", now())
        .expect_err("nobody with that number is in the register");
    assert_eq!(
        sv.to_string(),
        "ingen person eller assistent med personnumret 19121212-**** finns i registret",
        "Swedish is the message as it always was, byte for byte"
    );
    let sv = IpcError::in_lang(sv, Lang::Sv);
    let en = IpcError::in_lang(
        app.export_person("191212121212", now())
            .expect_err("still nobody"),
        Lang::En,
    );
    assert_eq!(
        (
            en.code.as_str(),
            en.message_code.as_str(),
            en.message.as_str()
        ),
        (
            "missing_data",
            "no_such_subject",
            "no person or assistant with the personal identity number 19121212-**** is in the \
             register"
        ),
        "English mode tells what is missing, with the masked number"
    );
    assert_eq!(
        (sv.code, sv.message_code, sv.params),
        (en.code.clone(), en.message_code.clone(), en.params.clone()),
        "the same code and parameters in both languages"
    );
}

#[test]
fn an_order_bankid_ended_is_told_by_bankids_code_in_either_language() {
    use assistid_app::signing::{StartMode, order_message, order_message_text};
    for (hint, mode, code, en) in [
        (
            "userCancel",
            StartMode::Qr,
            "bankid_rfa6",
            "Action cancelled.",
        ),
        (
            "userDeclinedCall",
            StartMode::Phone,
            "bankid_assistid_phone_declined",
            "Action cancelled. You stated in the BankID app that you are not in a call with us.",
        ),
    ] {
        let text = order_message_text(Some(hint), true, mode);
        let (_, sv, _) = order_message(Some(hint), true, mode);
        assert_eq!(
            (
                text.code(),
                text.render(Lang::Sv).as_str(),
                text.render(Lang::En).as_str()
            ),
            (code, sv, en),
            "{hint}: BankID's code, the Swedish text as the dialog showed it, and English"
        );
    }
}
