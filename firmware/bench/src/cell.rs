//! `cell/*`, `cell_c/*`: changing one byte of an N-byte payload held five ways.
//!
//! The paper's argument: `Cell<T>` can only copy `T` out and back, so its cost grows with N;
//! `TakeCell` and `MapCell` lend the payload in place, and a plain `&mut` is the floor. The C
//! twins are a struct copy and a pointer access. Every body, Rust or C, is one call to a
//! non-inlined function between the two counter reads, so each region holds the same call
//! overhead (argument move, `bl`, `bx lr`) and Rust and C figures compare directly.
//! `black_box` on the container, outside the region, keeps the compiler from seeing through to
//! the payload and folding the work away.
//!
//! The copies. Wherever either side calls a copy routine it is the same one: compiler_builtins'
//! `memcpy` (built from the toolchain's sources with `core`), which LLVM reaches through
//! `__aeabi_memcpy` and gcc through `memcpy`, two one-branch entries into the same code (with
//! frame pointers each entry also saves and restores r7 and lr). The compilers differ in when they
//! call it: at opt-level "s" LLVM inlines the 4-byte copy and calls from 16 B; gcc -Os inlines up
//! to 64 B (two words per loop turn) and calls from 256 B. Both payloads sit on word boundaries
//! (`fixture::WordAligned`), as their stack copies do, so `memcpy` takes its word-at-a-time path
//! on both sides. The test `firmware.copy_routines` (`cmake/check_copy_routines.cmake`) reads all
//! of this back from the image.

use core::cell::Cell;
use core::hint::black_box;

use baseline_c::c_baseline::{CellBaseline, Payload};
use kernel::cells::{MapCell, TakeCell};
use kernel::harness::{Counter, Sampler};
use kernel::process::UserspaceKernelBoundary;

use crate::fixture::HasPayload;
use crate::{Fixture, Platform};

/// Copy out, change byte 0, copy back.
///
/// `black_box` on the copy stands for a caller that does something with the value it got (the
/// reason to `get` at all). Without it LLVM sees `get` and `set` of the same cell around a
/// one-byte change and folds both copies into an in-place update: the very optimisation a
/// `Cell` user cannot count on in general, and it would make this case equal to `raw_mut`.
#[inline(never)]
fn copy_body<const N: usize>(cell: &Cell<[u8; N]>) {
    let mut value = cell.get();
    black_box(&mut value);
    value[0] = value[0].wrapping_add(1);
    cell.set(value);
}

/// Take the reference, change byte 0 in place, put the reference back.
#[inline(never)]
fn takecell_body<const N: usize>(cell: &TakeCell<'_, [u8; N]>) {
    cell.map(|value| value[0] = value[0].wrapping_add(1));
}

/// Mark the value lent, change byte 0 in place, mark it back.
#[inline(never)]
fn mapcell_body<const N: usize>(cell: &MapCell<[u8; N]>) {
    cell.map(|value| value[0] = value[0].wrapping_add(1));
}

/// Change byte 0, nothing else.
#[inline(never)]
fn raw_body<const N: usize>(value: &mut [u8; N]) {
    value[0] = value[0].wrapping_add(1);
}

/// `cell/copy/N`: `Cell<[u8; N]>`.
pub fn copy<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32>
where
    Fixture<B, P>: HasPayload<N>,
{
    let cell = black_box(&fixture.payload().copy.0);
    Some(sampler.measure(|| copy_body(cell)).0)
}

/// `cell/takecell_map/N`: `TakeCell<[u8; N]>::map`.
pub fn takecell_map<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32>
where
    Fixture<B, P>: HasPayload<N>,
{
    let cell = black_box(&fixture.payload().take);
    Some(sampler.measure(|| takecell_body(cell)).0)
}

/// `cell/mapcell_map/N`: `MapCell<[u8; N]>::map`.
pub fn mapcell_map<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32>
where
    Fixture<B, P>: HasPayload<N>,
{
    let cell = black_box(&fixture.payload().map);
    Some(sampler.measure(|| mapcell_body(cell)).0)
}

/// `cell/raw_mut/N`: `&mut [u8; N]`.
pub fn raw_mut<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32>
where
    Fixture<B, P>: HasPayload<N>,
{
    let value = black_box(&mut *fixture.payload().raw);
    Some(sampler.measure(|| raw_body(value)).0)
}

/// `cell_c/struct_copy/N`: C struct assignment out and back.
pub fn c_struct_copy<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32>
where
    Fixture<B, P>: HasPayload<N>,
    Payload<N>: CellBaseline,
{
    let payload = black_box(&mut *fixture.payload().c);
    Some(sampler.measure(|| payload.struct_copy()).0)
}

/// `cell_c/pointer/N`: C access through a pointer.
pub fn c_pointer<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32>
where
    Fixture<B, P>: HasPayload<N>,
    Payload<N>: CellBaseline,
{
    let payload = black_box(&mut *fixture.payload().c);
    Some(sampler.measure(|| payload.pointer()).0)
}
