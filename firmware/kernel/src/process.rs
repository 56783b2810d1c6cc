//! A user process as the kernel sees it: memory, saved state, syscalls, upcalls.
//!
//! Board- and architecture-independent: the architecture implements
//! `UserspaceKernelBoundary` (enter the process, come back at its next `svc` or fault), and
//! this module decides what the process's stacked exception frame says and what the kernel
//! answers. Each process owns one memory region: its stack and data (held as `&mut [u32]`, so
//! reading the syscall and writing the answer are checked slice accesses), and a grant area the
//! kernel allocates from on its behalf (`allocator::Grants`).
//!
//! Isolation: `isolate` computes the process's MPU regions (its code: read and execute; its
//! stack and data: read and write, never execute; nothing else, so not its grant area) with
//! `memory_protection`, or refuses a layout no region can express; the architecture writes
//! them when it switches into the process. A process never isolated runs with the MPU off
//! (the baseline the `*_mpu` benchmarks are compared with).

use crate::allocator::Grants;
use crate::memory_protection::{FaultAccess, LayoutError, Region, covering};
use crate::syscall::{EINVAL, ENOSYS, Syscall, SyscallKind, command};
use crate::userspace_buffers::AllowedBuffer;

/// Words in a Cortex-M basic exception frame: r0-r3, r12, lr, pc, xPSR.
pub const FRAME_WORDS: usize = 8;
const FRAME_R0: usize = 0;
const FRAME_LR: usize = 5;
const FRAME_PC: usize = 6;
const FRAME_XPSR: usize = 7;
/// xPSR with only the Thumb bit set: the state a process starts in.
const XPSR_THUMB: u32 = 1 << 24;

pub use crate::syscall::number;

/// A process's memory: stack and data (word-aligned, 8-byte aligned as the AAPCS requires at
/// entry; the stack starts at the top), then `GRANT` bytes of grant area.
#[repr(C, align(8))]
pub struct ProcessRegion<const WORDS: usize, const GRANT: usize> {
    memory: [u32; WORDS],
    grants: [u8; GRANT],
}

impl<const WORDS: usize, const GRANT: usize> ProcessRegion<WORDS, GRANT> {
    /// A zeroed region (it goes in `.bss`).
    pub const fn new() -> Self {
        Self { memory: [0; WORDS], grants: [0; GRANT] }
    }
}

impl<const WORDS: usize, const GRANT: usize> Default for ProcessRegion<WORDS, GRANT> {
    fn default() -> Self {
        Self::new()
    }
}

/// Why a process stopped running for good (or, `Preempted`, came back without a syscall).
///
/// `repr(u32)`: a word-sized tag keeps every field word-aligned, so the fault is copied with word
/// moves (with the default layout the compiler packed the `FaultAccess` byte next to the tag and
/// copied the rest through a byte-wise `memcpy`: 250 instructions on `ctx/fault_recovery`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ProcessFault {
    /// The stack pointer it came back with is outside its memory or misaligned.
    StackPointer,
    /// It took an exception the kernel does not serve (a fault).
    Exception {
        /// Exception number (3 = HardFault, …).
        number: u32,
        /// Stacked PC: the faulting instruction.
        pc: u32,
        /// The architecture's fault status (the CFSR on ARMv7-M).
        status: u32,
    },
    /// It touched memory it does not own: the MPU stopped the access (MemManage).
    MemoryProtection {
        /// Stacked PC: the faulting instruction.
        pc: u32,
        /// The address it accessed (MMFAR; the PC for an instruction fetch); 0 when the core
        /// recorded none (stacking and unstacking faults). A plain word keeps the fault, and so
        /// every `step` result, as small as before isolation.
        address: u32,
        /// What kind of access it was.
        access: FaultAccess,
    },
    /// Its memory layout cannot be expressed as MPU regions: refused at start-up, never run.
    Layout(LayoutError),
    /// Not a fault: an interrupt took the processor back (`switch_to` only; `step` turns it into
    /// `SyscallKind::Preempted` and the process runs on).
    Preempted {
        /// Where the process's frame is (the interrupt stacked it): `step` checks and keeps it.
        stack_pointer: usize,
    },
}

/// Whether and how the MPU confines a process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// Not isolated: runs with the MPU off.
    Off,
    /// Isolated: these two regions and nothing else (the kernel keeps the default map).
    On {
        /// Its code: read and execute.
        code: Region,
        /// Its stack and data: read and write, never execute.
        data: Region,
    },
    /// Its layout cannot be expressed: it never runs.
    Refused(LayoutError),
}

