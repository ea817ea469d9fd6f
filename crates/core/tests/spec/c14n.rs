//! Specification: c14n
