//! Target → host messages, one function per row of the protocol's table.
//!
//! Each function builds the frame and writes it to a `ByteSink`. RESULT is the one message
//! whose size depends on the run: `result` sends as many samples as fit in one frame and
//! returns how many it took, so the caller can split a long run over several frames.

use super::frame::{ByteSink, Frame};
use super::{PROTOCOL_VERSION, kind};

/// The counter unit HELLO announces; samples are always in this unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Unit {
    /// CPU cycles (DWT CYCCNT on real boards).
    Cycles = 1,
    /// Guest instructions (QEMU `-icount`).
    Instructions = 2,
}

/// Who the firmware is: the payload of HELLO.
pub struct Hello<'a> {
    /// Unit of every sample this firmware sends.
    pub unit: Unit,
    /// CPU clock in Hz.
    pub cpu_hz: u32,
    /// Address of the buffer that holds the last benchmark's samples (the host reads it back).
    pub sample_buffer: u32,
    /// Its size in bytes.
    pub sample_buffer_bytes: u32,
    /// Firmware (board crate) version.
    pub firmware_version: &'a str,
    /// Board name, as the host's board files spell it.
    pub board: &'a str,
    /// Source commit the image was built from.
    pub commit: &'a str,
    /// `rustc --version` of the compiler that built it.
    pub toolchain: &'a str,
}

/// Sends HELLO.
pub fn hello(sink: &mut impl ByteSink, hello: &Hello<'_>) {
    let mut f = Frame::new(kind::HELLO);
    f.u8(PROTOCOL_VERSION).u8(hello.unit as u8).u32(hello.cpu_hz);
    f.u32(hello.sample_buffer).u32(hello.sample_buffer_bytes);
    f.str(hello.firmware_version).str(hello.board).str(hello.commit).str(hello.toolchain);
    // Four strings of at most 255 bytes each plus 6 bytes can exceed 512: a toolchain string
    // that long is cut rather than losing HELLO.
    let _ = f.send(sink);
}

/// Sends one RESULT with as many of `samples` as fit; returns how many were sent.
pub fn result(sink: &mut impl ByteSink, name: &str, parameter: u32, overhead: u32, samples: &[u32]) -> usize {
    let mut f = Frame::new(kind::RESULT);
    f.str(name).u32(parameter).u32(overhead);
    let fit = (f.remaining().saturating_sub(2) / 4).min(samples.len()).min(usize::from(u16::MAX));
    f.u16(fit as u16);
    for &sample in &samples[..fit] {
        f.u32(sample);
    }
    let _ = f.send(sink);
    fit
}

/// Sends DONE.
pub fn done(sink: &mut impl ByteSink, results: u16, status: u32) {
    let _ = Frame::new(kind::DONE).u16(results).u32(status).send(sink);
}

/// Sends PANIC.
pub fn panic(sink: &mut impl ByteSink, pc: u32, message: &str) {
    let _ = Frame::new(kind::PANIC).u32(pc).str(message).send(sink);
}

/// Sends LOG.
pub fn log(sink: &mut impl ByteSink, text: &str) {
    let _ = Frame::new(kind::LOG).str(text).send(sink);
}

/// How the host raises a TRIGGER's interrupt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum TriggerSource {
    /// The UART's receive interrupt: the host sends one byte (`0x55`) on the UART (QEMU).
    UartRx = 1,
    /// The host sets the line's NVIC ISPR pending bit through the debug probe while the core
    /// runs (real boards).
    NvicPending = 2,
}

/// Sends TRIGGER for sample `index`: raise external interrupt `irq` (0 = the first line after
/// SysTick) by way of `source`.
pub fn trigger(sink: &mut impl ByteSink, source: TriggerSource, irq: u16, index: u16) {
    let _ = Frame::new(kind::TRIGGER).u8(source as u8).u16(irq).u16(index).send(sink);
}

/// Sends PONG.
pub fn pong(sink: &mut impl ByteSink) {
    let _ = Frame::new(kind::PONG).send(sink);
}

#[cfg(test)]
mod tests {
    use super::{Hello, Unit};
    use crate::protocol::ByteSink;

    impl ByteSink for Vec<u8> {
        fn write_bytes(&mut self, bytes: &[u8]) {
            self.extend_from_slice(bytes);
        }
    }

    #[test]
    fn a_hello_frame_is_byte_exact() {
        let mut out = Vec::new();
        let h = Hello {
            unit: Unit::Instructions,
            cpu_hz: 25_000_000,
            sample_buffer: 0x2000_1000,
            sample_buffer_bytes: 4000,
            firmware_version: "0.1.0",
            board: "b",
            commit: "c",
            toolchain: "t",
        };
        super::hello(&mut out, &h);
        // Protocol version 4, unit instructions, 25 MHz, the sample buffer, then the strings.
        let payload = [
            4, 2, 0x40, 0x78, 0x7D, 0x01, 0x00, 0x10, 0x00, 0x20, 0xA0, 0x0F, 0x00, 0x00, 5, b'0', b'.', b'1', b'.',
            b'0', 1, b'b', 1, b'c', 1, b't',
        ];
        let mut expected = vec![0xA5, 0x5A, 0x01, payload.len() as u8, 0];
        expected.extend_from_slice(&payload);
        let crc = crate::protocol::crc::checksum(&expected[2..]);
        expected.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(out, expected);
        // Pinned independently of the encoder's own CRC code (Python's binascii.crc_hqx, CCITT from 0xFFFF).
        assert_eq!(&out[out.len() - 2..], &[0x9C, 0x20]);
    }

    #[test]
    fn a_long_result_sends_what_fits_and_says_how_many() {
        let mut out = Vec::new();
        let samples = [7u32; 1000];
        let sent = super::result(&mut out, "cell/copy", 64, 2, &samples);
        // 512 - (1 + 9) name - 4 - 4 - 2 = 492 bytes = 123 samples.
        assert_eq!(sent, 123);
        assert_eq!(out.len(), 5 + 512 + 2);
        assert_eq!(&out[5 + 10 + 8..5 + 10 + 10], &[123, 0]);
    }

    #[test]
    fn done_and_panic_payloads() {
        let mut out = Vec::new();
        super::done(&mut out, 3, 0);
        assert_eq!(&out[2..11], &[0x03, 6, 0, 3, 0, 0, 0, 0, 0]);
        out.clear();
        super::panic(&mut out, 0x1234, "boom");
        assert_eq!(&out[2..14], &[0x04, 9, 0, 0x34, 0x12, 0, 0, 4, b'b', b'o', b'o', b'm']);
    }

    #[test]
    fn trigger_frames_are_byte_exact() {
        let mut out = Vec::new();
        super::trigger(&mut out, super::TriggerSource::UartRx, 0, 5);
        // source 1, irq 0, index 5; CRC pinned independently of the encoder's own CRC code.
        assert_eq!(out, [0xA5, 0x5A, 0x07, 5, 0, 1, 0, 0, 5, 0, 0x25, 0xDA]);

        out.clear();
        super::trigger(&mut out, super::TriggerSource::NvicPending, 22, 0x0102);
        // source 2 (NVIC pending), irq 22, index 0x0102.
        assert_eq!(out, [0xA5, 0x5A, 0x07, 5, 0, 2, 22, 0, 2, 1, 0x7F, 0x81]);

        // Both bytes of the line are sent, low byte first.
        out.clear();
        super::trigger(&mut out, super::TriggerSource::NvicPending, 0x0123, 3);
        assert_eq!(&out[2..10], &[0x07, 5, 0, 2, 0x23, 0x01, 3, 0]);
    }
}
