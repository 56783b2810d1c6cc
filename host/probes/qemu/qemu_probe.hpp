#pragma once
// The Probe for the virtual board: QEMU started halted, driven through its gdbstub with the
// same RSP client the real probes use. Flash = memory writes into the code SSRAM, reset =
// the `system_reset` monitor command, which takes SP and PC from the vector table just written.

#include "host/board/board.hpp"
#include "host/probes/gdb_rsp/client.hpp"
#include "host/probes/probe.hpp"
#include "host/probes/qemu/qemu_board.hpp"

#include <memory>

namespace rig::probes {

class QemuProbe final : public Probe {
public:
    // Starts QEMU and attaches the GDB client. QEMU's output goes to `log_file`.
    static Result<std::unique_ptr<QemuProbe>> start(const board::Board& board, const std::filesystem::path& log_file);

    Result<void> flash(const elf::Image& image, const FlashProgress& progress) override;
    Result<void> reset_and_run() override;
    Result<std::vector<std::uint8_t>> read_memory(std::uint32_t address, std::size_t length) override;
    // RAM only: QEMU's gdbstub acknowledges writes to peripheral and system registers and drops
    // them (PLATFORM.md), so those are refused here rather than reported as done.
    Result<void> write_word_running(std::uint32_t address, std::uint32_t value) override;
    Result<std::uint32_t> read_word_running(std::uint32_t address) override;
    Result<std::unique_ptr<transport::ByteStream>> open_console() override;
    std::string gdb_address() const override;
    Result<void> release_gdb() override;
    bool alive() override { return qemu_->running(); }
    std::string why_not_alive() override { return qemu_->exit_reason(); }
    std::string describe() const override;

    // Where the board's UART is: QEMU's serial0 on this loopback port.
    std::uint16_t uart_port() const { return qemu_->ports().uart; }
    QemuBoard& qemu() { return *qemu_; }
    gdb_rsp::RspClient& gdb() { return *gdb_; }

private:
    QemuProbe(std::unique_ptr<QemuBoard> qemu, std::unique_ptr<gdb_rsp::RspClient> gdb)
        : qemu_(std::move(qemu)), gdb_(std::move(gdb)) {}

    // Declared in this order so the GDB connection closes before QEMU is stopped.
    std::unique_ptr<QemuBoard> qemu_;
    std::unique_ptr<gdb_rsp::RspClient> gdb_;
};

}  // namespace rig::probes
