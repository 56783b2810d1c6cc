//! The frame encoder: a payload is built in place, then sealed with length and CRC.
//!
//! One fixed buffer of `MAX_FRAME` bytes, no allocation. Writes past `MAX_PAYLOAD` are dropped
//! and remembered, so a caller that ignores sizes gets an error from `bytes`, never a
//! corrupt frame. `remaining` lets a caller size a payload (samples per RESULT) up front.

use super::{CRC_LEN, HEADER_LEN, MAX_FRAME, MAX_PAYLOAD, SYNC0, SYNC1, crc};

/// Where encoded frames go (a UART, or a buffer in tests).
pub trait ByteSink {
    /// Sends `bytes` in order, blocking until they are accepted.
    fn write_bytes(&mut self, bytes: &[u8]);
}

/// A frame too long for the protocol was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayloadTooLong;

/// One frame under construction.
pub struct Frame {
    buffer: [u8; MAX_FRAME],
    payload_len: usize,
    overflowed: bool,
}

impl Frame {
    /// An empty frame of message type `kind`.
    pub fn new(kind: u8) -> Self {
        let mut buffer = [0; MAX_FRAME];
        buffer[..3].copy_from_slice(&[SYNC0, SYNC1, kind]);
        Self { buffer, payload_len: 0, overflowed: false }
    }

    /// Payload bytes still free.
    pub fn remaining(&self) -> usize {
        MAX_PAYLOAD - self.payload_len
    }

    /// Appends raw payload bytes.
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        if bytes.len() > self.remaining() {
            self.overflowed = true;
        } else {
            let start = HEADER_LEN + self.payload_len;
            self.buffer[start..start + bytes.len()].copy_from_slice(bytes);
            self.payload_len += bytes.len();
        }
        self
    }

    /// Appends a `u8`.
    pub fn u8(&mut self, value: u8) -> &mut Self {
        self.raw(&[value])
    }

    /// Appends a little-endian `u16`.
    pub fn u16(&mut self, value: u16) -> &mut Self {
        self.raw(&value.to_le_bytes())
    }

    /// Appends a little-endian `u32`.
    pub fn u32(&mut self, value: u32) -> &mut Self {
        self.raw(&value.to_le_bytes())
    }

    /// Appends a `str` (u8 length + UTF-8), cut at a character boundary to fit 255 bytes.
    pub fn str(&mut self, text: &str) -> &mut Self {
        let text = truncate_utf8(text, usize::from(u8::MAX));
        self.u8(text.len() as u8).raw(text.as_bytes())
    }

    /// The sealed frame: length and CRC filled in.
    pub fn bytes(&mut self) -> Result<&[u8], PayloadTooLong> {
        if self.overflowed {
            return Err(PayloadTooLong);
        }
        let n = self.payload_len;
        self.buffer[3..5].copy_from_slice(&(n as u16).to_le_bytes());
        let end = HEADER_LEN + n;
        let crc = crc::checksum(&self.buffer[2..end]);
        self.buffer[end..end + CRC_LEN].copy_from_slice(&crc.to_le_bytes());
        Ok(&self.buffer[..end + CRC_LEN])
    }

    /// Seals the frame and writes it to `sink`.
    pub fn send(&mut self, sink: &mut impl ByteSink) -> Result<(), PayloadTooLong> {
        sink.write_bytes(self.bytes()?);
        Ok(())
    }
}

/// A fixed-size text buffer for formatting LOG (and PANIC) messages, `N` bytes long (120 unless
/// said otherwise); text that does not fit is cut at a character boundary.
pub struct TextBuffer<const N: usize = TEXT_LEN> {
    bytes: [u8; N],
    len: usize,
}

/// Longest text a `TextBuffer` keeps by default.
const TEXT_LEN: usize = 120;

impl<const N: usize> TextBuffer<N> {
    /// An empty buffer.
    pub const fn new() -> Self {
        Self { bytes: [0; N], len: 0 }
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        // Only whole characters are ever copied in.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> Default for TextBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> core::fmt::Write for TextBuffer<N> {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        let text = truncate_utf8(text, N - self.len);
        self.bytes[self.len..self.len + text.len()].copy_from_slice(text.as_bytes());
        self.len += text.len();
        Ok(())
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn truncate_utf8(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::{Frame, PayloadTooLong, truncate_utf8};
    use crate::protocol::{MAX_PAYLOAD, crc, kind};

    #[test]
    fn an_empty_frame_is_header_and_crc() {
        let mut f = Frame::new(kind::PONG);
        let crc = crc::checksum(&[0x06, 0, 0]).to_le_bytes();
        assert_eq!(f.bytes().unwrap(), &[0xA5, 0x5A, 0x06, 0, 0, crc[0], crc[1]]);
    }

    #[test]
    fn integers_are_little_endian_and_strings_length_prefixed() {
        let mut f = Frame::new(kind::LOG);
        f.u16(0x0102).u32(0x0304_0506).str("hi");
        let bytes = f.bytes().unwrap();
        assert_eq!(&bytes[3..5], &[9, 0]);
        assert_eq!(&bytes[5..14], &[2, 1, 6, 5, 4, 3, 2, b'h', b'i']);
    }

    #[test]
    fn strings_are_cut_at_255_bytes_on_a_character_boundary() {
        let long = "é".repeat(200); // 400 bytes
        let mut f = Frame::new(kind::LOG);
        f.str(&long);
        let bytes = f.bytes().unwrap();
        assert_eq!(bytes[5], 254);
        assert_eq!(truncate_utf8("abc", 2), "ab");
    }

    #[test]
    fn a_payload_over_512_bytes_is_an_error() {
        let mut f = Frame::new(kind::LOG);
        f.raw(&[0; MAX_PAYLOAD]);
        assert_eq!(f.remaining(), 0);
        assert!(f.bytes().is_ok());
        f.u8(1);
        assert_eq!(f.bytes(), Err(PayloadTooLong));
    }
}
