//! Fatal-path output: panics and faults become PANIC frames on UART0.
//!
//! Both paths format their message into a fixed buffer (no allocation; a message that does
//! not fit is cut at a character boundary), send one PANIC frame and halt. The UART is
//! reconfigured first because a panic may come before `setup_uart`; a frame it interrupts is
//! left half-sent, which the host's resynchronisation skips.

use core::fmt::{self, Write};
use core::panic::PanicInfo;

use kernel::protocol::messages;
use mps2::counter::CPU_HZ;
use mps2::uart::{UART0_BASE, Uart};

/// Longest message kept (PANIC's `str` allows 255).
const MESSAGE_LEN: usize = 200;

/// A fixed-size text buffer that truncates instead of failing.
pub struct MessageBuffer {
    bytes: [u8; MESSAGE_LEN],
    len: usize,
}

impl MessageBuffer {
    /// An empty buffer.
    pub const fn new() -> Self {
        Self { bytes: [0; MESSAGE_LEN], len: 0 }
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        // Only whole characters are ever copied in, so this cannot fail.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl Write for MessageBuffer {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let room = MESSAGE_LEN - self.len;
        let text = kernel::protocol::frame::truncate_utf8(text, room);
        self.bytes[self.len..self.len + text.len()].copy_from_slice(text.as_bytes());
        self.len += text.len();
        Ok(())
    }
}

/// Sends PANIC and halts.
fn report(pc: u32, message: &MessageBuffer) -> ! {
    let mut uart = Uart::new(UART0_BASE);
    uart.configure(CPU_HZ, 115_200);
    messages::panic(&mut uart, pc, message.as_str());
    cortexm::exception_handlers::halt()
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let mut message = MessageBuffer::new();
    if let Some(location) = info.location() {
        let _ = write!(message, "{}:{}: ", location.file(), location.line());
    }
    let _ = write!(message, "{}", info.message());
    report(0, &message)
}

/// A fault or unexpected exception: stacked `pc`, exception number `ipsr`.
pub fn fault(pc: u32, ipsr: u32) -> ! {
    let mut message = MessageBuffer::new();
    let scb = cortexm::scb::Scb::new();
    let _ = match ipsr {
        3 => write!(
            message,
            "hard fault CFSR={:#010x}{}",
            scb.cfsr(),
            if scb.hard_fault_forced() { " (forced)" } else { "" }
        ),
        _ => write!(message, "unexpected exception {ipsr}"),
    };
    report(pc, &message)
}
