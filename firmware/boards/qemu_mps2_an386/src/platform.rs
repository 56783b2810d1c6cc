//! What this board lends the benchmarks (`bench::Platform`): MPS2 peripherals and lines.
//!
//! `mmio/*` change TIMER0's CTRL.INTEN while TIMER0 is stopped (harmless); the software
//! interrupts use the unused TIMER1 line (Rust top half) and dual-timer line (C handler, see
//! `layout.ld`); the host triggers UART0's RX interrupt by sending a byte (TRIGGER source
//! `UartRx`, line `UART0_RX_IRQ`). TIMER0 (line 8) is the preemption timer; the `mmio/*`
//! benchmarks touch its CTRL only while it is stopped.

use bench::{HostTrigger, PREEMPTION_SLICE_US, Platform};
use cortexm::interrupts::Interrupts;
use cortexm::nvic::Nvic;
use kernel::protocol::messages::TriggerSource;
use kernel::registers::{FieldValue, ReadWrite};
use mps2::counter::CPU_HZ;
use mps2::timer::{CTRL, DUALTIMER_IRQ, TIMER0_BASE, TIMER0_IRQ, TIMER1_IRQ, Timer};
use mps2::uart::{UART0_BASE, UART0_RX_IRQ, Uart};

/// The mps2-an386 as the benchmarks see it.
pub struct Mps2Platform;

impl Platform for Mps2Platform {
    type MmioRegister = CTRL::Register;
    type Interrupts = Interrupts;
    type Console = Uart;

    fn mmio_register() -> &'static ReadWrite<CTRL::Register> {
        Timer::new(TIMER0_BASE).control_register()
    }
    const MMIO_FIELD: FieldValue<CTRL::Register> = CTRL::INTEN::Enabled;
    const SOFTWARE_IRQ: u32 = TIMER1_IRQ;
    const C_IRQ: u32 = DUALTIMER_IRQ;

    fn interrupts() -> Interrupts {
        Interrupts
    }

    fn console() -> Uart {
        Uart::new(UART0_BASE)
    }

    fn arm_host_trigger() -> Option<HostTrigger> {
        Uart::new(UART0_BASE).enable_receive_interrupt();
        Some(HostTrigger { line: UART0_RX_IRQ, source: TriggerSource::UartRx })
    }

    fn acknowledge_host_trigger() {
        let _ = Uart::new(UART0_BASE).acknowledge_receive();
    }

    fn disarm_host_trigger() {
        Uart::new(UART0_BASE).disable_receive_interrupt();
    }

    const PREEMPTION_IRQ: u32 = TIMER0_IRQ;

    fn start_preemption_timer() {
        // TIMER0 counts the same 25 MHz SYSCLK the CPU runs on (QEMU's mps2.c).
        Timer::new(TIMER0_BASE).start(PREEMPTION_SLICE_US * (CPU_HZ / 1_000_000));
    }

    fn stop_preemption_timer() {
        Timer::new(TIMER0_BASE).stop();
        // The interrupt stays asserted until cleared, so while the top half kept the line masked
        // the NVIC latched it pending again: cleared here, or unmasking takes it a second time.
        Nvic::new().clear_pending(TIMER0_IRQ);
    }
}
