//! app spec
mod signing;
mod submit;
