//! SysTick, the 24-bit down-counter every ARMv7-M core has.
//!
//! kernel-rig uses it free-running (no interrupt) as a counter: on QEMU with `-icount` it
//! counts instructions exactly (see chips/mps2's counter). It counts DOWN from RELOAD and
//! wraps, so elapsed ticks are `(start - end) & 0xFF_FFFF`.

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, Writeable};

register_bitfields![
    /// SYST_CSR: control and status.
    CSR [
        /// Counter enabled.
        ENABLE OFFSET(0) NUMBITS(1),
        /// Exception on reaching zero.
        TICKINT OFFSET(1) NUMBITS(1),
        /// 1 = processor clock, 0 = external reference clock.
        CLKSOURCE OFFSET(2) NUMBITS(1),
        /// Counted to zero since last read.
        COUNTFLAG OFFSET(16) NUMBITS(1),
    ],
    /// SYST_RVR: reload value.
    RVR [
        /// Value loaded when the counter reaches zero.
        RELOAD OFFSET(0) NUMBITS(24),
    ],
    /// SYST_CVR: current value; any write clears it.
    CVR [
        /// Current counter value.
        CURRENT OFFSET(0) NUMBITS(24),
    ],
    /// SYST_CALIB: calibration value.
    CALIB [
        /// Reload value for 10 ms, if known.
        TENMS OFFSET(0) NUMBITS(24),
    ],
];

/// SysTick's registers, at 0xE000_E010.
#[repr(C)]
pub struct SysTickRegisters {
    csr: ReadWrite<CSR::Register>,
    rvr: ReadWrite<RVR::Register>,
    cvr: ReadWrite<CVR::Register>,
    calib: ReadOnly<CALIB::Register>,
}

const _: () = assert!(core::mem::offset_of!(SysTickRegisters, cvr) == 0x08);
const _: () = assert!(core::mem::offset_of!(SysTickRegisters, calib) == 0x0C);

/// Largest reload value: the full 24-bit range.
pub const MAX_RELOAD: u32 = 0x00FF_FFFF;

/// The SysTick timer.
#[derive(Clone, Copy)]
pub struct SysTick {
    registers: StaticRef<SysTickRegisters>,
}

impl Default for SysTick {
    fn default() -> Self {
        Self::new()
    }
}

impl SysTick {
    /// The core's SysTick.
    pub const fn new() -> Self {
        Self { registers: crate::mmio::SYSTICK }
    }

    /// Starts counting down from `MAX_RELOAD` on the processor clock, without interrupts.
    ///
    /// Returns once the counter has reloaded: a read taken right after enabling can precede
    /// the reload and return 0, which would make the first measurement wrap.
    pub fn start_free_running(&self) {
        self.registers.csr.write(CSR::ENABLE::CLEAR);
        self.registers.rvr.write(RVR::RELOAD.val(MAX_RELOAD));
        self.registers.cvr.set(0);
        self.registers.csr.write(CSR::ENABLE::SET + CSR::CLKSOURCE::SET);
        while self.current() == 0 {}
    }

    /// The current count: one volatile load, inlined so it can bracket a region tightly.
    #[inline(always)]
    pub fn current(&self) -> u32 {
        self.registers.cvr.get()
    }

    /// The reload value for 10 ms the chip reports (0 when unknown, as on QEMU).
    pub fn ten_ms_reload(&self) -> u32 {
        self.registers.calib.read(CALIB::TENMS)
    }
}
