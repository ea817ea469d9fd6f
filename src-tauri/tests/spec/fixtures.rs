//! The browser demo's answers are the real Rust demo's (issue 19): this test opens the demo
//! folder the way the desktop does, asks the functions the Tauri commands call for every screen
//! the browser demo shows, at one fixed instant, and compares their JSON with the files the
//! browser demo replays (`ui/src/lib/backend/fixtures/*.json`). A stale file fails the test;
//! `UPDATE_FIXTURES=1` (or `UPDATE_BINDINGS=1`) writes them again.
//!
//! Before the screens are asked, [`later::drive`] takes the demo on (signed by the assistants
//! and the provider, a run to the demo's fake FK leaving reports received, refused and
//! uncertain); `flows.json` then holds what the browser demo plays when the user acts — the
//! way out, a sending run, signing with the QR code and by phone ([`signing_flow`]), an import
//! with a fix ([`import_flow`]). Everything is recorded at fixed instants, with the drawn ids
//! numbered in order of appearance and no path of the test's folders.

use std::collections::BTreeMap;
use std::path::PathBuf;

use assistid_app::App;
use assistid_app::core_types::text::Lang;
use assistid_desktop::{calendar, convert, ipc, records, submission, ways_out};
use chrono::{DateTime, SubsecRound as _, TimeZone as _, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::boundary::demo_app;

mod import_flow;
mod later;
mod signing_flow;

/// The instant the browser demo shows: the demo month's deadline is two weeks away.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

/// "Today" as the UI passes it at [`now`].
const TODAY: &str = "2026-11-20";
/// The demo's month.
const MONTH: &str = "2026-10";
/// The months the browser demo can page to: the one before, the demo month, the current one.
const MONTHS: [&str; 3] = ["2026-09", "2026-10", "2026-11"];
/// What the recorded answers show instead of the test's temporary folder.
const DEMO_FOLDER: &str = "<demomappen>";

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend/fixtures")
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("every view serializes")
}

/// The person numbers of the demo register, in its order.
fn persons(app: &App) -> Vec<String> {
    app.persons()
        .expect("the demo's persons")
        .iter()
        .map(|p| p.personnummer.digits().to_owned())
        .collect()
}

/// What the screens ask for, each by the function its command calls.
fn screens(app: &App) -> Value {
    let mut overview = BTreeMap::new();
    for lang in [Lang::Sv, Lang::En] {
        let mut months = BTreeMap::new();
        for month in MONTHS {
            months.insert(
                month,
                to_json(
                    &app.month_overview(convert::month(month).expect("month"), lang, now())
                        .expect("the month's overview"),
                ),
            );
        }
        overview.insert(if lang == Lang::Sv { "sv" } else { "en" }, months);
    }
    let mut grids = BTreeMap::new();
    let mut details = BTreeMap::new();
    let mut reminders = BTreeMap::new();
    for month in MONTHS {
        let m = convert::month(month).expect("month");
        let mut of_month = BTreeMap::new();
        for person in persons(app) {
            // As the `month_grid` command answers (the demo's language, Swedish).
            let grid = app
                .month_grid(m, &person, Lang::Sv, now())
                .expect("the person's month grid");
            of_month.insert(person, to_json(&grid));
        }
        grids.insert(month, of_month);
        reminders.insert(
            month,
            to_json(&records::reminders_at(app, m, now()).expect("the month's reminders")),
        );
    }
    for person in persons(app) {
        details.insert(
            person.clone(),
            to_json(
                &app.person_details(&person, now())
                    .expect("the person's details"),
            ),
        );
    }
    let history = records::history_at(app, now(), Lang::Sv).expect("the history");
    let mut submissions = BTreeMap::new();
    for entry in &history {
        let detail = |lang| {
            to_json(
                &ways_out::detail(app, &entry.submission_id, lang)
                    .expect("every submission in the history has its detail"),
            )
        };
        submissions.insert(
            entry.submission_id.clone(),
            json!({ "sv": detail(Lang::Sv), "en": detail(Lang::En) }),
        );
    }
    let mut queue_items: Vec<ipc::SubmissionItem> = app
        .submissions(None)
        .expect("the submissions")
        .iter()
        .map(submission::item)
        .collect();
    queue_items.reverse();
    let register = app.register_data().expect("the register");
    let facts = assistid_desktop::shell::settings_of(app, now()).expect("the settings");
    let settings = ipc::Settings {
        environment: facts.environment,
        language: ipc::Language::Sv,
        certificates: facts.certificates,
        data_kind: Some(facts.data_kind),
        environment_chosen: Some(facts.chosen),
        workspace: Some(ipc::Workspace::Demo),
        data_folder: Some(DEMO_FOLDER.to_owned()),
        fk_services: facts.fk_services,
        bankid_test: facts.bankid_test,
    };
    let value = json!({
        "today": TODAY,
        "month": MONTH,
        "overview": overview,
        "month_grid": grids,
        "person_details": details,
        "register": to_json(&register),
        "reminders": reminders,
        "history": to_json(&history),
        "submission_detail": submissions,
        "submission_queue": to_json(&ipc::SubmissionQueue {
            items: queue_items,
            rate_per_second: 1,
            running: false,
            relay_address: None,
        }),
        "settings": to_json(&settings),
        "relay_settings": to_json(&assistid_desktop::relay::status(app).expect("the relay status")),
        "support_contact": {
            "sv": to_json(&ways_out::support_contact(app, Lang::Sv).expect("the support contact")),
            "en": to_json(&ways_out::support_contact(app, Lang::En).expect("the support contact")),
        },
    });
    // Nothing of the test's temporary folder reaches the files, and the ids the demo draws at
    // random (report ids, tx-ids, document hashes) are numbered in the order they first
    // appear (by the caller, across every recorded file).
    value
}

