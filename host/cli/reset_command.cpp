#include "host/cli/reset_command.hpp"

#include "host/cli/bench_board.hpp"
#include "host/cli/run_command.hpp"

#include <fmt/format.h>
#include <memory>

namespace rig::cli {
namespace {

int reset(const BenchArgs& args) {
    auto bench = BenchBoard::hold(args, "reset");
    if (!bench) return bench_fail("reset", bench.error());
    auto& b = **bench;
    if (auto started = b.start_probe(); !started) return bench_fail("reset", started.error());
    if (auto done = b.bring_up().reset(); !done)
        return bench_fail("reset", done.error().context("board " + b.board().name + ": reset"));
    fmt::print("{}: reset, running ({})\n", b.board().name, b.probe().describe());
    return exit_ok;
}

}  // namespace

void add_reset_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<BenchArgs>();
    auto* cmd = app.add_subcommand("reset", "Reset a board's core and let it run");
    add_bench_options(cmd, *args);
    cmd->callback([args, &exit_code] { exit_code = reset(*args); });
}

}  // namespace rig::cli
