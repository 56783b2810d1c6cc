// rig: the kernel-rig command line. Each subcommand lives in its own file beside this one.
#include "host/cli/benchmarks_command.hpp"
#include "host/cli/compare_command.hpp"
#include "host/cli/console_command.hpp"
#include "host/cli/daemon_commands.hpp"
#include "host/cli/doctor_command.hpp"
#include "host/cli/flash_command.hpp"
#include "host/cli/gdb_command.hpp"
#include "host/cli/import_command.hpp"
#include "host/cli/lab_command.hpp"
#include "host/cli/list_command.hpp"
#include "host/cli/nightly_command.hpp"
#include "host/cli/paper_command.hpp"
#include "host/cli/probes_command.hpp"
#include "host/cli/recover_command.hpp"
#include "host/cli/report_command.hpp"
#include "host/cli/reset_command.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/config/paths.hpp"
#include "host/protocol/messages.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace rig::cli {
// Written at build time (cmake/write_host_commit.cmake).
extern const char* const host_version;
extern const char* const host_commit;
}  // namespace rig::cli

// What escapes main is a bug in rig (the commands turn expected failures into exit codes):
// std::terminate names the exception and aborts, the loud post-mortem such a bug deserves.
// NOLINTNEXTLINE(bugprone-exception-escape): as said above
int main(int argc, char** argv) {
    // The defaults first: every option's help names the default it resolved (a bad rig.toml is bad input).
    if (auto loaded = rig::config::load(); !loaded) {
        fmt::print(stderr, "rig: {}\n", loaded.error().message);
        return rig::cli::exit_bad_input;
    }
    CLI::App app{"kernel-rig: flash boards, run the kernel benchmarks, collect and compare results"};
    app.require_subcommand(1);
    // The host and the firmware share one protocol version: HELLO must carry exactly this one.
    app.set_version_flag("--version", [] {
        const unsigned protocol = rig::protocol::protocol_version;
        return fmt::format(
            "rig {} (host commit {})\nprotocol {}: talks to firmware of protocol {} only (HELLO "
            "must say {})",
            rig::cli::host_version, rig::cli::host_commit, protocol, protocol, protocol);
    });
    int exit_code = rig::cli::exit_ok;
    rig::cli::add_run_command(app, exit_code);
    rig::cli::add_list_command(app, exit_code);
    rig::cli::add_benchmarks_command(app, exit_code);
    rig::cli::add_compare_command(app, exit_code);
    rig::cli::add_import_command(app, exit_code);
    rig::cli::add_nightly_command(app, exit_code);
    rig::cli::add_lab_command(app, exit_code);
    rig::cli::add_report_command(app, exit_code);
    rig::cli::add_paper_command(app, exit_code);
    rig::cli::add_daemon_commands(app, exit_code);
    rig::cli::add_doctor_command(app, exit_code);
    rig::cli::add_probes_command(app, exit_code);
    rig::cli::add_flash_command(app, exit_code);
    rig::cli::add_reset_command(app, exit_code);
    rig::cli::add_console_command(app, exit_code);
    rig::cli::add_gdb_command(app, exit_code);
    rig::cli::add_recover_command(app, exit_code);
    rig::cli::install_signal_handlers();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : rig::cli::exit_bad_input;
    }
    // Interrupted: whatever the command made of it (an error from a system call cut short, or its
    // results written whole before the signal was acted on), the exit says so.
    if (rig::cli::cancel_requested().load() && exit_code != rig::cli::exit_cancelled) {
        fmt::print(stderr, "rig: interrupted\n");
        return rig::cli::exit_cancelled;
    }
    return exit_code;
}
