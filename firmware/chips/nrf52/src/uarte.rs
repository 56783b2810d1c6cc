//! UARTE0: the EasyDMA UART, polled, on the DK's virtual COM port pins.
//!
//! Register layout and sequences from PS "UARTE — Universal asynchronous receiver/transmitter
//! with EasyDMA". Both directions go through EasyDMA, which can only reach Data RAM (PS
//! "EasyDMA": a pointer into flash makes the transfer fail or fault), so `write_bytes` copies
//! every chunk — frames are often built from `&'static str` in flash — into a RAM buffer first:
//! set TXD.PTR/MAXCNT, clear EVENTS_ENDTX, trigger STARTTX, wait for ENDTX. Reception is one
//! byte per transfer: RXD.MAXCNT = 1, STARTRX, and each ENDRX hands over a byte and restarts
//! the receiver; bytes arriving in between wait in the UARTE's RX FIFO. That matches the
//! request/response protocol: the host sends a command and waits for the answer.
//!
//! Soundness of the DMA: the buffers are `&'static mut` owned by the driver, the hardware only
//! ever gets their addresses, and a fence orders CPU accesses against each transfer's start
//! and end (Tock's DMA fence, here `core::sync::atomic::fence`).

use core::sync::atomic::{Ordering, fence};

use kernel::protocol::{ByteSink, ByteSource};
use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, WriteOnly, Writeable};

use crate::gpio::Pin;

register_bitfields![
    /// A task register: write 1 to trigger.
    TASK [
        /// Trigger.
        TRIGGER OFFSET(0) NUMBITS(1),
    ],
    /// An event register: reads 1 once generated; write 0 to clear.
    EVENT [
        /// Generated.
        GENERATED OFFSET(0) NUMBITS(1),
    ],
    /// SHORTS: shortcuts between events and tasks.
    SHORTS [
        /// ENDRX → STARTRX.
        ENDRX_STARTRX OFFSET(5) NUMBITS(1),
        /// ENDRX → STOPRX.
        ENDRX_STOPRX OFFSET(6) NUMBITS(1),
    ],
    /// INTENSET/INTENCLR: one bit per interrupt source.
    INTEN [
        /// All interrupt sources.
        ALL OFFSET(0) NUMBITS(32),
    ],
    /// ERRORSRC: error flags, write 1 to clear.
    ERRORSRC [
        /// A byte arrived with the RX FIFO full.
        OVERRUN OFFSET(0) NUMBITS(1),
        /// Parity error.
        PARITY OFFSET(1) NUMBITS(1),
        /// No valid stop bit.
        FRAMING OFFSET(2) NUMBITS(1),
        /// RXD held low for longer than a frame.
        BREAK OFFSET(3) NUMBITS(1),
    ],
    /// ENABLE: 0 = disabled, 8 = UARTE enabled.
    ENABLE [
        /// Enable value.
        ENABLE OFFSET(0) NUMBITS(4),
    ],
    /// PSEL.*: pin select.
    PSEL [
        /// Pin number within the port.
        PIN OFFSET(0) NUMBITS(5),
        /// Port (nRF52840 only; 0 = P0).
        PORT OFFSET(5) NUMBITS(1),
        /// 1 = disconnected.
        CONNECT OFFSET(31) NUMBITS(1),
    ],
    /// BAUDRATE: the divider value from the PS table.
    BAUDRATE [
        /// Baud rate value.
        BAUDRATE OFFSET(0) NUMBITS(32),
    ],
    /// A DMA pointer (must point to Data RAM).
    PTR [
        /// Address.
        PTR OFFSET(0) NUMBITS(32),
    ],
    /// MAXCNT/AMOUNT: byte counts (8 bits on nRF52832, 16 on nRF52840; this driver stays <256).
    COUNT [
        /// Byte count.
        COUNT OFFSET(0) NUMBITS(16),
    ],
    /// CONFIG: parity and flow control.
    CONFIG [
        /// Hardware flow control.
        HWFC OFFSET(0) NUMBITS(1),
        /// 0 = no parity, 7 = even parity.
        PARITY OFFSET(1) NUMBITS(3),
    ],
];

