// The Probe for boards behind pyOCD: its GDB server (`pyocd gdbserver`, or Debian's older
// `pyocd-gdbserver`) driven with the RSP client, flashing the way GDB's `load` does: read the
// memory map, erase whole flash blocks, vFlashWrite, vFlashDone, read back; reset by monitor.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/board/board.hpp"
#include "host/probes/gdb_rsp/client.hpp"
#include "host/probes/nrf52_approtect.hpp"
#include "host/probes/probe.hpp"
#include "host/util/child_process.hpp"

namespace rig::probes::pyocd {

// `pyocd gdbserver -t <target> --port <port> --persist [-u <serial>] [-f <Hz>]` when `pyocd` is
// installed, else `pyocd-gdbserver -t <target> -p <port> --persist [-b <serial>] [-f <Hz>]` (pyOCD
// 0.13); nullopt when neither is. `-f` carries speed_khz in Hz (both versions: "SWD clock frequency
// in Hz"); --persist keeps the server up when a client detaches (`rig gdb` hands it over).
std::optional<std::vector<std::string>> pyocd_argv(const board::Board& board, std::uint16_t port);
std::vector<std::string> pyocd_argv_for(const std::string& program, const board::Board& board, std::uint16_t port);

// The targets pyOCD 0.13 (`pyocd-gdbserver --list-targets --json`) knows; nullopt when it cannot
// be run or its answer cannot be read.
std::optional<std::vector<std::string>> pyocd013_targets();

// Why pyOCD 0.13 cannot drive this board, or "" when it can (or its list cannot be read): the
// target is not one of `targets`. Debian's pyOCD has no SAM4L at all ("pyOCD 0.13 has no SAM4L
// target: use OpenOCD"), and calls the nRF52832 "nrf52". pyOCD itself only prints its usage and
// "invalid target option", which says neither.
std::string pyocd013_target_problem(const board::Board& board, const std::vector<std::string>& targets);

// GDB's flash sequence over any server that sends a memory map: every segment must lie in a
// flash region; the blocks it touches are erased (merged), written, committed, then read back.
Result<void> flash_with_flash_packets(gdb_rsp::RspClient& gdb, const elf::Image& image, const FlashProgress& progress);

class PyOcdProbe final : public Probe {
public:
    // Starts the GDB server for the board and connects to it.
    static Result<std::unique_ptr<PyOcdProbe>> start(const board::Board& board, const std::filesystem::path& log_file);
    // Uses a GDB server that is already connected (a pyOCD started by hand, or a test server);
    // `nrf52` = the chip is an nRF52 (APPROTECT is kept open after flashing, as start() does).
    static std::unique_ptr<PyOcdProbe> attach(std::unique_ptr<gdb_rsp::RspClient> gdb, std::string description,
                                              bool nrf52 = false);

    // vFlash*, read back; on an nRF52, then UICR.APPROTECT = HwDisabled where the silicon re-locks
    // at reset (nrf52_approtect.hpp), with `m`/`X` writes to the NVMC while the core is halted.
    Result<void> flash(const elf::Image& image, const FlashProgress& progress) override;
    const std::string& approtect_note() const { return approtect_note_; }
    Result<void> reset_and_run() override;  // monitor reset, then continue
    Result<std::vector<std::uint8_t>> read_memory(std::uint32_t address, std::size_t length) override;
    // pyOCD's GDB server is all-stop: stop, access, continue.
    Result<void> write_word_running(std::uint32_t address, std::uint32_t value) override;
    Result<std::uint32_t> read_word_running(std::uint32_t address) override;
    // The serial device of the board file (pyOCD's GDB server offers no console).
    Result<std::unique_ptr<transport::ByteStream>> open_console() override;
    std::string gdb_address() const override { return gdb_address_; }
    Result<void> release_gdb() override;  // detach; pyOCD runs with --persist, so it stays up
    bool alive() override;
    std::string why_not_alive() override;
    std::string describe() const override { return description_; }

    gdb_rsp::RspClient& gdb() { return *gdb_; }

private:
    PyOcdProbe(std::unique_ptr<util::ChildProcess> process, std::unique_ptr<gdb_rsp::RspClient> gdb,
               std::string description, std::filesystem::path log)
        : process_(std::move(process)),
          gdb_(std::move(gdb)),
          description_(std::move(description)),
          log_file_(std::move(log)) {}

    std::unique_ptr<util::ChildProcess> process_;  // null when attached
    std::unique_ptr<gdb_rsp::RspClient> gdb_;      // declared after: disconnects before pyOCD stops
    bool running_ = false;                         // continued since the last stop: `D` needs a stopped target first
    std::string description_;
    std::filesystem::path log_file_;
    board::Uart uart_;         // the board's serial port; a TCP kind when attached (no console)
    std::string gdb_address_;  // empty when attached
    bool nrf52_ = false;
    std::string approtect_note_;
};

}  // namespace rig::probes::pyocd
