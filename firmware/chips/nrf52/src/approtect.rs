//! APPROTECT: keeping the debugger's way in open on newer nRF52 silicon.
//!
//! From nRF52832 rev 3 (build code Gxx) and nRF52840 rev 3 (Fxx), APPROTECT has a hardware
//! and a software branch and is *on* after every reset (nRF52840 PS v1.7, chapter "APPROTECT
//! — Access port protection"; nRF Connect SDK `ap_protect.rst`): the debug port stays open only if UICR.APPROTECT is
//! HwDisabled (0x5A, programmed once by the probe after a recover) *and* the running firmware
//! writes SwDisable (0x5A) to APPROTECT.DISABLE (0x4000_0558) after each reset. Without that
//! write, the next reset locks the bench's probe out and only CTRL-AP ERASEALL (a mass erase,
//! `nrfjprog --recover` / OpenOCD `nrf52_recover`) gets it back. Older revisions have neither
//! register; `Ficr::has_hardened_approtect` tells them apart so nothing is written there.
//!
//! Never written: APPROTECT.FORCEPROTECT (0x550), which closes the port until the next reset,
//! and UICR, whose `Enabled` value locks the chip for good. The register block below does not
//! even name FORCEPROTECT as writable.

use kernel::register_bitfields;
use kernel::registers::{ReadWrite, StaticRef, Writeable};

use crate::ficr::{Ficr, UICR_APPROTECT_HW_DISABLED};

register_bitfields![
    /// APPROTECT.DISABLE (nRF52840 PS v1.7, "APPROTECT" registers, offset 0x558).
    DISABLE [
        /// 0x5A = SwDisable: open the software branch until the next reset.
        DISABLE OFFSET(0) NUMBITS(8),
    ],
];

/// APPROTECT registers from FORCEPROTECT (0x4000_0550) to DISABLE (0x4000_0558).
#[repr(C)]
pub struct ApprotectRegisters {
    /// 0x550: FORCEPROTECT. Deliberately not accessible: writing it locks the debugger out.
    _forceprotect: u32,
    _reserved0: u32,
    /// 0x558: DISABLE.
    disable: ReadWrite<DISABLE::Register>,
}

const _: () = assert!(core::mem::offset_of!(ApprotectRegisters, disable) == 0x558 - 0x550);

/// APPROTECT's registers (peripheral ID 0, shared with CLOCK and POWER), created in `mmio`.
pub use crate::mmio::APPROTECT_BASE;

/// SwDisable: the value the PS gives for APPROTECT.DISABLE.
const SW_DISABLE: u32 = 0x5A;

/// What start-up found and did, for the board to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DebugAccess {
    /// Older silicon: APPROTECT follows UICR alone; nothing written.
    Legacy,
    /// Newer silicon: SwDisable written. `uicr_hw_disabled` says whether UICR agrees; if it
    /// does not, the port is open now but the next reset closes it.
    SoftwareDisabled {
        /// UICR.APPROTECT reads HwDisabled (0x5A).
        uicr_hw_disabled: bool,
    },
}

/// The APPROTECT block.
pub struct Approtect {
    registers: StaticRef<ApprotectRegisters>,
}

impl Default for Approtect {
    fn default() -> Self {
        Self::new()
    }
}

impl Approtect {
    /// The chip's APPROTECT block.
    pub const fn new() -> Self {
        Self { registers: APPROTECT_BASE }
    }

    /// Keeps the debug port open on hardened silicon; call first thing after reset.
    pub fn keep_debugger_access(&self, ficr: &Ficr) -> DebugAccess {
        if !ficr.has_hardened_approtect() {
            return DebugAccess::Legacy;
        }
        self.registers.disable.write(DISABLE::DISABLE.val(SW_DISABLE));
        DebugAccess::SoftwareDisabled { uicr_hw_disabled: ficr.uicr_approtect() == UICR_APPROTECT_HW_DISABLED }
    }
}
