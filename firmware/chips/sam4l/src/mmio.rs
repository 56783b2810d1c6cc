//! Base addresses of the SAM4L blocks this crate drives: trusted "memory-mapped I/O".
//!
//! Creating a `StaticRef` is a promise that a register block of that shape lives at the address
//! for the whole program and that safe code holding it cannot write memory; each one is made
//! here with the reason it holds. Addresses: SAM4L datasheet (Atmel-42023), "Peripheral Address
//! Map". The PDCA, the one DMA controller, is never mapped. FLASHCALW can erase and write flash
//! and set the security bit, so it stays `pub(crate)` and only `flashcalw::Flashcalw`, which
//! issues HSEN and nothing else, reaches it; so do the clock and power blocks.

#![allow(unsafe_code)]

use kernel::registers::StaticRef;

use crate::bpm::BpmRegisters;
use crate::flashcalw::FlashcalwRegisters;
use crate::gpio::PortRegisters;
use crate::pm::PmRegisters;
use crate::scif::ScifRegisters;
use crate::tc::TcRegisters;
use crate::usart::UsartRegisters;

// SAFETY: BPM (Backup Power Manager) at 0x400F_0000; power scaling and sleep control, no bus
// master. Only `bpm::Bpm` reaches it.
pub(crate) const BPM_BASE: StaticRef<BpmRegisters> = unsafe { StaticRef::peripheral(0x400F_0000) };

// SAFETY: FLASHCALW at 0x400A_0000. Its FCMD can erase and program flash and set the security
// bit; only `flashcalw::Flashcalw` reaches it (crate-private), which writes FCR.FWS and issues
// the HSEN command, nothing else, so no flash or RAM the kernel relies on changes.
pub(crate) const FLASHCALW_BASE: StaticRef<FlashcalwRegisters> = unsafe { StaticRef::peripheral(0x400A_0000) };

// SAFETY: GPIO ports A, B and C at 0x400E_1000, 0x400E_1200 and 0x400E_1400 (0x200 apart); pin
// multiplexing and levels, no bus master.
pub(crate) const PORT_A: StaticRef<PortRegisters> = unsafe { StaticRef::peripheral(0x400E_1000) };
// SAFETY: as PORT_A.
pub(crate) const PORT_B: StaticRef<PortRegisters> = unsafe { StaticRef::peripheral(0x400E_1200) };
// SAFETY: as PORT_A.
pub(crate) const PORT_C: StaticRef<PortRegisters> = unsafe { StaticRef::peripheral(0x400E_1400) };

// SAFETY: PM (Power Manager) at 0x400E_0000; clock selection and masks, no bus master. Only
// `pm::Pm` reaches it.
pub(crate) const PM_BASE: StaticRef<PmRegisters> = unsafe { StaticRef::peripheral(0x400E_0000) };

// SAFETY: SCIF (System Control Interface) at 0x400E_0800; oscillators and PLLs, no bus master.
// Only `scif::Scif` reaches it.
pub(crate) const SCIF_BASE: StaticRef<ScifRegisters> = unsafe { StaticRef::peripheral(0x400E_0800) };

/// TC0's register block.
// SAFETY: TC0 at 0x4001_0000 (APBA; ATSAM4LC8C.svd and ASF `sam4lc8c.h` agree). A timer/counter
// counts and compares; it moves no data and is no bus master.
pub const TC0_BASE: StaticRef<TcRegisters> = unsafe { StaticRef::peripheral(0x4001_0000) };

/// USART0's register block.
// SAFETY: USART0 at 0x4002_4000 (APBA). A USART moves bytes only through the CPU here: its
// PDCA channel would be the one bus master, and the PDCA is never mapped.
pub const USART0_BASE: StaticRef<UsartRegisters> = unsafe { StaticRef::peripheral(0x4002_4000) };
/// USART1's register block.
// SAFETY: USART1 at 0x4002_8000; as USART0.
pub const USART1_BASE: StaticRef<UsartRegisters> = unsafe { StaticRef::peripheral(0x4002_8000) };
/// USART2's register block.
// SAFETY: USART2 at 0x4002_C000; as USART0.
pub const USART2_BASE: StaticRef<UsartRegisters> = unsafe { StaticRef::peripheral(0x4002_C000) };
/// USART3's register block.
// SAFETY: USART3 at 0x4003_0000; as USART0.
pub const USART3_BASE: StaticRef<UsartRegisters> = unsafe { StaticRef::peripheral(0x4003_0000) };
