//! Canonical XML 1.0 of any bytes (what the report hash and so every signature depends on).
//! Agreement with libxml2 is checked separately, in one batch over the corpus: see
//! `crates/core/tests/spec/fuzz_corpus.rs` and `scripts/fuzz.sh`.
#![no_main]

use assistid_core::c14n::canonicalize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(canonical) = canonicalize(data) else {
        return;
    };
    // The canonical form is itself a well-formed document whose canonical form it is.
    let again = canonicalize(&canonical).unwrap_or_else(|e| {
        panic!(
            "the canonical form must parse again ({e}):\n{}",
            String::from_utf8_lossy(&canonical)
        )
    });
    assert!(
        again == canonical,
        "canonicalization must be idempotent:\n--- once\n{}\n--- twice\n{}",
        String::from_utf8_lossy(&canonical),
        String::from_utf8_lossy(&again)
    );
});
