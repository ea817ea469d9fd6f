//! BankID's JSON answers to `/sign` (`/auth`), `/collect` and errors, as a compromised BankID
//! endpoint or a broken proxy could send them; a complete collect answer's signature and OCSP
//! response are decoded and the signature is checked as the app would.
//! The check itself is `assistid_fuzz_checks::bankid_json` (tests/fuzz), which the ordinary test build
//! also runs over every seed and kept input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assistid_fuzz_checks::bankid_json(data));
