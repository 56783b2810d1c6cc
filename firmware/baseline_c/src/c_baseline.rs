//! Safe wrappers over the C functions; the only trusted code of the C baseline.
//!
//! Each wrapper is `#[inline(always)]`, so a benchmark's region holds exactly the C function's
//! call and body: the `bl`, the argument moves before it, and the C code up to its return.
//!
//! The C kernel path (`kernel.c`): `CProcess` and `CPair` mirror `struct rig_c_process` and
//! `struct rig_c_pair`; `CProcess::step` is `kernel::process::step` in C, `CPair::run_next` the
//! round-robin choice and step of `ctx/process_switch`. Their processes run the same Rust
//! process code on memory laid out as the Rust kernel's.

#![allow(unsafe_code)]

use kernel::memory_protection::{LayoutError, Region, covering};
use kernel::process::domain;

/// A payload of `N` bytes as the C side declares it (`struct rig_payload_N`).
#[repr(C)]
pub struct Payload<const N: usize> {
    /// The bytes.
    pub bytes: [u8; N],
}

// SAFETY: these declarations match baseline.h's prototypes (`repr(C)` payloads, u32s).
unsafe extern "C" {
    fn cell_c_struct_copy_4(cell: *mut Payload<4>);
    fn cell_c_struct_copy_16(cell: *mut Payload<16>);
    fn cell_c_struct_copy_64(cell: *mut Payload<64>);
    fn cell_c_struct_copy_256(cell: *mut Payload<256>);
    fn cell_c_struct_copy_1024(cell: *mut Payload<1024>);
    fn cell_c_pointer_4(cell: *mut Payload<4>);
    fn cell_c_pointer_16(cell: *mut Payload<16>);
    fn cell_c_pointer_64(cell: *mut Payload<64>);
    fn cell_c_pointer_256(cell: *mut Payload<256>);
    fn cell_c_pointer_1024(cell: *mut Payload<1024>);
    fn mmio_c_raw_modify(register: *mut u32, mask: u32, value: u32);
    fn irq_c_set_counter(address: u32);
    fn irq_c_sw_to_handler(line: u32);
    fn irq_c_timestamp() -> u32;
    fn rig_c_process_init(p: *mut CProcess, id: u32, memory: *mut u32, words: u32, entry: u32);
    fn rig_c_step(p: *mut CProcess) -> COutcome;
    fn rig_c_run_next(pair: *mut CPair) -> COutcome;
    fn rig_c_reconfigurations() -> u32;
}

/// The C cell bodies for one payload size.
pub trait CellBaseline {
    /// Copies the payload out, changes byte 0, copies it back (C struct assignment).
    fn struct_copy(&mut self);
    /// Changes byte 0 through the pointer.
    fn pointer(&mut self);
}

macro_rules! cell_baseline {
    ($($n:literal => $copy:ident, $pointer:ident;)*) => {$(
        impl CellBaseline for Payload<$n> {
            #[inline(always)]
            fn struct_copy(&mut self) {
                // SAFETY: `self` is a live, exclusive `struct rig_payload_N` (same size, align
                // 1, `repr(C)`); the C function touches only those N bytes and keeps no pointer.
                unsafe { $copy(self) }
            }
            #[inline(always)]
            fn pointer(&mut self) {
                // SAFETY: as for `struct_copy`.
                unsafe { $pointer(self) }
            }
        }
    )*};
}

cell_baseline! {
    4 => cell_c_struct_copy_4, cell_c_pointer_4;
    16 => cell_c_struct_copy_16, cell_c_pointer_16;
    64 => cell_c_struct_copy_64, cell_c_pointer_64;
    256 => cell_c_struct_copy_256, cell_c_pointer_256;
    1024 => cell_c_struct_copy_1024, cell_c_pointer_1024;
}

/// `*register = (*register & ~mask) | value`, in C, on a register the kernel's typed layer
/// vouches for (`RawRegister` gives its address).
#[inline(always)]
pub fn raw_modify(register: kernel::registers::RawRegister, mask: u32, value: u32) {
    // SAFETY: the address comes from a `ReadWrite` register cell, so it is a live, aligned,
    // read/write device register; the C function makes one volatile load and one store.
    unsafe { mmio_c_raw_modify(register.address() as *mut u32, mask, value) }
}

