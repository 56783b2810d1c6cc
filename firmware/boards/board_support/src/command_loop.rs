//! The command loop every board runs after HELLO: the fault-isolation and MPU-isolation checks,
//! then PING and RUN until reset.
//!
//! One dispatch `match` (`Board::handle`); garbage bytes the decoder skipped are reported once
//! per command that follows them; every LOG is formatted into a fixed buffer.

use bench::{Fixture, Platform};
use kernel::allocator::StaticRegion;
use kernel::harness::{self, Benchmark, Counter, Sampler};
use kernel::memory_protection::FaultAccess;
use kernel::process::{ProcessFault, UserspaceKernelBoundary};
use kernel::protocol::messages;
use kernel::protocol::{ByteSink, ByteSource, Command, CommandDecoder, DecodeError};
use kernel::syscall::SyscallKind;

use core::fmt::Write as _;

use crate::fatal::MessageBuffer;

/// Most samples one RUN may ask for (protocol: repetitions 1..=1000).
const MAX_SAMPLES: usize = 1000;

static SAMPLES: StaticRegion<[u32; MAX_SAMPLES]> = StaticRegion::new([0; MAX_SAMPLES]);

/// Address and size in bytes of the buffer the last benchmark's samples stay in after its
/// RESULT frames (HELLO tells the host, which reads it back to cross-check the UART).
pub fn sample_buffer() -> (u32, u32) {
    (SAMPLES.address() as u32, (MAX_SAMPLES * 4) as u32)
}

/// Everything the command loop needs.
struct Board<U, C: Counter, B: UserspaceKernelBoundary, P: Platform> {
    uart: U,
    decoder: CommandDecoder,
    dropped_reported: u32,
    sampler: Sampler<C>,
    fixture: Fixture<B, P>,
    benchmarks: [Benchmark<C, Fixture<B, P>>; bench::COUNT],
    samples: &'static mut [u32; MAX_SAMPLES],
}

