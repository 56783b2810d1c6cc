//! The DWT cycle counter (CYCCNT): the counter real boards measure with.
//!
//! ARMv7-M puts a free-running 32-bit up-counter of processor clock cycles in the Data
//! Watchpoint and Trace unit (ARMv7-M ARM C1.8, DWT_CYCCNT at 0xE000_1004). It is off after
//! reset and only counts once trace is enabled in the debug block: DEMCR.TRCENA (C1.6.5),
//! then DWT_CTRL.CYCCNTENA (C1.8.7). An implementation may leave it out, which
//! DWT_CTRL.NOCYCCNT says; QEMU models no DWT at all and reads zero, which `start` catches by
//! checking that the counter moves.
//!
//! `CycleCounter` is the board's `kernel::harness::Counter` on silicon: the harness reads it
//! back to back to calibrate its cost, exactly as it does with the QEMU instruction counter.

use kernel::harness::Counter;
use kernel::protocol::messages::Unit;
use kernel::register_bitfields;
use kernel::registers::{ReadWrite, ReadWriteable, Readable, StaticRef, Writeable};

register_bitfields![
    /// DEMCR: Debug Exception and Monitor Control Register (ARMv7-M ARM C1.6.5).
    DEMCR [
        /// Global enable for the DWT and ITM units.
        TRCENA OFFSET(24) NUMBITS(1),
    ],
    /// DWT_CTRL: DWT control register (ARMv7-M ARM C1.8.7).
    DWT_CTRL [
        /// Enables CYCCNT.
        CYCCNTENA OFFSET(0) NUMBITS(1),
        /// Reads one when the implementation has no cycle counter.
        NOCYCCNT OFFSET(25) NUMBITS(1),
        /// Number of comparators.
        NUMCOMP OFFSET(28) NUMBITS(4),
    ],
    /// DWT_CYCCNT: the cycle count itself.
    DWT_CYCCNT [
        /// Processor clock cycles, wrapping at 2^32.
        CYCCNT OFFSET(0) NUMBITS(32),
    ],
];

/// The DWT registers this driver uses, at 0xE000_1000 (ARMv7-M ARM C1.8.1, table C1-21).
#[repr(C)]
pub struct DwtRegisters {
    /// 0x000: DWT_CTRL.
    ctrl: ReadWrite<DWT_CTRL::Register>,
    /// 0x004: DWT_CYCCNT.
    cyccnt: ReadWrite<DWT_CYCCNT::Register>,
}

const _: () = assert!(core::mem::offset_of!(DwtRegisters, cyccnt) == 0x04);

/// The one debug-block register this driver uses: DEMCR, at 0xE000_EDFC.
#[repr(C)]
pub struct DemcrRegister {
    demcr: ReadWrite<DEMCR::Register>,
}

/// Why the cycle counter cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DwtError {
    /// DWT_CTRL.NOCYCCNT is set: this core was built without CYCCNT.
    NotImplemented,
    /// CYCCNT stayed put after being enabled (QEMU: no DWT modelled).
    NotCounting,
}

/// DWT CYCCNT as the harness's counter, in CPU cycles.
#[derive(Clone, Copy)]
pub struct CycleCounter {
    cyccnt: StaticRef<DwtRegisters>,
}

impl CycleCounter {
    /// Enables trace and CYCCNT, zeroes it, and checks that it counts.
    pub fn start() -> Result<Self, DwtError> {
        crate::mmio::DEMCR.demcr.modify(DEMCR::TRCENA::SET);
        let dwt = crate::mmio::DWT;
        if dwt.ctrl.is_set(DWT_CTRL::NOCYCCNT) {
            return Err(DwtError::NotImplemented);
        }
        dwt.cyccnt.write(DWT_CYCCNT::CYCCNT.val(0));
        dwt.ctrl.modify(DWT_CTRL::CYCCNTENA::SET);
        let counter = Self { cyccnt: dwt };
        let first = counter.now();
        // A few instructions' worth of work between two reads: any counting CYCCNT moves.
        let mut spin = 0u32;
        for i in 0..8 {
            spin = core::hint::black_box(spin.wrapping_add(i));
        }
        if counter.now() == first { Err(DwtError::NotCounting) } else { Ok(counter) }
    }
}

impl Counter for CycleCounter {
    const UNIT: Unit = Unit::Cycles;

    #[inline(always)]
    fn now(&self) -> u32 {
        self.cyccnt.cyccnt.get()
    }

    #[inline(always)]
    fn elapsed(&self, start: u32, end: u32) -> u32 {
        // CYCCNT counts up and wraps at 32 bits: modular difference is right across one wrap
        // (67 s at 64 MHz, far beyond any measured region).
        end.wrapping_sub(start)
    }
}
