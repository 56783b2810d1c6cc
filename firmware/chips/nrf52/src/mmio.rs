//! Every base address this crate reaches: trusted "memory-mapped I/O".
//!
//! Creating a `StaticRef` is a promise that the register block lives at the address for the
//! whole program and that safe code holding it cannot write memory; each is made here with the
//! reason it holds (PS = the nRF52832/nRF52840 Product Specification, "Instantiation" table).
//! UARTE0 is in the Peripheral region, but its EasyDMA reads and writes RAM on its own, so
//! reaching its registers is a promise about memory, made here: only `uarte::Uarte`, which
//! points the DMA at buffers it owns exclusively, writes TXD.PTR/RXD.PTR. FICR and UICR are
//! non-volatile configuration at 0x1000_0000/0x1000_1000, outside the Peripheral region; this
//! crate only ever reads them (writing UICR takes the NVMC, which nothing here drives).

#![allow(unsafe_code)]

use kernel::registers::StaticRef;

use crate::approtect::ApprotectRegisters;
use crate::clock::ClockRegisters;
use crate::ficr::{FicrRegisters, UicrRegisters};
use crate::gpio::GpioRegisters;
use crate::timer::TimerRegisters;
use crate::uarte::UarteRegisters;

/// CLOCK's register block.
// SAFETY: CLOCK is peripheral ID 0 at 0x4000_0000 on nRF52832 and nRF52840 (PS, "CLOCK — Clock
// control"); it starts and stops oscillators, no bus master.
pub const CLOCK_BASE: StaticRef<ClockRegisters> = unsafe { StaticRef::peripheral(0x4000_0000) };

/// APPROTECT's registers.
// SAFETY: APPROTECT.FORCEPROTECT/DISABLE at 0x4000_0550 (ID 0, shared with CLOCK and POWER; PS
// "APPROTECT"); they gate the debug access port only, no bus master.
pub const APPROTECT_BASE: StaticRef<ApprotectRegisters> = unsafe { StaticRef::peripheral(0x4000_0550) };

/// TIMER1's register block.
// SAFETY: TIMER1 is ID 9 at 0x4000_9000 (PS "TIMER"); a counter with compare registers and
// PPI events, no bus master.
pub const TIMER1_BASE: StaticRef<TimerRegisters> = unsafe { StaticRef::peripheral(0x4000_9000) };

/// TIMER2's register block: the kernel's preemption timer.
// SAFETY: TIMER2 is ID 10 at 0x4000_A000 on nRF52832 and nRF52840 (PS "TIMER", instantiation
// table); a counter with compare registers and PPI events, no bus master.
pub const TIMER2_BASE: StaticRef<TimerRegisters> = unsafe { StaticRef::peripheral(0x4000_A000) };

/// Port P0's register block.
// SAFETY: GPIO port P0 at 0x5000_0000 on both chips (PS "GPIO — General purpose input/output");
// pin configuration and levels, no bus master.
pub const P0_BASE: StaticRef<GpioRegisters> = unsafe { StaticRef::peripheral(0x5000_0000) };

// SAFETY: UARTE0 sits at 0x4000_2000 on nRF52832 and nRF52840 (PS "Memory" chapter, instantiation
// table: ID 2, UARTE0). Its EasyDMA only transfers to or from TXD.PTR/RXD.PTR, which `Uarte` alone sets, to
// buffers it holds as `&'static mut` and does not touch while a transfer is running.
pub(crate) const UARTE0: StaticRef<UarteRegisters> = unsafe { StaticRef::new(0x4000_2000 as *const _) };

// SAFETY: FICR is at 0x1000_0000 on every nRF52 (PS "FICR — Factory information
// configuration registers"); factory-programmed,
// read-only, valid for the whole program. The struct starts at offset 0x100 (INFO.PART).
pub(crate) const FICR: StaticRef<FicrRegisters> = unsafe { StaticRef::new(0x1000_0100 as *const _) };

// SAFETY: UICR is at 0x1000_1000 (PS "UICR — User information configuration
// registers"); the struct starts at APPROTECT (0x208).
// Only read here: UICR is flash, and writes need NVMC.CONFIG.WEN, which this crate never sets.
pub(crate) const UICR: StaticRef<UicrRegisters> = unsafe { StaticRef::new(0x1000_1208 as *const _) };
