//! Register fields and the read/write/modify operations built on them.
//!
//! Pure arithmetic on `u32` words, so it is tested on the host with `InMemoryRegister` and
//! shared by every register kind: `mmio::ReadWrite` only supplies `get` and `set`.

use core::cell::Cell;
use core::marker::PhantomData;
use core::ops::Add;

/// Marker trait for the per-register types `register_bitfields!` declares.
pub trait RegisterLongName {}

impl RegisterLongName for () {}

/// A field of register `R`: `mask` (unshifted, low bits) and `shift`.
pub struct Field<R: RegisterLongName> {
    /// Mask of the field's bits before shifting (e.g. `0b11` for a two-bit field).
    pub mask: u32,
    /// Position of the field's lowest bit.
    pub shift: u32,
    register: PhantomData<R>,
}

impl<R: RegisterLongName> Field<R> {
    /// A field of `mask` bits starting at bit `shift`.
    pub const fn new(mask: u32, shift: u32) -> Self {
        Self { mask, shift, register: PhantomData }
    }

    /// The value `value` placed in this field (excess high bits are cut off).
    pub const fn val(self, value: u32) -> FieldValue<R> {
        FieldValue { mask: self.mask << self.shift, value: (value & self.mask) << self.shift, register: PhantomData }
    }

    /// This field's value in the register word `word`.
    pub const fn read(self, word: u32) -> u32 {
        (word >> self.shift) & self.mask
    }
}

// Manual impls: derives would demand `R: Clone`, and `R` is only a marker.
impl<R: RegisterLongName> Clone for Field<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: RegisterLongName> Copy for Field<R> {}

/// Values for one or more fields of `R`, combined with `+`: `mask` says which bits they own.
pub struct FieldValue<R: RegisterLongName> {
    /// Bits owned by the fields, shifted into place.
    pub mask: u32,
    /// The fields' values, shifted into place.
    pub value: u32,
    register: PhantomData<R>,
}

impl<R: RegisterLongName> FieldValue<R> {
    /// `word` with this value's fields replaced and every other bit kept.
    pub const fn modify(self, word: u32) -> u32 {
        (word & !self.mask) | self.value
    }

    /// Whether `word` holds exactly these field values.
    pub const fn matches(self, word: u32) -> bool {
        word & self.mask == self.value
    }
}

impl<R: RegisterLongName> Clone for FieldValue<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: RegisterLongName> Copy for FieldValue<R> {}

impl<R: RegisterLongName> Add for FieldValue<R> {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self { mask: self.mask | other.mask, value: self.value | other.value, register: PhantomData }
    }
}

/// A register that can be read.
pub trait Readable {
    /// The register's field marker.
    type R: RegisterLongName;
    /// The whole register word.
    fn get(&self) -> u32;

    /// One field's value.
    #[inline(always)]
    fn read(&self, field: Field<Self::R>) -> u32 {
        field.read(self.get())
    }
    /// Whether any bit of `field` is set.
    #[inline(always)]
    fn is_set(&self, field: Field<Self::R>) -> bool {
        self.read(field) != 0
    }
    /// Whether the register holds exactly `value` in the fields `value` names.
    #[inline(always)]
    fn matches_all(&self, value: FieldValue<Self::R>) -> bool {
        value.matches(self.get())
    }
}

/// A register that can be written.
pub trait Writeable {
    /// The register's field marker.
    type R: RegisterLongName;
    /// Writes the whole register word.
    fn set(&self, word: u32);

    /// Writes `value`; fields it does not name become zero.
    #[inline(always)]
    fn write(&self, value: FieldValue<Self::R>) {
        self.set(value.value);
    }
}

/// Read-modify-write, for registers that are both readable and writeable.
pub trait ReadWriteable {
    /// The register's field marker.
    type R: RegisterLongName;
    /// Replaces the fields `value` names and keeps the other bits.
    fn modify(&self, value: FieldValue<Self::R>);
}

