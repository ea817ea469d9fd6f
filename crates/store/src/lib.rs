//! assistid-store
