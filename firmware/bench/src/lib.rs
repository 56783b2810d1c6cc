//! The benchmark bodies kernel-rig runs on every board.
//!
//! Board-independent: each body is generic over the board's `Counter` and its
//! `UserspaceKernelBoundary`, and measures one operation between two counter reads with the
//! harness's `Sampler`. `all` is the table the board hands to the harness; names and
//! parameters are what the host reports.
#![no_std]
#![forbid(unsafe_code)]

pub mod apps;
pub mod cell;
pub mod counter;
pub mod fixture;
pub mod syscall;

pub use fixture::Fixture;

use kernel::harness::{Benchmark, Counter, Overhead};
use kernel::process::UserspaceKernelBoundary;

/// Payload size of the cell benchmarks, in bytes.
pub const PAYLOAD: usize = 64;

/// Number of benchmarks in `all`.
pub const COUNT: usize = 5;

/// Every benchmark, in the order they run.
pub fn all<C: Counter, B: UserspaceKernelBoundary>() -> [Benchmark<C, Fixture<B>>; COUNT] {
    let payload = PAYLOAD as u32;
    [
        Benchmark { name: "counter/overhead", parameter: 0, overhead: Overhead::Keep, body: counter::overhead },
        Benchmark { name: "syscall/null", parameter: 0, overhead: Overhead::Subtract, body: syscall::null },
        Benchmark { name: "cell/copy", parameter: payload, overhead: Overhead::Subtract, body: cell::copy },
        Benchmark {
            name: "cell/takecell_map",
            parameter: payload,
            overhead: Overhead::Subtract,
            body: cell::takecell_map,
        },
        Benchmark { name: "cell/raw_mut", parameter: payload, overhead: Overhead::Subtract, body: cell::raw_mut },
    ]
}
