//! CMSDK APB timer (Arm DDI 0479C §4.4), as on MPS2 TIMER0/1 at 0x4000_0000 / 0x4000_1000.
//!
//! kernel-rig does not count with it (SysTick is the counter). TIMER0 is the kernel's preemption
//! timer (`start`: an interrupt on line 8 when the count reaches zero; QEMU's `hw/arm/mps2.c`
//! wires TIMER0 at 0x4000_0000 to IRQ 8 and TIMER1 at 0x4000_1000 to IRQ 9, both clocked at the
//! 25 MHz SYSCLK), and while it is stopped its registers are real, harmless read/write device
//! registers: the `mmio/*` benchmarks modify TIMER0's CTRL. TIMER1's unused interrupt line is
//! the one the `irq/sw_*` benchmarks pend from software.

use kernel::register_bitfields;
use kernel::registers::{ReadWrite, StaticRef, Writeable};

register_bitfields![
    /// CTRL: enables.
    CTRL [
        /// Timer enable.
        ENABLE OFFSET(0) NUMBITS(1),
        /// Use EXTIN as an enable.
        EXTIN_ENABLE OFFSET(1) NUMBITS(1),
        /// Use EXTIN as the clock.
        EXTIN_CLOCK OFFSET(2) NUMBITS(1),
        /// Interrupt enable.
        INTEN OFFSET(3) NUMBITS(1) [
            /// No interrupt when the count reaches zero.
            Disabled = 0,
            /// Interrupt when the count reaches zero.
            Enabled = 1,
        ],
    ],
    /// VALUE, RELOAD: a 32-bit count.
    COUNT [
        /// The count.
        COUNT OFFSET(0) NUMBITS(32),
    ],
    /// INTSTATUS on read, INTCLEAR on write (one to clear).
    INTSTATUS [
        /// The count reached zero.
        INT OFFSET(0) NUMBITS(1),
    ],
];

/// The timer's registers.
#[repr(C)]
pub struct TimerRegisters {
    ctrl: ReadWrite<CTRL::Register>,
    value: ReadWrite<COUNT::Register>,
    reload: ReadWrite<COUNT::Register>,
    intstatus: ReadWrite<INTSTATUS::Register>,
}

const _: () = assert!(core::mem::offset_of!(TimerRegisters, reload) == 0x08);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, intstatus) == 0x0C);

/// TIMER0's register block (created in `mmio`).
pub use crate::mmio::TIMER0_BASE;
/// TIMER0's interrupt line.
pub const TIMER0_IRQ: u32 = 8;
/// TIMER1's interrupt line.
pub const TIMER1_IRQ: u32 = 9;
/// The dual timer's interrupt line.
pub const DUALTIMER_IRQ: u32 = 10;

/// One CMSDK timer.
#[derive(Clone, Copy)]
pub struct Timer {
    registers: StaticRef<TimerRegisters>,
}

impl Timer {
    /// The timer whose registers are at `base`.
    pub const fn new(base: StaticRef<TimerRegisters>) -> Self {
        Self { registers: base }
    }

    /// Stops the timer and clears its interrupt: the state the benchmarks rely on.
    pub fn stop(&self) {
        self.registers.ctrl.write(CTRL::ENABLE::CLEAR + CTRL::INTEN::Disabled);
        self.registers.intstatus.write(INTSTATUS::INT::SET);
    }

    /// Counts down from `ticks` (of PCLK: 25 MHz on MPS2), interrupting when the count reaches
    /// zero and reloading `ticks` (DDI 0479C §4.4: VALUE decrements while CTRL.ENABLE is set,
    /// INTSTATUS is set at zero and the counter reloads from RELOAD).
    pub fn start(&self, ticks: u32) {
        self.stop();
        self.registers.reload.write(COUNT::COUNT.val(ticks));
        self.registers.value.write(COUNT::COUNT.val(ticks));
        self.registers.ctrl.write(CTRL::ENABLE::SET + CTRL::INTEN::Enabled);
    }

    /// CTRL, for the `mmio/*` benchmarks: any value is harmless while ENABLE stays clear.
    pub fn control_register(&self) -> &'static ReadWrite<CTRL::Register> {
        &self.registers.as_static().ctrl
    }
}
