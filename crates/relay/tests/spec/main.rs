//! The relay's specification: real PostgreSQL (a throwaway cluster, `pg.rs`), the fake FK on
//! loopback with real mutual TLS, installations enrolled through the relay's own API.

mod admin;
mod bankid;
mod enrolment;
mod faults;
mod harness;
mod kill;
mod observability;
mod pacing;
mod pg;
mod refusals;
mod state_machine;
mod support;
