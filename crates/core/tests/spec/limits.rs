//! Specification: limits
