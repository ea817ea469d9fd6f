//! A CSV import file from anywhere (a scheduling system's export, or a hostile file).
//! The check itself is `assistid_fuzz_checks::import_csv` (tests/fuzz), which the ordinary test build
//! also runs over every seed and kept input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assistid_fuzz_checks::import_csv(data));
