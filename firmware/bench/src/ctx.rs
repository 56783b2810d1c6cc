//! `syscall/null`, `ctx/*`: crossing between kernel and processes.
//!
//! Processes cannot read the counter (the System Control Space is privileged), so the kernel
//! measures every crossing from its side, through `kernel::process::step`: deliver a due
//! upcall, switch in, run until the next syscall (or fault), carry it out.
//!
//! - `syscall/null`: kernel → process → null syscall → kernel; the process resumes after its
//!   `svc` on the next sample and loops straight back to it.
//! - `ctx/process_switch`: the scheduler picks the other one of two yielding processes, which
//!   runs from its last `yield` to its next: one process → process switch.
//! - `ctx/upcall`: the round trip of an upcall: queue it, rewrite the yielded process's frame,
//!   switch in, the (empty) upcall function runs and returns into the process's `yield` loop,
//!   which yields again, back to the kernel.
//! - `ctx/fault_recovery`: switch into a process that makes a privileged access, the fault
//!   handler returns to the kernel, the process is marked faulted. Restarted between samples.
//! - `ctx/preempt`: a process spins without yielding; the board's preemption timer interrupts
//!   it. From the top half's counter read (the interrupt handler's third instruction) to the
//!   kernel's read after: the handler takes the processor back to the kernel, `step` returns
//!   `SyscallKind::Preempted`, the scheduler picks the other process (a yielding one, MPU off, as in
//!   `ctx/process_switch`), switch, it runs to its next `yield`. The timer's bottom half (stop
//!   it, clear its interrupt) runs after the region.
//! - `syscall/null_mpu`, `ctx/process_switch_mpu`: the first two with isolated processes. The
//!   null syscall re-enters the same process, so the MPU is left as it is (only the check that
//!   it holds this process's regions is added); the switch alternates between two processes,
//!   so every sample rewrites the MPU's two regions.
//!
//! - `syscall_c/null`, `ctx_c/process_switch`: the first two with the kernel's step (and the
//!   round-robin choice) written in C (`baseline_c`'s kernel.c), on the same process code,
//!   the same memory layout and the same asm crossing; the MPU stays off, as in the Rust rows.
//!
//! `isolation_check` is the boot-time proof that the MPU confines a process: a probe process
//! reads its own memory (allowed), then tries each forbidden access in turn.

use baseline_c::c_baseline::{COutcome, c_outcome};
use core::sync::atomic::{Ordering, compiler_fence};

use kernel::harness::{Counter, Sampler};
use kernel::interrupts::{InterruptController, service_pending};
use kernel::process::{Process, ProcessFault, UserspaceKernelBoundary, step};
use kernel::syscall::SyscallKind;
use kernel::syscall::number;

use crate::{Fixture, Platform, apps};

/// One null-syscall round trip.
pub fn null<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, null_app, .. } = fixture;
    match sampler.measure(|| step(boundary, null_app)) {
        (count, Ok(SyscallKind::Null)) => Some(count),
        (_, other) => panic!("null app: expected a null syscall, got {other:?}"),
    }
}

/// One null-syscall round trip into an isolated process (MPU already holding its regions).
pub fn null_mpu<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, null_mpu_app, .. } = fixture;
    step(boundary, null_mpu_app).ok()?; // the MPU holds its regions before the sample
    match sampler.measure(|| step(boundary, null_mpu_app)) {
        (count, Ok(SyscallKind::Null)) => Some(count),
        (_, other) => panic!("isolated null app: expected a null syscall, got {other:?}"),
    }
}

/// One scheduler decision and switch to the other isolated yielding process: the MPU is
/// reconfigured on every sample.
pub fn process_switch_mpu<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, pair_mpu, scheduler_mpu, .. } = fixture;
    pair_mpu.iter_mut().for_each(|process| until_yielded(boundary, process));
    let (count, outcome) = sampler.measure(|| {
        let next = scheduler_mpu.next(pair_mpu)?;
        Some(step(boundary, &mut pair_mpu[next]))
    });
    match outcome {
        Some(Ok(SyscallKind::Yield)) => Some(count),
        other => panic!("isolated yield apps: expected a yield, got {other:?}"),
    }
}

