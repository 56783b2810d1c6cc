//! Round-robin scheduling: the next process that can run, after the one that ran last.
//!
//! A process runs until its next syscall, or until an interrupt (the board's preemption timer,
//! never the counter) takes the processor back (`SyscallKind::Preempted`); `yield` hands the
//! processor on. A preempted process is runnable and comes round again in turn.
//! Exited and faulted processes are skipped for good.

use crate::process::Process;

/// Round-robin over a slice of processes.
///
/// It keeps the index to try first (the one after the last chosen), not an `Option` of the last
/// one: no "none yet" case to test on every choice (`cmp`, `it`, `mvnne` in `ctx/process_switch`).
#[derive(Clone, Copy, Debug, Default)]
pub struct RoundRobin {
    next: usize,
}

impl RoundRobin {
    /// A scheduler that starts with process 0.
    pub const fn new() -> Self {
        Self { next: 0 }
    }

    /// Index of the next runnable process after the last one chosen, wrapping around;
    /// `None` when none can run.
    #[inline]
    pub fn next(&mut self, processes: &[Process<'_>]) -> Option<usize> {
        let count = processes.len();
        let first = self.next;
        let chosen = (0..count).map(|i| (first + i) % count).find(|&i| processes[i].is_runnable())?;
        self.next = chosen + 1;
        Some(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::RoundRobin;
    use crate::process::{Process, ProcessFault, ProcessRegion};

    extern "C" fn app() -> ! {
        // Never called on the host: only its address goes into the frame.
        loop {
            core::hint::spin_loop();
        }
    }

    #[test]
    fn round_robin_visits_every_runnable_process_in_order() {
        let (mut a, mut b, mut c) =
            (ProcessRegion::<16, 0>::new(), ProcessRegion::<16, 0>::new(), ProcessRegion::<16, 0>::new());
        let processes = [Process::new(0, &mut a, app), Process::new(1, &mut b, app), Process::new(2, &mut c, app)];
        let mut scheduler = RoundRobin::new();
        let order: Vec<_> = (0..7).map(|_| scheduler.next(&processes).unwrap()).collect();
        assert_eq!(order, [0, 1, 2, 0, 1, 2, 0]);
    }

    #[test]
    fn exited_and_faulted_processes_are_skipped() {
        let (mut a, mut b, mut c) =
            (ProcessRegion::<16, 0>::new(), ProcessRegion::<16, 0>::new(), ProcessRegion::<16, 0>::new());
        let mut processes = [Process::new(0, &mut a, app), Process::new(1, &mut b, app), Process::new(2, &mut c, app)];
        processes[1].stop(ProcessFault::StackPointer);
        let mut scheduler = RoundRobin::new();
        let order: Vec<_> = (0..4).map(|_| scheduler.next(&processes).unwrap()).collect();
        assert_eq!(order, [0, 2, 0, 2]);
        processes[0].stop(ProcessFault::StackPointer);
        processes[2].stop(ProcessFault::StackPointer);
        assert_eq!(scheduler.next(&processes), None);
    }
}
