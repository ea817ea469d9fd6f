//! FK's answer to a submission (or whatever a hostile network or a broken proxy sends instead):
//! the first two bytes choose the HTTP status, the rest is the body.
//! The check itself is `assistid_fuzz_checks::elt_response` (tests/fuzz), which the ordinary test build
//! also runs over every seed and kept input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assistid_fuzz_checks::elt_response(data));
