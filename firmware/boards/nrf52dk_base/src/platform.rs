//! What the DKs lend the benchmarks (`bench::Platform`): nRF52 peripherals and lines.
//!
//! `mmio/*` read and write TIMER1's PRESCALER, harmless while TIMER1 stays stopped; the
//! software interrupts use the SWI0/EGU0 line (Rust top half) and SWI1/EGU1 (C handler, see
//! `layout.ld` of each bin crate), both raised only by software. The host-triggered interrupt is not wired yet on
//! these boards: UARTE0 receives by EasyDMA into buffers the console `Uarte` owns, and the
//! `Platform` API has no way to hand them over, so `irq/host_*` report no samples here.

use bench::Platform;
use cortexm::interrupts::Interrupts;
use kernel::registers::{FieldValue, ReadWrite};
use nrf52::timer::{PRESCALER, timer1_prescaler};
use nrf52::uarte::Uarte;
use nrf52::{SWI0_EGU0_IRQ, SWI1_EGU1_IRQ};

/// Either DK as the benchmarks see it.
pub struct Nrf52Platform;

impl Platform for Nrf52Platform {
    type MmioRegister = PRESCALER::Register;
    type Interrupts = Interrupts;
    type Console = Uarte;

    fn mmio_register() -> &'static ReadWrite<PRESCALER::Register> {
        timer1_prescaler()
    }
    const MMIO_FIELD: FieldValue<PRESCALER::Register> = PRESCALER::PRESCALER.val(4);
    const SOFTWARE_IRQ: u32 = SWI0_EGU0_IRQ;
    const C_IRQ: u32 = SWI1_EGU1_IRQ;

    fn interrupts() -> Interrupts {
        Interrupts
    }

    fn console() -> Uarte {
        // Only called after `arm_host_trigger` returned a line, which it never does here.
        unreachable!("no host-triggered interrupt on this board")
    }

    fn arm_host_trigger() -> Option<u32> {
        None
    }

    fn acknowledge_host_trigger() {}

    fn disarm_host_trigger() {}
}
