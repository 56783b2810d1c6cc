//! Base addresses of the MPS2 peripherals this crate drives: trusted "memory-mapped I/O".
//!
//! Creating a `StaticRef` is a promise that a register block of that shape lives at the address
//! for the whole program and cannot be used to write memory; each one is made here, with the
//! reason it holds. Neither the CMSDK UART nor the timer has a bus master of its own.

#![allow(unsafe_code)]

use kernel::registers::StaticRef;

use crate::timer::TimerRegisters;
use crate::uart::UartRegisters;

/// TIMER0's register block.
// SAFETY: CMSDK APB TIMER0 sits at 0x4000_0000 on MPS2 AN385/AN386 (AN386 "Memory map", as QEMU's
// mps2-an386 models it); a down-counter with an interrupt, no bus master, so it cannot reach memory.
pub const TIMER0_BASE: StaticRef<TimerRegisters> = unsafe { StaticRef::peripheral(0x4000_0000) };

/// UART0's register block.
// SAFETY: CMSDK APB UART0 sits at 0x4000_4000 on MPS2 AN385/AN386 (same memory map); its data
// register moves one byte at a time through the CPU, no DMA, so it cannot reach memory.
pub const UART0_BASE: StaticRef<UartRegisters> = unsafe { StaticRef::peripheral(0x4000_4000) };
