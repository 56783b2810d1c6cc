#include "host/cli/lab_command.hpp"

#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/util/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace rig::cli {
namespace {

namespace fs = std::filesystem;

struct LabArgs {
    std::string dir;
    // master
    std::string lab;
    std::string config = (source_dir() / "packaging" / "buildbot" / "master.cfg").string();
    // worker
    std::string master;
    std::string name;
    std::string password_file;
};

// Runs one of Buildbot's programs; on failure prints what it said and gives the exit code.
int run_buildbot(const std::vector<std::string>& argv, const std::string& what) {
    if (!util::program_available(argv[0])) {
        fmt::print(stderr, "rig lab: {} is not installed (apt-get install buildbot buildbot-worker)\n", argv[0]);
        return exit_bad_input;
    }
    const auto run = util::run_program(argv, std::chrono::seconds(180));
    if (run.ok) return exit_ok;
    fmt::print(stderr, "rig lab: {} failed: {} {}: {}{}\n", what, argv[0], run.status, run.out, run.err);
    return exit_run_failed;
}

bool copy_into(const fs::path& from, const fs::path& to, fs::perms mode) {
    std::error_code ec;
    if (!fs::is_regular_file(from, ec)) {
        fmt::print(stderr, "rig lab: {} is not a file\n", from.string());
        return false;
    }
    if (!fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec) || (fs::permissions(to, mode, ec), ec)) {
        fmt::print(stderr, "rig lab: cannot copy {} to {}: {}\n", from.string(), to.string(), ec.message());
        return false;
    }
    return true;
}

// What `buildbot-worker create-worker` is given instead of the password.
constexpr const char* password_placeholder = "rig-lab-placeholder";

// `password` as a Python string literal: buildbot.tac is Python (read as UTF-8, its default).
// Backslashes and quotes are escaped and control characters written as \xNN, so no password can
// end the literal early; other bytes, UTF-8 included, are copied as they are (a \xNN of a UTF-8
// byte would be another character).
std::string python_literal(const std::string& password) {
    std::string literal = "'";
    for (const unsigned char c : password) {
        if (c == '\\' || c == '\'') literal += '\\';
        if (c < 0x20 || c == 0x7f)
            literal += fmt::format("\\x{:02x}", c);
        else
            literal += static_cast<char>(c);
    }
    return literal + "'";
}

// Puts `password` into the worker's buildbot.tac in place of the placeholder (its `passwd = …`
// line) and makes the file 0600. Written to a temporary file and renamed, so a failure leaves the
// old file. Returns what went wrong, or nothing.
std::string write_worker_password(const fs::path& tac, const std::string& password) {
    std::ifstream in(tac);
    if (!in) return fmt::format("cannot read {}", tac.string());
    std::string text, line;
    int replaced = 0;
    while (std::getline(in, line)) {
        if (line.rfind("passwd = ", 0) == 0) {
            line = "passwd = " + python_literal(password);
            ++replaced;
        }
        text += line + "\n";
    }
    if (replaced != 1)
        return fmt::format("{} has {} `passwd = ` lines, not one: buildbot-worker's format changed", tac.string(),
                           replaced);
    // Created 0600 by open() itself: a file made first and narrowed after could be opened by another
    // user in between, and an open descriptor keeps its access.
    const fs::path temporary = tac.string() + ".tmp";
    ::unlink(temporary.c_str());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return fmt::format("cannot create {}: {}", temporary.string(), std::strerror(errno));
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    if (::close(fd) != 0 || !written) {
        ::unlink(temporary.c_str());
        return fmt::format("cannot write {}", temporary.string());
    }
    std::error_code ec;
    fs::rename(temporary, tac, ec);
    if (ec) return fmt::format("cannot replace {}: {}", tac.string(), ec.message());
    return {};
}