impl<U: ByteSink, C: Counter, B: UserspaceKernelBoundary, P: Platform> Board<U, C, B, P> {
    /// Answers one decoded frame.
    fn handle(&mut self, command: Result<Command, DecodeError>) {
        self.report_dropped_bytes();
        match command {
            Ok(Command::Ping) => messages::pong(&mut self.uart),
            Ok(Command::Run { selection, .. }) if selection.names_rows_past(bench::COUNT) => {
                // A selection computed from another image's table: running it would run other
                // benchmarks than the host asked for.
                log(&mut self.uart, format_args!("RUN selects rows past this image's {} benchmarks", bench::COUNT));
                messages::done(&mut self.uart, 0, 1);
            }
            Ok(Command::Run { repetitions, selection }) => {
                let (sampler, fixture) = (&self.sampler, &mut self.fixture);
                harness::run(&self.benchmarks, repetitions, &selection, sampler, fixture, self.samples, &mut self.uart);
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
pub fn log(uart: &mut impl ByteSink, text: core::fmt::Arguments<'_>) {
    let mut buffer = MessageBuffer::new();
    let _ = core::fmt::write(&mut buffer, text);
    messages::log(uart, buffer.as_str());
}

/// Runs the process that faults once and LOGs that it was stopped while the kernel went on.
fn check_fault_isolation<B: UserspaceKernelBoundary, P: Platform>(
    uart: &mut impl ByteSink,
    fixture: &mut Fixture<B, P>,
) {
    match bench::ctx::fault_check(fixture) {
        (id, Some(ProcessFault::Exception { number, pc, status })) => log(
            uart,
            format_args!(
                "process {id} faulted: exception {number} at pc {pc:#010x}, status {status:#010x}; stopped, kernel continues"
            ),
        ),
        (id, other) => log(uart, format_args!("process {id} did not fault as expected: {other:?}")),
    }
}

/// Re-entries into one isolated process the check makes (none may write the MPU).
const REENTRIES: u32 = 100;

/// LOGs the layouts the MPU refused, then proves isolation: the probe process reads its own
/// memory, then each forbidden access must stop it with a MemManage fault while the kernel goes
/// on; last, re-entering one isolated process must not write the MPU.
fn check_memory_isolation<B: UserspaceKernelBoundary, P: Platform>(
    uart: &mut impl ByteSink,
    fixture: &mut Fixture<B, P>,
) {
    for (id, error) in fixture.refused.iter().flatten() {
        log(uart, format_args!("process {id} refused at start-up (MPU): {error}"));
    }
    let report = bench::ctx::isolation_check(fixture);
    let id = report.id;
    match report.allowed {
        (address, Ok(SyscallKind::Yield)) => {
            log(uart, format_args!("isolation: process {id} read its own memory at {address:#010x}: allowed"))
        }
        (address, other) => log(
            uart,
            format_args!("isolation: process {id} could not read its own memory at {address:#010x}: {other:?}"),
        ),
    }
    for (probe, (target, outcome)) in report.forbidden {
        let what = probe.describe();
        match outcome {
            Err(ProcessFault::MemoryProtection { pc, address, access }) => log(
                uart,
                format_args!(
                    "isolation: process {id} {what} ({target:#010x}) stopped by the MPU: MemManage, {} at {}, pc {pc:#010x}; stopped, kernel continues",
                    access.name(),
                    Address(address, access),
                ),
            ),
            other => log(
                uart,
                format_args!("isolation: process {id} {what} ({target:#010x}) was NOT stopped by the MPU: {other:?}"),
            ),
        }
    }
    let writes =
        bench::ctx::reentry_reconfigurations(fixture, REENTRIES, || cortexm::mpu::Mpu::new().reconfigurations());
    log(uart, format_args!("isolation: {REENTRIES} re-entries into process 7 wrote the MPU {writes} times"));
}

/// LOGs what the boot-time preemption check saw (`bench::ctx::preemption_check`): a process
/// that never yields is preempted by the board's timer, the other process runs, then the first
/// resumes and is preempted again.
fn check_preemption<B: UserspaceKernelBoundary, P: Platform>(uart: &mut impl ByteSink, fixture: &mut Fixture<B, P>) {
    let (line, rounds) = bench::ctx::preemption_check(fixture);
    let expected = [SyscallKind::Preempted, SyscallKind::Yield, SyscallKind::Preempted];
    let mut text = MessageBuffer::new();
    let mut as_expected = true;
    for (i, ((id, outcome), want)) in rounds.iter().zip(expected).enumerate() {
        let separator = if i == 0 { "" } else { ", " };
        let _ = match outcome {
            Some(Ok(SyscallKind::Preempted)) => write!(text, "{separator}process {id} preempted"),
            Some(Ok(SyscallKind::Yield)) => write!(text, "{separator}process {id} yielded"),
            other => write!(text, "{separator}process {id}: {other:?}"),
        };
        as_expected &= *outcome == Some(Ok(want));
    }
    let verdict = if as_expected { "kernel continues" } else { "NOT as expected" };
    log(
        uart,
        format_args!(
            "preemption (timer line {line}, {} us slice): {}; {verdict}",
            bench::PREEMPTION_SLICE_US,
            text.as_str()
        ),
    );
}

/// A fault address as the LOG prints it, saying where it came from (MMFAR; for a fetch, which
/// does not set MMFAR, the stacked PC), or that the core did not record one (0).
struct Address(u32, FaultAccess);

impl core::fmt::Display for Address {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Address(0, _) => write!(f, "an address the core did not record"),
            Address(address, FaultAccess::Execute) => write!(f, "{address:#010x} (the fetch's PC)"),
            Address(address, _) => write!(f, "{address:#010x} (MMFAR)"),
        }
    }
}

/// After HELLO: builds the benchmark fixture on `boundary`, checks fault isolation, then answers
/// commands from `uart` forever. `P` (the board's `bench::Platform`) is named by the caller:
/// `board_support::serve::<Platform, _, _, _>(uart, sampler, CortexM)`.
pub fn serve<P: Platform, U: ByteSink + ByteSource, C: Counter, B: UserspaceKernelBoundary>(
    mut uart: U,
    sampler: Sampler<C>,
    boundary: B,
) -> ! {
    let mut fixture = Fixture::<B, P>::new(boundary).expect("fixture created once");
    check_fault_isolation(&mut uart, &mut fixture);
    check_memory_isolation(&mut uart, &mut fixture);
    check_preemption(&mut uart, &mut fixture);
    let mut board = Board {
        uart,
        decoder: CommandDecoder::new(),
        dropped_reported: 0,
        sampler,
        fixture,
        benchmarks: bench::all(),
        samples: SAMPLES.take().expect("samples taken once"),
    };
    loop {
        let byte = board.uart.read_byte_blocking();
        board.decoder.push(byte);
        while let Some(command) = board.decoder.poll() {
            board.handle(command);
        }
    }
}
