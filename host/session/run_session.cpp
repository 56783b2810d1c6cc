#include "host/session/run_session.hpp"

#include "host/elf/elf_image.hpp"
#include "host/elf/image_info.hpp"
#include "host/probes/interrupt_trigger.hpp"
#include "host/probes/openocd/openocd_probe.hpp"
#include "host/probes/pyocd/pyocd_probe.hpp"
#include "host/probes/qemu/qemu_probe.hpp"
#include "host/results/run_identity.hpp"
#include "host/session/counter_check.hpp"
#include "host/session/hello_check.hpp"
#include "host/session/target_link.hpp"
#include "host/transport/serial_port.hpp"
#include "host/transport/tcp_stream.hpp"
#include "host/util/hex.hpp"
#include "host/util/little_endian.hpp"
#include "host/util/sha256.hpp"

#include <ctime>
#include <thread>
#include <variant>

namespace rig::session {
namespace {

using namespace std::chrono_literals;
using protocol::Message;

// How often a long wait wakes up to look at the cancel flag and at the board process.
constexpr auto poll_interval = 250ms;

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

// Runs one session; the public function adds "board X, step Y:" to whatever fails here.
class Session {
public:
    Session(const board::Board& board, const RunOptions& options, const Progress& progress)
        : board_(board), options_(options), progress_(progress) {}

    Result<results::RunReport> run(const std::filesystem::path& image_file, const std::filesystem::path& log_file);
    Step step() const { return step_; }

private:
    void begin(Step step, const std::string& note = {}) {
        step_ = step;
        if (progress_.step) progress_.step(step, note);
    }
    // The next message, waiting up to `timeout` of silence, but waking to notice a cancel or a
    // dead board; a PANIC from the target is turned into an error here. `expected` names what
    // should come ("HELLO") in the timeout error.
    Result<Message> receive(std::chrono::milliseconds timeout, std::string_view expected);
    Result<void> check_identity(const std::optional<elf::ImageInfo>& identity);
    Result<void> greet(results::RunInfo& info, const std::optional<elf::ImageInfo>& identity);
    Result<void> raise_interrupt(const protocol::Trigger& trigger);
    Result<void> collect(results::RunReport& report);
    Result<void> start_probe(const std::filesystem::path& log_file);
    Result<void> connect_uart();
    Result<void> cross_check_samples(const elf::Image& image, results::RunReport& report);
    Result<void> check_counter(results::RunReport& report);
    Result<void> not_checked(std::string& check, const std::string& what, const Error& why);

    const board::Board& board_;
    const RunOptions& options_;
    const Progress& progress_;
    Step step_ = Step::load_image;
    std::unique_ptr<probes::Probe> probe_;
    probes::QemuProbe* qemu_ = nullptr;  // the same probe, when the board is QEMU
    std::unique_ptr<TargetLink> link_;
};

Result<Message> Session::receive(std::chrono::milliseconds timeout, std::string_view expected) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (options_.cancel && options_.cancel->load())
            return make_error(ErrorKind::cancelled, "cancelled by the user");
        if (!probe_->alive()) return make_error(ErrorKind::closed, probe_->why_not_alive());
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= 0ms) {
            // Text instead of frames (another firmware, a wrong baud rate) is not silence: say what came.
            const std::string ms = std::to_string(timeout.count()) + " ms";
            if (auto unframed = link_->describe_unframed(); !unframed.empty())
                return make_error(ErrorKind::timeout, "no " + std::string(expected) + " within " + ms + ": " + unframed);
            return make_error(ErrorKind::timeout, "the firmware sent nothing for " + ms + " (hung, or not running?)");
        }
        auto message = link_->next_message(std::min<transport::Timeout>(left, poll_interval));
        if (!message && message.error().kind == ErrorKind::timeout) continue;
        if (!message && message.error().kind == ErrorKind::closed) {
            // A UART that closes is usually the board process dying: name that cause, not the
            // socket. Give the exit a moment to be reaped.
            for (int i = 0; i < 20 && probe_->alive(); ++i) std::this_thread::sleep_for(10ms);
            if (!probe_->alive()) return make_error(ErrorKind::closed, probe_->why_not_alive());
        }
        if (message) {
            if (const auto* panic = std::get_if<protocol::Panic>(&*message)) {
                return make_error(ErrorKind::target,
                                  "firmware panicked at pc " + util::hex_address(panic->pc) + ": " + panic->message);
            }
            if (const auto* log = std::get_if<protocol::Log>(&*message)) {
                if (progress_.step) progress_.step(step_, "target: " + log->text);
                continue;
            }
        }
        return message;
    }
}

