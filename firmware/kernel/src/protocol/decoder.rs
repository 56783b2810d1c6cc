//! The host-command decoder: finds PING and RUN frames in a byte stream that may hold garbage.
//!
//! Bytes are `push`ed one at a time as the UART delivers them; `poll` then yields every frame
//! the buffer completes. Resynchronisation follows the protocol: while the buffer does not start
//! with `A5 5A`, or its length field is over 512, or its CRC fails, exactly one byte is dropped
//! and the search starts again, so a real frame hidden inside garbage is still found. A
//! truncated frame is resolved the same way once the bytes after it arrive.

use super::{CRC_LEN, HEADER_LEN, MAX_FRAME, MAX_PAYLOAD, SYNC0, SYNC1, crc, kind};

/// Where command bytes come from (the console UART); the receiving half of `ByteSink`.
pub trait ByteSource {
    /// Waits for and returns the next received byte.
    fn read_byte_blocking(&mut self) -> u8;
}

/// Largest repetition count RUN may ask for.
pub const MAX_REPETITIONS: u16 = 1000;

/// Largest selection RUN may carry, in bytes (one bit per benchmark: up to 512 benchmarks).
pub const MAX_SELECTION_BYTES: usize = 64;

/// Which benchmarks a RUN asks for, by their row in the benchmark table: bit `i % 8` of byte
/// `i / 8` selects row `i`. Empty selects every row. The host computes it from the catalogue it
/// read in the image and its regular expression (docs/protocol.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    bits: [u8; MAX_SELECTION_BYTES],
    len: u8,
}

impl Selection {
    /// Every benchmark.
    pub const ALL: Self = Self { bits: [0; MAX_SELECTION_BYTES], len: 0 };

    /// A selection from RUN's bytes, or `None` when it is longer than `MAX_SELECTION_BYTES`.
    pub fn new(bits: &[u8]) -> Option<Self> {
        if bits.len() > MAX_SELECTION_BYTES {
            return None;
        }
        let mut selection = Self::ALL;
        selection.bits[..bits.len()].copy_from_slice(bits);
        selection.len = bits.len() as u8;
        Some(selection)
    }

    /// The selection's bytes (empty = all).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bits[..usize::from(self.len)]
    }

    /// Whether table row `index` is selected.
    pub fn includes(&self, index: usize) -> bool {
        self.len == 0 || self.as_bytes().get(index / 8).is_some_and(|byte| byte & (1 << (index % 8)) != 0)
    }

    /// Whether the selection names a row at or past `rows` (a table the host did not read from
    /// this image): the firmware refuses such a RUN rather than run a different set.
    pub fn names_rows_past(&self, rows: usize) -> bool {
        (rows..usize::from(self.len) * 8).any(|index| self.includes(index))
    }
}

/// A decoded host command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Answer with PONG.
    Ping,
    /// Run every benchmark `selection` selects, `repetitions` samples each.
    Run {
        /// Samples per benchmark, 1..=1000.
        repetitions: u16,
        /// Rows of the benchmark table.
        selection: Selection,
    },
}

/// A frame arrived intact (its CRC matched) but is not a command this firmware understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A message type the host may not send.
    UnknownType(u8),
    /// A known type whose payload is malformed or out of range.
    BadPayload(u8),
}

/// Streaming decoder state: the bytes of at most one frame in progress.
pub struct CommandDecoder {
    buffer: [u8; MAX_FRAME],
    len: usize,
    dropped: u32,
}

impl Default for CommandDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl CommandDecoder {
    /// An empty decoder.
    pub const fn new() -> Self {
        Self { buffer: [0; MAX_FRAME], len: 0, dropped: 0 }
    }

    /// Bytes skipped as garbage so far.
    pub fn dropped(&self) -> u32 {
        self.dropped
    }

    /// Adds one received byte; call `poll` afterwards.
    pub fn push(&mut self, byte: u8) {
        // A buffer can never fill: a complete frame is always consumed by `poll` first.
        if self.len == MAX_FRAME {
            self.drop_first();
        }
        self.buffer[self.len] = byte;
        self.len += 1;
    }

    /// The next complete frame in the buffer, if any; garbage before it is dropped.
    pub fn poll(&mut self) -> Option<Result<Command, DecodeError>> {
        loop {
            let b = &self.buffer[..self.len];
            if b.is_empty() {
                return None;
            }
            if b[0] != SYNC0 || (b.len() >= 2 && b[1] != SYNC1) {
                self.drop_first();
                continue;
            }
            if b.len() < HEADER_LEN {
                return None;
            }
            let n = usize::from(u16::from_le_bytes([b[3], b[4]]));
            if n > MAX_PAYLOAD {
                self.drop_first();
                continue;
            }
            let total = HEADER_LEN + n + CRC_LEN;
            if b.len() < total {
                // Noise that reads as a header would hide the commands behind it until its
                // length is reached, for ever if the host then waits for an answer. A whole
                // frame with a good CRC starting inside it proves the header false (the host's
                // decoder has the same rule).
                if !whole_frame_inside(&b[1..]) {
                    return None;
                }
                self.drop_first();
                continue;
            }
            if !crc_matches(b, n) {
                self.drop_first();
                continue;
            }
            let command = parse(b[2], &b[HEADER_LEN..HEADER_LEN + n]);
            self.consume(total);
            return Some(command);
        }
    }

    fn drop_first(&mut self) {
        self.consume(1);
        self.dropped = self.dropped.wrapping_add(1);
    }

    fn consume(&mut self, count: usize) {
        self.buffer.copy_within(count..self.len, 0);
        self.len -= count;
    }
}

/// Does a complete frame with a good CRC start anywhere in `bytes`?
fn whole_frame_inside(bytes: &[u8]) -> bool {
    (0..bytes.len()).any(|at| {
        let b = &bytes[at..];
        if b.len() < HEADER_LEN + CRC_LEN || b[0] != SYNC0 || b[1] != SYNC1 {
            return false;
        }
        let n = usize::from(u16::from_le_bytes([b[3], b[4]]));
        n <= MAX_PAYLOAD && b.len() >= HEADER_LEN + n + CRC_LEN && crc_matches(b, n)
    })
}

/// Does the CRC after `frame`'s `n`-byte payload match its type, length and payload? `frame`
/// starts at the sync bytes and holds the whole frame.
fn crc_matches(frame: &[u8], n: usize) -> bool {
    let total = HEADER_LEN + n + CRC_LEN;
    crc::checksum(&frame[2..HEADER_LEN + n]) == u16::from_le_bytes([frame[total - 2], frame[total - 1]])
}

fn parse(message: u8, payload: &[u8]) -> Result<Command, DecodeError> {
    match message {
        kind::PING if payload.is_empty() => Ok(Command::Ping),
        kind::RUN => match payload {
            [r0, r1, len, bits @ ..] if bits.len() == usize::from(*len) => {
                let repetitions = u16::from_le_bytes([*r0, *r1]);
                match Selection::new(bits) {
                    Some(selection) if (1..=MAX_REPETITIONS).contains(&repetitions) => {
                        Ok(Command::Run { repetitions, selection })
                    }
                    _ => Err(DecodeError::BadPayload(message)),
                }
            }
            _ => Err(DecodeError::BadPayload(message)),
        },
        kind::PING => Err(DecodeError::BadPayload(message)),
        other => Err(DecodeError::UnknownType(other)),
    }
}

#[cfg(test)]
mod tests;
