// The Probe for boards behind OpenOCD (nRF52 DKs with J-Link, SAM4L Xplained Pro with EDBG):
// starts `openocd` with the board's config and the probe's serial number, drives it through
// its Tcl RPC port, and offers its GDB server port to the same RSP client the QEMU board uses.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "host/board/board.hpp"
#include "host/probes/gdb_rsp/client.hpp"
#include "host/probes/nrf52_approtect.hpp"
#include "host/probes/openocd/tcl_rpc.hpp"
#include "host/probes/probe.hpp"
#include "host/util/child_process.hpp"

namespace rig::probes::openocd {

// What selects the board, after the port settings: `-f <config>`, `-c "adapter serial <sn>"`
// when the board file names one (two probes on one bench never get mixed up), and
// `-c "adapter speed <kHz>"` when it sets one.
std::vector<std::string> board_args(const board::Board& board);

// The whole command line: openocd, the ports (Tcl and GDB on loopback, telnet off), then
// `config_args` (board_args, or the dummy adapter in tests).
std::vector<std::string> openocd_argv(const std::vector<std::string>& config_args, std::uint16_t tcl_port,
                                      std::uint16_t gdb_port);

// The image's segments as an Intel HEX file, which `program` writes and verifies.
std::string to_intel_hex(const elf::Image& image);

// A running openocd and its Tcl connection. Stopped when destroyed.
class OpenOcdServer {
public:
    // Starts openocd on two loopback ports picked free and returns once it answers on its Tcl
    // port (`init` has run). A port taken by another program meanwhile is retried on new ports.
    static Result<std::unique_ptr<OpenOcdServer>> start(const std::vector<std::string>& config_args,
                                                        const std::filesystem::path& log_file,
                                                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

    TclRpcClient& tcl() { return *tcl_; }
    std::uint16_t tcl_port() const { return tcl_port_; }
    std::uint16_t gdb_port() const { return gdb_port_; }
    util::ChildProcess& process() { return *process_; }
    bool running() { return process_->running(); }
    // Why openocd is not running any more: its Error lines (else the end of its log), and the log's path.
    std::string exit_reason();

    // Target memory as 32-bit words (`read_memory`/`write_memory`, or mdw/mww before 0.12).
    Result<std::vector<std::uint32_t>> read_words(std::uint32_t address, std::size_t count);
    Result<void> write_word(std::uint32_t address, std::uint32_t value);

private:
    // One attempt on ports picked by start().
    static Result<std::unique_ptr<OpenOcdServer>> start_on(const std::vector<std::string>& config_args,
                                                           const std::filesystem::path& log_file, std::uint16_t tcl,
                                                           std::uint16_t gdb, std::chrono::milliseconds timeout);
    OpenOcdServer(std::unique_ptr<util::ChildProcess> process, std::filesystem::path log, std::uint16_t tcl,
                  std::uint16_t gdb)
        : process_(std::move(process)), log_file_(std::move(log)), tcl_port_(tcl), gdb_port_(gdb) {}

    std::unique_ptr<util::ChildProcess> process_;
    std::unique_ptr<TclRpcClient> tcl_;  // declared after the process: closes first
    std::filesystem::path log_file_;
    std::uint16_t tcl_port_;
    std::uint16_t gdb_port_;
};

class OpenOcdProbe final : public Probe {
public:
    // Starts openocd for the board and checks it runs the transport the board file names.
    static Result<std::unique_ptr<OpenOcdProbe>> start(const board::Board& board,
                                                       const std::filesystem::path& log_file);

    // reset halt, then `program <image> verify` (written as Intel HEX next to the log file); on an
    // nRF52, then UICR.APPROTECT = HwDisabled where the silicon re-locks at reset (nrf52_approtect.hpp).
    Result<void> flash(const elf::Image& image, const FlashProgress& progress) override;
    Result<void> reset_and_run() override;  // reset run
    // OpenOCD reads through the debug port while the core runs: no halt needed.
    Result<std::vector<std::uint8_t>> read_memory(std::uint32_t address, std::size_t length) override;
    // Through the debug port's memory access while the core runs (`write_memory`, `read_memory`).
    Result<void> write_word_running(std::uint32_t address, std::uint32_t value) override {
        return server_->write_word(address, value);
    }
    Result<std::uint32_t> read_word_running(std::uint32_t address) override;
    // The serial device of the board file (OpenOCD itself offers no console).
    Result<std::unique_ptr<transport::ByteStream>> open_console() override;
    std::string gdb_address() const override { return "127.0.0.1:" + std::to_string(server_->gdb_port()); }
    // Nothing to hand over: the rig drives OpenOCD through Tcl, its GDB port stays free.
    Result<void> release_gdb() override { return {}; }
    // `nrf52_recover` (target/nrf52.cfg): mass erase and unlock (nrf52_recover.cpp).
    Result<void> recover() override;
    bool alive() override;
    std::string why_not_alive() override;
    std::string describe() const override;

    // An image file as it is (ELF, HEX or BIN with its address): reset halt, program, verify.
    Result<void> flash_file(const std::filesystem::path& image_file);
    Result<void> halt();
    Result<void> resume();
    Result<std::vector<std::uint32_t>> read_words(std::uint32_t address, std::size_t count) {
        return server_->read_words(address, count);
    }

    // What the last flash did about nRF52 APPROTECT ("" on other chips).
    const std::string& approtect_note() const { return approtect_note_; }

    // OpenOCD's GDB server for the RSP client (one connection at a time).
    std::uint16_t gdb_port() const { return server_->gdb_port(); }
    Result<std::unique_ptr<gdb_rsp::RspClient>> connect_gdb();
    OpenOcdServer& server() { return *server_; }

private:
    OpenOcdProbe(board::Board board, std::unique_ptr<OpenOcdServer> server, std::filesystem::path work_dir)
        : board_(std::move(board)), server_(std::move(server)), work_dir_(std::move(work_dir)) {}

    board::Board board_;
    std::unique_ptr<OpenOcdServer> server_;
    std::filesystem::path work_dir_;
    std::string approtect_note_;
};

// Word access through OpenOCD's Tcl port (read_memory / write_memory), for nrf52::keep_debuggable.
nrf52::WordAccess approtect_access(OpenOcdServer& server);

}  // namespace rig::probes::openocd
