//! Specification: ids
