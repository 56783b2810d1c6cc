#include "host/probes/recover.hpp"

namespace rig::probes {
namespace {

bool is_nrf52(const std::string& chip) {
    return chip.size() >= 5 && (chip.starts_with("nRF52") || chip.starts_with("nrf52"));
}

}  // namespace

std::optional<std::string> recover_unsupported(const board::Board& board) {
    switch (board.probe.kind) {
        case board::ProbeKind::qemu_gdb:
            return "a virtual board (qemu-gdb) has no debug lock to recover from";
        case board::ProbeKind::pyocd:
            return "its probe is pyOCD; recover runs OpenOCD's nrf52_recover (set [probe] kind = \"openocd\", or use "
                   "`pyocd erase --chip`)";
        case board::ProbeKind::openocd:
            if (is_nrf52(board.chip)) return std::nullopt;
            return "its chip is " + board.chip + "; recover runs OpenOCD's nrf52_recover, for nRF52 chips only";
    }
    return "unknown probe kind";
}

}  // namespace rig::probes
