//! assistid-fakes
