//! FLASHCALW: the flash wait state and high-speed read mode 48 MHz needs.
//!
//! Table 42-30 of the datasheet ("Flash wait states") bounds the CPU clock per power scaling
//! mode: at 48 MHz the flash needs FCR.FWS = 1 *and* high-speed read mode, which only exists
//! in PS2. High-speed mode is entered with the HSEN command written to FCMD with the key 0xA5,
//! then FSR.FRDY says the controller is ready again (datasheet chapter "Flash Controller
//! (FLASHCALW)", FCMD commands table: HSEN = 0x10).
//!
//! This driver issues no other command: FCMD also erases, writes, and sets the security bit
//! (which would lock the debugger out for good), and none of those is reachable from here.

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, ReadWriteable, Readable, StaticRef, Writeable};

register_bitfields![
    /// FCR: flash control.
    FCR [
        /// Flash wait state: 0 or 1.
        FWS OFFSET(6) NUMBITS(1),
    ],
    /// FCMD: flash command.
    FCMD [
        /// Command.
        CMD OFFSET(0) NUMBITS(6),
        /// Page number (unused by HSEN).
        PAGEN OFFSET(8) NUMBITS(16),
        /// Must be 0xA5 for the command to run.
        KEY OFFSET(24) NUMBITS(8),
    ],
    /// FSR: flash status.
    FSR [
        /// Ready for a new command.
        FRDY OFFSET(0) NUMBITS(1),
        /// Last command hit a locked region.
        LOCKE OFFSET(2) NUMBITS(1),
        /// Last command was malformed.
        PROGE OFFSET(3) NUMBITS(1),
    ],
];

/// FLASHCALW registers FCR, FCMD, FSR, at 0x400A_0000.
#[repr(C)]
pub struct FlashcalwRegisters {
    /// 0x00: FCR.
    fcr: ReadWrite<FCR::Register>,
    /// 0x04: FCMD.
    fcmd: ReadWrite<FCMD::Register>,
    /// 0x08: FSR.
    fsr: ReadOnly<FSR::Register>,
}

const _: () = assert!(core::mem::offset_of!(FlashcalwRegisters, fsr) == 0x08);

use crate::mmio::FLASHCALW_BASE;

/// FCMD key.
const FCMD_KEY: u32 = 0xA5;
/// FCMD command: High Speed Mode Enable.
const CMD_HSEN: u32 = 0x10;

/// The flash controller.
pub struct Flashcalw {
    registers: StaticRef<FlashcalwRegisters>,
}

impl Default for Flashcalw {
    fn default() -> Self {
        Self::new()
    }
}

impl Flashcalw {
    /// The chip's flash controller.
    pub const fn new() -> Self {
        Self { registers: FLASHCALW_BASE }
    }

    /// One wait state: required above 24 MHz in PS2 (above 18 MHz in PS0).
    pub fn set_one_wait_state(&self) {
        self.registers.fcr.modify(FCR::FWS::SET);
    }

    /// Enters high-speed read mode (HSEN). Call in PS2, before raising the clock.
    pub fn enable_high_speed_read(&self) {
        let r = &*self.registers;
        while !r.fsr.is_set(FSR::FRDY) {}
        r.fcmd.write(FCMD::KEY.val(FCMD_KEY) + FCMD::CMD.val(CMD_HSEN));
        while !r.fsr.is_set(FSR::FRDY) {}
    }

    /// Current wait states (FCR.FWS).
    pub fn wait_states(&self) -> u32 {
        self.registers.fcr.read(FCR::FWS)
    }
}
