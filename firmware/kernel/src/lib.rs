//! The board-independent kernel of kernel-rig: cells, registers, protocol, harness.
//!
//! Everything here is plain logic that a host `cargo test` can exercise. `unsafe_code` is denied at
//! the root and allowed only in the modules named after the paper's trusted kinds:
//! `registers::mmio` (volatile register access) and `allocator` (static memory handed out once).
//! `cells` is one of those kinds too, but `TakeCell` needs no trusted code (see its docs).
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]

pub mod allocator;
pub mod cells;
pub mod harness;
pub mod process;
pub mod protocol;
pub mod registers;
