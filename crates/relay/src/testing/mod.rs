//! The relay's test kit (feature `testing`), shared by the relay's spec tests, its load
//! benchmark and the desktop crate's relay specs, so that all of them start the relay the
//! same way:
//!
//! - [`pg`]: a throwaway PostgreSQL cluster (initdb and pg_ctl in a temporary folder, on a free
//!   port), stopped and removed when dropped;
//! - [`support`]: a relay set-up on a fresh database of that cluster (the fake FK with a
//!   scaled-down spacing, the relay's CA and files, in-process instances), installations
//!   enrolled through the API with a CSR, and reports signed as BankID signs;
//! - [`process`]: a real `assistid-relay serve` process on the same set-up, killed when
//!   dropped.
//!
//! Not part of the relay a vendor runs: the feature is enabled by dev-dependencies only. The
//! helpers panic with what went wrong (a test cannot go on without them, and must not skip).

#![allow(clippy::expect_used, clippy::panic)]

pub mod pg;
pub mod process;
pub mod support;
