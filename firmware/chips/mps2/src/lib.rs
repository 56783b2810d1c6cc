//! The Arm MPS2 FPGA images (AN385/AN386) as QEMU models them.
//!
//! Peripherals only: the CMSDK APB UART and timer, and the SysTick-based instruction counter
//! QEMU's `-icount` makes exact. No trusted code: register blocks are reached through kernel's checked
//! `StaticRef::peripheral`.
#![no_std]
#![forbid(unsafe_code)]

pub mod counter;
pub mod timer;
pub mod uart;
