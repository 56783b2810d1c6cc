//! What the benchmarks operate on: the processes and the cell payloads.
//!
//! Everything lives in statics taken once through `kernel::allocator`, so the fixture holds
//! `'static` references and the same memory is measured on every repetition. Ten processes,
//! each with its own region: the null-syscall app (0), two yielding apps that take turns (1, 2),
//! the upcall app (3), the app that allows a buffer and owns the grants (4), the app that
//! faults (5), the probe that tries forbidden accesses (6), and the isolated twins of 0, 1 and
//! 2 (7, 8, 9) for the `*_mpu` rows; and, run by the C kernel path (`baseline_c`), process 0's
//! app and the pair again (10, 11, 12) for the `*_c` kernel rows, not isolated, like 0, 1, 2;
//! and a process that never yields with a yielding partner (13, 14, not isolated) for
//! `ctx/preempt` and the boot-time preemption check.
//!
//! Isolation: every process but 0, 1 and 2 is confined by the MPU (`Process::isolate`); those
//! three run with the MPU off, so `syscall/null` and `ctx/process_switch` keep measuring the
//! kernel without isolation and the `*_mpu` rows the same paths with it. Each region's memory
//! is aligned to its size (the `Aligned*` wrappers) so that it is one MPU region and its grant
//! area, right after it, stays outside.

use core::cell::Cell;
use core::marker::PhantomData;

use baseline_c::c_baseline::{CPair, CProcess, Payload};
use kernel::allocator::StaticRegion;
use kernel::cells::{MapCell, TakeCell};
use kernel::interrupts::InterruptController;
use kernel::memory_protection::LayoutError;
use kernel::process::{Process, ProcessRegion, UserspaceKernelBoundary};
use kernel::scheduler::RoundRobin;

use crate::apps;
use crate::platform::Platform;

/// Stack words of the small apps: an exception frame, an upcall's frame, little else.
const APP_WORDS: usize = 256;
/// Stack words of `userbuf_app`: its 1 KiB buffer and the rest.
const USERBUF_WORDS: usize = 512;
/// Grant bytes of `userbuf_app`: the largest `alloc/grant` request.
const GRANT_BYTES: usize = 1024;

/// Grant bytes of the probe: an area it must not reach.
const PROBE_GRANT_BYTES: usize = 256;

/// Memory aligned to 1 KiB: a small app's 1 KiB stack and data are one MPU region.
#[repr(C, align(1024))]
pub struct Aligned1K<T>(T);
/// Memory aligned to 2 KiB: `userbuf_app`'s 2 KiB stack and data are one MPU region.
#[repr(C, align(2048))]
pub struct Aligned2K<T>(T);

/// A payload at a word-aligned address, its type still byte-aligned. `memcpy` copies a word at a
/// time when source and destination share their alignment and shifts every word into place when
/// they do not (about 2.5 times the instructions at 256 B), so the `cell/copy` and
/// `cell_c/struct_copy` payloads sit on word boundaries, as the stack copies they are copied to
/// do, and the two sides' copies take the same path. The compilers still see `[u8; N]` and
/// `uint8_t[N]`: what code they emit does not change, only where the bytes are.
#[repr(C, align(4))]
pub struct WordAligned<T>(pub T);

/// A small app's region (no grants).
type AppRegion = Aligned1K<ProcessRegion<APP_WORDS, 0>>;

const fn app_region() -> AppRegion {
    Aligned1K(ProcessRegion::new())
}

static NULL_REGION: StaticRegion<AppRegion> = StaticRegion::new(app_region());
static PAIR_REGIONS: StaticRegion<[AppRegion; 2]> = StaticRegion::new([app_region(), app_region()]);
static UPCALL_REGION: StaticRegion<AppRegion> = StaticRegion::new(app_region());
static USERBUF_REGION: StaticRegion<Aligned2K<ProcessRegion<USERBUF_WORDS, GRANT_BYTES>>> =
    StaticRegion::new(Aligned2K(ProcessRegion::new()));
static FAULT_REGION: StaticRegion<AppRegion> = StaticRegion::new(app_region());
static PROBE_REGION: StaticRegion<Aligned1K<ProcessRegion<APP_WORDS, PROBE_GRANT_BYTES>>> =
    StaticRegion::new(Aligned1K(ProcessRegion::new()));
static NULL_MPU_REGION: StaticRegion<AppRegion> = StaticRegion::new(app_region());
static PAIR_MPU_REGIONS: StaticRegion<[AppRegion; 2]> = StaticRegion::new([app_region(), app_region()]);
static C_NULL_REGION: StaticRegion<Aligned1K<[u32; APP_WORDS]>> = StaticRegion::new(Aligned1K([0; APP_WORDS]));
static C_PAIR_REGIONS: StaticRegion<[Aligned1K<[u32; APP_WORDS]>; 2]> =
    StaticRegion::new([Aligned1K([0; APP_WORDS]), Aligned1K([0; APP_WORDS])]);
