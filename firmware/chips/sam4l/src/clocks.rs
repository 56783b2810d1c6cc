//! The start-up sequence from the 115 kHz boot clock to 48 MHz.
//!
//! The SAM4L comes out of reset on RCSYS, a 115 kHz RC oscillator (datasheet §13 SCIF,
//! "RCSYS"), in power scaling mode PS0 with no flash wait state. Because the CPU and its bus
//! crawl at 115 kHz until this sequence has run — and again after every reset — the host's
//! SWD clock must start slow (the board file's 50 kHz, as OpenOCD's `at91sam4lXX.cfg` does):
//! a fast SWD clock against a 115 kHz AHB times out on every memory access.
//!
//! Why PLL0 from the crystal rather than the DFLL: the Xplained Pro has a 12 MHz crystal on
//! OSC0, and a crystal-locked 48 MHz gives the USART an exact baud rate (CD = 26 → 115385
//! baud, +0.16 %). The DFLL would need a 32 kHz reference and closed-loop locking to get
//! close; RCFAST tops out at 12 MHz. The order matters (datasheet table 42-30): first power
//! scaling PS2, then one flash wait state and high-speed read mode, then the clock.

use crate::bpm::{Bpm, PowerScaling};
use crate::flashcalw::Flashcalw;
use crate::pm::{MainClock, Pm};
use crate::scif::{PLL0_HZ, Scif};

/// The CPU and peripheral bus clock after `start_48mhz`.
pub const CPU_HZ: u32 = PLL0_HZ;

/// Runs the chip at 48 MHz from the 12 MHz crystal: PS2, FWS = 1, HSEN, OSC0, PLL0, switch.
pub fn start_48mhz() {
    Bpm::new().set_power_scaling(PowerScaling::Ps2);
    let flash = Flashcalw::new();
    flash.set_one_wait_state();
    flash.enable_high_speed_read();
    let scif = Scif::new();
    scif.start_osc0_12mhz_crystal();
    scif.start_pll0_48mhz_from_osc0();
    Pm::new().select_main_clock(MainClock::Pll);
}
