#pragma once
// nRF52 APPROTECT, kept open from the host side. On newer silicon (nRF52832 rev 3, nRF52840 rev 3:
// Nordic MDK `nrf52_configuration_249`) access port protection comes back at every reset unless
// UICR.APPROTECT reads HwDisabled *and* the firmware writes APPROTECT.DISABLE at start-up (which
// firmware/chips/nrf52/src/approtect.rs does). The UICR half is the probe's: after flashing, with
// the core halted, read UICR.APPROTECT and program HwDisabled through the NVMC when it is still
// erased. Never FORCEPROTECT, never Enabled; and nothing on older silicon, where any value but
// 0xFF in UICR.APPROTECT *enables* protection.
//
// Addresses and values: Nordic nrfx MDK nrf52840.svd / nrf52.svd and nrf52840_bitfields.h
// (UICR base 0x10001000, APPROTECT at 0x208, PALL Enabled 0x00, HwDisabled 0x5A, Disabled 0xFF;
// NVMC base 0x4001E000, READY at 0x400, CONFIG at 0x504 with WEN Ren 0 / Wen 1), and
// nrf52_erratas.h for the FICR words 0x10000130/0x10000134 that tell the revisions apart.

#include <cstdint>
#include <functional>
#include <string>

#include "host/board/board.hpp"
#include "host/util/result.hpp"

namespace rig::probes::nrf52 {

inline constexpr std::uint32_t ficr_part_code = 0x1000'0130;      // MDK: 0x06 nRF52832, 0x08 nRF52840
inline constexpr std::uint32_t ficr_revision_code = 0x1000'0134;  // MDK: revision code of that part
inline constexpr std::uint32_t uicr_approtect = 0x1000'1208;
inline constexpr std::uint32_t nvmc_ready = 0x4001'E400;
inline constexpr std::uint32_t nvmc_config = 0x4001'E504;
inline constexpr std::uint32_t nvmc_config_ren = 0x0;  // read only
inline constexpr std::uint32_t nvmc_config_wen = 0x1;  // write enabled
inline constexpr std::uint32_t pall_mask = 0xFF;
inline constexpr std::uint32_t pall_hw_disabled = 0x5A;
inline constexpr std::uint32_t pall_erased = 0xFF;
// The word written: HwDisabled, as nrfjprog and `NRF_UICR->APPROTECT = UICR_APPROTECT_PALL_HwDisabled` write it.
inline constexpr std::uint32_t uicr_approtect_hw_disabled_word = 0x0000'005A;

// Word access to a halted core through whichever probe is attached.
struct WordAccess {
    std::function<Result<std::uint32_t>(std::uint32_t address)> read;
    std::function<Result<void>(std::uint32_t address, std::uint32_t value)> write;
};

// True for boards whose chip is an nRF52 (board file `chip`, else a pyOCD `target`).
bool is_nrf52(const board::Board& board);

// MDK nrf52_configuration_249 for the parts the rig has boards for: APPROTECT re-locks at reset.
bool relocks_at_reset(std::uint32_t part_code, std::uint32_t revision_code);

enum class ApprotectAction {
    older_silicon,  // protection follows UICR alone and UICR is not touched
    unknown_part,   // a part code the rig does not know: left alone, said so
    already_open,   // UICR.APPROTECT already reads HwDisabled
    programmed,     // HwDisabled written and read back
};

struct ApprotectOutcome {
    ApprotectAction action = ApprotectAction::older_silicon;
    std::uint32_t part_code = 0;
    std::uint32_t revision_code = 0;
    std::uint32_t uicr_before = 0;
    std::string describe() const;  // one line for the run's log
};

// Call after flashing, core halted. Errors name the register and value; a UICR.APPROTECT that is
// neither erased nor HwDisabled cannot be reprogrammed without erasing UICR and is refused (a
// `rig recover`, OpenOCD's nrf52_recover, erases it).
Result<ApprotectOutcome> keep_debuggable(const WordAccess& access);

}  // namespace rig::probes::nrf52
