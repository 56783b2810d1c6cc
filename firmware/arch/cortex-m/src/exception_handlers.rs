//! The vector table, the reset handler and the fault handlers.
//!
//! The paper's "interrupt/exception handlers" trusted code. Reset runs before any Rust: it
//! copies `.data` from flash, zeroes `.bss` and calls the board's `rig_main`. Every fault and
//! every exception the kernel does not expect goes to `fault_handler`, which picks the stack
//! the exception was taken on, reads the stacked PC and calls the board's `rig_fault(pc, ipsr)`
//! so it can send a PANIC frame. The board relies on nothing else a loader does: the table at
//! address 0 gives the initial SP and PC, as after a reset through a debugger.

#![allow(unsafe_code)]

use core::arch::{asm, global_asm, naked_asm};

use crate::context_switch::svc_handler;

/// External interrupts given a vector (mps2-an386 has 32 device interrupts in use).
pub const IRQS: usize = 32;

// The table: initial SP, then the 15 system exceptions, then the device interrupts. `.word`
// of a Thumb function symbol gets its Thumb bit from the linker (R_ARM_ABS32).
global_asm!(
    ".pushsection .vector_table, \"a\", %progbits",
    ".global rig_vector_table",
    ".p2align 7",
    "rig_vector_table:",
    ".word _stack_top",
    ".word {reset}",
    ".word {fault}", // NMI
    ".word {fault}", // HardFault
    ".word {fault}", // MemManage
    ".word {fault}", // BusFault
    ".word {fault}", // UsageFault
    ".word 0, 0, 0, 0",
    ".word {svc}", // SVCall
    ".word {fault}", // DebugMonitor
    ".word 0",
    ".word {fault}", // PendSV
    ".word {fault}", // SysTick (free-running counter, its interrupt stays off)
    ".rept {irqs}",
    ".word {fault}",
    ".endr",
    ".popsection",
    // A stable name for the reset handler: the ELF entry point (linker script `ENTRY`).
    ".global rig_reset",
    ".thumb_set rig_reset, {reset}",
    reset = sym reset_handler,
    fault = sym fault_handler,
    svc = sym svc_handler,
    irqs = const IRQS,
);

/// Reset: `.data` from flash, `.bss` to zero, then the board's `rig_main`.
///
/// Written in asm because no Rust may run while statics are uninitialised.
#[unsafe(naked)] // SAFETY: asm only, word copies between linker-script symbols.
extern "C" fn reset_handler() -> ! {
    naked_asm!(
        "ldr r0, =_sdata",
        "ldr r1, =_edata",
        "ldr r2, =_sidata",
        "0:",
        "cmp r0, r1",
        "bhs 1f",
        "ldr r3, [r2], #4",
        "str r3, [r0], #4",
        "b 0b",
        "1:",
        "ldr r0, =_sbss",
        "ldr r1, =_ebss",
        "movs r2, #0",
        "2:",
        "cmp r0, r1",
        "bhs 3f",
        "str r2, [r0], #4",
        "b 2b",
        "3:",
        "bl rig_main",
        "udf #0",
        ".ltorg",
    )
}

/// Faults and unexpected exceptions: stacked PC and exception number to `rig_fault`.
///
/// Bit 2 of EXC_RETURN (in lr) says whether the exception stacked its frame on PSP (a process
/// faulted) or MSP (the kernel did); the stacked PC is word 6 of that frame.
#[unsafe(naked)] // SAFETY: asm only; reads the frame the hardware just stacked.
extern "C" fn fault_handler() -> ! {
    naked_asm!(
        "tst lr, #4",
        "ite eq",
        "mrseq r0, msp",
        "mrsne r0, psp",
        "ldr r0, [r0, #24]",
        "mrs r1, ipsr",
        "b rig_fault",
    )
}

/// The end of every fatal path (panic, fault): sleep forever, waking only to sleep again.
pub fn halt() -> ! {
    loop {
        // SAFETY: `wfi` only waits for an interrupt; it touches no memory or registers.
        unsafe { asm!("wfi", options(nomem, nostack, preserves_flags)) };
    }
}
