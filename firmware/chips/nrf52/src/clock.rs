//! CLOCK: starting the 32 MHz crystal (HFXO) the UART baud rate relies on.
//!
//! The CPU runs at 64 MHz from reset on the internal HFINT oscillator; HFCLKSTART switches the
//! high-frequency clock to the crystal, whose accuracy the UARTE needs (its BAUDRATE table is
//! computed for an exact 16 MHz peripheral clock), and which keeps the CPU clock HELLO reports
//! honest. Sequence per PS "CLOCK — Clock control", HFCLK controller: clear
//! EVENTS_HFCLKSTARTED, trigger TASKS_HFCLKSTART, wait for the event; HFCLKSTAT.SRC then reads
//! Xtal.

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, WriteOnly, Writeable};

register_bitfields![
    /// A task register: write 1 to trigger.
    TASK [
        /// Trigger.
        TRIGGER OFFSET(0) NUMBITS(1),
    ],
    /// An event register: reads 1 once generated; write 0 to clear.
    EVENT [
        /// Generated.
        GENERATED OFFSET(0) NUMBITS(1),
    ],
    /// HFCLKSTAT: which source HFCLK runs on.
    HFCLKSTAT [
        /// 0 = RC (HFINT), 1 = Xtal (HFXO).
        SRC OFFSET(0) NUMBITS(1),
        /// HFCLK running.
        STATE OFFSET(16) NUMBITS(1),
    ],
];

/// CLOCK registers, at 0x4000_0000 (up to HFCLKSTAT).
#[repr(C)]
pub struct ClockRegisters {
    /// 0x000: TASKS_HFCLKSTART.
    tasks_hfclkstart: WriteOnly<TASK::Register>,
    /// 0x004: TASKS_HFCLKSTOP.
    _tasks_hfclkstop: WriteOnly<TASK::Register>,
    _reserved0: [u32; 62],
    /// 0x100: EVENTS_HFCLKSTARTED.
    events_hfclkstarted: ReadWrite<EVENT::Register>,
    _reserved1: [u32; 194],
    /// 0x40C: HFCLKSTAT.
    hfclkstat: ReadOnly<HFCLKSTAT::Register>,
}

const _: () = assert!(core::mem::offset_of!(ClockRegisters, events_hfclkstarted) == 0x100);
const _: () = assert!(core::mem::offset_of!(ClockRegisters, hfclkstat) == 0x40C);

/// CLOCK's register block, created in `mmio`.
pub use crate::mmio::CLOCK_BASE;

/// The clock controller.
pub struct Clock {
    registers: StaticRef<ClockRegisters>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock {
    /// The chip's clock controller.
    pub const fn new() -> Self {
        Self { registers: CLOCK_BASE }
    }

    /// Starts HFXO and waits until HFCLK runs from it (a few hundred µs on the DKs).
    pub fn start_hfxo(&self) {
        let r = &*self.registers;
        r.events_hfclkstarted.write(EVENT::GENERATED::CLEAR);
        r.tasks_hfclkstart.write(TASK::TRIGGER::SET);
        while !r.events_hfclkstarted.is_set(EVENT::GENERATED) {}
        r.events_hfclkstarted.write(EVENT::GENERATED::CLEAR);
    }

    /// Whether HFCLK runs from the crystal.
    pub fn hfclk_from_crystal(&self) -> bool {
        self.registers.hfclkstat.is_set(HFCLKSTAT::SRC) && self.registers.hfclkstat.is_set(HFCLKSTAT::STATE)
    }
}
