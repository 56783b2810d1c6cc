//! TC, the 16-bit Timer/Counter: TC0 channel 0 as the kernel's preemption timer.
//!
//! Datasheet chapter "Timer/Counter (TC)". A channel in waveform mode (CMR.WAVE = 1) counts up
//! from 0; with WAVSEL = UP_AUTO the RC compare resets the counter, and with CPCDIS it also
//! disables the counter clock, so `start_one_shot` gives exactly one RC compare: a one-shot,
//! as the nRF52's TIMER2 with SHORTS COMPARE0_STOP. The compare sets SR.CPCS, which raises the
//! channel's interrupt (TC00, NVIC line 55) while IMR.CPCS is set and until SR is read: reading
//! SR clears its status bits. CCR.SWTRG resets the counter and starts the clock; CCR.CLKEN
//! re-enables the clock CPCDIS turned off.
//!
//! Clock: TCCLKS = 1 selects TIMER_CLOCK2, the APBA clock / 2 (ASF's `tc_find_mck_divisor` for
//! SAM4L: TCCLKS 1-4 divide the APBA clock by 2, 8, 32, 128; TIMER_CLOCK1 is a generic clock,
//! not used). Two gates must be open first, both in the PM: TC0's APBA clock (PBAMASK bit 2) and
//! the divided clock itself (PBADIVMASK bit 0): `pm::Pm::enable_pba_clock(PbaClock::Tc0)` and
//! `enable_pba_divided_clock(PbaDividedClock::TimerClock2)`. At 48 MHz a tick is 1/24 µs and the
//! 16-bit RC reaches 2.7 ms.
//!
//! Register offsets and bits checked against Microchip's ATSAM4LC8C.svd (peripheral TC0 at
//! 0x4001_0000; per channel, 0x40 apart: CCR 0x00 (CLKEN 0, CLKDIS 1, SWTRG 2), CMR 0x04 in its
//! waveform view (TCCLKS 2:0, CPCSTOP 6, CPCDIS 7, WAVSEL 14:13 with UP_AUTO = 2, WAVE 15), RC
//! 0x1C (16 bits), SR 0x20 (CPCS 4: "since the last read of the Status Register"),
//! IER 0x24 / IDR 0x28 / IMR 0x2C (CPCS 4); interrupt TC00 = 55) and ASF's `component_tc.h`
//! (`TcChannel`: the same offsets, 0x40 per channel) and `sam4lc8c.h` (`TC00_IRQn = 55`).

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, WriteOnly, Writeable};

register_bitfields![
    /// CCR: channel control (write-only strobes).
    CCR [
        /// Enables the counter clock (unless CLKDIS is written too).
        CLKEN OFFSET(0) NUMBITS(1),
        /// Disables the counter clock.
        CLKDIS OFFSET(1) NUMBITS(1),
        /// Software trigger: resets the counter and starts the clock.
        SWTRG OFFSET(2) NUMBITS(1),
    ],
    /// CMR: channel mode, as waveform mode lays it out.
    CMR [
        /// Clock selection.
        TCCLKS OFFSET(0) NUMBITS(3) [
            /// TIMER_CLOCK2: the APBA clock / 2.
            TimerClock2 = 1,
        ],
        /// The counter clock stops at RC compare (until the next trigger).
        CPCSTOP OFFSET(6) NUMBITS(1),
        /// The counter clock is disabled at RC compare (until CLKEN).
        CPCDIS OFFSET(7) NUMBITS(1),
        /// Waveform selection.
        WAVSEL OFFSET(13) NUMBITS(2) [
            /// Count up; RC compare resets the counter.
            UpAuto = 2,
        ],
        /// 1 = waveform mode, 0 = capture mode.
        WAVE OFFSET(15) NUMBITS(1),
    ],
    /// RC: register C, the compare value.
    RC [
        /// Compare value (16-bit counter).
        RC OFFSET(0) NUMBITS(16),
    ],
    /// SR: status; the event bits clear when SR is read.
    SR [
        /// RC compare since the last read of SR.
        CPCS OFFSET(4) NUMBITS(1),
    ],
    /// IER (write 1 to enable), IDR (write 1 to disable), IMR (enabled).
    INTERRUPT [
        /// RC compare.
        CPCS OFFSET(4) NUMBITS(1),
    ],
];

