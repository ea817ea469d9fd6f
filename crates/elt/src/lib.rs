//! assistid-elt