/// Protection domains: which processes share an MPU set-up (`Process::domain`).
///
/// Every process that is not isolated is in `UNISOLATED` (they all run with the MPU off); an
/// isolated process is alone in the domain of its id (its own regions). The architecture keeps
/// the domain it set the MPU up for and does nothing when it enters a process of that domain
/// again, so switching between two processes that are not isolated costs the same comparison as
/// re-entering one. Ids of isolated processes must be unique and below `REFUSED`.
pub mod domain {
    /// The MPU off: every process that is not isolated.
    pub const UNISOLATED: u32 = u32::MAX - 1;
    /// A refused layout: never set up, so the architecture never finds the MPU ready for it.
    pub const REFUSED: u32 = u32::MAX - 2;
    /// What the architecture holds before it set anything up (matches no process).
    pub const NONE: u32 = u32::MAX;
}

/// Where a process is in its life.
///
/// `repr(u32)`: a tag word of its own, Yielded = 0 and Ready = 1, so `is_runnable` is one
/// comparison. Without it the tag is a niche in `ProcessFault`'s, Ready and Yielded land on
/// 4 and 5 (after the fault's four variants) and the scheduler's test takes two comparisons
/// (before isolation added two fault variants they were 2 and 3, one mask and compare).
/// Yielded is 0 because every `step` tests for it first (an upcall is delivered only at a
/// `yield`): a zero test is one `cbz`, a comparison with 1 was a `cmp` and a branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum State {
    /// Stopped at a `yield`: runs when scheduled, taking a pending upcall first.
    Yielded,
    /// Runs when scheduled (new, or back from a syscall other than yield).
    Ready,
    /// Called `exit` with this code.
    Exited(u32),
    /// Stopped by the kernel.
    Faulted(ProcessFault),
}

/// The architecture's half of a context switch.
pub trait UserspaceKernelBoundary {
    /// Runs `process` from its saved state until its next syscall, an interrupt or a fault,
    /// then returns to the kernel with the process's state saved again: `Ok` for a syscall,
    /// `ProcessFault::Preempted` for an interrupt (the process's stack pointer unchecked: `step`
    /// checks it), any other `ProcessFault` for a fault.
    fn switch_to(&self, process: &mut Process<'_>) -> Result<(), ProcessFault>;

    /// Process side: traps into the kernel with syscall `number` in r0 and returns the
    /// kernel's answer. Never runs an upcall, so it may keep r1-r3 live (the null syscall).
    fn syscall(number: u32) -> u32;

    /// Process side: syscall `number` with arguments in r1-r3. An upcall may run before it
    /// returns, so every caller-saved register counts as clobbered.
    fn syscall3(number: u32, a1: u32, a2: u32, a3: u32) -> u32;

    /// Process side: makes an access only the kernel may (privileged registers), to show
    /// that the kernel stops a faulting process and goes on.
    fn fault() -> !;

    /// The region of process code every isolated process may read and execute (`Err` when the
    /// image's layout cannot express it), for `Process::isolate`.
    fn code_region(&self) -> Result<Region, LayoutError>;

    /// Process side: loads the word at `address`. Only for processes the MPU confines (their
    /// accesses are checked); in privileged code it does nothing and returns 0.
    fn read_word(address: u32) -> u32;

    /// Process side: stores `value` at `address`; the same rules as `read_word`.
    fn write_word(address: u32, value: u32);

    /// Process side: branches to `address` (Thumb); the same rules as `read_word` (privileged,
    /// it loops instead).
    fn jump(address: u32) -> !;
}

/// A registered upcall: a function in the process and its userdata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Upcall {
    function: u32,
    userdata: u32,
}

/// What the architecture's switch loads before it enters a process and saves after: the
/// process's callee-saved registers r4-r11 and its stack pointer (the address of its stacked
/// exception frame), side by side so that one pointer hands both over. `repr(C)`: the switch
/// reads them at fixed offsets.
///
/// The stack pointer is kept as the address the hardware uses, not as an index into the
/// process's memory: the switch loads it with one instruction where base + 4 × index took three
/// (`syscall/null` pays it on every entry). The kernel's checked view of the frame derives the
/// index from it (`Process::frame`); `Process::set_stack_pointer` is the only writer after
/// `restart`, and it checks the address first. The fields are private and `Process::context`
/// hands the switch a raw pointer, so safe code can neither set the stack pointer nor swap one
/// process's stored state with another's.
#[repr(C)]
#[derive(Debug)]
pub struct StoredState {
    /// r4-r11 as the process last left them.
    registers: [u32; 8],
    /// The address of the process's stacked exception frame (its PSP).
    stack_pointer: usize,
}

