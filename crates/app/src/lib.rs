//! assistid-app
