//! Specification: review
