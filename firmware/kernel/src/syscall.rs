//! The syscall ABI: numbers, arguments, answers, and their decoding from a stacked frame.
//!
//! A process traps with `svc` and passes the syscall number in r0 and up to three arguments in
//! r1-r3; the kernel answers in r0. Tock's classes, reduced: `yield`, `subscribe` (register an
//! upcall), `command` (ask a driver to do something), `allow` (share a buffer), `exit`, plus
//! the `null` syscall that measures the bare round trip.

/// Syscall numbers (r0; the `svc` immediate is ignored).
pub mod number {
    /// Does nothing and returns 0: the context-switch round trip, nothing else.
    pub const NULL: u32 = 0;
    /// Gives up the processor; pending upcalls are delivered on the way back.
    pub const YIELD: u32 = 1;
    /// r1 upcall number (0 only), r2 function address, r3 userdata: registers an upcall.
    pub const SUBSCRIBE: u32 = 2;
    /// r1 command, r2 argument: asks the kernel's built-in driver (see `command`).
    pub const COMMAND: u32 = 3;
    /// r1 address, r2 length: shares a buffer in the process's memory with the kernel.
    pub const ALLOW: u32 = 4;
    /// r1 exit code: the process ends.
    pub const EXIT: u32 = 5;
}

/// Commands of the kernel's built-in driver (`number::COMMAND`, r1).
pub mod command {
    /// Returns the process's id.
    pub const PROCESS_ID: u32 = 0;
    /// Returns the length of the allowed buffer.
    pub const ALLOWED_LENGTH: u32 = 1;
    /// Returns the argument plus one.
    pub const ECHO: u32 = 2;
    /// Returns the word the kernel set for this process (`Process::set_argument`).
    pub const ARGUMENT: u32 = 3;
}

/// Answer (r0) for a syscall or command number the kernel does not know.
pub const ENOSYS: u32 = u32::MAX;
/// Answer (r0) for arguments the kernel refuses (an out-of-range allow, an unknown upcall).
pub const EINVAL: u32 = u32::MAX - 1;

/// A syscall as the kernel decoded it from the process's stacked r0-r3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syscall {
    /// `number::NULL`.
    Null,
    /// `number::YIELD`.
    Yield,
    /// `number::SUBSCRIBE`.
    Subscribe {
        /// Which upcall (only 0 exists).
        upcall: u32,
        /// The function's address (Thumb bit set).
        function: u32,
        /// Passed back as the upcall's fourth argument.
        userdata: u32,
    },
    /// `number::COMMAND`.
    Command {
        /// Which command.
        command: u32,
        /// Its argument.
        argument: u32,
    },
    /// `number::ALLOW`.
    Allow {
        /// Start of the buffer in the process's memory.
        address: u32,
        /// Length in bytes.
        len: u32,
    },
    /// `number::EXIT`.
    Exit(u32),
    /// Anything else.
    Unknown(u32),
}

/// What brought a process back to the kernel, as `process::step` reports it: the kind of
/// syscall it made (already carried out: its arguments are not needed any more, and an exit
/// code is in the process's state), or a preemption.
///
/// A word, not the decoded `Syscall`: `step`'s result is then two words (this and the fault
/// tag it shares), written with one store where five words took four instructions on every
/// syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum SyscallKind {
    /// `number::NULL`.
    Null,
    /// `number::YIELD`.
    Yield,
    /// `number::SUBSCRIBE`.
    Subscribe,
    /// `number::COMMAND`.
    Command,
    /// `number::ALLOW`.
    Allow,
    /// `number::EXIT`.
    Exit,
    /// A number the kernel does not know.
    Unknown,
    /// Not a syscall: an interrupt (the preemption timer) took the processor back while the
    /// process ran. Nothing was answered and the process resumes where it was.
    Preempted,
}

impl Syscall {
    /// Its kind.
    #[inline]
    pub fn kind(&self) -> SyscallKind {
        match self {
            Self::Null => SyscallKind::Null,
            Self::Yield => SyscallKind::Yield,
            Self::Subscribe { .. } => SyscallKind::Subscribe,
            Self::Command { .. } => SyscallKind::Command,
            Self::Allow { .. } => SyscallKind::Allow,
            Self::Exit(_) => SyscallKind::Exit,
            Self::Unknown(_) => SyscallKind::Unknown,
        }
    }
}

impl Syscall {
    /// Decodes stacked r0-r3, reading an argument only in the arms that use it (taken by
    /// value, all four were loaded before the dispatch, whatever the syscall).
    #[inline]
    pub fn decode(registers: &[u32; 4]) -> Self {
        let [number, ..] = *registers;
        match number {
            number::NULL => Self::Null,
            number::YIELD => Self::Yield,
            number::SUBSCRIBE => {
                Self::Subscribe { upcall: registers[1], function: registers[2], userdata: registers[3] }
            }
            number::COMMAND => Self::Command { command: registers[1], argument: registers[2] },
            number::ALLOW => Self::Allow { address: registers[1], len: registers[2] },
            number::EXIT => Self::Exit(registers[1]),
            other => Self::Unknown(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Syscall, number};

    #[test]
    fn registers_decode_to_syscalls() {
        assert_eq!(Syscall::decode(&[number::NULL, 9, 9, 9]), Syscall::Null);
        assert_eq!(Syscall::decode(&[number::YIELD, 0, 0, 0]), Syscall::Yield);
        assert_eq!(
            Syscall::decode(&[number::SUBSCRIBE, 0, 0x101, 7]),
            Syscall::Subscribe { upcall: 0, function: 0x101, userdata: 7 }
        );
        assert_eq!(Syscall::decode(&[number::COMMAND, 2, 41, 0]), Syscall::Command { command: 2, argument: 41 });
        assert_eq!(Syscall::decode(&[number::ALLOW, 0x2000, 16, 0]), Syscall::Allow { address: 0x2000, len: 16 });
        assert_eq!(Syscall::decode(&[number::EXIT, 3, 0, 0]), Syscall::Exit(3));
        assert_eq!(Syscall::decode(&[42, 0, 0, 0]), Syscall::Unknown(42));
    }
}
