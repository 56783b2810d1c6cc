// rigd: the kernel-rig daemon. Owns the boards (a queue, a lock and a worker thread per board),
// keeps the queue in <state-dir>/queue.json, and serves `rig` over a unix socket (README "The daemon").
#include "host/board/board.hpp"
#include "host/config/paths.hpp"
#include "host/daemon/api.hpp"
#include "host/daemon/board_worker.hpp"
#include "host/daemon/job_queue.hpp"
#include "host/daemon/server.hpp"
#include "host/util/exit_code.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <sstream>

namespace {

using namespace rig;

struct Args {
    std::string socket;
    std::string boards_dir;  // empty: the search path
    std::string results_dir = config::results_dir().string();
    std::string state_dir;  // default: <results-dir>/rigd
    std::string history;    // default: <results-dir>/history.sqlite
    std::string image;
    std::string group;
    std::string boards;
    unsigned health_minutes = 10;
    unsigned health_retry_seconds = 30;
    unsigned unhealthy_wait_seconds = 1800;
    std::size_t max_connections = 64;
    std::size_t max_connections_per_uid = 0;  // 0: a quarter of max_connections
    double request_timeout_s = 10;
    double idle_timeout_s = 60;
};

// The boards named on the command line, or every qemu-gdb board in the folder (real boards are
// shared lab hardware: a daemon takes them only when told to).
Result<std::vector<board::Board>> owned_boards(const Args& args) {
    std::vector<board::Board> owned;
    if (!args.boards.empty()) {
        std::istringstream names(args.boards);
        for (std::string name; std::getline(names, name, ',');) {
            if (name.empty()) continue;
            auto b = board::find_board(name, config::boards_search_path(args.boards_dir));
            if (!b) return b.error();
            owned.push_back(*b);
        }
    } else {
        for (auto& b : board::load_all_boards(config::boards_search_path(args.boards_dir))) {
            if (!b) return b.error();
            if (b->probe.kind == board::ProbeKind::qemu_gdb) owned.push_back(*b);
        }
    }
    if (owned.empty())
        return make_error(ErrorKind::not_found,
                          "no boards to own in " + config::boards_search_path(args.boards_dir).describe());
    return owned;
}

int serve(const Args& args) {
    std::optional<gid_t> group;
    if (!args.group.empty()) {
        const struct group* g = ::getgrnam(args.group.c_str());
        if (!g) {
            fmt::print(stderr, "rigd: no group '{}'\n", args.group);
            return util::exit_bad_input;
        }
        group = g->gr_gid;
    }
    auto boards = owned_boards(args);
    if (!boards) {
        fmt::print(stderr, "rigd: {}\n", boards.error().message);
        return util::exit_bad_input;
    }
    // Absolute: clients read the result files rigd names from folders of their own.
    if (args.results_dir.empty()) {
        fmt::print(stderr, "rigd: --results-dir needs a folder, not an empty string\n");
        return util::exit_bad_input;
    }
    std::error_code ec;
    const auto absolute = [&ec](const std::string& path) {
        return path.empty() || ec ? std::filesystem::path(path) : std::filesystem::absolute(path, ec);
    };
    const std::filesystem::path results_dir = absolute(args.results_dir);
    const std::filesystem::path state_dir = args.state_dir.empty() ? results_dir / "rigd" : absolute(args.state_dir);
    const std::filesystem::path history = absolute(args.history), image = absolute(args.image);
    if (ec) {  // the working folder is gone
        fmt::print(stderr, "rigd: cannot make the paths absolute: {}\n", ec.message());
        return util::exit_bad_input;
    }
    std::vector<std::string> names;
    for (const auto& b : *boards) names.push_back(b.name);
    auto queue = daemon::JobQueue::open(state_dir / "queue.json", names);
    if (!queue) {
        fmt::print(stderr, "rigd: {}\n", queue.error().message);
        return util::exit_bad_input;
    }

    boost::asio::io_context io;
    daemon::ServerConfig server_config;
    server_config.socket = args.socket.empty() ? daemon::default_daemon_socket() : std::filesystem::path(args.socket);
    server_config.group = group;
    server_config.max_connections = args.max_connections;
    server_config.max_connections_per_uid = args.max_connections_per_uid;
    server_config.partial_line_timeout =
        std::chrono::milliseconds(static_cast<long long>(args.request_timeout_s * 1000));
    server_config.idle_timeout = std::chrono::milliseconds(static_cast<long long>(args.idle_timeout_s * 1000));
    auto server = daemon::Server::create(io, **queue, server_config);
    if (!server) {
        fmt::print(stderr, "rigd: {}\n", server.error().message);
        return util::exit_bad_input;
    }

    daemon::WorkerConfig worker_config;
    worker_config.results_dir = results_dir;
    // The history goes with an explicit --results-dir; otherwise it is the resolved default.
    if (!history.empty())
        worker_config.history_file = history;
    else if (results_dir != absolute(config::results_dir().string()))
        worker_config.history_file = results_dir / "history.sqlite";
    else
        worker_config.history_file = config::history_file();
    worker_config.image = image;
    worker_config.health.interval = std::chrono::minutes(args.health_minutes);
    worker_config.health.first_retry = std::min<std::chrono::milliseconds>(
        std::chrono::seconds(args.health_retry_seconds), worker_config.health.interval);
    worker_config.health.job_wait = std::chrono::seconds(args.unhealthy_wait_seconds);
    std::vector<std::unique_ptr<daemon::BoardWorker>> workers;
    for (const auto& b : *boards) workers.push_back(std::make_unique<daemon::BoardWorker>(b, **queue, worker_config));

    // SIGHUP too: a rigd started from an ssh session that drops stops in order, like on SIGTERM.
    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    signals.async_wait([&](const boost::system::error_code&, int signo) {
        fmt::print(stderr, "rigd: signal {}, stopping (a running job goes back to the queue)\n", signo);
        (*server)->stop();
        io.stop();
    });
    std::signal(SIGPIPE, SIG_IGN);
    (*server)->start();
    fmt::print(stderr, "rigd: listening on {} for boards {}; queue in {}\n", server_config.socket.string(),
               fmt::join(names, ", "), (state_dir / "queue.json").string());
    io.run();

    (*queue)->stop();
    workers.clear();  // joins: each worker finishes or re-queues its job
    server->reset();
    return util::exit_ok;
}

}  // namespace

