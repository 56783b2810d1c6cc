//! TIMER1's PRESCALER: a real, harmless register for the `mmio/*` benchmarks.
//!
//! TIMER1 (0x4000_9000, PS "TIMER — Timer/counter") is never started here, so its PRESCALER
//! (offset 0x510, bits 3:0) can be read and written at any time with no effect: the benchmarks
//! time a genuine peripheral-bus access without disturbing anything.

use kernel::register_bitfields;
use kernel::registers::ReadWrite;

register_bitfields![
    /// PRESCALER: f_TIMER = 16 MHz / 2^PRESCALER.
    PRESCALER [
        /// Prescaler value, 0–9.
        PRESCALER OFFSET(0) NUMBITS(4),
    ],
];

/// TIMER registers up to PRESCALER.
#[repr(C)]
pub struct TimerRegisters {
    _tasks_to_bitmode: [u32; 324],
    /// 0x510: PRESCALER.
    prescaler: ReadWrite<PRESCALER::Register>,
}

const _: () = assert!(core::mem::offset_of!(TimerRegisters, prescaler) == 0x510);

/// TIMER1's register block, created in `mmio`.
pub use crate::mmio::TIMER1_BASE;

/// TIMER1's PRESCALER register (TIMER1 stays stopped).
pub fn timer1_prescaler() -> &'static ReadWrite<PRESCALER::Register> {
    &TIMER1_BASE.as_static().prescaler
}
