//! `assistid provider|person|assistant add|list`: the register, with the domain's checks.

use crate::support::DataDir;

#[test]
fn register_a_provider_person_and_assistant_then_list_them() {
    let data = DataDir::new();
    data.ok(&[
        "provider",
        "add",
        "--name",
        "Åsa & Co Assistans AB",
        "--org-number",
        "556703-7485",
        "--phone",
        "08-123 45 67",
    ]);
    data.ok(&[
        "person",
        "add",
        "--personnummer",
        "19750323-1115",
        "--first-name",
        "Åsa",
        "--last-name",
        "Öberg",
    ]);
    let out = data.ok(&[
        "assistant",
        "add",
        "--personnummer",
        "198503121231",
        "--first-name",
        "Erik",
        "--last-name",
        "Johansson",
        "--employment",
        "other",
        "--employer-org",
        "5567037485",
        "--period-start",
        "2026-01-01",
        "--period-length",
        "4m",
    ]);
    assert!(
        out.contains("registrerad"),
        "the assistant is registered: {out}"
    );

    let persons = data.json(&["person", "list"]);
    assert_eq!(
        persons[0]["personnummer"], "197503231115",
        "a personnummer typed with a dash is stored as 12 digits"
    );
    let assistants = data.json(&["assistant", "list"]);
    assert_eq!(
        assistants[0]["employment"]["type"], "other_employer",
        "the employment is stored"
    );
    let providers = data.json(&["provider", "list"]);
    assert_eq!(
        providers[0]["name"], "Åsa & Co Assistans AB",
        "names keep their characters"
    );
}

#[test]
fn invalid_input_is_refused_with_a_message_naming_the_field_and_exit_3() {
    let data = DataDir::new();
    data.ok(&[
        "provider",
        "add",
        "--name",
        "Omsorg AB",
        "--org-number",
        "5567037485",
        "--phone",
        "08-123 45 67",
    ]);
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "person",
                "add",
                "--personnummer",
                "19750323-1116",
                "--first-name",
                "A",
                "--last-name",
                "B",
            ],
            "personnummer",
        ),
        (
            &[
                "person",
                "add",
                "--personnummer",
                "19751323-1115",
                "--first-name",
                "A",
                "--last-name",
                "B",
            ],
            "personnummer",
        ),
        (
            &[
                "provider",
                "add",
                "--name",
                "X",
                "--org-number",
                "5567037485",
                "--phone",
                "123",
            ],
            "telefon",
        ),
        (
            &[
                "provider",
                "add",
                "--name",
                "X",
                "--org-number",
                "5567037486",
                "--phone",
                "08-123 45 67",
            ],
            "organisationsnummer",
        ),
        (
            &[
                "assistant",
                "add",
                "--personnummer",
                "198503121231",
                "--first-name",
                "E",
                "--last-name",
                "J",
                "--employment",
                "other",
            ],
            "arbetsgivarens organisationsnummer",
        ),
        (
            &[
                "assistant",
                "add",
                "--personnummer",
                "198503121231",
                "--first-name",
                "E",
                "--last-name",
                "J",
                "--period-start",
                "2026-01-01",
            ],
            "beräkningsperiod",
        ),
    ];
    for (args, field) in cases {
        let out = data.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(3),
            "`{}` is invalid input (exit 3); stderr: {stderr}",
            args.join(" ")
        );
        assert!(
            stderr.contains(field),
            "the message for `{}` names the field {field:?}: {stderr}",
            args.join(" ")
        );
    }
    assert_eq!(
        data.json(&["person", "list"]),
        serde_json::json!([]),
        "nothing invalid was stored"
    );
}

#[test]
fn a_samordningsnummer_assistant_is_accepted_but_flagged() {
    let data = DataDir::new();
    data.ok(&[
        "provider",
        "add",
        "--name",
        "Omsorg AB",
        "--org-number",
        "5567037485",
        "--phone",
        "08-123 45 67",
    ]);
    // Day 12 + 60 = 72: a samordningsnummer (check digit per the Luhn rule).
    let out = data.ok(&[
        "assistant",
        "add",
        "--personnummer",
        "198503721238",
        "--first-name",
        "Sam",
        "--last-name",
        "Ordning",
    ]);
    assert!(
        out.contains("BankID"),
        "the user is told a samordningsnummer cannot sign with BankID: {out}"
    );
}

/// Issue 21: a person's team and granted hours from the command line, and identity numbers
/// shown with the hyphen people read.
#[test]
fn a_persons_team_and_granted_hours_are_kept_and_the_month_says_how_much_is_used() {
    let data = DataDir::new();
    data.ok(&[
        "provider",
        "add",
        "--name",
        "Omsorg AB",
        "--org-number",
        "556703-7485",
        "--phone",
        "08-123 45 67",
    ]);
    data.ok(&[
        "person",
        "add",
        "--personnummer",
        "197503231115",
        "--first-name",
        "Åsa",
        "--last-name",
        "Öberg",
    ]);
    data.ok(&[
        "assistant",
        "add",
        "--personnummer",
        "198503121231",
        "--first-name",
        "Erik",
        "--last-name",
        "Johansson",
    ]);
    let listed = data.ok(&["person", "list"]);
    assert!(
        listed.contains("19750323-1115"),
        "the list shows ÅÅÅÅMMDD-NNNN: {listed}"
    );

    data.ok(&[
        "person",
        "team",
        "add",
        "--personnummer",
        "197503231115",
        "--assistant",
        "198503121231",
    ]);
    let team = data.json(&["person", "team", "list", "--personnummer", "197503231115"]);
    assert_eq!(
        team[0]["identity"], "198503121231",
        "the assistant is in the team"
    );

    let saved = data.ok(&[
        "person",
        "grant",
        "add",
        "--personnummer",
        "197503231115",
        "--hours",
        "37,5",
        "--per",
        "week",
        "--from",
        "2026-01-01",
    ]);
    assert!(
        saved.contains("37 timmar och 30 minuter per vecka från 2026-01-01 tills vidare"),
        "the decision is read back in words: {saved}"
    );
    let overlapping = data.run(&[
        "person",
        "grant",
        "add",
        "--personnummer",
        "197503231115",
        "--hours",
        "40",
        "--from",
        "2026-06-01",
    ]);
    assert_ne!(
        overlapping.status.code(),
        Some(0),
        "a second decision for the same days is refused"
    );
    let usage = data.json(&[
        "person",
        "grant",
        "usage",
        "--month",
        "2026-10",
        "--personnummer",
        "197503231115",
    ]);
    assert_eq!(
        usage[0]["usage"][0]["granted_minutes"], 9964,
        "37,5 hours a week over October's 31 days is 9964 minutes (rounded)"
    );
    assert_eq!(usage[0]["usage"][0]["used_minutes"], 0);
}