/// Tells the C handler which counter register to read (`InterruptController::timestamp_address`).
pub fn set_counter(address: usize) {
    // SAFETY: the C side only stores the address; it is read when the C handler runs, and the
    // caller passes the counter register the kernel's own top half reads.
    unsafe { irq_c_set_counter(address as u32) }
}

/// Pends `line` through STIR and waits until the C handler has run. The line's vector must be
/// `rig_c_irq_handler` and the line enabled, or this never returns.
#[inline(always)]
pub fn sw_to_handler(line: u32) {
    // SAFETY: writes STIR (privileged: the kernel runs privileged) and spins on a flag the C
    // handler sets; touches no Rust memory.
    unsafe { irq_c_sw_to_handler(line) }
}

/// The counter as the C handler last read it.
pub fn timestamp() -> u32 {
    // SAFETY: reads a C `static volatile uint32_t`.
    unsafe { irq_c_timestamp() }
}

/// An MPU region as the C kernel takes it (`struct rig_c_region`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct CRegion {
    base: u32,
    size_log2: u32,
    subregions_disabled: u32,
}

impl From<Region> for CRegion {
    fn from(region: Region) -> Self {
        Self { base: region.base, size_log2: region.size_log2, subregions_disabled: region.subregions_disabled.into() }
    }
}

/// `enum rig_c_protection` (RIG_C_OFF, 0, is what `rig_c_process_init` leaves).
const C_ON: u32 = 1;
const C_REFUSED: u32 = 2;

/// `enum rig_c_state`.
pub mod c_state {
    /// Stopped at a `yield` (0, as `kernel::process::State::Yielded`).
    pub const YIELDED: u32 = 0;
    /// Runs when scheduled.
    pub const READY: u32 = 1;
    /// Called `exit`.
    pub const EXITED: u32 = 2;
    /// Stopped by the kernel.
    pub const FAULTED: u32 = 3;
}

/// `enum rig_c_outcome_kind`.
pub mod c_outcome {
    /// A syscall: `number` is r0, `args` r1-r3.
    pub const SYSCALL: u32 = 0;
    /// A fault: `number` is the exception number (0: a bad stack pointer), `args` pc and status.
    pub const FAULT: u32 = 1;
    /// A refused layout: the process never ran.
    pub const LAYOUT: u32 = 2;
    /// No process could run.
    pub const NONE: u32 = 3;
    /// An interrupt took the processor back: `number` is its exception number, the process is
    /// ready to resume where it was.
    pub const PREEMPTED: u32 = 4;
}

/// What a C kernel step ended in (`struct rig_c_outcome`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct COutcome {
    /// `c_outcome::*`.
    pub kind: u32,
    /// Syscall number, exception number, or the preempting interrupt's exception number.
    pub number: u32,
    /// The stacked PC of a fault (0 otherwise).
    pub pc: u32,
    /// The fault status of a fault (0 otherwise).
    pub status: u32,
}

/// `struct rig_c_stored`: what `switch_to_user` loads and saves.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
struct CStored {
    registers: [u32; 8],
    stack_pointer: u32,
}

/// A process of the C kernel path (`struct rig_c_process`): created here, run only by C.
///
/// Invariant (what makes `step` sound): `memory` points to `words` words (at least a frame,
/// 8-byte aligned) that only this process uses, for the whole program (`&'static mut`), and
/// the stacked PC is a safe `extern "C" fn() -> !` or where that code last trapped. The fields
/// are private, so only `new` and the C code set them.
#[repr(C)]
pub struct CProcess {
    id: u32,
    memory: *mut u32,
    words: u32,
    stored: CStored,
    state: u32,
    has_upcall: u32,
    upcall_function: u32,
    upcall_userdata: u32,
    has_pending: u32,
    pending: [u32; 3],
    has_allowed: u32,
    allowed_offset: u32,
    allowed_len: u32,
    argument: u32,
    protection: u32,
    domain: u32,
    code: CRegion,
    data: CRegion,
}

