#include "host/cli/flash_command.hpp"

#include "host/cli/bench_board.hpp"
#include "host/cli/run_command.hpp"

#include <fmt/format.h>
#include <memory>

namespace rig::cli {
namespace {

struct FlashArgs {
    BenchArgs bench;
    std::string image;
    bool no_reset = false;
};

// "3 segments, 12345 bytes: 0x00000000-0x00002fff, 0x00003000-0x0000303f, …"
std::string describe_segments(const elf::Image& image) {
    std::string ranges;
    for (const auto& s : image.segments) {
        if (s.data.empty()) continue;
        ranges += fmt::format("{}0x{:08x}-0x{:08x}", ranges.empty() ? "" : ", ", s.load_address,
                              s.load_address + s.data.size() - 1);
    }
    return fmt::format("{} bytes in {} segment{} ({})", image.flash_bytes(), image.segments.size(),
                       image.segments.size() == 1 ? "" : "s", ranges);
}

int flash(const FlashArgs& args) {
    auto board = load_bench_board(args.bench);
    if (!board) return bench_fail("flash", board.error());
    auto image = load_image_for(*board, args.image);
    if (!image) return bench_fail("flash", image.error());

    auto bench = BenchBoard::hold(args.bench, "flash");
    if (!bench) return bench_fail("flash", bench.error());
    auto& b = **bench;
    if (auto started = b.start_probe(); !started) return bench_fail("flash", started.error());
    if (auto flashed = b.bring_up().flash(*image, session::FlashPolicy::always); !flashed)
        return bench_fail("flash", flashed.error().context("board " + b.board().name + ": flash"));
    fmt::print("flashed {} to {}: {}, verified\n", args.image, b.board().name, describe_segments(*image));
    if (!args.no_reset) {
        if (auto reset = b.bring_up().reset(); !reset)
            return bench_fail("flash", reset.error().context("board " + b.board().name + ": reset"));
        fmt::print("{}: reset, running\n", b.board().name);
    }
    // The virtual board lives only as long as this process: say how to watch it run.
    if (b.board().uart.kind != board::UartKind::serial)
        fmt::print(stderr,
                   "rig flash: {}'s emulator stops when rig exits; `rig console -b {} --flash {}` runs the image "
                   "and shows its output\n",
                   b.board().name, b.board().name, args.image);
    return exit_ok;
}

}  // namespace

void add_flash_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<FlashArgs>();
    auto* cmd = app.add_subcommand("flash", "Write any ELF to a board's flash (verified), then reset and run it");
    add_bench_options(cmd, args->bench);
    cmd->add_option("image", args->image, "The ELF to write")->required();
    cmd->add_flag("--no-reset", args->no_reset, "Leave the core halted after writing");
    cmd->callback([args, &exit_code] { exit_code = flash(*args); });
}

}  // namespace rig::cli
