//! `counter/overhead`: the cost of reading the counter itself.
//!
//! An empty region, reported raw (overhead 0): the same measurement the harness calibrates
//! with, so the host can see the value every other benchmark had subtracted.

use kernel::harness::{Counter, Sampler};
use kernel::process::UserspaceKernelBoundary;

use crate::{Fixture, Platform};

/// Two back-to-back counter reads.
pub fn overhead<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    _: &mut Fixture<B, P>,
) -> Option<u32> {
    Some(sampler.measure(|| ()).0)
}
