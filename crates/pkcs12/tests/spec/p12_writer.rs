//! The PKCS#12 writer of `assistid-fakes` (full control over the bag attributes: files without
//! or with a misleading `localKeyId`, which `openssl pkcs12 -export` cannot make), for the
//! specifications: a file that cannot be written is a broken test. Shared with the elt and
//! bankid specs (`#[path]`).

pub use assistid_fakes::pkcs12::{Bag, Content, Iterations};

/// The file with `bags` (certificates first, then keys), 2048 iterations each.
pub fn write(bags: &[Bag], password: &str) -> Vec<u8> {
    assistid_fakes::pkcs12::write(bags, password).expect("the test file is written")
}

/// Like [`write`], with chosen iteration counts.
#[allow(dead_code)] // Used by crates/pkcs12's spec, not by every spec that includes this file.
pub fn write_with(bags: &[Bag], password: &str, iterations: &Iterations) -> Vec<u8> {
    assistid_fakes::pkcs12::write_with(bags, password, iterations)
        .expect("the test file is written")
}
