//! Specification of the desktop shell's boundary: the generated bindings, the JSON conversions
//! on the demo data, the error shape, and the least-privilege configuration.
//! (The running app is driven end to end by `tests/e2e`, through WebDriver.)

mod backup;
mod bindings;
mod boundary;
mod config;
mod demo_fk;
mod fixtures;
mod import;
mod language;
mod records;
mod register_and_settings;
mod relay;
mod shifts;
mod signing;
mod ways_out;