impl StoredState {
    /// Where the switch finds `registers` (r4-r11, one `ldmia`/`stmia`).
    pub const REGISTERS_OFFSET: usize = core::mem::offset_of!(StoredState, registers);
    /// Where the switch finds the stack pointer.
    pub const STACK_POINTER_OFFSET: usize = core::mem::offset_of!(StoredState, stack_pointer);

    /// r4-r11 as the process last left them.
    pub fn registers(&self) -> &[u32; 8] {
        &self.registers
    }

    /// The address of the process's stacked exception frame.
    pub fn stack_pointer(&self) -> usize {
        self.stack_pointer
    }
}

/// A process: its memory, stacked frame, callee-saved registers r4-r11 and kernel state.
pub struct Process<'a> {
    id: u32,
    memory: &'a mut [u32],
    grant_region: &'a mut [u8],
    stored: StoredState,
    state: State,
    upcall: Option<Upcall>,
    pending_upcall: Option<[u32; 3]>,
    allowed: Option<AllowedBuffer>,
    protection: Protection,
    domain: u32,
    argument: u32,
}

impl<'a> Process<'a> {
    /// Process `id`, which will start at `entry` on the top of `region`'s memory.
    ///
    /// `entry` is a safe Rust function, so the process cannot break the kernel's memory
    /// safety by itself; that it stays within its memory is enforced only once `isolate`d.
    pub fn new<const WORDS: usize, const GRANT: usize>(
        id: u32,
        region: &'a mut ProcessRegion<WORDS, GRANT>,
        entry: extern "C" fn() -> !,
    ) -> Self {
        const { assert!(WORDS >= FRAME_WORDS && WORDS.is_multiple_of(2)) };
        let mut process = Self {
            id,
            memory: &mut region.memory,
            grant_region: &mut region.grants,
            stored: StoredState { registers: [0; 8], stack_pointer: 0 },
            state: State::Ready,
            upcall: None,
            pending_upcall: None,
            allowed: None,
            protection: Protection::Off,
            domain: domain::UNISOLATED,
            argument: 0,
        };
        process.restart(entry);
        process
    }

    /// Starts the process again at `entry` with a fresh frame, forgetting upcalls and buffers.
    pub fn restart(&mut self, entry: extern "C" fn() -> !) {
        let frame = self.memory.len() - FRAME_WORDS;
        self.memory[frame..].fill(0);
        self.memory[frame + FRAME_LR] = u32::MAX; // `entry` never returns; a return would fault.
        self.memory[frame + FRAME_PC] = entry as usize as u32 & !1; // stacked PC has no Thumb bit
        self.memory[frame + FRAME_XPSR] = XPSR_THUMB;
        self.stored = StoredState { registers: [0; 8], stack_pointer: self.address_of(frame) };
        self.state = match self.protection {
            Protection::Refused(error) => State::Faulted(ProcessFault::Layout(error)),
            _ => State::Ready,
        };
        self.upcall = None;
        self.pending_upcall = None;
        self.allowed = None;
    }

    /// Confines the process to `code` (from `UserspaceKernelBoundary::code_region`) and its
    /// own stack and data. A layout no region expresses is refused: the process is stopped with
    /// `ProcessFault::Layout` and never runs; the error is returned for the start-up LOG.
    pub fn isolate(&mut self, code: Result<Region, LayoutError>) -> Result<(), LayoutError> {
        let (start, len) = self.memory_range();
        let regions = code.and_then(|code| Ok((code, covering(start, len)?)));
        match regions {
            Ok((code, data)) => {
                self.protection = Protection::On { code, data };
                self.domain = self.id;
                Ok(())
            }
            Err(error) => {
                self.protection = Protection::Refused(error);
                self.domain = domain::REFUSED;
                self.stop(ProcessFault::Layout(error));
                Err(error)
            }
        }
    }

    /// Whether and how the MPU confines the process.
    #[inline(always)]
    pub fn protection(&self) -> &Protection {
        &self.protection
    }