/// UARTE registers (PS "UARTE" register table), at 0x4000_2000 for UARTE0.
#[repr(C)]
pub struct UarteRegisters {
    /// 0x000: TASKS_STARTRX.
    tasks_startrx: WriteOnly<TASK::Register>,
    /// 0x004: TASKS_STOPRX.
    tasks_stoprx: WriteOnly<TASK::Register>,
    /// 0x008: TASKS_STARTTX.
    tasks_starttx: WriteOnly<TASK::Register>,
    /// 0x00C: TASKS_STOPTX.
    tasks_stoptx: WriteOnly<TASK::Register>,
    _reserved0: [u32; 60],
    /// 0x100..0x10C: EVENTS_CTS, EVENTS_NCTS, EVENTS_RXDRDY, reserved.
    _events_cts_to_rxdrdy: [u32; 4],
    /// 0x110: EVENTS_ENDRX.
    events_endrx: ReadWrite<EVENT::Register>,
    _reserved1: [u32; 3],
    /// 0x120: EVENTS_ENDTX.
    events_endtx: ReadWrite<EVENT::Register>,
    /// 0x124: EVENTS_ERROR.
    events_error: ReadWrite<EVENT::Register>,
    _reserved2: [u32; 7],
    /// 0x144: EVENTS_RXTO.
    events_rxto: ReadWrite<EVENT::Register>,
    _reserved3: [u32; 4],
    /// 0x158: EVENTS_TXSTOPPED.
    events_txstopped: ReadWrite<EVENT::Register>,
    _reserved4: [u32; 41],
    /// 0x200: SHORTS.
    shorts: ReadWrite<SHORTS::Register>,
    _reserved5: [u32; 64],
    /// 0x304: INTENSET.
    _intenset: ReadWrite<INTEN::Register>,
    /// 0x308: INTENCLR.
    intenclr: ReadWrite<INTEN::Register>,
    _reserved6: [u32; 93],
    /// 0x480: ERRORSRC.
    errorsrc: ReadWrite<ERRORSRC::Register>,
    _reserved7: [u32; 31],
    /// 0x500: ENABLE.
    enable: ReadWrite<ENABLE::Register>,
    _reserved8: u32,
    /// 0x508: PSEL.RTS.
    psel_rts: ReadWrite<PSEL::Register>,
    /// 0x50C: PSEL.TXD.
    psel_txd: ReadWrite<PSEL::Register>,
    /// 0x510: PSEL.CTS.
    psel_cts: ReadWrite<PSEL::Register>,
    /// 0x514: PSEL.RXD.
    psel_rxd: ReadWrite<PSEL::Register>,
    _reserved9: [u32; 3],
    /// 0x524: BAUDRATE.
    baudrate: ReadWrite<BAUDRATE::Register>,
    _reserved10: [u32; 3],
    /// 0x534: RXD.PTR.
    rxd_ptr: ReadWrite<PTR::Register>,
    /// 0x538: RXD.MAXCNT.
    rxd_maxcnt: ReadWrite<COUNT::Register>,
    /// 0x53C: RXD.AMOUNT.
    rxd_amount: ReadOnly<COUNT::Register>,
    _reserved11: u32,
    /// 0x544: TXD.PTR.
    txd_ptr: ReadWrite<PTR::Register>,
    /// 0x548: TXD.MAXCNT.
    txd_maxcnt: ReadWrite<COUNT::Register>,
    /// 0x54C: TXD.AMOUNT.
    _txd_amount: ReadOnly<COUNT::Register>,
    _reserved12: [u32; 7],
    /// 0x56C: CONFIG.
    config: ReadWrite<CONFIG::Register>,
}

const _: () = assert!(core::mem::offset_of!(UarteRegisters, events_endrx) == 0x110);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, events_endtx) == 0x120);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, events_rxto) == 0x144);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, events_txstopped) == 0x158);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, shorts) == 0x200);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, intenclr) == 0x308);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, errorsrc) == 0x480);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, enable) == 0x500);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, psel_txd) == 0x50C);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, baudrate) == 0x524);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, rxd_ptr) == 0x534);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, txd_ptr) == 0x544);
const _: () = assert!(core::mem::offset_of!(UarteRegisters, config) == 0x56C);

/// ENABLE value that selects the UARTE (4 would select the legacy UART).
const ENABLE_UARTE: u32 = 8;

/// BAUDRATE register values (PS "UARTE", register BAUDRATE; for the 16 MHz peripheral clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Baudrate {
    /// 115200 baud (actual 115108).
    Baud115200 = 0x01D7_E000,
    /// 1 Mbaud.
    Baud1M = 0x1000_0000,
}

/// Bytes copied to RAM per TX transfer (below the nRF52832's 8-bit MAXCNT limit).
pub const TX_CHUNK: usize = 128;

/// The RAM the UARTE's EasyDMA reads from and writes to. Must live in Data RAM: a `static`
/// (kernel::allocator::StaticRegion) is, a `const` in flash is not.
pub struct UarteBuffers {
    tx: [u8; TX_CHUNK],
    rx: [u8; 1],
}

impl UarteBuffers {
    /// Zeroed buffers, for a `StaticRegion`.
    pub const fn new() -> Self {
        Self { tx: [0; TX_CHUNK], rx: [0; 1] }
    }
}

impl Default for UarteBuffers {
    fn default() -> Self {
        Self::new()
    }
}

/// UARTE0, polled, with its DMA buffers.
pub struct Uarte {
    registers: StaticRef<UarteRegisters>,
    buffers: &'static mut UarteBuffers,
}