// The image's identity block (elf/image_info.hpp), read before anything is started: an image
// built for another board is refused here, not after two silent HELLO timeouts.
Result<void> Session::check_identity(const std::optional<elf::ImageInfo>& identity) {
    if (!identity) {
        if (progress_.step)
            progress_.step(Step::check_image, "note: the image has no identity block (not built by this rig?): its "
                                              "board is checked by its memory map only");
        return {};
    }
    if (identity->board != board_.hello_name())
        return make_error(ErrorKind::invalid_argument, "the image was built for board '" + identity->board +
                                                           "', not '" + board_.hello_name() +
                                                           "' (its identity block says so)");
    return {};
}

Result<void> Session::greet(results::RunInfo& info, const std::optional<elf::ImageInfo>& identity) {
    begin(Step::hello);
    auto message = receive(options_.hello_timeout, "HELLO");
    if (!message) return message.error();
    const auto* hello = std::get_if<protocol::Hello>(&*message);
    if (!hello) return make_error(ErrorKind::malformed, "expected HELLO first, got another message");
    if (auto fits = check_hello(*hello, board_); !fits) return fits.error();
    // The commit a run is filed under comes from the image the host read, in one form; the
    // firmware's own word must agree with it, or the board is not running what was flashed.
    const std::string said = results::canonical_commit(hello->commit);
    if (identity) {
        const std::string flashed = results::canonical_commit(identity->commit);
        if (said != flashed)
            return make_error(ErrorKind::malformed, "the firmware says it is commit '" + hello->commit +
                                                        "', but the image flashed says '" + identity->commit +
                                                        "': the board is not running the flashed image");
        info.firmware_commit = flashed.empty() ? "unknown" : flashed;
    } else {
        info.firmware_commit = said.empty() ? "unknown" : said;
    }
    info.firmware_version = hello->firmware_version;
    info.toolchain = hello->toolchain;
    begin(Step::hello, "firmware " + hello->firmware_version + " (" + info.firmware_commit + ", " + hello->toolchain + ")");
    return {};
}

// A check after the run that the probe could not do (it dropped, the target stopped answering
// SWD): the results came over the UART with their CRCs and are kept; the check says why it is
// missing, in the results and as a warning.
Result<void> Session::not_checked(std::string& check, const std::string& what, const Error& why) {
    check = "not done: " + why.message;
    if (progress_.step) progress_.step(Step::collect, "warning: " + what + " " + check);
    return {};
}

// The firmware keeps the last benchmark's samples in a static buffer; read it back by its ELF
// symbol through the probe and compare with what the UART carried. A mismatch means the link
// corrupted data the CRC did not catch, or the firmware reported something it did not measure.
Result<void> Session::cross_check_samples(const elf::Image& image, results::RunReport& report) {
    auto& check = report.info.ram_cross_check;
    if (report.measurements.empty()) return {};
    std::optional<elf::Symbol> buffer;
    for (const auto& symbol : image.symbols)
        if (symbol.name.find("12command_loop7SAMPLES") != std::string::npos) buffer = symbol;
    const auto& last = report.measurements.back();
    if (!buffer || buffer->size < last.samples.size() * 4) {
        check = "skipped: the image has no sample buffer symbol";
        return {};
    }
    auto bytes = probe_->read_memory(buffer->address, last.samples.size() * 4);
    if (!bytes) return not_checked(check, "RAM cross-check", bytes.error());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < last.samples.size(); ++i) {
        if (util::load_le32(bytes->data() + 4 * i) != last.samples[i]) ++differ;
    }
    check = last.full_name() + ": " + std::to_string(last.samples.size()) + " samples read from RAM at " +
            util::hex_address(buffer->address);
    if (differ)
        return make_error(ErrorKind::malformed, "RAM cross-check: " + std::to_string(differ) + " of " + check +
                                                    " differ from what the UART carried");
    check += " match the UART";
    if (progress_.step) progress_.step(Step::collect, "RAM cross-check: " + check);
    return {};
}

// One backend per probe kind (probes/<kind>/); the session only sees the Probe interface.
Result<void> Session::start_probe(const std::filesystem::path& log_file) {
    switch (board_.probe.kind) {
        case board::ProbeKind::qemu_gdb: {
            auto qemu = probes::QemuProbe::start(board_, log_file);
            if (!qemu) return qemu.error();
            qemu_ = qemu->get();
            probe_ = std::move(*qemu);
            return {};
        }
        case board::ProbeKind::openocd: {
            auto openocd = probes::openocd::OpenOcdProbe::start(board_, log_file);
            if (!openocd) return openocd.error();
            probe_ = std::move(*openocd);
            return {};
        }
        case board::ProbeKind::pyocd: {
            auto pyocd = probes::pyocd::PyOcdProbe::start(board_, log_file);
            if (!pyocd) return pyocd.error();
            probe_ = std::move(*pyocd);
            return {};
        }
    }
    return make_error(ErrorKind::invalid_argument, "unknown probe kind");
}

