//! TIMER (PS "TIMER — Timer/counter"): TIMER1's PRESCALER for the `mmio/*` benchmarks, and
//! TIMER2 as the kernel's preemption timer.
//!
//! TIMER1 (0x4000_9000) is never started here, so its PRESCALER (offset 0x510, bits 3:0) can be
//! read and written at any time with no effect: the benchmarks time a genuine peripheral-bus
//! access without disturbing anything. TIMER2 (0x4000_A000, peripheral ID 10, so NVIC line 10;
//! the same on nRF52832 and nRF52840) counts the time slice: `Timer::start_one_shot`.
//!
//! Register offsets, from the nRF52832 and nRF52840 product specifications' TIMER register
//! tables: TASKS_START 0x000, TASKS_STOP 0x004, TASKS_CLEAR 0x00C, EVENTS_COMPARE[0..5] 0x140,
//! SHORTS 0x200 (bit 0 COMPARE0_CLEAR, bit 8 COMPARE0_STOP), INTENSET 0x304 / INTENCLR 0x308
//! (bit 16 COMPARE0), MODE 0x504 (0 = Timer), BITMODE 0x508 (3 = 32 bit), PRESCALER 0x510
//! (f = 16 MHz / 2^PRESCALER), CC[0..5] 0x540. TIMER0-2 have four CC registers, TIMER3-4 six.

use kernel::register_bitfields;
use kernel::registers::{ReadWrite, Readable, StaticRef, Writeable};

register_bitfields![
    /// PRESCALER: f_TIMER = 16 MHz / 2^PRESCALER.
    PRESCALER [
        /// Prescaler value, 0–9.
        PRESCALER OFFSET(0) NUMBITS(4),
    ],
    /// TASKS_*: write 1 to trigger; EVENTS_*: 1 when the event happened, write 0 to clear.
    TASK [
        /// Trigger / generated.
        SET OFFSET(0) NUMBITS(1),
    ],
    /// SHORTS: what a COMPARE[0] event does by itself.
    SHORTS [
        /// COMPARE[0] clears the counter.
        COMPARE0_CLEAR OFFSET(0) NUMBITS(1),
        /// COMPARE[0] stops the timer.
        COMPARE0_STOP OFFSET(8) NUMBITS(1),
    ],
    /// INTENSET / INTENCLR: write 1 to enable / disable.
    INTEN [
        /// COMPARE[0]'s interrupt.
        COMPARE0 OFFSET(16) NUMBITS(1),
    ],
    /// MODE.
    MODE [
        /// 0 = Timer, 1 = Counter.
        MODE OFFSET(0) NUMBITS(2) [
            /// Counts PRESCALER-divided 16 MHz ticks.
            Timer = 0,
        ],
    ],
    /// BITMODE.
    BITMODE [
        /// Counter width.
        BITMODE OFFSET(0) NUMBITS(2) [
            /// 32 bit.
            Bit32 = 3,
        ],
    ],
    /// CC[n]: the compare value.
    CC [
        /// Compare value.
        CC OFFSET(0) NUMBITS(32),
    ],
];

/// TIMER registers up to CC[3].
#[repr(C)]
pub struct TimerRegisters {
    tasks_start: ReadWrite<TASK::Register>,
    tasks_stop: ReadWrite<TASK::Register>,
    _tasks_count: u32,
    tasks_clear: ReadWrite<TASK::Register>,
    _reserved0: [u32; 76],
    events_compare0: ReadWrite<TASK::Register>,
    _reserved1: [u32; 47],
    shorts: ReadWrite<SHORTS::Register>,
    _reserved2: [u32; 64],
    intenset: ReadWrite<INTEN::Register>,
    intenclr: ReadWrite<INTEN::Register>,
    _reserved3: [u32; 126],
    mode: ReadWrite<MODE::Register>,
    bitmode: ReadWrite<BITMODE::Register>,
    _reserved4: u32,
    /// 0x510: PRESCALER.
    prescaler: ReadWrite<PRESCALER::Register>,
    _reserved5: [u32; 11],
    cc0: ReadWrite<CC::Register>,
}

const _: () = assert!(core::mem::offset_of!(TimerRegisters, tasks_clear) == 0x00C);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, events_compare0) == 0x140);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, shorts) == 0x200);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, intenset) == 0x304);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, intenclr) == 0x308);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, mode) == 0x504);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, bitmode) == 0x508);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, prescaler) == 0x510);
const _: () = assert!(core::mem::offset_of!(TimerRegisters, cc0) == 0x540);

/// TIMER1's and TIMER2's register blocks, created in `mmio`.
pub use crate::mmio::{TIMER1_BASE, TIMER2_BASE};
/// TIMER2's NVIC line (its peripheral ID).
pub const TIMER2_IRQ: u32 = 10;

/// TIMER1's PRESCALER register (TIMER1 stays stopped).
pub fn timer1_prescaler() -> &'static ReadWrite<PRESCALER::Register> {
    &TIMER1_BASE.as_static().prescaler
}

/// One TIMER, driven as a one-shot microsecond timer.
#[derive(Clone, Copy)]
pub struct Timer {
    registers: StaticRef<TimerRegisters>,
}

impl Timer {
    /// The timer whose registers are at `base`.
    pub const fn new(base: StaticRef<TimerRegisters>) -> Self {
        Self { registers: base }
    }

    /// One COMPARE[0] interrupt `microseconds` from now (1 MHz: PRESCALER 4), after which the
    /// timer stops by itself (SHORTS COMPARE0_STOP).
    pub fn start_one_shot(&self, microseconds: u32) {
        let r = self.registers.as_static();
        self.stop();
        r.mode.write(MODE::MODE::Timer);
        r.bitmode.write(BITMODE::BITMODE::Bit32);
        r.prescaler.write(PRESCALER::PRESCALER.val(4));
        r.tasks_clear.write(TASK::SET::SET);
        r.cc0.write(CC::CC.val(microseconds));
        r.shorts.write(SHORTS::COMPARE0_CLEAR::SET + SHORTS::COMPARE0_STOP::SET);
        r.intenset.write(INTEN::COMPARE0::SET);
        r.tasks_start.write(TASK::SET::SET);
    }

    /// Stops the timer, clears COMPARE[0] and disables its interrupt. The event register is
    /// read back so the clearing write has reached the peripheral before the NVIC line is
    /// unmasked (else the interrupt fires again at once: PS "Peripheral interface", events).
    pub fn stop(&self) {
        let r = self.registers.as_static();
        r.tasks_stop.write(TASK::SET::SET);
        r.intenclr.write(INTEN::COMPARE0::SET);
        r.events_compare0.set(0);
        let _ = r.events_compare0.get();
    }
}
