//! Host tests of processes: initial frame, syscalls, allow bounds, upcall delivery, faults.

use super::{FRAME_WORDS, Process, ProcessFault, ProcessRegion, State};
use crate::syscall::{EINVAL, ENOSYS, Syscall, SyscallKind, command, number};

extern "C" fn app() -> ! {
    // Never called on the host: only its address goes into the frame.
    loop {
        core::hint::spin_loop();
    }
}

/// Puts a frame with `registers` as r0-r3 at word `index` and points the process at it, as if
/// it had trapped there.
fn trap(p: &mut Process<'_>, index: usize, registers: [u32; 4]) {
    p.memory[index..index + 4].copy_from_slice(&registers);
    p.memory[index + 6] = 0x1000; // stacked PC after the `svc`
    let base = p.memory.as_ptr() as usize;
    p.set_stack_pointer((base + index * 4) as *const u32).unwrap();
}

fn r0(p: &Process<'_>) -> u32 {
    p.memory[p.frame()]
}

#[test]
fn a_new_process_has_an_initial_frame_at_the_top_of_its_memory() {
    let mut region = ProcessRegion::<16, 8>::new();
    let p = Process::new(1, &mut region, app);
    let stored = p.stored();
    assert_eq!(*stored.registers(), [0; 8]);
    let top = stored.stack_pointer() + FRAME_WORDS * 4;
    assert_eq!(p.state(), State::Ready);
    // `p`'s borrow of `region` ends at its last use above.
    assert_eq!(top, region.memory.as_ptr() as usize + 64);
    assert_eq!(region.memory[8..13], [0; 5]);
    assert_eq!(region.memory[13], u32::MAX);
    assert_eq!(region.memory[14], (app as extern "C" fn() -> !) as usize as u32 & !1);
    assert_eq!(region.memory[15], 1 << 24);
}

#[test]
fn a_stack_pointer_outside_the_memory_is_a_fault() {
    let mut region = ProcessRegion::<16, 0>::new();
    let mut p = Process::new(0, &mut region, app);
    let base = p.stored().stack_pointer() - 8 * 4;
    assert_eq!(p.set_stack_pointer((base + 2) as *const u32), Err(ProcessFault::StackPointer));
    assert_eq!(p.set_stack_pointer((base + 9 * 4) as *const u32), Err(ProcessFault::StackPointer));
    assert_eq!(p.set_stack_pointer((base - 4) as *const u32), Err(ProcessFault::StackPointer));
    assert_eq!(p.set_stack_pointer(base as *const u32), Ok(()));
}

#[test]
fn null_yield_command_and_unknown_syscalls_are_answered() {
    let mut region = ProcessRegion::<32, 0>::new();
    let mut p = Process::new(7, &mut region, app);
    trap(&mut p, 8, [number::NULL, 0, 0, 0]);
    assert_eq!(p.handle_syscall(), Syscall::Null);
    assert_eq!(r0(&p), 0);
    trap(&mut p, 8, [number::COMMAND, command::PROCESS_ID, 0, 0]);
    p.handle_syscall();
    assert_eq!(r0(&p), 7);
    trap(&mut p, 8, [number::COMMAND, command::ECHO, 41, 0]);
    p.handle_syscall();
    assert_eq!(r0(&p), 42);
    trap(&mut p, 8, [number::COMMAND, 99, 0, 0]);
    p.handle_syscall();
    assert_eq!(r0(&p), ENOSYS);
    trap(&mut p, 8, [42, 0, 0, 0]);
    assert_eq!(p.handle_syscall(), Syscall::Unknown(42));
    assert_eq!(r0(&p), ENOSYS);
    trap(&mut p, 8, [number::YIELD, 0, 0, 0]);
    p.handle_syscall();
    assert_eq!(p.state(), State::Yielded);
    assert!(p.is_runnable());
}

#[test]
fn allow_accepts_its_own_memory_and_refuses_anything_else() {
    let mut region = ProcessRegion::<32, 16>::new();
    let base = region.memory.as_ptr() as u32;
    let grants = region.grants.as_ptr() as u32;
    let mut p = Process::new(0, &mut region, app);
    trap(&mut p, 8, [number::ALLOW, base + 4, 8, 0]);
    p.handle_syscall();
    assert_eq!(r0(&p), 0);
    p.allowed_buffer().unwrap().copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(p.memory[1], u32::from_le_bytes([1, 2, 3, 4]));
    trap(&mut p, 8, [number::COMMAND, command::ALLOWED_LENGTH, 0, 0]);
    p.handle_syscall();
    assert_eq!(r0(&p), 8);
    // Past the end of its memory, into its own grant area, and before it: refused.
    for (address, len) in [(base + 120, 16), (grants, 4), (base - 4, 8), (base, u32::MAX)] {
        trap(&mut p, 8, [number::ALLOW, address, len, 0]);
        p.handle_syscall();
        assert_eq!(r0(&p), EINVAL, "allow {address:#x}+{len}");
    }
    // A refused allow keeps the buffer allowed before.
    assert_eq!(p.allowed_buffer().unwrap().len(), 8);
}

