//! ARMv7-M (Cortex-M3/M4) core support for kernel-rig, one small file per core block.
//!
//! `unsafe_code` is denied at the root and forbidden in every module except the ones named after
//! the paper's trusted kinds:
//! `exception_handlers` (vector table, reset, faults, the interrupt entry), `context_switch`
//! (entering and leaving processes) and `mmio` (the System Control Space base addresses). The
//! drivers (`systick`, `nvic`, `scb`, `mpu`) and the interrupt top half's bookkeeping (`interrupts`)
//! are safe code over kernel's typed registers and atomics.
//!
//! Link-time contract with the board: it defines `rig_main() -> !` (called after .data and
//! .bss are set up) and `rig_fault(pc: u32, ipsr: u32) -> !` (called from every fault or
//! unexpected exception), both `extern "C"`, and its linker script provides `_stack_top`,
//! `_sidata`, `_sdata`, `_edata`, `_sbss`, `_ebss` and keeps `.vector_table` at address 0.
#![no_std]
#![deny(unsafe_code)]

// Trusted kinds: the modules that allow `unsafe_code`.
pub mod context_switch;
pub mod exception_handlers;
mod mmio;

// Safe drivers and bookkeeping over the typed registers.
#[forbid(unsafe_code)]
pub mod dwt;
#[forbid(unsafe_code)]
pub mod interrupts;
#[forbid(unsafe_code)]
pub mod mpu;
#[forbid(unsafe_code)]
pub mod nvic;
#[forbid(unsafe_code)]
pub mod scb;
#[forbid(unsafe_code)]
pub mod systick;

pub use context_switch::CortexM;
