//! kernel-rig firmware for the nRF52 DK (PCA10040, nRF52832): its name, its memory map
//! (`layout.ld`: 512 KiB flash, 64 KiB RAM) and its entry symbols; the wiring is `nrf52dk_base`,
//! shared with the other nRF52 DK.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

use board_support::Identity;

/// Board name (as the host's board file boards/nrf52dk.toml spells it), version, commit, toolchain.
const IDENTITY: Identity = board_support::identity!("nrf52dk");

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    nrf52dk_base::panic(info)
}

/// The symbols `cortexm` calls at reset and on faults (see its crate docs).
#[allow(unsafe_code)]
mod exception_handlers {
    /// Called once by the reset handler after `.data` and `.bss` are initialised.
    // SAFETY: the only `rig_main` in the image, with the signature cortexm's reset calls.
    #[unsafe(no_mangle)]
    extern "C" fn rig_main() -> ! {
        nrf52dk_base::main(&super::IDENTITY)
    }

    /// Called from every fault and unexpected exception, in handler mode.
    // SAFETY: the only `rig_fault` in the image, with the signature cortexm's handler calls.
    #[unsafe(no_mangle)]
    extern "C" fn rig_fault(pc: u32, ipsr: u32) -> ! {
        nrf52dk_base::fault(pc, ipsr)
    }
}
