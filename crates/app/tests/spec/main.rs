//! app spec
mod after_sending;
mod backup;
mod demo_bankid;
mod environments;
mod faults;
mod import;
mod ocsp;
mod phone_signing;
mod privacy;
mod register_and_settings;
mod signing;
mod submit;
mod visible_text;
mod ways_out;

mod shifts;