#[test]
fn an_upcall_runs_when_the_process_comes_out_of_yield_and_returns_after_its_svc() {
    let mut region = ProcessRegion::<32, 0>::new();
    let mut p = Process::new(0, &mut region, app);
    assert!(!p.schedule_upcall([1, 2, 3]));
    trap(&mut p, 8, [number::SUBSCRIBE, 0, 0x2001, 99]);
    p.handle_syscall();
    assert_eq!(r0(&p), 0);
    assert!(p.schedule_upcall([1, 2, 3]));
    // Not at a yield: nothing happens yet.
    p.deliver_upcall();
    assert_eq!(p.memory[8 + 6], 0x1000);
    trap(&mut p, 8, [number::YIELD, 0, 0, 0]);
    p.handle_syscall();
    p.deliver_upcall();
    assert_eq!(p.memory[8..12], [1, 2, 3, 99]);
    assert_eq!((p.memory[8 + 5], p.memory[8 + 6]), (0x1001, 0x2000));
    assert_eq!(p.state(), State::Ready);
    // Delivered once.
    p.state = State::Yielded;
    p.memory[8 + 6] = 0x1000;
    p.deliver_upcall();
    assert_eq!(p.memory[8 + 6], 0x1000);
    trap(&mut p, 8, [number::SUBSCRIBE, 1, 0x2001, 0]);
    p.handle_syscall();
    assert_eq!(r0(&p), EINVAL);
}

#[test]
fn exit_and_faults_stop_the_process_and_restart_revives_it() {
    let mut region = ProcessRegion::<32, 0>::new();
    let mut p = Process::new(0, &mut region, app);
    trap(&mut p, 8, [number::EXIT, 3, 0, 0]);
    assert_eq!(p.handle_syscall(), Syscall::Exit(3));
    assert_eq!(p.state(), State::Exited(3));
    assert!(!p.is_runnable());
    p.restart(app);
    assert_eq!(p.state(), State::Ready);
    let fault = ProcessFault::Exception { number: 3, pc: 0x400, status: 0x400 };
    p.stop(fault);
    assert_eq!(p.state(), State::Faulted(fault));
    assert!(!p.is_runnable());
}

#[test]
fn grants_come_from_the_process_region() {
    let mut region = ProcessRegion::<8, 64>::new();
    let (start, end) = (region.grants.as_ptr() as usize, region.grants.as_ptr() as usize + 64);
    let mut p = Process::new(0, &mut region, app);
    let mut grants = p.grants();
    let grant = grants.allocate(16, 4).unwrap();
    let at = grant.as_ptr() as usize;
    assert!(at >= start && at + 16 <= end);
    assert!(grants.allocate(64, 1).is_none());
}

/// A region aligned to its memory's size (1 KiB), as the fixture lays isolated processes out.
#[repr(C, align(1024))]
struct Aligned(ProcessRegion<256, 64>);

const CODE: crate::memory_protection::Region =
    crate::memory_protection::Region { base: 0x1000, size_log2: 12, subregions_disabled: 0 };

#[test]
fn an_isolated_process_gets_its_memory_as_one_region_and_not_its_grants() {
    let mut region = Box::new(Aligned(ProcessRegion::new()));
    let mut p = Process::new(6, &mut region.0, app);
    assert_eq!(*p.protection(), super::Protection::Off);
    assert_eq!(p.domain(), super::domain::UNISOLATED, "every process that is not isolated shares one domain");
    assert_eq!(p.isolate(Ok(CODE)), Ok(()));
    assert_eq!(p.domain(), 6, "an isolated process is alone in the domain of its id");
    let (start, len) = p.memory_range();
    let (grant_start, grant_len) = p.grant_range();
    assert_eq!((len, grant_len), (1024, 64));
    assert_eq!(grant_start, start + 1024);
    let super::Protection::On { code, data } = *p.protection() else { panic!("not isolated: {:?}", p.protection()) };
    assert_eq!(code, CODE);
    assert_eq!(data.enabled_range(), (u64::from(start), u64::from(start) + 1024));
    assert!(p.is_runnable());
}

/// The same region 8 bytes past a 1 KiB boundary: no MPU region holds its memory exactly.
#[repr(C, align(1024))]
struct Shifted {
    _pad: [u32; 2],
    region: ProcessRegion<256, 64>,
}

