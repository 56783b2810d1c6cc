//! Memory protection regions for a process, computed to the ARMv7-M PMSAv7 rules.
//!
//! A PMSAv7 region is a power of two from 32 bytes to 4 GiB, aligned to its size; regions of
//! 256 bytes and more are split into eight equal subregions, each of which can be disabled
//! (the SRD field of MPU_RASR). So a range that is not itself a power of two can still be one
//! region when it starts and ends on subregion boundaries of a block that contains it. This
//! module finds the smallest such region for a range, or says why there is none; the
//! architecture (`cortexm::mpu`) only writes what it gets. Pure arithmetic: tested on the host.
//!
//! It also names the access a MemManage fault stopped (`FaultAccess`): the fault status says
//! instruction fetch, data access, stacking or unstacking; a data access is a read or a write
//! depending on the faulting instruction, which `data_access_of` decodes (Thumb-2 loads and
//! stores, ARMv7-M ARM A5.2 and A5.3).

/// Smallest region: 32 bytes (SIZE = 4, ARMv7-M ARM B3.5.9).
pub const MIN_REGION_LOG2: u32 = 5;
/// Smallest region with subregions: 256 bytes (eight of 32).
pub const MIN_SUBREGION_REGION_LOG2: u32 = 8;

/// One PMSAv7 region: base (aligned to its size), size as a power of two, disabled subregions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// First byte of the whole (power-of-two) region.
    pub base: u32,
    /// log2 of the region's size in bytes (5..=32).
    pub size_log2: u32,
    /// Bit n set: subregion n (the n-th eighth) is disabled (MPU_RASR.SRD).
    pub subregions_disabled: u8,
}

impl Region {
    /// MPU_RASR.SIZE: the region is 2^(SIZE+1) bytes.
    pub const fn size_field(&self) -> u32 {
        self.size_log2 - 1
    }

    /// The bytes the region lets through: `[start, end)` of its enabled subregions.
    pub fn enabled_range(&self) -> (u64, u64) {
        let size = 1u64 << self.size_log2;
        if self.subregions_disabled == 0 {
            return (u64::from(self.base), u64::from(self.base) + size);
        }
        let eighth = size / 8;
        let first = self.subregions_disabled.trailing_ones() as u64;
        let last = 8 - self.subregions_disabled.leading_ones() as u64;
        (u64::from(self.base) + first * eighth, u64::from(self.base) + last * eighth)
    }
}

/// Why a range cannot be one region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// The range is empty.
    Empty,
    /// No power-of-two block aligned to its size holds the range with the range's ends on
    /// subregion boundaries (an eighth of the block; blocks under 256 bytes must match exactly).
    NotExpressible {
        /// First byte of the range.
        start: u32,
        /// Its length in bytes.
        len: u32,
    },
}

impl core::fmt::Display for LayoutError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Empty => write!(f, "an empty range cannot be an MPU region"),
            Self::NotExpressible { start, len } => write!(
                f,
                "{len} bytes at {start:#010x} are not one PMSAv7 region (no power-of-two block aligned to its \
                 size holds them with both ends on an eighth of it)"
            ),
        }
    }
}

/// The smallest region that lets through exactly `[start, start + len)`.
pub fn covering(start: u32, len: u32) -> Result<Region, LayoutError> {
    if len == 0 {
        return Err(LayoutError::Empty);
    }
    let (start64, end64) = (u64::from(start), u64::from(start) + u64::from(len));
    for size_log2 in MIN_REGION_LOG2..=32 {
        let size = 1u64 << size_log2;
        if size < u64::from(len) {
            continue;
        }
        let base = start64 & !(size - 1);
        if end64 > base + size {
            continue; // the range crosses this block's end: a larger block might hold it
        }
        if size_log2 < MIN_SUBREGION_REGION_LOG2 {
            if start64 == base && end64 == base + size {
                return Ok(Region { base: start, size_log2, subregions_disabled: 0 });
            }
            continue;
        }
        let eighth = size / 8;
        let (offset, end_offset) = (start64 - base, end64 - base);
        if offset % eighth != 0 || end_offset % eighth != 0 {
            continue;
        }
        let (first, last) = (offset / eighth, end_offset / eighth);
        let enabled = (0..8u64).filter(|n| (first..last).contains(n)).fold(0u8, |bits, n| bits | 1 << n);
        return Ok(Region { base: base as u32, size_log2, subregions_disabled: !enabled });
    }
    Err(LayoutError::NotExpressible { start, len })
}

