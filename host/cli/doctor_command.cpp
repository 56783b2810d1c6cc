#include "host/cli/doctor_command.hpp"

#include <fmt/format.h>
#include <glob.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "host/board/board.hpp"
#include "host/cli/board_folders.hpp"
#include "host/cli/device_access.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/probes/pyocd/pyocd_probe.hpp"
#include "host/probes/start_probe.hpp"
#include "host/session/health_check.hpp"
#include "host/util/child_process.hpp"

namespace rig::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Text output, printed unless --json asked for the document instead.
template <typename... Args>
void say(bool on, fmt::format_string<Args...> format, Args&&... args) {
    if (on) fmt::print(format, std::forward<Args>(args)...);
}

struct Program {
    std::string name;  // on PATH, or an absolute path
    std::vector<std::string> version_args;
    std::string install;  // what to do when it is missing
    bool required;        // needed for the QEMU board (the others are for real boards)
};

const std::vector<Program>& programs() {
    static const std::vector<Program> list{
        {"qemu-system-arm", {"--version"}, "apt-get install qemu-system-arm", true},
        {"gdb-multiarch", {"--version"}, "apt-get install gdb-multiarch", false},
        {"openocd", {"--version"}, "apt-get install openocd", false},
        {"pyocd", {"--version"}, "a current pyOCD on PATH (benches), or apt-get install python3-pyocd (0.13)", false},
        {"pyocd-gdbserver", {"--version"}, "apt-get install python3-pyocd", false},
        {"arm-none-eabi-gcc", {"--version"}, "apt-get install gcc-arm-none-eabi", true},
        {"/usr/bin/cargo", {"--version"}, "apt-get install cargo-web", true},
        {"/usr/bin/rustc", {"--version"}, "apt-get install rustc-web", true},
    };
    return list;
}

// First line a program prints for its version (openocd writes it to stderr), within a deadline.
std::string version_of(const Program& program) {
    std::vector<std::string> argv{program.name};
    argv.insert(argv.end(), program.version_args.begin(), program.version_args.end());
    const auto ran = util::run_program(argv, 5s);  // stopped and reaped if it hangs
    const std::string text = ran.out + ran.err;
    std::string first;
    for (std::size_t start = 0; start < text.size() && first.empty();) {
        const auto end = std::min(text.find('\n', start), text.size());
        first = text.substr(start, end - start);
        start = end + 1;
    }
    return first.empty() ? "(printed no version)" : first;
}

std::vector<std::string> serial_ports() {
    std::vector<std::string> found;
    for (const char* pattern : {"/dev/ttyACM*", "/dev/ttyUSB*", "/dev/serial/by-id/*"}) {
        glob_t matches{};
        if (::glob(pattern, 0, nullptr, &matches) == 0)
            for (std::size_t i = 0; i < matches.gl_pathc; ++i) found.emplace_back(matches.gl_pathv[i]);
        ::globfree(&matches);
    }
    return found;
}

struct Answer {
    bool answers = false;
    std::string note;
};

// A board answers when its health check passes: the same bring-up rigd uses (probe, flash,
// HELLO with its checks, PING, the counter's rate). A real board is tried only when its probe
// program and its serial port are both here.
Answer try_board(const board::Board& b, const fs::path& scratch, std::vector<std::string>& missing) {
    std::vector<std::string> absent;
    if (auto program = probes::missing_probe_program(b)) absent.push_back(*program);
    std::error_code ec;
    if (b.uart.kind == board::UartKind::serial && !fs::exists(b.uart.device, ec))
        absent.push_back("serial port " + b.uart.device + " not present");
    if (!absent.empty()) {
        std::string why;
        for (const auto& a : absent) why += (why.empty() ? "" : "; ") + a;
        if (b.uart.kind == board::UartKind::serial)
            missing.push_back(
                fmt::format("board {}: connect it (its serial port must appear as {}) and set "
                            "uart.device / probe.adapter_serial in {}{}",
                            b.name, b.uart.device, b.file.string(),
                            b.file.parent_path() == source_dir() / "boards"
                                ? " (in the bench's own copy: ~/.config/kernel-rig/boards/ or $RIG_BOARDS_PATH, "
                                  "docs/bench.md)"
                                : ""));
        return {false, why};
    }
    const auto image = default_image(b.image_name());
    auto healthy = session::check_board_health(b, image, scratch / (b.name + ".log"), &cancel_requested(), {});
    if (!healthy) return {false, healthy.error().message};
    return {true, "health check passed: probe, flash, HELLO, PING" +
                      std::string(b.counter == board::CounterUnit::cycles ? ", counter rate" : "")};
}