int lab_master(const LabArgs& args) {
    const fs::path dir = args.dir;
    std::error_code ec;
    if (!fs::exists(dir / "buildbot.tac", ec))
        if (int code = run_buildbot({"buildbot", "create-master", "--quiet", dir.string()}, "creating the master");
            code != exit_ok)
            return code;
    // The lab file holds the workers' passwords: readable by the master's user alone.
    if (!copy_into(args.config, dir / "master.cfg", fs::perms::owner_read | fs::perms::owner_write) ||
        !copy_into(args.lab, dir / "lab.toml", fs::perms::owner_read | fs::perms::owner_write))
        return exit_bad_input;
    const auto check = util::run_program({"buildbot", "checkconfig", dir.string()}, std::chrono::seconds(180));
    if (!check.ok) {
        // Buildbot prints a Python traceback first; its summary follows "Configuration Errors:".
        std::string said = check.out + check.err;
        if (const auto summary = said.find("Configuration Errors:"); summary != std::string::npos)
            said.erase(0, summary);
        fmt::print(stderr, "rig lab: the lab file {} does not make a valid master ({}):\n{}\n", args.lab, check.status,
                   said);
        return exit_bad_input;
    }
    fmt::print("master ready in {} (lab file {}); start it with: buildbot start {}\n", dir.string(),
               (dir / "lab.toml").string(), dir.string());
    return exit_ok;
}

int lab_worker(const LabArgs& args) {
    std::ifstream in(args.password_file);
    std::string password;
    std::getline(in, password);
    while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) password.pop_back();
    if (password.empty()) {
        fmt::print(stderr, "rig lab: no password in {} (the bench's `password` of the lab file, on its first line)\n",
                   args.password_file);
        return exit_bad_input;
    }
    if (args.master.find(':') == std::string::npos) {
        fmt::print(stderr, "rig lab: --master {} is not HOST:PORT\n", args.master);
        return exit_bad_input;
    }
    // --umask: files the builds write (results, logs) stay readable by the bench's group. The
    // password never goes on a command line (any local user can read another's in /proc): the
    // worker is created with a placeholder, then its buildbot.tac gets the real one and is made
    // readable by the bench's user alone.
    if (int code = run_buildbot({"buildbot-worker", "create-worker", "--quiet", "--force", "--umask=0o022", args.dir,
                                 args.master, args.name, password_placeholder},
                                "creating the worker");
        code != exit_ok)
        return code;
    if (auto written = write_worker_password(fs::path(args.dir) / "buildbot.tac", password); !written.empty()) {
        fmt::print(stderr, "rig lab: {}\n", written);
        return exit_run_failed;
    }
    fmt::print("worker {} ready in {} (master {}); start it with: buildbot-worker start {}\n", args.name, args.dir,
               args.master, args.dir);
    return exit_ok;
}

}  // namespace

void add_lab_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<LabArgs>();
    auto* lab = app.add_subcommand("lab", "Set up a lab of many benches (a Buildbot master and its bench workers)");
    lab->require_subcommand(1);
    auto* master = lab->add_subcommand("master", "Create (or update) the lab's Buildbot master from a lab file");
    master->add_option("dir", args->dir, "The master's folder")->required();
    master->add_option("--lab", args->lab, "The lab file (packaging/buildbot/lab.sample.toml)")->required();
    master->add_option("--config", args->config, "The master configuration")->capture_default_str();
    master->callback([args, &exit_code] { exit_code = lab_master(*args); });
    auto* worker = lab->add_subcommand("worker", "Create a bench's Buildbot worker");
    worker->add_option("dir", args->dir, "The worker's folder")->required();
    worker->add_option("--master", args->master, "The master's HOST:PORT ([lab] port)")->required();
    worker->add_option("--name", args->name, "The bench's name in the lab file")->required();
    worker->add_option("--password-file", args->password_file, "A file whose first line is the bench's password")
        ->required();
    worker->callback([args, &exit_code] { exit_code = lab_worker(*args); });
}

}  // namespace rig::cli
