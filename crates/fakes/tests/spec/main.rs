//! Specification tests for the fake servers and the test PKI.

mod bankid;
mod fk;
mod pki;
