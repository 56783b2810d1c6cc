#include "host/cli/device_access.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "host/probes/pyocd/pyocd_probe.hpp"
#include "host/util/child_process.hpp"

namespace rig::cli {
namespace {

namespace fs = std::filesystem;

std::string group_name(gid_t gid) {
    if (const auto* g = ::getgrgid(gid)) return g->gr_name;
    return std::to_string(gid);
}

std::string user_name(uid_t uid) {
    if (const auto* p = ::getpwuid(uid)) return p->pw_name;
    return std::to_string(uid);
}

std::string first_line(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

Identity current_identity() {
    Identity who;
    who.uid = ::geteuid();
    who.gid = ::getegid();
    const int count = ::getgroups(0, nullptr);
    if (count > 0) {
        who.groups.resize(static_cast<std::size_t>(count));
        if (::getgroups(count, who.groups.data()) < 0) who.groups.clear();
    }
    who.user = user_name(who.uid);
    return who;
}

std::string access_problem(const fs::path& node, const struct stat& st, const Identity& who) {
    if (who.uid == 0) return {};
    const auto rw = [&](mode_t read, mode_t write) { return (st.st_mode & read) && (st.st_mode & write); };
    if (st.st_uid == who.uid && rw(S_IRUSR, S_IWUSR)) return {};
    const bool in_group =
        st.st_gid == who.gid || std::find(who.groups.begin(), who.groups.end(), st.st_gid) != who.groups.end();
    if (st.st_uid != who.uid && in_group && rw(S_IRGRP, S_IWGRP)) return {};
    if (st.st_uid != who.uid && !in_group && rw(S_IROTH, S_IWOTH)) return {};
    const std::string what = fmt::format("{} (owner {}, group {}, mode {:04o})", node.string(), user_name(st.st_uid),
                                         group_name(st.st_gid), st.st_mode & 07777);
    if (rw(S_IRGRP, S_IWGRP) && !in_group && st.st_gid != 0)
        return fmt::format(
            "user {} cannot open {} for reading and writing: join its group (`sudo usermod -aG {} {}`, "
            "then log in again)",
            who.user, what, group_name(st.st_gid), who.user);
    return fmt::format(
        "user {} cannot open {} for reading and writing: install the udev rules "
        "(`sudo cp packaging/udev/70-kernel-rig.rules /etc/udev/rules.d/ && sudo udevadm control "
        "--reload && sudo udevadm trigger`), join the group rig (`sudo usermod -aG rig {}`) and "
        "replug the board",
        who.user, what, who.user);
}

std::string device_access_problem(const fs::path& node, const Identity& who) {
    struct stat st {};
    if (::stat(node.c_str(), &st) != 0) return {};  // absent: said elsewhere
    return access_problem(node, st, who);
}

std::vector<UsbDevice> usb_devices(const fs::path& sysfs, const fs::path& dev_usb) {
    std::vector<UsbDevice> found;
    std::error_code ec;
    for (fs::directory_iterator it(sysfs, ec), end; !ec && it != end; it.increment(ec)) {
        const auto dir = it->path();
        UsbDevice d;
        d.vendor = lower(first_line(dir / "idVendor"));
        d.product = lower(first_line(dir / "idProduct"));
        if (d.vendor.empty()) continue;  // an interface, not a device
        d.serial = first_line(dir / "serial");
        const auto bus = first_line(dir / "busnum"), device = first_line(dir / "devnum");
        if (!bus.empty() && !device.empty()) {
            try {
                d.node = dev_usb / fmt::format("{:03d}", std::stoi(bus)) / fmt::format("{:03d}", std::stoi(device));
            } catch (const std::exception&) {
            }
        }
        found.push_back(d);
    }
    std::sort(found.begin(), found.end(), [](const UsbDevice& a, const UsbDevice& b) { return a.node < b.node; });
    return found;
}

std::optional<ProbeUsbId> probe_usb_id(const board::Board& board) {
    if (board.probe.kind == board::ProbeKind::qemu_gdb) return std::nullopt;
    const auto what = lower(board.chip + " " + board.probe.config + " " + board.probe.target);
    if (what.find("nrf52") != std::string::npos) return ProbeUsbId{"1366", "", "SEGGER J-Link (USB 1366:*)"};
    if (what.find("sam4l") != std::string::npos) return ProbeUsbId{"03eb", "2111", "Atmel EDBG (USB 03eb:2111)"};
    return std::nullopt;
}

std::vector<std::string> board_needs(const board::Board& board, const Identity& who, const std::vector<UsbDevice>& usb,
                                     const std::optional<std::vector<std::string>>& pyocd013_targets) {
    std::vector<std::string> needs;
    if (board.probe.kind == board::ProbeKind::qemu_gdb) return needs;
    const auto id = probe_usb_id(board);
    if (board.probe.kind == board::ProbeKind::pyocd && pyocd013_targets) {
        if (auto problem = probes::pyocd::pyocd013_target_problem(board, *pyocd013_targets); !problem.empty())
            needs.push_back(problem);
        if (id && id->vendor == "1366")
            needs.emplace_back(
                "pyOCD 0.13 cannot drive a J-Link (its probes are CMSIS-DAP and ST-Link): use OpenOCD, "
                "or a current pyOCD on PATH");
    }
    if (id) {
        std::vector<const UsbDevice*> matching;
        for (const auto& d : usb)
            if (d.vendor == id->vendor && (id->product.empty() || d.product == id->product) &&
                (board.probe.adapter_serial.empty() || d.serial.find(board.probe.adapter_serial) != std::string::npos))
                matching.push_back(&d);
        if (matching.empty()) {
            needs.push_back("its probe, " + id->name +
                            (board.probe.adapter_serial.empty() ? "" : " with serial " + board.probe.adapter_serial) +
                            ", is not attached (USB cable to the board's debug USB port)");
        }
        for (const auto* d : matching)
            if (!d->node.empty())
                if (auto problem = device_access_problem(d->node, who); !problem.empty()) needs.push_back(problem);
    }
    if (board.uart.kind == board::UartKind::serial) {
        std::error_code ec;
        if (!fs::exists(board.uart.device, ec))
            needs.push_back("its serial port " + board.uart.device + " is not present");
        else if (auto problem = device_access_problem(board.uart.device, who); !problem.empty())
            needs.push_back(problem);
    }
    return needs;
}

}  // namespace rig::cli
