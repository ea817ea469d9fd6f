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
mod signing;
mod submit;
mod teams_and_grants;
mod texts;
mod visible_text;
mod ways_out;

mod shifts;
