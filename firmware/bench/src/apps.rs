//! User processes the benchmarks switch into.
//!
//! Process code is ordinary safe Rust, generic over the architecture so that its `svc` stubs
//! come from the same `UserspaceKernelBoundary` the kernel switches with. Every function of this
//! module lands in the image's process-code section (`.app_text`, matched by its path in each
//! board's linker script), the one region an isolated process may execute: so nothing here may
//! call code outside it (the stubs are `#[inline(always)]`; no buffer is zero-filled by a
//! `memset` call).

use core::mem::MaybeUninit;

use core::hint::black_box;

use kernel::process::UserspaceKernelBoundary;
use kernel::syscall::{command, number};

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
    // Not zero-filled (that would call `memset`, outside the process's code): the kernel
    // zeroed the whole region at start-up, and only ever copies bytes in and out.
    let mut buffer = MaybeUninit::<[u8; ALLOWED_BYTES]>::uninit();
    B::syscall3(number::ALLOW, buffer.as_mut_ptr() as usize as u32, ALLOWED_BYTES as u32, 0);
    loop {
        black_box(&mut buffer);
        B::syscall3(number::YIELD, 0, 0, 0);
    }
}

/// Spins without ever yielding on its own: only the preemption timer gets the processor back
/// (`ctx/preempt`). After `SPIN_BOUND` iterations — a thousand time slices and more on every
/// board — it gives up and exits, so a kernel that failed to preempt it reports that (an exit
/// instead of `SyscallKind::Preempted`) instead of hanging.
pub extern "C" fn spin_app<B: UserspaceKernelBoundary>() -> ! {
    loop {
        for i in 0..SPIN_BOUND {
            black_box(i);
        }
        B::syscall3(number::EXIT, SPIN_BOUND, 0, 0);
    }
}

/// Iterations `spin_app` spins before it gives up (each is a few instructions).
pub const SPIN_BOUND: u32 = 1 << 24;

/// Touches a privileged register: the kernel must stop it and go on.
pub extern "C" fn fault_app<B: UserspaceKernelBoundary>() -> ! {
    B::fault()
}

/// Asks the kernel which address to touch (`command::ARGUMENT`).
#[inline(always)]
fn argument<B: UserspaceKernelBoundary>() -> u32 {
    B::syscall3(number::COMMAND, command::ARGUMENT, 0, 0)
}

/// Yields forever: a probe that gets here was not stopped.
#[inline(always)]
fn yield_forever<B: UserspaceKernelBoundary>(value: u32) -> ! {
    loop {
        B::syscall3(number::YIELD, value, 0, 0);
    }
}

/// Reads the word at its argument, then yields: the MPU must stop it unless it owns the word.
pub extern "C" fn read_app<B: UserspaceKernelBoundary>() -> ! {
    let value = B::read_word(argument::<B>());
    yield_forever::<B>(value)
}

/// Writes a word at its argument, then yields: the MPU must stop it unless it owns the word.
pub extern "C" fn write_app<B: UserspaceKernelBoundary>() -> ! {
    B::write_word(argument::<B>(), 0x5AFE_0000);
    yield_forever::<B>(0)
}

/// Branches to its argument (in its own stack and data, which are never executable).
pub extern "C" fn execute_app<B: UserspaceKernelBoundary>() -> ! {
    B::jump(argument::<B>())
}
