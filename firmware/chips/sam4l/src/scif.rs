//! SCIF: the 12 MHz crystal oscillator (OSC0) and PLL0.
//!
//! Datasheet §13 "System Control Interface (SCIF)". Protected registers (OSCCTRL0, PLL0) take
//! an UNLOCK write with key 0xAA and the register's offset first. PLL0 runs its VCO at
//! f_VCO = (PLLMUL + 1) / PLLDIV × f_REF (PLLDIV > 0) and outputs f_VCO, or f_VCO / 2 when
//! PLLOPT[1] is set; PLLOPT[0] picks the VCO range, 0 = 80–180 MHz, 1 = 160–240 MHz (the
//! polarity Atmel's ASF `PLL_OPT_VCO_RANGE_HIGH` uses). For the Xplained Pro's 12 MHz crystal:
//! PLLMUL = 7, PLLDIV = 1 → f_VCO = 96 MHz (low range), divided by two → 48 MHz.

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, WriteOnly, Writeable};

use crate::UNLOCK_KEY;

register_bitfields![
    /// PCLKSR: clock status.
    PCLKSR [
        /// OSC0 is stable.
        OSC0RDY OFFSET(0) NUMBITS(1),
        /// PLL0 is locked.
        PLL0LOCK OFFSET(6) NUMBITS(1),
        /// PLL0 lost its lock.
        PLL0LOCKLOST OFFSET(7) NUMBITS(1),
    ],
    /// UNLOCK: key and offset of the protected register the next write may change.
    UNLOCK [
        /// Offset of the register to unlock.
        ADDR OFFSET(0) NUMBITS(10),
        /// Must be 0xAA.
        KEY OFFSET(24) NUMBITS(8),
    ],
    /// OSCCTRL0: oscillator 0 control.
    OSCCTRL0 [
        /// 1 = crystal on XIN0/XOUT0, 0 = external clock.
        MODE OFFSET(0) NUMBITS(1),
        /// Gain for the crystal's frequency range.
        GAIN OFFSET(1) NUMBITS(2),
        /// Automatic gain control.
        AGC OFFSET(3) NUMBITS(1),
        /// Start-up time, as an index into the datasheet's table of RCSYS cycles.
        STARTUP OFFSET(8) NUMBITS(4),
        /// Oscillator enable.
        OSCEN OFFSET(16) NUMBITS(1),
    ],
    /// PLL0: phase-locked loop control.
    PLL [
        /// PLL enable.
        PLLEN OFFSET(0) NUMBITS(1),
        /// Reference: 0 = OSC0, 1 = GCLK9.
        PLLOSC OFFSET(1) NUMBITS(2),
        /// Options: bit 0 VCO range (1 = 160–240 MHz), bit 1 divide output by 2, bit 2 WBM off.
        PLLOPT OFFSET(3) NUMBITS(3),
        /// Divider.
        PLLDIV OFFSET(8) NUMBITS(4),
        /// Multiplier minus one.
        PLLMUL OFFSET(16) NUMBITS(4),
        /// RCSYS cycles before PCLKSR.PLL0LOCK may be set.
        PLLCOUNT OFFSET(24) NUMBITS(6),
    ],
];

/// SCIF registers up to PLL0, at 0x400E_0800.
#[repr(C)]
pub struct ScifRegisters {
    _ier_to_icr: [u32; 5],
    /// 0x14: PCLKSR.
    pclksr: ReadOnly<PCLKSR::Register>,
    /// 0x18: UNLOCK.
    unlock: WriteOnly<UNLOCK::Register>,
    /// 0x1C: CSCR.
    _cscr: u32,
    /// 0x20: OSCCTRL0.
    oscctrl0: ReadWrite<OSCCTRL0::Register>,
    /// 0x24: PLL0.
    pll0: ReadWrite<PLL::Register>,
}

const _: () = assert!(core::mem::offset_of!(ScifRegisters, pclksr) == 0x14);
const _: () = assert!(core::mem::offset_of!(ScifRegisters, oscctrl0) == 0x20);
const _: () = assert!(core::mem::offset_of!(ScifRegisters, pll0) == 0x24);

use crate::mmio::SCIF_BASE;

/// OSCCTRL0.GAIN for a 12 MHz crystal: the value Zephyr's SAM4L start-up uses for this board's
/// crystal (gain grows with frequency; 4 is for 16 MHz and up, as Tock uses on imix).
const OSC0_GAIN_12MHZ: u32 = 3;
/// OSCCTRL0.STARTUP = 14: 1024 RCSYS cycles, ≈ 8.9 ms, more than the 6.1 ms ASF gives for the
/// Xplained Pro's crystal (`BOARD_OSC0_STARTUP_US`). OSC0RDY rises only after it.
const OSC0_STARTUP_1024_CYCLES: u32 = 14;

/// PLL0 settings for 48 MHz from 12 MHz (see the module docs).
const PLL0_MUL: u32 = 7;
const PLL0_DIV: u32 = 1;
/// PLLOPT: divide by 2 (bit 1), VCO range 80–180 MHz (bit 0 clear).
const PLL0_OPT_DIV2_LOW_RANGE: u32 = 0b010;

/// The System Control Interface.
pub struct Scif {
    registers: StaticRef<ScifRegisters>,
}

impl Default for Scif {
    fn default() -> Self {
        Self::new()
    }
}

impl Scif {
    /// The chip's SCIF.
    pub const fn new() -> Self {
        Self { registers: SCIF_BASE }
    }

    fn unlock(&self, offset: u32) {
        self.registers.unlock.write(UNLOCK::KEY.val(UNLOCK_KEY) + UNLOCK::ADDR.val(offset));
    }

    /// Starts OSC0 on the 12 MHz crystal and waits until it is stable.
    pub fn start_osc0_12mhz_crystal(&self) {
        self.unlock(0x20);
        self.registers.oscctrl0.write(
            OSCCTRL0::MODE::SET
                + OSCCTRL0::GAIN.val(OSC0_GAIN_12MHZ)
                + OSCCTRL0::STARTUP.val(OSC0_STARTUP_1024_CYCLES)
                + OSCCTRL0::OSCEN::SET,
        );
        while !self.registers.pclksr.is_set(PCLKSR::OSC0RDY) {}
    }

    /// Starts PLL0 at 48 MHz from OSC0 and waits for lock. OSC0 must be running.
    pub fn start_pll0_48mhz_from_osc0(&self) {
        self.unlock(0x24);
        self.registers.pll0.write(
            PLL::PLLCOUNT::SET
                + PLL::PLLMUL.val(PLL0_MUL)
                + PLL::PLLDIV.val(PLL0_DIV)
                + PLL::PLLOPT.val(PLL0_OPT_DIV2_LOW_RANGE)
                + PLL::PLLOSC.val(0)
                + PLL::PLLEN::SET,
        );
        while !self.registers.pclksr.is_set(PCLKSR::PLL0LOCK) {}
    }
}

/// PLL0's output for the constants above and a 12 MHz reference, checked at compile time.
pub const PLL0_HZ: u32 = {
    let vco = 12_000_000 / PLL0_DIV * (PLL0_MUL + 1);
    assert!(vco >= 80_000_000 && vco <= 180_000_000, "VCO outside the low range");
    vco / 2
};
const _: () = assert!(PLL0_HZ == 48_000_000);
