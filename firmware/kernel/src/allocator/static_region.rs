//! Static memory regions handed out exactly once, as `&'static mut`.
//!
//! The kernel has no heap: process stacks, sample buffers and cell storage are statics. A
//! `static` can only be shared (`&`), so turning one into the unique `&'static mut` its owner
//! needs is the trusted step this module takes, guarded by an atomic "taken" flag so that a
//! second request gets `None` instead of an aliasing reference. (Tock does the same job with
//! `static_init!`, an `unsafe_code` macro at every call site; here the call sites stay safe.)
//!
//! Uniqueness is carried by a type: `claim` hands out at most one `Claim` per region (the flag),
//! a `Claim` is neither `Copy` nor `Clone`, and only `Claim::into_mut`, which consumes it, turns
//! it into the reference. So no function here makes a `&mut` out of a shared `&` (clippy's
//! `mut_from_ref`, deny by default): the one that creates the reference owns the only claim.

#![allow(unsafe_code)]

use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, Ordering};

/// A value in static memory whose unique mutable reference can be taken once.
///
/// `repr(C)` keeps the value at the start of the static, so the host can read it over SWD or
/// the GDB stub at the symbol's address (it cross-checks the last benchmark's samples that way).
#[repr(C)]
pub struct StaticRegion<T> {
    memory: UnsafeCell<T>,
    taken: AtomicBool,
}

// SAFETY: the only access to `memory` is through `claim`, which hands out at most one `Claim`
// (so at most one reference) for the lifetime of the program (the atomic swap decides which caller gets it, even across
// interrupts). `T: Send` because that reference may be used from any context.
unsafe impl<T: Send> Sync for StaticRegion<T> {}

impl<T> StaticRegion<T> {
    /// A region initialised with `value` (placed in `.data` or `.bss` by the linker).
    pub const fn new(value: T) -> Self {
        Self { memory: UnsafeCell::new(value), taken: AtomicBool::new(false) }
    }

    /// Where the value is in memory (the host reads the sample buffer there over SWD or the GDB
    /// stub; HELLO tells it the address).
    pub fn address(&self) -> usize {
        self.memory.get() as usize
    }

    /// The region's one claim; `None` once it has been claimed.
    pub fn claim(&'static self) -> Option<Claim<T>> {
        if self.taken.swap(true, Ordering::AcqRel) {
            return None;
        }
        // The swap above returned `false` exactly once: this is the region's only claim.
        Some(Claim { memory: self.memory.get(), owns: PhantomData })
    }

    /// The region's unique mutable reference; `None` once it has been taken.
    pub fn take(&'static self) -> Option<&'static mut T> {
        self.claim().map(Claim::into_mut)
    }
}

/// The exclusive right to a `StaticRegion`'s value: at most one exists per region, ever.
pub struct Claim<T: 'static> {
    memory: *mut T,
    owns: PhantomData<&'static mut T>,
}

impl<T: 'static> Claim<T> {
    /// The value as the unique `&'static mut` (the claim is used up).
    #[inline]
    pub fn into_mut(self) -> &'static mut T {
        // SAFETY: `memory` is the value inside a `'static` `StaticRegion` (never freed), from
        // `UnsafeCell::get`. This claim is the only one the region ever handed
        // out, it is consumed here and cannot be copied, so this reference is the only one.
        unsafe { &mut *self.memory }
    }
}

#[cfg(test)]
mod tests {
    use super::StaticRegion;

    #[test]
    fn a_region_is_handed_out_once() {
        static REGION: StaticRegion<[u32; 4]> = StaticRegion::new([1, 2, 3, 4]);
        let first = REGION.take().expect("first take");
        first[0] = 10;
        assert_eq!(first, &[10, 2, 3, 4]);
        assert!(REGION.take().is_none());
        assert!(REGION.claim().is_none());
    }

    #[test]
    fn a_claim_is_the_region_s_value() {
        static REGION: StaticRegion<u32> = StaticRegion::new(7);
        let value = REGION.claim().expect("first claim").into_mut();
        *value += 1;
        assert_eq!(*value, 8);
        assert_eq!(REGION.address(), core::ptr::from_ref(value) as usize);
    }
}
