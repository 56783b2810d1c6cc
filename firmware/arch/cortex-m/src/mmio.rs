//! Base addresses of the System Control Space blocks this crate drives.
//!
//! The SCS (0xE000_E000..0xE000_F000) and the DWT (0xE000_1000) are architecturally fixed on every ARMv7-M core, so
//! these references are valid on every chip. They are `pub(crate)`: SCB and NVIC can undo
//! the kernel's memory safety (VTOR, priorities), so only the drivers in this crate, which
//! expose a safe subset, reach the registers.

#![allow(unsafe_code)]

use kernel::registers::StaticRef;

use crate::dwt::{DemcrRegister, DwtRegisters};
use crate::mpu::MpuRegisters;
use crate::nvic::{NvicRegisters, StirRegister};
use crate::scb::ScbRegisters;
use crate::systick::SysTickRegisters;

// SAFETY: SysTick's register block sits at 0xE000_E010 on every ARMv7-M core (ARMv7-M ARM
// B3.3.2), lives for the whole program, and cannot reach memory.
pub(crate) const SYSTICK: StaticRef<SysTickRegisters> = unsafe { StaticRef::new(0xE000_E010 as *const _) };

// SAFETY: the NVIC's register block sits at 0xE000_E100 (ARMv7-M ARM B3.4.3); the `nvic`
// driver exposes only enabling, disabling and pending-state operations.
pub(crate) const NVIC: StaticRef<NvicRegisters> = unsafe { StaticRef::new(0xE000_E100 as *const _) };

// SAFETY: STIR sits at 0xE000_EF00 (ARMv7-M ARM B3.4.3); writing it only pends an interrupt,
// which the `nvic` driver's `trigger` exposes.
pub(crate) const STIR: StaticRef<StirRegister> = unsafe { StaticRef::new(0xE000_EF00 as *const _) };

// SAFETY: the SCB sits at 0xE000_ED00 (ARMv7-M ARM B3.2.2); the `scb` driver only reads
// identification and fault status (and clears the latter) and sets SHCSR.MEMFAULTENA, never
// VTOR or the MPU.
pub(crate) const SCB: StaticRef<ScbRegisters> = unsafe { StaticRef::new(0xE000_ED00 as *const _) };

// SAFETY: the MPU's registers sit at 0xE000_ED90..0xE000_EDA4 (ARMv7-M ARM B3.5.3); the `mpu`
// driver writes only regions the kernel computed for a process (its code read-only, its stack
// and data execute-never) with PRIVDEFENA set, so the kernel's own view of memory never shrinks.
pub(crate) const MPU: StaticRef<MpuRegisters> = unsafe { StaticRef::new(0xE000_ED90 as *const _) };

// SAFETY: DWT_CTRL and DWT_CYCCNT are at 0xE000_1000 and 0xE000_1004 on every ARMv7-M core
// with a DWT (ARMv7-M ARM C1.8.1); they live for the whole program and cannot reach memory.
// The `dwt` driver only enables the cycle counter and reads it, never the comparators.
pub(crate) const DWT: StaticRef<DwtRegisters> = unsafe { StaticRef::new(0xE000_1000 as *const _) };

// SAFETY: DEMCR is at 0xE000_EDFC (ARMv7-M ARM C1.6.5, table C1-6); the `dwt` driver only sets
// TRCENA, which powers the DWT/ITM and changes no exception or vector-catch behaviour.
pub(crate) const DEMCR: StaticRef<DemcrRegister> = unsafe { StaticRef::new(0xE000_EDFC as *const _) };
