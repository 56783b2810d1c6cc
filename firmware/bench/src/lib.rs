//! The benchmark bodies kernel-rig runs on every board.
//!
//! Board-independent: each body is generic over the board's `Counter`, its
//! `UserspaceKernelBoundary` and its `Platform` (peripherals and interrupt lines), and measures
//! one operation between two counter reads with the harness's `Sampler`. `all` is the table the
//! board hands to the harness; names and parameters are what the host reports.
//!
//! Board-facing API (what a board's `main.rs` uses): `Fixture::<Boundary, Platform>::new(
//! boundary)` once, `all::<Counter, Boundary, Platform>()` (usually inferred) with `COUNT`
//! entries (counted from the table, never by hand; `CATALOGUE` is the same table for the host),
//! the `Platform` trait, and a linker-script line aliasing `rig_irq_<C_IRQ>` to
//! `rig_c_irq_handler`. Changed from the first version: `Fixture` and `all` gained the
//! `Platform` parameter, and benchmark bodies return `Option<u32>`.
#![no_std]
#![forbid(unsafe_code)]

pub mod apps;
#[macro_use]
pub mod catalogue;
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

// The table: one row per benchmark (or per size), in run order. To add a benchmark, write its
// body in a module and add its row here (docs/benchmarks.md).
benchmarks! {
    "syscall/null" => ctx::null, "null syscall round trip: kernel step into a process, its svc, back (MPU off)";
    "ctx/process_switch" => ctx::process_switch, "process-to-process switch: the scheduler picks the other of two yielding processes (MPU off)";
    "ctx/upcall" => ctx::upcall, "upcall round trip: queue it, switch in, the empty upcall returns into yield, back to the kernel";
    "ctx/fault_recovery" => ctx::fault_recovery, "a process's privileged access faults; the handler returns to the kernel, which stops the process";
    "ctx/preempt" => ctx::preempt, "timer preemption: the timer interrupt takes a spinning process back, the kernel switches into another process";
    "syscall/null_mpu" => ctx::null_mpu, "syscall/null with an isolated process re-entered: the MPU is left as it is";
    "ctx/process_switch_mpu" => ctx::process_switch_mpu, "ctx/process_switch between two isolated processes: every switch rewrites the MPU";
    "syscall_c/null" => ctx::null_c, "syscall/null with the kernel's step written in C (baseline_c/kernel.c)";
    "ctx_c/process_switch" => ctx::process_switch_c, "ctx/process_switch with the step and round robin written in C";
    "ctx_c/preempt" => ctx::preempt_c, "ctx/preempt with the step and round robin written in C";
    "cell/copy" [4, 16, 64, 256, 1024] => cell::copy, "change one byte of an N-byte payload in a Cell: copy it out and back (from 16 B each copy calls memcpy)";
    "cell/takecell_map" [4, 16, 64, 256, 1024] => cell::takecell_map, "change one byte of an N-byte payload in place through TakeCell::map";
    "cell/mapcell_map" [4, 16, 64, 256, 1024] => cell::mapcell_map, "change one byte of an N-byte payload in place through MapCell::map";
    "cell/raw_mut" [4, 16, 64, 256, 1024] => cell::raw_mut, "change one byte of an N-byte payload through a plain &mut (the floor)";
    "cell_c/struct_copy" [4, 16, 64, 256, 1024] => cell::c_struct_copy, "C twin of cell/copy: copy an N-byte struct out, change a byte, copy it back (gcc inlines up to 64 B, calls memcpy from 256 B)";
    "cell_c/pointer" [4, 16, 64, 256, 1024] => cell::c_pointer, "C twin of cell/raw_mut: change one byte through a pointer";
    "mmio/raw_write_read" => mmio::raw_write_read, "volatile write then read of a device register";
    "mmio/raw_modify" => mmio::raw_modify, "read-modify-write of a register field with raw volatile accesses";
    "mmio/typed_modify" => mmio::typed_modify, "the same read-modify-write through the kernel's typed register API";
    "mmio_c/raw_modify" => mmio::c_raw_modify, "C twin of mmio/raw_modify";
    "irq/sw_to_handler" => irq::sw_to_handler, "software-pended interrupt: pend to the first instruction of its handler";
    "irq/sw_to_bottom_half" => irq::sw_to_bottom_half, "software-pended interrupt: pend to the kernel's deferred bottom half";
    "irq_c/sw_to_handler" => irq::c_sw_to_handler, "C twin of irq/sw_to_handler";
    "irq/host_to_bottom_half" => irq::host_to_bottom_half, "interrupt raised by the host (TRIGGER): top half to bottom half";
    "alloc/grant" [4, 16, 64, 256, 1024] => memory::grant, "allocate N zeroed bytes from a process's grant area";
    "userbuf/copy_in" [4, 16, 64, 256, 1024] => memory::copy_in, "look up a process's allowed buffer, bounds-check and copy N bytes into the kernel";
    "userbuf/copy_out" [4, 16, 64, 256, 1024] => memory::copy_out, "copy N bytes from the kernel into a process's allowed buffer, bounds-checked";
}
