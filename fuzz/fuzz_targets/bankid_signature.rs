//! The XML-DSig document in `completionData.signature`, as a compromised BankID endpoint could
//! send it: parsed, its references canonicalized and the whole signature checked.
//! The check itself is `assistid_fuzz_checks::bankid_signature` (tests/fuzz), which the ordinary test build
//! also runs over every seed and kept input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assistid_fuzz_checks::bankid_signature(data));
