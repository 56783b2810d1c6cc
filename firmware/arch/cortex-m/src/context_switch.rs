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
//! on PSP, records it in `BOUNDARY`, sets PSP to 0 and returns to the kernel exactly as
//! the SVC handler does. `switch_to` finds that stack pointer outside the process, reads the
//! record and returns the fault instead of a syscall, and the kernel goes on. (So a syscall
//! pays nothing for faults: the stack pointer check it needs anyway tells the two apart.)
//!
//! Preemption comes back the same way too: an interrupt taken while a process runs
//! (`exception_handlers::irq_handler`, after its top half) records the process's stack pointer
//! and the exception number in `BOUNDARY`, sets PSP to 0 and returns to the kernel. `switch_to`
//! tells it from a fault by the number (an external interrupt is 16 or more) and returns
//! `ProcessFault::Preempted` with the process's real stack pointer, which `step` checks and
//! keeps: its frame is the one the interrupt stacked, so the next entry resumes it where it was.
//! A syscall pays nothing for it.
//!
//! Isolation: before entering a process the switch hands its regions to `mpu` (written only
//! when it is not the process last entered), or turns the MPU off for a process that is not
//! isolated. A MemManage fault comes back like any other fault and is reported with MMFAR and
//! the kind of access (`kernel::memory_protection::fault_access`).
//!
//! This is the paper's "context switch" trusted code; the process-side `svc` stubs, the probes
//! an isolation test runs in a process, the bounds of the process code (linker symbols) and
//! the barrier after an MPU change are here too.

#![allow(unsafe_code)]

use core::arch::{asm, naked_asm};
use core::sync::atomic::{AtomicU32, Ordering};

use kernel::memory_protection::{FaultAccess, LayoutError, Region, covering, fault_access, mmfsr};
use kernel::process::{Process, ProcessFault, Protection, StoredState, UserspaceKernelBoundary};

use crate::mpu::Mpu;

/// Exception number of MemManage.
const MEM_MANAGE: u32 = 4;
/// Exception number of the first external interrupt: a record at or above it is a preemption.
const FIRST_INTERRUPT: u32 = 16;

// SAFETY: both symbols are defined by every board's linker script around `.app_text`; they are
// only ever used for their addresses (`&raw const`), never read, so their type does not matter.
unsafe extern "C" {
    /// First byte of the process code section (`.app_text` in the board's linker script).
    static _sapp_text: u8;
    /// One past its last byte (the script pads it to 256 bytes).
    static _eapp_text: u8;
}

/// What the boundary keeps across entries: the fault the handler recorded and what the MPU is
/// set up for. One record, shared with the C kernel path (`baseline_c`'s `struct rig_boundary`,
/// in the same order): there is one fault handler and one MPU, so both kernels must agree on
/// them, or one would run a process under the other's regions.
#[repr(C)]
pub(crate) struct Boundary {
    /// Exception number of the last process fault, or of the interrupt that preempted the
    /// process (16 or more), 0 if none since `switch_to` last looked. Written by
    /// `exception_handlers`' fault handler and, for an interrupt, `irq_handler`.
    pub(crate) fault_number: AtomicU32,
    /// Stacked PC of that fault; for an interrupt, the process's stack pointer (its frame).
    pub(crate) fault_pc: AtomicU32,
    /// The protection domain the MPU is set up for (`mpu::Mpu::enter`, `kernel::process::domain`).
    pub(crate) entered: AtomicU32,
    /// 1 while the MPU is on (some isolated process's regions are in it), else 0.
    pub(crate) mpu_enabled: AtomicU32,
}

/// The boundary's record (see `Boundary`).
// SAFETY: the exported name is unique in the image (`rig_` prefix, no other definition); the C
// side reads and writes these words only from the kernel's thread, never while a process or
// the fault handler runs, so the atomics are never raced.
#[unsafe(export_name = "rig_boundary")]
pub(crate) static BOUNDARY: Boundary = Boundary {
    fault_number: AtomicU32::new(0),
    fault_pc: AtomicU32::new(0),
    entered: AtomicU32::new(kernel::process::domain::NONE),
    mpu_enabled: AtomicU32::new(0),
};

