//! What the benchmarks operate on: the user process and the cell payloads.
//!
//! Everything lives in statics taken once through `kernel::allocator`, so the fixture holds
//! `'static` references and the same memory is measured on every repetition.

use core::cell::Cell;

use kernel::allocator::StaticRegion;
use kernel::cells::TakeCell;
use kernel::process::{Process, ProcessStack, UserspaceKernelBoundary};

use crate::PAYLOAD;

/// Words of stack for the null-syscall process: its exception frame and little else.
pub const APP_STACK_WORDS: usize = 256;

static APP_STACK: StaticRegion<ProcessStack<APP_STACK_WORDS>> = StaticRegion::new(ProcessStack([0; APP_STACK_WORDS]));
static TAKE_CELL_PAYLOAD: StaticRegion<[u8; PAYLOAD]> = StaticRegion::new([0; PAYLOAD]);
static RAW_PAYLOAD: StaticRegion<[u8; PAYLOAD]> = StaticRegion::new([0; PAYLOAD]);

/// The state benchmarks run against.
pub struct Fixture<B: UserspaceKernelBoundary> {
    /// The architecture's context switch.
    pub boundary: B,
    /// A process looping on the null syscall (`apps::null_app`).
    pub null_app: Process<'static>,
    /// Payload for `cell/copy`.
    pub copy_cell: Cell<[u8; PAYLOAD]>,
    /// Payload for `cell/takecell_map`.
    pub take_cell: TakeCell<'static, [u8; PAYLOAD]>,
    /// Payload for `cell/raw_mut`.
    pub raw: &'static mut [u8; PAYLOAD],
}

impl<B: UserspaceKernelBoundary> Fixture<B> {
    /// The fixture; `None` if it was already created (its statics are handed out once).
    pub fn new(boundary: B) -> Option<Self> {
        let stack = APP_STACK.take()?;
        Some(Self {
            boundary,
            null_app: Process::new(stack, crate::apps::null_app::<B>),
            copy_cell: Cell::new([0; PAYLOAD]),
            take_cell: TakeCell::new(TAKE_CELL_PAYLOAD.take()?),
            raw: RAW_PAYLOAD.take()?,
        })
    }
}
