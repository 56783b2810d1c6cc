//! Entering a user process and coming back at its next syscall, Tock style.
//!
//! The kernel runs in privileged thread mode on MSP. `switch_to_user` saves the kernel's
//! callee-saved registers, loads the process's, points PSP at the process's stacked exception
//! frame and executes `svc`. The SVC handler sees it came from the kernel (EXC_RETURN
//! 0xFFFFFFF9), drops thread mode to unprivileged and returns with 0xFFFFFFFD: the hardware
//! unstacks the process's frame from PSP and the process runs. When the process executes `svc`
//! the handler sees 0xFFFFFFFD, makes thread mode privileged again and returns with 0xFFFFFFF9:
//! the hardware unstacks the kernel's frame, still on MSP, and `switch_to_user` continues after
//! its `svc`, saving the process's registers and returning its new stack pointer.
//!
//! A fault in a process comes back the same way: `exception_handlers` sees the fault was taken
//! on PSP, records it in `PROCESS_FAULT_*` and returns to the kernel exactly as the SVC handler
//! does, so `switch_to` returns the fault instead of a syscall and the kernel goes on.
//!
//! This is the paper's "context switch" trusted code; the process-side `svc` stubs are here too.

#![allow(unsafe_code)]

use core::arch::{asm, naked_asm};
use core::sync::atomic::{AtomicU32, Ordering};

use kernel::process::{Process, ProcessFault, UserspaceKernelBoundary};

/// Exception number of the last process fault, 0 if none since `switch_to` last looked.
/// Written by `exception_handlers`' fault handler.
pub(crate) static PROCESS_FAULT_NUMBER: AtomicU32 = AtomicU32::new(0);
/// Stacked PC of that fault.
pub(crate) static PROCESS_FAULT_PC: AtomicU32 = AtomicU32::new(0);

/// The Cortex-M implementation of the kernel's user/kernel boundary.
#[derive(Clone, Copy, Debug, Default)]
pub struct CortexM;

impl UserspaceKernelBoundary for CortexM {
    #[inline]
    fn switch_to(&self, process: &mut Process<'_>) -> Result<(), ProcessFault> {
        let (stack_pointer, registers) = process.context();
        // SAFETY: `Process` keeps `stack_pointer` at a complete basic exception frame inside
        // the process's own stack, whose stacked PC is a safe `extern "C" fn() -> !` (or where
        // that code last trapped) and whose xPSR has the Thumb bit; `registers` is a live
        // `&mut`. The process runs on its own stack and comes back only through `svc`.
        let stack_pointer = unsafe { switch_to_user(stack_pointer, registers) };
        process.set_stack_pointer(stack_pointer)?;
        match PROCESS_FAULT_NUMBER.swap(0, Ordering::Relaxed) {
            0 => Ok(()),
            number => {
                let status = crate::scb::Scb::new().take_fault_status();
                Err(ProcessFault::Exception { number, pc: PROCESS_FAULT_PC.load(Ordering::Relaxed), status })
            }
        }
    }

    #[inline(always)]
    fn syscall(number: u32) -> u32 {
        let mut r0 = number;
        // SAFETY: `svc` traps to `svc_handler`, which returns to the next instruction with only
        // the stacked r0 changed (r1-r3, r12, lr, xPSR are restored by the exception return and
        // r4-r11 by `switch_to_user`); the kernel delivers upcalls only out of `yield`, which
        // goes through `syscall3`. It must run in a process on PSP: from the kernel it would
        // be taken as a request to enter a process.
        unsafe { asm!("svc 0", inout("r0") r0, options(nostack, preserves_flags)) };
        r0
    }

    #[inline(always)]
    fn syscall3(number: u32, a1: u32, a2: u32, a3: u32) -> u32 {
        let mut r0 = number;
        // SAFETY: as `syscall`, except that the kernel may resume the process in an upcall
        // function that returns (`bx lr`) to the instruction after this `svc`: so r1-r3, r12,
        // lr and the flags are declared clobbered, as a call would clobber them; r4-r11 and
        // sp are preserved by the AAPCS upcall function.
        unsafe {
            asm!(
                "svc 0",
                inout("r0") r0,
                inout("r1") a1 => _,
                inout("r2") a2 => _,
                inout("r3") a3 => _,
                out("r12") _,
                out("lr") _,
                options(nostack),
            )
        };
        r0
    }

    fn fault() -> ! {
        // Reading CPUID is privileged: unprivileged, the access is a BusFault (escalated to
        // HardFault), which `exception_handlers` turns into a return to the kernel.
        let part = crate::scb::Scb::new().part_number();
        loop {
            core::hint::black_box(part);
        }
    }
}

/// Runs the process whose exception frame is at `user_stack` until its next `svc`.
///
/// Returns the process's stack pointer at that `svc` (pointing at the frame it stacked).
///
/// # Safety
/// `user_stack` must point to a complete, 8-byte aligned basic exception frame in memory the
/// process owns, with a Thumb-mode xPSR and a PC at code that is sound to run unprivileged;
/// `registers` holds the process's r4-r11 and receives them back. Must be called in privileged
/// thread mode on MSP, with `svc_handler` installed.
#[unsafe(naked)] // SAFETY: the body is only asm that follows the AAPCS for its signature.
// SAFETY: the contract above is the caller's to uphold; nothing here can check it.
unsafe extern "C" fn switch_to_user(user_stack: *mut u32, registers: &mut [u32; 8]) -> *mut u32 {
    naked_asm!(
        // Kernel callee-saved registers (r12 only keeps the stack 8-byte aligned).
        "push {{r4-r12, lr}}",
        "msr psp, r0",
        "ldmia r1, {{r4-r11}}",
        // To `svc_handler`, then the process; back here at the process's `svc`, with r0-r3
        // restored from the frame this `svc` stacked on MSP.
        "svc 0xff",
        "stmia r1, {{r4-r11}}",
        "mrs r0, psp",
        "pop {{r4-r12, pc}}",
    )
}

/// EXC_RETURN to thread mode, main stack, basic frame: back to the kernel.
const RETURN_TO_KERNEL: u32 = 0xFFFF_FFF9;
/// EXC_RETURN to thread mode, process stack, basic frame: into the process.
const RETURN_TO_PROCESS: u32 = 0xFFFF_FFFD;

/// The SVC exception handler: flips between kernel and process (see the module docs).
#[unsafe(naked)] // SAFETY: handler-mode asm; r0 is caller-saved and restored by the unstacking.
pub(crate) extern "C" fn svc_handler() {
    naked_asm!(
        "ldr r0, ={to_kernel}",
        "cmp lr, r0",
        "bne 1f",
        // From the kernel: CONTROL.nPRIV = 1, return on PSP into the process.
        "movs r0, #1",
        "msr CONTROL, r0",
        "isb",
        "ldr lr, ={to_process}",
        "bx lr",
        // From a process: CONTROL.nPRIV = 0, return on MSP into `switch_to_user`.
        "1:",
        "movs r0, #0",
        "msr CONTROL, r0",
        "isb",
        "ldr lr, ={to_kernel}",
        "bx lr",
        ".ltorg",
        to_kernel = const RETURN_TO_KERNEL,
        to_process = const RETURN_TO_PROCESS,
    )
}