impl Uarte {
    /// UARTE0 using `buffers` for its transfers. Touches no register: `configure` sets the
    /// UARTE up, and a handle only written to needs no more once another handle configured it.
    pub fn uarte0(buffers: &'static mut UarteBuffers) -> Self {
        Self { registers: crate::mmio::UARTE0, buffers }
    }

    /// Stops whatever was running, connects `tx`/`rx`, sets 8N1 at `baud`, no flow control, and
    /// starts receiving. PSEL and CONFIG may only change while the UARTE is disabled.
    pub fn configure(&mut self, tx: Pin, rx: Pin, baud: Baudrate) {
        let r = &*self.registers;
        r.intenclr.write(INTEN::ALL::SET);
        r.shorts.write(SHORTS::ENDRX_STARTRX::CLEAR + SHORTS::ENDRX_STOPRX::CLEAR);
        r.tasks_stoptx.write(TASK::TRIGGER::SET);
        r.tasks_stoprx.write(TASK::TRIGGER::SET);
        r.enable.write(ENABLE::ENABLE.val(0));

        tx.make_output_high();
        rx.make_input_pull_up();
        r.psel_txd.write(PSEL::PIN.val(u32::from(tx.number())));
        r.psel_rxd.write(PSEL::PIN.val(u32::from(rx.number())));
        r.psel_rts.write(PSEL::CONNECT::SET);
        r.psel_cts.write(PSEL::CONNECT::SET);
        r.baudrate.write(BAUDRATE::BAUDRATE.val(baud as u32));
        r.config.write(CONFIG::HWFC::CLEAR + CONFIG::PARITY.val(0));

        for event in [&r.events_endrx, &r.events_endtx, &r.events_error, &r.events_rxto, &r.events_txstopped] {
            event.write(EVENT::GENERATED::CLEAR);
        }
        r.errorsrc
            .write(ERRORSRC::OVERRUN::SET + ERRORSRC::PARITY::SET + ERRORSRC::FRAMING::SET + ERRORSRC::BREAK::SET);
        r.enable.write(ENABLE::ENABLE.val(ENABLE_UARTE));
        self.start_rx();
    }

    /// Hands the one-byte RX buffer to EasyDMA and starts the receiver.
    fn start_rx(&mut self) {
        let r = &*self.registers;
        r.rxd_ptr.write(PTR::PTR.val(self.buffers.rx.as_mut_ptr() as u32));
        r.rxd_maxcnt.write(COUNT::COUNT.val(1));
        fence(Ordering::SeqCst); // the buffer is the hardware's from here until ENDRX
        r.tasks_startrx.write(TASK::TRIGGER::SET);
    }

    /// The received byte, if a transfer has completed; the receiver is restarted at once.
    pub fn read_byte(&mut self) -> Option<u8> {
        let r = &*self.registers;
        if r.events_error.is_set(EVENT::GENERATED) {
            // Overrun/framing: the byte is lost either way; clear so ENDRX keeps flowing.
            r.events_error.write(EVENT::GENERATED::CLEAR);
            r.errorsrc
                .write(ERRORSRC::OVERRUN::SET + ERRORSRC::PARITY::SET + ERRORSRC::FRAMING::SET + ERRORSRC::BREAK::SET);
        }
        if !r.events_endrx.is_set(EVENT::GENERATED) {
            return None;
        }
        r.events_endrx.write(EVENT::GENERATED::CLEAR);
        fence(Ordering::SeqCst); // the transfer has ended: the buffer is the CPU's again
        let received = r.rxd_amount.read(COUNT::COUNT) == 1;
        let byte = self.buffers.rx[0];
        self.start_rx();
        if received { Some(byte) } else { None }
    }

    /// Sends up to `TX_CHUNK` bytes from the RAM buffer and waits until the last one is out
    /// of EasyDMA's hands (ENDTX).
    fn send_chunk(&mut self, chunk: &[u8]) {
        let r = &*self.registers;
        self.buffers.tx[..chunk.len()].copy_from_slice(chunk);
        r.txd_ptr.write(PTR::PTR.val(self.buffers.tx.as_ptr() as u32));
        r.txd_maxcnt.write(COUNT::COUNT.val(chunk.len() as u32));
        r.events_endtx.write(EVENT::GENERATED::CLEAR);
        fence(Ordering::SeqCst); // the copy above is in RAM before EasyDMA reads it
        r.tasks_starttx.write(TASK::TRIGGER::SET);
        while !r.events_endtx.is_set(EVENT::GENERATED) {}
        r.events_endtx.write(EVENT::GENERATED::CLEAR);
        fence(Ordering::SeqCst);
    }
}

impl ByteSource for Uarte {
    fn read_byte_blocking(&mut self) -> u8 {
        loop {
            if let Some(byte) = self.read_byte() {
                return byte;
            }
        }
    }
}

impl ByteSink for Uarte {
    fn write_bytes(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(TX_CHUNK) {
            self.send_chunk(chunk);
        }
    }
}
