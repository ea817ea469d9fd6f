//! Specification: document
