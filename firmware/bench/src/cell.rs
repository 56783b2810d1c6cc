//! `cell/*`: changing one byte of a 64-byte buffer held three ways.
//!
//! The paper's argument: `Cell<T>` can only copy `T` out and back, `TakeCell` lends the
//! buffer in place, a plain `&mut` is the floor. `black_box` on the container, outside the
//! region, keeps the compiler from seeing through to the buffer and folding the work away.

use core::hint::black_box;

use kernel::harness::{Counter, Sampler};
use kernel::process::UserspaceKernelBoundary;

use crate::Fixture;

/// The byte each benchmark changes.
const INDEX: usize = 0;

/// `Cell<[u8; 64]>`: copy out, change one byte, copy back.
///
/// `black_box` on the copy stands for a caller that does something with the value it got (the
/// reason to `get` at all). Without it LLVM sees `get` and `set` of the same cell around a
/// one-byte change and folds both copies into an in-place update: the very optimisation a
/// `Cell` user cannot count on in general, and it would make this case equal to `raw_mut`.
pub fn copy<C: Counter, B: UserspaceKernelBoundary>(sampler: &Sampler<C>, fixture: &mut Fixture<B>) -> u32 {
    let cell = black_box(&fixture.copy_cell);
    sampler
        .measure(|| {
            let mut value = cell.get();
            black_box(&mut value);
            value[INDEX] = value[INDEX].wrapping_add(1);
            cell.set(value);
        })
        .0
}

/// `TakeCell<[u8; 64]>::map`: take the reference, change one byte in place, put it back.
pub fn takecell_map<C: Counter, B: UserspaceKernelBoundary>(sampler: &Sampler<C>, fixture: &mut Fixture<B>) -> u32 {
    let cell = black_box(&fixture.take_cell);
    sampler.measure(|| cell.map(|value| value[INDEX] = value[INDEX].wrapping_add(1))).0
}

/// `&mut [u8; 64]`: change one byte, nothing else.
pub fn raw_mut<C: Counter, B: UserspaceKernelBoundary>(sampler: &Sampler<C>, fixture: &mut Fixture<B>) -> u32 {
    let value = black_box(&mut *fixture.raw);
    sampler.measure(|| value[INDEX] = value[INDEX].wrapping_add(1)).0
}
