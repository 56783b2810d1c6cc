#include "host/session/run_session.hpp"

#include "host/elf/benchmark_table.hpp"
#include "host/elf/elf_image.hpp"
#include "host/elf/image_info.hpp"
#include "host/probes/interrupt_trigger.hpp"
#include "host/results/benchmark_filter.hpp"
#include "host/results/run_identity.hpp"
#include "host/session/bring_up.hpp"
#include "host/util/hex.hpp"
#include "host/util/little_endian.hpp"
#include "host/util/sha256.hpp"

#include <ctime>
#include <set>
#include <thread>
#include <variant>

namespace rig::session {
namespace {

using namespace std::chrono_literals;
using protocol::Message;

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
    Result<void> select(const elf::Image& image);
    Result<void> greet(results::RunInfo& info, const std::optional<elf::ImageInfo>& identity);
    Result<void> raise_interrupt(const protocol::Trigger& trigger);
    Result<void> collect(results::RunReport& report);
    Result<void> cross_check_samples(results::RunReport& report);
    Result<void> check_counter(results::RunReport& report);
    Result<void> not_checked(std::string& check, const std::string& what, const Error& why);

    const board::Board& board_;
    const RunOptions& options_;
    const Progress& progress_;
    Step step_ = Step::load_image;
    struct {
        std::uint32_t address = 0, bytes = 0;
    } sample_buffer_;                                      // from HELLO
    std::vector<std::uint8_t> selection_;                  // RUN's rows (empty = all)
    std::optional<std::set<std::string>> selected_names_;  // what the run must report, when the image says
    // The strategy that brings the board up; the target's LOG lines go to the current step.
    BringUp board_up_{board_, options_.cancel, [this](const std::string& note) {
                          if (progress_.step) progress_.step(step_, note);
                      }};
};

Result<void> Session::greet(results::RunInfo& info, const std::optional<elf::ImageInfo>& identity) {
    begin(Step::hello);
    auto hello = board_up_.await_hello(options_.hello_timeout);
    if (!hello) return hello.error();
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
    sample_buffer_ = {hello->sample_buffer_address, hello->sample_buffer_bytes};
    begin(Step::hello,
          "firmware " + hello->firmware_version + " (" + info.firmware_commit + ", " + hello->toolchain + ")");
    return {};
}

// The filter is a regular expression over full names (results/benchmark_filter.hpp), matched
// here against the catalogue the image carries; the firmware gets the matching rows. So a filter
// that matches nothing, or an image without a catalogue, is refused before the board is touched.
Result<void> Session::select(const elf::Image& image) {
    auto filter = results::BenchmarkFilter::parse(options_.filter);
    if (!filter) return filter.error();
    const auto table = elf::find_benchmark_table(image);
    if (!table) {
        if (filter->selects_everything()) return {};  // RUN with an empty selection runs them all
        return make_error(ErrorKind::invalid_argument,
                          "the image has no benchmark catalogue (built before protocol 4, or not by this rig): "
                          "the filter '" +
                              options_.filter + "' cannot be matched");
    }
    std::set<std::string> names;
    std::vector<std::uint8_t> bits((table->size() + 7) / 8, 0);
    for (std::size_t row = 0; row < table->size(); ++row) {
        const auto name = (*table)[row].full_name();
        if (!filter->matches(name)) continue;
        names.insert(name);
        bits[row / 8] |= static_cast<std::uint8_t>(1u << (row % 8));
    }
    if (names.empty())
        return make_error(ErrorKind::invalid_argument, "the filter '" + options_.filter + "' matches no benchmark (" +
                                                           std::to_string(table->size()) +
                                                           " in the image; `rig benchmarks` lists them)");
    if (bits.size() > protocol::max_selection_bytes)
        return make_error(ErrorKind::malformed, "the image has " + std::to_string(table->size()) +
                                                    " benchmarks; RUN selects at most " +
                                                    std::to_string(protocol::max_selection_bytes * 8));
    if (!filter->selects_everything()) selection_ = std::move(bits);
    selected_names_ = std::move(names);
    if (progress_.selected) progress_.selected(selected_names_->size());
    if (progress_.step && !filter->selects_everything())
        progress_.step(Step::check_image, std::to_string(selected_names_->size()) + " of " +
                                              std::to_string(table->size()) + " benchmarks match the filter");
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

// The firmware keeps the last benchmark's samples in a RAM buffer whose address HELLO gives
// (docs/protocol.md); read it back through the probe and compare with what the UART carried. A
// mismatch means the link corrupted data the CRC did not catch, or the firmware reported something
// it did not measure.
Result<void> Session::cross_check_samples(results::RunReport& report) {
    auto& check = report.info.ram_cross_check;
    if (report.measurements.empty()) return {};
    const auto& last = report.measurements.back();
    if (sample_buffer_.address == 0 || sample_buffer_.bytes < last.samples.size() * 4) {
        check = "skipped: HELLO names no sample buffer large enough";
        return {};
    }
    const auto address = sample_buffer_.address;
    auto bytes = board_up_.probe().read_memory(address, last.samples.size() * 4);
    if (!bytes) return not_checked(check, "RAM cross-check", bytes.error());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < last.samples.size(); ++i) {
        if (util::load_le32(bytes->data() + 4 * i) != last.samples[i]) ++differ;
    }
    check = last.full_name() + ": " + std::to_string(last.samples.size()) + " samples read from RAM at " +
            util::hex_address(address);
    if (differ)
        return make_error(ErrorKind::malformed, "RAM cross-check: " + std::to_string(differ) + " of " + check +
                                                    " differ from what the UART carried");
    check += " match the UART";
    if (progress_.step) progress_.step(Step::collect, "RAM cross-check: " + check);
    return {};
}

// The firmware asks for an interrupt from outside the core (docs/protocol.md, TRIGGER) and
// names the line and how: on QEMU a UART byte (its gdbstub drops MMIO writes), on real boards
// the line's NVIC pending bit written over SWD. Both are one InterruptTrigger to the session.
Result<void> Session::raise_interrupt(const protocol::Trigger& trigger) {
    std::unique_ptr<probes::InterruptTrigger> how;
    switch (trigger.source) {
        case protocol::TriggerSource::uart_rx:
            how = std::make_unique<probes::UartInterruptTrigger>(board_up_.link().stream(), 0x55);
            break;
        case protocol::TriggerSource::nvic_pending:
            how = std::make_unique<probes::SwdInterruptTrigger>([this](std::uint32_t address, std::uint32_t value) {
                return board_up_.probe().write_word_running(address, value);
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
    auto judged = board_up_.check_counter_rate();
    if (!judged) return not_checked(check, "counter check", judged.error());
    check = judged->description;
    if (board_.counter == board::CounterUnit::cycles && progress_.step)
        progress_.step(Step::collect, "counter check: " + check);
    return {};
}

Result<void> Session::collect(results::RunReport& report) {
    begin(Step::run, std::to_string(options_.repetitions) + " repetitions" +
                         (options_.filter.empty() ? "" : ", filter '" + options_.filter + "'"));
    if (auto sent = board_up_.link().send(protocol::Run{static_cast<std::uint16_t>(options_.repetitions), selection_});
        !sent)
        return sent.error();
    begin(Step::collect);
    std::size_t frames = 0;
    while (true) {
        auto message = board_up_.receive(options_.silence_timeout, "frame");
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
            // The firmware must have run what was selected and nothing else (a table it does not
            // share with the image read would run other benchmarks).
            if (selected_names_)
                for (const auto& m : report.measurements)
                    if (!selected_names_->contains(m.full_name()))
                        return make_error(ErrorKind::malformed, "the firmware ran " + m.full_name() +
                                                                    ", which the image's catalogue did not select");
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
    info.core = board_.core;
    info.unit = board_.counter;
    info.cpu_hz = board_.cpu_hz;
    info.ns_per_count = board_.ns_per_count();
    info.probe = board::to_string(board_.probe.kind);
    info.repetitions = options_.repetitions;
    info.filter = options_.filter;
    info.complete = options_.filter.empty() || options_.filter == "all";
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
    if (!identity && progress_.step)
        progress_.step(Step::check_image,
                       "note: the image has no identity block (not built by this rig?): its board "
                       "is checked by its memory map only");
    if (auto fits = check_image_for_board(*image, board_); !fits) return fits.error();
    if (auto selected = select(*image); !selected) return selected.error();

    begin(Step::start_probe);
    if (auto started = board_up_.start_probe(log_file); !started) return started.error();
    begin(Step::start_probe, board_up_.probe().describe());

    begin(Step::connect_uart);
    if (auto connected = board_up_.open_console(); !connected) return connected.error();

    begin(Step::flash, std::to_string(image->flash_bytes()) + " bytes");
    if (auto flashed = board_up_.flash(*image, FlashPolicy::always, progress_.flash); !flashed) return flashed.error();

    begin(Step::reset);
    if (auto reset = board_up_.reset(); !reset) return reset.error();

    if (auto greeted = greet(info, identity); !greeted) return greeted.error();
    if (auto collected = collect(report); !collected) return collected.error();
    if (auto checked = check_counter(report); !checked) return checked.error();
    if (auto checked = cross_check_samples(report); !checked) return checked.error();
    info.uart_garbage_bytes = board_up_.link().stats().dropped_bytes;
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
    if (options.filter.size() > results::max_filter_bytes)
        return make_error(ErrorKind::invalid_argument, "the filter is " + std::to_string(options.filter.size()) +
                                                           " bytes long; at most " +
                                                           std::to_string(results::max_filter_bytes) + " are accepted");
    if (auto filter = results::BenchmarkFilter::parse(options.filter); !filter) return filter.error();
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
