//! Typed registers: fields with datasheet names instead of raw masks and shifts.
//!
//! After Tock's `tock-registers`, much reduced. A driver declares its registers' fields with
//! `register_bitfields!`, lays its register block out as a `#[repr(C)]` struct of
//! `mmio::ReadWrite<..>` (offsets checked at compile time), and writes
//! `state.is_set(STATE::TXFULL)` or `ctrl.modify(CTRL::TXEN::SET + CTRL::RXEN::SET)`.
//! The field arithmetic (`field`) is safe and host-testable on an `InMemoryRegister`; only the
//! volatile access to device memory (`mmio`) is trusted code.

#[forbid(unsafe_code)]
pub mod field;
pub mod mmio;

pub use field::{Field, FieldValue, InMemoryRegister, ReadWriteable, Readable, RegisterLongName, Writeable};
pub use mmio::{RawRegister, ReadOnly, ReadWrite, StaticRef, WriteOnly};

/// Declares registers and their fields, Tock style.
///
/// ```
/// kernel::register_bitfields![
///     /// Control register.
///     CTRL [
///         /// Transmitter enable.
///         TXEN OFFSET(0) NUMBITS(1),
///         /// Divider.
///         DIV OFFSET(4) NUMBITS(8),
///         /// Parity, with the datasheet's names for its values.
///         PARITY OFFSET(12) NUMBITS(2) [
///             /// No parity bit.
///             None = 0,
///             /// Odd parity.
///             Odd = 2,
///         ],
///     ],
/// ];
/// assert_eq!(CTRL::DIV.mask, 0xFF);
/// assert_eq!((CTRL::TXEN::SET + CTRL::DIV.val(3)).value, 0x31);
/// assert_eq!(CTRL::PARITY::Odd.value, 0x2000);
/// ```
///
/// Each register becomes a module holding a marker type `Register` and one `Field` constant per
/// field; each field also gets a module with `SET` (all ones) and `CLEAR` values, plus one
/// `FieldValue` per named value listed in brackets after the field.
#[macro_export]
macro_rules! register_bitfields {
    ($( $(#[$register_doc:meta])* $register:ident [
        $( $(#[$field_doc:meta])* $field:ident OFFSET($shift:expr) NUMBITS($bits:expr)
            $([ $( $(#[$value_doc:meta])* $value:ident = $number:expr ),* $(,)? ])? ),* $(,)?
    ] ),* $(,)?) => {
        $(
            $(#[$register_doc])*
            #[allow(non_snake_case, dead_code)]
            pub mod $register {
                /// Marker type that ties fields to this register.
                #[derive(Clone, Copy, Debug)]
                pub struct Register;
                impl $crate::registers::RegisterLongName for Register {}
                $(
                    $(#[$field_doc])*
                    #[allow(non_upper_case_globals)]
                    pub const $field: $crate::registers::Field<Register> =
                        $crate::registers::Field::new(u32::MAX >> (32 - ($bits)), $shift);
                    $(#[$field_doc])*
                    #[allow(non_snake_case, dead_code)]
                    pub mod $field {
                        /// Every bit of the field set.
                        pub const SET: $crate::registers::FieldValue<super::Register> =
                            super::$field.val(u32::MAX);
                        /// Every bit of the field clear.
                        pub const CLEAR: $crate::registers::FieldValue<super::Register> =
                            super::$field.val(0);
                        $($(
                            $(#[$value_doc])*
                            #[allow(non_upper_case_globals)]
                            pub const $value: $crate::registers::FieldValue<super::Register> =
                                super::$field.val($number);
                        )*)?
                    }
                )*
            }
        )*
    };
}