    /// Its protection domain (`domain`): processes of one domain run with the same MPU set-up,
    /// so the architecture changes nothing when it switches between them.
    #[inline(always)]
    pub fn domain(&self) -> u32 {
        self.domain
    }

    /// Its stack and data: first byte and length (32-bit addresses, as the MPU sees them).
    pub fn memory_range(&self) -> (u32, u32) {
        (self.memory.as_ptr() as usize as u32, core::mem::size_of_val(self.memory) as u32)
    }

    /// Its grant area: first byte and length.
    pub fn grant_range(&self) -> (u32, u32) {
        (self.grant_region.as_ptr() as usize as u32, self.grant_region.len() as u32)
    }

    /// Sets the word `command::ARGUMENT` answers (what a probe app is to touch).
    pub fn set_argument(&mut self, argument: u32) {
        self.argument = argument;
    }

    /// The id the process was created with.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Where the process is in its life.
    pub fn state(&self) -> State {
        self.state
    }

    /// Whether the scheduler may run it.
    #[inline]
    pub fn is_runnable(&self) -> bool {
        matches!(self.state, State::Ready | State::Yielded)
    }

    /// An interrupt took the processor back with the process's frame at `stack_pointer`: it is
    /// checked like any other, and the process is runnable and not at a `yield` (an upcall must
    /// not rewrite its frame). Cold and out of line: inlined into `step`, this path shared
    /// registers and stores with the syscall's, and every syscall paid 1 to 3 instructions.
    #[cold]
    #[inline(never)]
    fn preempted(&mut self, stack_pointer: usize) -> Result<SyscallKind, ProcessFault> {
        if let Err(fault) = self.set_stack_pointer(stack_pointer as *const u32) {
            self.stop(fault);
            return Err(fault);
        }
        self.state = State::Ready;
        Ok(SyscallKind::Preempted)
    }

    /// Stops the process for good (the architecture saw it fault).
    pub fn stop(&mut self, fault: ProcessFault) {
        self.state = State::Faulted(fault);
    }

    /// The saved stack pointer and callee-saved registers, for the architecture's switch: a raw
    /// pointer, which only `unsafe` code can write through (a `&mut` would let safe code swap two
    /// processes' stored states and point the switch into the other's memory).
    ///
    /// The stack pointer is a plain address: the process's whole memory is exposed
    /// (`expose_provenance`, no code) here, on every entry, so the accesses the process and the
    /// exception entry make through it are accesses to memory this borrow hands over.
    #[inline(always)]
    pub fn context(&mut self) -> *mut StoredState {
        let _ = self.memory.as_mut_ptr().expose_provenance();
        &raw mut self.stored
    }

    /// The stored state, to read: r4-r11 and the stack pointer the next switch loads.
    pub fn stored(&self) -> &StoredState {
        &self.stored
    }

    /// The address of word `index` of the process's memory.
    fn address_of(&self, index: usize) -> usize {
        self.memory.as_ptr().wrapping_add(index) as usize
    }

    /// Where the stacked frame starts in the process's memory: `stack_pointer` as an index,
    /// in range by `restart` and `set_stack_pointer` (the slice accesses check it anyway).
    #[inline(always)]
    fn frame(&self) -> usize {
        self.stored.stack_pointer.wrapping_sub(self.memory.as_ptr() as usize) / 4
    }

    /// Records the stack pointer the process came back with, if it lies within its memory.
    #[inline]
    pub fn set_stack_pointer(&mut self, sp: *const u32) -> Result<(), ProcessFault> {
        let offset = (sp as usize).wrapping_sub(self.memory.as_ptr() as usize);
        let index = offset / 4;
        if !offset.is_multiple_of(4) || index + FRAME_WORDS > self.memory.len() {
            return Err(ProcessFault::StackPointer);
        }
        self.stored.stack_pointer = sp as usize;
        Ok(())
    }

    /// The syscall in the process's stacked frame.
    #[inline]
    pub fn syscall(&self) -> Syscall {
        let f = self.frame();
        Syscall::decode(self.memory[f..f + 4].first_chunk().expect("a frame holds r0-r3"))
    }

