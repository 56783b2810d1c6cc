//! What a board lends the benchmarks besides its counter and context switch.
//!
//! Board-facing API: each board names one type implementing `Platform` (QEMU:
//! `boards/qemu_mps2_an386`'s `Mps2Platform`) and uses `Fixture<Boundary, ThatType>`. Everything
//! here is static (constants, associated functions), so a board adds no state; the one value it
//! hands out, the console TRIGGER frames go to, the `Fixture` takes once and keeps.

use kernel::interrupts::InterruptController;
use kernel::protocol::ByteSink;
use kernel::protocol::messages::TriggerSource;
use kernel::registers::{FieldValue, ReadWrite, RegisterLongName};

/// The host-triggered interrupt as a board arms it: which line, and how the host raises it
/// (both go into every TRIGGER frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostTrigger {
    /// External interrupt number (0 = the first line after SysTick); its vector must be the
    /// kernel's top half.
    pub line: u32,
    /// QEMU: `UartRx` (the host sends a byte); real boards: `NvicPending` (the host sets the
    /// line's NVIC pending bit over the debug probe while the core runs).
    pub source: TriggerSource,
}

/// A board's peripherals and interrupt lines, as the benchmarks use them.
pub trait Platform: 'static {
    /// Field type of `mmio_register`.
    type MmioRegister: RegisterLongName;
    /// The interrupt controller (`cortexm::interrupts::Interrupts` on every Cortex-M board).
    type Interrupts: InterruptController;
    /// Where TRIGGER frames go (the console UART).
    type Console: ByteSink;

    /// A real device register that is harmless to read and write at any time (`mmio/*`).
    fn mmio_register() -> &'static ReadWrite<Self::MmioRegister>;
    /// The field value `mmio/*_modify` writes into it (and `mmio/raw_write_read` writes whole).
    const MMIO_FIELD: FieldValue<Self::MmioRegister>;
    /// An unused external interrupt line whose vector is the kernel's top half (`irq/sw_*`).
    const SOFTWARE_IRQ: u32;
    /// An unused line whose vector the board's linker script points at `rig_c_irq_handler`
    /// (`rig_irq_<n> = rig_c_irq_handler;`) for `irq_c/sw_to_handler`.
    const C_IRQ: u32;

    /// The interrupt controller.
    fn interrupts() -> Self::Interrupts;
    /// The console, to send TRIGGER frames on. Called once, by `Fixture::new`, after the board
    /// brought its console up (the command loop keeps the board's own handle).
    fn console() -> Self::Console;
    /// Makes the host-triggerable interrupt able to fire and says which line it is and how the
    /// host raises it; `None` when the host cannot trigger one on this board (the benchmark
    /// then reports no samples).
    fn arm_host_trigger() -> Option<HostTrigger>;
    /// The host-triggered interrupt's device work, from its bottom half (QEMU: take the byte;
    /// an NVIC-pended line has none).
    fn acknowledge_host_trigger();
    /// Undoes `arm_host_trigger`.
    fn disarm_host_trigger();

    /// The preemption timer's interrupt line (its vector the kernel's top half, which preempts
    /// the running process). Every board has one: a kernel that cannot take the processor back
    /// from a process that never yields is not the kernel measured here.
    const PREEMPTION_IRQ: u32;
    /// Starts the preemption timer: one interrupt a time slice (`PREEMPTION_SLICE_US`) from now.
    fn start_preemption_timer();
    /// The preemption timer's device work, from its bottom half: stop it, clear its interrupt.
    fn stop_preemption_timer();
}

/// The time slice the preemption timer counts, in microseconds: far longer than the kernel's
/// way into a process (a few hundred instructions), so the interrupt always finds the process
/// running, and short enough to keep a benchmark sample quick.
pub const PREEMPTION_SLICE_US: u32 = 100;
