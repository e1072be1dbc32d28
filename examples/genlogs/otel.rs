//! Stub.
use std::io;
use std::path::Path;
use crate::genlogs::rng::Rng;
use crate::genlogs::Stats;
/// Stub.
pub fn write(_rng: &mut Rng, _target: u64, _out: &Path) -> io::Result<Stats> { Ok(Stats::default()) }
