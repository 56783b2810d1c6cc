//! The interrupt top half and the kernel's view of it (`kernel::interrupts`).
//!
//! Every external interrupt enters `exception_handlers::irq_handler`, which reads the counter
//! first thing and calls `top_half`: it stores that timestamp, marks the line pending and masks
//! it in the NVIC, nothing more, so the device's interrupt cannot fire again before its bottom
//! half has run. `Interrupts` hands pending lines to the kernel loop and unmasks them after.
//! The state is three atomics per line group, shared between handler and kernel without locks.

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use kernel::interrupts::{Interrupt, InterruptController};

use crate::exception_handlers::IRQS;
use crate::nvic::Nvic;

/// Address of SYST_CVR, SysTick's current value (ARMv7-M ARM B3.3.2).
const SYSTICK_CURRENT_VALUE: usize = 0xE000_E018;
/// Address of DWT_CYCCNT (ARMv7-M ARM C1.8.1).
const DWT_CYCLE_COUNT: usize = 0xE000_1004;

/// The counter register the top half reads; `irq_handler` loads through it.
pub(crate) static TIMESTAMP_ADDRESS: AtomicUsize = AtomicUsize::new(SYSTICK_CURRENT_VALUE);
/// One bit per line whose top half ran and whose bottom half has not.
static PENDING: AtomicU32 = AtomicU32::new(0);
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

/// Called by `irq_handler` with the counter it read and IPSR: records and masks the line.
pub(crate) extern "C" fn top_half(timestamp: u32, ipsr: u32) {
    let line = ipsr.wrapping_sub(16) % IRQS as u32;
    Nvic::new().disable(line);
    TIMESTAMPS[line as usize].store(timestamp, Ordering::Relaxed);
    PENDING.fetch_or(1 << line, Ordering::Release);
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
        let pending = PENDING.load(Ordering::Acquire);
        if pending == 0 {
            return None;
        }
        let line = pending.trailing_zeros();
        PENDING.fetch_and(!(1 << line), Ordering::Relaxed);
        Some(Interrupt { line, timestamp: TIMESTAMPS[line as usize].load(Ordering::Relaxed) })
    }

    fn timestamp_address(&self) -> usize {
        TIMESTAMP_ADDRESS.load(Ordering::Relaxed)
    }
}
