//! BPM, the Backup Power Manager: power scaling, which caps the clock speed.
//!
//! The SAM4L's core regulator has power scaling modes (datasheet §6.2 "Power Scaling" and the
//! "Backup Power Manager (BPM)" chapter, PMCON.PS):
//! PS0 (reset default) allows up to 36 MHz with one flash wait state, PS1 only 12 MHz, and
//! PS2 — with the flash in high-speed read mode — up to 48 MHz (datasheet table 42-30 "Flash
//! wait states": PS0 FWS=1 ≤ 36 MHz, PS2 FWS=1 ≤ 48 MHz). So 48 MHz needs PS2: PS0 is *not*
//! enough above 36 MHz. The change is requested with PMCON.PSCREQ after an unlocked write;
//! PSCM = 1 keeps the CPU running during the change (as Atmel's ASF does) and SR.PSOK says when
//! the new mode is in force.

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, WriteOnly, Writeable};

use crate::UNLOCK_KEY;

register_bitfields![
    /// SR: status.
    SR [
        /// Power scaling mode change done (the regulator is in the requested mode).
        PSOK OFFSET(0) NUMBITS(1),
        /// Access error: a protected register was written without an unlock.
        AE OFFSET(31) NUMBITS(1),
    ],
    /// UNLOCK: key and offset of the protected register the next write may change.
    UNLOCK [
        /// Offset of the register to unlock.
        ADDR OFFSET(0) NUMBITS(10),
        /// Must be 0xAA.
        KEY OFFSET(24) NUMBITS(8),
    ],
    /// PMCON: power mode control.
    PMCON [
        /// Power scaling configuration: 0 = PS0, 1 = PS1, 2 = PS2.
        PS OFFSET(0) NUMBITS(2),
        /// Power scaling change request.
        PSCREQ OFFSET(2) NUMBITS(1),
        /// Power scaling change mode: 1 = without halting the CPU.
        PSCM OFFSET(3) NUMBITS(1),
    ],
];

/// BPM registers up to PMCON, at 0x400F_0000.
#[repr(C)]
pub struct BpmRegisters {
    _ier_to_icr: [u32; 5],
    /// 0x14: SR.
    sr: ReadOnly<SR::Register>,
    /// 0x18: UNLOCK.
    unlock: WriteOnly<UNLOCK::Register>,
    /// 0x1C: PMCON.
    pmcon: ReadWrite<PMCON::Register>,
}

const _: () = assert!(core::mem::offset_of!(BpmRegisters, sr) == 0x14);
const _: () = assert!(core::mem::offset_of!(BpmRegisters, pmcon) == 0x1C);

use crate::mmio::BPM_BASE;

/// Power scaling modes (PMCON.PS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum PowerScaling {
    /// Reset default: up to 36 MHz.
    Ps0 = 0,
    /// Low power: up to 12 MHz, no PLL/DFLL/flash programming.
    Ps1 = 1,
    /// High performance: up to 48 MHz, flash in high-speed read mode.
    Ps2 = 2,
}

/// The Backup Power Manager.
pub struct Bpm {
    registers: StaticRef<BpmRegisters>,
}

impl Default for Bpm {
    fn default() -> Self {
        Self::new()
    }
}

impl Bpm {
    /// The chip's BPM.
    pub const fn new() -> Self {
        Self { registers: BPM_BASE }
    }

    /// Switches to `mode` and waits until the regulator reports it (SR.PSOK).
    pub fn set_power_scaling(&self, mode: PowerScaling) {
        let r = &*self.registers;
        // A change may only be requested once the previous one is done.
        while !r.sr.is_set(SR::PSOK) {}
        let pmcon = (PMCON::PS.val(mode as u32) + PMCON::PSCM::SET + PMCON::PSCREQ::SET).modify(r.pmcon.get());
        r.unlock.write(UNLOCK::KEY.val(UNLOCK_KEY) + UNLOCK::ADDR.val(0x1C));
        r.pmcon.set(pmcon);
        while !r.sr.is_set(SR::PSOK) {}
    }

    /// The mode in force.
    pub fn power_scaling(&self) -> u32 {
        self.registers.pmcon.read(PMCON::PS)
    }
}
