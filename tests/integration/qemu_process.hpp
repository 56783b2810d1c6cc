// Test helpers for integration tests: find a program on PATH, and QEMU's mps2-an386 halted with
// its gdbstub on a fresh port and nothing else (no image, no serial), for the RSP client tests.
//
// The production launcher lives in host/probes/qemu/; programs are started by the rig's own
// util::ChildProcess (run to their end with util::run_captured).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "host/probes/local_ports.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

namespace rig::test_support {

// Full path of `name` on PATH, or nullopt, so a test can fail with "qemu-system-arm not found".
inline std::optional<std::string> find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const auto candidate = std::filesystem::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return std::nullopt;
}

// QEMU's mps2-an386 board, halted (-S), no image, gdbstub on a fresh local port; stopped and
// reaped when this object goes away. Its output goes to a scratch log.
class QemuProcess {
public:
    explicit QemuProcess(const std::string& qemu)
        : gdb_port_(free_port()),
          process_({qemu, "-M", "mps2-an386", "-display", "none", "-monitor", "none", "-serial", "none", "-S", "-gdb",
                    "tcp:127.0.0.1:" + std::to_string(gdb_port_)},
                   scratch_dir("rig_qemu_process_", std::to_string(gdb_port_)) / "qemu.log") {}

    std::uint16_t gdb_port() const { return gdb_port_; }
    util::ChildProcess& process() { return process_; }

private:
    // A port the kernel just handed out; another process could take it before QEMU binds it,
    // but that race is rare enough for tests.
    static std::uint16_t free_port() {
        auto port = probes::pick_free_port();
        if (!port) throw std::runtime_error(port.error().message);
        return *port;
    }

    std::uint16_t gdb_port_;
    util::ChildProcess process_;
};

}  // namespace rig::test_support