static PREEMPT_REGIONS: StaticRegion<[AppRegion; 2]> = StaticRegion::new([app_region(), app_region()]);
static C_PREEMPT_REGIONS: StaticRegion<[Aligned1K<[u32; APP_WORDS]>; 2]> =
    StaticRegion::new([Aligned1K([0; APP_WORDS]), Aligned1K([0; APP_WORDS])]);
static KERNEL_BUFFER: StaticRegion<[u8; apps::ALLOWED_BYTES]> = StaticRegion::new([0; apps::ALLOWED_BYTES]);

/// One payload size's containers for `cell/*` and `cell_c/*`.
pub struct Payloads<const N: usize> {
    /// `cell/copy`.
    pub copy: WordAligned<Cell<[u8; N]>>,
    /// `cell/takecell_map`.
    pub take: TakeCell<'static, [u8; N]>,
    /// `cell/mapcell_map`.
    pub map: MapCell<[u8; N]>,
    /// `cell/raw_mut`.
    pub raw: &'static mut [u8; N],
    /// `cell_c/*`.
    pub c: &'static mut Payload<N>,
}

/// Fixture fields by payload size, so one generic body serves every size.
pub trait HasPayload<const N: usize> {
    /// The containers of size `N`.
    fn payload(&mut self) -> &mut Payloads<N>;
}

macro_rules! payloads {
    ($($n:literal => $field:ident),*) => {
        $(
            impl Payloads<$n> {
                /// The containers, from statics of their own; `None` the second time.
                fn take_statics() -> Option<Self> {
                    static TAKE: StaticRegion<[u8; $n]> = StaticRegion::new([0; $n]);
                    static RAW: StaticRegion<[u8; $n]> = StaticRegion::new([0; $n]);
                    static C: StaticRegion<WordAligned<Payload<$n>>> =
                        StaticRegion::new(WordAligned(Payload { bytes: [0; $n] }));
                    Some(Self {
                        copy: WordAligned(Cell::new([0; $n])),
                        take: TakeCell::new(TAKE.take()?),
                        map: MapCell::new([0; $n]),
                        raw: RAW.take()?,
                        c: &mut C.take()?.0,
                    })
                }
            }

            impl<B: UserspaceKernelBoundary, P: Platform> HasPayload<$n> for Fixture<B, P> {
                fn payload(&mut self) -> &mut Payloads<$n> {
                    &mut self.$field
                }
            }
        )*

        /// The cell payloads of every size.
        struct AllPayloads {
            $($field: Payloads<$n>,)*
        }

        impl AllPayloads {
            fn take_statics() -> Option<Self> {
                Some(Self { $($field: Payloads::<$n>::take_statics()?,)* })
            }
        }
    };
}

payloads!(4 => p4, 16 => p16, 64 => p64, 256 => p256, 1024 => p1024);

