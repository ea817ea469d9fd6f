//! # assistid-relay
//!
//! The vendor's relay service (docs/RELAY.md): installations enrol with a one-time code and
//! send through one FK client certificate at one pace for the whole vendor.
#![deny(missing_docs)]
