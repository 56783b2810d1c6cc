//! Factory information (FICR) and the UICR word APPROTECT: read-only chip facts.
//!
//! Two things are read. FICR.INFO.PART (PS "FICR", register INFO.PART at 0x100) names the chip (0x52832,
//! 0x52840). And the two FICR words at 0x130/0x134 that Nordic's own start-up code
//! (MDK `nrf52_erratas.h`, `nrf52_configuration_249`) uses to tell silicon revisions apart:
//! part code 0x06 = nRF52832, 0x08 = nRF52840, then a revision code. "Configuration 249" is
//! the hardened access-port protection of the newer revisions (nRF52832 build code Gxx,
//! revision code ≥ 7; nRF52840 build code Fxx, revision code ≥ 5), on which APPROTECT comes
//! back at every reset unless firmware opens it (see `approtect`).

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, Readable, StaticRef};

register_bitfields![
    /// A whole 32-bit word.
    WORD [
        /// All bits.
        VALUE OFFSET(0) NUMBITS(32),
    ],
    /// UICR.APPROTECT (nRF52840 PS v1.7, "UICR", offset 0x208).
    UICR_APPROTECT [
        /// 0x00 Enabled, 0x5A HwDisabled (newer revisions), 0xFF Disabled (erased; older ones).
        PALL OFFSET(0) NUMBITS(8),
    ],
];

/// FICR from INFO.PART (offset 0x100) to the revision word (0x134).
#[repr(C)]
pub struct FicrRegisters {
    /// 0x100: INFO.PART, e.g. 0x0005_2840.
    info_part: ReadOnly<WORD::Register>,
    /// 0x104: INFO.VARIANT, four ASCII characters such as "AAF0".
    info_variant: ReadOnly<WORD::Register>,
    _reserved0: [u32; 10],
    /// 0x130: part code as the MDK errata checks read it.
    errata_part: ReadOnly<WORD::Register>,
    /// 0x134: revision code as the MDK errata checks read it.
    errata_revision: ReadOnly<WORD::Register>,
}

const _: () = assert!(core::mem::offset_of!(FicrRegisters, errata_part) == 0x130 - 0x100);
const _: () = assert!(core::mem::offset_of!(FicrRegisters, errata_revision) == 0x134 - 0x100);

/// UICR from APPROTECT (offset 0x208).
#[repr(C)]
pub struct UicrRegisters {
    /// 0x208: APPROTECT.
    approtect: ReadOnly<UICR_APPROTECT::Register>,
}

/// UICR.APPROTECT.PALL value that lets the debugger in on revisions with hardened APPROTECT.
pub const UICR_APPROTECT_HW_DISABLED: u32 = 0x5A;

/// The factory information block.
#[derive(Clone, Copy)]
pub struct Ficr {
    ficr: StaticRef<FicrRegisters>,
    uicr: StaticRef<UicrRegisters>,
}

impl Default for Ficr {
    fn default() -> Self {
        Self::new()
    }
}

impl Ficr {
    /// This chip's FICR (and UICR.APPROTECT).
    pub const fn new() -> Self {
        Self { ficr: crate::mmio::FICR, uicr: crate::mmio::UICR }
    }

    /// INFO.PART: 0x52832 or 0x52840.
    pub fn part(&self) -> u32 {
        self.ficr.info_part.get()
    }

    /// INFO.VARIANT as its four ASCII bytes (e.g. `*b"AAF0"`).
    pub fn variant(&self) -> [u8; 4] {
        self.ficr.info_variant.get().to_be_bytes()
    }

    /// Whether this silicon re-enables APPROTECT at every reset (MDK configuration 249).
    pub fn has_hardened_approtect(&self) -> bool {
        let revision = self.ficr.errata_revision.get();
        match self.ficr.errata_part.get() {
            0x06 => revision >= 0x07, // nRF52832 rev 3
            0x08 => revision >= 0x05, // nRF52840 rev 3
            _ => false,               // older parts leave 0xFFFF_FFFF here
        }
    }

    /// UICR.APPROTECT.PALL as programmed (0x5A = HwDisabled).
    pub fn uicr_approtect(&self) -> u32 {
        self.uicr.approtect.read(UICR_APPROTECT::PALL)
    }
}
