//! The wire protocol between firmware and host (docs/protocol.md).
//!
//! Frames are `A5 5A type len(u16) payload crc16(type..payload)`, all little-endian. The target
//! encodes HELLO/RESULT/DONE/PANIC/LOG/PONG/TRIGGER (`frame`, `messages`) and decodes the host's
//! PING/RUN from a byte stream that may hold garbage (`decoder`).

pub mod crc;
pub mod decoder;
pub mod frame;
pub mod messages;

pub use decoder::{ByteSource, Command, CommandDecoder, DecodeError};
pub use frame::{ByteSink, Frame};

/// First sync byte.
pub const SYNC0: u8 = 0xA5;
/// Second sync byte.
pub const SYNC1: u8 = 0x5A;
/// Largest payload a frame may carry.
pub const MAX_PAYLOAD: usize = 512;
/// Sync (2) + type (1) + length (2).
pub const HEADER_LEN: usize = 5;
/// CRC-16 trailer.
pub const CRC_LEN: usize = 2;
/// Largest whole frame.
pub const MAX_FRAME: usize = HEADER_LEN + MAX_PAYLOAD + CRC_LEN;
/// Protocol version announced in HELLO (2: TRIGGER names the interrupt line; 3: HELLO names the
/// sample buffer; 4: RUN selects benchmarks by table row, not by name prefix).
pub const PROTOCOL_VERSION: u8 = 4;

/// Message types (the protocol's table, both directions).
pub mod kind {
    /// Target → host: firmware identity, sent once after reset.
    pub const HELLO: u8 = 0x01;
    /// Target → host: samples of one benchmark.
    pub const RESULT: u8 = 0x02;
    /// Target → host: end of a RUN.
    pub const DONE: u8 = 0x03;
    /// Target → host: the firmware panicked or faulted.
    pub const PANIC: u8 = 0x04;
    /// Target → host: free text.
    pub const LOG: u8 = 0x05;
    /// Target → host: answer to PING.
    pub const PONG: u8 = 0x06;
    /// Target → host: raise an interrupt from outside the core now.
    pub const TRIGGER: u8 = 0x07;
    /// Host → target: are you there?
    pub const PING: u8 = 0x81;
    /// Host → target: run benchmarks.
    pub const RUN: u8 = 0x82;
}
