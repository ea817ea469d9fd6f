//! Specification: rows
