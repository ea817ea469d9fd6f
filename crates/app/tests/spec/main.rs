//! app spec
mod after_sending;
mod backup;
mod bankid_test_service;
mod demo_bankid;
mod demo_fk;
mod environments;
mod faults;
mod import;
mod import_session;
mod layering;
mod ocsp;
mod order_plan;
mod overview;
mod phone_signing;
mod privacy;
mod refusals;
mod register_and_settings;
mod relay;
mod send_run;
mod signing;
mod submit;
mod support_contact;
mod teams_and_grants;
mod texts;
mod visible_text;
mod ways_out;

mod shifts;

// The relay's test kit (a throwaway PostgreSQL cluster, a relay set-up with the fake FK), so
// both crates start the relay the same way.
use assistid_relay::testing::{pg, support};
