//! Specification of the desktop shell's boundary: the generated bindings, the JSON conversions
//! on the demo data, the error shape, and the least-privilege configuration.
//! (The running app is driven end to end by `tests/e2e`, through WebDriver.)

mod backup;
mod bindings;
mod boundary;
mod config;
mod demo_fk;
mod import;
mod language;
mod records;
mod register_and_settings;
mod relay;
mod shifts;
mod signing;
mod ways_out;

// The relay's own spec harness (a throwaway PostgreSQL cluster, a relay set-up with the fake
// FK), shared as source so the relay, the app and the desktop start it the same way.
#[allow(dead_code)]
#[path = "../../../crates/relay/tests/spec/pg.rs"]
mod pg;
#[allow(dead_code)]
#[path = "../../../crates/relay/tests/spec/support.rs"]
mod support;
