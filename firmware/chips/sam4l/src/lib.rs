//! Microchip (Atmel) SAM4L peripherals, as the SAM4L8 Xplained Pro uses them.
//!
//! Register layouts and sequences follow the SAM4L datasheet (Atmel-42023, "SAM4L Series"):
//! BPM (power scaling), FLASHCALW (wait states, high-speed read mode), SCIF (OSC0, PLL0),
//! PM (main clock, peripheral clock masks), GPIO (pin multiplexing), USART and TC (TC0
//! channel 0, the preemption timer). `clocks` composes the first four into the one start-up
//! sequence to 48 MHz. Every block lies in the Peripheral region and none can write memory on
//! its own (the PDCA is not used); the base addresses are created in `mmio`, the one module
//! that allows `unsafe_code`, each with the reason it is safe to reach (FLASHCALW, which could
//! erase flash, only through its HSEN-only driver). The drivers forbid `unsafe_code`.
//!
//! NVIC lines are checked against Microchip's ATSAM4LC8C.svd and ASF's `sam4lc8c.h`
//! (`PDCA_13_IRQn` = 14 … `PDCA_15_IRQn` = 16, `USART1_IRQn` = 66, `TC00_IRQn` = 55; 80
//! lines, 0-79).
#![no_std]
#![deny(unsafe_code)]

#[forbid(unsafe_code)]
pub mod bpm;
#[forbid(unsafe_code)]
pub mod clocks;
#[forbid(unsafe_code)]
pub mod flashcalw;
#[forbid(unsafe_code)]
pub mod gpio;
mod mmio;
#[forbid(unsafe_code)]
pub mod pm;
#[forbid(unsafe_code)]
pub mod scif;
#[forbid(unsafe_code)]
pub mod tc;
#[forbid(unsafe_code)]
pub mod usart;

/// Key every SAM4L "UNLOCK" register wants in bits 31:24 before a protected write.
pub(crate) const UNLOCK_KEY: u32 = 0xAA;

/// NVIC line of PDCA channel 13 (datasheet "Interrupt Request Signal Map"): unused like the
/// other PDCA lines, the host pends it over SWD for `irq/host_to_bottom_half`.
pub const PDCA13_IRQ: u32 = 14;
/// NVIC line of PDCA channel 14 (datasheet "Interrupt Request Signal Map"): the PDCA is unused,
/// so the line only fires when software pends it.
pub const PDCA14_IRQ: u32 = 15;
/// NVIC line of PDCA channel 15: a second unused line.
pub const PDCA15_IRQ: u32 = 16;
/// NVIC line of USART1 (ATSAM4LC8C.svd and ASF `sam4lc8c.h`: `USART1_IRQn` = 66; 69 is the
/// ADCIFE's).
pub const USART1_IRQ: u32 = 66;
