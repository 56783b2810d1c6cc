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

use kernel::harness::{Counter, Sampler};
use kernel::process::{Process, ProcessFault, UserspaceKernelBoundary, step};
use kernel::syscall::Syscall;

use crate::{Fixture, Platform, apps};

/// One null-syscall round trip.
pub fn null<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    let Fixture { boundary, null_app, .. } = fixture;
    match sampler.measure(|| step(boundary, null_app)) {
        (count, Ok(Syscall::Null)) => Some(count),
        (_, other) => panic!("null app: expected a null syscall, got {other:?}"),
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
        Some(Ok(Syscall::Yield)) => Some(count),
        other => panic!("yield apps: expected a yield, got {other:?}"),
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
        Ok(Syscall::Yield) => Some(count),
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

/// Runs the fault app once and returns what stopped it: the boot-time check a board reports.
pub fn fault_check<B: UserspaceKernelBoundary, P: Platform>(fixture: &mut Fixture<B, P>) -> (u32, Option<ProcessFault>) {
    let Fixture { boundary, fault_app, .. } = fixture;
    fault_app.restart(apps::fault_app::<B>);
    (fault_app.id(), step(boundary, fault_app).err())
}
