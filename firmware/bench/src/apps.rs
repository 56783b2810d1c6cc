//! User processes the benchmarks switch into.
//!
//! Process code is ordinary safe Rust, generic over the architecture so that its `svc` stubs
//! come from the same `UserspaceKernelBoundary` the kernel switches with.

use core::hint::black_box;

use kernel::process::UserspaceKernelBoundary;
use kernel::syscall::number;

/// Bytes `userbuf_app` allows: the largest `userbuf/*` payload.
pub const ALLOWED_BYTES: usize = 1024;

/// Loops forever on the null syscall: each kernel switch runs exactly one iteration.
pub extern "C" fn null_app<B: UserspaceKernelBoundary>() -> ! {
    loop {
        B::syscall(number::NULL);
    }
}

/// Loops forever on `yield` (two of these take turns in `ctx/process_switch`).
pub extern "C" fn yield_app<B: UserspaceKernelBoundary>() -> ! {
    loop {
        B::syscall3(number::YIELD, 0, 0, 0);
    }
}

/// Subscribes `empty_upcall`, then loops on `yield`, where the upcalls arrive.
pub extern "C" fn upcall_app<B: UserspaceKernelBoundary>() -> ! {
    let function = empty_upcall as extern "C" fn(u32, u32, u32, u32) as usize as u32;
    B::syscall3(number::SUBSCRIBE, 0, function, 0);
    loop {
        B::syscall3(number::YIELD, 0, 0, 0);
    }
}

/// An upcall that returns at once: `ctx/upcall` measures the delivery, not the work.
extern "C" fn empty_upcall(_: u32, _: u32, _: u32, _: u32) {}

/// Allows a buffer on its own stack, then loops on `yield` while the kernel copies in and out.
pub extern "C" fn userbuf_app<B: UserspaceKernelBoundary>() -> ! {
    let mut buffer = [0u8; ALLOWED_BYTES];
    B::syscall3(number::ALLOW, buffer.as_mut_ptr() as usize as u32, ALLOWED_BYTES as u32, 0);
    loop {
        black_box(&mut buffer);
        B::syscall3(number::YIELD, 0, 0, 0);
    }
}

/// Touches a privileged register: the kernel must stop it and go on.
pub extern "C" fn fault_app<B: UserspaceKernelBoundary>() -> ! {
    B::fault()
}
