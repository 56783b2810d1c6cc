//! kernel-rig firmware for the SAM4L8 Xplained Pro: wiring, HELLO, then the shared command loop.
//!
//! Reads like the QEMU board's `main.rs`, which it mirrors. What differs is the hardware: the
//! chip boots at 115 kHz and is brought to 48 MHz first (power scaling PS2, one flash wait
//! state, high-speed flash, PLL0 from the 12 MHz crystal), the console is USART1 on the pins
//! the board routes to the EDBG's virtual COM port, and samples are DWT CYCCNT cycles.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

mod platform;

use board_support::Identity;
use cortexm::CortexM;
use cortexm::dwt::CycleCounter;
use cortexm::interrupts::{Interrupts, TimestampSource};
use kernel::harness::{Counter as _, Sampler};
use kernel::protocol::messages;
use sam4l::clocks::CPU_HZ;
use sam4l::gpio::{Function, Pin, Port};
use sam4l::pm::{PbaClock, PbaDividedClock, Pm};
use sam4l::usart::{USART1_BASE, Usart};

/// Board name (as the host's board file boards/sam4l_xplained.toml spells it), version, commit,
/// toolchain.
const IDENTITY: Identity = board_support::identity!("sam4l_xplained");
/// Console baud rate (boards/sam4l_xplained.toml: 115200 8N1, no flow control).
const BAUD: u32 = 115_200;
/// The EDBG virtual COM port is wired to USART1: RXD on PC26, TXD on PC27, both peripheral
/// function A (Atmel ASF `sam4l_xplained_pro.h`, "USART connections to GPIO for Virtual Com
/// Port"; NuttX's sam4l-xplained `board.h` agrees).
const UART_RX: Pin = Pin::new(Port::C, 26);
/// See `UART_RX`.
const UART_TX: Pin = Pin::new(Port::C, 27);
/// Function A of PC26/PC27 is USART1 (datasheet §3.2, multiplexing table).
const UART_FUNCTION: Function = Function::A;

type Counter = CycleCounter;
type Platform = platform::Sam4lPlatform;

/// 48 MHz from the 12 MHz crystal (see `sam4l::clocks` for the order and why).
fn setup_clocks() {
    sam4l::clocks::start_48mhz();
}

/// USART1 at 115200 8N1 on the virtual COM port pins, polled. The fatal path sets it up again
/// the same way (clock, pins, mode); its baud divider assumes 48 MHz, so a panic before
/// `setup_clocks` finished sends at the wrong rate.
fn setup_uart() -> Usart {
    Pm::new().enable_pba_clock(PbaClock::Usart1);
    UART_RX.select_peripheral(UART_FUNCTION);
    UART_TX.select_peripheral(UART_FUNCTION);
    let uart = Usart::new(USART1_BASE);
    uart.configure(CPU_HZ, BAUD);
    uart
}

/// Clocks TC0, the preemption timer (`platform::Sam4lPlatform`): its APBA clock and the
/// divided clock it counts, TIMER_CLOCK2 (see `sam4l::tc`).
fn setup_preemption_timer() {
    let pm = Pm::new();
    pm.enable_pba_clock(PbaClock::Tc0);
    pm.enable_pba_divided_clock(PbaDividedClock::TimerClock2);
}

/// DWT CYCCNT as the cycle counter, calibrated; the interrupt top half reads it too.
fn setup_counter() -> Sampler<Counter> {
    Interrupts.set_timestamp_source(TimestampSource::Dwt);
    Sampler::calibrate(CycleCounter::start().expect("DWT cycle counter"))
}

/// Brings the board up, announces it, and serves commands.
fn main() -> ! {
    cortexm::nvic::Nvic::new().disable_all();
    setup_clocks();
    let mut uart = setup_uart();
    setup_preemption_timer();
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
