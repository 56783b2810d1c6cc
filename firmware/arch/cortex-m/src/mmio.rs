//! Base addresses of the System Control Space blocks this crate drives.
//!
//! The SCS (0xE000_E000..0xE000_F000) is architecturally fixed on every ARMv7-M core, so
//! these references are valid on every chip. They are `pub(crate)`: SCB and NVIC can undo
//! the kernel's memory safety (VTOR, priorities), so only the drivers in this crate, which
//! expose a safe subset, reach the registers.

#![allow(unsafe_code)]

use kernel::registers::StaticRef;

use crate::nvic::NvicRegisters;
use crate::scb::ScbRegisters;
use crate::systick::SysTickRegisters;

// SAFETY: SysTick's register block sits at 0xE000_E010 on every ARMv7-M core (ARMv7-M ARM
// B3.3.2), lives for the whole program, and cannot reach memory.
pub(crate) const SYSTICK: StaticRef<SysTickRegisters> = unsafe { StaticRef::new(0xE000_E010 as *const _) };

// SAFETY: the NVIC's register block sits at 0xE000_E100 (ARMv7-M ARM B3.4.3); the `nvic`
// driver exposes only enabling, disabling and pending-state operations.
pub(crate) const NVIC: StaticRef<NvicRegisters> = unsafe { StaticRef::new(0xE000_E100 as *const _) };

// SAFETY: the SCB sits at 0xE000_ED00 (ARMv7-M ARM B3.2.2); the `scb` driver only reads
// identification and fault status, never VTOR or the MPU.
pub(crate) const SCB: StaticRef<ScbRegisters> = unsafe { StaticRef::new(0xE000_ED00 as *const _) };
