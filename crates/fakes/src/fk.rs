//! fk (in progress)
