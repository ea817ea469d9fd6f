//! Canonical XML 1.0 of any bytes (what the report hash and so every signature depends on).
//! Agreement with libxml2 is checked separately, in one batch over the corpus: see
//! `crates/core/tests/spec/fuzz_corpus.rs` and `scripts/fuzz.sh`.
//! The check itself is `assistid_fuzz_checks::c14n` (tests/fuzz), which the ordinary test build
//! also runs over every seed and kept input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assistid_fuzz_checks::c14n(data));
