//! Specification: dst