/// One scheduler decision and switch to the other yielding process.
pub fn process_switch<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, pair, scheduler, .. } = fixture;
    // Both must have yielded once: a first entry starts at the top of the app, not after `svc`.
    pair.iter_mut().for_each(|process| until_yielded(boundary, process));
    let (count, outcome) = sampler.measure(|| {
        let next = scheduler.next(pair)?;
        Some(step(boundary, &mut pair[next]))
    });
    match outcome {
        Some(Ok(SyscallKind::Yield)) => Some(count),
        other => panic!("yield apps: expected a yield, got {other:?}"),
    }
}

/// `syscall/null` through the C kernel path: the same process code, the kernel's step in C.
pub fn null_c<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { c_null_app, .. } = fixture;
    match sampler.measure(|| c_null_app.step()) {
        (count, COutcome { kind: c_outcome::SYSCALL, number: number::NULL, .. }) => Some(count),
        (_, other) => panic!("C null app: expected a null syscall, got {other:?}"),
    }
}

/// `ctx/process_switch` through the C kernel path: C's round-robin choice and step.
pub fn process_switch_c<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { c_pair, .. } = fixture;
    for process in c_pair.processes_mut() {
        if let Err(outcome) = process.until_yielded() {
            panic!("C yield app: stopped during set-up: {outcome:?}");
        }
    }
    match sampler.measure(|| c_pair.run_next()) {
        (count, COutcome { kind: c_outcome::SYSCALL, number: number::YIELD, .. }) => Some(count),
        (_, other) => panic!("C yield apps: expected a yield, got {other:?}"),
    }
}

/// Runs `process` until it yields (outside any region): it subscribes or allows first.
pub(crate) fn until_yielded<B: UserspaceKernelBoundary>(boundary: &B, process: &mut Process<'_>) {
    while process.state() != kernel::process::State::Yielded {
        if let Err(fault) = step(boundary, process) {
            panic!("process {} faulted during set-up: {fault:?}", process.id());
        }
    }
}

/// One upcall delivered and returned from.
pub fn upcall<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, upcall_app, .. } = fixture;
    until_yielded(boundary, upcall_app);
    let (count, outcome) = sampler.measure(|| {
        upcall_app.schedule_upcall([1, 2, 3]);
        step(boundary, upcall_app)
    });
    match outcome {
        Ok(SyscallKind::Yield) => Some(count),
        other => panic!("upcall app: expected a yield, got {other:?}"),
    }
}

/// One process fault caught and the process stopped.
pub fn fault_recovery<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, fault_app, .. } = fixture;
    fault_app.restart(apps::fault_app::<B>);
    match sampler.measure(|| step(boundary, fault_app)) {
        (count, Err(ProcessFault::Exception { .. })) => Some(count),
        (_, other) => panic!("fault app: expected a fault, got {other:?}"),
    }
}

/// One preemption: the timer interrupts the spinning process, the kernel switches to the other.
pub fn preempt<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let line = P::PREEMPTION_IRQ;
    let Fixture { boundary, preempt_pair, scheduler_preempt, .. } = fixture;
    let (counter, interrupts) = (sampler.counter(), P::interrupts());
    until_yielded(boundary, &mut preempt_pair[1]);
    // The spinner (0) first: the round robin may be anywhere in its turn (the boot check ran).
    let mut spinner = scheduler_preempt.next(preempt_pair)?;
    if spinner != 0 {
        spinner = scheduler_preempt.next(preempt_pair)?;
    }
    interrupts.enable(line);
    P::start_preemption_timer();
    let spun = step(boundary, &mut preempt_pair[spinner]);
    let switched = scheduler_preempt.next(preempt_pair).map(|next| step(boundary, &mut preempt_pair[next]));
    compiler_fence(Ordering::SeqCst);
    let end = counter.now();
    let start = preemption_bottom_half::<P>(line);
    match (spun, switched, start) {
        (Ok(SyscallKind::Preempted), Some(Ok(SyscallKind::Yield)), Some(start)) => Some(counter.elapsed(start, end)),
        other => panic!(
            "preempt: expected the spinner preempted, the other process yielding and the timer's interrupt, got {other:?}"
        ),
    }
}

