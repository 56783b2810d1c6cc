//! The vector table, the reset handler and the fault handlers.
//!
//! The paper's "interrupt/exception handlers" trusted code. Reset runs before any Rust: it
//! copies `.data` from flash, zeroes `.bss` and calls the board's `rig_main`. Every fault and
//! every exception the kernel does not expect goes to `fault_handler`: a fault a process took
//! (on PSP) is recorded and returns to the kernel (see `context_switch`); one the kernel took
//! calls the board's `rig_fault(pc, ipsr)` so it can send a PANIC frame. External interrupts
//! go to `irq_handler`, the top half (see `interrupts`), which also preempts a running
//! process. The board relies on nothing else a loader does: the table at address 0 gives the
//! initial SP and PC, as after a reset through a debugger.
//!
//! Each external interrupt's vector is a weak symbol `rig_irq_<n>` that defaults to
//! `irq_handler::<n / 32>`; a board's linker script may point one line elsewhere (the C
//! baseline's handler: `rig_irq_10 = rig_c_irq_handler;`). Lines 0 to `IRQS - 1` have one
//! (`interrupts::WORDS` words of 32: why and what it costs is said there).

#![allow(unsafe_code)]

use core::arch::{asm, global_asm, naked_asm};

use crate::context_switch::{BOUNDARY, RETURN_TO_KERNEL, svc_handler};
use crate::interrupts::{IRQS, TIMESTAMP_ADDRESS, WORDS, top_half};

// The table below names one handler per word of lines: three.
const _: () = assert!(WORDS == 3 && IRQS == 96);
// VTOR needs the table aligned to its size rounded up to a power of two (ARMv7-M ARM B3.2.5):
// 16 + 96 words are 448 bytes, so 512 (`.p2align 9`). It sits at address 0 on every board.
const _: () = assert!((16 + IRQS) * 4 <= 1 << 9);

// The table: initial SP, then the 15 system exceptions, then the device interrupts. `.word`
// of a Thumb function symbol gets its Thumb bit from the linker (R_ARM_ABS32).
global_asm!(
    ".pushsection .vector_table, \"a\", %progbits",
    ".global rig_vector_table",
    ".p2align 9",
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
    // One weak `rig_irq_<n>` per line, each defaulting to its word's top half.
    ".altmacro",
    ".macro rig_irq_vector line, handler",
    "  .weak rig_irq_\\line",
    "  .thumb_set rig_irq_\\line, \\handler",
    "  .word rig_irq_\\line",
    ".endm",
    ".set rig_irq_line, 0",
    ".rept 32",
    "  rig_irq_vector %rig_irq_line, {irq0}",
    "  .set rig_irq_line, rig_irq_line + 1",
    ".endr",
    ".rept 32",
    "  rig_irq_vector %rig_irq_line, {irq1}",
    "  .set rig_irq_line, rig_irq_line + 1",
    ".endr",
    ".rept 32",
    "  rig_irq_vector %rig_irq_line, {irq2}",
    "  .set rig_irq_line, rig_irq_line + 1",
    ".endr",
    ".noaltmacro",
    ".popsection",
    // A stable name for the reset handler: the ELF entry point (linker script `ENTRY`).
    ".global rig_reset",
    ".thumb_set rig_reset, {reset}",
    reset = sym reset_handler,
    fault = sym fault_handler,
    irq0 = sym irq_handler::<0>,
    irq1 = sym irq_handler::<1>,
    irq2 = sym irq_handler::<2>,
    svc = sym svc_handler,
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

/// Faults and unexpected exceptions.
///
/// Bit 2 of EXC_RETURN (in lr) says whether the exception stacked its frame on PSP (a process
/// faulted) or MSP (the kernel did); the stacked PC is word 6 of that frame. A process fault is
/// recorded for `context_switch`, PSP is cleared (so the kernel sees a stack pointer outside the
/// process and looks at the record: a syscall never pays for the check), and it returns to the
/// kernel as the SVC handler does: privileged
/// thread mode, EXC_RETURN to MSP, where the kernel's frame from `switch_to_user`'s `svc`
/// still waits. A kernel fault is fatal: `rig_fault(pc, ipsr)`.
#[unsafe(naked)] // SAFETY: asm only; reads the frame the hardware just stacked.
extern "C" fn fault_handler() -> ! {
    naked_asm!(
        "tst lr, #4",
        "beq 1f",
        // A process: record the exception number and its PC, back to the kernel.
        "mrs r0, psp",
        "ldr r0, [r0, #24]",
        "ldr r1, ={boundary}",
        "str r0, [r1, #4]", // fault_pc
        "mrs r0, ipsr",
        "str r0, [r1]", // fault_number
        // PSP = 0, an address in no process's memory: `switch_to` takes the stack pointer
        // `switch_to_user` returns as bad, and only then looks at the record.
        "movs r0, #0",
        "msr psp, r0",
        "msr CONTROL, r0",
        "isb",
        "ldr lr, ={to_kernel}",
        "bx lr",
        // The kernel: fatal.
        "1:",
        "mrs r0, msp",
        "ldr r0, [r0, #24]",
        "mrs r1, ipsr",
        "b rig_fault",
        ".ltorg",
        boundary = sym BOUNDARY,
        to_kernel = const RETURN_TO_KERNEL,
    )
}

/// External interrupts of lines `32 × WORD` to `32 × WORD + 31`: the top half. Its third
/// instruction reads the counter (two loads find it), then
/// `interrupts::top_half::<WORD>(timestamp, ipsr)` records the interrupt. If the kernel
/// was interrupted, that function's return is the exception return. If a process was (bit 2
/// of EXC_RETURN: its frame is on PSP), the interrupt preempts it: after the top half the
/// handler records the process's stack pointer and the exception number for `context_switch`,
/// sets PSP to 0 and returns to the kernel exactly as the fault handler does, so the kernel
/// gets the processor back from a process that never yields. The kernel's path pays the
/// `tst`/`bne` for it; the counter read stays the third instruction.
#[unsafe(naked)] // SAFETY: asm only; `TIMESTAMP_ADDRESS` always holds a readable register.
extern "C" fn irq_handler<const WORD: usize>() {
    naked_asm!(
        "ldr r0, ={timestamp}",
        "ldr r0, [r0]",
        "ldr r0, [r0]",
        "mrs r1, ipsr",
        "tst lr, #4",
        "bne 1f",
        "b {top_half}",
        // A process was running: the top half (MSP is 8-byte aligned at exception entry, as
        // the call needs; lr is rebuilt below), then back to the kernel.
        "1:",
        "bl {top_half}",
        "ldr r1, ={boundary}",
        "mrs r0, psp",
        "str r0, [r1, #4]", // fault_pc: the process's stack pointer, its frame
        "mrs r0, ipsr",
        "str r0, [r1]", // fault_number: the interrupt's exception number, 16 or more
        "movs r0, #0",
        "msr psp, r0",
        "msr CONTROL, r0",
        "isb",
        "ldr lr, ={to_kernel}",
        "bx lr",
        ".ltorg",
        timestamp = sym TIMESTAMP_ADDRESS,
        top_half = sym top_half::<WORD>,
        boundary = sym BOUNDARY,
        to_kernel = const RETURN_TO_KERNEL,
    )
}

/// The end of every fatal path (panic, fault): sleep forever, waking only to sleep again.
pub fn halt() -> ! {
    loop {
        // SAFETY: `wfi` only waits for an interrupt; it touches no memory or registers.
        unsafe { asm!("wfi", options(nomem, nostack, preserves_flags)) };
    }
}
