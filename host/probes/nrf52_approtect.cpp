#include "host/probes/nrf52_approtect.hpp"

#include <fmt/format.h>
#include <cctype>
#include <chrono>
#include <thread>

namespace rig::probes::nrf52 {
namespace {

// A UICR word write takes at most 41 us (nRF52840 PS, NVMC "tWRITE"); 200 reads of READY are plenty.
constexpr int max_ready_polls = 200;

Result<void> wait_until_ready(const WordAccess& access) {
    for (int i = 0; i < max_ready_polls; ++i) {
        auto ready = access.read(nvmc_ready);
        if (!ready) return ready.error().context("reading NVMC.READY (0x4001e400)");
        if (*ready & 1) return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return make_error(ErrorKind::timeout, "NVMC.READY (0x4001e400) stayed busy");
}

}  // namespace

bool is_nrf52(const board::Board& board) {
    std::string lower;
    for (char c : board.chip + " " + board.probe.target)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find("nrf52") != std::string::npos;
}

bool relocks_at_reset(std::uint32_t part_code, std::uint32_t revision_code) {
    if (part_code == 0x06) return revision_code >= 0x07;  // nRF52832 rev 3 (build code Gxx)
    if (part_code == 0x08) return revision_code >= 0x05;  // nRF52840 rev 3 (build code Fxx)
    return false;
}

std::string ApprotectOutcome::describe() const {
    const auto chip = fmt::format("FICR part code 0x{:02x}, revision code 0x{:02x}", part_code, revision_code);
    switch (action) {
        case ApprotectAction::older_silicon:
            return "nRF52 APPROTECT: older silicon (" + chip + "): UICR left as it is";
        case ApprotectAction::unknown_part:
            return "nRF52 APPROTECT: unknown part (" + chip +
                   "): UICR left as it is; if the probe is locked out "
                   "after a reset, program UICR.APPROTECT (0x10001208) = 0x5A by hand";
        case ApprotectAction::already_open:
            return "nRF52 APPROTECT: UICR.APPROTECT already HwDisabled (" + chip + ")";
        case ApprotectAction::programmed:
            return fmt::format(
                "nRF52 APPROTECT: UICR.APPROTECT programmed 0x{:08x} -> HwDisabled 0x5A ({}): the "
                "board stays debuggable after a reset",
                uicr_before, chip);
    }
    return {};
}

Result<ApprotectOutcome> keep_debuggable(const WordAccess& access) {
    ApprotectOutcome outcome;
    auto part = access.read(ficr_part_code);
    if (!part) return part.error().context("reading FICR part code (0x10000130)");
    auto revision = access.read(ficr_revision_code);
    if (!revision) return revision.error().context("reading FICR revision code (0x10000134)");
    outcome.part_code = *part;
    outcome.revision_code = *revision;
    if (*part != 0x06 && *part != 0x08) {
        outcome.action = ApprotectAction::unknown_part;
        return outcome;
    }
    if (!relocks_at_reset(*part, *revision)) return outcome;  // older silicon: 0x5A would *lock* it

    auto uicr = access.read(uicr_approtect);
    if (!uicr) return uicr.error().context("reading UICR.APPROTECT (0x10001208)");
    outcome.uicr_before = *uicr;
    if ((*uicr & pall_mask) == pall_hw_disabled) {
        outcome.action = ApprotectAction::already_open;
        return outcome;
    }
    if ((*uicr & pall_mask) != pall_erased)
        return make_error(ErrorKind::target,
                          fmt::format("UICR.APPROTECT (0x10001208) reads 0x{:08x}, neither erased nor HwDisabled "
                                      "(0x5A): flash bits cannot be set back without erasing UICR; `rig recover` "
                                      "(OpenOCD's nrf52_recover) erases the chip and UICR",
                                      *uicr));

    // NVMC: write enable, one word, back to read only (nrfx nrf_nvmc: mode, write, wait READY).
    if (auto r = wait_until_ready(access); !r) return r.error();
    if (auto w = access.write(nvmc_config, nvmc_config_wen); !w)
        return w.error().context("NVMC.CONFIG (0x4001e504) = WEN");
    auto written = access.write(uicr_approtect, uicr_approtect_hw_disabled_word);
    auto ready = wait_until_ready(access);
    // Read only again whatever happened: a write-enabled NVMC must not be left behind.
    auto back_to_read_only = access.write(nvmc_config, nvmc_config_ren);
    if (!written) return written.error().context("writing UICR.APPROTECT (0x10001208)");
    if (!ready) return ready.error();
    if (!back_to_read_only) return back_to_read_only.error().context("NVMC.CONFIG (0x4001e504) = REN");
    auto after = access.read(uicr_approtect);
    if (!after) return after.error().context("reading UICR.APPROTECT back");
    if ((*after & pall_mask) != pall_hw_disabled)
        return make_error(ErrorKind::target,
                          fmt::format("UICR.APPROTECT (0x10001208) reads 0x{:08x} after writing 0x5A", *after));
    outcome.action = ApprotectAction::programmed;
    return outcome;
}

}  // namespace rig::probes::nrf52
