//! Interrupts, split in two: a top half that records, a bottom half the kernel loop runs.
//!
//! Why: an interrupt handler runs in the middle of whatever the kernel was doing, so in Tock
//! it does as little as possible (note the interrupt, mask its line) and the real work, the
//! bottom half, runs later from the kernel loop, where it is ordinary code with no concurrency
//! to reason about. The architecture's top half implements `InterruptController`; the
//! kernel's side is `service_pending`, one step of the kernel loop. `PendingLines` is the
//! bookkeeping between the two: one bit per line, in as many 32-line words as the chip needs.

mod pending_lines;

pub use pending_lines::{LINES_PER_WORD, PendingLines, word_and_bit};

/// An interrupt whose top half has run and whose bottom half is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interrupt {
    /// External interrupt line (NVIC number).
    pub line: u32,
    /// The counter as the top half read it, first thing.
    pub timestamp: u32,
}

/// What the kernel needs from the interrupt hardware and its top half.
pub trait InterruptController {
    /// Lets `line` interrupt.
    fn enable(&self, line: u32);
    /// Stops `line` from interrupting.
    fn disable(&self, line: u32);
    /// Raises `line` from software.
    fn trigger(&self, line: u32);
    /// The next interrupt whose top half ran (its line left masked), lowest line first.
    fn next_pending(&self) -> Option<Interrupt>;
    /// Address of the counter register the top half reads (for the C baseline's handler).
    fn timestamp_address(&self) -> usize;
}

/// The kernel loop's bottom-half step: hands every pending interrupt to `bottom_half`, then
/// unmasks its line; returns how many ran.
#[inline]
pub fn service_pending(controller: &impl InterruptController, mut bottom_half: impl FnMut(Interrupt)) -> u32 {
    let mut served = 0;
    while let Some(interrupt) = controller.next_pending() {
        bottom_half(interrupt);
        controller.enable(interrupt.line);
        served += 1;
    }
    served
}

#[cfg(test)]
mod tests {
    use super::{Interrupt, InterruptController, PendingLines, service_pending};
    use core::cell::Cell;

    /// A controller over 96 lines (three words, as `cortexm` keeps them).
    #[derive(Default)]
    struct Recorded {
        pending: PendingLines<3>,
        enabled: Cell<u128>,
    }

    impl InterruptController for Recorded {
        fn enable(&self, line: u32) {
            self.enabled.set(self.enabled.get() | 1 << line);
        }
        fn disable(&self, line: u32) {
            self.enabled.set(self.enabled.get() & !(1 << line));
        }
        fn trigger(&self, line: u32) {
            // The top half: record, mask.
            self.pending.mark(line);
            self.disable(line);
        }
        fn next_pending(&self) -> Option<Interrupt> {
            let line = self.pending.take_lowest()?;
            Some(Interrupt { line, timestamp: 100 + line })
        }
        fn timestamp_address(&self) -> usize {
            0
        }
    }

    #[test]
    fn bottom_halves_run_lowest_line_first_and_unmask_their_line() {
        let c = Recorded::default();
        c.enable(3);
        c.enable(9);
        c.trigger(9);
        c.trigger(3);
        assert_eq!(c.enabled.get(), 0);
        let mut seen = Vec::new();
        assert_eq!(service_pending(&c, |i| seen.push((i.line, i.timestamp))), 2);
        assert_eq!(seen, [(3, 103), (9, 109)]);
        assert_eq!(c.enabled.get(), 1 << 3 | 1 << 9);
        assert_eq!(service_pending(&c, |_| unreachable!()), 0);
    }

    #[test]
    fn lines_past_the_first_word_reach_their_bottom_half() {
        // SAM4L: TC00 is line 55, AST ALARM 39; PDCA13 is 14.
        let c = Recorded::default();
        for line in [55, 39, 14] {
            c.enable(line);
            c.trigger(line);
        }
        assert_eq!(c.enabled.get(), 0);
        let mut seen = Vec::new();
        assert_eq!(service_pending(&c, |i| seen.push((i.line, i.timestamp))), 3);
        assert_eq!(seen, [(14, 114), (39, 139), (55, 155)]);
        assert_eq!(c.enabled.get(), 1 << 14 | 1 << 39 | 1 << 55);
    }
}