/// The state benchmarks run against.
pub struct Fixture<B: UserspaceKernelBoundary, P: Platform> {
    /// The architecture's context switch.
    pub boundary: B,
    /// Process 0, looping on the null syscall (`syscall/null`).
    pub null_app: Process<'static>,
    /// Processes 1 and 2, taking turns through `yield` (`ctx/process_switch`).
    pub pair: [Process<'static>; 2],
    /// Chooses between `pair`.
    pub scheduler: RoundRobin,
    /// Process 3, receiving upcalls (`ctx/upcall`).
    pub upcall_app: Process<'static>,
    /// Process 4: its allowed buffer and its grants (`userbuf/*`, `alloc/grant`).
    pub userbuf_app: Process<'static>,
    /// Process 5, which faults (`ctx/fault_recovery`).
    pub fault_app: Process<'static>,
    /// Process 6, restarted as `read_app`, `write_app` or `execute_app` by the isolation check.
    pub probe: Process<'static>,
    /// Process 7: process 0's app, isolated (`syscall/null_mpu`).
    pub null_mpu_app: Process<'static>,
    /// Processes 8 and 9: the pair, isolated (`ctx/process_switch_mpu`).
    pub pair_mpu: [Process<'static>; 2],
    /// Chooses between `pair_mpu`.
    pub scheduler_mpu: RoundRobin,
    /// Process 10, process 0's app run by the C kernel path (`syscall_c/null`).
    pub c_null_app: CProcess,
    /// Processes 11 and 12, the pair run by the C kernel path (`ctx_c/process_switch`).
    pub c_pair: CPair,
    /// Process 13, spinning without yielding (`apps::spin_app`), and process 14, yielding: the
    /// timer preempts 13 and the scheduler switches to 14 (`ctx/preempt`).
    pub preempt_pair: [Process<'static>; 2],
    /// Chooses between `preempt_pair`.
    pub scheduler_preempt: RoundRobin,
    /// Processes 15 (spinning) and 16 (yielding), the preemption pair run by the C kernel path
    /// (`ctx_c/preempt`).
    pub c_preempt_pair: CPair,
    /// Layouts the MPU could not express, by process id (at most one per process).
    pub refused: [Option<(u32, LayoutError)>; 10],
    /// Kernel-side buffer `userbuf/*` copies to and from.
    pub kernel_buffer: &'static mut [u8; apps::ALLOWED_BYTES],
    /// Where TRIGGER frames go: `Platform::console`, taken once here (on the nRF52 a TX-only
    /// handle beside the command loop's own).
    pub console: P::Console,
    /// TRIGGER frames sent so far (their sample index).
    pub triggers: u16,
    /// Set once a host left a TRIGGER unanswered: later samples are not attempted.
    pub host_silent: bool,
    p4: Payloads<4>,
    p16: Payloads<16>,
    p64: Payloads<64>,
    p256: Payloads<256>,
    p1024: Payloads<1024>,
    platform: PhantomData<P>,
}

impl<B: UserspaceKernelBoundary, P: Platform> Fixture<B, P> {
    /// The fixture; `None` if it was already created (its statics are handed out once).
    ///
    /// Also unmasks the software-interrupt lines, tells the C handler which counter to read and
    /// takes the board's console for TRIGGER frames (`Platform::console`, its one call).
    pub fn new(boundary: B) -> Option<Self> {
        let [Aligned1K(first), Aligned1K(second)] = PAIR_REGIONS.take()?;
        let [Aligned1K(first_mpu), Aligned1K(second_mpu)] = PAIR_MPU_REGIONS.take()?;
        let [c_first, c_second] = C_PAIR_REGIONS.take()?;
        let [Aligned1K(spinner), Aligned1K(partner)] = PREEMPT_REGIONS.take()?;
        let [c_spinner, c_partner] = C_PREEMPT_REGIONS.take()?;
        let AllPayloads { p4, p16, p64, p256, p1024 } = AllPayloads::take_statics()?;
        let interrupts = P::interrupts();
        interrupts.enable(P::SOFTWARE_IRQ);
        interrupts.enable(P::C_IRQ);
        baseline_c::c_baseline::set_counter(interrupts.timestamp_address());
        let mut fixture = Self {
            null_app: Process::new(0, &mut NULL_REGION.take()?.0, apps::null_app::<B>),
            pair: [Process::new(1, first, apps::yield_app::<B>), Process::new(2, second, apps::yield_app::<B>)],
            scheduler: RoundRobin::new(),
            upcall_app: Process::new(3, &mut UPCALL_REGION.take()?.0, apps::upcall_app::<B>),
            userbuf_app: Process::new(4, &mut USERBUF_REGION.take()?.0, apps::userbuf_app::<B>),
            fault_app: Process::new(5, &mut FAULT_REGION.take()?.0, apps::fault_app::<B>),
            probe: Process::new(6, &mut PROBE_REGION.take()?.0, apps::read_app::<B>),
            null_mpu_app: Process::new(7, &mut NULL_MPU_REGION.take()?.0, apps::null_app::<B>),
            pair_mpu: [
                Process::new(8, first_mpu, apps::yield_app::<B>),
                Process::new(9, second_mpu, apps::yield_app::<B>),
            ],
            scheduler_mpu: RoundRobin::new(),
            c_null_app: CProcess::new(10, &mut C_NULL_REGION.take()?.0, apps::null_app::<B>),
            c_pair: CPair::new([
                CProcess::new(11, &mut c_first.0, apps::yield_app::<B>),
                CProcess::new(12, &mut c_second.0, apps::yield_app::<B>),
            ]),
            preempt_pair: [
                Process::new(13, spinner, apps::spin_app::<B>),
                Process::new(14, partner, apps::yield_app::<B>),
            ],
            scheduler_preempt: RoundRobin::new(),
            c_preempt_pair: CPair::new([
                CProcess::new(15, &mut c_spinner.0, apps::spin_app::<B>),
                CProcess::new(16, &mut c_partner.0, apps::yield_app::<B>),
            ]),
            refused: [None; 10],
            boundary,
            kernel_buffer: KERNEL_BUFFER.take()?,
            console: P::console(),
            triggers: 0,
            host_silent: false,
            p4,
            p16,
            p64,
            p256,
            p1024,
            platform: PhantomData,
        };
        fixture.isolate();
        Some(fixture)
    }

    /// Confines every process but 0, 1 and 2 with the MPU; a layout it cannot express is
    /// recorded in `refused` (the board LOGs it) and that process never runs.
    fn isolate(&mut self) {
        let code = self.boundary.code_region();
        let Self { upcall_app, userbuf_app, fault_app, probe, null_mpu_app, pair_mpu, refused, .. } = self;
        let [first, second] = pair_mpu;
        for process in [upcall_app, userbuf_app, fault_app, probe, null_mpu_app, first, second] {
            if let Err(error) = process.isolate(code) {
                refused[process.id() as usize] = Some((process.id(), error));
            }
        }
    }
}
