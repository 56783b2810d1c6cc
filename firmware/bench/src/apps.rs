//! User processes the benchmarks switch into.
//!
//! Process code is ordinary safe Rust, generic over the architecture so that its `svc` stub
//! comes from the same `UserspaceKernelBoundary` the kernel switches with.

use kernel::process::{UserspaceKernelBoundary, number};

/// Loops forever on the null syscall: each kernel switch runs exactly one iteration.
pub extern "C" fn null_app<B: UserspaceKernelBoundary>() -> ! {
    loop {
        B::syscall(number::NULL);
    }
}
