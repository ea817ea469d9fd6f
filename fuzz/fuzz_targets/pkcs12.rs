//! A certificate file (`.p12`/`.pfx`) as the user picks it, for FK or BankID: the shared reader
//! (`assistid-pkcs12`) opens it with the seeds' password. Its iteration and size limits keep
//! every input bounded in time. The check itself is `assistid_fuzz_checks::pkcs12`
//! (tests/fuzz), which the ordinary test build also runs over every seed and kept input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assistid_fuzz_checks::pkcs12(data));
