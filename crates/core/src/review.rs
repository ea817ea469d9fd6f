//! review (in progress)