/// The access a MemManage fault stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultAccess {
    /// A data load (the address is MMFAR).
    Read,
    /// A data store (the address is MMFAR).
    Write,
    /// An instruction fetch from memory that is not executable for the process (the address is
    /// the stacked PC: the core does not set MMFAR for these).
    Execute,
    /// A data access whose direction the faulting instruction does not tell.
    Data,
    /// The exception entry's stacking onto the process stack (a write; no address).
    Stacking,
    /// The exception return's unstacking (a read; no address).
    Unstacking,
}

impl FaultAccess {
    /// How the LOG names it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Execute => "execute",
            Self::Data => "data access",
            Self::Stacking => "stacking (write)",
            Self::Unstacking => "unstacking (read)",
        }
    }
}

/// MMFSR (CFSR bits 7:0) bits, ARMv7-M ARM B3.2.15.
pub mod mmfsr {
    /// Instruction access violation (MMFAR not written).
    pub const IACCVIOL: u32 = 1 << 0;
    /// Data access violation (MMFAR holds the address).
    pub const DACCVIOL: u32 = 1 << 1;
    /// Fault on unstacking for an exception return.
    pub const MUNSTKERR: u32 = 1 << 3;
    /// Fault on stacking for an exception entry.
    pub const MSTKERR: u32 = 1 << 4;
    /// MMFAR holds a valid fault address.
    pub const MMARVALID: u32 = 1 << 7;
}

/// The access of a MemManage fault with status `cfsr`; `instruction` is the faulting Thumb
/// instruction's first two halfwords, when the kernel could read them.
pub fn fault_access(cfsr: u32, instruction: Option<[u16; 2]>) -> FaultAccess {
    if cfsr & mmfsr::IACCVIOL != 0 {
        FaultAccess::Execute
    } else if cfsr & mmfsr::MSTKERR != 0 {
        FaultAccess::Stacking
    } else if cfsr & mmfsr::MUNSTKERR != 0 {
        FaultAccess::Unstacking
    } else {
        instruction.and_then(data_access_of).unwrap_or(FaultAccess::Data)
    }
}