impl CProcess {
    /// Process `id` of the C kernel, which will start at `entry` on the top of `memory`.
    pub fn new<const WORDS: usize>(id: u32, memory: &'static mut [u32; WORDS], entry: extern "C" fn() -> !) -> Self {
        const { assert!(WORDS >= 8 && WORDS.is_multiple_of(2) && WORDS <= u32::MAX as usize) };
        assert!((memory.as_ptr() as usize).is_multiple_of(8), "a process stack must be 8-byte aligned (AAPCS)");
        let mut process = core::mem::MaybeUninit::<CProcess>::uninit();
        // SAFETY: `rig_c_process_init` writes every field of the `repr(C)` struct it is given
        // (a whole-struct assignment) and the last frame's eight words of `memory`, which is
        // exclusively ours for the program's life.
        unsafe {
            rig_c_process_init(process.as_mut_ptr(), id, memory.as_mut_ptr(), WORDS as u32, entry as usize as u32)
        };
        // SAFETY: the call above initialised every field, and the process satisfies the
        // invariant (frame inside memory, PC at `entry`).
        unsafe { process.assume_init() }
    }

    /// Confines the process with the MPU to `code` and its own memory, as `Process::isolate`
    /// does; a layout no region expresses is refused (the process then never runs).
    pub fn isolate(&mut self, code: Result<Region, LayoutError>) -> Result<(), LayoutError> {
        let data = covering(self.memory as usize as u32, self.words * 4);
        match code.and_then(|code| Ok((code, data?))) {
            Ok((code, data)) => {
                (self.protection, self.domain, self.code, self.data) = (C_ON, self.id, code.into(), data.into());
                Ok(())
            }
            Err(error) => {
                (self.protection, self.domain, self.state) = (C_REFUSED, domain::REFUSED, c_state::FAULTED);
                Err(error)
            }
        }
    }

    /// `c_state::*`.
    pub fn state(&self) -> u32 {
        self.state
    }

    /// The C kernel's step: deliver a due upcall, set the MPU up unless it is already, run the
    /// process until its next syscall or fault, carry the syscall out.
    #[inline(always)]
    pub fn step(&mut self) -> COutcome {
        // SAFETY: the invariant above holds (only `new` and C set the fields); the kernel runs
        // privileged on MSP with the image's SVC handler installed, which is what the C
        // `switch_to_user` (the Rust one's instructions) needs; the process comes back only
        // through `svc` or a fault, and the C code touches only this process's memory and the
        // shared boundary record (see `cortexm::context_switch::Boundary`).
        unsafe { rig_c_step(self) }
    }

    /// Steps until the process stops at a `yield` (a first entry starts at the top of its code).
    /// `Err` with the outcome if it faults or exits instead.
    pub fn until_yielded(&mut self) -> Result<(), COutcome> {
        while self.state != c_state::YIELDED {
            let outcome = self.step();
            if outcome.kind != c_outcome::SYSCALL || self.state == c_state::EXITED {
                return Err(outcome);
            }
        }
        Ok(())
    }
}

// The C side asserts the same sizes and domain values (kernel.c).
#[cfg(target_pointer_width = "32")]
const _: () = assert!(size_of::<CProcess>() == 128 && size_of::<COutcome>() == 16);
const _: () = assert!(domain::UNISOLATED == 0xFFFF_FFFE && domain::REFUSED == 0xFFFF_FFFD);

/// Two C-kernel processes taking turns (`struct rig_c_pair`).
#[repr(C)]
pub struct CPair {
    processes: [CProcess; 2],
    last: u32,
}

impl CPair {
    /// The pair; the first `run_next` runs process 0.
    pub fn new(processes: [CProcess; 2]) -> Self {
        Self { processes, last: u32::MAX }
    }

    /// The two processes.
    pub fn processes_mut(&mut self) -> &mut [CProcess; 2] {
        &mut self.processes
    }

    /// The C round-robin choice of the next runnable process and its step.
    #[inline(always)]
    pub fn run_next(&mut self) -> COutcome {
        // SAFETY: as `CProcess::step`, for whichever of the two processes C picks.
        unsafe { rig_c_run_next(self) }
    }
}

/// How many times the C kernel wrote MPU regions.
pub fn c_reconfigurations() -> u32 {
    // SAFETY: reads a C `static uint32_t` only the C kernel writes, from the kernel's thread.
    unsafe { rig_c_reconfigurations() }
}
