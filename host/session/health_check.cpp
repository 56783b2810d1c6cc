#include "host/session/health_check.hpp"

#include "host/elf/elf_image.hpp"
#include "host/session/bring_up.hpp"

namespace rig::session {
namespace {

using namespace std::chrono_literals;

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
    if (auto fits = check_image_for_board(*image, board); !fits) return fits.error();

    BringUp up(board, cancel, [&](const std::string& line) {
        if (note) note("health check: " + step + ": " + line);
    });
    begin("start probe");
    if (auto started = up.start_probe(log_file); !started) return started.error();
    begin("connect UART");
    if (auto opened = up.open_console(); !opened) return opened.error();
    begin("flash");
    if (auto flashed = up.flash(*image, FlashPolicy::if_different); !flashed) return flashed.error();
    begin("reset");
    if (auto reset = up.reset(); !reset) return reset.error();
    begin("hello");
    if (auto hello = up.await_hello(10s); !hello) return hello.error();
    begin("ping");
    if (auto pong = up.ping(5s); !pong) return pong.error();
    begin("counter");
    auto counter = up.check_counter_rate();
    if (!counter) return counter.error();
    if (!counter->ok) return make_error(ErrorKind::target, counter->description);
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

}  // namespace rig::session
