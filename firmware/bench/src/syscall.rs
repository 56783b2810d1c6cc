//! `syscall/null`: one round trip kernel → process → null syscall → kernel.
//!
//! The process cannot read the counter (the System Control Space is privileged), so the
//! kernel measures: counter read, switch into the process, the process's `svc`, back in the
//! kernel, decode and answer the syscall, counter read. The process then resumes after its
//! `svc` on the next sample and loops straight back to it.

use kernel::harness::{Counter, Sampler};
use kernel::process::{Syscall, UserspaceKernelBoundary};

use crate::Fixture;

/// One null-syscall round trip.
pub fn null<C: Counter, B: UserspaceKernelBoundary>(sampler: &Sampler<C>, fixture: &mut Fixture<B>) -> u32 {
    let Fixture { boundary, null_app, .. } = fixture;
    let (count, outcome) = sampler.measure(|| boundary.switch_to(null_app).map(|()| null_app.handle_syscall()));
    match outcome {
        Ok(Syscall::Null) => count,
        other => panic!("null app: expected a null syscall, got {other:?}"),
    }
}
