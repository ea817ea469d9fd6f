//! The specification of the `assistid` program, driven as a user or a script would: the real
//! binary, a real encrypted database in a temporary data folder, real files.

mod after_sending;
mod backup;
mod demo;
mod export;
mod import;
mod keys;
mod labels;
mod language;
mod register;
mod relay;
mod review;
mod sign;
mod submit;
mod support;
mod ways_out;

/// The CLI's own words, included as they are so their catalog can be checked here (the CLI is
/// a program: the app cannot list it with its catalogs).
#[allow(dead_code)]
#[path = "../../src/words.rs"]
mod words;
