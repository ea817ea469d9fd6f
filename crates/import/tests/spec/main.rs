//! The import specification: one module per topic. Every bad input names the exact row,
//! column and code the user will see.

mod bad_input;
mod csv_reading;
mod dst_and_overnight;
mod examples;
mod fuzz_findings;
mod hostile_csv;
mod hostile_xlsx;
mod messages;
mod roundtrip;
mod support;
mod validation;
mod xlsx_reading;
