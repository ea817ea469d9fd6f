//! c14n (in progress)