#[test]
fn a_layout_no_region_expresses_is_refused_and_the_process_never_runs() {
    let mut shifted = Box::new(Shifted { _pad: [0; 2], region: ProcessRegion::new() });
    let mut p = Process::new(7, &mut shifted.region, app);
    let (start, len) = p.memory_range();
    let error = p.isolate(Ok(CODE)).unwrap_err();
    assert_eq!(error, crate::memory_protection::LayoutError::NotExpressible { start, len });
    assert_eq!(p.state(), State::Faulted(ProcessFault::Layout(error)));
    assert!(!p.is_runnable());
    p.restart(app);
    assert!(!p.is_runnable(), "a refused process stays stopped across restarts");
    // A code region the image cannot express refuses every isolated process.
    let mut region = Box::new(Aligned(ProcessRegion::new()));
    let mut q = Process::new(8, &mut region.0, app);
    let bad = crate::memory_protection::LayoutError::NotExpressible { start: 0x104, len: 100 };
    assert_eq!(q.isolate(Err(bad)), Err(bad));
    assert_eq!(*q.protection(), super::Protection::Refused(bad));
    assert_eq!(q.domain(), super::domain::REFUSED);
    for never in [super::domain::UNISOLATED, super::domain::NONE] {
        assert_ne!(q.domain(), never, "the architecture must never find the MPU ready for a refused process");
    }
}

#[test]
fn the_argument_command_answers_what_the_kernel_set() {
    let mut region = ProcessRegion::<32, 0>::new();
    let mut p = Process::new(0, &mut region, app);
    p.set_argument(0x2000_1234);
    trap(&mut p, 8, [number::COMMAND, command::ARGUMENT, 0, 0]);
    p.handle_syscall();
    assert_eq!(r0(&p), 0x2000_1234);
}

/// A boundary whose process "runs" and is preempted by an interrupt: with its frame at word 8 of
/// its memory, or (`outside`) with a stack pointer outside it.
struct Preempting {
    outside: bool,
}

impl super::UserspaceKernelBoundary for Preempting {
    fn switch_to(&self, process: &mut Process<'_>) -> Result<(), ProcessFault> {
        let stack_pointer = if self.outside { 4 } else { process.memory.as_ptr() as usize + 8 * 4 };
        Err(ProcessFault::Preempted { stack_pointer })
    }
    fn syscall(_: u32) -> u32 {
        unreachable!()
    }
    fn syscall3(_: u32, _: u32, _: u32, _: u32) -> u32 {
        unreachable!()
    }
    fn fault() -> ! {
        unreachable!()
    }
    fn code_region(&self) -> Result<crate::memory_protection::Region, crate::memory_protection::LayoutError> {
        unreachable!()
    }
    fn read_word(_: u32) -> u32 {
        unreachable!()
    }
    fn write_word(_: u32, _: u32) {}
    fn jump(_: u32) -> ! {
        unreachable!()
    }
}

#[test]
fn a_preempted_process_is_not_answered_and_no_upcall_rewrites_its_frame() {
    let mut region = ProcessRegion::<32, 0>::new();
    let mut p = Process::new(0, &mut region, app);
    trap(&mut p, 8, [number::SUBSCRIBE, 0, 0x2001, 99]);
    p.handle_syscall();
    trap(&mut p, 8, [number::YIELD, 0, 0, 0]);
    p.handle_syscall();
    assert_eq!(p.state(), State::Yielded);
    // Resumed from its yield (no upcall queued), it is interrupted mid-computation: r0 holds
    // its own value, which the kernel must leave alone.
    let interrupted = [0xAAAA, 0xBBBB, 0xCCCC, 0xDDDD];
    p.memory[8..12].copy_from_slice(&interrupted);
    p.memory[8 + 6] = 0x1234;
    assert_eq!(super::step(&Preempting { outside: false }, &mut p), Ok(SyscallKind::Preempted));
    assert_eq!(p.memory[8..12], interrupted);
    assert_eq!(p.state(), State::Ready, "a preempted process is runnable, and not at a yield");
    assert!(p.is_runnable());
    // An upcall queued now waits for its next yield: the frame still resumes at 0x1234.
    assert!(p.schedule_upcall([1, 2, 3]));
    assert_eq!(super::step(&Preempting { outside: false }, &mut p), Ok(SyscallKind::Preempted));
    assert_eq!(p.memory[8..12], interrupted);
    assert_eq!(p.memory[8 + 6], 0x1234);
}

#[test]
fn a_preempted_process_whose_stack_pointer_is_outside_its_memory_is_stopped() {
    let mut region = ProcessRegion::<32, 0>::new();
    let mut p = Process::new(0, &mut region, app);
    assert_eq!(super::step(&Preempting { outside: true }, &mut p), Err(ProcessFault::StackPointer));
    assert_eq!(p.state(), State::Faulted(ProcessFault::StackPointer));
}
