//! `assistid import`: preview every problem, then commit all or nothing.

use crate::support::DataDir;

const HEADER: &str = "assistent;person;datum;start;slut;typ;anteckning\n";

fn write(data: &DataDir, name: &str, body: &str) -> String {
    let path = data.path().join(name);
    std::fs::write(&path, format!("{HEADER}{body}")).expect("write the import file");
    path.to_str().expect("utf-8 path").to_owned()
}

#[test]
fn a_file_with_one_bad_row_is_refused_whole_and_the_row_is_named() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let file = write(
        &data,
        "bad.csv",
        "198503121231;197503231115;2026-12-02;08:00;16:00;aktiv;\n\
         198503121231;197503231115;2026-12-03;08:00;16:00;aktivt;fel typ\n",
    );
    let out = data.run(&["import", &file]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "errors block the import (exit 3): {stdout}"
    );
    assert!(
        stdout.contains("rad 3") && stdout.contains("typ"),
        "the problem names row 3 and the column: {stdout}"
    );
    let review = data.json(&["review", "--month", "2026-12"]);
    assert_eq!(
        review["reports"].as_array().map(Vec::len),
        Some(0),
        "nothing was stored: all or nothing"
    );

    // With --skip-invalid the good row is imported and the bad one left out.
    let out = data.run(&["import", &file, "--skip-invalid"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let review = data.json(&["review", "--month", "2026-12"]);
    assert_eq!(
        review["reports"][0]["rows"].as_array().map(Vec::len),
        Some(1),
        "only the valid row was stored"
    );
}

#[test]
fn importing_the_same_file_twice_adds_nothing_the_second_time() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let file = write(
        &data,
        "nov.csv",
        "198503121231;197503231115;2026-11-02;22:00;07:00;vänte;natt\n",
    );
    let dry = data.json(&["import", &file, "--dry-run"]);
    assert_eq!(dry["committed"], false, "a dry run stores nothing");
    assert_eq!(
        dry["new_shifts"], 1,
        "the dry run says one shift would be added"
    );
    let first = data.json(&["import", &file]);
    assert_eq!(first["new_shifts"], 1, "the first import adds the shift");
    let second = data.json(&["import", &file]);
    assert_eq!(second["new_shifts"], 0, "the second import adds nothing");
    assert_eq!(
        second["already_present"], 1,
        "and says the shift was already there"
    );
}

#[test]
fn the_documented_example_file_imports_once_its_people_are_registered() {
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
    for (pnr, first, last) in [
        ("195001012383", "Elsa", "Exempel"),
        ("194512245673", "Per", "Prov"),
    ] {
        data.ok(&[
            "person",
            "add",
            "--personnummer",
            pnr,
            "--first-name",
            first,
            "--last-name",
            last,
        ]);
    }
    for (pnr, first, last) in [
        ("199001012385", "Ali", "Assistent"),
        ("198507152398", "Bea", "Biträde"),
    ] {
        data.ok(&[
            "assistant",
            "add",
            "--personnummer",
            pnr,
            "--first-name",
            first,
            "--last-name",
            last,
        ]);
    }
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/examples/shifts.csv");
    let report = data.json(&["import", example.to_str().expect("utf-8 path")]);
    assert_eq!(
        report["committed"], true,
        "the example in schemas/ imports cleanly: {report}"
    );
    assert!(
        report["new_shifts"].as_u64().is_some_and(|n| n > 0),
        "it holds shifts"
    );
}
