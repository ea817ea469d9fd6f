//! The relay's specification: real PostgreSQL (a throwaway cluster, `pg.rs`), the fake FK on
//! loopback with real mutual TLS, installations enrolled through the relay's own API.

mod admin;
mod api_schema;
mod bankid;
mod enrolment;
mod faults;
mod harness;
mod kill;
mod observability;
mod pacing;
mod refusals;
mod state_machine;

// The relay's test kit (feature `testing`), shared with the load benchmark and the desktop
// crate's relay specs.
use assistid_relay::testing::{pg, support};
