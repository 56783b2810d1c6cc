#include "host/probes/pyocd/pyocd_probe.hpp"

#include "host/probes/serial_console.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <thread>

#include "host/probes/gdb_memory.hpp"
#include "host/probes/gdb_rsp/memory_map.hpp"
#include "host/probes/local_ports.hpp"
#include "host/transport/tcp_stream.hpp"
#include "host/util/little_endian.hpp"

namespace rig::probes::pyocd {
namespace {

using namespace std::chrono_literals;
using gdb_rsp::MemoryMapRegion;

// What pyOCD (0.13 and current) prints while no probe, or not the one asked for, is connected.
constexpr std::string_view waiting_for_probe = "Waiting for a debug probe";
constexpr auto probe_grace = 5s;

struct Range {
    std::uint64_t start;
    std::uint64_t end;
};

}  // namespace

std::vector<std::string> pyocd_argv_for(const std::string& program, const board::Board& board, std::uint16_t port) {
    const bool old = program == "pyocd-gdbserver";
    std::vector<std::string> argv{program};
    if (!old) argv.emplace_back("gdbserver");
    argv.insert(argv.end(), {"-t", board.probe.target, old ? "-p" : "--port", std::to_string(port), "--persist"});
    if (!board.probe.adapter_serial.empty()) argv.insert(argv.end(), {old ? "-b" : "-u", board.probe.adapter_serial});
    // Both take the SWD clock in Hz (`-f`/`--frequency`): the SAM4L needs 50 kHz at reset.
    if (board.probe.speed_khz > 0)
        argv.insert(argv.end(), {"-f", std::to_string(std::uint64_t{board.probe.speed_khz} * 1000)});
    return argv;
}

std::optional<std::vector<std::string>> pyocd_argv(const board::Board& board, std::uint16_t port) {
    for (const char* program : {"pyocd", "pyocd-gdbserver"})
        if (util::program_available(program)) return pyocd_argv_for(program, board, port);
    return std::nullopt;
}

std::optional<std::vector<std::string>> pyocd013_targets() {
    if (!util::program_available("pyocd-gdbserver")) return std::nullopt;
    const auto ran = util::run_program({"pyocd-gdbserver", "--list-targets", "--json"}, 20s);
    if (!ran.ok) return std::nullopt;
    try {
        std::vector<std::string> names;
        const auto answer = nlohmann::json::parse(ran.out);  // kept: a temporary would die before the loop
        for (const auto& target : answer.at("targets")) names.push_back(target.at("name").get<std::string>());
        return names;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string pyocd013_target_problem(const board::Board& board, const std::vector<std::string>& targets) {
    if (std::find(targets.begin(), targets.end(), board.probe.target) != targets.end()) return {};
    std::string lower;
    for (char c : board.chip + " " + board.probe.target)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("sam4l") != std::string::npos)
        return "pyOCD 0.13 has no SAM4L target: use OpenOCD (probe.kind = \"openocd\", config = "
               "\"board/atmel_sam4l8_xplained_pro.cfg\"), or a current pyOCD with the SAM4L's CMSIS pack";
    std::string hint;
    if (lower.find("52832") != std::string::npos && std::find(targets.begin(), targets.end(), "nrf52") != targets.end())
        hint = " (its nRF52832 target is called \"nrf52\")";
    std::string list;
    for (const auto& t : targets) list += (list.empty() ? "" : ", ") + t;
    return "pyOCD 0.13 has no target \"" + board.probe.target + "\"" + hint + "; it knows " + list;
}

Result<void> flash_with_flash_packets(gdb_rsp::RspClient& gdb, const elf::Image& image, const FlashProgress& progress) {
    auto xml = gdb.read_xfer("memory-map", "");
    if (!xml) return xml.error().context("reading the memory map");
    auto map = gdb_rsp::parse_memory_map(*xml);
    if (!map) return map.error();

    // Blocks to erase: every block a segment touches, merged into runs.
    std::vector<Range> erase;
    for (const auto& segment : image.segments) {
        if (segment.data.empty()) continue;
        const std::uint64_t start = segment.load_address, end = start + segment.data.size();
        const auto region = std::find_if(map->begin(), map->end(), [&](const MemoryMapRegion& r) {
            return r.type == MemoryMapRegion::Type::flash && start >= r.start && end <= r.end();
        });
        if (region == map->end())
            return make_error(ErrorKind::invalid_argument,
                              fmt::format("segment at 0x{:08x} ({} bytes) is not inside a flash region of the target's "
                                          "memory map",
                                          start, segment.data.size()));
        const auto block = region->block_size;
        erase.push_back({region->start + (start - region->start) / block * block,
                         std::min(region->end(), region->start + (end - region->start + block - 1) / block * block)});
    }
    std::sort(erase.begin(), erase.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
    std::vector<Range> merged;
    for (const auto& r : erase) {
        if (!merged.empty() && r.start <= merged.back().end)
            merged.back().end = std::max(merged.back().end, r.end);
        else
            merged.push_back(r);
    }
    for (const auto& r : merged)
        if (auto erased = gdb.flash_erase(r.start, r.end - r.start); !erased) return erased.error();

    const std::size_t total = image.flash_bytes();
    std::size_t done = 0;
    if (progress) progress(0, total);
    for (const auto& segment : image.segments) {
        if (auto written = gdb.flash_write(segment.load_address, segment.data); !written) return written.error();
        done += segment.data.size();
        if (progress) progress(done, total);
    }
    if (auto committed = gdb.flash_done(); !committed) return committed.error();

    for (const auto& segment : image.segments) {
        auto back = gdb.read_memory(segment.load_address, segment.data.size());
        if (!back) return back.error().context("verify");
        const auto diff = std::mismatch(segment.data.begin(), segment.data.end(), back->begin(), back->end());
        if (diff.first != segment.data.end())
            return make_error(ErrorKind::target,
                              fmt::format("verify failed at 0x{:08x}: wrote 0x{:02x}, read 0x{:02x}",
                                          segment.load_address + (diff.first - segment.data.begin()), *diff.first,
                                          diff.second == back->end() ? 0 : *diff.second));
    }
    return {};
}

Result<std::unique_ptr<PyOcdProbe>> PyOcdProbe::start(const board::Board& board,
                                                      const std::filesystem::path& log_file) {
    if (board.probe.kind != board::ProbeKind::pyocd)
        return make_error(ErrorKind::invalid_argument, "board " + board.name + " is not a pyOCD board");
    auto port = pick_free_port();
    if (!port) return port.error();
    auto argv = pyocd_argv(board, *port);
    if (!argv)
        return make_error(ErrorKind::not_found,
                          "neither pyocd nor pyocd-gdbserver is installed (apt-get install python3-pyocd, or a current "
                          "pyOCD on PATH)");
    // pyOCD 0.13 answers a target it does not have with its usage text: say what to do instead.
    if (argv->front() == "pyocd-gdbserver")
        if (const auto targets = pyocd013_targets())
            if (auto problem = pyocd013_target_problem(board, *targets); !problem.empty())
                return make_error(ErrorKind::unsupported, board.file.string() + ": " + problem);
    auto started = util::ChildProcess::start(*argv, log_file);
    if (!started) return started.error();
    auto process = std::move(*started);
    const auto deadline = std::chrono::steady_clock::now() + 20s;  // pyOCD loads its target support first
    std::optional<std::chrono::steady_clock::time_point> waiting_since;
    while (process->running() && !group_listens_on(process->process_group(), *port)) {
        const auto now = std::chrono::steady_clock::now();
        // Without its probe pyOCD waits for ever ("Waiting for a debug probe to be connected"):
        // a probe being plugged in or re-enumerating gets a few seconds, then the error says so.
        if (!waiting_since && process->output().find(waiting_for_probe) != std::string::npos) waiting_since = now;
        if (waiting_since && now - *waiting_since > probe_grace) {
            const std::string serial =
                board.probe.adapter_serial.empty() ? "" : " with serial " + board.probe.adapter_serial;
            const std::string lister = argv->front() == "pyocd" ? "pyocd list" : "pyocd-gdbserver -l";
            return make_error(ErrorKind::not_found,
                              fmt::format("pyOCD finds no debug probe{} (is the board's USB cable in? `{}` lists "
                                          "the probes pyOCD sees)",
                                          serial, lister));
        }
        if (now > deadline)
            return make_error(ErrorKind::timeout,
                              "pyOCD did not open its GDB port; its log ends with: " + util::tail_of_file(log_file));
        std::this_thread::sleep_for(50ms);
    }
    if (!process->running())
        return make_error(ErrorKind::io, "pyOCD " + process->exit_description().value_or("exited") +
                                             "; its log ends with: " + util::tail_of_file(log_file));
    auto stream = transport::TcpStream::connect("127.0.0.1", *port, 5s);
    if (!stream) {
        auto failed = stream.error().context("connecting to pyOCD's GDB server");
        if (!process->running())  // it listened, then gave up: its log says why
            failed.message += "; pyOCD " + process->exit_description().value_or("exited") +
                              "; its log ends with: " + util::tail_of_file(log_file);
        return failed;
    }
    gdb_rsp::RspOptions options;
    options.timeout = 30s;  // pyOCD programs the flash while it answers vFlashDone
    auto gdb = std::make_unique<gdb_rsp::RspClient>(std::move(*stream), options);
    if (auto stop = gdb->connect(); !stop) return stop.error().context("GDB handshake with pyOCD");
    const std::string description = fmt::format(
        "pyocd ({} pid {}, target {}{}, gdb 127.0.0.1:{})", argv->front(), process->pid(), board.probe.target,
        board.probe.adapter_serial.empty() ? "" : ", probe " + board.probe.adapter_serial, *port);
    std::unique_ptr<PyOcdProbe> probe(new PyOcdProbe(std::move(process), std::move(gdb), description, log_file));
    probe->uart_ = board.uart;
    probe->gdb_address_ = "127.0.0.1:" + std::to_string(*port);
    probe->nrf52_ = nrf52::is_nrf52(board);
    return probe;
}

std::unique_ptr<PyOcdProbe> PyOcdProbe::attach(std::unique_ptr<gdb_rsp::RspClient> gdb, std::string description,
                                               bool nrf52) {
    std::unique_ptr<PyOcdProbe> probe(new PyOcdProbe(nullptr, std::move(gdb), std::move(description), {}));
    probe->nrf52_ = nrf52;
    return probe;
}

Result<void> PyOcdProbe::flash(const elf::Image& image, const FlashProgress& progress) {
    if (auto done = flash_with_flash_packets(*gdb_, image, progress); !done) return done.error().context("flash");
    if (!nrf52_) return {};
    // The core is still halted after vFlashDone: plain memory packets reach FICR, UICR and the NVMC.
    const nrf52::WordAccess access{[this](std::uint32_t address) -> Result<std::uint32_t> {
                                       auto bytes = gdb_->read_memory(address, 4);
                                       if (!bytes) return bytes.error();
                                       if (bytes->size() != 4)
                                           return make_error(ErrorKind::malformed, "short memory read");
                                       return util::load_le32(bytes->data());
                                   },
                                   [this](std::uint32_t address, std::uint32_t value) -> Result<void> {
                                       const auto bytes = util::store_le32(value);
                                       return gdb_->write_memory(address, bytes);
                                   }};
    auto kept = nrf52::keep_debuggable(access);
    if (!kept) return kept.error().context("flash: nRF52 APPROTECT");
    approtect_note_ = kept->describe();
    return {};
}

Result<std::vector<std::uint8_t>> PyOcdProbe::read_memory(std::uint32_t address, std::size_t length) {
    running_ = false;  // stopped to read, and left stopped
    return stop_and_read_memory(*gdb_, address, length);
}

Result<void> PyOcdProbe::write_word_running(std::uint32_t address, std::uint32_t value) {
    return write_word_and_continue(*gdb_, address, value);
}

Result<std::uint32_t> PyOcdProbe::read_word_running(std::uint32_t address) {
    return read_word_and_continue(*gdb_, address);
}

Result<void> PyOcdProbe::reset_and_run() {
    if (auto out = gdb_->monitor("reset"); !out) return out.error().context("reset (monitor reset)");
    if (auto c = gdb_->cont(); !c) return c.error().context("continue after reset");
    running_ = true;
    return {};
}

Result<std::unique_ptr<transport::ByteStream>> PyOcdProbe::open_console() { return open_serial_console(uart_); }

Result<void> PyOcdProbe::release_gdb() {
    if (!gdb_) return {};
    // An all-stop server takes no packet but ^C while the target runs.
    if (running_) {
        if (auto stopped = gdb_->interrupt(); !stopped) return stopped.error().context("stopping the core to detach");
        running_ = false;
    }
    auto detached = gdb_->detach();
    gdb_.reset();
    if (!detached) return detached.error().context("detaching from pyOCD's GDB server");
    return {};
}

bool PyOcdProbe::alive() { return !process_ || process_->running(); }

std::string PyOcdProbe::why_not_alive() {
    if (!process_) return "attached to a GDB server the rig did not start";
    std::string why =
        process_->running() ? "pyOCD is still running" : "pyOCD " + process_->exit_description().value_or("exited");
    const auto log = util::tail_of_file(log_file_);
    if (!log.empty()) why += "; its log ends with: " + log;
    return why;
}

}  // namespace rig::probes::pyocd
