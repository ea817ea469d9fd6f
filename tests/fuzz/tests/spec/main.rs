//! Every fuzz target's check over every committed seed (`fuzz/seeds/<target>/`), the seeds made
//! at test time where none may be committed (`assistid_fuzz_checks::seeds`: certificate files
//! with private keys), and every input
//! a fuzz run on this checkout kept (`fuzz/corpus/<target>/`, not committed): the same function
//! the fuzz target runs under libFuzzer, here in the ordinary test build. So a regression input
//! committed as a seed fails `cargo test` without the instrumented fuzz build, and CI replays
//! what its own fuzz run found (`scripts/test.sh` fuzzes first, then tests).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use assistid_fuzz_checks::{TARGETS, Target, seeds};

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

/// Runs `target`'s check over its seeds and kept corpus; returns every input whose check
/// panicked (the panic messages are printed above the test's result).
fn replay(target: &Target) -> Vec<String> {
    let made = tempfile::tempdir().expect("a temporary folder for the generated seeds");
    let generated = seeds::write(target.name, made.path())
        .unwrap_or_else(|e| panic!("{}'s seeds must be made: {e}", target.name));
    assert_eq!(
        !generated.is_empty(),
        seeds::GENERATED.contains(&target.name),
        "{}'s seeds are generated exactly when the target is listed in seeds::GENERATED",
        target.name
    );
    let mut seeds = files_in(&fuzz_dir().join("seeds").join(target.name));
    seeds.extend(generated);
    assert!(
        !seeds.is_empty(),
        "fuzz/seeds/{} must hold the target's committed seeds, or seeds::write make them",
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
    findings
}

#[test]
fn fuzz_replay_of_every_target_over_its_seeds_and_kept_inputs() {
    let findings: Vec<(&str, Vec<String>)> = TARGETS
        .iter()
        .map(|t| (t.name, replay(t)))
        .filter(|(_, found)| !found.is_empty())
        .collect();
    assert!(
        findings.is_empty(),
        "every target's check must hold for every seed and kept input; it failed for (panic \
         messages above): {findings:#?}"
    );
}

#[test]
fn every_fuzz_target_has_a_binary_in_fuzz_and_is_fuzzed_by_the_script() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml"))
        .expect("fuzz/Cargo.toml must be readable");
    let script = std::fs::read_to_string(fuzz_dir().join("../scripts/fuzz.sh"))
        .expect("scripts/fuzz.sh must be readable");
    for t in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{}\"", t.name)),
            "fuzz/Cargo.toml must build a fuzz target named {}",
            t.name
        );
        assert!(
            script.contains(t.name),
            "scripts/fuzz.sh must fuzz {} by default",
            t.name
        );
    }
}

#[test]
fn fuzz_seeds_with_private_keys_are_made_at_test_time_and_none_is_committed() {
    let made = tempfile::tempdir().expect("a temporary folder");
    let written = seeds::write("pkcs12", made.path()).expect("the pkcs12 seeds are made");
    assert_eq!(written.len(), 6, "six pkcs12 seeds, one per layout");
    let password = assistid_core::secret::Sensitive::new(
        assistid_fuzz_checks::PKCS12_SEED_PASSWORD.to_owned(),
    );
    let mut chosen = 0;
    for file in &written {
        let bytes = std::fs::read(file).expect("a written seed");
        let candidates = assistid_pkcs12::client_key_candidates(&bytes, &password);
        assert!(
            candidates.is_ok(),
            "{} must open with the seeds' password (else the fuzzer never gets past the MAC): \
             {candidates:?}",
            file.display()
        );
        if assistid_pkcs12::client_key(&bytes, &password, None).is_ok() {
            chosen += 1;
        }
    }
    assert_eq!(
        chosen, 5,
        "every seed but the signing-only one holds a key for TLS client authentication"
    );
    assert!(
        !made.path().join(".keys").exists(),
        "the keys' PEM files are removed once the seeds are exported"
    );
    for target in seeds::GENERATED {
        let committed = files_in(&fuzz_dir().join("seeds").join(target));
        assert!(
            committed.is_empty(),
            "no {target} seed may be committed (they hold private keys): {committed:?}"
        );
    }
}
