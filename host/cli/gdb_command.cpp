#include "host/cli/gdb_command.hpp"

#include "host/cli/bench_board.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/util/child_process.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <memory>
#include <thread>

namespace rig::cli {
namespace {

using namespace std::chrono_literals;

struct GdbArgs {
    BenchArgs bench;
    std::string image;
    bool run = false;
    double seconds = 0;
};

// A word as the shell reads it back: 'single quoted' unless it is plainly safe.
std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789_-./:=@,+") == std::string::npos;
    if (plain) return word;
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// Runs gdb on this terminal and waits for it. Ctrl-C belongs to gdb meanwhile (it stops the
// target with it), so the rig ignores SIGINT until gdb has exited.
int run_gdb(const std::vector<std::string>& argv) {
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGINT, &ignore, &previous);
    const pid_t child = ::fork();
    if (child == 0) {
        ::signal(SIGINT, SIG_DFL);
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    while (child > 0 && ::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    ::sigaction(SIGINT, &previous, nullptr);
    if (child < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int gdb(const GdbArgs& args) {
    auto board = load_bench_board(args.bench);
    if (!board) return bench_fail("gdb", board.error());
    std::optional<elf::Image> image;
    if (!args.image.empty()) {
        auto loaded = load_image_for(*board, args.image);
        if (!loaded) return bench_fail("gdb", loaded.error());
        image = std::move(*loaded);
    }
    if (args.run && !util::program_available("gdb-multiarch"))
        return bench_fail("gdb", make_error(ErrorKind::not_found,
                                            "gdb-multiarch is not installed: apt-get install "
                                            "gdb-multiarch"));
    auto bench = BenchBoard::hold(args.bench, "gdb");
    if (!bench) return bench_fail("gdb", bench.error());
    auto& b = **bench;
    const std::string& name = b.board().name;
    if (auto started = b.start_probe(); !started) return bench_fail("gdb", started.error());
    if (image) {
        if (auto flashed = b.bring_up().flash(*image, session::FlashPolicy::always); !flashed)
            return bench_fail("gdb", flashed.error().context("board " + name + ": flash"));
        if (auto reset = b.bring_up().reset(); !reset)
            return bench_fail("gdb", reset.error().context("board " + name + ": reset"));
        fmt::print(stderr, "rig gdb: flashed {} to {} and reset it\n", args.image, name);
    }
    const std::string address = b.probe().gdb_address();
    if (address.empty())
        return bench_fail("gdb", make_error(ErrorKind::unsupported, "board " + name + "'s probe has no GDB server"));
    if (auto released = b.probe().release_gdb(); !released)
        return bench_fail("gdb", released.error().context("board " + name));

    const auto command = gdb_command_line(address, args.image);
    std::string line;
    for (const auto& word : command) line += (line.empty() ? "" : " ") + shell_word(word);
    fmt::print("{}\n", line);
    std::fflush(stdout);
    if (args.run) {
        const int status = run_gdb(command);
        if (status < 0) return bench_fail("gdb", make_error(ErrorKind::io, "cannot start gdb-multiarch"));
        return status == 0 ? exit_ok : exit_run_failed;
    }
    fmt::print(stderr, "rig gdb: {}'s GDB server is at {} ({}); Ctrl-C stops it\n", name, address,
               b.probe().describe());
    const auto deadline = args.seconds > 0 ? std::chrono::steady_clock::now() +
                                                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                     std::chrono::duration<double>(args.seconds))
                                           : std::chrono::steady_clock::time_point::max();
    while (!cancel_requested().load() && std::chrono::steady_clock::now() < deadline) {
        if (!b.probe().alive())
            return bench_fail("gdb", make_error(ErrorKind::closed, "board " + name + ": the GDB server ended: " +
                                                                       b.probe().why_not_alive()));
        std::this_thread::sleep_for(100ms);
    }
    return cancel_requested().load() ? exit_cancelled : exit_ok;
}

}  // namespace

std::vector<std::string> gdb_command_line(const std::string& address, const std::string& elf) {
    std::vector<std::string> argv{"gdb-multiarch", "-ex", "target extended-remote " + address};
    if (!elf.empty()) argv.push_back(elf);
    return argv;
}

void add_gdb_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<GdbArgs>();
    auto* cmd = app.add_subcommand("gdb", "Start a board's GDB server and print (or --run) the gdb-multiarch command");
    add_bench_options(cmd, args->bench);
    cmd->add_option("--flash,--image", args->image, "Write this ELF first, reset, and give it to gdb for symbols");
    cmd->add_flag("--run", args->run, "Run gdb-multiarch here instead of printing its command");
    cmd->add_option("--seconds", args->seconds, "Stop the server after this many seconds (for scripts)")
        ->check(CLI::PositiveNumber);
    cmd->callback([args, &exit_code] { exit_code = gdb(*args); });
}

}  // namespace rig::cli
