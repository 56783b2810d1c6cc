//! Fatal-path output: panics and faults become one PANIC frame on the console, then halt.
//!
//! Both paths format their message into a fixed buffer (no allocation; a message that does not
//! fit is cut at a character boundary). The board's `console` function sets its UART up again,
//! because a panic may come before the board's own setup or in the middle of a transfer; a
//! frame it interrupts is left half-sent, which the host's resynchronisation skips. A console
//! that cannot be had (`None`, e.g. its buffers are already taken) just halts.

use core::fmt::Write;
use core::panic::PanicInfo;

use kernel::protocol::frame::TextBuffer;
use kernel::protocol::{ByteSink, messages};

/// Longest LOG or PANIC text kept (PANIC's `str` allows 255).
const MESSAGE_LEN: usize = 200;

/// The fixed buffer LOG and PANIC texts are formatted into.
pub type MessageBuffer = TextBuffer<MESSAGE_LEN>;

/// Sends PANIC and halts.
fn report<U: ByteSink>(pc: u32, message: &MessageBuffer, console: impl FnOnce() -> Option<U>) -> ! {
    if let Some(mut uart) = console() {
        messages::panic(&mut uart, pc, message.as_str());
    }
    cortexm::exception_handlers::halt()
}

/// A panic: "file:line: message", reported with pc 0.
pub fn panic<U: ByteSink>(info: &PanicInfo<'_>, console: impl FnOnce() -> Option<U>) -> ! {
    let mut message = MessageBuffer::new();
    if let Some(location) = info.location() {
        let _ = write!(message, "{}:{}: ", location.file(), location.line());
    }
    let _ = write!(message, "{}", info.message());
    report(0, &message, console)
}

/// A fault or unexpected exception: stacked `pc`, exception number `ipsr`.
pub fn fault<U: ByteSink>(pc: u32, ipsr: u32, console: impl FnOnce() -> Option<U>) -> ! {
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
    report(pc, &message, console)
}
