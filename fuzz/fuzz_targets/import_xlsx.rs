//! An XLSX import file (a zip of XML parts) from anywhere.
//!
//! calamine panics on some hostile workbooks (an unchecked shared-string index); the importer
//! catches panics that start inside calamine and reports the file as unreadable (regression in
//! `crates/import/tests/spec/fuzz_findings.rs`). libfuzzer-sys aborts on every panic before it
//! can be caught, so this target lets panics located in calamine unwind to the importer's guard
//! and still aborts on any other panic. The check itself is `assistid_fuzz_checks::import_xlsx`
//! (tests/fuzz), which the ordinary test build also runs over every seed and kept input.
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;

fn let_calamine_panics_reach_the_guard() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let aborting = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                aborting(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let_calamine_panics_reach_the_guard();
    assistid_fuzz_checks::import_xlsx(data);
});
