//! What this board lends the benchmarks (`bench::Platform`): SAM4L peripherals and lines.
//!
//! `mmio/*` read and write port A's IMR0 (interrupt mode), harmless while no pin interrupt is
//! enabled; the software interrupts use the lines of PDCA channels 14 (Rust top half) and 15
//! (C handler, see `layout.ld`), unused because the PDCA is. The host-triggered interrupt is
//! PDCA channel 13's line, just as unused: TRIGGER names it with source `NvicPending` and the
//! host sets its NVIC pending bit over SWD while the core runs; the NVIC clears that bit when
//! the top half is entered, so there is no device work to acknowledge. TC0 channel 0 (NVIC
//! line 55, TC00) is the preemption timer, one-shot on TIMER_CLOCK2 (the 48 MHz APBA clock / 2,
//! clocked by `main`'s `setup_preemption_timer`). Untested on a real board here (none is
//! attached to the machine this was written on).

use bench::{HostTrigger, PREEMPTION_SLICE_US, Platform};
use cortexm::interrupts::Interrupts;
use cortexm::nvic::Nvic;
use kernel::protocol::messages::TriggerSource;
use kernel::registers::{FieldValue, ReadWrite};
use sam4l::clocks::CPU_HZ;
use sam4l::gpio::{PINS, port_a_interrupt_mode};
use sam4l::tc::{TC0_BASE, TC00_IRQ, Timer};
use sam4l::usart::{USART1_BASE, Usart};
use sam4l::{PDCA13_IRQ, PDCA14_IRQ, PDCA15_IRQ};

/// The preemption timer: TC0 channel 0.
const PREEMPTION_TIMER: Timer = Timer::new(TC0_BASE, 0);
/// TIMER_CLOCK2 ticks a second: the APBA clock, undivided from the CPU's (`sam4l::pm`), / 2.
const TIMER_CLOCK2_HZ: u32 = CPU_HZ / 2;
/// The time slice in TIMER_CLOCK2 ticks: 2400 at 48 MHz. TC0 counts 16 bits.
const PREEMPTION_TICKS: u16 = {
    let ticks = PREEMPTION_SLICE_US as u64 * TIMER_CLOCK2_HZ as u64 / 1_000_000;
    assert!(ticks >= 1 && ticks <= u16::MAX as u64, "the time slice does not fit TC0's 16-bit RC");
    ticks as u16
};

/// The SAM4L8 Xplained Pro as the benchmarks see it.
pub struct Sam4lPlatform;

impl Platform for Sam4lPlatform {
    type MmioRegister = PINS::Register;
    type Interrupts = Interrupts;
    type Console = Usart;

    fn mmio_register() -> &'static ReadWrite<PINS::Register> {
        port_a_interrupt_mode()
    }
    const MMIO_FIELD: FieldValue<PINS::Register> = PINS::PIN.val(1 << 31);
    const SOFTWARE_IRQ: u32 = PDCA14_IRQ;
    const C_IRQ: u32 = PDCA15_IRQ;

    fn interrupts() -> Interrupts {
        Interrupts
    }

    fn console() -> Usart {
        Usart::new(USART1_BASE)
    }

    fn arm_host_trigger() -> Option<HostTrigger> {
        // Nothing to arm: no device drives the line; `host_to_bottom_half` unmasks it.
        Some(HostTrigger { line: PDCA13_IRQ, source: TriggerSource::NvicPending })
    }

    fn acknowledge_host_trigger() {
        // The NVIC cleared the pending bit when the top half was entered; no device to clear.
    }

    fn disarm_host_trigger() {}

    const PREEMPTION_IRQ: u32 = TC00_IRQ;

    fn start_preemption_timer() {
        PREEMPTION_TIMER.start_one_shot(PREEMPTION_TICKS);
    }

    fn stop_preemption_timer() {
        PREEMPTION_TIMER.stop();
        // The interrupt stays asserted until SR is read, so while the top half kept the line
        // masked the NVIC latched it pending again: cleared here, or unmasking takes it a
        // second time.
        Nvic::new().clear_pending(TC00_IRQ);
    }
}
