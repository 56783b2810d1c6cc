//! The ARMv7-M Memory Protection Unit (PMSAv7): the regions that confine a process.
//!
//! Registers from the ARMv7-M Architecture Reference Manual B3.5 (MPU_TYPE 0xE000_ED90,
//! MPU_CTRL 0xE000_ED94, MPU_RNR 0xE000_ED98, MPU_RBAR 0xE000_ED9C, MPU_RASR 0xE000_EDA0) and
//! the Cortex-M4 Generic User Guide 4.5 (field tables 4-39..4-47). The kernel computes the
//! regions (`kernel::memory_protection`); this driver only writes them:
//!
//! - region 0: the process's code, read-only for both modes, executable;
//! - region 1: its stack and data, read-write for both modes, execute-never;
//! - regions 2..: disabled. MPU_CTRL.PRIVDEFENA keeps the default memory map as a background
//!   for privileged code, so the kernel sees everything while an unprivileged process sees only
//!   its two regions (and the System Control Space stays privileged, as always).
//!
//! `enter` remembers the protection domain (`kernel::process::domain`) it set the MPU up for
//! (an isolated process: its two regions, written with the RBAR.VALID form, region number in
//! RBAR, so no RNR write; every process that is not isolated: the MPU off) and skips everything
//! when it enters a process of that domain again.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::context_switch::BOUNDARY;

use kernel::memory_protection::{LayoutError, Region};
use kernel::process::{Process, Protection, domain};
use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, Writeable};

register_bitfields![
    /// MPU_TYPE: what the MPU implements.
    TYPE [
        /// 1 = separate instruction and data maps (0 on ARMv7-M: unified).
        SEPARATE OFFSET(0) NUMBITS(1),
        /// Number of data (unified) regions: 8 on the Cortex-M4, 0 without an MPU.
        DREGION OFFSET(8) NUMBITS(8),
        /// Number of instruction regions (0: unified).
        IREGION OFFSET(16) NUMBITS(8),
    ],
    /// MPU_CTRL: enable and background map.
    CTRL [
        /// The MPU is on.
        ENABLE OFFSET(0) NUMBITS(1),
        /// The MPU also applies in HardFault, NMI and FAULTMASK handlers.
        HFNMIENA OFFSET(1) NUMBITS(1),
        /// Privileged accesses outside every region use the default memory map.
        PRIVDEFENA OFFSET(2) NUMBITS(1),
    ],
    /// MPU_RNR: which region MPU_RBAR and MPU_RASR show.
    RNR [
        /// Region number.
        REGION OFFSET(0) NUMBITS(8),
    ],
    /// MPU_RBAR: region base address.
    RBAR [
        /// With VALID: the region this write selects (also written to MPU_RNR).
        REGION OFFSET(0) NUMBITS(4),
        /// 1 = REGION selects the region; 0 = MPU_RNR does.
        VALID OFFSET(4) NUMBITS(1),
        /// Base address bits 31:5 (the low bits up to the region size must be zero).
        ADDR OFFSET(5) NUMBITS(27),
    ],
    /// MPU_RASR: region size, subregions and attributes.
    RASR [
        /// The region is on.
        ENABLE OFFSET(0) NUMBITS(1),
        /// Region size = 2^(SIZE+1) bytes, 4 (32 B) .. 31 (4 GiB).
        SIZE OFFSET(1) NUMBITS(5),
        /// Subregion disable: bit n turns the n-th eighth off (regions of 256 B and more).
        SRD OFFSET(8) NUMBITS(8),
        /// Bufferable.
        B OFFSET(16) NUMBITS(1),
        /// Cacheable.
        C OFFSET(17) NUMBITS(1),
        /// Shareable.
        S OFFSET(18) NUMBITS(1),
        /// Type extension.
        TEX OFFSET(19) NUMBITS(3),
        /// Access permissions (privileged / unprivileged).
        AP OFFSET(24) NUMBITS(3) [
            /// No access for anyone.
            NoAccess = 0b000,
            /// Privileged read-write, unprivileged none.
            PrivilegedOnly = 0b001,
            /// Privileged read-write, unprivileged read-only.
            UnprivilegedReadOnly = 0b010,
            /// Read-write for both.
            FullAccess = 0b011,
            /// Read-only for both.
            ReadOnly = 0b110,
        ],
        /// Execute never: instruction fetches fault.
        XN OFFSET(28) NUMBITS(1),
    ],
];

/// MPU registers, at 0xE000_ED90.
#[repr(C)]
pub struct MpuRegisters {
    mpu_type: ReadOnly<TYPE::Register>,
    ctrl: ReadWrite<CTRL::Register>,
    rnr: ReadWrite<RNR::Register>,
    rbar: ReadWrite<RBAR::Register>,
    rasr: ReadWrite<RASR::Register>,
}

const _: () = assert!(core::mem::offset_of!(MpuRegisters, ctrl) == 0x04);
const _: () = assert!(core::mem::offset_of!(MpuRegisters, rnr) == 0x08);
const _: () = assert!(core::mem::offset_of!(MpuRegisters, rbar) == 0x0C);
const _: () = assert!(core::mem::offset_of!(MpuRegisters, rasr) == 0x10);

