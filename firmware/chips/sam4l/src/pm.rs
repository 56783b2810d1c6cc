//! PM, the Power Manager: main clock source and peripheral bus clock masks.
//!
//! Datasheet §10 "Power Manager (PM)". MCCTRL.MCSEL picks the main clock (0 = RCSYS after
//! reset, 2 = PLL); the CPU and the four peripheral buses (APBA–D) stay undivided (CPUSEL and
//! PBxSEL keep their reset value 0), so all run at 48 MHz, within PS2's limits. Every write to
//! MCCTRL or a mask register must follow an UNLOCK write naming its offset, with key 0xAA.
//! The USARTs and TC0 are on APBA, whose clocks are all masked off after reset (PBAMASK = 0).
//! TC0 counts one of the divided APBA clocks, each gated by its own PBADIVMASK bit.
//!
//! Offsets and bits checked against Microchip's ATSAM4LC8C.svd (PM: MCCTRL 0x000, PBAMASK
//! 0x028 with TC0 bit 2 and USART0-3 bits 8-11, PBADIVMASK 0x040, UNLOCK 0x058 with ADDR 9:0
//! and KEY 31:24, SR 0x0D4) and ASF's `component_pm.h` (PBADIVMASK reset value 0) and
//! `sysclk.h` (PBADIVMASK bit 0 gates TIMER_CLOCK2; `sysclk_enable_pba_divmask` unlocks it
//! like a mask register). Tock's sam4l `pm.rs` gives 0x7F as PBADIVMASK's reset value; the
//! bit is set either way.

use core::mem::offset_of;

use kernel::register_bitfields;
use kernel::registers::{ReadOnly, ReadWrite, Readable, StaticRef, WriteOnly, Writeable};

use crate::UNLOCK_KEY;

register_bitfields![
    /// MCCTRL: main clock control.
    MCCTRL [
        /// Main clock source: 0 RCSYS, 1 OSC0, 2 PLL, 3 DFLL, 4 RC80M, 5 RCFAST, 6 RC1M.
        MCSEL OFFSET(0) NUMBITS(3),
    ],
    /// A clock mask register: one bit per module.
    MASK [
        /// Bit n enables module n's clock.
        BITS OFFSET(0) NUMBITS(32),
    ],
    /// UNLOCK: key and offset of the protected register the next write may change.
    UNLOCK [
        /// Offset of the register to unlock.
        ADDR OFFSET(0) NUMBITS(10),
        /// Must be 0xAA.
        KEY OFFSET(24) NUMBITS(8),
    ],
    /// SR: status.
    SR [
        /// Synchronous clock dividers have settled.
        CKRDY OFFSET(5) NUMBITS(1),
        /// Access error: a protected register was written without an unlock.
        AE OFFSET(31) NUMBITS(1),
    ],
];

/// PM registers up to SR, at 0x400E_0000.
#[repr(C)]
pub struct PmRegisters {
    /// 0x00: MCCTRL.
    mcctrl: ReadWrite<MCCTRL::Register>,
    /// 0x04..0x24: CPUSEL, reserved, PBASEL–PBDSEL, reserved, CPUMASK, HSBMASK.
    _cpusel_to_hsbmask: [u32; 9],
    /// 0x28: PBAMASK.
    pbamask: ReadWrite<MASK::Register>,
    /// 0x2C..0x3C: PBBMASK, PBCMASK, PBDMASK, two reserved.
    _pbbmask_to_reserved: [u32; 5],
    /// 0x40: PBADIVMASK.
    pbadivmask: ReadWrite<MASK::Register>,
    /// 0x44..0x54: reserved, CFDCTRL.
    _reserved_to_cfdctrl: [u32; 5],
    /// 0x58: UNLOCK.
    unlock: WriteOnly<UNLOCK::Register>,
    _reserved0: [u32; 25],
    /// 0xC0..0xD0: IER, IDR, IMR, ISR, ICR.
    _ier_to_icr: [u32; 5],
    /// 0xD4: SR.
    sr: ReadOnly<SR::Register>,
}

const _: () = assert!(offset_of!(PmRegisters, pbamask) == 0x28);
const _: () = assert!(offset_of!(PmRegisters, pbadivmask) == 0x40);
const _: () = assert!(offset_of!(PmRegisters, unlock) == 0x58);
const _: () = assert!(offset_of!(PmRegisters, sr) == 0xD4);

use crate::mmio::PM_BASE;

/// Main clock sources (MCCTRL.MCSEL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum MainClock {
    /// The 115 kHz RC oscillator the chip boots on.
    Rcsys = 0,
    /// PLL0.
    Pll = 2,
}

/// Modules on APBA, by their PBAMASK bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum PbaClock {
    /// TC0 (channel 0 is the preemption timer).
    Tc0 = 2,
    /// USART0.
    Usart0 = 8,
    /// USART1 (the Xplained Pro's EDBG virtual COM port).
    Usart1 = 9,
    /// USART2.
    Usart2 = 10,
    /// USART3.
    Usart3 = 11,
}

/// Divided APBA clocks, by their PBADIVMASK bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum PbaDividedClock {
    /// The APBA clock / 2: the TCs' TIMER_CLOCK2.
    TimerClock2 = 0,
}

/// The Power Manager.
pub struct Pm {
    registers: StaticRef<PmRegisters>,
}

impl Default for Pm {
    fn default() -> Self {
        Self::new()
    }
}

impl Pm {
    /// The chip's PM.
    pub const fn new() -> Self {
        Self { registers: PM_BASE }
    }

    /// Lets the next write change the register at `offset` (from `offset_of!`, so it names
    /// the register the write goes to).
    fn unlock(&self, offset: usize) {
        self.registers.unlock.write(UNLOCK::KEY.val(UNLOCK_KEY) + UNLOCK::ADDR.val(offset as u32));
    }

    /// Switches the main clock. The source must be running and the flash and power scaling
    /// already set for its frequency.
    pub fn select_main_clock(&self, clock: MainClock) {
        self.unlock(offset_of!(PmRegisters, mcctrl));
        self.registers.mcctrl.write(MCCTRL::MCSEL.val(clock as u32));
    }

    /// The main clock source in use.
    pub fn main_clock(&self) -> u32 {
        self.registers.mcctrl.read(MCCTRL::MCSEL)
    }

    /// Turns on the APBA clock of `module`.
    pub fn enable_pba_clock(&self, module: PbaClock) {
        let mask = self.registers.pbamask.get() | 1 << module as u32;
        self.unlock(offset_of!(PmRegisters, pbamask));
        self.registers.pbamask.set(mask);
    }

    /// Turns on the divided APBA clock `clock` (the module that counts it needs its own
    /// `enable_pba_clock` too).
    pub fn enable_pba_divided_clock(&self, clock: PbaDividedClock) {
        let mask = self.registers.pbadivmask.get() | 1 << clock as u32;
        self.unlock(offset_of!(PmRegisters, pbadivmask));
        self.registers.pbadivmask.set(mask);
    }

    /// Whether a protected register was written without a matching unlock (a driver bug).
    pub fn access_error(&self) -> bool {
        self.registers.sr.is_set(SR::AE)
    }
}
