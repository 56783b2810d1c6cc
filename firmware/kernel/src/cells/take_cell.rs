//! `TakeCell`: a shared cell that lends out a mutable reference, in place.
//!
//! Why: kernel components are shared through `&` references, yet they must mutate buffers they
//! own. `Cell<T>` can only copy `T` in and out, which is expensive for a buffer; a `TakeCell`
//! instead holds an `Option<&'a mut T>` and lends the reference to one user at a time. A second
//! user, say an interrupt handler running while the buffer is lent out, finds the cell empty
//! rather than aliasing it. This is Tock's `TakeCell` (`libraries/tock-cells/src/take_cell.rs`).
//!
//! ```
//! use kernel::cells::TakeCell;
//! let mut buffer = [0u8; 4];
//! let cell = TakeCell::new(&mut buffer);
//! cell.map(|b| b[0] = 7);
//! assert_eq!(cell.map(|b| b[0]), Some(7));
//! ```

use core::cell::Cell;

/// A cell holding an optional mutable reference, lent out by `take` and `map`.
pub struct TakeCell<'a, T: 'a + ?Sized> {
    value: Cell<Option<&'a mut T>>,
}

impl<'a, T: ?Sized> TakeCell<'a, T> {
    /// An empty cell.
    pub const fn empty() -> Self {
        Self { value: Cell::new(None) }
    }

    /// A cell holding `value`.
    pub const fn new(value: &'a mut T) -> Self {
        Self { value: Cell::new(Some(value)) }
    }

    /// Whether the cell currently holds a reference.
    pub fn is_some(&self) -> bool {
        // `take` + `set` because `Cell` gives no shared look at an `Option<&mut T>`.
        let value = self.value.take();
        let some = value.is_some();
        self.value.set(value);
        some
    }

    /// Whether the cell is empty (taken, or never filled).
    pub fn is_none(&self) -> bool {
        !self.is_some()
    }

    /// Removes the reference, leaving the cell empty.
    pub fn take(&self) -> Option<&'a mut T> {
        self.value.take()
    }

    /// Stores `value`, dropping (forgetting) any reference held before.
    pub fn put(&self, value: Option<&'a mut T>) {
        self.value.set(value);
    }

    /// Stores `value` and returns the reference held before.
    pub fn replace(&self, value: &'a mut T) -> Option<&'a mut T> {
        self.value.replace(Some(value))
    }

    /// Runs `closure` on the held value in place and puts the reference back.
    ///
    /// Returns `None` without running the closure when the cell is empty, including when it is
    /// called again from inside its own closure.
    #[inline]
    pub fn map<F, R>(&self, closure: F) -> Option<R>
    where
        F: FnOnce(&mut T) -> R,
    {
        let value = self.take()?;
        let result = closure(value);
        self.value.set(Some(value));
        Some(result)
    }

    /// Like `map`, with `default` returned when the cell is empty.
    pub fn map_or<F, R>(&self, default: R, closure: F) -> R
    where
        F: FnOnce(&mut T) -> R,
    {
        self.map(closure).unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::TakeCell;

    #[test]
    fn a_new_cell_holds_its_value_and_an_empty_one_does_not() {
        let mut x = 5u32;
        assert!(TakeCell::new(&mut x).is_some());
        assert!(TakeCell::<u32>::empty().is_none());
    }

    #[test]
    fn take_empties_the_cell() {
        let mut x = 5u32;
        let cell = TakeCell::new(&mut x);
        assert_eq!(cell.take().copied(), Some(5));
        assert!(cell.is_none());
        assert!(cell.take().is_none());
    }

    #[test]
    fn map_modifies_in_place_and_puts_the_reference_back() {
        let mut buffer = [0u8; 64];
        let cell = TakeCell::new(&mut buffer);
        assert_eq!(
            cell.map(|b| {
                b[3] = 9;
                b.len()
            }),
            Some(64)
        );
        assert!(cell.is_some());
        let b = cell.take().unwrap();
        assert_eq!(b[3], 9);
    }

    #[test]
    fn map_on_an_empty_cell_does_not_run_the_closure() {
        let cell = TakeCell::<u8>::empty();
        let mut ran = false;
        assert_eq!(cell.map(|_| ran = true), None);
        assert!(!ran);
        assert_eq!(cell.map_or(7, |_| 1), 7);
    }

    #[test]
    fn nested_map_finds_the_cell_empty() {
        let mut x = 1u8;
        let cell = TakeCell::new(&mut x);
        let inner = cell.map(|_| cell.map(|_| ()));
        assert_eq!(inner, Some(None));
        assert!(cell.is_some());
    }

    #[test]
    fn replace_returns_the_old_reference_and_put_refills() {
        let (mut a, mut b) = (1u8, 2u8);
        let cell = TakeCell::new(&mut a);
        assert_eq!(cell.replace(&mut b).copied(), Some(1));
        assert_eq!(cell.map(|v| *v), Some(2));
        let taken = cell.take();
        assert!(cell.is_none());
        cell.put(taken);
        assert_eq!(cell.map(|v| *v), Some(2));
        cell.put(None);
        assert!(cell.is_none());
    }
}