    /// Carries out the process's syscall and writes the answer into its stacked r0.
    #[inline]
    pub fn handle_syscall(&mut self) -> Syscall {
        let syscall = self.syscall();
        let answer = match syscall {
            Syscall::Null => 0,
            Syscall::Yield => {
                self.state = State::Yielded;
                0
            }
            Syscall::Subscribe { upcall: 0, function, userdata } => {
                self.upcall = Some(Upcall { function, userdata });
                0
            }
            Syscall::Subscribe { .. } => EINVAL,
            Syscall::Command { command, argument } => self.command(command, argument),
            Syscall::Allow { address, len } => {
                match AllowedBuffer::new(self.memory, widen(address, self.memory.as_ptr()), len as usize) {
                    Ok(buffer) => {
                        self.allowed = Some(buffer);
                        0
                    }
                    Err(_) => EINVAL,
                }
            }
            Syscall::Exit(code) => {
                self.state = State::Exited(code);
                0
            }
            Syscall::Unknown(_) => ENOSYS,
        };
        let f = self.frame();
        self.memory[f + FRAME_R0] = answer;
        syscall
    }

    /// The kernel's built-in driver (`syscall::command`).
    fn command(&self, command: u32, argument: u32) -> u32 {
        match command {
            command::PROCESS_ID => self.id,
            command::ALLOWED_LENGTH => self.allowed.map_or(EINVAL, |b| b.len() as u32),
            command::ECHO => argument.wrapping_add(1),
            command::ARGUMENT => self.argument,
            _ => ENOSYS,
        }
    }

    /// Queues upcall 0 with `arguments`; it runs when the process next comes out of `yield`.
    /// `false` (nothing queued) when the process has not subscribed.
    pub fn schedule_upcall(&mut self, arguments: [u32; 3]) -> bool {
        if self.upcall.is_none() {
            return false;
        }
        self.pending_upcall = Some(arguments);
        true
    }

    /// If the process is at a `yield` with an upcall queued, rewrites its frame so that it
    /// resumes in the upcall function, which returns to the instruction after the `svc`.
    #[inline]
    pub fn deliver_upcall(&mut self) {
        if self.state != State::Yielded {
            return;
        }
        // The queue first, one test where nothing is queued (a pending upcall implies a subscribed
        // one: `schedule_upcall` queues nothing otherwise); `(self.upcall,
        // self.pending_upcall.take())` loaded all seven words and cleared the queue first.
        let Some([a0, a1, a2]) = self.pending_upcall else {
            return;
        };
        let Some(upcall) = self.upcall else {
            return;
        };
        self.pending_upcall = None;
        let f = self.frame();
        let frame = &mut self.memory[f..f + FRAME_WORDS];
        frame[FRAME_LR] = frame[FRAME_PC] | 1;
        frame[FRAME_PC] = upcall.function & !1;
        frame[FRAME_R0..FRAME_R0 + 4].copy_from_slice(&[a0, a1, a2, upcall.userdata]);
        self.state = State::Ready;
    }

    /// The buffer the process allowed, borrowed from its memory.
    #[inline]
    pub fn allowed_buffer(&mut self) -> Option<&mut [u8]> {
        self.allowed?.bytes(self.memory)
    }

    /// An allocator over the process's grant area (grants live as long as this borrow).
    pub fn grants(&mut self) -> Grants<'_> {
        Grants::new(self.grant_region)
    }
}

/// A 32-bit process address as a pointer-sized one: the same on the target; on a 64-bit host
/// (tests) it is taken in the same 4 GiB as `near`. `u64` so the mask exists on both.
#[inline(always)]
fn widen(address: u32, near: *const u32) -> usize {
    ((near as usize as u64 & !0xFFFF_FFFF) | u64::from(address)) as usize
}

/// One kernel step for `process`: deliver a due upcall, run it until its next syscall, carry
/// that out. A fault (or a bad stack pointer) stops the process and is returned. An interrupt
/// that takes the processor back first is `SyscallKind::Preempted`: nothing is answered, and the
/// process, no longer at a `yield` (an upcall must not rewrite its frame), is `Ready` again.
#[inline]
pub fn step<B: UserspaceKernelBoundary>(boundary: &B, process: &mut Process<'_>) -> Result<SyscallKind, ProcessFault> {
    process.deliver_upcall();
    match boundary.switch_to(process) {
        Ok(()) => Ok(process.handle_syscall().kind()),
        Err(ProcessFault::Preempted { stack_pointer }) => process.preempted(stack_pointer),
        Err(fault) => {
            process.stop(fault);
            Err(fault)
        }
    }
}

#[cfg(test)]
mod tests;
