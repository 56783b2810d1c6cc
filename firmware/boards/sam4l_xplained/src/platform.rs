//! What this board lends the benchmarks (`bench::Platform`): SAM4L peripherals and lines.
//!
//! `mmio/*` read and write port A's IMR0 (interrupt mode), harmless while no pin interrupt is
//! enabled; the software interrupts use the lines of PDCA channels 14 (Rust top half) and 15
//! (C handler, see `layout.ld`), unused because the PDCA is. The host-triggered interrupt is
//! PDCA channel 13's line, just as unused: TRIGGER names it with source `NvicPending` and the
//! host sets its NVIC pending bit over SWD while the core runs; the NVIC clears that bit when
//! the top half is entered, so there is no device work to acknowledge. No preemption timer:
//! the SAM4L's timers interrupt on lines the kernel's top half does not serve (TC00 is NVIC
//! line 55, AST ALARM 39: SAM4L datasheet, "Interrupt Request Signal Map"), while `cortexm`'s
//! vector table and pending word cover lines 0-31. Untested on a real
//! board here (none is attached to the machine this was written on).

use bench::{HostTrigger, Platform};
use cortexm::interrupts::Interrupts;
use kernel::protocol::messages::TriggerSource;
use kernel::registers::{FieldValue, ReadWrite};
use sam4l::gpio::{PINS, port_a_interrupt_mode};
use sam4l::usart::{USART1_BASE, Usart};
use sam4l::{PDCA13_IRQ, PDCA14_IRQ, PDCA15_IRQ};

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

    const PREEMPTION_IRQ: Option<u32> = None;

    fn start_preemption_timer() {}

    fn stop_preemption_timer() {}
}
