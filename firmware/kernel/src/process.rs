//! A user process as the kernel sees it: its stack, saved registers, and syscalls.
//!
//! Board- and architecture-independent: the architecture implements
//! `UserspaceKernelBoundary` (enter the process, come back at its next `svc`), and this module
//! decides what the process's stacked exception frame says and what the kernel answers. The
//! frame lives in the process's own stack, which the kernel holds as a `&mut [u32]`, so reading
//! the syscall number and writing the return value are checked slice accesses, not raw pointers.

/// Words in a Cortex-M basic exception frame: r0-r3, r12, lr, pc, xPSR.
pub const FRAME_WORDS: usize = 8;
const FRAME_R0: usize = 0;
const FRAME_LR: usize = 5;
const FRAME_PC: usize = 6;
const FRAME_XPSR: usize = 7;
/// xPSR with only the Thumb bit set: the state a process starts in.
const XPSR_THUMB: u32 = 1 << 24;

/// Syscall numbers (passed in r0; the `svc` immediate is ignored).
pub mod number {
    /// Does nothing and returns 0: the context-switch round trip, nothing else.
    pub const NULL: u32 = 0;
}

/// Value returned in r0 for a syscall number the kernel does not know.
pub const ENOSYS: u32 = u32::MAX;

/// A process stack: word-aligned storage, 8-byte aligned as the AAPCS requires at entry.
#[repr(C, align(8))]
pub struct ProcessStack<const WORDS: usize>(pub [u32; WORDS]);

/// A syscall the process made, decoded from its stacked r0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syscall {
    /// `number::NULL`.
    Null,
    /// Anything else.
    Unknown(u32),
}

/// What went wrong with a process's saved state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessFault {
    /// The stack pointer it came back with is outside its stack or misaligned.
    StackPointer,
}

/// The architecture's half of a context switch.
pub trait UserspaceKernelBoundary {
    /// Runs `process` from its saved state until its next syscall, then returns to the kernel
    /// with the process's state saved again.
    fn switch_to(&self, process: &mut Process<'_>) -> Result<(), ProcessFault>;

    /// Process side: traps into the kernel with syscall `number` in r0 and returns the kernel's
    /// answer. Only process code calls this.
    fn syscall(number: u32) -> u32;
}

/// A process: its stack (holding its stacked frame) and its callee-saved registers r4-r11.
pub struct Process<'a> {
    stack: &'a mut [u32],
    frame: usize,
    registers: [u32; 8],
}

impl<'a> Process<'a> {
    /// A process that will start at `entry` on `stack`.
    ///
    /// `entry` is a safe Rust function, so the process cannot break the kernel's memory
    /// safety by itself; what is not enforced here (there is no MPU set-up) is that it stays
    /// within its stack.
    pub fn new<const WORDS: usize>(stack: &'a mut ProcessStack<WORDS>, entry: extern "C" fn() -> !) -> Self {
        const { assert!(WORDS >= FRAME_WORDS && WORDS % 2 == 0) };
        let stack = &mut stack.0[..];
        let frame = stack.len() - FRAME_WORDS;
        stack[frame..].fill(0);
        stack[frame + FRAME_LR] = u32::MAX; // `entry` never returns; a return would fault.
        stack[frame + FRAME_PC] = entry as usize as u32 & !1; // stacked PC has no Thumb bit
        stack[frame + FRAME_XPSR] = XPSR_THUMB;
        Self { stack, frame, registers: [0; 8] }
    }

    /// The saved stack pointer and callee-saved registers, for the architecture's switch.
    pub fn context(&mut self) -> (*mut u32, &mut [u32; 8]) {
        // `wrapping_add` from the whole stack keeps the pointer's provenance over all of it:
        // the process pushes its next frame below this address.
        (self.stack.as_mut_ptr().wrapping_add(self.frame), &mut self.registers)
    }

    /// Records the stack pointer the process came back with, if it lies within its stack.
    #[inline]
    pub fn set_stack_pointer(&mut self, sp: *const u32) -> Result<(), ProcessFault> {
        let offset = (sp as usize).wrapping_sub(self.stack.as_ptr() as usize);
        let index = offset / 4;
        if offset % 4 != 0 || index + FRAME_WORDS > self.stack.len() {
            return Err(ProcessFault::StackPointer);
        }
        self.frame = index;
        Ok(())
    }

    /// The syscall in the process's stacked frame.
    #[inline]
    pub fn syscall(&self) -> Syscall {
        match self.stack[self.frame + FRAME_R0] {
            number::NULL => Syscall::Null,
            other => Syscall::Unknown(other),
        }
    }

    /// Decides the process's syscall and writes the answer into its stacked r0.
    #[inline]
    pub fn handle_syscall(&mut self) -> Syscall {
        let syscall = self.syscall();
        self.stack[self.frame + FRAME_R0] = match syscall {
            Syscall::Null => 0,
            Syscall::Unknown(_) => ENOSYS,
        };
        syscall
    }
}

#[cfg(test)]
mod tests {
    use super::{ENOSYS, FRAME_WORDS, Process, ProcessFault, ProcessStack, Syscall};

    extern "C" fn app() -> ! {
        loop {}
    }

    #[test]
    fn a_new_process_has_an_initial_frame_at_the_top_of_its_stack() {
        let mut stack = ProcessStack([0xEEEE_EEEE; 16]);
        let mut p = Process::new(&mut stack, app);
        let (sp, regs) = p.context();
        assert_eq!(*regs, [0; 8]);
        let top = sp as usize + FRAME_WORDS * 4;
        drop(p);
        assert_eq!(top, stack.0.as_ptr() as usize + 64);
        assert_eq!(stack.0[8..13], [0; 5]);
        assert_eq!(stack.0[13], u32::MAX);
        assert_eq!(stack.0[14], (app as extern "C" fn() -> !) as usize as u32 & !1);
        assert_eq!(stack.0[15], 1 << 24);
    }

    #[test]
    fn a_stack_pointer_outside_the_stack_is_a_fault() {
        let mut stack = ProcessStack([0; 16]);
        let mut p = Process::new(&mut stack, app);
        let base = p.context().0 as usize - 8 * 4;
        assert_eq!(p.set_stack_pointer((base + 2) as *const u32), Err(ProcessFault::StackPointer));
        assert_eq!(p.set_stack_pointer((base + 9 * 4) as *const u32), Err(ProcessFault::StackPointer));
        assert_eq!(p.set_stack_pointer((base - 4) as *const u32), Err(ProcessFault::StackPointer));
        assert_eq!(p.set_stack_pointer(base as *const u32), Ok(()));
    }

    #[test]
    fn a_null_syscall_returns_zero_and_an_unknown_one_enosys() {
        let mut stack = ProcessStack([0; 16]);
        let base = stack.0.as_ptr() as usize;
        stack.0[4] = 0; // r0 of a frame at word 4
        let mut p = Process::new(&mut stack, app);
        p.set_stack_pointer((base + 16) as *const u32).unwrap();
        assert_eq!(p.handle_syscall(), Syscall::Null);
        p.set_stack_pointer((base + 32) as *const u32).unwrap();
        // word 8 is the initial frame's r0 (0); make it unknown through the same path.
        p.stack[8] = 42;
        assert_eq!(p.handle_syscall(), Syscall::Unknown(42));
        assert_eq!(p.stack[8], ENOSYS);
    }
}
