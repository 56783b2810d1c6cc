//! kernel-rig firmware for QEMU's mps2-an386: wiring, HELLO, then the shared command loop.
//!
//! The board only wires: `mps2` drives the UART and the counter, `cortexm` switches into
//! processes, `bench` holds what is measured, `board_support` runs the command loop and
//! formats LOG and PANIC frames.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

mod platform;

use board_support::Identity;
use cortexm::CortexM;
use cortexm::interrupts::{Interrupts, TimestampSource};
use kernel::harness::{Counter as _, Sampler};
use kernel::protocol::messages;
use mps2::counter::{CPU_HZ, InstructionCounter};
use mps2::timer::{TIMER0_BASE, Timer};
use mps2::uart::{UART0_BASE, Uart};

/// Board name (as the host's board files spell it), version, commit, toolchain.
const IDENTITY: Identity = board_support::identity!("qemu_mps2_an386");
/// Console baud rate (QEMU ignores it; hardware would not).
const BAUD: u32 = 115_200;

type Counter = InstructionCounter;
type Platform = platform::Mps2Platform;

/// UART0 at 115200 8N1, polled; the fatal path sets it up again the same way.
fn setup_uart() -> Uart {
    let uart = Uart::new(UART0_BASE);
    uart.configure(CPU_HZ, BAUD);
    uart
}

/// SysTick as the instruction counter, calibrated; the interrupt top half reads it too.
fn setup_counter() -> Sampler<Counter> {
    Interrupts.set_timestamp_source(TimestampSource::SysTick);
    Sampler::calibrate(InstructionCounter::start(cortexm::systick::SysTick::new()))
}

/// Brings the board up, announces it, and serves commands.
fn main() -> ! {
    cortexm::nvic::Nvic::new().disable_all();
    Timer::new(TIMER0_BASE).stop();
    let mut uart = setup_uart();
    let sampler = setup_counter();
    messages::hello(&mut uart, &IDENTITY.hello(Counter::UNIT, CPU_HZ));
    board_support::serve::<Platform, _, _, _>(uart, sampler, CortexM::with_isolation())
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    board_support::fatal::panic(info, || Some(setup_uart()))
}

/// The symbols `cortexm` calls at reset and on faults (see its crate docs).
#[allow(unsafe_code)]
mod exception_handlers {
    /// Called once by the reset handler after `.data` and `.bss` are initialised.
    // SAFETY: the only `rig_main` in the image, with the signature cortexm's reset calls.
    #[unsafe(no_mangle)]
    extern "C" fn rig_main() -> ! {
        super::main()
    }

    /// Called from every fault and unexpected exception, in handler mode.
    // SAFETY: the only `rig_fault` in the image, with the signature cortexm's handler calls.
    #[unsafe(no_mangle)]
    extern "C" fn rig_fault(pc: u32, ipsr: u32) -> ! {
        board_support::fatal::fault(pc, ipsr, || Some(super::setup_uart()))
    }
}
