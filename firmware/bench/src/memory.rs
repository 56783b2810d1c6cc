//! `alloc/grant/N`, `userbuf/*/N`: kernel memory for a process, and its shared buffer.
//!
//! - `alloc/grant/N`: N zeroed bytes, 4-aligned, from process 4's grant area (a fresh
//!   `Grants` over it per sample, made outside the region, so every sample allocates alike).
//! - `userbuf/copy_in/N`: look up process 4's allowed buffer, bounds-check N bytes of it, copy
//!   them into a kernel buffer; `userbuf/copy_out/N` copies the other way.

use kernel::harness::{Counter, Sampler};
use kernel::process::UserspaceKernelBoundary;

use crate::ctx::until_yielded;
use crate::{Fixture, Platform};

/// Alignment of every grant the benchmark asks for.
const GRANT_ALIGN: usize = 4;

/// `alloc/grant/N`.
pub fn grant<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let mut grants = fixture.userbuf_app.grants();
    let (count, grant) = sampler.measure(|| grants.allocate(N, GRANT_ALIGN).map(|g| g.len()));
    assert_eq!(grant, Some(N), "grant of {N} bytes refused");
    Some(count)
}

/// `userbuf/copy_in/N`.
pub fn copy_in<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, userbuf_app, kernel_buffer, .. } = fixture;
    until_yielded(boundary, userbuf_app);
    let (count, copied) = sampler.measure(|| {
        let source = userbuf_app.allowed_buffer()?.get(..N)?;
        kernel_buffer.get_mut(..N)?.copy_from_slice(source);
        Some(())
    });
    assert!(copied.is_some(), "copy of {N} bytes out of the allowed buffer refused");
    Some(count)
}

/// `userbuf/copy_out/N`.
pub fn copy_out<C: Counter, B: UserspaceKernelBoundary, P: Platform, const N: usize>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, userbuf_app, kernel_buffer, .. } = fixture;
    until_yielded(boundary, userbuf_app);
    let (count, copied) = sampler.measure(|| {
        let target = userbuf_app.allowed_buffer()?.get_mut(..N)?;
        target.copy_from_slice(kernel_buffer.get(..N)?);
        Some(())
    });
    assert!(copied.is_some(), "copy of {N} bytes into the allowed buffer refused");
    Some(count)
}
