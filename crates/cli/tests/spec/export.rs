//! `assistid report export`: the exact bytes of every report and an index with hashes and
//! bindings — checked against FK's schema and against xmllint's canonical form.

use sha2::{Digest as _, Sha256};

use crate::support::{DataDir, fk_dir, xmllint};

#[test]
fn exported_reports_validate_against_fks_schema_and_their_hash_matches_xmllint() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let out = data.path().join("export");
    data.ok(&[
        "report",
        "export",
        "--month",
        "2026-10",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);

    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).expect("index.json written"))
            .expect("index is JSON");
    let reports = index["reports"].as_array().expect("reports array");
    assert!(
        reports.len() >= 5,
        "the demo month has several reports, got {}",
        reports.len()
    );

    let xsd = fk_dir().join("tidredovisning_extern_v1.xsd");
    let mut files = vec![
        "--noout".to_owned(),
        "--schema".to_owned(),
        xsd.display().to_string(),
    ];
    for r in reports {
        let id = r["id"].as_str().expect("id");
        let file = out.join(format!("{id}.xml"));
        files.push(file.display().to_string());

        // The hash is SHA-256 of the canonical form, computed independently with xmllint.
        let (ok, canonical, err) = xmllint(&["--c14n", file.to_str().expect("utf-8 path")]);
        assert!(ok, "xmllint can canonicalize {id}: {err}");
        let expected = hex::encode(Sha256::digest(&canonical));
        assert_eq!(
            r["sha256"],
            expected.as_str(),
            "index sha256 of {id} equals SHA-256 of xmllint --c14n"
        );
        assert_eq!(
            r["binding"],
            format!("{id},{expected}").as_str(),
            "the binding is <id>,<sha256>"
        );
        assert!(
            r["person"].as_str().is_some_and(|p| p.len() == 12),
            "person is 12 digits"
        );
        assert!(
            r["assistant"].as_str().is_some_and(|p| p.len() == 12),
            "assistant is 12 digits"
        );
    }
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let (ok, _, err) = xmllint(&args);
    assert!(
        ok,
        "every exported report validates against FK's tidredovisning_extern_v1.xsd: {err}"
    );
}

#[test]
fn exporting_twice_gives_the_same_ids_and_bytes() {
    let data = DataDir::new();
    data.ok(&["demo"]);
    let a = data.path().join("a");
    let b = data.path().join("b");
    data.ok(&[
        "report",
        "export",
        "--month",
        "2026-03",
        "--out",
        a.to_str().expect("utf-8"),
    ]);
    data.ok(&[
        "report",
        "export",
        "--month",
        "2026-03",
        "--out",
        b.to_str().expect("utf-8"),
    ]);
    let ia = std::fs::read(a.join("index.json")).expect("index a");
    let ib = std::fs::read(b.join("index.json")).expect("index b");
    assert_eq!(
        ia, ib,
        "unchanged data gives the same report versions, ids and hashes"
    );
}
