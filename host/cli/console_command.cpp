#include "host/cli/console_command.hpp"

#include "host/cli/bench_board.hpp"
#include "host/cli/console_view.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/probes/serial_console.hpp"

#include <fmt/format.h>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace rig::cli {
namespace {

using namespace std::chrono_literals;

struct ConsoleArgs {
    BenchArgs bench;
    std::string out;
    std::string image;
    bool reset = false;
    double seconds = 0;
};

// Bytes held back as a possible frame start are printed as they are after this much quiet.
constexpr auto quiet_flush = 200ms;

int console(const ConsoleArgs& args) {
    auto board = load_bench_board(args.bench);
    if (!board) return bench_fail("console", board.error());
    // A virtual board's UART belongs to its emulator, which runs only while rig does.
    const bool serial = board->uart.kind == board::UartKind::serial;
    if (!serial && args.image.empty())
        return bench_fail("console",
                          make_error(ErrorKind::invalid_argument,
                                     "board " + board->name +
                                         "'s console exists only while rig runs its emulator: give the image to run "
                                         "(`rig console -b " +
                                         board->name + " --flash ELF`)"));
    std::optional<elf::Image> image;
    if (!args.image.empty()) {
        auto loaded = load_image_for(*board, args.image);
        if (!loaded) return bench_fail("console", loaded.error());
        image = std::move(*loaded);
    }
    std::FILE* out = stdout;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
    if (!args.out.empty()) {
        file.reset(std::fopen(args.out.c_str(), "wb"));
        if (!file) {
            fmt::print(stderr, "rig console: cannot write {}: {}\n", args.out, std::strerror(errno));
            return exit_write_failed;
        }
        out = file.get();
    }

    auto bench = BenchBoard::hold(args.bench, "console");
    if (!bench) return bench_fail("console", bench.error());
    auto& b = **bench;
    const std::string& name = b.board().name;
    // The probe only when it is needed: a real board's serial port is read without touching its
    // debug probe (nothing halts or resets the target behind the user's back).
    const bool needs_probe = !serial || args.reset || image;
    std::unique_ptr<transport::ByteStream> uart;
    if (needs_probe) {
        if (auto started = b.start_probe(); !started) return bench_fail("console", started.error());
        auto opened = b.probe().open_console();
        if (!opened) return bench_fail("console", opened.error().context("board " + name + ": console"));
        uart = std::move(*opened);
        // The console is open before the reset: the boot output is not lost.
        if (image) {
            if (auto flashed = b.bring_up().flash(*image, session::FlashPolicy::always); !flashed)
                return bench_fail("console", flashed.error().context("board " + name + ": flash"));
            fmt::print(stderr, "rig console: flashed {} to {} ({} bytes, verified)\n", args.image, name,
                       image->flash_bytes());
        }
        if (auto reset = b.bring_up().reset(); !reset)
            return bench_fail("console", reset.error().context("board " + name + ": reset"));
    } else {
        auto opened = probes::open_serial_console(b.board().uart);
        if (!opened) return bench_fail("console", opened.error().context("board " + name + ": console"));
        uart = std::move(*opened);
    }
    fmt::print(stderr, "rig console: {} on {}{}; Ctrl-C ends\n", name, uart->describe(),
               args.seconds > 0 ? fmt::format(", for {:g} s", args.seconds) : "");

    ConsoleView view;
    const auto write = [&](const std::string& text) {
        if (text.empty()) return;
        std::fwrite(text.data(), 1, text.size(), out);
        std::fflush(out);
    };
    const auto deadline = args.seconds > 0 ? std::chrono::steady_clock::now() +
                                                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                     std::chrono::duration<double>(args.seconds))
                                           : std::chrono::steady_clock::time_point::max();
    std::array<std::uint8_t, 4096> buffer{};
    int code = exit_ok;
    while (true) {
        if (cancel_requested().load()) {
            code = exit_cancelled;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        auto n = uart->read_some(buffer, quiet_flush);
        if (n) {
            write(view.feed(std::span(buffer).first(*n)));
            continue;
        }
        if (n.error().kind == ErrorKind::timeout) {
            write(view.flush());
            continue;
        }
        // Interrupted by a signal: the loop looks at the cancel flag.
        if (n.error().kind == ErrorKind::cancelled || cancel_requested().load()) continue;
        write(view.flush());
        const bool probe_gone = needs_probe && !b.probe().alive();
        code = bench_fail("console", make_error(ErrorKind::closed, "board " + name + ": the console closed" +
                                                                       (probe_gone ? ": " + b.probe().why_not_alive()
                                                                                   : ": " + n.error().message)));
        break;
    }
    write(view.flush());
    return code;
}

}  // namespace

void add_console_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ConsoleArgs>();
    auto* cmd = app.add_subcommand(
        "console", "Show a board's UART: raw bytes, the rig's own frames (HELLO, LOG, PANIC) as text lines");
    add_bench_options(cmd, args->bench);
    cmd->add_option("--out", args->out, "Write the console to this file instead of stdout");
    cmd->add_option("--flash,--image", args->image,
                    "Write this ELF first and run it (a virtual board's console exists only this way)");
    cmd->add_flag("--reset", args->reset, "Reset the board first, to see its boot output");
    cmd->add_option("--seconds", args->seconds, "Stop after this many seconds (exit 0)")->check(CLI::PositiveNumber);
    cmd->callback([args, &exit_code] { exit_code = console(*args); });
}

}  // namespace rig::cli