// Missing, as text: what one board lacks under one heading ("board nrf52840dk:"), in the order
// first met; other items (programs) alone, with no items under them.
std::vector<std::pair<std::string, std::vector<std::string>>> grouped_by_board(
    const std::vector<std::string>& missing) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const auto& m : missing) {
        const auto colon = m.find(": ");
        if (!m.starts_with("board ") || colon == std::string::npos) {
            groups.emplace_back(m, std::vector<std::string>{});
            continue;
        }
        const auto heading = m.substr(0, colon);
        auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == heading; });
        if (group == groups.end()) group = groups.insert(groups.end(), {heading, {}});
        group->second.push_back(m.substr(colon + 2));
    }
    return groups;
}

int run_doctor(const board::SearchPath& boards_dir, bool json) {
    const bool text = !json;
    // Separate arrays, put into the document at the end: an ordered_json object keeps its members in
    // a vector, so a reference to one member dies when the next is added.
    auto programs_json = nlohmann::ordered_json::array();
    auto boards_json = nlohmann::ordered_json::array();
    auto ports_json = nlohmann::ordered_json::array();
    auto answering_json = nlohmann::ordered_json::array();
    auto needs_json = nlohmann::ordered_json::array();
    std::vector<std::string> missing;
    // Probe logs go to a private folder of our own (mkdtemp: 0700, a name nobody can predict).
    std::error_code tmp_ec;
    std::string scratch_template = (fs::temp_directory_path(tmp_ec) / "rig-doctor-XXXXXX").string();
    if (tmp_ec || !::mkdtemp(scratch_template.data())) {
        fmt::print(stderr, "rig doctor: cannot create a scratch folder {}: {}\n", scratch_template,
                   tmp_ec ? tmp_ec.message() : std::strerror(errno));
        return exit_run_failed;
    }
    const fs::path scratch = scratch_template;

    say(text, "Programs:\n");
    for (const auto& program : programs()) {
        if (!util::program_available(program.name)) {
            // pyocd and pyocd-gdbserver stand in for each other: one entry for the pair.
            const bool pyocd = program.name.starts_with("pyocd");
            const std::string other = program.name == "pyocd" ? "pyocd-gdbserver" : "pyocd";
            if (pyocd && util::program_available(other)) {
                say(text, "  -        {:<20} not installed; {} is used instead\n", program.name, other);
                programs_json.push_back({{"name", program.name}, {"status", "replaced"}, {"by", other}});
                continue;
            }
            say(text, "  missing  {:<20} -> {}\n", program.name, program.install);
            programs_json.push_back({{"name", program.name}, {"status", "missing"}, {"install", program.install}});
            if (!pyocd)
                missing.push_back(program.name + ": " + program.install);
            else if (program.name == "pyocd-gdbserver" && !util::program_available("pyocd"))
                missing.emplace_back(
                    "pyOCD (for probe.kind = \"pyocd\" boards): apt-get install python3-pyocd "
                    "(pyocd-gdbserver 0.13), or a current pyocd on PATH");
            continue;
        }
        std::string version = version_of(program);
        if (program.name == "/usr/bin/rustc") {
            const bool src = fs::exists("/usr/lib/rustlib/src/rust/library/core");
            version += src ? "; rust-src present" : "; rust-src MISSING";
            if (!src) missing.emplace_back("rust-src: apt-get install rust-web-src");
        }
        say(text, "  ok       {:<20} {}\n", program.name, version);
        programs_json.push_back({{"name", program.name}, {"status", "ok"}, {"version", version}});
    }

    say(text, "\nBoards configured ({}):\n", boards_dir.describe());
    std::vector<board::Board> boards;
    for (const auto& b : board::load_all_boards(boards_dir)) {
        if (!b) {
            say(text, "  error    {}\n", b.error().message);
            boards_json.push_back({{"error", b.error().message}});
            missing.push_back("fix the board file: " + b.error().message);
            continue;
        }
        say(text, "  ok       {:<20} {:<8} {:<13} {}\n", b->name, board::to_string(b->probe.kind),
            b->uart.kind == board::UartKind::serial ? b->uart.device : "uart over tcp", b->description);
        boards_json.push_back({{"name", b->name},
                               {"probe", board::to_string(b->probe.kind)},
                               {"uart", b->uart.kind == board::UartKind::serial ? b->uart.device : "tcp"},
                               {"description", b->description},
                               {"file", b->file.string()}});
        boards.push_back(*b);
    }

    say(text, "\nSerial ports present:\n");
    const auto ports = serial_ports();
    if (ports.empty()) say(text, "  none     (no /dev/ttyACM*, /dev/ttyUSB*, /dev/serial/by-id/*)\n");
    for (const auto& p : ports) {
        say(text, "  present  {}\n", p);
        ports_json.push_back(p);
    }

    say(text, "\nBoards answering:\n");
    bool qemu_ok = false;
    for (const auto& b : boards) {
        const auto answer = try_board(b, scratch, missing);
        if (answer.answers && b.uart.kind == board::UartKind::tcp) qemu_ok = true;
        say(text, "  {:<8} {:<20} {}\n", answer.answers ? "answers" : "absent", b.name, answer.note);
        answering_json.push_back({{"board", b.name}, {"answers", answer.answers}, {"note", answer.note}});
    }

    // What each real board needs and lacks here: its probe attached, udev permissions on the
    // probe's USB node and the serial port, and what the probe program cannot do for it.
    say(text, "\nWhat each real board needs:\n");
    const auto who = current_identity();
    const auto usb = usb_devices();
    const bool old_pyocd = !util::program_available("pyocd") && util::program_available("pyocd-gdbserver");
    const auto targets = old_pyocd ? probes::pyocd::pyocd013_targets() : std::nullopt;
    for (const auto& b : boards) {
        if (b.probe.kind == board::ProbeKind::qemu_gdb) continue;
        const auto needs = board_needs(b, who, usb, targets);
        if (needs.empty()) say(text, "  ok       {:<20} probe attached, devices open for {}\n", b.name, who.user);
        for (const auto& need : needs) {
            say(text, "  lacks    {:<20} {}\n", b.name, need);
            needs_json.push_back({{"board", b.name}, {"need", need}});
            // An absent serial port is already in Missing, with what to do ("connect it …").
            if (need.find(" is not present") == std::string::npos) missing.push_back("board " + b.name + ": " + need);
        }
    }

    say(text, "\nMissing:\n");
    if (missing.empty()) say(text, "  nothing\n");
    for (const auto& [what, items] : grouped_by_board(missing)) {
        if (items.empty()) {
            say(text, "  - {}\n", what);
            continue;
        }
        say(text, "  - {}:\n", what);
        for (const auto& item : items) say(text, "      {}\n", item);
    }
    say(text, "\n{}\n",
        qemu_ok ? "doctor: the QEMU board works; `rig run` can run here."
                : "doctor: no QEMU board answers; `rig run` cannot run here (see Missing).");
    if (json) {
        nlohmann::ordered_json doc;
        doc["programs"] = std::move(programs_json);
        doc["boards"] = std::move(boards_json);
        doc["serial_ports"] = std::move(ports_json);
        doc["answering"] = std::move(answering_json);
        doc["needs"] = std::move(needs_json);
        doc["missing"] = missing;
        doc["qemu_works"] = qemu_ok;
        fmt::print("{}\n", doc.dump(2));
    }
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
    return qemu_ok ? exit_ok : exit_run_failed;
}

}  // namespace

void add_doctor_command(CLI::App& app, int& exit_code) {
    auto boards_dir = std::make_shared<std::string>();  // empty: the search path
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("doctor", "Check programs, boards, serial ports and which boards answer");
    add_boards_dir_option(*cmd, *boards_dir);
    cmd->add_flag("--json", *json, "Print the findings as one JSON object");
    cmd->callback([boards_dir, json, &exit_code] { exit_code = run_doctor(boards_search_path(*boards_dir), *json); });
}

}  // namespace rig::cli
