//! Base addresses the safe constructor cannot vouch for: trusted "memory-mapped I/O".
//!
//! UARTE0 is in the Peripheral region, but its EasyDMA reads and writes RAM on its own, so
//! reaching its registers is a promise about memory, made here: only `uarte::Uarte`, which
//! points the DMA at buffers it owns exclusively, writes TXD.PTR/RXD.PTR. FICR and UICR are
//! non-volatile configuration at 0x1000_0000/0x1000_1000, outside the Peripheral region; this
//! crate only ever reads them (writing UICR takes the NVMC, which nothing here drives).

#![allow(unsafe_code)]

use kernel::registers::StaticRef;

use crate::ficr::{FicrRegisters, UicrRegisters};
use crate::uarte::UarteRegisters;

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
