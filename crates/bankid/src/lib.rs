//! assistid-bankid
