#include "host/cli/recover_command.hpp"

#include "host/cli/bench_board.hpp"
#include "host/cli/run_command.hpp"
#include "host/probes/recover.hpp"

#include <fmt/format.h>
#include <memory>

namespace rig::cli {
namespace {

int recover(const BenchArgs& args) {
    auto board = load_bench_board(args);
    if (!board) return bench_fail("recover", board.error());
    // Refused before any probe program starts.
    if (auto why = probes::recover_unsupported(*board))
        return bench_fail("recover", make_error(ErrorKind::unsupported,
                                                "not supported for this board (" + board->name + ": " + *why + ")"));
    auto bench = BenchBoard::hold(args, "recover");
    if (!bench) return bench_fail("recover", bench.error());
    auto& b = **bench;
    if (auto started = b.start_probe(); !started) return bench_fail("recover", started.error());
    fmt::print(stderr, "rig recover: erasing all of {}'s flash and UICR to unlock its debug port\n", b.board().name);
    if (auto done = b.probe().recover(); !done)
        return bench_fail("recover", done.error().context("board " + b.board().name));
    fmt::print("{}: recovered (flash erased, debug port unlocked); flash an image next (`rig flash -b {} ELF`)\n",
               b.board().name, b.board().name);
    return exit_ok;
}

}  // namespace

void add_recover_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<BenchArgs>();
    auto* cmd = app.add_subcommand(
        "recover", "Unlock a locked nRF52 by erasing it whole (OpenOCD's nrf52_recover); other boards: not supported");
    add_bench_options(cmd, *args);
    cmd->callback([args, &exit_code] { exit_code = recover(*args); });
}

}  // namespace rig::cli
