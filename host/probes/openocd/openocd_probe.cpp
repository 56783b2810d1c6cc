#include "host/probes/openocd/openocd_probe.hpp"

#include "host/probes/serial_console.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>
#include <sstream>
#include <thread>

#include "host/probes/local_ports.hpp"
#include "host/transport/tcp_stream.hpp"
#include "host/util/atomic_file.hpp"
#include "host/util/little_endian.hpp"

namespace rig::probes::openocd {
namespace {

using namespace std::chrono_literals;

constexpr auto flash_timeout = std::chrono::seconds(120);  // a full 1 MiB at a slow adapter speed
constexpr auto reset_timeout = std::chrono::seconds(10);
constexpr int max_port_attempts = 5;                            // as for QEMU
constexpr auto first_answer_timeout = std::chrono::seconds(5);  // `init` may examine a slow target

bool invalid_command(const Error& error, std::string_view name) {
    return error.kind == ErrorKind::remote &&
           error.message.find("invalid command name \"" + std::string(name) + "\"") != std::string::npos;
}

// Words from `read_memory` ("0x12 0x0 …") or `mdw` ("0x20000000: 00000012 00000000 …").
Result<std::vector<std::uint32_t>> parse_words(const std::string& text, bool mdw_format) {
    std::vector<std::uint32_t> words;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (mdw_format) {
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            line = line.substr(colon + 1);
        }
        std::istringstream fields(line);
        for (std::string field; fields >> field;) {
            try {
                std::size_t used = 0;
                const unsigned long value = std::stoul(field, &used, mdw_format ? 16 : 0);
                if (used != field.size() || value > 0xFFFF'FFFFul) throw std::out_of_range(field);
                words.push_back(static_cast<std::uint32_t>(value));
            } catch (const std::exception&) {
                return make_error(ErrorKind::malformed, "OpenOCD memory read gave '" + field + "'");
            }
        }
    }
    return words;
}

}  // namespace

std::vector<std::string> board_args(const board::Board& board) {
    std::vector<std::string> args{"-f", board.probe.config};
    if (!board.probe.adapter_serial.empty())
        args.insert(args.end(), {"-c", "adapter serial " + board.probe.adapter_serial});
    if (board.probe.speed_khz > 0)
        args.insert(args.end(), {"-c", "adapter speed " + std::to_string(board.probe.speed_khz)});
    return args;
}

std::vector<std::string> openocd_argv(const std::vector<std::string>& config_args, std::uint16_t tcl_port,
                                      std::uint16_t gdb_port) {
    std::vector<std::string> argv{"openocd",
                                  "-c",
                                  "bindto 127.0.0.1",
                                  "-c",
                                  "tcl_port " + std::to_string(tcl_port),
                                  "-c",
                                  "gdb_port " + std::to_string(gdb_port),
                                  "-c",
                                  "telnet_port disabled"};
    argv.insert(argv.end(), config_args.begin(), config_args.end());
    return argv;
}

std::string to_intel_hex(const elf::Image& image) {
    std::string out;
    const auto record = [&out](std::uint8_t type, std::uint16_t address, std::span<const std::uint8_t> data) {
        auto sum = static_cast<std::uint8_t>(data.size() + (address >> 8) + (address & 0xFF) + type);
        out += fmt::format(":{:02X}{:04X}{:02X}", data.size(), address, type);
        for (std::uint8_t b : data) {
            out += fmt::format("{:02X}", b);
            sum = static_cast<std::uint8_t>(sum + b);
        }
        out += fmt::format("{:02X}\n", static_cast<std::uint8_t>(-sum));
    };
    std::optional<std::uint16_t> upper;
    for (const auto& segment : image.segments) {
        for (std::size_t done = 0; done < segment.data.size();) {
            const std::uint32_t address = segment.load_address + static_cast<std::uint32_t>(done);
            if (upper != address >> 16) {
                upper = static_cast<std::uint16_t>(address >> 16);
                const std::uint8_t ela[2] = {static_cast<std::uint8_t>(*upper >> 8), static_cast<std::uint8_t>(*upper)};
                record(0x04, 0, ela);
            }
            // 16 bytes a line, never across a 64 KiB boundary.
            const auto count = std::min<std::size_t>({16, segment.data.size() - done, 0x1'0000u - (address & 0xFFFF)});
            record(0x00, static_cast<std::uint16_t>(address & 0xFFFF), std::span(segment.data).subspan(done, count));
            done += count;
        }
    }
    record(0x01, 0, {});
    return out;
}

Result<std::unique_ptr<OpenOcdServer>> OpenOcdServer::start(const std::vector<std::string>& config_args,
                                                            const std::filesystem::path& log_file,
                                                            std::chrono::milliseconds timeout) {
    if (!util::program_available("openocd"))
        return make_error(ErrorKind::not_found, "openocd is not installed (apt-get install openocd)");
    std::string last_failure;
    for (int attempt = 1; attempt <= max_port_attempts; ++attempt) {
        auto tcl = pick_free_port();
        if (!tcl) return tcl.error();
        // The kernel may hand the same free port out twice in a row: draw again (this once failed a
        // `rig recover` with "picked the same port twice").
        Result<std::uint16_t> gdb = *tcl;
        for (int draw = 0; draw < 16 && gdb && *gdb == *tcl; ++draw) gdb = pick_free_port();
        if (!gdb) return gdb.error();
        if (*tcl == *gdb) return make_error(ErrorKind::io, "no two free loopback TCP ports for openocd");
        auto started = start_on(config_args, log_file, *tcl, *gdb, timeout);
        // Only a port clash (another program bound a port between our pick and openocd's bind)
        // is worth another try; any other failure is final.
        if (started || started.error().message.find("Address already in use") == std::string::npos) return started;
        last_failure = started.error().message;
    }
    return make_error(ErrorKind::io, "openocd could not bind its ports after " + std::to_string(max_port_attempts) +
                                         " attempts: " + last_failure);
}

Result<std::unique_ptr<OpenOcdServer>> OpenOcdServer::start_on(const std::vector<std::string>& config_args,
                                                               const std::filesystem::path& log_file, std::uint16_t tcl,
                                                               std::uint16_t gdb, std::chrono::milliseconds timeout) {
    auto process = util::ChildProcess::start(openocd_argv(config_args, tcl, gdb), log_file);
    if (!process) return process.error();
    std::unique_ptr<OpenOcdServer> server(new OpenOcdServer(std::move(*process), log_file, tcl, gdb));

    // OpenOCD listens on its Tcl port before `init` has found the adapter, and answers only once
    // it has: the first answer says it is up, and an exit before it says why not ("No J-Link
    // device found"). Until then a refused or cut connection is tried again while openocd runs.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string last_attempt = "its Tcl port never listened";
    while (server->running()) {
        const auto now = std::chrono::steady_clock::now();
        if (now > deadline)
            return make_error(ErrorKind::timeout, "openocd did not answer on its Tcl port within " +
                                                      std::to_string(timeout.count()) + " ms (" + last_attempt + "); " +
                                                      server->exit_reason());
        if (group_listens_on(server->process().process_group(), tcl)) {
            auto client = TclRpcClient::connect(tcl, 500ms);
            auto answer = client ? (*client)->run("version", std::max<std::chrono::steady_clock::duration>(
                                                                 deadline - now, first_answer_timeout))
                                 : Result<std::string>(client.error());
            if (answer) {
                server->tcl_ = std::move(*client);
                return server;
            }
            // An answer that is an error, or not Tcl RPC at all, will not get better by asking again.
            if (answer.error().kind == ErrorKind::remote || answer.error().kind == ErrorKind::malformed)
                return answer.error().context("openocd's first answer");
            last_attempt = answer.error().message;
        }
        std::this_thread::sleep_for(20ms);
    }
    return make_error(ErrorKind::io, "openocd failed to start: " + server->exit_reason());
}

std::string OpenOcdServer::exit_reason() {
    std::string why =
        process_->running() ? "openocd is still running" : "openocd " + process_->exit_description().value_or("exited");
    // OpenOCD's own "Error: …" lines say what went wrong ("No J-Link device found"); its banner
    // and Info lines do not. Only this openocd's part of the log counts.
    std::istringstream log(process_->output());
    std::vector<std::string> errors;
    for (std::string line; std::getline(log, line);)
        if (line.starts_with("Error:") && errors.size() < 4) errors.push_back(line);
    if (!errors.empty()) {
        why += ": " + fmt::format("{}", fmt::join(errors, "; "));
    } else if (const auto tail = util::tail_of_file(log_file_); !tail.empty()) {
        why += "; its log ends with: " + tail;
    }
    return why + " (log: " + log_file_.string() + ")";
}

Result<std::vector<std::uint32_t>> OpenOcdServer::read_words(std::uint32_t address, std::size_t count) {
    const std::string where = fmt::format("read {} words at 0x{:08x}", count, address);
    auto text = tcl_->run(fmt::format("read_memory 0x{:x} 32 {}", address, count));
    bool mdw_format = false;
    if (!text && invalid_command(text.error(), "read_memory")) {  // OpenOCD before 0.12
        text = tcl_->run(fmt::format("mdw 0x{:x} {}", address, count));
        mdw_format = true;
    }
    if (!text) return text.error().context(where);
    auto words = parse_words(*text, mdw_format);
    if (!words) return words.error().context(where);
    if (words->size() != count)
        return make_error(ErrorKind::malformed,
                          where + ": OpenOCD returned " + std::to_string(words->size()) + " words");
    return words;
}

Result<void> OpenOcdServer::write_word(std::uint32_t address, std::uint32_t value) {
    const std::string where = fmt::format("write 0x{:08x} at 0x{:08x}", value, address);
    auto done = tcl_->run(fmt::format("write_memory 0x{:x} 32 {{0x{:x}}}", address, value));
    if (!done && invalid_command(done.error(), "write_memory"))
        done = tcl_->run(fmt::format("mww 0x{:x} 0x{:x}", address, value));
    if (!done) return done.error().context(where);
    return {};
}

Result<std::unique_ptr<OpenOcdProbe>> OpenOcdProbe::start(const board::Board& board,
                                                          const std::filesystem::path& log_file) {
    if (board.probe.kind != board::ProbeKind::openocd)
        return make_error(ErrorKind::invalid_argument, "board " + board.name + " is not an OpenOCD board");
    auto server = OpenOcdServer::start(board_args(board), log_file);
    if (!server) return server.error().context("starting openocd for " + board.name);
    auto transport = (*server)->tcl().run("transport select");
    if (!transport) return transport.error().context("asking openocd for its transport");
    if (!board.probe.transport.empty() && *transport != board.probe.transport)
        return make_error(ErrorKind::invalid_argument, board.file.string() + ": probe.transport is \"" +
                                                           board.probe.transport + "\" but " + board.probe.config +
                                                           " selected \"" + *transport + "\"");
    auto dir = log_file.parent_path().empty() ? std::filesystem::current_path() : log_file.parent_path();
    return std::unique_ptr<OpenOcdProbe>(new OpenOcdProbe(board, std::move(*server), std::move(dir)));
}

Result<void> OpenOcdProbe::flash_file(const std::filesystem::path& image_file) {
    auto word = tcl_word(image_file.string());
    if (!word) return word.error();
    if (auto halted = server_->tcl().run("reset halt", reset_timeout); !halted) return halted.error().context("flash");
    if (auto done = server_->tcl().run("program " + *word + " verify", flash_timeout); !done)
        return done.error().context("flash " + image_file.string());
    return {};
}

Result<void> OpenOcdProbe::flash(const elf::Image& image, const FlashProgress& progress) {
    const auto total = image.flash_bytes();
    if (progress) progress(0, total);
    const auto file = work_dir_ / fmt::format("openocd-image-{}.hex", ::getpid());
    if (auto written = util::write_file_atomically(file, to_intel_hex(image)); !written) return written.error();
    auto done = flash_file(file);
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    if (!done) return done.error();
    if (nrf52::is_nrf52(board_)) {
        auto kept = nrf52::keep_debuggable(approtect_access(*server_));
        if (!kept) return kept.error().context("flash: nRF52 APPROTECT");
        approtect_note_ = kept->describe();
    }
    if (progress) progress(total, total);
    return {};
}

nrf52::WordAccess approtect_access(OpenOcdServer& server) {
    return {[&server](std::uint32_t address) -> Result<std::uint32_t> {
                auto words = server.read_words(address, 1);
                if (!words) return words.error();
                return words->front();
            },
            [&server](std::uint32_t address, std::uint32_t value) { return server.write_word(address, value); }};
}

Result<std::vector<std::uint8_t>> OpenOcdProbe::read_memory(std::uint32_t address, std::size_t length) {
    auto words = server_->read_words(address, (length + 3) / 4);
    if (!words) return words.error();
    std::vector<std::uint8_t> bytes;
    for (std::uint32_t word : *words)
        for (std::uint8_t b : util::store_le32(word))
            if (bytes.size() < length) bytes.push_back(b);
    return bytes;
}

Result<std::uint32_t> OpenOcdProbe::read_word_running(std::uint32_t address) {
    auto words = server_->read_words(address, 1);
    if (!words) return words.error();
    return words->front();
}

Result<void> OpenOcdProbe::reset_and_run() {
    if (auto done = server_->tcl().run("reset run", reset_timeout); !done) return done.error().context("reset");
    return {};
}

Result<void> OpenOcdProbe::halt() {
    if (auto done = server_->tcl().run("halt", reset_timeout); !done) return done.error();
    return {};
}

Result<void> OpenOcdProbe::resume() {
    if (auto done = server_->tcl().run("resume"); !done) return done.error();
    return {};
}

Result<std::unique_ptr<transport::ByteStream>> OpenOcdProbe::open_console() { return open_serial_console(board_.uart); }

bool OpenOcdProbe::alive() { return server_->running(); }

std::string OpenOcdProbe::why_not_alive() { return server_->exit_reason(); }

std::string OpenOcdProbe::describe() const {
    return fmt::format("openocd (pid {}, {}{}, tcl 127.0.0.1:{}, gdb 127.0.0.1:{})", server_->process().pid(),
                       board_.probe.config,
                       board_.probe.adapter_serial.empty() ? "" : ", adapter serial " + board_.probe.adapter_serial,
                       server_->tcl_port(), server_->gdb_port());
}

Result<std::unique_ptr<gdb_rsp::RspClient>> OpenOcdProbe::connect_gdb() {
    auto stream = transport::TcpStream::connect("127.0.0.1", server_->gdb_port(), std::chrono::seconds(5));
    if (!stream) return stream.error().context("connecting to OpenOCD's GDB server");
    auto gdb = std::make_unique<gdb_rsp::RspClient>(std::move(*stream));
    if (auto stop = gdb->connect(); !stop) return stop.error().context("GDB handshake with OpenOCD");
    return gdb;
}

}  // namespace rig::probes::openocd
