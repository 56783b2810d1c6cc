//! What the DKs lend the benchmarks (`bench::Platform`): nRF52 peripherals and lines.
//!
//! `mmio/*` read and write TIMER1's PRESCALER, harmless while TIMER1 stays stopped; the
//! software interrupts use the SWI0/EGU0 line (Rust top half) and SWI1/EGU1 (C handler, see
//! `layout.ld` of each bin crate), both raised only by software. The host-triggered interrupt
//! is SWI2/EGU2 (line 22), just as unused: TRIGGER names it with source `NvicPending` and the
//! host sets its NVIC pending bit over SWD while the core runs. No EGU event is involved and
//! the NVIC clears the pending bit when the top half is entered, so there is nothing to
//! acknowledge or disarm. TIMER2 (line 10) is the preemption timer, one-shot at 1 MHz. Untested on a real DK here (none is attached to the machine this was
//! written on).

use bench::{HostTrigger, PREEMPTION_SLICE_US, Platform};
use cortexm::interrupts::Interrupts;
use cortexm::nvic::Nvic;
use kernel::protocol::messages::TriggerSource;
use kernel::registers::{FieldValue, ReadWrite};
use nrf52::timer::{PRESCALER, TIMER2_BASE, TIMER2_IRQ, Timer, timer1_prescaler};
use nrf52::uarte::Uarte;
use nrf52::{SWI0_EGU0_IRQ, SWI1_EGU1_IRQ, SWI2_EGU2_IRQ};

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

    /// A second, TX-only handle on UARTE0 with its own EasyDMA buffers (`TRIGGER_UART_BUFFERS`),
    /// beside the command loop's. It is not `configure`d: the board's `main` configured UARTE0
    /// (pins, baud rate, enable, receiver started) before `serve` built the `Fixture`, the one
    /// caller, and configuring again would stop the command loop's receive transfer. Sending
    /// touches only the TX registers (TXD.PTR/MAXCNT, EVENTS_ENDTX, STARTTX), never the RX DMA
    /// pointer or the receiver, and the kernel is single-threaded: each send waits for ENDTX
    /// before returning, so the two handles' transmissions never overlap and the command loop's
    /// pending one-byte RX transfer carries on undisturbed.
    fn console() -> Uarte {
        Uarte::uarte0(crate::TRIGGER_UART_BUFFERS.take().expect("trigger console taken once"))
    }

    fn arm_host_trigger() -> Option<HostTrigger> {
        // Nothing to arm: no EGU event is used; `host_to_bottom_half` unmasks the line.
        Some(HostTrigger { line: SWI2_EGU2_IRQ, source: TriggerSource::NvicPending })
    }

    fn acknowledge_host_trigger() {
        // The NVIC cleared the pending bit when the top half was entered; no event to clear.
    }

    fn disarm_host_trigger() {}

    const PREEMPTION_IRQ: u32 = TIMER2_IRQ;

    fn start_preemption_timer() {
        Timer::new(TIMER2_BASE).start_one_shot(PREEMPTION_SLICE_US);
    }

    fn stop_preemption_timer() {
        Timer::new(TIMER2_BASE).stop();
        // The interrupt stays asserted until cleared, so while the top half kept the line masked
        // the NVIC latched it pending again: cleared here, or unmasking takes it a second time.
        Nvic::new().clear_pending(TIMER2_IRQ);
    }
}
