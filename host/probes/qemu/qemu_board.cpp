#include "host/probes/qemu/qemu_board.hpp"

#include "host/probes/local_ports.hpp"

#include <thread>

namespace rig::probes {
namespace {

constexpr int max_port_attempts = 5;

std::vector<std::string> qemu_argv(const board::Board& board, const QemuPorts& ports) {
    const std::string loopback = "tcp:127.0.0.1:";
    return {
        "qemu-system-arm", "-M", board.probe.machine, "-display", "none", "-monitor", "none", "-nodefaults",
        // Exact, repeatable instruction counts: every instruction advances virtual time by
        // 2^shift ns, and SysTick on the CPU clock follows virtual time.
        "-icount", "shift=" + std::to_string(board.probe.icount_shift), "-serial",
        loopback + std::to_string(ports.uart) + ",server=on,wait=off", "-gdb", loopback + std::to_string(ports.gdb),
        "-S",  // halted until the host has flashed the image and continues
    };
}

}  // namespace

std::string QemuBoard::exit_reason() {
    std::string why =
        process_->running() ? "QEMU is still running" : "QEMU " + process_->exit_description().value_or("exited");
    const auto log = util::tail_of_file(log_file_);
    if (!log.empty()) why += "; its log ends with: " + log;
    return why;
}

Result<std::unique_ptr<QemuBoard>> QemuBoard::start(const board::Board& board, const std::filesystem::path& log_file,
                                                    std::chrono::milliseconds timeout) {
    if (board.probe.kind != board::ProbeKind::qemu_gdb)
        return make_error(ErrorKind::invalid_argument, "board " + board.name + " is not a QEMU board");
    if (!util::program_available("qemu-system-arm"))
        return make_error(ErrorKind::not_found, "qemu-system-arm is not installed (run scripts/bootstrap.sh --deps)");

    std::string last_failure;
    for (int attempt = 1; attempt <= max_port_attempts; ++attempt) {
        auto gdb = pick_free_port();
        auto uart = pick_free_port();
        if (!gdb) return gdb.error();
        if (!uart) return uart.error();
        if (*gdb == *uart) continue;
        const QemuPorts ports{*gdb, *uart};
        auto process = util::ChildProcess::start(qemu_argv(board, ports), log_file);
        if (!process) return process.error();
        std::unique_ptr<QemuBoard> qemu(new QemuBoard(std::move(*process), ports, log_file));

        const auto deadline = std::chrono::steady_clock::now() + timeout;
        const int group = qemu->process().process_group();
        while (qemu->running() && !(group_listens_on(group, ports.gdb) && group_listens_on(group, ports.uart))) {
            if (std::chrono::steady_clock::now() > deadline)
                return make_error(ErrorKind::timeout, "QEMU did not open its GDB and UART ports within " +
                                                          std::to_string(timeout.count()) + " ms");
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (qemu->running()) return qemu;
        last_failure = qemu->exit_reason();
        // Only a port clash is worth another try; any other early exit is final.
        if (last_failure.find("ddress already in use") == std::string::npos &&
            last_failure.find("Failed to bind") == std::string::npos)
            return make_error(ErrorKind::io, "QEMU failed to start: " + last_failure);
    }
    return make_error(ErrorKind::io, "QEMU could not bind its ports after " + std::to_string(max_port_attempts) +
                                         " attempts: " + last_failure);
}

}  // namespace rig::probes
