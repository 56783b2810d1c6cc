//! Memory-mapped I/O: volatile register cells and the static references that reach them.
//!
//! This is the paper's "memory-mapped I/O" trusted code. Two things are trusted: a volatile
//! access through the cell's pointer, and turning a device address into a reference
//! (`StaticRef`). Everything built on top (fields, drivers) is safe.

#![allow(unsafe_code)]

use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::ops::Deref;

use super::field::{Readable, RegisterLongName, Writeable};

macro_rules! register_cell {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[repr(transparent)]
        pub struct $name<R: RegisterLongName = ()> {
            word: UnsafeCell<u32>,
            register: PhantomData<R>,
        }
    };
}

register_cell!(
    /// A device register that can be read and written.
    ReadWrite
);
register_cell!(
    /// A device register that can only be read (writes are ignored or harmful).
    ReadOnly
);
register_cell!(
    /// A device register that can only be written (reads are meaningless).
    WriteOnly
);

macro_rules! volatile_read {
    ($name:ident) => {
        impl<R: RegisterLongName> Readable for $name<R> {
            type R = R;
            #[inline(always)]
            fn get(&self) -> u32 {
                // SAFETY: `self` is a register cell reached through a `StaticRef`, so its
                // address is a live, aligned device register for the whole program; volatile
                // keeps the access from being merged or elided.
                unsafe { self.word.get().read_volatile() }
            }
        }
    };
}

macro_rules! volatile_write {
    ($name:ident) => {
        impl<R: RegisterLongName> Writeable for $name<R> {
            type R = R;
            #[inline(always)]
            fn set(&self, word: u32) {
                // SAFETY: as for `get`: a live, aligned device register; `UnsafeCell` makes
                // writing through a shared reference legal.
                unsafe { self.word.get().write_volatile(word) }
            }
        }
    };
}

volatile_read!(ReadWrite);
volatile_write!(ReadWrite);
volatile_read!(ReadOnly);
volatile_write!(WriteOnly);

/// A device register by address only: the raw volatile access C drivers do.
///
/// No fields and no types, just a volatile load or store of a word. It exists so the
/// benchmarks can measure raw access against `ReadWrite::modify` without trusted code of their own;
/// drivers use the typed cells.
#[derive(Clone, Copy)]
pub struct RawRegister {
    address: usize,
}

impl RawRegister {
    /// The register that `register` (a typed cell, reached through a `StaticRef`) is.
    #[inline(always)]
    pub fn of<R: RegisterLongName>(register: &ReadWrite<R>) -> Self {
        Self { address: register.word.get() as usize }
    }

    /// The register's address.
    #[inline(always)]
    pub fn address(self) -> usize {
        self.address
    }

    /// One volatile load.
    #[inline(always)]
    pub fn read(self) -> u32 {
        // SAFETY: `address` came from a `ReadWrite` cell, which only exists inside a register
        // block a `StaticRef` vouched for: a live, aligned, readable device register.
        unsafe { (self.address as *const u32).read_volatile() }
    }

    /// One volatile store.
    #[inline(always)]
    pub fn write(self, word: u32) {
        // SAFETY: as for `read`: a live, aligned, writeable (`ReadWrite`) device register.
        unsafe { (self.address as *mut u32).write_volatile(word) }
    }
}

/// A `'static` reference to a register block at a fixed address, usable in `const`s.
pub struct StaticRef<T> {
    pointer: *const T,
}

/// Start of the Cortex-M "Peripheral" region (vendor devices such as UARTs).
const PERIPHERAL_START: usize = 0x4000_0000;
/// End (exclusive) of the "Peripheral" region.
const PERIPHERAL_END: usize = 0x6000_0000;

impl<T> StaticRef<T> {
    /// A reference to the register block at `pointer`.
    ///
    /// # Safety
    /// `pointer` must be the aligned address of a device register block shaped like `T`,
    /// valid for the whole program, and reaching it must not let safe code break the kernel's
    /// memory safety (as SCB, MPU or a DMA controller could).
    // SAFETY: a constructor only; the contract above is what every caller must justify.
    pub const unsafe fn new(pointer: *const T) -> Self {
        Self { pointer }
    }

    /// A reference to a vendor peripheral at `address`, checked to lie in the Peripheral region.
    ///
    /// The address is checked (at compile time when used in a `const`) to lie in the
    /// architecture's Peripheral region, 0x4000_0000..0x6000_0000, where no Rust object can
    /// live, and to be aligned for `T`. Register cells are `UnsafeCell`s accessed volatile, so
    /// a reference there aliases nothing the compiler reasons about.
    ///
    /// It is still `unsafe`: which peripheral sits at an address is the chip's fact, not this
    /// function's, and a peripheral can be a DMA controller (nRF52 EasyDMA, SAM4L PDCA) or a
    /// flash controller that writes memory behind the kernel's back. Each chip creates its base
    /// addresses in its `mmio` module, one `// SAFETY:` line each, so the trusted code says it.
    ///
    /// # Safety
    /// `address` must be the register block of a device shaped like `T` on the chip the image
    /// runs on, and reaching it must not let safe code break the kernel's memory safety (a
    /// device that can write memory must only be reachable through a driver that confines it).
    pub const unsafe fn peripheral(address: usize) -> Self {
        assert!(address >= PERIPHERAL_START, "not in the Peripheral region");
        assert!(address + size_of::<T>() <= PERIPHERAL_END, "not in the Peripheral region");
        assert!(address.is_multiple_of(align_of::<T>()), "misaligned register block");
        Self { pointer: address as *const T }
    }
}

impl<T> StaticRef<T> {
    /// The register block as a plain `'static` reference.
    #[inline(always)]
    pub fn as_static(self) -> &'static T {
        // SAFETY: as for `deref`: valid for the whole program, so for `'static`.
        unsafe { &*self.pointer }
    }
}

impl<T> Clone for StaticRef<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for StaticRef<T> {}

impl<T> Deref for StaticRef<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: the caller of `new` or `peripheral` guaranteed a valid register block for the
        // whole program.
        unsafe { &*self.pointer }
    }
}
