//! What every kernel-rig board image does once its hardware is up, written once: the command
//! loop (`serve`), LOG formatting (`log`), HELLO's build-time facts (`identity!`) and the fatal
//! path's PANIC frame (`fatal`). Generic over the board's console (`ByteSink + ByteSource`),
//! counter (`kernel::harness::Counter`), user/kernel boundary and `bench::Platform`.
//!
//! Why a library crate beside the boards rather than in `kernel` or `bench`: Tock keeps a board
//! crate as wiring and puts what several boards share in library crates next to them
//! (`boards/components`, and once `boards/nordic/nrf52dk_base`). This code is neither kernel
//! (it runs the benchmark suite, `bench`, and reads the Cortex-M fault registers, `cortexm`;
//! `kernel` depends on neither) nor a benchmark body (`bench` is what is measured and knows
//! nothing of the console's dispatch). So it sits above `kernel`, `cortexm` and `bench`, below
//! the boards, and names no chip: the board hands in its UART and counter.
//!
//! A board's `main` brings clocks, console and counter up, sends `IDENTITY.hello(..)`, then
//! calls `serve`. Its `#[panic_handler]` and `rig_fault` stay in the bin crate (one of each per
//! image, and the entry symbols are the trusted `no_mangle` kind) and call `fatal::panic` /
//! `fatal::fault` with a function that sets the console up again.
#![no_std]
#![forbid(unsafe_code)]

pub mod command_loop;
pub mod fatal;

pub use command_loop::{log, serve};

use kernel::protocol::messages::{Hello, Unit};

/// Who the image is, fixed at build time in the bin crate (see `identity!`).
pub struct Identity {
    /// Board name, as the host's board files spell it.
    pub board: &'static str,
    /// The bin crate's version.
    pub firmware_version: &'static str,
    /// Source commit (`RIG_COMMIT` at build time), or "unknown".
    pub commit: &'static str,
    /// `rustc --version`, captured by the board's build script (`RIG_TOOLCHAIN`).
    pub toolchain: &'static str,
}

impl Identity {
    /// HELLO's payload for a board whose counter counts `unit` on a `cpu_hz` clock.
    pub fn hello(&self, unit: Unit, cpu_hz: u32) -> Hello<'static> {
        Hello {
            unit,
            cpu_hz,
            firmware_version: self.firmware_version,
            board: self.board,
            commit: self.commit,
            toolchain: self.toolchain,
        }
    }
}

/// The `Identity` of the crate this is written in: `identity!("board_name")`. A macro so that
/// `env!` reads the bin crate's build environment, not this library's.
#[macro_export]
macro_rules! identity {
    ($board:expr) => {
        $crate::Identity {
            board: $board,
            firmware_version: env!("CARGO_PKG_VERSION"),
            commit: match option_env!("RIG_COMMIT") {
                Some(commit) => commit,
                None => "unknown",
            },
            toolchain: env!("RIG_TOOLCHAIN"),
        }
    };
}
