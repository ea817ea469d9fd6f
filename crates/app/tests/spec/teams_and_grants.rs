//! A person's team (the month grid's columns) and their granted hours from FK: recorded in
//! the register, warned about near and over the grant (in real hours, a DST night counting
//! what it lasted), and shown granted against used in the invoice figures.

use assistid_app::teams::GrantInput;
use assistid_app::{App, KeySource};
use assistid_core::grant::UsageLevel;
use assistid_core::ids::Personnummer;

use crate::shifts::{ASSISTANT, Folder, OTHER_ASSISTANT, PERSON, input, month, now};

fn grant(hours: &str, period: &str, from: &str, to: Option<&str>) -> GrantInput {
    GrantInput {
        personnummer: PERSON.into(),
        hours: hours.into(),
        period: period.into(),
        valid_from: from.into(),
        valid_to: to.map(str::to_owned),
    }
}

fn person() -> Personnummer {
    Personnummer::from_digits(PERSON).expect("the fixture's personnummer is valid")
}

#[test]
fn an_assistant_is_added_to_and_removed_from_a_team_and_a_typed_shift_adds_its_assistant() {
    let (_folder, app) = Folder::new();
    assert!(
        app.team(PERSON, now()).expect("team readable").is_empty(),
        "a new person's team is empty"
    );
    assert!(
        app.add_to_team(PERSON, OTHER_ASSISTANT, Some("2026-11-01"), now())
            .expect("a registered assistant joins")
    );
    app.add_shift(&input("2026-11-10T08:00", "2026-11-10T16:00"), now())
        .expect("a valid shift");
    let team: Vec<String> = app
        .team(PERSON, now())
        .expect("team readable")
        .into_iter()
        .map(|m| m.identity)
        .collect();
    assert_eq!(
        team.len(),
        2,
        "the assistant added by hand and the one who worked are both in the team: {team:?}"
    );
    assert!(team.contains(&ASSISTANT.to_owned()) && team.contains(&OTHER_ASSISTANT.to_owned()));
    assert!(
        app.remove_from_team(PERSON, ASSISTANT, now())
            .expect("a member can leave")
    );
    assert_eq!(
        app.shifts_of_person_in_month(PERSON, month("2026-11"))
            .expect("shifts readable")
            .len(),
        1,
        "leaving the team keeps the assistant's shifts"
    );
    let unknown = app
        .add_to_team(PERSON, "198001012387", None, now())
        .expect_err("an assistant not in the register cannot join");
    assert!(
        format!("{unknown:#}").contains("registrera assistenten först"),
        "the message says what to do: {unknown:#}"
    );
}

#[test]
fn the_demo_gives_every_person_the_team_that_works_for_them() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let app = App::open(dir.path(), KeySource::File(dir.path().join("k")), now())
        .expect("the folder opens");
    assert!(app.load_demo_if_empty(now()).expect("the demo loads"));
    for p in app.persons().expect("persons") {
        let pnr = p.personnummer.digits().to_owned();
        let team = app.team(&pnr, now()).expect("team readable");
        assert!(
            !team.is_empty(),
            "{} has assistants in the demo, so a team",
            p.full_name()
        );
    }
}

#[test]
fn a_decision_is_recorded_listed_and_an_overlapping_one_refused_with_what_to_do() {
    let (_folder, app) = Folder::new();
    let saved = app
        .add_grant(
            &grant("37,5", "week", "2026-01-01", Some("2026-12-31")),
            now(),
        )
        .expect("a valid decision");
    assert_eq!(
        saved.grant.minutes,
        37 * 60 + 30,
        "37,5 hours is 37 h 30 min"
    );
    let err = app
        .add_grant(&grant("40", "week", "2026-12-01", None), now())
        .expect_err("a second decision for the same days is refused");
    let text = format!("{err:#}");
    assert!(
        text.contains("har redan ett beslut") && text.contains("dagen efter"),
        "the refusal names the old decision and what to do: {text}"
    );
    app.add_grant(&grant("40", "week", "2027-01-01", None), now())
        .expect("the next decision from the day after the old one ends");
    assert_eq!(app.grants(PERSON, now()).expect("listable").len(), 2);
    let bad = app
        .add_grant(&grant("fyrtio", "week", "2028-01-01", None), now())
        .expect_err("hours must be a number");
    assert!(format!("{bad:#}").contains("beviljade timmar"), "{bad:#}");
    assert!(
        app.remove_grant(PERSON, saved.id, now())
            .expect("removable")
    );
}

#[test]
fn the_autumn_night_uses_ten_granted_hours_and_the_month_warns_before_they_run_out() {
    let (_folder, app) = Folder::new();
    // 20 granted hours in October 2026; the clock goes back in the night to 25 October.
    app.add_grant(&grant("20", "month", "2026-01-01", None), now())
        .expect("a valid decision");
    let night = input("2026-10-24T22:00", "2026-10-25T07:00");
    app.add_shift(&night, now())
        .expect("the DST night is a valid shift");
    let october = month("2026-10");
    let usage = app.grant_usage(october, None).expect("usage readable");
    assert_eq!(usage.len(), 1);
    assert_eq!(
        usage[0].usage[0].used_minutes, 600,
        "22.00–07.00 that night is ten real hours, not nine"
    );
    assert_eq!(
        usage[0].level(),
        UsageLevel::Within,
        "10 of 20 hours is half"
    );
    assert!(usage[0].warnings.is_empty());

    app.add_shift(&input("2026-10-26T08:00", "2026-10-26T16:00"), now())
        .expect("a day shift");
    let usage = app.grant_usage(october, None).expect("usage readable");
    assert_eq!(usage[0].level(), UsageLevel::Near, "18 of 20 hours is 90 %");
    assert!(
        usage[0].warnings[0].contains("18 timmar av 20 timmar")
            && usage[0].warnings[0].contains("2 timmar återstår"),
        "the warning gives the numbers: {}",
        usage[0].warnings[0]
    );

    app.add_shift(&input("2026-10-27T08:00", "2026-10-27T12:00"), now())
        .expect("one more shift");
    let usage = app.grant_usage(october, None).expect("usage readable");
    assert_eq!(usage[0].level(), UsageLevel::Exceeded);
    assert!(
        usage[0].warnings[0].contains("2 timmar mer än beslutet"),
        "{}",
        usage[0].warnings[0]
    );
}

#[test]
fn the_invoice_figures_show_granted_against_used() {
    let (_folder, app) = Folder::new();
    app.add_grant(&grant("40", "week", "2026-01-01", None), now())
        .expect("a valid decision");
    app.add_shift(&input("2026-11-10T08:00", "2026-11-10T16:00"), now())
        .expect("a valid shift");
    let figures = app
        .invoice_figures(month("2026-11"), Some(PERSON), now())
        .expect("figures for the month");
    let granted = &figures[0].granted;
    assert_eq!(granted.len(), 1, "the decision applies in November");
    assert_eq!(
        granted[0].granted_minutes,
        30 * 40 * 60 / 7 + 1,
        "40 h a week over 30 days"
    );
    assert_eq!(granted[0].used_minutes, 480);
    let csv = String::from_utf8(figures[0].to_csv()).expect("UTF-8");
    assert!(
        csv.contains("Beviljat") && csv.contains("använt 8,00 h"),
        "the CSV carries the granted-against-used line: {csv}"
    );
    let none = app
        .grant_usage(month("2025-11"), Some(&person()))
        .expect("usage readable");
    assert!(none.is_empty(), "no decision applied in 2025");
}
