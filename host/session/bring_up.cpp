#include "host/session/bring_up.hpp"

#include "host/elf/image_info.hpp"
#include "host/probes/start_probe.hpp"
#include "host/session/hello_check.hpp"
#include "host/util/hex.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <thread>
#include <variant>

namespace rig::session {
namespace {

using namespace std::chrono_literals;

// How often a long wait wakes up to look at the cancel flag and at the board process.
constexpr auto poll_interval = 250ms;

}  // namespace

BringUp::BringUp(const board::Board& board, const std::atomic<bool>* cancel,
                 std::function<void(const std::string&)> note)
    : board_(board), cancel_(cancel), note_(std::move(note)) {}

Result<void> BringUp::start_probe(const std::filesystem::path& log_file) {
    auto probe = probes::start_probe(board_, log_file);
    if (!probe) return probe.error();
    probe_ = std::move(*probe);
    return {};
}

Result<void> BringUp::open_console() {
    auto console = probe_->open_console();
    if (!console) return console.error();
    link_ = std::make_unique<TargetLink>(std::move(*console));
    return {};
}

Result<bool> BringUp::flash(const elf::Image& image, FlashPolicy policy, const probes::FlashProgress& progress) {
    if (policy == FlashPolicy::if_different) {
        bool same = true;
        for (const auto& segment : image.segments) {
            auto back = probe_->read_memory(segment.load_address, segment.data.size());
            if (!back || *back != segment.data) {
                same = false;
                break;
            }
        }
        if (same) {
            if (note_) note_("the image is already in flash: not written again");
            return false;
        }
    }
    if (auto flashed = probe_->flash(image, progress); !flashed) return flashed.error();
    return true;
}

Result<void> BringUp::reset() { return probe_->reset_and_run(); }

Result<protocol::Message> BringUp::receive(std::chrono::milliseconds timeout, std::string_view expected) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (cancel_ && cancel_->load()) return make_error(ErrorKind::cancelled, "cancelled by the user");
        if (!probe_->alive()) return make_error(ErrorKind::closed, probe_->why_not_alive());
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= 0ms) {
            // Text instead of frames (another firmware, a wrong baud rate) is not silence: say what came.
            const std::string ms = std::to_string(timeout.count()) + " ms";
            if (auto unframed = link_->describe_unframed(); !unframed.empty())
                return make_error(ErrorKind::timeout, fmt::format("no {} within {}: {}", expected, ms, unframed));
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
            if (const auto* panic = std::get_if<protocol::Panic>(&*message))
                return make_error(ErrorKind::target,
                                  "firmware panicked at pc " + util::hex_address(panic->pc) + ": " + panic->message);
            if (const auto* log = std::get_if<protocol::Log>(&*message)) {
                if (note_) note_("target: " + log->text);
                continue;
            }
        }
        return message;
    }
}

Result<protocol::Hello> BringUp::await_hello(std::chrono::milliseconds timeout) {
    auto message = receive(timeout, "HELLO");
    if (!message) return message.error();
    const auto* hello = std::get_if<protocol::Hello>(&*message);
    if (!hello) return make_error(ErrorKind::malformed, "expected HELLO first, got another message");
    if (auto fits = check_hello(*hello, board_); !fits) return fits.error();
    return *hello;
}

Result<void> BringUp::ping(std::chrono::milliseconds timeout) {
    if (auto sent = link_->send(protocol::Ping{}); !sent) return sent.error();
    auto message = receive(timeout, "PONG");
    if (!message) return message.error();
    if (!std::holds_alternative<protocol::Pong>(*message))
        return make_error(ErrorKind::malformed, "expected PONG, got another message");
    return {};
}

Result<CounterCheck> BringUp::check_counter_rate() {
    if (board_.counter != board::CounterUnit::cycles)
        return CounterCheck{true, 0, "not applicable: the counter is QEMU's instruction count"};
    constexpr auto window = 500ms;
    auto first = probe_->read_word_running(dwt_cyccnt_address);
    if (!first) return first.error();
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(window);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    auto second = probe_->read_word_running(dwt_cyccnt_address);
    if (!second) return second.error();
    return judge_cycle_counter(*first, *second, elapsed, board_.cpu_hz);
}

Result<void> check_image_for_board(const elf::Image& image, const board::Board& board) {
    if (const auto identity = elf::find_image_info(image); identity && identity->board != board.hello_name())
        return make_error(ErrorKind::invalid_argument, "the image was built for board '" + identity->board +
                                                           "', not '" + board.hello_name() +
                                                           "' (its identity block says so)");
    return elf::check_fits_board(image, board);
}

}  // namespace rig::session
