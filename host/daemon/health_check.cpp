#include "host/daemon/health_check.hpp"

#include "host/elf/elf_image.hpp"
#include "host/probes/qemu/qemu_probe.hpp"
#include "host/session/target_link.hpp"
#include "host/transport/tcp_stream.hpp"

#include <variant>

namespace rig::daemon {
namespace {

using namespace std::chrono_literals;

// The next message that is not a LOG, within `timeout`, noticing a cancel or a dead board.
template <typename Want>
Result<Want> expect(session::TargetLink& link, probes::QemuProbe& probe, const std::atomic<bool>* cancel,
                    std::chrono::milliseconds timeout, const char* what) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cancel && cancel->load()) return make_error(ErrorKind::cancelled, "cancelled");
        if (!probe.alive()) return make_error(ErrorKind::closed, probe.why_not_alive());
        auto message = link.next_message(250ms);
        if (!message && message.error().kind == ErrorKind::timeout) continue;
        if (!message) return message.error();
        if (std::holds_alternative<protocol::Log>(*message)) continue;
        if (const auto* want = std::get_if<Want>(&*message)) return *want;
        return make_error(ErrorKind::malformed, std::string("expected ") + what + ", got another message");
    }
    const auto unframed = link.describe_unframed();
    return make_error(ErrorKind::timeout, std::string("no ") + what + " within " + std::to_string(timeout.count()) +
                                              " ms" + (unframed.empty() ? "" : ": " + unframed));
}

Result<void> check(const board::Board& board, const std::filesystem::path& image_file,
                   const std::filesystem::path& log_file, const std::atomic<bool>* cancel,
                   const std::function<void(const std::string&)>& note, std::string& step) {
    const auto begin = [&](const std::string& s) {
        step = s;
        if (note) note("health check: " + s);
    };
    begin("load image");
    auto image = elf::load_image(image_file);
    if (!image) return image.error();
    if (auto fits = elf::check_fits_board(*image, board); !fits) return fits.error();

    begin("start probe");
    if (board.probe.kind != board::ProbeKind::qemu_gdb)
        return make_error(ErrorKind::unsupported, std::string("probe kind '") + board::to_string(board.probe.kind) +
                                                      "' is not implemented yet (only qemu-gdb)");
    auto probe = probes::QemuProbe::start(board, log_file);
    if (!probe) return probe.error();

    begin("connect UART");
    auto uart = transport::TcpStream::connect("127.0.0.1", (*probe)->uart_port(), 5s);
    if (!uart) return uart.error();
    session::TargetLink link(std::move(*uart));

    begin("flash");
    if (auto flashed = (*probe)->flash(*image, {}); !flashed) return flashed.error();
    begin("reset");
    if (auto reset = (*probe)->reset_and_run(); !reset) return reset.error();

    begin("hello");
    auto hello = expect<protocol::Hello>(link, **probe, cancel, 10s, "HELLO");
    if (!hello) return hello.error();
    if (hello->board != board.hello_name())
        return make_error(ErrorKind::malformed, "the firmware says it was built for board '" + hello->board + "'");
    begin("ping");
    if (auto sent = link.send(protocol::Ping{}); !sent) return sent.error();
    if (auto pong = expect<protocol::Pong>(link, **probe, cancel, 5s, "PONG"); !pong) return pong.error();
    return {};
}

}  // namespace

Result<void> check_board_health(const board::Board& board, const std::filesystem::path& image_file,
                                const std::filesystem::path& log_file, const std::atomic<bool>* cancel,
                                const std::function<void(const std::string&)>& note) {
    std::string step;
    auto checked = check(board, image_file, log_file, cancel, note, step);
    if (!checked) return checked.error().context("board " + board.name + ", health check step " + step);
    return {};
}

}  // namespace rig::daemon
