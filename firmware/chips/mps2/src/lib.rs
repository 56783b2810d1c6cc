//! The Arm MPS2 FPGA images (AN385/AN386) as QEMU models them.
//!
//! Peripherals only: the CMSDK APB UART and timer, and the SysTick-based instruction counter
//! QEMU's `-icount` makes exact. `unsafe_code` is denied everywhere but `mmio`, where each
//! peripheral's base address is created (`StaticRef::peripheral` is `unsafe`: it vouches that
//! the address is that device and that the device cannot write memory); the drivers forbid it.
#![no_std]
#![deny(unsafe_code)]

#[forbid(unsafe_code)]
pub mod counter;
mod mmio;
#[forbid(unsafe_code)]
pub mod timer;
#[forbid(unsafe_code)]
pub mod uart;