/// Whether a Thumb load/store instruction reads or writes memory; `None` if it is not one.
pub fn data_access_of([first, _second]: [u16; 2]) -> Option<FaultAccess> {
    let direction = |load: bool| Some(if load { FaultAccess::Read } else { FaultAccess::Write });
    let load_bit_11 = first & (1 << 11) != 0;
    match first >> 11 {
        // 32-bit: load/store single (1111 100x), multiple and dual (1110 100x): L is bit 4.
        0b11111 | 0b11101 if (first >> 9) & 0b11 == 0 => direction(first & (1 << 4) != 0),
        // LDR (literal).
        0b01001 => direction(true),
        // Load/store register offset (0101 opB): opB 000-010 store, 011-111 load.
        0b01010 | 0b01011 => direction((first >> 9) & 0b111 >= 0b011),
        // STR/LDR, STRB/LDRB immediate; STRH/LDRH immediate; STR/LDR SP-relative; STM/LDM: bit 11 = L.
        0b01100 | 0b01101 | 0b01110 | 0b01111 | 0b10000 | 0b10001 | 0b10010 | 0b10011 | 0b11000 | 0b11001 => {
            direction(load_bit_11)
        }
        // PUSH (1011 010x) stores, POP (1011 110x) loads.
        0b10110 if (first >> 9) & 0b11 == 0b10 => direction(false),
        0b10111 if (first >> 9) & 0b11 == 0b10 => direction(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_power_of_two_range_aligned_to_its_size_is_one_whole_region() {
        assert_eq!(
            covering(0x2000_0400, 1024),
            Ok(Region { base: 0x2000_0400, size_log2: 10, subregions_disabled: 0 })
        );
        assert_eq!(covering(0x2000_0020, 32), Ok(Region { base: 0x2000_0020, size_log2: 5, subregions_disabled: 0 }));
    }

    #[test]
    fn a_range_on_subregion_boundaries_disables_the_other_subregions() {
        // 3 KiB at 0x2000_0400 inside the 4 KiB block at 0x2000_0000: subregions 2..=7 of 512 B.
        let r = covering(0x2000_0400, 3072).unwrap();
        assert_eq!(r, Region { base: 0x2000_0000, size_log2: 12, subregions_disabled: 0b0000_0011 });
        assert_eq!(r.enabled_range(), (0x2000_0400, 0x2000_1000));
        // The first 768 bytes of a 1 KiB block: subregions 0..=5 of 128 B.
        let r = covering(0x2000_0000, 768).unwrap();
        assert_eq!(r.subregions_disabled, 0b1100_0000);
        assert_eq!(r.enabled_range(), (0x2000_0000, 0x2000_0300));
        assert_eq!(r.size_field(), 9);
    }

    #[test]
    fn the_grant_area_after_the_memory_stays_outside_the_region() {
        // A process's 1 KiB memory at a 1 KiB boundary, its grants right after: the region is
        // exactly the memory.
        let r = covering(0x2000_0800, 1024).unwrap();
        assert_eq!(r.enabled_range(), (0x2000_0800, 0x2000_0C00));
    }

    #[test]
    fn ranges_that_fit_no_region_are_refused_with_their_numbers() {
        assert_eq!(covering(0x2000_0000, 0), Err(LayoutError::Empty));
        // Misaligned start: no block holds it on an eighth.
        assert_eq!(covering(0x2000_0004, 1024), Err(LayoutError::NotExpressible { start: 0x2000_0004, len: 1024 }));
        // 48 bytes: not a power of two, and not a whole number of 32-byte subregions.
        assert_eq!(covering(0x2000_0000, 48), Err(LayoutError::NotExpressible { start: 0x2000_0000, len: 48 }));
        // 96 bytes are three subregions of a 256-byte region.
        assert_eq!(covering(0x2000_0000, 96).unwrap().subregions_disabled, 0b1111_1000);
        let text = format!("{}", covering(0x2000_0004, 1024).unwrap_err());
        assert!(text.contains("1024 bytes at 0x20000004"), "{text}");
    }

    #[test]
    fn a_range_crossing_a_block_boundary_takes_a_larger_block() {
        // 2 KiB at 0x2000_0C00 crosses 0x2000_1000: the 8 KiB block at 0x2000_0000 with 1 KiB
        // subregions 3 and 4.
        let r = covering(0x2000_0C00, 2048).unwrap();
        assert_eq!(r.base, 0x2000_0000);
        assert_eq!(r.size_log2, 13);
        assert_eq!(r.enabled_range(), (0x2000_0C00, 0x2000_1400));
    }

    #[test]
    fn the_whole_address_space_is_one_region() {
        let r = covering(0, u32::MAX).unwrap_err();
        assert_eq!(r, LayoutError::NotExpressible { start: 0, len: u32::MAX });
        assert_eq!(covering(0, 0x8000_0000).unwrap().size_log2, 31);
    }

    #[test]
    fn fault_status_and_instruction_name_the_access() {
        assert_eq!(fault_access(mmfsr::IACCVIOL, None), FaultAccess::Execute);
        assert_eq!(fault_access(mmfsr::MSTKERR, None), FaultAccess::Stacking);
        assert_eq!(fault_access(mmfsr::MUNSTKERR, None), FaultAccess::Unstacking);
        assert_eq!(fault_access(mmfsr::DACCVIOL | mmfsr::MMARVALID, None), FaultAccess::Data);
        // ldr r0, [r0]  = 0x6800; str r1, [r0] = 0x6001
        assert_eq!(fault_access(mmfsr::DACCVIOL, Some([0x6800, 0])), FaultAccess::Read);
        assert_eq!(fault_access(mmfsr::DACCVIOL, Some([0x6001, 0])), FaultAccess::Write);
        // ldr.w r0, [r0, #4] = f8d0 0004; str.w r1, [r0, #4] = f8c0 1004
        assert_eq!(data_access_of([0xF8D0, 0x0004]), Some(FaultAccess::Read));
        assert_eq!(data_access_of([0xF8C0, 0x1004]), Some(FaultAccess::Write));
        // ldrb r0, [r1, r2] = 5c88; strb r0, [r1, r2] = 5488; ldr r0, [pc, #4] = 4801
        assert_eq!(data_access_of([0x5C88, 0]), Some(FaultAccess::Read));
        assert_eq!(data_access_of([0x5488, 0]), Some(FaultAccess::Write));
        assert_eq!(data_access_of([0x4801, 0]), Some(FaultAccess::Read));
        // push {r4, lr} = b510; pop {r4, pc} = bd10; stmia r0!, {r1} = c002; ldrd r0, r1, [r2] = e9d2 0100
        assert_eq!(data_access_of([0xB510, 0]), Some(FaultAccess::Write));
        assert_eq!(data_access_of([0xBD10, 0]), Some(FaultAccess::Read));
        assert_eq!(data_access_of([0xC002, 0]), Some(FaultAccess::Write));
        assert_eq!(data_access_of([0xE9D2, 0x0100]), Some(FaultAccess::Read));
        // movs r0, #1 = 2001; bl = f000 f800 (not a load or store)
        assert_eq!(data_access_of([0x2001, 0]), None);
        assert_eq!(data_access_of([0xF000, 0xF800]), None);
    }
}
