//! app spec
mod after_sending;
mod faults;
mod privacy;
mod signing;
mod submit;