// What escapes main is a bug in rigd (a job's exception fails only that job, the commands turn
// expected failures into exit codes): std::terminate names it and aborts, a loud post-mortem.
// NOLINTNEXTLINE(bugprone-exception-escape): as said above
int main(int argc, char** argv) {
    if (auto loaded = rig::config::load(); !loaded) {
        fmt::print(stderr, "rigd: {}\n", loaded.error().message);
        return rig::util::exit_bad_input;
    }
    CLI::App app{"rigd: the kernel-rig daemon — queues runs per board and runs boards in parallel"};
    Args args;
    app.add_option("--socket", args.socket,
                   "Unix socket to listen on (default: /run/rigd/rigd.sock as root, else $XDG_RUNTIME_DIR/rigd.sock)");
    app.add_option("--boards-dir", args.boards_dir, config::boards_dir_help());
    app.add_option("--results-dir", args.results_dir, "Folder results and logs are written to")->capture_default_str();
    app.add_option("--state-dir", args.state_dir, "Folder of the queue state (default: <results-dir>/rigd)");
    app.add_option("--history", args.history,
                   "History database (default: " + rig::config::history_file().string() +
                       ", or <results-dir>/history.sqlite when --results-dir is given)");
    app.add_option(
        "--image", args.image,
        "Firmware ELF for every board (default: per board, from " + rig::config::current().images.path.string() + ")");
    app.add_option("--group", args.group, "Group whose members may submit and cancel (socket becomes 0660)");
    app.add_option("--boards", args.boards, "Boards this daemon owns, comma-separated (default: every qemu-gdb board)");
    app.add_option("--health-interval", args.health_minutes,
                   "Longest wait, in minutes, between automatic health checks of an unhealthy board (0 = only on "
                   "request)")
        ->capture_default_str();
    app.add_option("--health-retry", args.health_retry_seconds,
                   "Seconds before the first re-check of a board that became unhealthy; each failed check doubles "
                   "the wait, up to --health-interval")
        ->check(CLI::Range(1u, 86400u))
        ->capture_default_str();
    app.add_option("--unhealthy-job-timeout", args.unhealthy_wait_seconds,
                   "Seconds a job waits for an unhealthy board before it fails with the board's health note "
                   "(0 = for ever)")
        ->capture_default_str();
    app.add_option("--max-connections", args.max_connections, "Client connections open at once, in all")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    app.add_option("--max-connections-per-uid", args.max_connections_per_uid,
                   "Client connections open at once per user (default: a quarter of --max-connections)");
    app.add_option("--request-timeout", args.request_timeout_s,
                   "Seconds a client may take to finish a request line it has begun")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    app.add_option("--idle-timeout", args.idle_timeout_s,
                   "Seconds an idle connection (no partial line, no job followed) is kept")
        ->check(CLI::Range(0.05, 86400.0))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : rig::util::exit_bad_input;
    }
    return serve(args);
}
