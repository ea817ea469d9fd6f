//! The specification of `assistid-core`, one module per topic. Run with `cargo test -p assistid-core`.

mod c14n;
mod document;
mod dst;
mod fuzz_corpus;
mod grant;
mod ids;
mod limits;
mod model;
mod review;
mod rows;
mod signtext;
mod text;
mod validation;
