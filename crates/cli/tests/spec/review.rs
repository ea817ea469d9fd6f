//! `assistid review --month … --json`: the documented JSON interface.

use std::path::Path;

use crate::support::DataDir;

fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/review.schema.json");
    let text = std::fs::read_to_string(&path).expect("schemas/review.schema.json exists");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

#[test]
fn review_json_follows_the_documented_schema_in_both_dst_months() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let validator = schema();
    for month in ["2026-03", "2026-10", "2026-11"] {
        let review = data.json(&["review", "--month", month]);
        let problems: Vec<String> = validator
            .iter_errors(&review)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            problems.is_empty(),
            "review --json for {month} must match schemas/review.schema.json: {problems:#?}"
        );
    }
}

#[test]
fn review_totals_are_the_sums_of_the_rows_and_autumn_adds_an_hour() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let review = data.json(&["review", "--month", "2026-10"]);
    let reports = review["reports"].as_array().expect("reports is an array");
    assert!(!reports.is_empty(), "the demo month has reports");
    let mut saw_autumn_row = false;
    for report in reports {
        for kind in ["aktiv", "vante", "beredskap"] {
            let rows = report["rows"].as_array().expect("rows is an array");
            let (clock, real) =
                rows.iter()
                    .filter(|r| r["kind"] == kind)
                    .fold((0, 0), |(c, r), row| {
                        (
                            c + row["clock_minutes"].as_u64().unwrap_or(0),
                            r + row["real_minutes"].as_u64().unwrap_or(0),
                        )
                    });
            assert_eq!(
                report["totals"][kind]["clock_minutes"].as_u64(),
                Some(clock),
                "clock total of {kind} is the sum of its rows"
            );
            assert_eq!(
                report["totals"][kind]["real_minutes"].as_u64(),
                Some(real),
                "real total of {kind} is the sum of its rows"
            );
        }
        for row in report["rows"].as_array().into_iter().flatten() {
            if row["day"] == 25 && row["from"] == "00.00" && row["to"] == "07.00" {
                saw_autumn_row = true;
                assert_eq!(row["clock_minutes"], 420, "00.00–07.00 is 7 h on the clock");
                assert_eq!(
                    row["real_minutes"], 480,
                    "00.00–07.00 on the autumn night is 8 real hours"
                );
                assert_eq!(
                    row["dst_note"], "+1 h, vintertid",
                    "the row carries the autumn note"
                );
            }
        }
    }
    assert!(
        saw_autumn_row,
        "the demo has a night row across the autumn change"
    );
}

#[test]
fn review_of_a_month_with_errors_exits_3_and_says_why() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    // Two overlapping shifts of one assistant (Erik) for one person (Åsa), arriving in two
    // files. The import refuses the second (it checks the shifts already stored), so the
    // overlap is written straight into the store, as an older version of Assistid could have
    // left it: the month review must block it whatever let it in.
    let header = "assistent;person;datum;start;slut;typ\n";
    let first = data.path().join("first.csv");
    std::fs::write(
        &first,
        format!("{header}198503121231;197503231115;2026-11-03;08:00;12:00;aktiv\n"),
    )
    .expect("write csv");
    data.ok(&["import", first.to_str().expect("utf-8 path")]);
    let second = data.path().join("second.csv");
    std::fs::write(
        &second,
        format!("{header}198503121231;197503231115;2026-11-03;10:00;14:00;aktiv\n"),
    )
    .expect("write csv");
    let refused = data.run(&["import", second.to_str().expect("utf-8 path")]);
    assert_eq!(
        refused.status.code(),
        Some(3),
        "the import refuses a shift overlapping a stored one"
    );
    assert!(
        String::from_utf8_lossy(&refused.stdout).contains("overlap_same_person"),
        "and says why on the row:\n{}",
        String::from_utf8_lossy(&refused.stdout)
    );
    let at = |time: &str| {
        assistid_app::core_types::time::ShiftTime::resolve(
            format!("2026-11-03T{time}").parse().expect("a local time"),
            None,
        )
        .expect("an existing time")
    };
    assistid_store::Store::open_in_data_dir(
        data.path(),
        &assistid_store::KeySource::File(data.key_file()),
    )
    .expect("the store opens")
    .insert_shifts(
        [assistid_app::core_types::shift::Shift {
            assistant: assistid_app::core_types::ids::IdentityNumber::from_digits("198503121231")
                .expect("Erik"),
            person: assistid_app::core_types::ids::Personnummer::from_digits("197503231115")
                .expect("Åsa"),
            start: at("10:00:00"),
            end: at("14:00:00"),
            kind: assistid_app::core_types::model::TimeKind::Aktiv,
            note: None,
        }],
        None,
        chrono::Utc::now(),
    )
    .expect("the overlapping shift is stored");
    let out = data.run(&["review", "--month", "2026-11"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "a month with errors exits with code 3 so scripts notice"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("overlap_same_person"),
        "the review names the overlap:\n{text}"
    );
}
