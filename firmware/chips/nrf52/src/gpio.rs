//! GPIO port P0: just enough to give the UART its pins a defined level.
//!
//! The UARTE drives TXD and samples RXD only while enabled; PS "UARTE — Pin configuration"
//! asks for the GPIO to hold TXD as an output at 1 and RXD as an input, so the lines idle
//! correctly while the UARTE is off (before start-up, in a panic's reconfiguration).

use kernel::register_bitfields;
use kernel::registers::{ReadWrite, WriteOnly, Writeable};

register_bitfields![
    /// One bit per pin.
    PINS [
        /// Bit n: pin n.
        PIN OFFSET(0) NUMBITS(32),
    ],
    /// PIN_CNF[n]: pin configuration (PS "GPIO — General purpose input and output").
    PIN_CNF [
        /// 0 = input, 1 = output.
        DIR OFFSET(0) NUMBITS(1),
        /// 0 = input buffer connected, 1 = disconnected.
        INPUT OFFSET(1) NUMBITS(1),
        /// 0 = no pull, 1 = pull-down, 3 = pull-up.
        PULL OFFSET(2) NUMBITS(2),
        /// Drive strength; 0 = S0S1 (standard).
        DRIVE OFFSET(8) NUMBITS(3),
        /// Pin sensing; 0 = disabled.
        SENSE OFFSET(16) NUMBITS(2),
    ],
];

/// P0's registers, at 0x5000_0000: OUTSET, DIRSET and PIN_CNF.
#[repr(C)]
pub struct GpioRegisters {
    _reserved0: [u32; 322],
    /// 0x508: OUTSET.
    outset: WriteOnly<PINS::Register>,
    _reserved1: [u32; 3],
    /// 0x518: DIRSET.
    dirset: WriteOnly<PINS::Register>,
    _reserved2: [u32; 121],
    /// 0x700: PIN_CNF[0..32].
    pin_cnf: [ReadWrite<PIN_CNF::Register>; 32],
}

const _: () = assert!(core::mem::offset_of!(GpioRegisters, outset) == 0x508);
const _: () = assert!(core::mem::offset_of!(GpioRegisters, dirset) == 0x518);
const _: () = assert!(core::mem::offset_of!(GpioRegisters, pin_cnf) == 0x700);

/// Port P0's register block (the same address on nRF52832 and nRF52840), created in `mmio`.
pub use crate::mmio::P0_BASE;

/// A pin of port P0 (P0.00 … P0.31).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pin(u8);

impl Pin {
    /// P0.`number`; numbers above 31 are a bug in the board's constants.
    pub const fn p0(number: u8) -> Self {
        assert!(number < 32, "P0 has 32 pins");
        Self(number)
    }

    /// The pin's number within P0.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// Output, driven high, input buffer disconnected: a UART TXD line at idle.
    pub fn make_output_high(self) {
        let p0 = &*P0_BASE;
        p0.outset.write(PINS::PIN.val(1 << self.0));
        p0.pin_cnf[self.0 as usize].write(PIN_CNF::DIR::SET + PIN_CNF::INPUT::SET);
        p0.dirset.write(PINS::PIN.val(1 << self.0));
    }

    /// Input with pull-up: a UART RXD line that reads idle (1) when nothing drives it.
    pub fn make_input_pull_up(self) {
        P0_BASE.pin_cnf[self.0 as usize].write(PIN_CNF::DIR::CLEAR + PIN_CNF::INPUT::CLEAR + PIN_CNF::PULL.val(3));
    }
}
