//! GPIO: handing a pin to a peripheral function (datasheet §23 "GPIO").
//!
//! Each port (A, B, C, 0x200 apart from 0x400E_1000) has GPER (1 = GPIO controls the pin,
//! 0 = the selected peripheral does) and three mux registers PMR0–2 whose bits form the
//! peripheral function number (A = 0 … H = 7) for each pin. Every register has SET/CLEAR
//! aliases at +4/+8, so one pin changes without a read-modify-write. The function letters are
//! the datasheet's "Peripheral Multiplexing on I/O lines" table (§3.2).

use kernel::register_bitfields;
use kernel::registers::{ReadWrite, StaticRef, WriteOnly, Writeable};

register_bitfields![
    /// One bit per pin of the port.
    PINS [
        /// Bit n: pin n.
        PIN OFFSET(0) NUMBITS(32),
    ],
];

/// A register with its SET, CLEAR and TOGGLE aliases.
#[repr(C)]
pub struct PinRegister {
    value: ReadWrite<PINS::Register>,
    set: WriteOnly<PINS::Register>,
    clear: WriteOnly<PINS::Register>,
    _toggle: WriteOnly<PINS::Register>,
}

/// One port's registers up to PMR2.
#[repr(C)]
pub struct PortRegisters {
    /// 0x00: GPER.
    gper: PinRegister,
    /// 0x10: PMR0.
    pmr0: PinRegister,
    /// 0x20: PMR1.
    pmr1: PinRegister,
    /// 0x30: PMR2.
    pmr2: PinRegister,
    /// 0x40..0x9C: ODER, OVR, PVR (+3 reserved), PUER, PDER, IER.
    _oder_to_ier: [u32; 24],
    /// 0xA0: IMR0, interrupt mode bit 0 (meaningless while IER is clear).
    imr0: PinRegister,
}

const _: () = assert!(core::mem::offset_of!(PortRegisters, pmr2) == 0x30);
const _: () = assert!(core::mem::offset_of!(PortRegisters, imr0) == 0xA0);

use crate::mmio::{PORT_A, PORT_B, PORT_C};

/// Peripheral functions (the datasheet's letters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Function {
    /// Function A.
    A = 0,
    /// Function B.
    B = 1,
    /// Function C.
    C = 2,
    /// Function D.
    D = 3,
}

/// A GPIO port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Port {
    /// PA00–PA31.
    A,
    /// PB00–PB31.
    B,
    /// PC00–PC31.
    C,
}

/// A pin: port and number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pin {
    port: Port,
    number: u8,
}

impl Pin {
    /// Pin `number` of `port`.
    pub const fn new(port: Port, number: u8) -> Self {
        assert!(number < 32, "a port has 32 pins");
        Self { port, number }
    }

    fn registers(self) -> StaticRef<PortRegisters> {
        match self.port {
            Port::A => PORT_A,
            Port::B => PORT_B,
            Port::C => PORT_C,
        }
    }

    /// Gives the pin to peripheral `function`.
    pub fn select_peripheral(self, function: Function) {
        let port = self.registers();
        let bit = PINS::PIN.val(1 << self.number);
        let f = function as u32;
        for (index, mux) in [&port.pmr0, &port.pmr1, &port.pmr2].into_iter().enumerate() {
            if f >> index & 1 == 1 { mux.set.write(bit) } else { mux.clear.write(bit) }
        }
        port.gper.clear.write(bit);
    }

    /// Whether the GPIO (not a peripheral) controls the pin.
    pub fn is_gpio(self) -> bool {
        use kernel::registers::Readable;
        self.registers().gper.value.get() >> self.number & 1 == 1
    }
}

/// Port A's IMR0: a real register that is harmless to read and write while no pin interrupt is
/// enabled (IER stays 0), for the `mmio/*` benchmarks.
pub fn port_a_interrupt_mode() -> &'static ReadWrite<PINS::Register> {
    &PORT_A.as_static().imr0.value
}
