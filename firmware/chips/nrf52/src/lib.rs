//! Nordic nRF52832/nRF52840 peripherals, as kernel-rig's nRF52 DK boards use them.
//!
//! Both chips share the peripherals driven here at the same addresses; they differ in memory
//! size, which is the board's linker script's business, not this crate's. `unsafe_code` is
//! forbidden everywhere but `mmio`, which creates every base address with the reason it holds:
//! CLOCK, GPIO, TIMER1 and APPROTECT (plain peripherals), UARTE0 (its EasyDMA writes RAM) and
//! FICR/UICR (outside the Peripheral region).
#![no_std]
#![deny(unsafe_code)]

#[forbid(unsafe_code)]
pub mod approtect;
#[forbid(unsafe_code)]
pub mod clock;
#[forbid(unsafe_code)]
pub mod ficr;
#[forbid(unsafe_code)]
pub mod gpio;
mod mmio;
#[forbid(unsafe_code)]
pub mod timer;
#[forbid(unsafe_code)]
pub mod uarte;

/// CPU clock: HFCLK, 64 MHz on every nRF52 (nRF52840/nRF52832 PS, "CLOCK — Clock control").
pub const CPU_HZ: u32 = 64_000_000;

/// NVIC line of UARTE0 (PS "Instantiation": peripheral ID 2).
pub const UARTE0_IRQ: u32 = 2;
/// NVIC line of SWI0/EGU0 (ID 20): a software interrupt no peripheral here raises.
pub const SWI0_EGU0_IRQ: u32 = 20;
/// NVIC line of SWI1/EGU1 (ID 21): a second unused software interrupt.
pub const SWI1_EGU1_IRQ: u32 = 21;
/// NVIC line of SWI2/EGU2 (PS "Instantiation": peripheral ID 22): a third unused software
/// interrupt, the one the host pends over SWD for `irq/host_to_bottom_half`.
pub const SWI2_EGU2_IRQ: u32 = 22;
