//! Interior-mutability cells the kernel uses to share state without locks.
//!
//! `TakeCell` lends out a reference it holds, `MapCell` lends out a value it owns, both in
//! place; `OptionalCell` copies small `Copy` values; `core::cell::Cell` is the copy-based
//! comparison point the benchmarks use. The paper counts the cells among the kernel's trusted
//! code: of these only `MapCell` needs it today (Tock's current `TakeCell`, like this one, is
//! built on `Cell<Option<&mut T>>`), and the module keeps its trusted-kind name so the map
//! from paper to code stays visible.

pub mod map_cell;
#[forbid(unsafe_code)]
pub mod optional_cell;
#[forbid(unsafe_code)]
pub mod take_cell;

pub use map_cell::MapCell;
pub use optional_cell::OptionalCell;
pub use take_cell::TakeCell;