/// One channel's registers, 0x40 bytes.
#[repr(C)]
pub struct ChannelRegisters {
    /// 0x00: CCR.
    ccr: WriteOnly<CCR::Register>,
    /// 0x04: CMR.
    cmr: ReadWrite<CMR::Register>,
    /// 0x08..0x18: SMMR, reserved, CV, RA, RB.
    _smmr_to_rb: [u32; 5],
    /// 0x1C: RC.
    rc: ReadWrite<RC::Register>,
    /// 0x20: SR.
    sr: ReadOnly<SR::Register>,
    /// 0x24: IER.
    ier: WriteOnly<INTERRUPT::Register>,
    /// 0x28: IDR.
    idr: WriteOnly<INTERRUPT::Register>,
    /// 0x2C: IMR; 0x30..0x3C reserved.
    _imr_to_reserved: [u32; 5],
}

const _: () = assert!(core::mem::offset_of!(ChannelRegisters, cmr) == 0x04);
const _: () = assert!(core::mem::offset_of!(ChannelRegisters, rc) == 0x1C);
const _: () = assert!(core::mem::offset_of!(ChannelRegisters, sr) == 0x20);
const _: () = assert!(core::mem::offset_of!(ChannelRegisters, ier) == 0x24);
const _: () = assert!(core::mem::offset_of!(ChannelRegisters, idr) == 0x28);
const _: () = assert!(core::mem::size_of::<ChannelRegisters>() == 0x40);

/// A TC block's three channels (BCR, BMR and the rest follow at 0xC0, unused).
#[repr(C)]
pub struct TcRegisters {
    channels: [ChannelRegisters; 3],
}

/// TC0's register block (created in `mmio`).
pub use crate::mmio::TC0_BASE;
/// NVIC line of TC0 channel 0 (TC00).
pub const TC00_IRQ: u32 = 55;

/// One TC channel, driven as a one-shot timer on TIMER_CLOCK2.
#[derive(Clone, Copy)]
pub struct Timer {
    registers: StaticRef<TcRegisters>,
    channel: usize,
}

impl Timer {
    /// Channel `channel` (0-2) of the TC whose registers are at `base`.
    pub const fn new(base: StaticRef<TcRegisters>, channel: usize) -> Self {
        assert!(channel < 3, "a TC has channels 0-2");
        Self { registers: base, channel }
    }

    fn channel(&self) -> &ChannelRegisters {
        &self.registers.as_static().channels[self.channel]
    }

    /// One RC compare interrupt `ticks` TIMER_CLOCK2 ticks from now (at least 1), after which
    /// the counter clock disables itself (CPCDIS).
    pub fn start_one_shot(&self, ticks: u16) {
        let r = self.channel();
        self.stop();
        r.cmr.write(CMR::TCCLKS::TimerClock2 + CMR::CPCDIS::SET + CMR::WAVSEL::UpAuto + CMR::WAVE::SET);
        r.rc.write(RC::RC.val(u32::from(ticks.max(1))));
        r.ier.write(INTERRUPT::CPCS::SET);
        r.ccr.write(CCR::CLKEN::SET + CCR::SWTRG::SET);
    }

    /// Stops the counter, disables the RC compare interrupt and clears its status. Reading SR
    /// is the clearing (and it returns after the writes before it have reached the TC), so the
    /// interrupt is no longer asserted when the caller unmasks its NVIC line.
    pub fn stop(&self) {
        let r = self.channel();
        r.ccr.write(CCR::CLKDIS::SET);
        r.idr.write(INTERRUPT::CPCS::SET);
        let _ = r.sr.get();
    }
}
