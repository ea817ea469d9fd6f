//! app spec
mod after_sending;
mod backup;
mod bankid_test_service;
mod demo_bankid;
mod demo_fk;
mod environments;
mod faults;
mod import;
mod ocsp;
mod phone_signing;
mod privacy;
mod register_and_settings;
mod relay;
mod signing;
mod submit;
mod support_contact;
mod teams_and_grants;
mod texts;
mod visible_text;
mod ways_out;

mod shifts;

// The relay's own spec harness (a throwaway PostgreSQL cluster, a relay set-up with the fake
// FK), shared as source so both crates start the relay the same way.
#[allow(dead_code)]
#[path = "../../../relay/tests/spec/pg.rs"]
mod pg;
#[allow(dead_code)]
#[path = "../../../relay/tests/spec/support.rs"]
mod support;
