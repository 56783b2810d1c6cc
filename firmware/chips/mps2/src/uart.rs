//! CMSDK APB UART (Arm DDI 0479C §4.5), as on MPS2 UART0 at 0x4000_4000.
//!
//! Polled: `write_byte` waits while the one-byte TX buffer is full, `read_byte` returns the
//! RX byte when one is there. The RX interrupt is used only by the host-triggered interrupt
//! benchmark, where a byte from the host is the trigger. QEMU ignores the baud rate but checks
//! BAUDDIV ≥ 16, so it is set as on hardware.

use kernel::protocol::{ByteSink, ByteSource};
use kernel::register_bitfields;
use kernel::registers::{ReadWrite, ReadWriteable, Readable, StaticRef, Writeable};

register_bitfields![
    /// DATA: received byte on read, byte to send on write.
    DATA [
        /// The byte.
        DATA OFFSET(0) NUMBITS(8),
    ],
    /// STATE: buffer status; overrun bits are write-one-to-clear.
    STATE [
        /// TX buffer full.
        TXFULL OFFSET(0) NUMBITS(1),
        /// RX buffer full.
        RXFULL OFFSET(1) NUMBITS(1),
        /// TX buffer overrun.
        TXOVERRUN OFFSET(2) NUMBITS(1),
        /// RX buffer overrun.
        RXOVERRUN OFFSET(3) NUMBITS(1),
    ],
    /// CTRL: enables.
    CTRL [
        /// Transmitter enable.
        TXEN OFFSET(0) NUMBITS(1),
        /// Receiver enable.
        RXEN OFFSET(1) NUMBITS(1),
        /// TX interrupt enable.
        TXINTEN OFFSET(2) NUMBITS(1),
        /// RX interrupt enable.
        RXINTEN OFFSET(3) NUMBITS(1),
        /// TX overrun interrupt enable.
        TXOVINTEN OFFSET(4) NUMBITS(1),
        /// RX overrun interrupt enable.
        RXOVINTEN OFFSET(5) NUMBITS(1),
        /// High-speed test mode.
        HSTM OFFSET(6) NUMBITS(1),
    ],
    /// INTSTATUS on read, INTCLEAR on write (one to clear).
    INTSTATUS [
        /// TX interrupt.
        TX OFFSET(0) NUMBITS(1),
        /// RX interrupt.
        RX OFFSET(1) NUMBITS(1),
        /// TX overrun interrupt.
        TXOVERRUN OFFSET(2) NUMBITS(1),
        /// RX overrun interrupt.
        RXOVERRUN OFFSET(3) NUMBITS(1),
    ],
    /// BAUDDIV: clock cycles per bit, at least 16.
    BAUDDIV [
        /// The divider.
        BAUDDIV OFFSET(0) NUMBITS(20),
    ],
];

/// The UART's registers.
#[repr(C)]
pub struct UartRegisters {
    data: ReadWrite<DATA::Register>,
    state: ReadWrite<STATE::Register>,
    ctrl: ReadWrite<CTRL::Register>,
    intstatus: ReadWrite<INTSTATUS::Register>,
    bauddiv: ReadWrite<BAUDDIV::Register>,
}

const _: () = assert!(core::mem::offset_of!(UartRegisters, state) == 0x04);
const _: () = assert!(core::mem::offset_of!(UartRegisters, ctrl) == 0x08);
const _: () = assert!(core::mem::offset_of!(UartRegisters, intstatus) == 0x0C);
const _: () = assert!(core::mem::offset_of!(UartRegisters, bauddiv) == 0x10);

/// UART0's register block (created in `mmio`).
pub use crate::mmio::UART0_BASE;

/// UART0's receive interrupt line (QEMU mps2-an386).
pub const UART0_RX_IRQ: u32 = 0;

/// Smallest divider the CMSDK UART accepts.
const MIN_BAUDDIV: u32 = 16;

/// One CMSDK UART.
#[derive(Clone, Copy)]
pub struct Uart {
    registers: StaticRef<UartRegisters>,
}

impl Uart {
    /// The UART whose registers are at `base`.
    pub const fn new(base: StaticRef<UartRegisters>) -> Self {
        Self { registers: base }
    }

    /// Sets the divider for `baud` at `clock_hz`, clears stale state, enables TX and RX
    /// (polled: interrupts off).
    pub fn configure(&self, clock_hz: u32, baud: u32) {
        let r = &*self.registers;
        r.ctrl.set(0);
        r.bauddiv.write(BAUDDIV::BAUDDIV.val((clock_hz / baud).max(MIN_BAUDDIV)));
        r.state.write(STATE::TXOVERRUN::SET + STATE::RXOVERRUN::SET);
        r.intstatus
            .write(INTSTATUS::TX::SET + INTSTATUS::RX::SET + INTSTATUS::TXOVERRUN::SET + INTSTATUS::RXOVERRUN::SET);
        r.ctrl.write(CTRL::TXEN::SET + CTRL::RXEN::SET);
    }

    /// Sends one byte, waiting for room in the TX buffer.
    pub fn write_byte(&self, byte: u8) {
        while self.registers.state.is_set(STATE::TXFULL) {}
        self.registers.data.write(DATA::DATA.val(u32::from(byte)));
    }

    /// The received byte, if one is waiting.
    pub fn read_byte(&self) -> Option<u8> {
        if self.registers.state.is_set(STATE::RXFULL) { Some(self.registers.data.read(DATA::DATA) as u8) } else { None }
    }

    /// Lets a received byte raise the RX interrupt.
    pub fn enable_receive_interrupt(&self) {
        self.registers.intstatus.write(INTSTATUS::RX::SET);
        self.registers.ctrl.modify(CTRL::RXINTEN::SET);
    }

    /// Back to polling.
    pub fn disable_receive_interrupt(&self) {
        self.registers.ctrl.modify(CTRL::RXINTEN::CLEAR);
        self.registers.intstatus.write(INTSTATUS::RX::SET);
    }

    /// The RX interrupt's device work: takes the byte and clears the interrupt.
    pub fn acknowledge_receive(&self) -> Option<u8> {
        let byte = self.read_byte();
        self.registers.intstatus.write(INTSTATUS::RX::SET);
        byte
    }
}

impl ByteSource for Uart {
    fn read_byte_blocking(&mut self) -> u8 {
        loop {
            if let Some(byte) = self.read_byte() {
                return byte;
            }
        }
    }
}

impl ByteSink for Uart {
    fn write_bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_byte(byte);
        }
    }
}
