//! The nRF52840 DK (PCA10056) and nRF52 DK (PCA10040, nRF52832) wiring, shared by their bin
//! crates `nrf52840dk` and `nrf52dk`.
//!
//! The two boards differ only in memory (1 MiB / 256 KiB against 512 KiB / 64 KiB), which is
//! each bin crate's `layout.ld`, and in name, which is its `Identity`. Everything else is the
//! same here: the chips share their peripherals at the same addresses, and both DKs route
//! UARTE0's P0.06 (TXD) / P0.08 (RXD) to the on-board J-Link's virtual COM port. As Tock once
//! did with `boards/nordic/nrf52dk_base`, the shared board is a library and each bin crate
//! keeps only its name, linker script and entry symbols (`main`, `panic`, `fault` here are what
//! they call).
//!
//! Bring-up order: APPROTECT is kept open first thing (newer silicon locks the probe out
//! otherwise), HFCLK is moved to the crystal, the console is UARTE0, samples are DWT CYCCNT
//! cycles; then HELLO, the UICR warning if any, and `board_support::serve`.
#![no_std]
#![forbid(unsafe_code)]

mod platform;

use board_support::Identity;
use cortexm::CortexM;
use cortexm::dwt::CycleCounter;
use cortexm::interrupts::{Interrupts, TimestampSource};
use kernel::allocator::StaticRegion;
use kernel::harness::{Counter as _, Sampler};
use kernel::protocol::messages;
use nrf52::CPU_HZ;
use nrf52::approtect::{Approtect, DebugAccess};
use nrf52::ficr::Ficr;
use nrf52::gpio::Pin;
use nrf52::uarte::{Baudrate, Uarte, UarteBuffers};

pub use platform::Nrf52Platform;

/// Console baud rate (boards/nrf52840dk.toml, boards/nrf52dk.toml: 115200 8N1, no flow control).
const BAUD: Baudrate = Baudrate::Baud115200;
/// UART lines to the interface MCU's virtual COM port (nRF52840 DK and nRF52 DK user guides,
/// "Virtual COM port"; nRF5 SDK `pca10056.h` and `pca10040.h`: TX_PIN_NUMBER 6, RX_PIN_NUMBER 8):
/// the nRF's TXD is P0.06, its RXD P0.08. RTS (P0.05) and CTS (P0.07) stay unconnected: no flow
/// control.
const UART_TX: Pin = Pin::p0(6);
/// See `UART_TX`.
const UART_RX: Pin = Pin::p0(8);

type Counter = CycleCounter;
type Platform = Nrf52Platform;

/// The UARTE's EasyDMA buffers: a static, so in Data RAM where EasyDMA can reach them.
static UART_BUFFERS: StaticRegion<UarteBuffers> = StaticRegion::new(UarteBuffers::new());
/// EasyDMA buffers for the fatal path only: the board's are owned by the `Uarte` a panic
/// interrupted. A panic inside the fatal path finds these taken and just halts.
static PANIC_UART_BUFFERS: StaticRegion<UarteBuffers> = StaticRegion::new(UarteBuffers::new());
/// EasyDMA buffers of the TX-only console TRIGGER frames go out on (`Nrf52Platform::console`,
/// called once by `bench::Fixture::new`): the command loop's `Uarte` owns `UART_BUFFERS`.
static TRIGGER_UART_BUFFERS: StaticRegion<UarteBuffers> = StaticRegion::new(UarteBuffers::new());

/// Keeps the debug port open on hardened silicon; must run before anything that can fail.
fn keep_debugger_access() -> DebugAccess {
    Approtect::new().keep_debugger_access(&Ficr::new())
}

/// HFCLK from the 32 MHz crystal, for an exact baud rate.
fn setup_clocks() {
    nrf52::clock::Clock::new().start_hfxo();
}

/// UARTE0 at 115200 8N1 on the virtual COM port pins, polled, with the DMA buffers given.
fn uarte0(buffers: &'static mut UarteBuffers) -> Uarte {
    let mut uart = Uarte::uarte0(buffers);
    uart.configure(UART_TX, UART_RX, BAUD);
    uart
}

/// The fatal path's console: UARTE0 again, on its own buffers, once.
fn fatal_console() -> Option<Uarte> {
    PANIC_UART_BUFFERS.take().map(uarte0)
}

/// DWT CYCCNT as the cycle counter, calibrated; the interrupt top half reads it too.
fn setup_counter() -> Sampler<Counter> {
    Interrupts.set_timestamp_source(TimestampSource::Dwt);
    Sampler::calibrate(CycleCounter::start().expect("DWT cycle counter"))
}

/// Brings the DK up, announces it as `identity`, and serves commands (the bin crate's
/// `rig_main`).
pub fn main(identity: &Identity) -> ! {
    let debug_access = keep_debugger_access();
    cortexm::nvic::Nvic::new().disable_all();
    setup_clocks();
    let mut uart = uarte0(UART_BUFFERS.take().expect("UART buffers taken once"));
    let sampler = setup_counter();
    messages::hello(&mut uart, &identity.hello(Counter::UNIT, CPU_HZ));
    if debug_access == (DebugAccess::SoftwareDisabled { uicr_hw_disabled: false }) {
        board_support::log(
            &mut uart,
            format_args!("UICR.APPROTECT is not HwDisabled (0x5A): the next reset locks the probe out"),
        );
    }
    board_support::serve::<Platform, _, _, _>(uart, sampler, CortexM::with_isolation())
}

/// A panic as a PANIC frame on UARTE0 (the bin crate's `#[panic_handler]`).
pub fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    board_support::fatal::panic(info, fatal_console)
}

/// A fault or unexpected exception as a PANIC frame on UARTE0 (the bin crate's `rig_fault`).
pub fn fault(pc: u32, ipsr: u32) -> ! {
    board_support::fatal::fault(pc, ipsr, fatal_console)
}