/// `ctx/preempt` through the C kernel path: the timer interrupts the spinning process (15), C's
/// step sees the preemption and leaves it ready, C's round robin switches to 16. The same region
/// as `ctx/preempt`: from the top half's counter read to the kernel's read after the switch.
pub fn preempt_c<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let line = P::PREEMPTION_IRQ;
    let Fixture { c_preempt_pair, .. } = fixture;
    let (counter, interrupts) = (sampler.counter(), P::interrupts());
    if let Err(outcome) = c_preempt_pair.processes_mut()[1].until_yielded() {
        panic!("C preemption partner: stopped during set-up: {outcome:?}");
    }
    // Each sample takes two turns, so the round robin starts every sample at the spinner (0).
    interrupts.enable(line);
    P::start_preemption_timer();
    let spun = c_preempt_pair.run_next();
    let switched = c_preempt_pair.run_next();
    compiler_fence(Ordering::SeqCst);
    let end = counter.now();
    let start = preemption_bottom_half::<P>(line);
    match (spun.kind, (switched.kind, switched.number), start) {
        (c_outcome::PREEMPTED, (c_outcome::SYSCALL, number::YIELD), Some(start)) => Some(counter.elapsed(start, end)),
        other => panic!(
            "preempt_c: expected the spinner preempted, the other process yielding and the timer's interrupt, got {other:?}"
        ),
    }
}

/// Stops the preemption timer, then runs the pending bottom halves: returns the timer's top-half
/// timestamp if its interrupt came (its line is unmasked again, then masked: only `ctx/preempt`
/// and the boot check let it interrupt).
fn preemption_bottom_half<P: Platform>(line: u32) -> Option<u32> {
    let interrupts = P::interrupts();
    P::stop_preemption_timer();
    let mut timestamp = None;
    service_pending(&interrupts, |interrupt| {
        if interrupt.line == line && timestamp.is_none() {
            timestamp = Some(interrupt.timestamp);
        }
    });
    interrupts.disable(line);
    timestamp
}

/// Scheduler rounds the preemption check runs: spinner, partner, spinner again (resumed where
/// the timer stopped it).
pub const PREEMPTION_ROUNDS: usize = 3;

/// One scheduler round of the preemption check: the process chosen and how its step ended.
pub type PreemptionRound = (u32, Option<Result<SyscallKind, ProcessFault>>);

/// The boot-time preemption check: the preemption line and per scheduler round the process
/// chosen and how its step ended. Each round starts the time slice, steps the chosen process,
/// then stops the timer and runs the bottom half, as a kernel loop would.
pub fn preemption_check<B: UserspaceKernelBoundary, P: Platform>(
    fixture: &mut Fixture<B, P>,
) -> (u32, [PreemptionRound; PREEMPTION_ROUNDS]) {
    let line = P::PREEMPTION_IRQ;
    let Fixture { boundary, preempt_pair, scheduler_preempt, .. } = fixture;
    until_yielded(boundary, &mut preempt_pair[1]);
    P::interrupts().enable(line);
    let rounds = [(); PREEMPTION_ROUNDS].map(|()| {
        let Some(next) = scheduler_preempt.next(preempt_pair) else {
            return (u32::MAX, None);
        };
        P::interrupts().enable(line);
        P::start_preemption_timer();
        let outcome = step(boundary, &mut preempt_pair[next]);
        preemption_bottom_half::<P>(line);
        (preempt_pair[next].id(), Some(outcome))
    });
    (line, rounds)
}

/// Runs the fault app once and returns what stopped it: the boot-time check a board reports.
pub fn fault_check<B: UserspaceKernelBoundary, P: Platform>(
    fixture: &mut Fixture<B, P>,
) -> (u32, Option<ProcessFault>) {
    let Fixture { boundary, fault_app, .. } = fixture;
    fault_app.restart(apps::fault_app::<B>);
    (fault_app.id(), step(boundary, fault_app).err())
}

