//! The benchmark bodies kernel-rig runs on every board.
//!
//! Board-independent: each body is generic over the board's `Counter`, its
//! `UserspaceKernelBoundary` and its `Platform` (peripherals and interrupt lines), and measures
//! one operation between two counter reads with the harness's `Sampler`. `all` is the table the
//! board hands to the harness; names and parameters are what the host reports.
//!
//! Board-facing API (what a board's `main.rs` uses): `Fixture::<Boundary, Platform>::new(
//! boundary)` once, `all::<Counter, Boundary, Platform>()` (usually inferred) with `COUNT`
//! entries, the `Platform` trait, and a linker-script line aliasing `rig_irq_<C_IRQ>` to
//! `rig_c_irq_handler`. Changed from the first version: `Fixture` and `all` gained the
//! `Platform` parameter, and benchmark bodies return `Option<u32>`.
#![no_std]
#![forbid(unsafe_code)]

pub mod apps;
pub mod cell;
pub mod counter;
pub mod ctx;
pub mod fixture;
pub mod irq;
pub mod memory;
pub mod mmio;
pub mod platform;

pub use fixture::Fixture;
pub use platform::{HostTrigger, PREEMPTION_SLICE_US, Platform};

use kernel::harness::{Benchmark, Counter, Overhead};
use kernel::process::UserspaceKernelBoundary;

/// Number of benchmarks in `all`.
pub const COUNT: usize = 63;

/// Table rows: `name, parameter => body` with overhead subtracted.
macro_rules! table {
    ($($name:literal, $parameter:expr => $body:expr;)*) => {
        [
            Benchmark { name: "counter/overhead", parameter: 0, overhead: Overhead::Keep, body: counter::overhead },
            $(Benchmark { name: $name, parameter: $parameter, overhead: Overhead::Subtract, body: $body },)*
        ]
    };
}

/// Every benchmark, in the order they run.
pub fn all<C: Counter, B: UserspaceKernelBoundary, P: Platform>() -> [Benchmark<C, Fixture<B, P>>; COUNT] {
    table! {
        "syscall/null", 0 => ctx::null;
        "ctx/process_switch", 0 => ctx::process_switch;
        "ctx/upcall", 0 => ctx::upcall;
        "ctx/fault_recovery", 0 => ctx::fault_recovery;
        "ctx/preempt", 0 => ctx::preempt;
        "syscall/null_mpu", 0 => ctx::null_mpu;
        "ctx/process_switch_mpu", 0 => ctx::process_switch_mpu;
        "syscall_c/null", 0 => ctx::null_c;
        "ctx_c/process_switch", 0 => ctx::process_switch_c;
        "cell/copy", 4 => cell::copy::<C, B, P, 4>;
        "cell/copy", 16 => cell::copy::<C, B, P, 16>;
        "cell/copy", 64 => cell::copy::<C, B, P, 64>;
        "cell/copy", 256 => cell::copy::<C, B, P, 256>;
        "cell/copy", 1024 => cell::copy::<C, B, P, 1024>;
        "cell/takecell_map", 4 => cell::takecell_map::<C, B, P, 4>;
        "cell/takecell_map", 16 => cell::takecell_map::<C, B, P, 16>;
        "cell/takecell_map", 64 => cell::takecell_map::<C, B, P, 64>;
        "cell/takecell_map", 256 => cell::takecell_map::<C, B, P, 256>;
        "cell/takecell_map", 1024 => cell::takecell_map::<C, B, P, 1024>;
        "cell/mapcell_map", 4 => cell::mapcell_map::<C, B, P, 4>;
        "cell/mapcell_map", 16 => cell::mapcell_map::<C, B, P, 16>;
        "cell/mapcell_map", 64 => cell::mapcell_map::<C, B, P, 64>;
        "cell/mapcell_map", 256 => cell::mapcell_map::<C, B, P, 256>;
        "cell/mapcell_map", 1024 => cell::mapcell_map::<C, B, P, 1024>;
        "cell/raw_mut", 4 => cell::raw_mut::<C, B, P, 4>;
        "cell/raw_mut", 16 => cell::raw_mut::<C, B, P, 16>;
        "cell/raw_mut", 64 => cell::raw_mut::<C, B, P, 64>;
        "cell/raw_mut", 256 => cell::raw_mut::<C, B, P, 256>;
        "cell/raw_mut", 1024 => cell::raw_mut::<C, B, P, 1024>;
        "cell_c/struct_copy", 4 => cell::c_struct_copy::<C, B, P, 4>;
        "cell_c/struct_copy", 16 => cell::c_struct_copy::<C, B, P, 16>;
        "cell_c/struct_copy", 64 => cell::c_struct_copy::<C, B, P, 64>;
        "cell_c/struct_copy", 256 => cell::c_struct_copy::<C, B, P, 256>;
        "cell_c/struct_copy", 1024 => cell::c_struct_copy::<C, B, P, 1024>;
        "cell_c/pointer", 4 => cell::c_pointer::<C, B, P, 4>;
        "cell_c/pointer", 16 => cell::c_pointer::<C, B, P, 16>;
        "cell_c/pointer", 64 => cell::c_pointer::<C, B, P, 64>;
        "cell_c/pointer", 256 => cell::c_pointer::<C, B, P, 256>;
        "cell_c/pointer", 1024 => cell::c_pointer::<C, B, P, 1024>;
        "mmio/raw_write_read", 0 => mmio::raw_write_read;
        "mmio/raw_modify", 0 => mmio::raw_modify;
        "mmio/typed_modify", 0 => mmio::typed_modify;
        "mmio_c/raw_modify", 0 => mmio::c_raw_modify;
        "irq/sw_to_handler", 0 => irq::sw_to_handler;
        "irq/sw_to_bottom_half", 0 => irq::sw_to_bottom_half;
        "irq_c/sw_to_handler", 0 => irq::c_sw_to_handler;
        "irq/host_to_bottom_half", 0 => irq::host_to_bottom_half;
        "alloc/grant", 4 => memory::grant::<C, B, P, 4>;
        "alloc/grant", 16 => memory::grant::<C, B, P, 16>;
        "alloc/grant", 64 => memory::grant::<C, B, P, 64>;
        "alloc/grant", 256 => memory::grant::<C, B, P, 256>;
        "alloc/grant", 1024 => memory::grant::<C, B, P, 1024>;
        "userbuf/copy_in", 4 => memory::copy_in::<C, B, P, 4>;
        "userbuf/copy_in", 16 => memory::copy_in::<C, B, P, 16>;
        "userbuf/copy_in", 64 => memory::copy_in::<C, B, P, 64>;
        "userbuf/copy_in", 256 => memory::copy_in::<C, B, P, 256>;
        "userbuf/copy_in", 1024 => memory::copy_in::<C, B, P, 1024>;
        "userbuf/copy_out", 4 => memory::copy_out::<C, B, P, 4>;
        "userbuf/copy_out", 16 => memory::copy_out::<C, B, P, 16>;
        "userbuf/copy_out", 64 => memory::copy_out::<C, B, P, 64>;
        "userbuf/copy_out", 256 => memory::copy_out::<C, B, P, 256>;
        "userbuf/copy_out", 1024 => memory::copy_out::<C, B, P, 1024>;
    }
}
