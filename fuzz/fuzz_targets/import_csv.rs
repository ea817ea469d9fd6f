//! A CSV import file from anywhere (a scheduling system's export, or a hostile file).
#![no_main]

use assistid_import::ImportFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    assistid_fuzz::import(data, &ImportFormat::Csv);
});
