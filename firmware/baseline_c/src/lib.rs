//! The C baseline: the cell, mmio and irq benchmark bodies compiled from C, behind safe calls.
//!
//! Benchmark-only code, outside the kernel: nothing in the kernel calls C. The C sources sit
//! next to this crate (`../*.c`, built by `build.rs` with arm-none-eabi-gcc -Os), and every call
//! into them is trusted code, so all of them live in one module, `c_baseline`. It is not one of
//! the paper's six trusted kinds; the trusted-code inventory lists it on its own.
#![no_std]
#![deny(unsafe_code)]

pub mod c_baseline;