/// Rounds every instant with a fraction of a second to the whole second: a request's
/// departure is stamped as the run's clock less the time measured since it left, which the
/// fixed clock cannot fix.
fn whole_seconds(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(s)
                && t.timestamp_subsec_nanos() != 0
            {
                let rounded = t.with_timezone(&Utc).round_subsecs(0);
                *s = rounded.to_rfc3339();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_seconds),
        Value::Object(fields) => fields.values_mut().for_each(whole_seconds),
        _ => {}
    }
}

/// Whether `s` is a UUID in its hyphenated form.
fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether `s` is a SHA-256 in lowercase hex (a signed document's hash, which changes with
/// every signature the fake BankID draws) standing alone in `text` at `i`.
fn is_sha256(bytes: &[u8], i: usize) -> bool {
    let hex = |c: &u8| c.is_ascii_digit() || (b'a'..=b'f').contains(c);
    bytes.get(i..i + 64).is_some_and(|s| s.iter().all(hex))
        && (i == 0 || bytes.get(i - 1).is_none_or(|c| !hex(c)))
        && bytes.get(i + 64).is_none_or(|c| !hex(c))
}

/// Replaces every UUID in `text` (but the tx-id the recorded coordinator types, which is
/// also the example FK's form is explained with) by `00000000-0000-4000-8000-00000000000N`
/// and every SHA-256
/// by `N` in 64 digits, N counting the distinct ids in order of first appearance, so a
/// recording does not change when the demo draws new ids, tx-ids and signatures.
fn stable_ids(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if is_sha256(bytes, i) {
            let id = String::from_utf8_lossy(&bytes[i..i + 64]).into_owned();
            let n = match seen.iter().position(|s| *s == id) {
                Some(n) => n + 1,
                None => {
                    seen.push(id);
                    seen.len()
                }
            };
            out.push_str(&format!("{n:064}"));
            i += 64;
            continue;
        }
        if let Some(candidate) = bytes.get(i..i + 36)
            && is_uuid(candidate)
            && !candidate.eq_ignore_ascii_case(later::TYPED_TX_ID.as_bytes())
        {
            let id = String::from_utf8_lossy(candidate).into_owned();
            let n = match seen.iter().position(|s| *s == id) {
                Some(n) => n + 1,
                None => {
                    seen.push(id);
                    seen.len()
                }
            };
            out.push_str(&format!("00000000-0000-4000-8000-{n:012}"));
            i += 36;
            continue;
        }
        let ch = text[i..].chars().next().expect("inside the text");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The calendar answers the UI asks for around the demo's months.
fn calendar_answers() -> Value {
    let mut dst = BTreeMap::new();
    for year in 2025..=2027 {
        dst.insert(
            year.to_string(),
            to_json(&calendar::dst_year(year).expect("a year the calendar knows")),
        );
    }
    let mut deadlines = BTreeMap::new();
    for month in MONTHS {
        deadlines.insert(
            month.to_owned(),
            to_json(&calendar::deadline_of(Some(month), TODAY).expect("a deadline")),
        );
    }
    json!({
        "today": TODAY,
        "due_next": to_json(&calendar::deadline_of(None, TODAY).expect("the month due next")),
        "deadlines": deadlines,
        "dst_changes": dst,
    })
}

/// Writes `name` under `ui/src/lib/backend/fixtures` when asked, else fails when it differs.
fn check(name: &str, value: &Value) {
    let path = folder().join(name);
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(value).expect("JSON prints")
    );
    if std::env::var_os("UPDATE_FIXTURES").is_some()
        || std::env::var_os("UPDATE_BINDINGS").is_some()
    {
        std::fs::create_dir_all(folder()).expect("the fixtures folder can be created");
        std::fs::write(&path, &text).expect("the fixture can be written");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale: the Rust demo now answers differently from what the browser demo \
         replays. Regenerate with `UPDATE_FIXTURES=1 cargo test -p assistid-desktop --test \
         spec fixtures` and commit it",
        path.display()
    );
}

#[test]
fn the_browser_demos_screens_are_the_rust_demos_answers_up_to_date() {
    let (dir, app) = demo_app();
    let data_dir = dir.path().join("data").display().to_string();
    let later = later::drive(dir.path(), &app);
    assert_eq!(
        later.states(),
        [
            "accepted",
            "accepted",
            "accepted",
            "accepted",
            "rejected",
            "uncertain"
        ],
        "the recorded run ends in every state the browser demo shows: four received by FK, \
         one refused, one uncertain"
    );
    let screens = screens(&app);
    let flows = later::flows(dir.path(), app, &later, &data_dir);
    // One numbering of the drawn ids across both files, so a flow's answers name the reports
    // and submissions of the screens.
    let both = stable_ids(
        &json!({ "screens": screens, "flows": flows })
            .to_string()
            .replace(&data_dir, DEMO_FOLDER),
    );
    let mut both: Value = serde_json::from_str(&both).expect("still JSON");
    whole_seconds(&mut both);
    check("screens.json", &both["screens"]);
    check("flows.json", &both["flows"]);
}

#[test]
fn the_browser_demos_calendar_answers_are_rusts_up_to_date() {
    check("calendar.json", &calendar_answers());
}

#[test]
fn the_calendar_commands_answer_the_dst_nights_and_deadlines() {
    let year = calendar::dst_year(2026).expect("2026");
    let dates: Vec<(&str, &str, &str)> = year
        .nights
        .iter()
        .map(|n| (n.date.as_str(), n.from.as_str(), n.to.as_str()))
        .collect();
    assert_eq!(
        dates,
        [
            ("2026-03-29", "02:00", "03:00"),
            ("2026-10-25", "02:00", "03:00")
        ],
        "2026: the spring night skips 02:00–03:00 on 29 March, the autumn night repeats it on \
         25 October"
    );
    use assistid_app::calendar::{DeadlineUrgency, LocalTimeClass};
    for (local, class, why) in [
        (
            "2026-03-29T02:00",
            LocalTimeClass::Skipped,
            "02:00 does not exist in spring",
        ),
        ("2026-03-29T02:59", LocalTimeClass::Skipped, "nor 02:59"),
        (
            "2026-03-29T03:00",
            LocalTimeClass::Normal,
            "03:00 exists on the spring night",
        ),
        (
            "2026-10-25T02:30",
            LocalTimeClass::Repeated,
            "02:30 happens twice in autumn",
        ),
        (
            "2026-10-25T01:59",
            LocalTimeClass::Normal,
            "before the repeated hour",
        ),
        (
            "2026-10-25T03:00",
            LocalTimeClass::Normal,
            "03:00 happens once",
        ),
        (
            "2026-10-24T02:30",
            LocalTimeClass::Normal,
            "the day before is ordinary",
        ),
    ] {
        assert_eq!(
            calendar::local_class(local).expect("a time"),
            class,
            "{why}"
        );
    }
    assert_eq!(
        calendar::local_class("25/10 02:30")
            .expect_err("not a time")
            .code,
        "invalid_input",
        "a mistyped time is the user's to fix"
    );
    for (month, today, deadline, days, urgency) in [
        (
            "2026-10",
            "2026-11-20",
            "2026-12-05",
            15,
            DeadlineUrgency::Calm,
        ),
        (
            "2026-10",
            "2026-11-26",
            "2026-12-05",
            9,
            DeadlineUrgency::Soon,
        ),
        (
            "2026-10",
            "2026-12-05",
            "2026-12-05",
            0,
            DeadlineUrgency::Urgent,
        ),
        (
            "2026-10",
            "2026-12-07",
            "2026-12-05",
            -2,
            DeadlineUrgency::Passed,
        ),
        (
            "2026-12",
            "2027-01-10",
            "2027-02-05",
            26,
            DeadlineUrgency::Calm,
        ),
    ] {
        let d = calendar::deadline_of(Some(month), today).expect("a deadline");
        assert_eq!(
            (d.deadline.as_str(), d.days_left, d.urgency),
            (deadline, days, urgency),
            "{month} seen on {today}: FK wants it by the 5th of the second month after"
        );
    }
    for (today, due, why) in [
        ("2026-11-26", "2026-10", "after the 5th: last month"),
        (
            "2026-12-05",
            "2026-10",
            "on the 5th the month before last is still due",
        ),
        ("2026-12-06", "2026-11", "the day after, last month"),
        ("2027-01-03", "2026-11", "across the year"),
        ("2027-02-20", "2027-01", "an ordinary day"),
    ] {
        assert_eq!(
            calendar::deadline_of(None, today)
                .expect("the month due next")
                .month,
            due,
            "{today}: {why}"
        );
    }
}
