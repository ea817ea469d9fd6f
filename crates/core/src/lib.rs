//! # assistid-core
//!
//! The domain of Assistid, pure: identity numbers, the register (provider, persons, assistants),
//! shifts in Europe/Stockholm local time, their split into FK's report rows, the month review
//! with daylight-saving notes, working-time limits, FK's `Tidredovisning` document, and its
//! canonical form, hash and signing binding.
//!
//! Nothing here reads the clock or touches files: the current date is passed in.
//!
//! ```
//! use assistid_core::model::ReportMonth;
//! let month: ReportMonth = "2026-10".parse().unwrap();
//! assert_eq!(month.days(), 31);
//! assert_eq!(month.deadline().to_string(), "2026-12-05");
//! ```
#![deny(missing_docs)]

pub mod binding;
pub mod c14n;
pub mod document;
pub mod dst;
pub mod grant;
pub mod ids;
pub mod limits;
pub mod model;
pub mod review;
pub mod rows;
pub mod secret;
pub mod shift;
pub mod signtext;
pub mod split;
pub mod text;
pub mod time;
pub mod validation;
pub mod xml_tree;
