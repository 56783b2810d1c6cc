//! The board-independent kernel of kernel-rig: processes, cells, registers, protocol, harness.
//!
//! Everything here is plain logic that a host `cargo test` can exercise. `unsafe_code` is denied at
//! the root and allowed only in the files named after the paper's trusted kinds:
//! `registers::mmio` (volatile register access), `allocator::static_region` (static memory handed
//! out once), `userspace_buffers` (an allowed range of process memory viewed as bytes) and
//! `cells::map_cell` (a value lent out in place). Every other module *forbids* it (so no file in
//! it can allow it again): the scheduler, syscalls, grants, interrupts' bottom halves, memory
//! protection, the protocol and the harness are safe code. The `lint.unsafe_modules` test
//! (`cmake/check_unsafe_modules.cmake`) fails when an `allow(unsafe_code)` appears anywhere else.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]

// Trusted kinds: each holds the one file that allows `unsafe_code` (the rest forbid it inside).
pub mod allocator;
pub mod cells;
pub mod registers;
pub mod userspace_buffers;

// Safe code.
#[forbid(unsafe_code)]
pub mod harness;
#[forbid(unsafe_code)]
pub mod interrupts;
#[forbid(unsafe_code)]
pub mod memory_protection;
#[forbid(unsafe_code)]
pub mod process;
#[forbid(unsafe_code)]
pub mod protocol;
#[forbid(unsafe_code)]
pub mod scheduler;
#[forbid(unsafe_code)]
pub mod syscall;