/// Region numbers this driver uses.
const CODE_REGION: u32 = 0;
const DATA_REGION: u32 = 1;

/// How many times `enter` wrote regions (a test of the skip on re-entry reads it).
static RECONFIGURATIONS: AtomicU32 = AtomicU32::new(0);

/// The core's MPU.
#[derive(Clone, Copy)]
pub struct Mpu {
    registers: StaticRef<MpuRegisters>,
}

impl Default for Mpu {
    fn default() -> Self {
        Self::new()
    }
}

impl Mpu {
    /// The core's MPU.
    pub const fn new() -> Self {
        Self { registers: crate::mmio::MPU }
    }

    /// Number of regions (MPU_TYPE.DREGION): 8 on a Cortex-M4 with an MPU, 0 without one.
    pub fn regions(&self) -> u32 {
        self.registers.mpu_type.read(TYPE::DREGION)
    }

    /// Sets the MPU up for `process`: its two regions and the MPU on (isolated), or the MPU off
    /// (not isolated). Nothing when it is set up for the process's domain already (the same
    /// isolated process re-entered, or any process that is not isolated after another): one
    /// load and one comparison; the rest is out of line. `Err` for a refused layout (the
    /// process must not run; nothing is changed).
    ///
    /// An isolated process's regions must not change once it has been entered
    /// (`Process::isolate` runs at start-up), or a re-entry would keep stale ones.
    #[inline(always)]
    pub fn enter<'p>(&self, process: &'p Process<'_>) -> Result<(), &'p LayoutError> {
        if BOUNDARY.entered.load(Ordering::Relaxed) == process.domain() {
            return Ok(());
        }
        set_up(process)
    }

    /// Start-up: MPU off, every region disabled, so only `configure`'s two are ever on.
    pub fn reset(&self) {
        let r = &self.registers;
        r.ctrl.write(CTRL::ENABLE::CLEAR);
        for region in 0..self.regions().min(16) {
            r.rnr.write(RNR::REGION.val(region));
            r.rasr.write(RASR::ENABLE::CLEAR);
        }
        BOUNDARY.entered.store(domain::NONE, Ordering::Relaxed);
        BOUNDARY.mpu_enabled.store(0, Ordering::Relaxed);
        crate::context_switch::memory_barrier();
    }

    /// How many times the regions were written since start-up.
    pub fn reconfigurations(&self) -> u32 {
        RECONFIGURATIONS.load(Ordering::Relaxed)
    }
}

/// Sets the MPU up for `process` (of another domain than last time): out of line, so the common
/// case (re-entry) is only `enter`'s comparison. It takes the process, not its protection, so
/// the caller computes no argument before the comparison; the error comes back by reference,
/// one register, so the caller keeps no stack slot for it.
#[inline(never)]
fn set_up<'p>(process: &'p Process<'_>) -> Result<(), &'p LayoutError> {
    match process.protection() {
        Protection::Off if BOUNDARY.mpu_enabled.load(Ordering::Relaxed) != 0 => turn_off(),
        Protection::Off => {}
        Protection::On { code, data } => configure(code, data),
        Protection::Refused(error) => return Err(error),
    }
    BOUNDARY.entered.store(process.domain(), Ordering::Relaxed);
    Ok(())
}

/// Writes an isolated process's two regions and enables the MPU (regions 2.. are disabled by
/// `reset`).
fn configure(code: &Region, data: &Region) {
    let r = &crate::mmio::MPU;
    r.rbar.write(RBAR::ADDR.val(code.base >> 5) + RBAR::VALID::SET + RBAR::REGION.val(CODE_REGION));
    r.rasr.write(
        RASR::ENABLE::SET
            + RASR::SIZE.val(code.size_field())
            + RASR::SRD.val(u32::from(code.subregions_disabled))
            + RASR::AP::ReadOnly
            + RASR::TEX.val(0)
            + RASR::C::SET
            + RASR::B::CLEAR,
    );
    r.rbar.write(RBAR::ADDR.val(data.base >> 5) + RBAR::VALID::SET + RBAR::REGION.val(DATA_REGION));
    r.rasr.write(
        RASR::ENABLE::SET
            + RASR::SIZE.val(data.size_field())
            + RASR::SRD.val(u32::from(data.subregions_disabled))
            + RASR::AP::FullAccess
            + RASR::XN::SET
            + RASR::TEX.val(0)
            + RASR::C::SET
            + RASR::B::SET
            + RASR::S::SET,
    );
    if BOUNDARY.mpu_enabled.load(Ordering::Relaxed) == 0 {
        r.ctrl.write(CTRL::ENABLE::SET + CTRL::PRIVDEFENA::SET);
        BOUNDARY.mpu_enabled.store(1, Ordering::Relaxed);
    }
    RECONFIGURATIONS.store(RECONFIGURATIONS.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    crate::context_switch::memory_barrier();
}

/// Turns the MPU off (a process that is not isolated is entered next).
fn turn_off() {
    crate::mmio::MPU.ctrl.write(CTRL::ENABLE::CLEAR);
    BOUNDARY.mpu_enabled.store(0, Ordering::Relaxed);
    crate::context_switch::memory_barrier();
}
