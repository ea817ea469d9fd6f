//! bankid (in progress)
