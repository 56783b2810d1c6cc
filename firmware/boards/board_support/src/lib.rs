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
    /// Source commit (`RIG_COMMIT` at build time: 12 hex digits, `-dirty` when the tree had
    /// changes), or "unknown".
    pub commit: &'static str,
    /// `rustc --version`, captured by the board's build script (`RIG_TOOLCHAIN`).
    pub toolchain: &'static str,
}

impl Identity {
    /// HELLO's payload for a board whose counter counts `unit` on a `cpu_hz` clock.
    pub fn hello(&self, unit: Unit, cpu_hz: u32) -> Hello<'static> {
        let (sample_buffer, sample_buffer_bytes) = command_loop::sample_buffer();
        Hello {
            unit,
            cpu_hz,
            sample_buffer,
            sample_buffer_bytes,
            firmware_version: self.firmware_version,
            board: self.board,
            commit: self.commit,
            toolchain: self.toolchain,
        }
    }
}

/// The magic that starts an image's identity block (see `identity!`).
pub const IMAGE_INFO_MAGIC: &str = "\0rig-image-info:1\0";

/// The `Identity` of the crate this is written in: `identity!("board_name")`. A macro so that
/// `env!` reads the bin crate's build environment, not this library's.
///
/// Board and commit live in one identity block in flash, `IMAGE_INFO_MAGIC` then NUL-separated
/// `key=value` fields and an empty field: the host reads it from the ELF before flashing, so an
/// image built for another board, or at another commit, is refused before it is flashed
/// (docs/protocol.md, "Image identity"). HELLO's `board` and `commit` are slices of that block,
/// which is what keeps it in the image.
#[macro_export]
macro_rules! identity {
    ($board:literal) => {{
        const INFO: &str = concat!("\0rig-image-info:1\0board=", $board, "\0commit=", env!("RIG_IMAGE_COMMIT"), "\0\0");
        $crate::Identity {
            board: $crate::image_info_field(INFO, "board="),
            firmware_version: env!("CARGO_PKG_VERSION"),
            commit: $crate::image_info_field(INFO, "commit="),
            toolchain: env!("RIG_TOOLCHAIN"),
        }
    }};
}

/// The value of `key` (spelt with its `=`) in an identity block; evaluated at compile time, so a
/// block without the key fails the build.
pub const fn image_info_field(info: &'static str, key: &str) -> &'static str {
    let bytes = info.as_bytes();
    let key = key.as_bytes();
    let mut start = 0;
    while start + key.len() <= bytes.len() {
        // A field starts after a NUL.
        if start > 0 && bytes[start - 1] == 0 && starts_with_at(bytes, start, key) {
            let (_, rest) = bytes.split_at(start + key.len());
            let mut end = 0;
            while rest[end] != 0 {
                end += 1;
            }
            let (value, _) = rest.split_at(end);
            return match core::str::from_utf8(value) {
                Ok(value) => value,
                Err(_) => panic!("identity block is not UTF-8"),
            };
        }
        start += 1;
    }
    panic!("identity block lacks a field")
}

const fn starts_with_at(bytes: &[u8], at: usize, prefix: &[u8]) -> bool {
    let mut i = 0;
    while i < prefix.len() {
        if bytes[at + i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}
