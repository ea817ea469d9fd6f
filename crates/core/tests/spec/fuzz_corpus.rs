//! The canonicalizer against libxml2 over the fuzz corpus: the committed seeds in
//! `fuzz/seeds/c14n/`, the corpus a fuzz run on this checkout grew (`fuzz/corpus/c14n/`, not
//! committed; CI fuzzes before it tests), and, when `ASSISTID_C14N_CORPUS` names a folder, that
//! one too. The fuzz target itself cannot start xmllint for each of its thousands of inputs per
//! second, so this replays the corpus through `xmllint --c14n` in one batch afterwards.
//!
//! The rule: every input xmllint accepts is canonicalized by us to exactly xmllint's bytes.
//! Left out, each for a documented reason (module docs of `assistid_core::c14n`): inputs whose
//! canonical form has comments (`xmllint --c14n` keeps them, reports hash without them), inputs
//! with a DOCTYPE (we refuse DTDs), inputs that are not UTF-8 (we accept only UTF-8), and inputs
//! with a NUL byte: libxml2 stops reading at a NUL after the root element and accepts what came
//! before (`<doc/>\0junk` canonicalizes to `<doc></doc>`), while XML 1.0 allows U+0000 nowhere,
//! so we refuse them (found by the fuzzer in CI; the refusal is pinned in `c14n.rs`). An input
//! xmllint refuses or warns about is not compared.

use std::path::{Path, PathBuf};
use std::process::Command;

use assistid_core::c14n::{C14nError, canonicalize};

fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/c14n")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut dirs = vec![
        seed_dir(),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/c14n"),
    ];
    if let Some(extra) = std::env::var_os("ASSISTID_C14N_CORPUS") {
        dirs.push(PathBuf::from(extra));
    }
    let mut files = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

/// `xmllint --c14n` over every `*.xml` in `dir`, one shell loop for the whole batch.
fn xmllint_all(dir: &Path) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(
            "cd \"$1\" && for f in *.xml; do \
               xmllint --nonet --c14n \"$f\" > \"${f%.xml}.c14n\" 2> \"${f%.xml}.err\" \
                 || echo \"$f\" >> failed.txt; \
             done",
        )
        .arg("sh")
        .arg(dir)
        .status()
        .expect("sh and xmllint must be installed");
    assert!(status.success(), "the xmllint loop must run");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_fuzz_corpus_canonicalizes_exactly_as_xmllint_does() {
    let files = corpus_files();
    assert!(
        !files.is_empty(),
        "the committed seeds in {} must be there",
        seed_dir().display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let mut names = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let bytes = std::fs::read(file).expect("a corpus file is readable");
        let name = format!("{i:06}");
        std::fs::write(dir.path().join(format!("{name}.xml")), &bytes).expect("written");
        names.push((name, file, bytes));
    }
    xmllint_all(dir.path());
    let failed = std::fs::read_to_string(dir.path().join("failed.txt")).unwrap_or_default();

    let (mut compared, mut refused_by_xmllint, mut left_out) = (0usize, 0usize, 0usize);
    let mut differences = Vec::new();
    for (name, file, input) in &names {
        let stderr = std::fs::read(dir.path().join(format!("{name}.err"))).unwrap_or_default();
        if failed.contains(&format!("{name}.xml")) || !stderr.is_empty() {
            refused_by_xmllint += 1;
            continue;
        }
        let theirs = std::fs::read(dir.path().join(format!("{name}.c14n")))
            .expect("xmllint wrote a canonical form");
        let ours = canonicalize(input);
        if contains(&theirs, b"<!--")
            || contains(input, b"<!DOCTYPE")
            || input.contains(&0)
            || matches!(
                ours,
                Err(C14nError::NotUtf8 { .. } | C14nError::Encoding { .. })
            )
        {
            left_out += 1;
            continue;
        }
        compared += 1;
        match ours {
            Ok(ours) if ours == theirs => {}
            // One line each, escaped, so a CI log that keeps only matching lines still shows
            // the input that needs a regression test.
            Ok(ours) => differences.push(format!(
                "{}: ours differs; input {:?}; xmllint {:?}; ours {:?}",
                file.display(),
                String::from_utf8_lossy(input),
                String::from_utf8_lossy(&theirs),
                String::from_utf8_lossy(&ours)
            )),
            Err(e) => differences.push(format!(
                "{}: xmllint accepts it, we refuse it ({e}); input {:?}",
                file.display(),
                String::from_utf8_lossy(input)
            )),
        }
    }
    println!(
        "c14n corpus: {} inputs, {compared} compared, {refused_by_xmllint} refused by xmllint, \
         {left_out} left out by design",
        names.len()
    );
    assert!(compared > 0, "at least the seeds are compared");
    assert!(
        differences.is_empty(),
        "{} of {compared} inputs differ from xmllint --c14n:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
