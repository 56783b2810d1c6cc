#pragma once
// The virtual board: a qemu-system-arm process started halted (-S), with its GDB server and its
// first UART on loopback TCP ports picked per run, and -icount so that SysTick counts exact
// instructions. The image is NOT given to QEMU (-kernel): the host flashes it through the GDB
// server like any other probe, so the virtual board exercises the same path as a real one.

#include "host/board/board.hpp"
#include "host/util/child_process.hpp"
#include "host/util/result.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace rig::probes {

struct QemuPorts {
    std::uint16_t gdb = 0;
    std::uint16_t uart = 0;
};

class QemuBoard {
public:
    // Starts QEMU for `board` and waits until both ports listen. Port clashes (another program
    // took a port between our pick and QEMU's bind) are retried with new ports, a bounded number
    // of times. QEMU's own output goes to `log_file`.
    static Result<std::unique_ptr<QemuBoard>> start(const board::Board& board, const std::filesystem::path& log_file,
                                                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

    const QemuPorts& ports() const { return ports_; }
    bool running() { return process_->running(); }
    // Why QEMU is not running any more, with the end of its log.
    std::string exit_reason();
    util::ChildProcess& process() { return *process_; }

private:
    QemuBoard(std::unique_ptr<util::ChildProcess> process, QemuPorts ports, std::filesystem::path log)
        : process_(std::move(process)), ports_(ports), log_file_(std::move(log)) {}

    std::unique_ptr<util::ChildProcess> process_;
    QemuPorts ports_;
    std::filesystem::path log_file_;
};

}  // namespace rig::probes
