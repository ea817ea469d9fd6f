//! app spec
