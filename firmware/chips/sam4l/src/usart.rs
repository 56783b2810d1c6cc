//! USART in asynchronous mode, polled: the EDBG virtual COM port's UART.
//!
//! Datasheet chapter "Universal Synchronous Asynchronous Receiver Transmitter (USART)".
//! Clocked from CLK_USART = the APBA clock (MR.USCLKS = 0) with 16× oversampling (MR.OVER = 0),
//! the baud rate is f / (16 × (CD + FP/8)), so BRGR gets the nearest eighth:
//! CD + FP/8 = round(f / (2 × baud)) / 8. At 48 MHz and 115200 baud that is CD = 26, FP = 0:
//! 115385 baud, +0.16 %. 8 data bits (CHRL = 3), no parity (PAR = 4), one stop bit.

use kernel::protocol::{ByteSink, ByteSource};
use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, WriteOnly, Writeable};

register_bitfields![
    /// CR: control (write-only strobes).
    CR [
        /// Reset receiver.
        RSTRX OFFSET(2) NUMBITS(1),
        /// Reset transmitter.
        RSTTX OFFSET(3) NUMBITS(1),
        /// Receiver enable.
        RXEN OFFSET(4) NUMBITS(1),
        /// Receiver disable.
        RXDIS OFFSET(5) NUMBITS(1),
        /// Transmitter enable.
        TXEN OFFSET(6) NUMBITS(1),
        /// Transmitter disable.
        TXDIS OFFSET(7) NUMBITS(1),
        /// Reset status bits (overrun, framing, parity).
        RSTSTA OFFSET(8) NUMBITS(1),
    ],
    /// MR: mode.
    MR [
        /// 0 = normal (asynchronous UART).
        MODE OFFSET(0) NUMBITS(4),
        /// Clock: 0 = CLK_USART.
        USCLKS OFFSET(4) NUMBITS(2),
        /// Character length: 3 = 8 bits.
        CHRL OFFSET(6) NUMBITS(2),
        /// Synchronous mode.
        SYNC OFFSET(8) NUMBITS(1),
        /// Parity: 4 = none.
        PAR OFFSET(9) NUMBITS(3),
        /// Stop bits: 0 = one.
        NBSTOP OFFSET(12) NUMBITS(2),
        /// Channel mode: 0 = normal.
        CHMODE OFFSET(14) NUMBITS(2),
        /// Oversampling: 0 = 16×.
        OVER OFFSET(19) NUMBITS(1),
    ],
    /// CSR: channel status.
    CSR [
        /// A received character is in RHR.
        RXRDY OFFSET(0) NUMBITS(1),
        /// THR can take a character.
        TXRDY OFFSET(1) NUMBITS(1),
        /// A character arrived before RHR was read.
        OVRE OFFSET(5) NUMBITS(1),
        /// Stop bit missing.
        FRAME OFFSET(6) NUMBITS(1),
    ],
    /// RHR/THR: received or to-be-sent character.
    CHR [
        /// The character.
        CHR OFFSET(0) NUMBITS(9),
    ],
    /// BRGR: baud rate generator.
    BRGR [
        /// Clock divider.
        CD OFFSET(0) NUMBITS(16),
        /// Fractional part, in eighths.
        FP OFFSET(16) NUMBITS(3),
    ],
];

/// USART registers up to BRGR.
#[repr(C)]
pub struct UsartRegisters {
    /// 0x00: CR.
    cr: WriteOnly<CR::Register>,
    /// 0x04: MR.
    mr: ReadWrite<MR::Register>,
    /// 0x08..0x10: IER, IDR, IMR.
    _ier_idr_imr: [u32; 3],
    /// 0x14: CSR.
    csr: ReadOnly<CSR::Register>,
    /// 0x18: RHR.
    rhr: ReadOnly<CHR::Register>,
    /// 0x1C: THR.
    thr: WriteOnly<CHR::Register>,
    /// 0x20: BRGR.
    brgr: ReadWrite<BRGR::Register>,
}

const _: () = assert!(core::mem::offset_of!(UsartRegisters, csr) == 0x14);
const _: () = assert!(core::mem::offset_of!(UsartRegisters, brgr) == 0x20);

/// USART0–USART3 register blocks (datasheet "Memory map": APBA), created in `mmio`.
pub use crate::mmio::{USART0_BASE, USART1_BASE, USART2_BASE, USART3_BASE};

/// CD and FP for `baud` at `clock_hz`, 16× oversampling: round(f / 2·baud) eighths.
pub const fn divider(clock_hz: u32, baud: u32) -> (u32, u32) {
    let eighths = (clock_hz + baud) / (2 * baud);
    (eighths / 8, eighths % 8)
}

const _: () = assert!(divider(48_000_000, 115_200).0 == 26 && divider(48_000_000, 115_200).1 == 0);

/// One USART, polled.
#[derive(Clone, Copy)]
pub struct Usart {
    registers: StaticRef<UsartRegisters>,
}

impl Usart {
    /// The USART whose registers are at `base`. Its APBA clock must be on (`Pm`).
    pub const fn new(base: StaticRef<UsartRegisters>) -> Self {
        Self { registers: base }
    }

    /// Resets, then runs 8N1 at `baud` from a `clock_hz` APBA clock, TX and RX enabled.
    pub fn configure(&self, clock_hz: u32, baud: u32) {
        let r = &*self.registers;
        r.cr.write(CR::RSTRX::SET + CR::RSTTX::SET + CR::RXDIS::SET + CR::TXDIS::SET + CR::RSTSTA::SET);
        r.mr.write(
            MR::MODE.val(0)
                + MR::USCLKS.val(0)
                + MR::CHRL.val(3)
                + MR::SYNC::CLEAR
                + MR::PAR.val(4)
                + MR::NBSTOP.val(0)
                + MR::CHMODE.val(0)
                + MR::OVER::CLEAR,
        );
        let (cd, fp) = divider(clock_hz, baud);
        r.brgr.write(BRGR::CD.val(cd) + BRGR::FP.val(fp));
        r.cr.write(CR::RXEN::SET + CR::TXEN::SET);
    }

    /// Sends one byte, waiting for room in THR.
    pub fn write_byte(&self, byte: u8) {
        while !self.registers.csr.is_set(CSR::TXRDY) {}
        self.registers.thr.write(CHR::CHR.val(u32::from(byte)));
    }

    /// The received byte, if one is waiting. An overrun is cleared (that byte is lost).
    pub fn read_byte(&self) -> Option<u8> {
        let r = &*self.registers;
        if r.csr.is_set(CSR::OVRE) || r.csr.is_set(CSR::FRAME) {
            r.cr.write(CR::RSTSTA::SET);
        }
        if r.csr.is_set(CSR::RXRDY) { Some(r.rhr.read(CHR::CHR) as u8) } else { None }
    }
}

impl ByteSource for Usart {
    fn read_byte_blocking(&mut self) -> u8 {
        loop {
            if let Some(byte) = self.read_byte() {
                return byte;
            }
        }
    }
}

impl ByteSink for Usart {
    fn write_bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_byte(byte);
        }
    }
}
