// Test helpers for integration tests: find a program on PATH, and QEMU's mps2-an386 halted with
// its gdbstub on a fresh port and nothing else (no image, no serial), for the RSP client tests.
//
// The production launcher lives in host/probes/qemu/; programs are started by the rig's own
// util::ChildProcess (run to their end with util::run_captured).
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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
// reaped when this object goes away. Its output goes to a scratch log. Constructed once QEMU
// itself listens: a port another program took between the pick and QEMU's bind is drawn again.
class QemuProcess {
public:
    explicit QemuProcess(const std::string& qemu) {
        std::string last_output;
        for (int attempt = 0; attempt < 5; ++attempt) {
            auto port = probes::pick_free_port();
            if (!port) throw std::runtime_error(port.error().message);
            gdb_port_ = *port;
            process_ = std::make_unique<util::ChildProcess>(
                std::vector<std::string>{qemu, "-M", "mps2-an386", "-display", "none", "-monitor", "none", "-serial",
                                         "none", "-S", "-gdb", "tcp:127.0.0.1:" + std::to_string(gdb_port_)},
                scratch_dir("rig_qemu_process_", std::to_string(gdb_port_)) / "qemu.log");
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while (process_->running() && !probes::group_listens_on(process_->process_group(), gdb_port_) &&
                   std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (process_->running()) {
                if (probes::group_listens_on(process_->process_group(), gdb_port_)) return;
                throw std::runtime_error("QEMU did not listen on its gdbstub port within 30 s: " + process_->output());
            }
            last_output = process_->output();
            if (last_output.find("Failed to bind") == std::string::npos &&
                last_output.find("Address already in use") == std::string::npos)
                break;
        }
        throw std::runtime_error("QEMU did not start its gdbstub: " + last_output);
    }

    std::uint16_t gdb_port() const { return gdb_port_; }
    util::ChildProcess& process() { return *process_; }

private:
    std::uint16_t gdb_port_ = 0;
    std::unique_ptr<util::ChildProcess> process_;
};

}  // namespace rig::test_support