impl<T: Readable + Writeable<R = <T as Readable>::R>> ReadWriteable for T {
    type R = <T as Readable>::R;
    #[inline(always)]
    fn modify(&self, value: FieldValue<Self::R>) {
        self.set(value.modify(self.get()));
    }
}

/// A register word in ordinary memory: a local copy, or a stand-in for MMIO in tests.
pub struct InMemoryRegister<R: RegisterLongName = ()> {
    word: Cell<u32>,
    register: PhantomData<R>,
}

impl<R: RegisterLongName> InMemoryRegister<R> {
    /// A register holding `word`.
    pub const fn new(word: u32) -> Self {
        Self { word: Cell::new(word), register: PhantomData }
    }
}

impl<R: RegisterLongName> Readable for InMemoryRegister<R> {
    type R = R;
    fn get(&self) -> u32 {
        self.word.get()
    }
}

impl<R: RegisterLongName> Writeable for InMemoryRegister<R> {
    type R = R;
    fn set(&self, word: u32) {
        self.word.set(word);
    }
}

#[cfg(test)]
mod tests {
    use super::{InMemoryRegister, ReadWriteable, Readable, Writeable};

    crate::register_bitfields![
        /// A made-up control register.
        CTRL [
            ENABLE OFFSET(0) NUMBITS(1),
            MODE OFFSET(4) NUMBITS(3) [
                Idle = 0,
                Run = 5,
            ],
            WIDE OFFSET(8) NUMBITS(24),
        ],
        FULL [
            ALL OFFSET(0) NUMBITS(32),
        ],
    ];

    #[test]
    fn masks_and_shifts_follow_offset_and_width() {
        assert_eq!((CTRL::ENABLE.mask, CTRL::ENABLE.shift), (0b1, 0));
        assert_eq!((CTRL::MODE.mask, CTRL::MODE.shift), (0b111, 4));
        assert_eq!((CTRL::WIDE.mask, CTRL::WIDE.shift), (0xFF_FFFF, 8));
        assert_eq!(FULL::ALL.mask, u32::MAX);
        assert_eq!(CTRL::MODE::SET.mask, 0x70);
        assert_eq!(CTRL::MODE::SET.value, 0x70);
        assert_eq!(CTRL::MODE::CLEAR.value, 0);
    }

    #[test]
    fn named_values_are_field_values() {
        assert_eq!((CTRL::MODE::Run.mask, CTRL::MODE::Run.value), (0x70, 0x50));
        let r = InMemoryRegister::<CTRL::Register>::new(0x51);
        assert!(r.matches_all(CTRL::MODE::Run));
        r.modify(CTRL::MODE::Idle);
        assert_eq!(r.get(), 0x01);
    }

    #[test]
    fn val_cuts_off_bits_beyond_the_field() {
        let v = CTRL::MODE.val(0b1_101);
        assert_eq!((v.mask, v.value), (0x70, 0x50));
    }

    #[test]
    fn write_replaces_the_word_and_modify_keeps_other_fields() {
        let r = InMemoryRegister::<CTRL::Register>::new(0xFFFF_FF00);
        r.modify(CTRL::ENABLE::SET + CTRL::MODE.val(2));
        assert_eq!(r.get(), 0xFFFF_FF21);
        r.modify(CTRL::ENABLE::CLEAR);
        assert_eq!(r.get(), 0xFFFF_FF20);
        r.write(CTRL::MODE.val(7));
        assert_eq!(r.get(), 0x70);
    }

    #[test]
    fn reads_and_tests_extract_one_field() {
        let r = InMemoryRegister::<CTRL::Register>::new(0x1234_5651);
        assert!(r.is_set(CTRL::ENABLE));
        assert_eq!(r.read(CTRL::MODE), 5);
        assert_eq!(r.read(CTRL::WIDE), 0x12_3456);
        assert!(r.matches_all(CTRL::ENABLE::SET + CTRL::MODE.val(5)));
        assert!(!r.matches_all(CTRL::MODE.val(4)));
    }
}
