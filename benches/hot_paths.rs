//! Hot paths of `analyze`, one bench each: line parsing per format, classification, pricing
//! and policy replay.
//!
//! `cargo bench --bench hot_paths`

fn main() {}
