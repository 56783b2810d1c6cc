//! `OptionalCell`: a `Cell<Option<T>>` for `Copy` values, with Tock's helpers.
//!
//! Why: kernel components often hold a small value that may be absent (a client, a pending
//! request, a process id). `Cell<Option<T>>` already does this safely for `Copy` types, but
//! every use would spell out `get`/`set` around a `match`; `OptionalCell` names the common
//! patterns. It copies, so it is meant for words, not buffers (those go in a `TakeCell` or
//! `MapCell`). This is Tock's `OptionalCell` (`libraries/tock-cells/src/optional_cell.rs`).
//!
//! ```
//! use kernel::cells::OptionalCell;
//! let client = OptionalCell::empty();
//! assert!(client.is_none());
//! client.set(7u32);
//! assert_eq!(client.map(|c| c + 1), Some(8));
//! ```

use core::cell::Cell;

/// A shared cell holding an optional `Copy` value.
pub struct OptionalCell<T: Copy> {
    value: Cell<Option<T>>,
}

impl<T: Copy> OptionalCell<T> {
    /// An empty cell.
    pub const fn empty() -> Self {
        Self { value: Cell::new(None) }
    }

    /// A cell holding `value`.
    pub const fn new(value: T) -> Self {
        Self { value: Cell::new(Some(value)) }
    }

    /// Stores `value`.
    pub fn set(&self, value: T) {
        self.value.set(Some(value));
    }

    /// Empties the cell.
    pub fn clear(&self) {
        self.value.set(None);
    }

    /// Empties the cell and returns what it held.
    pub fn take(&self) -> Option<T> {
        self.value.take()
    }

    /// A copy of the value, if any.
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }

    /// Whether the cell holds a value.
    pub fn is_some(&self) -> bool {
        self.value.get().is_some()
    }

    /// Whether the cell is empty.
    pub fn is_none(&self) -> bool {
        self.value.get().is_none()
    }

    /// `closure` applied to a copy of the value, if any.
    pub fn map<F, R>(&self, closure: F) -> Option<R>
    where
        F: FnOnce(T) -> R,
    {
        self.value.get().map(closure)
    }

    /// The value, or `default` when empty.
    pub fn unwrap_or(&self, default: T) -> T {
        self.value.get().unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::OptionalCell;

    #[test]
    fn set_get_take_and_clear() {
        let cell = OptionalCell::empty();
        assert_eq!(cell.get(), None);
        cell.set(3u8);
        assert!(cell.is_some());
        assert_eq!(cell.get(), Some(3));
        assert_eq!(cell.take(), Some(3));
        assert!(cell.is_none());
        cell.set(4);
        cell.clear();
        assert_eq!(cell.unwrap_or(9), 9);
    }

    #[test]
    fn map_runs_only_on_a_value() {
        let cell = OptionalCell::new(20u32);
        assert_eq!(cell.map(|v| v * 2), Some(40));
        assert_eq!(OptionalCell::<u32>::empty().map(|v| v * 2), None);
    }
}
