//! Counters and the `Sampler` that reads one tightly around a measured region.
//!
//! A board supplies the `Counter` (DWT CYCCNT on silicon, SysTick instruction counting on
//! QEMU) including the conversion from raw readings to its unit. The `Sampler` calibrates the
//! counter's own cost once: an empty region measured several times, the minimum kept.

use core::hint::black_box;
use core::sync::atomic::{Ordering, compiler_fence};

use crate::protocol::messages::Unit;

/// A free-running counter, read twice around a region.
pub trait Counter {
    /// Unit of `elapsed`, announced in HELLO.
    const UNIT: Unit;

    /// The raw reading. Implementations must be `#[inline(always)]` and a single load, so the
    /// measured region is only what the benchmark put between two reads.
    fn now(&self) -> u32;

    /// Counts between two readings, in `UNIT` (handles wrap and any scaling).
    fn elapsed(&self, start: u32, end: u32) -> u32;
}

/// Empty regions measured for calibration.
pub const CALIBRATION_ROUNDS: usize = 16;

/// Measures regions with a counter whose read overhead has been calibrated.
pub struct Sampler<C: Counter> {
    counter: C,
    overhead: u32,
}

impl<C: Counter> Sampler<C> {
    /// Calibrates `counter`: the minimum of `CALIBRATION_ROUNDS` empty regions.
    pub fn calibrate(counter: C) -> Self {
        let mut sampler = Self { counter, overhead: 0 };
        let mut overhead = u32::MAX;
        for _ in 0..CALIBRATION_ROUNDS {
            overhead = overhead.min(sampler.measure(|| ()).0);
        }
        sampler.overhead = overhead;
        sampler
    }

    /// The counter's own cost in an empty region, subtracted from net samples.
    pub fn overhead(&self) -> u32 {
        self.overhead
    }

    /// The counter, for regions that do not fit one closure (an interrupt handler's reading).
    #[inline(always)]
    pub fn counter(&self) -> &C {
        &self.counter
    }

    /// Raw count (overhead not subtracted) for one run of `region`, and its result.
    ///
    /// The compiler fences keep the region's memory accesses between the two reads; `black_box`
    /// on the result, after the second read, keeps the work from being thrown away. Neither
    /// costs an instruction inside the region.
    #[inline(always)]
    pub fn measure<R>(&self, region: impl FnOnce() -> R) -> (u32, R) {
        let start = self.counter.now();
        compiler_fence(Ordering::SeqCst);
        let result = region();
        compiler_fence(Ordering::SeqCst);
        let end = self.counter.now();
        (self.counter.elapsed(start, end), black_box(result))
    }
}

#[cfg(test)]
mod tests {
    use super::{Counter, Sampler};
    use crate::protocol::messages::Unit;
    use core::cell::Cell;

    /// Counts down by a scripted step per read, like SysTick.
    pub(crate) struct ScriptedCounter {
        pub value: Cell<u32>,
        pub steps: Cell<u32>,
    }

    impl Counter for ScriptedCounter {
        const UNIT: Unit = Unit::Cycles;
        fn now(&self) -> u32 {
            let v = self.value.get();
            self.steps.set(self.steps.get() + 1);
            // Alternate between 5 and 3 down-counts so the minimum matters.
            self.value.set(v.wrapping_sub(if self.steps.get().is_multiple_of(3) { 3 } else { 5 }));
            v
        }
        fn elapsed(&self, start: u32, end: u32) -> u32 {
            start.wrapping_sub(end)
        }
    }

    #[test]
    fn calibration_keeps_the_minimum_empty_region() {
        let c = ScriptedCounter { value: Cell::new(1000), steps: Cell::new(0) };
        let s = Sampler::calibrate(c);
        assert_eq!(s.overhead(), 3);
    }
}
