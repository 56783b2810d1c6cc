#include "host/probes/start_probe.hpp"

#include "host/probes/openocd/openocd_probe.hpp"
#include "host/probes/pyocd/pyocd_probe.hpp"
#include "host/probes/qemu/qemu_probe.hpp"
#include "host/util/child_process.hpp"

namespace rig::probes {
namespace {

template <typename Backend>
Result<std::unique_ptr<Probe>> started(Result<std::unique_ptr<Backend>> probe) {
    if (!probe) return probe.error();
    return std::unique_ptr<Probe>(std::move(*probe));
}

}  // namespace

Result<std::unique_ptr<Probe>> start_probe(const board::Board& board, const std::filesystem::path& log_file) {
    switch (board.probe.kind) {
        case board::ProbeKind::qemu_gdb:
            return started(QemuProbe::start(board, log_file));
        case board::ProbeKind::openocd:
            return started(openocd::OpenOcdProbe::start(board, log_file));
        case board::ProbeKind::pyocd:
            return started(pyocd::PyOcdProbe::start(board, log_file));
    }
    return make_error(ErrorKind::invalid_argument, "board " + board.name + ": unknown probe kind");
}

std::optional<std::string> missing_probe_program(const board::Board& board) {
    switch (board.probe.kind) {
        case board::ProbeKind::qemu_gdb:
            if (util::program_available("qemu-system-arm")) return std::nullopt;
            return "qemu-system-arm is not installed: apt-get install qemu-system-arm";
        case board::ProbeKind::openocd:
            if (util::program_available("openocd")) return std::nullopt;
            return "openocd is not installed: apt-get install openocd";
        case board::ProbeKind::pyocd:
            if (util::program_available("pyocd") || util::program_available("pyocd-gdbserver")) return std::nullopt;
            return "pyOCD is not installed: apt-get install python3-pyocd, or a current pyocd on PATH";
    }
    return std::nullopt;
}

}  // namespace rig::probes