// QEMU's serial0 is a loopback TCP port; a real board's UART is the serial device of its file.
Result<void> Session::connect_uart() {
    std::unique_ptr<transport::ByteStream> stream;
    if (board_.uart.kind == board::UartKind::tcp) {
        if (!qemu_) return make_error(ErrorKind::invalid_argument, "a TCP UART is only known for QEMU boards");
        auto tcp = transport::TcpStream::connect("127.0.0.1", qemu_->uart_port(), 5s);
        if (!tcp) return tcp.error();
        stream = std::move(*tcp);
    } else {
        auto serial = transport::SerialPort::open(board_.uart);
        if (!serial) return serial.error();
        stream = std::move(*serial);
    }
    link_ = std::make_unique<TargetLink>(std::move(stream));
    return {};
}

// The firmware asks for an interrupt from outside the core (docs/protocol.md, TRIGGER) and
// names the line and how: on QEMU a UART byte (its gdbstub drops MMIO writes), on real boards
// the line's NVIC pending bit written over SWD. Both are one InterruptTrigger to the session.
Result<void> Session::raise_interrupt(const protocol::Trigger& trigger) {
    std::unique_ptr<probes::InterruptTrigger> how;
    switch (trigger.source) {
        case protocol::TriggerSource::uart_rx:
            how = std::make_unique<probes::UartInterruptTrigger>(link_->stream(), 0x55);
            break;
        case protocol::TriggerSource::nvic_pending:
            how = std::make_unique<probes::SwdInterruptTrigger>([this](std::uint32_t address, std::uint32_t value) {
                return probe_->write_word_running(address, value);
            });
            break;
    }
    if (!how) return make_error(ErrorKind::malformed, "TRIGGER with an unknown source");
    if (auto raised = how->raise(trigger.irq); !raised)
        return raised.error().context("raising interrupt for sample " + std::to_string(trigger.sample) + " (" +
                                      how->describe() + ")");
    return {};
}

// Cycle-counting boards: is DWT CYCCNT running at the clock the board file says? (see
// counter_check.hpp). QEMU counts instructions, which have no clock to check.
Result<void> Session::check_counter(results::RunReport& report) {
    auto& check = report.info.counter_check;
    if (board_.counter != board::CounterUnit::cycles) {
        check = "not applicable: the counter is QEMU's instruction count";
        return {};
    }
    constexpr auto window = 500ms;
    auto first = probe_->read_word_running(dwt_cyccnt_address);
    if (!first) return not_checked(check, "counter check", first.error());
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(window);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    auto second = probe_->read_word_running(dwt_cyccnt_address);
    if (!second) return not_checked(check, "counter check", second.error());
    const auto judged = judge_cycle_counter(*first, *second, elapsed, board_.cpu_hz);
    check = judged.description;
    if (progress_.step) progress_.step(Step::collect, "counter check: " + check);
    return {};
}

Result<void> Session::collect(results::RunReport& report) {
    begin(Step::run, std::to_string(options_.repetitions) + " repetitions" +
                         (options_.filter.empty() ? "" : ", filter '" + options_.filter + "'"));
    if (auto sent = link_->send(protocol::Run{static_cast<std::uint16_t>(options_.repetitions), options_.filter});
        !sent)
        return sent.error();
    begin(Step::collect);
    std::size_t frames = 0;
    while (true) {
        auto message = receive(options_.silence_timeout, "frame");
        if (!message) return message.error();
        if (const auto* result = std::get_if<protocol::BenchmarkResult>(&*message)) {
            ++frames;
            // Samples that do not fit one frame come in consecutive RESULTs with the same name.
            auto& all = report.measurements;
            if (!all.empty() && all.back().name == result->name && all.back().param == result->parameter) {
                all.back().samples.insert(all.back().samples.end(), result->samples.begin(), result->samples.end());
            } else {
                if (!all.empty() && progress_.result) progress_.result(all.back());
                all.push_back({result->name, result->parameter, result->overhead, result->samples});
            }
        } else if (const auto* trigger = std::get_if<protocol::Trigger>(&*message)) {
            if (auto raised = raise_interrupt(*trigger); !raised) return raised.error();
        } else if (const auto* done = std::get_if<protocol::Done>(&*message)) {
            if (!report.measurements.empty() && progress_.result) progress_.result(report.measurements.back());
            if (done->result_count != frames)
                return make_error(ErrorKind::malformed, "DONE says " + std::to_string(done->result_count) +
                                                            " RESULT frames were sent, " + std::to_string(frames) +
                                                            " arrived");
            if (done->status != 0)
                return make_error(ErrorKind::target, "firmware finished with status " + std::to_string(done->status));
            // Nothing to write or compare: a mistyped filter is the user's error, not the board's.
            if (frames == 0 && !options_.filter.empty())
                return make_error(ErrorKind::invalid_argument,
                                  "the filter '" + options_.filter + "' matches no benchmark");
            // A benchmark may stop early (a host-triggered interrupt that never came): say so.
            for (const auto& m : report.measurements)
                if (m.samples.size() < options_.repetitions && progress_.step)
                    progress_.step(Step::collect, "warning: " + m.full_name() + " has only " +
                                                      std::to_string(m.samples.size()) + " of " +
                                                      std::to_string(options_.repetitions) + " samples");
            return {};
        }
    }
}

