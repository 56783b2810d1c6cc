//! Microchip (Atmel) SAM4L peripherals, as the SAM4L8 Xplained Pro uses them.
//!
//! Register layouts and sequences follow the SAM4L datasheet (Atmel-42023, "SAM4L Series"):
//! BPM (power scaling), FLASHCALW (wait states, high-speed read mode), SCIF (OSC0, PLL0),
//! PM (main clock, peripheral clock masks), GPIO (pin multiplexing) and USART. `clocks`
//! composes them into the one start-up sequence to 48 MHz. Every block lies in the Peripheral
//! region and none can write memory on its own (the PDCA is not used), so the whole crate is
//! safe code over `StaticRef::peripheral`.
#![no_std]
#![forbid(unsafe_code)]

pub mod bpm;
pub mod clocks;
pub mod flashcalw;
pub mod gpio;
pub mod pm;
pub mod scif;
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
/// NVIC line of USART1.
pub const USART1_IRQ: u32 = 69;
