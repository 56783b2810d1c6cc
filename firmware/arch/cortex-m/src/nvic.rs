//! The Nested Vectored Interrupt Controller: enabling, disabling and pending interrupts.
//!
//! Used by the interrupt top half (mask a line until its bottom half ran), the kernel (unmask
//! it after), the benchmarks (software-triggered interrupts through STIR) and start-up (a
//! known state).

use kernel::interrupts::word_and_bit;
use kernel::register_bitfields;
use kernel::registers::{ReadWrite, StaticRef, WriteOnly, Writeable};

register_bitfields![
    /// One bit per interrupt, 32 interrupts per register.
    IRQ_BITS [
        /// Bit n: interrupt 32 × index + n.
        BITS OFFSET(0) NUMBITS(32),
    ],
];

register_bitfields![
    /// STIR: Software Triggered Interrupt Register (ARMv7-M ARM B3.4.3).
    STIR [
        /// The interrupt to make pending.
        INTID OFFSET(0) NUMBITS(9),
    ],
];

/// The Software Triggered Interrupt Register, at 0xE000_EF00 (write-only).
#[repr(C)]
pub struct StirRegister {
    stir: WriteOnly<STIR::Register>,
}

/// Number of 32-interrupt register words per bank (ARMv7-M allows up to 496 interrupts).
const WORDS: usize = 8;

/// NVIC registers, at 0xE000_E100.
#[repr(C)]
pub struct NvicRegisters {
    /// 0x000: NVIC_ISER, write 1 to enable.
    iser: [ReadWrite<IRQ_BITS::Register>; WORDS],
    _reserved0: [u32; 24],
    /// 0x080: NVIC_ICER, write 1 to disable.
    icer: [ReadWrite<IRQ_BITS::Register>; WORDS],
    _reserved1: [u32; 24],
    /// 0x100: NVIC_ISPR, write 1 to set pending.
    ispr: [ReadWrite<IRQ_BITS::Register>; WORDS],
    _reserved2: [u32; 24],
    /// 0x180: NVIC_ICPR, write 1 to clear pending.
    icpr: [ReadWrite<IRQ_BITS::Register>; WORDS],
}

const _: () = assert!(core::mem::offset_of!(NvicRegisters, icer) == 0x080);
const _: () = assert!(core::mem::offset_of!(NvicRegisters, ispr) == 0x100);
const _: () = assert!(core::mem::offset_of!(NvicRegisters, icpr) == 0x180);

/// The NVIC.
#[derive(Clone, Copy)]
pub struct Nvic {
    registers: StaticRef<NvicRegisters>,
    software_trigger: StaticRef<StirRegister>,
}

impl Default for Nvic {
    fn default() -> Self {
        Self::new()
    }
}

impl Nvic {
    /// The core's NVIC.
    pub const fn new() -> Self {
        Self { registers: crate::mmio::NVIC, software_trigger: crate::mmio::STIR }
    }

    /// The register word and bit of `irq` (`kernel::interrupts::word_and_bit`, tested there).
    /// The word wraps past the eighth (line 256 and up), which no chip here has (96 at most), so
    /// that no index needs a check.
    fn bit(irq: u32) -> (usize, u32) {
        let (word, bit) = word_and_bit(irq);
        (word % WORDS, bit)
    }

    /// Enables interrupt `irq`.
    pub fn enable(&self, irq: u32) {
        let (word, bit) = Self::bit(irq);
        self.registers.iser[word].set(bit);
    }

    /// Disables interrupt `irq`.
    pub fn disable(&self, irq: u32) {
        let (word, bit) = Self::bit(irq);
        self.registers.icer[word].set(bit);
    }

    /// Marks interrupt `irq` pending (a software-triggered interrupt).
    pub fn set_pending(&self, irq: u32) {
        let (word, bit) = Self::bit(irq);
        self.registers.ispr[word].set(bit);
    }

    /// Makes interrupt `irq` pending with one write to STIR (privileged code only).
    #[inline(always)]
    pub fn trigger(&self, irq: u32) {
        self.software_trigger.stir.write(STIR::INTID.val(irq));
    }

    /// Clears interrupt `irq`'s pending state.
    pub fn clear_pending(&self, irq: u32) {
        let (word, bit) = Self::bit(irq);
        self.registers.icpr[word].set(bit);
    }

    /// Disables every interrupt and clears every pending one: the state the kernel starts from.
    pub fn disable_all(&self) {
        for word in 0..WORDS {
            self.registers.icer[word].write(IRQ_BITS::BITS::SET);
            self.registers.icpr[word].write(IRQ_BITS::BITS::SET);
        }
    }
}