/// A forbidden access the isolation check tries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// Read another process's stack and data.
    ReadOtherProcess,
    /// Write the kernel's memory.
    WriteKernel,
    /// Execute from its own stack and data.
    ExecuteOwnData,
    /// Read its own grant area (the kernel's, on its behalf).
    ReadOwnGrants,
}

impl Probe {
    /// Every forbidden access, in the order the check tries them.
    pub const ALL: [Probe; 4] =
        [Probe::ReadOtherProcess, Probe::WriteKernel, Probe::ExecuteOwnData, Probe::ReadOwnGrants];

    /// How the LOG names it.
    pub const fn describe(self) -> &'static str {
        match self {
            Probe::ReadOtherProcess => "read of another process's memory",
            Probe::WriteKernel => "write to kernel memory",
            Probe::ExecuteOwnData => "execute from its own stack/data",
            Probe::ReadOwnGrants => "read of its own grant area",
        }
    }
}

/// What one probe run ended in: the address it was given and how the process stopped (or that
/// it was not stopped: `Ok`).
pub type ProbeOutcome = (u32, Result<SyscallKind, ProcessFault>);

/// Runs `app` in the probe process with `address` as its argument until it yields or faults.
fn run_probe<B: UserspaceKernelBoundary>(
    boundary: &B,
    probe: &mut Process<'_>,
    app: extern "C" fn() -> !,
    address: u32,
) -> ProbeOutcome {
    probe.restart(app);
    probe.set_argument(address);
    loop {
        match step(boundary, probe) {
            Ok(SyscallKind::Command) => continue, // it asked for its argument
            outcome => return (address, outcome),
        }
    }
}

/// The isolation check: the probe reads its own memory (must succeed: `allowed`), then each
/// `Probe` (each must stop it with a MemManage fault); last, the number of MPU writes that 100
/// re-entries into one isolated process caused, as `reconfigurations` counts them (0 expected).
pub struct IsolationReport {
    /// Probe process id.
    pub id: u32,
    /// Reading its own memory.
    pub allowed: ProbeOutcome,
    /// Each forbidden access.
    pub forbidden: [(Probe, ProbeOutcome); 4],
}

/// Runs the isolation check (outside any measured region).
pub fn isolation_check<B: UserspaceKernelBoundary, P: Platform>(fixture: &mut Fixture<B, P>) -> IsolationReport {
    let other = fixture.null_app.memory_range().0;
    let kernel = fixture.kernel_buffer.as_ptr() as usize as u32;
    let Fixture { boundary, probe, .. } = fixture;
    let (own, own_len) = probe.memory_range();
    let grants = probe.grant_range().0;
    let allowed = run_probe(boundary, probe, apps::read_app::<B>, own + own_len / 2);
    let forbidden = Probe::ALL.map(|kind| {
        let outcome = match kind {
            Probe::ReadOtherProcess => run_probe(boundary, probe, apps::read_app::<B>, other),
            Probe::WriteKernel => run_probe(boundary, probe, apps::write_app::<B>, kernel),
            Probe::ExecuteOwnData => run_probe(boundary, probe, apps::execute_app::<B>, own),
            Probe::ReadOwnGrants => run_probe(boundary, probe, apps::read_app::<B>, grants),
        };
        (kind, outcome)
    });
    IsolationReport { id: probe.id(), allowed, forbidden }
}

/// Enters the isolated null app `times` times in a row and returns how many of those entries
/// wrote the MPU, measured by `reconfigurations` (a counter the boundary keeps).
pub fn reentry_reconfigurations<B: UserspaceKernelBoundary, P: Platform>(
    fixture: &mut Fixture<B, P>,
    times: u32,
    reconfigurations: impl Fn() -> u32,
) -> u32 {
    let Fixture { boundary, null_mpu_app, .. } = fixture;
    let _ = step(boundary, null_mpu_app); // the first entry may write it
    let before = reconfigurations();
    for _ in 0..times {
        let _ = step(boundary, null_mpu_app);
    }
    reconfigurations() - before
}
