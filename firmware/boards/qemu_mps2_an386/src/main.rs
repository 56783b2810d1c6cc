//! kernel-rig firmware for QEMU's mps2-an386: wiring, HELLO, then the command loop.
//!
//! Reads top to bottom: constants and type aliases, the board struct and its one dispatch
//! `match`, the setup helpers, `start()`, `main()`. The board only wires: the kernel decodes
//! commands and runs benchmarks, `mps2` drives the UART and the counter, `cortexm` switches
//! into processes, `bench` holds what is measured.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

mod io;

use bench::Fixture;
use cortexm::CortexM;
use kernel::allocator::StaticRegion;
use kernel::harness::{self, Benchmark, Counter as _, Sampler};
use kernel::protocol::messages::{self, Hello};
use kernel::protocol::{Command, CommandDecoder, DecodeError};
use mps2::counter::{CPU_HZ, InstructionCounter};
use mps2::uart::{UART0_BASE, Uart};

/// Board name, as the host's board files spell it.
const BOARD: &str = "qemu_mps2_an386";
/// Console baud rate (QEMU ignores it; hardware would not).
const BAUD: u32 = 115_200;
/// Source commit, from the build (`RIG_COMMIT`), or "unknown".
const COMMIT: &str = match option_env!("RIG_COMMIT") {
    Some(commit) => commit,
    None => "unknown",
};
/// Most samples one RUN may ask for (protocol: repetitions 1..=1000).
const MAX_SAMPLES: usize = 1000;

type Counter = InstructionCounter;
type Boundary = CortexM;

static SAMPLES: StaticRegion<[u32; MAX_SAMPLES]> = StaticRegion::new([0; MAX_SAMPLES]);

/// Everything the command loop needs.
struct Board {
    uart: Uart,
    decoder: CommandDecoder,
    dropped_reported: u32,
    sampler: Sampler<Counter>,
    fixture: Fixture<Boundary>,
    benchmarks: [Benchmark<Counter, Fixture<Boundary>>; bench::COUNT],
    samples: &'static mut [u32; MAX_SAMPLES],
}

impl Board {
    /// Answers one decoded frame.
    fn handle(&mut self, command: Result<Command, DecodeError>) {
        self.report_dropped_bytes();
        match command {
            Ok(Command::Ping) => messages::pong(&mut self.uart),
            Ok(Command::Run { repetitions, filter }) => {
                let (sampler, fixture) = (&self.sampler, &mut self.fixture);
                harness::run(&self.benchmarks, repetitions, &filter, sampler, fixture, self.samples, &mut self.uart);
            }
            Err(DecodeError::UnknownType(kind)) => log(&mut self.uart, format_args!("ignored frame type {kind:#04x}")),
            Err(DecodeError::BadPayload(kind)) => {
                log(&mut self.uart, format_args!("bad payload in frame type {kind:#04x}"))
            }
        }
    }

    /// The protocol counts garbage bytes; say so once per command that follows some.
    fn report_dropped_bytes(&mut self) {
        let dropped = self.decoder.dropped();
        if dropped != self.dropped_reported {
            let new = dropped.wrapping_sub(self.dropped_reported);
            self.dropped_reported = dropped;
            log(&mut self.uart, format_args!("skipped {new} garbage bytes"));
        }
    }
}

/// Sends a LOG frame formatted into a fixed buffer.
fn log(uart: &mut Uart, text: core::fmt::Arguments<'_>) {
    let mut buffer = io::MessageBuffer::new();
    let _ = core::fmt::write(&mut buffer, text);
    messages::log(uart, buffer.as_str());
}

/// UART0 at 115200 8N1, polled.
fn setup_uart() -> Uart {
    let uart = Uart::new(UART0_BASE);
    uart.configure(CPU_HZ, BAUD);
    uart
}

/// SysTick as the instruction counter, calibrated.
fn setup_counter() -> Sampler<Counter> {
    Sampler::calibrate(InstructionCounter::start(cortexm::systick::SysTick::new()))
}

/// Brings the board up and announces it.
fn start() -> Board {
    cortexm::nvic::Nvic::new().disable_all();
    let mut uart = setup_uart();
    let sampler = setup_counter();
    let hello = Hello {
        unit: Counter::UNIT,
        cpu_hz: CPU_HZ,
        firmware_version: env!("CARGO_PKG_VERSION"),
        board: BOARD,
        commit: COMMIT,
        toolchain: env!("RIG_TOOLCHAIN"),
    };
    messages::hello(&mut uart, &hello);
    Board {
        uart,
        decoder: CommandDecoder::new(),
        dropped_reported: 0,
        sampler,
        fixture: Fixture::new(CortexM).expect("fixture created once"),
        benchmarks: bench::all(),
        samples: SAMPLES.take().expect("samples taken once"),
    }
}

fn main() -> ! {
    let mut board = start();
    loop {
        let byte = board.uart.read_byte_blocking();
        board.decoder.push(byte);
        while let Some(command) = board.decoder.poll() {
            board.handle(command);
        }
    }
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
        super::io::fault(pc, ipsr)
    }
}
