//! The System Control Block: core identification and fault status.
//!
//! Only fault status (and enabling the MemManage exception) is exposed: a fault report wants the CFSR, HFSR and fault addresses (and
//! clears them once reported), and the kernel has no reason to move the vector table or change
//! exception priorities at run time.

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, ReadWriteable, Readable, StaticRef, Writeable};

register_bitfields![
    /// CPUID base register.
    CPUID [
        /// Revision (the p in rNpM).
        REVISION OFFSET(0) NUMBITS(4),
        /// Part number (0xC24 = Cortex-M4).
        PARTNO OFFSET(4) NUMBITS(12),
        /// Variant (the N in rNpM).
        VARIANT OFFSET(20) NUMBITS(4),
        /// Implementer (0x41 = Arm).
        IMPLEMENTER OFFSET(24) NUMBITS(8),
    ],
    /// HardFault status register.
    HFSR [
        /// Fault escalated from a configurable fault.
        FORCED OFFSET(30) NUMBITS(1),
        /// Bus fault on a vector table read.
        VECTTBL OFFSET(1) NUMBITS(1),
    ],
    /// SHCSR: system handler control and state.
    SHCSR [
        /// MemManage exception enabled (else a MemManage fault escalates to HardFault).
        MEMFAULTENA OFFSET(16) NUMBITS(1),
        /// BusFault exception enabled.
        BUSFAULTENA OFFSET(17) NUMBITS(1),
        /// UsageFault exception enabled.
        USGFAULTENA OFFSET(18) NUMBITS(1),
    ],
    /// A register read as a whole word.
    WORD [
        /// All bits.
        VALUE OFFSET(0) NUMBITS(32),
    ],
];

/// SCB registers, at 0xE000_ED00 (up to BFAR).
#[repr(C)]
pub struct ScbRegisters {
    cpuid: ReadOnly<CPUID::Register>,
    _icsr_to_shpr3: [ReadWrite<WORD::Register>; 8],
    /// 0x24: system handler control and state.
    shcsr: ReadWrite<SHCSR::Register>,
    /// 0x28: configurable fault status (MMFSR, BFSR, UFSR).
    cfsr: ReadWrite<WORD::Register>,
    hfsr: ReadWrite<HFSR::Register>,
    _dfsr: ReadWrite<WORD::Register>,
    mmfar: ReadWrite<WORD::Register>,
    bfar: ReadWrite<WORD::Register>,
}

const _: () = assert!(core::mem::offset_of!(ScbRegisters, shcsr) == 0x24);
const _: () = assert!(core::mem::offset_of!(ScbRegisters, cfsr) == 0x28);
const _: () = assert!(core::mem::offset_of!(ScbRegisters, bfar) == 0x38);

/// The System Control Block.
#[derive(Clone, Copy)]
pub struct Scb {
    registers: StaticRef<ScbRegisters>,
}

impl Default for Scb {
    fn default() -> Self {
        Self::new()
    }
}

impl Scb {
    /// The core's SCB.
    pub const fn new() -> Self {
        Self { registers: crate::mmio::SCB }
    }

    /// The part number from CPUID (0xC24 on a Cortex-M4).
    pub fn part_number(&self) -> u32 {
        self.registers.cpuid.read(CPUID::PARTNO)
    }

    /// Gives MemManage faults their own exception (4) instead of HardFault, so the kernel can
    /// tell an MPU violation from other faults.
    pub fn enable_memory_management_fault(&self) {
        self.registers.shcsr.modify(SHCSR::MEMFAULTENA::SET);
    }

    /// Configurable Fault Status Register.
    pub fn cfsr(&self) -> u32 {
        self.registers.cfsr.get()
    }

    /// The CFSR and HFSR of a fault that has been handled, cleared (they are write-one-to-clear
    /// and sticky): the CFSR, with HFSR.FORCED in bit 30's place when it was set.
    pub fn take_fault_status(&self) -> u32 {
        let cfsr = self.registers.cfsr.get();
        let forced = self.registers.hfsr.is_set(HFSR::FORCED);
        self.registers.cfsr.set(cfsr);
        self.registers.hfsr.write(HFSR::FORCED::SET);
        cfsr | if forced { 1 << 30 } else { 0 }
    }

    /// Whether the last HardFault was escalated from a configurable fault.
    pub fn hard_fault_forced(&self) -> bool {
        self.registers.hfsr.is_set(HFSR::FORCED)
    }

    /// MemManage and BusFault addresses (meaningful only when the CFSR says so).
    pub fn fault_addresses(&self) -> (u32, u32) {
        (self.registers.mmfar.get(), self.registers.bfar.get())
    }
}
