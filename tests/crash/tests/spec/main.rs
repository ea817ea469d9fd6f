//! Crash safety of Assistid, as a specification: the real `assistid` program is killed with
//! SIGKILL at random moments — while it submits a month to FK, imports a large file, signs
//! with BankID, writes a backup and restores one — and restarted; after every kill the data folder must be sound and tell
//! the truth.
//!
//! Run: `cargo test -p assistid-crash-tests` (builds the `assistid` program first, with the
//! same cargo and target directory). Each scenario prints its seed; set
//! `ASSISTID_CRASH_SEED=N` to replay one, `ASSISTID_CRASH_KILLS=N` for more kills of the
//! submission (default 24), and `ASSISTID_BIN=PATH` to test another build of the program.

mod backup;
mod harness;
mod import;
mod one_sender;
mod signing;
mod submit;
