//! The board-independent kernel of kernel-rig: processes, cells, registers, protocol, harness.
//!
//! Everything here is plain logic that a host `cargo test` can exercise. `unsafe_code` is denied at
//! the root and allowed only in the modules named after the paper's trusted kinds:
//! `registers::mmio` (volatile register access), `allocator` (static memory handed out once),
//! `userspace_buffers` (an allowed range of process memory viewed as bytes) and
//! `cells::map_cell` (a value lent out in place). The scheduler, syscalls, grants, interrupts'
//! bottom halves and the harness are safe code.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]

pub mod allocator;
pub mod cells;
pub mod harness;
pub mod interrupts;
pub mod memory_protection;
pub mod process;
pub mod protocol;
pub mod registers;
pub mod scheduler;
pub mod syscall;
pub mod userspace_buffers;
