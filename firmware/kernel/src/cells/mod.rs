//! Interior-mutability cells the kernel uses to share state without locks.
//!
//! The paper counts `TakeCell`'s in-place access among the kernel's trusted code. Tock's
//! current `TakeCell` (and this one) is built on `Cell<Option<&mut T>>` and needs no trusted code
//! at all; the module keeps its trusted-kind name so the map from paper to code stays visible.
//! `core::cell::Cell` is the copy-based comparison point the benchmarks use.

pub mod take_cell;

pub use take_cell::TakeCell;
