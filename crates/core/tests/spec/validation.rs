//! Specification: validation
