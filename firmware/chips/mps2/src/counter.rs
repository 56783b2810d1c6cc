//! The instruction counter for QEMU: SysTick on the CPU clock under `-icount shift=7`.
//!
//! With `shift=7` every guest instruction advances virtual time by 128 ns and SysTick on the
//! 25 MHz CPU clock ticks every 40 ns: 3.2 ticks per instruction, so
//! `instructions = round(ticks × 5 / 16)`. The rounding is exact: a region of N instructions
//! reads floor or ceil of 3.2 N ticks depending on phase, which is N ± 5/16 after scaling.
//! QEMU models no DWT, so there is no cycle counter to use instead.

use cortexm::systick::{MAX_RELOAD, SysTick};
use kernel::harness::Counter;
use kernel::protocol::messages::Unit;

/// The MPS2 CPU clock QEMU models.
pub const CPU_HZ: u32 = 25_000_000;

/// SysTick as an instruction counter.
#[derive(Clone, Copy)]
pub struct InstructionCounter {
    systick: SysTick,
}

impl InstructionCounter {
    /// Starts SysTick free-running and returns the counter.
    pub fn start(systick: SysTick) -> Self {
        systick.start_free_running();
        Self { systick }
    }
}

/// Ticks to instructions, rounded to nearest: `round(ticks × 5 / 16)`.
pub const fn ticks_to_instructions(ticks: u32) -> u32 {
    (ticks * 5 + 8) / 16
}

impl Counter for InstructionCounter {
    const UNIT: Unit = Unit::Instructions;

    #[inline(always)]
    fn now(&self) -> u32 {
        self.systick.current()
    }

    #[inline(always)]
    fn elapsed(&self, start: u32, end: u32) -> u32 {
        // SysTick counts down and wraps at 24 bits.
        ticks_to_instructions(start.wrapping_sub(end) & MAX_RELOAD)
    }
}
