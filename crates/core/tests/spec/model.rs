//! Specification: model
