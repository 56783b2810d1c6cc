//! The interrupt top half and the kernel's view of it (`kernel::interrupts`).
//!
//! Every external interrupt enters `exception_handlers::irq_handler`, which reads the counter
//! first thing and calls `top_half`: it stores that timestamp, marks the line pending and masks
//! it in the NVIC, nothing more, so the device's interrupt cannot fire again before its bottom
//! half has run. `Interrupts` hands pending lines to the kernel loop and unmasks them after.
//! The state is atomics (a timestamp per line, a pending bit per line in `kernel`'s
//! `PendingLines`), shared between handler and kernel without locks.
//!
//! Lines: `WORDS` words of 32, so 0-95, the most any chip here has (SAM4L: 80, its timers TC00
//! on 55 and AST ALARM on 39; nRF52840: 48; nRF52832: 39; mps2-an386: 32). The vector table
//! gives every word's lines their own instance of the handler, `irq_handler::<WORD>`, whose top
//! half `top_half::<WORD>` knows the word as a constant: the line within it is (IPSR - 16)
//! mod 32. So a top half of the first word is the very instructions it was when there was one
//! word, one of a later word has one more (the address of its timestamp). The kernel loop looks at the first word inline and at
//! the others only when it is empty (`PendingLines::take_lowest`). The price is flash (a
//! vector per line, a handler and a top half per word) and 4 bytes of RAM per line.

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use kernel::interrupts::{Interrupt, InterruptController, LINES_PER_WORD, PendingLines};

use crate::nvic::Nvic;

/// Words of 32 external lines the kernel serves: lines 0 to `IRQS - 1`.
pub const WORDS: usize = 3;
/// External interrupts given a vector and a top half.
pub const IRQS: usize = PendingLines::<WORDS>::LINES;

/// Address of SYST_CVR, SysTick's current value (ARMv7-M ARM B3.3.2).
const SYSTICK_CURRENT_VALUE: usize = 0xE000_E018;
/// Address of DWT_CYCCNT (ARMv7-M ARM C1.8.1).
const DWT_CYCLE_COUNT: usize = 0xE000_1004;

/// The counter register the top half reads; `irq_handler` loads through it.
pub(crate) static TIMESTAMP_ADDRESS: AtomicUsize = AtomicUsize::new(SYSTICK_CURRENT_VALUE);
/// One bit per line whose top half ran and whose bottom half has not.
static PENDING: PendingLines<WORDS> = PendingLines::new();
/// The counter as each line's top half read it.
static TIMESTAMPS: [AtomicU32; IRQS] = [const { AtomicU32::new(0) }; IRQS];

/// The counter the top half timestamps with: the board's `harness::Counter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampSource {
    /// SysTick's current value (the QEMU instruction counter).
    SysTick,
    /// DWT CYCCNT (real boards).
    Dwt,
}

/// Called by `irq_handler::<WORD>` with the counter it read and IPSR: records and masks the
/// line. The vector table sends only lines `32 × WORD` to `32 × WORD + 31` here, so the line
/// is the word's first plus (IPSR - 16) mod 32: the word's NVIC register and pending word are
/// constants, and no index needs a check at run time.
pub(crate) extern "C" fn top_half<const WORD: usize>(timestamp: u32, ipsr: u32) {
    const { assert!(WORD < WORDS) };
    let line = WORD as u32 * LINES_PER_WORD + ipsr.wrapping_sub(16) % LINES_PER_WORD;
    Nvic::new().disable(line);
    TIMESTAMPS[line as usize].store(timestamp, Ordering::Relaxed);
    PENDING.mark(line);
}

/// The NVIC and the top half's records, as the kernel's `InterruptController`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Interrupts;

impl Interrupts {
    /// Makes the top half timestamp with `source`.
    pub fn set_timestamp_source(&self, source: TimestampSource) {
        let address = match source {
            TimestampSource::SysTick => SYSTICK_CURRENT_VALUE,
            TimestampSource::Dwt => DWT_CYCLE_COUNT,
        };
        TIMESTAMP_ADDRESS.store(address, Ordering::Relaxed);
    }
}

impl InterruptController for Interrupts {
    fn enable(&self, line: u32) {
        Nvic::new().enable(line);
    }

    fn disable(&self, line: u32) {
        Nvic::new().disable(line);
    }

    #[inline]
    fn trigger(&self, line: u32) {
        Nvic::new().trigger(line);
    }

    #[inline]
    fn next_pending(&self) -> Option<Interrupt> {
        let line = PENDING.take_lowest()?;
        Some(Interrupt { line, timestamp: TIMESTAMPS[line as usize].load(Ordering::Relaxed) })
    }

    fn timestamp_address(&self) -> usize {
        TIMESTAMP_ADDRESS.load(Ordering::Relaxed)
    }
}