Result<results::RunReport> Session::run(const std::filesystem::path& image_file,
                                        const std::filesystem::path& log_file) {
    results::RunReport report;
    auto& info = report.info;
    info.board = board_.name;
    info.chip = board_.chip;
    info.unit = board_.counter;
    info.cpu_hz = board_.cpu_hz;
    info.ns_per_count = board_.ns_per_count();
    info.probe = board::to_string(board_.probe.kind);
    info.repetitions = options_.repetitions;
    info.filter = options_.filter;
    info.complete = options_.filter.empty();
    info.started_at = utc_now();
    info.run_id = results::new_run_id(info.started_at);

    begin(Step::load_image, image_file.string());
    // Read once: the bytes parsed are the bytes hashed (and a FIFO or device is never read).
    auto bytes = elf::read_image_file(image_file);
    if (!bytes) return bytes.error();
    auto image = elf::parse_image(*bytes);
    if (!image) return image.error().context(image_file.string());
    info.image_sha256 = util::sha256_of_bytes(*bytes);
    const auto identity = elf::find_image_info(*image);

    begin(Step::check_image);
    if (auto mine = check_identity(identity); !mine) return mine.error();
    if (auto fits = elf::check_fits_board(*image, board_); !fits) return fits.error();

    begin(Step::start_probe);
    if (auto started = start_probe(log_file); !started) return started.error();
    begin(Step::start_probe, probe_->describe());

    begin(Step::connect_uart);
    if (auto connected = connect_uart(); !connected) return connected.error();

    begin(Step::flash, std::to_string(image->flash_bytes()) + " bytes");
    if (auto flashed = probe_->flash(*image, progress_.flash); !flashed) return flashed.error();

    begin(Step::reset);
    if (auto reset = probe_->reset_and_run(); !reset) return reset.error();

    if (auto greeted = greet(info, identity); !greeted) return greeted.error();
    if (auto collected = collect(report); !collected) return collected.error();
    if (auto checked = check_counter(report); !checked) return checked.error();
    if (auto checked = cross_check_samples(*image, report); !checked) return checked.error();
    info.uart_garbage_bytes = link_->stats().dropped_bytes;
    return report;
}

}  // namespace

const char* to_string(Step step) {
    switch (step) {
        case Step::load_image:
            return "load image";
        case Step::check_image:
            return "check image";
        case Step::start_probe:
            return "start probe";
        case Step::connect_uart:
            return "connect UART";
        case Step::flash:
            return "flash";
        case Step::reset:
            return "reset";
        case Step::hello:
            return "hello";
        case Step::run:
            return "run";
        case Step::collect:
            return "collect";
    }
    return "?";
}

Result<results::RunReport> run_on_board(const board::Board& board, const std::filesystem::path& image_file,
                                        const RunOptions& options, const std::filesystem::path& log_file,
                                        const Progress& progress) {
    if (options.repetitions < 1 || options.repetitions > protocol::max_repetitions)
        return make_error(ErrorKind::invalid_argument,
                          "repetitions must be 1..1000, got " + std::to_string(options.repetitions));
    if (options.filter.size() > protocol::max_filter_bytes)
        return make_error(ErrorKind::invalid_argument, "the filter is " + std::to_string(options.filter.size()) +
                                                           " bytes long; the protocol carries at most " +
                                                           std::to_string(protocol::max_filter_bytes));
    for (unsigned attempt = 1;; ++attempt) {
        Session session(board, options, progress);
        auto report = session.run(image_file, log_file);
        if (report) return report;
        const Error error = report.error().context("board " + board.name + ", step " + to_string(session.step()));
        const bool board_step = session.step() >= Step::start_probe && session.step() <= Step::hello;
        const auto kind = report.error().kind;
        const bool transient = kind == ErrorKind::timeout || kind == ErrorKind::closed || kind == ErrorKind::io;
        if (!board_step || !transient || attempt >= options.attempts) {
            if (attempt == 1) return error;
            return Error{error.kind, error.message + " (attempt " + std::to_string(attempt) + " of " +
                                         std::to_string(options.attempts) + ")"};
        }
        if (progress.step)
            progress.step(session.step(), "attempt " + std::to_string(attempt) + " failed, retrying: " + error.message);
    }
}

}  // namespace rig::session
