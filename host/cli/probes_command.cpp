#include "host/cli/probes_command.hpp"

#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/probes/attached.hpp"
#include "host/util/child_process.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <memory>

namespace rig::cli {
namespace {

using namespace std::chrono_literals;

struct ProbesArgs {
    std::string boards_dir = config::boards_dir().string();
    std::string root = "/";  // where /sys and /dev are (tests give a fake tree)
    bool no_pyocd = false;
};

std::string assigned(const std::vector<std::string>& boards) {
    return boards.empty() ? "unassigned" : fmt::format("board {}", fmt::join(boards, ", "));
}

std::string usb_ids(const probes::UsbDevice& usb) {
    std::string text = fmt::format("{}:{}", usb.vendor_id, usb.product_id);
    if (!usb.serial.empty()) text += " serial " + usb.serial;
    return text;
}

// pyOCD's own list: `pyocd json --probes`, or `pyocd-gdbserver -l --json` for Debian's 0.13.
void print_pyocd_view(const std::vector<board::Board>& boards) {
    std::vector<std::string> argv;
    if (util::program_available("pyocd"))
        argv = {"pyocd", "json", "--probes"};
    else if (util::program_available("pyocd-gdbserver"))
        argv = {"pyocd-gdbserver", "-l", "--json"};
    if (argv.empty()) {
        fmt::print("\npyOCD: not installed (apt-get install python3-pyocd)\n");
        return;
    }
    fmt::print("\nDebug probes pyOCD sees ({}):\n", fmt::join(argv, " "));
    const auto out = util::run_program(argv, 30s, &cancel_requested());
    if (!out.ok) {
        fmt::print("  pyOCD failed ({}): {}\n", out.status, out.err.substr(0, 300));
        return;
    }
    auto listed = probes::parse_pyocd_probe_list(out.out);
    if (!listed) {
        fmt::print("  {}\n", listed.error().message);
        return;
    }
    if (listed->empty()) fmt::print("  none found\n");
    for (const auto& p : *listed)
        fmt::print("  {}  {}  -> {}\n", p.unique_id, p.description,
                   assigned(probes::boards_for_probe(p.unique_id, boards)));
}

int list_probes(const ProbesArgs& args) {
    std::vector<board::Board> boards;
    for (auto& b : board::load_all_boards(args.boards_dir)) {
        if (b)
            boards.push_back(std::move(*b));
        else
            fmt::print(stderr, "rig probes: {} (not matched)\n", b.error().message);
    }
    const auto usb = probes::scan_debug_probes(args.root);
    fmt::print("Debug probes on USB (as OpenOCD finds them: J-Link, EDBG/CMSIS-DAP, ST-Link):\n");
    if (usb.empty()) fmt::print("  none found\n");
    for (const auto& p : usb)
        fmt::print("  {}  {}  usb {}  -> {}\n", p.kind, usb_ids(p.usb), p.usb.path,
                   assigned(probes::boards_for_probe(p.usb.serial, boards)));

    if (!args.no_pyocd) print_pyocd_view(boards);

    const auto ports = probes::scan_serial_ports(args.root);
    fmt::print("\nSerial ports (/dev/serial/by-id):\n");
    if (ports.empty()) fmt::print("  none found\n");
    for (const auto& port : ports)
        fmt::print("  {} ({}){}  -> {}\n", port.by_id.string(), port.tty,
                   port.usb ? "  " + usb_ids(*port.usb) : std::string(),
                   assigned(probes::boards_for_port(port, boards)));

    // Boards that name a probe or a port that is not here.
    std::vector<std::string> missing;
    for (const auto& b : boards) {
        if (b.probe.kind == board::ProbeKind::qemu_gdb) continue;
        bool probe_here = false, port_here = false;
        for (const auto& p : usb) probe_here |= probes::same_serial(b.probe.adapter_serial, p.usb.serial);
        for (const auto& port : ports) {
            const auto names = probes::boards_for_port(port, {b});
            port_here |= !names.empty();
        }
        std::vector<std::string> lacks;
        if (!b.probe.adapter_serial.empty() && !probe_here) lacks.push_back("probe " + b.probe.adapter_serial);
        if (b.uart.kind == board::UartKind::serial && !port_here) lacks.push_back("port " + b.uart.device);
        if (!lacks.empty()) missing.push_back(fmt::format("{} ({})", b.name, fmt::join(lacks, ", ")));
    }
    if (!missing.empty()) fmt::print("\nBoards whose probe or port is not plugged in: {}\n", fmt::join(missing, "; "));
    return exit_ok;
}

}  // namespace

void add_probes_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ProbesArgs>();
    auto* cmd = app.add_subcommand("probes", "List attached debug probes and serial ports, matched to board files");
    cmd->add_option("--boards-dir", args->boards_dir, "Folder of board files")->capture_default_str();
    cmd->add_option("--root", args->root, "Where /sys and /dev are (for tests)")->capture_default_str();
    cmd->add_flag("--no-pyocd", args->no_pyocd, "Do not ask pyOCD (it takes a few seconds to start)");
    cmd->callback([args, &exit_code] { exit_code = list_probes(*args); });
}

}  // namespace rig::cli
