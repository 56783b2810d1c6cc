//! Static memory regions handed out exactly once, as `&'static mut`.
//!
//! The kernel has no heap: process stacks, sample buffers and cell storage are statics. A
//! `static` can only be shared (`&`), so turning one into the unique `&'static mut` its owner
//! needs is the trusted step this module takes, guarded by an atomic "taken" flag so that a
//! second request gets `None` instead of an aliasing reference. (Tock does the same job with
//! `static_init!`, an `unsafe_code` macro at every call site; here the call sites stay safe.)

use core::cell::UnsafeCell;
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

// SAFETY: the only access to `memory` is through `take`, which hands out at most one reference
// for the lifetime of the program (the atomic swap decides which caller gets it, even across
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

    /// The region's unique mutable reference; `None` once it has been taken.
    pub fn take(&'static self) -> Option<&'static mut T> {
        if self.taken.swap(true, Ordering::AcqRel) {
            return None;
        }
        // SAFETY: the swap above returned `false` exactly once, so no other reference to
        // `memory` exists or will ever be created; `self` is `'static`, so neither is freed.
        Some(unsafe { &mut *self.memory.get() })
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
    }
}