/// The Cortex-M implementation of the kernel's user/kernel boundary.
#[derive(Clone, Copy, Debug, Default)]
pub struct CortexM;

impl CortexM {
    /// The boundary, with the MPU reset (off, every region disabled) and MemManage faults given
    /// their own exception, so that isolated processes can be entered and their violations told
    /// apart. Boards call it once at start-up.
    pub fn with_isolation() -> Self {
        Mpu::new().reset();
        crate::scb::Scb::new().enable_memory_management_fault();
        CortexM
    }
}

impl UserspaceKernelBoundary for CortexM {
    #[inline(always)]
    fn switch_to(&self, process: &mut Process<'_>) -> Result<(), ProcessFault> {
        // Entering a process of the domain the MPU is set up for costs one comparison.
        if let Err(error) = Mpu::new().enter(process) {
            return Err(ProcessFault::Layout(*error));
        }
        // SAFETY: `Process` keeps the stored stack pointer at a complete basic exception frame
        // inside the process's own stack (its memory exposed by `context`), whose stacked PC is
        // a safe `extern "C" fn() -> !` (or where that code last trapped) and whose xPSR has the
        // Thumb bit; `context` points at the process's own stored state, live and exclusively
        // borrowed for this call. The process runs on its own stack and comes back only through
        // `svc`.
        let stack_pointer = unsafe { switch_to_user(process.context()) };
        // After a fault or an interrupt the handler leaves PSP at 0, outside the process: so the
        // record is read only when the stack pointer is refused, never on a syscall.
        if process.set_stack_pointer(stack_pointer).is_err() {
            return Err(not_a_syscall(process));
        }
        Ok(())
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

    #[inline(always)]
    fn fault() -> ! {
        // Reading CPUID is privileged: unprivileged, the access is a BusFault (escalated to
        // HardFault), which `exception_handlers` turns into a return to the kernel.
        let part = crate::scb::Scb::new().part_number();
        loop {
            core::hint::black_box(part);
        }
    }

    fn code_region(&self) -> Result<Region, LayoutError> {
        let (start, end) = (&raw const _sapp_text as usize as u32, &raw const _eapp_text as usize as u32);
        covering(start, end.wrapping_sub(start))
    }

    #[inline(always)]
    fn read_word(address: u32) -> u32 {
        let mut value = 0;
        // SAFETY: the load runs only when thread mode is unprivileged (CONTROL.nPRIV = 1), i.e.
        // in a process, where the MPU checks it: an address the process does not own faults
        // (MemManage) and the kernel stops the process. Privileged, nothing is accessed.
        unsafe {
            asm!(
                "mrs {t}, CONTROL",
                "tst {t}, #1",
                "beq 1f",
                "ldr {v}, [{a}]",
                "1:",
                a = in(reg) address,
                v = inout(reg) value,
                t = out(reg) _,
                options(nostack, readonly),
            )
        };
        value
    }

    #[inline(always)]
    fn write_word(address: u32, value: u32) {
        // SAFETY: as `read_word`: unprivileged only, checked by the MPU.
        unsafe {
            asm!(
                "mrs {t}, CONTROL",
                "tst {t}, #1",
                "beq 1f",
                "str {v}, [{a}]",
                "1:",
                a = in(reg) address,
                v = in(reg) value,
                t = out(reg) _,
                options(nostack),
            )
        };
    }

    #[inline(always)]
    fn jump(address: u32) -> ! {
        // SAFETY: as `read_word`: the branch is taken only unprivileged, where the MPU checks
        // the fetch (execute-never memory faults); privileged, it falls through to the loop.
        unsafe {
            asm!(
                "mrs {t}, CONTROL",
                "tst {t}, #1",
                "beq 1f",
                "orr {a}, {a}, #1",
                "bx {a}",
                "1:",
                a = inout(reg) address => _,
                t = out(reg) _,
                options(nostack),
            )
        };
        loop {
            core::hint::spin_loop();
        }
    }
}

/// Why a process came back with a stack pointer `switch_to` refused: an interrupt preempted it
/// (`ProcessFault::Preempted` with its real stack pointer from the record, which `step` checks
/// and keeps), or `process_fault`. Inlined: the fault path pays one comparison for it.
#[inline(always)]
fn not_a_syscall(process: &Process<'_>) -> ProcessFault {
    // One load for both tests (the compiler does not merge two loads of an atomic).
    let number = BOUNDARY.fault_number.load(Ordering::Relaxed);
    if number >= FIRST_INTERRUPT {
        BOUNDARY.fault_number.store(0, Ordering::Relaxed);
        return ProcessFault::Preempted { stack_pointer: BOUNDARY.fault_pc.load(Ordering::Relaxed) as usize };
    }
    process_fault(process, number)
}

/// What stopped a process whose stack pointer `switch_to` refused: the fault the handler recorded
/// (`number`, read by `not_a_syscall`; cleared here), if any. Inlined, and built here from words: returned out of line, the fault is copied
/// through a stack temporary (byte by byte with `memcpy` before `ProcessFault` was `repr(u32)`),
/// and the caller then re-tests whether it is a fault at all, which costs the syscall path its
/// bounds-check elimination.
///
/// No fault recorded: the process itself came back with a stack pointer outside its memory. A
/// plain load, not a swap: only the fault handler sets the record, and only while the process
/// runs, so nothing can change it between this load and the store.
#[inline(always)]
fn process_fault(process: &Process<'_>, number: u32) -> ProcessFault {
    if number == 0 {
        return ProcessFault::StackPointer;
    }
    BOUNDARY.fault_number.store(0, Ordering::Relaxed);
    let pc = BOUNDARY.fault_pc.load(Ordering::Relaxed);
    if number == MEM_MANAGE {
        let (address, access) = memory_protection_fault(pc, process.protection());
        return ProcessFault::MemoryProtection { pc, address, access };
    }
    let status = crate::scb::Scb::new().take_fault_status();
    ProcessFault::Exception { number, pc, status }
}

/// A MemManage fault at `pc`: the address (MMFAR, or the PC for a fetch) and the access, read
/// from the fault status (cleared here) and, for a data access, the faulting instruction when
/// it lies in the process's `code` region. Out of line and returned in two registers.
#[cold]
#[inline(never)]
fn memory_protection_fault(pc: u32, protection: &Protection) -> (u32, FaultAccess) {
    let scb = crate::scb::Scb::new();
    let (mmfar, _) = scb.fault_addresses();
    let status = scb.take_fault_status();
    let in_code = match protection {
        Protection::On { code, .. } => {
            let (start, end) = code.enabled_range();
            u64::from(pc) >= start && u64::from(pc) + 4 <= end && pc & 1 == 0
        }
        _ => false,
    };
    let instruction = in_code.then(|| {
        let at = pc as usize as *const u16;
        // SAFETY: `pc` is halfword-aligned and its four bytes lie in the process's code region,
        // which is readable flash for the whole program; the kernel reads it privileged.
        let first = unsafe { at.read_volatile() };
        // SAFETY: `pc + 2` is still inside that region (`pc + 4 <= end`), so the offset stays
        // within one allocation.
        let next = unsafe { at.add(1) };
        // SAFETY: as for `first`: halfword-aligned, readable flash in the code region.
        [first, unsafe { next.read_volatile() }]
    });
    let access = fault_access(status, instruction);
    let address = match access {
        FaultAccess::Execute => pc,
        _ if status & mmfsr::MMARVALID != 0 => mmfar,
        _ => 0,
    };
    (address, access)
}

/// Makes an MPU change take effect before the next access or fetch (ARMv7-M ARM B3.5.3
/// recommends DSB then ISB after changing MPU regions).
#[inline(always)]
pub(crate) fn memory_barrier() {
    // SAFETY: barriers only order and synchronise; they touch no memory or registers.
    unsafe { asm!("dsb", "isb", options(nostack, preserves_flags)) };
}

/// Runs the process whose stored state is `stored` until its next `svc`.
///
/// Returns the process's stack pointer at that `svc` (pointing at the frame it stacked); the
/// stored registers are the process's r4-r11 then, the stored stack pointer is left as it was.
///
/// # Safety
/// `stored` must point to a live `StoredState` nothing else accesses during the call, whose
/// stack pointer is the address of a complete, 8-byte aligned basic exception frame in memory
/// the process owns, with a Thumb-mode xPSR and a PC at code that is sound to run unprivileged.
/// Must be called in privileged thread mode on MSP, with `svc_handler` installed.
#[unsafe(naked)] // SAFETY: the body is only asm that follows the AAPCS for its signature.
// SAFETY: the contract above is the caller's to uphold; nothing here can check it.
unsafe extern "C" fn switch_to_user(stored: *mut StoredState) -> *mut u32 {
    naked_asm!(
        // Kernel callee-saved registers (r12 only keeps the stack 8-byte aligned).
        "push {{r4-r12, lr}}",
        "ldr r1, [r0, #{stack_pointer}]",
        "msr psp, r1",
        "ldmia r0, {{r4-r11}}",
        // To `svc_handler`, then the process; back here at the process's `svc`, with r0-r3
        // restored from the frame this `svc` stacked on MSP (so r0 is `stored` again).
        "svc 0xff",
        "stmia r0, {{r4-r11}}",
        "mrs r0, psp",
        "pop {{r4-r12, pc}}",
        stack_pointer = const StoredState::STACK_POINTER_OFFSET,
    )
}
const _: () = assert!(StoredState::REGISTERS_OFFSET == 0);

/// EXC_RETURN to thread mode, main stack, basic frame: back to the kernel.
pub(crate) const RETURN_TO_KERNEL: u32 = 0xFFFF_FFF9;
/// EXC_RETURN to thread mode, process stack, basic frame: into the process.
const RETURN_TO_PROCESS: u32 = 0xFFFF_FFFD;
/// The one bit the two differ in (EXC_RETURN.SPSEL: the frame is on PSP).
const RETURN_ON_PSP: u32 = RETURN_TO_KERNEL ^ RETURN_TO_PROCESS;
const _: () = assert!(RETURN_ON_PSP == 1 << 2);

/// The SVC exception handler: flips between kernel and process (see the module docs).
///
/// The `svc` came from the kernel (EXC_RETURN `RETURN_TO_KERNEL`, frame on MSP) or from a process
/// (`RETURN_TO_PROCESS`, frame on PSP), and goes back to the other one: so flipping bit 2 of lr
/// gives the EXC_RETURN to leave with, and that bit, now 1 when entering a process, is the value
/// of CONTROL.nPRIV the thread mode must run with (the process unprivileged, the kernel
/// privileged). Five instructions each way and no branch: telling the two apart with a
/// `tst`/`bne` and loading each EXC_RETURN as a constant took seven (`syscall/null` crosses twice).
/// Two EXC_RETURNs the flip would get wrong never reach it: the kernel never executes `svc` in
/// handler mode (0xFFFF_FFF1), and no frame is an extended one (bit 4 clear, 0xFFFF_FFE9/ED): the
/// target is soft-float and nothing enables the FPU (CPACR keeps its reset value), so every
/// exception stacks the basic frame. An FPU-using kernel would have to keep bit 4 out of the flip
/// and restore the extended frame; the fault and interrupt handlers' fixed `RETURN_TO_KERNEL`
/// makes the same assumption.
///
/// The ISB after the CONTROL write is the one ARM's barrier guidance (AN321) asks for when the
/// privilege changes, as Tock's handler has it; it stays (2 instructions per round trip).
#[unsafe(naked)] // SAFETY: handler-mode asm; r0 is caller-saved and restored by the unstacking.
pub(crate) extern "C" fn svc_handler() {
    naked_asm!(
        "eor lr, lr, #{on_psp}",
        "ubfx r0, lr, #{on_psp_bit}, #1",
        "msr CONTROL, r0",
        "isb",
        "bx lr",
        on_psp = const RETURN_ON_PSP,
        on_psp_bit = const RETURN_ON_PSP.trailing_zeros(),
    )
}
