//! Every fuzz target's check over every committed seed (`fuzz/seeds/<target>/`) and every input
//! a fuzz run on this checkout kept (`fuzz/corpus/<target>/`, not committed): the same function
//! the fuzz target runs under libFuzzer, here in the ordinary test build. So a regression input
//! committed as a seed fails `cargo test` without the instrumented fuzz build, and CI replays
//! what its own fuzz run found (`scripts/test.sh` fuzzes first, then tests).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use assistid_fuzz_checks::{TARGETS, Target};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files directly in `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

/// Runs `target`'s check over its seeds and kept corpus and returns how many inputs ran; fails
/// naming every input whose check panicked.
fn replay(target: &Target) -> usize {
    let seeds = files_in(&fuzz_dir().join("seeds").join(target.name));
    assert!(
        !seeds.is_empty(),
        "fuzz/seeds/{} must hold the target's committed seeds",
        target.name
    );
    let corpus = files_in(&fuzz_dir().join("corpus").join(target.name));
    let mut findings = Vec::new();
    for file in seeds.iter().chain(corpus.iter()) {
        let bytes = std::fs::read(file)
            .unwrap_or_else(|e| panic!("{} must be readable: {e}", file.display()));
        if catch_unwind(AssertUnwindSafe(|| (target.check)(&bytes))).is_err() {
            findings.push(file.display().to_string());
        }
    }
    assert!(
        findings.is_empty(),
        "the {} check must hold for every seed and kept input; it failed for (panic messages \
         above): {findings:#?}",
        target.name
    );
    seeds.len() + corpus.len()
}

fn target(name: &str) -> Target {
    *TARGETS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("{name} must be one of the fuzz targets"))
}

#[test]
fn fuzz_replay_import_csv() {
    replay(&target("import_csv"));
}

#[test]
fn fuzz_replay_import_xlsx() {
    replay(&target("import_xlsx"));
}

#[test]
fn fuzz_replay_elt_response() {
    replay(&target("elt_response"));
}

#[test]
fn fuzz_replay_bankid_json() {
    replay(&target("bankid_json"));
}

#[test]
fn fuzz_replay_bankid_signature() {
    replay(&target("bankid_signature"));
}

#[test]
fn fuzz_replay_c14n() {
    replay(&target("c14n"));
}

#[test]
fn every_fuzz_target_has_a_binary_in_fuzz_and_a_replay_here() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml"))
        .expect("fuzz/Cargo.toml must be readable");
    let this =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec/main.rs"))
            .expect("this test's source must be readable");
    let script = std::fs::read_to_string(fuzz_dir().join("../scripts/fuzz.sh"))
        .expect("scripts/fuzz.sh must be readable");
    for t in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{}\"", t.name)),
            "fuzz/Cargo.toml must build a fuzz target named {}",
            t.name
        );
        assert!(
            this.contains(&format!("fn fuzz_replay_{}()", t.name)),
            "a test here must replay the seeds of {}",
            t.name
        );
        assert!(
            script.contains(t.name),
            "scripts/fuzz.sh must fuzz {} by default",
            t.name
        );
    }
}
