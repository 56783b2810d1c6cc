//! `MapCell`: a shared cell that owns its value and lends it out in place.
//!
//! Why: a `TakeCell` holds a *reference*, so its buffer must live somewhere else (a static);
//! a `MapCell` holds the value itself, yet like a `TakeCell` it never copies it: `map` runs a
//! closure on the value where it lies. A flag records whether the value is lent out, so a
//! nested `map` (an interrupt path reaching the same cell) finds it busy instead of aliasing.
//! This is Tock's `MapCell` (`libraries/tock-cells/src/map_cell.rs`), reduced, and it is
//! trusted code of the paper's "cells" kind: handing out `&mut T` from behind `&self` needs
//! trusted code, and the flag is what makes it sound.
//!
//! ```
//! use kernel::cells::MapCell;
//! let cell = MapCell::new([0u8; 4]);
//! cell.map(|b| b[0] = 7);
//! assert_eq!(cell.map(|b| b[0]), Some(7));
//! ```

#![allow(unsafe_code)]

use core::cell::{Cell, UnsafeCell};

/// Where the value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// No value.
    Empty,
    /// The value is in the cell.
    Full,
    /// The value is lent to a running `map`.
    Lent,
}

/// A cell holding an optional value, changed in place by `map`.
pub struct MapCell<T> {
    value: UnsafeCell<Option<T>>,
    state: Cell<State>,
}

impl<T> MapCell<T> {
    /// An empty cell.
    pub const fn empty() -> Self {
        Self { value: UnsafeCell::new(None), state: Cell::new(State::Empty) }
    }

    /// A cell holding `value`.
    pub const fn new(value: T) -> Self {
        Self { value: UnsafeCell::new(Some(value)), state: Cell::new(State::Full) }
    }

    /// Whether the cell holds a value that is not lent out.
    pub fn is_some(&self) -> bool {
        self.state.get() == State::Full
    }

    /// Whether the cell is empty or its value is lent out.
    pub fn is_none(&self) -> bool {
        !self.is_some()
    }

    /// Removes the value; `None` when empty or lent out.
    pub fn take(&self) -> Option<T> {
        if self.state.get() != State::Full {
            return None;
        }
        self.state.set(State::Empty);
        // SAFETY: the state was `Full`, so no `map` is running and no `&mut` to the value
        // exists; `MapCell` is `!Sync`, so nothing else touches it meanwhile.
        unsafe { (*self.value.get()).take() }
    }

    /// Stores `value`, returning the one held before; refused (`Err(value)`) while lent out.
    pub fn replace(&self, value: T) -> Result<Option<T>, T> {
        if self.state.get() == State::Lent {
            return Err(value);
        }
        // SAFETY: not `Lent`, so no reference into the value exists (as in `take`).
        let old = unsafe { (*self.value.get()).replace(value) };
        self.state.set(State::Full);
        Ok(old)
    }

    /// Runs `closure` on the value in place; `None` when empty or already lent out.
    #[inline]
    pub fn map<F, R>(&self, closure: F) -> Option<R>
    where
        F: FnOnce(&mut T) -> R,
    {
        if self.state.get() != State::Full {
            return None;
        }
        self.state.set(State::Lent);
        // SAFETY: the state was `Full` and is now `Lent`: this is the only `&mut` to the
        // value until the state goes back, and every other method refuses a `Lent` cell, so a
        // nested call from inside `closure` cannot create a second one.
        let slot = unsafe { &mut *self.value.get() };
        // SAFETY: every path that sets `Full` stores `Some` first, so the unchecked unwrap
        // cannot see `None`.
        let value = unsafe { slot.as_mut().unwrap_unchecked() };
        let result = closure(value);
        self.state.set(State::Full);
        Some(result)
    }
}

#[cfg(test)]
mod tests {
    use super::MapCell;

    #[test]
    fn map_changes_the_value_in_place() {
        let cell = MapCell::new([0u8; 64]);
        assert_eq!(
            cell.map(|b| {
                b[5] = 1;
                b.len()
            }),
            Some(64)
        );
        assert_eq!(cell.map(|b| b[5]), Some(1));
        assert!(cell.is_some());
    }

    #[test]
    fn an_empty_cell_does_not_run_the_closure() {
        let cell = MapCell::<u32>::empty();
        let mut ran = false;
        assert_eq!(cell.map(|_| ran = true), None);
        assert!(!ran && cell.is_none());
    }

    #[test]
    fn a_nested_map_finds_the_value_lent_out() {
        let cell = MapCell::new(1u8);
        assert_eq!(cell.map(|_| (cell.map(|_| ()), cell.take(), cell.is_some())), Some((None, None, false)));
        assert_eq!(cell.map(|_| cell.replace(5).is_err()), Some(true));
        assert_eq!(cell.take(), Some(1));
    }

    #[test]
    fn take_and_replace() {
        let cell = MapCell::new(1u8);
        assert_eq!(cell.replace(2), Ok(Some(1)));
        assert_eq!(cell.take(), Some(2));
        assert!(cell.is_none());
        assert_eq!(cell.take(), None);
        assert_eq!(cell.replace(3), Ok(None));
        assert_eq!(cell.map(|v| *v), Some(3));
    }
}
